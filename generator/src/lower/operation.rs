//! Paths and operations → [`Operation`]s.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{Components, ReferenceOr, StatusCode};

use super::context::Lowerer;
use crate::model::{
    BodyEncoding, ErrorBodyVariant, Framing, HttpMethod, Operation, ParamLocation, Parameter,
    PathSegment, Primitive, QueryStyle, RequestBody, RequestContent, Response, ResponseBody,
    SecurityScheme, StatusMatch, StreamBody, SuccessType, TypeRef,
};
use crate::names::{self, Namespace};
use crate::read::diagnostics::{Cost, Diagnostic};
use crate::read::pointer::join;

/// Method names of the generated `Client` and blocking `Client` (the
/// runtime's, private ones included, and `clone`, which generated code
/// calls) that operations must not take.
const CLIENT_METHODS: &[&str] = &[
    "new",
    "builder",
    "base_url",
    "http_client",
    "retry_policy",
    "request",
    "execute",
    "attempts",
    "attempt",
    "may_repeat",
    "authorize",
    "clone",
    "from_async",
    "as_async",
    "mode",
];
/// Names every request builder uses itself (its fields, the methods of the
/// runtime's macros, the idempotency key's, and `clone`, which they call),
/// which parameters must not take.
const BUILDER_RESERVED: &[&str] = &[
    "send",
    "into_future",
    "new",
    "client",
    "mode",
    "options",
    "body",
    "execute",
    "build_request",
    "into_pages",
    "pages",
    "items",
    "wait",
    "wait_until_terminal",
    "request_timeout",
    "request_deadline",
    "max_retries",
    "extra_header",
    IDEMPOTENCY_KEY_FIELD,
    "get_idempotency_key",
    "clone",
];
/// The builder field (and setter) of an operation's idempotency key,
/// whatever its header is called.
const IDEMPOTENCY_KEY_FIELD: &str = "idempotency_key";

