//! `openapi-rust-codegen generate --spec FILE --out DIR`: writes a client crate.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use openapi_rust_codegen::sync::{self, Mode};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "openapi-rust-codegen",
    version,
    about = "Generates an async Rust client crate from an OpenAPI 3.0 or 3.1 document",
    long_about = "Generates an async Rust client crate from an OpenAPI document.\n\nReads OpenAPI 3.0.x, 3.1.x and 3.2.x documents (YAML or JSON), and the files their `$ref`s name, relative to the document's directory. Swagger 2.0 documents are refused: convert them to OpenAPI 3 first."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a crate (or check that one is up to date).
    Generate(GenerateArgs),
    /// Write the runtime that several modules of one crate share (each
    /// generated with `--module … --runtime PATH`), or check it.
    Runtime {
        /// Where the runtime is declared (`crate::openapi_runtime`, with
        /// `mod openapi_runtime;`).
        #[arg(long, value_name = "PATH")]
        module: String,
        /// Its directory (`src/openapi_runtime`).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Write nothing; exit with status 1 if the directory is not up to date.
        #[arg(long)]
        check: bool,
    },
    /// List what changed for the crate's users between two versions of a
    /// document, each change breaking, compatible or internal, and the
    /// version bump the largest needs.
    Diff {
        /// The older document.
        #[arg(long, value_name = "FILE")]
        old: PathBuf,
        /// The newer document.
        #[arg(long, value_name = "FILE")]
        new: PathBuf,
        /// The crate's current version: print the version the changes need.
        #[arg(long, value_name = "VERSION")]
        version: Option<String>,
        /// Print a Markdown table (for a pull request) instead of text.
        #[arg(long)]
        markdown: bool,
    },
}

/// The arguments of `generate`.
#[derive(clap::Args)]
struct GenerateArgs {
    /// The OpenAPI 3.0, 3.1 or 3.2 document, YAML or JSON (other files it
    /// `$ref`s are read relative to its directory).
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// An OpenAPI Overlay (1.0 or 1.1) to apply to the document before
    /// anything reads it; repeat it to apply several, in order.
    #[arg(long, value_name = "FILE")]
    overlay: Vec<PathBuf>,
    /// The crate's directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The package name [default: the document's title, in kebab case].
    #[arg(long)]
    crate_name: Option<String>,
    /// The package version [default: the document's info.version].
    #[arg(long)]
    crate_version: Option<String>,
    /// Write nothing; exit with status 1 if the directory is not up to date.
    #[arg(long)]
    check: bool,
    /// Print how long each stage took, and the peak memory, to stderr.
    #[arg(long)]
    timings: bool,
    /// Treat every warning as an error.
    #[arg(long)]
    strict: bool,
    /// Cargo features per group of operations (tag, or path for untagged
    /// operations): `auto` gives them to documents of more than 100
    /// operations.
    #[arg(long, value_enum, default_value_t = Features::Auto)]
    features: Features,
    /// Write a module of another crate instead of a crate: PATH is where
    /// it is declared (`crate::vendor`, with `pub mod vendor;`), and --out
    /// its directory (`src/vendor`). Prints the features and dependencies
    /// the crate's Cargo.toml needs.
    #[arg(long, value_name = "PATH")]
    module: Option<String>,
    /// With --module: the module uses the runtime at PATH
    /// (`crate::openapi_runtime`), which the `runtime` command writes and
    /// other modules of the crate share, instead of holding its own.
    #[arg(long, value_name = "PATH", requires = "module")]
    runtime: Option<String>,
}

/// When the crate gets a Cargo feature per group of operations.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Features {
    /// For documents of more than 100 operations.
    Auto,
    /// Always.
    PerTag,
    /// Never.
    Off,
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    match Cli::parse().command {
        Command::Generate(args) => generate(args),
        Command::Runtime { module, out, check } => runtime(module, &out, check),
        Command::Diff {
            old,
            new,
            version,
            markdown,
        } => diff(&old, &new, version.as_deref(), markdown),
    }
}

