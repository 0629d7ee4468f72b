//! The command-line interface: what a Unix user sees.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn generator(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_generator"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("generator-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn generates_then_checks_then_detects_drift() {
    let out = temp_dir("drift");
    let out_s = out.display().to_string();
    let spec = fixture("enums.yaml");

    let first = generator(&[
        "generate",
        "--spec",
        &spec,
        "--out",
        &out_s,
        "--crate-name",
        "enums",
    ]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(String::from_utf8_lossy(&first.stdout).contains("src/types.rs"));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"enums\""));
    assert!(
        manifest.contains("version = \"1.0.0\""),
        "the version defaults to info.version"
    );

    let check = generator(&[
        "generate",
        "--spec",
        &spec,
        "--out",
        &out_s,
        "--crate-name",
        "enums",
        "--check",
    ]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));

    std::fs::write(
        out.join("src/types.rs"),
        "// @generated\n// edited by hand\n",
    )
    .unwrap();
    std::fs::write(out.join("src/gone.rs"), "// @generated\n").unwrap();
    let drift = generator(&[
        "generate",
        "--spec",
        &spec,
        "--out",
        &out_s,
        "--crate-name",
        "enums",
        "--check",
    ]);
    assert_eq!(drift.status.code(), Some(1));
    let err = stderr(&drift);
    assert!(err.contains("stale:") && err.contains("types.rs"), "{err}");
    assert!(
        err.contains("no longer generated:") && err.contains("gone.rs"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("src/types.rs")).unwrap(),
        "// @generated\n// edited by hand\n"
    );

    let again = generator(&[
        "generate",
        "--spec",
        &spec,
        "--out",
        &out_s,
        "--crate-name",
        "enums",
    ]);
    assert!(again.status.success());
    assert!(!out.join("src/gone.rs").exists());
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_bad_document_fails_with_located_errors_and_writes_nothing() {
    let out = temp_dir("bad");
    let spec = fixture("errors/many-errors.yaml");
    let o = generator(&[
        "generate",
        "--spec",
        &spec,
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("many-errors.yaml:12: at /paths/~1a/get/responses/200"),
        "{err}"
    );
    assert!(err.contains("duplicate operationId `same`"), "{err}");
    assert!(err.contains("3 error(s)"), "{err}");
    assert!(!out.exists(), "nothing is written for a bad document");
}

#[test]
fn usage_errors_exit_with_2_and_a_missing_file_with_1() {
    let o = generator(&["generate", "--out", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--spec"));

    let o = generator(&["generate", "--spec", "/nonexistent/spec.yaml", "--out", "x"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: cannot read /nonexistent/spec.yaml"),
        "{}",
        stderr(&o)
    );

    let o = generator(&["--help"]);
    assert!(o.status.success());
}

#[test]
fn warnings_are_printed_and_strict_turns_them_into_errors() {
    let out = temp_dir("strict");
    let out_s = out.display().to_string();
    let spec = fixture("errors/duplicate-operation-id.yaml");
    let lenient = generator(&["generate", "--spec", &spec, "--out", &out_s]);
    assert_eq!(lenient.status.code(), Some(0), "{}", stderr(&lenient));
    assert!(
        stderr(&lenient).contains("warning: ")
            && stderr(&lenient).contains("duplicate operationId"),
        "{}",
        stderr(&lenient)
    );
    let client = std::fs::read_to_string(out.join("src/client.rs")).unwrap();
    assert!(
        client.contains("fn get_thing(") && client.contains("fn get_thing2("),
        "{client}"
    );

    let strict_out = temp_dir("strict-out");
    let strict = generator(&[
        "generate",
        "--spec",
        &spec,
        "--out",
        &strict_out.display().to_string(),
        "--strict",
    ]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(stderr(&strict).contains("error: "), "{}", stderr(&strict));
    assert!(
        !strict_out.exists(),
        "nothing is written for a refused document"
    );
    let _ = std::fs::remove_dir_all(&out);
}

/// Copies the fixture `multi-file.yaml` and its folder into `dir`.
fn copy_multi_file(dir: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(fixtures.join("multi-file.yaml"), dir.join("api.yaml")).unwrap();
    copy(&fixtures.join("multi-file"), &dir.join("multi-file"));
}

#[test]
fn a_document_split_over_files_is_checked_as_a_whole() {
    let dir = temp_dir("multi");
    copy_multi_file(&dir.join("spec"));
    let spec = dir.join("spec/api.yaml").display().to_string();
    let out = dir.join("crate").display().to_string();
    let args = [
        "generate",
        "--spec",
        &spec,
        "--out",
        &out,
        "--crate-name",
        "pets",
    ];
    let first = generator(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    let check = generator(&[&args[..], &["--check"]].concat());
    assert!(check.status.success(), "{}", stderr(&check));

    // A change in another file of the document makes the crate stale.
    let schemas = dir.join("spec/multi-file/schemas.yaml");
    let text = std::fs::read_to_string(&schemas).unwrap();
    std::fs::write(
        &schemas,
        text.replace(
            "    name:\n      type: string\n    tag:",
            "    name:\n      type: string\n      maxLength: 40\n    tag:",
        ),
    )
    .unwrap();
    let stale = generator(&[&args[..], &["--check"]].concat());
    assert_eq!(stale.status.code(), Some(1), "{}", stderr(&stale));
    assert!(stderr(&stale).contains("stale"), "{}", stderr(&stale));

    // A problem in another file is reported in that file.
    std::fs::write(&schemas, text.replace("$ref: '#/Pet'", "$ref: '#/Pets'")).unwrap();
    let bad = generator(&args);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("multi-file/schemas.yaml:20: at /PetList/properties/pets/items/$ref: dangling $ref `multi-file/schemas.yaml#/Pets`"),
        "{}",
        stderr(&bad)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_says_which_versions_are_read() {
    let help = generator(&["generate", "--help"]);
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("OpenAPI 3.0 or 3.1"), "{text}");
    let swagger = temp_dir("swagger");
    std::fs::create_dir_all(&swagger).unwrap();
    let path = swagger.join("api.json");
    std::fs::write(
        &path,
        r#"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#,
    )
    .unwrap();
    let out = swagger.join("out").display().to_string();
    let refused = generator(&[
        "generate",
        "--spec",
        &path.display().to_string(),
        "--out",
        &out,
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("Swagger 2.0"),
        "{}",
        stderr(&refused)
    );
    let _ = std::fs::remove_dir_all(&swagger);
}

#[test]
fn a_crate_name_cargo_refuses_is_an_error() {
    let out = temp_dir("badname");
    let o = generator(&[
        "generate",
        "--spec",
        &fixture("enums.yaml"),
        "--out",
        &out.display().to_string(),
        "--crate-name",
        "my.client",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("`my.client` cannot name a crate"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_reference_back_to_the_root_document_is_a_recursive_type() {
    let dir = temp_dir("backref");
    std::fs::create_dir_all(dir.join("parts")).unwrap();
    std::fs::write(
        dir.join("api.yaml"),
        "openapi: 3.1.0\ninfo: {title: Back, version: 1.0.0}\ncomponents:\n  schemas:\n    Root:\n      type: object\n      properties:\n        child:\n          $ref: './parts/child.yaml#/Child'\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("parts/child.yaml"),
        "Child:\n  type: object\n  properties:\n    parent:\n      $ref: '../api.yaml#/components/schemas/Root'\n",
    )
    .unwrap();
    let out = dir.join("out");
    let o = generator(&[
        "generate",
        "--spec",
        &dir.join("api.yaml").display().to_string(),
        "--out",
        &out.display().to_string(),
        "--crate-name",
        "back",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let types = std::fs::read_to_string(out.join("src/types.rs")).unwrap();
    assert!(types.contains("pub struct Root"), "{types}");
    assert!(
        types.contains("::std::boxed::Box<crate::types::Root>"),
        "the child refers to the root's type: {types}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diff_classifies_the_changes_between_two_documents() {
    let dir = temp_dir("diff");
    std::fs::create_dir_all(&dir).unwrap();
    let old = fixture("enums.yaml");
    let text = std::fs::read_to_string(&old).unwrap();
    let same = generator(&["diff", "--old", &old, "--new", &old]);
    assert!(same.status.success(), "{}", stderr(&same));
    assert_eq!(
        String::from_utf8_lossy(&same.stdout),
        "no change to the crate's API\n"
    );
    // A document with every operation removed: each is a breaking change.
    let emptied = dir.join("emptied.yaml");
    let cut = text.find("\npaths:").expect("the fixture has paths");
    let rest = &text[cut + 1..];
    let end = rest
        .find("\ncomponents:")
        .expect("the fixture has components");
    std::fs::write(
        &emptied,
        format!("{}\npaths: {{}}\n{}", &text[..cut], &rest[end + 1..]),
    )
    .unwrap();
    let new = emptied.display().to_string();
    let out = generator(&["diff", "--old", &old, "--new", &new, "--version", "1.4.2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("  breaking    operation `"), "{stdout}");
    assert!(
        stdout.ends_with("the crate needs 2.0.0 (was 1.4.2)\n"),
        "{stdout}"
    );
    let markdown = generator(&["diff", "--old", &new, "--new", &old, "--markdown"]);
    let table = String::from_utf8_lossy(&markdown.stdout);
    assert!(table.contains("| compatible | operation `"), "{table}");
    assert!(!table.contains("| breaking |"), "{table}");
    let broken = generator(&["diff", "--old", &old, "--new", "/nonexistent.yaml"]);
    assert!(!broken.status.success());
    assert!(stderr(&broken).contains("cannot read /nonexistent.yaml"));
}
