//! How response objects decode (through the runtime's `decode_struct!`):
//! what serde's derive would read, the same errors, and never an array in
//! place of an object.

use hexpay::types::Payment;
use serde_json::{Value, json};

use crate::common::payment_json;

fn text(value: &Value) -> String {
    serde_json::to_string(value).unwrap()
}

fn error(json: &str) -> String {
    serde_json::from_str::<Payment>(json)
        .unwrap_err()
        .to_string()
}

#[test]
fn from_text_and_from_a_value_alike() {
    let value = payment_json("pending");
    let from_text: Payment = serde_json::from_str(&text(&value)).unwrap();
    let from_value: Payment = serde_json::from_value(value).unwrap();
    assert_eq!(from_text, from_value);
    assert_eq!(from_text.order_id.as_deref(), Some("order-2026-00124"));
    assert_eq!(
        from_text.checkout_url,
        format!("https://payment.hexpay.io/{}", from_text.id)
    );
    assert_eq!(from_text.payment_details.unwrap().coin.symbol, "USDT");
}

#[test]
fn escaped_keys_are_the_keys_they_spell() {
    // `checkout\u0055RL` cannot be borrowed from the input: the key is unescaped into a copy.
    let plain = text(&payment_json("pending"));
    let escaped = plain
        .replace("\"checkoutURL\"", "\"checkout\\u0055RL\"")
        .replace("\"id\"", "\"\\u0069d\"");
    assert_ne!(plain, escaped);
    let a: Payment = serde_json::from_str(&plain).unwrap();
    let b: Payment = serde_json::from_str(&escaped).unwrap();
    assert_eq!(a, b);
}

#[test]
fn keys_the_document_does_not_name_are_ignored_whatever_they_hold() {
    let mut value = payment_json("pending");
    value["newField"] = json!({ "deep": [1, { "x": null }], "more": "text" });
    value["fee"] = json!(0.5);
    let with: Payment = serde_json::from_value(value).unwrap();
    let without: Payment = serde_json::from_value(payment_json("pending")).unwrap();
    assert_eq!(with, without);
}

#[test]
fn optional_fields_absent_or_null_are_none() {
    let mut value = payment_json("pending");
    value["order_id"] = Value::Null;
    value.as_object_mut().unwrap().remove("paymentDetails");
    let payment: Payment = serde_json::from_value(value).unwrap();
    assert_eq!(payment.order_id, None);
    assert_eq!(payment.payment_details, None);
}

#[test]
fn a_missing_required_field_is_named() {
    let mut value = payment_json("pending");
    value.as_object_mut().unwrap().remove("checkoutURL");
    assert!(
        error(&text(&value)).starts_with("missing field `checkoutURL`"),
        "{}",
        error(&text(&value))
    );
    // A required field that is null is a wrong type, not an absent one.
    let mut value = payment_json("pending");
    value["id"] = Value::Null;
    assert!(error(&text(&value)).starts_with("invalid type: null, expected a string"));
}

/// Optional fields are read apart from the others (`decode_struct!`'s
/// second list): a server that repeats one, even as `null` first, or sends
/// the wrong type, is refused as for any field, never read as absent.
#[test]
fn an_optional_field_given_twice_or_of_the_wrong_type_is_refused() {
    let doubled = text(&payment_json("pending")).replacen('{', r#"{"order_id":null,"#, 1);
    assert!(
        error(&doubled).starts_with("duplicate field `order_id`"),
        "{}",
        error(&doubled)
    );
    let mut value = payment_json("pending");
    value["order_id"] = json!(42);
    assert!(
        error(&text(&value)).starts_with("invalid type: integer `42`, expected a string"),
        "{}",
        error(&text(&value))
    );
}

#[test]
fn a_field_given_twice_is_refused() {
    let doubled = text(&payment_json("pending")).replacen('{', r#"{"id":"first","#, 1);
    assert!(
        error(&doubled).starts_with("duplicate field `id`"),
        "{}",
        error(&doubled)
    );
}

#[test]
fn only_an_object_is_a_struct() {
    // serde's derive would read an array as the fields in order.
    let array = r#"["id", "pending", null, "1.00", "USD", "https://x", null, {"createdAt": "a", "expiresAt": "b"}]"#;
    assert!(
        error(array).starts_with("invalid type: sequence, expected struct Payment"),
        "{}",
        error(array)
    );
    assert!(
        error("\"text\"").starts_with("invalid type: string \"text\", expected struct Payment")
    );
    assert!(error("null").starts_with("invalid type: null, expected struct Payment"));
}

#[test]
fn a_value_reads_back_what_it_writes() {
    let payment: Payment = serde_json::from_value(payment_json("confirming")).unwrap();
    let again: Payment = serde_json::from_value(serde_json::to_value(&payment).unwrap()).unwrap();
    assert_eq!(payment, again);
    // Absent optional fields are left out, and read back as absent.
    let created: Payment = serde_json::from_value(payment_json("created")).unwrap();
    let written = serde_json::to_value(&created).unwrap();
    assert!(written.get("paymentDetails").is_none());
    assert_eq!(serde_json::from_value::<Payment>(written).unwrap(), created);
}

#[test]
fn an_error_in_a_nested_object_says_where() {
    let mut value = payment_json("pending");
    value["paymentDetails"]["coin"]["symbol"] = json!(5);
    let message = error(&text(&value));
    assert!(
        message.starts_with("invalid type: integer `5`, expected a string at line 1 column"),
        "{message}"
    );
}

#[test]
fn a_body_cut_anywhere_is_an_error_never_a_value() {
    // What a proxy that drops the connection mid-body hands over.
    let whole = text(&payment_json("pending"));
    for end in 0..whole.len() {
        let Some(cut) = whole.get(..end) else {
            continue;
        };
        assert!(
            serde_json::from_str::<Payment>(cut).is_err(),
            "a body cut at {end} decoded: {cut}"
        );
    }
    assert!(serde_json::from_str::<Payment>(&whole).is_ok());
    // An HTML error page from a load balancer, with a 200.
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    assert!(serde_json::from_str::<Payment>(html).is_err());
}
