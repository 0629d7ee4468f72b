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
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(value) {
        Ok(doc) => Ok(Loaded {
            doc,
            warnings: problems,
        }),
        Err(err) => {
            let pointer = pointer_of(err.path());
            problems.push(Diagnostic::error(pointer, err.into_inner().to_string()));
            Err(problems)
        }
    }
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
                        "operation declares no responses: every status will be reported as unexpected",
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
