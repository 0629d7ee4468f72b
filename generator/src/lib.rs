#![doc = include_str!("../README.md")]
//!
//! ## How it works
//!
//! Three stages, each with its own input and output:
//!
//! 1. [`read`]: text → a bundled, version-translated document (YAML or
//!    JSON, overlays applied, every file a `$ref` names read), with located
//!    errors;
//! 2. [`lower`]: that document → [`model::Api`], our own model, every
//!    `$ref` resolved and every name chosen;
//! 3. [`emit`]: [`model::Api`] → the crate's files, as strings.
//!
//! [`generate`] runs all three; [`sync`] writes the files to a directory (or
//! checks that it is up to date). `ARCHITECTURE.md` in the repository
//! gives the invariants between the stages.

pub mod build;
pub mod diff;
pub mod emit;
pub mod lower;
pub mod model;
pub mod names;
pub mod read;
pub mod sync;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub use emit::gates::FeatureMode;
pub use emit::module::Host;
pub use read::diagnostics::{self, Diagnostic, Diagnostics, Severity};
pub use read::overlay::Overlay;

/// How to generate.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The document's name in messages and in the `@generated` header.
    pub source_name: String,
    /// The crate's package name (default: the document's title, in kebab case).
    pub crate_name: Option<String>,
    /// The crate's version (default: the document's `info.version` when it
    /// is a semantic version, else `0.1.0`).
    pub crate_version: Option<String>,
    /// The command that regenerates the crate, named in every file's header.
    pub command: String,
    /// Treat every warning as an error: a document the generator had to
    /// interpret leniently (an empty `responses`, a duplicate operationId, an
    /// undeclared path parameter) is refused instead.
    pub strict: bool,
    /// The directory of the document, from which the files its `$ref`s name
    /// are read (`./schemas.yaml#/Pet`). `None`: a reference to another file
    /// is an error.
    pub base_dir: Option<std::path::PathBuf>,
    /// Whether the crate gets a Cargo feature per group of operations
    /// (by default, for documents of more than 100 operations).
    pub features: FeatureMode,
    /// OpenAPI Overlays (1.0, 1.1) applied, in order, to the document
    /// before anything else reads it.
    pub overlays: Vec<Overlay>,
    /// What to write: a crate (the default), or a module of another crate.
    pub output: Output,
    /// For a module ([`Output::Module`], [`Output::File`]): the path of a
    /// runtime that several generated modules of the crate share
    /// (`crate::openapi_runtime`), written once by [`runtime_module`]. The
    /// module then holds no runtime of its own, and its types (`Client`,
    /// `Error`) are the shared runtime's, given its API. `None`: the module
    /// holds its own runtime.
    pub runtime: Option<String>,
}

/// What [`generate`] writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Output {
    /// A crate of its own: `Cargo.toml`, `README.md`, `src/`, `examples/`.
    #[default]
    Crate,
    /// A module of the caller's crate, at the path `path` (`crate::vendor`),
    /// as the files of a directory (`mod.rs`, `types.rs`, `runtime/…`) that
    /// `mod vendor;` declares. The module holds its own runtime, unless
    /// [`Options::runtime`] names a shared one.
    Module {
        /// Where the module is in its crate: `crate::vendor`.
        path: String,
    },
    /// The same module as one file, `NAME.rs` (the path's last segment),
    /// that declares `pub mod NAME { … }`: what a build script writes into
    /// `OUT_DIR` for `include!` where the path's parent is (see [`build`]).
    File {
        /// Where the module is in its crate: `crate::vendor`.
        path: String,
    },
}

/// A generated crate.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Every file, by path relative to the crate root, `/`-separated.
    pub files: BTreeMap<String, String>,
    /// Problems that did not stop generation.
    pub warnings: Diagnostics,
    /// How long each stage took.
    pub timings: Timings,
    /// How many operations and named types the crate has.
    pub counts: Counts,
    /// The other files of the document that were read, by path relative to
    /// its directory.
    pub sources: Vec<String>,
    /// For [`Output::Module`] and [`Output::File`], what the crate that
    /// holds the module needs in its manifest and its root.
    pub host: Option<Host>,
}

/// How long each stage of [`generate`] took.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Text → `openapiv3` document.
    pub load: Duration,
    /// Document → model.
    pub lower: Duration,
    /// Model → files.
    pub emit: Duration,
}

/// The size of a generated crate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Operations (client methods).
    pub operations: usize,
    /// Named types.
    pub types: usize,
}

