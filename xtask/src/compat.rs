//! What the crate's users see change in the code itself, beside the spec:
//! the crate as last released against today's `generated/`.
//!
//! `generator::diff` compares two specs, so a change of the generator or of
//! the runtime (a method renamed, a runtime type changed, a dependency the
//! API exposes moved to a new major) reaches users without any bump being
//! asked for. `cargo xtask release` therefore also builds both crates and
//! asks:
//!
//! - cargo-semver-checks, for the code (what it reads in rustdoc's JSON);
//! - the manifests, for the dependencies the crate's public API names (a
//!   `pub use reqwest;`, a `pub` signature with `serde_json::Value`): a new
//!   major of one of those is a major change for the crate's users, which
//!   cargo-semver-checks does not see.
//!
//! The version being released must satisfy both this and the spec's
//! classification; a refusal names the items.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use generator::diff::Impact;

/// What changed in the crate's code and public dependencies.
#[derive(Debug, Default)]
pub struct Finding {
    /// The largest change (`None`: nothing a user sees).
    pub impact: Option<Impact>,
    /// Each change that asks for a major or minor version, said for the
    /// refusal: `major: inherent_method_missing: ClientBuilder::retries`,
    /// `major: reqwest 0.12 → 0.13, which the API exposes (pub use reqwest)`.
    pub reasons: Vec<String>,
}

/// The bump from `previous` to `next` (`Internal` for a patch).
pub fn bump_between(previous: &str, next: &str) -> anyhow::Result<Impact> {
    let parse = |v: &str| -> anyhow::Result<(u64, u64, u64)> {
        let core = v.split(['-', '+']).next().unwrap_or(v);
        let parts: Vec<u64> = core
            .split('.')
            .map(str::parse)
            .collect::<Result<_, _>>()
            .with_context(|| format!("`{v}` is not a semantic version"))?;
        match parts[..] {
            [a, b, c] => Ok((a, b, c)),
            _ => bail!("`{v}` is not a semantic version"),
        }
    };
    let (p, n) = (parse(previous)?, parse(next)?);
    if n <= p {
        bail!("{next} is not newer than {previous}");
    }
    // Cargo's compatibility: the leftmost non-zero component is the major.
    let major = |v: (u64, u64, u64)| match v {
        (0, 0, c) => (0, 0, c),
        (0, b, _) => (0, b, 0),
        (a, _, _) => (a, 0, 0),
    };
    Ok(if major(p) != major(n) {
        Impact::Breaking
    } else if (p.0, p.1) != (n.0, n.1) {
        Impact::Compatible
    } else {
        Impact::Internal
    })
}

/// Whether `next` (a bump from `previous`) is enough for `finding`;
/// otherwise the refusal, naming every item that asks for more.
pub fn verdict(previous: &str, next: &str, finding: &Finding) -> anyhow::Result<()> {
    let bump = bump_between(previous, next)?;
    let Some(needed) = finding.impact else {
        return Ok(());
    };
    let rank = |i: Impact| match i {
        Impact::Internal => 0,
        Impact::Compatible => 1,
        Impact::Breaking => 2,
    };
    if rank(bump) >= rank(needed) {
        return Ok(());
    }
    let name = |i: Impact| crate::release::bump_name(i);
    bail!(
        "hexpay {next} is a {} release after {previous}, but the crate's code needs a {} one:\n{}\n\
         bump the version (`cargo xtask codegen --bump {}`) and say in the changelog what users change",
        name(bump),
        name(needed),
        finding
            .reasons
            .iter()
            .filter(|r| {
                let level = r.split(':').next().unwrap_or_default();
                rank(bump) < if level == "major" { 2 } else { 1 }
            })
            .map(|r| format!("  - {r}"))
            .collect::<Vec<_>>()
            .join("\n"),
        name(needed)
    )
}

