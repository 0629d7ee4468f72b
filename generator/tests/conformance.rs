//! The generated client against Stoplight Prism serving `spec/hexpay.yaml`:
//! an independent implementation of the spec, which answers a request that
//! breaks it with an error and an `sl-violations` header.
//!
//! `cargo xtask conformance` (part of `cargo xtask test`) starts Prism and
//! runs these with `HEXPAY_PRISM_URL` set; plain `cargo test` lists them as
//! ignored.

use std::time::Duration;

use hexpay::types::{
    Amount, CreatePaymentRequest, Currency, Payment, PaymentMethodSelection, PaymentOptions,
    PaymentStatus,
};
use hexpay::{Error, PollOptions, ResponseValue, RetryPolicy};
use serde_json::{Value, json};

fn prism_url() -> String {
    std::env::var("HEXPAY_PRISM_URL")
        .expect("HEXPAY_PRISM_URL is not set: run these through `cargo xtask conformance`")
}

fn client() -> hexpay::Client {
    hexpay::Client::builder()
        .base_url(prism_url())
        .allow_http(true)
        .bearer_token("conformance-token")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn payment_id() -> &'static str {
    "019327c6-2058-7901-b234-56789abcdeff"
}

/// Prism found nothing wrong with the request.
fn conforms<T>(response: &ResponseValue<T>) {
    assert!(
        response.headers().get("sl-violations").is_none(),
        "Prism found violations: {:?}",
        response.headers().get("sl-violations")
    );
}