impl<'a> Lowerer<'a> {
    pub(super) fn operations(&mut self, schemes: &[SecurityScheme]) -> Vec<Operation> {
        let doc = self.doc;
        let mut out = Vec::new();
        let mut method_names = Namespace::with_reserved(CLIENT_METHODS);
        let mut builder_names = Namespace::default();
        let mut ids: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in &doc.paths.paths {
            let item_ptr = join("/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.errors.push(Diagnostic::error(
                        join(&item_ptr, "$ref"),
                        format!("unsupported path item $ref `{reference}`"),
                    ));
                    continue;
                }
            };
            let methods = methods_of(item, self.extra.get(&item_ptr));
            for (method, rel, op) in methods {
                let pointer = format!("{item_ptr}{rel}");
                let wire_id = match &op.operation_id {
                    Some(id) => {
                        if let Some(first) = ids.get(id) {
                            // Invalid, but every operation still deserves a
                            // method: this one gets the next free name.
                            self.warnings.push(Diagnostic::warning(
                                join(&pointer, "operationId"),
                                format!("duplicate operationId `{id}`: already used at {first}; this operation's method gets another name"),
                            )
.costing(Cost::Renamed));
                        }
                        ids.entry(id.clone()).or_insert_with(|| pointer.clone());
                        id.clone()
                    }
                    None => format!("{} {path}", method.as_str().to_ascii_lowercase()),
                };
                let method_name = method_names.claim(&names::snake(&wire_id));
                let builder_name = builder_names.claim(&names::camel(&method_name));
                let mut lowered = self.operation(
                    OpContext {
                        path,
                        method,
                        pointer,
                        wire_id,
                        method_name,
                        builder_name,
                    },
                    item.parameters.as_slice(),
                    op,
                    schemes,
                );
                if let SuccessType::Enum { name, .. } = &mut lowered.success {
                    *name = builder_names.claim(name);
                }
                out.push(lowered);
            }
        }
        out
    }

    fn operation(
        &mut self,
        cx: OpContext<'_>,
        shared_params: &'a [ReferenceOr<openapiv3::Parameter>],
        op: &'a openapiv3::Operation,
        schemes: &[SecurityScheme],
    ) -> Operation {
        let mut param_names = Namespace::with_reserved(BUILDER_RESERVED);
        let (mut params, idempotency_header) =
            self.parameters(&cx, shared_params, &op.parameters, &mut param_names);
        let path_segments = self.path_segments(&cx, &mut params, &mut param_names);
        let body = op
            .request_body
            .as_ref()
            .and_then(|b| self.request_body(&cx, b));
        let mut responses = self.responses(&cx, &op.responses);
        let success = success_type(&cx, &mut responses);
        let stream = responses
            .iter()
            .filter(|r| r.status.is_success())
            .find_map(|r| r.stream.clone());
        let security = self.security(&cx, op, schemes);
        let idempotency_key =
            self.idempotency_key(&cx.pointer, &params, idempotency_header.as_deref());
        if let Some(i) = idempotency_key {
            params[i].rust_name = IDEMPOTENCY_KEY_FIELD.to_owned();
        }
        let pagination = self.pagination(&cx.pointer, cx.method.clone(), op, &params, &success);
        let poll = self.poll(cx.method.clone(), &success);
        Operation {
            wire_id: cx.wire_id,
            method_name: cx.method_name,
            builder_name: cx.builder_name,
            method: cx.method,
            path: cx.path.to_owned(),
            path_segments,
            summary: op.summary.clone().filter(|s| !s.trim().is_empty()),
            description: op.description.clone().filter(|s| !s.trim().is_empty()),
            deprecated: op.deprecated,
            tags: op.tags.clone(),
            params,
            body,
            responses,
            success,
            stream,
            security,
            pointer: cx.pointer,
            idempotency_key,
            pagination,
            poll,
        }
    }

    /// Resolves a `$ref` into a component map, following chains; a
    /// dangling or circular one is an error.
    pub(super) fn resolve<T>(
        &mut self,
        item: &'a ReferenceOr<T>,
        section: &str,
        pick: fn(&'a Components) -> &'a IndexMap<String, ReferenceOr<T>>,
        pointer: &str,
    ) -> Option<(&'a T, String)> {
        match self.lookup(item, section, pick, pointer) {
            Ok(found) => Some(found),
            Err(d) => {
                self.errors.push(d);
                None
            }
        }
    }

    /// [`Lowerer::resolve`], with the problem given back (as an error) for
    /// the caller to report as it sees fit.
    pub(super) fn lookup<T>(
        &self,
        item: &'a ReferenceOr<T>,
        section: &str,
        pick: fn(&'a Components) -> &'a IndexMap<String, ReferenceOr<T>>,
        pointer: &str,
    ) -> Result<(&'a T, String), Diagnostic> {
        let mut current = item;
        let mut current_ptr = pointer.to_owned();
        for _ in 0..64 {
            match current {
                ReferenceOr::Item(t) => return Ok((t, current_ptr)),
                ReferenceOr::Reference { reference } => {
                    let prefix = format!("#/components/{section}/");
                    let target = reference
                        .strip_prefix(&prefix)
                        .map(crate::read::pointer::unescape)
                        .and_then(|key| {
                            let found = self.doc.components.as_ref().map(pick)?.get(&key)?;
                            Some((found, join(&format!("/components/{section}"), &key)))
                        });
                    match target {
                        Some((found, ptr)) => {
                            current = found;
                            current_ptr = ptr;
                        }
                        None => {
                            return Err(Diagnostic::error(
                                join(&current_ptr, "$ref"),
                                format!(
                                    "dangling $ref `{reference}`: no such entry in #/components/{section}"
                                ),
                            ));
                        }
                    }
                }
            }
        }
        Err(Diagnostic::error(
            pointer,
            "$ref chain is too long or circular",
        ))
    }

    fn parameters(
        &mut self,
        cx: &OpContext<'_>,
        shared: &'a [ReferenceOr<openapiv3::Parameter>],
        own: &'a [ReferenceOr<openapiv3::Parameter>],
        param_names: &mut Namespace,
    ) -> (Vec<Parameter>, Option<String>) {
        // An operation's parameter replaces a path item's one with the same
        // name and location.
        let mut resolved: IndexMap<(String, ParamLocation), (&'a openapiv3::Parameter, String)> =
            IndexMap::new();
        let item_ptr = cx
            .pointer
            .rsplit_once('/')
            .map_or("", |(p, _)| p)
            .to_owned();
        let sources = [
            (shared, join(&item_ptr, "parameters")),
            (own, join(&cx.pointer, "parameters")),
        ];
        for (list, list_ptr) in &sources {
            for (i, p) in list.iter().enumerate() {
                let ptr = join(list_ptr, &i.to_string());
                let Some((param, ptr)) = self.resolve(p, "parameters", |c| &c.parameters, &ptr)
                else {
                    continue;
                };
                let location = match param {
                    openapiv3::Parameter::Path { .. } => ParamLocation::Path,
                    openapiv3::Parameter::Query { .. } => ParamLocation::Query,
                    openapiv3::Parameter::Header { .. } => ParamLocation::Header,
                    openapiv3::Parameter::Cookie { .. } => ParamLocation::Cookie,
                };
                resolved.insert(
                    (param.parameter_data_ref().name.clone(), location),
                    (param, ptr),
                );
            }
        }
        // Path parameters come first, so they are the first arguments.
        resolved
            .sort_by(|a, _, b, _| (a.1 != ParamLocation::Path).cmp(&(b.1 != ParamLocation::Path)));
        let mut out = Vec::with_capacity(resolved.len());
        let mut idempotency_header = None;
        for ((name, location), (param, ptr)) in resolved {
            let data = param.parameter_data_ref();
            if location == ParamLocation::Header
                && idempotency_header.is_none()
                && super::features::is_idempotency_header(&name, &data.extensions)
            {
                idempotency_header = Some(name.clone());
            }
            let hint = format!("{}{}", cx.builder_name, names::camel(&name));
            let querystring = data
                .extensions
                .get(crate::read::translate::oas32::QUERYSTRING)
                .is_some_and(|v| v == &serde_json::Value::Bool(true));
            let schema_example = match &data.format {
                openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => {
                    super::features::schema_example(s)
                }
                _ => None,
            };
            let example = self
                .examples(&data.examples, data.example.as_ref())
                .into_iter()
                .map(|e| e.value)
                .next()
                .or(schema_example);
            let (ty, constraints) = match &data.format {
                openapiv3::ParameterSchemaOrContent::Schema(schema) => {
                    let hint = super::context::shared_hint(&ptr).unwrap_or(hint);
                    let ty = self.lower_schema(schema, &join(&ptr, "schema"), &hint);
                    let constraints = match schema {
                        ReferenceOr::Item(s) => {
                            self.checked(super::schema::constraints_of(s), &join(&ptr, "schema"))
                        }
                        ReferenceOr::Reference { .. } => Default::default(),
                    };
                    (ty, constraints)
                }
                openapiv3::ParameterSchemaOrContent::Content(content) if querystring => {
                    // The whole query string: typed by its media type's schema.
                    match content.iter().next() {
                        Some((media, m)) => {
                            let at = join(&join(&join(&ptr, "content"), media), "schema");
                            let hint = super::context::shared_hint(&ptr).unwrap_or(hint);
                            match &m.schema {
                                Some(schema) => {
                                    (self.lower_schema(schema, &at, &hint), Default::default())
                                }
                                None => (TypeRef::Json, Default::default()),
                            }
                        }
                        None => (TypeRef::Json, Default::default()),
                    }
                }
                openapiv3::ParameterSchemaOrContent::Content(_) => {
                    (TypeRef::Json, Default::default())
                }
            };
            let style = match param {
                openapiv3::Parameter::Query { .. } if querystring => {
                    let form = match &data.format {
                        openapiv3::ParameterSchemaOrContent::Content(c) => c
                            .keys()
                            .next()
                            .is_some_and(|m| encoding_of(m) == BodyEncoding::Form),
                        openapiv3::ParameterSchemaOrContent::Schema(_) => true,
                    };
                    if form {
                        QueryStyle::Querystring
                    } else {
                        QueryStyle::QuerystringJson
                    }
                }
                openapiv3::Parameter::Query { style, .. } => {
                    let explode = data
                        .explode
                        .unwrap_or(matches!(style, openapiv3::QueryStyle::Form));
                    match style {
                        openapiv3::QueryStyle::Form if explode => QueryStyle::FormExploded,
                        openapiv3::QueryStyle::Form => QueryStyle::Form,
                        openapiv3::QueryStyle::SpaceDelimited => QueryStyle::Delimited(' '),
                        openapiv3::QueryStyle::PipeDelimited => QueryStyle::Delimited('|'),
                        openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
                    }
                }
                _ => QueryStyle::FormExploded,
            };
            out.push(Parameter {
                rust_name: param_names.claim(&names::snake(&name)),
                wire_name: name,
                location,
                required: data.required || location == ParamLocation::Path,
                ty,
                style,
                doc: data.description.clone().filter(|d| !d.trim().is_empty()),
                constraints,
                example,
            });
        }
        (out, idempotency_header)
    }

    /// Splits the path template; a template parameter that is not declared is
    /// added as a required string, with a warning.
    fn path_segments(
        &mut self,
        cx: &OpContext<'_>,
        params: &mut Vec<Parameter>,
        param_names: &mut Namespace,
    ) -> Vec<PathSegment> {
        let mut segments = Vec::new();
        let mut rest = cx.path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            if open > 0 {
                segments.push(PathSegment::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            let index = params
                .iter()
                .position(|p| p.location == ParamLocation::Path && p.wire_name == name);
            let index = index.unwrap_or_else(|| {
                self.warnings.push(Diagnostic::warning(
                    cx.pointer.clone(),
                    format!(
                        "path parameter `{name}` is not declared; it is taken as a required string"
                    ),
                )
.costing(Cost::Nothing));
                let at = params
                    .iter()
                    .take_while(|p| p.location == ParamLocation::Path)
                    .count();
                params.insert(
                    at,
                    Parameter {
                        wire_name: name.to_owned(),
                        rust_name: param_names.claim(&names::snake(name)),
                        location: ParamLocation::Path,
                        required: true,
                        ty: TypeRef::Primitive(Primitive::String),
                        style: QueryStyle::FormExploded,
                        doc: None,
                        constraints: Default::default(),
                        example: None,
                    },
                );
                at
            });
            segments.push(PathSegment::Param(index));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(PathSegment::Literal(rest.to_owned()));
        }
        // A declared path parameter the template does not name cannot be sent.
        let mut i = 0;
        while i < params.len() {
            let p = &params[i];
            let used = segments.contains(&PathSegment::Param(i));
            if p.location == ParamLocation::Path && !used {
                self.warnings.push(
                    Diagnostic::warning(
                        cx.pointer.clone(),
                        format!(
                            "path parameter `{}` is not in the path template; it is ignored",
                            p.wire_name
                        ),
                    )
                    .costing(Cost::Ignored),
                );
                params.remove(i);
                for s in &mut segments {
                    if let PathSegment::Param(j) = s
                        && *j > i
                    {
                        *j -= 1;
                    }
                }
            } else {
                i += 1;
            }
        }
        segments
    }

    pub(super) fn request_body(
        &mut self,
        cx: &OpContext<'_>,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
    ) -> Option<RequestBody> {
        let ptr = join(&cx.pointer, "requestBody");
        let (body, ptr) = self.resolve(body, "requestBodies", |c| &c.request_bodies, &ptr)?;
        let (media_type, media) = pick_media(&body.content)?;
        let encoding = encoding_of(media_type);
        let media_ptr = join(&join(&ptr, "content"), media_type);
        let hint =
            super::context::shared_hint(&ptr).unwrap_or_else(|| format!("{}Body", cx.builder_name));
        let typed = |l: &mut Self| match &media.schema {
            Some(schema) => l.lower_schema(schema, &join(&media_ptr, "schema"), &hint),
            None => TypeRef::Json,
        };
        let content = match encoding {
            BodyEncoding::Json => RequestContent::Json(typed(self)),
            BodyEncoding::Form => RequestContent::Form(typed(self)),
            BodyEncoding::Multipart => match typed(self) {
                ty @ TypeRef::Named(_) => RequestContent::Multipart(ty),
                // Not an object of properties: the caller encodes it.
                _ => RequestContent::Binary,
            },
            BodyEncoding::Text => RequestContent::Text,
            BodyEncoding::Binary => RequestContent::Binary,
        };
        let schema_example = match &media.schema {
            Some(ReferenceOr::Item(s)) => s.schema_data.example.clone(),
            _ => None,
        };
        let examples = self.examples(
            &media.examples,
            media.example.as_ref().or(schema_example.as_ref()),
        );
        Some(RequestBody {
            required: body.required,
            media_type: media_type.clone(),
            content,
            doc: body.description.clone().filter(|d| !d.trim().is_empty()),
            examples,
        })
    }

    fn responses(
        &mut self,
        cx: &OpContext<'_>,
        responses: &'a openapiv3::Responses,
    ) -> Vec<Response> {
        let base = join(&cx.pointer, "responses");
        let success_count = responses
            .responses
            .keys()
            .filter(|s| status_match(s).is_success())
            .count();
        let mut out = Vec::new();
        let entries = responses
            .responses
            .iter()
            .map(|(code, r)| (status_match(code), code.to_string(), r))
            .chain(
                responses
                    .default
                    .iter()
                    .map(|r| (StatusMatch::Default, "default".to_owned(), r)),
            );
        for (status, key, r) in entries {
            let ptr = join(&base, &key);
            let Some((response, ptr)) = self.resolve(r, "responses", |c| &c.responses, &ptr) else {
                continue;
            };
            let hint = super::context::shared_hint(&ptr);
            let hint = hint.unwrap_or_else(|| match status {
                StatusMatch::Code(_) if status.is_success() && success_count == 1 => {
                    format!("{}Response", cx.builder_name)
                }
                StatusMatch::Code(c) => format!("{}Response{c}", cx.builder_name),
                StatusMatch::Range(c) => format!("{}Response{c}xx", cx.builder_name),
                StatusMatch::Default => format!("{}ResponseDefault", cx.builder_name),
            });
            // A success may offer a stream: alone, it is the body; beside
            // another media type, an alternative the builder's `stream()`
            // asks for.
            let offered = status
                .is_success()
                .then(|| {
                    response
                        .content
                        .iter()
                        .find(|(m, _)| Framing::of(m).is_some())
                })
                .flatten();
            let stream =
                offered.map(|(media_type, media)| self.stream_body(cx, media_type, media, &ptr));
            let picked = pick_media(&response.content);
            let picked_stream = picked.is_some_and(|(m, _)| Framing::of(m).is_some());
            let (body, stream) = match (picked, stream) {
                (Some(_), Some(stream)) if picked_stream => (ResponseBody::Stream(stream), None),
                (picked, stream) => (self.response_body(picked, &ptr, &hint), stream),
            };
            out.push(Response {
                status,
                doc: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
                body,
                stream,
            });
        }
        // With no success response declared, `default` describes successes too.
        if !out.iter().any(|r| r.status.is_success())
            && let Some(default) = out.iter().find(|r| r.status == StatusMatch::Default)
        {
            out.push(Response {
                status: StatusMatch::Range(2),
                doc: default.doc.clone(),
                body: default.body.clone(),
                stream: None,
            });
        }
        // With no response declared at all (invalid, but seen), a success is
        // still a success: its body is handed over as bytes.
        if out.is_empty() {
            out.push(Response {
                status: StatusMatch::Range(2),
                doc: Some("Any success: the document declares no responses.".to_owned()),
                body: ResponseBody::Binary,
                stream: None,
            });
        }
        out.sort_by_key(|r| r.status);
        out
    }

    /// The body of a response in the media type `picked`.
    fn response_body(
        &mut self,
        picked: Option<(&String, &openapiv3::MediaType)>,
        ptr: &str,
        hint: &str,
    ) -> ResponseBody {
        match picked {
            None => ResponseBody::Empty,
            Some((media_type, media)) => match encoding_of(media_type) {
                BodyEncoding::Json => match &media.schema {
                    Some(schema) => {
                        let media_ptr = join(&join(ptr, "content"), media_type);
                        ResponseBody::Json(self.lower_schema(
                            schema,
                            &join(&media_ptr, "schema"),
                            hint,
                        ))
                    }
                    None => ResponseBody::Json(TypeRef::Json),
                },
                BodyEncoding::Text => ResponseBody::Text,
                BodyEncoding::Form | BodyEncoding::Multipart | BodyEncoding::Binary => {
                    ResponseBody::Binary
                }
            },
        }
    }

    /// A streamed response in `media_type`: the media type's `schema` is
    /// one item (as OpenAI and others document theirs in 3.0 and 3.1; a
    /// 3.2 `itemSchema` was made so when read); for server-sent events,
    /// one event's data, which is text when the schema says a string.
    fn stream_body(
        &mut self,
        cx: &OpContext<'_>,
        media_type: &str,
        media: &openapiv3::MediaType,
        ptr: &str,
    ) -> StreamBody {
        let framing = Framing::of(media_type).unwrap_or(Framing::JsonLines);
        let events = framing == Framing::ServerSentEvents;
        let hint = format!(
            "{}{}",
            cx.builder_name,
            if events { "Event" } else { "Item" }
        );
        let at = join(&join(&join(ptr, "content"), media_type), "schema");
        let item = match &media.schema {
            Some(schema) => self.lower_schema(schema, &at, &hint),
            None if events => TypeRef::Primitive(Primitive::String),
            None => TypeRef::Json,
        };
        let text = events && item == TypeRef::Primitive(Primitive::String);
        StreamBody {
            framing,
            media_type: media_type.to_owned(),
            item,
            text,
        }
    }

    fn security(
        &mut self,
        cx: &OpContext<'_>,
        op: &openapiv3::Operation,
        schemes: &[SecurityScheme],
    ) -> Vec<Vec<usize>> {
        let Some(requirements) = op.security.as_ref().or(self.doc.security.as_ref()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, requirement) in requirements.iter().enumerate() {
            let mut alternative = Vec::new();
            for name in requirement.keys() {
                match schemes.iter().position(|s| &s.wire_name == name) {
                    Some(index) => alternative.push(index),
                    None => {
                        let declared = self
                            .doc
                            .components
                            .as_ref()
                            .is_some_and(|c| c.security_schemes.contains_key(name));
                        if !declared {
                            let ptr = match &op.security {
                                Some(_) => join(&join(&cx.pointer, "security"), &i.to_string()),
                                None => join("/security", &i.to_string()),
                            };
                            self.warnings.push(Diagnostic::warning(
                                ptr,
                                format!("security scheme `{name}` is not declared in components; it is ignored"),
                            )
.costing(Cost::Ignored));
                        }
                        alternative.clear();
                        break;
                    }
                }
            }
            if !alternative.is_empty() || requirement.is_empty() {
                out.push(alternative);
            }
        }
        // Only an empty requirement left means no auth at all.
        if out.iter().all(Vec::is_empty) {
            out.clear();
        }
        out
    }
}

pub(super) struct OpContext<'p> {
    path: &'p str,
    pub(super) method: HttpMethod,
    pub(super) pointer: String,
    wire_id: String,
    method_name: String,
    builder_name: String,
}

impl OpContext<'static> {
    /// The context of a webhook's operation, whose inline payload is named
    /// after `name` (`{name}Body`).
    pub(super) fn for_webhook(method: HttpMethod, pointer: String, name: &str) -> Self {
        OpContext {
            path: "",
            method,
            pointer,
            wire_id: String::new(),
            method_name: String::new(),
            builder_name: name.to_owned(),
        }
    }
}

/// A path item's operations, by method, in the model's order, each with
/// its pointer relative to the item (`/get`, `/additionalOperations/LINK`).
/// `extra` holds the item's operations `openapiv3` does not model (OpenAPI
/// 3.2's `query` and `additionalOperations`), typed by the loader.
pub(super) fn methods_of<'i>(
    item: &'i openapiv3::PathItem,
    extra: Option<&'i Vec<(String, openapiv3::Operation)>>,
) -> Vec<(HttpMethod, String, &'i openapiv3::Operation)> {
    let fixed = [
        (HttpMethod::Get, &item.get),
        (HttpMethod::Put, &item.put),
        (HttpMethod::Post, &item.post),
        (HttpMethod::Delete, &item.delete),
        (HttpMethod::Options, &item.options),
        (HttpMethod::Head, &item.head),
        (HttpMethod::Patch, &item.patch),
        (HttpMethod::Trace, &item.trace),
    ];
    let mut out: Vec<_> = fixed
        .into_iter()
        .filter_map(|(method, op)| {
            let rel = format!("/{}", method.as_str().to_ascii_lowercase());
            Some((method, rel, op.as_ref()?))
        })
        .collect();
    for (rel, op) in extra.into_iter().flatten() {
        let method = match rel.strip_prefix("/additionalOperations/") {
            Some(name) => HttpMethod::Other(crate::read::pointer::unescape(name)),
            None => HttpMethod::Query,
        };
        out.push((method, rel.clone(), op));
    }
    out
}

