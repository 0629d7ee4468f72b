//! Brings a directory in line with a generated crate, or checks that it is.
//!
//! A file is written only when its content changed, so an unchanged document
//! touches nothing. A file that carries the `@generated` marker but is no
//! longer generated is removed; files without the marker are never touched.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The marker every generated file carries in its first line.
pub const MARKER: &str = "@generated";

/// Write the files, or only compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write changed files and remove stale ones.
    Write,
    /// Change nothing; report what `Write` would change.
    Check,
}

/// What changed (or, in [`Mode::Check`], would change), by relative path.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Files created or rewritten.
    pub written: Vec<String>,
    /// Generated files no longer generated, removed.
    pub removed: Vec<String>,
}

impl Report {
    /// Whether nothing changed.
    pub fn is_clean(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }
}

/// Syncs `dir` with `files` (paths relative to `dir`, `/`-separated).
pub fn sync(dir: &Path, files: &BTreeMap<String, String>, mode: Mode) -> io::Result<Report> {
    let mut report = Report::default();
    for (rel, content) in files {
        let path = dir.join(rel);
        let current = match fs::read_to_string(&path) {
            Ok(text) => Some(text.replace("\r\n", "\n")),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            // Not UTF-8: certainly not what we would write.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => None,
            Err(e) => return Err(e),
        };
        if current.as_deref() != Some(content.as_str()) {
            if mode == Mode::Write {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(&path, content)?;
            }
            report.written.push(rel.clone());
        }
    }
    for rel in marked_files(dir)? {
        if !files.contains_key(&rel) {
            if mode == Mode::Write {
                fs::remove_file(dir.join(&rel))?;
            }
            report.removed.push(rel);
        }
    }
    Ok(report)
}

/// Relative paths of the files under `dir` whose first line has the marker.
fn marked_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = match fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name();
            if entry.file_type()?.is_dir() {
                if name != "target" && name != ".git" {
                    stack.push(path);
                }
                continue;
            }
            let first_line = fs::read(&path)
                .map(|bytes| {
                    let end = bytes
                        .iter()
                        .position(|&b| b == b'\n')
                        .unwrap_or(bytes.len());
                    String::from_utf8_lossy(&bytes[..end]).into_owned()
                })
                .unwrap_or_default();
            if first_line.contains(MARKER) {
                let rel = path.strip_prefix(dir).unwrap_or(&path);
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(rel.join("/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("generator-sync-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn writes_only_changes_and_removes_stale_generated_files() {
        let dir = temp_dir("changes");
        let mut files = BTreeMap::new();
        files.insert(
            "src/a.rs".to_owned(),
            "// @generated\nfn a() {}\n".to_owned(),
        );
        files.insert(
            "src/b.rs".to_owned(),
            "// @generated\nfn b() {}\n".to_owned(),
        );
        fs::create_dir_all(dir.join("src")).unwrap();
        fs::write(dir.join("src/old.rs"), "// @generated\n").unwrap();
        fs::write(dir.join("src/mine.rs"), "// hand-written\n").unwrap();

        let check = sync(&dir, &files, Mode::Check).unwrap();
        assert_eq!(check.written, ["src/a.rs", "src/b.rs"]);
        assert_eq!(check.removed, ["src/old.rs"]);
        assert!(dir.join("src/old.rs").exists(), "check mode writes nothing");

        let written = sync(&dir, &files, Mode::Write).unwrap();
        assert_eq!(written, check);
        assert!(!dir.join("src/old.rs").exists());
        assert!(
            dir.join("src/mine.rs").exists(),
            "unmarked files are left alone"
        );

        assert!(sync(&dir, &files, Mode::Write).unwrap().is_clean());
        fs::write(dir.join("src/a.rs"), "// @generated\r\nfn a() {}\r\n").unwrap();
        assert!(
            sync(&dir, &files, Mode::Check).unwrap().is_clean(),
            "line endings are normalized"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
