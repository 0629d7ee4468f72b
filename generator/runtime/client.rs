//! The client, its configuration, and the loop that sends one call: every
//! attempt, its credentials, its time limits, and the waits between them.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument as _;

use super::DefaultApi;
use super::api::ApiDefinition;
use super::error::{BoxError, CallInfo, Error, TimeoutKind, TooLargeError, TransportError, ValidationError, is_retryable_status};
use super::request::{Auth, RawResponse, Request, header_name, is_sensitive};
use super::retry::{RetryPolicy, after_retry_after, retry_after};
use super::tls::{self, Certificate, TlsRoots};
use super::values::{IdempotencyKey, ResponseValue};

/// A client for the API `A`. Cheap to clone: clones share one configuration
/// and one connection pool.
#[derive(Clone)]
pub struct Client<A: ApiDefinition = DefaultApi> {
    inner: Arc<Inner>,
    api: PhantomData<fn() -> A>,
}

struct Inner {
    base_url: String,
    /// The base URL, parsed once: each request only sets its path.
    base: reqwest::Url,
    http: reqwest::Client,
    credentials: Credentials,
    user_agent: HeaderValue,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: RetryPolicy,
    max_response_bytes: u64,
    idle_timeout: Option<Duration>,
    /// Whether `http` is the caller's (`ClientBuilder::http_client`) or
    /// changed by the caller (`configure_http`): its redirect policy may
    /// follow redirects before the runtime sees them.
    callers_http: bool,
}

/// The default of [`ClientBuilder::max_response_bytes`]: 64 MiB.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// The default of [`ClientBuilder::stream_idle_timeout`]: 5 minutes.
pub(crate) const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// How many same-origin redirects one attempt of a `GET` or `HEAD` follows.
const MAX_REDIRECTS: usize = 5;

/// Where the bearer token comes from.
#[derive(Clone)]
enum Token {
    Fixed(String),
    Provider(Arc<dyn Fn() -> String + Send + Sync>),
}

/// The `Authorization` value of a bearer token, marked sensitive. Whitespace
/// around the token (the line break of a token read from a file) is dropped.
fn bearer_header(token: &str) -> Result<HeaderValue, ValidationError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(ValidationError::one("bearer token", "is empty"));
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| ValidationError::one("bearer token", "must be visible ASCII without line breaks"))?;
    value.set_sensitive(true);
    Ok(value)
}

#[derive(Clone, Default)]
struct Credentials {
    bearer: Option<Token>,
    /// The header of a fixed bearer token, made once when the client is built.
    bearer_header: Option<HeaderValue>,
    basic: Option<(String, Option<String>)>,
    /// The header of the basic credentials, made once when the client is built.
    basic_header: Option<HeaderValue>,
    api_key: Option<String>,
}

impl Credentials {
    /// The `Authorization` value for the next attempt.
    fn bearer(&self) -> Result<Option<HeaderValue>, ValidationError> {
        match &self.bearer {
            None => Ok(None),
            Some(Token::Fixed(_)) => Ok(self.bearer_header.clone()),
            Some(Token::Provider(f)) => bearer_header(&f()).map(Some),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets are never shown, only whether they are set.
        let bearer = self.bearer.as_ref().map(|t| match t {
            Token::Fixed(_) => "<redacted>",
            Token::Provider(_) => "<provider>",
        });
        f.debug_struct("Credentials")
            .field("bearer_token", &bearer)
            .field("basic_auth_user", &self.basic.as_ref().map(|(user, _)| user))
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl<A: ApiDefinition> fmt::Debug for Client<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &i.base_url)
            .field("credentials", &i.credentials)
            .field("timeout", &i.timeout)
            .field("deadline", &i.deadline)
            .field("retry", &i.retry)
            .field("max_response_bytes", &i.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl<A: ApiDefinition> Client<A> {
    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The retry policy of every call that does not set its own.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// The most bytes a response body (or one item of a stream) may hold.
    pub(crate) fn max_response_bytes(&self) -> u64 {
        self.inner.max_response_bytes
    }

    /// The longest a stream may send nothing.
    pub(crate) fn idle_timeout(&self) -> Option<Duration> {
        self.inner.idle_timeout
    }

    /// A request to `path` (already encoded) on this client's server.
    pub(crate) fn request(&self, path: &str) -> Result<Request, ValidationError> {
        Request::new(&self.inner.base, path)
    }

    /// The settings of one call, before the call sets any: a request
    /// builder's start.
    pub(crate) fn request_options(&self) -> RequestOptions {
        RequestOptions { sensitive: A::SENSITIVE_HEADERS, ..RequestOptions::default() }
    }
}

/// Configures a [`Client`].
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder<A: ApiDefinition = DefaultApi> {
    api: PhantomData<fn() -> A>,
    base_url: Option<String>,
    allow_http: bool,
    credentials: Credentials,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: RetryPolicy,
    user_agent: Option<String>,
    max_response_bytes: u64,
    idle_timeout: Option<Duration>,
    tls_roots: TlsRoots,
    root_certificates: Vec<Certificate>,
    configure_http: Option<ConfigureHttp>,
}

/// The caller's changes to the HTTP client the client builds
/// ([`ClientBuilder::configure_http`]).
type ConfigureHttp = Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;

impl<A: ApiDefinition> fmt::Debug for ClientBuilder<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("allow_http", &self.allow_http)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("stream_idle_timeout", &self.idle_timeout)
            .field("tls_roots", &self.tls_roots)
            .field("root_certificates", &self.root_certificates.len())
            .field("configure_http", &self.configure_http.is_some())
            .finish_non_exhaustive()
    }
}

impl<A: ApiDefinition> ClientBuilder<A> {
    /// A builder, starting from the API's own server (if the document names
    /// one). The API's `Client::builder()` calls it.
    pub(crate) fn new() -> Self {
        ClientBuilder {
            api: PhantomData,
            base_url: A::DEFAULT_BASE_URL.map(str::to_owned),
            allow_http: false,
            credentials: Credentials::default(),
            http: None,
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Some(Duration::from_secs(10)),
            deadline: None,
            retry: RetryPolicy::default(),
            user_agent: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            idle_timeout: Some(DEFAULT_IDLE_TIMEOUT),
            tls_roots: TlsRoots::default(),
            root_certificates: Vec::new(),
            configure_http: None,
        }
    }

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
    /// Whitespace around it (the line break of a token read from a file) is
    /// dropped; a token that still cannot travel in a header makes
    /// [`ClientBuilder::build`] fail.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials.bearer = Some(Token::Fixed(token.into()));
        self
    }

