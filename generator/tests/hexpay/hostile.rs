//! What an attacker, a broken server or a proxy controls never steers an
//! authenticated call: an id that would leave its path segment, a redirect
//! to another origin, a response without end, another spelling of the
//! idempotency key's header. Each is checked on the wire: the request line
//! and headers as a loopback server read them off the socket.

use std::time::Duration;

use hexpay::Error;

use crate::common::{Answer, PAYMENT_ID, RawServer, builder, header_of, new_payment, payment_json};

/// A server that answers every request with a payment.
async fn payment_server() -> RawServer {
    let body = payment_json("pending").to_string();
    RawServer::start(move |_| Answer::json(200, &body)).await
}

/// `.` and `..` however written: URL parsing, or a server or proxy that
/// decodes the path, would resolve each away.
const DOT_SEGMENTS: &[&str] = &[
    ".",
    "..",
    "%2e",
    "%2E",
    "%2e%2e",
    "%2E%2E",
    ".%2e",
    "%2E.",
    "%252e",
    "%252E%252E",
    "\u{FF0E}",
    "\u{FF0E}\u{FF0E}",
    "%EF%BC%8E%EF%BC%8E",
    "\u{2025}",
];

/// Ids an attacker might choose, each of which must reach the server as
/// one path segment that decodes back to the id.
const HOSTILE_IDS: &[&str] = &[
    "/",
    "a/b",
    "../x",
    "x/..",
    "..%2F",
    "%2F",
    "%2f..",
    "?",
    "a?b=c",
    "#",
    "a#b",
    "%",
    "%zz",
    "%00",
    "\r\n",
    "a\r\nX-Injected: 1",
    "\n",
    "\0",
    "a\0b",
    "...",
    "....",
    ". .",
    " ..",
    ".. ",
    " ",
    "a b",
    "+",
    "&",
    "=",
    ";",
    ",",
    "\\",
    "..\\",
    "\\..",
    "é",
    "日本",
    "😀",
    "\u{202e}",
    "\u{feff}",
    "\t",
    "~",
    "@",
    ":",
    "<script>",
    "'\"",
];

/// Every operation with a path parameter, called with `id`.
async fn call_each(client: &hexpay::Client, id: &str) -> Vec<(&'static str, Result<(), Error>)> {
    vec![
        ("getPayment", client.get_payment(id).await.map(drop)),
        (
            "getPaymentStatus",
            client.get_payment_status(id).await.map(drop),
        ),
        ("cancelPayment", client.cancel_payment(id).await.map(drop)),
    ]
}

#[tokio::test]
async fn a_dot_segment_id_is_refused_before_anything_is_sent() {
    let server = payment_server().await;
    for base in [
        server.addr.clone(),
        format!("{}/prefix", server.addr),
        format!("{}/prefix/", server.addr),
    ] {
        let client = builder(&base).build().unwrap();
        for id in DOT_SEGMENTS {
            for (operation, result) in call_each(&client, id).await {
                let err = result.expect_err(operation);
                let Error::InvalidRequest(v) = &err else {
                    panic!("{operation}({id:?}) under {base}: expected a refusal, got {err:?}");
                };
                assert_eq!(v.field(), "paymentID", "{err}");
                assert!(err.to_string().contains(operation), "{err}");
                assert_eq!(err.attempts(), 0);
            }
        }
    }
    assert_eq!(
        server.request_lines(),
        Vec::<String>::new(),
        "nothing reached the server"
    );
}

/// Percent-decodes a path segment as a server would.
fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).expect("a valid escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn a_hostile_id_stays_in_its_path_segment() {
    let server = payment_server().await;
    for prefix in ["", "/prefix"] {
        let client = builder(&format!("{}{prefix}", server.addr))
            .build()
            .unwrap();
        for id in HOSTILE_IDS {
            let before = server.request_lines().len();
            for (operation, result) in call_each(&client, id).await {
                result.unwrap_or_else(|e| panic!("{operation}({id:?}): {e}"));
            }
            let lines = server.request_lines();
            let sent = &lines[before..];
            assert_eq!(sent.len(), 3, "{id:?}: {sent:?}");
            for (line, (method, suffix)) in
                sent.iter()
                    .zip([("GET", ""), ("GET", "/status"), ("POST", "/cancel")])
            {
                let mut parts = line.split(' ');
                assert_eq!(parts.next(), Some(method), "{line}");
                let target = parts.next().unwrap();
                assert_eq!(parts.next(), Some("HTTP/1.1"), "{line}");
                let segment = target
                    .strip_prefix(&format!("{prefix}/v1/payments/"))
                    .and_then(|rest| rest.strip_suffix(suffix))
                    .unwrap_or_else(|| panic!("{id:?} left its route: {line}"));
                assert!(!segment.contains(['/', '?', '#']), "{id:?}: {line}");
                assert_eq!(decode(segment), *id, "{line}");
            }
        }
    }
}

