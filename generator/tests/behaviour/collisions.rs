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
