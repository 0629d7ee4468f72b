//! The intermediate model: everything the emitters need to know about an API,
//! and nothing of how the OpenAPI document spelled it.
//!
//! Every node that has a name keeps two: the wire name (as the document and the
//! server spell it) and the Rust name (a valid, collision-free identifier).
//! Lowering guarantees that every `TypeRef::Named` points at a key of
//! [`Api::types`], and that Rust names are unique in their namespace.

use std::collections::BTreeMap;

/// A whole API, ready to emit.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.license.name`.
    pub license: Option<String>,
    /// The first server's URL, if it is absolute.
    pub base_url: Option<String>,
    /// Security schemes the document declares and the client can apply.
    pub security_schemes: Vec<SecurityScheme>,
    /// Operations, in document order (paths in order, methods in the order
    /// get, put, post, delete, options, head, patch, trace).
    pub operations: Vec<Operation>,
    /// Type definitions by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// The body types of all error responses, by Rust name of the variant of
    /// the crate's `ErrorBody`.
    pub error_bodies: Vec<ErrorBodyVariant>,
    /// Whether a pattern of the document needs look-around, which only the
    /// crate's `lookaround` feature (fancy-regex) checks.
    pub lookaround: bool,
    /// The requests the API sends to the user (3.1 `webhooks`, then 3.0
    /// `callbacks` of the operations), in document order.
    pub webhooks: Vec<Webhook>,
    /// The parent of each nested tag (OpenAPI 3.2 `parent`), by tag name.
    pub tag_parents: BTreeMap<String, String>,
}

/// A request the API sends to the user: a webhook, or an operation's callback.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// Its name: the key under `webhooks`, or the callback's name.
    pub wire_name: String,
    /// The name of its variant of the crate's `Notification` enum (upper
    /// camel case); its decoding function is `decode_` and the snake case.
    pub rust_name: String,
    /// The HTTP method the API sends it with.
    pub method: HttpMethod,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// What it carries.
    pub payload: Option<RequestBody>,
    /// The headers it declares, by wire name, with whether each is required.
    pub headers: Vec<(String, bool)>,
    /// A property of the payload whose value names this webhook alone (a
    /// required property of one allowed value), and that value, as JSON.
    pub discriminator: Option<(String, serde_json::Value)>,
    /// The JSON pointer of its operation.
    pub pointer: String,
    /// How the API re-reads what the webhook notifies, when the document
    /// says (a link on the webhook's success response).
    pub confirm: Option<Confirm>,
}

/// How a received notification is confirmed with the API: an OpenAPI Link
/// on the webhook's success response, naming a `GET` of the document and
/// its parameters as runtime expressions over the received request.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    /// The link's name (its key under `links`).
    pub link: String,
    /// The link's description.
    pub doc: Option<String>,
    /// The operation that re-reads, by index in [`Api::operations`].
    pub operation: usize,
    /// A value for each parameter the link gives, by index in the
    /// operation's [`Operation::params`], in document order.
    pub args: Vec<(usize, LinkValue)>,
    /// The properties a notification and the operation's answer share (of
    /// one type, required in both, or optional in both and of a primitive
    /// type): a notification whose value differs from the API's, or that
    /// has an optional one the API's answer does not, is not confirmed.
    pub compared: Vec<ComparedField>,
    /// The JSON pointer of the link.
    pub pointer: String,
}

/// Where a link takes a parameter's value from.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkValue {
    /// `$request.body#/pointer`: a value of the received body (the JSON
    /// pointer, unescaped of its URI fragment encoding; empty: the whole body).
    Body(String),
    /// `$request.header.name`: a header of the received request.
    Header(String),
    /// A constant, as JSON.
    Constant(serde_json::Value),
}

impl LinkValue {
    /// The runtime expression (or the constant, as JSON).
    pub fn expression(&self) -> String {
        match self {
            LinkValue::Body(p) if p.is_empty() => "$request.body".to_owned(),
            LinkValue::Body(p) => format!("$request.body#{p}"),
            LinkValue::Header(h) => format!("$request.header.{h}"),
            LinkValue::Constant(v) => v.to_string(),
        }
    }
}

