//! `cargo xtask suite`: the official JSON Schema Test Suite (draft 2020-12,
//! the dialect of OpenAPI 3.1) run through a generated crate.
//!
//! Every case's schema becomes a component schema of one OpenAPI 3.1
//! document, and the request body of an operation of its own. The crate
//! generated from it is used by a test crate that, for every instance of
//! the case, decodes the instance as that type and sends it (to a port
//! where nothing listens): an instance is *accepted* when it decodes and
//! the client's checks let it go, *refused* otherwise. The suite says
//! which instances are valid; each file's count of cases that disagree must
//! be what `generator/tests/json-schema-suite/EXPECTATIONS.tsv` says, with
//! the reason, so that an improvement is recorded as deliberately as a
//! regression is fixed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context as _, bail};
use generator::sync::{self, Mode};
use serde_json::{Value, json};

use crate::{cargo, read_tsv, root, target_dir, write_workspace};

/// One instance of one case.
struct Test {
    /// The file, without `.json`.
    file: String,
    /// The case (schema) number, in the document.
    case: usize,
    /// The case's description.
    group: String,
    /// The instance's description.
    description: String,
    /// The instance.
    data: Value,
    /// Whether the suite says it is valid.
    valid: bool,
}

fn suite_dir() -> PathBuf {
    root().join("generator/tests/json-schema-suite")
}

/// `$ref`s and anchors of a case's schema, made relative to its component.
fn relocate(value: &mut Value, case: usize) {
    let base = format!("#/components/schemas/Case{case}");
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                if r == "#" {
                    *r = base.clone();
                } else if let Some(rest) = r.strip_prefix("#/") {
                    *r = format!("{base}/{rest}");
                } else if let Some(anchor) = r.strip_prefix('#') {
                    *r = format!("#case{case}-{anchor}");
                }
            }
            if let Some(Value::String(a)) = map.get_mut("$anchor") {
                *a = format!("case{case}-{a}");
            }
            for (key, member) in map.iter_mut() {
                if !matches!(key.as_str(), "const" | "enum" | "default" | "examples") {
                    relocate(member, case);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| relocate(i, case)),
        _ => {}
    }
}

/// Whether a case needs what the generator never reads (another document).
fn is_remote(schema: &Value) -> bool {
    let text = schema.to_string();
    text.contains("\"$ref\":\"http") || text.contains("\"$dynamicRef\"") || text.contains("\"$id\"")
}

