//! OpenAPI 3.1 → the 3.0 structures that `openapiv3` reads and lowering
//! lowers.
//!
//! A 3.1 document differs from a 3.0 one almost only in its schemas (JSON
//! Schema 2020-12 instead of the 3.0 subset) and in a few top-level members
//! (`webhooks`, `components/pathItems`, optional `paths`). Each 3.1 form is
//! rewritten, in the JSON value, into the 3.0 form that means the same thing
//! (`type: [string, "null"]` into `type: string, nullable: true`, a `$ref`
//! with siblings into `allOf: [$ref]` beside them, a numeric
//! `exclusiveMinimum` into `minimum` and `exclusiveMinimum: true`, …). What
//! 3.0 cannot say at all (`const`, `prefixItems`, `propertyNames`,
//! `dependentRequired`) travels in `x-oas31-*` members of the schema, which
//! lowering reads: nothing the document says is dropped without a located
//! warning. The emitters never learn which version a document was.

use serde_json::{Map, Value, json};

use crate::read::diagnostics::{Cost, Diagnostic};
use crate::read::pointer::{is_data_member, join};

/// The member that carries a `const` value to lowering.
pub(crate) const CONST: &str = "x-oas31-const";
/// The member that carries a tuple's `prefixItems` to lowering.
pub(crate) const PREFIX_ITEMS: &str = "x-oas31-prefix-items";
/// The member that carries `propertyNames` to lowering.
pub(crate) const PROPERTY_NAMES: &str = "x-oas31-property-names";
/// The member that carries `dependentRequired` to lowering.
pub(crate) const DEPENDENT_REQUIRED: &str = "x-oas31-dependent-required";

/// The dialect OpenAPI 3.1 schemas use unless the document says otherwise.
const DEFAULT_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// Rewrites the 3.1 document `root` in place into its 3.0 form; returns the
/// warnings for what the Rust types cannot express.
pub(crate) fn translate(root: &mut Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(obj) = root.as_object_mut() else {
        return out;
    };
    if let Some(dialect) = obj.get("jsonSchemaDialect")
        && dialect.as_str() != Some(DEFAULT_DIALECT)
    {
        out.push(Diagnostic::warning(
            "/jsonSchemaDialect",
            format!(
                "schemas are read in the OpenAPI 3.1 dialect (JSON Schema 2020-12), not {dialect}: keywords only that dialect defines are ignored"
            ),
        ));
    }
    // Paths became optional in 3.1 (a document of components, or webhooks only).
    obj.entry("paths").or_insert_with(|| json!({}));
    // `openapiv3` reads the 3.0 form this produces.
    obj.insert("openapi".to_owned(), json!("3.0.3"));
    resolve_anchors(root);
    inline_path_items(root, &mut out);
    mutual_tls(root, &mut out);
    optional_responses(root);
    walk(root, "", &mut out);
    out
}

/// A `mutualTLS` security scheme (3.1) is met by the TLS connection, not by
/// anything a request carries: the scheme leaves the document, and the
/// requirements that name it ask for nothing more, with a warning.
fn mutual_tls(root: &mut Value, out: &mut Vec<Diagnostic>) {
    let Some(Value::Object(schemes)) = root.pointer_mut("/components/securitySchemes") else {
        return;
    };
    let names: Vec<String> = schemes
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
        .map(|(name, _)| name.clone())
        .collect();
    for name in &names {
        schemes.remove(name);
        out.push(Diagnostic::warning(
            join("/components/securitySchemes", name),
            "a `mutualTLS` scheme: the client presents a TLS certificate, which the generated client does not set up; give it one through `ClientBuilder::configure_http` (reqwest's `identity`)",
        )
.costing(Cost::Ignored));
    }
    if names.is_empty() {
        return;
    }
    let mut lists = vec!["/security".to_owned()];
    lists.extend(
        crate::read::pointer::all_operations(root)
            .into_iter()
            .map(|op| format!("{op}/security")),
    );
    for at in lists {
        if let Some(Value::Array(requirements)) = root.pointer_mut(&at) {
            for requirement in requirements.iter_mut().filter_map(Value::as_object_mut) {
                requirement.retain(|name, _| !names.contains(name));
            }
        }
    }
}

/// `responses` became optional in 3.1: an operation without them declares
/// none (what 3.0 spells `responses: {}`).
fn optional_responses(root: &mut Value) {
    for op in crate::read::pointer::all_operations(root) {
        if let Some(Value::Object(op)) = root.pointer_mut(&op) {
            op.entry("responses").or_insert_with(|| json!({}));
        }
    }
}