/// A property compared between a notification and the API's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparedField {
    /// The property's wire name.
    pub wire_name: String,
    /// Its Rust field in the notification's type.
    pub notified: String,
    /// Its Rust field in the answer's type.
    pub current: String,
    /// How a value is written in a difference.
    pub shown: Shown,
    /// Whether the property is optional (an `Option` in both): compared
    /// only when the notification has it.
    pub optional: bool,
}

/// How a compared value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// A `String`, or a newtype of one, as it is (`Display`).
    Text,
    /// A string enum, as its wire value.
    Enum,
    /// Anything else, through `Debug`.
    Debug,
}

/// One security scheme.
#[derive(Debug, Clone)]
pub struct SecurityScheme {
    /// The key under `components.securitySchemes`.
    pub wire_name: String,
    /// How the credential travels.
    pub kind: SecurityKind,
    /// The scheme's description.
    pub doc: Option<String>,
}

/// How a credential travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityKind {
    /// `Authorization: Bearer <token>` (http bearer, oauth2, openIdConnect).
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// An API key in a header.
    ApiKeyHeader(String),
    /// An API key in the query string.
    ApiKeyQuery(String),
    /// An API key in a cookie.
    ApiKeyCookie(String),
}

/// One variant of the crate-wide error body type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBodyVariant {
    /// The variant's Rust name.
    pub name: String,
    /// What the variant carries.
    pub body: ResponseBody,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The operationId, or one made from method and path when it is absent.
    pub wire_id: String,
    /// The method name on the client (snake case).
    pub method_name: String,
    /// The request builder's type name (upper camel case).
    pub builder_name: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template as the document gives it, such as `/v1/payments/{paymentID}`.
    pub path: String,
    /// The path, split into literal text and parameters.
    pub path_segments: Vec<PathSegment>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// `tags`, in document order.
    pub tags: Vec<String>,
    /// Parameters, path ones first (in template order), then the others in
    /// document order.
    pub params: Vec<Parameter>,
    /// The request body.
    pub body: Option<RequestBody>,
    /// Responses: exact codes ascending, then ranges, then `default`.
    pub responses: Vec<Response>,
    /// What a success (2xx) returns.
    pub success: SuccessType,
    /// A stream the success responses offer beside the body of
    /// [`Operation::success`] (JSON, or a stream of events): the builder's
    /// `stream()` asks for it, and `Accept` tells the server which.
    pub stream: Option<StreamBody>,
    /// Alternatives of security requirements; each alternative names schemes
    /// by their index in [`Api::security_schemes`]. Empty: no auth.
    pub security: Vec<Vec<usize>>,
    /// The JSON pointer of the operation.
    pub pointer: String,
    /// The index in [`Operation::params`] of the header that carries an
    /// idempotency key, when the operation declares one.
    pub idempotency_key: Option<usize>,
    /// How the operation pages through a list, when it does.
    pub pagination: Option<Pagination>,
    /// How to wait for the resource the operation reads to reach a final
    /// state, when its response says so.
    pub poll: Option<Poll>,
}

/// Cursor pagination: the request takes a cursor, the page holds the items
/// and the next page's cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The page's struct (a key of [`Api::types`]).
    pub page: String,
    /// The index in [`Operation::params`] of the query parameter that takes the cursor.
    pub cursor_param: usize,
    /// The Rust name of the page's field that holds the items.
    pub items_field: String,
    /// The type of one item.
    pub item: TypeRef,
    /// Whether that field is optional (an `Option`).
    pub items_optional: bool,
    /// The Rust name of the page's field that holds the next cursor.
    pub next_field: String,
    /// Whether that field is optional or nullable (an `Option`).
    pub next_optional: bool,
}

/// Polling: the response has a status field whose enum knows its final values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    /// The Rust name of the response's field that holds the status.
    pub field: String,
    /// The Rust name of the status enum (a key of [`Api::types`]).
    pub status_type: String,
}

/// An HTTP method.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
    /// QUERY (OpenAPI 3.2's `query`: a safe, idempotent request with a body).
    Query,
    /// Any other method, as it travels (OpenAPI 3.2's `additionalOperations`;
    /// an HTTP token, checked when the document is read).
    Other(String),
}

