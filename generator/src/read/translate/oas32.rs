//! OpenAPI 3.2 → the 3.1 form, which [`super::oas31`] then takes to the
//! 3.0 form: 3.2 is a third translator in the chain, never a fork.
//!
//! Schemas are the same JSON Schema 2020-12 as in 3.1; what 3.2 adds is
//! around them. The document is first checked against the official 3.2
//! schema (`oas32-schema-base.yaml` and the files it names), each violation a located warning. Then:
//!
//! - `$self` is the base of the document's references: a `$ref` to a URI
//!   below it is a reference to this document or to a file beside it
//!   ([`resolve_self`], run before bundling);
//! - `in: querystring` (the whole query string as one value) becomes
//!   `in: query` marked [`QUERYSTRING`], which lowering reads; at most one
//!   per operation, never beside `in: query` parameters;
//! - `in: cookie` with `style: cookie` becomes `style: form`, which sends
//!   the same `name=value` pair;
//! - a Response without `description` (optional since 3.2) gets its
//!   `summary`, or an empty one;
//! - `query` and `additionalOperations` stay where they are: the loader's
//!   check types them and lowering reads them (their names are checked
//!   here: an HTTP token, not a method a fixed member names);
//! - a sequential media type (`text/event-stream`, JSON Lines, JSON text
//!   sequences) keeps one item's schema as `schema`, the form 3.0 and 3.1
//!   documents use: its `itemSchema` (for events, the schema of their
//!   `data`), or the `items` of a whole-content array ([`sequential`]);
//! - a Media Type object that is a `$ref` to `components/mediaTypes` is
//!   replaced by the one it names;
//! - tag `parent`, `kind` and `summary` become extensions ([`TAG_PARENT`]):
//!   a nested tag's feature is part of its parent's; a parent that names
//!   no tag, or a cycle, is a located warning;
//! - `deprecated` security schemes, the OAuth device flow and response
//!   `summary` are members the typed model ignores; lowering reads the
//!   ones that change the crate.

use std::sync::OnceLock;

use serde_json::{Map, Value, json};

use crate::read::diagnostics::Diagnostic;
use crate::read::pointer::{self, ADDITIONAL_OPERATIONS, is_data_member, join};

/// The member that marks a query parameter as OpenAPI 3.2's `querystring`.
pub(crate) const QUERYSTRING: &str = "x-oas32-querystring";

/// The dialect 3.2 schemas use (any iteration of it) unless the document
/// says otherwise.
const DIALECT: &str = "https://spec.openapis.org/oas/3.2/dialect/";

/// The official schemas of OpenAPI 3.2 documents, from the OpenAPI
/// Initiative (Apache-2.0), by `$id`: the document with its Schema Objects
/// in the OpenAPI dialect (`schema-base`), the document (`schema`), the
/// dialect and its vocabulary (`meta`).
const SCHEMAS: &[(&str, &str)] = &[
    (
        "https://spec.openapis.org/oas/3.2/schema-base/WORK-IN-PROGRESS",
        include_str!("oas32-schema-base.yaml"),
    ),
    (
        "https://spec.openapis.org/oas/3.2/schema/WORK-IN-PROGRESS",
        include_str!("oas32-schema.yaml"),
    ),
    (
        "https://spec.openapis.org/oas/3.2/dialect/WORK-IN-PROGRESS",
        include_str!("oas32-dialect.yaml"),
    ),
    (
        "https://spec.openapis.org/oas/3.2/meta/WORK-IN-PROGRESS",
        include_str!("oas32-meta.yaml"),
    ),
];

/// Serves [`SCHEMAS`] to the validator: nothing is fetched.
struct Embedded;

impl jsonschema::Retrieve for Embedded {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let (_, text) = SCHEMAS
            .iter()
            .find(|(id, _)| *id == uri.as_str())
            .ok_or_else(|| format!("no embedded schema {}", uri.as_str()))?;
        Ok(serde_yaml::from_str(text)?)
    }
}

