//! Text → `openapiv3::OpenAPI`, with every problem located.
//!
//! The text is parsed once into a `serde_json::Value` (YAML or JSON), checked
//! for what `openapiv3` would silently accept (a wrong `openapi` version, an
//! operation without `responses`), then deserialized with
//! `serde_path_to_error` so that a type error names its place.

use std::fmt::Write as _;
use std::path::Path;

use indexmap::IndexMap;
use openapiv3::{PathItem, ReferenceOr};
use serde_json::Value;

use crate::bundle::{self, Source};
use crate::diagnostics::{Diagnostic, escape_token, join};
use crate::oas31;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A parsed document.
pub struct Loaded {
    /// The typed document (a 3.1 document in its 3.0 form: see
    /// [`crate::oas31`]).
    pub doc: openapiv3::OpenAPI,
    /// The document as JSON (after the lenient readings below, with the
    /// other files it refers to inside it), for `$ref`s to any place in it.
    pub raw: Value,
    /// The top-level `webhooks` (OpenAPI 3.1), by name.
    pub webhooks: IndexMap<String, ReferenceOr<PathItem>>,
    /// The other files read (a document split over several).
    pub sources: Vec<Source>,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
    /// Errors that do not stop the reading (a file that a `$ref` names
    /// cannot be read): lowering still runs, so that its errors are
    /// reported in the same run, and then generation fails.
    pub deferred: Vec<Diagnostic>,
}

/// Why a document could not be loaded.
#[derive(Debug)]
pub struct Failed {
    /// Every problem found.
    pub problems: Vec<Diagnostic>,
    /// The other files read, where some of the problems may be.
    pub sources: Vec<Source>,
}

/// Parses and checks `text`, a document in one file. On failure, every
/// problem found is returned.
pub fn load(text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    load_with(text, None, None).map_err(|f| f.problems)
}

/// Parses and checks `text`, reading the files its `$ref`s name from
/// `base_dir` (the document's directory; `None`: a reference to another
/// file is an error). `root_file`, the document's own file name, makes a
/// reference back to it from another file a pointer into it.
pub fn load_with(
    text: &str,
    base_dir: Option<&Path>,
    root_file: Option<&str>,
) -> Result<Loaded, Failed> {
    let fail = |problems, sources| Failed { problems, sources };
    let mut value = parse(text).map_err(|p| fail(p, Vec::new()))?;
    let version = match check_version(&value) {
        Ok(v) => v,
        Err(problem) => return Err(fail(vec![problem], Vec::new())),
    };
    let (sources, deferred) = bundle::bundle(&mut value, base_dir, root_file);
    let mut problems = Vec::new();
    if oas31::is_31(&version) {
        problems.extend(oas31::translate(&mut value));
    }
    problems.extend(check_structure(&value));
    problems.extend(normalize(&mut value));
    if problems
        .iter()
        .any(|d| d.severity == crate::diagnostics::Severity::Error)
    {
        problems.extend(deferred);
        return Err(fail(problems, sources));
    }
    let webhooks = match value.get("webhooks") {
        None => Ok(IndexMap::new()),
        Some(w) => serde_json::from_value::<IndexMap<String, ReferenceOr<PathItem>>>(w.clone()),
    };
    // Deserialized plainly first; only a document that fails is read again
    // with its path tracked, for the error's place.
    let doc = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&value)
        .or_else(|_| serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&value));
    match (doc, webhooks) {
        (Ok(doc), Ok(webhooks)) => Ok(Loaded {
            doc,
            raw: value,
            webhooks,
            sources,
            warnings: problems,
            deferred,
        }),
        (first, webhooks) => {
            let mut found = drill(&value);
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
            problems.extend(found);
            problems.extend(deferred);
            Err(fail(problems, sources))
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

/// The document as JSON, as written (YAML or JSON text; an integer beyond
/// 64 bits as the nearest float).
pub fn parse(text: &str) -> Result<Value, Vec<Diagnostic>> {
    let looks_like_json = text.trim_start().starts_with('{');
    if looks_like_json {
        // serde_json reads an integer beyond 64 bits as the nearest float.
        serde_json::from_str(text).map_err(|e| {
            let mut d = Diagnostic::error("", format!("invalid JSON: {e}"));
            d.line = Some(e.line());
            vec![d]
        })
    } else {
        serde_yaml::from_str::<Loose>(text)
            .map(|loose| loose.0)
            .map_err(|e| {
                let mut d = Diagnostic::error("", format!("invalid YAML: {e}"));
                d.line = e.location().map(|l| l.line());
                vec![d]
            })
    }
}

/// A JSON value read from YAML that, unlike `serde_json::Value`, takes
/// integers beyond 64 bits: as the nearest float, as serde_json does for
/// JSON text (`normalize` then warns where the value matters).
struct Loose(Value);

impl<'de> serde::Deserialize<'de> for Loose {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LooseVisitor).map(Loose)
    }
}