fn preselected() -> CreatePaymentRequest {
    CreatePaymentRequest::new(Amount::new("100.00").unwrap(), Currency::Usd)
        .payment_options(PaymentOptions::new(vec![PaymentMethodSelection::new(
            "USDT", "TON",
        )]))
        .ttl(900)
        .order_id("order-2026-00124")
        .description("Two tickets")
        .metadata([("cart".to_owned(), "42".to_owned())])
        .webhook_url("https://merchant.com/webhooks/hexpay")
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask conformance`"]
async fn every_operation_conforms() {
    let c = client();
    let created = c
        .create_payment(CreatePaymentRequest::new(
            Amount::new("100.00").unwrap(),
            Currency::Usd,
        ))
        .await
        .unwrap();
    conforms(&created);
    assert_eq!(created.http_status().as_u16(), 201);
    assert!(created.idempotency_key().is_some());

    // Prism answers with the first example unless asked for another.
    let pending = c
        .create_payment(preselected())
        .idempotency_key(hexpay::uuid::Uuid::new_v4())
        .extra_header("Prefer", "example=pending")
        .await
        .unwrap();
    conforms(&pending);
    assert_eq!(pending.status, PaymentStatus::Pending);

    let page = c.list_payments().limit(20).cursor("c1").await.unwrap();
    conforms(&page);
    let mut items = c.list_payments().limit(100).items();
    let mut n = 0;
    while let Some(item) = items.next().await {
        item.unwrap();
        n += 1;
    }
    assert!(n >= 1);

    let payment = c.get_payment(payment_id()).await.unwrap();
    conforms(&payment);
    let status = c.get_payment_status(payment_id()).await.unwrap();
    conforms(&status);
    let cancelled = c.cancel_payment(payment_id()).await.unwrap();
    conforms(&cancelled);
    let methods = c.list_payment_methods().await.unwrap();
    conforms(&methods);
    assert_eq!(methods.methods[0].coin.symbol, "USDT");

    // Prism's example status is never final: the wait ends at its deadline.
    let err = c
        .get_payment_status(payment_id())
        .wait_until_terminal(
            PollOptions::default()
                .with_intervals(Duration::from_millis(50), Duration::from_millis(100))
                .with_deadline(Duration::from_millis(400)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Timeout(t) if t.kind == hexpay::TimeoutKind::Wait),
        "{err:?}"
    );
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask conformance`"]
async fn every_declared_error_status_decodes_as_its_typed_body() {
    let c = client();
    let prefer = |code: u16| format!("code={code}");
    for code in [400, 401, 409, 422, 429, 500] {
        let err = c
            .create_payment(preselected())
            .extra_header("Prefer", prefer(code))
            .await
            .unwrap_err();
        check_error(&err, code);
    }
    for code in [400, 401, 429, 500] {
        check_error(
            &c.list_payments()
                .extra_header("Prefer", prefer(code))
                .await
                .unwrap_err(),
            code,
        );
    }
    for code in [400, 401, 404, 429, 500] {
        check_error(
            &c.get_payment(payment_id())
                .extra_header("Prefer", prefer(code))
                .await
                .unwrap_err(),
            code,
        );
        check_error(
            &c.get_payment_status(payment_id())
                .extra_header("Prefer", prefer(code))
                .await
                .unwrap_err(),
            code,
        );
    }
    for code in [400, 401, 404, 409, 429, 500] {
        check_error(
            &c.cancel_payment(payment_id())
                .extra_header("Prefer", prefer(code))
                .await
                .unwrap_err(),
            code,
        );
    }
    for code in [401, 429, 500] {
        check_error(
            &c.list_payment_methods()
                .extra_header("Prefer", prefer(code))
                .await
                .unwrap_err(),
            code,
        );
    }
}

fn check_error(err: &Error, code: u16) {
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(code), "{err:?}");
    let Error::Api(api) = err else {
        panic!("expected an API error, got {err:?}")
    };
    assert!(
        api.headers.get("sl-violations").is_none(),
        "{:?}",
        api.headers
    );
    let body = api
        .body
        .as_ref()
        .unwrap_or_else(|| panic!("{code} declares an error body"));
    assert!(!body.code.is_empty() && !body.message.is_empty());
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask conformance`"]
async fn responses_generated_from_the_schemas_decode() {
    // Prism makes up each response from the schema: any value the spec
    // allows must decode, including amounts that only match the pattern.
    let c = client();
    for _ in 0..20 {
        let dynamic = ("Prefer", "dynamic=true");
        let p = c
            .create_payment(preselected())
            .extra_header(dynamic.0, dynamic.1)
            .await
            .unwrap();
        conforms(&p);
        conforms(
            &c.list_payments()
                .extra_header(dynamic.0, dynamic.1)
                .await
                .unwrap(),
        );
        conforms(
            &c.get_payment(payment_id())
                .extra_header(dynamic.0, dynamic.1)
                .await
                .unwrap(),
        );
        conforms(
            &c.get_payment_status(payment_id())
                .extra_header(dynamic.0, dynamic.1)
                .await
                .unwrap(),
        );
        conforms(
            &c.cancel_payment(payment_id())
                .extra_header(dynamic.0, dynamic.1)
                .await
                .unwrap(),
        );
        conforms(
            &c.list_payment_methods()
                .extra_header(dynamic.0, dynamic.1)
                .await
                .unwrap(),
        );
    }
}

/// What Prism says of a request sent without the client's checks.
async fn raw_post(body: Value) -> (u16, Option<String>) {
    // This crate's reqwest has no TLS crypto of its own: the process's.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = hexpay::reqwest::Client::new()
        .post(format!("{}/v1/payments", prism_url()))
        .bearer_auth("conformance-token")
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&body).unwrap())
        .send()
        .await
        .unwrap();
    let violations = response
        .headers()
        .get("sl-violations")
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status().as_u16(), violations)
}

fn valid_body() -> Value {
    json!({ "amount": "100.00", "currency": "USD" })
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask conformance`"]
async fn what_breaks_the_spec_is_refused_before_prism_sees_it() {
    let c = client();
    // The baseline: Prism accepts the valid body as it is.
    assert_eq!(raw_post(valid_body()).await.1, None);

    // Each invalid request: the client refuses it (nothing sent), and the
    // same request sent raw is one Prism finds in violation of the spec.
    let cases: Vec<(
        &str,
        Value,
        Result<CreatePaymentRequest, hexpay::ValidationError>,
    )> = vec![
        (
            "amount",
            json!({ "amount": "01.5", "currency": "USD" }),
            Amount::new("01.5").map(|a| CreatePaymentRequest::new(a, Currency::Usd)),
        ),
        (
            "ttl",
            json!({ "amount": "1", "currency": "USD", "ttl": 899 }),
            Ok(CreatePaymentRequest::new(Amount::new("1").unwrap(), Currency::Usd).ttl(899)),
        ),
        (
            "methods",
            json!({ "amount": "1", "currency": "USD", "payment_options": { "methods": [
                { "coin": "USDT", "chain": "TON" }, { "coin": "TON", "chain": "TON" }] } }),
            Ok(
                CreatePaymentRequest::new(Amount::new("1").unwrap(), Currency::Usd)
                    .payment_options(PaymentOptions::new(vec![
                        PaymentMethodSelection::new("USDT", "TON"),
                        PaymentMethodSelection::new("TON", "TON"),
                    ])),
            ),
        ),
        (
            "webhookURL",
            json!({ "amount": "1", "currency": "USD", "webhookURL": "http://merchant.com/hook" }),
            Ok(
                CreatePaymentRequest::new(Amount::new("1").unwrap(), Currency::Usd)
                    .webhook_url("http://merchant.com/hook"),
            ),
        ),
        (
            "order_id",
            json!({ "amount": "1", "currency": "USD", "order_id": "o".repeat(129) }),
            Ok(
                CreatePaymentRequest::new(Amount::new("1").unwrap(), Currency::Usd)
                    .order_id("o".repeat(129)),
            ),
        ),
        (
            "metadata",
            json!({ "amount": "1", "currency": "USD", "metadata": (0..11).map(|i| (format!("k{i}"), json!("v"))).collect::<serde_json::Map<_, _>>() }),
            Ok(
                CreatePaymentRequest::new(Amount::new("1").unwrap(), Currency::Usd).metadata(
                    (0..11)
                        .map(|i| (format!("k{i}"), "v".to_owned()))
                        .collect::<std::collections::BTreeMap<_, _>>(),
                ),
            ),
        ),
        ("currency", json!({ "amount": "1", "currency": "BTC" }), {
            let mut p = serde_json::from_value::<Payment>(json!({
                    "id": payment_id(), "status": "created", "amount": "1", "currency": "BTC",
                    "checkoutURL": "https://payment.hexpay.io/x",
                    "timer": { "createdAt": "2026-01-20T10:00:00Z", "expiresAt": "2026-01-20T11:00:00Z" }
                }))
                .unwrap();
            Ok(CreatePaymentRequest::new(
                p.amount.clone(),
                std::mem::replace(&mut p.currency, Currency::Usd),
            ))
        }),
    ];
    for (what, raw, request) in cases {
        let (status, violations) = raw_post(raw).await;
        assert!(
            violations.as_deref().is_some_and(|v| v.contains(what)),
            "{what}: Prism must find the raw request in violation ({status}, {violations:?})"
        );
        match request {
            // Refused when the value is made.
            Err(e) => assert!(e.to_string().contains("pattern"), "{what}: {e}"),
            // Refused when the request is made.
            Ok(body) => {
                let err = c.create_payment(body).await.unwrap_err();
                assert!(matches!(err, Error::InvalidRequest(_)), "{what}: {err:?}");
                assert_eq!(err.attempts(), 0, "{what}: nothing was sent");
                assert!(err.to_string().contains(what), "{what}: {err}");
            }
        }
    }
}
