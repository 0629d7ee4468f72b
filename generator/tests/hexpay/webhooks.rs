//! The `webhooks` module: a notification body, as HexPay POSTs it to the
//! payment's `webhookURL`, decoded as a merchant's handler would.

use hexpay::reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use hexpay::types::{Currency, PaymentStatus};
use hexpay::webhooks::{self, Notification, WebhookError};

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

/// The README's axum handler, with the types axum's extractors give
/// (`http::HeaderMap`, `bytes::Bytes`): it must compile as a user writes it
/// (a catch-all arm, since webhooks may be added) and answer as it says.
fn handler(headers: HeaderMap, body: hexpay::Bytes) -> u16 {
    match webhooks::decode(&headers, &body) {
        Ok(Notification::PaymentNotification(payload)) => {
            assert_eq!(payload.order_id.as_deref(), Some("order-2026-00124"));
            200
        }
        Ok(other) => {
            println!("not handled: {}", other.name());
            200
        }
        Err(e) => {
            eprintln!("{e}");
            400
        }
    }
}

#[test]
fn the_readme_handler_answers_as_it_says() {
    assert_eq!(
        handler(
            json_headers(),
            hexpay::Bytes::from_static(COMPLETED.as_bytes())
        ),
        200
    );
    assert_eq!(
        handler(json_headers(), hexpay::Bytes::from_static(b"<html>")),
        400
    );
}