/// Compares the crate in `current` with the one in `baseline` (each a
/// workspace of its own), building in `dir`.
pub fn compare(
    tool: &Path,
    dir: &Path,
    baseline: &Path,
    current: &Path,
) -> anyhow::Result<Finding> {
    let mut finding = Finding::default();
    let raise = |finding: &mut Finding, impact: Impact| {
        if finding.impact != Some(Impact::Breaking) {
            finding.impact = Some(match (finding.impact, impact) {
                (_, Impact::Breaking) => Impact::Breaking,
                (Some(Impact::Compatible), _) | (_, Impact::Compatible) => Impact::Compatible,
                _ => Impact::Internal,
            });
        }
    };
    for change in dependency_changes(baseline, current)? {
        raise(&mut finding, Impact::Breaking);
        finding.reasons.push(format!("major: {change}"));
    }
    // cargo-semver-checks leaves the lints of additions (a new method, a
    // new constant, …) at `allow`: a release asks for a minor version for
    // them, so they are errors here.
    let levels = lint_levels(tool)?;
    for side in [baseline, current] {
        let manifest = side.join("Cargo.toml");
        let mut text = std::fs::read_to_string(&manifest)?;
        text.push_str("\n[package.metadata.cargo-semver-checks.lints]\n");
        for (lint, (_, allowed)) in &levels {
            if *allowed {
                text.push_str(&format!("{lint} = \"deny\"\n"));
            }
        }
        std::fs::write(&manifest, text)?;
    }
    let tool = crate::semver::semver_checks_items(tool, dir, baseline, current)?;
    match tool.bump.as_str() {
        "major" => raise(&mut finding, Impact::Breaking),
        "minor" => raise(&mut finding, Impact::Compatible),
        _ => {}
    }
    for item in &tool.items {
        let lint = item.split(':').next().unwrap_or_default();
        let level = levels
            .get(lint)
            .map_or(tool.bump.as_str(), |(l, _)| l.as_str());
        finding
            .reasons
            .push(format!("{level}: {item} (cargo-semver-checks)"));
    }
    if tool.items.is_empty() && tool.bump != "none" {
        finding.reasons.push(format!(
            "{}: {} (cargo-semver-checks)",
            tool.bump,
            tool.lints.join(", ")
        ));
    }
    Ok(finding)
}

/// Every lint of cargo-semver-checks: the version it asks for (`major`,
/// `minor`), and whether it is off (`allow`) by default.
fn lint_levels(tool: &Path) -> anyhow::Result<BTreeMap<String, (String, bool)>> {
    let list = Command::new(tool)
        .args(["semver-checks", "--list"])
        .output()
        .context("cannot run cargo-semver-checks --list")?;
    let mut out = BTreeMap::new();
    for line in String::from_utf8_lossy(&list.stdout).lines() {
        let mut words = line.split_whitespace();
        if let (Some(id), Some(level @ ("major" | "minor"))) = (words.next(), words.next()) {
            out.insert(id.to_owned(), (level.to_owned(), false));
        }
    }
    if out.is_empty() {
        bail!("cargo-semver-checks --list printed no lint");
    }
    // The default levels are in each lint's definition, which `--list`
    // does not print: `--explain` does not either, so the additions are
    // named here, as the pinned version defines them.
    for lint in ALLOWED_BY_DEFAULT {
        if let Some(entry) = out.get_mut(*lint) {
            entry.1 = true;
        }
    }
    Ok(out)
}

/// The lints cargo-semver-checks (the pinned version) leaves at `allow`
/// that ask for a minor version: additions a release must count.
const ALLOWED_BY_DEFAULT: &[&str] = &[
    "exhaustive_enum_added",
    "exhaustive_struct_added",
    "exhaustive_struct_with_doc_hidden_fields_added",
    "exhaustive_struct_with_private_fields_added",
    "function_now_const",
    "inherent_associated_pub_const_added",
    "inherent_method_added",
    "inherent_method_now_const",
    "non_exhaustive_enum_added",
    "non_exhaustive_struct_added",
    "pub_const_added",
    "pub_static_added",
    "union_added",
];

/// The dependencies a crate's public API names, with the version each
/// manifest asks for: a `pub use` of the crate, or a `pub` item, an `impl`
/// or a derive of its source that names a path in it.
pub fn public_dependencies(krate: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml"))
        .with_context(|| format!("cannot read {}", krate.join("Cargo.toml").display()))?;
    let all = dependencies(&manifest);
    let mut sources = Vec::new();
    collect_sources(&krate.join("src"), &mut sources)?;
    let mut text = String::new();
    for path in sources {
        text.push_str(&std::fs::read_to_string(path)?);
        text.push('\n');
    }
    let public_lines: Vec<&str> = text
        .lines()
        .map(str::trim_start)
        // Trait impls and derives count too (`::serde::Serialize` on a
        // type): conservatively, an impl for a crate-private type as well.
        .filter(|l| l.starts_with("pub ") || l.starts_with("impl") || l.starts_with("#[derive("))
        .collect();
    Ok(all
        .into_iter()
        .filter(|(name, _)| {
            let ident = name.replace('-', "_");
            public_lines.iter().any(|l| {
                l.contains(&format!("{ident}::"))
                    || l.strip_prefix("pub use ")
                        .is_some_and(|rest| rest.trim_start_matches("::").starts_with(&*ident))
            })
        })
        .collect())
}

