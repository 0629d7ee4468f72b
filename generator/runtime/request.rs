//! Building a request from an operation's parameters, and decoding its response.

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::api::ApiDefinition;
use super::error::{BoxError, CallInfo, DecodeError, Error, ValidationError};
use super::values::{FilePart, ResponseValue};

/// How one security scheme sends its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    Bearer,
    Basic,
    ApiKeyHeader(&'static str),
    ApiKeyQuery(&'static str),
    ApiKeyCookie(&'static str),
}

/// How a query parameter is written.
#[derive(Debug, Clone, Copy)]
pub(crate) enum QueryStyle {
    FormExploded,
    Form,
    Delimited(char),
    DeepObject,
    /// OpenAPI 3.2's `in: querystring` as `application/x-www-form-urlencoded`:
    /// the value's properties are the whole query string, arrays exploded.
    Querystring,
    /// `in: querystring` in any other media type (JSON): the whole query
    /// string is the value's JSON text, percent-encoded.
    QuerystringJson,
}

/// A request as the operation's parameters make it, before credentials: the
/// same for every attempt.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) url: reqwest::Url,
    pub(crate) headers: HeaderMap,
    pub(crate) cookies: Vec<String>,
    /// The body and its `Content-Type`.
    pub(crate) body: Option<(HeaderValue, Bytes)>,
}

impl Request {
    /// A request to `path` (already encoded) below `base`, whose path has
    /// no trailing slash. Only the path is set: the base's scheme and host
    /// were checked when the client was built.
    ///
    /// URL parsing resolves dot segments and reads a backslash as a slash:
    /// a path that parsing would turn into another one (fewer or more
    /// segments than were written) is refused, so that a request reaches
    /// the route its operation names or is not sent.
    pub(crate) fn new(base: &reqwest::Url, path: &str) -> Result<Request, ValidationError> {
        let mut url = base.clone();
        let written = format!("{}{path}", base.path().trim_end_matches('/'));
        url.set_path(&written);
        if url.path().matches('/').count() != written.matches('/').count() {
            return Err(ValidationError::one("path", format!("`{path}` would not reach its route: URL parsing rewrites it")));
        }
        Ok(Request { url, headers: HeaderMap::new(), cookies: Vec::new(), body: None })
    }

    /// Adds a query parameter, written in `style`.
    pub(crate) fn query<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T, style: QueryStyle) -> Result<(), ValidationError> {
        let value = to_json(name, value)?;
        if matches!(style, QueryStyle::QuerystringJson) {
            let text = value.to_string();
            let encoded: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
            // The space a form encoding writes `+` is `%20` here: the query
            // string is not a form.
            self.url.set_query(Some(&encoded.replace('+', "%20")));
            return Ok(());
        }
        let mut pairs = self.url.query_pairs_mut();
        match (&value, style) {
            (serde_json::Value::Null, _) => {}
            (serde_json::Value::Object(map), QueryStyle::Querystring) => {
                form_pairs(map, |k, v| {
                    pairs.append_pair(k, v);
                });
            }
            (serde_json::Value::Array(items), QueryStyle::FormExploded) => {
                for item in items {
                    pairs.append_pair(name, &scalar(item));
                }
            }
            (serde_json::Value::Object(map), QueryStyle::FormExploded) => {
                for (k, v) in map {
                    pairs.append_pair(k, &scalar(v));
                }
            }
            (serde_json::Value::Object(map), QueryStyle::DeepObject) => {
                for (k, v) in map {
                    pairs.append_pair(&format!("{name}[{k}]"), &scalar(v));
                }
            }
            (serde_json::Value::Array(items), QueryStyle::Delimited(sep)) => {
                let joined: Vec<String> = items.iter().map(scalar).collect();
                pairs.append_pair(name, &joined.join(&sep.to_string()));
            }
            (other, _) => {
                pairs.append_pair(name, &simple(other));
            }
        }
        Ok(())
    }

    /// Adds a header parameter.
    pub(crate) fn header<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), ValidationError> {
        let value = simple(&to_json(name, value)?);
        let value = HeaderValue::from_str(&value)
            .map_err(|_| ValidationError::one(name, "a header value must be visible ASCII without line breaks"))?;
        self.headers.append(header_name(name)?, value);
        Ok(())
    }

    /// Adds a cookie parameter.
    pub(crate) fn cookie<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), ValidationError> {
        let value = simple(&to_json(name, value)?);
        self.cookies.push(cookie_pair(name, &value)?);
        Ok(())
    }

    /// Sets a JSON body.
    pub(crate) fn json<T: serde::Serialize + ?Sized>(&mut self, content_type: &'static str, body: &T) -> Result<(), ValidationError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ValidationError::one("body", e.to_string()))?;
        self.body = Some((HeaderValue::from_static(content_type), Bytes::from(bytes)));
        Ok(())
    }

    /// Sets a form body (`application/x-www-form-urlencoded`): an object's
    /// properties as pairs, arrays exploded, nested objects as JSON.
    pub(crate) fn form<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), ValidationError> {
        let value = to_json("body", body)?;
        let mut out = form_urlencoded::Serializer::new(String::new());
        if let serde_json::Value::Object(map) = &value {
            form_pairs(map, |k, v| {
                out.append_pair(k, v);
            });
        }
        self.body = Some((HeaderValue::from_static("application/x-www-form-urlencoded"), Bytes::from(out.finish())));
        Ok(())
    }

    /// Sets a body sent as it is.
    pub(crate) fn raw(&mut self, content_type: &'static str, body: impl Into<Bytes>) {
        self.body = Some((HeaderValue::from_static(content_type), body.into()));
    }

    /// Sets a `multipart/form-data` body (RFC 7578): each property of `body`
    /// a part (strings, numbers and booleans as text, objects as JSON, arrays
    /// one part per item), but for the properties of `files`, whose files are
    /// file parts.
    pub(crate) fn multipart<T: serde::Serialize + ?Sized>(
        &mut self,
        body: &T,
        files: &[(&str, Vec<&FilePart>)],
    ) -> Result<(), ValidationError> {
        let mut parts: Vec<(&str, PartBody<'_>)> = Vec::new();
        let value = to_json("body", body)?;
        let serde_json::Value::Object(map) = &value else {
            return Err(ValidationError::one("body", "a multipart body must be an object"));
        };
        for (name, v) in map {
            if files.iter().any(|(f, _)| f == name) {
                continue;
            }
            let items: Vec<&serde_json::Value> = match v {
                serde_json::Value::Null => Vec::new(),
                serde_json::Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for item in items {
                let part = match item {
                    serde_json::Value::Object(_) | serde_json::Value::Array(_) => PartBody::Json(item.to_string()),
                    other => PartBody::Text(scalar(other)),
                };
                parts.push((name, part));
            }
        }
        for (name, list) in files {
            for file in list {
                parts.push((name, PartBody::File(file)));
            }
        }
        let (boundary, bytes) = encode_multipart(&parts);
        let content_type = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
            .map_err(|_| ValidationError::one("body", "cannot name the multipart boundary"))?;
        self.body = Some((content_type, Bytes::from(bytes)));
        Ok(())
    }
}

/// `name=value` for a `Cookie` header, when neither can end the pair or
/// start another (RFC 6265: a name is a token; a value holds no `;`, `,`,
/// space, quote, backslash or control character).
pub(crate) fn cookie_pair(name: &str, value: &str) -> Result<String, ValidationError> {
    let token = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !token {
        return Err(ValidationError::one(name, "a cookie name must be a token (letters, digits and `!#$%&'*+-.^_`|~`)"));
    }
    if value.contains([';', ',', ' ', '"', '\\']) || value.chars().any(char::is_control) {
        return Err(ValidationError::one(name, "a cookie value cannot hold `;`, `,`, spaces, quotes or control characters"));
    }
    Ok(format!("{name}={value}"))
}

/// The content of one part of a multipart body.
enum PartBody<'a> {
    Text(String),
    Json(String),
    File(&'a FilePart),
}

/// Escapes a name or file name for a `Content-Disposition` header, as
/// browsers do: quotes and line breaks percent-encoded.
fn disposition_name(name: &str) -> String {
    name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

/// The body, and the boundary that appears in none of its parts.
fn encode_multipart(parts: &[(&str, PartBody<'_>)]) -> (String, Vec<u8>) {
    let data = |p: &PartBody<'_>| -> Vec<u8> {
        match p {
            PartBody::Text(t) | PartBody::Json(t) => t.as_bytes().to_vec(),
            PartBody::File(f) => f.bytes().to_vec(),
        }
    };
    let boundary = loop {
        let candidate: String = std::iter::repeat_with(fastrand::alphanumeric).take(32).collect();
        let candidate = format!("----{candidate}");
        if !parts.iter().any(|(_, p)| data(p).windows(candidate.len()).any(|w| w == candidate.as_bytes())) {
            break candidate;
        }
    };
    let mut out = Vec::new();
    for (name, part) in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let name = disposition_name(name);
        match part {
            PartBody::Text(_) => {
                out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes());
            }
            PartBody::Json(_) => {
                out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\nContent-Type: application/json\r\n\r\n").as_bytes(),
                );
            }
            PartBody::File(f) => {
                let file_name = disposition_name(f.file_name().unwrap_or(&name));
                let content_type = f.content_type().unwrap_or("application/octet-stream");
                out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                    )
                    .as_bytes(),
                );
            }
        }
        out.extend_from_slice(&data(part));
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (boundary, out)
}

