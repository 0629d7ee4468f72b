//! The one error type of every call, and what each variant keeps.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::api::ApiDefinition;
use super::values::IdempotencyKey;
use super::DefaultApi;

/// A boxed error from below (the HTTP stack, the runtime).
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What every error and every response says about the call that made it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallInfo {
    /// The operation's id in the API document, such as `createPayment`.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: reqwest::Method,
    /// The path template, such as `/v1/payments/{paymentID}`: never the
    /// filled-in path, which may hold ids.
    pub route: &'static str,
    /// How many attempts were made (1 when the first succeeded or was not retried;
    /// 0 when the request was refused before sending). For a wait, how many
    /// polls were made.
    pub attempts: u32,
    /// The idempotency key every attempt carried, for an operation that takes one.
    pub idempotency_key: Option<IdempotencyKey>,
}

impl CallInfo {
    /// `createPayment (POST /v1/payments)`, or `the request` when unknown.
    fn describe(&self) -> String {
        match (self.operation, self.route) {
            ("", _) => "the request".to_owned(),
            (op, "") => op.to_owned(),
            (op, route) => format!("{op} ({} {route})", self.method),
        }
    }
}

/// Everything that can go wrong with a call.
///
/// The variant says where it went wrong: the server answered with a status
/// that is not a success ([`Error::Api`], whatever its body), the request or
/// response could not travel ([`Error::Transport`]), a time limit passed
/// ([`Error::Timeout`]), a success response did not decode as declared
/// ([`Error::Decode`]), a response was larger than the client reads
/// ([`Error::TooLarge`]), or the request was refused before anything was
/// sent ([`Error::InvalidRequest`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<A: ApiDefinition = DefaultApi> {
    /// The server answered with a status that is not a success (or one the
    /// API does not declare), whatever its body.
    #[error("{0}")]
    Api(Box<ApiError<A>>),
    /// The request could not be sent, or the response could not be read.
    #[error("{0}")]
    Transport(Box<TransportError>),
    /// A time limit passed: one attempt's, the call's deadline, or a wait's.
    #[error("{0}")]
    Timeout(Box<TimeoutError>),
    /// A success response did not match what the API declares for it.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// The request was refused before anything was sent.
    #[error("{0}")]
    InvalidRequest(Box<ValidationError>),
    /// A response was larger than the client's limit
    /// ([`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes)):
    /// it was not read further, and the call was not retried.
    #[error("{0}")]
    TooLarge(Box<TooLargeError>),
}

impl<A: ApiDefinition> Error<A> {
    /// The response's HTTP status, when there was a response.
    pub fn http_status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::TooLarge(e) => Some(e.status),
            Error::Transport(_) | Error::Timeout(_) | Error::InvalidRequest(_) => None,
        }
    }

    /// The decoded error body, when the API declares one for the status and
    /// the body decoded as declared.
    pub fn body(&self) -> Option<&A::ErrorBody> {
        match self {
            Error::Api(e) => e.body.as_ref(),
            _ => None,
        }
    }

    /// The raw response body, when there was a response read whole (for
    /// [`Error::TooLarge`], [`TooLargeError::head`] holds its first bytes).
    pub fn raw_body(&self) -> Option<&Bytes> {
        match self {
            Error::Api(e) => Some(&e.raw),
            Error::Decode(e) => Some(&e.raw),
            _ => None,
        }
    }

    /// The response headers, when there was a response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(e) => Some(&e.headers),
            Error::Decode(e) => Some(&e.headers),
            Error::TooLarge(e) => Some(&e.headers),
            _ => None,
        }
    }

    /// The server's request id (`x-request-id` or `request-id`), when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        request_id(self.headers()?)
    }

    /// Whether the same request may succeed if sent again later: a connection
    /// failure, an attempt that timed out, or the statuses 408, 429 and 5xx
    /// (but 501). The client already retried it as its retry policy allows.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => is_retryable_status(e.status),
            Error::Transport(e) => e.retryable,
            Error::Timeout(e) => matches!(e.kind, TimeoutKind::Attempt | TimeoutKind::Idle),
            Error::Decode(_) | Error::InvalidRequest(_) | Error::TooLarge(_) => false,
        }
    }

    /// The call this error ended.
    pub fn call(&self) -> &CallInfo {
        match self {
            Error::Api(e) => &e.call,
            Error::Transport(e) => &e.call,
            Error::Timeout(e) => &e.call,
            Error::Decode(e) => &e.call,
            Error::InvalidRequest(e) => &e.call,
            Error::TooLarge(e) => &e.call,
        }
    }

    /// The idempotency key the call's attempts carried (the one it would have
    /// carried, for a request refused before sending): set it on the retried
    /// request so that the server cannot act twice.
    pub fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.call().idempotency_key.as_ref()
    }

    /// How many attempts the call made.
    pub fn attempts(&self) -> u32 {
        self.call().attempts
    }

    pub(crate) fn call_mut(&mut self) -> &mut CallInfo {
        match self {
            Error::Api(e) => &mut e.call,
            Error::Transport(e) => &mut e.call,
            Error::Timeout(e) => &mut e.call,
            Error::Decode(e) => &mut e.call,
            Error::InvalidRequest(e) => &mut e.call,
            Error::TooLarge(e) => &mut e.call,
        }
    }

    /// A request refused before sending: `field` breaks `rule`.
    pub(crate) fn invalid(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Error::InvalidRequest(Box::new(ValidationError::one(field, rule)))
    }

    pub(crate) fn transport(source: impl Into<BoxError>, sent: bool) -> Self {
        Error::Transport(Box::new(TransportError { source: source.into(), sent, url: None, call: CallInfo::default(), retryable: true }))
    }

    pub(crate) fn timeout(kind: TimeoutKind, limit: Duration, source: Option<BoxError>) -> Self {
        Error::Timeout(Box::new(TimeoutError { kind, limit, source, call: CallInfo::default() }))
    }
}

