//! Cursor pagination: a stream of pages that follows the next cursor, and a
//! stream of the items on them. Only the page being read is held in memory.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

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

type PageStream<'a, P> = Pin<Box<dyn Stream<Item = Result<ResponseValue<P>, Error>> + Send + 'a>>;

/// The pages of a paginated operation, fetched one at a time as the stream is
/// read, each under the client's retry policy. The stream ends after the page
/// without a next cursor, or after the first error.
#[must_use = "a stream does nothing until it is read"]
pub struct Pages<'a, P> {
    inner: PageStream<'a, P>,
}

impl<P> std::fmt::Debug for Pages<'_, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

impl<P> Pages<'_, P> {
    /// The next page: `None` after the last page, or after an error.
    pub async fn next(&mut self) -> Option<Result<ResponseValue<P>, Error>> {
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await
    }
}

impl<P> Stream for Pages<'_, P> {
    type Item = Result<ResponseValue<P>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// Where a stream of pages stands.
enum State {
    /// The next page is the one at this cursor (`None`: the first page).
    Next(Option<String>),
    /// The last page read cannot be followed: this error comes next.
    Fail(Error),
    /// Nothing more.
    Done,
}

/// The pages that `fetch` gets, starting at `first` (no cursor: the first
/// page), following each page's next cursor until a page has none.
pub(crate) fn pages<'a, P, Fut>(first: Option<String>, fetch: impl Fn(Option<String>) -> Fut + Send + 'a) -> Pages<'a, P>
where
    P: Page + Send + 'a,
    Fut: Future<Output = Result<ResponseValue<P>, Error>> + Send + 'a,
{
    let stream = futures_util::stream::unfold(State::Next(first), move |state| {
        let fetched = match state {
            State::Next(cursor) => Ok((fetch(cursor.clone()), cursor)),
            State::Fail(e) => Err(Some(e)),
            State::Done => Err(None),
        };
        async move {
            let (future, cursor) = match fetched {
                Ok(f) => f,
                Err(failure) => return failure.map(|e| (Err(e), State::Done)),
            };
            match future.await {
                Err(e) => Some((Err(e), State::Done)),
                Ok(page) => {
                    let next = page.next_cursor().filter(|c| !c.is_empty()).map(str::to_owned);
                    let state = match next {
                        None => State::Done,
                        // A server that hands back the cursor it was given would
                        // have the stream fetch the same page forever: the page
                        // is kept, then the stream ends with an error.
                        Some(n) if Some(&n) == cursor.as_ref() => State::Fail(Error::Decode(Box::new(DecodeError {
                            status: page.status(),
                            headers: page.headers().clone(),
                            raw: bytes::Bytes::new(),
                            source: format!("the next cursor `{n}` is the one just used: paging would not end").into(),
                            call: Default::default(),
                        }))),
                        Some(n) => State::Next(Some(n)),
                    };
                    Some((Ok(page), state))
                }
            }
        }
    });
    Pages { inner: Box::pin(stream) }
}

/// The items of every page, in order, as a stream.
#[must_use = "a stream does nothing until it is read"]
pub struct Items<'a, P: Page> {
    pages: Pages<'a, P>,
    buffer: VecDeque<P::Item>,
}

impl<P: Page> std::fmt::Debug for Items<'_, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items").field("buffered", &self.buffer.len()).finish_non_exhaustive()
    }
}

impl<'a, P: Page> Items<'a, P> {
    pub(crate) fn new(pages: Pages<'a, P>) -> Self {
        Items { pages, buffer: VecDeque::new() }
    }
}

impl<P: Page<Item: Unpin>> Items<'_, P> {
    /// The next item: `None` after the last item of the last page, or after
    /// an error.
    pub async fn next(&mut self) -> Option<Result<P::Item, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<P: Page<Item: Unpin>> Stream for Items<'_, P> {
    type Item = Result<P::Item, Error>;

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
