//! The project's tasks: `cargo xtask codegen [--check]` and `cargo xtask test`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, bail};
use generator::diff::Impact;
use generator::sync::{self, Mode};

mod bench;
mod compat;
mod conformance;
mod corpus;
mod deps;
mod release;
mod semver;
mod suite;

/// The generator's package and binary (`generator/`).
pub(crate) const GENERATOR: &str = "openapi-rust-codegen";

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  codegen            regenerate generated/ from spec/hexpay.yaml, and print what changed for the
                     crate's users since its version (release/hexpay.yaml), each change classified
                     breaking, compatible or internal, with the version bump it needs
    --check          write nothing; fail if generated/ is stale or the spec changed without a bump
    --bump [LEVEL]   apply the bump: the next version, a section of generated/CHANGELOG.md, and
                     release/hexpay.yaml updated; LEVEL (major, minor, patch) asks for at least that
                     much, for a change of the generator or the runtime that the spec does not show
    --base REV       print the changes since spec/ at the git revision REV instead (for a PR)
    --markdown FILE  also write the changes as Markdown (a PR description)
  semver [NAME...]   check the change classification against cargo-semver-checks (installed into
                     target/tools/ on first use) on the spec changes of xtask/semver/scenarios.yaml,
                     and write the results into README.md
  release            check that hexpay can be released (clean tree, tests, version and changelog,
                     the code against the previous release with cargo-semver-checks and the majors of
                     the dependencies its API exposes, cargo publish --dry-run), then print the tag
                     and release notes; uploads nothing
  fixtures           generate every golden fixture into target/ and check that each crate builds without a warning
  modules [NAME...]  generate corpus documents (default: github, paypal, prefect, oxide-nexus) as
                     modules of one crate on one shared runtime, and check it with clippy and rustdoc,
                     warnings denied (minutes: not in `test`)
  install            package the generator as `cargo publish` would, `cargo install --locked` it from
                     the package outside the workspace, and generate a crate with the installed binary
                     and with the library's example program (the same crate)
  corpus [NAME...]   generate a crate from every corpus document, 3.0 and 3.1 (or those named), check
                     each with warnings denied, print a table and compare with the folders' EXPECTATIONS.tsv
                     (--dir DIR reads the documents from DIR instead; --lints also runs clippy and
                     rustdoc, warnings denied, on each crate: minutes more, so not in `test`)
  deps               check that the generated crate depends on the current major version of each
                     dependency (crates.io, through `cargo info`), or says in xtask/dependency-waivers.tsv why not
  suite              run the JSON Schema Test Suite (draft 2020-12) through a generated crate and compare
                     with generator/tests/json-schema-suite/EXPECTATIONS.tsv
  bench [generator|compile|client|tls]
                     print figures: generation time and memory for github, stripe, oxide-nexus (3.0) and svix-3.1, prefect, lakekeeper (3.1),
                     cargo check time of their crates and of their features; (compile) before and after in one run:
                     the crates of the generator at 17ee785 (built from git) and of today's, progenitor's crate for
                     oxide-nexus, release builds of a one-call program; the client's per-request overhead and memory
                     (tls) the hexpay quickstart built from scratch with ring and with aws-lc-rs: time, size, C code
  conformance        lint spec/hexpay.yaml with Redocly CLI, then run examples/quickstart.rs and the
                     conformance tests against Stoplight Prism serving the spec (both pinned, from npm)
  test               run every check: formatting, drift, clippy, tests, conformance, docs, fixtures,
                     the JSON Schema Test Suite, packaging, installing the generator, corpus
