//! OpenAPI 3.2 input: the official schema's `fail` documents (each breaks
//! one rule) get a located error or warning, never a panic; the `pass`
//! documents are read without an error (`cargo xtask corpus` compiles
//! their crates).

use std::path::{Path, PathBuf};

use openapi_rust_codegen::{Options, Severity};

fn documents(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    out.sort();
    out
}

fn generate(
    path: &Path,
) -> Result<openapi_rust_codegen::Generated, openapi_rust_codegen::Diagnostics> {
    let text = std::fs::read_to_string(path).unwrap();
    let options = Options {
        source_name: path.file_name().unwrap().to_string_lossy().into_owned(),
        ..Options::default()
    };
    openapi_rust_codegen::generate(&text, &options)
}

#[test]
fn every_fail_document_gets_a_located_problem() {
    let docs = documents("oas32-fail");
    assert_eq!(docs.len(), 29, "the official fail documents");
    let mut unlocated = Vec::new();
    for path in &docs {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let items = match std::panic::catch_unwind(|| generate(path)) {
            Err(_) => panic!("{name}: the generator panicked"),
            Ok(Ok(generated)) => generated.warnings.items,
            Ok(Err(diagnostics)) => diagnostics.items,
        };
        // The rule the document breaks is reported at a place in it: the
        // document's own pointer (or the root, for a rule about the whole
        // document), with a line.
        let located = items.iter().any(|d| {
            d.severity >= Severity::Warning
                && d.line.is_some()
                && (!d.pointer.is_empty()
                    || name == "no_containers.yaml"
                    || name == "unknown_container.yaml")
        });
        if !located {
            unlocated.push(format!("{name}: {items:?}"));
        }
    }
    assert!(
        unlocated.is_empty(),
        "fail documents without a located problem:\n{}",
        unlocated.join("\n")
    );
}

#[test]
fn the_rules_a_client_depends_on_are_errors() {
    // Two query strings, or one beside `in: query` parameters, cannot make
    // one request; a fixed method among `additionalOperations` would be two
    // operations of one method.
    for (name, needle) in [
        (
            "operation-object-two-querystrings.yaml",
            "a second `in: querystring` parameter",
        ),
        (
            "path-item-object-two-querystrings.yaml",
            "a second `in: querystring` parameter",
        ),
        (
            "operation-object-query-with-querystring.yaml",
            "beside the `in: querystring` one",
        ),
        (
            "path-item-object-query-with-querystring.yaml",
            "beside the `in: querystring` one",
        ),
        (
            "path-item-object-conflicting-additional-operation.yaml",
            "must be written as the Path Item's `post` member",
        ),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/oas32-fail")
            .join(name);
        let diagnostics = generate(&path).expect_err(name);
        assert!(
            diagnostics
                .items
                .iter()
                .any(|d| d.severity == Severity::Error
                    && d.message.contains(needle)
                    && d.line.is_some()),
            "{name}: {diagnostics}"
        );
    }
}

#[test]
fn every_pass_document_is_read_without_an_error() {
    let docs = documents("corpus-32");
    assert_eq!(docs.len(), 37, "the official pass documents");
    for path in &docs {
        if let Err(diagnostics) = generate(path) {
            panic!("{}: {diagnostics}", path.display());
        }
    }
}

#[test]
fn a_version_beyond_3_2_is_refused_by_name() {
    let text = "openapi: 3.3.0\ninfo: {title: t, version: '1'}\npaths: {}\n";
    let diagnostics = openapi_rust_codegen::generate(text, &Options::default()).unwrap_err();
    assert!(
        diagnostics
            .to_string()
            .contains("unsupported OpenAPI version `3.3.0`"),
        "{diagnostics}"
    );
    assert!(diagnostics.to_string().contains("3.2.x"), "{diagnostics}");
}

fn generate_text(
    text: &str,
) -> Result<openapi_rust_codegen::Generated, openapi_rust_codegen::Diagnostics> {
    openapi_rust_codegen::generate(text, &Options::default())
}

const SHARED_MEDIA_TYPE: &str = r##"
openapi: 3.2.0
info: {title: Shared media types, version: 1.0.0}
servers: [{url: "https://api.example.test"}]
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
  mediaTypes:
    Pets:
      itemSchema: {$ref: "#/components/schemas/Pet"}
    MorePets: {$ref: "#/components/mediaTypes/Pets"}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: The pets, one per line
          content:
            application/jsonl: {$ref: "#/components/mediaTypes/MorePets"}
"##;

#[test]
fn a_media_type_reference_is_read_as_the_object_it_names() {
    let generated = generate_text(SHARED_MEDIA_TYPE).unwrap();
    let builders = &generated.files["src/builders.rs"];
    assert!(
        builders.contains("send_stream!(ListPets, JsonStream, crate::types::Pet, crate::Api)"),
        "{builders}"
    );
    let dangling = SHARED_MEDIA_TYPE.replace(
        "#/components/mediaTypes/MorePets\"}\n",
        "#/components/mediaTypes/Nowhere\"}\n",
    );
    let errors = generate_text(&dangling).unwrap_err();
    let error = errors
        .items
        .iter()
        .find(|d| d.message.contains("Nowhere"))
        .expect("an error names the reference");
    assert_eq!(error.severity, Severity::Error);
    assert_eq!(
        error.pointer,
        "/paths/~1pets/get/responses/200/content/application~1jsonl/$ref"
    );
    assert!(error.line.is_some());
}

#[test]
fn a_nested_tags_feature_is_part_of_its_parents() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/oas32.yaml");
    let options = Options {
        features: openapi_rust_codegen::FeatureMode::PerTag,
        ..Options::default()
    };
    let generated =
        openapi_rust_codegen::generate(&std::fs::read_to_string(path).unwrap(), &options).unwrap();
    let manifest = &generated.files["Cargo.toml"];
    assert!(
        manifest.contains("\ncatalog = [\"search\"]\n"),
        "{manifest}"
    );
    assert!(manifest.contains("\nsearch = []\n"), "{manifest}");

    let tags = |parent_of_search: &str, parent_of_catalog: &str| {
        format!(
            "openapi: 3.2.0\ninfo: {{title: T, version: '1'}}\ntags:\n  - name: catalog\n    parent: {parent_of_catalog}\n  - name: search\n    parent: {parent_of_search}\npaths: {{}}\n"
        )
    };
    let warned = |text: &str, pointer: &str, words: &str| {
        let generated = generate_text(text).unwrap();
        assert!(
            generated
                .warnings
                .items
                .iter()
                .any(|d| d.pointer == pointer && d.message.contains(words) && d.line.is_some()),
            "{:?}",
            generated.warnings.items
        );
    };
    warned(&tags("nowhere", "search"), "/tags/1/parent", "names no tag");
    warned(
        &tags("catalog", "search"),
        "/tags/0/parent",
        "its own ancestor",
    );
    warned(
        &tags("catalog", "search"),
        "/tags/1/parent",
        "its own ancestor",
    );
}
