//! The crate of `fixtures/features.yaml` built with only the `orders`
//! feature (and `blocking`): what it compiles, and what it decodes.

use fixture_features::types::{Detail, Order, OrderStatus, Problem};

#[test]
fn a_field_whose_type_belongs_to_another_feature_is_left_out_and_ignored() {
    // `Order.pet` holds a `Pet`, which only `pets` compiles: without it the
    // field is not there, and a body that carries one still decodes.
    let order: Order = serde_json::from_value(serde_json::json!({
        "id": "o1",
        "status": "placed",
        "pet": { "id": "p1", "name": "Rex", "unknown": true }
    }))
    .expect("an order with a pet decodes");
    assert_eq!(order.id, "o1");
    assert_eq!(order.status, OrderStatus::Placed);
    let Order { id, status, .. } = order;
    assert_eq!((id.as_str(), status.as_str()), ("o1", "placed"));
}

#[test]
fn error_bodies_are_always_compiled_with_what_they_must_hold() {
    // `Problem` is the crate's error body: always there, with `Detail`
    // (owned by no feature); its `pet` waits for `pets`.
    let problem: Problem = serde_json::from_value(serde_json::json!({
        "code": "not_found",
        "detail": { "field": "id" },
        "pet": { "id": "p1", "name": "Rex" }
    }))
    .expect("a problem decodes");
    assert_eq!(problem.code, "not_found");
    assert_eq!(
        problem.detail.and_then(|d: Detail| d.field).as_deref(),
        Some("id")
    );
}

#[test]
fn the_operations_of_the_feature_are_there() {
    let client = fixture_features::Client::builder()
        .base_url("https://127.0.0.1:9")
        .build_blocking()
        .expect("a client");
    // Built, not sent: the builder of an `orders` operation exists.
    let _builder = client.cancel_order("o1");
    let _list = client.list_orders();
}