/// Each public dependency whose version requirement moved to another
/// major (or that is gone), said in words.
pub fn dependency_changes(baseline: &Path, current: &Path) -> anyhow::Result<Vec<String>> {
    let (old, new) = (
        public_dependencies(baseline)?,
        public_dependencies(current)?,
    );
    let mut out = Vec::new();
    for (name, before) in &old {
        match new.get(name) {
            None => out.push(format!("{name} {before} is no longer exposed by the API")),
            Some(after) if major_of(before) != major_of(after) => out.push(format!(
                "{name} {before} → {after}, which the API exposes: a value of the old {name} no longer fits"
            )),
            Some(_) => {}
        }
    }
    Ok(out)
}

/// The semver-major part of a requirement (`0.12.3` → `0.12`, `1.4` → `1`).
fn major_of(requirement: &str) -> String {
    let version = requirement.trim_start_matches(['^', '=', '~', ' ']);
    let parts: Vec<&str> = version.split('.').collect();
    match parts.as_slice() {
        ["0", "0", c, ..] => format!("0.0.{c}"),
        ["0", b, ..] => format!("0.{b}"),
        [a, ..] => (*a).to_owned(),
        [] => version.to_owned(),
    }
}

/// The `[dependencies]` of a manifest, by name, with their version
/// requirement (as the generator writes them: `name = "1"` or
/// `name = { version = "1", … }`).
fn dependencies(manifest: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut inside = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[dependencies]";
            continue;
        }
        if !inside || line.starts_with('#') {
            continue;
        }
        let Some((name, rest)) = line.split_once('=') else {
            continue;
        };
        let rest = rest.trim();
        let version = if let Some(quoted) = rest.strip_prefix('"') {
            quoted.split('"').next()
        } else {
            rest.split("version = \"")
                .nth(1)
                .and_then(|v| v.split('"').next())
        };
        if let Some(version) = version {
            out.insert(name.trim().to_owned(), version.to_owned());
        }
    }
    out
}