/// `$ref`s to a schema's `$anchor` (`#name`) or `$id` (its URI, with or
/// without a fragment) become JSON pointers.
fn resolve_anchors(root: &mut Value) {
    let mut targets: Vec<(String, String)> = Vec::new();
    collect_ids(root, "", &mut targets);
    if targets.is_empty() {
        return;
    }
    rewrite_refs(root, "", &|reference: &str| {
        if let Some(anchor) = reference.strip_prefix('#')
            && !anchor.is_empty()
            && !anchor.starts_with('/')
        {
            let key = format!("#{anchor}");
            return targets
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, ptr)| format!("#{ptr}"));
        }
        let (base, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let (_, ptr) = targets.iter().find(|(name, _)| name == base)?;
        if fragment.is_empty() || fragment.starts_with('/') {
            Some(format!("#{ptr}{fragment}"))
        } else {
            // An anchor inside the resource.
            targets
                .iter()
                .find(|(name, p)| *name == format!("#{fragment}") && p.starts_with(ptr.as_str()))
                .map(|(_, p)| format!("#{p}"))
        }
    });
}

/// Every `$id` (by its URI) and `$anchor` (as `#name`) with its pointer.
fn collect_ids(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(id) = map.get("$id").and_then(Value::as_str) {
                out.push((id.trim_end_matches('#').to_owned(), at.to_owned()));
            }
            if let Some(anchor) = map.get("$anchor").and_then(Value::as_str) {
                out.push((format!("#{anchor}"), at.to_owned()));
            }
            for (key, member) in map {
                if !is_data_member(key, at) {
                    collect_ids(member, &join(at, key), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_ids(item, &join(at, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// Replaces each `$ref` for which `f` gives a new target.
pub(crate) fn rewrite_refs(value: &mut Value, at: &str, f: &dyn Fn(&str) -> Option<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(new) = f(reference)
            {
                *reference = new;
            }
            for (key, member) in map.iter_mut() {
                if !is_data_member(key, at) {
                    rewrite_refs(member, &join(at, key), f);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                rewrite_refs(item, &join(at, &i.to_string()), f);
            }
        }
        _ => {}
    }
}

/// Path items `$ref`'d from `components/pathItems` (in `paths`, `webhooks`
/// and callbacks) are copied in place.
fn inline_path_items(root: &mut Value, out: &mut Vec<Diagnostic>) {
    let Some(items) = root
        .pointer("/components/pathItems")
        .and_then(Value::as_object)
        .cloned()
    else {
        return;
    };
    for section in ["paths", "webhooks"] {
        let Some(Value::Object(map)) = root.get_mut(section) else {
            continue;
        };
        for (name, item) in map.iter_mut() {
            let Some(reference) = item.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let Some(key) = reference.strip_prefix("#/components/pathItems/") else {
                continue;
            };
            let key = crate::read::pointer::unescape(key);
            match items.get(&key) {
                Some(target) => {
                    let mut target = target.clone();
                    // Siblings of the `$ref` (a summary) win.
                    if let (Value::Object(t), Value::Object(own)) = (&mut target, &*item) {
                        for (k, v) in own {
                            if k != "$ref" {
                                t.insert(k.clone(), v.clone());
                            }
                        }
                    }
                    *item = target;
                }
                None => out.push(Diagnostic::error(
                    join(&join(&format!("/{section}"), name), "$ref"),
                    format!("`{reference}` names no member of `components/pathItems`"),
                )),
            }
        }
    }
}

/// Walks the document, translating each schema where one may be: under a
/// `schema` member, among `components/schemas`, and below.
fn walk(value: &mut Value, at: &str, out: &mut Vec<Diagnostic>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                let ptr = join(at, key);
                if key == "schema" || key == "contentSchema" || key == "itemSchema" {
                    schema(member, &ptr, out);
                } else if key == "schemas" && at.ends_with("/components") {
                    if let Value::Object(schemas) = member {
                        for (name, s) in schemas.iter_mut() {
                            schema(s, &join(&ptr, name), out);
                        }
                    }
                } else if key == crate::read::pointer::BUNDLED && at.is_empty() {
                    bundled(member, &ptr, out);
                } else if !is_data_member(key, at) && !key.starts_with("x-") {
                    walk(member, &ptr, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &join(at, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// The other files of the document: a file that is a schema, or a map of
/// schemas, is translated as one; a document (or a part of one) is walked.
fn bundled(files: &mut Value, at: &str, out: &mut Vec<Diagnostic>) {
    let Value::Object(files) = files else {
        return;
    };
    for (name, file) in files.iter_mut() {
        let ptr = join(at, name);
        if looks_like_schema(file) {
            schema(file, &ptr, out);
        } else if file.get("openapi").is_some() || file.get("components").is_some() {
            walk(file, &ptr, out);
        } else if let Value::Object(members) = file {
            for (key, member) in members.iter_mut() {
                if looks_like_schema(member) {
                    schema(member, &join(&ptr, key), out);
                } else {
                    walk(member, &join(&ptr, key), out);
                }
            }
        }
    }
}

fn looks_like_schema(value: &Value) -> bool {
    value.as_object().is_some_and(|map| {
        !map.contains_key("in")
            && !map.contains_key("content")
            && [
                "type",
                "properties",
                "items",
                "allOf",
                "anyOf",
                "oneOf",
                "enum",
                "const",
                "format",
                "additionalProperties",
                "$ref",
            ]
            .iter()
            .any(|k| map.contains_key(*k))
    })
}

/// Keywords that apply to one JSON type only: when `type` lists several,
/// each alternative takes its own.
const TYPE_KEYWORDS: &[(&str, &[&str])] = &[
    (
        "string",
        &[
            "minLength",
            "maxLength",
            "pattern",
            "format",
            "contentEncoding",
            "contentMediaType",
        ],
    ),
    (
        "number",
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "format",
        ],
    ),
    (
        "integer",
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "format",
        ],
    ),
    (
        "array",
        &[
            "items",
            "prefixItems",
            "minItems",
            "maxItems",
            "uniqueItems",
            "contains",
        ],
    ),
    (
        "object",
        &[
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "propertyNames",
            "minProperties",
            "maxProperties",
            "dependentRequired",
            "unevaluatedProperties",
        ],
    ),
];

/// Keywords with no meaning in a Rust type or a check the client makes.
const NOT_EXPRESSED: &[&str] = &[
    "if",
    "then",
    "else",
    "dependentSchemas",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
    "$dynamicRef",
    "$dynamicAnchor",
];

/// Translates one schema (and every schema below it).
fn schema(value: &mut Value, at: &str, out: &mut Vec<Diagnostic>) {
    let map = match value {
        Value::Bool(true) => {
            *value = json!({});
            return;
        }
        Value::Bool(false) => {
            *value = json!({ "not": {} });
            return;
        }
        Value::Object(map) => map,
        _ => return,
    };
    // Null among the alternatives (before they are translated): the value
    // is nullable.
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(alternatives)) = map.get_mut(key) else {
            continue;
        };
        let before = alternatives.len();
        alternatives.retain(|alt| !is_null_only(alt));
        if alternatives.len() < before {
            if alternatives.is_empty() {
                map.remove(key);
            }
            map.insert("nullable".to_owned(), json!(true));
        }
    }
    subschemas(map, at, out);
    // What no Rust type says: documented on the type, and a warning.
    let unexpressed: Vec<&str> = NOT_EXPRESSED
        .iter()
        .copied()
        .filter(|k| map.contains_key(*k))
        .collect();
    if !unexpressed.is_empty() {
        let list = unexpressed
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            Diagnostic::warning(
                join(at, unexpressed[0]),
                format!("{list} cannot be expressed in a Rust type: documented, not checked"),
            )
            .costing(Cost::Unchecked),
        );
        let note = format!("Not checked by the client: this schema's {list}.");
        let description = match map.get("description").and_then(Value::as_str) {
            Some(d) => format!("{d}\n\n{note}"),
            None => note,
        };
        map.insert("description".to_owned(), json!(description));
        for k in unexpressed {
            map.remove(k);
        }
    }
    types(map, at, out);
    if let Some(value) = map.remove("const") {
        if value.is_null() {
            map.insert(CONST.to_owned(), Value::Null);
        } else {
            if !map.contains_key("type") {
                let typ = match &value {
                    Value::String(_) => Some("string"),
                    Value::Bool(_) => Some("boolean"),
                    Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                    Value::Number(_) => Some("number"),
                    Value::Array(_) => Some("array"),
                    Value::Object(_) => Some("object"),
                    Value::Null => None,
                };
                if let Some(typ) = typ {
                    map.insert("type".to_owned(), json!(typ));
                }
            }
            map.insert(CONST.to_owned(), value);
        }
    }
    for (key, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        let Some(Value::Number(n)) = map.get(key).cloned() else {
            continue;
        };
        let excl = n.as_f64().unwrap_or_default();
        let tighter = match map.get(bound).and_then(Value::as_f64) {
            None => true,
            Some(b) if key == "exclusiveMinimum" => excl >= b,
            Some(b) => excl <= b,
        };
        if tighter {
            map.insert(bound.to_owned(), Value::Number(n));
        }
        map.insert(key.to_owned(), json!(tighter));
    }
    if let Some(Value::Array(examples)) = map.remove("examples")
        && !map.contains_key("example")
        && let Some(first) = examples.into_iter().next()
    {
        map.insert("example".to_owned(), first);
    }
    content(map);
    items(map, at, out);
    properties(map, at, out);
    // Last: a `$ref` beside other keywords keeps them (3.0 ignores them).
    let siblings = map.keys().any(|k| {
        !matches!(
            k.as_str(),
            "$ref" | "$schema" | "$comment" | "$id" | "$anchor" | "$defs"
        )
    });
    if siblings && let Some(reference) = map.remove("$ref") {
        let all_of = map
            .entry("allOf")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(parts) = all_of {
            parts.insert(0, json!({ "$ref": reference }));
        }
    }
}

/// Translates the schemas directly below `map`.
fn subschemas(map: &mut Map<String, Value>, at: &str, out: &mut Vec<Diagnostic>) {
    for key in ["items", "not", "propertyNames", "contentSchema"] {
        if let Some(s) = map.get_mut(key) {
            schema(s, &join(at, key), out);
        }
    }
    // `false` here keeps its 3.0 meaning (no other property).
    for key in ["additionalProperties", "unevaluatedProperties"] {
        if let Some(s) = map.get_mut(key)
            && s.is_object()
        {
            schema(s, &join(at, key), out);
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(list)) = map.get_mut(key) {
            for (i, s) in list.iter_mut().enumerate() {
                schema(s, &join(&join(at, key), &i.to_string()), out);
            }
        }
    }
    for key in ["properties", "patternProperties", "$defs", "definitions"] {
        if let Some(Value::Object(members)) = map.get_mut(key) {
            for (name, s) in members.iter_mut() {
                schema(s, &join(&join(at, key), name), out);
            }
        }
    }
}

/// Whether a schema allows only `null` (`{type: "null"}`, possibly with a
/// description).
fn is_null_only(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    let null_type = match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.len() == 1 && ts[0] == "null",
        _ => false,
    };
    let null_enum = matches!(map.get("enum"), Some(Value::Array(vs)) if vs.iter().all(Value::is_null) && !vs.is_empty())
        || matches!(map.get("const"), Some(Value::Null));
    (null_type || null_enum)
        && map.keys().all(|k| {
            matches!(
                k.as_str(),
                "type" | "enum" | "const" | "description" | "title" | "$comment" | "nullable"
            )
        })
}

/// `type` as a list: `null` among them makes the value nullable; several
/// others make it a union, each alternative with the keywords of its type.
fn types(map: &mut Map<String, Value>, at: &str, out: &mut Vec<Diagnostic>) {
    let list: Vec<String> = match map.get("type") {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(t)) if t == "null" => vec![t.clone()],
        _ => return,
    };
    let nullable = list.iter().any(|t| t == "null");
    let mut others: Vec<String> = list.into_iter().filter(|t| t != "null").collect();
    others.dedup();
    if nullable {
        map.insert("nullable".to_owned(), json!(true));
    }
    match others.len() {
        // Null alone: the one value there is.
        0 => {
            map.remove("type");
            map.remove("nullable");
            map.insert(CONST.to_owned(), Value::Null);
        }
        1 => {
            map.insert("type".to_owned(), json!(others[0]));
        }
        _ => {
            map.remove("type");
            // `integer` and `number` together: a number.
            if others.len() == 2
                && others.contains(&"integer".to_owned())
                && others.contains(&"number".to_owned())
            {
                map.insert("type".to_owned(), json!("number"));
                return;
            }
            let mut alternatives = Vec::new();
            for typ in &others {
                let mut alt = Map::new();
                alt.insert("type".to_owned(), json!(typ));
                let keywords = TYPE_KEYWORDS
                    .iter()
                    .find(|(t, _)| t == typ)
                    .map_or(&[][..], |(_, k)| *k);
                for k in keywords {
                    if let Some(v) = map.get(*k) {
                        alt.insert((*k).to_owned(), v.clone());
                    }
                }
                if let Some(Value::Array(values)) = map.get("enum") {
                    let fits: Vec<Value> = values
                        .iter()
                        .filter(|v| json_type_is(v, typ))
                        .cloned()
                        .collect();
                    if !fits.is_empty() {
                        alt.insert("enum".to_owned(), Value::Array(fits));
                    }
                }
                alternatives.push(Value::Object(alt));
            }
            for (_, keywords) in TYPE_KEYWORDS {
                for k in *keywords {
                    map.remove(*k);
                }
            }
            map.remove("enum");
            if map.contains_key("anyOf") || map.contains_key("oneOf") {
                let all_of = map
                    .entry("allOf")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(parts) = all_of {
                    parts.push(json!({ "anyOf": alternatives }));
                }
                out.push(Diagnostic::warning(
                    join(at, "type"),
                    "a list of types beside `anyOf`/`oneOf` is read as one more part that must hold",
                ));
            } else {
                map.insert("anyOf".to_owned(), Value::Array(alternatives));
            }
        }
    }
}

fn json_type_is(value: &Value, typ: &str) -> bool {
    match typ {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

/// `contentEncoding: base64` is a `byte` string; `contentMediaType` of
/// bytes without an encoding (a file part) a `binary` one.
fn content(map: &mut Map<String, Value>) {
    let encoding = map
        .remove("contentEncoding")
        .and_then(|v| v.as_str().map(str::to_ascii_lowercase));
    let media = map
        .remove("contentMediaType")
        .and_then(|v| v.as_str().map(str::to_ascii_lowercase));
    map.remove("contentSchema");
    if map.contains_key("format") {
        return;
    }
    match (encoding.as_deref(), media.as_deref()) {
        (Some("base64" | "base64url"), _) => {
            map.insert("format".to_owned(), json!("byte"));
        }
        (None, Some(m)) if !(m.starts_with("text/") || m.contains("json") || m.contains("xml")) => {
            map.insert("format".to_owned(), json!("binary"));
        }
        _ => {}
    }
}

/// `prefixItems` (a tuple when nothing may follow), and `items: false`.
fn items(map: &mut Map<String, Value>, at: &str, out: &mut Vec<Diagnostic>) {
    let closed = matches!(map.get("items"), Some(Value::Object(o)) if o.len() == 1 && o.get("not").is_some_and(|n| n.as_object().is_some_and(Map::is_empty)));
    let Some(Value::Array(prefix)) = map.remove("prefixItems") else {
        if closed {
            // No item at all.
            map.remove("items");
            map.insert("maxItems".to_owned(), json!(0));
        }
        return;
    };
    let len = prefix.len() as u64;
    let max = map.get("maxItems").and_then(Value::as_u64);
    let min = map.get("minItems").and_then(Value::as_u64);
    // A tuple has every item: fewer must not be allowed, nor more.
    if min == Some(len) && (closed || max == Some(len)) {
        map.remove("items");
        map.insert(PREFIX_ITEMS.to_owned(), Value::Array(prefix));
        map.entry("type").or_insert_with(|| json!("array"));
    } else {
        out.push(Diagnostic::warning(
            join(at, "prefixItems"),
            "`prefixItems` that fewer or more items may follow (without `minItems` and `maxItems` of their count, or `items: false`) cannot be a Rust tuple: the items are read as JSON values",
        )
.costing(Cost::AnyJson));
        map.insert("items".to_owned(), json!({}));
        if closed {
            // Nothing after the prefix: at most that many items.
            let max = max.map_or(len, |m| m.min(len));
            map.insert("maxItems".to_owned(), json!(max));
        }
    }
}

/// `propertyNames`, `patternProperties`, `unevaluatedProperties` and
/// `dependentRequired`.
fn properties(map: &mut Map<String, Value>, at: &str, out: &mut Vec<Diagnostic>) {
    if let Some(names) = map.remove("propertyNames") {
        map.insert(PROPERTY_NAMES.to_owned(), names);
    }
    if let Some(Value::Object(patterns)) = map.remove("patternProperties") {
        if !map.contains_key("additionalProperties")
            || map.get("additionalProperties") == Some(&json!(false))
        {
            let mut schemas: Vec<Value> = patterns.values().cloned().collect();
            let value = if schemas.len() == 1 {
                schemas.remove(0)
            } else {
                json!({ "anyOf": schemas })
            };
            map.insert("additionalProperties".to_owned(), value);
            if patterns.len() == 1 && !map.contains_key(PROPERTY_NAMES) {
                let pattern = patterns.keys().next().cloned().unwrap_or_default();
                map.insert(PROPERTY_NAMES.to_owned(), json!({ "pattern": pattern }));
            } else if patterns.len() > 1 {
                out.push(Diagnostic::warning(
                    join(at, "patternProperties"),
                    "several `patternProperties`: other properties may have any of their types, their names are not checked",
                )
.costing(Cost::Unchecked));
            }
        } else {
            out.push(Diagnostic::warning(
                join(at, "patternProperties"),
                "`patternProperties` beside `additionalProperties`: the properties they name are read as `additionalProperties`",
            ));
        }
    }
    if let Some(unevaluated) = map.remove("unevaluatedProperties")
        && !map.contains_key("additionalProperties")
    {
        // With no `allOf`/`anyOf`/`oneOf`, what `properties` do not evaluate
        // is what `additionalProperties` governs; with them, the merged
        // struct is closed the same way.
        map.insert("additionalProperties".to_owned(), unevaluated);
    }
    if let Some(dependent) = map.remove("dependentRequired") {
        map.insert(DEPENDENT_REQUIRED.to_owned(), dependent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translated(schema_json: Value) -> (Value, Vec<Diagnostic>) {
        let mut root = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"S": schema_json}},
        });
        let warnings = translate(&mut root);
        (root["components"]["schemas"]["S"].clone(), warnings)
    }

    #[test]
    fn type_lists() {
        let (s, _) = translated(json!({"type": ["string", "null"], "maxLength": 3}));
        assert_eq!(
            s,
            json!({"type": "string", "nullable": true, "maxLength": 3})
        );
        let (s, _) =
            translated(json!({"type": ["string", "integer"], "maxLength": 3, "minimum": 1}));
        assert_eq!(
            s,
            json!({"anyOf": [{"type": "string", "maxLength": 3}, {"type": "integer", "minimum": 1}]})
        );
    }

    #[test]
    fn null_alternatives() {
        let (s, _) = translated(
            json!({"anyOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}], "description": "d"}),
        );
        assert_eq!(
            s,
            json!({"anyOf": [{"$ref": "#/components/schemas/X"}], "nullable": true, "description": "d"})
        );
    }

    #[test]
    fn ref_with_siblings() {
        let (s, _) = translated(
            json!({"$ref": "#/components/schemas/X", "description": "d", "nullable": true}),
        );
        assert_eq!(
            s,
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "description": "d", "nullable": true})
        );
        let (s, _) = translated(json!({"$ref": "#/components/schemas/X"}));
        assert_eq!(s, json!({"$ref": "#/components/schemas/X"}));
    }

    #[test]
    fn bounds_examples_const() {
        let (s, _) =
            translated(json!({"type": "integer", "exclusiveMinimum": 0, "examples": [5, 6]}));
        assert_eq!(
            s,
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "example": 5})
        );
        let (s, _) = translated(json!({"const": "fixed"}));
        assert_eq!(s, json!({"type": "string", CONST: "fixed"}));
    }

    #[test]
    fn unexpressed_keywords_warn() {
        let (s, w) = translated(json!({"type": "object", "if": {}, "then": {}}));
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].pointer, "/components/schemas/S/if");
        assert!(s["description"].as_str().unwrap().contains("`if`, `then`"));
    }

    #[test]
    fn anchors_become_pointers() {
        let mut root = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {
                "A": {"$anchor": "thing", "type": "string"},
                "B": {"$id": "https://example.com/b", "type": "object", "$defs": {"C": {"type": "integer"}}},
                "D": {"properties": {
                    "a": {"$ref": "#thing"},
                    "c": {"$ref": "https://example.com/b#/$defs/C"}
                }}
            }}
        });
        translate(&mut root);
        let d = &root["components"]["schemas"]["D"]["properties"];
        assert_eq!(d["a"]["$ref"], "#/components/schemas/A");
        assert_eq!(d["c"]["$ref"], "#/components/schemas/B/$defs/C");
    }
}
