//! `cargo xtask bench`: figures, printed, never asserted.
//!
//! - Generation of the large corpus documents (3.0 and 3.1) by the release build of
//!   the generator: wall time and peak memory of the process, and the time
//!   of each stage (load, lower, emit) as the generator measures it; the
//!   median of five runs.
//! - `cargo check` of each generated crate with its dependencies already
//!   built: the wall time of checking the crate alone, from scratch (no
//!   incremental state).
//! - The generated client's benchmark (`cargo bench -p openapi-rust-codegen --bench
//!   client`): per-request overhead and the paginator's memory.
//! - `compile`: before and after in one run. The crates of the generator as
//!   it was before features and lean decoding ([`BASELINE`], built from
//!   git) and of today's, and progenitor's crate for oxide-nexus.json, each
//!   checked from scratch; then `cargo build --release` of a program that
//!   calls one operation, with the crate whole and with only that
//!   operation's feature, and the program's size.
//! - `streams`: 1 GiB of server-sent events read by the generated client's
//!   `EventStream` (the `streams` fixture's crate) and by a bare reqwest
//!   loop that splits lines and decodes the same type: events per second,
//!   and the resident memory along the way (`xtask/bench-streams/main.rs`).
//! - `tls`: the TLS crypto providers side by side. The hexpay crate's
//!   quickstart built from scratch (`cargo build --release`, dependencies
//!   included) with ring and with aws-lc-rs: wall time, the binary's size,
//!   and what the build ran (C compilers, cmake).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::{cargo, corpus, root, run, target_dir, write_workspace};

/// The documents measured: the three large OpenAPI 3.0 ones, and the three
/// large OpenAPI 3.1 ones (read through the 3.1 translation).
const DOCUMENTS: &[&str] = &[
    "github.json",
    "stripe.json",
    "oxide-nexus.json",
    "svix-3.1.json",
    "prefect.json",
    "lakekeeper-management.yaml",
];
const RUNS: usize = 5;

/// One generation run, as the generator reports it.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    wall: f64,
    load: f64,
    lower: f64,
    emit: f64,
    peak_mb: f64,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The figure after `label` in the generator's `--timings` line.
fn figure(line: &str, label: &str) -> Option<f64> {
    let rest = &line[line.find(label)? + label.len()..];
    rest.trim_start()
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .next()?
        .parse()
        .ok()
}

pub fn run_all(args: &[&str]) -> anyhow::Result<()> {
    let client_only = args == ["client"];
    let generator_only = args == ["generator"];
    let compile_only = args == ["compile"];
    if args == ["tls"] {
        return tls();
    }
    if args == ["streams"] {
        return streams();
    }
    if !args.is_empty() && !client_only && !generator_only && !compile_only {
        bail!("usage: cargo xtask bench [generator|compile|client|tls|streams]");
    }
    if args.is_empty() || generator_only {
        generation()?;
    }
    if args.is_empty() || compile_only {
        compile()?;
    }
    if args.is_empty() || client_only {
        run(
            "client benchmark (release)",
            cargo().args([
                "bench",
                "--quiet",
                "-p",
                crate::GENERATOR,
                "--bench",
                "client",
            ]),
        )?;
    }
    Ok(())
}