impl HttpMethod {
    /// The method as it travels.
    pub fn as_str(&self) -> &str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
            HttpMethod::Query => "QUERY",
            HttpMethod::Other(name) => name,
        }
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// Text sent as it is.
    Literal(String),
    /// The index of a path parameter in [`Operation::params`].
    Param(usize),
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In a cookie.
    Cookie,
}

/// How a query parameter is serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form` with `explode: true` (the default): `a=1&a=2`, `k1=v1&k2=v2`.
    FormExploded,
    /// `form` with `explode: false`: `a=1,2`, `o=k1,v1,k2,v2`.
    Form,
    /// `spaceDelimited` / `pipeDelimited` arrays: `a=1%202`, `a=1|2`.
    Delimited(char),
    /// `deepObject`: `o[k1]=v1&o[k2]=v2`.
    DeepObject,
    /// OpenAPI 3.2's `in: querystring` in a form encoding: the value's
    /// properties are the whole query string (`k1=v1&k2=v2`).
    Querystring,
    /// `in: querystring` in JSON: the whole query string is the value's
    /// JSON text, percent-encoded.
    QuerystringJson,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// The name on the wire.
    pub wire_name: String,
    /// The Rust name (argument and setter).
    pub rust_name: String,
    /// Where it travels.
    pub location: ParamLocation,
    /// Whether it must be given.
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
    /// How it is serialized when in the query.
    pub style: QueryStyle,
    /// Its description.
    pub doc: Option<String>,
    /// Constraints from its schema.
    pub constraints: Constraints,
    /// A value to show in examples: the parameter's `example` (or first of
    /// `examples`), else its schema's `example`, `default` or first `enum` value.
    pub example: Option<serde_json::Value>,
}

/// An example value from the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Its key under `examples` (empty for a lone `example`).
    pub name: String,
    /// Its `summary`.
    pub summary: Option<String>,
    /// The value.
    pub value: serde_json::Value,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// Whether it must be given.
    pub required: bool,
    /// The media type sent.
    pub media_type: String,
    /// What it holds and how it is encoded.
    pub content: RequestContent,
    /// Its description.
    pub doc: Option<String>,
    /// Example bodies, in document order (`examples`, or the lone
    /// `example` of the media type or of its schema).
    pub examples: Vec<Example>,
}

/// What a request body holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestContent {
    /// JSON of this type.
    Json(TypeRef),
    /// A form of this type.
    Form(TypeRef),
    /// A `multipart/form-data` body of this type: each property a part,
    /// binary properties file parts.
    Multipart(TypeRef),
    /// Text.
    Text,
    /// Bytes.
    Binary,
}

impl RequestContent {
    /// The type of a structured body (JSON, form or multipart); `None` for
    /// text and bytes.
    pub fn ty(&self) -> Option<&TypeRef> {
        match self {
            RequestContent::Json(ty) | RequestContent::Form(ty) | RequestContent::Multipart(ty) => {
                Some(ty)
            }
            RequestContent::Text | RequestContent::Binary => None,
        }
    }
}

/// How a body is encoded, by its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON (`application/json` and `+json` types).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Text, sent as it is.
    Text,
    /// Bytes, sent as they are (octet-stream and any type the client cannot
    /// build itself, such as multipart, which the caller then encodes).
    Binary,
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// A class: `2` for `2XX`.
    Range(u16),
    /// `default`: every status no other response covers.
    Default,
}

impl StatusMatch {
    /// Whether the statuses matched are successes.
    pub fn is_success(self) -> bool {
        match self {
            StatusMatch::Code(c) => (200..300).contains(&c),
            StatusMatch::Range(c) => c == 2,
            StatusMatch::Default => false,
        }
    }
}

/// One response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The statuses it covers.
    pub status: StatusMatch,
    /// Its description.
    pub doc: Option<String>,
    /// What its body holds.
    pub body: ResponseBody,
    /// A stream it offers beside `body`, when its content names both.
    pub stream: Option<StreamBody>,
}

/// What a response body holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ResponseBody {
    /// Nothing the client reads.
    Empty,
    /// JSON of this type.
    Json(TypeRef),
    /// Text.
    Text,
    /// Bytes.
    Binary,
    /// A stream of items, each read when the caller reaches it.
    Stream(StreamBody),
}

