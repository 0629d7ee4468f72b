//! What every test of the generated client needs.

use std::sync::Mutex;
use std::sync::atomic::Ordering;
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

/// What [`RawServer`] answers one request with.
pub enum Answer {
    /// These bytes, the whole response (status line, headers, body), then close.
    Bytes(Vec<u8>),
    /// A `200` whose body is `total` bytes of `fill`, sent in 64 KiB writes
    /// until the client stops reading; announced with `Content-Length` when
    /// `announce`, chunked otherwise.
    Endless {
        status: u16,
        total: u64,
        announce: bool,
    },
}

impl Answer {
    /// A JSON response with this status and body.
    pub fn json(status: u16, body: &str) -> Answer {
        Answer::with_headers(status, &[("content-type", "application/json")], body)
    }

    /// A response with these headers and this body.
    pub fn with_headers(status: u16, headers: &[(&str, &str)], body: &str) -> Answer {
        let mut text = format!("HTTP/1.1 {status} X\r\n");
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str(&format!(
            "content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        ));
        Answer::Bytes(text.into_bytes())
    }
}

/// A loopback server that reads each request off the socket as it came
/// (request line, headers and body, before any HTTP library sees them) and
/// answers as its function says, one request per connection.
pub struct RawServer {
    /// `http://127.0.0.1:PORT`.
    pub addr: String,
    seen: std::sync::Arc<Mutex<Vec<String>>>,
    written: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl RawServer {
    pub async fn start(answer: impl Fn(&str) -> Answer + Send + Sync + 'static) -> RawServer {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
        let written = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let answer = std::sync::Arc::new(answer);
        let (log, count) = (seen.clone(), written.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (answer, log, count) = (answer.clone(), log.clone(), count.clone());
                tokio::spawn(async move {
                    let request = read_request(&mut stream).await;
                    let reply = answer(&request);
                    log.lock().unwrap().push(request);
                    match reply {
                        Answer::Bytes(bytes) => {
                            let _ = stream.write_all(&bytes).await;
                        }
                        Answer::Endless {
                            status,
                            total,
                            announce,
                        } => {
                            let length = if announce {
                                format!("content-length: {total}\r\n")
                            } else {
                                "transfer-encoding: chunked\r\n".to_owned()
                            };
                            let head = format!(
                                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{length}connection: close\r\n\r\n"
                            );
                            if stream.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            let block = vec![b' '; 64 * 1024];
                            let mut sent = 0u64;
                            while sent < total {
                                let n = (total - sent).min(block.len() as u64) as usize;
                                let frame = if announce {
                                    block[..n].to_vec()
                                } else {
                                    let mut f = format!("{n:x}\r\n").into_bytes();
                                    f.extend_from_slice(&block[..n]);
                                    f.extend_from_slice(b"\r\n");
                                    f
                                };
                                if stream.write_all(&frame).await.is_err() {
                                    return;
                                }
                                sent += n as u64;
                                count.fetch_add(n as u64, Ordering::SeqCst);
                            }
                            if !announce {
                                let _ = stream.write_all(b"0\r\n\r\n").await;
                            }
                        }
                    }
                    let _ = stream.shutdown().await;
                });
            }
        });
        RawServer {
            addr,
            seen,
            written,
        }
    }

    /// Every request read so far, as it came off the socket.
    pub fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    /// The request line of every request so far (`GET /v1/… HTTP/1.1`).
    pub fn request_lines(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| r.lines().next().unwrap_or_default().to_owned())
            .collect()
    }

    /// How many body bytes of `Answer::Endless` answers were written.
    pub fn body_bytes_written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }
}

/// Reads one request (head, and the body its `Content-Length` announces).
pub async fn read_request(stream: &mut (impl tokio::io::AsyncRead + Unpin)) -> String {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n) = stream.read(&mut chunk).await {
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]);
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// A header of a raw request, by name (any case).
pub fn header_of(request: &str, name: &str) -> Option<String> {
    let head = request.split("\r\n\r\n").next().unwrap_or_default();
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
    })
}
