//! What the runtime needs to know of the API it calls, as one type.
//!
//! The runtime is generic over an API: each generated API module (or
//! crate) defines a marker type and implements [`ApiDefinition`] for it, and
//! its `Client`, `Error` and streams are the runtime's, given that type. So
//! one runtime serves any number of APIs in one crate, each with its own
//! error body, server and operations.

use std::fmt;

/// An API, as the runtime's types see it: the body its errors decode into,
/// its server, its version and the headers that carry its keys. Generated
/// code implements it for the API's marker type (`Api`); there is nothing
/// to implement by hand.
pub trait ApiDefinition: fmt::Debug + Clone + Copy + Send + Sync + 'static {
    /// The decoded body of an error response (see `ApiError::body`).
    type ErrorBody: fmt::Debug + Send + Sync + 'static;
    /// The server requests go to unless the client is given another.
    const DEFAULT_BASE_URL: Option<&'static str>;
    /// The version of the API document (`info.version`), sent in the user agent.
    const API_VERSION: &'static str;
    /// The API-key headers the document declares, in lowercase: their
    /// values are never shown (in `Debug` output, errors or traces).
    const SENSITIVE_HEADERS: &'static [&'static str];
}
