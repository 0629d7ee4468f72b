//! Cursor pagination: a stream of pages that follows the next cursor, and a
//! stream of the items on them. Only the page being read is held in memory,
//! with one small hash per cursor followed (to stop a server whose cursors
//! loop).

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::DefaultApi;
use super::api::ApiDefinition;
use super::client::ResponseFuture;
use super::error::{DecodeError, Error};
use super::values::ResponseValue;

/// A page of a paginated operation: its items, and the cursor of the next page.
pub trait Page {
    /// One item of the page.
    type Item;

    /// The cursor of the next page; `None` (or empty) on the last page.
    fn next_cursor(&self) -> Option<&str>;

    /// The items, in order.
    fn into_items(self) -> Vec<Self::Item>;
}

/// Fetches the page at a cursor (`None`: the first page).
type Fetch<P, A> = Box<dyn Fn(Option<String>) -> ResponseFuture<P, A> + Send>;

/// What a stream of pages does next.
enum Next<A: ApiDefinition> {
    /// Fetch the page at this cursor (`None`: the first page).
    Fetch(Option<String>),
    /// The last page read cannot be followed: this error comes next.
    Fail(Error<A>),
    /// Nothing more.
    Done,
}

/// The pages of a paginated operation, fetched one at a time as the stream is
/// read, each under the client's retry policy. The stream ends after the page
/// without a next cursor, or after the first error. A server that hands out
/// a cursor this stream has already followed (`A → B → A`) would have it
/// read the same pages forever: the page is returned, then the stream ends
/// with an [`Error::Decode`] that names the operation and the cursor.
///
/// It owns what it needs (`'static`): return it from a function, or keep it
/// in a struct.
#[must_use = "a stream does nothing until it is read"]
pub struct Pages<P, A: ApiDefinition = DefaultApi> {
    fetch: Fetch<P, A>,
    next: Next<A>,
    /// The page being fetched, and its cursor.
    in_flight: Option<(Option<String>, ResponseFuture<P, A>)>,
    /// The cursor of the last page returned.
    last: Option<String>,
    /// A hash of every cursor followed.
    seen: HashSet<u64>,
    hasher: std::hash::RandomState,
    read: u64,
}

impl<P, A: ApiDefinition> std::fmt::Debug for Pages<P, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages").field("cursor", &self.cursor()).field("pages_read", &self.read).finish_non_exhaustive()
    }
}

impl<P: Page, A: ApiDefinition> Pages<P, A> {
    /// The next page: `None` after the last page, or after an error.
    pub async fn next(&mut self) -> Option<Result<ResponseValue<P>, Error<A>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<P, A: ApiDefinition> Pages<P, A> {
    /// Where the stream stands: the cursor of the next page it fetches (or is
    /// fetching). `None` before the first page when the listing starts at the
    /// beginning, and once the stream has ended. Save it to resume later by
    /// setting it as the request's cursor.
    pub fn cursor(&self) -> Option<&str> {
        match (&self.in_flight, &self.next) {
            (Some((cursor, _)), _) | (None, Next::Fetch(cursor)) => cursor.as_deref(),
            _ => None,
        }
    }

    fn hash(&self, cursor: &str) -> u64 {
        self.hasher.hash_one(cursor)
    }
}

impl<P: Page, A: ApiDefinition> Stream for Pages<P, A> {
    type Item = Result<ResponseValue<P>, Error<A>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some((cursor, mut future)) = this.in_flight.take() {
                let page = match Pin::new(&mut future).poll(cx) {
                    Poll::Pending => {
                        this.in_flight = Some((cursor, future));
                        return Poll::Pending;
                    }
                    Poll::Ready(page) => page,
                };
                let page = match page {
                    Ok(page) => page,
                    Err(e) => {
                        this.next = Next::Done;
                        return Poll::Ready(Some(Err(e)));
                    }
                };
                this.read += 1;
                this.next = match page.next_cursor().filter(|c| !c.is_empty()) {
                    None => Next::Done,
                    Some(next) if !this.seen.insert(this.hash(next)) => Next::Fail(cycle(&page, cursor.as_deref(), next, this.read)),
                    Some(next) => Next::Fetch(Some(next.to_owned())),
                };
                this.last = cursor;
                return Poll::Ready(Some(Ok(page)));
            }
            match std::mem::replace(&mut this.next, Next::Done) {
                Next::Fetch(cursor) => {
                    if let Some(c) = &cursor {
                        let hash = this.hash(c);
                        this.seen.insert(hash);
                    }
                    let future = (this.fetch)(cursor.clone());
                    this.in_flight = Some((cursor, future));
                }
                Next::Fail(e) => return Poll::Ready(Some(Err(e))),
                Next::Done => return Poll::Ready(None),
            }
        }
    }
}

