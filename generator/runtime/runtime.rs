//! Support code shared by every operation: the client, request building,
//! response decoding and the error type. Nothing here depends on the API; the
//! generator copies this file as it is into every crate it writes.
//!
//! Its one contract with the generated code: the crate root defines
//! `ErrorBody` (the decoded body of an error response) and
//! `DEFAULT_BASE_URL` (the document's server, if any).

// One API uses only some of the parameter styles, body kinds and security
// schemes this module supports; the rest is dead code for that API alone.
#![allow(dead_code)]

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

use crate::ErrorBody;

/// A successful response: the decoded value, with the status and headers it
/// came with. It dereferences to the value.
#[derive(Debug, Clone)]
pub struct ResponseValue<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> ResponseValue<T> {
    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The same response with its value mapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue { inner: f(self.inner), status: self.status, headers: self.headers }
    }
}

impl<T> std::ops::Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

/// Everything that can go wrong with a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The request could not be sent, or the response could not be read.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The request or the response took longer than the configured timeout.
    #[error("timed out: {0}")]
    Timeout(#[source] reqwest::Error),
    /// A response body did not match the type the API declares for its status.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// The request was refused before anything was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(InvalidRequest),
}

impl Error {
    /// The response status, when there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Transport(e) | Error::Timeout(e) => e.status(),
            Error::InvalidRequest(_) => None,
        }
    }

    /// The decoded error body, when the API declares one for the status.
    pub fn body(&self) -> Option<&ErrorBody> {
        match self {
            Error::Api(e) => e.body.as_ref(),
            _ => None,
        }
    }

    fn transport(e: reqwest::Error) -> Error {
        if e.is_timeout() { Error::Timeout(e) } else { Error::Transport(e) }
    }

    fn invalid(what: impl Into<String>, rule: impl Into<String>) -> Error {
        Error::InvalidRequest(InvalidRequest { what: what.into(), rule: rule.into() })
    }
}

/// An error status, with everything the server sent.
#[derive(Debug)]
pub struct ApiError {
    /// The status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body decoded as the API declares it for this status; `None` when
    /// the API declares no body for the status.
    pub body: Option<ErrorBody>,
    /// The raw body, as received.
    pub raw: Bytes,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server answered {}", self.status)?;
        let text = String::from_utf8_lossy(&self.raw);
        let text = text.trim();
        if !text.is_empty() {
            let cut: String = text.chars().take(300).collect();
            let more = if cut.len() < text.len() { "…" } else { "" };
            write!(f, ": {cut}{more}")?;
        }
        Ok(())
    }
}

/// A response body that does not decode as declared.
#[derive(Debug, thiserror::Error)]
#[error("the {status} response body does not decode as declared: {source}")]
pub struct DecodeError {
    /// The status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body, as received.
    pub raw: Bytes,
    /// Why it does not decode.
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync + 'static>,
}

/// A request refused before it was sent: what is wrong and which rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {rule}")]
pub struct InvalidRequest {
    /// The value at fault (a parameter, a field, the base URL).
    pub what: String,
    /// The rule it breaks.
    pub rule: String,
}

/// A client for the API. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    base_url: String,
    http: reqwest::Client,
    credentials: Credentials,
    user_agent: HeaderValue,
    timeout: Option<Duration>,
}

#[derive(Clone, Default)]
struct Credentials {
    bearer: Option<String>,
    basic: Option<(String, Option<String>)>,
    api_key: Option<String>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Credentials are never shown, only whether they are set.
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("bearer_token", &self.credentials.bearer.as_ref().map(|_| "<redacted>"))
            .field("basic_auth", &self.credentials.basic.as_ref().map(|(user, _)| user))
            .field("api_key", &self.credentials.api_key.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder, starting from the API's own server (if the document names one).
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            base_url: crate::DEFAULT_BASE_URL.map(str::to_owned),
            allow_http: false,
            credentials: Credentials::default(),
            http: None,
            timeout: None,
            connect_timeout: None,
            user_agent: None,
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub(crate) fn request(&self, method: Method, path: &str) -> Result<Request<'_>, Error> {
        let url = reqwest::Url::parse(&format!("{}{path}", self.base_url))
            .map_err(|e| Error::invalid("request URL", e.to_string()))?;
        Ok(Request { client: self, method, url, headers: HeaderMap::new(), cookies: Vec::new(), basic: None, body: None })
    }
}