/// `cargo xtask suite`.
pub fn run() -> anyhow::Result<()> {
    let dir = suite_dir().join("draft2020-12");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut tests = Vec::new();
    let mut schemas = serde_json::Map::new();
    let mut paths = serde_json::Map::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut case = 0;
    for path in &files {
        let file = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let groups: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path)?)
            .with_context(|| format!("{} is not a test file", path.display()))?;
        for group in groups {
            let mut schema = group["schema"].clone();
            let instances = group["tests"].as_array().cloned().unwrap_or_default();
            if is_remote(&schema) {
                *skipped.entry(file.clone()).or_default() += instances.len();
                continue;
            }
            relocate(&mut schema, case);
            if let Value::Object(map) = &mut schema {
                map.remove("$schema");
            }
            schemas.insert(format!("Case{case}"), schema);
            paths.insert(
                format!("/case{case}"),
                json!({"post": {
                    "operationId": format!("case{case}"),
                    "requestBody": {"required": true, "content": {"application/json": {
                        "schema": {"$ref": format!("#/components/schemas/Case{case}")}
                    }}},
                    "responses": {"204": {"description": "Accepted."}}
                }}),
            );
            for t in instances {
                tests.push(Test {
                    file: file.clone(),
                    case,
                    group: group["description"].as_str().unwrap_or_default().to_owned(),
                    description: t["description"].as_str().unwrap_or_default().to_owned(),
                    data: t["data"].clone(),
                    valid: t["valid"].as_bool().unwrap_or(true),
                });
            }
            case += 1;
        }
    }
    let document = json!({
        "openapi": "3.1.0",
        "info": {"title": "JSON Schema Test Suite", "version": "1.0.0"},
        "servers": [{"url": "https://127.0.0.1:9"}],
        "paths": paths,
        "components": {"schemas": schemas},
    });
    let out = target_dir().join("suite");
    std::fs::create_dir_all(&out)?;
    let text = serde_json::to_string_pretty(&document)?;
    std::fs::write(out.join("suite.json"), &text)?;
    let options = generator::Options {
        source_name: "suite.json".to_owned(),
        crate_name: Some("json-schema-suite".to_owned()),
        crate_version: Some("0.0.0".to_owned()),
        command: "`cargo xtask suite`".to_owned(),
        strict: false,
        base_dir: None,
        // One operation per case: the runner decodes what requests carry,
        // so every type implements both serde traits.
        features: generator::FeatureMode::Off,
        overlays: Vec::new(),
        output: generator::Output::Crate,
        runtime: None,
    };
    let generated = generator::generate(&text, &options).map_err(|d| {
        anyhow::anyhow!("the suite's document does not generate (target/suite/suite.json):\n{d}")
    })?;
    println!(
        "==> {} cases, {} instances ({} generator warnings)",
        case,
        tests.len(),
        generated.warnings.items.len()
    );
    sync::sync(
        &out.join("json-schema-suite"),
        &generated.files,
        Mode::Write,
    )?;
    write_runner(&out.join("suite-runner"), &tests, case)?;
    write_workspace(
        &out,
        &["json-schema-suite".to_owned(), "suite-runner".to_owned()],
    )?;
    println!("==> run the instances");
    let output = cargo()
        .args(["test", "--quiet", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir())
        .args(["-p", "suite-runner", "--", "--nocapture"])
        .stderr(Stdio::inherit())
        .output()
        .context("cannot start cargo test")?;
    if !output.status.success() {
        bail!(
            "the suite runner failed:\n{}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    compare(&tests, &stdout, &skipped)
}

/// The test crate: the instances, and a dispatch from case to type and
/// operation.
fn write_runner(dir: &Path, tests: &[Test], cases: usize) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::create_dir_all(dir.join("tests"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "# Written by `cargo xtask suite`.\n[package]\nname = \"suite-runner\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\njson-schema-suite = { path = \"../json-schema-suite\", features = [\"blocking\"] }\nserde = \"1\"\nserde_json = \"1\"\n",
    )?;
    std::fs::write(
        dir.join("src/lib.rs"),
        "//! Runs the JSON Schema Test Suite (in `tests/`).\n",
    )?;
    let instances: Vec<Value> = tests.iter().map(|t| json!([t.case, t.data])).collect();
    std::fs::write(
        dir.join("tests/instances.json"),
        serde_json::to_string(&instances)?,
    )?;
    let mut arms = String::new();
    for i in 0..cases {
        let _ = writeln!(
            arms,
            "        {i} => check::<json_schema_suite::types::Case{i}, _>(data, |b| client.case{i}(b).max_retries(0).send().map(|_| ())),"
        );
    }
    let runner = format!(
        r#"//! Written by `cargo xtask suite`: decodes every instance as its case's
//! type and sends it; prints one line per instance.

use json_schema_suite::Error;

fn check<T: serde::de::DeserializeOwned, F: FnOnce(T) -> Result<(), Error>>(
    data: serde_json::Value,
    send: F,
) -> Result<(), String> {{
    let value: T = serde_json::from_value(data).map_err(|e| format!("decoding: {{e}}"))?;
    match send(value) {{
        Err(Error::InvalidRequest(e)) => Err(format!("checking: {{e}}")),
        _ => Ok(()),
    }}
}}

#[test]
fn instances() {{
    let client = json_schema_suite::Client::builder()
        .base_url("https://127.0.0.1:9")
        .build_blocking()
        .unwrap();
    let instances: Vec<(usize, serde_json::Value)> =
        serde_json::from_str(include_str!("instances.json")).unwrap();
    for (i, (case, data)) in instances.into_iter().enumerate() {{
        let outcome = match case {{
{arms}            _ => Err("no such case".to_owned()),
        }};
        match outcome {{
            Ok(()) => println!("SUITE\t{{i}}\taccepted\t"),
            Err(why) => println!("SUITE\t{{i}}\trefused\t{{}}", why.replace(['\n', '\t'], " ")),
        }}
    }}
}}
"#
    );
    std::fs::write(dir.join("tests/suite.rs"), runner)?;
    Ok(())
}

/// What `EXPECTATIONS.tsv` says of one file: how many instances disagree
/// with the suite, and why.
struct Expectation {
    disagree: usize,
}

fn read_expectations() -> anyhow::Result<BTreeMap<String, Expectation>> {
    let path = suite_dir().join("EXPECTATIONS.tsv");
    let mut out = BTreeMap::new();
    for (place, cols) in read_tsv(&path, 2, "file<TAB>disagreeing<TAB>reason")? {
        let disagree = cols[1]
            .parse()
            .with_context(|| format!("{place}: a count of instances"))?;
        out.insert(cols[0].clone(), Expectation { disagree });
    }
    Ok(out)
}

fn compare(tests: &[Test], stdout: &str, skipped: &BTreeMap<String, usize>) -> anyhow::Result<()> {
    let mut outcomes: BTreeMap<usize, (bool, String)> = BTreeMap::new();
    for line in stdout.lines() {
        let cols: Vec<&str> = line.splitn(4, '\t').collect();
        if let ["SUITE", i, outcome, why] = cols.as_slice() {
            outcomes.insert(i.parse()?, (*outcome == "accepted", (*why).to_owned()));
        }
    }
    // Per file: instances, agreeing, and the disagreements.
    let mut per_file: BTreeMap<&str, (usize, Vec<String>)> = BTreeMap::new();
    for (i, t) in tests.iter().enumerate() {
        let Some((accepted, why)) = outcomes.get(&i) else {
            bail!("the runner said nothing of instance {i}");
        };
        let entry = per_file.entry(&t.file).or_default();
        entry.0 += 1;
        if *accepted != t.valid {
            let verdict = if t.valid {
                "valid, refused"
            } else {
                "invalid, accepted"
            };
            entry.1.push(format!(
                "{}: {} / {}: {verdict}{}",
                t.file,
                t.group,
                t.description,
                if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({why})")
                }
            ));
        }
    }
    let expected = read_expectations()?;
    let mut problems = Vec::new();
    println!(
        "{:<28} {:>9} {:>7} {:>9} {:>8}",
        "file", "instances", "agree", "disagree", "skipped"
    );
    let mut totals = (0, 0, 0);
    for (file, (count, disagreements)) in &per_file {
        let skip = skipped.get(*file).copied().unwrap_or(0);
        println!(
            "{file:<28} {count:>9} {:>7} {:>9} {skip:>8}",
            count - disagreements.len(),
            disagreements.len()
        );
        totals.0 += count;
        totals.1 += count - disagreements.len();
        totals.2 += disagreements.len();
        let want = expected.get(*file).map_or(0, |e| e.disagree);
        if want != disagreements.len() {
            problems.push(format!(
                "{file}: {} instances disagree with the suite, EXPECTATIONS.tsv says {want}:\n  {}",
                disagreements.len(),
                disagreements.join("\n  ")
            ));
        }
    }
    for (file, n) in skipped {
        if !per_file.contains_key(file.as_str()) {
            println!("{file:<28} {:>9} {:>7} {:>9} {n:>8}", 0, 0, 0);
        }
    }
    println!(
        "total: {} instances, {} agree, {} disagree, {} skipped (remote references, $id, $dynamicRef)",
        totals.0,
        totals.1,
        totals.2,
        skipped.values().sum::<usize>()
    );
    if std::env::var_os("SUITE_VERBOSE").is_some() {
        for (_, d) in per_file.values() {
            for line in d {
                println!("  {line}");
            }
        }
    }
    if problems.is_empty() {
        println!("every file is as generator/tests/json-schema-suite/EXPECTATIONS.tsv says");
        return Ok(());
    }
    for p in &problems {
        eprintln!("{p}");
    }
    bail!(
        "{} file(s) differ from generator/tests/json-schema-suite/EXPECTATIONS.tsv",
        problems.len()
    )
}
