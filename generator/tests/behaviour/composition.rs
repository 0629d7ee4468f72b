//! The crate generated from `fixtures/composition.yaml`: `allOf` of one of
//! several objects and properties of its own decodes and encodes as one
//! object.

use fixture_composition::types::{Adoption, Pet};

#[test]
fn a_union_inside_all_of_is_flattened() {
    let json = serde_json::json!({
        "petType": "cat",
        "id": "p1",
        "name": "Tom",
        "lives": 9,
        "adoptedAt": "2026-01-20T10:00:00Z"
    });
    let adoption: Adoption = serde_json::from_value(json.clone()).unwrap();
    let Pet::Cat(cat) = &adoption.pet else {
        panic!("the tag says cat: {adoption:?}");
    };
    assert_eq!(cat.name, "Tom");
    assert_eq!(cat.lives, Some(9));
    assert_eq!(adoption.adopted_at.to_rfc3339(), "2026-01-20T10:00:00+00:00");
    assert_eq!(serde_json::to_value(&adoption).unwrap(), json, "encodes as one object");
    let missing = serde_json::json!({"petType": "cat", "id": "p1", "name": "Tom"});
    assert!(serde_json::from_value::<Adoption>(missing).is_err(), "`adoptedAt` is required");
}
