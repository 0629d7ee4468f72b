//! The `webhooks` module: a notification body, as HexPay POSTs it to the
//! payment's `webhookURL`, decoded as a merchant's handler would, and
//! confirmed with the API (an authenticated `getPayment`, as the spec's link
//! says) on a loopback server. The README's receiver runs as
//! `examples/webhook_receiver.rs` in `generator/tests/webhook_receiver.rs`.

use hexpay::reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use hexpay::types::{Currency, PaymentStatus};
use hexpay::webhooks::{self, Notification, WebhookError};

use crate::common::{Answer, PAYMENT_ID, RawServer, builder, error_json, header_of, payment_json};

fn json_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers
}

const COMPLETED: &str = r#"{
    "id": "019327c6-2058-7901-b234-56789abcdeff",
    "status": "completed",
    "order_id": "order-2026-00124",
    "amount": "100.00",
    "currency": "USD",
    "checkoutURL": "https://payment.hexpay.io/019327c6-2058-7901-b234-56789abcdeff",
    "timer": {"createdAt": "2026-01-20T10:00:00Z", "expiresAt": "2026-01-20T11:00:00Z"}
}"#;

#[test]
fn a_completed_payment_notification_decodes() {
    let notification = webhooks::decode(&json_headers(), COMPLETED.as_bytes()).unwrap();
    assert_eq!(notification.name(), "paymentNotification");
    let Notification::PaymentNotification(payment) = notification else {
        panic!("one webhook only");
    };
    assert_eq!(payment.status, PaymentStatus::Completed);
    assert!(payment.status.is_terminal());
    assert_eq!(payment.order_id.as_deref(), Some("order-2026-00124"));
    assert_eq!(payment.currency, Currency::Usd);
    assert_eq!(payment.id, "019327c6-2058-7901-b234-56789abcdeff");
}

#[test]
fn what_hexpay_adds_later_does_not_break_a_handler() {
    // A new property, and a status the document does not list yet.
    let body = COMPLETED.replace("\"completed\"", "\"refunded\"").replace(
        "\"currency\"",
        "\"event\": \"payment.refunded\", \"currency\"",
    );
    let payment = webhooks::decode_payment_notification(&HeaderMap::new(), body.as_bytes())
        .expect("tolerant of additions");
    assert_eq!(payment.status.as_str(), "refunded");
    assert!(
        !payment.status.is_terminal(),
        "an unknown status is not known to be final"
    );
}

#[test]
fn a_body_that_is_not_a_notification_is_a_typed_error_that_keeps_it() {
    for body in [
        &b"<html><body>502 Bad Gateway</body></html>"[..],
        b"",
        br#"{"id": "x", "status": "completed"}"#,
        br#"{"id": 7}"#,
    ] {
        let err = webhooks::decode(&json_headers(), body).unwrap_err();
        let WebhookError::Body {
            webhook,
            body: kept,
            ..
        } = &err
        else {
            panic!("expected a body error, got {err:?}");
        };
        assert_eq!(*webhook, "paymentNotification");
        assert_eq!(&kept[..], body, "the raw body is kept");
        assert_eq!(err.body().map(|b| &b[..]), Some(body));
        assert!(err.to_string().contains("paymentNotification"), "{err}");
    }
}

/// The API on loopback: `GET /v1/payments/{id}` answers `answer(id)` (status
/// and body), and the server keeps every request as it read it.
async fn api(answer: impl Fn(&str) -> (u16, String) + Send + Sync + 'static) -> RawServer {
    RawServer::start(move |request| {
        let target = request.split(' ').nth(1).unwrap_or_default();
        let id = target.strip_prefix("/v1/payments/").unwrap_or_default();
        let (status, body) = answer(id);
        Answer::json(status, &body)
    })
    .await
}

/// Each difference of a confirmation: property, notified value, the API's.
fn differences<N, T>(confirmed: &webhooks::Confirmed<N, T>) -> Vec<(&str, &str, &str)> {
    confirmed
        .differences
        .iter()
        .map(|d| (d.field, d.notified.as_str(), d.current.as_str()))
        .collect()
}

fn notification(status: &str, id: &str) -> Vec<u8> {
    let mut body: serde_json::Value = serde_json::from_str(COMPLETED).unwrap();
    body["status"] = status.into();
    body["id"] = id.into();
    body.to_string().into_bytes()
}

#[tokio::test]
async fn a_genuine_notification_is_confirmed_by_an_authenticated_read() {
    let server = api(|_| (200, payment_json("completed").to_string())).await;
    let client = builder(&server.addr).build().unwrap();
    let confirmed =
        webhooks::confirm_payment_notification(&client, &json_headers(), COMPLETED.as_bytes())
            .await
            .unwrap();
    assert!(confirmed.is_confirmed(), "{:?}", confirmed.differences);
    assert_eq!(confirmed.current.status, PaymentStatus::Completed);
    assert_eq!(confirmed.notified.status, PaymentStatus::Completed);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0].starts_with(&format!("GET /v1/payments/{PAYMENT_ID} HTTP/1.1\r\n")),
        "{}",
        requests[0]
    );
    assert_eq!(
        header_of(&requests[0], "authorization").as_deref(),
        Some("Bearer test-token")
    );
}