    /// A function that returns the current bearer token, asked before every
    /// attempt (so that a token refreshed meanwhile is used by the retry).
    /// Whitespace around the token is dropped; a token that cannot travel in
    /// a header fails the call with [`Error::InvalidRequest`] before sending.
    pub fn token_provider(mut self, provider: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.credentials.bearer = Some(Token::Provider(Arc::new(provider)));
        self
    }

    /// The user and password for basic authentication.
    pub fn basic_auth(mut self, user: impl Into<String>, password: Option<String>) -> Self {
        self.credentials.basic = Some((user.into(), password));
        self
    }

    /// The key for every API-key security scheme. Whitespace around it is dropped.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials.api_key = Some(key.into().trim().to_owned());
        self
    }

    /// The limit on each attempt, from connecting to the last byte of the
    /// response (60 s by default). An attempt that takes longer is abandoned
    /// and, where the retry policy allows, retried.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The limit on connecting (10 s by default; ignored with
    /// [`ClientBuilder::http_client`], whose own setting applies).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The limit on a whole call, every attempt and wait included (none by
    /// default). No attempt starts, and no wait is begun, that would end past it.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// How calls are retried ([`RetryPolicy::default`]: 2 retries).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header (the crate's name and version by default).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The most bytes a response body may hold (64 MiB by default, far
    /// above any response an API sends). A response that announces more,
    /// or sends more, ends its attempt at once with [`Error::TooLarge`]:
    /// nothing more is read, the connection is dropped, and the call is not
    /// retried.
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The longest a streamed response (server-sent events, JSON Lines)
    /// may send nothing (5 minutes by default; `None`: no limit). A stream
    /// may rightly last hours, so the attempt's
    /// [`timeout`](ClientBuilder::timeout) ends with its head; after that,
    /// this limit runs from the last bytes received (a heartbeat comment
    /// counts) and a stream past it ends with
    /// [`TimeoutKind::Idle`](super::TimeoutKind::Idle) (or, for a stream of
    /// server-sent events that can resume, resumes). `Duration::MAX`: no limit.
    pub fn stream_idle_timeout(mut self, limit: Duration) -> Self {
        self.idle_timeout = Some(limit);
        self
    }

    /// Which root certificates the client trusts ([`TlsRoots::Bundled`],
    /// Mozilla's, compiled in, by default; [`TlsRoots::Added`] for only
    /// those added with [`add_root_certificate`](ClientBuilder::add_root_certificate)).
    pub fn tls_roots(mut self, roots: TlsRoots) -> Self {
        self.tls_roots = roots;
        self
    }

    /// Trusts `certificate` as a root as well: the CA of a proxy that
    /// re-signs TLS on a corporate network, or of a private test server.
    /// Read it with [`Certificate::from_pem`] or, for a bundle,
    /// [`Certificate::from_pem_bundle`] (and
    /// [`add_root_certificates`](ClientBuilder::add_root_certificates)).
    pub fn add_root_certificate(mut self, certificate: Certificate) -> Self {
        self.root_certificates.push(certificate);
        self
    }

    /// Trusts every certificate of `certificates` as a root as well (see
    /// [`add_root_certificate`](ClientBuilder::add_root_certificate)).
    pub fn add_root_certificates(mut self, certificates: impl IntoIterator<Item = Certificate>) -> Self {
        self.root_certificates.extend(certificates);
        self
    }

    /// Changes the HTTP client this builder makes before it is built: a
    /// proxy, a local address, pool or HTTP/2 settings. `configure` gets
    /// reqwest's builder with the client's TLS configuration, no redirect
    /// policy and the connect timeout already set. A redirect policy it
    /// sets is checked as a caller's client's is (see
    /// [`http_client`](ClientBuilder::http_client)).
    pub fn configure_http(
        mut self,
        configure: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.configure_http = Some(Arc::new(configure));
        self
    }

    /// Uses the caller's own HTTP client (its proxies, TLS roots, pool).
    /// Its own TLS settings apply: [`tls_roots`](ClientBuilder::tls_roots),
    /// added roots and [`configure_http`](ClientBuilder::configure_http)
    /// cannot be combined with it. A client built with this crate's
    /// `reqwest` alone has no TLS crypto provider (and reqwest panics
    /// building it): prefer `configure_http`, which starts from this
    /// client's TLS configuration.
    ///
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: the
    /// client made by [`ClientBuilder::build`] never lets the HTTP layer
    /// follow a redirect (it follows only same-origin redirects of `GET`
    /// and `HEAD` itself), while reqwest's default policy would re-send a
    /// request, body and idempotency key included, to whichever origin a
    /// `307` names. A response that such a client fetched from another
    /// origin than the request's is refused with [`Error::Transport`] and
    /// not retried.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client<A>, Error<A>> {
        let base_url = self
            .base_url
            .ok_or_else(|| Error::invalid("base URL", "the API document names no server: set one with `ClientBuilder::base_url`"))?;
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
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::invalid("base URL", "cannot have a query or a fragment"));
        }
        let user_agent = self.user_agent.unwrap_or_else(|| user_agent_for(A::API_VERSION));
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|e| Error::invalid("user agent", e.to_string()))?;
        let mut credentials = self.credentials;
        if let Some(Token::Fixed(token)) = &credentials.bearer {
            credentials.bearer_header = Some(bearer_header(token)?);
        }
        if let Some((user, password)) = &credentials.basic {
            use base64::Engine as _;
            let pair = format!("{user}:{}", password.as_deref().unwrap_or_default());
            let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
            let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
                .map_err(|_| Error::invalid("basic auth", "must be visible ASCII without line breaks"))?;
            value.set_sensitive(true);
            credentials.basic_header = Some(value);
        }
        let base_url = base_url.trim_end_matches('/').to_owned();
        let base = reqwest::Url::parse(&base_url).map_err(|e| Error::invalid("base URL", e.to_string()))?;
        let callers_http = self.http.is_some() || self.configure_http.is_some();
        let http = match self.http {
            Some(_)
                if self.tls_roots != TlsRoots::default()
                    || !self.root_certificates.is_empty()
                    || self.configure_http.is_some() =>
            {
                return Err(Error::invalid(
                    "HTTP client",
                    "`tls_roots`, `add_root_certificate` and `configure_http` configure the client's own HTTP client: \
                     with `http_client`, configure the client given",
                ));
            }
            Some(http) => http,
            None => {
                // Redirects are the runtime's to follow (same origin, `GET`
                // and `HEAD` only), never the HTTP layer's. TLS is
                // configured here, not by the machine (see `tls`).
                let mut builder = reqwest::Client::builder()
                    .tls_backend_preconfigured(tls::config(self.tls_roots, &self.root_certificates)?)
                    .redirect(reqwest::redirect::Policy::none())
                    .https_only(!self.allow_http);
                if let Some(t) = self.connect_timeout {
                    builder = builder.connect_timeout(t);
                }
                if let Some(configure) = &self.configure_http {
                    builder = configure(builder);
                }
                builder.build().map_err(|e| Error::transport(e, false))?
            }
        };
        Ok(Client {
            api: PhantomData,
            inner: Arc::new(Inner {
                base_url,
                base,
                http,
                credentials,
                user_agent,
                timeout: self.timeout,
                deadline: self.deadline,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
                idle_timeout: self.idle_timeout,
                callers_http,
            }),
        })
    }
}

