//! OpenAPI Overlays (1.0 and 1.1): changes to a document that someone
//! else owns, applied to it, in order, before anything else reads it.
//!
//! An overlay is checked against its version's official schema (the OpenAPI
//! Initiative's, Apache-2.0, embedded as `overlay-1.x-schema.yaml`); an
//! overlay that breaks it is refused, each problem located in the overlay's
//! own file. Each action's `target` is an RFC 9535 JSONPath query
//! (`serde_json_path`): `remove` takes every node it selects out of its
//! object or array; `update` (or, in 1.1, `copy`: the one node another
//! query selects) is merged into each: an object's members recursively,
//! an array concatenated or appended to, a primitive replaced. A target
//! that selects nothing is a located warning (the action changes nothing);
//! an update that cannot be merged (an object into a string) is an error.

use std::sync::OnceLock;

use serde_json::Value;
use serde_json_path::JsonPath;

use super::diagnostics::{Cost, Diagnostic, Severity};
use super::pointer::join;
use super::source_map;

/// An overlay, as read from its file.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Its name in messages (its path, as given).
    pub name: String,
    /// Its text, YAML or JSON.
    pub text: String,
}

/// The official schemas of overlays, by minor version.
const SCHEMAS: &[(&str, &str)] = &[
    ("1.0", include_str!("overlay-1.0-schema.yaml")),
    ("1.1", include_str!("overlay-1.1-schema.yaml")),
];

/// Applies `overlay` to `document`; returns what it found, located in the
/// overlay's file. When an error is among them, `document` may hold the
/// actions before it: the caller stops.
pub fn apply(document: &mut Value, overlay: &Overlay) -> Vec<Diagnostic> {
    let mut found = match super::parse::parse(&overlay.text) {
        Ok(value) => run(document, &value),
        Err(problems) => problems,
    };
    // Every place is in the overlay's file, found by its pointer there.
    let pointers: Vec<&str> = found.iter().map(|d| d.pointer.as_str()).collect();
    let lines = source_map::locate(&overlay.text, &pointers);
    for (i, d) in found.iter_mut().enumerate() {
        d.file = Some(overlay.name.clone());
        if d.line.is_none() {
            d.line = lines.get(i).copied().flatten();
        }
    }
    found
}

fn run(document: &mut Value, overlay: &Value) -> Vec<Diagnostic> {
    let version = overlay
        .get("overlay")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some((minor, schema)) = SCHEMAS.iter().find(|(minor, _)| {
        version
            .strip_prefix(minor)
            .is_some_and(|rest| rest.starts_with('.'))
    }) else {
        return vec![Diagnostic::error(
            "/overlay",
            format!(
                "`overlay: {version}` is not an Overlay version this generator reads (1.0.x, 1.1.x)"
            ),
        )];
    };
    let problems = conformance(minor, schema, overlay);
    if !problems.is_empty() {
        return problems;
    }
    let mut out = Vec::new();
    let actions = overlay
        .get("actions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, action) in actions.iter().enumerate() {
        let at = format!("/actions/{i}");
        action_on(document, action, &at, *minor == "1.1", &mut out);
        if out.iter().any(|d| d.severity == Severity::Error) {
            break;
        }
    }
    out
}

/// The overlay's problems against its version's official schema, each at
/// its deepest place.
fn conformance(minor: &str, schema: &str, overlay: &Value) -> Vec<Diagnostic> {
    static VALIDATORS: OnceLock<Vec<Option<jsonschema::Validator>>> = OnceLock::new();
    let validators = VALIDATORS.get_or_init(|| {
        SCHEMAS
            .iter()
            .map(|(_, text)| {
                let schema: Value = serde_yaml::from_str(text).ok()?;
                jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .build(&schema)
                    .ok()
            })
            .collect()
    });
    let index = SCHEMAS
        .iter()
        .position(|(m, s)| *m == minor && *s == schema);
    let Some(Some(validator)) = index.and_then(|i| validators.get(i)) else {
        return vec![Diagnostic::error(
            "",
            format!("the Overlay {minor} schema could not be compiled: the overlay is not applied"),
        )];
    };
    super::conformance::violations(validator, overlay)
        .into_iter()
        .map(|(at, message)| {
            Diagnostic::error(
                at,
                format!("does not follow the Overlay {minor} schema: {message}"),
            )
        })
        .collect()
}

/// One action.
fn action_on(
    document: &mut Value,
    action: &Value,
    at: &str,
    copies: bool,
    out: &mut Vec<Diagnostic>,
) {
    let target = action
        .get("target")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(paths) = select(document, target, &join(at, "target"), out) else {
        return;
    };
    if paths.is_empty() {
        out.push(
            Diagnostic::warning(
                join(at, "target"),
                format!("`{target}` selects nothing in the document: the action changes nothing"),
            )
            .costing(Cost::Ignored),
        );
        return;
    }
    if action.get("remove").and_then(Value::as_bool) == Some(true) {
        remove(document, paths, at, out);
        return;
    }
    let update = match (
        action.get("update"),
        action.get("copy").and_then(Value::as_str),
    ) {
        (Some(update), _) => update.clone(),
        (None, Some(copy)) if copies => {
            let Some(sources) = select(document, copy, &join(at, "copy"), out) else {
                return;
            };
            match sources.as_slice() {
                [one] => document
                    .pointer(&pointer_of(one))
                    .cloned()
                    .unwrap_or(Value::Null),
                _ => {
                    out.push(Diagnostic::error(
                        join(at, "copy"),
                        format!(
                            "`{copy}` selects {} nodes; a copy takes exactly one",
                            sources.len()
                        ),
                    ));
                    return;
                }
            }
        }
        // Neither: the action does nothing (the schema allows it).
        _ => return,
    };
    let kinds: std::collections::BTreeSet<&str> = paths
        .iter()
        .filter_map(|p| document.pointer(&pointer_of(p)))
        .map(kind)
        .collect();
    if kinds.len() > 1 {
        out.push(Diagnostic::error(
            join(at, "target"),
            format!("`{target}` selects objects, arrays and values together: an update applies to one kind"),
        ));
        return;
    }
    for path in &paths {
        let pointer = pointer_of(path);
        let Some(node) = document.pointer_mut(&pointer) else {
            continue;
        };
        if let Err(why) = merge(node, &update, true) {
            let shown = if pointer.is_empty() {
                "the document's root".to_owned()
            } else {
                format!("`{pointer}`")
            };
            out.push(Diagnostic::error(
                at.to_owned(),
                format!("cannot merge into {shown}: {why}"),
            ));
            return;
        }
    }
}

