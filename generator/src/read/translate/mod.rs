//! The third stage: each OpenAPI minor version is one translator into the
//! same form, the 3.0 structures that `openapiv3` reads and lowering lowers.
//!
//! A 3.0 document is that form already. A 3.1 document is rewritten by
//! `oas31`; a 3.2 document by `oas32` into the 3.1 form, then by
//! `oas31`. Nothing after this stage learns which version a document was:
//! what the 3.0 form cannot say travels in `x-oas31-*` and `x-oas32-*`
//! members that lowering reads.

pub(crate) mod oas31;
pub(crate) mod oas32;

use serde_json::Value;

use super::diagnostics::Diagnostic;
use super::pointer::{self, join};

/// The OpenAPI minor versions the generator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// 3.0.x: read as it is.
    V30,
    /// 3.1.x: JSON Schema 2020-12 schemas, webhooks.
    V31,
    /// 3.2.x: `query` and other methods, `querystring`, `itemSchema`, `$self`.
    V32,
}

impl Version {
    /// The version a document's `openapi` member names, if the generator
    /// reads it.
    fn of(openapi: &str) -> Option<Version> {
        let minor = |m: &str| openapi == m || openapi.starts_with(&format!("{m}."));
        if minor("3.0") {
            Some(Version::V30)
        } else if minor("3.1") {
            Some(Version::V31)
        } else if minor("3.2") {
            Some(Version::V32)
        } else {
            None
        }
    }
}

const READ: &str = "the generator reads OpenAPI 3.0.x, 3.1.x and 3.2.x documents";

/// The document's `openapi` version, if it is one the generator reads.
pub fn version(root: &Value) -> Result<Version, Diagnostic> {
    let Some(obj) = root.as_object() else {
        return Err(Diagnostic::error("", "the document is not an object"));
    };
    match obj.get("openapi") {
        Some(Value::String(v)) => Version::of(v).ok_or_else(|| {
            Diagnostic::error(
                "/openapi",
                format!("unsupported OpenAPI version `{v}`: {READ}"),
            )
        }),
        Some(other) => Err(Diagnostic::error(
            "/openapi",
            format!("`openapi` must be a version string such as \"3.1.0\", found `{other}`"),
        )),
        None if obj.contains_key("swagger") => Err(Diagnostic::error(
            "/swagger",
            "this is a Swagger 2.0 (OpenAPI 2) document, which the generator does not read: convert it to OpenAPI 3 first (for example with swagger2openapi)",
        )),
        None => Err(Diagnostic::error(
            "",
            format!("missing `openapi` version field: {READ}"),
        )),
    }
}

/// Rewrites `root`, a document of `version`, into the 3.0 form; returns
/// what the translation found to report.
pub fn translate(root: &mut Value, version: Version) -> Vec<Diagnostic> {
    let mut out = inline_callbacks(root);
    out.extend(match version {
        Version::V30 => Vec::new(),
        Version::V31 => oas31::translate(root),
        Version::V32 => {
            let mut out = oas32::translate(root);
            out.extend(oas31::translate(root));
            out
        }
    });
    out
}

/// Callbacks `$ref`'d from `components/callbacks` (any version) are copied
/// in place: the typed model reads a callback only inline.
fn inline_callbacks(root: &mut Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(components) = root
        .pointer("/components/callbacks")
        .and_then(Value::as_object)
        .cloned()
    else {
        return out;
    };
    let mut places = Vec::new();
    for op_ptr in pointer::all_operations(root) {
        let callbacks = root
            .pointer(&format!("{op_ptr}/callbacks"))
            .and_then(Value::as_object);
        for (name, callback) in callbacks.into_iter().flatten() {
            if let Some(reference) = callback.get("$ref").and_then(Value::as_str) {
                places.push((
                    join(&join(&op_ptr, "callbacks"), name),
                    reference.to_owned(),
                ));
            }
        }
    }
    for (at, reference) in places {
        let target = reference
            .strip_prefix("#/components/callbacks/")
            .and_then(|key| components.get(&pointer::unescape(key)));
        match target {
            Some(callback) => {
                if let Some(place) = root.pointer_mut(&at) {
                    *place = callback.clone();
                }
            }
            None => out.push(Diagnostic::error(
                join(&at, "$ref"),
                format!("`{reference}` names no member of `components/callbacks`"),
            )),
        }
    }
    out
}

/// What a version changes before the other files are read: 3.2's `$self`
/// decides which references are to this document.
pub fn prepare(root: &mut Value, version: Version) {
    if version == Version::V32 {
        oas32::resolve_self(root);
    }
}