/// Configures a [`Client`].
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    allow_http: bool,
    credentials: Credentials,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("allow_http", &self.allow_http)
            .field("bearer_token", &self.credentials.bearer.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Sends requests to `url` instead of the API's own server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows a plain `http://` base URL. Credentials then travel unencrypted:
    /// use it only against a local test server.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// The token for bearer authentication (`Authorization: Bearer …`).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials.bearer = Some(token.into());
        self
    }

    /// The user and password for basic authentication.
    pub fn basic_auth(mut self, user: impl Into<String>, password: Option<String>) -> Self {
        self.credentials.basic = Some((user.into(), password));
        self
    }

    /// The key for every API-key security scheme.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials.api_key = Some(key.into());
        self
    }

    /// The limit on each whole request, from connecting to the last byte of the response.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The limit on connecting (ignored with [`ClientBuilder::http_client`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (the crate's name and version by default).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses the caller's own HTTP client (its proxies, TLS roots, pool).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.ok_or_else(|| {
            Error::invalid("base URL", "the API document names no server: set one with `ClientBuilder::base_url`")
        })?;
        let parsed = reqwest::Url::parse(&base_url).map_err(|e| Error::invalid("base URL", e.to_string()))?;
        match parsed.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => {
                return Err(Error::invalid(
                    "base URL",
                    "plain http is refused: use https, or `allow_http(true)` for a local test server",
                ));
            }
            other => return Err(Error::invalid("base URL", format!("unsupported scheme `{other}`"))),
        }
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned());
        let user_agent =
            HeaderValue::from_str(&user_agent).map_err(|e| Error::invalid("user agent", e.to_string()))?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder();
                if let Some(t) = self.connect_timeout {
                    builder = builder.connect_timeout(t);
                }
                builder.build().map_err(Error::Transport)?
            }
        };
        Ok(Client {
            base_url: base_url.trim_end_matches('/').to_owned(),
            http,
            credentials: self.credentials,
            user_agent,
            timeout: self.timeout,
        })
    }
}

/// How one security scheme sends its credential.
#[derive(Debug, Clone, Copy)]
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
}

/// A request being built by an operation.
pub(crate) struct Request<'a> {
    client: &'a Client,
    method: Method,
    url: reqwest::Url,
    headers: HeaderMap,
    cookies: Vec<String>,
    basic: Option<(String, Option<String>)>,
    body: Option<(&'static str, Vec<u8>)>,
}

