//! `cargo xtask conformance`: the spec against an independent linter, and the
//! generated client against an independent implementation of the spec.
//!
//! The tools come from npm, pinned by `xtask/npm/package-lock.json`, and are
//! installed with `npm ci` into `target/npm` (once; again when the lock file
//! changes). Redocly CLI lints `spec/hexpay.yaml` with every recommended rule
//! as an error, and Stoplight Spectral with its OpenAPI ruleset, warnings
//! included. Stoplight Prism serves the spec on a free loopback port with
//! `--errors`, so that a request that breaks the spec gets an error status
//! and an `sl-violations` header; the example program and the conformance
//! tests then run against it, and Prism is stopped (by its PID) whatever
//! happens. The example also runs against local mock servers where the
//! payment completes, stays pending, or completes just before it is
//! cancelled (`generator/tests/quickstart.rs`): it must exit 0 in each.
//! `examples/webhook_receiver.rs` serves real POSTs (a genuine notification,
//! a forged one, hostile ones) against a mock API
//! (`generator/tests/webhook_receiver.rs`): it must act only on what the API
//! confirms.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::{cargo, root, run, target_dir};

/// The tools' folder, with `node_modules/` once installed.
fn npm_dir() -> PathBuf {
    target_dir().join("npm")
}

/// Installs the pinned tools unless the installed ones match the lock file.
fn install_tools() -> anyhow::Result<PathBuf> {
    let dir = npm_dir();
    std::fs::create_dir_all(&dir)?;
    let source = root().join("xtask/npm");
    let lock = std::fs::read_to_string(source.join("package-lock.json"))
        .context("cannot read xtask/npm/package-lock.json")?;
    let stamp = dir.join("installed.lock");
    let bin = dir.join("node_modules/.bin");
    let current = std::fs::read_to_string(&stamp).unwrap_or_default();
    if current == lock
        && ["prism", "redocly", "spectral"]
            .iter()
            .all(|tool| bin.join(tool).exists())
    {
        return Ok(bin);
    }
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(source.join(file), dir.join(file))
            .with_context(|| format!("cannot copy xtask/npm/{file}"))?;
    }
    // `--ignore-scripts`: the tools need no install script, and one of their
    // dependencies would report the installation over the network.
    let mut npm = Command::new("npm");
    npm.args([
        "ci",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "--loglevel=error",
    ])
    .current_dir(&dir);
    run("npm ci (Prism, Redocly CLI and Spectral, pinned)", &mut npm)
        .context("the conformance tools need Node.js and npm")?;
    std::fs::write(&stamp, lock)?;
    Ok(bin)
}

/// A running Prism, stopped when dropped.
struct Prism {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prism {
    fn start(bin: &Path) -> anyhow::Result<Prism> {
        // A port that is free now; Prism takes it at once.
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
            .local_addr()?
            .port();
        let log = npm_dir().join("prism.log");
        let out = std::fs::File::create(&log)?;
        let child = Command::new(bin.join("prism"))
            .args([
                "mock",
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--errors",
            ])
            .arg(root().join("spec/hexpay.yaml"))
            .stdout(out.try_clone()?)
            .stderr(out)
            .stdin(Stdio::null())
            .spawn()
            .context("cannot start Prism")?;
        let mut prism = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let started = Instant::now();
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                break;
            }
            if let Some(status) = prism.child.try_wait()? {
                bail!(
                    "Prism exited ({status}) before it listened:\n{}",
                    prism.log_text()
                );
            }
            if started.elapsed() > Duration::from_secs(60) {
                bail!(
                    "Prism did not listen on {addr} within 60 s:\n{}",
                    prism.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        println!(
            "    Prism (PID {}) serves spec/hexpay.yaml at {}",
            prism.child.id(),
            prism.url
        );
        Ok(prism)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The violations Prism has logged so far.
    fn violations(&self) -> Vec<String> {
        self.log_text()
            .lines()
            .filter(|l| l.contains("Violation"))
            .map(str::to_owned)
            .collect()
    }
}

/// Lints the spec, then runs the example and the conformance tests against Prism.
pub fn run_all() -> anyhow::Result<()> {
    let bin = install_tools()?;
    let spec = root().join("spec/hexpay.yaml");
    run(
        "redocly lint spec/hexpay.yaml (recommended-strict)",
        Command::new(bin.join("redocly"))
            .args(["lint", "--format", "codeframe", "--config"])
            .arg(root().join("spec/redocly.yaml"))
            .arg(&spec)
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
    )?;
    run(
        "spectral lint spec/hexpay.yaml (spectral:oas, warnings fail)",
        Command::new(bin.join("spectral"))
            .args(["lint", "--fail-severity=warn", "--ruleset"])
            .arg(root().join("spec/spectral.yaml"))
            .arg(&spec),
    )?;
    // Built before Prism starts, so that no build runs against its clock.
    run(
        "build the quickstart runs and the conformance tests",
        cargo().args([
            "test",
            "--quiet",
            "--no-run",
            "-p",
            crate::GENERATOR,
            "--test",
            "quickstart",
            "--test",
            "conformance",
            "--test",
            "webhook_receiver",
        ]),
    )?;
    run(
        "build examples/quickstart.rs and examples/webhook_receiver.rs",
        cargo().args([
            "build",
            "--quiet",
            "-p",
            "hexpay",
            "--example",
            "quickstart",
            "--example",
            "webhook_receiver",
        ]),
    )?;
    let target = target_dir();
    // Each example, unmodified, under its ignored tests (which find it
    // through an environment variable).
    let example_tests = |what: &str, test: &str, example: &str, var: &str| {
        run(
            what,
            cargo()
                .args([
                    "test",
                    "--quiet",
                    "-p",
                    crate::GENERATOR,
                    "--test",
                    test,
                    "--",
                    "--ignored",
                ])
                .env(var, target.join("debug/examples").join(example)),
        )
    };
    example_tests(
        "examples/quickstart.rs against mock servers (completed, pending, completed before the cancel)",
        "quickstart",
        "quickstart",
        "HEXPAY_QUICKSTART",
    )?;
    example_tests(
        "examples/webhook_receiver.rs serving real POSTs (genuine, forged, `..` id, HTML, empty, API unavailable)",
        "webhook_receiver",
        "webhook_receiver",
        "HEXPAY_WEBHOOK_RECEIVER",
    )?;
    let prism = Prism::start(&bin)?;
    // Prism answers every status poll with the spec's example, `pending`:
    // the example waits 2 s, then cancels the payment.
    run(
        "examples/quickstart.rs against Prism (the payment stays pending)",
        cargo()
            .args(["run", "--quiet", "-p", "hexpay", "--example", "quickstart"])
            .env("HEXPAY_BASE_URL", &prism.url)
            .env("HEXPAY_TOKEN", "conformance-token")
            .env("HEXPAY_WAIT_SECONDS", "2")
            .stdout(Stdio::null()),
    )?;
    let violations = prism.violations();
    if !violations.is_empty() {
        bail!(
            "Prism reported {} violation(s) by the example:\n{}",
            violations.len(),
            violations.join("\n")
        );
    }
    println!("    the example made no request that Prism found in violation of the spec");
    run(
        "conformance tests against Prism",
        cargo()
            .args([
                "test",
                "--quiet",
                "-p",
                crate::GENERATOR,
                "--test",
                "conformance",
                "--",
                "--ignored",
            ])
            .env("HEXPAY_PRISM_URL", &prism.url),
    )?;
    drop(prism);
    Ok(())
}