/// `$ref`s below the document's `$self` become references relative to the
/// document (`https://example.com/api/openapi#/components/schemas/Pet` →
/// `#/components/schemas/Pet`; `https://example.com/api/pets.yaml` →
/// `pets.yaml`), so that bundling reads them from beside it and never
/// from the network.
pub(crate) fn resolve_self(root: &mut Value) {
    let Some(base) = root.get("$self").and_then(Value::as_str) else {
        return;
    };
    let base = base.to_owned();
    let dir = match base.rfind('/') {
        Some(i) => base[..=i].to_owned(),
        None => return,
    };
    super::oas31::rewrite_refs(root, "", &|reference| {
        let (target, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if target == base {
            return Some(format!("#{fragment}"));
        }
        let rest = target.strip_prefix(dir.as_str())?;
        let fragment = if reference.contains('#') {
            format!("#{fragment}")
        } else {
            String::new()
        };
        Some(format!("{rest}{fragment}"))
    });
}

/// Rewrites the 3.2 document `root` in place into its 3.1 form; returns
/// what it found to report.
pub(crate) fn translate(root: &mut Value) -> Vec<Diagnostic> {
    // Any iteration of the dialect is the one the embedded schemas name.
    same_dialect(root, "");
    let mut out = conformance(root);
    let Some(obj) = root.as_object_mut() else {
        return out;
    };
    if obj
        .get("jsonSchemaDialect")
        .and_then(Value::as_str)
        .is_some_and(|d| d.starts_with(DIALECT))
    {
        obj.remove("jsonSchemaDialect");
    }
    obj.insert("openapi".to_owned(), json!("3.1.1"));
    for section in ["paths", "webhooks"] {
        let names: Vec<String> = root
            .get(section)
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for name in names {
            let at = join(&format!("/{section}"), &name);
            path_item(root, &at, &mut out);
        }
    }
    if let Some(Value::Object(items)) = root.pointer("/components/pathItems").cloned() {
        for name in items.keys() {
            path_item(root, &join("/components/pathItems", name), &mut out);
        }
    }
    if let Some(Value::Object(params)) = root.pointer_mut("/components/parameters") {
        for param in params.values_mut() {
            parameter(param);
        }
    }
    responses(root, "");
    tags(root, &mut out);
    media_type_refs(root, &mut out);
    sequential(root, &mut out);
    out
}

/// The member that keeps a tag's `parent` (3.2) for lowering, which
/// the typed model would drop; `kind` and `summary` are kept the same way.
pub(crate) const TAG_PARENT: &str = "x-oas32-parent";

/// Tags' `parent`, `kind` and `summary` become extensions the typed model
/// keeps. A parent that names no tag, or that would make a tag its own
/// ancestor, is a located warning and is not kept.
fn tags(root: &mut Value, out: &mut Vec<Diagnostic>) {
    let Some(Value::Array(tags)) = root.get_mut("tags") else {
        return;
    };
    let names: Vec<Option<String>> = tags
        .iter()
        .map(|t| t.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let parents: Vec<Option<String>> = tags
        .iter()
        .map(|t| t.get("parent").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let index = |name: &str| names.iter().position(|n| n.as_deref() == Some(name));
    for (i, tag) in tags.iter_mut().enumerate() {
        let Value::Object(tag) = tag else { continue };
        for (member, kept) in [("kind", "x-oas32-kind"), ("summary", "x-oas32-summary")] {
            if let Some(value) = tag.remove(member) {
                tag.insert(kept.to_owned(), value);
            }
        }
        let Some(parent) = tag.remove("parent") else {
            continue;
        };
        let at = join(&format!("/tags/{i}"), "parent");
        let Some(name) = parent.as_str() else {
            continue;
        };
        if index(name).is_none() {
            out.push(Diagnostic::warning(
                at,
                format!(
                    "tag parent `{name}` names no tag of `tags`: the tag is read as a top-level one"
                ),
            ));
            continue;
        }
        // Up the chain of parents: back to this tag is a cycle.
        let mut seen = vec![i];
        let mut next = index(name);
        let mut cycle = false;
        while let Some(j) = next {
            if seen.contains(&j) {
                // Back to this tag; a cycle further up is its own tags'.
                cycle = seen[0] == j;
                break;
            }
            seen.push(j);
            next = parents[j].as_deref().and_then(index);
        }
        if cycle {
            out.push(Diagnostic::warning(
                at,
                format!("tag parent `{name}` makes the tag its own ancestor: the tag is read as a top-level one"),
            ));
            continue;
        }
        tag.insert(TAG_PARENT.to_owned(), parent);
    }
}

/// Every Media Type object that is a `$ref` to `components/mediaTypes`
/// (new in 3.2) is replaced by the object it names; one that names none is
/// a located error.
fn media_type_refs(root: &mut Value, out: &mut Vec<Diagnostic>) {
    let mut found = Vec::new();
    content_entries(root, "", &mut |at, _, media| {
        if media.get("$ref").is_some() {
            found.push(at.to_owned());
        }
    });
    for at in found {
        let mut target = root.pointer(&at).cloned();
        // A chain of references, followed a few steps.
        for _ in 0..8 {
            let Some(reference) = target
                .as_ref()
                .and_then(|t| t.get("$ref"))
                .and_then(Value::as_str)
            else {
                break;
            };
            let named = reference
                .strip_prefix('#')
                .filter(|f| f.starts_with("/components/mediaTypes/"))
                .and_then(|f| root.pointer(&pointer::percent_decode(f)));
            match named {
                Some(named) => target = Some(named.clone()),
                None => {
                    out.push(Diagnostic::error(
                        join(&at, "$ref"),
                        format!("`{reference}` names no member of `components/mediaTypes`"),
                    ));
                    target = None;
                }
            }
        }
        if let (Some(target), Some(place)) = (target, root.pointer_mut(&at)) {
            *place = target;
        }
    }
}

/// Calls `each` with the pointer, media type and object of every entry of
/// a `content` map.
fn content_entries(value: &Value, at: &str, each: &mut dyn FnMut(&str, &str, &Value)) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                let here = join(at, key);
                if key == "content"
                    && !is_data_member(key, at)
                    && let Value::Object(content) = member
                {
                    for (media_type, media) in content {
                        if media.is_object() {
                            each(&join(&here, media_type), media_type, media);
                        }
                    }
                }
                if !is_data_member(key, at) && !key.starts_with("x-") {
                    content_entries(member, &here, each);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                content_entries(item, &join(at, &i.to_string()), each);
            }
        }
        _ => {}
    }
}

