//! Streamed responses: server-sent events ([`EventStream`]) and JSON
//! sequences ([`JsonStream`]: JSON Lines, NDJSON, JSON text sequences),
//! read one item at a time as the server sends them.
//!
//! A stream holds one item at most (the one being read; see
//! `framing.rs`), whatever the response's length, and no item larger than
//! [`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes).
//! Its time limits are the attempt's up to the response's head, then an
//! idle limit ([`ClientBuilder::stream_idle_timeout`](super::ClientBuilder::stream_idle_timeout))
//! on each wait for bytes.
//!
//! A stream that breaks (a connection cut, a body cut inside an item, the
//! idle limit) is sent again only where nothing can be received twice:
//! before its first item, as the retry policy and the operation's
//! idempotency allow; and, for server-sent events of a `GET` whose events
//! carried ids, by resuming after the last one (`Last-Event-ID`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use http_body::Body as _;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};

use super::client::{Answer, BodyError, Call, Client, Opened, Reading, ResponseFuture, read_body, with_call};
use super::DefaultApi;
use super::api::ApiDefinition;
use super::error::{BoxError, CallInfo, DecodeError, Error, TimeoutKind, TooLargeError, TransportError};
use super::framing::{Framer, Framing, RawItem};
use super::request::{RawResponse, Request};
use super::retry::RetryPolicy;
use super::values::ResponseValue;

/// Decodes the bytes of one item.
pub(crate) type DecodeItem<T> = fn(&[u8]) -> Result<T, BoxError>;

/// An item that is JSON.
pub(crate) fn json_item<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, BoxError> {
    serde_json::from_slice(bytes).map_err(Into::into)
}

/// An item that is text (the data of an event the API declares as a string).
pub(crate) fn text_item(bytes: &[u8]) -> Result<String, BoxError> {
    String::from_utf8(bytes.to_vec()).map_err(Into::into)
}

/// The error mapping of a call's statuses that are not successes.
pub(crate) type OnError<A> = fn(RawResponse) -> Error<A>;

/// One server-sent event, its data decoded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The event's name (its `event:` field); `message` when it gave none.
    pub event: String,
    /// The last event id the stream gave (its `id:` field, on this event or
    /// an earlier one), as the `lastEventId` of a browser's event.
    pub id: Option<String>,
    /// The reconnection time this event asked for (its `retry:` field).
    pub retry: Option<Duration>,
    /// The event's data (its `data:` lines, joined by line breaks), decoded
    /// as the API declares it.
    pub data: T,
}

/// The events of a `text/event-stream` response, each read and decoded
/// when the stream reaches it.
///
/// Read it with [`next`](EventStream::next) (or as a
/// [`futures_core::Stream`]). The stream ends (`None`) when the server
/// ends the response between events, or sends the data `[DONE]` (which no
/// JSON item can be; OpenAI-style APIs mark their end with it). An event
/// whose data does not decode is an [`Error::Decode`] that keeps the data
/// in [`raw_body`](Error::raw_body), and the stream goes on; any other
/// error ends it: a response cut inside an event (the error keeps what came
/// of it), a connection that fails, an event larger than the client reads
/// ([`Error::TooLarge`]), or a server silent past the idle limit
/// ([`TimeoutKind::Idle`]).
#[must_use = "a stream does nothing until it is read"]
pub struct EventStream<T, A: ApiDefinition = DefaultApi> {
    core: Core<A>,
    decode: DecodeItem<T>,
}

/// The items of a JSON Lines (NDJSON) or JSON text sequence response, each
/// read and decoded when the stream reaches it.
///
/// Read it with [`next`](JsonStream::next) (or as a
/// [`futures_core::Stream`]). The stream ends (`None`) with the response;
/// an item that does not decode is an [`Error::Decode`] that keeps its
/// bytes in [`raw_body`](Error::raw_body), and the stream goes on; any
/// other error ends it, as for an [`EventStream`].
#[must_use = "a stream does nothing until it is read"]
pub struct JsonStream<T, A: ApiDefinition = DefaultApi> {
    core: Core<A>,
    decode: DecodeItem<T>,
}