/// The files of a property of a multipart body, whatever its shape.
pub(crate) trait FileParts {
    fn file_parts(&self) -> Vec<&FilePart>;
}

impl FileParts for FilePart {
    fn file_parts(&self) -> Vec<&FilePart> {
        vec![self]
    }
}

impl<T: FileParts> FileParts for Option<T> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.as_ref().map(T::file_parts).unwrap_or_default()
    }
}

impl<T: FileParts> FileParts for Vec<T> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.iter().flat_map(T::file_parts).collect()
    }
}

/// The files of `value`, for [`Request::multipart`].
pub(crate) fn file_parts<T: FileParts + ?Sized>(value: &T) -> Vec<&FilePart> {
    value.file_parts()
}

/// A response read whole, before decoding.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) call: CallInfo,
}

impl RawResponse {
    /// The status code.
    pub(crate) fn status(&self) -> u16 {
        self.status.as_u16()
    }

    fn value<T>(self, inner: T) -> ResponseValue<T> {
        ResponseValue::new(inner, self.status, self.headers, self.call)
    }

    fn decode_error<A: ApiDefinition>(self, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error<A> {
        Error::Decode(Box::new(DecodeError { status: self.status, headers: self.headers, raw: self.body, source: source.into(), call: self.call }))
    }

    /// Decodes a JSON body.
    pub(crate) fn json<T: serde::de::DeserializeOwned, A: ApiDefinition>(self) -> Result<ResponseValue<T>, Error<A>> {
        match serde_json::from_slice(&self.body) {
            Ok(v) => Ok(self.value(v)),
            Err(e) => Err(self.decode_error(e)),
        }
    }

    /// A body the API declares empty (whatever was sent is dropped).
    pub(crate) fn empty<A: ApiDefinition>(self) -> Result<ResponseValue<()>, Error<A>> {
        Ok(self.value(()))
    }

    /// A text body.
    pub(crate) fn text<A: ApiDefinition>(self) -> Result<ResponseValue<String>, Error<A>> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(s) => Ok(self.value(s)),
            Err(e) => Err(self.decode_error(e)),
        }
    }

    /// A body of bytes.
    pub(crate) fn bytes<A: ApiDefinition>(self) -> Result<ResponseValue<Bytes>, Error<A>> {
        let body = self.body.clone();
        Ok(self.value(body))
    }

    fn api_error<A: ApiDefinition>(self, body: Result<Option<A::ErrorBody>, BoxError>) -> Error<A> {
        let (body, body_error) = match body {
            Ok(body) => (body, None),
            Err(why) => (None, Some(why)),
        };
        Error::Api(Box::new(super::error::ApiError {
            status: self.status,
            headers: self.headers,
            body,
            body_error,
            raw: self.body,
            call: self.call,
        }))
    }

    /// An error status whose body the API declares as JSON. A body that is
    /// not that JSON (a gateway's HTML page, an empty body) still makes an
    /// [`Error::Api`], without a decoded body and with the reason.
    pub(crate) fn error_json<T: serde::de::DeserializeOwned, A: ApiDefinition>(self, wrap: fn(T) -> A::ErrorBody) -> Error<A> {
        let body = match serde_json::from_slice(&self.body) {
            Ok(v) => Ok(Some(wrap(v))),
            Err(e) => Err(undecoded(&self.headers, &self.body, e)),
        };
        self.api_error(body)
    }

    /// An error status whose body the API declares as text.
    pub(crate) fn error_text<A: ApiDefinition>(self, wrap: fn(String) -> A::ErrorBody) -> Error<A> {
        let body = match std::str::from_utf8(&self.body) {
            Ok(s) => Ok(Some(wrap(s.to_owned()))),
            Err(e) => Err(e.into()),
        };
        self.api_error(body)
    }

    /// An error status whose body the API declares as bytes.
    pub(crate) fn error_bytes<A: ApiDefinition>(self, wrap: fn(Bytes) -> A::ErrorBody) -> Error<A> {
        let body = self.body.clone();
        self.api_error(Ok(Some(wrap(body))))
    }

    /// An error status the API declares without a body, or does not declare.
    pub(crate) fn error<A: ApiDefinition>(self) -> Error<A> {
        self.api_error(Ok(None))
    }

    /// A success status the operation does not declare, where it declares
    /// several successes that decode differently: which one this is cannot be
    /// told, so it is a [`Error::Decode`] that keeps the body.
    pub(crate) fn undeclared_success<A: ApiDefinition>(self) -> Error<A> {
        let why = format!("the API declares no response for status {}", self.status);
        self.decode_error(why)
    }
}