/// Generates the crate for the document `text`.
///
/// On failure, returns every problem of the phase that failed, each located
/// by JSON pointer and, where it can be found, line.
pub fn generate(text: &str, options: &Options) -> Result<Generated, Diagnostics> {
    let Analysed {
        api,
        mut warnings,
        sources,
        load_time,
        lower_time,
    } = analyse(text, options)?;
    let file = options.source_name.as_str();
    let fail = |items: Vec<Diagnostic>| failure(text, options, &sources, items);

    let mut crate_version = options.crate_version.clone();
    if crate_version.is_none() {
        if is_semver(&api.version) {
            crate_version = Some(api.version.clone());
        } else {
            warnings.push(Diagnostic::warning(
                "/info/version",
                format!(
                    "`{}` is not a semantic version; the crate is versioned 0.1.0",
                    api.version
                ),
            ));
        }
    }
    if options.strict && !warnings.is_empty() {
        return Err(fail(warnings));
    }
    let crate_version = crate_version.unwrap_or_else(|| "0.1.0".to_owned());
    let crate_name = options
        .crate_name
        .clone()
        .unwrap_or_else(|| default_crate_name(&api.title));
    if !is_package_name(&crate_name) {
        return Err(fail(vec![Diagnostic::error(
            "",
            format!(
                "`{crate_name}` cannot name a crate: use ASCII letters, digits, `-` and `_`, starting with a letter"
            ),
        )]));
    }
    let module = match &options.output {
        Output::Crate => None,
        Output::Module { path } => Some((path, false)),
        Output::File { path } => Some((path, true)),
    };
    let module = match module {
        None => None,
        Some((path, single_file)) => match emit::module::ModulePath::parse(path) {
            Ok(path) => Some((path, single_file)),
            Err(message) => return Err(fail(vec![Diagnostic::error("", message)])),
        },
    };
    let runtime = match (&options.runtime, &module) {
        (None, _) => None,
        (Some(_), None) => {
            return Err(fail(vec![Diagnostic::error(
                "",
                "a shared runtime is for a module of another crate: a crate holds its own",
            )]));
        }
        (Some(runtime), Some((path, _))) => match emit::module::ModulePath::parse(runtime) {
            Err(message) => return Err(fail(vec![Diagnostic::error("", message)])),
            Ok(runtime) if runtime.within(path) || path.within(&runtime) => {
                return Err(fail(vec![Diagnostic::error(
                    "",
                    format!(
                        "the shared runtime `{}` cannot be inside the module `{}`, nor hold it: \
                         give it a path of its own (`crate::openapi_runtime`)",
                        runtime.as_str(),
                        path.as_str()
                    ),
                )]));
            }
            Ok(runtime) => Some(runtime),
        },
    };
    let info = emit::CrateInfo {
        name: &crate_name,
        version: &crate_version,
        command: &options.command,
        source: file,
        // A module's features would be its crate's: none unless asked.
        features: match (&module, options.features) {
            (Some(_), FeatureMode::Auto) => FeatureMode::Off,
            (_, mode) => mode,
        },
        shared_runtime: runtime.is_some(),
    };
    let started = Instant::now();
    let mut files =
        emit::emit(&api, &info).map_err(|message| fail(vec![Diagnostic::error("", message)]))?;
    let mut host = None;
    if let Some((path, single_file)) = &module {
        let (moved, needs) = emit::module::relayout(
            files,
            path,
            runtime.as_ref(),
            &crate_name.replace('-', "_"),
            &options.command,
            *single_file,
        );
        files = moved;
        host = Some(needs);
    }
    let timings = Timings {
        load: load_time,
        lower: lower_time,
        emit: started.elapsed(),
    };
    let counts = Counts {
        operations: api.operations.len(),
        types: api.types.len(),
    };
    Ok(Generated {
        files,
        warnings: Diagnostics::with_sources(file, text, &sources, warnings),
        timings,
        counts,
        sources: sources.iter().map(|s| s.name.clone()).collect(),
        host,
    })
}

/// The runtime as a module that several generated modules of one crate
/// share: `output` says where ([`Output::Module`], a directory;
/// [`Output::File`], one file for `include!`), and each module that uses
/// it is generated with [`Options::runtime`] naming the same path.
/// `command` is the command that writes it again, for the files' headers.
///
/// Its files depend on the generator's version alone, not on any document:
/// write it again when the generator changes, with the modules.
pub fn runtime_module(output: &Output, command: &str) -> Result<Generated, String> {
    let (path, single_file) = match output {
        Output::Crate => {
            return Err(
                "a shared runtime is a module: give its path (`crate::openapi_runtime`)".to_owned(),
            );
        }
        Output::Module { path } => (path, false),
        Output::File { path } => (path, true),
    };
    let path = emit::module::ModulePath::parse(path)?;
    let started = Instant::now();
    let (files, host) = emit::module::shared_runtime(&path, command, single_file)?;
    Ok(Generated {
        files,
        warnings: Diagnostics::new("runtime", "", Vec::new()),
        timings: Timings {
            emit: started.elapsed(),
            ..Timings::default()
        },
        counts: Counts::default(),
        sources: Vec::new(),
        host: Some(host),
    })
}

