//! Generation from a build script: the client as a module written into
//! `OUT_DIR`, for `include!`, regenerated when the document changes.
//!
//! ```no_run
//! // In build.rs's `main`, with `openapi-rust-codegen` among the
//! // [build-dependencies]:
//! openapi_rust_codegen::build::Module::new("vendor/api.yaml", "crate::vendor")
//!     .overlay("vendor/fixes.overlay.yaml")
//!     .write()
//!     .unwrap_or_else(|e| panic!("{e}"));
//! ```
//!
//! ```ignore
//! // src/lib.rs: declares `pub mod vendor`
//! include!(concat!(env!("OUT_DIR"), "/vendor.rs"));
//! ```
//!
//! The crate needs the module's dependencies and features in its own
//! `Cargo.toml`: the CLI prints them (`openapi-rust-codegen generate --spec
//! vendor/api.yaml --module crate::vendor --out DIR`), and so does
//! [`crate::Generated::host`] for [`crate::Output::File`].
//!
//! Such a module holds its own copy of the runtime support code. A crate
//! that calls several APIs shares one runtime between them instead: write
//! it with [`Runtime`], and give its path to each [`Module::runtime`].
//!
//! ```no_run
//! use openapi_rust_codegen::build::{Module, Runtime};
//!
//! Runtime::new("crate::openapi_runtime").write().unwrap_or_else(|e| panic!("{e}"));
//! for (spec, path) in [("vendor/a.yaml", "crate::a"), ("vendor/b.yaml", "crate::b")] {
//!     Module::new(spec, path)
//!         .runtime("crate::openapi_runtime")
//!         .write()
//!         .unwrap_or_else(|e| panic!("{e}"));
//! }
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use crate::{Diagnostics, Generated, Options, Output, Overlay};

/// A module to generate from a build script.
#[derive(Debug, Clone)]
pub struct Module {
    spec: PathBuf,
    path: String,
    overlays: Vec<PathBuf>,
    strict: bool,
    crate_name: Option<String>,
    runtime: Option<String>,
}

/// The runtime that the modules of one crate share, to generate from a
/// build script (see the [module's docs](self)).
#[derive(Debug, Clone)]
pub struct Runtime {
    path: String,
}

impl Runtime {
    /// The runtime at `path` (`crate::openapi_runtime`, whose file is
    /// `openapi_runtime.rs`).
    pub fn new(path: impl Into<String>) -> Runtime {
        Runtime { path: path.into() }
    }

    /// Writes the runtime into `OUT_DIR` (when its text changed) and
    /// returns its file.
    pub fn write(&self) -> Result<PathBuf, BuildError> {
        self.write_into(&env_dir("OUT_DIR")?)
    }

    /// [`Runtime::write`] into `out`.
    fn write_into(&self, out: &Path) -> Result<PathBuf, BuildError> {
        let output = Output::File {
            path: self.path.clone(),
        };
        let generated =
            crate::runtime_module(&output, "its crate's build script").map_err(|message| {
                BuildError::Document(Diagnostics::new(
                    "runtime",
                    "",
                    vec![crate::Diagnostic::error("", message)],
                ))
            })?;
        write_files(&generated, out)
    }
}

/// A directory Cargo names in a build script's environment.
fn env_dir(name: &'static str) -> Result<PathBuf, BuildError> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .ok_or(BuildError::NotInBuildScript(name))
}

/// Writes each file of `generated` into `out` whose text changed (so that
/// nothing downstream rebuilds otherwise), and returns the last.
fn write_files(generated: &Generated, out: &Path) -> Result<PathBuf, BuildError> {
    let mut written = None;
    for (name, text) in &generated.files {
        let path = out.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).map_err(|error| BuildError::Io {
                path: path.clone(),
                error,
            })?;
        }
        written = Some(path);
    }
    written.ok_or_else(|| BuildError::Io {
        path: out.to_path_buf(),
        error: std::io::Error::other("nothing was generated"),
    })
}

