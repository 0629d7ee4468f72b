//! Small types the generated code builds on.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::error::CallInfo;

/// A successful response: the decoded value, with the HTTP status and
/// headers it came with and what the call took. It dereferences to the
/// value, so its fields read directly (`payment.status` is the payment's
/// status); the HTTP details have names of their own (`http_status()`,
/// `headers()`, `request_id()`) that no field of the value can shadow.
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

    /// The response's HTTP status.
    pub fn http_status(&self) -> StatusCode {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The server's request id (`x-request-id` or `request-id`), when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        super::error::request_id(&self.headers)
    }

    /// The idempotency key every attempt carried, for an operation that takes
    /// one: the one set on the request builder, or the one it made.
    pub fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.call.idempotency_key.as_ref()
    }

    /// How many attempts the call took.
    pub fn attempts(&self) -> u32 {
        self.call.attempts
    }

    /// The call that got this response: operation, route, attempts, key.
    pub fn call(&self) -> &CallInfo {
        &self.call
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

/// The idempotency key of one logical operation, sent in the operation's
/// idempotency-key header.
///
/// A request builder makes one ([`IdempotencyKey::new_v4`]) when it is
/// created, so every send of the builder, every clone of it and every retry
/// carries the same key; set your own with the builder's `idempotency_key`
/// setter (from a [`uuid::Uuid`], or a string with [`str::parse`]). Responses
/// and errors give back the key that was sent, as this same type, so that a
/// retry of yours can reuse it as it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A new random key: a UUID v4 from the operating system's random source.
    pub fn new_v4() -> Self {
        IdempotencyKey(uuid::Uuid::new_v4().to_string())
    }

    /// The key as it is sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for IdempotencyKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for IdempotencyKey {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for IdempotencyKey {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl From<uuid::Uuid> for IdempotencyKey {
    fn from(uuid: uuid::Uuid) -> Self {
        IdempotencyKey(uuid.to_string())
    }
}

impl From<&IdempotencyKey> for IdempotencyKey {
    fn from(key: &IdempotencyKey) -> Self {
        key.clone()
    }
}

/// Any text that can travel in a header: visible ASCII, at least one
/// character (surrounding whitespace is dropped). The API document's own
/// rules on the key (such as being a UUID) are checked when a request is
/// sent with it.
impl std::str::FromStr for IdempotencyKey {
    type Err = super::error::ValidationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.is_empty() {
            return Err(super::error::ValidationError::one("idempotency key", "cannot be empty"));
        }
        if !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(super::error::ValidationError::one(
                "idempotency key",
                "must be visible ASCII without spaces or line breaks",
            ));
        }
        Ok(IdempotencyKey(text.to_owned()))
    }
}

impl TryFrom<&str> for IdempotencyKey {
    type Error = super::error::ValidationError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = super::error::ValidationError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl serde::Serialize for IdempotencyKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for IdempotencyKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
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