/// The error that ends a listing whose server handed out a cursor it had
/// already given: the `read`th page, read at `cursor`, points back to `next`.
fn cycle<P, A: ApiDefinition>(page: &ResponseValue<P>, cursor: Option<&str>, next: &str, read: u64) -> Error<A> {
    let at = cursor.map_or_else(|| "the first page".to_owned(), |c| format!("the page at cursor `{c}`"));
    Error::Decode(Box::new(DecodeError {
        status: page.http_status(),
        headers: page.headers().clone(),
        raw: bytes::Bytes::new(),
        source: format!(
            "{at} (page {read} of this listing) gives the next cursor `{next}`, which this listing has already followed: the server's cursors loop, so paging stops"
        )
        .into(),
        call: page.call().clone(),
    }))
}

/// The pages that `fetch` gets, starting at `first` (no cursor: the first
/// page), following each page's next cursor until a page has none.
pub(crate) fn pages<P: Page, A: ApiDefinition>(
    first: Option<String>,
    fetch: impl Fn(Option<String>) -> ResponseFuture<P, A> + Send + 'static,
) -> Pages<P, A> {
    Pages {
        fetch: Box::new(fetch),
        next: Next::Fetch(first),
        in_flight: None,
        last: None,
        seen: HashSet::new(),
        hasher: std::hash::RandomState::new(),
        read: 0,
    }
}

/// The items of every page, in order, as a stream. It owns what it needs
/// (`'static`).
#[must_use = "a stream does nothing until it is read"]
pub struct Items<P: Page, A: ApiDefinition = DefaultApi> {
    pages: Pages<P, A>,
    buffer: VecDeque<P::Item>,
}

impl<P: Page, A: ApiDefinition> std::fmt::Debug for Items<P, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items").field("cursor", &self.cursor()).field("buffered", &self.buffer.len()).finish_non_exhaustive()
    }
}

impl<P: Page, A: ApiDefinition> Items<P, A> {
    pub(crate) fn new(pages: Pages<P, A>) -> Self {
        Items { pages, buffer: VecDeque::new() }
    }

    /// Where the stream stands: the cursor of the page the next item comes
    /// from (`None`: the first page of the listing, or nothing more once the
    /// stream has ended). Save it to resume later by setting it as the
    /// request's cursor; the items of that page that were already read come
    /// again.
    pub fn cursor(&self) -> Option<&str> {
        if self.buffer.is_empty() { self.pages.cursor() } else { self.pages.last.as_deref() }
    }
}

impl<P: Page<Item: Unpin>, A: ApiDefinition> Items<P, A> {
    /// The next item: `None` after the last item of the last page, or after
    /// an error.
    pub async fn next(&mut self) -> Option<Result<P::Item, Error<A>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<P: Page<Item: Unpin>, A: ApiDefinition> Stream for Items<P, A> {
    type Item = Result<P::Item, Error<A>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut self.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => {
                    self.buffer = page.into_inner().into_items().into();
                }
            }
        }
    }
}