fn generation() -> anyhow::Result<()> {
    run(
        "build the generator (release)",
        cargo().args([
            "build",
            "--quiet",
            "--release",
            "-p",
            crate::GENERATOR,
            "--bin",
            crate::GENERATOR,
        ]),
    )?;
    let binary = target_dir().join("release").join(crate::GENERATOR);
    let out = target_dir().join("bench");
    std::fs::create_dir_all(&out)?;
    let docs = documents()?;
    let mut rows = Vec::new();
    let mut members = Vec::new();
    for doc in &docs {
        let name = file_name(doc);
        let package = corpus::package_name(&name).replacen("corpus-", "bench-", 1);
        let dir = out.join(&package);
        let mut runs = Vec::new();
        let mut lines = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let output = Command::new(&binary)
                .args([
                    "generate",
                    "--timings",
                    "--crate-name",
                    &package,
                    "--crate-version",
                    "0.0.0",
                    "--spec",
                ])
                .arg(doc)
                .arg("--out")
                .arg(&dir)
                .output()
                .context("cannot run the generator")?;
            let wall = started.elapsed().as_secs_f64() * 1e3;
            if !output.status.success() {
                bail!(
                    "{name} did not generate:\n{}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            let stderr = String::from_utf8_lossy(&output.stderr);
            let line = stderr
                .lines()
                .find(|l| l.starts_with("timings:"))
                .context("no timings line")?;
            lines = figure(line, "types,").unwrap_or(0.0) as usize;
            runs.push(Run {
                wall,
                load: figure(line, "load").unwrap_or(0.0),
                lower: figure(line, "lower").unwrap_or(0.0),
                emit: figure(line, "emit").unwrap_or(0.0),
                peak_mb: figure(line, "peak memory").unwrap_or(0.0),
            });
        }
        let pick = |f: fn(&Run) -> f64| median(runs.iter().map(f).collect());
        let row = Run {
            wall: pick(|r| r.wall),
            load: pick(|r| r.load),
            lower: pick(|r| r.lower),
            emit: pick(|r| r.emit),
            peak_mb: pick(|r| r.peak_mb),
        };
        rows.push((name, row, lines));
        members.push(package);
    }
    write_workspace(&out, &members)?;
    // Dependencies first, so that each crate's time is its own.
    run(
        "cargo check the generated crates (dependencies)",
        cargo()
            .args(["check", "--quiet", "--workspace", "--manifest-path"])
            .arg(out.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(target_dir()),
    )?;
    let mut checks = Vec::new();
    for package in &members {
        checks.push(check_from_scratch(&out, package, &[])?);
    }
    println!();
    println!(
        "generation (release build, median of {RUNS} runs) and cargo check of the generated crate:"
    );
    println!(
        "{:<18} {:>9} {:>8} {:>8} {:>8} {:>10} {:>9} {:>11}",
        "document", "process", "load", "lower", "emit", "peak mem", "lines", "cargo check"
    );
    for ((name, r, lines), check) in rows.iter().zip(&checks) {
        println!(
            "{:<18} {:>6.0} ms {:>5.0} ms {:>5.0} ms {:>5.0} ms {:>7.1} MB {:>9} {:>9.1} s",
            name,
            r.wall,
            r.load,
            r.lower,
            r.emit,
            r.peak_mb,
            lines,
            check.as_secs_f64()
        );
    }
    println!(
        "(progenitor's crate for oxide-nexus, and the crates before this work: `cargo xtask bench compile`)"
    );
    features(&out, &members, &checks)
}

/// For each crate with features of operations: `cargo check` of the whole
/// crate with `both-ways` (every type both encodes and decodes, as every
/// type did before the traits followed the direction), and of the feature
/// with the most operations and of the median one, each alone.
fn features(out: &Path, members: &[String], whole: &[Duration]) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for (package, whole) in members.iter().zip(whole) {
        let manifest = std::fs::read_to_string(out.join(package).join("Cargo.toml"))?;
        let report = std::fs::read_to_string(out.join(package).join("API.md"))?;
        // API.md lists each feature's methods: "- `customers`: `a`, `b`".
        let mut by_size: Vec<(usize, String)> = crate::features_of(&manifest)
            .into_iter()
            .filter(|name| name != "webhooks")
            .filter_map(|name| {
                let line = report
                    .lines()
                    .find(|l| l.starts_with(&format!("- `{name}`: ")))?;
                Some((line.matches("`, `").count() + 1, name))
            })
            .collect();
        if by_size.is_empty() {
            continue;
        }
        by_size.sort();
        let median = by_size[by_size.len() / 2].clone();
        let largest = by_size[by_size.len() - 1].clone();
        let time = |args: &[&str]| check_from_scratch(out, package, args);
        let both = time(&["--features", "both-ways"])?;
        let one = time(&["--no-default-features", "--features", &largest.1])?;
        let typical = time(&["--no-default-features", "--features", &median.1])?;
        rows.push((package.clone(), *whole, both, largest, one, median, typical));
    }
    println!();
    println!("cargo check with features of operations (same run):");
    println!(
        "{:<22} {:>8} {:>10} {:>32} {:>32}",
        "crate", "whole", "both-ways", "largest feature alone", "median feature alone"
    );
    for (package, whole, both, largest, one, median, typical) in rows {
        let share = |d: Duration| 100.0 * d.as_secs_f64() / whole.as_secs_f64();
        println!(
            "{:<22} {:>6.1} s {:>8.1} s {:>32} {:>32}",
            package,
            whole.as_secs_f64(),
            both.as_secs_f64(),
            format!(
                "{} ({} ops): {:.1} s, {:.0}%",
                largest.1,
                largest.0,
                one.as_secs_f64(),
                share(one)
            ),
            format!(
                "{} ({} ops): {:.1} s, {:.0}%",
                median.1,
                median.0,
                typical.as_secs_f64(),
                share(typical)
            ),
        );
    }
    Ok(())
}

/// Removes the artifacts of `package` (release or dev profile), so that
/// cargo builds it again from scratch, and nothing else.
/// `cargo check` of `package` of the bench workspace `out` with `args`,
/// from scratch (its own artifacts removed first): how long it took.
fn check_from_scratch(out: &Path, package: &str, args: &[&str]) -> anyhow::Result<Duration> {
    let manifest = out.join("Cargo.toml");
    let target = target_dir();
    clean(&manifest, &target, package, false)?;
    let started = Instant::now();
    run(
        &format!("cargo check {package} {}", args.join(" ")),
        cargo()
            .args(["check", "--quiet", "-p", package, "--manifest-path"])
            .arg(&manifest)
            .arg("--target-dir")
            .arg(&target)
            .args(args)
            .env("CARGO_INCREMENTAL", "0"),
    )?;
    Ok(started.elapsed())
}

fn clean(manifest: &Path, target: &Path, package: &str, release: bool) -> anyhow::Result<()> {
    let mut cmd = cargo();
    cmd.args(["clean", "--quiet", "-p", package, "--manifest-path"])
        .arg(manifest)
        .arg("--target-dir")
        .arg(target);
    if release {
        cmd.arg("--release");
    }
    run(&format!("cargo clean -p {package}"), &mut cmd)
}

/// The generator before this project's compile-time work (features of
/// operations, serde traits by direction, `decode_struct!`): what "before"
/// means in `cargo xtask bench compile`.
const BASELINE: &str = "17ee785";

/// The program of the release measurement: one call of one operation,
/// `{krate}` and `{method}` filled in.
const ONE_CALL: &str = r#"//! One call of one operation, for `cargo xtask bench compile`.

// The operation may be one the API deprecates.
#![allow(deprecated)]

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = {krate}::Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("a client");
    let answer = client.{method}().send().await;
    println!("{}", answer.is_ok());
}
"#;