/// Whether a media type's content is a sequence of items (the same list
/// lowering reads as streams).
fn is_sequential(media_type: &str) -> bool {
    crate::model::Framing::of(media_type).is_some()
}

/// A sequential media type's items, as the one form lowering reads (that
/// of 3.0 and 3.1 documents, where the media type's `schema` describes one
/// item): its `itemSchema`, or the `items` of a `schema` that describes
/// the whole content as an array. For `text/event-stream`, 3.2's item is
/// the event (`data`, `event`, `id`, `retry`): the schema kept is that of
/// its `data`, from `contentSchema` when the data is JSON.
fn sequential(root: &mut Value, out: &mut Vec<Diagnostic>) {
    let mut found = Vec::new();
    content_entries(root, "", &mut |at, media_type, _| {
        if is_sequential(media_type) {
            found.push((at.to_owned(), media_type.to_owned()));
        }
    });
    for (at, media_type) in found {
        let Some(media) = root.pointer(&at).and_then(Value::as_object) else {
            continue;
        };
        let item = match (media.get("itemSchema"), media.get("schema")) {
            (Some(item), _) => item.clone(),
            (None, Some(schema))
                if schema.get("type").and_then(Value::as_str) == Some("array")
                    && schema.get("items").is_some_and(Value::is_object) =>
            {
                schema["items"].clone()
            }
            (None, Some(schema))
                if media_type
                    .to_ascii_lowercase()
                    .starts_with("text/event-stream") =>
            {
                schema.clone()
            }
            _ => continue,
        };
        let item = if media_type
            .to_ascii_lowercase()
            .starts_with("text/event-stream")
        {
            event_data(root, item, &at, out)
        } else {
            item
        };
        if let Some(Value::Object(media)) = root.pointer_mut(&at) {
            media.remove("itemSchema");
            media.insert("schema".to_owned(), item);
        }
    }
}