impl<T, A: ApiDefinition> std::fmt::Debug for EventStream<T, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("EventStream");
        self.core.describe(&mut out);
        out.field("last_event_id", &self.last_event_id()).finish_non_exhaustive()
    }
}

impl<T, A: ApiDefinition> std::fmt::Debug for JsonStream<T, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("JsonStream");
        self.core.describe(&mut out);
        out.finish_non_exhaustive()
    }
}

impl<T, A: ApiDefinition> EventStream<T, A> {
    /// The next event: `None` once the stream has ended.
    pub async fn next(&mut self) -> Option<Result<Event<T>, Error<A>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The last event id the server gave: where the stream resumes from
    /// (`Last-Event-ID`) if it is cut.
    pub fn last_event_id(&self) -> Option<&str> {
        self.core.framer.last_id()
    }

    /// How many events (and undecodable ones) the stream has given.
    pub fn items_read(&self) -> u64 {
        self.core.items
    }

    /// Changes the stream's idle limit from here on.
    pub fn set_idle_timeout(&mut self, limit: Duration) {
        self.core.idle = Some(limit);
    }
}

impl<T, A: ApiDefinition> JsonStream<T, A> {
    /// The next item: `None` once the stream has ended.
    pub async fn next(&mut self) -> Option<Result<T, Error<A>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// How many items (and undecodable ones) the stream has given.
    pub fn items_read(&self) -> u64 {
        self.core.items
    }

    /// Changes the stream's idle limit from here on.
    pub fn set_idle_timeout(&mut self, limit: Duration) {
        self.core.idle = Some(limit);
    }
}

impl<T, A: ApiDefinition> Stream for EventStream<T, A> {
    type Item = Result<Event<T>, Error<A>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let item = match this.core.poll_item(cx) {
            Poll::Ready(Some(Ok(item))) => item,
            Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => return Poll::Pending,
        };
        let data = match (this.decode)(&item.data) {
            Ok(data) => data,
            Err(why) => return Poll::Ready(Some(Err(this.core.undecoded(item.data, why)))),
        };
        Poll::Ready(Some(Ok(Event {
            event: item.event.unwrap_or_else(|| "message".to_owned()),
            id: item.id,
            retry: item.retry,
            data,
        })))
    }
}

impl<T, A: ApiDefinition> Stream for JsonStream<T, A> {
    type Item = Result<T, Error<A>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match this.core.poll_item(cx) {
            Poll::Ready(Some(Ok(item))) => Poll::Ready(Some(match (this.decode)(&item.data) {
                Ok(value) => Ok(value),
                Err(why) => Err(this.core.undecoded(item.data, why)),
            })),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Opens a stream of server-sent events: what `send` (or `stream`) of an
/// operation that answers with one returns.
pub(crate) fn events<T: Send + 'static, A: ApiDefinition>(
    client: Client<A>,
    call: Call,
    request: Result<Request, Error<A>>,
    decode: DecodeItem<T>,
    on_error: OnError<A>,
) -> ResponseFuture<EventStream<T, A>, A> {
    ResponseFuture::boxed(Box::pin(async move {
        let opened = Core::open(client, call, request, Framing::ServerSentEvents, on_error).await?;
        Ok(opened.map(|core| EventStream { core, decode }))
    }))
}

/// Opens a stream of JSON items (`framing`: JSON Lines or JSON text
/// sequences, as the operation declares; the response's own `Content-Type`
/// decides when it names one of them).
pub(crate) fn json_items<T: Send + 'static, A: ApiDefinition>(
    client: Client<A>,
    call: Call,
    request: Result<Request, Error<A>>,
    framing: Framing,
    decode: DecodeItem<T>,
    on_error: OnError<A>,
) -> ResponseFuture<JsonStream<T, A>, A> {
    ResponseFuture::boxed(Box::pin(async move {
        let opened = Core::open(client, call, request, framing, on_error).await?;
        Ok(opened.map(|core| JsonStream { core, decode }))
    }))
}

/// What sending the call again needs.
struct Source<A: ApiDefinition> {
    client: Client<A>,
    call: Call,
    request: Request,
    extra: HeaderMap,
    on_error: OnError<A>,
    declared: Framing,
}