fn status_match(code: &StatusCode) -> StatusMatch {
    match code {
        StatusCode::Code(c) => StatusMatch::Code(*c),
        StatusCode::Range(c) => StatusMatch::Range(*c),
    }
}

/// The media type the client uses: JSON first, then form, text, anything,
/// and a stream last.
fn pick_media(
    content: &IndexMap<String, openapiv3::MediaType>,
) -> Option<(&String, &openapiv3::MediaType)> {
    let rank = |m: &str| match encoding_of(m) {
        _ if Framing::of(m).is_some() => 5,
        BodyEncoding::Json => 0,
        BodyEncoding::Form => 1,
        BodyEncoding::Multipart => 2,
        BodyEncoding::Text => 3,
        BodyEncoding::Binary => 4,
    };
    content.iter().min_by_key(|(m, _)| rank(m))
}

fn encoding_of(media_type: &str) -> BodyEncoding {
    let essence = crate::model::essence(media_type);
    if essence == "application/json" || essence.ends_with("+json") {
        BodyEncoding::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyEncoding::Form
    } else if essence == "multipart/form-data" {
        BodyEncoding::Multipart
    } else if essence.starts_with("text/") {
        BodyEncoding::Text
    } else {
        BodyEncoding::Binary
    }
}

/// What a success returns. Successes that differ make an enum; a stream
/// among them is then no variant, but the alternative `stream()` asks for.
fn success_type(cx: &OpContext<'_>, responses: &mut [Response]) -> SuccessType {
    let bodies: Vec<&ResponseBody> = responses
        .iter()
        .filter(|r| r.status.is_success())
        .map(|r| &r.body)
        .collect();
    let differ = bodies.iter().any(|b| *b != bodies[0]);
    if differ && bodies.iter().any(|b| matches!(b, ResponseBody::Stream(_))) {
        for r in responses.iter_mut().filter(|r| r.status.is_success()) {
            if let ResponseBody::Stream(stream) = &r.body {
                r.stream = Some(stream.clone());
                r.body = ResponseBody::Empty;
            }
        }
    }
    let responses = &*responses;
    let successes: Vec<(usize, &Response)> = responses
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status.is_success())
        .collect();
    let first = successes
        .first()
        .map_or(ResponseBody::Empty, |(_, r)| r.body.clone());
    if successes.iter().all(|(_, r)| r.body == first) {
        return SuccessType::Single(first);
    }
    let mut variant_names = Namespace::default();
    let variants = successes
        .iter()
        .map(|(i, r)| {
            let base = match r.status {
                StatusMatch::Code(c) => reason_name(c),
                StatusMatch::Range(_) => "Success".to_owned(),
                StatusMatch::Default => "Default".to_owned(),
            };
            (variant_names.claim(&base), *i)
        })
        .collect();
    SuccessType::Enum {
        name: format!("{}Response", cx.builder_name),
        variants,
    }
}