fn collect_sources(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect_sources(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The two crates to compare, each a workspace of its own under `dir`:
/// `generated/` at `rev` (today's when `None`) with that revision's lock
/// file, and today's `generated/`.
pub fn crates_to_compare(
    root: &Path,
    rev: Option<&str>,
    dir: &Path,
) -> anyhow::Result<(PathBuf, PathBuf)> {
    let (old, new) = (dir.join("old"), dir.join("new"));
    for side in [&old, &new] {
        let _ = std::fs::remove_dir_all(side);
    }
    match rev {
        Some(rev) => {
            let unpacked = dir.join("at-revision");
            let _ = std::fs::remove_dir_all(&unpacked);
            crate::release::git_archive(rev, &["generated", "Cargo.lock"], &unpacked)?;
            std::fs::rename(unpacked.join("generated"), &old)?;
            std::fs::copy(unpacked.join("Cargo.lock"), old.join("Cargo.lock"))?;
        }
        None => {
            crate::bench::copy_dir(&root.join("generated"), &old)?;
            std::fs::copy(root.join("Cargo.lock"), old.join("Cargo.lock"))?;
        }
    }
    crate::bench::copy_dir(&root.join("generated"), &new)?;
    std::fs::copy(root.join("Cargo.lock"), new.join("Cargo.lock"))?;
    for side in [&old, &new] {
        let manifest = side.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest)?;
        std::fs::write(&manifest, format!("{text}\n[workspace]\n"))?;
    }
    Ok((old, new))
}

/// Where the version before `version` was released: the tag
/// `hexpay-v<previous>` when it exists; otherwise the commit that bumped
/// the changelog to `<previous>` (the crate as it was when it took that
/// version, as `release/hexpay.yaml` is its spec: a later change of that
/// version's code counts against this release, which errs on the side of
/// asking for more). `None` when `version` is the first.
pub fn previous_release(root: &Path, version: &str) -> anyhow::Result<Option<(String, String)>> {
    let git = |args: &[&str]| crate::release::git(root, args).map(|out| out.trim().to_owned());
    let changelog = std::fs::read_to_string(root.join(crate::release::CHANGELOG))?;
    let versions = crate::release::versions(&changelog);
    let Some(previous) = versions
        .iter()
        .map(|(_, v)| v)
        .skip_while(|v| *v != version)
        .nth(1)
    else {
        return Ok(None);
    };
    let tag = format!("hexpay-v{previous}");
    if !git(&["tag", "--list", &tag])?.is_empty() {
        return Ok(Some((previous.clone(), tag)));
    }
    // Newest first: past the commits that name a newer version first, the
    // run that names `previous` first ends at its bump.
    let log = git(&["log", "--format=%H", "--", crate::release::CHANGELOG])?;
    let mut bump = None;
    for rev in log.lines() {
        let text = git(&["show", &format!("{rev}:{}", crate::release::CHANGELOG)])?;
        let first = crate::release::versions(&text)
            .first()
            .map(|(_, v)| v.clone());
        if first.as_deref() == Some(previous.as_str()) {
            bump = Some(rev.to_owned());
        } else if bump.is_some() {
            break;
        }
    }
    let bump = bump.with_context(|| {
        format!(
            "no commit names hexpay {previous} first in {}: tag its release `{tag}`",
            crate::release::CHANGELOG
        )
    })?;
    Ok(Some((previous.clone(), bump)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_follow_cargo() {
        assert_eq!(bump_between("1.1.0", "2.0.0").unwrap(), Impact::Breaking);
        assert_eq!(bump_between("1.1.0", "1.2.0").unwrap(), Impact::Compatible);
        assert_eq!(bump_between("1.1.0", "1.1.1").unwrap(), Impact::Internal);
        assert_eq!(bump_between("0.3.1", "0.4.0").unwrap(), Impact::Breaking);
        assert!(bump_between("1.1.0", "1.1.0").is_err());
    }

    #[test]
    fn a_minor_bump_is_refused_for_a_runtime_break_and_names_it() {
        let finding = Finding {
            impact: Some(Impact::Breaking),
            reasons: vec![
                "major: inherent_method_missing: ClientBuilder::max_response_bytes (cargo-semver-checks)"
                    .to_owned(),
                "minor: inherent_method_added: ClientBuilder::limit (cargo-semver-checks)".to_owned(),
            ],
        };
        let err = verdict("1.1.0", "1.2.0", &finding).unwrap_err().to_string();
        assert!(err.contains("a minor release after 1.1.0"), "{err}");
        assert!(err.contains("ClientBuilder::max_response_bytes"), "{err}");
        assert!(
            !err.contains("ClientBuilder::limit"),
            "a minor bump covers it: {err}"
        );
        assert!(verdict("1.1.0", "2.0.0", &finding).is_ok());
        let added = Finding {
            impact: Some(Impact::Compatible),
            reasons: vec!["minor: inherent_method_added: ClientBuilder::limit".to_owned()],
        };
        let err = verdict("1.1.0", "1.1.1", &added).unwrap_err().to_string();
        assert!(err.contains("ClientBuilder::limit"), "{err}");
        assert!(verdict("1.1.0", "1.2.0", &added).is_ok());
        assert!(verdict("1.1.0", "1.1.1", &Finding::default()).is_ok());
    }

    /// The generated crate exposes reqwest (`pub use reqwest`), bytes,
    /// uuid and serde (its types derive `Serialize`); a new major of
    /// reqwest is breaking, of a dependency it does not expose is not.
    #[test]
    fn a_new_major_of_an_exposed_dependency_is_breaking() {
        let root = crate::root();
        let public = public_dependencies(&root.join("generated")).unwrap();
        for name in ["reqwest", "bytes", "uuid", "serde"] {
            assert!(public.contains_key(name), "{name} is public: {public:?}");
        }
        for name in ["fastrand", "httpdate", "webpki-roots", "tracing"] {
            assert!(!public.contains_key(name), "{name} is internal: {public:?}");
        }
        let dir = std::env::temp_dir().join(format!("xtask-compat-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (old, new) = (dir.join("old"), dir.join("new"));
        for (side, reqwest, fastrand) in [(&old, "0.12", "1"), (&new, "0.13", "2")] {
            std::fs::create_dir_all(side.join("src")).unwrap();
            std::fs::write(
                side.join("Cargo.toml"),
                format!(
                    "[package]\nname = \"x\"\n\n[dependencies]\n# a comment\nfastrand = \"{fastrand}\"\n\
                     reqwest = {{ version = \"{reqwest}\", default-features = false }}\nserde_json = \"1\"\n\n[dev-dependencies]\nreqwest = \"9\"\n"
                ),
            )
            .unwrap();
            std::fs::write(
                side.join("src/lib.rs"),
                "pub use reqwest;\npub struct A {\n    pub value: serde_json::Value,\n}\nfn f() { fastrand::u8(..); }\n",
            )
            .unwrap();
        }
        let changes = dependency_changes(&old, &new).unwrap();
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert!(changes[0].starts_with("reqwest 0.12 → 0.13"), "{changes:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
