//! `cargo xtask corpus`: every real-world document of the corpus generates a
//! crate, and every crate compiles with warnings denied.
//!
//! The crates are written under `target/corpus/` as one workspace that shares
//! the main target directory, so dependencies build once. Each crate is
//! checked on its own (`cargo rustc --profile check -- -D warnings`, which
//! denies warnings in that crate alone and leaves the dependencies' build
//! cache untouched), so the table can give each its own time.
//! `generator/tests/corpus/EXPECTATIONS.tsv` says what each document must
//! give; any difference, worse or better, fails the task.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use generator::sync::{self, Mode};

use crate::{cargo, read_tsv, root, target_dir, write_workspace};

/// What a document gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A crate that compiles without a warning.
    Compiles,
    /// Refused with located errors (the first is kept).
    Rejected(String),
    /// Generated, but the crate does not compile cleanly (the first lines of
    /// the compiler's complaint are kept).
    DoesNotCompile(String),
    /// The generator panicked.
    Panicked(String),
}

impl Outcome {
    fn word(&self) -> &'static str {
        match self {
            Outcome::Compiles => "compiles",
            Outcome::Rejected(_) => "rejected",
            Outcome::DoesNotCompile(_) => "does-not-compile",
            Outcome::Panicked(_) => "panicked",
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// The document's file name.
    pub document: String,
    /// Operations (client methods).
    pub operations: usize,
    /// Named types.
    pub types: usize,
    /// Generation wall time, in process.
    pub generate: Duration,
    /// Lines of Rust and other files generated.
    pub lines: usize,
    /// Warnings the generator printed.
    pub warnings: usize,
    /// Wall time of `cargo check` of the crate alone (dependencies built).
    pub check: Option<Duration>,
    /// For a crate with features of operations: the check time under each
    /// feature alone (no default features), by feature.
    pub features: Vec<(String, Duration)>,
    /// The result.
    pub outcome: Outcome,
}

/// What `EXPECTATIONS.tsv` says of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expectation {
    result: String,
    warnings: usize,
}

/// The OpenAPI 3.0 corpus folder in the repository.
pub fn corpus_dir() -> PathBuf {
    root().join("generator/tests/corpus")
}

/// The corpus folders: OpenAPI 3.0, 3.1, then 3.2 (the official schema's
/// `pass` documents). Each has its own `EXPECTATIONS.tsv`.
pub fn corpus_dirs() -> Vec<PathBuf> {
    vec![
        corpus_dir(),
        root().join("generator/tests/corpus-31"),
        root().join("generator/tests/corpus-32"),
    ]
}

/// A document's name in tables and in `EXPECTATIONS.tsv`: its path relative
/// to its corpus folder (`interledger-open-payments/auth-server.yaml`).
pub fn document_name(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The documents to run: those named, or every document of `dir` (and of
/// its folders, which hold documents split over several files).
pub fn documents(dir: &Path, named: &[String]) -> anyhow::Result<Vec<PathBuf>> {
    fn is_document(p: &Path) -> bool {
        matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("json" | "yaml" | "yml")
        )
    }
    let mut all: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.is_dir() {
            all.extend(
                std::fs::read_dir(&path)?
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| is_document(p)),
            );
        } else if is_document(&path) {
            all.push(path);
        }
    }
    all.sort();
    if named.is_empty() {
        return Ok(all);
    }
    Ok(named
        .iter()
        .filter_map(|n| {
            all.iter()
                .find(|p| {
                    let file = document_name(dir, p);
                    file == *n || file.rsplit_once('.').is_some_and(|(stem, _)| stem == n)
                })
                .cloned()
        })
        .collect())
}

/// The package name of a document's crate.
pub fn package_name(document: &str) -> String {
    let stem = document.rsplit_once('.').map_or(document, |(s, _)| s);
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("corpus-{clean}")
}

