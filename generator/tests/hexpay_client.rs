//! The generated `hexpay` client against a local mock server: what it sends,
//! and what it makes of every kind of answer.

use hexpay::types::{
    CreatePaymentRequest, Currency, PaymentMethodSelection, PaymentOptions, PaymentStatus,
};
use serde_json::json;
use wiremock::matchers::{body_json, header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PAYMENT_ID: &str = "019327c6-2058-7901-b234-56789abcdeff";

fn client(server: &MockServer) -> hexpay::Client {
    hexpay::Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .bearer_token("test-token")
        .build()
        .expect("a valid configuration")
}

fn pending_payment() -> serde_json::Value {
    json!({
        "id": PAYMENT_ID,
        "status": "pending",
        "order_id": "order-2026-00124",
        "amount": "100.00",
        "currency": "USD",
        "checkoutURL": format!("https://payment.hexpay.io/{PAYMENT_ID}"),
        "paymentDetails": {
            "address": "UQBf_DO8wsBddOcMnGEOyREEHPPKMBL2F26GQFOV7FQdYY_a",
            "coinAmount": "35.782",
            "coin": { "name": "Tether", "symbol": "USDT", "imgUrl": "https://assets.hexpay.io/coins/usdt.svg" },
            "chain": { "name": "TON", "symbol": "TON", "imgUrl": "https://assets.hexpay.io/chains/ton.svg" }
        },
        "timer": { "createdAt": "2026-01-20T10:00:00Z", "expiresAt": "2026-01-20T11:00:00Z" },
        "someFieldAddedLater": true
    })
}

#[tokio::test]
async fn create_payment_sends_wire_names_auth_and_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .and(header("authorization", "Bearer test-token"))
        .and(header(
            "x-idempotency-key",
            "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        ))
        .and(header("content-type", "application/json"))
        .and(header_exists("user-agent"))
        .and(body_json(json!({
            "amount": "100.00",
            "currency": "USD",
            "payment_options": { "methods": [{ "coin": "USDT", "chain": "TON" }] },
            "order_id": "order-2026-00124",
            "webhookURL": "https://merchant.com/webhooks/hexpay"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(pending_payment()))
        .expect(1)
        .mount(&server)
        .await;

    let mut body = CreatePaymentRequest::new("100.00", Currency::Usd);
    body.payment_options = Some(PaymentOptions::new(vec![PaymentMethodSelection::new(
        "USDT", "TON",
    )]));
    body.order_id = Some("order-2026-00124".into());
    body.webhook_url = Some("https://merchant.com/webhooks/hexpay".into());
    let payment = client(&server)
        .create_payment(body)
        .x_idempotency_key("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")
        .await
        .expect("a 201 decodes as a payment");

    assert_eq!(payment.status().as_u16(), 201);
    assert_eq!(payment.id, PAYMENT_ID);
    assert_eq!(payment.status, PaymentStatus::Pending);
    assert_eq!(
        payment.checkout_url,
        format!("https://payment.hexpay.io/{PAYMENT_ID}")
    );
    let details = payment
        .payment_details
        .as_ref()
        .expect("a pending payment has details");
    assert_eq!(details.coin_amount.as_str(), "35.782");
    assert_eq!(
        details.chain.img_url,
        "https://assets.hexpay.io/chains/ton.svg"
    );
    assert_eq!(payment.timer.created_at, "2026-01-20T10:00:00Z");
}

#[tokio::test]
async fn list_payments_sends_query_and_reads_the_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param("limit", "20"))
        .and(query_param("cursor", "abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "payments": [pending_payment()],
            "nextCursor": null
        })))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server)
        .list_payments()
        .limit(20)
        .cursor("abc")
        .await
        .unwrap();
    assert_eq!(page.payments.len(), 1);
    assert_eq!(page.payments[0].status, PaymentStatus::Pending);
    assert_eq!(page.next_cursor, None);
}

