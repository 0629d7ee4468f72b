//! Faults and retries: which failures are retried, how long the client
//! waits, and that every attempt of a call carries the same idempotency key.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use hexpay::{Error, RetryPolicy, TimeoutKind};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{
    PAYMENT_ID, Script, Shared, assert_backoff, builder, client, error_json, fast_retries,
    header_of, new_payment, payment_id, payment_json, read_request,
};

async fn mount(server: &MockServer, http_method: &str, route: &str, script: &Arc<Script>) {
    Mock::given(method(http_method))
        .and(path(route))
        .respond_with(Shared(script.clone()))
        .mount(server)
        .await;
}

fn status(code: u16) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_json(error_json("try_again"))
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_and_the_same_key() {
    let server = MockServer::start().await;
    let script = Script::new(vec![
        status(503),
        status(502),
        status(500),
        ResponseTemplate::new(201).set_body_json(payment_json("created")),
    ]);
    mount(&server, "POST", "/v1/payments", &script).await;

    let c = builder(&server.uri())
        .retry_policy(fast_retries().with_max_retries(3))
        .build()
        .unwrap();
    let payment = c
        .create_payment(new_payment())
        .await
        .expect("the fourth attempt succeeds");
    assert_eq!(payment.attempts(), 4);
    let keys = script.header_values("x-idempotency-key");
    assert_eq!(keys.len(), 4);
    assert!(!keys[0].is_empty());
    assert!(
        keys.iter().all(|k| *k == keys[0]),
        "every attempt carries one key: {keys:?}"
    );
    assert_eq!(
        payment.idempotency_key().map(|k| k.as_str()),
        Some(keys[0].as_str())
    );
    let policy = fast_retries();
    for (i, gap) in script.gaps().into_iter().enumerate() {
        assert_backoff(gap, policy.initial_backoff * 2u32.pow(i as u32).min(4));
    }
}

#[tokio::test]
async fn exhausted_retries_end_with_the_last_typed_error() {
    let server = MockServer::start().await;
    let script = Script::new(vec![status(500)]);
    mount(
        &server,
        "POST",
        &format!("/v1/payments/{PAYMENT_ID}/cancel"),
        &script,
    )
    .await;

    let err = client(&server)
        .cancel_payment(payment_id())
        .await
        .unwrap_err();
    assert_eq!(
        err.attempts(),
        3,
        "the first attempt and the default 2 retries"
    );
    assert_eq!(script.seen().len(), 3);
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.body().map(|b| b.code.as_str()), Some("try_again"));
    assert!(err.is_retryable());
    let keys = script.header_values("x-idempotency-key");
    assert!(keys.iter().all(|k| *k == keys[0]));
    assert_eq!(
        err.idempotency_key().map(|k| k.as_str()),
        Some(keys[0].as_str())
    );
}

#[tokio::test]
async fn a_429_waits_as_long_as_retry_after_says_in_seconds() {
    let server = MockServer::start().await;
    let script = Script::new(vec![
        status(429).insert_header("retry-after", "1"),
        ResponseTemplate::new(200).set_body_json(serde_json::json!({ "methods": [] })),
    ]);
    mount(&server, "GET", "/v1/payment-methods", &script).await;

    let methods = client(&server).list_payment_methods().await.unwrap();
    assert_eq!(methods.attempts(), 2);
    let gap = script.gaps()[0];
    assert!(gap >= Duration::from_secs(1), "waited only {gap:?}");
    assert!(gap < Duration::from_secs(2), "waited {gap:?}");
}

#[tokio::test]
async fn a_503_waits_until_the_retry_after_date() {
    let server = MockServer::start().await;
    let date = hexpay_date(SystemTime::now() + Duration::from_secs(2));
    let script = Script::new(vec![
        status(503).insert_header("retry-after", date.as_str()),
        ResponseTemplate::new(200).set_body_json(serde_json::json!({ "status": "pending" })),
    ]);
    mount(
        &server,
        "GET",
        &format!("/v1/payments/{PAYMENT_ID}/status"),
        &script,
    )
    .await;

    let status = client(&server)
        .get_payment_status(payment_id())
        .await
        .unwrap();
    assert_eq!(status.attempts(), 2);
    // The date has a resolution of one second.
    let gap = script.gaps()[0];
    assert!(gap >= Duration::from_millis(900), "waited only {gap:?}");
    assert!(gap < Duration::from_millis(3500), "waited {gap:?}");
}

/// An HTTP date (RFC 7231 IMF-fixdate), as a server sends in `Retry-After`.
fn hexpay_date(t: SystemTime) -> String {
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64;
    hexpay::chrono::DateTime::from_timestamp(secs, 0)
        .unwrap()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

#[tokio::test]
async fn a_retry_after_beyond_the_maximum_is_not_waited_for() {
    let server = MockServer::start().await;
    let script = Script::new(vec![status(429).insert_header("retry-after", "3600")]);
    mount(&server, "POST", "/v1/payments", &script).await;

    let started = Instant::now();
    let err = client(&server)
        .create_payment(new_payment())
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(err.attempts(), 1);
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.body().map(|b| b.code.as_str()), Some("try_again"));
    let hexpay::Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        api.headers["retry-after"], "3600",
        "the caller can still read what was asked"
    );
}