/// Statuses that redirect, each to a server of another origin that would
/// answer 401: the request must never reach it.
#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let elsewhere = RawServer::start(|_| {
        Answer::json(401, r#"{"code":"unauthorized","message":"who are you"}"#)
    })
    .await;
    for status in [301u16, 302, 303, 307, 308] {
        let target = format!("{}/v1/payments", elsewhere.addr);
        let location = target.clone();
        let api =
            RawServer::start(move |_| Answer::with_headers(status, &[("location", &location)], ""))
                .await;
        let client = builder(&api.addr).build().unwrap();
        let err = client.create_payment(new_payment()).await.unwrap_err();
        let Error::Api(e) = &err else {
            panic!("{status}: expected the API's own answer, got {err:?}");
        };
        assert_eq!(e.status.as_u16(), status);
        assert_eq!(e.location(), Some(target.as_str()));
        let text = err.to_string();
        assert!(
            text.contains(&format!(
                "createPayment (POST /v1/payments) answered {status}"
            )),
            "{text}"
        );
        assert!(text.contains("not followed"), "{text}");
        assert_eq!(err.attempts(), 1);
        assert_eq!(api.requests().len(), 1);

        // A GET is not sent elsewhere either.
        let err = client.get_payment(PAYMENT_ID).await.unwrap_err();
        assert_eq!(err.http_status().map(|s| s.as_u16()), Some(status));
    }
    // Locations that look like paths but name another host, as URL
    // parsing reads them: scheme-relative, and with a backslash.
    let host = elsewhere.addr.trim_start_matches("http://").to_owned();
    for location in [
        format!("//{host}/v1/payments"),
        format!("/\\{host}/v1/payments"),
    ] {
        let to = location.clone();
        let api =
            RawServer::start(move |_| Answer::with_headers(302, &[("location", &to)], "")).await;
        let client = builder(&api.addr).build().unwrap();
        let err = client.get_payment(PAYMENT_ID).await.unwrap_err();
        assert_eq!(
            err.http_status().map(|s| s.as_u16()),
            Some(302),
            "{location}"
        );
        assert_eq!(api.requests().len(), 1, "{location}");
    }
    assert_eq!(
        elsewhere.requests(),
        Vec::<String>::new(),
        "nothing reached the other origin"
    );
}

/// A redirect of a GET on the API's own origin is followed, credentials
/// kept; one of a POST is not (its body would be sent again).
#[tokio::test]
async fn only_same_origin_redirects_of_gets_are_followed() {
    let payment = payment_json("pending").to_string();
    let api = RawServer::start(move |request| {
        let line = request.lines().next().unwrap_or_default();
        if line.contains("?moved=1") {
            Answer::json(200, &payment)
        } else {
            let to = format!("/v1/payments/{PAYMENT_ID}?moved=1");
            Answer::with_headers(308, &[("location", &to)], "")
        }
    })
    .await;
    let client = builder(&api.addr).build().unwrap();
    let payment = client.get_payment(PAYMENT_ID).await.expect("followed");
    assert_eq!(payment.id, PAYMENT_ID);
    let requests = api.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(
            header_of(r, "authorization").as_deref(),
            Some("Bearer test-token")
        );
    }
    assert!(requests[1].starts_with(&format!("GET /v1/payments/{PAYMENT_ID}?moved=1 ")));

    let err = client.cancel_payment(PAYMENT_ID).await.unwrap_err();
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(308));
    assert_eq!(
        api.requests().len(),
        3,
        "the POST went once, and was not repeated"
    );
}

/// A server whose redirects go round in a circle, or on and on.
#[tokio::test]
async fn redirect_loops_end() {
    let api = RawServer::start(|request| {
        let line = request.lines().next().unwrap_or_default();
        let to = if line.contains("?again") {
            "/v1/payment-methods"
        } else {
            "/v1/payment-methods?again"
        };
        Answer::with_headers(302, &[("location", to)], "")
    })
    .await;
    let client = builder(&api.addr).build().unwrap();
    let err = client.list_payment_methods().await.unwrap_err();
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(302));
    assert_eq!(api.requests().len(), 2);

    let api = RawServer::start(|request| {
        let n: u32 = request
            .split(['=', ' '])
            .nth(2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let to = format!("/v1/payment-methods?n={}", n + 1);
        Answer::with_headers(307, &[("location", &to)], "")
    })
    .await;
    let client = builder(&api.addr).build().unwrap();
    let err = client.list_payment_methods().await.unwrap_err();
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(307));
    assert_eq!(
        api.requests().len(),
        6,
        "the first request and five redirects"
    );
}

