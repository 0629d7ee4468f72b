//! The last stage: what the typed model would accept silently (an
//! operation without `responses`) is refused, then the document is
//! deserialized into `openapiv3::OpenAPI`, every type error located.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{PathItem, ReferenceOr};
use serde_json::Value;

use super::diagnostics::Diagnostic;
use super::pointer::{self, join};

/// The top-level `webhooks`, by name.
pub(super) type Webhooks = IndexMap<String, ReferenceOr<PathItem>>;

/// The operations `openapiv3` does not model (OpenAPI 3.2's `query` and
/// `additionalOperations`), by the pointer of their Path Item, each with its
/// pointer relative to the item (`/query`, `/additionalOperations/LINK`).
pub type ExtraOperations = BTreeMap<String, Vec<(String, openapiv3::Operation)>>;

/// The typed document, its `webhooks` and its extra operations, or every
/// type error, each at its deepest place.
pub(super) fn typed(
    value: &Value,
) -> Result<(openapiv3::OpenAPI, Webhooks, ExtraOperations), Vec<Diagnostic>> {
    let (extra, mut extra_errors) = extra_operations(value);
    let webhooks = match value.get("webhooks") {
        None => Ok(IndexMap::new()),
        Some(w) => serde_json::from_value::<Webhooks>(w.clone()),
    };
    // Deserialized plainly first; only a document that fails is read again
    // with its path tracked, for the error's place.
    let doc = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(value)
        .or_else(|_| serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(value));
    match (doc, webhooks) {
        (Ok(doc), Ok(webhooks)) if extra_errors.is_empty() => Ok((doc, webhooks, extra)),
        (Ok(_), Ok(_)) => Err(extra_errors),
        (first, webhooks) => {
            let mut found = drill(value);
            if found.is_empty() {
                match (first, webhooks) {
                    (Err(err), _) => {
                        let pointer = pointer_of(err.path());
                        found.push(Diagnostic::error(pointer, err.into_inner().to_string()));
                    }
                    (_, Err(err)) => found.push(Diagnostic::error("/webhooks", err.to_string())),
                    _ => {}
                }
            }
            found.append(&mut extra_errors);
            Err(found)
        }
    }
}

/// Finds every type error, each at its deepest place.
///
/// `serde_path_to_error` stops at the first error, and cannot see through
/// `openapiv3`'s flattened and untagged types, so an error inside an
/// operation is reported at `/paths`. This deserializes the parts of
/// `/paths` and `/components` one by one, as the types they must be, and
/// reports each part that fails, as deep as it can: every problem of the
/// document in one run.
fn drill(root: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for section in ["paths", "webhooks", "components"] {
        out.extend(drill_section(root, section));
    }
    out
}

