//! Figures for the generated `hexpay` client (`cargo bench -p openapi-rust-codegen
//! --bench client`, or `cargo xtask bench`):
//!
//! - the per-request overhead of the generated client against a hand-written
//!   reqwest call to the same loopback server, as a ratio measured in one run
//!   (the two interleaved, so that both see the same machine);
//! - the peak heap while streaming payments through the paginator, for more
//!   and more pages: flat when only the page being read is held;
//! - the peak heap of a call whose server answers 256 MiB that never decode:
//!   bounded by `ClientBuilder::max_response_bytes`, not by the server.
//!
//! The server is a minimal HTTP/1.1 server on its own thread (its
//! allocations, one page at a time, count too).

use std::time::{Duration, Instant};

use hexpay::types::Payment;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

// The heap is measured by dhat: its allocator only forwards to the system's
// until a profiler starts, so the timing part runs at full speed.
#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

const ID: &str = "019327c6-2058-7901-b234-56789abcdeff";

fn payment_json(i: usize) -> String {
    format!(
        r#"{{"id":"{ID}","status":"pending","order_id":"order-{i}","amount":"100.00","currency":"USD","checkoutURL":"https://payment.hexpay.io/{ID}","paymentDetails":{{"address":"UQBf_DO8wsBddOcMnGEOyREEHPPKMBL2F26GQFOV7FQdYY_a","coinAmount":"35.782","coin":{{"name":"Tether","symbol":"USDT","imgUrl":"https://assets.hexpay.io/coins/usdt.svg"}},"chain":{{"name":"TON","symbol":"TON","imgUrl":"https://assets.hexpay.io/chains/ton.svg"}}}},"timer":{{"createdAt":"2026-01-20T10:00:00Z","expiresAt":"2026-01-20T11:00:00Z"}}}}"#
    )
}

