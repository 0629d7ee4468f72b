//! A generated crate's files → the same client as a module of another
//! crate: a directory (`mod.rs` and its submodules) or one file for
//! `include!` (a build script's `OUT_DIR`).
//!
//! The code is the crate's, unchanged but for its paths: every `crate::`
//! becomes the module's path (`crate::vendor::`), in code and in doc links
//! alike, but never inside a string of generated code (an enum's wire
//! value or a pattern may read `crate::x`). What only a crate can hold is given to the holding crate instead
//! ([`Host`]): the `[features]` and `[dependencies]` of the manifest, and a
//! crate attribute (`recursion_limit`).

use std::collections::BTreeMap;

/// Where a generated module goes, checked: `crate::a::b`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModulePath {
    /// The whole path, `crate::vendor`.
    path: String,
}

impl ModulePath {
    /// `path` when it is `crate` followed by one or more identifiers that
    /// can name a module; why not otherwise.
    pub fn parse(path: &str) -> Result<ModulePath, String> {
        let mut segments = path.split("::");
        let problem = || {
            format!(
                "`{path}` cannot be a module's path: write `crate::NAME` (or `crate::a::NAME`), each segment a lowercase Rust identifier"
            )
        };
        if segments.next() != Some("crate") {
            return Err(problem());
        }
        let mut count = 0;
        for segment in segments {
            count += 1;
            let identifier = segment.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                && segment
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && segment != "_"
                && !crate::names::is_keyword(segment);
            if !identifier {
                return Err(problem());
            }
        }
        if count == 0 {
            return Err(problem());
        }
        Ok(ModulePath {
            path: path.to_owned(),
        })
    }

    /// The module's own name: the last segment.
    pub fn name(&self) -> &str {
        self.path.rsplit("::").next().unwrap_or_default()
    }

    /// The whole path.
    pub fn as_str(&self) -> &str {
        &self.path
    }

    /// Whether this path is `other` or inside it.
    pub fn within(&self, other: &ModulePath) -> bool {
        self.path == other.path
            || self
                .path
                .strip_prefix(other.path.as_str())
                .is_some_and(|rest| rest.starts_with("::"))
    }
}

/// What the crate that holds a generated module needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Host {
    /// The `[features]` and `[dependencies]` its `Cargo.toml` needs, as
    /// TOML: the generated crate's own, for the holding crate to merge.
    pub manifest: String,
    /// Attributes its crate root needs, such as `#![recursion_limit = "256"]`.
    pub crate_attributes: Vec<String>,
}

/// The crate's `files` as the module at `path`: a directory's files
/// (`mod.rs`, `types.rs`, `runtime/…`), or, with `single_file`, the one
/// file `NAME.rs` that declares `pub mod NAME { … }`. `crate_ident` is the
/// crate's name in its docs (`use hexpay::prelude::*`); `command`, the
/// regenerate command the headers and docs name, is kept as it is. With
/// `runtime`, the crate was emitted for a shared runtime (it has no
/// `runtime/` files): its `crate::runtime::` paths name that module.
pub fn relayout(
    files: BTreeMap<String, String>,
    path: &ModulePath,
    runtime: Option<&ModulePath>,
    crate_ident: &str,
    command: &str,
    single_file: bool,
) -> (BTreeMap<String, String>, Host) {
    let roots = Roots {
        module: path.as_str(),
        runtime: runtime.map(ModulePath::as_str),
    };
    let mut host = Host::default();
    let mut module = BTreeMap::new();
    for (name, text) in files {
        if name == "Cargo.toml" {
            host.manifest = manifest_sections(&text, crate_ident, path.as_str());
            continue;
        }
        let Some(rest) = name.strip_prefix("src/") else {
            // The README, the API report and the examples are the crate's;
            // the formatting guard stays beside a directory's files.
            if name == "rustfmt.toml" && !single_file {
                module.insert(name, text);
            }
            continue;
        };
        let rest = if rest == "lib.rs" { "mod.rs" } else { rest };
        // The runtime is ours, and its strings are doc links built by its
        // macros (`concat!("[`X`](crate::types::", …)`); the strings of
        // generated code come from the document.
        let runtime = rest.starts_with("runtime/");
        let mut text = repath_code(&text, roots, command, runtime);
        if rest == "mod.rs" {
            text = module_root(&text, path.as_str(), crate_ident, &mut host);
        }
        if runtime {
            text = without_unit_tests(&text);
        }
        module.insert(rest.to_owned(), text);
    }
    if single_file {
        (one_file(&module, path), host)
    } else {
        (module, host)
    }
}