/// Why an error body is not the JSON the API declares: the JSON error, and
/// what was received instead.
fn undecoded(headers: &HeaderMap, body: &[u8], e: serde_json::Error) -> BoxError {
    let content_type = headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("no content type");
    if body.is_empty() {
        format!("the body is empty ({content_type}), not the JSON the API declares").into()
    } else {
        format!("the body ({content_type}, {} bytes) is not the JSON the API declares: {e}", body.len()).into()
    }
}

/// Percent-encodes a path parameter so it stays one path segment.
///
/// A value that is a dot segment in any spelling (`.`, `..`, `%2E`,
/// `.%2e`, `%252E%252E`, the full-width `．`, …) is refused: URL parsing,
/// or a proxy or server that decodes and normalises the path, would
/// resolve it away and send the request, credentials and all, to another
/// route (`/v1/payments/../cancel` is `/v1/cancel`).
pub(crate) fn path_param<T: serde::Serialize + ?Sized>(name: &str, value: &T) -> Result<String, ValidationError> {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~').remove(b'.');
    let text = simple(&to_json(name, value)?);
    if text.is_empty() {
        return Err(ValidationError::one(name, "a path parameter cannot be empty"));
    }
    if is_dot_segment(&text) {
        return Err(ValidationError::one(
            name,
            "a path parameter cannot be `.` or `..`, in any spelling: the path would resolve to another route",
        ));
    }
    Ok(percent_encoding::utf8_percent_encode(&text, SEGMENT).to_string())
}

