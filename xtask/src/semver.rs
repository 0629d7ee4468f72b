//! `cargo xtask semver`: the crate's change classification checked against
//! cargo-semver-checks, on the spec changes of `xtask/semver/scenarios.yaml`.
//!
//! For each scenario, the crate generated from the spec and the crate
//! generated from the edited spec are compared by cargo-semver-checks (built
//! from crates.io into `target/tools/` on first use: minutes), and the two
//! specs by `generator::diff`. The results table goes into README.md,
//! between the `semver-results` markers.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, bail};
use generator::diff::{self, Impact};
use generator::sync::{self, Mode};

/// The cargo-semver-checks version the scenarios are recorded with. Its
/// rustdoc JSON reader must match the toolchain's.
const TOOL_VERSION: &str = "0.51.0";

const SCENARIOS: &str = "xtask/semver/scenarios.yaml";
const RELEASES: &str = "xtask/semver/releases.yaml";
const RELEASES_BEGIN: &str = "<!-- release-results: written by `cargo xtask semver` -->";
const RELEASES_END: &str = "<!-- /release-results -->";
const README: &str = "README.md";
const BEGIN: &str = "<!-- semver-results: written by `cargo xtask semver` -->";
const END: &str = "<!-- /semver-results -->";

/// One spec change.
#[derive(Debug)]
pub struct Scenario {
    name: String,
    change: String,
    impact: Impact,
    semver_checks: String,
    why: Option<String>,
    probe: Option<String>,
    edits: Vec<(String, String)>,
}