/// The problems that stop a run, located in their files. In strict mode
/// every problem found is an error, whichever phase stops.
fn failure(
    text: &str,
    options: &Options,
    sources: &[read::source_map::Source],
    mut items: Vec<Diagnostic>,
) -> Diagnostics {
    if options.strict {
        for d in &mut items {
            d.severity = Severity::Error;
        }
    }
    Diagnostics::with_sources(&options.source_name, text, sources, items)
}

/// The model of the document `text` (what [`generate`] emits from), for
/// tools that compare two versions of a document ([`diff`]).
pub fn model(text: &str, options: &Options) -> Result<model::Api, Diagnostics> {
    analyse(text, options).map(|a| a.api)
}

/// A document read and lowered, with what it cost.
struct Analysed {
    api: model::Api,
    warnings: Vec<Diagnostic>,
    sources: Vec<read::source_map::Source>,
    load_time: Duration,
    lower_time: Duration,
}

/// Load and lower: the stages before emitting.
fn analyse(text: &str, options: &Options) -> Result<Analysed, Diagnostics> {
    let file = options.source_name.as_str();
    let fail_in =
        |items, sources: &[read::source_map::Source]| failure(text, options, sources, items);
    let started = Instant::now();
    let root_file = std::path::Path::new(file)
        .file_name()
        .and_then(|f| f.to_str());
    let loaded = read::load_with(
        text,
        options.base_dir.as_deref(),
        root_file,
        &options.overlays,
    )
    .map_err(|f| fail_in(f.problems, &f.sources))?;
    let fail = |items: Vec<Diagnostic>| fail_in(items, &loaded.sources);
    let load_time = started.elapsed();
    let started = Instant::now();
    let (api, mut warnings) = lower::lower(&loaded).map_err(|items| {
        let mut all = loaded.warnings.clone();
        all.extend(loaded.deferred.iter().cloned());
        all.extend(items);
        fail(all)
    })?;
    if !loaded.deferred.is_empty() {
        let mut all = loaded.warnings.clone();
        all.extend(loaded.deferred.iter().cloned());
        all.extend(warnings);
        return Err(fail(all));
    }
    warnings.extend(loaded.warnings);
    if options.strict && !warnings.is_empty() {
        return Err(fail(warnings));
    }
    Ok(Analysed {
        api,
        warnings,
        sources: loaded.sources,
        load_time,
        lower_time: started.elapsed(),
    })
}

/// The title in kebab case, reduced to what a package name may hold.
fn default_crate_name(title: &str) -> String {
    let mut name = names::kebab(title, "api", "api");
    // A package name has at most 64 characters: a long title is cut at a
    // word.
    while name.len() > 64 {
        match name.rfind('-') {
            Some(i) => name.truncate(i),
            None => name.truncate(64),
        }
    }
    name
}

/// Whether `name` can be a Cargo package name whose library Rust can name.
fn is_package_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 64
}

/// `MAJOR.MINOR.PATCH`, optionally followed by `-pre` and `+build`.
fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver() {
        assert!(is_semver("1.0.0"));
        assert!(is_semver("1.2.3-beta.1"));
        assert!(!is_semver("2022-11-28"));
        assert!(!is_semver("v1"));
        assert!(!is_semver("1.0"));
        assert!(!is_semver("01.0.0"));
    }

    #[test]
    fn package_names() {
        assert!(is_package_name("hexpay"));
        assert!(is_package_name("corpus-svix-3-1"));
        assert!(!is_package_name("bench-svix-3.1"));
        assert!(!is_package_name("3d"));
        assert!(!is_package_name(""));
    }

    #[test]
    fn crate_names() {
        assert_eq!(
            default_crate_name("HexPay Merchant API"),
            "hex-pay-merchant-api"
        );
        assert_eq!(default_crate_name("Swagger Petstore"), "swagger-petstore");
        assert_eq!(default_crate_name("3D API"), "api-3d-api");
        assert_eq!(default_crate_name(""), "api");
    }
}
