//! The crate generated from `fixtures/streams.yaml` reads streamed
//! responses as a loopback server writes them: in pieces of any size, cut,
//! stalled, replaced by a gateway's page. What reaches the wire (method,
//! path, `Accept`, `Last-Event-ID`) is read off the socket.
//! `cargo xtask fixtures` copies this file into that crate's `tests/` and
//! runs it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fixture_streams::types::{CreateChatCompletionRequest, Message};
use fixture_streams::{Error, TimeoutKind};

type Script = dyn Fn(usize, &mut TcpStream) + Send + Sync;

/// A server that reads each request (head and body, logged) and answers
/// it with `script(index of the connection, socket)`, each connection on
/// a thread of its own.
struct Server {
    base: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(script: impl Fn(usize, &mut TcpStream) + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}/v1", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let script: Arc<Script> = Arc::new(script);
        std::thread::spawn(move || {
            for (i, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { return };
                let _ = stream.set_nodelay(true);
                let request = read_request(&mut stream);
                log.lock().unwrap().push(request);
                let script = script.clone();
                std::thread::spawn(move || script(i, &mut stream));
            }
        });
        Server { base, seen }
    }

    fn builder(&self) -> fixture_streams::ClientBuilder {
        fixture_streams::Client::builder()
            .base_url(&self.base)
            .retry_policy(
                fixture_streams::RetryPolicy::default()
                    .with_initial_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(5)),
            )
            .allow_http(true)
            .bearer_token("token-1")
    }

    fn client(&self) -> fixture_streams::blocking::Client {
        self.builder().build_blocking().unwrap()
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn read_request(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut content = vec![0u8; length];
    let _ = stream.read_exact(&mut content);
    format!("{head}{}", String::from_utf8_lossy(&content))
}

/// A head whose body is chunked, each write one chunk.
fn chunked(stream: &mut TcpStream, status: u16, content_type: &str) {
    let head = format!("HTTP/1.1 {status} Status\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n");
    let _ = stream.write_all(head.as_bytes());
}

fn chunk(stream: &mut TcpStream, bytes: &[u8]) {
    let mut out = format!("{:x}\r\n", bytes.len()).into_bytes();
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
    let _ = stream.write_all(&out);
    let _ = stream.flush();
}

fn last_chunk(stream: &mut TcpStream) {
    let _ = stream.write_all(b"0\r\n\r\n");
}

/// A whole answer, its length announced.
fn whole(stream: &mut TcpStream, status: u16, content_type: &str, body: &str) {
    let answer = format!(
        "HTTP/1.1 {status} Status\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes());
}

/// An answer whose body ends when the connection closes.
fn until_close(stream: &mut TcpStream, content_type: &str, body: &[u8]) {
    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn chat() -> CreateChatCompletionRequest {
    CreateChatCompletionRequest::new("model-1", vec![Message::new("user", "Say hello")]).stream(true)
}

fn header<'r>(request: &'r str, name: &str) -> Option<&'r str> {
    request.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

const CHUNKS: &str = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n\
                      data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\n\
                      data: [DONE]\n\n";

#[test]
fn one_operation_answers_json_or_a_stream_as_accept_asks() {
    let server = Server::start(|i, s| match i {
        0 => whole(s, 200, "application/json", r#"{"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"}}]}"#),
        _ => {
            chunked(s, 200, "text/event-stream; charset=utf-8");
            for piece in CHUNKS.split_inclusive("\n\n") {
                chunk(s, piece.as_bytes());
            }
            last_chunk(s);
        }
    });
    let client = server.client();
    let whole = client.create_chat_completion(chat()).send().unwrap();
    assert_eq!(whole.choices[0].message.content, "Hello");
    let events = client.create_chat_completion(chat()).stream().unwrap();
    let text: String = events
        .into_inner()
        .map(|e| e.unwrap().data.choices[0].delta.content.clone().unwrap_or_default())
        .collect();
    assert_eq!(text, "Hello", "[DONE] ends the stream");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].starts_with("POST /v1/chat/completions HTTP/1.1\r\n"));
    assert_eq!(header(&requests[0], "accept"), Some("application/json"));
    assert_eq!(header(&requests[1], "accept"), Some("text/event-stream"));
    assert_eq!(header(&requests[1], "cache-control"), Some("no-cache"));
    assert!(requests[1].ends_with(r#""stream":true}"#), "{}", requests[1]);
}

#[test]
fn accept_is_the_builders_to_set() {
    let server = Server::start(|_, s| whole(s, 200, "application/json", "{}"));
    let e = server
        .client()
        .create_chat_completion(chat())
        .extra_header("Accept", "application/json")
        .stream()
        .unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)), "{e}");
    assert!(server.requests().is_empty(), "nothing is sent");
}