/// A streamed response: server-sent events, JSON Lines or a JSON text
/// sequence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StreamBody {
    /// How its items are delimited.
    pub framing: Framing,
    /// The media type, as the document names it (the `Accept` of the call).
    pub media_type: String,
    /// One item: for server-sent events, one event's data.
    pub item: TypeRef,
    /// Whether the data of each event is text, not JSON.
    pub text: bool,
}

/// A media type without its parameters, in lower case: `text/plain;
/// charset=utf-8` is `text/plain`.
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// How a stream's items are delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Framing {
    /// `text/event-stream`.
    ServerSentEvents,
    /// JSON Lines, NDJSON: one JSON text per line.
    JsonLines,
    /// JSON text sequences (RFC 7464).
    JsonSeq,
}

impl Framing {
    /// The framing of a media type, when it is a stream's.
    pub fn of(media_type: &str) -> Option<Framing> {
        match essence(media_type).as_str() {
            "text/event-stream" => Some(Framing::ServerSentEvents),
            "application/jsonl"
            | "application/x-ndjson"
            | "application/ndjson"
            | "application/x-jsonlines"
            | "application/jsonlines"
            | "application/json-lines" => Some(Framing::JsonLines),
            s if s == "application/json-seq" || s.ends_with("+json-seq") => Some(Framing::JsonSeq),
            _ => None,
        }
    }
}

/// What a success returns.
#[derive(Debug, Clone)]
pub enum SuccessType {
    /// Every success response has this body.
    Single(ResponseBody),
    /// Success responses differ: a generated enum, one variant per response.
    Enum {
        /// The enum's Rust name (a key of [`Api::types`] is not used: the
        /// emitter writes it beside the builders).
        name: String,
        /// The variants: Rust name and index into [`Operation::responses`].
        variants: Vec<(String, usize)>,
    },
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// A type of [`Api::types`], by Rust name.
    Named(String),
    /// A scalar.
    Primitive(Primitive),
    /// A list.
    Array(Box<TypeRef>),
    /// An object with arbitrary string keys.
    Map(Box<TypeRef>),
    /// Any JSON value.
    Json,
    /// A value that may be null.
    Nullable(Box<TypeRef>),
    /// A value behind a pointer, to break a recursive type.
    Boxed(Box<TypeRef>),
    /// A fixed-length list whose items have each their type (`prefixItems`).
    Tuple(Vec<TypeRef>),
}

/// A scalar type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Primitive {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u32` (`format: uint32`).
    U32,
    /// `u64` (`format: uint64`).
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// A date and time (`format: date-time`, RFC 3339).
    DateTime,
    /// A calendar date (`format: date`).
    Date,
    /// A UUID (`format: uuid`).
    Uuid,
    /// Bytes (`format: binary`): a file part of a multipart body.
    Binary,
}

/// Constraints a schema places on values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `format`, for strings, when the client can check it (`uri`, `email`,
    /// `ipv4`, `ipv6`; formats that have a type of their own are not kept here).
    pub format: Option<String>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `minimum`, and whether it is exclusive.
    pub minimum: Option<(f64, bool)>,
    /// `maximum`, and whether it is exclusive.
    pub maximum: Option<(f64, bool)>,
    /// `multipleOf`.
    pub multiple_of: Option<f64>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
    /// `minProperties`.
    pub min_properties: Option<usize>,
    /// `maxProperties`.
    pub max_properties: Option<usize>,
    /// `default`, as JSON text.
    pub default: Option<String>,
    /// The numbers a numeric `enum` allows. Lowering leaves it empty: such an
    /// enum is an [`TypeKind::Alias`] with `allowed` values, and the emitter
    /// adds them here where the alias is used (see `emit::validation`).
    pub one_of: Vec<f64>,
    /// The constraints on each item of an array, or each value of a map.
    pub items: Option<Box<Constraints>>,
    /// The constraints on each key of a map (`propertyNames`).
    pub keys: Option<Box<Constraints>>,
}

impl Constraints {
    /// Whether there is nothing to say.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }

