//! `cargo xtask bench streams`: a loopback server sends 1 GiB of
//! server-sent events (chunked, about 1 KiB each); the generated client's
//! `EventStream` reads and decodes them, and so does a bare reqwest loop
//! that splits lines and decodes each `data:` line. Each way runs in a
//! process of its own (`client` or `bare`), which prints its items per
//! second and its memory: the resident set at a tenth, half and all of
//! the bytes, and the peak.

use std::time::Instant;

use tokio::io::AsyncWriteExt as _;

const TOTAL: u64 = 1 << 30;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let way = std::env::args().nth(1).unwrap_or_else(|| "client".to_owned());
    let base = serve().await;
    let started = Instant::now();
    let mut marks = Vec::new();
    let (items, bytes) = match way.as_str() {
        "client" => client(&base, &mut marks).await,
        "bare" => bare(&base, &mut marks).await,
        other => panic!("unknown way {other}"),
    };
    let secs = started.elapsed().as_secs_f64();
    let marks: Vec<String> = marks.iter().map(|(at, rss)| format!("{at}%: {rss:.1} MiB")).collect();
    println!(
        "{way:>6}: {items} events, {:.2} GiB in {secs:.2} s: {:.0} events/s, {:.0} MiB/s; resident {}; peak {:.1} MiB",
        bytes as f64 / (1u64 << 30) as f64,
        items as f64 / secs,
        bytes as f64 / secs / (1 << 20) as f64,
        marks.join(", "),
        memory("VmHWM:"),
    );
}

/// One event's data, as the generated type and the bare loop decode it.
fn event(n: usize) -> String {
    let subject = format!("{n:08}").repeat(110);
    format!("data: {{\"kind\":\"created\",\"subject\":\"{subject}\"}}\n\n")
}

/// A server that answers every request with `TOTAL` bytes of events.
async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let mut block = String::new();
    let mut n = 0;
    while block.len() < 60 * 1024 {
        block.push_str(&event(n));
        n += 1;
    }
    let chunk = format!("{:x}\r\n{block}\r\n", block.len()).into_bytes();
    let per_block = block.len() as u64;
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let chunk = chunk.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    use tokio::io::AsyncReadExt as _;
                    if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
                    .await;
                let mut sent = 0;
                while sent < TOTAL {
                    if socket.write_all(&chunk).await.is_err() {
                        return;
                    }
                    sent += per_block;
                }
                let _ = socket.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    base
}

/// The resident set or the peak, in MiB, from `/proc/self/status`.
fn memory(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Notes the resident set when `bytes` passes a tenth, half, all of `TOTAL`.
fn mark(bytes: u64, marks: &mut Vec<(u64, f64)>) {
    for at in [10, 50, 100] {
        if bytes * 100 >= TOTAL * at && !marks.iter().any(|(m, _)| *m == at) {
            marks.push((at, memory("VmRSS:")));
        }
    }
}

async fn client(base: &str, marks: &mut Vec<(u64, f64)>) -> (u64, u64) {
    let client = fixture_streams::Client::builder().base_url(base).allow_http(true).bearer_token("t").build().unwrap();
    let mut events = client.watch_events().send().await.unwrap();
    let (mut items, mut bytes) = (0u64, 0u64);
    while let Some(event) = events.next().await {
        let event = event.unwrap();
        items += 1;
        // The bytes of the event on the wire: `data: `, the JSON, two LFs.
        bytes += 39 + event.data.subject.as_deref().map_or(0, str::len) as u64;
        if items % 4096 == 0 {
            mark(bytes, marks);
        }
    }
    mark(TOTAL, marks);
    (items, bytes)
}

async fn bare(base: &str, marks: &mut Vec<(u64, f64)>) -> (u64, u64) {
    // The same TLS crypto as the generated client's (reqwest, built
    // without a provider, needs one installed to build a client).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let mut response = http.get(format!("{base}/events")).send().await.unwrap();
    let (mut items, mut bytes) = (0u64, 0u64);
    let mut buffer: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.unwrap() {
        bytes += chunk.len() as u64;
        buffer.extend_from_slice(&chunk);
        let mut start = 0;
        while let Some(end) = buffer[start..].iter().position(|&b| b == b'\n') {
            let line = &buffer[start..start + end];
            if let Some(data) = line.strip_prefix(b"data: ") {
                let notice: fixture_streams::types::Notice = serde_json::from_slice(data).unwrap();
                std::hint::black_box(&notice);
                items += 1;
            }
            start += end + 1;
        }
        buffer.drain(..start);
        mark(bytes, marks);
    }
    mark(TOTAL, marks);
    (items, bytes)
}
