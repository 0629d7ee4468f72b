//! Generates a client crate from an OpenAPI document, as the CLI's
//! `generate` does, through the library: what a project's own xtask or
//! release script would do.
//!
//! ```sh
//! cargo run --example generate -- vendor/api.yaml vendor-client [FIX.overlay.yaml]...
//! ```

use std::path::Path;
use std::process::ExitCode;

use openapi_rust_codegen::sync::{self, Mode};
use openapi_rust_codegen::{Options, Overlay};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, out, overlays @ ..] = args.as_slice() else {
        eprintln!("usage: generate SPEC OUT_DIR [OVERLAY]...");
        return ExitCode::from(2);
    };
    match run(Path::new(spec), Path::new(out), overlays) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run(spec: &Path, out: &Path, overlay_paths: &[String]) -> Result<(), String> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let text = read(spec)?;
    let mut overlays = Vec::new();
    for path in overlay_paths {
        overlays.push(Overlay {
            name: path.clone(),
            text: read(Path::new(path))?,
        });
    }
    let options = Options {
        // Messages and the header of every file name the document so.
        source_name: spec.display().to_string(),
        // The files its `$ref`s name are read from beside it.
        base_dir: spec.parent().map(Path::to_path_buf),
        // The command every file's header says regenerates it.
        command: format!("cargo run --example generate -- {}", spec.display()),
        overlays,
        ..Options::default()
    };
    // A document no correct crate comes of: every problem, located.
    let generated = openapi_rust_codegen::generate(&text, &options).map_err(|e| e.to_string())?;
    // A document read leniently: each warning, then what they cost.
    if !generated.warnings.items.is_empty() {
        eprintln!("{}", generated.warnings);
        eprintln!("{}", generated.warnings.summary());
    }
    let report = sync::sync(out, &generated.files, Mode::Write)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!(
        "{}: {} operations, {} types; {} file(s) written, {} removed",
        out.display(),
        generated.counts.operations,
        generated.counts.types,
        report.written.len(),
        report.removed.len()
    );
    Ok(())
}
