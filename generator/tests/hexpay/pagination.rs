//! Cursor pagination: streams of pages and items that follow the next
//! cursor, retry each page, resume from a saved cursor and stop on a loop.

use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{client, payment_json};

fn page(ids: std::ops::Range<u32>, next: Option<&str>) -> Value {
    let payments: Vec<Value> = ids
        .map(|i| {
            let mut p = payment_json("completed");
            p["order_id"] = json!(format!("order-{i}"));
            p
        })
        .collect();
    match next {
        Some(n) => json!({ "payments": payments, "nextCursor": n }),
        None => json!({ "payments": payments }),
    }
}

/// Three pages: 0..3 (next `c1`), 3..6 (next `c2`), 6..7 (last).
async fn three_pages() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param_is_missing("cursor"))
        .and(query_param("limit", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(0..3, Some("c1"))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param("cursor", "c1"))
        .and(query_param("limit", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(3..6, Some("c2"))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param("cursor", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(6..7, None)))
        .mount(&server)
        .await;
    server
}

fn order(p: &hexpay::types::Payment) -> String {
    p.order_id.clone().unwrap_or_default()
}

#[tokio::test]
async fn items_follow_the_cursor_to_the_last_page() {
    let server = three_pages().await;
    let items: Vec<_> = client(&server)
        .list_payments()
        .limit(3)
        .items()
        .try_collect()
        .await
        .unwrap();
    let orders: Vec<String> = items.iter().map(order).collect();
    assert_eq!(
        orders,
        (0..7).map(|i| format!("order-{i}")).collect::<Vec<_>>()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn pages_are_fetched_only_as_the_stream_is_read() {
    let server = three_pages().await;
    let c = client(&server);
    let mut pages = c.list_payments().limit(3).pages();
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.payments.len(), 3);
    assert_eq!(first.next_cursor.as_deref(), Some("c1"));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "the second page waits"
    );
    drop(pages);

    // Resuming from a saved cursor starts there.
    let rest: Vec<_> = c
        .list_payments()
        .limit(3)
        .cursor("c1")
        .items()
        .try_collect()
        .await
        .unwrap();
    let orders: Vec<String> = rest.iter().map(order).collect();
    assert_eq!(orders, ["order-3", "order-4", "order-5", "order-6"]);
}

#[tokio::test]
async fn a_failing_page_is_retried_and_a_lasting_failure_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(0..2, Some("c1"))))
        .mount(&server)
        .await;
    // The second page fails once, then works; the third always fails.
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param("cursor", "c1"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param("cursor", "c1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(2..4, Some("c2"))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param("cursor", "c2"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"code": "unauthorized", "message": "expired"})),
        )
        .mount(&server)
        .await;

    let results: Vec<_> = client(&server).list_payments().items().collect().await;
    assert_eq!(results.len(), 5, "four items, then the error, then nothing");
    assert!(results[..4].iter().all(Result::is_ok));
    let err = results[4].as_ref().unwrap_err();
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn a_server_that_repeats_the_cursor_cannot_loop_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(0..1, Some("same"))))
        .mount(&server)
        .await;
    let results: Vec<_> = client(&server)
        .list_payments()
        .cursor("same")
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    let err = results[1].as_ref().unwrap_err();
    assert!(err.to_string().contains("already followed"), "{err}");
}

#[tokio::test]
async fn an_empty_last_page_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "payments": [], "nextCursor": null })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server)
        .list_payments()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(items.is_empty());
}