fn drill_section(root: &Value, section: &str) -> Vec<Diagnostic> {
    use openapiv3::{
        Header, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema,
        SecurityScheme,
    };
    let mut out = Vec::new();
    match section {
        "paths" | "webhooks" => {
            let paths = root.get(section).unwrap_or(&Value::Null);
            for (item_ptr, item) in entries(paths, &format!("/{section}")) {
                let before = out.len();
                for (key, part) in entries(item, &item_ptr) {
                    let name = last_token(&key);
                    if name == "parameters" {
                        check_each::<ReferenceOr<Parameter>>(part, &key, &mut out);
                    } else if pointer::METHODS.contains(&name.as_str()) {
                        let mut deeper = Vec::new();
                        for (section, sub) in entries(part, &key) {
                            match last_token(&section).as_str() {
                                "parameters" => {
                                    check_each::<ReferenceOr<Parameter>>(sub, &section, &mut deeper)
                                }
                                "requestBody" => {
                                    check::<ReferenceOr<RequestBody>>(sub, &section, &mut deeper)
                                }
                                "responses" => {
                                    check_each::<ReferenceOr<Response>>(sub, &section, &mut deeper)
                                }
                                _ => {}
                            }
                        }
                        if deeper.is_empty() {
                            check::<Operation>(part, &key, &mut out);
                        }
                        out.extend(deeper);
                    }
                }
                if out.len() == before {
                    check::<PathItem>(item, &item_ptr, &mut out);
                }
            }
        }
        "components" => {
            let components = root.get("components").unwrap_or(&Value::Null);
            for (section_ptr, section) in entries(components, "/components") {
                let out = &mut out;
                match section_ptr.as_str() {
                    "/components/schemas" => {
                        check_each::<ReferenceOr<Schema>>(section, &section_ptr, out)
                    }
                    "/components/parameters" => {
                        check_each::<ReferenceOr<Parameter>>(section, &section_ptr, out)
                    }
                    "/components/requestBodies" => {
                        check_each::<ReferenceOr<RequestBody>>(section, &section_ptr, out)
                    }
                    "/components/responses" => {
                        check_each::<ReferenceOr<Response>>(section, &section_ptr, out)
                    }
                    "/components/headers" => {
                        check_each::<ReferenceOr<Header>>(section, &section_ptr, out)
                    }
                    "/components/securitySchemes" => {
                        check_each::<ReferenceOr<SecurityScheme>>(section, &section_ptr, out)
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    out
}

/// Deserializes `value` as a `T`; on failure records where and why.
fn check<T: serde::de::DeserializeOwned>(value: &Value, at: &str, out: &mut Vec<Diagnostic>) {
    if let Err(err) = serde_path_to_error::deserialize::<_, T>(value) {
        let inner = pointer_of(err.path());
        out.push(Diagnostic::error(
            format!("{at}{inner}"),
            err.into_inner().to_string(),
        ));
    }
}

/// [`check`] for every member of an object or array.
fn check_each<T: serde::de::DeserializeOwned>(value: &Value, at: &str, out: &mut Vec<Diagnostic>) {
    for (ptr, member) in entries(value, at) {
        check::<T>(member, &ptr, out);
    }
}

/// The members of an object or array, with their pointers.
fn entries<'v>(value: &'v Value, at: &str) -> Vec<(String, &'v Value)> {
    match value {
        Value::Object(map) => map.iter().map(|(k, v)| (join(at, k), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (join(at, &i.to_string()), v))
            .collect(),
        _ => Vec::new(),
    }
}

/// The last token of a pointer, unescaped.
fn last_token(pointer: &str) -> String {
    let token = pointer.rsplit('/').next().unwrap_or_default();
    token.replace("~1", "/").replace("~0", "~")
}

/// Checks what the typed model cannot: required members it would default.
pub(super) fn structure(root: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(obj) = root.as_object() else {
        out.push(Diagnostic::error("", "the document is not an object"));
        return out;
    };
    if let Some(paths) = obj.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_ptr = join("/paths", path);
            for (rel, op) in pointer::operations(item) {
                let op_ptr = format!("{item_ptr}{rel}");
                match op.get("responses") {
                    None => out.push(Diagnostic::error(op_ptr, "operation has no `responses`")),
                    Some(Value::Object(r)) if r.is_empty() => out.push(Diagnostic::warning(
                        join(&op_ptr, "responses"),
                        "operation declares no responses: any 2XX is taken as a success, its body as bytes",
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    out
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out = join(&out, &index.to_string()),
            Segment::Map { key } => out = join(&out, key),
            Segment::Enum { variant } => out = join(&out, variant),
            Segment::Unknown => {}
        }
    }
    out
}

/// Every Path Item's operations that `openapiv3` does not model, typed;
/// and the type errors found, each located. Path Items are in `paths`,
/// `webhooks` and the callbacks of their operations.
fn extra_operations(root: &Value) -> (ExtraOperations, Vec<Diagnostic>) {
    let mut items: Vec<(String, &Value)> = Vec::new();
    for section in ["paths", "webhooks"] {
        for (name, item) in root
            .get(section)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            items.push((join(&format!("/{section}"), name), item));
        }
    }
    let (mut out, mut errors) = (ExtraOperations::new(), Vec::new());
    let mut i = 0;
    while i < items.len() {
        let (item_ptr, item) = items[i].clone();
        i += 1;
        for (rel, op) in pointer::operations(item) {
            let op_ptr = format!("{item_ptr}{rel}");
            // Callbacks hold Path Items of their own.
            for (name, callback) in op
                .get("callbacks")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                for (expression, inner) in callback.as_object().into_iter().flatten() {
                    items.push((
                        join(&join(&join(&op_ptr, "callbacks"), name), expression),
                        inner,
                    ));
                }
            }
            if !(rel == "/query" || rel.starts_with("/additionalOperations/")) {
                continue;
            }
            let mut found = Vec::new();
            check::<openapiv3::Operation>(op, &op_ptr, &mut found);
            if found.is_empty() {
                if let Ok(typed) = serde_json::from_value(op.clone()) {
                    out.entry(item_ptr.clone()).or_default().push((rel, typed));
                }
            } else {
                errors.append(&mut found);
            }
        }
    }
    (out, errors)
}