";

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen", rest @ ..] => codegen(rest),
        ["release"] => release::release(&root()),
        ["semver", rest @ ..] => semver::run(rest),
        ["fixtures"] => fixtures(),
        ["install"] => install_check(),
        ["modules", rest @ ..] => modules(rest),
        ["corpus", rest @ ..] => corpus::run(rest),
        ["suite"] => suite::run(),
        ["deps"] => deps::run(),
        ["conformance"] => conformance::run_all(),
        ["bench", rest @ ..] => bench::run_all(rest),
        ["test"] => test(),
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            Ok(())
        }
        _ => {
            eprint!("{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Regenerates (or checks) `generated/` from `spec/hexpay.yaml`, and says
/// what changed for the crate's users since its version.
fn codegen(args: &[&str]) -> anyhow::Result<()> {
    let (mut check, mut bump) = (false, false);
    let mut at_least = None;
    let mut base = release::Base::Released;
    let mut markdown: Option<PathBuf> = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--check" => check = true,
            "--bump" => {
                bump = true;
                // An explicit level, for a change of the crate's code that
                // the spec does not show (`release` checks it is enough).
                let level = match rest.clone().next().copied() {
                    Some("major") => Some(Impact::Breaking),
                    Some("minor") => Some(Impact::Compatible),
                    Some("patch") => Some(Impact::Internal),
                    _ => None,
                };
                if level.is_some() {
                    rest.next();
                    at_least = level;
                }
            }
            "--base" => {
                let rev = rest.next().context("--base takes a git revision")?;
                base = release::Base::Revision((*rev).to_owned());
            }
            "--markdown" => {
                markdown = Some(PathBuf::from(
                    rest.next().context("--markdown takes a file")?,
                ));
            }
            other => bail!("unknown argument `{other}` of codegen\n\n{USAGE}"),
        }
    }
    if check && bump {
        bail!("--check writes nothing and --bump writes: give one");
    }
    let started = Instant::now();
    let root = root();
    let (since_release, released) = release::changes(&root, &release::Base::Released)?;
    if bump {
        match release::bump(&root, &since_release, at_least)? {
            Some(next) => println!("bumped hexpay to {next}: see {}", release::CHANGELOG),
            None => println!("no API change since {released}: nothing to bump"),
        }
    }
    let mode = if check { Mode::Check } else { Mode::Write };
    let report = xtask_codegen(&root, mode)?;
    let elapsed = started.elapsed();
    match mode {
        Mode::Check if !report.is_clean() => {
            for f in &report.written {
                eprintln!("stale: generated/{f}");
            }
            for f in &report.removed {
                eprintln!("no longer generated: generated/{f}");
            }
            bail!("generated/ is stale: run `cargo xtask codegen` and commit the result");
        }
        Mode::Check => println!("generated/ is up to date ({} ms)", elapsed.as_millis()),
        Mode::Write => {
            for f in &report.written {
                println!("wrote generated/{f}");
            }
            for f in &report.removed {
                println!("removed generated/{f}");
            }
            if report.is_clean() {
                println!("generated/ was already up to date");
            }
            println!("codegen took {} ms", elapsed.as_millis());
        }
    }
    let version = release::crate_version(&root)?;
    let (shown, shown_base) = match &base {
        release::Base::Released if bump => (Vec::new(), format!("hexpay {version}")),
        release::Base::Released => (since_release.clone(), released.clone()),
        release::Base::Revision(_) => release::changes(&root, &base)?,
    };
    let needed = release::print_changes(&shown, &shown_base, &version)?;
    if let Some(path) = &markdown {
        let mut text = format!("### API changes since {shown_base}\n\n");
        text.push_str(&generator::diff::markdown(&shown));
        if let (Some(next), Some(largest)) = (&needed, generator::diff::largest(&shown)) {
            text.push_str(&format!(
                "\nThe crate needs a {} release: {version} → {next}.\n",
                release::bump_name(largest)
            ));
        }
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    if bump {
        release::refresh_lockfile(&root)?;
        println!(
            "commit generated/, {} and Cargo.lock with the spec",
            release::BASELINE
        );
        return Ok(());
    }
    // The version check is always against the spec as of the crate's version.
    if let Some(largest) = generator::diff::largest(&since_release) {
        let next =
            generator::diff::next_version(&version, largest).map_err(|e| anyhow::anyhow!(e))?;
        let advice = format!(
            "the spec changed since {released}: the crate needs a {} release, {version} → {next}; run `cargo xtask codegen --bump` and commit the result",
            release::bump_name(largest)
        );
        if check {
            bail!(advice);
        }
        println!("{advice}");
    }
    Ok(())
}

/// The rows of a tab-separated file of the project: every line that is
/// neither blank nor a `#` comment, as `file:line` (for messages) and its
/// columns, of which there must be at least `columns` (`format` names them).
pub(crate) fn read_tsv(
    path: &Path,
    columns: usize,
    format: &str,
) -> anyhow::Result<Vec<(String, Vec<String>)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let place = format!("{}:{}", path.display(), i + 1);
        let cols: Vec<String> = line.split('\t').map(str::to_owned).collect();
        if cols.len() < columns {
            bail!("{place}: expected `{format}`");
        }
        rows.push((place, cols));
    }
    Ok(rows)
}