#[tokio::test]
async fn a_slow_attempt_times_out_and_is_retried_with_the_same_key() {
    let server = MockServer::start().await;
    let script = Script::new(vec![
        ResponseTemplate::new(201)
            .set_body_json(payment_json("created"))
            .set_delay(Duration::from_secs(2)),
        ResponseTemplate::new(201).set_body_json(payment_json("created")),
    ]);
    mount(&server, "POST", "/v1/payments", &script).await;

    let c = builder(&server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let payment = c
        .create_payment(new_payment())
        .await
        .expect("the retry succeeds");
    assert_eq!(payment.attempts(), 2);
    let keys = script.header_values("x-idempotency-key");
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);
}

#[tokio::test]
async fn attempts_that_all_time_out_end_with_a_timeout_error() {
    let server = MockServer::start().await;
    let script = Script::new(vec![
        ResponseTemplate::new(200)
            .set_body_json(payment_json("pending"))
            .set_delay(Duration::from_secs(2)),
    ]);
    mount(
        &server,
        "GET",
        &format!("/v1/payments/{PAYMENT_ID}"),
        &script,
    )
    .await;

    let c = builder(&server.uri())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = c.get_payment(payment_id()).await.unwrap_err();
    let Error::Timeout(t) = &err else {
        panic!("expected a timeout, got {err:?}")
    };
    assert_eq!(t.kind, TimeoutKind::Attempt);
    assert_eq!(err.attempts(), 3);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_retry_the_deadline_cuts_short_ends_with_the_answer_before_it() {
    // A 503, then a retry that the server sits on past the call's
    // deadline: the call ends at the deadline, with the 503 and its body
    // (what the server said), not with a bare timeout.
    let server = MockServer::start().await;
    let script = Script::new(vec![
        ResponseTemplate::new(503).set_body_string("maintenance until 10:00"),
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({ "payments": [] }))
            .set_delay(Duration::from_secs(3)),
    ]);
    mount(&server, "GET", "/v1/payments", &script).await;
    let c = builder(&server.uri())
        .retry_policy(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(20))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .deadline(Duration::from_millis(800))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.list_payments().await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the deadline ended the call: {:?}",
        started.elapsed()
    );
    assert_eq!(script.seen().len(), 2, "the retry was sent");
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(503), "{err}");
    assert_eq!(
        err.raw_body().map(|b| b.as_ref()),
        Some(&b"maintenance until 10:00"[..])
    );
    assert_eq!(err.attempts(), 2, "the cut retry counts: {err}");
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call() {
    let server = MockServer::start().await;
    let script = Script::new(vec![status(503)]);
    mount(&server, "GET", "/v1/payments", &script).await;

    let c = builder(&server.uri())
        .retry_policy(
            RetryPolicy::default()
                .with_max_retries(10)
                .with_initial_backoff(Duration::from_millis(200))
                .with_max_backoff(Duration::from_millis(200)),
        )
        .deadline(Duration::from_millis(700))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.list_payments().await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        err.attempts() < 11,
        "the deadline stopped the retries: {}",
        err.attempts()
    );
    assert_eq!(
        err.http_status().map(|s| s.as_u16()),
        Some(503),
        "the last answer is kept"
    );

    // A slow server: the deadline cuts the attempt itself, whether the
    // client's or the call's.
    let slow = MockServer::start().await;
    let script = Script::new(vec![
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({ "payments": [] }))
            .set_delay(Duration::from_secs(2)),
    ]);
    mount(&slow, "GET", "/v1/payments", &script).await;
    let c = builder(&slow.uri())
        .deadline(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.list_payments().await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        started.elapsed()
    );
    let Error::Timeout(t) = &err else {
        panic!("expected a timeout, got {err:?}")
    };
    assert_eq!(t.kind, TimeoutKind::Deadline);
    assert!(!err.is_retryable());
    let c = builder(&slow.uri()).build().unwrap();
    let err = c
        .list_payments()
        .request_deadline(Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Timeout(t) if t.kind == TimeoutKind::Deadline),
        "{err:?}"
    );
}

#[tokio::test]
async fn per_call_overrides_retries_headers_and_timeout() {
    let server = MockServer::start().await;
    let script = Script::new(vec![status(503)]);
    mount(&server, "GET", "/v1/payment-methods", &script).await;

    let c = client(&server);
    let err = c
        .list_payment_methods()
        .max_retries(0)
        .extra_header(
            "traceparent",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        )
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        script.header_values("traceparent")[0],
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    );

    let err = c
        .list_payment_methods()
        .extra_header("bad header", "x")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert_eq!(
        script.seen().len(),
        1,
        "a bad extra header is refused before sending"
    );
}

