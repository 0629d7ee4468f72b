//! Bad documents never panic: every fixture, the HexPay spec and the small
//! corpus documents, each broken in many seeded ways (a value replaced by one
//! of the wrong kind, a member removed, a `$ref` that dangles, loops or
//! points at the wrong kind of thing, a subtree copied where it does not
//! belong), must come out of the generator as a crate or as errors that name
//! a place in the document, never as a panic.
//!
//! The mutations are deterministic: a failure names the document and the
//! seed, and `ROBUSTNESS_DUMP=dir` writes the failing document there.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use openapi_rust_codegen::read::pointer::escape_token;
use serde_json::{Value, json};

/// Mutants of each document.
const MUTANTS: u64 = 40;

fn documents() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![root.join("../spec/hexpay.yaml")];
    for dir in ["tests/fixtures", "tests/corpus"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let ext = p.extension().and_then(|e| e.to_str());
                ext == Some("yaml") || ext == Some("json")
            })
            // The large documents take long in a debug build; the small
            // ones have every construct the mutations can break.
            .filter(|p| std::fs::metadata(p).unwrap().len() < 100_000)
            .collect();
        found.sort();
        out.extend(found);
    }
    out
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The JSON pointer of every node but the root.
fn pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (escape_token(k), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (token, child) in children {
        let pointer = format!("{at}/{token}");
        out.push(pointer.clone());
        pointers(child, &pointer, out);
    }
}

fn schema_refs(doc: &Value) -> Vec<String> {
    let mut refs: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| {
            m.keys()
                .map(|k| format!("#/components/schemas/{k}"))
                .collect()
        })
        .unwrap_or_default();
    refs.extend(
        [
            "#/components/schemas/Missing",
            "#",
            "#/paths",
            "#/components/parameters/Missing",
            "other.yaml#/components/schemas/A",
            "#/components/schemas/",
        ]
        .map(String::from),
    );
    refs
}

fn mutate(doc: &mut Value, rng: &mut Rng) {
    let odd = [
        Value::Null,
        json!(0),
        json!(-1),
        json!(1.5),
        json!(""),
        json!(true),
        json!([]),
        json!({}),
        json!("not what was expected"),
        json!({"type": "array"}),
        json!({"type": "object", "additionalProperties": false}),
        json!({"oneOf": []}),
        json!({"enum": []}),
        json!({"allOf": [{"type": "string"}, {"type": "integer"}]}),
        json!({"type": "string", "pattern": "(unclosed"}),
        json!({"in": "nowhere", "name": "x"}),
    ];
    for _ in 0..1 + rng.below(5) {
        let mut all = Vec::new();
        pointers(doc, "", &mut all);
        if all.is_empty() {
            return;
        }
        let target = all[rng.below(all.len())].clone();
        let (parent, token) = target.rsplit_once('/').unwrap();
        let choice = rng.below(10);
        let donor = doc.pointer(&all[rng.below(all.len())]).cloned();
        let refs = schema_refs(doc);
        let Some(parent) = doc.pointer_mut(parent) else {
            continue;
        };
        match (choice, parent) {
            (0..=3, parent) => {
                let value = odd[rng.below(odd.len())].clone();
                set(parent, token, value);
            }
            (4..=5, Value::Object(map)) => {
                map.remove(&unescape(token));
            }
            (6..=7, Value::Object(map)) => {
                let r = refs[rng.below(refs.len())].clone();
                map.insert("$ref".to_owned(), Value::String(r));
            }
            (_, parent) => {
                if let Some(value) = donor {
                    set(parent, token, value);
                }
            }
        }
    }
}

fn set(parent: &mut Value, token: &str, value: Value) {
    match parent {
        Value::Object(map) => {
            map.insert(unescape(token), value);
        }
        Value::Array(items) => {
            if let Some(slot) = token.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *slot = value;
            }
        }
        _ => {}
    }
}

/// The member name a JSON pointer token stands for (RFC 6901).
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// A document as JSON, read as the generator reads it (YAML or JSON; an
/// integer beyond 64 bits as the nearest float).
fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    openapi_rust_codegen::read::parse(&text)
        .unwrap_or_else(|d| panic!("{} does not parse: {d:?}", path.display()))
}

#[test]
fn mutated_documents_never_panic() {
    // The panic hook would print every caught panic; a failure is reported
    // once, below, with its seed.
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let (mut generated, mut refused) = (0, 0);
    for path in documents() {
        let original = load(&path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for seed in 0..MUTANTS {
            let mut doc = original.clone();
            mutate(&mut doc, &mut Rng::new(seed + 1));
            let text = serde_json::to_string_pretty(&doc).unwrap();
            let options = openapi_rust_codegen::Options {
                source_name: "mutant.json".to_owned(),
                command: "test".to_owned(),
                ..Default::default()
            };
            match catch_unwind(AssertUnwindSafe(|| {
                openapi_rust_codegen::generate(&text, &options)
            })) {
                Ok(Ok(_)) => generated += 1,
                Ok(Err(diagnostics)) => {
                    refused += 1;
                    for d in &diagnostics.items {
                        if !(d.pointer.is_empty() || d.pointer.starts_with('/'))
                            || d.message.is_empty()
                        {
                            failures.push(format!(
                                "{name}, seed {seed}: unlocated or empty diagnostic {d:?}"
                            ));
                        }
                    }
                }
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    failures.push(format!("{name}, seed {seed}: panic: {message}"));
                    if let Some(dir) = std::env::var_os("ROBUSTNESS_DUMP") {
                        let file = PathBuf::from(dir).join(format!("{name}-{seed}.json"));
                        std::fs::write(file, &text).unwrap();
                    }
                }
            }
        }
    }
    let _ = std::panic::take_hook();
    eprintln!("{generated} mutants generated a crate, {refused} were refused with located errors");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Both outcomes occur, or the mutations test nothing.
    assert!(
        generated > 0 && refused > 0,
        "generated {generated}, refused {refused}"
    );
}
