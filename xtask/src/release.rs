//! The crate's version and releases: what changed in the spec since the
//! version the crate has, the bump that needs (`codegen --bump`), and
//! `release`.
//!
//! Three files hold the state, all committed:
//!
//! - `generated/CHANGELOG.md`: one section per version, newest first. Its
//!   first `## X.Y.Z` heading is the crate's version (written into
//!   `generated/Cargo.toml` by codegen). `--bump` adds the sections;
//!   prose may be added under any heading by hand.
//! - `release/hexpay.yaml`: the spec as it was when the crate took that
//!   version (`--bump` copies it). Comparing the spec with it tells what the
//!   crate's users would see change; nothing else reads it.
//! - `spec/hexpay.yaml`: the spec.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use generator::diff::{self, Change, Impact};

/// The spec, relative to the workspace root.
pub const SPEC: &str = "spec/hexpay.yaml";
/// The spec as of the crate's current version.
pub const BASELINE: &str = "release/hexpay.yaml";
/// The changelog, whose first version heading is the crate's version.
pub const CHANGELOG: &str = "generated/CHANGELOG.md";

/// The crate's version: the first `## X.Y.Z` heading of the changelog.
pub fn crate_version(root: &Path) -> anyhow::Result<String> {
    let path = root.join(CHANGELOG);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let versions = versions(&text);
    let Some((line, version)) = versions.first() else {
        bail!(
            "{}: no `## X.Y.Z` heading gives the crate's version",
            path.display()
        );
    };
    if diff::next_version(version, Impact::Internal).is_err() {
        bail!(
            "{}:{line}: `{version}` is not a semantic version",
            path.display()
        );
    }
    Ok(version.clone())
}

/// Each `## ` heading of a changelog: its line number and the version it
/// names (the first word).
pub(crate) fn versions(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| l.strip_prefix("## ").map(|v| (i + 1, v)))
        .map(|(i, v)| (i, v.split_whitespace().next().unwrap_or("").to_owned()))
        .collect()
}

/// The model of the document at `path` (relative to `root`).
fn model(root: &Path, path: &str, strict: bool) -> anyhow::Result<generator::model::Api> {
    let file = root.join(path);
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let options = generator::Options {
        source_name: path.to_owned(),
        strict,
        base_dir: file.parent().map(Path::to_path_buf),
        // The released spec and today's are compared through the same
        // repairs.
        overlays: crate::codegen_overlays(root)?,
        ..generator::Options::default()
    };
    generator::model(&text, &options).map_err(|d| anyhow::anyhow!("{d}"))
}

/// Where the comparison starts: the spec as of the crate's version, or the
/// spec at a git revision.
pub enum Base {
    /// `release/hexpay.yaml`.
    Released,
    /// `spec/` at this revision (`git archive`), for a pull request's
    /// description: `--base origin/main`.
    Revision(String),
}

/// The changes of the spec since `base`, and a name for the base.
pub fn changes(root: &Path, base: &Base) -> anyhow::Result<(Vec<Change>, String)> {
    let new = model(root, SPEC, true)?;
    match base {
        Base::Released => {
            let old = model(root, BASELINE, false)?;
            Ok((
                diff::compare(&old, &new),
                format!("hexpay {} ({BASELINE})", crate_version(root)?),
            ))
        }
        Base::Revision(rev) => {
            let dir = checkout_spec(rev)?;
            let old = model(&dir, SPEC, false);
            let _ = std::fs::remove_dir_all(&dir);
            Ok((diff::compare(&old?, &new), format!("{SPEC} at {rev}")))
        }
    }
}

/// `spec/` at the git revision `rev`, in a directory of `target/`.
fn checkout_spec(rev: &str) -> anyhow::Result<PathBuf> {
    let dir = crate::target_dir().join("spec-at-revision");
    let _ = std::fs::remove_dir_all(&dir);
    git_archive(rev, &["spec"], &dir)?;
    Ok(dir)
}