impl Request<'_> {
    /// Adds a query parameter, written in `style`.
    pub(crate) fn query<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T, style: QueryStyle) -> Result<(), Error> {
        let value = to_json(name, value)?;
        let mut pairs = self.url.query_pairs_mut();
        match (&value, style) {
            (serde_json::Value::Null, _) => {}
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
    pub(crate) fn header<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), Error> {
        let value = simple(&to_json(name, value)?);
        let value = HeaderValue::from_str(&value)
            .map_err(|_| Error::invalid(name, "a header value must be visible ASCII without line breaks"))?;
        self.headers.append(HeaderName::from_static_lower(name)?, value);
        Ok(())
    }

    /// Adds a cookie parameter.
    pub(crate) fn cookie<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let value = simple(&to_json(name, value)?);
        if value.contains([';', ',', ' ', '"', '\\']) || value.chars().any(char::is_control) {
            return Err(Error::invalid(name, "a cookie value cannot hold `;`, `,`, spaces, quotes or control characters"));
        }
        self.cookies.push(format!("{name}={value}"));
        Ok(())
    }

    /// Sets a JSON body.
    pub(crate) fn json<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::invalid("body", e.to_string()))?;
        self.body = Some(("application/json", bytes));
        Ok(())
    }

    /// Sets a form body.
    pub(crate) fn form<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        let value = to_json("body", body)?;
        let mut out = reqwest::Url::parse("http://form.invalid/").expect("a constant URL parses");
        {
            let mut pairs = out.query_pairs_mut();
            if let serde_json::Value::Object(map) = &value {
                for (k, v) in map {
                    match v {
                        serde_json::Value::Null => {}
                        serde_json::Value::Array(items) => {
                            for item in items {
                                pairs.append_pair(k, &scalar(item));
                            }
                        }
                        other => {
                            pairs.append_pair(k, &scalar(other));
                        }
                    }
                }
            }
        }
        let encoded = out.query().unwrap_or_default().as_bytes().to_vec();
        self.body = Some(("application/x-www-form-urlencoded", encoded));
        Ok(())
    }

    /// Sets a body sent as it is.
    pub(crate) fn raw(&mut self, content_type: &'static str, body: Vec<u8>) {
        self.body = Some((content_type, body));
    }

    /// Applies the first security alternative whose credentials are all set.
    pub(crate) fn auth(&mut self, alternatives: &[&[Auth]]) -> Result<(), Error> {
        let creds = &self.client.credentials;
        let has = |a: &Auth| match a {
            Auth::Bearer => creds.bearer.is_some(),
            Auth::Basic => creds.basic.is_some(),
            Auth::ApiKeyHeader(_) | Auth::ApiKeyQuery(_) | Auth::ApiKeyCookie(_) => creds.api_key.is_some(),
        };
        let Some(chosen) = alternatives.iter().find(|alt| alt.iter().all(has)) else {
            return Ok(());
        };
        for a in chosen.iter() {
            match a {
                Auth::Bearer => {
                    let token = creds.bearer.as_deref().unwrap_or_default();
                    let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
                        .map_err(|_| Error::invalid("bearer token", "must be visible ASCII without line breaks"))?;
                    value.set_sensitive(true);
                    self.headers.insert(reqwest::header::AUTHORIZATION, value);
                }
                Auth::Basic => self.basic = creds.basic.clone(),
                Auth::ApiKeyHeader(name) => {
                    let key = creds.api_key.clone().unwrap_or_default();
                    let mut value = HeaderValue::from_str(&key)
                        .map_err(|_| Error::invalid("API key", "must be visible ASCII without line breaks"))?;
                    value.set_sensitive(true);
                    self.headers.insert(HeaderName::from_static_lower(name)?, value);
                }
                Auth::ApiKeyQuery(name) => {
                    let key = creds.api_key.clone().unwrap_or_default();
                    self.url.query_pairs_mut().append_pair(name, &key);
                }
                Auth::ApiKeyCookie(name) => {
                    let key = creds.api_key.clone().unwrap_or_default();
                    self.cookies.push(format!("{name}={key}"));
                }
            }
        }
        Ok(())
    }

    /// Sends the request and reads the whole response.
    pub(crate) async fn send(self) -> Result<RawResponse, Error> {
        let Request { client, method, mut url, mut headers, cookies, basic, body } = self;
        if url.query() == Some("") {
            url.set_query(None);
        }
        if !cookies.is_empty() {
            let value = HeaderValue::from_str(&cookies.join("; "))
                .map_err(|_| Error::invalid("cookies", "must be visible ASCII"))?;
            headers.insert(reqwest::header::COOKIE, value);
        }
        headers.insert(reqwest::header::USER_AGENT, client.user_agent.clone());
        let mut req = client.http.request(method, url).headers(headers);
        if let Some((content_type, bytes)) = body {
            req = req.header(reqwest::header::CONTENT_TYPE, content_type).body(bytes);
        }
        if let Some((user, password)) = basic {
            req = req.basic_auth(user, password);
        }
        if let Some(t) = client.timeout {
            req = req.timeout(t);
        }
        let response = req.send().await.map_err(Error::transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Error::transport)?;
        Ok(RawResponse { status, headers, body })
    }
}

