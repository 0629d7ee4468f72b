//! Waiting for a payment to reach a final status.

use std::time::Duration;

use hexpay::types::PaymentStatus;
use hexpay::{Error, PollOptions, TimeoutKind};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{PAYMENT_ID, Script, Shared, client, payment_id};

fn status(s: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "status": s }))
}

fn fast() -> PollOptions {
    PollOptions::default().with_intervals(Duration::from_millis(20), Duration::from_millis(50))
}

#[tokio::test]
async fn waiting_polls_the_status_until_it_is_final() {
    let server = MockServer::start().await;
    let script = Script::new(vec![
        status("created"),
        status("pending"),
        status("pending"),
        status("completed"),
    ]);
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/status")))
        .respond_with(Shared(script.clone()))
        .mount(&server)
        .await;

    let done = client(&server)
        .get_payment_status(payment_id())
        .wait_until_terminal(fast())
        .await
        .unwrap();
    assert_eq!(done.status, PaymentStatus::Completed);
    assert_eq!(script.seen().len(), 4);
    let gaps = script.gaps();
    assert!(gaps[0] >= Duration::from_millis(20), "{gaps:?}");
    assert!(
        gaps[1] >= Duration::from_millis(30),
        "the wait grows: {gaps:?}"
    );
}

#[tokio::test]
async fn waiting_ends_at_the_deadline_or_at_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/status")))
        .respond_with(status("pending"))
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c
        .get_payment_status(payment_id())
        .wait_until_terminal(fast().with_deadline(Duration::from_millis(150)))
        .await
        .unwrap_err();
    let Error::Timeout(t) = &err else {
        panic!("expected a timeout, got {err:?}")
    };
    assert_eq!(t.kind, TimeoutKind::Wait);
    assert!(err.attempts() >= 2, "{} polls", err.attempts());
    assert!(err.to_string().contains("getPaymentStatus"), "{err}");

    let gone = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"code": "not_found", "message": "gone"})),
        )
        .expect(1)
        .mount(&gone)
        .await;
    let err = client(&gone)
        .get_payment(payment_id())
        .wait_until_terminal(fast())
        .await
        .unwrap_err();
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(404));
}