/// Unpacks `paths` (everything when empty) as they are at the git revision
/// `rev` into `dir`, which must not exist yet.
pub(crate) fn git_archive(rev: &str, paths: &[&str], dir: &Path) -> anyhow::Result<()> {
    let archive = Command::new("git")
        .args(["archive", "--format=tar", rev])
        .args(paths)
        .current_dir(crate::root())
        .output()
        .context("cannot run git")?;
    if !archive.status.success() {
        bail!(
            "cannot read {} at `{rev}`: {}",
            if paths.is_empty() {
                "the project".to_owned()
            } else {
                paths.join(", ")
            },
            String::from_utf8_lossy(&archive.stderr).trim()
        );
    }
    std::fs::create_dir_all(dir)?;
    let tar = dir.join("archive.tar");
    std::fs::write(&tar, &archive.stdout)?;
    let status = Command::new("tar")
        .arg("-xf")
        .arg(&tar)
        .current_dir(dir)
        .status()
        .context("cannot run tar")?;
    std::fs::remove_file(&tar)?;
    if !status.success() {
        bail!("cannot unpack the archive of `{rev}`");
    }
    Ok(())
}

/// Prints the changes since `base_name`, and, when there are any, the bump
/// they need. Returns the version they need, if any.
pub fn print_changes(
    changes: &[Change],
    base_name: &str,
    version: &str,
) -> anyhow::Result<Option<String>> {
    let Some(largest) = diff::largest(changes) else {
        println!("no API change since {base_name}");
        return Ok(None);
    };
    println!("API changes since {base_name}: {}", diff::summary(changes));
    print!("{}", diff::text(changes));
    let next = diff::next_version(version, largest).map_err(|e| anyhow::anyhow!(e))?;
    Ok(Some(next))
}

/// The bump a largest change of `impact` needs, in words.
pub fn bump_name(impact: Impact) -> &'static str {
    match impact {
        Impact::Breaking => "major",
        Impact::Compatible => "minor",
        Impact::Internal => "patch",
    }
}

/// Applies the bump the changes since the baseline need (or `at_least`,
/// when the crate's code asks for more than its spec: a runtime change):
/// a new changelog section, the baseline replaced by the spec. Returns the
/// new version.
pub fn bump(
    root: &Path,
    changes: &[Change],
    at_least: Option<Impact>,
) -> anyhow::Result<Option<String>> {
    let rank = |i: Impact| match i {
        Impact::Internal => 0,
        Impact::Compatible => 1,
        Impact::Breaking => 2,
    };
    let from_spec = diff::largest(changes);
    let Some(largest) = [from_spec, at_least]
        .into_iter()
        .flatten()
        .max_by_key(|i| rank(*i))
    else {
        return Ok(None);
    };
    let version = crate_version(root)?;
    let next = diff::next_version(&version, largest).map_err(|e| anyhow::anyhow!(e))?;
    let path = root.join(CHANGELOG);
    let text = std::fs::read_to_string(&path)?;
    let first = text.find("\n## ").map_or(text.len(), |i| i + 1);
    let section = if changes.is_empty() {
        format!(
            "## {next}\n\nA {} release of the client's code since {version}; the API is unchanged.\n",
            bump_name(largest)
        )
    } else {
        format!(
            "## {next}\n\nA {} release: {}, since {version}.\n\n{}\n",
            bump_name(largest),
            diff::summary(changes),
            diff::markdown_table(changes).trim_end()
        )
    };
    let updated = format!("{}{section}\n{}", &text[..first], &text[first..]);
    std::fs::write(&path, updated).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::copy(root.join(SPEC), root.join(BASELINE))
        .with_context(|| format!("cannot write {BASELINE}"))?;
    Ok(Some(next))
}