/// The one codegen function, shared by the task and the staleness test.
pub fn xtask_codegen(root: &Path, mode: Mode) -> anyhow::Result<sync::Report> {
    let spec = root.join("spec/hexpay.yaml");
    let text = std::fs::read_to_string(&spec)
        .with_context(|| format!("cannot read {}", spec.display()))?;
    let options = generator::Options {
        source_name: "spec/hexpay.yaml".to_owned(),
        crate_name: Some("hexpay".to_owned()),
        crate_version: Some(release::crate_version(root)?),
        command: "`cargo xtask codegen`".to_owned(),
        // The project's own spec must be clean: no lenient reading.
        strict: true,
        base_dir: Some(root.join("spec")),
        features: generator::FeatureMode::default(),
        overlays: codegen_overlays(root)?,
        output: generator::Output::Crate,
        runtime: None,
    };
    let generated = generator::generate(&text, &options).map_err(|d| anyhow::anyhow!("{d}"))?;
    sync::sync(&root.join("generated"), &generated.files, mode).context("cannot sync generated/")
}

/// The overlays `cargo xtask codegen` applies to the spec: the files that
/// `spec/overlays.txt` lists (one path per line, relative to `spec/`,
/// applied in order; `#` starts a comment). None when it does not exist.
pub(crate) fn codegen_overlays(root: &Path) -> anyhow::Result<Vec<generator::Overlay>> {
    let list = root.join("spec/overlays.txt");
    let Ok(text) = std::fs::read_to_string(&list) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let path = root.join("spec").join(line);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read {}", list.display(), path.display()))?;
        out.push(generator::Overlay {
            name: format!("spec/{line}"),
            text,
        });
    }
    Ok(out)
}

/// Makes `dir` a workspace of the generated crates `members` (folders of
/// `dir`), locked to the main workspace's dependency versions so that the
/// shared target directory already holds them.
pub(crate) fn write_workspace(dir: &Path, members: &[String]) -> anyhow::Result<()> {
    let manifest = format!(
        "# Written by `cargo xtask`.\n[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members
            .iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)
        .with_context(|| format!("cannot write {}", dir.display()))?;
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock"))?;
    Ok(())
}

/// Cargo, with the target directory every task shares made explicit and
/// absolute, so that a test run from a package's directory finds what an
/// xtask built (and the reverse) wherever `CARGO_TARGET_DIR` points.
///
/// Incremental compilation is off unless the caller's environment asks
/// for it: the builds run here are checks of freshly generated code, whose
/// incremental state is never reused, and it took 7.5 GB of a 12 GB target
/// directory in a full `cargo xtask test` on a fresh machine. Turning it
/// off changes no fingerprint, so nothing the narrow commands built is
/// rebuilt.
pub(crate) fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.env("CARGO_TARGET_DIR", target_dir());
    if std::env::var_os("CARGO_INCREMENTAL").is_none() {
        command.env("CARGO_INCREMENTAL", "0");
    }
    command
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set (a relative one
/// is read from the directory cargo was started in, as cargo reads it),
/// `target/` in the workspace otherwise.
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir().map_or(dir.clone(), |cwd| cwd.join(dir))
            }
        }
        None => root().join("target"),
    }
}