/// A response read whole, before decoding.
pub(crate) struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    /// The status code.
    pub(crate) fn status(&self) -> u16 {
        self.status.as_u16()
    }

    fn value<T>(self, inner: T) -> ResponseValue<T> {
        ResponseValue { inner, status: self.status, headers: self.headers }
    }

    fn decode_error(self, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
        Error::Decode(Box::new(DecodeError { status: self.status, headers: self.headers, raw: self.body, source: source.into() }))
    }

    /// Decodes a JSON body.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(self) -> Result<ResponseValue<T>, Error> {
        match serde_json::from_slice(&self.body) {
            Ok(v) => Ok(self.value(v)),
            Err(e) => Err(self.decode_error(e)),
        }
    }

    /// A body the API declares empty (whatever was sent is dropped).
    pub(crate) fn empty(self) -> Result<ResponseValue<()>, Error> {
        Ok(self.value(()))
    }

    /// A text body.
    pub(crate) fn text(self) -> Result<ResponseValue<String>, Error> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(s) => Ok(self.value(s)),
            Err(e) => Err(self.decode_error(e)),
        }
    }

    /// A body of bytes.
    pub(crate) fn bytes(self) -> Result<ResponseValue<Bytes>, Error> {
        let body = self.body.clone();
        Ok(self.value(body))
    }

    fn api_error(self, body: Option<ErrorBody>) -> Error {
        Error::Api(Box::new(ApiError { status: self.status, headers: self.headers, body, raw: self.body }))
    }

    /// An error status whose body the API declares as JSON.
    pub(crate) fn error_json<T: serde::de::DeserializeOwned>(self, wrap: fn(T) -> ErrorBody) -> Error {
        match serde_json::from_slice(&self.body) {
            Ok(v) => self.api_error(Some(wrap(v))),
            Err(e) => self.decode_error(e),
        }
    }

    /// An error status whose body the API declares as text.
    pub(crate) fn error_text(self, wrap: fn(String) -> ErrorBody) -> Error {
        match String::from_utf8(self.body.to_vec()) {
            Ok(s) => self.api_error(Some(wrap(s))),
            Err(e) => self.decode_error(e),
        }
    }

    /// An error status whose body the API declares as bytes.
    pub(crate) fn error_bytes(self, wrap: fn(Bytes) -> ErrorBody) -> Error {
        let body = self.body.clone();
        self.api_error(Some(wrap(body)))
    }

    /// An error status the API declares without a body, or does not declare.
    pub(crate) fn error(self) -> Error {
        self.api_error(None)
    }
}

/// Percent-encodes a path parameter so it stays one path segment.
pub(crate) fn path_param<T: serde::Serialize + ?Sized>(name: &str, value: &T) -> Result<String, Error> {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~').remove(b'.');
    let text = simple(&to_json(name, value)?);
    match text.as_str() {
        "" => Err(Error::invalid(name, "a path parameter cannot be empty")),
        // Dot segments would be resolved away by URL parsing.
        "." => Ok("%2E".to_owned()),
        ".." => Ok("%2E%2E".to_owned()),
        _ => Ok(percent_encoding::utf8_percent_encode(&text, SEGMENT).to_string()),
    }
}

fn to_json<T: serde::Serialize + ?Sized>(name: &str, value: &T) -> Result<serde_json::Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::invalid(name, e.to_string()))
}

/// A scalar as text: strings without quotes, other values as JSON.
fn scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The `simple` style: arrays and objects as comma-separated lists.
fn simple(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        serde_json::Value::Object(map) => {
            map.iter().flat_map(|(k, v)| [k.clone(), scalar(v)]).collect::<Vec<_>>().join(",")
        }
        other => scalar(other),
    }
}

trait HeaderNameExt {
    fn from_static_lower(name: &str) -> Result<HeaderName, Error>;
}

impl HeaderNameExt for HeaderName {
    fn from_static_lower(name: &str) -> Result<HeaderName, Error> {
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::invalid(name, "not a valid header name"))
    }
}
