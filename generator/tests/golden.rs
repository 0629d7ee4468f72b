//! Golden tests: every fixture document in, a committed snapshot of the
//! generated crate out; every bad document in, a committed snapshot of its
//! diagnostics out.
//!
//! Update the snapshots with `UPDATE_EXPECT=1 cargo test -p openapi-rust-codegen --test golden`,
//! then read the diff. The crates are also written to `target/fixtures/`,
//! where `cargo xtask fixtures` checks that each builds without a warning.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use expect_test::expect_file;

/// The small documents of the corpus (`tests/corpus/`) that the goldens cover.
const CORPUS: &[&str] = &[
    "apisguru-xkcd.yaml",
    "oai-callback-example.yaml",
    "oai-link-example.yaml",
    "oai-petstore-expanded.yaml",
    "oai-petstore.yaml",
    "oai-uspto.yaml",
    "oxide-buildomat.json",
    "oxide-keeper.json",
    "oxide-propolis-server.json",
];

const COMMAND: &str = "`UPDATE_EXPECT=1 cargo test -p openapi-rust-codegen --test golden`";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Cargo's target directory, as this test was built with it (its
/// `tmp/` is `CARGO_TARGET_TMPDIR`): the place `cargo xtask fixtures`
/// looks for the fixture crates, wherever `CARGO_TARGET_DIR` points.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory")
        .to_path_buf()
}

/// Documents in `dir` (not below it), by name without extension.
fn documents(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| {
            p.is_file()
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "json")
                )
        })
        .map(|p| {
            (
                p.file_stem()
                    .expect("a file name")
                    .to_string_lossy()
                    .into_owned(),
                p,
            )
        })
        .collect();
    out.sort();
    out
}

/// Every document that must generate: the fixtures and the small corpus.
fn good_documents() -> Vec<(String, PathBuf)> {
    let mut out = documents(&manifest_dir().join("tests/fixtures"));
    let corpus = manifest_dir().join("tests/corpus");
    for file in CORPUS {
        let path = corpus.join(file);
        let stem = file.rsplit_once('.').map_or(*file, |(s, _)| s);
        out.push((format!("corpus-{stem}"), path));
    }
    out
}

fn options(name: &str) -> openapi_rust_codegen::Options {
    openapi_rust_codegen::Options {
        source_name: name.to_owned(),
        crate_name: Some(format!("fixture-{name}")),
        crate_version: Some("0.0.0".to_owned()),
        command: COMMAND.to_owned(),
        strict: false,
        base_dir: None,
        // Too small for the default: these fixtures ask for features
        // (`oas32`'s nested tags make a feature that enables another).
        features: if name == "features" || name == "oas32" {
            openapi_rust_codegen::FeatureMode::PerTag
        } else {
            openapi_rust_codegen::FeatureMode::default()
        },
        overlays: Vec::new(),
        output: openapi_rust_codegen::Output::Crate,
        runtime: None,
    }
}

/// The snapshot of a generated crate: warnings, then every file but the
/// runtime module (the same in every crate, and checked on its own).
fn snapshot(generated: &openapi_rust_codegen::Generated) -> String {
    let mut out = String::new();
    if !generated.warnings.items.is_empty() {
        out.push_str(&format!("==== warnings ====\n{}\n\n", generated.warnings));
    }
    for (path, content) in &generated.files {
        if path.starts_with("src/runtime/") {
            continue;
        }
        out.push_str(&format!("==== {path} ====\n{content}\n"));
    }
    out
}

