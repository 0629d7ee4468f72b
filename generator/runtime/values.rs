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

/// A file in a `multipart/form-data` request (a property of `format:
/// binary`): its bytes, and the file name and media type its part carries
/// (the property's name and `application/octet-stream` when not given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilePart {
    bytes: bytes::Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A file of `bytes`.
    pub fn new(bytes: impl Into<bytes::Bytes>) -> Self {
        FilePart { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// The same file, named.
    #[must_use]
    pub fn with_file_name(self, file_name: impl Into<String>) -> Self {
        FilePart { file_name: Some(file_name.into()), ..self }
    }

    /// The same file, with a media type.
    #[must_use]
    pub fn with_content_type(self, content_type: impl Into<String>) -> Self {
        FilePart { content_type: Some(content_type.into()), ..self }
    }

    /// The bytes.
    pub fn bytes(&self) -> &bytes::Bytes {
        &self.bytes
    }

    /// The file name, if given.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type, if given.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl From<bytes::Bytes> for FilePart {
    fn from(bytes: bytes::Bytes) -> Self {
        FilePart::new(bytes)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        FilePart::new(bytes)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(bytes: &'static [u8]) -> Self {
        FilePart::new(bytes)
    }
}

/// As bytes (multipart bodies take files apart; a document that puts a
/// binary string in JSON gets an array of bytes).
impl serde::Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.bytes)
    }
}

/// From a string (its UTF-8 bytes), bytes, or an array of bytes.
impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FilePart;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or bytes")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<FilePart, E> {
                Ok(FilePart::new(v.as_bytes().to_vec()))
            }

            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<FilePart, E> {
                Ok(FilePart::new(v.to_vec()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<FilePart, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(FilePart::new(out))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The request builders' default mode: `.await` them (or call `send`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Async;
