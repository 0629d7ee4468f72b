//! JSON pointers (RFC 6901) and the places of a document they name: the
//! bottom of the reading stages, importing none of them.

use serde_json::Value;

/// The member of the root that holds the other files, by path relative to
/// the root document's directory (`/`-separated).
pub const BUNDLED: &str = "x-bundled-files";

/// Escapes one JSON pointer token (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `base` with `token` appended.
pub fn join(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_token(token))
}

/// A `$ref`'s fragment with its percent-escapes decoded (`%7B` → `{`), as
/// the JSON pointer it names.
pub fn percent_decode(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| fragment.to_owned())
}

/// Undoes JSON pointer escaping in one token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// A `$ref` as its document wrote it: a pointer below [`BUNDLED`] as the
/// file and the pointer inside it (`schemas.yaml#/Pet`).
pub fn display_ref(reference: &str) -> String {
    match reference.strip_prefix('#').and_then(split_pointer) {
        Some((file, inner)) => format!("{file}#{inner}"),
        None => reference.to_owned(),
    }
}

/// Whether the file of a pointer below [`BUNDLED`] could not be read (its
/// place holds nothing; the loader has said why).
pub fn is_unread(root: &Value, pointer: &str) -> bool {
    split_pointer(pointer).is_some_and(|(file, _)| {
        root.pointer(&format!("/{BUNDLED}/{}", escape_token(&file)))
            .is_some_and(Value::is_null)
    })
}

/// Whether the member `key` of the object at `at` holds data (an example, a
/// default, an enum's or a const's values) rather than parts of the
/// document. A member of a map of names (`properties`, `responses`, …) is
/// The members whose keys are names the document chooses (a schema's
/// `properties`, `components/schemas`, …), not the specification's fields.
pub const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "schemas",
    "responses",
    "parameters",
    "headers",
    "examples",
    "callbacks",
    "webhooks",
    "paths",
    "pathItems",
    "securitySchemes",
    "requestBodies",
    "links",
    "content",
    "encoding",
    "mapping",
    "variables",
];

/// always a part: a property may be called `default`, and so is a response.
pub fn is_data_member(key: &str, at: &str) -> bool {
    let mut tokens = at.rsplit('/');
    let parent = tokens.next().unwrap_or_default();
    // An Example object's `value` (under `examples/<name>`).
    if key == "value" && tokens.next() == Some("examples") {
        return true;
    }
    !NAME_MAPS.contains(&parent) && matches!(key, "example" | "default" | "enum" | "const")
}

/// The file and the pointer inside it of a pointer below [`BUNDLED`].
pub fn split_pointer(pointer: &str) -> Option<(String, String)> {
    let rest = pointer.strip_prefix(&format!("/{BUNDLED}/"))?;
    let (token, inner) = rest.split_once('/').map_or((rest, ""), |(t, i)| (t, i));
    let name = token.replace("~1", "/").replace("~0", "~");
    let inner = if inner.is_empty() {
        String::new()
    } else {
        format!("/{inner}")
    };
    Some((name, inner))
}

/// The methods a Path Item object names by a member of its own.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// The member of a Path Item object (OpenAPI 3.2) that holds operations of
/// any other method, by the method's name as it travels.
pub const ADDITIONAL_OPERATIONS: &str = "additionalOperations";

/// The operations of a Path Item object, each with its pointer relative to
/// the item (`/get`, `/query`, `/additionalOperations/LINK`), in that order.
pub fn operations(item: &Value) -> Vec<(String, &Value)> {
    let Some(map) = item.as_object() else {
        return Vec::new();
    };
    let mut out: Vec<(String, &Value)> = METHODS
        .iter()
        .filter_map(|m| map.get(*m).map(|op| (format!("/{m}"), op)))
        .collect();
    if let Some(Value::Object(more)) = map.get(ADDITIONAL_OPERATIONS) {
        for (name, op) in more {
            out.push((join(&format!("/{ADDITIONAL_OPERATIONS}"), name), op));
        }
    }
    out
}

/// The pointer of every operation of the document's `paths` and
/// `webhooks` (`/paths/~1pets/get`, `/webhooks/new/post`).
pub fn all_operations(root: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for section in ["paths", "webhooks"] {
        for (name, item) in root
            .get(section)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let item_ptr = join(&format!("/{section}"), name);
            for (rel, _) in operations(item) {
                out.push(format!("{item_ptr}{rel}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_split_back() {
        assert_eq!(
            split_pointer("/x-bundled-files/defs~1a.yaml/components/x"),
            Some(("defs/a.yaml".into(), "/components/x".into()))
        );
        assert_eq!(split_pointer("/components/x"), None);
    }
}