type Opening<A> = Pin<Box<dyn Future<Output = Result<(Opened, Framing), Error<A>>> + Send + 'static>>;

enum State<A: ApiDefinition> {
    Reading(reqwest::Body),
    /// The body has ended: what the framer still holds is read out.
    Ended,
    /// Sending the call again (after a wait).
    Opening(Opening<A>),
    Done,
}

/// What every stream does, whatever its item type: reading, framing, time
/// limits, reconnecting.
struct Core<A: ApiDefinition> {
    source: Box<Source<A>>,
    framer: Framer,
    state: State<A>,
    /// The status and headers of the response being read.
    status: StatusCode,
    headers: HeaderMap,
    call: CallInfo,
    idle: Option<Duration>,
    /// The idle timer, armed while waiting for bytes.
    timer: Pin<Box<tokio::time::Sleep>>,
    armed: bool,
    limit: u64,
    policy: RetryPolicy,
    /// Items given since the stream opened.
    items: u64,
    /// Reconnections since the last item.
    failures: u32,
    /// Whether a cut stream resumes after its last event id.
    resumable: bool,
}

impl<A: ApiDefinition> Core<A> {
    async fn open(
        client: Client<A>,
        call: Call,
        request: Result<Request, Error<A>>,
        declared: Framing,
        on_error: OnError<A>,
    ) -> Result<ResponseValue<Core<A>>, Error<A>> {
        let prepared = request.and_then(|request| Ok((request, call.extra_headers()?)));
        let (mut request, extra) = prepared.map_err(|e| with_call(e, call.info(0)))?;
        if declared == Framing::ServerSentEvents {
            // What a browser's EventSource asks: no cached answer.
            request.headers.insert(reqwest::header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
        let (opened, framing) = connect(&client, &call, &request, &extra, declared, on_error).await?;
        let resumable = framing == Framing::ServerSentEvents && call.method == reqwest::Method::GET;
        let policy = client.policy(&call);
        let idle = client.idle_timeout();
        let limit = client.max_response_bytes();
        let Opened { status, headers, response, call: info } = opened;
        let value_headers = headers.clone();
        let core = Core {
            source: Box::new(Source { client, call, request, extra, on_error, declared }),
            framer: Framer::new(framing),
            state: State::Reading(reqwest::Body::from(response)),
            status,
            headers,
            call: info.clone(),
            idle,
            timer: Box::pin(tokio::time::sleep(Duration::ZERO)),
            armed: false,
            limit,
            policy,
            items: 0,
            failures: 0,
            resumable,
        };
        Ok(ResponseValue::new(core, status, value_headers, info))
    }

    fn describe(&self, out: &mut std::fmt::DebugStruct<'_, '_>) {
        out.field("operation", &self.call.operation)
            .field("framing", &self.framer.framing().name())
            .field("items_read", &self.items)
            .field("ended", &matches!(self.state, State::Done));
    }

    /// Ends the stream: nothing more is read (the connection is dropped).
    fn end(&mut self) {
        self.state = State::Done;
    }

    /// The error of an item that does not decode, keeping its bytes.
    fn undecoded(&self, raw: Bytes, why: BoxError) -> Error<A> {
        let what = match self.framer.framing() {
            Framing::ServerSentEvents => "an event's data",
            _ => "an item",
        };
        Error::Decode(Box::new(DecodeError {
            status: self.status,
            headers: self.headers.clone(),
            source: format!("{what} ({} bytes) does not decode as declared: {why}", raw.len()).into(),
            raw,
            call: self.call.clone(),
        }))
    }

    /// The next item, framed but not decoded.
    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<RawItem, Error<A>>>> {
        loop {
            if !matches!(self.state, State::Done | State::Opening(_))
                && let Some(item) = self.framer.next()
            {
                return self.give(item);
            }
            match &mut self.state {
                State::Done => return Poll::Ready(None),
                State::Opening(opening) => match opening.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok((opened, framing))) => self.adopt(opened, framing),
                    Poll::Ready(Err(e)) => return self.fail(e),
                },
                State::Ended => match self.framer.finish() {
                    Ok(Some(item)) => return self.give(item),
                    Ok(None) => {
                        self.state = State::Done;
                        return Poll::Ready(None);
                    }
                    Err(cut) => {
                        let e = self.cut(cut.partial);
                        if let Err(e) = self.reopen(e) {
                            return self.fail(e);
                        }
                    }
                },
                State::Reading(body) => match Pin::new(body).poll_frame(cx) {
                    Poll::Ready(Some(Ok(frame))) => {
                        self.armed = false;
                        if let Ok(data) = frame.into_data() {
                            self.framer.push(&data);
                            if self.framer.held() as u64 > self.limit {
                                let e = self.too_large();
                                return self.fail(e);
                            }
                        }
                    }
                    Poll::Ready(Some(Err(e))) => {
                        let e = self.broken(e.into());
                        if let Err(e) = self.reopen(e) {
                            return self.fail(e);
                        }
                    }
                    Poll::Ready(None) => self.state = State::Ended,
                    Poll::Pending => {
                        // The idle limit runs only while the caller waits
                        // for bytes: a caller slow to read is not a server
                        // gone silent.
                        let Some(idle) = self.idle else { return Poll::Pending };
                        if !self.armed {
                            match tokio::time::Instant::now().checked_add(idle) {
                                Some(at) => self.timer.as_mut().reset(at),
                                None => return Poll::Pending,
                            }
                            self.armed = true;
                        }
                        if self.timer.as_mut().poll(cx).is_pending() {
                            return Poll::Pending;
                        }
                        self.armed = false;
                        let e = with_call(Error::timeout(TimeoutKind::Idle, idle, None), self.call.clone());
                        if let Err(e) = self.reopen(e) {
                            return self.fail(e);
                        }
                    }
                },
            }
        }
    }

