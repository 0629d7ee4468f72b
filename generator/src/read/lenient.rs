//! The readings of what real documents get slightly wrong, each with a
//! warning, made on the JSON value before it is typed.

use std::fmt::Write as _;

use serde_json::Value;

use super::diagnostics::{Cost, Diagnostic};
use super::pointer::{self, escape_token, join};

/// The readings of a document that is slightly off, each with a warning:
/// a security requirement whose scopes are `null` (for `[]`), integer
/// bounds and values beyond what the typed model holds (64-bit signed), and
/// text with Unicode bidirectional controls (shown escaped in the crate).
pub(super) fn normalize(root: &mut Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Security requirements, at the top and on each operation.
    let mut requirements = vec!["/security".to_owned()];
    if let Some(paths) = root.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for (rel, _) in pointer::operations(item) {
                requirements.push(join(&format!("{}{rel}", join("/paths", path)), "security"));
            }
        }
    }
    for at in requirements {
        let Some(Value::Array(list)) = root.pointer_mut(&at) else {
            continue;
        };
        for (i, requirement) in list.iter_mut().enumerate() {
            let Value::Object(schemes) = requirement else {
                continue;
            };
            for (name, scopes) in schemes.iter_mut() {
                if scopes.is_null() {
                    out.push(Diagnostic::warning(
                        join(&join(&at, &i.to_string()), name),
                        "scopes must be a list: `null` is read as `[]`",
                    ));
                    *scopes = Value::Array(Vec::new());
                }
            }
        }
    }
    walk(root, &mut String::new(), false, &mut out);
    out
}

/// Unicode bidirectional controls, which rustc refuses in comments.
pub const BIDI_CONTROLS: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}',
];

/// The part of [`normalize`] that looks at every value. `at` is the
/// value's pointer, one buffer for the whole walk (a pointer is made only
/// for a diagnostic: a large document has millions of values).
/// `data`: whether the value is below an example, a default, an enum or a
/// const, whose members are the API's data, not the document's fields.
fn walk(value: &mut Value, at: &mut String, data: bool, out: &mut Vec<Diagnostic>) {
    match value {
        Value::String(text) if text.contains(BIDI_CONTROLS) => out.push(Diagnostic::warning(
            at.as_str(),
            "holds Unicode bidirectional control characters: the generated crate shows each escaped (as `\\u{202e}` for U+202E)",
        )),
        Value::Object(map) => {
            // A count written `2.0` is the integer 2 (JSON Schema counts by
            // value, not by spelling).
            for key in [
                "minLength",
                "maxLength",
                "minItems",
                "maxItems",
                "minProperties",
                "maxProperties",
            ] {
                if let Some(Value::Number(n)) = map.get(key)
                    && let Some(x) = n
                        .as_f64()
                        .filter(|x| n.is_f64() && x.fract() == 0.0 && (0.0..9.0e15).contains(x))
                {
                    map.insert(key.to_owned(), Value::from(x as u64));
                }
            }
            if map.get("type").and_then(Value::as_str) == Some("integer") {
                integer_schema(map, at, out);
            }
            // `description: null` (or `summary`), where the specification
            // wants a string: read as absent. Not where the keys are names
            // (a property called `description`), nor in data.
            let named = at
                .rsplit('/')
                .next()
                .is_some_and(|parent| pointer::NAME_MAPS.contains(&parent));
            if !data && !named {
                for key in ["description", "summary"] {
                    if map.get(key).is_some_and(Value::is_null) {
                        out.push(Diagnostic::warning(
                            join(at, key),
                            format!("`{key}` must be a string: `null` is read as none"),
                        ));
                        map.insert(key.to_owned(), Value::String(String::new()));
                    }
                }
            }
            for (key, member) in map.iter_mut() {
                let is_data = data || pointer::is_data_member(key, at);
                let len = at.len();
                at.push('/');
                if key.contains(['~', '/']) {
                    at.push_str(&escape_token(key));
                } else {
                    at.push_str(key);
                }
                walk(member, at, is_data, out);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = at.len();
                let _ = write!(at, "/{i}");
                walk(item, at, data, out);
                at.truncate(len);
            }
        }
        Value::Number(n) if n.is_f64() && n.as_f64().is_some_and(beyond_64_bits) => {
            out.push(Diagnostic::warning(
                at.as_str(),
                format!("the integer {n} does not fit in 64 bits: it is read as the nearest float"),
            ));
        }
        _ => {}
    }
}

/// Whether a float read from the document stands for an integer that no
/// 64-bit integer holds.
fn beyond_64_bits(x: f64) -> bool {
    x.is_finite()
        && x.fract() == 0.0
        && !(-9_223_372_036_854_775_808.0..18_446_744_073_709_551_616.0).contains(&x)
}

/// An integer schema's bounds and values must be 64-bit signed integers in
/// the typed model: a bound beyond that range bounds nothing an `i64` holds
/// (and an unsigned field is checked against its own range), so it is
/// dropped; other values beyond it are dropped from the list.
fn integer_schema(map: &mut serde_json::Map<String, Value>, at: &str, out: &mut Vec<Diagnostic>) {
    let fits = |v: &Value| v.as_i64().is_some() || v.is_null();
    // `1.0` is an integer (JSON Schema counts by value, not by spelling).
    for key in ["minimum", "maximum", "multipleOf", "default", "example"] {
        if let Some(Value::Number(n)) = map.get(key)
            && let Some(x) = n
                .as_f64()
                .filter(|x| n.is_f64() && x.fract() == 0.0 && x.abs() < 9.0e15)
        {
            map.insert(key.to_owned(), Value::from(x as i64));
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        for v in values.iter_mut() {
            if let Value::Number(n) = v
                && let Some(x) = n
                    .as_f64()
                    .filter(|x| n.is_f64() && x.fract() == 0.0 && x.abs() < 9.0e15)
            {
                *v = Value::from(x as i64);
            }
        }
    }
    for key in ["minimum", "maximum", "multipleOf"] {
        if let Some(v) = map.get(key)
            && !fits(v)
        {
            out.push(
                Diagnostic::warning(
                    join(at, key),
                    format!("`{key}` {v} is not a 64-bit signed integer: it is not checked"),
                )
                .costing(Cost::Unchecked),
            );
            map.remove(key);
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum")
        && !values.iter().all(fits)
    {
        out.push(
            Diagnostic::warning(
                join(at, "enum"),
                "values that are not 64-bit signed integers are left out of the enum",
            )
            .costing(Cost::Ignored),
        );
        values.retain(fits);
    }
}