/// Why a module could not be generated.
#[derive(Debug)]
pub enum BuildError {
    /// An environment variable Cargo sets for build scripts is missing:
    /// not run by Cargo.
    NotInBuildScript(&'static str),
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        error: std::io::Error,
    },
    /// The document (or an overlay) gives no correct client: every
    /// problem, located.
    Document(Diagnostics),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NotInBuildScript(var) => write!(
                f,
                "`{var}` is not set: `build::Module::write` runs in a build script, under Cargo"
            ),
            BuildError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            BuildError::Document(d) => write!(f, "{d}"),
        }
    }
}

impl std::error::Error for BuildError {}

impl Module {
    /// The module at `path` (`crate::vendor`, whose file is `vendor.rs`)
    /// from the document `spec`, relative to the package's directory.
    pub fn new(spec: impl Into<PathBuf>, path: impl Into<String>) -> Module {
        Module {
            spec: spec.into(),
            path: path.into(),
            overlays: Vec::new(),
            strict: false,
            crate_name: None,
            runtime: None,
        }
    }

    /// Uses the shared runtime at `path` (written by [`Runtime`]) instead
    /// of a copy of its own.
    pub fn runtime(mut self, path: impl Into<String>) -> Module {
        self.runtime = Some(path.into());
        self
    }

    /// Applies an OpenAPI Overlay (relative to the package's directory)
    /// after those given before.
    pub fn overlay(mut self, path: impl Into<PathBuf>) -> Module {
        self.overlays.push(path.into());
        self
    }

    /// Refuses a document the generator would read leniently.
    pub fn strict(mut self) -> Module {
        self.strict = true;
        self
    }

    /// The API's name in the module's docs (default: the document's title).
    pub fn crate_name(mut self, name: impl Into<String>) -> Module {
        self.crate_name = Some(name.into());
        self
    }

    /// Generates the module into `OUT_DIR` and returns its file. Tells
    /// Cargo to run the build script again when the document, a file it
    /// references or an overlay changes, and passes the warnings on
    /// (`cargo:warning`).
    pub fn write(&self) -> Result<PathBuf, BuildError> {
        self.write_into(&env_dir("CARGO_MANIFEST_DIR")?, &env_dir("OUT_DIR")?)
    }

    /// [`Module::write`] for the package at `package`, into `out`.
    fn write_into(&self, package: &Path, out: &Path) -> Result<PathBuf, BuildError> {
        let generated = self.generate_in(package)?;
        for warning in &generated.warnings.items {
            for line in warning
                .display(&generated.warnings.file)
                .to_string()
                .lines()
            {
                println!("cargo:warning={line}");
            }
        }
        write_files(&generated, out)
    }

