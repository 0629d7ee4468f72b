//! `generated/examples/quickstart.rs`, unmodified, against mock HexPay
//! servers on loopback: the payment completes while the example waits, it
//! stays pending until the wait ends (and is then cancelled), or it
//! completes between the end of the wait and the cancellation (which the
//! server then refuses with 409). The example must exit 0 every time.
//!
//! `cargo xtask conformance` (part of `cargo xtask test`) builds the example
//! and runs these with `HEXPAY_QUICKSTART` set to its path; plain
//! `cargo test` lists them as ignored.

use std::process::Output;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "hexpay/common.rs"]
#[allow(dead_code)]
mod common;

use common::{PAYMENT_ID, error_json, payment_json};

/// What the status endpoint and the cancellation answer.
struct Scenario {
    status: &'static str,
    cancel: ResponseTemplate,
    cancels: u64,
}

/// A server for every operation of the quickstart, as `scenario` says.
async fn server(scenario: Scenario) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(payment_json("pending")))
        .expect(2)
        .mount(&server)
        .await;
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
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/status")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "status": scenario.status })),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/cancel")))
        .respond_with(scenario.cancel)
        .expect(scenario.cancels)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payment-methods"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "methods": [] })))
        .expect(1)
        .mount(&server)
        .await;
    server
}

/// Runs the example against `server`, waiting at most `wait_seconds`.
async fn run_example(server: &MockServer, wait_seconds: &str) -> Output {
    let example = std::env::var("HEXPAY_QUICKSTART")
        .expect("HEXPAY_QUICKSTART is not set: run these through `cargo xtask conformance`");
    let mut command = std::process::Command::new(example);
    command
        .env("HEXPAY_BASE_URL", server.uri())
        .env("HEXPAY_TOKEN", "quickstart-token\n")
        .env("HEXPAY_WAIT_SECONDS", wait_seconds);
    tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("the example starts")
}

/// The example exited 0, and printed `expected`.
fn assert_succeeded(output: &Output, expected: &str) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the example failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(
        stdout.contains(expected),
        "expected `{expected}` in:\n{stdout}"
    );
}

/// The keys the example printed are the keys the server received.
async fn assert_keys_printed(server: &MockServer, output: &Output) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let printed: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("idempotency key: "))
        .collect();
    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter_map(|r| r.headers.get("x-idempotency-key"))
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(!sent.is_empty());
    assert_eq!(
        printed, sent,
        "the key shown before sending is the key sent"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built example: run through `cargo xtask conformance`"]
async fn the_payment_completes_while_the_example_waits() {
    let server = server(Scenario {
        status: "completed",
        cancel: ResponseTemplate::new(409).set_body_json(error_json("conflict")),
        cancels: 0,
    })
    .await;
    let output = run_example(&server, "5").await;
    assert_succeeded(&output, "final: Completed");
    assert_keys_printed(&server, &output).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built example: run through `cargo xtask conformance`"]
async fn the_payment_stays_pending_and_is_cancelled() {
    let server = server(Scenario {
        status: "pending",
        cancel: ResponseTemplate::new(200).set_body_json(payment_json("cancelled")),
        cancels: 1,
    })
    .await;
    let output = run_example(&server, "1").await;
    assert_succeeded(&output, "not final yet");
    assert_keys_printed(&server, &output).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built example: run through `cargo xtask conformance`"]
async fn the_payment_completes_before_the_cancellation() {
    let server = server(Scenario {
        status: "pending",
        cancel: ResponseTemplate::new(409).set_body_json(error_json("conflict")),
        cancels: 1,
    })
    .await;
    let output = run_example(&server, "1").await;
    assert_succeeded(&output, "not allowed any more");
}
