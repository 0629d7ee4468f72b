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

#[tokio::test]
async fn each_call_is_one_span_that_never_shows_the_token() {
    use tracing_subscriber::fmt::format::FmtSpan;

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

    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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

    let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
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
