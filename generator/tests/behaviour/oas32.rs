//! The crate generated from `fixtures/oas32.yaml` sends what each OpenAPI
//! 3.2 construct means, as a loopback server reads it off the socket.
//! `cargo xtask fixtures` copies this file into that crate's `tests/` and
//! runs it.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use fixture_oas32::types::{Filter, Search};

/// A server answering its requests in turn with `answers` (status,
/// content type, body; the last one again once they run out); each request
/// it read, head and body.
struct Server {
    base: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(body: &'static str) -> Server {
        Server::answering(vec![(200, "application/json", body)])
    }

    fn answering(answers: Vec<(u16, &'static str, &'static str)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}/v1", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for (i, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { return };
                let (status, content_type, body) = answers[i.min(answers.len() - 1)];
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
                log.lock().unwrap().push(format!("{head}{}", String::from_utf8_lossy(&content)));
                let answer = format!(
                    "HTTP/1.1 {status} Status\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        Server { base, seen }
    }

    fn client(&self) -> fixture_oas32::blocking::Client {
        fixture_oas32::Client::builder()
            .base_url(&self.base)
            .retry_policy(
                fixture_oas32::RetryPolicy::default()
                    .with_initial_backoff(std::time::Duration::from_millis(1))
                    .with_max_backoff(std::time::Duration::from_millis(5)),
            )
            .allow_http(true)
            .bearer_token("token-1")
            .api_key("legacy-1")
            .build_blocking()
            .unwrap()
    }

    /// The one request read.
    fn request(&self) -> String {
        let seen = self.seen.lock().unwrap();
        assert_eq!(seen.len(), 1, "one request: {seen:?}");
        seen[0].clone()
    }
}

#[test]
fn the_query_method_sends_its_body_with_the_method_query() {
    let server = Server::start(r#"{"items": [{"id": "t1"}]}"#);
    let found = server
        .client()
        .search_things(Search::new("red"))
        .send()
        .unwrap()
        .into_inner();
    assert_eq!(found.items[0].id, "t1");
    let request = server.request();
    assert!(request.starts_with("QUERY /v1/things/search HTTP/1.1\r\n"), "{request}");
    assert!(request.to_ascii_lowercase().contains("content-type: application/json"), "{request}");
    assert!(request.ends_with(r#"{"text":"red"}"#), "the body travels: {request}");
}

#[test]
fn an_additional_operation_sends_its_own_method() {
    let server = Server::start("");
    server.client().link_thing("t1", "<https://x.test/t2>; rel=\"next\"").send().unwrap();
    let request = server.request();
    assert!(request.starts_with("LINK /v1/things/t1 HTTP/1.1\r\n"), "{request}");
    assert!(request.contains("\r\nlink: <https://x.test/t2>; rel=\"next\"\r\n"), "{request}");
}

#[test]
fn a_form_querystring_is_the_whole_query() {
    let server = Server::start(r#"{"items": []}"#);
    let filter = Filter::new()
        .status("open now")
        .tags(vec!["a&b".to_owned(), "c".to_owned()]);
    server.client().filter_things(filter).send().unwrap();
    let request = server.request();
    assert!(
        request.starts_with("GET /v1/things?status=open+now&tags=a%26b&tags=c HTTP/1.1\r\n"),
        "{request}"
    );
}

#[test]
fn a_json_querystring_is_the_percent_encoded_json_text() {
    let server = Server::start(r#"{"items": []}"#);
    let filter = Filter::new().status("open now");
    server.client().filter_things_by_json().selector(filter).send().unwrap();
    let request = server.request();
    assert!(
        request.starts_with("GET /v1/things/by-json?%7B%22status%22%3A%22open%20now%22%7D HTTP/1.1\r\n"),
        "{request}"
    );
    // Without it, no query at all.
    let server = Server::start(r#"{"items": []}"#);
    server.client().filter_things_by_json().send().unwrap();
    assert!(server.request().starts_with("GET /v1/things/by-json HTTP/1.1\r\n"));
}

#[test]
fn a_cookie_of_style_cookie_is_a_name_value_pair() {
    let server = Server::start(r#"{"user": "u1"}"#);
    server.client().get_session().theme("dark").send().unwrap();
    let request = server.request();
    assert!(request.contains("\r\ncookie: theme=dark\r\n"), "{request}");
    assert!(request.contains("\r\nx-legacy-key: legacy-1\r\n"), "{request}");
}

const BAD_GATEWAY: (u16, &str, &str) = (502, "text/html", "<html><body>502 Bad Gateway</body></html>");

#[test]
fn a_query_is_retried_after_a_gateway_error_as_the_idempotent_method_it_is() {
    let server = Server::answering(vec![BAD_GATEWAY, (200, "application/json", r#"{"items": []}"#)]);
    let found = server.client().search_things(Search::new("red")).send().unwrap();
    assert_eq!(found.attempts(), 2);
    let seen = server.seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.starts_with("QUERY /v1/things/search ") && r.ends_with(r#"{"text":"red"}"#)), "{seen:?}");
}

#[test]
fn a_method_of_the_apis_own_is_not_retried_and_its_error_keeps_the_body() {
    let server = Server::answering(vec![BAD_GATEWAY, (204, "application/json", "")]);
    let err = server.client().link_thing("t1", "<https://x.test/t2>").send().unwrap_err();
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(502), "{err}");
    assert_eq!(err.raw_body().map(|b| b.as_ref()), Some(BAD_GATEWAY.2.as_bytes()));
    assert_eq!(server.seen.lock().unwrap().len(), 1, "LINK may not be idempotent: one attempt");
}

#[test]
fn an_event_stream_item_schema_types_each_events_json_data() {
    let server = Server::answering(vec![(
        200,
        "text/event-stream",
        "event: changed\nid: 9\ndata: {\"id\":\"t1\",\"name\":\"One\"}\n\n",
    )]);
    let events: Vec<_> = server.client().watch_things().send().unwrap().into_inner().collect();
    assert_eq!(events.len(), 1);
    let event = events[0].as_ref().unwrap();
    assert_eq!((event.event.as_str(), event.id.as_deref()), ("changed", Some("9")));
    assert_eq!(event.data.name.as_deref(), Some("One"));
    let request = server.request();
    assert!(request.starts_with("GET /v1/things/changes HTTP/1.1\r\n"), "{request}");
    assert!(request.to_ascii_lowercase().contains("\r\naccept: text/event-stream\r\n"), "{request}");
}

#[test]
fn a_json_lines_item_schema_types_each_line() {
    let server = Server::answering(vec![(200, "application/jsonl", "{\"id\":\"t1\"}\n{\"id\":\"t2\"}\n")]);
    let ids: Vec<String> =
        server.client().export_things().send().unwrap().into_inner().map(|t| t.unwrap().id).collect();
    assert_eq!(ids, ["t1", "t2"]);
}