/// The documents of the release measurement: the operation the program
/// calls (one without arguments) and the feature that has it.
const ONE_CALL_DOCUMENTS: &[(&str, &str, &str)] = &[
    ("oxide-nexus.json", "organization_list", "organizations"),
    ("stripe.json", "get_customers", "customers"),
];

fn compile() -> anyhow::Result<()> {
    let out = target_dir().join("bench-compile");
    std::fs::create_dir_all(&out)?;
    let now = build_generator(
        "today's generator",
        crate::GENERATOR,
        &root(),
        &target_dir(),
    )?;
    let base_src = out.join("baseline-src");
    let baseline = match export_baseline(&base_src) {
        Ok(()) => Some(build_generator(
            &format!("the generator at {BASELINE}"),
            "generator",
            &base_src,
            &out.join("baseline-target"),
        )?),
        Err(e) => {
            println!("no baseline ({e:#}): figures of today's generator only");
            None
        }
    };
    let docs = documents()?;
    // (document, crate of today, crate of the baseline)
    let mut crates = Vec::new();
    let mut members = Vec::new();
    for doc in &docs {
        let name = file_name(doc);
        let stem = corpus::package_name(&name).replacen("corpus-", "", 1);
        let after = format!("after-{stem}");
        generate(&now, doc, &after, &out.join(&after))?;
        members.push(after.clone());
        let before = match &baseline {
            Some(generator) => {
                let before = format!("before-{stem}");
                generate(generator, doc, &before, &out.join(&before))?;
                members.push(before.clone());
                Some(before)
            }
            None => None,
        };
        crates.push((name, after, before));
    }
    let reference = progenitor(&out, &docs)?;
    if let Some(package) = &reference {
        members.push(package.clone());
    }
    // Programs of one call: the crate whole, and with the one feature.
    let mut programs = Vec::new();
    for (doc, method, feature) in ONE_CALL_DOCUMENTS {
        let Some((_, after, before)) = crates.iter().find(|(n, ..)| n == doc) else {
            continue;
        };
        let mut row = Vec::new();
        for (label, package, features) in [
            ("before, whole", before.as_deref(), None),
            ("after, whole", Some(after.as_str()), None),
            ("after, one feature", Some(after.as_str()), Some(*feature)),
        ] {
            let Some(package) = package else { continue };
            let program = format!("call-{}", row.len()) + "-" + package;
            one_call(&out, &program, package, method, features)?;
            members.push(program.clone());
            row.push((label, package.to_owned(), program));
        }
        programs.push((*doc, *method, *feature, row));
    }
    write_workspace(&out, &members)?;
    let manifest = out.join("Cargo.toml");
    let target = target_dir();
    run(
        "cargo check the crates (dependencies)",
        cargo()
            .args(["check", "--quiet", "--workspace", "--manifest-path"])
            .arg(&manifest)
            .arg("--target-dir")
            .arg(&target),
    )?;
    // Each crate checked from scratch: its own artifacts removed, so that
    // nothing but the crate itself is compiled. A first build of the
    // package alone builds its dependencies with exactly its features
    // (a workspace-wide build unifies them differently). Release builds
    // skip it (it would double minutes of building): their dependencies
    // are built once, by the first program, and differ little.
    let timed = |package: &str, release: bool| -> anyhow::Result<Duration> {
        if !release {
            run(
                &format!("dependencies of {package}"),
                cargo()
                    .args(["check", "--quiet", "-p", package, "--manifest-path"])
                    .arg(&manifest)
                    .arg("--target-dir")
                    .arg(&target),
            )?;
        }
        clean(&manifest, &target, package, release)?;
        let mut cmd = cargo();
        cmd.args([
            if release { "build" } else { "check" },
            "--quiet",
            "-p",
            package,
        ])
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target)
        .env("CARGO_INCREMENTAL", "0");
        if release {
            cmd.arg("--release");
        }
        let started = Instant::now();
        run(
            &format!(
                "cargo {} {package}",
                if release { "build --release" } else { "check" }
            ),
            &mut cmd,
        )?;
        Ok(started.elapsed())
    };
    let mut checks = Vec::new();
    for (name, after, before) in &crates {
        let before = before.as_deref().map(|b| timed(b, false)).transpose()?;
        let after = timed(after, false)?;
        checks.push((name.clone(), before, after));
    }
    let reference = reference
        .as_deref()
        .map(|p| timed(p, false).map(|d| (p.to_owned(), d)))
        .transpose()?;
    // Release: the dependencies first, built by the smallest program.
    let mut builds = Vec::new();
    if let Some((_, _, _, row)) = programs.first()
        && let Some((_, _, program)) = row.last()
    {
        run(
            "cargo build --release (dependencies)",
            cargo()
                .args([
                    "build",
                    "--quiet",
                    "--release",
                    "-p",
                    program,
                    "--manifest-path",
                ])
                .arg(&manifest)
                .arg("--target-dir")
                .arg(&target),
        )?;
    }
    for (doc, method, feature, row) in &programs {
        for (label, package, program) in row {
            clean(&manifest, &target, package, true)?;
            let time = timed(program, true)?;
            let size = std::fs::metadata(target.join("release").join(program))?.len();
            builds.push((*doc, *method, *feature, *label, time, size));
        }
    }
    println!();
    println!("cargo check of the whole crate, from scratch (same run):");
    println!(
        "{:<28} {:>10} {:>10} {:>8}",
        "document", "before", "after", "ratio"
    );
    for (name, before, after) in &checks {
        match before {
            Some(b) => println!(
                "{:<28} {:>8.1} s {:>8.1} s {:>8.2}",
                name,
                b.as_secs_f64(),
                after.as_secs_f64(),
                after.as_secs_f64() / b.as_secs_f64()
            ),
            None => println!("{:<28} {:>10} {:>8.1} s", name, "-", after.as_secs_f64()),
        }
    }
    if let Some((package, time)) = &reference
        && let Some((_, _, after)) = checks.iter().find(|(n, ..)| n == "oxide-nexus.json")
    {
        println!(
            "{:<28} {:>8.1} s (progenitor 0.15.1, {package}); ours after: {:.2} of it",
            "oxide-nexus.json",
            time.as_secs_f64(),
            after.as_secs_f64() / time.as_secs_f64()
        );
    }
    println!();
    println!("cargo build --release of a program that calls one operation (same run):");
    println!(
        "{:<18} {:<34} {:<20} {:>9} {:>10}",
        "document", "call", "crate", "build", "binary"
    );
    for (doc, method, feature, label, time, size) in builds {
        println!(
            "{:<18} {:<34} {:<20} {:>7.1} s {:>7.1} MB",
            doc,
            format!("{method} ({feature})"),
            label,
            time.as_secs_f64(),
            size as f64 / 1e6
        );
    }
    Ok(())
}

