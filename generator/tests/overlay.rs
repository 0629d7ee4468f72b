//! OpenAPI Overlays, against the Overlay specification's own oracles
//! (copied unmodified into `tests/overlay/` with their LICENSE, Apache-2.0):
//! every compliant set's `openapi.yaml` with its `overlay.yaml` gives exactly
//! its `output.yaml` (compared as data), every `pass` overlay of the schema
//! tests is accepted and every `fail` one refused with a problem located in
//! its own file; and an overlay given to `generate` changes the crate.

use std::path::{Path, PathBuf};

use openapi_rust_codegen::read::overlay::{Overlay, apply};
use openapi_rust_codegen::{Options, Severity};
use serde_json::{Value, json};

fn dir(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/overlay")
        .join(rel)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn overlay(path: &Path) -> Overlay {
    Overlay {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        text: read(path),
    }
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

#[test]
fn every_compliant_set_gives_its_output() {
    let sets: Vec<PathBuf> = entries(&dir("compliant-sets"))
        .into_iter()
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(sets.len(), 8, "the compliant sets");
    let mut wrong = Vec::new();
    for set in &sets {
        let name = set.file_name().unwrap().to_string_lossy().into_owned();
        let mut document =
            openapi_rust_codegen::read::parse(&read(&set.join("openapi.yaml"))).unwrap();
        let expected = openapi_rust_codegen::read::parse(&read(&set.join("output.yaml"))).unwrap();
        let problems = apply(&mut document, &overlay(&set.join("overlay.yaml")));
        if problems.iter().any(|d| d.severity == Severity::Error) {
            wrong.push(format!("{name}: {problems:?}"));
        } else if document != expected {
            wrong.push(format!(
                "{name}: got\n{}\nexpected\n{}",
                serde_json::to_string_pretty(&document).unwrap(),
                serde_json::to_string_pretty(&expected).unwrap()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn the_schema_tests_are_accepted_and_refused_as_named() {
    let document = json!({"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}});
    let mut unexpected = Vec::new();
    let mut counted = 0;
    for version in ["v1.0", "v1.1"] {
        for path in entries(&dir(&format!("tests/{version}/pass"))) {
            counted += 1;
            let mut doc = document.clone();
            let problems = apply(&mut doc, &overlay(&path));
            let errors: Vec<_> = problems
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            if !errors.is_empty() {
                unexpected.push(format!("{version}/pass/{}: {errors:?}", path.display()));
            }
        }
        for path in entries(&dir(&format!("tests/{version}/fail"))) {
            counted += 1;
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let mut doc = document.clone();
            let problems = apply(&mut doc, &overlay(&path));
            let located = problems.iter().any(|d| {
                d.severity == Severity::Error
                    && d.file.as_deref() == Some(name.as_str())
                    && d.line.is_some()
            });
            if !located {
                unexpected.push(format!("{version}/fail/{name}: {problems:?}"));
            }
            assert_eq!(doc, document, "{name}: a refused overlay changes nothing");
        }
    }
    assert_eq!(counted, 12 + 20 + 13 + 22, "the schema tests");
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}

fn apply_text(document: &mut Value, text: &str) -> Vec<openapi_rust_codegen::Diagnostic> {
    apply(
        document,
        &Overlay {
            name: "fix.overlay.yaml".to_owned(),
            text: text.to_owned(),
        },
    )
}

#[test]
fn actions_follow_the_merge_rules() {
    let mut doc = json!({"a": {"list": [1], "text": "x", "n": 1}, "tags": [{"name": "t"}]});
    let problems = apply_text(
        &mut doc,
        "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n\
         - target: $.a\n  update: {list: [2], text: y, new: {deep: true}}\n\
         - target: $.tags\n  update: {name: u}\n\
         - target: $.a.n\n  update: 2\n\
         - target: $.tags[?@.name == 't']\n  remove: true\n\
         - target: $.b\n  update: {}\n\
         - target: $.a\n  copy: $.a.new\n",
    );
    assert_eq!(
        doc,
        json!({"a": {"list": [1, 2], "text": "y", "n": 2, "new": {"deep": true}, "deep": true}, "tags": [{"name": "u"}]})
    );
    // A target that selects nothing is a located warning in the overlay's file.
    assert_eq!(problems.len(), 1, "{problems:?}");
    let warning = &problems[0];
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.pointer, "/actions/4/target");
    assert_eq!(warning.file.as_deref(), Some("fix.overlay.yaml"));
    assert_eq!(warning.line, Some(12));

    let mut doc = json!({"a": {"text": "x"}});
    let problems = apply_text(
        &mut doc,
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n- target: $.a\n  update: {text: {no: 1}}\n",
    );
    assert!(
        problems.iter().any(|d| d.severity == Severity::Error
            && d.message.contains("`text`")
            && d.pointer == "/actions/0"),
        "{problems:?}"
    );
    let problems = apply_text(
        &mut doc,
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n- target: $.a[\n  remove: true\n",
    );
    assert!(
        problems.iter().any(|d| d.severity == Severity::Error
            && d.pointer == "/actions/0/target"
            && d.line == Some(4)),
        "not RFC 9535: {problems:?}"
    );
}

const VENDOR: &str = r##"
openapi: 3.0.3
info: {title: Vendor, version: 1.0.0}
servers: [{url: "https://api.vendor.test"}]
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: The things
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Things"}
components:
  schemas: {}
"##;

#[test]
fn generate_applies_overlays_in_order_before_reading() {
    let fix = Overlay {
        name: "fix.overlay.yaml".to_owned(),
        text: "overlay: 1.0.0\ninfo: {title: Define the missing schema, version: '1'}\nactions:\n\
               - target: $.components.schemas\n  update:\n    Things: {type: array, items: {type: string}}\n"
            .to_owned(),
    };
    let rename = Overlay {
        name: "rename.overlay.yaml".to_owned(),
        text: "overlay: 1.1.0\ninfo: {title: Rename, version: '1'}\nactions:\n\
               - target: $.paths['/things'].get.operationId\n  update: fetchThings\n"
            .to_owned(),
    };
    // Unrepaired, the dangling `$ref` leaves the response untyped.
    let as_published = openapi_rust_codegen::generate(VENDOR, &Options::default()).unwrap();
    assert!(
        as_published
            .warnings
            .summary()
            .contains("1 × a value typed as any JSON")
    );
    let strict = Options {
        strict: true,
        ..Options::default()
    };
    assert!(
        openapi_rust_codegen::generate(VENDOR, &strict).is_err(),
        "--strict refuses it"
    );
    let options = Options {
        overlays: vec![fix, rename],
        strict: true,
        ..Options::default()
    };
    let generated = openapi_rust_codegen::generate(VENDOR, &options).unwrap();
    assert!(
        generated.warnings.items.is_empty(),
        "{:?}",
        generated.warnings
    );
    assert!(generated.files["src/client.rs"].contains("pub fn fetch_things("));
    assert!(
        generated.files["src/builders.rs"].contains("crate::ResponseFuture<crate::types::Things>"),
        "{}",
        generated.files["src/builders.rs"]
    );

    let broken = Overlay {
        name: "broken.overlay.yaml".to_owned(),
        text: "overlay: 1.0.0\nactions: []\n".to_owned(),
    };
    let options = Options {
        overlays: vec![broken],
        ..Options::default()
    };
    let errors = openapi_rust_codegen::generate(VENDOR, &options).unwrap_err();
    assert!(
        errors
            .items
            .iter()
            .all(|d| d.file.as_deref() == Some("broken.overlay.yaml") && d.line.is_some()),
        "{errors}"
    );
    assert!(
        errors.to_string().contains("broken.overlay.yaml:"),
        "{errors}"
    );
}

#[test]
fn a_dashed_name_after_a_dot_is_read_in_brackets_with_a_warning() {
    let mut doc =
        json!({"paths": {"/a": {"get": {"x-oai-traits": {"paged": true}}}, "/b": {"get": {}}}});
    let problems = apply_text(
        &mut doc,
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n\
         - target: $.paths.*[?@.x-oai-traits.paged]\n  update: {summary: 'paged, a - b'}\n",
    );
    assert_eq!(doc["paths"]["/a"]["get"]["summary"], "paged, a - b");
    assert!(doc["paths"]["/b"]["get"].get("summary").is_none());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].severity, Severity::Warning);
    assert!(
        problems[0]
            .message
            .contains("`$.paths.*[?@['x-oai-traits'].paged]`"),
        "{problems:?}"
    );
}