/// A place in the document, as the steps to it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Index(usize),
}

/// The places `query` selects; `None` (and an error at `at`) when it is
/// not RFC 9535 JSONPath.
fn select(
    document: &Value,
    query: &str,
    at: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<Vec<Vec<Step>>> {
    let path = match JsonPath::parse(query) {
        Ok(path) => path,
        Err(e) => {
            // A member name with `-` written after a dot (`@.x-oai-traits`,
            // as the Overlay specification's own example does) is not RFC
            // 9535, but says one thing only: read it in brackets.
            let repaired = bracket_dashed_names(query);
            match JsonPath::parse(&repaired) {
                Ok(path) if repaired != query => {
                    out.push(Diagnostic::warning(
                        at,
                        format!(
                            "`{query}` is not RFC 9535 JSONPath (a name with `-` after a dot): read as `{repaired}`"
                        ),
                    ));
                    path
                }
                _ => {
                    out.push(Diagnostic::error(
                        at,
                        format!("`{query}` is not an RFC 9535 JSONPath query: {e}"),
                    ));
                    return None;
                }
            }
        }
    };
    let located = path.query_located(document);
    let mut paths: Vec<Vec<Step>> = located
        .locations()
        .map(|p| {
            p.iter()
                .map(|e| match e {
                    serde_json_path::PathElement::Name(n) => Step::Key((*n).to_owned()),
                    serde_json_path::PathElement::Index(i) => Step::Index(*i),
                })
                .collect()
        })
        .collect();
    paths.sort();
    paths.dedup();
    Some(paths)
}

/// `query` with each name after a dot that holds a `-` (`.x-oai-traits`)
/// written in brackets (`['x-oai-traits']`); string literals are left as
/// they are.
fn bracket_dashed_names(query: &str) -> String {
    let chars: Vec<char> = query.chars().collect();
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) => {
                out.push(c);
                if c == '\\' && i + 1 < chars.len() {
                    out.push(chars[i + 1]);
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '.' => {
                let name: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric() || **c == '_' || **c == '-')
                    .collect();
                if name.contains('-') && !name.starts_with('-') {
                    out.push_str(&format!("['{name}']"));
                    i += name.chars().count();
                } else {
                    out.push(c);
                }
            }
            None => out.push(c),
        }
        i += 1;
    }
    out
}

fn pointer_of(path: &[Step]) -> String {
    path.iter().fold(String::new(), |at, step| match step {
        Step::Key(k) => join(&at, k),
        Step::Index(i) => join(&at, &i.to_string()),
    })
}

/// Removes every selected node from its object or array: the last first,
/// so that an array's later items go before its earlier ones and a node
/// inside another before it.
fn remove(document: &mut Value, mut paths: Vec<Vec<Step>>, at: &str, out: &mut Vec<Diagnostic>) {
    paths.sort();
    for path in paths.into_iter().rev() {
        let Some((last, parent)) = path.split_last() else {
            out.push(
                Diagnostic::warning(
                    join(at, "target"),
                    "the document's root cannot be removed: the action changes nothing",
                )
                .costing(Cost::Ignored),
            );
            continue;
        };
        match (document.pointer_mut(&pointer_of(parent)), last) {
            (Some(Value::Object(map)), Step::Key(k)) => {
                map.shift_remove(k);
            }
            (Some(Value::Array(items)), Step::Index(i)) if *i < items.len() => {
                items.remove(*i);
            }
            _ => {}
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        _ => "value",
    }
}

/// Merges `update` into `target` as the Overlay specification says: into
/// a selected array (`top`), anything that is not an array is appended;
/// a member's array only takes another array.
fn merge(target: &mut Value, update: &Value, top: bool) -> Result<(), String> {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                    Some(existing) => {
                        merge(existing, value, false).map_err(|why| format!("`{key}`: {why}"))?
                    }
                }
            }
            Ok(())
        }
        (Value::Array(target), Value::Array(update)) => {
            target.extend(update.iter().cloned());
            Ok(())
        }
        (Value::Array(target), update) if top => {
            target.push(update.clone());
            Ok(())
        }
        (target, update) if kind(target) == "value" && kind(update) == "value" => {
            *target = update.clone();
            Ok(())
        }
        (target, update) => Err(format!(
            "{} {} cannot take {} {}",
            article(target),
            kind(target),
            article(update),
            kind(update)
        )),
    }
}

fn article(value: &Value) -> &'static str {
    if value.is_object() || value.is_array() {
        "an"
    } else {
        "a"
    }
}
