//! The client under the faults that real infrastructure produces: a load
//! balancer's HTML page, a gateway's empty or plain-text error, a server
//! whose cursors loop, one that answers late or never, a crowd of clients
//! told to come back at the same second. Each fault is on the wire of a
//! local server.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use hexpay::types::PaymentStatus;
use hexpay::{Error, PollOptions, TimeoutKind};
use serde_json::json;
use tokio::net::TcpListener;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::{
    PAYMENT_ID, Script, Shared, builder, client, error_json, new_payment, payment_id, payment_json,
};

/// An error status is `Error::Api` whatever its body: empty, plain text,
/// HTML, or JSON that is not the declared error body; the client's own
/// retries and `is_retryable` agree.
#[tokio::test]
async fn error_statuses_are_api_errors_whatever_their_body() {
    let server = MockServer::start().await;
    // An empty 401 from an auth proxy.
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    // A plain-text 429 from a rate limiter.
    Mock::given(method("GET"))
        .and(path("/v1/payment-methods"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("content-type", "text/plain")
                .set_body_string("Too Many Requests"),
        )
        .expect(3)
        .mount(&server)
        .await;
    // An HTML 500 from a gateway.
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}")))
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("content-type", "text/html")
                .set_body_string("<html><body><h1>500 Internal Server Error</h1></body></html>"),
        )
        .expect(6)
        .mount(&server)
        .await;
    // JSON, but not the declared error body.
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/status")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({ "error": "gone" })))
        .expect(1)
        .mount(&server)
        .await;
    // An HTML 502 from a load balancer, a status the spec does not declare.
    Mock::given(method("POST"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/cancel")))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("content-type", "text/html")
                .set_body_string("<html>502 Bad Gateway</html>"),
        )
        .expect(3)
        .mount(&server)
        .await;

    let c = client(&server);
    let cases = [
        (
            c.create_payment(new_payment()).await.unwrap_err(),
            401,
            1,
            true,
        ),
        (c.list_payment_methods().await.unwrap_err(), 429, 3, true),
        (c.get_payment(payment_id()).await.unwrap_err(), 500, 3, true),
        (
            c.get_payment_status(payment_id()).await.unwrap_err(),
            404,
            1,
            true,
        ),
        (
            c.cancel_payment(payment_id()).await.unwrap_err(),
            502,
            3,
            false,
        ),
    ];
    for (err, status, attempts, declared) in cases {
        let Error::Api(api) = &err else {
            panic!("a {status} must be Error::Api, got {err:?}")
        };
        assert_eq!(api.status.as_u16(), status);
        assert_eq!(err.http_status().map(|s| s.as_u16()), Some(status));
        assert!(api.body.is_none(), "{status}: {:?}", api.body);
        assert_eq!(
            api.body_error.is_some(),
            declared,
            "{status}: a declared body that does not decode says why: {:?}",
            api.body_error
        );
        assert_eq!(err.attempts(), attempts, "{status}");
        assert_eq!(
            err.is_retryable(),
            status != 401 && status != 404,
            "{status}: is_retryable agrees with the retries made"
        );
        assert!(err.to_string().contains(&status.to_string()), "{err}");
    }
    let err = c.get_payment(payment_id()).await.unwrap_err();
    assert!(
        err.raw_body()
            .is_some_and(|b| b.starts_with(b"<html><body><h1>500")),
        "the raw body is kept"
    );
}

/// A success status the spec does not declare (a 200 where it declares
/// 201) is a success: reading it as a failure would have the caller create
/// the payment again.
#[tokio::test]
async fn an_undeclared_success_status_is_still_a_success() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_json("created")))
        .expect(1)
        .mount(&server)
        .await;
    let payment = client(&server)
        .create_payment(new_payment())
        .await
        .expect("a 200 with a payment is the created payment");
    assert_eq!(payment.http_status().as_u16(), 200);
    assert_eq!(payment.status, PaymentStatus::Created);
}

/// A page answers the first page (no cursor) with `A`, `A` with `B`, and
/// `B` with `A` again.
struct LoopingCursors;

impl Respond for LoopingCursors {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let cursor = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "cursor")
            .map(|(_, v)| v.into_owned());
        let next = match cursor.as_deref() {
            None | Some("B") => "A",
            _ => "B",
        };
        let mut payment = payment_json("pending");
        payment["order_id"] = json!(cursor.unwrap_or_default());
        ResponseTemplate::new(200)
            .set_body_json(json!({ "payments": [payment], "nextCursor": next }))
    }
}