/// Whether `text` is `.` or `..` as it stands, or once percent-decoded
/// (as often as a server or proxy might decode it), or once dot-like
/// characters that Unicode normalisation (NFKC) makes dots are read as dots.
fn is_dot_segment(text: &str) -> bool {
    // Dots however spelled, and decoded eight times over, fit in 64 bytes.
    if text.len() > 64 {
        return false;
    }
    let mut current = text.to_owned();
    for _ in 0..8 {
        // FULLWIDTH FULL STOP, SMALL FULL STOP, ONE DOT LEADER; TWO DOT LEADER.
        let folded = current.replace(['\u{FF0E}', '\u{FE52}', '\u{2024}'], ".").replace('\u{2025}', "..");
        if current == "." || current == ".." || folded == "." || folded == ".." {
            return true;
        }
        let decoded = percent_encoding::percent_decode_str(&current).decode_utf8_lossy().into_owned();
        if decoded == current {
            return false;
        }
        current = decoded;
    }
    false
}

fn to_json<T: serde::Serialize + ?Sized>(name: &str, value: &T) -> Result<serde_json::Value, ValidationError> {
    serde_json::to_value(value).map_err(|e| ValidationError::one(name, e.to_string()))
}

/// A scalar as text: strings without quotes, other values as JSON.
fn scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An object as form pairs, in order: an array's items each under its
/// key, null left out, anything else as its scalar text.
fn form_pairs(map: &serde_json::Map<String, serde_json::Value>, mut pair: impl FnMut(&str, &str)) {
    for (k, v) in map {
        match v {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => items.iter().for_each(|item| pair(k, &scalar(item))),
            other => pair(k, &scalar(other)),
        }
    }
}