/// The paths of [`DOCUMENTS`], from the 3.0 and 3.1 corpus folders.
fn documents() -> anyhow::Result<Vec<std::path::PathBuf>> {
    let names: Vec<String> = DOCUMENTS.iter().map(|d| (*d).to_owned()).collect();
    let mut docs = Vec::new();
    for dir in corpus::corpus_dirs() {
        docs.extend(corpus::documents(&dir, &names)?);
    }
    Ok(docs)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned()
}

/// `src` holds the project at [`BASELINE`], from git.
fn export_baseline(src: &Path) -> anyhow::Result<()> {
    if src.join("Cargo.toml").exists() {
        return Ok(());
    }
    let partial = src.with_extension("partial");
    let _ = std::fs::remove_dir_all(&partial);
    crate::release::git_archive(BASELINE, &[], &partial)?;
    std::fs::rename(&partial, src)?;
    Ok(())
}

/// Builds the generator of the workspace at `src` (release) into `target`;
/// returns the binary. `name` is its package and binary (`generator`
/// before the package was named for publishing).
fn build_generator(
    label: &str,
    name: &str,
    src: &Path,
    target: &Path,
) -> anyhow::Result<std::path::PathBuf> {
    run(
        &format!("build {label} (release)"),
        cargo()
            .args(["build", "--quiet", "--release", "-p", name, "--bin", name])
            .arg("--manifest-path")
            .arg(src.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(target),
    )?;
    Ok(target.join("release").join(name))
}

fn generate(generator: &Path, doc: &Path, package: &str, dir: &Path) -> anyhow::Result<()> {
    let output = Command::new(generator)
        .args([
            "generate",
            "--crate-name",
            package,
            "--crate-version",
            "0.0.0",
            "--spec",
        ])
        .arg(doc)
        .arg("--out")
        .arg(dir)
        .output()
        .context("cannot run the generator")?;
    if !output.status.success() {
        bail!(
            "{} did not generate {package}:\n{}",
            generator.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// Progenitor's crate for oxide-nexus.json (`progenitor-nexus`), written by
/// `xtask/bench/progenitor`; `None` when that document is not measured.
fn progenitor(out: &Path, docs: &[std::path::PathBuf]) -> anyhow::Result<Option<String>> {
    let Some(doc) = docs.iter().find(|d| file_name(d) == "oxide-nexus.json") else {
        return Ok(None);
    };
    let tool = root().join("xtask/bench/progenitor");
    let target = out.join("progenitor-target");
    run(
        "build progenitor 0.15.1 (the reference)",
        cargo()
            .args([
                "build",
                "--quiet",
                "--release",
                "--locked",
                "--manifest-path",
            ])
            .arg(tool.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&target),
    )?;
    let package = "progenitor-nexus";
    let dir = out.join(package);
    std::fs::create_dir_all(dir.join("src"))?;
    let status = Command::new(target.join("release/progenitor-reference"))
        .arg(doc)
        .arg(dir.join("src/lib.rs"))
        .status()
        .context("cannot run progenitor")?;
    if !status.success() {
        bail!("progenitor did not generate {}", doc.display());
    }
    let deps = std::fs::read_to_string(tool.join("deps.toml"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[lints.rust]\nwarnings = \"allow\"\n\n[dependencies]\n{deps}"
        ),
    )?;
    Ok(Some(package.to_owned()))
}

/// A program `program` that calls `method` of the crate `package`, with
/// its default features or only `feature`.
fn one_call(
    out: &Path,
    program: &str,
    package: &str,
    method: &str,
    feature: Option<&str>,
) -> anyhow::Result<()> {
    let dir = out.join(program);
    std::fs::create_dir_all(dir.join("src"))?;
    let features = match feature {
        Some(f) => format!(", default-features = false, features = [\"{f}\"]"),
        None => String::new(),
    };
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{program}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{package} = {{ path = \"../{package}\"{features} }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n"
        ),
    )?;
    let krate = package.replace('-', "_");
    std::fs::write(
        dir.join("src/main.rs"),
        ONE_CALL
            .replace("{krate}", &krate)
            .replace("{method}", method),
    )?;
    Ok(())
}

/// The crypto providers rustls can use, as the generated crate offers them:
/// ring (its default) and aws-lc-rs (its `aws-lc-rs` feature, with ring
/// taken out of the build so that only one provider is compiled).
fn tls() -> anyhow::Result<()> {
    let out = target_dir().join("bench-tls");
    let mut rows = Vec::new();
    for provider in ["ring", "aws-lc-rs"] {
        let dir = out.join(provider);
        let _ = std::fs::remove_dir_all(&dir);
        let krate = dir.join("hexpay");
        copy_dir(&root().join("generated"), &krate)?;
        write_workspace(&dir, &["hexpay".to_owned()])?;
        // Default features (every operation), and the provider's.
        let mut features = String::new();
        if provider == "aws-lc-rs" {
            let manifest = krate.join("Cargo.toml");
            let text = std::fs::read_to_string(&manifest)?;
            let line = text
                .lines()
                .find(|l| l.starts_with("rustls = "))
                .context("the crate has no rustls dependency")?;
            let text = text.replace(line, &line.replace("\"ring\"", "\"aws-lc-rs\""));
            std::fs::write(&manifest, text)?;
            features.push_str("aws-lc-rs");
        }
        let target = dir.join("target");
        println!("==> quickstart with {provider}: cargo build --release, from scratch");
        let started = Instant::now();
        let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args([
                "build",
                "--release",
                "--example",
                "quickstart",
                "--features",
                &features,
                "-v",
            ])
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target)
            .output()
            .context("cannot run cargo build")?;
        let wall = started.elapsed();
        if !output.status.success() {
            bail!(
                "the quickstart does not build with {provider}:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let log = String::from_utf8_lossy(&output.stderr);
        let crates = log
            .lines()
            .filter(|l| l.trim_start().starts_with("Compiling "))
            .count();
        let tree = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args([
                "tree",
                "-e",
                "normal",
                "--prefix",
                "none",
                "--features",
                &features,
            ])
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .output()
            .context("cannot run cargo tree")?;
        let tree = String::from_utf8_lossy(&tree.stdout);
        let native: Vec<&str> = ["ring", "aws-lc-sys", "aws-lc-rs"]
            .into_iter()
            .filter(|c| tree.lines().any(|l| l.starts_with(&format!("{c} v"))))
            .collect();
        let binary = target.join("release/examples/quickstart");
        let size = std::fs::metadata(&binary)
            .with_context(|| format!("cannot read {}", binary.display()))?
            .len();
        // The C code's object files that the build scripts wrote.
        let objects = count_files(&target.join("release/build"), "o");
        rows.push(format!(
            "{provider:<10} {:>7.1} s {:>8.2} MiB {crates:>7} {objects:>10}   {}",
            wall.as_secs_f64(),
            size as f64 / (1024.0 * 1024.0),
            native.join(", ")
        ));
    }
    println!("\nprovider      build    binary  crates  C objects   crypto crates");
    for row in &rows {
        println!("{row}");
    }
    println!(
        "\n(cargo build --release of examples/quickstart.rs and everything it uses, one machine, \
         {} jobs; the binary as built, symbols included)",
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(2)
    );
    Ok(())
}

pub(crate) fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let (source, dest) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            copy_dir(&source, &dest)?;
        } else {
            std::fs::copy(&source, &dest)?;
        }
    }
    Ok(())
}

fn count_files(dir: &Path, extension: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                count_files(&path, extension)
            } else {
                usize::from(path.extension().is_some_and(|x| x == extension))
            }
        })
        .sum()
}