#[tokio::test]
async fn a_cursor_cycle_longer_than_one_page_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .respond_with(LoopingCursors)
        .mount(&server)
        .await;
    let items = client(&server).list_payments().items();
    // A stream that loops would never end: it must end within a few pages.
    let results: Vec<_> = tokio::time::timeout(Duration::from_secs(10), items.take(20).collect())
        .await
        .expect("the stream ends");
    assert_eq!(results.len(), 4, "three pages, then the error: {results:?}");
    let orders: Vec<String> = results[..3]
        .iter()
        .map(|r| r.as_ref().unwrap().order_id.clone().unwrap_or_default())
        .collect();
    assert_eq!(orders, ["", "A", "B"]);
    let err = results[3].as_ref().unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("listPayments (GET /v1/payments)"),
        "names the operation: {text}"
    );
    assert!(text.contains("`A`"), "names the cursor: {text}");
    assert_eq!(err.call().operation, "listPayments");
    assert_eq!(err.attempts(), 1, "the page's call took one attempt");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

/// A poll that the server answers only after 8 s cannot hold a 1 s wait.
#[tokio::test]
async fn a_wait_ends_at_its_deadline_while_a_poll_hangs() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/status")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "status": "completed" }))
                .set_delay(Duration::from_secs(8)),
        )
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = client(&server)
        .get_payment_status(payment_id())
        .wait_until_terminal(PollOptions::default().with_deadline(Duration::from_secs(1)))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(1800), "the wait took {took:?}");
    let Error::Timeout(t) = &err else {
        panic!("expected the wait's timeout, got {err:?}")
    };
    assert_eq!(t.kind, TimeoutKind::Wait);
    assert_eq!(t.limit, Duration::from_secs(1));
    assert!(!err.is_retryable(), "a wait's deadline is final");
    assert_eq!(err.call().operation, "getPaymentStatus");
}

/// A server that accepts the connection and never answers: with a 2 s
/// attempt timeout and 2 retries, one poll alone would take 6 s; the 1 s
/// wait ends at 1 s with its own timeout.
#[tokio::test]
async fn a_wait_ends_at_its_deadline_when_the_server_never_answers() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let held = Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = held.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            keep.lock().unwrap().push(socket);
        }
    });
    let c = builder(&format!("http://{addr}"))
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c
        .get_payment_status(payment_id())
        .wait_until_terminal(PollOptions::default().with_deadline(Duration::from_secs(1)))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(1800), "the wait took {took:?}");
    assert!(
        matches!(&err, Error::Timeout(t) if t.kind == TimeoutKind::Wait),
        "expected the wait's timeout, got {err:?}"
    );
    assert!(!err.is_retryable());
}

/// A burst of 503s that outlasts one poll's retries does not end a wait
/// that still has time: polling goes on, and the final status is returned.
#[tokio::test]
async fn a_burst_of_503s_does_not_end_a_wait_with_time_left() {
    let server = MockServer::start().await;
    let unavailable = || {
        ResponseTemplate::new(503)
            .insert_header("content-type", "text/html")
            .set_body_string("<html>503 Service Unavailable</html>")
    };
    let script = Script::new(vec![
        ResponseTemplate::new(200).set_body_json(json!({ "status": "pending" })),
        unavailable(),
        unavailable(),
        unavailable(),
        unavailable(),
        unavailable(),
        unavailable(),
        ResponseTemplate::new(200).set_body_json(json!({ "status": "completed" })),
    ]);
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/status")))
        .respond_with(Shared(script.clone()))
        .mount(&server)
        .await;
    let done = client(&server)
        .get_payment_status(payment_id())
        .wait_until_terminal(
            PollOptions::default()
                .with_intervals(Duration::from_millis(20), Duration::from_millis(50))
                .with_deadline(Duration::from_secs(20)),
        )
        .await
        .expect("the wait outlasts the burst");
    assert_eq!(done.status, PaymentStatus::Completed);
    assert_eq!(
        script.seen().len(),
        8,
        "1 poll, 2 polls of 3 failed attempts, 1 poll"
    );
}

/// When the deadline passes after failed polls, the wait's timeout says
/// what the last poll met.
#[tokio::test]
async fn a_wait_that_fails_until_its_deadline_reports_the_last_failure() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/status")))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>down</html>"))
        .mount(&server)
        .await;
    let err = client(&server)
        .get_payment_status(payment_id())
        .wait_until_terminal(
            PollOptions::default()
                .with_intervals(Duration::from_millis(50), Duration::from_millis(100))
                .with_deadline(Duration::from_millis(900)),
        )
        .await
        .unwrap_err();
    let Error::Timeout(t) = &err else {
        panic!("expected the wait's timeout, got {err:?}")
    };
    assert_eq!(t.kind, TimeoutKind::Wait);
    assert!(err.attempts() >= 2, "several polls: {}", err.attempts());
    let text = err.to_string();
    assert!(text.contains("503"), "names the last failure: {text}");
}