/// A module's files as the one file `NAME.rs` that declares `pub mod NAME
/// { … }`, its submodules written in braces.
fn one_file(module: &BTreeMap<String, String>, path: &ModulePath) -> BTreeMap<String, String> {
    let root = module.get("mod.rs").cloned().unwrap_or_default();
    let (header, body) = split_header(&root);
    let mut out = String::with_capacity(module.values().map(String::len).sum::<usize>() + 256);
    out.push_str(header);
    out.push_str(&format!("pub mod {} {{\n", path.name()));
    out.push_str(&inline(body, "", module));
    out.push_str("}\n");
    let mut single = BTreeMap::new();
    single.insert(format!("{}.rs", path.name()), out);
    single
}

/// The runtime as a module that the generated modules of one crate share
/// (each generated with [`crate::Options::runtime`] naming `path`): the
/// files of a directory (`mod.rs`, `client.rs`, …), or, with
/// `single_file`, the one file `NAME.rs`, and what its crate needs.
///
/// It is the runtime every crate holds, with its paths moved to `path`,
/// no default API (each API names its own), no unit tests, and the checks
/// of other crates' types (dates, UUIDs) that a crate's root would hold:
/// held once here, they serve every API.
pub fn shared_runtime(
    path: &ModulePath,
    command: &str,
    single_file: bool,
) -> Result<(BTreeMap<String, String>, Host), String> {
    let header = format!("// @generated by {command}. Do not edit.\n\n");
    let roots = Roots {
        module: path.as_str(),
        runtime: Some(path.as_str()),
    };
    let mut module = BTreeMap::new();
    for (name, text) in super::RUNTIME {
        let mut text = without_default_api(text);
        if *name == "mod.rs" {
            text.push_str(FOREIGN_RULES);
        }
        let text = without_unit_tests(&repath_code(&text, roots, command, true));
        module.insert((*name).to_owned(), format!("{header}{text}"));
    }
    let manifest = super::templates::runtime_manifest(command)?.replace(" (this API has none)", "");
    let host = Host {
        manifest: manifest_sections(&manifest, "runtime", path.as_str()),
        crate_attributes: Vec::new(),
    };
    if single_file {
        Ok((one_file(&module, path), host))
    } else {
        Ok((module, host))
    }
}

/// The checks of other crates' types that requests may carry inside checked
/// containers (a list with a minimum length): no rule of their own. A
/// crate's root holds them; a shared runtime, for all its APIs.
const FOREIGN_RULES: &str = "
impl Validate for ::chrono::DateTime<::chrono::Utc> {}

impl Validate for ::chrono::NaiveDate {}

impl Validate for ::uuid::Uuid {}
";

/// A runtime file's text without its default API: the alias that names
/// the crate's own (in `mod.rs`), the imports of it, and the defaults of
/// the generic types (`<A: ApiDefinition = DefaultApi>`), which a runtime
/// of several APIs cannot have.
fn without_default_api(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "use super::DefaultApi;" {
            continue;
        }
        // The alias and the doc comment above it.
        if line.starts_with("/// The API of the runtime's generic types when none is named") {
            for inner in lines.by_ref() {
                if inner.starts_with("pub(crate) type DefaultApi") {
                    break;
                }
            }
            continue;
        }
        out.push_str(&line.replace(": ApiDefinition = DefaultApi>", ": ApiDefinition>"));
        out.push('\n');
    }
    out
}