/// Settings of one call that override the client's.
#[derive(Clone, Default)]
pub(crate) struct RequestOptions {
    /// The API's key headers ([`ApiDefinition::SENSITIVE_HEADERS`]): their
    /// values are never shown.
    pub(crate) sensitive: &'static [&'static str],
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) headers: Vec<(String, String)>,
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values that may hold credentials are never shown.
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let sensitive = header_name(name).map_or(true, |n| is_sensitive(&n, self.sensitive));
                (name.as_str(), if sensitive { "<redacted>" } else { value.as_str() })
            })
            .collect();
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("max_retries", &self.max_retries)
            .field("headers", &headers)
            .finish()
    }
}

impl RequestOptions {
    /// Sets the header `name` for every attempt, replacing an earlier one
    /// of the same name (the builders' `extra_header`).
    pub(crate) fn set_header(&mut self, name: String, value: String) {
        self.headers.retain(|(n, _)| !n.trim().eq_ignore_ascii_case(name.trim()));
        self.headers.push((name, value));
    }
}

/// Whether repeating a request is safe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Idempotency {
    /// The method is idempotent by HTTP.
    Method,
    /// Every attempt carries this idempotency key, in the header named.
    Key(IdempotencyKey, &'static str),
    /// Neither: retried only when it certainly never reached the server.
    Unsafe,
}

impl Idempotency {
    /// The idempotency of `method` without a key.
    pub(crate) fn of(method: &Method) -> Idempotency {
        match *method {
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE => Idempotency::Method,
            // QUERY is safe and idempotent (draft-ietf-httpbis-safe-method-w-body).
            _ if method.as_str() == "QUERY" => Idempotency::Method,
            _ => Idempotency::Unsafe,
        }
    }
}

/// One call of an operation: what the generated code knows about it.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// The operationId.
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    /// The path template, for traces (never the filled-in path, which may hold ids).
    pub(crate) path: &'static str,
    /// The security alternatives, in order of preference.
    pub(crate) auth: &'static [&'static [Auth]],
    /// The headers the operation sets itself, each with the builder method
    /// that sets it: `extra_header` may not set them.
    pub(crate) headers: &'static [(&'static str, &'static str)],
    pub(crate) idempotency: Idempotency,
    pub(crate) options: RequestOptions,
    /// The `Accept` header, for an operation that answers in more than one
    /// way (JSON, or a stream): which one this call asks for.
    pub(crate) accept: Option<&'static str>,
}

impl Call {
    pub(crate) fn info(&self, attempts: u32) -> CallInfo {
        CallInfo {
            operation: self.operation,
            method: self.method.clone(),
            route: self.path,
            attempts,
            idempotency_key: match &self.idempotency {
                Idempotency::Key(k, _) => Some(k.clone()),
                _ => None,
            },
        }
    }

    /// The call's extra headers, checked once: valid names and values, and
    /// none that the client or the operation sets itself.
    pub(crate) fn extra_headers(&self) -> Result<HeaderMap, ValidationError> {
        let mut out = HeaderMap::new();
        for (name, value) in &self.options.headers {
            let header = header_name(name)?;
            if let Some(why) = self.owner(&header) {
                return Err(ValidationError::one(name.as_str(), why));
            }
            let mut value = HeaderValue::from_str(value.trim())
                .map_err(|_| ValidationError::one(name.as_str(), "a header value must be visible ASCII without line breaks"))?;
            if is_sensitive(&header, self.options.sensitive) {
                value.set_sensitive(true);
            }
            out.insert(header, value);
        }
        Ok(out)
    }

