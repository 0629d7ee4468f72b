//! Text → `openapiv3::OpenAPI`, with every problem located.
//!
//! The text is parsed once into a `serde_json::Value` (YAML or JSON), checked
//! for what `openapiv3` would silently accept (a wrong `openapi` version, an
//! operation without `responses`), then deserialized with
//! `serde_path_to_error` so that a type error names its place.

use serde_json::Value;

use crate::diagnostics::{Diagnostic, join};

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A parsed document.
pub struct Loaded {
    /// The typed document.
    pub doc: openapiv3::OpenAPI,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
}

/// Parses and checks `text`. On failure, every problem found is returned.
pub fn load(text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    let value = parse(text)?;
    let mut problems = check_structure(&value);
    if problems
        .iter()
        .any(|d| d.severity == crate::diagnostics::Severity::Error)
    {
        return Err(problems);
    }
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&value) {
        Ok(doc) => Ok(Loaded {
            doc,
            warnings: problems,
        }),
        Err(err) => {
            let pointer = pointer_of(err.path());
            let mut found = drill(&value, &pointer);
            if found.is_empty() {
                found.push(Diagnostic::error(pointer, err.into_inner().to_string()));
            }
            problems.extend(found);
            Err(problems)
        }
    }
}

/// Finds the deepest place of a type error.
///
/// `serde_path_to_error` cannot see through `openapiv3`'s flattened and
/// untagged types, so an error inside an operation is reported at `/paths`.
/// This deserializes the parts below that pointer one by one, as the types
/// they must be, and reports each part that fails, as deep as it can.
fn drill(root: &Value, pointer: &str) -> Vec<Diagnostic> {
    use openapiv3::{
        Header, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema,
        SecurityScheme,
    };
    let mut out = Vec::new();
    match pointer.split('/').nth(1).unwrap_or_default() {
        "paths" => {
            let paths = root.get("paths").unwrap_or(&Value::Null);
            for (item_ptr, item) in entries(paths, "/paths") {
                let before = out.len();
                for (key, part) in entries(item, &item_ptr) {
                    let name = last_token(&key);
                    if name == "parameters" {
                        check_each::<ReferenceOr<Parameter>>(part, &key, &mut out);
                    } else if METHODS.contains(&name.as_str()) {
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

fn parse(text: &str) -> Result<Value, Vec<Diagnostic>> {
    let looks_like_json = text.trim_start().starts_with('{');
    if looks_like_json {
        serde_json::from_str(text).map_err(|e| {
            let mut d = Diagnostic::error("", format!("invalid JSON: {e}"));
            d.line = Some(e.line());
            vec![d]
        })
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let mut d = Diagnostic::error("", format!("invalid YAML: {e}"));
            d.line = e.location().map(|l| l.line());
            vec![d]
        })
    }
}

/// Checks what the typed model cannot: the version, and required members it
/// would default.
fn check_structure(root: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(obj) = root.as_object() else {
        out.push(Diagnostic::error("", "the document is not an object"));
        return out;
    };
    match obj.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v == "3.0" => {}
        Some(Value::String(v)) => out.push(Diagnostic::error(
            "/openapi",
            format!("unsupported OpenAPI version `{v}`: only 3.0.x documents are supported"),
        )),
        Some(other) => out.push(Diagnostic::error(
            "/openapi",
            format!("`openapi` must be a version string such as \"3.0.3\", found `{other}`"),
        )),
        None if obj.contains_key("swagger") => out.push(Diagnostic::error(
            "/swagger",
            "Swagger 2.0 documents are not supported: convert the document to OpenAPI 3.0",
        )),
        None => out.push(Diagnostic::error("", "missing `openapi` version field")),
    }
    if let Some(paths) = obj.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_ptr = join("/paths", path);
            let Some(item) = item.as_object() else {
                continue;
            };
            for method in METHODS {
                let Some(op) = item.get(*method) else {
                    continue;
                };
                let op_ptr = join(&item_ptr, method);
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