/// Generates one document's crate under `out`; `None` for the row's check
/// time, filled in later.
pub fn generate(dir: &Path, path: &Path, out: &Path) -> anyhow::Result<Row> {
    let document = document_name(dir, path);
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let options = generator::Options {
        source_name: document.clone(),
        crate_name: Some(package_name(&document)),
        crate_version: Some("0.0.0".to_owned()),
        command: "`cargo xtask corpus`".to_owned(),
        strict: false,
        base_dir: path.parent().map(Path::to_path_buf),
        features: generator::FeatureMode::default(),
        overlays: Vec::new(),
        output: generator::Output::Crate,
        runtime: None,
    };
    let started = Instant::now();
    let result = std::panic::catch_unwind(|| generator::generate(&text, &options));
    let elapsed = started.elapsed();
    let mut row = Row {
        document,
        operations: 0,
        types: 0,
        generate: elapsed,
        lines: 0,
        warnings: 0,
        features: Vec::new(),
        check: None,
        outcome: Outcome::Compiles,
    };
    match result {
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            row.outcome = Outcome::Panicked(message);
        }
        Ok(Err(diagnostics)) => {
            row.warnings = diagnostics
                .items
                .iter()
                .filter(|d| d.severity == generator::Severity::Warning)
                .count();
            let first = diagnostics
                .items
                .iter()
                .find(|d| d.severity == generator::Severity::Error)
                .map(|d| d.display(&diagnostics.file).to_string())
                .unwrap_or_default();
            row.outcome = Outcome::Rejected(first);
        }
        Ok(Ok(generated)) => {
            row.operations = generated.counts.operations;
            row.types = generated.counts.types;
            row.lines = generated.files.values().map(|f| f.lines().count()).sum();
            row.warnings = generated.warnings.items.len();
            for w in &generated.warnings.items {
                println!("    {}", w.display(&generated.warnings.file));
            }
            sync::sync(out, &generated.files, Mode::Write)
                .with_context(|| format!("cannot write {}", out.display()))?;
        }
    }
    Ok(row)
}

/// Checks one generated crate with warnings denied, returning how long it
/// took and the compiler's complaint, if any.
pub fn check(workspace: &Path, package: &str) -> anyhow::Result<(Duration, Option<String>)> {
    check_with(workspace, package, None)
}

/// [`check`] with only the feature `feature` (and no default features).
pub fn check_with(
    workspace: &Path,
    package: &str,
    feature: Option<&str>,
) -> anyhow::Result<(Duration, Option<String>)> {
    let started = Instant::now();
    let mut command = cargo();
    command
        .args([
            "rustc",
            "--quiet",
            "--lib",
            "--profile",
            "check",
            "--manifest-path",
        ])
        .arg(workspace.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir())
        .args(["-p", package]);
    if let Some(feature) = feature {
        command.args(["--no-default-features", "--features", feature]);
    }
    let output = command
        .args(["--", "-D", "warnings"])
        .current_dir(root())
        .output()
        .context("cannot start cargo")?;
    let elapsed = started.elapsed();
    if output.status.success() {
        return Ok((elapsed, None));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let excerpt: Vec<&str> = stderr.lines().take(40).collect();
    Ok((elapsed, Some(excerpt.join("\n"))))
}

fn read_expectations(path: &Path) -> anyhow::Result<BTreeMap<String, Expectation>> {
    let mut out = BTreeMap::new();
    for (place, cols) in read_tsv(path, 3, "document<TAB>result<TAB>warnings<TAB>reason")? {
        let warnings = cols[2]
            .parse()
            .with_context(|| format!("{place}: warnings must be a count"))?;
        out.insert(
            cols[0].clone(),
            Expectation {
                result: cols[1].clone(),
                warnings,
            },
        );
    }
    Ok(out)
}

/// The median and the largest of the check times under one feature.
fn spread(features: &[(String, Duration)]) -> (Duration, (String, Duration)) {
    let mut times: Vec<Duration> = features.iter().map(|f| f.1).collect();
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let max = features
        .iter()
        .max_by_key(|f| f.1)
        .cloned()
        .unwrap_or_default();
    (median, max)
}

/// The table of rows, aligned.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<28} {:>5} {:>6} {:>10} {:>8} {:>5} {:>9} {:>19}  result",
        "document", "ops", "types", "generate", "lines", "warn", "check", "one feature (med)"
    );
    for r in rows {
        let check = r
            .check
            .map_or_else(|| "-".to_owned(), |c| format!("{:.1} s", c.as_secs_f64()));
        let features = if r.features.is_empty() {
            "-".to_owned()
        } else {
            format!(
                "{} × {:.1} s",
                r.features.len(),
                spread(&r.features).0.as_secs_f64()
            )
        };
        let _ = writeln!(
            out,
            "{:<28} {:>5} {:>6} {:>7.1} ms {:>8} {:>5} {:>9} {:>19}  {}",
            r.document,
            r.operations,
            r.types,
            r.generate.as_secs_f64() * 1e3,
            r.lines,
            r.warnings,
            check,
            features,
            r.outcome.word()
        );
    }
    out
}