    fn generate_in(&self, package: &Path) -> Result<Generated, BuildError> {
        let read = |relative: &Path| {
            let path = package.join(relative);
            println!("cargo:rerun-if-changed={}", path.display());
            std::fs::read_to_string(&path).map_err(|error| BuildError::Io { path, error })
        };
        let text = read(&self.spec)?;
        let mut overlays = Vec::new();
        for path in &self.overlays {
            overlays.push(Overlay {
                name: path.display().to_string(),
                text: read(path)?,
            });
        }
        let base_dir = package.join(&self.spec).parent().map(Path::to_path_buf);
        let options = Options {
            source_name: self.spec.display().to_string(),
            crate_name: self.crate_name.clone(),
            command: "its crate's build script".to_owned(),
            strict: self.strict,
            base_dir: base_dir.clone(),
            overlays,
            output: Output::File {
                path: self.path.clone(),
            },
            runtime: self.runtime.clone(),
            ..Options::default()
        };
        let generated = crate::generate(&text, &options).map_err(BuildError::Document)?;
        if let Some(dir) = base_dir {
            for source in &generated.sources {
                println!("cargo:rerun-if-changed={}", dir.join(source).display());
            }
        }
        Ok(generated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("build-module-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("out")).unwrap();
        dir
    }

    const DOCUMENT: &str = "openapi: 3.0.3\ninfo: {title: T, version: 1.0.0}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '204': {description: Done}\n";

    #[test]
    fn the_module_is_written_once_and_not_again_when_unchanged() {
        let dir = scratch("unchanged");
        std::fs::write(dir.join("api.yaml"), DOCUMENT).unwrap();
        let module = Module::new("api.yaml", "crate::api");
        let file = module.write_into(&dir, &dir.join("out")).unwrap();
        assert_eq!(file, dir.join("out/api.rs"));
        assert!(
            std::fs::read_to_string(&file)
                .unwrap()
                .contains("pub mod api {")
        );
        let before = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        module.write_into(&dir, &dir.join("out")).unwrap();
        let after = std::fs::metadata(&file).unwrap().modified().unwrap();
        assert_eq!(before, after, "unchanged text is not written again");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_broken_document_or_a_missing_file_writes_nothing_and_says_where() {
        let dir = scratch("broken");
        std::fs::write(
            dir.join("api.yaml"),
            DOCUMENT.replace("'204'", "'204': {}\n        bad"),
        )
        .unwrap();
        match Module::new("api.yaml", "crate::api").write_into(&dir, &dir.join("out")) {
            Err(BuildError::Document(d)) => assert!(d.to_string().contains("api.yaml:"), "{d}"),
            other => panic!("expected a located error, got {other:?}"),
        }
        match Module::new("missing.yaml", "crate::api").write_into(&dir, &dir.join("out")) {
            Err(e @ BuildError::Io { .. }) => {
                assert!(e.to_string().contains("missing.yaml"), "{e}")
            }
            other => panic!("expected the missing file named, got {other:?}"),
        }
        std::fs::write(dir.join("good.yaml"), DOCUMENT).unwrap();
        match Module::new("good.yaml", "api").write_into(&dir, &dir.join("out")) {
            Err(BuildError::Document(d)) => {
                assert!(d.to_string().contains("cannot be a module's path"), "{d}")
            }
            other => panic!("expected the path refused, got {other:?}"),
        }
        match Module::new("good.yaml", "crate::api")
            .runtime("crate::api::runtime")
            .write_into(&dir, &dir.join("out"))
        {
            Err(BuildError::Document(d)) => {
                assert!(d.to_string().contains("cannot be inside the module"), "{d}")
            }
            other => panic!("expected the runtime's path refused, got {other:?}"),
        }
        match Runtime::new("openapi_runtime").write_into(&dir.join("out")) {
            Err(BuildError::Document(d)) => {
                assert!(d.to_string().contains("cannot be a module's path"), "{d}")
            }
            other => panic!("expected the path refused, got {other:?}"),
        }
        assert_eq!(
            std::fs::read_dir(dir.join("out")).unwrap().count(),
            0,
            "nothing written"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_shared_runtime_and_its_module_name_one_another() {
        let dir = scratch("shared");
        std::fs::write(dir.join("api.yaml"), DOCUMENT).unwrap();
        let runtime = Runtime::new("crate::rt")
            .write_into(&dir.join("out"))
            .unwrap();
        assert_eq!(runtime, dir.join("out/rt.rs"));
        let runtime = std::fs::read_to_string(runtime).unwrap();
        assert!(runtime.contains("pub mod rt {"), "one module, in braces");
        assert!(!runtime.contains("DefaultApi"), "no default API");
        let module = Module::new("api.yaml", "crate::api")
            .runtime("crate::rt")
            .write_into(&dir, &dir.join("out"))
            .unwrap();
        let module = std::fs::read_to_string(module).unwrap();
        assert!(module.contains("pub type Client = crate::rt::Client<Api>;"));
        assert!(!module.contains("mod runtime"), "no runtime of its own");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