struct LooseVisitor;

impl<'de> serde::de::Visitor<'de> for LooseVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(LooseVisitor)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Loose(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some((key, Loose(v))) = map.next_entry::<Loose, Loose>()? {
            let key = match key.0 {
                Value::String(s) => s,
                // YAML allows keys of any kind (`200:` for a status): as text.
                other => other.to_string(),
            };
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// A float as JSON (infinities and NaN, which JSON lacks, as null).
fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// The readings of a document that is slightly off, each with a warning:
/// a security requirement whose scopes are `null` (for `[]`), integer
/// bounds and values beyond what the typed model holds (64-bit signed), and
/// text with Unicode bidirectional controls (shown escaped in the crate).
fn normalize(root: &mut Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Security requirements, at the top and on each operation.
    let mut requirements = vec!["/security".to_owned()];
    if let Some(paths) = root.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for method in METHODS.iter().filter(|m| item.contains_key(**m)) {
                requirements.push(join(&join(&join("/paths", path), method), "security"));
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
    walk(root, &mut String::new(), &mut out);
    out
}

/// Unicode bidirectional controls, which rustc refuses in comments.
pub(crate) const BIDI_CONTROLS: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}',
];

/// The part of [`normalize`] that looks at every value. `at` is the
/// value's pointer, one buffer for the whole walk (a pointer is made only
/// for a diagnostic: a large document has millions of values).
fn walk(value: &mut Value, at: &mut String, out: &mut Vec<Diagnostic>) {
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
            for (key, member) in map.iter_mut() {
                let len = at.len();
                at.push('/');
                if key.contains(['~', '/']) {
                    at.push_str(&escape_token(key));
                } else {
                    at.push_str(key);
                }
                walk(member, at, out);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = at.len();
                let _ = write!(at, "/{i}");
                walk(item, at, out);
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
            out.push(Diagnostic::warning(
                join(at, key),
                format!("`{key}` {v} is not a 64-bit signed integer: it is not checked"),
            ));
            map.remove(key);
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum")
        && !values.iter().all(fits)
    {
        out.push(Diagnostic::warning(
            join(at, "enum"),
            "values that are not 64-bit signed integers are left out of the enum",
        ));
        values.retain(fits);
    }
}

/// The document's `openapi` version, if it is one the generator reads
/// (3.0.x or 3.1.x).
fn check_version(root: &Value) -> Result<String, Diagnostic> {
    let Some(obj) = root.as_object() else {
        return Err(Diagnostic::error("", "the document is not an object"));
    };
    match obj.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v == "3.0" || oas31::is_31(v) => {
            Ok(v.clone())
        }
        Some(Value::String(v)) => Err(Diagnostic::error(
            "/openapi",
            format!(
                "unsupported OpenAPI version `{v}`: the generator reads OpenAPI 3.0.x and 3.1.x documents"
            ),
        )),
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
            "missing `openapi` version field: the generator reads OpenAPI 3.0.x and 3.1.x documents",
        )),
    }
}

/// Checks what the typed model cannot: required members it would default.
fn check_structure(root: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(obj) = root.as_object() else {
        out.push(Diagnostic::error("", "the document is not an object"));
        return out;
    };
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