/// The `[features]` and `[dependencies]` sections of a generated manifest,
/// a blank line between them, with the crate's name in its comments made
/// the module's path.
fn manifest_sections(manifest: &str, crate_ident: &str, path: &str) -> String {
    let mut sections: Vec<String> = Vec::new();
    let mut keep = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            keep = line == "[features]" || line == "[dependencies]";
            if keep {
                sections.push(String::new());
            }
        }
        if let (true, Some(section)) = (keep, sections.last_mut()) {
            section.push_str(&line.replace(&format!("`{crate_ident}::"), &format!("`{path}::")));
            section.push('\n');
        }
    }
    let sections: Vec<&str> = sections.iter().map(|s| s.trim_end()).collect();
    let mut out = sections.join("\n\n");
    out.push('\n');
    out
}

/// [`repath`], but for the command that regenerates the module (in each
/// header and the docs), which may itself name the module's path
/// (`--module crate::vendor`) and must stay as it was given.
///
/// `in_strings`: whether string literals are moved too (the runtime's,
/// which are ours), or kept as the data they are (generated code's).
fn repath_code(text: &str, roots: Roots<'_>, command: &str, in_strings: bool) -> String {
    let moved = |text: &str| {
        if in_strings {
            repath_words(text, roots)
        } else {
            repath_literals_kept(text, roots)
        }
    };
    let command = command.trim_matches('`');
    if command.is_empty() || !command.contains("crate::") {
        return moved(text);
    }
    const HOLD: &str = "\u{0}command\u{0}";
    moved(&text.replace(command, HOLD)).replace(HOLD, command)
}

/// `text` (Rust source) with every path from the crate root (`crate::x`)
/// taken from `root` instead, in code and comments (doc links) but never
/// in a string or character literal: those are data (an enum's wire
/// value may be `"crate::x"`). A `crate` that is part of a longer word
/// (`my_crate::`), a macro's `$crate` or a visibility (`pub(crate)`) is
/// left alone.
pub fn repath(text: &str, root: &str) -> String {
    repath_literals_kept(
        text,
        Roots {
            module: root,
            runtime: None,
        },
    )
}

/// Where the paths of a crate's code go in a module: the module's own
/// path, and the shared runtime's (`crate::runtime::` is moved there) when
/// the code uses one.
#[derive(Debug, Clone, Copy)]
struct Roots<'a> {
    module: &'a str,
    runtime: Option<&'a str>,
}

/// [`repath`] to `roots`.
fn repath_literals_kept(text: &str, roots: Roots<'_>) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    let mut last = 0;
    for (start, end) in literals(text) {
        out.push_str(&repath_words(&text[last..start], roots));
        out.push_str(&text[start..end]);
        last = end;
    }
    out.push_str(&repath_words(&text[last..], roots));
    out
}

/// [`repath`] on text that holds no literal. (A path prettyplease broke
/// after its `crate` was joined when the file was emitted:
/// `join_split_root_paths`.)
fn repath_words(text: &str, roots: Roots<'_>) -> String {
    const FROM: &str = "crate::";
    const RUNTIME: &str = "runtime::";
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    let mut done = 0;
    for (at, _) in text.match_indices(FROM) {
        let prev = text[..at].chars().next_back();
        if prev.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        out.push_str(&text[done..at]);
        done = at + FROM.len();
        match roots.runtime {
            Some(runtime) if text[done..].starts_with(RUNTIME) => {
                out.push_str(runtime);
                done += RUNTIME.len();
            }
            _ => out.push_str(roots.module),
        }
        out.push_str("::");
    }
    out.push_str(&text[done..]);
    out
}