    /// Gives `item` to the caller; the data `[DONE]` of an event (which
    /// no JSON item can be) ends the stream instead.
    fn give(&mut self, item: RawItem) -> Poll<Option<Result<RawItem, Error<A>>>> {
        if self.framer.framing() == Framing::ServerSentEvents && &item.data[..] == b"[DONE]" {
            self.end();
            return Poll::Ready(None);
        }
        self.items += 1;
        self.failures = 0;
        Poll::Ready(Some(Ok(item)))
    }

    fn fail(&mut self, e: Error<A>) -> Poll<Option<Result<RawItem, Error<A>>>> {
        self.state = State::Done;
        Poll::Ready(Some(Err(e)))
    }

    /// Reads the response of a reconnection.
    fn adopt(&mut self, opened: Opened, framing: Framing) {
        let Opened { status, headers, response, call } = opened;
        if framing != self.framer.framing() {
            // Another media type than the first response's: what the last
            // id said of the old one does not carry over.
            self.framer = Framer::new(framing);
        }
        self.status = status;
        self.headers = headers;
        self.call = call;
        self.armed = false;
        self.state = State::Reading(reqwest::Body::from(response));
    }

    /// A read that failed.
    fn broken(&self, source: BoxError) -> Error<A> {
        Error::Transport(Box::new(TransportError {
            source: format!("the {} stream broke after {} item(s): {source}", self.framer.framing().name(), self.items).into(),
            sent: true,
            url: Some(self.source.request.url.clone()),
            call: self.call.clone(),
            retryable: true,
        }))
    }

    /// A response that ended inside an item: what came of it is kept.
    fn cut(&self, partial: Bytes) -> Error<A> {
        Error::Decode(Box::new(DecodeError {
            status: self.status,
            headers: self.headers.clone(),
            source: format!(
                "the {} stream ended inside an item, after {} whole item(s): the {} byte(s) read of it are kept",
                self.framer.framing().name(),
                self.items,
                partial.len()
            )
            .into(),
            raw: partial,
            call: self.call.clone(),
        }))
    }

    fn too_large(&mut self) -> Error<A> {
        let received = self.framer.held() as u64;
        let mut head = self.framer.restart();
        head.truncate(64 * 1024);
        Error::TooLarge(Box::new(TooLargeError {
            status: self.status,
            headers: self.headers.clone(),
            limit: self.limit,
            announced: None,
            received,
            head,
            call: self.call.clone(),
        }))
    }