/// Events written one byte per chunk: every cut falls somewhere, inside a
/// UTF-8 character and between a CR and its LF too.
#[test]
fn events_split_at_every_byte_keep_their_framing_with_any_line_end() {
    for end in ["\n", "\r", "\r\n"] {
        let text = "\u{FEFF}: heartbeat\nevent: line\nid: 41\ndata: héllo 🌍\ndata: second\n\n\
                    retry: 250\ndata:last\n\n"
            .replace('\n', end);
        let server = Server::start(move |_, s| {
            chunked(s, 200, "text/event-stream");
            for byte in text.as_bytes() {
                chunk(s, std::slice::from_ref(byte));
            }
            last_chunk(s);
        });
        let events: Vec<_> = server.client().tail_logs().send().unwrap().into_inner().map(Result::unwrap).collect();
        assert_eq!(events.len(), 2, "line end {end:?}");
        assert_eq!(events[0].data, "héllo 🌍\nsecond");
        assert_eq!(events[0].event, "line");
        assert_eq!(events[0].id.as_deref(), Some("41"));
        assert_eq!(events[1].data, "last");
        assert_eq!(events[1].event, "message");
        assert_eq!(events[1].retry, Some(Duration::from_millis(250)));
        assert_eq!(header(&server.requests()[0], "accept"), Some("text/event-stream"));
    }
}

