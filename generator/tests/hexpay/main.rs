//! The generated `hexpay` client against local servers: a wiremock server
//! for every operation and every kind of answer, and a raw TCP server for
//! faults that HTTP cannot express (a reset connection).
//!
//! One test binary, so that the crate and its dependencies link once.

mod blocking;
mod common;
mod config;
mod decoding;
mod errors;
mod gateway;
mod hostile;
mod operations;
mod ownership;
mod pagination;
mod polling;
mod retries;
mod tls;
mod validation;
mod webhooks;
