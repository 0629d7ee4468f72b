//! The blocking client: the same operations, synchronously.

use std::time::Duration;

use hexpay::PollOptions;
use hexpay::types::PaymentStatus;
use serde_json::json;
use wiremock::matchers::{header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{PAYMENT_ID, builder, new_payment, payment_id, payment_json};

/// A server on its own runtime, so that the test itself runs outside any.
fn serve(
    setup: impl FnOnce(&MockServer, &tokio::runtime::Runtime),
) -> (MockServer, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    setup(&server, &rt);
    (server, rt)
}

#[test]
fn every_operation_works_synchronously() {
    let (server, rt) = serve(|server, rt| {
        rt.block_on(async {
            Mock::given(method("POST"))
                .and(path("/v1/payments"))
                .and(header_exists("x-idempotency-key"))
                .respond_with(ResponseTemplate::new(201).set_body_json(payment_json("created")))
                .mount(server)
                .await;
            Mock::given(method("GET"))
                .and(path("/v1/payments"))
                .and(query_param("cursor", "c1"))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(json!({ "payments": [payment_json("expired")] })),
                )
                .mount(server)
                .await;
            Mock::given(method("GET"))
                .and(path("/v1/payments"))
                .respond_with(ResponseTemplate::new(200).set_body_json(
                    json!({ "payments": [payment_json("completed")], "nextCursor": "c1" }),
                ))
                .mount(server)
                .await;
            Mock::given(method("GET"))
                .and(path(format!("/v1/payments/{PAYMENT_ID}/status")))
                .respond_with(
                    ResponseTemplate::new(200).set_body_json(json!({ "status": "cancelled" })),
                )
                .mount(server)
                .await;
            Mock::given(method("POST"))
                .and(path(format!("/v1/payments/{PAYMENT_ID}/cancel")))
                .respond_with(ResponseTemplate::new(200).set_body_json(payment_json("cancelled")))
                .mount(server)
                .await;
        })
    });
    let c = builder(&server.uri()).build_blocking().unwrap();

    let created = c.create_payment(new_payment()).send().unwrap();
    assert_eq!(created.status, PaymentStatus::Created);
    assert!(created.idempotency_key().is_some());

    let statuses: Vec<PaymentStatus> = c
        .list_payments()
        .items()
        .map(|p| p.map(|p| p.status))
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(statuses, [PaymentStatus::Completed, PaymentStatus::Expired]);
    assert_eq!(c.list_payments().pages().count(), 2);

    let status = c
        .get_payment_status(payment_id())
        .wait_until_terminal(PollOptions::default().with_deadline(Duration::from_secs(5)))
        .unwrap();
    assert!(status.status.is_terminal());
    let cancelled = c.cancel_payment(payment_id()).send().unwrap();
    assert_eq!(cancelled.status, PaymentStatus::Cancelled);
    drop(rt);
}

#[tokio::test]
async fn a_blocking_call_inside_an_async_runtime_is_refused_not_a_panic() {
    let c = builder("http://127.0.0.1:1").build_blocking().unwrap();
    let err = c.list_payment_methods().send().unwrap_err();
    assert!(matches!(err, hexpay::Error::InvalidRequest(_)), "{err:?}");
    assert!(err.to_string().contains("async runtime"), "{err}");
    // Dropping the blocking client here does not panic either.
    drop(c);
}
