//! Documents split over several files: every file a `$ref` names is read
//! (relative to the file that names it, never from the network) and placed
//! under the root's [`BUNDLED`] member, and each `$ref` to it becomes a JSON
//! pointer there. From then on the document is one JSON value, and lowering
//! resolves those pointers as it resolves any other.
//!
//! A problem found in another file is reported in that file:
//! [`crate::Diagnostics`] maps a pointer below [`BUNDLED`] back to the file
//! and the pointer inside it.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

use super::diagnostics::Diagnostic;
use super::parse::parse;
use super::pointer::{BUNDLED, escape_token, is_data_member, join, percent_decode};
use super::source_map::Source;

/// Reads the files the document at `root` (in `base_dir`) refers to, and
/// places them in it. Returns the files read, and the problems found.
/// `root_file` is the root document's file name, so that another file's
/// `$ref` back to it is a pointer into the root.
pub fn bundle(
    root: &mut Value,
    base_dir: Option<&Path>,
    root_file: Option<&str>,
) -> (Vec<Source>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    let mut files: BTreeMap<String, Value> = BTreeMap::new();
    // Files to read, each with the place of its first reference.
    let mut queue: Vec<(String, String)> = Vec::new();
    let Some(base_dir) = base_dir else {
        external_refs(root, "", &mut queue);
        // Lowering reads no `$ref`'d security scheme (it warns there).
        queue.retain(|(_, at)| !is_security_scheme(at.trim_end_matches("/$ref")));
        for (name, at) in queue {
            problems.push(Diagnostic::error(
                at,
                format!(
                    "refers to the file `{name}`, but the document was not read from a directory"
                ),
            ));
        }
        return (sources, problems);
    };
    rewrite(root, "", "", root_file, &mut queue, &mut problems);
    if queue.is_empty() {
        return (sources, problems);
    }
    while let Some((name, at)) = queue.pop() {
        if files.contains_key(&name) {
            continue;
        }
        let path = base_dir.join(&name);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                problems.push(Diagnostic::error(
                    at,
                    format!("cannot read `{name}`, relative to the document's directory: {e}"),
                ));
                files.insert(name, Value::Null);
                continue;
            }
        };
        let mut value = match parse(&text) {
            Ok(value) => value,
            Err(errors) => {
                for mut e in errors {
                    e.pointer = format!("/{BUNDLED}/{}{}", escape_token(&name), e.pointer);
                    e.file = Some(name.clone());
                    problems.push(e);
                }
                files.insert(name, Value::Null);
                continue;
            }
        };
        let here = format!("/{BUNDLED}/{}", escape_token(&name));
        rewrite(
            &mut value,
            &name,
            &here,
            root_file,
            &mut queue,
            &mut problems,
        );
        files.insert(name.clone(), value);
        sources.push(Source { name, text });
    }
    let files = Value::Object(files.into_iter().collect::<Map<_, _>>());
    inline_parts(root, &files, 0);
    if let Value::Object(map) = root {
        map.insert(BUNDLED.to_owned(), files);
    }
    sources.sort_by(|a, b| a.name.cmp(&b.name));
    (sources, problems)
}

/// Parts of the document other than schemas (path items, parameters,
/// responses, request bodies, headers, examples) `$ref`'d from another file
/// are copied in place, since the typed model reads those only where they
/// are or among `components`. Schemas stay references (one type for every
/// use).
fn inline_parts(value: &mut Value, files: &Value, depth: usize) {
    if depth > 64 {
        return;
    }
    match value {
        Value::Object(map) => {
            let target = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(&format!("#/{BUNDLED}")))
                .and_then(|ptr| files.pointer(ptr))
                .cloned();
            if let Some(mut target) = target {
                // Siblings of the `$ref` (a description, a summary) win.
                if let Value::Object(t) = &mut target {
                    for (k, v) in map.iter() {
                        if k != "$ref" {
                            t.insert(k.clone(), v.clone());
                        }
                    }
                }
                inline_parts(&mut target, files, depth + 1);
                *value = target;
                return;
            }
            for (key, member) in map.iter_mut() {
                if !matches!(key.as_str(), "schema" | "schemas") && key != BUNDLED {
                    inline_parts(member, files, depth);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                inline_parts(item, files, depth);
            }
        }
        _ => {}
    }
}

