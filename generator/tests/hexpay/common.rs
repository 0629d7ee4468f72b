//! What every test of the generated client needs.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use hexpay::RetryPolicy;
use hexpay::types::{Amount, CreatePaymentRequest, Currency};
use serde_json::{Value, json};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

pub const PAYMENT_ID: &str = "019327c6-2058-7901-b234-56789abcdeff";

pub fn payment_id() -> String {
    PAYMENT_ID.to_owned()
}

/// A client for `server` with no retry delay worth waiting for.
pub fn client(server: &MockServer) -> hexpay::Client {
    builder(&server.uri())
        .build()
        .expect("a valid configuration")
}

/// A builder for a local test server, with fast retries.
pub fn builder(uri: &str) -> hexpay::ClientBuilder {
    hexpay::Client::builder()
        .base_url(uri)
        .allow_http(true)
        .bearer_token("test-token")
        .retry_policy(fast_retries())
}

/// Retries after 20..=40 ms, then 40..=80 ms, …
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_initial_backoff(Duration::from_millis(40))
        .with_max_backoff(Duration::from_millis(160))
}

pub fn new_payment() -> CreatePaymentRequest {
    CreatePaymentRequest::new(
        Amount::new("100.00").expect("a valid amount"),
        Currency::Usd,
    )
}

/// A payment in `status`, as the server sends it: without `paymentDetails`
/// while it is `created`.
pub fn payment_json(status: &str) -> Value {
    let mut payment = json!({
        "id": PAYMENT_ID,
        "status": status,
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
        "timer": { "createdAt": "2026-01-20T10:00:00Z", "expiresAt": "2026-01-20T11:00:00Z" }
    });
    if status == "created" {
        payment.as_object_mut().unwrap().remove("paymentDetails");
    }
    payment
}

pub fn error_json(code: &str) -> Value {
    json!({ "code": code, "message": format!("{code} happened") })
}

/// Answers with the given responses in turn (the last one again once they
/// run out), and records when each request came and what it carried.
pub struct Script {
    responses: Vec<ResponseTemplate>,
    seen: Mutex<Vec<(Instant, Request)>>,
}

impl Script {
    pub fn new(responses: Vec<ResponseTemplate>) -> std::sync::Arc<Script> {
        std::sync::Arc::new(Script {
            responses,
            seen: Mutex::new(Vec::new()),
        })
    }

    /// The requests so far, with the time each arrived.
    pub fn seen(&self) -> Vec<(Instant, Request)> {
        self.seen.lock().unwrap().clone()
    }

    /// One header of every request so far.
    pub fn header_values(&self, name: &str) -> Vec<String> {
        self.seen()
            .iter()
            .map(|(_, r)| {
                r.headers
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The time between each request and the next.
    pub fn gaps(&self) -> Vec<Duration> {
        let seen = self.seen();
        seen.windows(2).map(|w| w[1].0 - w[0].0).collect()
    }
}

/// A shared script is a responder.
pub struct Shared(pub std::sync::Arc<Script>);

impl Respond for Shared {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut seen = self.0.seen.lock().unwrap();
        let n = seen.len();
        seen.push((Instant::now(), request.clone()));
        let responses = &self.0.responses;
        responses[n.min(responses.len() - 1)].clone()
    }
}

/// Asserts that `gap` is a jittered backoff of `full`: in `[full / 2, full]`,
/// plus what scheduling may add.
pub fn assert_backoff(gap: Duration, full: Duration) {
    let slack = Duration::from_millis(500);
    assert!(
        gap >= full / 2,
        "waited {gap:?}, less than half of {full:?}"
    );
    assert!(gap <= full + slack, "waited {gap:?}, more than {full:?}");
}