    /// Why `extra_header` may not set `header`, when the client or the
    /// operation sets it itself.
    fn owner(&self, header: &HeaderName) -> Option<String> {
        let name = header.as_str();
        if let Some((_, setter)) = self.headers.iter().find(|(wire, _)| wire.eq_ignore_ascii_case(name)) {
            return Some(format!("is set by the request builder's `.{setter}()` method, not by `extra_header`"));
        }
        // Another spelling of the key's header (`Idempotency-Key` beside
        // `X-Idempotency-Key`): a server that honours it would act on a key
        // the client never reports.
        // (One condition per `if`, not a let chain: the crate's minimum
        // Rust is older than let chains, a holding crate's may not be.)
        let key_header = match &self.idempotency {
            Idempotency::Key(_, header) => Some(header),
            _ => None,
        };
        if let Some(header) =
            key_header.filter(|h| same_spelling(name, "Idempotency-Key") || same_spelling(name, h))
        {
            let setter = self
                .headers
                .iter()
                .find(|(wire, _)| wire.eq_ignore_ascii_case(header))
                .map_or("idempotency_key", |(_, setter)| setter);
            return Some(format!(
                "is a spelling of the idempotency key, which this operation sends as `{header}`: \
                 set it with the request builder's `.{setter}()`, not `extra_header`"
            ));
        }
        let api_key = self.auth.iter().flat_map(|alt| alt.iter()).any(|a| match a {
            Auth::ApiKeyHeader(n) => n.eq_ignore_ascii_case(name),
            _ => false,
        });
        if api_key {
            return Some("is the API key: set it with `ClientBuilder::api_key`, not `extra_header`".to_owned());
        }
        if name == "accept" && self.accept.is_some() {
            return Some("says which answer the call asks for, and is set by the request builder's `send` or `stream`".to_owned());
        }
        match name {
            "authorization" => {
                Some("is set from the client's credentials (`ClientBuilder::bearer_token` and the like), not by `extra_header`".to_owned())
            }
            "content-type" | "content-length" | "transfer-encoding" | "host" => {
                Some("is set by the client from the request, not by `extra_header`".to_owned())
            }
            _ => None,
        }
    }
}

/// Whether two header names are spellings of one name: the same letters and
/// digits, but for case, separators and an `X-` prefix (`X-Idempotency-Key`,
/// `Idempotency-Key`, `idempotency_key` and `IdempotencyKey` are one).
fn same_spelling(a: &str, b: &str) -> bool {
    let letters = |s: &str| -> String { s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect() };
    let (a, b) = (letters(a), letters(b));
    a == b || a.strip_prefix('x') == Some(b.as_str()) || b.strip_prefix('x') == Some(a.as_str())
}

/// The future of [`Client::execute`].
pub(crate) type ExecuteFuture<A> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<RawResponse, Error<A>>> + Send + 'static>>;

/// A call on its way: the request (with its retries), then the response
/// decoded as the operation declares. What `send` returns and `.await` on a
/// request builder awaits. It owns what it needs (`'static`), so it can be
/// spawned or returned from a function.
#[must_use = "a call does nothing until it is awaited"]
pub struct ResponseFuture<T, A: ApiDefinition = DefaultApi> {
    pending: Pending<T, A>,
}

/// A boxed future of a decoded response (a stream being opened).
pub(crate) type BoxedResponse<T, A> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<ResponseValue<T>, Error<A>>> + Send + 'static>>;

enum Pending<T, A: ApiDefinition> {
    /// A response read whole, then decoded.
    Whole { sending: ExecuteFuture<A>, decode: fn(RawResponse) -> Result<ResponseValue<T>, Error<A>> },
    /// Anything else: a stream being opened.
    Other(BoxedResponse<T, A>),
}

impl<T, A: ApiDefinition> ResponseFuture<T, A> {
    pub(crate) fn new(sending: ExecuteFuture<A>, decode: fn(RawResponse) -> Result<ResponseValue<T>, Error<A>>) -> Self {
        ResponseFuture { pending: Pending::Whole { sending, decode } }
    }

    pub(crate) fn boxed(future: BoxedResponse<T, A>) -> Self {
        ResponseFuture { pending: Pending::Other(future) }
    }
}

impl<T, A: ApiDefinition> fmt::Debug for ResponseFuture<T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<T, A: ApiDefinition> std::future::Future for ResponseFuture<T, A> {
    type Output = Result<ResponseValue<T>, Error<A>>;

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        match &mut self.get_mut().pending {
            Pending::Whole { sending, decode } => match sending.as_mut().poll(cx) {
                std::task::Poll::Pending => std::task::Poll::Pending,
                std::task::Poll::Ready(Ok(raw)) => std::task::Poll::Ready(decode(raw)),
                std::task::Poll::Ready(Err(e)) => std::task::Poll::Ready(Err(e)),
            },
            Pending::Other(future) => future.as_mut().poll(cx),
        }
    }
}

/// What one attempt ended with. One lives at a time, on the stack of the
/// retry loop: boxing the response would cost an allocation per attempt.
#[allow(clippy::large_enum_variant)]
enum Attempt<A: ApiDefinition> {
    Response(Answer),
    Failed(Error<A>),
}

impl<A: ApiDefinition> Attempt<A> {
    /// What the call ends with, when this is its last attempt.
    fn into_result(self) -> Result<Answer, Error<A>> {
        match self {
            Attempt::Response(answer) => Ok(answer),
            Attempt::Failed(e) => Err(e),
        }
    }