/// Runs clippy and rustdoc, warnings denied, on one generated crate;
/// returns how long they took and their complaint, if any.
pub fn lint(workspace: &Path, package: &str) -> anyhow::Result<(Duration, Option<String>)> {
    let started = Instant::now();
    for (what, mut command) in [
        ("clippy", {
            let mut c = cargo();
            c.args(["clippy", "--quiet", "--lib", "--manifest-path"])
                .arg(workspace.join("Cargo.toml"))
                .arg("--target-dir")
                .arg(target_dir())
                .args(["-p", package, "--", "-D", "warnings"]);
            c
        }),
        ("rustdoc", {
            let mut c = cargo();
            c.args(["doc", "--quiet", "--no-deps", "--lib", "--manifest-path"])
                .arg(workspace.join("Cargo.toml"))
                .arg("--target-dir")
                .arg(target_dir())
                .args(["-p", package])
                .env("RUSTDOCFLAGS", "-D warnings");
            c
        }),
    ] {
        let output = command
            .current_dir(root())
            .output()
            .context("cannot start cargo")?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let excerpt: Vec<&str> = stderr.lines().take(40).collect();
            return Ok((
                started.elapsed(),
                Some(format!("{what}:\n{}", excerpt.join("\n"))),
            ));
        }
    }
    Ok((started.elapsed(), None))
}

/// `cargo xtask corpus [--lints] [--dir DIR] [NAME...]`.
pub fn run(args: &[&str]) -> anyhow::Result<()> {
    let mut dirs = corpus_dirs();
    let mut named = Vec::new();
    let mut lints = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--lints" => lints = true,
            "--dir" => {
                let value = args.next().context("--dir needs a directory")?;
                dirs = vec![PathBuf::from(value)];
            }
            flag if flag.starts_with('-') => bail!("unknown option `{flag}`"),
            name => named.push(name.to_owned()),
        }
    }
    let mut docs = Vec::new();
    for dir in &dirs {
        docs.extend(
            documents(dir, &named)?
                .into_iter()
                .map(|p| (dir.clone(), p)),
        );
    }
    for n in &named {
        if !docs.iter().any(|(dir, p)| {
            let name = document_name(dir, p);
            name == *n || name.rsplit_once('.').is_some_and(|(stem, _)| stem == n)
        }) {
            bail!("no corpus document `{n}`");
        }
    }
    let out = target_dir().join("corpus");
    std::fs::create_dir_all(&out)?;
    let mut rows = Vec::new();
    let mut expected = BTreeMap::new();
    for dir in &dirs {
        let file = dir.join("EXPECTATIONS.tsv");
        if file.exists() {
            expected.extend(read_expectations(&file)?);
        }
    }
    for (dir, path) in &docs {
        let name = document_name(dir, path);
        println!("==> generate {name}");
        let row = generate(dir, path, &out.join(package_name(&name)))?;
        rows.push(row);
    }
    let members: Vec<String> = rows
        .iter()
        .filter(|r| r.outcome == Outcome::Compiles)
        .map(|r| package_name(&r.document))
        .collect();
    write_workspace(&out, &members)?;
    for row in rows.iter_mut().filter(|r| r.outcome == Outcome::Compiles) {
        println!("==> check {}", row.document);
        let package = package_name(&row.document);
        let (elapsed, complaint) = check(&out, &package)?;
        row.check = Some(elapsed);
        // A crate with features of operations compiles under each alone.
        let manifest = std::fs::read_to_string(out.join(&package).join("Cargo.toml"))?;
        let mut complaint = complaint;
        if complaint.is_none() {
            for feature in crate::features_of(&manifest) {
                let (elapsed, found) = check_with(&out, &package, Some(&feature))?;
                if let Some(found) = found {
                    complaint = Some(format!("with only the feature `{feature}`:\n{found}"));
                    break;
                }
                row.features.push((feature, elapsed));
            }
            if !row.features.is_empty() {
                let (median, max) = spread(&row.features);
                println!(
                    "    {} features, each alone: median {:.1} s, largest {:.1} s ({})",
                    row.features.len(),
                    median.as_secs_f64(),
                    max.1.as_secs_f64(),
                    max.0
                );
            }
        }
        if let Some(complaint) = complaint {
            println!("{complaint}");
            row.outcome = Outcome::DoesNotCompile(complaint);
        } else if lints {
            println!("==> clippy and rustdoc {}", row.document);
            let (elapsed, complaint) = lint(&out, &package_name(&row.document))?;
            println!("    {:.1} s", elapsed.as_secs_f64());
            if let Some(complaint) = complaint {
                println!("{complaint}");
                row.outcome = Outcome::DoesNotCompile(complaint);
            }
        }
    }
    println!();
    print!("{}", table(&rows));
    compare(&rows, &expected)
}