#[tokio::test]
async fn status_cancel_and_methods_decode() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/status")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "status": "completed" })))
        .mount(&server)
        .await;
    let mut cancelled = pending_payment();
    cancelled["status"] = json!("cancelled");
    Mock::given(method("POST"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/cancel")))
        .and(header("x-idempotency-key", "k-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(cancelled))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payment-methods"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "methods": [{
                "coin": { "name": "Tether", "symbol": "USDT", "imgUrl": "https://assets.hexpay.io/coins/usdt.svg" },
                "chain": { "name": "TON", "symbol": "TON", "imgUrl": "https://assets.hexpay.io/chains/ton.svg" }
            }]
        })))
        .mount(&server)
        .await;

    let c = client(&server);
    assert_eq!(
        c.get_payment_status(PAYMENT_ID).await.unwrap().status,
        PaymentStatus::Completed
    );
    let p = c
        .cancel_payment(PAYMENT_ID)
        .x_idempotency_key("k-1")
        .await
        .unwrap();
    assert_eq!(p.status, PaymentStatus::Cancelled);
    let methods = c.list_payment_methods().await.unwrap();
    assert_eq!(methods.methods[0].coin.symbol, "USDT");
}

#[tokio::test]
async fn declared_error_status_gives_the_decoded_body_and_the_raw_bytes() {
    let server = MockServer::start().await;
    let body = json!({ "code": "not_found", "message": "payment not found" });
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}")))
        .respond_with(ResponseTemplate::new(404).set_body_json(body.clone()))
        .mount(&server)
        .await;

    let err = client(&server).get_payment(PAYMENT_ID).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let decoded = err.body().expect("404 declares an error body");
    assert_eq!(decoded.code, "not_found");
    assert_eq!(decoded.message, "payment not found");
    let hexpay::Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&api.raw).unwrap(),
        body
    );
    assert!(err.to_string().contains("404"), "{err}");
}

#[tokio::test]
async fn undeclared_status_is_an_api_error_without_a_decoded_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payment-methods"))
        .respond_with(ResponseTemplate::new(418).set_body_string("I'm a teapot"))
        .mount(&server)
        .await;

    let err = client(&server).list_payment_methods().await.unwrap_err();
    let hexpay::Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 418);
    assert!(
        api.body.is_none(),
        "the spec declares no body for 418: nothing is guessed"
    );
    assert_eq!(&api.raw[..], b"I'm a teapot");
}

#[tokio::test]
async fn malformed_bodies_are_decode_errors_that_keep_status_and_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": "))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/status")))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html>oops</html>"))
        .mount(&server)
        .await;

    let c = client(&server);
    let err = c.get_payment(PAYMENT_ID).await.unwrap_err();
    let hexpay::Error::Decode(d) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(d.status.as_u16(), 200);
    assert_eq!(&d.raw[..], b"{\"id\": ");

    // A declared error status whose body is not the declared error body.
    let err = c.get_payment_status(PAYMENT_ID).await.unwrap_err();
    let hexpay::Error::Decode(d) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(d.status.as_u16(), 500);
    assert_eq!(&d.raw[..], b"<html>oops</html>");
}

#[tokio::test]
async fn path_parameters_stay_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments/a%2Fb%3Fc/status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "status": "created" })))
        .expect(1)
        .mount(&server)
        .await;

    let status = client(&server).get_payment_status("a/b?c").await.unwrap();
    assert_eq!(status.status, PaymentStatus::Created);
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let server = MockServer::start().await;
    // Nothing may reach the server.
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let c = client(&server);

    let err = c.get_payment("").await.unwrap_err();
    assert!(matches!(err, hexpay::Error::InvalidRequest(_)), "{err:?}");
    assert!(err.to_string().contains("paymentID"), "{err}");

    let err = c
        .create_payment(CreatePaymentRequest::new("1.00", Currency::Ton))
        .x_idempotency_key("line\nbreak")
        .await
        .unwrap_err();
    assert!(matches!(err, hexpay::Error::InvalidRequest(_)), "{err:?}");
    assert!(err.to_string().contains("X-Idempotency-Key"), "{err}");
}

#[test]
fn client_configuration_is_checked_and_never_shows_the_token() {
    let err = hexpay::Client::builder()
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("plain http is refused"), "{err}");
    let err = hexpay::Client::builder()
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("base URL"), "{err}");

    let c = hexpay::Client::new("secret-token-value");
    assert_eq!(c.base_url(), "https://api.hexpay.io");
    let shown = format!("{c:?}");
    assert!(!shown.contains("secret-token-value"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}