/// A forger notifies a completed payment; the API has it pending. The
/// caller gets both statuses, and `current` is the API's.
#[tokio::test]
async fn a_status_the_api_does_not_confirm_is_a_value_the_caller_sees() {
    let server = api(|_| (200, payment_json("pending").to_string())).await;
    let client = builder(&server.addr).build().unwrap();
    let mut forged: serde_json::Value = serde_json::from_str(COMPLETED).unwrap();
    forged["amount"] = "1000.00".into();
    let confirmed = webhooks::confirm_payment_notification(
        &client,
        &json_headers(),
        forged.to_string().as_bytes(),
    )
    .await
    .unwrap();
    assert!(!confirmed.is_confirmed());
    assert_eq!(confirmed.current.status, PaymentStatus::Pending);
    assert_eq!(
        differences(&confirmed),
        [
            ("status", "completed", "pending"),
            ("amount", "1000.00", "100.00")
        ]
    );
    assert_eq!(
        confirmed.differences[0].to_string(),
        "`status`: notified completed, the API has pending"
    );
}

/// What a forger controls never reaches another route: a notified id that
/// is a dot segment is refused before anything is sent, and so is a body
/// that is no notification.
#[tokio::test]
async fn a_hostile_notification_sends_nothing() {
    let server = api(|_| (200, payment_json("completed").to_string())).await;
    let client = builder(&server.addr).build().unwrap();
    for id in ["..", ".", "%2E%2E", "%2e"] {
        let err = webhooks::confirm_payment_notification(
            &client,
            &json_headers(),
            &notification("completed", id),
        )
        .await
        .unwrap_err();
        let WebhookError::Confirm { source, webhook } = &err else {
            panic!("{id:?}: expected a refused confirmation, got {err:?}");
        };
        assert_eq!(*webhook, "paymentNotification");
        assert!(
            matches!(source, hexpay::Error::InvalidRequest(_)),
            "{source:?}"
        );
        assert!(!source.is_retryable());
    }
    for body in [
        &b"<html><body>502 Bad Gateway</body></html>"[..],
        b"",
        b"{}",
    ] {
        let err = webhooks::confirm_payment_notification(&client, &json_headers(), body)
            .await
            .unwrap_err();
        assert!(matches!(&err, WebhookError::Body { .. }), "{err:?}");
        assert_eq!(err.body().map(|b| &b[..]), Some(body));
    }
    assert_eq!(server.requests(), Vec::<String>::new());
}

#[tokio::test]
async fn an_id_the_api_does_not_know_or_an_api_that_fails_is_an_error_that_says_which() {
    let server = api(|id| match id {
        "unknown" => (404, error_json("not_found").to_string()),
        _ => (503, error_json("unavailable").to_string()),
    })
    .await;
    let client = builder(&server.addr).build().unwrap();
    let err = webhooks::confirm_payment_notification(
        &client,
        &json_headers(),
        &notification("completed", "unknown"),
    )
    .await
    .unwrap_err();
    let WebhookError::Confirm { source, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(source.http_status().map(|s| s.as_u16()), Some(404));
    assert!(!source.is_retryable());
    assert!(err.to_string().contains("could not confirm"), "{err}");

    let err = webhooks::confirm_payment_notification(
        &client,
        &json_headers(),
        &notification("completed", "flaky"),
    )
    .await
    .unwrap_err();
    let WebhookError::Confirm { source, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(source.is_retryable(), "the sender may try again later");
}

#[test]
fn the_blocking_client_confirms_too() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(api(|_| (200, payment_json("pending").to_string())));
    let client = builder(&server.addr).build_blocking().unwrap();
    let confirmed = webhooks::confirm_payment_notification_blocking(
        &client,
        &json_headers(),
        COMPLETED.as_bytes(),
    )
    .unwrap();
    assert_eq!(confirmed.current.status, PaymentStatus::Pending);
    assert!(!confirmed.is_confirmed());
    drop(runtime);
}

/// A forger names a payment that really is completed, but another order:
/// a handler that looked the order up by the notified `order_id` would
/// fulfil the wrong one. The order the API has is a difference.
#[tokio::test]
async fn a_real_payment_notified_for_another_order_is_not_confirmed() {
    let server = api(|_| (200, payment_json("completed").to_string())).await;
    let client = builder(&server.addr).build().unwrap();
    let mut forged: serde_json::Value = serde_json::from_str(COMPLETED).unwrap();
    forged["order_id"] = "order-of-the-forger".into();
    let confirmed = webhooks::confirm_payment_notification(
        &client,
        &json_headers(),
        forged.to_string().as_bytes(),
    )
    .await
    .unwrap();
    assert!(!confirmed.is_confirmed());
    assert_eq!(
        differences(&confirmed),
        [("order_id", "order-of-the-forger", "order-2026-00124")]
    );
    assert_eq!(
        confirmed.current.order_id.as_deref(),
        Some("order-2026-00124")
    );
}
