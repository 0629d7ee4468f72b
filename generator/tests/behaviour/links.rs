//! The crate generated from `fixtures/links.yaml`, on a loopback server that
//! keeps each request as it read it off the socket: a path parameter that is
//! a dot segment is refused for every parameter of every operation, other
//! hostile values stay in their segment, and a webhook whose link names a
//! `GET` is confirmed by that call, with the values the link reads from the
//! notification's body and headers.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use fixture_links::Error;
use fixture_links::reqwest::header::{HeaderMap, HeaderValue};
use fixture_links::types::OrderStatus;
use fixture_links::webhooks::{self, WebhookError};

/// A server answering every request with `body` (JSON, status 200); the
/// requests it read, head only.
struct Server {
    base: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(body: &'static str) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}/api", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                    head.push(byte[0]);
                }
                log.lock().unwrap().push(String::from_utf8_lossy(&head).into_owned());
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        Server { base, seen }
    }

    fn client(&self) -> fixture_links::blocking::Client {
        fixture_links::Client::builder()
            .base_url(&self.base)
            .allow_http(true)
            .api_key("key-1")
            .build_blocking()
            .unwrap()
    }

    fn request_lines(&self) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        seen.iter().map(|r| r.lines().next().unwrap_or_default().to_owned()).collect()
    }
}

const ORDER: &str = r#"{"id":"o-1","store":"s-1","status":"shipped","total":1200}"#;

#[test]
fn dot_segments_are_refused_in_every_path_parameter() {
    let server = Server::start(ORDER);
    let c = server.client();
    for dots in [".", "..", "%2E", "%2e%2E", ".%2e", "\u{FF0E}\u{FF0E}"] {
        let refusals: Vec<(&str, Result<(), Error>)> = vec![
            ("store", c.get_order(dots, "o-1").send().map(drop)),
            ("order", c.get_order("s-1", dots).send().map(drop)),
            ("store", c.delete_order(dots, "o-1").send().map(drop)),
            ("order", c.delete_order("s-1", dots).send().map(drop)),
            ("store", c.get_order_line(dots, "o-1", 3).send().map(drop)),
            ("order", c.get_order_line("s-1", dots, 3).send().map(drop)),
            ("store", c.get_refund(dots, "r-1").send().map(drop)),
            ("refund", c.get_refund("s-1", dots).send().map(drop)),
        ];
        for (param, result) in refusals {
            let err = result.unwrap_err();
            let Error::InvalidRequest(v) = &err else {
                panic!("{dots:?} as `{param}`: expected a refusal, got {err:?}");
            };
            assert_eq!(v.field(), param, "{err}");
        }
    }
    assert_eq!(server.request_lines(), Vec::<String>::new(), "nothing was sent");

    // Other values stay in their segment, below the base URL's path.
    c.get_order("a/b", "..?x=1#f").send().unwrap();
    // (The server's answer is an order, not a line: only the request counts.)
    let _ = c.get_order_line("...", "%2F", -1).send();
    assert_eq!(
        server.request_lines(),
        [
            "GET /api/stores/a%2Fb/orders/..%3Fx%3D1%23f HTTP/1.1",
            "GET /api/stores/.../orders/%252F/lines/-1 HTTP/1.1",
        ]
    );
}

fn headers(store: Option<&'static str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("content-type", HeaderValue::from_static("application/json"));
    if let Some(store) = store {
        h.insert("x-store", HeaderValue::from_static(store));
    }
    h
}

#[test]
fn a_notification_is_confirmed_by_the_linked_get() {
    let server = Server::start(ORDER);
    let c = server.client();
    // A notification that says the order is paid; the API has it shipped.
    let notified = r#"{"id":"o-1","store":"s-1","status":"paid","total":1200,"note":"n"}"#;
    let confirmed =
        webhooks::confirm_order_updated_blocking(&c, &headers(Some("s-1")), notified.as_bytes()).unwrap();
    assert_eq!(confirmed.current.status, OrderStatus::Shipped);
    assert_eq!(confirmed.notified.status, OrderStatus::Paid);
    assert!(!confirmed.is_confirmed());
    let found: Vec<(&str, &str, &str)> =
        confirmed.differences.iter().map(|d| (d.field, d.notified.as_str(), d.current.as_str())).collect();
    // The note is optional: the notification has one the API does not.
    assert_eq!(found, [("status", "paid", "shipped"), ("note", "n", "absent")]);
    // The store from the header, the order from the body, the constant.
    let seen = server.seen.lock().unwrap().clone();
    assert!(seen[0].starts_with("GET /api/stores/s-1/orders/o-1?expand=true HTTP/1.1\r\n"), "{}", seen[0]);
    assert!(seen[0].to_ascii_lowercase().contains("\r\nx-api-key: key-1\r\n"), "{}", seen[0]);

    // The same as the API has it: confirmed.
    let confirmed =
        webhooks::confirm_order_updated_blocking(&c, &headers(Some("s-1")), ORDER.as_bytes()).unwrap();
    assert!(confirmed.is_confirmed());
}

#[test]
fn values_the_link_reads_come_from_nested_properties_and_headers_or_nothing_is_sent() {
    let server = Server::start(r#"{"id":"r-9","status":"done"}"#);
    let c = server.client();
    let event = r#"{"type":"refund.created","storeId":"st","refund":{"id":"r-9"}}"#;
    let confirmed = webhooks::confirm_refund_created_blocking(&c, &HeaderMap::new(), event.as_bytes()).unwrap();
    assert_eq!(confirmed.current.status, "done");
    assert!(confirmed.is_confirmed(), "nothing shared to compare");
    assert_eq!(server.request_lines(), ["GET /api/stores/st/refunds/r-9 HTTP/1.1"]);

    // The header the link reads is missing: the webhook requires it.
    let err = webhooks::confirm_order_updated_blocking(&c, &headers(None), ORDER.as_bytes()).unwrap_err();
    assert!(matches!(err, WebhookError::MissingHeader { header: "X-Store", .. }), "{err:?}");
    // A store that is a dot segment, from the header.
    let err = webhooks::confirm_order_updated_blocking(&c, &headers(Some("..")), ORDER.as_bytes()).unwrap_err();
    assert!(
        matches!(&err, WebhookError::Confirm { source: Error::InvalidRequest(_), .. }),
        "{err:?}"
    );
    // A refund id that is no string.
    let err = webhooks::confirm_refund_created_blocking(
        &c,
        &HeaderMap::new(),
        br#"{"type":"refund.created","storeId":"st","refund":{"id":{"$gt":""}}}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&err, WebhookError::Body { .. } | WebhookError::MissingValue { .. }),
        "{err:?}"
    );
    assert_eq!(server.request_lines().len(), 1, "only the first confirmation was sent");
}
