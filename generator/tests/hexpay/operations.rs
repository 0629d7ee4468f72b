//! Every operation: what it sends, and what it makes of a success.

use hexpay::types::{
    Amount, CreatePaymentRequest, Currency, PaymentMethodSelection, PaymentOptions, PaymentStatus,
};
use hexpay::uuid::Uuid;
use serde_json::json;
use wiremock::matchers::{body_json, header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{PAYMENT_ID, client, new_payment, payment_id, payment_json};

const KEY: &str = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

#[tokio::test]
async fn create_payment_preselected_sends_wire_names_auth_and_the_callers_key() {
    let server = MockServer::start().await;
    let mut answer = payment_json("pending");
    answer["someFieldAddedLater"] = json!({ "nested": true });
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .and(header("authorization", "Bearer test-token"))
        .and(header("x-idempotency-key", KEY))
        .and(header("content-type", "application/json"))
        .and(header_exists("user-agent"))
        .and(body_json(json!({
            "amount": "100.00",
            "currency": "USD",
            "payment_options": { "methods": [{ "coin": "USDT", "chain": "TON" }] },
            "ttl": 3600,
            "order_id": "order-2026-00124",
            "metadata": { "cart": "42" },
            "webhookURL": "https://merchant.com/webhooks/hexpay"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;

    let body = CreatePaymentRequest::new(Amount::new("100.00").unwrap(), Currency::Usd)
        .payment_options(PaymentOptions::new(vec![PaymentMethodSelection::new(
            "USDT", "TON",
        )]))
        .ttl(3600)
        .order_id("order-2026-00124")
        .metadata([("cart".to_owned(), "42".to_owned())])
        .webhook_url("https://merchant.com/webhooks/hexpay");
    let key: Uuid = KEY.parse().unwrap();
    let payment = client(&server)
        .create_payment(body)
        .idempotency_key(key)
        .await
        .expect("a 201 decodes as a payment");

    assert_eq!(payment.http_status().as_u16(), 201);
    assert_eq!(payment.idempotency_key().map(|k| k.as_str()), Some(KEY));
    assert_eq!(payment.attempts(), 1);
    assert_eq!(payment.id, payment_id());
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
    assert_eq!(
        payment.timer.created_at.to_rfc3339(),
        "2026-01-20T10:00:00+00:00"
    );
    assert_eq!(
        (payment.timer.expires_at - payment.timer.created_at).num_minutes(),
        60
    );
}

#[tokio::test]
async fn create_payment_without_a_key_gets_a_fresh_uuid_v4_and_reports_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .and(header_exists("x-idempotency-key"))
        .respond_with(ResponseTemplate::new(201).set_body_json(payment_json("created")))
        .expect(2)
        .mount(&server)
        .await;

    let c = client(&server);
    let first = c.create_payment(new_payment()).await.unwrap();
    let second = c.create_payment(new_payment()).await.unwrap();
    let received = server.received_requests().await.unwrap();
    let sent: Vec<&str> = received
        .iter()
        .map(|r| {
            r.headers
                .get("x-idempotency-key")
                .unwrap()
                .to_str()
                .unwrap()
        })
        .collect();
    assert_eq!(first.idempotency_key().map(|k| k.as_str()), Some(sent[0]));
    assert_eq!(second.idempotency_key().map(|k| k.as_str()), Some(sent[1]));
    assert_ne!(sent[0], sent[1], "each logical call gets its own key");
    for key in sent {
        let uuid: Uuid = key.parse().expect("the key is a UUID");
        assert_eq!(uuid.get_version_num(), 4);
    }
    assert_eq!(first.status, PaymentStatus::Created);
    assert!(
        first.payment_details.is_none(),
        "a created payment has no details yet"
    );
}

#[tokio::test]
async fn list_payments_sends_limit_and_cursor_and_reads_the_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param("limit", "20"))
        .and(query_param("cursor", "abc"))
        .and(header("authorization", "Bearer test-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "payments": [payment_json("pending"), payment_json("completed")],
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
    assert_eq!(page.payments.len(), 2);
    assert_eq!(page.payments[1].status, PaymentStatus::Completed);
    assert_eq!(page.next_cursor, None);
    assert_eq!(page.idempotency_key(), None, "a GET carries no key");
}

#[tokio::test]
async fn get_payment_status_cancel_and_methods() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json("pending")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/status")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "status": "completed" })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/cancel")))
        .and(header_exists("x-idempotency-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json("cancelled")))
        .expect(1)
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
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server);
    let payment = c.get_payment(payment_id()).await.unwrap();
    assert_eq!(payment.order_id.as_deref(), Some("order-2026-00124"));
    let status = c.get_payment_status(payment_id()).await.unwrap();
    assert_eq!(status.status, PaymentStatus::Completed);
    assert!(status.status.is_terminal());
    let cancelled = c.cancel_payment(payment_id()).await.unwrap();
    assert_eq!(cancelled.status, PaymentStatus::Cancelled);
    assert!(
        cancelled.idempotency_key().is_some(),
        "cancel carries a key too"
    );
    let methods = c.list_payment_methods().await.unwrap();
    assert_eq!(methods.methods[0].coin.symbol, "USDT");
    assert_eq!(methods.methods[0].chain.name, "TON");
}

#[tokio::test]
async fn unknown_enum_values_and_unknown_fields_are_tolerated_and_round_trip() {
    let server = MockServer::start().await;
    let mut answer = payment_json("refunded");
    answer["currency"] = json!("BTC");
    answer["riskScore"] = json!(0.3);
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;

    let payment = client(&server)
        .get_payment(payment_id())
        .await
        .unwrap()
        .into_inner();
    let PaymentStatus::Unknown(status) = &payment.status else {
        panic!("expected an unknown status, got {:?}", payment.status)
    };
    assert_eq!(status.as_str(), "refunded");
    assert_eq!(payment.status.as_str(), "refunded");
    assert!(
        !payment.status.is_terminal(),
        "an unknown status is not known to be final"
    );
    assert_eq!(payment.currency.to_string(), "BTC");
    // Encoding keeps the values exactly as they came.
    let again = serde_json::to_value(&payment).unwrap();
    assert_eq!(again["status"], "refunded");
    assert_eq!(again["currency"], "BTC");
    // Only known values parse from text.
    assert_eq!(
        "expired".parse::<PaymentStatus>().unwrap(),
        PaymentStatus::Expired
    );
    assert!("refunded".parse::<PaymentStatus>().is_err());
}

#[tokio::test]
async fn terminal_statuses_are_those_of_the_lifecycle() {
    use PaymentStatus::*;
    assert!(!Created.is_terminal());
    assert!(!Pending.is_terminal());
    assert!(Completed.is_terminal());
    assert!(Cancelled.is_terminal());
    assert!(Expired.is_terminal());
}

#[tokio::test]
async fn the_user_agent_names_the_crate_version_and_the_api_version() {
    // The crate's version is its own (generated/CHANGELOG.md); the API's
    // travels beside it.
    let manifest = include_str!("../../../generated/Cargo.toml");
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("a version");
    assert_eq!(hexpay::API_VERSION, "1.0.0");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payment-methods"))
        .and(header(
            "user-agent",
            format!("hexpay/{version} api/{}", hexpay::API_VERSION).as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "methods": [] })))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).list_payment_methods().await.unwrap();
}

#[test]
fn string_enums_compare_and_sort_by_their_wire_value() {
    // `Usd` is declared before `Eur`; the order is the wire string's, so a
    // value the API adds in the middle later changes no one's sort.
    assert!(Currency::Eur < Currency::Usd);
    let unknown: Currency = serde_json::from_value(json!("AAA")).unwrap();
    let again: Currency = serde_json::from_value(json!("AAA")).unwrap();
    assert_eq!(unknown, again);
    assert_ne!(unknown, Currency::Usd);
    let mut all = vec![Currency::Usd, unknown.clone(), Currency::Eur];
    all.sort();
    assert_eq!(all, vec![unknown.clone(), Currency::Eur, Currency::Usd]);
    let hash = |c: &Currency| {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        c.hash(&mut h);
        h.finish()
    };
    assert_eq!(hash(&unknown), hash(&again), "equal values hash alike");
    // A listed value received as a string decodes into its own variant.
    let usd: Currency = serde_json::from_value(json!("USD")).unwrap();
    assert_eq!(usd, Currency::Usd);
}