    /// Whether there is a rule to check (a default is not one).
    pub fn has_rules(&self) -> bool {
        self.format.is_some()
            || self.pattern.is_some()
            || self.min_length.is_some()
            || self.max_length.is_some()
            || self.minimum.is_some()
            || self.maximum.is_some()
            || self.multiple_of.is_some()
            || self.min_items.is_some()
            || self.max_items.is_some()
            || self.unique_items
            || self.min_properties.is_some()
            || self.max_properties.is_some()
            || !self.one_of.is_empty()
            || self.items.as_ref().is_some_and(|i| i.has_rules())
            || self.keys.as_ref().is_some_and(|k| k.has_rules())
    }
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name (also its key in [`Api::types`]).
    pub name: String,
    /// The JSON pointer of the schema it comes from.
    pub pointer: String,
    /// Its description.
    pub doc: Option<String>,
    /// What it is.
    pub kind: TypeKind,
}

/// What a named type is.
#[derive(Debug, Clone)]
// One per named type, held once in `Api::types`: boxing the newtype's
// constraints would save nothing that counts.
#[allow(clippy::large_enum_variant)]
pub enum TypeKind {
    /// An object with known properties.
    Struct {
        /// The properties, in document order.
        fields: Vec<Field>,
        /// The type of properties other than `fields`, if the schema allows them.
        additional: Option<TypeRef>,
        /// `dependentRequired`: when the property named first is present,
        /// those listed must be too (wire names).
        dependent_required: Vec<(String, Vec<String>)>,
    },
    /// A string enum. Values the document does not list decode into a
    /// catch-all variant.
    StringEnum {
        /// The values.
        variants: Vec<EnumVariant>,
        /// The values after which the resource never changes again (from the
        /// `x-terminal-values` extension), in document order.
        terminal: Vec<String>,
        /// The Rust name of the catch-all variant (`Unknown`, unless a value
        /// of the document takes that name).
        catch_all: String,
    },
    /// A wrapper around another type, with constraints.
    Newtype {
        /// The wrapped type.
        inner: TypeRef,
        /// Its constraints.
        constraints: Constraints,
    },
    /// Another name for a type (arrays, maps, enums of non-string values).
    Alias {
        /// The type named.
        target: TypeRef,
        /// Values allowed, as JSON text, when the schema is a non-string enum.
        allowed: Vec<String>,
    },
    /// A single allowed value (`const`): a unit struct that encodes as the
    /// value and decodes only from it.
    Const {
        /// The value.
        value: serde_json::Value,
    },
    /// One of several types (`oneOf` / `anyOf`).
    Union {
        /// The alternatives.
        variants: Vec<UnionVariant>,
        /// The property whose value tells the alternatives apart, if any.
        discriminator: Option<String>,
    },
}

/// A property of a struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The property name on the wire.
    pub wire_name: String,
    /// The Rust field name.
    pub rust_name: String,
    /// Its type (without the `Option` an optional field adds).
    pub ty: TypeRef,
    /// Whether it is in `required`.
    pub required: bool,
    /// Its description.
    pub doc: Option<String>,
    /// Constraints on its value.
    pub constraints: Constraints,
    /// `readOnly`.
    pub read_only: bool,
    /// `writeOnly`.
    pub write_only: bool,
    /// Not a property, but a part of an `allOf` that is one of several
    /// objects (a `oneOf`): its properties are the struct's own
    /// (`#[serde(flatten)]`). Its wire name is empty.
    pub flatten: bool,
}

impl Field {
    /// Whether the Rust field is an `Option`: the property is not required,
    /// or it is required only one way (`readOnly`: responses carry it,
    /// requests do not; `writeOnly`: the other way round).
    pub fn optional(&self) -> bool {
        !self.required || self.read_only || self.write_only
    }
}

/// A value of a string enum.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// The value on the wire.
    pub wire_name: String,
    /// The Rust variant name.
    pub rust_name: String,
}

/// An alternative of a union.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The discriminator values that select it (empty without discriminator).
    pub tags: Vec<String>,
    /// Its type.
    pub ty: TypeRef,
    /// The rules of an inline alternative (a string of at most 5000
    /// characters), checked before a request is sent.
    pub constraints: Constraints,
}