/// `openapi-rust-codegen generate`: writes (or checks) a crate.
fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let GenerateArgs {
        spec,
        out,
        crate_name,
        crate_version,
        check,
        timings,
        strict,
        features,
        overlay,
        module,
        runtime,
    } = args;
    let text = std::fs::read_to_string(&spec)
        .with_context(|| format!("cannot read {}", spec.display()))?;
    let source_name = spec.display().to_string();
    let mut overlays = Vec::new();
    let mut command = format!("openapi-rust-codegen generate --spec {}", spec.display());
    for path in &overlay {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        overlays.push(openapi_rust_codegen::Overlay {
            name: path.display().to_string(),
            text,
        });
        command.push_str(&format!(" --overlay {}", path.display()));
    }
    if let Some(path) = &module {
        command.push_str(&format!(" --module {path}"));
    }
    if let Some(path) = &runtime {
        command.push_str(&format!(" --runtime {path}"));
    }
    command.push_str(&format!(" --out {}", out.display()));
    let options = openapi_rust_codegen::Options {
        source_name,
        crate_name,
        crate_version,
        command,
        strict,
        features: match features {
            Features::Auto => openapi_rust_codegen::FeatureMode::Auto,
            Features::PerTag => openapi_rust_codegen::FeatureMode::PerTag,
            Features::Off => openapi_rust_codegen::FeatureMode::Off,
        },
        base_dir: Some(
            spec.parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default(),
        ),
        overlays,
        output: match module {
            Some(path) => openapi_rust_codegen::Output::Module { path },
            None => openapi_rust_codegen::Output::Crate,
        },
        runtime,
    };
    let generated = match openapi_rust_codegen::generate(&text, &options) {
        Ok(g) => g,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            let summary = diagnostics.summary();
            if !summary.is_empty() {
                eprintln!("{summary}");
            }
            let errors = diagnostics
                .items
                .iter()
                .filter(|d| d.severity == openapi_rust_codegen::Severity::Error)
                .count();
            eprintln!("error: {} not generated: {errors} error(s)", spec.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    if timings {
        let t = generated.timings;
        // Newlines counted as bytes (as `str::lines` counts, at memory speed).
        let lines: usize = generated
            .files
            .values()
            .map(|f| {
                f.bytes().filter(|&b| b == b'\n').count()
                    + usize::from(!f.is_empty() && !f.ends_with('\n'))
            })
            .sum();
        eprintln!(
            "timings: load {:.1} ms, lower {:.1} ms, emit {:.1} ms; {} operations, {} types, {lines} lines; peak memory {}",
            t.load.as_secs_f64() * 1e3,
            t.lower.as_secs_f64() * 1e3,
            t.emit.as_secs_f64() * 1e3,
            generated.counts.operations,
            generated.counts.types,
            peak_memory().unwrap_or_else(|| "unknown".to_owned()),
        );
    }
    for w in &generated.warnings.items {
        eprintln!("{}", w.display(&generated.warnings.file));
    }
    let summary = generated.warnings.summary();
    if !summary.is_empty() {
        eprintln!("{summary}");
    }
    write(&out, &generated, check)
}

/// `openapi-rust-codegen runtime`: writes (or checks) a shared runtime.
fn runtime(module: String, out: &Path, check: bool) -> anyhow::Result<ExitCode> {
    let command = format!(
        "openapi-rust-codegen runtime --module {module} --out {}",
        out.display()
    );
    let output = openapi_rust_codegen::Output::Module { path: module };
    match openapi_rust_codegen::runtime_module(&output, &command) {
        Ok(generated) => write(out, &generated, check),
        Err(message) => {
            eprintln!("error: {message}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Writes `generated` into `out` (or, with `check`, says whether it is
/// there already), and what a module's holding crate needs.
fn write(
    out: &Path,
    generated: &openapi_rust_codegen::Generated,
    check: bool,
) -> anyhow::Result<ExitCode> {
    let mode = if check { Mode::Check } else { Mode::Write };
    let report = sync::sync(out, &generated.files, mode)
        .with_context(|| format!("cannot write {}", out.display()))?;
    if check {
        if report.is_clean() {
            return Ok(ExitCode::SUCCESS);
        }
        for f in &report.written {
            eprintln!("stale: {}", out.join(f).display());
        }
        for f in &report.removed {
            eprintln!("no longer generated: {}", out.join(f).display());
        }
        eprintln!(
            "error: {} is not up to date: run without --check to regenerate",
            out.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    for f in &report.written {
        println!("wrote {}", out.join(f).display());
    }
    for f in &report.removed {
        println!("removed {}", out.join(f).display());
    }
    if let Some(host) = &generated.host {
        println!(
            "\nThe crate that holds the module needs, in its Cargo.toml:\n\n{}",
            host.manifest.trim_end()
        );
        if !host.crate_attributes.is_empty() {
            println!(
                "\nand at the top of its root (src/lib.rs or src/main.rs):\n\n{}",
                host.crate_attributes.join("\n")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The process's peak resident memory, where the system tells it (Linux).
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(format!("{:.1} MB", kb as f64 / 1024.0))
}

/// `openapi-rust-codegen diff`: the changes between two documents.
fn diff(old: &Path, new: &Path, version: Option<&str>, markdown: bool) -> anyhow::Result<ExitCode> {
    let model = |path: &Path| -> anyhow::Result<Option<openapi_rust_codegen::model::Api>> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let options = openapi_rust_codegen::Options {
            source_name: path.display().to_string(),
            base_dir: Some(path.parent().map(Path::to_path_buf).unwrap_or_default()),
            ..openapi_rust_codegen::Options::default()
        };
        match openapi_rust_codegen::model(&text, &options) {
            Ok(api) => Ok(Some(api)),
            Err(diagnostics) => {
                eprintln!("{diagnostics}");
                Ok(None)
            }
        }
    };
    let (Some(before), Some(after)) = (model(old)?, model(new)?) else {
        eprintln!("error: the documents must generate to be compared");
        return Ok(ExitCode::FAILURE);
    };
    let changes = openapi_rust_codegen::diff::compare(&before, &after);
    if markdown {
        print!("{}", openapi_rust_codegen::diff::markdown(&changes));
    } else if changes.is_empty() {
        println!("no change to the crate's API");
    } else {
        println!("{}", openapi_rust_codegen::diff::summary(&changes));
        print!("{}", openapi_rust_codegen::diff::text(&changes));
    }
    if let (Some(version), Some(largest)) = (version, openapi_rust_codegen::diff::largest(&changes))
    {
        let next = openapi_rust_codegen::diff::next_version(version, largest)
            .map_err(anyhow::Error::msg)?;
        println!("\nthe crate needs {next} (was {version})");
    }
    Ok(ExitCode::SUCCESS)
}
