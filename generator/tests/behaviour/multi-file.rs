//! The crate generated from `fixtures/multi-file.yaml`, a document split
//! over several files: the types of every file, one type per schema
//! whichever file uses it, rules and cycles between files kept.

use fixture_multi_file::types::{Adoption, Pet, PetList, Shelter, Tag};

#[test]
fn types_from_every_file_decode() {
    let list: PetList = serde_json::from_value(serde_json::json!({
        "pets": [{
            "id": "p1",
            "name": "Rex",
            "tag": "dog",
            "shelter": {"name": "North", "residents": [{"id": "p2", "name": "Tom"}]}
        }]
    }))
    .unwrap();
    let rex: &Pet = &list.pets[0];
    assert_eq!(rex.tag.as_ref().map(|t| t.as_str()), Some("dog"));
    let shelter: &Shelter = rex.shelter.as_ref().unwrap();
    assert_eq!(shelter.residents.as_ref().unwrap()[0].name, "Tom");
    // One type for a schema, whichever file uses it.
    let adoption = Adoption::new(rex.clone());
    assert_eq!(adoption.pet.id, "p1");
}

#[test]
fn a_whole_file_schema_keeps_its_rules() {
    assert!(Tag::new("a".repeat(21)).is_err());
    assert!(Tag::new("a".repeat(20)).is_ok());
    assert!(serde_json::from_str::<Tag>(&format!("\"{}\"", "a".repeat(21))).is_err());
}