/// The `simple` style: arrays and objects as comma-separated lists.
fn simple(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        serde_json::Value::Object(map) => map.iter().flat_map(|(k, v)| [k.clone(), scalar(v)]).collect::<Vec<_>>().join(","),
        other => scalar(other),
    }
}

pub(crate) fn header_name(name: &str) -> Result<HeaderName, ValidationError> {
    HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| ValidationError::one(name, "not a valid header name"))
}

/// Whether a header may carry a credential, so that its value is never
/// shown (`Debug` of a request builder, of an error's headers): the
/// standard ones, the API-key headers the document declares, and any whose
/// name says it holds a secret. `declared` are the API's key headers, in
/// lowercase ([`ApiDefinition::SENSITIVE_HEADERS`]).
pub(crate) fn is_sensitive(name: &HeaderName, declared: &[&str]) -> bool {
    const WORDS: &[&str] = &["auth", "token", "secret", "password", "passwd", "api-key", "apikey", "api_key", "session", "signature", "credential"];
    let name = name.as_str();
    matches!(name, "cookie" | "set-cookie")
        || declared.iter().any(|h| h.eq_ignore_ascii_case(name))
        || WORDS.iter().any(|w| name.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_header_the_api_declares_is_sensitive_whatever_its_name() {
        let declared = HeaderName::from_static("x-shop-pass");
        assert!(!is_sensitive(&declared, &[]), "no word of its name says so");
        assert!(is_sensitive(&declared, &["x-shop-pass"]));
        assert!(is_sensitive(&declared, &["X-Shop-Pass"]));
        assert!(is_sensitive(&HeaderName::from_static("x-api-token"), &[]));
        assert!(!is_sensitive(&HeaderName::from_static("x-trace"), &["x-shop-pass"]));
    }

    #[test]
    fn path_parameters_stay_one_segment() {
        assert_eq!(path_param("id", "a/b c").unwrap(), "a%2Fb%20c");
        assert_eq!(path_param("id", "...").unwrap(), "...");
        assert_eq!(path_param("id", "%").unwrap(), "%25");
        assert!(path_param("id", "").is_err());
        assert_eq!(path_param("n", &42).unwrap(), "42");
    }

    #[test]
    fn dot_segments_are_refused_in_every_spelling() {
        for dots in [
            ".", "..", "%2E", "%2e", "%2E%2E", "%2e%2E", ".%2E", "%2e.", "%252E", "%252e%252e", "%25252E.", "\u{FF0E}",
            "\u{FF0E}\u{FF0E}", ".\u{FF0E}", "\u{2025}", "\u{2024}", "\u{FE52}.", "%EF%BC%8E",
        ] {
            let err = path_param("paymentID", dots).unwrap_err();
            assert_eq!(err.field(), "paymentID", "{dots:?}: {err}");
        }
        for kept in ["...", ". ", " .", "a.", ".a", "%2E%2E%2E", "%", "%2", "%%2E", "\u{FF0E}\u{FF0E}\u{FF0E}"] {
            assert!(path_param("paymentID", kept).is_ok(), "{kept:?}");
        }
    }

    #[test]
    fn a_cookie_name_or_value_cannot_add_a_cookie() {
        assert_eq!(cookie_pair("session", "abc").unwrap(), "session=abc");
        for (name, value) in [("a;b", "v"), ("a=b", "v"), ("", "v"), ("a b", "v"), ("s", "v; admin=1"), ("s", "v\r\nX: 1")] {
            assert!(cookie_pair(name, value).is_err(), "{name:?}={value:?}");
        }
    }

    #[test]
    fn a_path_that_parsing_would_rewrite_is_refused() {
        let base = reqwest::Url::parse("https://x.test/prefix").unwrap();
        assert_eq!(Request::new(&base, "/v1/a%2Fb/c").unwrap().url.path(), "/prefix/v1/a%2Fb/c");
        for path in ["/v1/../x", "/v1/./x", "/v1/%2e%2E/x", "/v1/a\\b"] {
            assert!(Request::new(&base, path).is_err(), "{path}");
        }
    }

    #[test]
    fn multipart_bodies_hold_text_json_and_files() {
        let mut r = Request::new(&reqwest::Url::parse("https://x.test").unwrap(), "/p").unwrap();
        let file = FilePart::new(b"%PDF-1.7".to_vec()).with_file_name("a \"b\".pdf").with_content_type("application/pdf");
        let body = serde_json::json!({ "title": "T", "count": 2, "tags": ["x", "y"], "meta": { "k": 1 }, "file": null });
        r.multipart(&body, &[("file", vec![&file])]).unwrap();
        let (content_type, bytes) = r.body.unwrap();
        let content_type = content_type.to_str().unwrap().to_owned();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        // Properties come in the order JSON objects keep (which depends on
        // serde_json's features), files last.
        let parts: Vec<&str> = text
            .strip_suffix(&format!("--{boundary}--\r\n"))
            .unwrap()
            .split(&format!("--{boundary}\r\n"))
            .filter(|p| !p.is_empty())
            .collect();
        let mut expected = vec![
            "Content-Disposition: form-data; name=\"count\"\r\n\r\n2\r\n",
            "Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"k\":1}\r\n",
            "Content-Disposition: form-data; name=\"tags\"\r\n\r\nx\r\n",
            "Content-Disposition: form-data; name=\"tags\"\r\n\r\ny\r\n",
            "Content-Disposition: form-data; name=\"title\"\r\n\r\nT\r\n",
        ];
        let file = "Content-Disposition: form-data; name=\"file\"; filename=\"a %22b%22.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\r\n";
        assert_eq!(parts.last(), Some(&file));
        let mut found = parts[..parts.len() - 1].to_vec();
        found.sort_unstable();
        expected.sort_unstable();
        assert_eq!(found, expected);
    }

    #[test]
    fn query_styles() {
        let mut r = Request::new(&reqwest::Url::parse("https://x.test").unwrap(), "/p").unwrap();
        r.query("a", &[1, 2], QueryStyle::FormExploded).unwrap();
        r.query("b", &[1, 2], QueryStyle::Form).unwrap();
        r.query("c", &["x", "y"], QueryStyle::Delimited('|')).unwrap();
        r.query("o", &serde_json::json!({"k": "v"}), QueryStyle::DeepObject).unwrap();
        assert_eq!(r.url.query(), Some("a=1&a=2&b=1%2C2&c=x%7Cy&o%5Bk%5D=v"));
    }
}