/// `cargo xtask bench streams`: see the module's documentation.
fn streams() -> anyhow::Result<()> {
    let out = target_dir().join("bench-streams");
    let krate = out.join("fixture-streams");
    let program = out.join("run");
    std::fs::create_dir_all(program.join("src"))?;
    run(
        "generate the streams fixture's crate",
        cargo()
            .args([
                "run",
                "--quiet",
                "--release",
                "-p",
                crate::GENERATOR,
                "--",
                "generate",
            ])
            .args(["--crate-name", "fixture-streams", "--spec"])
            .arg(root().join("generator/tests/fixtures/streams.yaml"))
            .arg("--out")
            .arg(&krate),
    )?;
    std::fs::write(
        program.join("Cargo.toml"),
        "# Written by `cargo xtask bench streams`.\n[package]\nname = \"run\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nfixture-streams = { path = \"../fixture-streams\" }\n\
         reqwest = { version = \"0.13\", default-features = false, features = [\"rustls-no-provider\"] }\n\
         rustls = { version = \"0.23\", default-features = false, features = [\"std\", \"ring\"] }\n\
         serde_json = \"1\"\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\", \"io-util\"] }\n",
    )?;
    let main = std::fs::read_to_string(root().join("xtask/bench-streams/main.rs"))?;
    std::fs::write(program.join("src/main.rs"), main)?;
    write_workspace(&out, &["fixture-streams".to_owned(), "run".to_owned()])?;
    run(
        "build the stream benchmark (release)",
        cargo()
            .args(["build", "--quiet", "--release", "--manifest-path"])
            .arg(out.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(target_dir()),
    )?;
    let binary = target_dir().join("release/run");
    for way in ["client", "bare"] {
        let status = Command::new(&binary)
            .arg(way)
            .status()
            .context("cannot run the stream benchmark")?;
        if !status.success() {
            bail!("the stream benchmark ({way}) failed ({status})");
        }
    }
    Ok(())
}