#[test]
fn a_ten_mib_item_decodes_and_one_past_the_limit_is_refused() {
    let big = "x".repeat(10 * 1024 * 1024);
    let body = Arc::new(format!("data: {{\"kind\":\"big\",\"subject\":\"{big}\"}}\n\ndata: {{\"kind\":\"small\"}}\n\n"));
    let answer = body.clone();
    let server = Server::start(move |_, s| {
        chunked(s, 200, "text/event-stream");
        for piece in answer.as_bytes().chunks(64 * 1024 - 3) {
            chunk(s, piece);
        }
        last_chunk(s);
    });
    let events: Vec<_> = server.client().watch_events().send().unwrap().into_inner().map(Result::unwrap).collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].data.subject.as_deref().map(str::len), Some(big.len()));

    let client = server.builder().max_response_bytes(1024 * 1024).build_blocking().unwrap();
    let mut events = client.watch_events().send().unwrap().into_inner();
    match events.next() {
        Some(Err(Error::TooLarge(e))) => {
            assert_eq!(e.limit, 1024 * 1024);
            assert!(e.head.starts_with(b"data: {\"kind\":\"big\""), "its first bytes are kept");
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert!(events.next().is_none(), "the stream ends");
}

#[test]
fn a_stream_that_ends_inside_an_event_is_an_error_that_keeps_what_came() {
    let server = Server::start(|_, s| {
        until_close(s, "text/event-stream", b"data: {\"id\":\"c1\",\"choices\":[]}\n\ndata: {\"id\":\"c");
    });
    let mut events = server.client().create_chat_completion(chat()).stream().unwrap().into_inner();
    assert_eq!(events.next().unwrap().unwrap().data.id, "c1");
    let e = events.next().unwrap().unwrap_err();
    assert!(matches!(e, Error::Decode(_)), "{e}");
    assert_eq!(e.raw_body().map(|b| &b[..]), Some(&b"{\"id\":\"c"[..]));
    assert!(e.to_string().contains("ended inside an item"), "{e}");
    assert!(events.next().is_none());
    assert_eq!(server.requests().len(), 1, "a POST that gave an item is not sent again");
}

#[test]
fn a_connection_cut_inside_a_chunked_stream_is_a_transport_error() {
    let server = Server::start(|_, s| {
        chunked(s, 200, "text/event-stream");
        chunk(s, b"data: {\"id\":\"c1\",\"choices\":[]}\n\ndata: {\"id\"");
        // Closed without the last chunk.
    });
    let mut events = server.client().create_chat_completion(chat()).stream().unwrap().into_inner();
    assert!(events.next().unwrap().is_ok());
    let e = events.next().unwrap().unwrap_err();
    assert!(matches!(e, Error::Transport(_)), "{e}");
    assert!(events.next().is_none());
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_stream_outlives_the_attempt_timeout_but_not_its_idle_limit() {
    let server = Server::start(|_, s| {
        chunked(s, 200, "text/event-stream");
        for _ in 0..5 {
            chunk(s, b"data: {\"id\":\"c1\",\"choices\":[]}\n\n");
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_secs(5));
        last_chunk(s);
    });
    let client = server
        .builder()
        .timeout(Duration::from_millis(200))
        .stream_idle_timeout(Duration::from_millis(400))
        .build_blocking()
        .unwrap();
    let started = Instant::now();
    let mut events = client.create_chat_completion(chat()).stream().unwrap().into_inner();
    for _ in 0..5 {
        assert!(events.next().unwrap().is_ok(), "items keep coming past the attempt's 200 ms");
    }
    let e = events.next().unwrap().unwrap_err();
    match &e {
        Error::Timeout(t) => assert_eq!(t.kind, TimeoutKind::Idle),
        other => panic!("expected an idle timeout, got {other}"),
    }
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert!(events.next().is_none());
    assert_eq!(server.requests().len(), 1, "a POST that gave items is not sent again");
}

#[test]
fn a_gateway_page_instead_of_a_stream_is_an_api_error_that_keeps_it() {
    const PAGE: &str = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = Server::start(|_, s| whole(s, 502, "text/html", PAGE));
    let e = server.client().create_chat_completion(chat()).stream().unwrap_err();
    assert_eq!(e.http_status().map(|s| s.as_u16()), Some(502));
    assert_eq!(e.raw_body().map(|b| &b[..]), Some(PAGE.as_bytes()));
    assert_eq!(server.requests().len(), 1, "a POST without a key is not repeated");

    // A GET is retried, and the stream read from the answer that came.
    let server = Server::start(|i, s| match i {
        0 => whole(s, 502, "text/html", PAGE),
        _ => whole(s, 200, "text/event-stream", "data: {\"kind\":\"created\"}\n\n"),
    });
    let events: Vec<_> = server.client().watch_events().send().unwrap().into_inner().collect();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].as_ref().unwrap().data.kind, "created");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_success_that_is_not_the_stream_asked_for_is_a_decode_error_that_keeps_it() {
    let server = Server::start(|_, s| whole(s, 200, "application/json", r#"{"error":"streaming is off"}"#));
    let e = server.client().create_chat_completion(chat()).stream().unwrap_err();
    assert!(matches!(e, Error::Decode(_)), "{e}");
    assert_eq!(e.raw_body().map(|b| &b[..]), Some(&br#"{"error":"streaming is off"}"#[..]));
    assert!(e.to_string().contains("application/json"), "{e}");
}

#[test]
fn an_event_that_does_not_decode_is_an_error_and_the_stream_goes_on() {
    let server = Server::start(|_, s| {
        whole(s, 200, "text/event-stream", "data: {\"kind\":\"a\"}\n\ndata: {\"subject\":1}\n\ndata: {\"kind\":\"c\"}\n\n")
    });
    let events: Vec<_> = server.client().watch_events().send().unwrap().into_inner().collect();
    assert_eq!(events.len(), 3);
    let e = events[1].as_ref().unwrap_err();
    assert!(matches!(e, Error::Decode(_)), "{e}");
    assert_eq!(e.raw_body().map(|b| &b[..]), Some(&b"{\"subject\":1}"[..]));
    assert_eq!(events[2].as_ref().unwrap().data.kind, "c");
}

#[test]
fn a_cut_get_stream_resumes_after_the_last_event_id() {
    let server = Server::start(|i, s| match i {
        0 => until_close(
            s,
            "text/event-stream",
            b"retry: 5\nid: 1\ndata: {\"kind\":\"a\"}\n\nid: 2\ndata: {\"kind\":\"b\"}\n\nid: 3\ndata: {\"ki",
        ),
        _ => whole(s, 200, "text/event-stream", "id: 3\ndata: {\"kind\":\"c\"}\n\n"),
    });
    let events = server.client().watch_events().topic("orders").send().unwrap().into_inner();
    let kinds: Vec<String> = events.map(|e| e.unwrap().data.kind).collect();
    assert_eq!(kinds, ["a", "b", "c"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].starts_with("GET /v1/events?topic=orders HTTP/1.1\r\n"), "{}", requests[1]);
    assert_eq!(header(&requests[0], "last-event-id"), None);
    assert_eq!(header(&requests[1], "last-event-id"), Some("2"));
}

#[test]
fn a_stream_cut_before_its_first_item_is_retried_only_when_that_is_safe() {
    let cut_then_whole = |i: usize, s: &mut TcpStream| match i {
        0 => {
            chunked(s, 200, "text/event-stream");
            chunk(s, b"data: {\"ki");
        }
        _ => whole(s, 200, "text/event-stream", "data: {\"kind\":\"a\"}\n\n"),
    };
    let server = Server::start(cut_then_whole);
    let kinds: Vec<String> =
        server.client().watch_events().send().unwrap().into_inner().map(|e| e.unwrap().data.kind).collect();
    assert_eq!(kinds, ["a"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "a GET is sent again");
    assert_eq!(header(&requests[1], "last-event-id"), None);

    let server = Server::start(cut_then_whole);
    let mut events = server.client().create_chat_completion(chat()).stream().unwrap().into_inner();
    assert!(matches!(events.next(), Some(Err(Error::Transport(_)))));
    assert_eq!(server.requests().len(), 1, "a POST without a key may have been acted on");
}

#[test]
fn json_lines_split_at_every_byte_with_a_bad_line_among_them() {
    let text = "{\"n\":1,\"text\":\"é\"}\r\n\r\n{\"n\":\"two\"}\n{\"n\":3}";
    let server = Server::start(move |_, s| {
        chunked(s, 200, "application/x-ndjson");
        for byte in text.as_bytes() {
            chunk(s, std::slice::from_ref(byte));
        }
        last_chunk(s);
    });
    let items: Vec<_> = server.client().export_records("e1").send().unwrap().into_inner().collect();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap().text.as_deref(), Some("é"));
    assert_eq!(items[1].as_ref().unwrap_err().raw_body().map(|b| &b[..]), Some(&b"{\"n\":\"two\"}"[..]));
    assert_eq!(items[2].as_ref().unwrap().n, 3, "the last line needs no line end");
    let request = &server.requests()[0];
    assert!(request.starts_with("GET /v1/exports/e1 HTTP/1.1\r\n"));
    assert_eq!(header(request, "accept"), Some("application/x-ndjson"));
}

#[test]
fn json_text_sequences_frame_by_record_separator() {
    let server = Server::start(|_, s| {
        whole(s, 200, "application/json-seq", "\u{1e}{\"n\":1}\n\u{1e}{\"n\":2,\n \"text\":\"two\"}\n")
    });
    let items: Vec<_> =
        server.client().export_record_sequence("e1").send().unwrap().into_inner().map(Result::unwrap).collect();
    assert_eq!(items.iter().map(|r| r.n).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(items[1].text.as_deref(), Some("two"));
}

#[test]
fn the_async_stream_reads_the_same() {
    let server = Server::start(|_, s| whole(s, 200, "text/event-stream", CHUNKS));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let client = server.builder().build().unwrap();
        let mut events = client.create_chat_completion(chat()).stream().await.unwrap();
        assert_eq!(events.http_status().as_u16(), 200);
        let mut text = String::new();
        while let Some(event) = events.next().await {
            text.push_str(event.unwrap().data.choices[0].delta.content.as_deref().unwrap_or_default());
        }
        assert_eq!(text, "Hello");
        assert_eq!(events.items_read(), 2);
    });
}

#[test]
fn a_stream_redirected_to_another_origin_is_not_followed() {
    let elsewhere = Server::start(|_, s| whole(s, 200, "text/event-stream", "data: {\"kind\":\"forged\"}\n\n"));
    let target = format!("{}/events", elsewhere.base);
    let server = Server::start(move |i, s| match i {
        // Same origin first: followed.
        0 => {
            let answer = "HTTP/1.1 307 Temporary Redirect\r\nlocation: /v1/events?moved=1\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
            let _ = s.write_all(answer.as_bytes());
        }
        _ => {
            let answer = format!("HTTP/1.1 302 Found\r\nlocation: {target}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = s.write_all(answer.as_bytes());
        }
    });
    let e = server.client().watch_events().send().unwrap_err();
    assert_eq!(e.http_status().map(|s| s.as_u16()), Some(302), "{e}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(requests[1].starts_with("GET /v1/events?moved=1 HTTP/1.1\r\n"), "{}", requests[1]);
    assert!(elsewhere.requests().is_empty(), "nothing, token included, reaches the other origin");
}