/// Fails, naming every difference, when the rows are not what the
/// expectations say.
fn compare(rows: &[Row], expected: &BTreeMap<String, Expectation>) -> anyhow::Result<()> {
    let mut problems = Vec::new();
    for r in rows {
        match expected.get(&r.document) {
            None => problems.push(format!(
                "{}: not in EXPECTATIONS.tsv (found: {}, {} warnings)",
                r.document,
                r.outcome.word(),
                r.warnings
            )),
            Some(e) => {
                if e.result != r.outcome.word() {
                    let detail = match &r.outcome {
                        Outcome::Compiles => String::new(),
                        Outcome::Rejected(d)
                        | Outcome::DoesNotCompile(d)
                        | Outcome::Panicked(d) => {
                            format!(": {}", d.lines().next().unwrap_or_default())
                        }
                    };
                    problems.push(format!(
                        "{}: expected `{}`, found `{}`{detail}",
                        r.document,
                        e.result,
                        r.outcome.word()
                    ));
                }
                if e.warnings != r.warnings {
                    problems.push(format!(
                        "{}: expected {} warnings, found {}",
                        r.document, e.warnings, r.warnings
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        println!("every document is as EXPECTATIONS.tsv says");
        return Ok(());
    }
    for p in &problems {
        eprintln!("{p}");
    }
    bail!(
        "{} difference(s) from the corpus folders' EXPECTATIONS.tsv: fix the generator, or update the file if the change is an improvement",
        problems.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_are_valid() {
        assert_eq!(package_name("oai-petstore.yaml"), "corpus-oai-petstore");
        assert_eq!(
            package_name("adyen-payout-v30-30.json"),
            "corpus-adyen-payout-v30-30"
        );
        assert_eq!(package_name("api.github.com.json"), "corpus-api-github-com");
        assert_eq!(
            package_name("interledger-open-payments/auth-server.yaml"),
            "corpus-interledger-open-payments-auth-server"
        );
    }

    #[test]
    fn every_corpus_document_has_an_expectation() {
        for dir in corpus_dirs() {
            let expected = read_expectations(&dir.join("EXPECTATIONS.tsv")).unwrap();
            for doc in documents(&dir, &[]).unwrap() {
                let name = document_name(&dir, &doc);
                assert!(
                    expected.contains_key(&name),
                    "{name} has no line in {}/EXPECTATIONS.tsv",
                    dir.display()
                );
            }
        }
    }
}