    /// After `why` broke the stream: sends the call again where nothing can
    /// be received twice, or gives `why` back. Before the first item, a
    /// retry as the policy and the operation's idempotency allow; after it,
    /// only a stream of server-sent events of a `GET` that gave an event
    /// id, resumed after it.
    fn reopen(&mut self, why: Error<A>) -> Result<(), Error<A>> {
        let source = &*self.source;
        let resume = self.resumable && self.framer.last_id().is_some();
        let fresh = self.items == 0 && source.client.may_repeat(&source.call, Some(&why));
        if !(resume || fresh) || self.failures >= self.policy.max_retries {
            return Err(why);
        }
        self.failures += 1;
        // What came of the item cut is sent again by the server.
        self.framer.restart();
        let delay = match self.framer.retry() {
            Some(asked) if resume => asked.min(self.policy.max_retry_after),
            _ => self.policy.jittered(self.failures),
        };
        let mut extra = source.extra.clone();
        if resume
            && let Some(id) = self.framer.last_id()
            && let Ok(value) = HeaderValue::from_bytes(id.as_bytes())
        {
            extra.insert("last-event-id", value);
        }
        tracing::info!(
            operation = source.call.operation,
            items = self.items,
            delay_ms = delay.as_millis() as u64,
            resume,
            error = %why,
            "reopening the stream"
        );
        let (client, call, request) = (source.client.clone(), source.call.clone(), source.request.clone());
        let (declared, on_error) = (source.declared, source.on_error);
        self.state = State::Opening(Box::pin(async move {
            tokio::time::sleep(delay).await;
            connect(&client, &call, &request, &extra, declared, on_error).await
        }));
        Ok(())
    }
}

/// Sends the call until it gets an answer: a success whose media type is a
/// stream of `declared`'s kind (or none), read as the stream; any other
/// success is an [`Error::Decode`] that keeps its body; any other status
/// the operation's error.
async fn connect<A: ApiDefinition>(
    client: &Client<A>,
    call: &Call,
    request: &Request,
    extra: &HeaderMap,
    declared: Framing,
    on_error: OnError<A>,
) -> Result<(Opened, Framing), Error<A>> {
    let mut opened = match client.attempts(call, request, extra, Reading::Stream).await? {
        Answer::Whole(raw) => return Err(on_error(raw)),
        Answer::Open(opened) => opened,
    };
    let content_type = opened.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let framing = match content_type.as_deref() {
        None => Some(declared),
        Some(ct) => match Framing::of_content_type(ct) {
            // A JSON sequence in the other framing is read in its own.
            Some(found) if found == declared || declared != Framing::ServerSentEvents && found != Framing::ServerSentEvents => {
                Some(found)
            }
            Some(_) => None,
            // Some servers label JSON Lines loosely.
            None if declared != Framing::ServerSentEvents && is_loose_json_lines(ct) => Some(declared),
            None => None,
        },
    };
    if let Some(framing) = framing {
        return Ok((opened, framing));
    }
    // Not the stream asked for (a JSON body, a proxy's page): read it
    // whole, within the limits, for the error to keep.
    let limit = client.max_response_bytes();
    let wait = client.idle_timeout().unwrap_or(Duration::MAX);
    let read = tokio::time::timeout(wait, read_body(&mut opened.response, limit)).await;
    let raw = match read {
        Ok(Ok(body)) => body,
        Ok(Err(BodyError::Read(e))) => return Err(with_call(Error::transport(e.without_url(), true), opened.call)),
        Ok(Err(BodyError::TooLarge { head, .. })) => head,
        Err(_) => return Err(with_call(Error::timeout(TimeoutKind::Idle, wait, None), opened.call)),
    };
    let shown = content_type.as_deref().unwrap_or("no content type");
    Err(Error::Decode(Box::new(DecodeError {
        status: opened.status,
        headers: opened.headers,
        raw,
        source: format!("the server answered `{shown}`, not the {} stream the call asked for", declared.name()).into(),
        call: opened.call,
    })))
}

/// Media types some servers give JSON Lines.
fn is_loose_json_lines(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    matches!(essence.as_str(), "application/json" | "text/plain" | "application/octet-stream")
}