    /// Says the call made `attempts` attempts.
    fn set_attempts(&mut self, call: &Call, attempts: u32) {
        match self {
            Attempt::Response(answer) => answer.set_call(call.info(attempts)),
            Attempt::Failed(e) => *e.call_mut() = call.info(attempts),
        }
    }
}

/// How an attempt reads a success response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// Whole, under the attempt's time limit.
    Whole,
    /// Not at all: its body is a stream, read by the caller item by item.
    /// The attempt's time limit ends with the response's head.
    Stream,
}

/// A response: read whole, or (a success, read as a stream) with its body
/// still to come.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Answer {
    Whole(RawResponse),
    Open(Opened),
}

impl Answer {
    fn status(&self) -> reqwest::StatusCode {
        match self {
            Answer::Whole(raw) => raw.status,
            Answer::Open(open) => open.status,
        }
    }

    fn headers(&self) -> &HeaderMap {
        match self {
            Answer::Whole(raw) => &raw.headers,
            Answer::Open(open) => &open.headers,
        }
    }

    fn set_call(&mut self, info: CallInfo) {
        match self {
            Answer::Whole(raw) => raw.call = info,
            Answer::Open(open) => open.call = info,
        }
    }
}

/// A success response whose body is still to be read.
pub(crate) struct Opened {
    pub(crate) status: reqwest::StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) response: reqwest::Response,
    pub(crate) call: CallInfo,
}

impl<A: ApiDefinition> Client<A> {
    /// Sends `request` as `call`: attempts it, retries it as the policy and
    /// the operation's idempotency allow, and returns the last response read
    /// whole (whatever its status) or the last failure.
    ///
    /// `request` is the outcome of building the request: an error there (a
    /// value that breaks the API's rules) is returned as it is, with the
    /// call's details, and nothing is sent.
    ///
    /// The future is boxed: every operation awaits this one type, so that the
    /// compiler proves it `Send` once rather than once per operation, and
    /// each operation's own future stays small. It owns the client (a shared
    /// handle), so it borrows nothing.
    pub(crate) fn execute(self, call: Call, request: Result<Request, Error<A>>) -> ExecuteFuture<A> {
        Box::pin(async move {
            let prepared = request.and_then(|request| Ok((request, call.extra_headers()?)));
            let (request, extra) = prepared.map_err(|e| with_call(e, call.info(0)))?;
            let span = tracing::info_span!(
                "api_call",
                operation = call.operation,
                http.method = %call.method,
                http.route = call.path,
                attempts = tracing::field::Empty,
                http.status_code = tracing::field::Empty,
            );
            // Without a subscriber that wants the span, the call is not
            // wrapped in it at all: tracing costs nothing to those who do not trace.
            let attempts = async {
                match self.attempts(&call, &request, &extra, Reading::Whole).await? {
                    Answer::Whole(raw) => Ok(raw),
                    // Only `Reading::Stream` opens a stream: not reached.
                    Answer::Open(_) => Err(Error::transport("a streamed response where none was asked for", true)),
                }
            };
            let result = if span.is_disabled() { attempts.await } else { attempts.instrument(span.clone()).await };
            match &result {
                Ok(r) => {
                    span.record("attempts", r.call.attempts);
                    span.record("http.status_code", r.status.as_u16());
                }
                Err(e) => {
                    span.record("attempts", e.attempts());
                }
            }
            result
        })
    }

    /// The retry policy of `call`: its own, or the client's, with its
    /// `max_retries` if it set one.
    pub(crate) fn policy(&self, call: &Call) -> RetryPolicy {
        let mut policy = call.options.retry.unwrap_or(self.inner.retry);
        if let Some(n) = call.options.max_retries {
            policy.max_retries = n;
        }
        policy
    }

    /// The attempts of one call, as its retry policy allows: the last
    /// response (whatever its status) or the last failure.
    pub(crate) async fn attempts(
        &self,
        call: &Call,
        request: &Request,
        extra: &HeaderMap,
        reading: Reading,
    ) -> Result<Answer, Error<A>> {
        let inner = &*self.inner;
        let started = Instant::now();
        let deadline = call.options.deadline.or(inner.deadline);
        let policy = self.policy(call);
        let attempt_timeout = call.options.timeout.or(inner.timeout);
        let mut attempt = 0u32;
        // The outcome of the attempt before, kept while waiting to retry: a
        // retry that the deadline cuts short says less than it (a 503 and
        // its body, a reset), so the call ends with it.
        let mut previous: Option<Attempt<A>> = None;
        loop {
            attempt += 1;
            let remaining = match deadline {
                Some(d) => match d.checked_sub(started.elapsed()) {
                    Some(r) if !r.is_zero() => Some(r),
                    _ => {
                        return match previous {
                            Some(before) => before.into_result(),
                            None => Err(with_call(Error::timeout(TimeoutKind::Deadline, d, None), call.info(attempt - 1))),
                        };
                    }
                },
                None => None,
            };
            // The attempt's limit: its own timeout, or what is left of the deadline.
            let (limit, kind) = match (attempt_timeout, remaining) {
                (Some(t), Some(r)) if r < t => (Some(r), TimeoutKind::Deadline),
                (Some(t), _) => (Some(t), TimeoutKind::Attempt),
                (None, Some(r)) => (Some(r), TimeoutKind::Deadline),
                (None, None) => (None, TimeoutKind::Attempt),
            };
            let attempt_started = Instant::now();
            let outcome = self.attempt(call, request, extra, limit, kind, reading).await;
            let latency_ms = attempt_started.elapsed().as_millis() as u64;
            // The call's details are attached before anything reports the
            // outcome, so that the event and the error agree.
            let outcome = match outcome {
                Ok(mut answer) => {
                    answer.set_call(call.info(attempt));
                    tracing::debug!(attempt, status = answer.status().as_u16(), latency_ms, "response");
                    Attempt::Response(answer)
                }
                Err(e) => {
                    let e = with_call(e, call.info(attempt));
                    tracing::debug!(attempt, latency_ms, error = %e, "attempt failed");
                    let cut_short = matches!(&e, Error::Timeout(t) if t.kind == TimeoutKind::Deadline);
                    match previous.take() {
                        Some(mut before) if cut_short => {
                            before.set_attempts(call, attempt);
                            return before.into_result();
                        }
                        _ => Attempt::Failed(e),
                    }
                }
            };
            let retries_left = attempt <= policy.max_retries;
            let delay = match &outcome {
                Attempt::Response(answer)
                    if retries_left && is_retryable_status(answer.status()) && self.may_repeat(call, None) =>
                {
                    match retry_after(answer.headers(), SystemTime::now()) {
                        Some(asked) if asked > policy.max_retry_after => None,
                        Some(asked) => Some(after_retry_after(asked)),
                        None => Some(policy.jittered(attempt)),
                    }
                }
                Attempt::Failed(e) if retries_left && e.is_retryable() && self.may_repeat(call, Some(e)) => {
                    Some(policy.jittered(attempt))
                }
                _ => None,
            };
            let fits = |delay: Duration| deadline.is_none_or(|d| started.elapsed().saturating_add(delay) < d);
            match (outcome, delay) {
                (outcome, Some(delay)) if fits(delay) => {
                    tracing::info!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                    previous = Some(outcome);
                }
                (Attempt::Response(raw), _) => return Ok(raw),
                (Attempt::Failed(e), _) => return Err(e),
            }
        }
    }

