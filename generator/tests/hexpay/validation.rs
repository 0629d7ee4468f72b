//! Every rule of the spec is checked before a request is sent: a request
//! that breaks one never reaches the server, and the error names the value
//! and the rule.

use std::collections::BTreeMap;

use hexpay::Error;
use hexpay::types::{
    Amount, CreatePaymentRequest, Currency, Payment, PaymentMethodSelection, PaymentOptions,
};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{client, new_payment, payment_json};

/// A server that fails the test if anything reaches it.
async fn untouchable() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    server
}

/// The violations of a refused request, as `field: rule` lines.
fn violations(err: &Error) -> Vec<String> {
    let Error::InvalidRequest(v) = err else {
        panic!("expected a refused request, got {err:?}")
    };
    assert_eq!(err.attempts(), 0, "nothing was sent");
    v.violations.iter().map(ToString::to_string).collect()
}

#[test]
fn amounts_keep_the_decimal_rule() {
    for good in ["100.00", "1", "0.5", "10.01", "123456789.123456789"] {
        assert!(Amount::new(good).is_ok(), "{good} is a valid amount");
    }
    for bad in [
        "0", "0.00", "01.5", "-1", "1.", ".5", "1e3", "", " 1", "1,00", "١٢",
    ] {
        let err = Amount::new(bad).expect_err(bad);
        assert!(
            err.to_string().contains("must match the pattern"),
            "{bad}: {err}"
        );
    }
    assert_eq!("42.10".parse::<Amount>().unwrap().as_str(), "42.10");
    assert!(
        serde_json::from_str::<Amount>("\"007\"").is_err(),
        "decoding keeps the rule too"
    );
}

#[tokio::test]
async fn every_field_rule_of_create_payment_is_checked() {
    let server = untouchable().await;
    let c = client(&server);
    let metadata: BTreeMap<String, String> = (0..11)
        .map(|i| (format!("k{i}"), "v".repeat(513)))
        .collect();
    let body = CreatePaymentRequest::new(Amount::new("1.00").unwrap(), Currency::Ton)
        .payment_options(PaymentOptions::new(vec![
            PaymentMethodSelection::new("USDT", "TON"),
            PaymentMethodSelection::new("", "TON"),
        ]))
        .ttl(899)
        .order_id("o".repeat(129))
        .description("d".repeat(513))
        .metadata(metadata)
        .webhook_url("http://merchant.com/hook");
    let err = c.create_payment(body).await.unwrap_err();
    let found = violations(&err);
    for expected in [
        "body.payment_options.methods: must have at most 1 items",
        "body.payment_options.methods[1].coin: must be at least 1 characters long",
        "body.ttl: must be at least 900",
        "body.order_id: must be at most 128 characters long",
        "body.description: must be at most 512 characters long",
        "body.metadata: must have at most 10 properties",
        "body.metadata[\"k0\"]: must be at most 512 characters long",
        "body.webhookURL: must match the pattern `^https://`",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "missing `{expected}` in {found:#?}"
        );
    }
    assert!(
        err.idempotency_key().is_some(),
        "the key of the refused call is still reported"
    );
    assert!(
        err.to_string()
            .starts_with("createPayment (POST /v1/payments): invalid request: "),
        "{err}"
    );

    let too_long = CreatePaymentRequest::new(Amount::new("1").unwrap(), Currency::Usd).ttl(43_201);
    assert_eq!(
        violations(&c.create_payment(too_long).await.unwrap_err()),
        ["body.ttl: must be at most 43200"]
    );
    let not_a_uri = new_payment().webhook_url("https://");
    assert_eq!(
        violations(&c.create_payment(not_a_uri).await.unwrap_err()),
        ["body.webhookURL: must be an absolute URI"]
    );
    let no_method = new_payment().payment_options(PaymentOptions::new(vec![]));
    assert_eq!(
        violations(&c.create_payment(no_method).await.unwrap_err()),
        ["body.payment_options.methods: must have at least 1 items"]
    );
    // Lengths are characters, not bytes.
    let accents = new_payment().order_id("é".repeat(128));
    let server_ok = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(payment_json("created")))
        .expect(1)
        .mount(&server_ok)
        .await;
    client(&server_ok)
        .create_payment(accents)
        .await
        .expect("128 characters are allowed");
}

#[tokio::test]
async fn query_parameter_rules_are_checked() {
    let server = untouchable().await;
    let c = client(&server);
    assert_eq!(
        violations(&c.list_payments().limit(0).await.unwrap_err()),
        ["limit: must be at least 1"]
    );
    assert_eq!(
        violations(&c.list_payments().limit(101).await.unwrap_err()),
        ["limit: must be at most 100"]
    );
    assert_eq!(
        violations(&c.list_payments().cursor("").await.unwrap_err()),
        ["cursor: must be at least 1 characters long"]
    );
}

#[tokio::test]
async fn a_value_the_api_does_not_list_is_never_sent() {
    // A payment decoded with a currency this version does not know…
    let mut json = payment_json("pending");
    json["currency"] = serde_json::json!("BTC");
    let payment: Payment = serde_json::from_value(json).unwrap();
    // …cannot be sent back in a request.
    let body = CreatePaymentRequest::new(payment.amount.clone(), payment.currency.clone());
    let server = untouchable().await;
    let err = client(&server).create_payment(body).await.unwrap_err();
    assert_eq!(
        violations(&err),
        ["body.currency: `BTC` is not one of the values the API document lists"]
    );
    assert!("BTC".parse::<Currency>().is_err());
}

#[tokio::test]
async fn header_values_must_be_visible_ascii() {
    let server = untouchable().await;
    let err = client(&server)
        .list_payment_methods()
        .extra_header("x-note", "line\nbreak")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(err.to_string().contains("x-note"), "{err}");
}