/// The scenarios, as the file lists them.
pub fn scenarios(root: &Path) -> anyhow::Result<Vec<Scenario>> {
    let path = root.join(SCENARIOS);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let value: serde_json::Value =
        serde_yaml::from_str(&text).with_context(|| format!("{} is not YAML", path.display()))?;
    let items = value
        .as_array()
        .with_context(|| format!("{}: expected a list", path.display()))?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let field = |key: &str| -> anyhow::Result<String> {
            item.get(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .with_context(|| format!("{}: scenario {}: no `{key}`", path.display(), i + 1))
        };
        let impact = match field("impact")?.as_str() {
            "breaking" => Impact::Breaking,
            "compatible" => Impact::Compatible,
            "internal" => Impact::Internal,
            other => bail!(
                "{}: scenario {}: unknown impact `{other}`",
                path.display(),
                i + 1
            ),
        };
        let semver_checks = field("semver_checks")?;
        if !["major", "minor", "none"].contains(&semver_checks.as_str()) {
            bail!(
                "{}: scenario {}: `semver_checks` is major, minor or none",
                path.display(),
                i + 1
            );
        }
        let mut edits = Vec::new();
        for edit in item
            .get("edits")
            .and_then(|e| e.as_array())
            .with_context(|| format!("{}: scenario {}: no `edits`", path.display(), i + 1))?
        {
            let part = |key: &str| {
                edit.get(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
                    .with_context(|| {
                        format!(
                            "{}: scenario {}: an edit without `{key}`",
                            path.display(),
                            i + 1
                        )
                    })
            };
            edits.push((part("replace")?, part("with")?));
        }
        out.push(Scenario {
            name: field("name")?,
            change: field("change")?,
            impact,
            semver_checks,
            why: field("why").ok(),
            probe: field("probe").ok(),
            edits,
        });
    }
    Ok(out)
}

impl Scenario {
    /// The spec with the scenario's edits.
    fn apply(&self, spec: &str) -> anyhow::Result<String> {
        let mut text = spec.to_owned();
        for (from, to) in &self.edits {
            let found = text.matches(from.as_str()).count();
            if found != 1 {
                bail!(
                    "scenario `{}`: the text to replace occurs {found} times in the spec, not once:\n{from}",
                    self.name
                );
            }
            text = text.replacen(from.as_str(), to, 1);
        }
        Ok(text)
    }

    /// Whether the classification and the tool's finding say the same:
    /// breaking exactly when a major version is asked for.
    fn agrees(&self, found: &str, impact: Option<Impact>) -> bool {
        (impact == Some(Impact::Breaking)) == (found == "major")
    }
}

fn options(root: &Path) -> generator::Options {
    generator::Options {
        source_name: "spec/hexpay.yaml".to_owned(),
        crate_name: Some("hexpay".to_owned()),
        // The same version on both sides: the tool is told the release type.
        crate_version: Some("1.0.0".to_owned()),
        command: "`cargo xtask semver`".to_owned(),
        strict: false,
        base_dir: Some(root.join("spec")),
        features: generator::FeatureMode::default(),
        overlays: Vec::new(),
        output: generator::Output::Crate,
        runtime: None,
    }
}

/// The changes a scenario makes, by `generator::diff`.
fn classify(root: &Path, spec: &str, edited: &str) -> anyhow::Result<Vec<diff::Change>> {
    let options = options(root);
    let old = generator::model(spec, &options).map_err(|d| anyhow::anyhow!("{d}"))?;
    let new = generator::model(edited, &options).map_err(|d| anyhow::anyhow!("{d}"))?;
    Ok(diff::compare(&old, &new))
}

/// `cargo xtask semver [NAME...]`.
pub fn run(names: &[&str]) -> anyhow::Result<()> {
    let root = crate::root();
    let tool = tool()?;
    let all = scenarios(&root)?;
    let releases = release_scenarios(&root)?;
    for name in names {
        if !all.iter().any(|s| s.name == *name) && !releases.iter().any(|s| s.name == *name) {
            bail!("no scenario `{name}` in {SCENARIOS} or {RELEASES}");
        }
    }
    let chosen: Vec<&Scenario> = all
        .iter()
        .filter(|s| names.is_empty() || names.contains(&s.name.as_str()))
        .collect();
    let spec = std::fs::read_to_string(root.join("spec/hexpay.yaml"))?;
    let dir = crate::target_dir().join("semver");
    let baseline = dir.join("old");
    write_crate(&root, &spec, &baseline)?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for s in &chosen {
        let started = Instant::now();
        let edited = s.apply(&spec)?;
        let changes = classify(&root, &spec, &edited)?;
        let impact = diff::largest(&changes);
        let current = dir.join("new");
        write_crate(&root, &edited, &current)?;
        let (found, lints) = semver_checks(&tool, &dir, &baseline, &current)?;
        let agrees = s.agrees(&found, impact);
        if let Some(probe) = &s.probe {
            let verdict = run_probe(&dir, probe)?;
            println!("{:<30} probe: {verdict}", s.name);
            let breaks = impact == Some(Impact::Breaking);
            if verdict != if breaks { "breaks" } else { "compiles" } {
                problems.push(format!(
                    "{}: the probe {verdict} against the new crate, but the classification says {}",
                    s.name,
                    impact.map_or("none", Impact::as_str)
                ));
            }
        }
        let ours = impact.map_or("none", Impact::as_str);
        println!(
            "{:<30} ours: {ours:<10} cargo-semver-checks: {found:<5} {} ({:.0} s){}",
            s.name,
            if agrees { "agree" } else { "DISAGREE" },
            started.elapsed().as_secs_f64(),
            if lints.is_empty() {
                String::new()
            } else {
                format!(" [{}]", lints.join(", "))
            }
        );
        if impact != Some(s.impact) {
            problems.push(format!(
                "{}: generator::diff says {ours}, the scenario expects {}",
                s.name,
                s.impact.as_str()
            ));
        }
        if found != s.semver_checks {
            problems.push(format!(
                "{}: cargo-semver-checks finds {found}, the scenario records {}",
                s.name, s.semver_checks
            ));
        }
        if !agrees && s.why.is_none() {
            problems.push(format!(
                "{}: the classification ({ours}) and cargo-semver-checks ({found}) disagree, and the scenario does not say which is wrong",
                s.name
            ));
        }
        rows.push(format!(
            "| `{}` | {} | {ours} | {found}{} | {} |",
            s.name,
            s.change,
            if lints.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    lints
                        .iter()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
            if agrees {
                "yes".to_owned()
            } else {
                format!("no: {}", s.why.as_deref().unwrap_or("?"))
            }
        ));
    }
    let chosen_releases: Vec<&ReleaseScenario> = releases
        .iter()
        .filter(|s| names.is_empty() || names.contains(&s.name.as_str()))
        .collect();
    let release_rows = run_releases(&root, &tool, &chosen_releases, &mut problems)?;
    if names.is_empty() {
        record(&root, &rows)?;
    }
    if chosen_releases.len() == releases.len() {
        record_releases(&root, &release_rows)?;
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    println!(
        "{} changes of the code: each refused one bump short, naming its item, and accepted with its bump",
        chosen_releases.len()
    );
    if chosen.is_empty() {
        return Ok(());
    }
    let explained = chosen.iter().filter(|s| s.why.is_some()).count();
    println!(
        "{} scenarios: the classification agrees with cargo-semver-checks {TOOL_VERSION} on {}; the scenario says why on the other {explained}",
        chosen.len(),
        chosen.len() - explained
    );
    Ok(())
}

/// A change of the crate's code (`xtask/semver/releases.yaml`).
#[derive(Debug)]
pub struct ReleaseScenario {
    name: String,
    change: String,
    needs: Impact,
    names: String,
    baseline: Option<String>,
    /// (file under generated/, text, replacement)
    edits: Vec<(String, String, String)>,
}

fn release_scenarios(root: &Path) -> anyhow::Result<Vec<ReleaseScenario>> {
    let path = root.join(RELEASES);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let value: serde_json::Value =
        serde_yaml::from_str(&text).with_context(|| format!("{} is not YAML", path.display()))?;
    let items = value
        .as_array()
        .with_context(|| format!("{}: expected a list", path.display()))?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let text_of = |v: &serde_json::Value, key: &str| -> anyhow::Result<String> {
            v.get(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .with_context(|| format!("{}: scenario {}: no `{key}`", path.display(), i + 1))
        };
        let needs = match text_of(item, "needs")?.as_str() {
            "major" => Impact::Breaking,
            "minor" => Impact::Compatible,
            other => bail!(
                "{}: scenario {}: `needs` is major or minor, not `{other}`",
                path.display(),
                i + 1
            ),
        };
        let mut edits = Vec::new();
        for edit in item
            .get("edits")
            .and_then(|e| e.as_array())
            .into_iter()
            .flatten()
        {
            edits.push((
                text_of(edit, "file")?,
                text_of(edit, "replace")?,
                text_of(edit, "with")?,
            ));
        }
        out.push(ReleaseScenario {
            name: text_of(item, "name")?,
            change: text_of(item, "change")?,
            needs,
            names: text_of(item, "names")?,
            baseline: text_of(item, "baseline").ok(),
            edits,
        });
    }
    Ok(out)
}

/// Runs each change of the crate's code through the release check: the
/// bump it needs, a release one bump short refused with the item named,
/// a release of that bump accepted.
fn run_releases(
    root: &Path,
    tool: &Path,
    chosen: &[&ReleaseScenario],
    problems: &mut Vec<String>,
) -> anyhow::Result<Vec<String>> {
    let dir = crate::target_dir().join("semver-releases");
    let mut rows = Vec::new();
    for s in chosen {
        let started = Instant::now();
        let (old, new) = crate::compat::crates_to_compare(root, s.baseline.as_deref(), &dir)?;
        for (file, from, to) in &s.edits {
            let path = new.join(file);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("scenario `{}`: cannot read generated/{file}", s.name))?;
            let found = text.matches(from.as_str()).count();
            if found != 1 {
                bail!(
                    "scenario `{}`: the text to replace occurs {found} times in generated/{file}, not once:\n{from}",
                    s.name
                );
            }
            std::fs::write(&path, text.replacen(from.as_str(), to, 1))?;
        }
        let finding = crate::compat::compare(tool, &dir, &old, &new)?;
        let found = finding.impact.map_or("none", Impact::as_str);
        let (short, enough) = match s.needs {
            Impact::Breaking => ("1.2.0", "2.0.0"),
            _ => ("1.1.1", "1.2.0"),
        };
        let refused = crate::compat::verdict("1.1.0", short, &finding)
            .err()
            .map(|e| e.to_string());
        let accepted = crate::compat::verdict("1.1.0", enough, &finding).is_ok();
        let names_it = refused.as_deref().is_some_and(|m| m.contains(&s.names));
        println!(
            "{:<30} needs: {found:<10} 1.1.0 → {short}: {} 1.1.0 → {enough}: {} ({:.0} s)",
            s.name,
            if names_it {
                "refused, named"
            } else {
                "NOT REFUSED AS IT SHOULD BE"
            },
            if accepted { "accepted" } else { "REFUSED" },
            started.elapsed().as_secs_f64()
        );
        for reason in &finding.reasons {
            println!("    {reason}");
        }
        if finding.impact != Some(s.needs) {
            problems.push(format!(
                "{}: the release check finds {found}, the scenario needs {}",
                s.name,
                s.needs.as_str()
            ));
        }
        if !names_it {
            problems.push(format!(
                "{}: releasing 1.1.0 → {short} is not refused with `{}` named: {}",
                s.name,
                s.names,
                refused.as_deref().unwrap_or("accepted")
            ));
        }
        if !accepted {
            problems.push(format!("{}: releasing 1.1.0 → {enough} is refused", s.name));
        }
        rows.push(format!(
            "| `{}` | {} | {found} | {} | {} |",
            s.name,
            s.change,
            if names_it {
                "refused, naming it"
            } else {
                "**not refused**"
            },
            if accepted { "accepted" } else { "**refused**" },
        ));
    }
    Ok(rows)
}

/// Writes the spec scenarios' results table into README.md, between its markers.
fn record(root: &Path, rows: &[String]) -> anyhow::Result<()> {
    let head = format!(
        "| Scenario | Spec change | `generator::diff` | cargo-semver-checks {TOOL_VERSION} | Agree |\n| --- | --- | --- | --- | --- |"
    );
    record_table(root, (BEGIN, END), &head, rows)
}

/// Writes the code changes' results table into README.md, between its markers.
fn record_releases(root: &Path, rows: &[String]) -> anyhow::Result<()> {
    let head = "| Scenario | Change of the code | Release check | One bump short | Enough |\n| --- | --- | --- | --- | --- |";
    record_table(root, (RELEASES_BEGIN, RELEASES_END), head, rows)
}

fn record_table(
    root: &Path,
    (begin_marker, end_marker): (&str, &str),
    head: &str,
    rows: &[String],
) -> anyhow::Result<()> {
    let path = root.join(README);
    let text = std::fs::read_to_string(&path)?;
    let (Some(begin), Some(end)) = (text.find(begin_marker), text.find(end_marker)) else {
        bail!("{README} has no `{begin_marker}` … `{end_marker}` section for the results");
    };
    let table = format!("{begin_marker}\n{head}\n{}\n", rows.join("\n"));
    let updated = format!("{}{table}{}", &text[..begin], &text[end..]);
    if updated != text {
        std::fs::write(&path, updated)?;
        println!("wrote the results into {README}");
    }
    Ok(())
}

/// Generates the crate of `spec` into `dir`, as a workspace of its own
/// locked to the project's dependency versions.
fn write_crate(root: &Path, spec: &str, dir: &Path) -> anyhow::Result<()> {
    let generated =
        generator::generate(spec, &options(root)).map_err(|d| anyhow::anyhow!("{d}"))?;
    let mut files = generated.files;
    if let Some(manifest) = files.get_mut("Cargo.toml") {
        manifest.push_str("\n[workspace]\n");
    }
    sync::sync(dir, &files, Mode::Write)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    Ok(())
}

/// Checks the probe's statements against the old crate (they must
/// compile) and the new one: `compiles` or `breaks`.
fn run_probe(dir: &Path, probe: &str) -> anyhow::Result<&'static str> {
    let krate = dir.join("probe");
    std::fs::create_dir_all(krate.join("src"))?;
    std::fs::write(
        krate.join("src/lib.rs"),
        format!(
            "//! Code written against the old crate.\n\n/// The probe.\npub fn probe() {{\n{probe}}}\n"
        ),
    )?;
    let mut verdicts = Vec::new();
    for side in ["old", "new"] {
        std::fs::write(
            krate.join("Cargo.toml"),
            format!(
                "# Written by `cargo xtask semver`.\n[package]\nname = \"probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nhexpay = {{ path = \"../{side}\" }}\n\n[workspace]\n"
            ),
        )?;
        std::fs::copy(dir.join("old/Cargo.lock"), krate.join("Cargo.lock"))?;
        let output = crate::cargo()
            .args(["check", "--quiet", "--offline", "--manifest-path"])
            .arg(krate.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .output()
            .context("cannot run cargo check")?;
        verdicts.push((
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ));
    }
    let (old_ok, old_err) = &verdicts[0];
    if !old_ok {
        bail!("the probe does not compile against the old crate:\n{old_err}");
    }
    Ok(if verdicts[1].0 { "compiles" } else { "breaks" })
}

/// What cargo-semver-checks asks for between the two crates (`major`,
/// `minor` or `none`), and the lints that fired.
fn semver_checks(
    tool: &Path,
    dir: &Path,
    baseline: &Path,
    current: &Path,
) -> anyhow::Result<(String, Vec<String>)> {
    let found = semver_checks_items(tool, dir, baseline, current)?;
    Ok((found.bump, found.lints))
}

/// What cargo-semver-checks found between two crates.
#[derive(Debug)]
pub(crate) struct ToolFinding {
    /// `major`, `minor` or `none`.
    pub(crate) bump: String,
    /// The lints that fired.
    pub(crate) lints: Vec<String>,
    /// Each item a lint names, as `lint: item` (without the file).
    pub(crate) items: Vec<String>,
}

/// Runs cargo-semver-checks on `current` against `baseline` (two crates,
/// each a workspace of its own), building in `dir/target`.
pub(crate) fn semver_checks_items(
    tool: &Path,
    dir: &Path,
    baseline: &Path,
    current: &Path,
) -> anyhow::Result<ToolFinding> {
    let output = Command::new(tool)
        .args([
            "semver-checks",
            "check-release",
            "--release-type",
            "patch",
            "--manifest-path",
        ])
        .arg(current.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(baseline)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .context("cannot run cargo-semver-checks")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // "--- failure enum_variant_missing: ..." / "--- warning ...".
    let mut lints: Vec<String> = text
        .lines()
        .filter_map(|l| {
            l.strip_prefix("--- failure ")
                .or_else(|| l.strip_prefix("--- warning "))
        })
        .filter_map(|l| l.split(':').next())
        .map(str::to_owned)
        .collect();
    lints.sort();
    lints.dedup();
    // "Summary semver requires new major version: 1 major and 0 minor checks
    // failed"; "Warning produced 1 major and 0 minor level warnings".
    let warned = |level: &str| {
        text.lines()
            .filter(|l| l.contains("level warnings"))
            .any(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                words
                    .windows(2)
                    .any(|w| w[1] == level && w[0].parse::<u32>().is_ok_and(|n| n > 0))
            })
    };
    // "Failed in:" then one item per line, until a blank line (on
    // stdout; cargo's progress goes to stderr).
    let mut items = Vec::new();
    let mut lint = "";
    let mut listing = false;
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines() {
        if let Some(l) = line
            .strip_prefix("--- failure ")
            .or_else(|| line.strip_prefix("--- warning "))
        {
            lint = l.split(':').next().unwrap_or_default();
            listing = false;
        } else if line.trim() == "Failed in:" {
            listing = true;
        } else if listing && line.trim().is_empty() {
            listing = false;
        } else if listing {
            let item = line.trim();
            let item = item
                .split(", previously in file ")
                .next()
                .unwrap_or(item)
                .split(" in file ")
                .next()
                .unwrap_or(item)
                .split(" in ")
                .next()
                .unwrap_or(item);
            items.push(format!("{lint}: {item}"));
        }
    }
    items.dedup();
    let found = if text.contains("requires new major version") || warned("major") {
        "major"
    } else if text.contains("requires new minor version") || warned("minor") {
        "minor"
    } else if output.status.success() {
        "none"
    } else {
        bail!("cargo-semver-checks failed:\n{text}");
    };
    Ok(ToolFinding {
        bump: found.to_owned(),
        lints,
        items,
    })
}

/// The pinned cargo-semver-checks, installed under `target/tools/` if it
/// is not there yet.
pub(crate) fn tool() -> anyhow::Result<PathBuf> {
    let tools = crate::target_dir().join("tools");
    let bin = tools.join("bin/cargo-semver-checks");
    let version = Command::new(&bin)
        .args(["semver-checks", "--version"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    if version.is_some_and(|v| v.contains(TOOL_VERSION)) {
        return Ok(bin);
    }
    crate::run(
        &format!("cargo install cargo-semver-checks {TOOL_VERSION} (once; minutes)"),
        crate::cargo()
            .args(["install", "--locked", "--quiet", "--jobs", "2"])
            .arg(format!("cargo-semver-checks@{TOOL_VERSION}"))
            .arg("--root")
            .arg(&tools),
    )?;
    Ok(bin)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNAPSHOT: &str = "xtask/semver/changes.md";

    /// Every scenario's changes, as the snapshot has them.
    fn snapshot(root: &Path) -> anyhow::Result<String> {
        let spec = std::fs::read_to_string(root.join("spec/hexpay.yaml"))?;
        let mut out = String::from(
            "<!-- Written by `UPDATE_EXPECT=1 cargo test -p xtask semver`: what generator::diff finds in each scenario of scenarios.yaml. -->\n# The changes of each scenario\n",
        );
        for s in scenarios(root)? {
            let changes = classify(root, &spec, &s.apply(&spec)?)?;
            out.push_str(&format!(
                "\n## `{}`: {}\n\n{}",
                s.name,
                s.change,
                diff::markdown(&changes)
            ));
        }
        Ok(out)
    }

    #[test]
    fn scenarios_are_classified_as_recorded() {
        let root = crate::root();
        let spec = std::fs::read_to_string(root.join("spec/hexpay.yaml")).unwrap();
        for s in scenarios(&root).unwrap() {
            let changes = classify(&root, &spec, &s.apply(&spec).unwrap()).unwrap();
            assert_eq!(
                diff::largest(&changes),
                Some(s.impact),
                "scenario `{}`: {changes:#?}",
                s.name
            );
        }
        let got = snapshot(&root).unwrap();
        let path = root.join(SNAPSHOT);
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, &got).unwrap();
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            want == got,
            "{SNAPSHOT} differs: run `UPDATE_EXPECT=1 cargo test -p xtask semver` and review the diff"
        );
    }

    #[test]
    fn the_readme_records_every_scenario() {
        let root = crate::root();
        let readme = std::fs::read_to_string(root.join(README)).unwrap();
        let (begin, end) = (readme.find(BEGIN).unwrap(), readme.find(END).unwrap());
        let section = &readme[begin..end];
        for s in scenarios(&root).unwrap() {
            assert!(
                section.contains(&format!("| `{}` |", s.name)),
                "README.md has no result for `{}`: run `cargo xtask semver`",
                s.name
            );
        }
    }
}