/// The schema of the `data` of the events `event` (an `itemSchema` of
/// `text/event-stream`) describes: its `contentSchema` (JSON data), any JSON
/// (a JSON `contentMediaType` alone), a schema of structured data written
/// in its place, or text. An item schema without a `data` member, nor any
/// other of an event's, is read as the data's, with a warning.
fn event_data(root: &Value, event: Value, at: &str, out: &mut Vec<Diagnostic>) -> Value {
    let mut data = None;
    let mut fields = false;
    let mut pending = vec![&event];
    let mut seen = 0;
    while let Some(schema) = pending.pop() {
        seen += 1;
        if seen > 32 {
            break;
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            fields |= ["event", "id", "retry"]
                .iter()
                .any(|k| props.contains_key(*k));
            if data.is_none() {
                data = props.get("data");
            }
        }
        if let Some(target) = local(root, schema) {
            pending.push(target);
        }
        if let Some(Value::Array(all)) = schema.get("allOf") {
            pending.extend(all.iter());
        }
    }
    let Some(data) = data else {
        if fields {
            return json!({"type": "string"});
        }
        out.push(Diagnostic::warning(
            join(at, "itemSchema"),
            "the item of `text/event-stream` is the event (`data`, `event`, `id`, `retry`); this schema names none of them: it is read as the schema of each event's `data`, decoded as JSON",
        ));
        return event;
    };
    if let Some(content) = data.get("contentSchema") {
        return content.clone();
    }
    let json_media = data
        .get("contentMediaType")
        .and_then(Value::as_str)
        .is_some_and(|m| m.to_ascii_lowercase().contains("json"));
    if json_media {
        return json!({});
    }
    let resolved = local(root, data).unwrap_or(data);
    let structured = resolved.get("properties").is_some()
        || matches!(
            resolved.get("type").and_then(Value::as_str),
            Some("object" | "array")
        );
    if structured {
        data.clone()
    } else {
        json!({"type": "string"})
    }
}

/// The schema a local `$ref` of `schema` names, if it has one.
fn local<'v>(root: &'v Value, schema: &Value) -> Option<&'v Value> {
    let reference = schema.get("$ref")?.as_str()?;
    let fragment = reference.strip_prefix('#')?;
    root.pointer(&pointer::percent_decode(fragment))
}

/// Checks the document against the official 3.2 schema: each violation, at
/// its deepest place, is a warning (the generator reads on; `--strict`
/// refuses the document).
fn conformance(root: &Value) -> Vec<Diagnostic> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let schema: Value = serde_yaml::from_str(SCHEMAS[0].1).ok()?;
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .with_retriever(Embedded)
            .build(&schema)
            .ok()
    });
    let Some(validator) = validator else {
        return vec![Diagnostic::warning(
            "",
            "the OpenAPI 3.2 schema could not be compiled: the document is not checked against it",
        )];
    };
    crate::read::conformance::violations(validator, root)
        .into_iter()
        .map(|(at, message)| {
            Diagnostic::warning(
                at,
                format!("does not follow the OpenAPI 3.2 schema: {message}"),
            )
        })
        .collect()
}

/// `jsonSchemaDialect` and each Schema Object's `$schema` naming any
/// iteration of the 3.2 dialect name the one the embedded schemas check.
fn same_dialect(value: &mut Value, at: &str) {
    match value {
        Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                if matches!(key.as_str(), "jsonSchemaDialect" | "$schema")
                    && let Value::String(uri) = member
                    && uri.starts_with(DIALECT)
                {
                    *uri = format!("{DIALECT}WORK-IN-PROGRESS");
                } else if !is_data_member(key, at) {
                    same_dialect(member, &join(at, key));
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                same_dialect(item, &join(at, &i.to_string()));
            }
        }
        _ => {}
    }
}

