//! `cargo xtask bench`: figures, printed, never asserted.
//!
//! - Generation of the large corpus documents (3.0 and 3.1) by the release build of
//!   the generator: wall time and peak memory of the process, and the time
//!   of each stage (load, lower, emit) as the generator measures it; the
//!   median of five runs.
//! - `cargo check` of each generated crate with its dependencies already
//!   built: the wall time of checking the crate alone, from scratch (no
//!   incremental state).
//! - The generated client's benchmark (`cargo bench -p generator --bench
//!   client`): per-request overhead and the paginator's memory.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::{cargo, corpus, root, run, write_workspace};

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
    if !args.is_empty() && !client_only && !generator_only {
        bail!("usage: cargo xtask bench [generator|client]");
    }
    if !client_only {
        generation()?;
    }
    if !generator_only {
        run(
            "client benchmark (release)",
            cargo().args(["bench", "--quiet", "-p", "generator", "--bench", "client"]),
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
            "generator",
            "--bin",
            "generator",
        ]),
    )?;
    let binary = root().join("target/release/generator");
    let out = root().join("target/bench");
    std::fs::create_dir_all(&out)?;
    let names: Vec<String> = DOCUMENTS.iter().map(|d| (*d).to_owned()).collect();
    let mut docs = Vec::new();
    for dir in corpus::corpus_dirs() {
        docs.extend(corpus::documents(&dir, &names)?);
    }
    let mut rows = Vec::new();
    let mut members = Vec::new();
    for doc in &docs {
        let name = doc
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
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
            .arg(root().join("target")),
    )?;
    let mut checks = Vec::new();
    for package in &members {
        touch(&out.join(package).join("src/lib.rs"))?;
        let started = Instant::now();
        run(
            &format!("cargo check {package} (alone, from scratch)"),
            cargo()
                .args(["check", "--quiet", "-p", package, "--manifest-path"])
                .arg(out.join("Cargo.toml"))
                .arg("--target-dir")
                .arg(root().join("target"))
                .env("CARGO_INCREMENTAL", "0"),
        )?;
        checks.push(started.elapsed());
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
        "(reference: progenitor generates oxide-nexus in about 170 ms in-process, and its crate checks in about 17 s)"
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
        let time = |args: &[&str]| -> anyhow::Result<Duration> {
            touch(&out.join(package).join("src/lib.rs"))?;
            let started = Instant::now();
            run(
                &format!("cargo check {package} {}", args.join(" ")),
                cargo()
                    .args(["check", "--quiet", "-p", package, "--manifest-path"])
                    .arg(out.join("Cargo.toml"))
                    .arg("--target-dir")
                    .arg(root().join("target"))
                    .args(args)
                    .env("CARGO_INCREMENTAL", "0"),
            )?;
            Ok(started.elapsed())
        };
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

/// Marks `path` as changed, so that cargo checks its crate again.
fn touch(path: &Path) -> anyhow::Result<()> {
    let text = std::fs::read(path)?;
    std::fs::write(path, text)?;
    // Some filesystems keep a modification time in whole seconds.
    std::thread::sleep(Duration::from_millis(1100));
    Ok(())
}
