//! The crate generated from `fixtures/collisions.yaml`: webhooks named after
//! what the `webhooks` module declares itself (`Notification`,
//! `WebhookError`, `decode`) keep working, each under a name of its own.

use fixture_collisions::reqwest::header::{HeaderMap, HeaderValue};
use fixture_collisions::webhooks::{self, Notification, WebhookError};

#[test]
fn webhooks_named_after_the_module_items_decode_apart() {
    let none = HeaderMap::new();
    let n = webhooks::decode(&none, br#"{"type": "webhook-error"}"#).unwrap();
    assert!(matches!(n, Notification::WebhookError2(_)), "{n:?}");
    assert_eq!(n.name(), "WebhookError");
    let n = webhooks::decode(&none, br#"{"type": "notification"}"#).unwrap();
    assert!(matches!(n, Notification::Notification2(_)), "{n:?}");
    assert_eq!(n.name(), "Notification");

    // The callback `summary` requires a header named `headers`.
    let err = webhooks::decode_summary(&none, b"raw").unwrap_err();
    assert!(matches!(err, WebhookError::MissingHeader { header: "headers", .. }), "{err:?}");
    let mut headers = HeaderMap::new();
    headers.insert("headers", HeaderValue::from_static("x"));
    assert_eq!(&webhooks::decode_summary(&headers, b"raw").unwrap()[..], b"raw");

    // With no property to tell them apart, the webhooks are tried in the
    // document's order: `decode` (GET) takes any body.
    let n = webhooks::decode(&none, b"<html>502</html>").unwrap();
    assert!(matches!(n, Notification::DecodeGet(ref b) if &b[..] == b"<html>502</html>"), "{n:?}");
}

#[test]
fn types_named_after_the_decoders_items_decode() {
    use fixture_collisions::types::Fields;
    let json = r#"{"map": "m", "key": {"visitor": {"value": {"expecting": "e"}}}, "deserializer": 3, "A": "a", "de": "d", "other": 1}"#;
    let fields: Fields = serde_json::from_str(json).unwrap();
    assert_eq!(fields.map, "m");
    assert_eq!(fields.deserializer, Some(3));
    let visitor = fields.key.as_ref().and_then(|k| k.visitor.as_ref()).unwrap();
    assert_eq!(visitor.value.as_ref().unwrap().expecting, "e");
    let err = serde_json::from_str::<Fields>(r#"{"key": {}}"#).unwrap_err();
    assert!(err.to_string().starts_with("missing field `map`"), "{err}");
    let err = serde_json::from_str::<Fields>(r#"{"map": "m", "map": "n"}"#).unwrap_err();
    assert!(err.to_string().starts_with("duplicate field `map`"), "{err}");
    let err = serde_json::from_str::<Fields>(r#"["m"]"#).unwrap_err();
    assert!(err.to_string().starts_with("invalid type: sequence, expected struct Fields"), "{err}");
    // Encoding is still serde's derive: back to the same object.
    let again: Fields = serde_json::from_value(serde_json::to_value(&fields).unwrap()).unwrap();
    assert_eq!(again, fields);
}

#[test]
fn types_named_after_the_prelude_build_and_decode() {
    use fixture_collisions::types::{Err, Into, None, Ok, Some};
    // `Some` is a tuple struct with rules: the constructor checks them.
    assert!(Some::new("abc").is_ok());
    assert!(Some::new("ABC").is_err());
    let value = None::new(Into::new().none("n")).ok(Ok::Yes).some(Some::new("x").unwrap());
    assert_eq!(value.ok, Option::Some(Ok::Yes));
    let json = serde_json::to_value(&value).unwrap();
    assert_eq!(json, serde_json::json!({"into": {"none": "n"}, "ok": "yes", "some": "x"}));
    let back: None = serde_json::from_value(json).unwrap();
    assert_eq!(back, value);
    let decoded: None = serde_json::from_str(r#"{"into": {}, "err": 2}"#).unwrap();
    assert!(decoded.into.none.is_none());
    assert!(decoded.err.is_some());
    assert!(serde_json::from_str::<None>(r#"{"into": {}, "some": "UPPER"}"#).is_err());
    let _: Option<Err> = Option::None;
}