/// One Path Item: its parameters, its operations' parameters, the names
/// of its `additionalOperations`.
fn path_item(root: &mut Value, at: &str, out: &mut Vec<Diagnostic>) {
    let Some(item) = root.pointer(at).cloned() else {
        return;
    };
    if let Some(Value::Object(more)) = item.get(ADDITIONAL_OPERATIONS) {
        for name in more.keys() {
            let place = join(&join(at, ADDITIONAL_OPERATIONS), name);
            if !is_token(name) {
                out.push(Diagnostic::error(
                    place,
                    format!("`{name}` is not an HTTP method name (a token of letters, digits and !#$%&'*+-.^_`|~)"),
                ));
            } else if pointer::METHODS.contains(&name.to_ascii_lowercase().as_str()) {
                out.push(Diagnostic::error(
                    place,
                    format!(
                        "`{name}` must be written as the Path Item's `{}` member, not among `additionalOperations`",
                        name.to_ascii_lowercase()
                    ),
                ));
            }
        }
    }
    let shared = item.get("parameters").cloned().unwrap_or(Value::Null);
    for (rel, op) in pointer::operations(&item) {
        let op_at = format!("{at}{rel}");
        let own = op.get("parameters").cloned().unwrap_or(Value::Null);
        let mut querystrings = Vec::new();
        let mut queries = Vec::new();
        for (list, list_at) in [
            (&shared, join(at, "parameters")),
            (&own, join(&op_at, "parameters")),
        ] {
            for (i, param) in list.as_array().into_iter().flatten().enumerate() {
                let place = join(&list_at, &i.to_string());
                match location(root, param) {
                    Some("querystring") => querystrings.push(place),
                    Some("query") => queries.push(place),
                    _ => {}
                }
            }
        }
        if querystrings.len() > 1 {
            out.push(Diagnostic::error(
                querystrings[1].clone(),
                format!(
                    "a second `in: querystring` parameter (the first is at {}): the query string is one value",
                    querystrings[0]
                ),
            ));
        }
        if let (Some(qs), Some(q)) = (querystrings.first(), queries.first()) {
            out.push(Diagnostic::error(
                q.clone(),
                format!("an `in: query` parameter beside the `in: querystring` one at {qs}: the query string is that one value"),
            ));
        }
    }
    // Rewrite the parameters in place (those `$ref`'d are rewritten among
    // the components).
    if let Some(Value::Array(list)) = root.pointer_mut(&join(at, "parameters")) {
        list.iter_mut().for_each(parameter);
    }
    for (rel, _) in pointer::operations(&item) {
        if let Some(Value::Array(list)) = root.pointer_mut(&format!("{at}{rel}/parameters")) {
            list.iter_mut().for_each(parameter);
        }
    }
}

/// The `in` of a parameter, through a `$ref` to the components.
fn location<'v>(root: &'v Value, param: &'v Value) -> Option<&'v str> {
    let param = match param.get("$ref").and_then(Value::as_str) {
        Some(r) => root.pointer(&pointer::percent_decode(r.strip_prefix('#')?))?,
        None => param,
    };
    param.get("in").and_then(Value::as_str)
}

/// A parameter in its 3.1 form.
fn parameter(param: &mut Value) {
    let Some(map) = param.as_object_mut() else {
        return;
    };
    match map.get("in").and_then(Value::as_str) {
        Some("querystring") => {
            map.insert("in".to_owned(), json!("query"));
            map.insert(QUERYSTRING.to_owned(), json!(true));
        }
        Some("cookie") if map.get("style").and_then(Value::as_str) == Some("cookie") => {
            map.insert("style".to_owned(), json!("form"));
        }
        _ => {}
    }
}

/// Every Response object without a `description` gets its `summary` (or an
/// empty one): the member became optional in 3.2.
fn responses(value: &mut Value, at: &str) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            for (i, item) in items.iter_mut().enumerate() {
                responses(item, &join(at, &i.to_string()));
            }
        }
        return;
    };
    let is_map_of_responses = at.ends_with("/responses");
    for (key, member) in map.iter_mut() {
        let here = join(at, key);
        if is_map_of_responses && let Value::Object(response) = member {
            describe(response);
        }
        if !is_data_member(key, at) && !key.starts_with("x-") {
            responses(member, &here);
        }
    }
}

fn describe(response: &mut Map<String, Value>) {
    if response.contains_key("$ref") || response.contains_key("description") {
        return;
    }
    let summary = response.get("summary").cloned().unwrap_or(json!(""));
    response.insert("description".to_owned(), summary);
}

/// An HTTP token (RFC 9110): the name of a method.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