/// Whether a status is worth retrying: 408, 429, and 5xx but 501.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429) || (status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED)
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    ["x-request-id", "request-id"].iter().find_map(|name| headers.get(*name)?.to_str().ok())
}

/// A status that is not a success, with everything the server sent.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError<A: ApiDefinition = DefaultApi> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers (credentials among them marked sensitive, so
    /// that `Debug` does not show them).
    pub headers: HeaderMap,
    /// The body decoded as the API declares it for this status; `None` when
    /// the API declares no body for the status, or when the body is not what
    /// it declares (an HTML page from a proxy, an empty body): then
    /// [`ApiError::body_error`] says why.
    pub body: Option<A::ErrorBody>,
    /// Why the body did not decode as the API declares it for this status.
    pub body_error: Option<BoxError>,
    /// The raw body, as received.
    pub raw: Bytes,
    /// The call.
    pub call: CallInfo,
}

impl<A: ApiDefinition> ApiError<A> {
    /// The server's request id (`x-request-id` or `request-id`), when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// Where a redirect points (its `Location` header), for a `3xx` status.
    /// The client follows no redirect to another origin, and none of a
    /// request with a body or of a method other than `GET` and `HEAD`: such
    /// a redirect is this error, and nothing was sent to where it points.
    pub fn location(&self) -> Option<&str> {
        if !self.status.is_redirection() {
            return None;
        }
        self.headers.get(reqwest::header::LOCATION)?.to_str().ok()
    }
}

impl<A: ApiDefinition> fmt::Display for ApiError<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered {} after {} attempt(s)", self.call.describe(), self.status, self.call.attempts)?;
        if let Some(id) = self.request_id() {
            write!(f, " (request id {id})")?;
        }
        if let Some(location) = self.location() {
            // The origin alone: the rest of a redirect's URL may hold a token.
            match reqwest::Url::parse(location) {
                Ok(url) => write!(f, ", a redirect to {} that was not followed", url.origin().ascii_serialization())?,
                Err(_) => f.write_str(", a redirect on the same server that was not followed")?,
            }
        }
        let text = String::from_utf8_lossy(&self.raw);
        let text = text.trim();
        if !text.is_empty() {
            // On one line, whatever the server sent: a body cannot forge a
            // line of the caller's log.
            let cut: String = text.chars().take(300).map(|c| if c.is_control() { ' ' } else { c }).collect();
            let more = if text.chars().nth(300).is_some() { "…" } else { "" };
            write!(f, ": {cut}{more}")?;
        }
        Ok(())
    }
}

/// A request that could not be sent, or a response that could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// What failed (without the URL, which messages leave out).
    pub source: BoxError,
    /// Whether the request may have reached the server: `false` only when no
    /// connection was made.
    pub sent: bool,
    /// The URL of the last attempt, parameters filled in (credentials left
    /// out). Messages and traces show the route template instead, since the
    /// URL may hold ids.
    pub url: Option<reqwest::Url>,
    /// The call.
    pub call: CallInfo,
    /// Whether sending again may help: not when the HTTP client was made to
    /// answer from another origin than the request's.
    pub(crate) retryable: bool,
}