fn reason_name(code: u16) -> String {
    match code {
        200 => "Ok".into(),
        201 => "Created".into(),
        202 => "Accepted".into(),
        203 => "NonAuthoritativeInformation".into(),
        204 => "NoContent".into(),
        205 => "ResetContent".into(),
        206 => "PartialContent".into(),
        other => format!("Status{other}"),
    }
}

/// The distinct bodies of all error responses, each with a variant name.
pub(super) fn error_bodies(operations: &[Operation]) -> Vec<ErrorBodyVariant> {
    let mut bodies: Vec<ResponseBody> = Vec::new();
    for op in operations {
        for r in op.responses.iter().filter(|r| !r.status.is_success()) {
            if r.body != ResponseBody::Empty && !bodies.contains(&r.body) {
                bodies.push(r.body.clone());
            }
        }
    }
    let mut names = Namespace::default();
    bodies
        .into_iter()
        .map(|body| {
            let base = match &body {
                ResponseBody::Json(TypeRef::Named(n)) => n.clone(),
                ResponseBody::Json(_) => "Json".to_owned(),
                ResponseBody::Text => "Text".to_owned(),
                ResponseBody::Binary | ResponseBody::Empty | ResponseBody::Stream(_) => {
                    "Bytes".to_owned()
                }
            };
            ErrorBodyVariant {
                name: names.claim(&base),
                body,
            }
        })
        .collect()
}
