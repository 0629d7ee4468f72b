//! The crate generated from `fixtures/oas31.yaml` decodes, checks and
//! encodes what each OpenAPI 3.1 construct means. `cargo xtask fixtures`
//! copies this file into that crate's `tests/` and runs it.

use fixture_oas31::reqwest::header::{HeaderMap, HeaderValue};
use fixture_oas31::types::{
    Labels, Letter, Ref, Thing, ThingBilling, ThingCode, ThingCreated, ThingKind, ThingLevel,
};
use fixture_oas31::webhooks::{self, Notification, WebhookError};
use fixture_oas31::{Client, Error};

fn thing(json: serde_json::Value) -> Result<Thing, serde_json::Error> {
    serde_json::from_value(json)
}

#[test]
fn every_construct_decodes_as_it_means() {
    let t = thing(serde_json::json!({
        "name": "widget",
        "nickname": null,
        "code": 12,
        "kind": "thing",
        "count": 5,
        "parent": null,
        "owner": {"id": "o1"},
        "previous": null,
        "point": [1.5, 2, "north"],
        "labels": {"colour": "red"},
        "headers": {"x-trace": "abc"},
        "blob": "aGVsbG8=",
        "legacy": null,
        "level": 3,
        "letter": "a"
    }))
    .unwrap();
    assert_eq!(t.name, "widget");
    assert_eq!(t.nickname, None, "`type: [string, null]` takes null");
    assert_eq!(t.code, Some(ThingCode::Integer(12)), "`type: [string, integer]`");
    assert_eq!(t.kind, ThingKind);
    assert_eq!(t.parent, None, "`anyOf: [X, {{type: null}}]` is an Option");
    assert_eq!(t.owner, Some(Ref::new("o1")), "`$ref` beside a description");
    assert_eq!(t.point, Some((1.5, 2.0, "north".to_owned())), "`prefixItems` is a tuple");
    assert_eq!(t.labels.unwrap()["colour"], "red");
    assert_eq!(t.headers.unwrap()["x-trace"], "abc");
    assert_eq!(t.blob.as_deref(), Some("aGVsbG8="), "a base64 string");
    assert_eq!(t.level.map(|l| *l), Some(3), "`$defs` through a pointer");
    assert_eq!(t.letter, Some(Letter::A), "`$ref` to an `$anchor`");
    let code = thing(serde_json::json!({"name": "w", "kind": "thing", "code": "ab"})).unwrap();
    assert_eq!(code.code, Some(ThingCode::String("ab".to_owned())));
}

#[test]
fn a_const_decodes_from_its_value_alone_and_encodes_as_it() {
    let err = thing(serde_json::json!({"name": "w", "kind": "other"})).unwrap_err();
    assert!(err.to_string().contains("expected \"thing\""), "{err}");
    assert!(thing(serde_json::json!({"name": "w"})).is_err(), "a required const is required");
    let json = serde_json::to_value(Thing::new("w")).unwrap();
    assert_eq!(json, serde_json::json!({"name": "w", "kind": "thing"}));
    assert_eq!(ThingKind.to_string(), "thing");
}

#[test]
fn rules_hold_on_decoding_where_a_type_keeps_them() {
    // A tuple of the wrong length, a level out of its range.
    for bad in [
        serde_json::json!({"name": "w", "kind": "thing", "point": [1, 2]}),
        serde_json::json!({"name": "w", "kind": "thing", "point": [1, 2, "x", 4]}),
        serde_json::json!({"name": "w", "kind": "thing", "level": 6}),
    ] {
        assert!(thing(bad.clone()).is_err(), "{bad} is refused");
    }
    assert!(ThingLevel::new(0).is_err() && ThingLevel::new(5).is_ok());
}

/// A client whose requests would go nowhere: every test below is refused
/// before anything is sent.
fn client() -> fixture_oas31::blocking::Client {
    Client::builder()
        .base_url("https://127.0.0.1:9")
        .build_blocking()
        .unwrap()
}

fn violations(thing: Thing) -> Vec<String> {
    match client().create_thing(thing).send() {
        Err(Error::InvalidRequest(e)) => e.violations.iter().map(ToString::to_string).collect(),
        other => panic!("expected a refused request, got {other:?}"),
    }
}

#[test]
fn every_rule_is_checked_before_sending() {
    let mut t = Thing::new("a name longer than ten").count(0).ratio(1.0);
    t.billing = Some(ThingBilling::new().name("Ada"));
    t.labels = Some(Labels::from([("Colour".to_owned(), "red".to_owned())]));
    let found = violations(t);
    for expected in [
        "body.name: must be at most 10 characters long",
        "body.count: must be greater than 0",
        "body.ratio: must be less than 1",
        "body.billing.address: is required when `name` is present",
        "body.labels[\"Colour\"]: the key must match the pattern",
    ] {
        assert!(
            found.iter().any(|v| v.starts_with(expected)),
            "missing `{expected}` in {found:#?}"
        );
    }
    assert_eq!(
        violations(Thing::new("w").count(100)),
        ["body.count: must be less than 100"]
    );
    // Each alternative of `type: [string, integer]` keeps its own rules.
    assert_eq!(
        violations(Thing::new("w").code(ThingCode::String("a".to_owned()))),
        ["body.code: must be at least 2 characters long"]
    );
    assert_eq!(
        violations(Thing::new("w").code(ThingCode::Integer(9))),
        ["body.code: must be at least 10"]
    );
}

#[test]
fn webhooks_decode_by_their_const_and_check_their_headers() {
    let created = serde_json::to_vec(&ThingCreated::new(Thing::new("w"))).unwrap();
    let notification = webhooks::decode(&HeaderMap::new(), &created).unwrap();
    assert!(matches!(notification, Notification::ThingCreated(ref c) if c.thing.name == "w"));
    assert_eq!(notification.name(), "thingCreated");

    let deleted = br#"{"type": "thing.deleted", "id": "t1"}"#;
    let err = webhooks::decode(&HeaderMap::new(), deleted).unwrap_err();
    assert!(
        matches!(err, WebhookError::MissingHeader { header: "X-Signature", .. }),
        "{err:?}"
    );
    let mut headers = HeaderMap::new();
    headers.insert("x-signature", HeaderValue::from_static("sig"));
    let notification = webhooks::decode(&headers, deleted).unwrap();
    assert!(matches!(notification, Notification::ThingDeleted(ref d) if d.id == "t1"));

    let unknown = br#"{"type": "thing.renamed"}"#;
    let err = webhooks::decode(&headers, unknown).unwrap_err();
    assert!(matches!(err, WebhookError::Unrecognized { .. }), "{err:?}");
    assert_eq!(err.body().map(|b| &b[..]), Some(&unknown[..]));
}
