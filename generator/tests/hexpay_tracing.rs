//! The generated `hexpay` client's traces: one span per call, never the
//! token. A binary of its own, since tracing caches per call site whether
//! anyone listens, and other tests running beside it would race that cache.

use std::sync::{Arc, Mutex};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "hexpay/common.rs"]
#[allow(dead_code)]
mod common;

use common::{Script, Shared, client, error_json, new_payment, payment_json};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// A subscriber that writes every event and closed span into a buffer, for
/// the current thread (each test runs on its own).
fn capture() -> (Buffer, tracing::subscriber::DefaultGuard) {
    use tracing_subscriber::fmt::format::FmtSpan;
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn each_call_is_one_span_that_never_shows_the_token() {
    let (buffer, _guard) = capture();

    let server = MockServer::start().await;
    let script = Script::new(vec![
        ResponseTemplate::new(503).set_body_json(error_json("try_again")),
        ResponseTemplate::new(201).set_body_json(payment_json("created")),
    ]);
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .respond_with(Shared(script.clone()))
        .mount(&server)
        .await;
    client(&server).create_payment(new_payment()).await.unwrap();

    let log = buffer.text();
    assert!(log.contains("api_call"), "{log}");
    assert!(log.contains("operation=\"createPayment\""), "{log}");
    assert!(log.contains("http.route=\"/v1/payments\""), "{log}");
    assert!(log.contains("retrying"), "{log}");
    assert!(log.contains("attempts=2"), "{log}");
    assert!(log.contains("http.status_code=201"), "{log}");
    assert!(log.contains("latency_ms"), "{log}");
    assert!(
        !log.contains("test-token"),
        "the token never reaches a trace: {log}"
    );
}

/// Each failed attempt's event names the operation and agrees with itself
/// on the attempt; no message carries the URL with the payment's id.
#[tokio::test]
async fn attempt_events_agree_with_their_attempt_and_name_only_the_route() {
    let (buffer, _guard) = capture();
    // A port nothing listens on: every attempt fails to connect.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = common::builder(&format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = c.get_payment("pay_secret_42").await.unwrap_err();
    assert_eq!(err.attempts(), 3);

    let log = buffer.text();
    let failed: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("attempt failed"))
        .collect();
    assert_eq!(failed.len(), 3, "{log}");
    for (i, line) in failed.iter().enumerate() {
        let n = i + 1;
        assert!(line.contains(&format!("attempt={n}")), "{line}");
        assert!(
            line.contains(&format!(
                "getPayment (GET /v1/payments/{{paymentID}}): transport error after {n} attempt(s)"
            )),
            "{line}"
        );
    }
    assert!(!log.contains("pay_secret_42"), "{log}");
    assert!(!err.to_string().contains("pay_secret_42"), "{err}");
}