/// Records the crate's new version in `Cargo.lock`, which names it: only
/// the workspace's own entries change, and nothing is downloaded.
pub fn refresh_lockfile(root: &Path) -> anyhow::Result<()> {
    let status = crate::cargo()
        .args(["update", "--workspace", "--offline", "--quiet"])
        .current_dir(root)
        .stdout(std::process::Stdio::null())
        .status()
        .context("cannot run cargo update")?;
    if !status.success() {
        bail!("cargo update --workspace failed: Cargo.lock may still name the old version");
    }
    Ok(())
}

/// The text of the newest section of the changelog, without its heading.
fn newest_section(text: &str) -> String {
    let mut lines = text.lines().skip_while(|l| !l.starts_with("## "));
    lines.next();
    lines
        .take_while(|l| !l.starts_with("## "))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// The output of `git ARGS` in `root`, or its error.
pub(crate) fn git(root: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .context("cannot run git")?;
    if !out.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `cargo xtask release`: every check a release needs, then the tag and
/// the notes to publish. Uploads nothing.
pub fn release(root: &Path) -> anyhow::Result<()> {
    let git = |args: &[&str]| git(root, args);
    println!("==> the work tree is clean");
    let dirty = git(&["status", "--porcelain", "--untracked-files=normal"])?;
    if !dirty.trim().is_empty() {
        bail!("the work tree has changes; commit or stash them first:\n{dirty}");
    }
    println!("==> the version and the changelog agree");
    let version = crate_version(root)?;
    let changelog = std::fs::read_to_string(root.join(CHANGELOG))?;
    check_changelog(&changelog)?;
    let in_manifest = crate::toml_version(&root.join("generated/Cargo.toml"))?;
    if in_manifest != version {
        bail!(
            "generated/Cargo.toml says {in_manifest}, {CHANGELOG} says {version}: run `cargo xtask codegen`"
        );
    }
    let tag = format!("hexpay-v{version}");
    if !git(&["tag", "--list", &tag])?.trim().is_empty() {
        bail!("{tag} is already tagged: bump the version first (`cargo xtask codegen --bump`)");
    }
    check_code(root, &version)?;
    // `codegen --check` (staleness and unbumped changes) is the test
    // command's second step.
    crate::run("cargo xtask test", crate::cargo().args(["xtask", "test"]))?;
    crate::run(
        "cargo publish --dry-run -p hexpay",
        crate::cargo().args(["publish", "--dry-run", "--quiet", "-p", "hexpay"]),
    )?;
    println!("\nhexpay {version} is ready. Nothing was uploaded. To publish:\n");
    println!("    git tag -a {tag} -m 'hexpay {version}' && git push origin {tag}");
    println!("    cargo publish -p hexpay\n");
    println!("Release notes ({CHANGELOG}, section {version}):\n");
    println!("{}", newest_section(&changelog));
    Ok(())
}

/// The crate's code against the previous release's: the version must be
/// enough for what cargo-semver-checks and the public dependencies say,
/// beside the spec (which `codegen --check` holds to its bump).
fn check_code(root: &Path, version: &str) -> anyhow::Result<()> {
    let Some((previous, rev)) = crate::compat::previous_release(root, version)? else {
        println!("==> hexpay {version} is the first release: no code to compare with");
        return Ok(());
    };
    println!(
        "==> the code against hexpay {previous} (generated/ at {rev}), with cargo-semver-checks"
    );
    let tool = crate::semver::tool()?;
    let dir = crate::target_dir().join("release-check");
    let (old, new) = crate::compat::crates_to_compare(root, Some(&rev), &dir)?;
    let finding = crate::compat::compare(&tool, &dir, &old, &new)?;
    for reason in &finding.reasons {
        println!("    {reason}");
    }
    crate::compat::verdict(&previous, version, &finding)?;
    println!(
        "    hexpay {version} is a {} release after {previous}: enough",
        bump_name(crate::compat::bump_between(&previous, version)?)
    );
    Ok(())
}

/// The changelog's versions are semantic versions, each once, newest first.
fn check_changelog(text: &str) -> anyhow::Result<()> {
    let parse = |v: &str| -> Option<(u64, u64, u64)> {
        let core = v.split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
        Some((parts.next()??, parts.next()??, parts.next()??))
    };
    let mut previous: Option<(usize, &str, (u64, u64, u64))> = None;
    let all = versions(text);
    for (line, v) in &all {
        let Some(parsed) = parse(v) else {
            bail!("{CHANGELOG}:{line}: `{v}` is not a semantic version");
        };
        if let Some((l, p, pv)) = previous
            && pv <= parsed
        {
            bail!("{CHANGELOG}:{line}: {v} is not older than {p} (line {l}): newest first");
        }
        previous = Some((*line, v, parsed));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How the changelog begins, above its first version.
    const CHANGELOG_HEAD: &str = "# Changelog\n\n\
        Every version of the `hexpay` crate, newest first. The crate's version\n\
        follows what changed for its users (breaking: major; compatible: minor;\n\
        internal: patch), not the API's version, which `hexpay::API_VERSION` gives.\n\
        `cargo xtask codegen --bump` adds each section from the changes of the spec;\n\
        prose may be added under any heading.\n";

    #[test]
    fn changelog_order() {
        let ok = "# Changelog\n\n## 1.1.0\n\nx\n\n## 1.0.0\n\ny\n";
        assert_eq!(versions(ok), vec![(3, "1.1.0".into()), (7, "1.0.0".into())]);
        assert!(check_changelog(ok).is_ok());
        assert_eq!(newest_section(ok), "x");
        assert!(check_changelog("## 1.0.0\n## 1.1.0\n").is_err());
        assert!(check_changelog("## 1.0.0\n## 1.0.0\n").is_err());
        assert!(check_changelog("## next\n").is_err());
    }

    #[test]
    fn a_bump_versions_the_changes_and_moves_the_baseline() {
        let root = crate::root();
        let dir = std::env::temp_dir().join(format!("xtask-bump-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["spec", "release", "generated"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let spec = std::fs::read_to_string(root.join(SPEC)).unwrap();
        std::fs::write(dir.join(BASELINE), &spec).unwrap();
        let added = spec.replacen("enum: [USD, EUR, RUB,", "enum: [USD, EUR, RUB, BTC,", 1);
        assert_ne!(added, spec);
        std::fs::write(dir.join(SPEC), &added).unwrap();
        std::fs::write(
            dir.join(CHANGELOG),
            format!("{CHANGELOG_HEAD}\n## 1.0.0\n\nThe first release.\n"),
        )
        .unwrap();

        let (found, _) = changes(&dir, &Base::Released).unwrap();
        assert_eq!(diff::largest(&found), Some(Impact::Compatible));
        assert_eq!(bump(&dir, &found, None).unwrap().as_deref(), Some("1.1.0"));
        assert_eq!(crate_version(&dir).unwrap(), "1.1.0");
        let log = std::fs::read_to_string(dir.join(CHANGELOG)).unwrap();
        assert!(log.starts_with(CHANGELOG_HEAD), "{log}");
        check_changelog(&log).unwrap();
        assert!(newest_section(&log).contains("value `BTC` added"), "{log}");
        // The baseline is the spec now: nothing left to bump.
        let (after, _) = changes(&dir, &Base::Released).unwrap();
        assert!(after.is_empty(), "{after:#?}");
        assert_eq!(bump(&dir, &after, None).unwrap(), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_committed_changelog_gives_the_version() {
        let root = crate::root();
        let version = crate_version(&root).expect("a version");
        let text = std::fs::read_to_string(root.join(CHANGELOG)).unwrap();
        check_changelog(&text).unwrap();
        assert!(
            text.starts_with(CHANGELOG_HEAD),
            "the changelog keeps its head"
        );
        assert!(diff::next_version(&version, Impact::Internal).is_ok());
    }
}