/// An HTTP client the caller set to reqwest's default policy follows the
/// redirect before the runtime sees it: the other origin's answer is not
/// reported as the API's, and the call is not sent again.
#[tokio::test]
async fn a_callers_client_that_followed_a_redirect_elsewhere_is_refused() {
    let elsewhere = RawServer::start(|_| Answer::json(401, r#"{"code":"x","message":"y"}"#)).await;
    let location = format!("{}/v1/payments", elsewhere.addr);
    let api =
        RawServer::start(move |_| Answer::with_headers(307, &[("location", &location)], "")).await;
    let client = builder(&api.addr)
        .configure_http(|http| http.redirect(hexpay::reqwest::redirect::Policy::default()))
        .build()
        .unwrap();
    let err = client.create_payment(new_payment()).await.unwrap_err();
    let Error::Transport(_) = &err else {
        panic!("expected a refusal of the other origin's answer, got {err:?}");
    };
    assert!(!err.is_retryable());
    assert_eq!(err.attempts(), 1);
    assert!(err.to_string().contains("another origin"), "{err}");
    assert_eq!(api.requests().len(), 1);
    assert_eq!(
        elsewhere.requests().len(),
        1,
        "reqwest sent it once; the runtime did not again"
    );
}

/// Waits until the server has noticed the client went away.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(200)).await;
}

#[tokio::test]
async fn a_response_past_the_limit_ends_the_attempt_at_once() {
    const MIB: u64 = 1024 * 1024;
    for announce in [false, true] {
        let server = RawServer::start(move |_| Answer::Endless {
            status: 200,
            total: 256 * MIB,
            announce,
        })
        .await;
        let client = builder(&server.addr)
            .max_response_bytes(MIB)
            .build()
            .unwrap();
        let err = client.get_payment(PAYMENT_ID).await.unwrap_err();
        let Error::TooLarge(e) = &err else {
            panic!("expected the limit's error, got {err:?}");
        };
        assert_eq!(e.limit, MIB);
        assert_eq!(e.status.as_u16(), 200);
        if announce {
            assert_eq!(e.announced, Some(256 * MIB));
            assert_eq!(e.received, 0, "nothing is read past an announced size");
        } else {
            assert!(e.received > MIB && e.received < 2 * MIB, "{}", e.received);
            assert!(e.head.len() <= 64 * 1024 && e.head.starts_with(b"   "));
        }
        let text = err.to_string();
        assert!(text.contains(&format!("limit of {MIB} bytes")), "{text}");
        assert!(!err.is_retryable());
        assert_eq!(err.attempts(), 1);
        settle().await;
        assert_eq!(server.requests().len(), 1, "not retried");
        assert!(
            server.body_bytes_written() < 64 * MIB,
            "the connection was dropped: {} bytes written",
            server.body_bytes_written()
        );
    }

    // An error status too, on an operation whose 500s are otherwise retried.
    let server = RawServer::start(|_| Answer::Endless {
        status: 500,
        total: 256 * MIB,
        announce: false,
    })
    .await;
    let client = builder(&server.addr)
        .max_response_bytes(MIB)
        .build()
        .unwrap();
    let err = client.create_payment(new_payment()).await.unwrap_err();
    assert!(
        matches!(&err, Error::TooLarge(e) if e.status.as_u16() == 500),
        "{err:?}"
    );
    assert!(err.idempotency_key().is_some());
    settle().await;
    assert_eq!(server.requests().len(), 1, "not retried");
}

/// The default limit is far above a real response: a 20 MiB page of 72,000
/// payments decodes; 256 MiB does not get read whole.
#[tokio::test]
async fn the_default_limit_reads_any_real_page_and_stops_a_flood() {
    let one = payment_json("created");
    let page = serde_json::json!({
        "payments": vec![one; 72_000],
        "nextCursor": null,
    })
    .to_string();
    assert!(page.len() > 19 * 1024 * 1024, "{} bytes", page.len());
    let server = RawServer::start(move |_| Answer::json(200, &page)).await;
    let client = builder(&server.addr).build().unwrap();
    let list = client.list_payments().await.expect("a 20 MiB page decodes");
    assert_eq!(list.payments.len(), 72_000);

    let server = RawServer::start(|_| Answer::Endless {
        status: 200,
        total: 256 * 1024 * 1024,
        announce: false,
    })
    .await;
    let client = builder(&server.addr).build().unwrap();
    let err = client.list_payments().await.unwrap_err();
    let Error::TooLarge(e) = &err else {
        panic!("expected the limit's error, got {err:?}");
    };
    assert_eq!(e.limit, 64 * 1024 * 1024);
    settle().await;
    assert!(server.body_bytes_written() < 128 * 1024 * 1024);
}

/// `Idempotency-Key` (the IETF draft's name) and the other spellings of the
/// operation's `X-Idempotency-Key` are refused in `extra_header`: a gateway
/// that honoured one would act on a key the client never reports.
#[tokio::test]
async fn other_spellings_of_the_key_header_are_refused() {
    let server = payment_server().await;
    let client = builder(&server.addr).build().unwrap();
    for name in [
        "Idempotency-Key",
        "idempotency-key",
        "IDEMPOTENCY_KEY",
        "IdempotencyKey",
        "X-Idempotency-Key",
        "x_idempotency_key",
        "XIdempotencyKey",
        " Idempotency-Key ",
    ] {
        let create = client
            .create_payment(new_payment())
            .extra_header(name, "11111111-1111-4111-8111-111111111111")
            .await;
        let cancel = client
            .cancel_payment(PAYMENT_ID)
            .extra_header(name, "11111111-1111-4111-8111-111111111111")
            .await;
        for result in [create.map(drop), cancel.map(drop)] {
            let err = result.unwrap_err();
            assert!(
                matches!(&err, Error::InvalidRequest(_)),
                "{name:?}: {err:?}"
            );
            assert!(err.to_string().contains(".idempotency_key()"), "{err}");
        }
    }
    assert_eq!(server.requests().len(), 0, "nothing was sent");

    // An operation without a key takes the header as any other.
    client
        .get_payment(PAYMENT_ID)
        .extra_header("Idempotency-Key", "mine")
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(
        header_of(&requests[0], "idempotency-key").as_deref(),
        Some("mine")
    );
}

/// An error body with line breaks (or a terminal's escape codes) stays on
/// the one line of the error's message: a server cannot forge a log line.
#[tokio::test]
async fn an_error_body_cannot_forge_a_log_line() {
    let server = RawServer::start(|_| {
        Answer::with_headers(
            404,
            &[("content-type", "text/plain")],
            "not found\r\n2026-12-04 INFO payment 42 completed\u{1b}[2K",
        )
    })
    .await;
    let client = builder(&server.addr).build().unwrap();
    let err = client.get_payment(PAYMENT_ID).await.unwrap_err();
    let text = err.to_string();
    assert!(!text.chars().any(char::is_control), "{text:?}");
    assert!(text.contains("not found  2026-12-04 INFO"), "{text}");
    assert_eq!(
        &err.raw_body().unwrap()[..],
        b"not found\r\n2026-12-04 INFO payment 42 completed\x1b[2K",
        "the raw body is kept as it came"
    );
}

/// A body in chunks of unknown total length is read whole up to the limit,
/// and refused one byte past it.
#[tokio::test]
async fn a_chunked_body_is_read_whole_up_to_the_limit() {
    let payment = payment_json("pending").to_string();
    let length = payment.len() as u64;
    let third = payment.len() / 3;
    let mut answer = String::from(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
    );
    for piece in [
        &payment[..third],
        &payment[third..2 * third],
        &payment[2 * third..],
    ] {
        answer.push_str(&format!("{:x}\r\n{piece}\r\n", piece.len()));
    }
    answer.push_str("0\r\n\r\n");
    let server = RawServer::start(move |_| Answer::Bytes(answer.clone().into_bytes())).await;
    let at_limit = builder(&server.addr)
        .max_response_bytes(length)
        .build()
        .unwrap();
    let read = at_limit
        .get_payment(PAYMENT_ID)
        .await
        .expect("exactly at the limit");
    assert_eq!(read.id, PAYMENT_ID);
    let past = builder(&server.addr)
        .max_response_bytes(length - 1)
        .build()
        .unwrap();
    let err = past.get_payment(PAYMENT_ID).await.unwrap_err();
    let Error::TooLarge(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.announced, None);
    assert_eq!(
        &e.head[..],
        payment.as_bytes(),
        "the bytes read are kept (under 64 KiB)"
    );
}
