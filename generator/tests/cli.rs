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