/// The `$ref`s to other files, each with its place.
fn external_refs(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && !reference.starts_with('#')
            {
                let file = reference.split('#').next().unwrap_or_default();
                out.push((file.to_owned(), join(at, "$ref")));
            }
            for (key, member) in map {
                if !is_data_member(key, at) {
                    external_refs(member, &join(at, key), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                external_refs(item, &join(at, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// Rewrites the `$ref`s of the file `file` (`""` for the root document,
/// whose value is at `here`): a reference to another file, or inside a
/// file other than the root, becomes a pointer below [`BUNDLED`]; the files
/// named are queued.
fn rewrite(
    value: &mut Value,
    file: &str,
    here: &str,
    root_file: Option<&str>,
    queue: &mut Vec<(String, String)>,
    problems: &mut Vec<Diagnostic>,
) {
    struct Place<'a> {
        file: &'a str,
        here: &'a str,
        root_file: Option<&'a str>,
    }
    fn visit(
        value: &mut Value,
        at: &str,
        place: &Place<'_>,
        queue: &mut Vec<(String, String)>,
        problems: &mut Vec<Diagnostic>,
    ) {
        let (file, here) = (place.file, place.here);
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get_mut("$ref") {
                    let at_ref = join(at, "$ref");
                    match target(reference, file) {
                        Ok(Some((name, fragment))) => {
                            let new = if Some(name.as_str()) == place.root_file {
                                // Back to the root document.
                                format!("#{fragment}")
                            } else if name.is_empty() {
                                format!("#{here}{fragment}")
                            } else {
                                queue.push((name.clone(), format!("{here}{at_ref}")));
                                format!("#/{BUNDLED}/{}{fragment}", escape_token(&name))
                            };
                            *reference = new;
                        }
                        Ok(None) => {}
                        // Lowering reads no `$ref`'d security scheme (it
                        // warns there): its place needs no file.
                        Err(_) if is_security_scheme(&format!("{here}{at}")) => {}
                        Err(message) => {
                            problems.push(Diagnostic::error(format!("{here}{at_ref}"), message))
                        }
                    }
                }
                for (key, member) in map.iter_mut() {
                    if !is_data_member(key, at) {
                        visit(member, &join(at, key), place, queue, problems);
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    visit(item, &join(at, &i.to_string()), place, queue, problems);
                }
            }
            _ => {}
        }
    }
    let place = Place {
        file,
        here,
        root_file,
    };
    visit(value, "", &place, queue, problems);
}

/// Whether `at` is a security scheme among the components.
fn is_security_scheme(at: &str) -> bool {
    at.strip_prefix("/components/securitySchemes/")
        .is_some_and(|rest| !rest.contains('/'))
}

/// Where `reference` (found in `file`) points: the file, relative to the
/// root's directory (`""` for the file itself), and the fragment. `None`
/// when nothing changes (a local reference in the root document).
fn target(reference: &str, file: &str) -> Result<Option<(String, String)>, String> {
    let (base, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    if !fragment.is_empty() && !fragment.starts_with('/') {
        // An anchor: left for the 3.1 reading, or reported as dangling.
        return Ok(None);
    }
    if base.is_empty() {
        return Ok((!file.is_empty()).then(|| (String::new(), fragment.to_owned())));
    }
    if base.contains("://") || base.starts_with("//") {
        return Err(format!(
            "`{reference}` is a remote reference: the generator reads no network; save the file beside the document and refer to it by a relative path"
        ));
    }
    let dir = Path::new(file).parent().unwrap_or(Path::new(""));
    let joined = dir.join(percent_decoded(base));
    let mut parts: Vec<String> = Vec::new();
    for c in joined.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                if parts.pop().is_none() {
                    parts.push("..".to_owned());
                }
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!(
                    "`{reference}` is an absolute path: refer to other files by paths relative to the document"
                ));
            }
        }
    }
    let name = parts.join("/");
    if name == file || (name.is_empty()) {
        return Ok(Some((String::new(), fragment.to_owned())));
    }
    Ok(Some((name, fragment.to_owned())))
}

fn percent_decoded(text: &str) -> PathBuf {
    PathBuf::from(percent_decode(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(target("#/a", ""), Ok(None));
        assert_eq!(
            target("./schemas.yaml#/components/schemas/X", ""),
            Ok(Some((
                "schemas.yaml".into(),
                "/components/schemas/X".into()
            )))
        );
        assert_eq!(
            target("../common.yaml", "defs/a.yaml"),
            Ok(Some(("common.yaml".into(), String::new())))
        );
        assert_eq!(
            target("#/b", "defs/a.yaml"),
            Ok(Some((String::new(), "/b".into())))
        );
        assert!(target("https://example.com/x.yaml", "").is_err());
    }
}
