//! The client as a Rust user holds it: owned builders and streams, one
//! idempotency key that belongs to the logical operation (made with the
//! builder, kept by its clones, the same type in and out), headers the
//! operation owns, credentials that never show, tokens read from files.

use std::time::Duration;

use futures_util::StreamExt;
use hexpay::prelude::*;
use hexpay::types::{Currency, PaymentList};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{PAYMENT_ID, builder, client, error_json, new_payment, payment_json};

fn created() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(payment_json("created"))
}

async fn keys_sent(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.headers
                .get("x-idempotency-key")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        })
        .collect()
}

/// A stream made from a client that goes out of scope: it owns its client.
fn every_payment(base_url: &str) -> hexpay::Items<PaymentList> {
    let client = builder(base_url).build().unwrap();
    client.list_payments().items()
}

#[tokio::test]
async fn builders_and_streams_own_what_they_need() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({ "payments": [payment_json("pending")], "nextCursor": null }),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json("pending")))
        .mount(&server)
        .await;
    let items: Vec<_> = every_payment(&server.uri()).collect().await;
    assert_eq!(items.len(), 1);
    // A call spawned on another task: 'static and Send.
    let c = client(&server);
    let task = tokio::spawn(c.get_payment(PAYMENT_ID).send());
    drop(c);
    let payment = task.await.unwrap().unwrap();
    assert_eq!(payment.id, PAYMENT_ID);
    // A stream moved into a task.
    let stream = every_payment(&server.uri());
    let count = tokio::spawn(async move { stream.count().await })
        .await
        .unwrap();
    assert_eq!(count, 1);
    // A wait spawned on another task.
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/status")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "status": "completed" })))
        .mount(&server)
        .await;
    let wait = client(&server)
        .get_payment_status(PAYMENT_ID)
        .wait_until_terminal(PollOptions::default());
    let done = tokio::spawn(wait).await.unwrap().unwrap();
    assert_eq!(done.status, hexpay::types::PaymentStatus::Completed);
}

/// The natural retry of a caller: clone the builder, send it, and send it
/// again. Both sends carry the key the builder made when it was created.
#[tokio::test]
async fn a_cloned_builder_sends_the_same_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .respond_with(created())
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server);
    let request = c.create_payment(new_payment());
    let key = request.get_idempotency_key().clone();
    let first = request.clone().await.unwrap();
    let second = request.await.unwrap();
    let sent = keys_sent(&server).await;
    assert_eq!(
        sent,
        [key.as_str(), key.as_str()],
        "one key for one operation"
    );
    assert_eq!(first.idempotency_key(), Some(&key));
    assert_eq!(second.idempotency_key(), Some(&key));
    // A new builder is a new operation.
    let other = c.create_payment(new_payment());
    assert_ne!(other.get_idempotency_key(), &key);
}

/// A call cut short (a timeout around it) loses nothing: the key stored
/// before sending retries the same operation.
#[tokio::test]
async fn a_call_dropped_mid_flight_is_retried_with_the_stored_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .respond_with(created().set_delay(Duration::from_millis(800)))
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server);
    let request = c.create_payment(new_payment());
    let stored: IdempotencyKey = request.get_idempotency_key().to_string().parse().unwrap();
    let cut = tokio::time::timeout(Duration::from_millis(100), request.send()).await;
    assert!(cut.is_err(), "the caller gave up");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let payment = c
        .create_payment(new_payment())
        .idempotency_key(&stored)
        .await
        .unwrap();
    assert_eq!(payment.idempotency_key(), Some(&stored));
    let sent = keys_sent(&server).await;
    assert_eq!(sent, [stored.as_str(), stored.as_str()]);
}

/// The key an error reports is the type the setter takes: a retry reuses
/// it as it is, and the server sees one key.
#[tokio::test]
async fn the_key_of_an_error_is_the_key_of_the_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .respond_with(ResponseTemplate::new(500).set_body_json(error_json("internal_error")))
        .up_to_n_times(3)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .respond_with(created())
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c.create_payment(new_payment()).await.unwrap_err();
    let key = err.idempotency_key().expect("the key is reported").clone();
    let payment = c
        .create_payment(new_payment())
        .idempotency_key(&key)
        .await
        .unwrap();
    assert_eq!(payment.idempotency_key(), Some(&key));
    let sent = keys_sent(&server).await;
    assert_eq!(sent.len(), 4);
    assert!(sent.iter().all(|k| *k == key.as_str()), "{sent:?}");
}

#[test]
fn an_idempotency_key_reads_and_writes_as_its_text() {
    let uuid = hexpay::uuid::Uuid::new_v4();
    let key = IdempotencyKey::from(uuid);
    assert_eq!(key.to_string(), uuid.to_string());
    assert_eq!(key.to_string().parse::<IdempotencyKey>().unwrap(), key);
    let json = serde_json::to_string(&key).unwrap();
    assert_eq!(json, format!("\"{uuid}\""));
    assert_eq!(serde_json::from_str::<IdempotencyKey>(&json).unwrap(), key);
    assert_eq!(" order-7\n".parse::<IdempotencyKey>().unwrap(), "order-7");
    assert!("".parse::<IdempotencyKey>().is_err());
    assert!("a b".parse::<IdempotencyKey>().is_err());
    assert!("line\nbreak".parse::<IdempotencyKey>().is_err());
    assert!(serde_json::from_str::<IdempotencyKey>("\"\"").is_err());
    let fresh = IdempotencyKey::new_v4();
    assert_ne!(fresh, IdempotencyKey::new_v4());
    assert_eq!(
        fresh
            .as_str()
            .parse::<hexpay::uuid::Uuid>()
            .unwrap()
            .get_version_num(),
        4
    );
}