/// The byte ranges of the string and character literals of Rust source
/// `text` (`"…"`, `b"…"`, `r#"…"#`, `'x'`, `'\n'`), comments stepped over
/// (an apostrophe or a quote in a comment starts nothing) and lifetimes
/// told apart from characters.
fn literals(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let len = b.len();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < len {
        let token_start = i == 0 || !ident(b[i - 1]);
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < len && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while i < len {
                    if b[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if b[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < len {
                    match b[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                out.push((start, i.min(len)));
            }
            b'r' | b'b' if token_start => {
                // `r"…"`, `r#"…"#`, `br"…"`: no escapes, closed by the quote
                // and as many hashes.
                let start = i;
                let mut j = i + usize::from(b[i] == b'b');
                if b.get(j) != Some(&b'r') {
                    i += 1;
                    continue;
                }
                j += 1;
                let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
                j += hashes;
                if b.get(j) != Some(&b'"') {
                    // A raw identifier (`r#type`) or a word.
                    i += 1;
                    continue;
                }
                j += 1;
                while j < len
                    && !(b[j] == b'"'
                        && b[j + 1..]
                            .iter()
                            .take(hashes)
                            .filter(|&&c| c == b'#')
                            .count()
                            == hashes)
                {
                    j += 1;
                }
                let end = (j + 1 + hashes).min(len);
                out.push((start, end));
                i = end;
            }
            b'\'' => {
                // `'\''`, `'\u{1F600}'`: an escape, then the closing quote.
                if b.get(i + 1) == Some(&b'\\') {
                    let start = i;
                    let mut j = i + 3;
                    while j < len && b[j] != b'\'' {
                        j += 1;
                    }
                    out.push((start, (j + 1).min(len)));
                    i = j + 1;
                    continue;
                }
                // `'x'` (one character, of any width), else a lifetime.
                match text[i + 1..].chars().next() {
                    Some(c) if b.get(i + 1 + c.len_utf8()) == Some(&b'\'') => {
                        let end = i + 2 + c.len_utf8();
                        out.push((i, end));
                        i = end;
                    }
                    _ => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// The crate root's text made a module's: a crate attribute goes to the
/// host, and the quickstart names the module (and, since a doctest is a
/// crate of its own that cannot name it, is not compiled).
fn module_root(text: &str, path: &str, crate_ident: &str, host: &mut Host) -> String {
    let mut out = String::with_capacity(text.len());
    let crate_use = format!("{crate_ident}::");
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("#![recursion_limit") {
            host.crate_attributes.push(trimmed.to_owned());
            continue;
        }
        if let Some(doc) = line.strip_prefix("//!") {
            let doc = doc
                .replace("```no_run", "```ignore")
                .replace(" `examples/quickstart.rs` is this code as a program.", "")
                .replace(&format!("use {crate_use}"), &format!("use {path}::"));
            out.push_str("//!");
            out.push_str(&doc);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// The runtime's own unit tests (`#[cfg(test)]` then `mod tests {`, to
/// the `}` that closes it at the start of a line) taken out: the holding
/// crate's `cargo test` runs its own tests, not the generator's.
fn without_unit_tests(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line == "#[cfg(test)]" && lines.peek() == Some(&"mod tests {") {
            for inner in lines.by_ref() {
                if inner == "}" {
                    break;
                }
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The first line, when it is the generator's header, and the rest.
fn split_header(text: &str) -> (&str, &str) {
    match text.split_once('\n') {
        Some((first, rest)) if first.contains(crate::sync::DO_NOT_EDIT) => {
            (&text[..first.len() + 1], rest.trim_start_matches('\n'))
        }
        _ => ("", text),
    }
}

/// `body` (the file at `dir`, such as `runtime/mod.rs` in `runtime/`) with
/// each declaration of a submodule whose file is among `files`
/// (`pub mod types;`) replaced by the module written out in braces.
fn inline(body: &str, dir: &str, files: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(body.len());
    for line in body.lines() {
        let declared = line
            .strip_suffix(';')
            .and_then(|l| {
                l.strip_prefix("pub mod ")
                    .map(|n| ("pub ", n))
                    .or_else(|| {
                        l.strip_prefix("pub(crate) mod ")
                            .map(|n| ("pub(crate) ", n))
                    })
                    .or_else(|| l.strip_prefix("mod ").map(|n| ("", n)))
            })
            .filter(|(_, n)| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        let found = declared.and_then(|(vis, name)| {
            let file = format!("{dir}{name}.rs");
            let folder = format!("{dir}{name}/mod.rs");
            // Both spellings keep their submodules in `name/`.
            files
                .get(&file)
                .or_else(|| files.get(&folder))
                .map(|t| (vis, name, t, format!("{dir}{name}/")))
        });
        match found {
            Some((vis, name, text, sub_dir)) => {
                let (_, sub_body) = split_header(text);
                out.push_str(&format!("{vis}mod {name} {{\n"));
                out.push_str(&inline(sub_body, &sub_dir, files));
                out.push_str("}\n");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_s_unit_tests_stay_out_of_a_module() {
        let text = "fn a() {}\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {\n    }\n}\nfn b() {}\n";
        assert_eq!(without_unit_tests(text), "fn a() {}\nfn b() {}\n");
    }

    #[test]
    fn module_paths() {
        assert_eq!(ModulePath::parse("crate::vendor").unwrap().name(), "vendor");
        assert_eq!(ModulePath::parse("crate::apis::v2").unwrap().name(), "v2");
        for bad in [
            "crate",
            "vendor",
            "crate::",
            "crate::Vendor",
            "crate::type",
            "crate::a-b",
            "crate::_",
            "self::x",
            "crate::1a",
        ] {
            assert!(ModulePath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_paths_from_the_root_move() {
        assert_eq!(
            repath(
                "use crate::types::X; pub(crate) fn f() {} $crate::y my_crate::z [a](crate::Error) crate::",
                "crate::vendor"
            ),
            "use crate::vendor::types::X; pub(crate) fn f() {} $crate::y my_crate::z [a](crate::vendor::Error) crate::vendor::"
        );
    }

    #[test]
    fn literals_are_data_and_keep_their_paths() {
        let text = r##"const A: &str = "crate::x \" crate::y"; // the API's [`B`](crate::B)
#[serde(rename = r#"crate::"z""#)] C(crate::C), fn f<'a>(x: &'a crate::D) -> char { '"' } '\'' crate::E b"crate::F" /* 'c' "crate::G */ crate::H"##;
        assert_eq!(
            repath(text, "crate::v"),
            r##"const A: &str = "crate::x \" crate::y"; // the API's [`B`](crate::v::B)
#[serde(rename = r#"crate::"z""#)] C(crate::v::C), fn f<'a>(x: &'a crate::v::D) -> char { '"' } '\'' crate::v::E b"crate::F" /* 'c' "crate::v::G */ crate::v::H"##
        );
    }

    #[test]
    fn submodules_are_written_in_braces_with_their_attributes_kept() {
        let mut files = BTreeMap::new();
        files.insert(
            "mod.rs".to_owned(),
            "//! Root.\n#[cfg(x)]\npub mod a;\nmod b;\nfn f() {}\n".to_owned(),
        );
        files.insert(
            "a.rs".to_owned(),
            "// @generated by x from y. Do not edit.\n\n//! A.\nmod c;\n".to_owned(),
        );
        files.insert("a/c.rs".to_owned(), "fn c() {}\n".to_owned());
        files.insert("b/mod.rs".to_owned(), "mod d;\n".to_owned());
        files.insert("b/d.rs".to_owned(), "fn d() {}\n".to_owned());
        let text = inline(&files["mod.rs"], "", &files);
        assert_eq!(
            text,
            "//! Root.\n#[cfg(x)]\npub mod a {\n//! A.\nmod c {\nfn c() {}\n}\n}\nmod b {\nmod d {\nfn d() {}\n}\n}\nfn f() {}\n"
        );
    }

    #[test]
    fn the_host_gets_features_and_dependencies() {
        let manifest = "# header\n[package]\nname = \"x\"\n\n[features]\n# `x::blocking::Client`\nblocking = []\n\n[dependencies]\nserde = \"1\"\n\n[package.metadata.docs.rs]\nall-features = true\n";
        assert_eq!(
            manifest_sections(manifest, "x", "crate::v"),
            "[features]\n# `crate::v::blocking::Client`\nblocking = []\n\n[dependencies]\nserde = \"1\"\n"
        );
    }
}