#[test]
fn fixtures_generate_as_their_snapshots() {
    let fixtures_out = target_dir().join("fixtures");
    let mut names = BTreeSet::new();
    for (name, path) in good_documents() {
        let text = std::fs::read_to_string(&path).expect("a readable document");
        let mut opts = options(&name);
        opts.base_dir = path.parent().map(Path::to_path_buf);
        let generated = openapi_rust_codegen::generate(&text, &opts)
            .unwrap_or_else(|d| panic!("{name} did not generate:\n{d}"));
        expect_file![format!("golden/{name}.snap")].assert_eq(&snapshot(&generated));
        // Written for `cargo xtask fixtures`, which builds them.
        openapi_rust_codegen::sync::sync(
            &fixtures_out.join(&name),
            &generated.files,
            openapi_rust_codegen::sync::Mode::Write,
        )
        .expect("target/fixtures is writable");
        names.insert(name);
    }
    // Crates of fixtures that no longer exist would be built for nothing.
    for entry in std::fs::read_dir(&fixtures_out)
        .expect("target/fixtures exists")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && !names.contains(&name) && name != "target" {
            std::fs::remove_dir_all(entry.path()).expect("a stale fixture crate can be removed");
        }
    }
}

#[test]
fn bad_documents_fail_with_their_diagnostics() {
    let dir = manifest_dir().join("tests/fixtures/errors");
    let docs = documents(&dir);
    assert!(docs.len() >= 8, "the error fixtures are missing");
    for (name, path) in docs {
        let text = std::fs::read_to_string(&path).expect("a readable document");
        let file_name = path
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        // Strict: what is only a warning elsewhere (a duplicate operationId)
        // is an error here, as for the project's own spec.
        let mut opts = options(&name);
        opts.source_name = file_name;
        opts.strict = true;
        opts.base_dir = path.parent().map(Path::to_path_buf);
        match openapi_rust_codegen::generate(&text, &opts) {
            Ok(_) => panic!("{name} generated, but it is a bad document"),
            Err(d) => {
                assert!(d.has_errors(), "{name}: a failure must carry an error");
                expect_file![format!("golden/errors/{name}.txt")].assert_eq(&format!("{d}\n"));
            }
        }
    }
}

/// Every place a diagnostic names is in its document: pointers are built
/// token by token, never from a string holding a `/`.
#[test]
fn every_reported_place_is_in_its_document() {
    let corpus = manifest_dir().join("tests/corpus");
    let mut docs = documents(&manifest_dir().join("tests/fixtures"));
    docs.extend(documents(&corpus));
    docs.extend(documents(&manifest_dir().join("tests/fixtures/errors")));
    let mut checked = 0;
    for (name, path) in docs {
        let text = std::fs::read_to_string(&path).expect("a readable document");
        let Ok(value) = openapi_rust_codegen::read::parse(&text) else {
            continue;
        };
        let mut opts = options(&name);
        opts.base_dir = path.parent().map(Path::to_path_buf);
        let diagnostics = match openapi_rust_codegen::generate(&text, &opts) {
            Ok(generated) => generated.warnings.items,
            Err(d) => d.items,
        };
        for d in diagnostics {
            // A place in another file of the document is checked in that file.
            let value = match &d.file {
                Some(file) => {
                    let Ok(text) = std::fs::read_to_string(path.parent().unwrap().join(file))
                    else {
                        continue;
                    };
                    openapi_rust_codegen::read::parse(&text).expect("a part that parses")
                }
                None => value.clone(),
            };
            assert!(
                value.pointer(&d.pointer).is_some(),
                "{name}: `{}` is not a place in the document ({})",
                d.pointer,
                d.message
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} diagnostics were checked");
}

#[test]
fn generation_is_deterministic() {
    let spec = manifest_dir().join("../spec/hexpay.yaml");
    let text = std::fs::read_to_string(spec).expect("the HexPay spec");
    let first =
        openapi_rust_codegen::generate(&text, &options("hexpay")).expect("the spec generates");
    for _ in 0..3 {
        let again =
            openapi_rust_codegen::generate(&text, &options("hexpay")).expect("the spec generates");
        assert_eq!(first.files, again.files);
    }
    // The same document as JSON gives the same crate.
    let value: serde_json::Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let json = serde_json::to_string_pretty(&value).expect("JSON serializes");
    let from_json =
        openapi_rust_codegen::generate(&json, &options("hexpay")).expect("the JSON form generates");
    assert_eq!(first.files, from_json.files);
}
