//! Small types the generated code builds on.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::error::CallInfo;

/// A successful response: the decoded value, with the status and headers it
/// came with and what the call took. It dereferences to the value.
#[derive(Debug, Clone)]
pub struct ResponseValue<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
    call: CallInfo,
}

impl<T> ResponseValue<T> {
    pub(crate) fn new(inner: T, status: StatusCode, headers: HeaderMap, call: CallInfo) -> Self {
        ResponseValue { inner, status, headers, call }
    }

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

    /// The idempotency key every attempt carried, for an operation that takes
    /// one: the caller's, or the one the client made.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.call.idempotency_key.as_deref()
    }

    /// How many attempts the call took.
    pub fn attempts(&self) -> u32 {
        self.call.attempts
    }

    /// The same response with its value mapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue { inner: f(self.inner), status: self.status, headers: self.headers, call: self.call }
    }
}

impl<T> std::ops::Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> std::ops::DerefMut for ResponseValue<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

/// An enum value the API document does not list, received from the server:
/// kept exactly as it came, so that it reads back and re-encodes unchanged.
/// Only decoding makes one; a request that carries one is refused before
/// sending, since the server is not known to accept it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    pub(crate) fn new(value: String) -> Self {
        UnknownValue(value)
    }

    /// The value as it travelled.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The request builders' default mode: `.await` them (or call `send`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Async;
