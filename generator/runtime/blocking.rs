//! The same operations, synchronously (cargo feature `blocking`).
//!
//! A blocking [`Client`] wraps the async one with a small runtime of its own:
//! each call blocks the calling thread until it completes, with the same
//! retries, time limits and errors. Its request builders are the async
//! ones in blocking mode: set parameters the same way, then call `send()`.
//! Paginated operations, and operations that answer with a stream of
//! events or JSON items, give an [`Iterator`] instead of a stream.
//!
//! A blocking call made inside an async runtime would stall it: it is refused
//! with [`Error::InvalidRequest`] instead. Use
//! the async client there.

use std::future::Future;
use std::sync::Arc;

use futures_core::Stream;

use super::DefaultApi;
use super::api::ApiDefinition;
use super::error::Error;

/// A client whose calls block. Cheap to clone: clones share the connection
/// pool and the runtime.
#[derive(Clone)]
pub struct Client<A: ApiDefinition = DefaultApi> {
    inner: super::Client<A>,
    runtime: Arc<Runtime>,
}

impl<A: ApiDefinition> std::fmt::Debug for Client<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("blocking::Client").field("inner", &self.inner).finish_non_exhaustive()
    }
}

/// The runtime, shut down in the background when the last clone goes, so
/// that dropping a blocking client never panics, wherever it happens.
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl<A: ApiDefinition> Client<A> {
    /// A blocking client that makes the same calls as `client`.
    pub fn from_async(client: super::Client<A>) -> Result<Client<A>, Error<A>> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name(concat!(env!("CARGO_PKG_NAME"), "-blocking"))
            .enable_all()
            .build()
            .map_err(|e| Error::transport(e, false))?;
        Ok(Client { inner: client, runtime: Arc::new(Runtime(Some(runtime))) })
    }

    /// The async client behind this one.
    pub fn as_async(&self) -> &super::Client<A> {
        &self.inner
    }

    pub(crate) fn mode(&self) -> Blocking {
        Blocking { runtime: self.runtime.clone() }
    }
}

impl<A: ApiDefinition> super::ClientBuilder<A> {
    /// Checks the configuration and builds a blocking client.
    pub fn build_blocking(self) -> Result<Client<A>, Error<A>> {
        Client::from_async(self.build()?)
    }
}

/// The mode of request builders made by a blocking [`Client`]: `send()`
/// blocks. It shares the client's runtime, so a builder owns everything it
/// needs.
#[derive(Clone)]
pub struct Blocking {
    runtime: Arc<Runtime>,
}

impl std::fmt::Debug for Blocking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Blocking")
    }
}

impl Blocking {
    /// Runs `future` to completion on the client's runtime.
    pub(crate) fn block_on<T, A: ApiDefinition>(&self, future: impl Future<Output = Result<T, Error<A>>>) -> Result<T, Error<A>> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::invalid(
                "blocking client",
                "called inside an async runtime, which it would stall: use the async client there",
            ));
        }
        match &self.runtime.0 {
            Some(runtime) => runtime.block_on(future),
            None => Err(Error::invalid("blocking client", "its runtime has shut down")),
        }
    }

    /// The stream as an iterator that blocks for each item.
    pub(crate) fn iter<S>(self, stream: S) -> Iter<S> {
        Iter { stream, runtime: self, done: false }
    }
}

/// The items of a stream, each waited for on the client's runtime.
#[must_use = "an iterator does nothing until it is read"]
pub struct Iter<S> {
    stream: S,
    runtime: Blocking,
    done: bool,
}

impl<S> std::fmt::Debug for Iter<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iter").field("done", &self.done).finish_non_exhaustive()
    }
}

impl<P: super::Page, A: ApiDefinition> Iter<super::Pages<P, A>> {
    /// The cursor of the next page (see [`Pages::cursor`](super::Pages::cursor)).
    pub fn cursor(&self) -> Option<&str> {
        self.stream.cursor()
    }
}

impl<P: super::Page, A: ApiDefinition> Iter<super::Items<P, A>> {
    /// The cursor of the page the next item comes from (see
    /// [`Items::cursor`](super::Items::cursor)).
    pub fn cursor(&self) -> Option<&str> {
        self.stream.cursor()
    }
}

impl<T, A: ApiDefinition> Iter<super::stream::EventStream<T, A>> {
    /// The last event id the server gave (see the stream's `last_event_id`).
    pub fn last_event_id(&self) -> Option<&str> {
        self.stream.last_event_id()
    }
}

impl<T, A: ApiDefinition, S> Iterator for Iter<S>
where
    S: Stream<Item = Result<T, Error<A>>> + Unpin,
{
    type Item = Result<T, Error<A>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let stream = &mut self.stream;
        let next = self.runtime.block_on::<_, A>(async { Ok(futures_util::StreamExt::next(stream).await) });
        match next {
            Ok(Some(item)) => Some(item),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