    /// Whether the call may be sent again after `failure` (`None`: after a
    /// retryable status, which means the server received it).
    pub(crate) fn may_repeat(&self, call: &Call, failure: Option<&Error<A>>) -> bool {
        match call.idempotency {
            Idempotency::Method | Idempotency::Key(..) => true,
            Idempotency::Unsafe => matches!(failure, Some(Error::Transport(t)) if !t.sent),
        }
    }

    /// One attempt: credentials, headers, body, time limit; the response
    /// read whole, or, for a success read as a stream, up to its head.
    async fn attempt(
        &self,
        call: &Call,
        request: &Request,
        extra: &HeaderMap,
        limit: Option<Duration>,
        kind: TimeoutKind,
        reading: Reading,
    ) -> Result<Answer, Error<A>> {
        let inner = &*self.inner;
        // Errors never carry the URL in their message (it may hold ids; an
        // API key in the query, too): the route is in the call's details,
        // and the URL without credentials in the error's `url` field.
        let failed = |e: reqwest::Error| {
            if e.is_timeout() {
                return Error::timeout(kind, limit.unwrap_or_default(), Some(Box::new(e.without_url()) as BoxError));
            }
            // A refused handshake refuses again: it is said as TLS's, and
            // not retried.
            let tls = tls::tls_error(&e).map(tls::explain);
            let e = e.without_url();
            Error::Transport(Box::new(TransportError {
                sent: !e.is_connect(),
                retryable: tls.is_none(),
                source: match tls {
                    Some(message) => Box::new(tls::TlsFailure { message, source: e }),
                    None => Box::new(e),
                },
                url: Some(request.url.clone()),
                call: CallInfo::default(),
            }))
        };
        // A redirect is followed only to the same origin, only for a `GET`
        // or `HEAD` without a body: nothing is ever re-sent elsewhere, and
        // what is re-sent could not act twice. Any other redirect is the
        // response (an `Error::Api` with its status and `Location`).
        let follows = matches!(call.method, Method::GET | Method::HEAD) && request.body.is_none();
        let ends = limit.map(|l| Instant::now() + l);
        // reqwest's own limit would cover a stream's whole body: a stream's
        // attempt is limited here instead, up to its head (or the whole
        // body of an answer that is not the stream).
        let streaming = reading == Reading::Stream;
        let elapsed = |_| Error::timeout(kind, limit.unwrap_or_default(), None);
        let mut visited: Vec<reqwest::Url> = Vec::new();
        let mut next: Option<reqwest::Url> = None;
        let mut response = loop {
            let (url, headers) = self.prepare(call, request, extra, next.take())?;
            // Only a client of the caller's can follow a redirect itself.
            let sent = inner.callers_http.then(|| url.clone());
            let mut req = reqwest::Request::new(call.method.clone(), url);
            if let Some((_, bytes)) = &request.body {
                *req.body_mut() = Some(reqwest::Body::from(bytes.clone()));
            }
            *req.headers_mut() = headers;
            let response = match ends {
                Some(end) if streaming => {
                    tokio::time::timeout_at(end.into(), inner.http.execute(req)).await.map_err(elapsed)?
                }
                _ => {
                    *req.timeout_mut() = ends.map(|end| end.saturating_duration_since(Instant::now()));
                    inner.http.execute(req).await
                }
            };
            let response = response.map_err(failed)?;
            if let Some(sent) = sent
                && !same_origin(response.url(), &sent)
            {
                // What came back is another origin's answer, not the API's.
                return Err(Error::Transport(Box::new(TransportError {
                    sent: true,
                    source: format!(
                        "the HTTP client followed a redirect to another origin ({}): its answer is not the API's; \
                         build the HTTP client (`http_client`, `configure_http`) with `redirect(reqwest::redirect::Policy::none())`",
                        response.url().origin().ascii_serialization()
                    )
                    .into(),
                    url: Some(request.url.clone()),
                    call: CallInfo::default(),
                    retryable: false,
                })));
            }
            match redirect_target(&response) {
                Some(to)
                    if follows
                        && visited.len() < MAX_REDIRECTS
                        && to != *response.url()
                        && !visited.contains(&to) =>
                {
                    visited.push(response.url().clone());
                    next = Some(to);
                }
                _ => break response,
            }
        };
        let status = response.status();
        let mut headers = std::mem::take(response.headers_mut());
        for (name, value) in headers.iter_mut() {
            if is_sensitive(name, A::SENSITIVE_HEADERS) {
                value.set_sensitive(true);
            }
        }
        if streaming && status.is_success() {
            return Ok(Answer::Open(Opened { status, headers, response, call: CallInfo::default() }));
        }
        let read = match ends {
            Some(end) if streaming => tokio::time::timeout_at(end.into(), read_body(&mut response, inner.max_response_bytes))
                .await
                .map_err(elapsed)?,
            _ => read_body(&mut response, inner.max_response_bytes).await,
        };
        let body = match read {
            Ok(body) => body,
            Err(BodyError::Read(e)) => return Err(failed(e)),
            Err(BodyError::TooLarge { received, head }) => {
                let announced = response.content_length();
                // Dropping the response drops its connection: nothing more is read.
                drop(response);
                return Err(Error::TooLarge(Box::new(TooLargeError {
                    status,
                    headers,
                    limit: inner.max_response_bytes,
                    announced,
                    received,
                    head,
                    call: CallInfo::default(),
                })));
            }
        };
        Ok(Answer::Whole(RawResponse { status, headers, body, call: CallInfo::default() }))
    }

