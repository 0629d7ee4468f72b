//! `cargo xtask deps`: the generated crate depends on the current major
//! version of each of its dependencies (a user on reqwest 0.13 should not
//! compile a second HTTP stack for an SDK on 0.12).
//!
//! For each dependency of `generator/templates/Cargo.toml.txt`, `cargo info` (run outside
//! the workspace, so that it reports the newest release rather than the
//! locked one) gives the newest version on crates.io. A requirement whose
//! major version (for `0.x`, its minor) is older fails the task, unless
//! `xtask/dependency-waivers.tsv` names that crate and that newer version
//! with the reason it waits; a release newer still fails again.

use std::collections::BTreeMap;

use anyhow::{Context as _, bail};

use crate::{cargo, read_tsv, root};

/// `name = "req"` and `name = { version = "req", … }` lines of the
/// template's `[dependencies]`.
fn requirements(template: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_deps = false;
    for line in template.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if !in_deps || line.starts_with('#') || line.is_empty() {
            continue;
        }
        let Some((name, rest)) = line.split_once('=') else {
            continue;
        };
        let rest = rest.trim();
        let version = if let Some(v) = rest.strip_prefix('"') {
            v.split('"').next()
        } else {
            rest.split("version = \"")
                .nth(1)
                .and_then(|v| v.split('"').next())
        };
        if let Some(v) = version {
            out.push((name.trim().to_owned(), v.to_owned()));
        }
    }
    out
}

/// The part of a version that semver compatibility keeps: the major, or
/// for `0.x` the minor too (`0.12`).
fn compat(version: &str) -> String {
    let mut parts = version.split('.');
    let major = parts.next().unwrap_or("0");
    if major == "0" {
        format!("0.{}", parts.next().unwrap_or("0"))
    } else {
        major.to_owned()
    }
}

/// Whether a version is a pre-release (`0.24.0-dev.2`).
fn is_prerelease(version: &str) -> bool {
    version.split('+').next().is_some_and(|v| v.contains('-'))
}

/// The newest version of `name` on crates.io.
fn newest(name: &str) -> anyhow::Result<String> {
    let output = cargo()
        .args(["info", "--quiet", name])
        .current_dir(std::env::temp_dir())
        .output()
        .context("cannot start cargo info")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("version: "))
        .and_then(|v| v.split_whitespace().next())
        .map(str::to_owned)
        .with_context(|| {
            format!(
                "cargo info {name} says no version: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )
        })
}

/// `crate<TAB>version<TAB>reason` lines: the newer version each crate waits
/// for, and why.
fn waivers() -> anyhow::Result<BTreeMap<String, String>> {
    let path = root().join("xtask/dependency-waivers.tsv");
    let mut out = BTreeMap::new();
    for (place, cols) in read_tsv(&path, 3, "crate<TAB>version<TAB>reason")? {
        if cols[2].trim().is_empty() {
            bail!("{place}: a waiver needs its reason");
        }
        out.insert(cols[0].clone(), compat(&cols[1]));
    }
    Ok(out)
}

/// `cargo xtask deps`.
pub fn run() -> anyhow::Result<()> {
    let template = std::fs::read_to_string(root().join("generator/templates/Cargo.toml.txt"))?;
    let waived = waivers()?;
    let mut problems = Vec::new();
    for (name, requirement) in requirements(&template) {
        let latest = newest(&name)?;
        let (want, have) = (compat(&requirement), compat(&latest));
        let status = if want == have {
            "current".to_owned()
        } else if is_prerelease(&latest) {
            // `cargo info` names a pre-release when it is the newest
            // version: not a release a user is on yet.
            format!("current ({latest} is a pre-release)")
        } else if waived.get(&name) == Some(&have) {
            format!("waits for {latest} (xtask/dependency-waivers.tsv)")
        } else {
            problems.push(format!(
                "{name}: the generated crate requires {requirement}, crates.io has {latest}: move to it, or say in xtask/dependency-waivers.tsv why it waits"
            ));
            format!("OLD: {latest} is out")
        };
        println!("    {name:<18} {requirement:<8} {status}");
    }
    if problems.is_empty() {
        return Ok(());
    }
    for p in &problems {
        eprintln!("{p}");
    }
    bail!(
        "{} dependency(ies) of the generated crate are behind",
        problems.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_and_compatibility() {
        let template = "[package]\nname = \"x\"\n[dependencies]\n# c\nbytes = \"1\"\nreqwest = { version = \"0.12\", default-features = false }\n{%- if x %}\nchrono = { version = \"0.4\" }\n{%- endif %}\n[dev-dependencies]\ntokio = \"1\"\n";
        assert_eq!(
            requirements(template),
            [
                ("bytes".to_owned(), "1".to_owned()),
                ("reqwest".to_owned(), "0.12".to_owned()),
                ("chrono".to_owned(), "0.4".to_owned())
            ]
        );
        assert_eq!(compat("0.13.5"), "0.13");
        assert_eq!(compat("1.2.3"), "1");
        assert_eq!(compat("2"), "2");
        assert!(is_prerelease("0.24.0-dev.2"));
        assert!(!is_prerelease("0.23.46+build.1"));
    }
}