#[tokio::test]
async fn the_token_provider_is_asked_before_every_attempt() {
    let server = MockServer::start().await;
    let script = Script::new(vec![
        status(401),
        status(503),
        ResponseTemplate::new(200).set_body_json(serde_json::json!({ "methods": [] })),
    ]);
    mount(&server, "GET", "/v1/payment-methods", &script).await;
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    let c = builder(&server.uri())
        .token_provider(move || format!("token-{}", counter.fetch_add(1, Ordering::SeqCst) + 1))
        .build()
        .unwrap();

    let err = c.list_payment_methods().await.unwrap_err();
    assert_eq!(
        err.http_status().map(|s| s.as_u16()),
        Some(401),
        "a 401 is not retried"
    );
    c.list_payment_methods().await.unwrap();
    assert_eq!(
        script.header_values("authorization"),
        ["Bearer token-1", "Bearer token-2", "Bearer token-3"]
    );
}

/// What the raw server does with each connection, in turn.
#[derive(Clone, Copy)]
enum Plan {
    /// Read the request, then reset the connection.
    Reset,
    /// Read the request, then answer with this status and body.
    Answer(u16, &'static str),
    /// Read the request, then answer with this status and the first half of
    /// this body (announcing all of it), and close: a proxy that cut it.
    Cut(u16, &'static str),
}

/// A server that follows `plan`, one step per connection (the last step
/// again once it runs out); returns its address and the requests it read.
async fn raw_server(plan: Vec<Plan>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        for i in 0.. {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let step = plan[i.min(plan.len() - 1)];
            let request = read_request(&mut stream).await;
            log.lock().unwrap().push(request);
            match step {
                Plan::Reset => {
                    // Linger 0: closing sends a reset, not an orderly end.
                    let _ = stream.set_zero_linger();
                    drop(stream);
                }
                Plan::Answer(code, body) => {
                    let answer = format!(
                        "HTTP/1.1 {code} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(answer.as_bytes()).await;
                    let _ = stream.shutdown().await;
                }
                Plan::Cut(code, body) => {
                    let answer = format!(
                        "HTTP/1.1 {code} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                        body.len(),
                        &body[..body.len() / 2]
                    );
                    let _ = stream.write_all(answer.as_bytes()).await;
                    let _ = stream.shutdown().await;
                }
            }
        }
    });
    (addr, seen)
}

const CREATED: &str = r#"{"id":"019327c6-2058-7901-b234-56789abcdeff","status":"created","amount":"100.00","currency":"USD","checkoutURL":"https://payment.hexpay.io/x","timer":{"createdAt":"2026-01-20T10:00:00Z","expiresAt":"2026-01-20T11:00:00Z"}}"#;

#[tokio::test]
async fn a_reset_connection_is_retried_with_the_same_key() {
    let (addr, seen) = raw_server(vec![Plan::Reset, Plan::Reset, Plan::Answer(201, CREATED)]).await;
    let c = builder(&addr).build().unwrap();
    let payment = c
        .create_payment(new_payment())
        .await
        .expect("the third attempt succeeds");
    assert_eq!(payment.attempts(), 3);
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 3);
    let keys: Vec<String> = requests
        .iter()
        .map(|r| header_of(r, "x-idempotency-key").unwrap())
        .collect();
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    assert_eq!(
        payment.idempotency_key().map(|k| k.as_str()),
        Some(keys[0].as_str())
    );
}

/// A proxy cuts the response body: the payment may exist, so the call is
/// retried with the same key, which the server answers as the first time.
#[tokio::test]
async fn a_cut_body_is_retried_with_the_same_key() {
    let (addr, seen) = raw_server(vec![Plan::Cut(201, CREATED), Plan::Answer(201, CREATED)]).await;
    let c = builder(&addr).build().unwrap();
    let payment = c
        .create_payment(new_payment())
        .await
        .expect("the second attempt reads the whole body");
    assert_eq!(payment.attempts(), 2);
    let requests = seen.lock().unwrap().clone();
    let keys: Vec<String> = requests
        .iter()
        .map(|r| header_of(r, "x-idempotency-key").unwrap())
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);

    // Cut every time: a transport error that says the request was sent.
    let (addr, _) = raw_server(vec![Plan::Cut(201, CREATED)]).await;
    let c = builder(&addr).build().unwrap();
    let err = c.create_payment(new_payment()).await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("a cut body is a transport error, got {err:?}")
    };
    assert!(t.sent);
    assert_eq!(err.attempts(), 3);
    assert!(err.idempotency_key().is_some());
}

#[tokio::test]
async fn resets_that_never_stop_end_with_a_transport_error() {
    let (addr, seen) = raw_server(vec![Plan::Reset]).await;
    let c = builder(&addr).build().unwrap();
    let err = c.get_payment(payment_id()).await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert!(t.sent, "the request reached the server before the reset");
    assert_eq!(err.attempts(), 3);
    assert_eq!(seen.lock().unwrap().len(), 3);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = builder(&format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = c.create_payment(new_payment()).await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert!(!t.sent, "no connection was made");
    assert_eq!(err.attempts(), 3);
    assert!(err.idempotency_key().is_some());
    assert!(err.to_string().contains("createPayment"), "{err}");
}
