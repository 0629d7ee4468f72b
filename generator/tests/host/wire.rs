//! A crate that holds three generated clients as modules: `hexpay`,
//! written into `src/hexpay/` (`generate --module crate::hexpay --runtime
//! crate::openapi_runtime`), and `streams`, written by the crate's build
//! script into `OUT_DIR` and `include!`d, share one runtime
//! (`crate::openapi_runtime`, also written by the build script);
//! `standalone` holds its own. They work side by side: what reaches the
//! wire is read off a loopback socket. `cargo xtask fixtures` writes the
//! crate and copies this file into its `tests/`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use module_host::{hexpay, openapi_runtime, standalone, streams};

/// A server that answers each connection in turn with the next of
/// `answers`, and sends back what each request was.
fn serve(answers: Vec<String>) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for (answer, stream) in answers.into_iter().zip(listener.incoming()) {
            let Ok(mut stream) = stream else { return };
            let _ = tx.send(read_request(&mut stream));
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (base, rx)
}

fn read_request(stream: &mut TcpStream) -> String {
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&seen);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                .unwrap_or(0);
            if body.len() >= length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

fn answer(status: u16, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status} Status\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn header<'r>(request: &'r str, name: &str) -> Option<&'r str> {
    request.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

const PAYMENT: &str = r#"{"id":"019327c6-2058-7901-b234-56789abcdeff","status":"created","order_id":"order-1","amount":"100.00","currency":"USD","checkoutURL":"https://payment.hexpay.io/019327c6-2058-7901-b234-56789abcdeff","timer":{"createdAt":"2026-01-20T10:00:00Z","expiresAt":"2026-01-20T11:00:00Z"}}"#;

#[test]
fn the_module_written_into_src_calls_and_decodes() {
    let (base, requests) = serve(vec![
        answer(200, "application/json", PAYMENT),
        answer(404, "application/json", r#"{"code":"not_found","message":"no such payment"}"#),
    ]);
    let client = hexpay::Client::builder()
        .base_url(&base)
        .allow_http(true)
        .bearer_token("token-1")
        .build()
        .unwrap();
    runtime().block_on(async {
        let payment = client.get_payment("019327c6-2058-7901-b234-56789abcdeff").await.unwrap();
        assert_eq!(payment.status, hexpay::types::PaymentStatus::Created);
        match client.get_payment("missing").await {
            Err(hexpay::Error::Api(e)) => {
                assert_eq!(e.status, 404);
                assert_eq!(e.body.as_ref().map(|b| b.code.as_str()), Some("not_found"));
            }
            other => panic!("expected the API's 404, got {other:?}"),
        }
    });
    let first = requests.recv().unwrap();
    assert!(
        first.starts_with("GET /v1/payments/019327c6-2058-7901-b234-56789abcdeff HTTP/1.1\r\n"),
        "{first}"
    );
    assert_eq!(header(&first, "authorization"), Some("Bearer token-1"));
    assert!(requests.recv().unwrap().starts_with("GET /v1/payments/missing HTTP/1.1\r\n"));
}

#[test]
fn the_module_a_build_script_wrote_streams_events() {
    let events = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n\
                  data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\n\
                  data: [DONE]\n\n";
    let (base, requests) = serve(vec![answer(200, "text/event-stream", events)]);
    let client = streams::Client::builder()
        .base_url(format!("{base}/v1"))
        .allow_http(true)
        .bearer_token("token-2")
        .build()
        .unwrap();
    let request = streams::types::CreateChatCompletionRequest::new(
        "model-1",
        vec![streams::types::Message::new("user", "Say hello")],
    )
    .stream(true);
    let text = runtime().block_on(async {
        let mut stream = client.create_chat_completion(request).stream().await.unwrap().into_inner();
        let mut text = String::new();
        while let Some(event) = stream.next().await {
            text.push_str(&event.unwrap().data.choices[0].delta.content.clone().unwrap_or_default());
        }
        text
    });
    assert_eq!(text, "Hello");
    let request = requests.recv().unwrap();
    assert!(request.starts_with("POST /v1/chat/completions HTTP/1.1\r\n"), "{request}");
    assert_eq!(header(&request, "accept"), Some("text/event-stream"));
    assert_eq!(header(&request, "authorization"), Some("Bearer token-2"));
}

#[test]
fn the_apis_that_share_a_runtime_share_its_types_and_keep_their_own() {
    // One runtime: a policy, a key or a certificate made for one API is the
    // other's type too (these lines compile only because it is).
    let policy: hexpay::RetryPolicy = streams::RetryPolicy::default().with_max_retries(0);
    let key: openapi_runtime::IdempotencyKey = hexpay::IdempotencyKey::new_v4();
    let _: streams::IdempotencyKey = key;
    let client = streams::Client::builder()
        .base_url("https://streams.test")
        .retry_policy(policy)
        .build()
        .unwrap();
    assert_eq!(client.retry_policy().max_retries, 0);
    // Each API keeps its own server, error body and client: the same
    // runtime type, given a different API.
    assert_eq!(hexpay::Client::builder().build().unwrap().base_url(), "https://api.hexpay.io");
    assert_eq!(streams::Client::builder().build().unwrap().base_url(), "https://api.streams.test/v1");
    assert_ne!(
        std::any::TypeId::of::<hexpay::Client>(),
        std::any::TypeId::of::<streams::Client>(),
    );
    assert_eq!(
        std::any::TypeId::of::<hexpay::Client>(),
        std::any::TypeId::of::<openapi_runtime::Client<hexpay::Api>>(),
    );
    // The module that holds its own runtime has its own types.
    assert_ne!(
        std::any::TypeId::of::<standalone::RetryPolicy>(),
        std::any::TypeId::of::<hexpay::RetryPolicy>(),
    );
}