/// The answer to one request: a payment, or a page of `limit` payments out
/// of the `x-total` header's number (the cursor is the index of the next one).
fn answer(head: &str) -> String {
    let target = head.split_whitespace().nth(1).unwrap_or("/");
    let total = head
        .lines()
        .find_map(|l| l.strip_prefix("x-total: "))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let body = if let Some(query) = target.strip_prefix("/v1/payments?") {
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                .and_then(|v| v.parse::<usize>().ok())
        };
        let limit = param("limit").unwrap_or(100);
        let from = param("cursor").unwrap_or(0);
        let to = (from + limit).min(total);
        let items: Vec<String> = (from..to).map(payment_json).collect();
        let next = if to < total {
            format!("\"{to}\"")
        } else {
            "null".to_owned()
        };
        format!(
            r#"{{"payments":[{}],"nextCursor":{next}}}"#,
            items.join(",")
        )
    } else {
        payment_json(0)
    };
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// 256 MiB of a body, chunked, written from one 64 KiB block until the
/// client stops reading.
async fn flood(stream: &mut tokio::net::TcpStream) {
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let mut frame = format!("{:x}\r\n", 64 * 1024).into_bytes();
    frame.extend(std::iter::repeat_n(b' ', 64 * 1024));
    frame.extend_from_slice(b"\r\n");
    for _ in 0..4 * 1024 {
        if stream.write_all(&frame).await.is_err() {
            return;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
}

/// Serves on a loopback port from its own thread; returns the base URL.
fn start_server() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let mut buf = Vec::with_capacity(4096);
                    let mut chunk = [0u8; 4096];
                    loop {
                        let Ok(n) = stream.read(&mut chunk).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        // Every request of these benchmarks is a GET without a body.
                        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                            buf.drain(..end + 4);
                            if head.starts_with("GET /v1/payments/flood ") {
                                flood(&mut stream).await;
                                return;
                            }
                            if stream.write_all(answer(&head).as_bytes()).await.is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

async fn generated(client: &hexpay::Client, id: hexpay::uuid::Uuid) -> Payment {
    client.get_payment(id).await.unwrap().into_inner()
}

async fn handwritten(http: &reqwest::Client, url: &str, timeout: Option<Duration>) -> Payment {
    let mut request = http.get(url).bearer_auth("bench-token");
    if let Some(t) = timeout {
        request = request.timeout(t);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success());
    let bytes = response.bytes().await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn main() {
    let base = start_server();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = hexpay::Client::builder()
            .base_url(&base)
            .allow_http(true)
            .bearer_token("bench-token")
            .build()
            .unwrap();
        // The same TLS crypto as the generated client's (reqwest, built
        // without a provider of its own, asks for the process's).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let id: hexpay::uuid::Uuid = ID.parse().unwrap();
        let url = format!("{base}/v1/payments/{ID}");

        // Three callers of the same request: the generated client (with its
        // default 60 s attempt timeout), a bare hand-written call, and the
        // same with that timeout. Warm the pools, then interleave rounds,
        // each round in another order, so that all see the same machine.
        const TIMEOUT: Duration = Duration::from_secs(60);
        for _ in 0..2_000 {
            generated(&client, id).await;
            handwritten(&http, &url, None).await;
        }
        let (rounds, per_round) = (30, 1_000);
        let mut totals = [Duration::ZERO; 3];
        for round in 0..rounds {
            for turn in 0..3 {
                let which = (round + turn) % 3;
                let started = Instant::now();
                for _ in 0..per_round {
                    match which {
                        0 => drop(std::hint::black_box(generated(&client, id).await)),
                        1 => drop(std::hint::black_box(handwritten(&http, &url, None).await)),
                        _ => drop(std::hint::black_box(handwritten(&http, &url, Some(TIMEOUT)).await)),
                    }
                }
                totals[which] += started.elapsed();
            }
        }
        let n = (rounds * per_round) as f64;
        let per = |d: Duration| d.as_secs_f64() * 1e6 / n;
        let [ours, bare, timed] = totals;
        println!(
            "per-request overhead: GET /v1/payments/{{id}} on loopback, {} requests each, interleaved",
            rounds * per_round
        );
        println!("  hand-written reqwest call:             {:>6.1} µs/request", per(bare));
        println!("  hand-written, with a 60 s timeout:     {:>6.1} µs/request", per(timed));
        println!("  generated client:                      {:>6.1} µs/request", per(ours));
        println!(
            "  ratio generated / hand-written:        {:.3} (target ≤ 1.05)",
            ours.as_secs_f64() / bare.as_secs_f64()
        );
        println!(
            "  ratio generated / hand-written with timeout: {:.3}",
            ours.as_secs_f64() / timed.as_secs_f64()
        );

        println!("paginator: peak heap while streaming every payment, pages of 100");
        // dhat's peak only grows: listings of more and more pages, one after
        // the other, leave it where it was when only one page is ever held.
        let _profiler = dhat::Profiler::builder().testing().build();
        for total in [1_000usize, 10_000, 100_000] {
            let started = Instant::now();
            // Every page's request carries the header, so the server knows
            // where the listing ends.
            let mut items = client
                .list_payments()
                .limit(100)
                .extra_header("x-total", total.to_string())
                .items();
            let mut count = 0usize;
            while let Some(item) = items.next().await {
                std::hint::black_box(item.unwrap());
                count += 1;
            }
            assert_eq!(count, total);
            let stats = dhat::HeapStats::get();
            println!(
                "  {total:>7} payments ({:>5} pages): peak heap so far {:>7.1} KiB (now {:.1} KiB), {:.0} ms",
                total / 100,
                stats.max_bytes as f64 / 1024.0,
                stats.curr_bytes as f64 / 1024.0,
                started.elapsed().as_secs_f64() * 1e3
            );
        }

        println!("a response without end: 256 MiB for one payment, chunked");
        // The smaller limit first: dhat's peak only grows.
        for (limit, label) in [(Some(1024 * 1024), "max_response_bytes 1 MiB"), (None, "the default, 64 MiB")] {
            let mut builder = hexpay::Client::builder()
                .base_url(&base)
                .allow_http(true)
                .bearer_token("bench-token");
            if let Some(limit) = limit {
                builder = builder.max_response_bytes(limit);
            }
            let flooded = builder.build().unwrap();
            let started = Instant::now();
            let err = flooded.get_payment("flood").await.unwrap_err();
            assert!(matches!(err, hexpay::Error::TooLarge(_)), "{err}");
            let stats = dhat::HeapStats::get();
            println!(
                "  {label:<26} Error::TooLarge after {:>5.0} ms, peak heap so far {:>7.1} MiB",
                started.elapsed().as_secs_f64() * 1e3,
                stats.max_bytes as f64 / (1024.0 * 1024.0)
            );
        }
    });
}