pub(crate) fn run(step: &str, cmd: &mut Command) -> anyhow::Result<()> {
    println!("==> {step}");
    let started = Instant::now();
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(root());
    }
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {step}"))?;
    if !status.success() {
        bail!("{step} failed ({status})");
    }
    println!("    {step}: ok in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Builds every golden fixture's crate, as one workspace that shares the
/// main target directory, with every warning an error. The golden test
/// writes the crates under `target/fixtures/`, so it runs first.
fn fixtures() -> anyhow::Result<()> {
    run(
        "golden tests (write the fixture crates)",
        cargo().args(["test", "--quiet", "-p", GENERATOR, "--test", "golden"]),
    )?;
    let out = target_dir().join("fixtures");
    let mut behaviour = behaviour_crates(&out)?;
    behaviour.push(module_host(&out)?);
    let mut members: Vec<String> = std::fs::read_dir(&out)
        .with_context(|| format!("cannot read {}", out.display()))?
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Cargo.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    members.sort();
    write_workspace(&out, &members)?;
    run(
        &format!("{} fixture crates: cargo clippy -D warnings", members.len()),
        cargo()
            .args([
                "clippy",
                "--quiet",
                "--keep-going",
                "--workspace",
                // The examples too: every crate's quickstart must compile.
                "--all-targets",
                "--manifest-path",
            ])
            .arg(out.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(target_dir())
            .args(["--", "-D", "warnings"]),
    )?;
    gated_subsets(&out, "features")?;
    gated_subsets(&out, "oas32")?;
    run(
        "fixture crates: cargo doc -D warnings",
        cargo()
            .args([
                "doc",
                "--quiet",
                "--keep-going",
                "--no-deps",
                "--workspace",
                "--manifest-path",
            ])
            .arg(out.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(target_dir())
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    let mut command = cargo();
    command
        .args(["test", "--quiet", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir());
    for p in &behaviour {
        command.args(["-p", p]);
    }
    run(
        &format!("behaviour of {} fixture crates", behaviour.len()),
        &mut command,
    )
}

/// Checks a crate with Cargo features of operations under each feature
/// alone, under none, and without its defaults but with `blocking`, with
/// clippy denying warnings: any set of features must compile cleanly.
fn gated_subsets(workspace: &Path, fixture: &str) -> anyhow::Result<()> {
    let manifest = workspace.join("Cargo.toml");
    let package = format!("fixture-{fixture}");
    let own = workspace.join(fixture).join("Cargo.toml");
    let text =
        std::fs::read_to_string(&own).with_context(|| format!("cannot read {}", own.display()))?;
    let features = features_of(&text);
    if features.is_empty() {
        bail!("{} has no features of operations", own.display());
    }
    let started = Instant::now();
    let mut subsets = features;
    subsets.push(String::new());
    subsets.push("blocking".to_owned());
    for subset in &subsets {
        let mut command = cargo();
        command
            .args(["clippy", "--quiet", "--manifest-path"])
            .arg(&manifest)
            .args(["--target-dir"])
            .arg(target_dir())
            .args(["-p", &package, "--no-default-features"]);
        if !subset.is_empty() {
            command.args(["--features", subset]);
        }
        command.args(["--", "-D", "warnings"]);
        let status = command.status().context("cannot run cargo clippy")?;
        if !status.success() {
            bail!("{package} does not compile cleanly with the features [{subset}]");
        }
    }
    println!(
        "    {package}: {} feature subsets compile without a warning in {:.1} s",
        subsets.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The features of operations a generated `Cargo.toml` lists in `full`.
pub(crate) fn features_of(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("full = ["))
        .map(|l| {
            l.trim_end_matches(']')
                .split(',')
                .map(|f| f.trim().trim_matches('"').to_owned())
                .filter(|f| !f.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Makes a test crate `behaviour-NAME` beside the fixture crates for each
/// `generator/tests/behaviour/NAME.rs`: an integration test of the crate of
/// the fixture `NAME` (with its `blocking` feature), seen from a user's
/// code. Returns the test crates' package names.
fn behaviour_crates(out: &Path) -> anyhow::Result<Vec<String>> {
    let dir = root().join("generator/tests/behaviour");
    let mut tests: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    tests.sort();
    let mut packages = Vec::new();
    for test in &tests {
        let name = test
            .file_stem()
            .and_then(|s| s.to_str())
            .context("a test file name")?;
        if !out.join(name).join("Cargo.toml").exists() {
            bail!(
                "{} tests the fixture `{name}`, which has no crate",
                test.display()
            );
        }
        let package = format!("behaviour-{name}");
        // The crate with features of operations is tested with one of them.
        let features = if name == "features" {
            "default-features = false, features = [\"blocking\", \"orders\"]"
        } else {
            "features = [\"blocking\"]"
        };
        let krate = out.join(&package);
        std::fs::create_dir_all(krate.join("src"))?;
        std::fs::create_dir_all(krate.join("tests"))?;
        std::fs::write(
            krate.join("Cargo.toml"),
            format!(
                "# Written by `cargo xtask fixtures`.\n[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nfixture-{name} = {{ path = \"../{name}\", {features} }}\nserde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"rt\", \"time\"] }}\n"
            ),
        )?;
        std::fs::write(
            krate.join("src/lib.rs"),
            format!("//! The tests of the fixture crate `{name}` (in `tests/`).\n"),
        )?;
        std::fs::copy(test, krate.join("tests/behaviour.rs"))?;
        packages.push(package);
    }
    Ok(packages)
}

/// The crate `module-host` in `out`: two generated clients as modules of
/// one crate, each with its own runtime. `crate::hexpay` (spec/hexpay.yaml)
/// is written into `src/hexpay/` here, as `generate --module` writes it;
/// `crate::streams` (fixtures/streams.yaml) is written into `OUT_DIR` by
/// the crate's build script through the library's `build::Module`, and
/// `include!`d. Its manifest merges the features and dependencies each
/// module asks of its host; its test (`generator/tests/host/wire.rs`)
/// calls both over loopback. Returns the package name.
fn module_host(out: &Path) -> anyhow::Result<String> {
    const PACKAGE: &str = "module-host";
    let krate = out.join(PACKAGE);
    std::fs::create_dir_all(krate.join("src"))?;
    std::fs::create_dir_all(krate.join("tests"))?;
    let fixture = root().join("generator/tests/fixtures/streams.yaml");
    std::fs::copy(&fixture, krate.join("streams.yaml"))?;
    const RUNTIME: &str = "crate::openapi_runtime";
    let host_of = |spec: &Path,
                   output: generator::Output,
                   runtime: Option<&str>|
     -> anyhow::Result<generator::Generated> {
        let text = std::fs::read_to_string(spec)?;
        let options = generator::Options {
            source_name: spec
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            command: "`cargo xtask fixtures`".to_owned(),
            base_dir: spec.parent().map(Path::to_path_buf),
            output,
            runtime: runtime.map(str::to_owned),
            ..generator::Options::default()
        };
        generator::generate(&text, &options).map_err(|d| anyhow::anyhow!("{d}"))
    };
    // Two APIs that share one runtime (written by the build script), and
    // one that holds its own.
    let hexpay = host_of(
        &root().join("spec/hexpay.yaml"),
        generator::Output::Module {
            path: "crate::hexpay".to_owned(),
        },
        Some(RUNTIME),
    )?;
    sync::sync(&krate.join("src/hexpay"), &hexpay.files, Mode::Write)?;
    let streams = host_of(
        &fixture,
        generator::Output::File {
            path: "crate::streams".to_owned(),
        },
        Some(RUNTIME),
    )?;
    let standalone = host_of(
        &root().join("generator/tests/fixtures/pagination.yaml"),
        generator::Output::Module {
            path: "crate::standalone".to_owned(),
        },
        None,
    )?;
    sync::sync(
        &krate.join("src/standalone"),
        &standalone.files,
        Mode::Write,
    )?;
    let runtime = generator::runtime_module(
        &generator::Output::File {
            path: RUNTIME.to_owned(),
        },
        "`cargo xtask fixtures`",
    )
    .map_err(anyhow::Error::msg)?;
    let (manifest, attributes) = host_needs(&[&hexpay, &streams, &standalone, &runtime])?;
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "# Written by `cargo xtask fixtures`.\n[package]\nname = \"{PACKAGE}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n{manifest}\n[build-dependencies]\nopenapi-rust-codegen = {{ path = {:?} }}\n\n[dev-dependencies]\ntokio = {{ version = \"1\", features = [\"rt\"] }}\n",
            root().join("generator").display().to_string(),
        ),
    )?;
    std::fs::write(
        krate.join("build.rs"),
        "//! Writes the shared runtime and the `streams` client into `OUT_DIR`.\n\nuse openapi_rust_codegen::build::{Module, Runtime};\n\nfn main() {\n    Runtime::new(\"crate::openapi_runtime\").write().unwrap_or_else(|e| panic!(\"{e}\"));\n    Module::new(\"streams.yaml\", \"crate::streams\")\n        .runtime(\"crate::openapi_runtime\")\n        .write()\n        .unwrap_or_else(|e| panic!(\"{e}\"));\n}\n",
    )?;
    std::fs::write(
        krate.join("src/lib.rs"),
        format!(
            "//! Three generated clients as modules of one crate: two share a runtime.\n{attributes}\npub mod hexpay;\npub mod standalone;\n\ninclude!(concat!(env!(\"OUT_DIR\"), \"/openapi_runtime.rs\"));\ninclude!(concat!(env!(\"OUT_DIR\"), \"/streams.rs\"));\n"
        ),
    )?;
    std::fs::copy(
        root().join("generator/tests/host/wire.rs"),
        krate.join("tests/wire.rs"),
    )?;
    Ok(PACKAGE.to_owned())
}

/// What a crate holding the modules `generated` needs: the `[features]`
/// and `[dependencies]` sections, merged (a key's first spelling wins),
/// and the crate attributes, one per line.
fn host_needs(generated: &[&generator::Generated]) -> anyhow::Result<(String, String)> {
    let mut features = std::collections::BTreeMap::new();
    let mut dependencies = std::collections::BTreeMap::new();
    let mut attributes = std::collections::BTreeSet::new();
    for generated in generated {
        let host = generated.host.clone().context("a module's host")?;
        attributes.extend(host.crate_attributes);
        let mut section = None;
        for line in host.manifest.lines() {
            if line.starts_with('[') {
                section = Some(line.to_owned());
                continue;
            }
            let Some((key, _)) = line.split_once(" = ") else {
                continue;
            };
            let into = match section.as_deref() {
                Some("[features]") => &mut features,
                Some("[dependencies]") => &mut dependencies,
                _ => continue,
            };
            into.entry(key.to_owned())
                .or_insert_with(|| line.to_owned());
        }
    }
    let lines = |m: &std::collections::BTreeMap<String, String>| {
        m.values().map(|l| format!("{l}\n")).collect::<String>()
    };
    Ok((
        format!(
            "[features]\n{}\n[dependencies]\n{}",
            lines(&features),
            lines(&dependencies)
        ),
        attributes.iter().map(|a| format!("{a}\n")).collect(),
    ))
}

/// `cargo xtask modules [NAME...]`: corpus documents (by default GitHub's,
/// PayPal's, Prefect's and Oxide Nexus's, large and of both versions) as
/// modules of one crate, `target/modules-host`, checked with clippy and
/// rustdoc, warnings denied: what `--module` gives real documents, side
/// by side in one crate.
fn modules(names: &[&str]) -> anyhow::Result<()> {
    let defaults = [
        "github.json",
        "paypal-payments-v2.json",
        "prefect.json",
        "oxide-nexus.json",
    ];
    let names: Vec<&str> = if names.is_empty() {
        defaults.to_vec()
    } else {
        names.to_vec()
    };
    let krate = target_dir().join("modules-host");
    let _ = std::fs::remove_dir_all(krate.join("src"));
    std::fs::create_dir_all(krate.join("src"))?;
    let started = Instant::now();
    let mut generated = Vec::new();
    let mut declared = String::new();
    for name in &names {
        let spec = [
            "generator/tests/corpus",
            "generator/tests/corpus-31",
            "generator/tests/corpus-32",
        ]
        .iter()
        .map(|d| root().join(d).join(name))
        .find(|p| p.is_file())
        .with_context(|| format!("no corpus document {name}"))?;
        let module = name.split('.').next().unwrap_or_default().replace('-', "_");
        let text = std::fs::read_to_string(&spec)?;
        let options = generator::Options {
            source_name: name.to_string(),
            command: "`cargo xtask modules`".to_owned(),
            base_dir: spec.parent().map(Path::to_path_buf),
            output: generator::Output::Module {
                path: format!("crate::{module}"),
            },
            runtime: Some("crate::openapi_runtime".to_owned()),
            ..generator::Options::default()
        };
        let g = generator::generate(&text, &options).map_err(|d| anyhow::anyhow!("{name}: {d}"))?;
        sync::sync(&krate.join("src").join(&module), &g.files, Mode::Write)?;
        declared.push_str(&format!("pub mod {module};\n"));
        generated.push(g);
    }
    // One runtime, shared by every module.
    let runtime = generator::runtime_module(
        &generator::Output::Module {
            path: "crate::openapi_runtime".to_owned(),
        },
        "`cargo xtask modules`",
    )
    .map_err(anyhow::Error::msg)?;
    sync::sync(
        &krate.join("src/openapi_runtime"),
        &runtime.files,
        Mode::Write,
    )?;
    declared.push_str("pub mod openapi_runtime;\n");
    generated.push(runtime);
    let refs: Vec<&generator::Generated> = generated.iter().collect();
    let (manifest, attributes) = host_needs(&refs)?;
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "# Written by `cargo xtask modules`.\n[package]\nname = \"modules-host\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n{manifest}"
        ),
    )?;
    std::fs::copy(root().join("Cargo.lock"), krate.join("Cargo.lock"))?;
    std::fs::write(
        krate.join("src/lib.rs"),
        format!("//! Corpus documents as modules of one crate.\n{attributes}\n{declared}"),
    )?;
    println!(
        "    {} modules generated in {:.1} s",
        names.len(),
        started.elapsed().as_secs_f64()
    );
    let manifest_path = krate.join("Cargo.toml");
    run(
        "modules-host: cargo clippy -D warnings",
        cargo()
            .args(["clippy", "--quiet", "--manifest-path"])
            .arg(&manifest_path)
            .arg("--target-dir")
            .arg(target_dir())
            .args(["--", "-D", "warnings"]),
    )?;
    run(
        "modules-host: cargo doc -D warnings",
        cargo()
            .args(["doc", "--quiet", "--no-deps", "--manifest-path"])
            .arg(&manifest_path)
            .arg("--target-dir")
            .arg(target_dir())
            .env("RUSTDOCFLAGS", "-D warnings"),
    )
}

/// Every check the project has, in the order a failure is cheapest to find.
fn test() -> anyhow::Result<()> {
    let started = Instant::now();
    run(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--check"]),
    )?;
    run(
        "codegen --check",
        cargo().args(["xtask", "codegen", "--check"]),
    )?;
    run(
        "cargo clippy -D warnings",
        cargo().args([
            "clippy",
            "--quiet",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    let (passed, failed) = cargo_test()?;
    // The runtime's look-around engine, off in the hexpay crate (its spec
    // has no such pattern), on in crates whose documents need it.
    run(
        "runtime with the `lookaround` feature: clippy -D warnings, unit tests",
        cargo().args([
            "clippy",
            "--quiet",
            "-p",
            "hexpay",
            "--lib",
            "--features",
            "lookaround",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    let (lookaround_passed, _) =
        cargo_test_args(&["-p", "hexpay", "--lib", "--features", "lookaround"])?;
    // The generator's documentation examples (its README is its crate docs).
    let (doc_passed, _) = cargo_test_args(&["-p", GENERATOR, "--doc"])?;
    let passed = passed + lookaround_passed + doc_passed;
    conformance::run_all()?;
    run(
        "cargo doc (hexpay and the generator, warnings denied)",
        cargo()
            .args([
                "doc",
                "--quiet",
                "--no-deps",
                "-p",
                "hexpay",
                "-p",
                GENERATOR,
            ])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    fixtures()?;
    println!("==> JSON Schema Test Suite");
    suite::run()?;
    println!("==> the generated crate's dependencies are current");
    deps::run()?;
    run(
        "cargo package (hexpay)",
        cargo().args(["package", "--quiet", "--allow-dirty", "-p", "hexpay"]),
    )?;
    install_check()?;
    println!("==> corpus");
    let corpus_started = Instant::now();
    corpus::run(&[])?;
    println!(
        "    corpus: ok in {:.1} s",
        corpus_started.elapsed().as_secs_f64()
    );
    println!(
        "all checks passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    println!("tests: {passed} passed, {failed} failed");
    Ok(())
}

/// The generator as a user gets it: packaged as `cargo publish` would
/// ship it, unpacked outside the workspace, installed from there with
/// `cargo install --locked`, and run on a document whose parts are in
/// other files, then `--check`ed. The library's example program must write
/// the same crate (but for the command each header names).
fn install_check() -> anyhow::Result<()> {
    let scratch = std::env::temp_dir().join(format!("{GENERATOR}-install-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)?;
    let result = install_in(&scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn install_in(scratch: &Path) -> anyhow::Result<()> {
    run(
        &format!("cargo package ({GENERATOR})"),
        cargo().args([
            "package",
            "--quiet",
            "--allow-dirty",
            "--no-verify",
            "-p",
            GENERATOR,
        ]),
    )?;
    let version = toml_version(&root().join("generator/Cargo.toml"))?;
    let archive = target_dir()
        .join("package")
        .join(format!("{GENERATOR}-{version}.crate"));
    // `--touch`: the files' times are the unpacking's, not the archive's
    // (which are older than what a previous run built from another
    // unpacking, and would let cargo take that build as fresh).
    run(
        "unpack the package outside the workspace",
        Command::new("tar")
            .args(["--touch", "-xzf"])
            .arg(&archive)
            .arg("-C")
            .arg(scratch),
    )?;
    let unpacked = scratch.join(format!("{GENERATOR}-{version}"));
    for file in [
        "templates/Cargo.toml.txt",
        "runtime/client.rs",
        "README.md",
        "Cargo.lock",
    ] {
        if !unpacked.join(file).is_file() {
            bail!("the package lacks {file}");
        }
    }
    // Debug and the shared target directory: what the tests built is
    // reused; the release build is the same code under another profile.
    run(
        &format!("cargo install --locked --path <unpacked {GENERATOR}>"),
        cargo()
            .args(["install", "--quiet", "--locked", "--debug", "--path"])
            .arg(&unpacked)
            .arg("--root")
            .arg(scratch.join("root"))
            .arg("--target-dir")
            .arg(target_dir()),
    )?;
    let binary = scratch.join("root/bin").join(GENERATOR);
    let spec = root().join("generator/tests/fixtures/multi-file.yaml");
    let by_cli = scratch.join("by-cli");
    run(
        &format!("{GENERATOR} --version"),
        Command::new(&binary).arg("--version"),
    )?;
    for check in [false, true] {
        let mut command = Command::new(&binary);
        command
            .args(["generate", "--spec"])
            .arg(&spec)
            .arg("--out")
            .arg(&by_cli);
        if check {
            command.arg("--check");
        }
        run(
            &format!(
                "installed {GENERATOR} generate{} (multi-file.yaml)",
                if check { " --check" } else { "" }
            ),
            &mut command,
        )?;
    }
    let by_library = scratch.join("by-library");
    run(
        "examples/generate.rs (the library) on the same document",
        cargo()
            .args([
                "run",
                "--quiet",
                "-p",
                GENERATOR,
                "--example",
                "generate",
                "--",
            ])
            .arg(&spec)
            .arg(&by_library),
    )?;
    let cli = generated_files(&by_cli)?;
    let library = generated_files(&by_library)?;
    if cli.keys().ne(library.keys()) {
        bail!(
            "the CLI wrote {:?}, the library {:?}",
            cli.keys().collect::<Vec<_>>(),
            library.keys().collect::<Vec<_>>()
        );
    }
    for (path, text) in &cli {
        if library[path] != *text {
            bail!("{path} differs between the CLI's crate and the library's");
        }
    }
    if !cli.contains_key("src/lib.rs") || !cli.contains_key("Cargo.toml") {
        bail!("the installed generator wrote no crate: {:?}", cli.keys());
    }
    println!(
        "    {} files, the same from the CLI and the library",
        cli.len()
    );
    Ok(())
}

/// The `version` of a manifest's `[package]`.
pub(crate) fn toml_version(manifest: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(manifest)?;
    text.lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .map(str::to_owned)
        .with_context(|| format!("no version in {}", manifest.display()))
}

/// Every file under `dir` by relative path, without the lines that name
/// the command that wrote it (each file's header, the crate docs' line).
fn generated_files(dir: &Path) -> anyhow::Result<std::collections::BTreeMap<String, String>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
                let text = std::fs::read_to_string(&path)?;
                let kept: Vec<&str> = text
                    .lines()
                    .filter(|l| {
                        !l.contains("@generated")
                            && !l.contains("generated from the API's OpenAPI document by")
                    })
                    .collect();
                files.insert(relative, kept.join("\n"));
            }
        }
    }
    Ok(files)
}

/// Runs every test of the workspace, echoing the output, and counts them.
fn cargo_test() -> anyhow::Result<(u64, u64)> {
    cargo_test_args(&["--workspace"])
}

/// Runs `cargo test` with `args`, echoing the output, and counts the tests.
fn cargo_test_args(args: &[&str]) -> anyhow::Result<(u64, u64)> {
    println!("==> cargo test {}", args.join(" "));
    let started = Instant::now();
    let output = cargo()
        .arg("test")
        .args(args)
        .args(["--color", "never"])
        .current_dir(root())
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("cannot start cargo test")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    let (mut passed, mut failed) = (0, 0);
    // Each binary ends with "test result: ok. 11 passed; 0 failed; 0 ignored; ...".
    for line in stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: "))
    {
        for part in line.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(kind), Some(count)) = (words.next(), words.next()) else {
                continue;
            };
            let count: u64 = count.parse().unwrap_or(0);
            match kind {
                "passed" => passed += count,
                "failed" => failed += count,
                _ => {}
            }
        }
    }
    if !output.status.success() {
        bail!("cargo test failed: {passed} passed, {failed} failed");
    }
    println!(
        "    cargo test: {passed} passed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok((passed, failed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_crate_is_up_to_date() {
        let report = xtask_codegen(&root(), Mode::Check).expect("the spec generates");
        assert!(
            report.is_clean(),
            "generated/ is stale: run `cargo xtask codegen` and commit (stale: {:?}, no longer generated: {:?})",
            report.written,
            report.removed
        );
    }
}
