//! A JSON value against an official JSON Schema (the OpenAPI 3.2
//! document's, an Overlay's): each problem at its deepest place. A helper
//! at the bottom of the reading stages.

use serde_json::Value;

/// Where `value` breaks `validator`'s schema, each problem at its deepest
/// place (a failure of a `oneOf` at a parent says less than the failures
/// inside it), as instance pointer and message (cut at 300 characters).
pub fn violations(validator: &jsonschema::Validator, value: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = validator
        .iter_errors(value)
        .map(|e| (e.instance_path().as_str().to_owned(), e.to_string()))
        .collect();
    found.sort();
    found.dedup();
    let deepest: Vec<(String, String)> = found
        .iter()
        .filter(|(at, _)| {
            !found
                .iter()
                .any(|(other, _)| other.starts_with(&format!("{at}/")))
        })
        .cloned()
        .collect();
    deepest
        .into_iter()
        .map(|(at, mut message)| {
            if message.len() > 300 {
                let cut = (0..=300)
                    .rev()
                    .find(|i| message.is_char_boundary(*i))
                    .unwrap_or(0);
                message.truncate(cut);
                message.push('…');
            }
            (at, message)
        })
        .collect()
}