/// 200 calls turned away together with `503, Retry-After: 1` come back no
/// sooner than asked, and not all at once.
#[tokio::test]
async fn retry_after_is_kept_and_spread_over_a_crowd() {
    const CALLS: usize = 200;
    struct TurnAwayFirst(Arc<(AtomicUsize, std::sync::Mutex<Vec<Instant>>)>);
    impl Respond for TurnAwayFirst {
        fn respond(&self, _: &Request) -> ResponseTemplate {
            let n = self.0.0.fetch_add(1, Ordering::SeqCst);
            self.0.1.lock().unwrap().push(Instant::now());
            if n < CALLS {
                ResponseTemplate::new(503).insert_header("retry-after", "1")
            } else {
                ResponseTemplate::new(200).set_body_json(json!({ "methods": [] }))
            }
        }
    }
    let server = MockServer::start().await;
    let counter = Arc::new((AtomicUsize::new(0), std::sync::Mutex::new(Vec::new())));
    Mock::given(method("GET"))
        .and(path("/v1/payment-methods"))
        .respond_with(TurnAwayFirst(counter.clone()))
        .mount(&server)
        .await;
    let c = client(&server);
    let calls: Vec<_> = (0..CALLS)
        .map(|_| tokio::spawn(c.list_payment_methods().send()))
        .collect();
    for call in calls {
        call.await.unwrap().expect("the retry succeeds");
    }
    let times = counter.1.lock().unwrap().clone();
    assert_eq!(times.len(), 2 * CALLS);
    let (first, retries) = times.split_at(CALLS);
    let last_turned_away = *first.iter().max().unwrap();
    let first_turned_away = *first.iter().min().unwrap();
    let earliest = *retries.iter().min().unwrap();
    let latest = *retries.iter().max().unwrap();
    assert!(
        earliest >= first_turned_away + Duration::from_secs(1),
        "a retry came {:?} after the first refusal",
        earliest - first_turned_away
    );
    assert!(
        latest - earliest >= Duration::from_millis(300),
        "the retries came within {:?} of each other (turned away within {:?})",
        latest - earliest,
        last_turned_away - first_turned_away
    );
}

/// A connection that fails names the route, never the URL with the
/// payment's id; the URL is there for the caller who asks.
#[tokio::test]
async fn transport_errors_name_the_route_not_the_url() {
    // A port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = builder(&format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = c.get_payment("pay_secret_42").await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    let text = err.to_string();
    assert!(
        text.starts_with(
            "getPayment (GET /v1/payments/{paymentID}): transport error after 3 attempt(s)"
        ),
        "{text}"
    );
    assert!(!text.contains("pay_secret_42"), "{text}");
    assert!(
        t.url
            .as_ref()
            .is_some_and(|u| u.path() == "/v1/payments/pay_secret_42"),
        "{:?}",
        t.url
    );
}

/// The query and the page of a resumed listing.
#[tokio::test]
async fn a_listing_resumes_where_the_item_stream_stood() {
    let server = MockServer::start().await;
    let page = |orders: &[&str], next: Option<&str>| {
        let payments: Vec<_> = orders
            .iter()
            .map(|o| {
                let mut p = payment_json("pending");
                p["order_id"] = json!(o);
                p
            })
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(json!({ "payments": payments, "nextCursor": next }))
    };
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param("cursor", "p2"))
        .respond_with(page(&["c", "d"], None))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .respond_with(page(&["a", "b"], Some("p2")))
        .mount(&server)
        .await;
    let c = client(&server);
    let mut items = c.list_payments().items();
    assert_eq!(items.cursor(), None, "the first page");
    let a = items.next().await.unwrap().unwrap();
    assert_eq!(a.order_id.as_deref(), Some("a"));
    assert_eq!(items.cursor(), None, "`b` still comes from the first page");
    items.next().await.unwrap().unwrap();
    assert_eq!(
        items.cursor(),
        Some("p2"),
        "the next item comes from page p2"
    );
    let c_item = items.next().await.unwrap().unwrap();
    assert_eq!(c_item.order_id.as_deref(), Some("c"));
    let saved = items.cursor().map(str::to_owned);
    assert_eq!(saved.as_deref(), Some("p2"));
    drop(items);

    // Later: resume at the saved cursor.
    let resumed: Vec<String> = c
        .list_payments()
        .cursor(saved.unwrap())
        .items()
        .map(|p| p.unwrap().order_id.unwrap_or_default())
        .collect()
        .await;
    assert_eq!(resumed, ["c", "d"]);
    let _ = error_json;
}