    /// The URL and headers of one request of an attempt: `request`'s, or
    /// `redirected` (a same-origin redirect's URL), with the credentials,
    /// the user agent, the call's extra headers, cookies and content type.
    /// One header map, moved into the request: no builder, no merging.
    fn prepare(
        &self,
        call: &Call,
        request: &Request,
        extra: &HeaderMap,
        redirected: Option<reqwest::Url>,
    ) -> Result<(reqwest::Url, HeaderMap), ValidationError> {
        let inner = &*self.inner;
        let mut url = redirected.unwrap_or_else(|| request.url.clone());
        let mut headers = request.headers.clone();
        let mut cookies = request.cookies.clone();
        headers.insert(reqwest::header::USER_AGENT, inner.user_agent.clone());
        self.authorize(call.auth, &mut url, &mut headers, &mut cookies)?;
        if url.query() == Some("") {
            url.set_query(None);
        }
        for (name, value) in extra {
            headers.insert(name.clone(), value.clone());
        }
        if !cookies.is_empty() {
            let mut value =
                HeaderValue::from_str(&cookies.join("; ")).map_err(|_| ValidationError::one("cookies", "must be visible ASCII"))?;
            value.set_sensitive(true);
            headers.insert(reqwest::header::COOKIE, value);
        }
        if let Some((content_type, _)) = &request.body {
            headers.insert(reqwest::header::CONTENT_TYPE, content_type.clone());
        }
        if let Some(accept) = call.accept {
            headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static(accept));
        }
        Ok((url, headers))
    }

    /// Applies the first security alternative whose credentials are all set.
    fn authorize(
        &self,
        alternatives: &[&[Auth]],
        url: &mut reqwest::Url,
        headers: &mut HeaderMap,
        cookies: &mut Vec<String>,
    ) -> Result<(), ValidationError> {
        let creds = &self.inner.credentials;
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
                    if let Some(value) = creds.bearer()? {
                        headers.insert(reqwest::header::AUTHORIZATION, value);
                    }
                }
                Auth::Basic => {
                    if let Some(value) = &creds.basic_header {
                        headers.insert(reqwest::header::AUTHORIZATION, value.clone());
                    }
                }
                Auth::ApiKeyHeader(name) => {
                    let key = creds.api_key.clone().unwrap_or_default();
                    let mut value = HeaderValue::from_str(&key)
                        .map_err(|_| ValidationError::one("API key", "must be visible ASCII without line breaks"))?;
                    value.set_sensitive(true);
                    headers.insert(header_name(name)?, value);
                }
                Auth::ApiKeyQuery(name) => {
                    let key = creds.api_key.clone().unwrap_or_default();
                    url.query_pairs_mut().append_pair(name, &key);
                }
                Auth::ApiKeyCookie(name) => {
                    let key = creds.api_key.clone().unwrap_or_default();
                    cookies.push(super::request::cookie_pair(name, &key).map_err(|_| {
                        ValidationError::one("API key", "a cookie value cannot hold `;`, `,`, spaces, quotes or control characters")
                    })?);
                }
            }
        }
        Ok(())
    }
}

/// The same-origin URL a redirect response sends the request to, if it is one.
fn redirect_target(response: &reqwest::Response) -> Option<reqwest::Url> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get(reqwest::header::LOCATION)?.to_str().ok()?;
    let next = response.url().join(location).ok()?;
    same_origin(&next, response.url()).then_some(next)
}

/// Whether two URLs have one origin: scheme, host and port.
fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme() && a.host() == b.host() && a.port_or_known_default() == b.port_or_known_default()
}

/// Why a body was not read whole.
pub(crate) enum BodyError {
    Read(reqwest::Error),
    /// Past the limit: how many bytes came, and the first of them.
    TooLarge { received: u64, head: bytes::Bytes },
}

/// How much of a refused body an error keeps, to tell what it was.
const KEPT_HEAD: usize = 64 * 1024;