impl TransportError {
    /// Whether the failure is a refused TLS handshake: a certificate not
    /// trusted or not for this host, or no TLS version in common. Such a
    /// failure is not retried; its message says what to change.
    pub fn is_tls(&self) -> bool {
        super::tls::tls_error(&*self.source).is_some()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: transport error after {} attempt(s): {}", self.call.describe(), self.call.attempts, chain(&*self.source))
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// Which time limit passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// One attempt took longer than the per-attempt timeout.
    Attempt,
    /// The call as a whole, retries included, passed its deadline.
    Deadline,
    /// A wait for a resource to reach a state passed its deadline.
    Wait,
    /// A streamed response sent nothing for longer than its idle limit
    /// ([`ClientBuilder::stream_idle_timeout`](super::ClientBuilder::stream_idle_timeout)).
    Idle,
}

/// A time limit that passed.
#[derive(Debug)]
#[non_exhaustive]
pub struct TimeoutError {
    /// Which limit.
    pub kind: TimeoutKind,
    /// The limit.
    pub limit: Duration,
    /// What the HTTP stack said, if it noticed; for a wait, the error of the
    /// last poll, if it failed.
    pub source: Option<BoxError>,
    /// The call (for a wait: the polling operation, and how many polls).
    pub call: CallInfo,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, unit) = match self.kind {
            TimeoutKind::Attempt => ("an attempt took longer than its timeout", "attempt(s)"),
            TimeoutKind::Deadline => ("the call passed its deadline", "attempt(s)"),
            TimeoutKind::Wait => ("the wait passed its deadline", "poll(s)"),
            TimeoutKind::Idle => ("the stream sent nothing for longer than its idle limit", "attempt(s)"),
        };
        write!(f, "{}: {what} of {:?} ({} {unit})", self.call.describe(), self.limit, self.call.attempts)?;
        if self.kind == TimeoutKind::Wait
            && let Some(last) = &self.source
        {
            write!(f, "; the last poll failed: {last}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TimeoutError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A response larger than the client's limit.
#[derive(Debug)]
#[non_exhaustive]
pub struct TooLargeError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The limit, in bytes
    /// ([`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes)).
    pub limit: u64,
    /// The size the response announced (`Content-Length`), when it did.
    pub announced: Option<u64>,
    /// How many bytes of the body were read before reading stopped (none
    /// when the announced size was already past the limit).
    pub received: u64,
    /// The first bytes of the body (at most 64 KiB), to tell what it was.
    pub head: Bytes,
    /// The call.
    pub call: CallInfo,
}

impl fmt::Display for TooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: the {} response is larger than the client's limit of {} bytes (", self.call.describe(), self.status, self.limit)?;
        match self.announced {
            Some(n) if n > self.limit => write!(f, "it announced {n} bytes")?,
            _ => write!(f, "{} bytes read before stopping", self.received)?,
        }
        write!(f, "); see `ClientBuilder::max_response_bytes`")
    }
}

impl std::error::Error for TooLargeError {}

/// A success response whose body does not decode as the API declares it.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body, as received.
    pub raw: Bytes,
    /// Why it does not decode.
    pub source: BoxError,
    /// The call.
    pub call: CallInfo,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: the {} response does not decode as declared: {}", self.call.describe(), self.status, self.source)
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// One broken rule: which value, and what it must be.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// The value at fault, as a path such as `body.payment_options.methods[0].coin`
    /// (wire names), or a name such as `base URL`.
    pub field: String,
    /// The rule it breaks, such as `at most 128 characters`.
    pub rule: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() { f.write_str(&self.rule) } else { write!(f, "{}: {}", self.field, self.rule) }
    }
}

/// Values that break the API's rules: every violation found, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationError {
    /// What is wrong, at least one.
    pub violations: Vec<Violation>,
    /// The call, when the value belonged to a request.
    pub call: CallInfo,
}

impl ValidationError {
    pub(crate) fn one(field: impl Into<String>, rule: impl Into<String>) -> ValidationError {
        ValidationError { violations: vec![Violation { field: field.into(), rule: rule.into() }], call: CallInfo::default() }
    }

    /// The first violation's value.
    pub fn field(&self) -> &str {
        self.violations.first().map_or("", |v| v.field.as_str())
    }

    /// The first violation's rule.
    pub fn rule(&self) -> &str {
        self.violations.first().map_or("", |v| v.rule.as_str())
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.call.operation.is_empty() {
            write!(f, "{}: ", self.call.describe())?;
        }
        f.write_str("invalid request: ")?;
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

impl<A: ApiDefinition> From<ValidationError> for Error<A> {
    fn from(e: ValidationError) -> Self {
        Error::InvalidRequest(Box::new(e))
    }
}

/// An error and its causes, on one line.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}