/// The spec declares the key a UUID: a key of the caller's that is not one
/// is refused before anything is sent.
#[tokio::test]
async fn a_key_that_breaks_the_documents_rule_is_refused_before_sending() {
    let server = MockServer::start().await;
    let err = client(&server)
        .create_payment(new_payment())
        .idempotency_key("order-7".parse::<IdempotencyKey>().unwrap())
        .await
        .unwrap_err();
    let Error::InvalidRequest(v) = &err else {
        panic!("expected a refusal, got {err:?}")
    };
    assert_eq!(v.field(), "X-Idempotency-Key");
    assert!(v.rule().contains("UUID"), "{}", v.rule());
    assert_eq!(err.attempts(), 0);
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Headers the operation owns are set through their own API: naming one
/// in `extra_header` is refused before sending, whatever its case, so the
/// key reported is always the key sent.
#[tokio::test]
async fn extra_header_refuses_the_headers_the_operation_owns() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .and(header("x-trace", "t-1"))
        .respond_with(created())
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    for (name, value) in [
        ("X-Idempotency-Key", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"),
        ("x-idempotency-key", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"),
        ("Authorization", "Bearer other-token"),
        ("Content-Type", "text/plain"),
    ] {
        let err = c
            .create_payment(new_payment())
            .extra_header(name, value)
            .await
            .unwrap_err();
        let Error::InvalidRequest(v) = &err else {
            panic!("{name}: expected a refusal, got {err:?}")
        };
        assert_eq!(v.field(), name);
        assert_eq!(err.attempts(), 0);
    }
    let err = c
        .create_payment(new_payment())
        .extra_header("X-Idempotency-Key", "k")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("`.idempotency_key()`"),
        "names the setter to use: {err}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
    // Any other header travels.
    c.create_payment(new_payment())
        .extra_header("X-Trace", "t-1")
        .await
        .unwrap();
}

/// `Debug` of a builder, and of an error, never shows a credential.
#[tokio::test]
async fn debug_never_shows_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}")))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("set-cookie", "session=s3cret-cookie; HttpOnly")
                .insert_header("x-request-id", "req-1")
                .set_body_json(error_json("not_found")),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    let request = c
        .get_payment(PAYMENT_ID)
        .extra_header("Proxy-Authorization", "Basic s3cret-proxy")
        .extra_header("Cookie", "sid=s3cret-cookie")
        .extra_header("X-Api-Key", "s3cret-key")
        .extra_header("X-Auth-Token", "s3cret-token")
        .extra_header("X-Trace", "visible-trace");
    let shown = format!("{request:?}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(!shown.contains("test-token"), "{shown}");
    assert!(shown.contains("visible-trace"), "{shown}");
    let err = request.await.unwrap_err();
    let shown = format!("{err:?} {err}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("req-1"), "{shown}");
}

/// A token read from a file ends with a line break: it works. One that
/// cannot travel in a header is an error, never a panic.
#[tokio::test]
async fn a_token_read_from_a_file_works_and_a_bad_one_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payment-methods"))
        .and(header("authorization", "Bearer file-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "methods": [] })))
        .expect(2)
        .mount(&server)
        .await;
    assert!(Client::new("file-token\n").is_ok());
    assert!(Client::new("  file-token \r\n").is_ok());
    let c = Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .bearer_token("file-token\n")
        .build()
        .unwrap();
    c.list_payment_methods().await.unwrap();
    let provided = Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .token_provider(|| "file-token\n".to_owned())
        .build()
        .unwrap();
    provided.list_payment_methods().await.unwrap();

    for bad in ["two\nlines", "", " \n", "tab\tinside\u{7f}"] {
        let err = Client::new(bad).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{bad:?}: {err:?}");
    }
    let bad_provider = Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .token_provider(|| "two\nlines".to_owned())
        .build()
        .unwrap();
    let err = bad_provider.list_payment_methods().await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}

/// The docs' own call: `getPayment({ path: { paymentID: 'abc-123' } })`.
/// Payment ids are opaque strings.
#[tokio::test]
async fn payment_ids_are_opaque_strings() {
    let server = MockServer::start().await;
    let mut payment = payment_json("pending");
    payment["id"] = json!("abc-123");
    Mock::given(method("GET"))
        .and(path("/v1/payments/abc-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment))
        .expect(1)
        .mount(&server)
        .await;
    let payment = client(&server).get_payment("abc-123").await.unwrap();
    assert_eq!(payment.id, "abc-123");
    // The HTTP status and the payment's status do not share a name.
    assert_eq!(payment.http_status().as_u16(), 200);
    assert_eq!(payment.status, hexpay::types::PaymentStatus::Pending);
}

#[test]
fn wire_names_get_the_spelling_a_reader_expects() {
    assert_eq!(Currency::Xaut0.to_string(), "XAUt0");
    assert_eq!("XAUt0".parse::<Currency>().unwrap(), Currency::Xaut0);
    assert_eq!(
        serde_json::to_string(&Currency::Xaut0).unwrap(),
        "\"XAUt0\""
    );
}

#[test]
fn configuration_is_built_with_setters() {
    let policy = RetryPolicy::default()
        .with_max_retries(5)
        .with_initial_backoff(Duration::from_millis(10))
        .with_max_backoff(Duration::from_secs(1))
        .with_max_retry_after(Duration::from_secs(5));
    assert_eq!(policy.max_retries, 5);
    assert_eq!(policy.max_retry_after, Duration::from_secs(5));
    let wait = PollOptions::default()
        .with_deadline(Duration::from_secs(30))
        .with_intervals(Duration::from_secs(2), Duration::from_secs(1));
    assert_eq!(
        wait.max_interval,
        Duration::from_secs(2),
        "max is at least initial"
    );
}