/// Reads a body whole, unless it announces or sends more than `limit` bytes:
/// then reading stops at once, having held at most `limit` bytes.
///
/// A body of one chunk (the usual small response) is kept as it came; one
/// of a known length is copied into one buffer of that length as it comes;
/// one of unknown length (chunked) is kept in its chunks, then joined once.
pub(crate) async fn read_body(response: &mut reqwest::Response, limit: u64) -> Result<bytes::Bytes, BodyError> {
    let announced = response.content_length();
    if announced.is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge { received: 0, head: bytes::Bytes::new() });
    }
    let mut chunks: Vec<bytes::Bytes> = Vec::new();
    // With a known length, the chunks after the first go straight into one buffer.
    let mut joined: Option<Vec<u8>> = None;
    let mut received = 0u64;
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
        received += chunk.len() as u64;
        if received > limit {
            let mut head: Vec<u8> = Vec::with_capacity(KEPT_HEAD);
            let pieces = joined.as_deref().into_iter().chain(chunks.iter().map(|c| &c[..])).chain([&chunk[..]]);
            for piece in pieces {
                let room = KEPT_HEAD - head.len();
                head.extend_from_slice(&piece[..piece.len().min(room)]);
            }
            return Err(BodyError::TooLarge { received, head: head.into() });
        }
        match (&mut joined, announced) {
            (Some(buffer), _) => buffer.extend_from_slice(&chunk),
            (None, Some(total)) if !chunks.is_empty() => {
                let mut buffer = Vec::with_capacity(total as usize);
                buffer.extend_from_slice(&chunks.pop().unwrap_or_default());
                buffer.extend_from_slice(&chunk);
                joined = Some(buffer);
            }
            (None, _) => chunks.push(chunk),
        }
    }
    Ok(match (joined, chunks.len()) {
        (Some(buffer), _) => buffer.into(),
        (None, 0) => bytes::Bytes::new(),
        (None, 1) => chunks.pop().unwrap_or_default(),
        (None, _) => chunks.concat().into(),
    })
}

/// `e` with the call's details.
pub(crate) fn with_call<A: ApiDefinition>(mut e: Error<A>, info: CallInfo) -> Error<A> {
    *e.call_mut() = info;
    e
}

/// The default user agent, `hexpay/1.1.0 api/1.0.0`: the crate and its
/// version, then the version of the API document it was generated from
/// (`api_version`), reduced to the characters a product token may hold.
/// Whatever the document wrote there (a date, spaces, non-ASCII letters,
/// nothing), the result is always a valid header value.
fn user_agent_for(api_version: &str) -> String {
    let api: String = api_version
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'))
        .collect();
    let krate = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
    if api.is_empty() {
        krate.to_owned()
    } else {
        format!("{krate} api/{api}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_is_a_header_value_whatever_the_api_version() {
        let krate = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
        assert_eq!(user_agent_for("2022-11-28"), format!("{krate} api/2022-11-28"));
        assert_eq!(user_agent_for("v1 (beta)\r\n"), format!("{krate} api/v1beta"));
        assert_eq!(user_agent_for("été 2.0"), format!("{krate} api/t2.0"));
        assert_eq!(user_agent_for(""), krate);
        assert_eq!(user_agent_for("  "), krate);
        for version in ["2022-11-28", "v1 (beta)\r\n", "été", "\u{202e}1.0", ""] {
            assert!(HeaderValue::from_str(&user_agent_for(version)).is_ok(), "{version:?}");
        }
    }

    fn call(idempotency: Idempotency) -> Call {
        Call {
            operation: "op",
            method: Method::POST,
            path: "/",
            auth: &[],
            headers: &[],
            idempotency,
            options: RequestOptions::default(),
            accept: None,
        }
    }

    #[test]
    fn a_call_without_idempotency_is_repeated_only_when_it_never_left() {
        let client = Client::builder().base_url("https://example.test").build().unwrap();
        let refused = Error::transport("connection refused", false);
        let reset = Error::transport("connection reset", true);
        let slow = Error::timeout(TimeoutKind::Attempt, Duration::from_secs(1), None);

        let unsafe_call = call(Idempotency::Unsafe);
        assert!(client.may_repeat(&unsafe_call, Some(&refused)));
        assert!(!client.may_repeat(&unsafe_call, Some(&reset)), "it may have been acted on");
        assert!(!client.may_repeat(&unsafe_call, Some(&slow)), "it may have been acted on");
        assert!(!client.may_repeat(&unsafe_call, None), "the server answered a retryable status");

        for safe in [call(Idempotency::Key(IdempotencyKey::new_v4(), "Idempotency-Key")), call(Idempotency::Method)] {
            assert!(client.may_repeat(&safe, Some(&reset)));
            assert!(client.may_repeat(&safe, Some(&slow)));
            assert!(client.may_repeat(&safe, None));
        }
    }

    #[test]
    fn basic_credentials_are_base64_of_user_colon_password() {
        let client = Client::builder()
            .base_url("https://example.test")
            .basic_auth("Aladdin", Some("open sesame".to_owned()))
            .build()
            .unwrap();
        let header = client.inner.credentials.basic_header.as_ref().unwrap();
        // RFC 7617's example.
        assert_eq!(header.to_str().unwrap(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(header.is_sensitive());
    }

    #[test]
    fn extra_headers_the_api_declares_as_keys_are_never_shown() {
        // What a request builder starts from: its client's API's key headers.
        let client = Client::builder().base_url("https://example.test").build().unwrap();
        assert_eq!(client.request_options().sensitive, <crate::Api as ApiDefinition>::SENSITIVE_HEADERS);
        let mut options = RequestOptions { sensitive: &["x-shop-pass"], ..RequestOptions::default() };
        options.set_header("X-Shop-Pass".to_owned(), "hunter2".to_owned());
        options.set_header("X-Trace".to_owned(), "trace-1".to_owned());
        let shown = format!("{options:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("<redacted>") && shown.contains("trace-1"), "{shown}");
    }

    #[test]
    fn idempotency_by_method() {
        for m in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS, Method::TRACE] {
            assert_eq!(Idempotency::of(&m), Idempotency::Method, "{m}");
        }
        for m in [Method::POST, Method::PATCH] {
            assert_eq!(Idempotency::of(&m), Idempotency::Unsafe, "{m}");
        }
    }
}
