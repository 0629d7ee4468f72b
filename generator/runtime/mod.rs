//! Support code shared by every operation: the client and its configuration,
//! the retry loop, request building, response decoding, validation,
//! pagination, polling, streamed responses and the error type. Nothing here depends on the API;
//! the generator copies these files as they are into every crate it writes,
//! or writes them once as a module that several APIs of one crate share.
//!
//! Its one contract with the generated code: the types that meet an API
//! (`Client`, `Error`, the streams) are generic over an
//! [`ApiDefinition`], which the API's code implements for its marker type
//! (its error body, server, version and key headers). In a crate of one
//! API, that marker is the default of the generic types, so the crate's
//! `Client` is `Client<Api>` without naming it.

// One API uses only some of the parameter styles, body kinds, security
// schemes and helpers this module supports; the rest is dead code for that
// API alone, and its re-exports and macros go unused.
#![allow(dead_code, unused_imports, unused_macros)]

mod api;
#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
mod confirm;
mod decode;
mod error;
mod framing;
mod macros;
mod pagination;
mod poll;
mod request;
mod retry;
mod stream;
mod tls;
mod validate;
mod values;

pub use api::ApiDefinition;
pub use client::{Client, ClientBuilder, ResponseFuture};
pub use confirm::{Confirmed, Difference};
pub use error::{
    ApiError, CallInfo, DecodeError, Error, TimeoutError, TimeoutKind, TooLargeError,
    TransportError, ValidationError, Violation,
};
pub use pagination::{Items, Page, Pages};
pub use poll::PollOptions;
pub use retry::RetryPolicy;
pub use stream::{Event, EventStream, JsonStream};
pub use tls::{Certificate, TlsRoots};
pub use values::{Async, FilePart, IdempotencyKey, ResponseValue, UnknownValue};

pub(crate) use client::{Call, Idempotency, RequestOptions};
pub(crate) use framing::Framing;
pub(crate) use stream::{events, json_item, json_items, text_item};
pub(crate) use confirm::{linked_body, linked_constant, linked_header};
pub(crate) use decode::{DecodeFields, Key, StructVisitor, field, skip, take};
pub(crate) use macros::{
    constant, decode_struct, paginate, request_options, send, send_stream, stream, string_enum,
    wait_until_terminal,
};
pub(crate) use pagination::pages;
pub(crate) use poll::poll_until;
pub(crate) use request::{Auth, QueryStyle, RawResponse, Request, file_parts, path_param};
pub(crate) use validate::{Format, Pattern, Rules, UniqueItems, Validate, Validator};

/// The API of the runtime's generic types when none is named: the crate's
/// own. (A runtime that several APIs share has no default.)
pub(crate) type DefaultApi = crate::Api;
