//! The generator's files import one another in one direction: the reading
//! stages (`read/`) and lowering (`lower/`) form no import circle, so each
//! file can be read knowing only the files below it (ARCHITECTURE.md).
//!
//! An import is any path a file names through `crate::`, `super::`,
//! `self::` or a child module's name, in a `use` or inline, outside its
//! `#[cfg(test)]` module; a parent's `mod child;` is not one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;

/// A module, by its path from the crate root (`["read", "pointer"]`).
type Module = Vec<String>;

/// The directories whose files must form no import circle.
const CHECKED: &[&str] = &["read", "lower"];

#[test]
fn reading_and_lowering_import_in_one_direction() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = modules(&src);
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, path) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        for reference in references(&text) {
            if let Some(target) = resolve(module, &reference, &files)
                && &target != module
            {
                edges.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    let checked = |m: &Module| {
        m.first()
            .is_some_and(|first| CHECKED.contains(&first.as_str()))
    };
    let cycles = cycles(&edges, &checked);
    assert!(
        cycles.is_empty(),
        "import circles among the reading and lowering files:\n{}",
        cycles
            .iter()
            .map(|c| c
                .iter()
                .map(|m| m.join("/"))
                .collect::<Vec<_>>()
                .join(" → "))
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The check sees the imports it should: the stages, in order.
    let edge = |from: &str, to: &str| {
        let split = |s: &str| s.split('/').map(str::to_owned).collect::<Module>();
        edges
            .get(&split(from))
            .is_some_and(|e| e.contains(&split(to)))
    };
    assert!(edge("read/bundle", "read/parse"));
    assert!(edge("read/diagnostics", "read/source_map"));
    assert!(edge("lower/schema", "read/pointer"));
    assert!(!edge("read/pointer", "read/diagnostics"));
}

/// Every module file under `src` (`read/mod.rs` is the module `read`).
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut module: Module = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module == ["main"] {
                continue;
            }
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            out.insert(module, path);
        }
    }
    out
}

/// Every path a file names, outside its test module.
fn references(text: &str) -> Vec<Vec<String>> {
    let mut file = syn::parse_file(text).unwrap();
    file.items.retain(|item| !is_test_module(item));
    let mut out = Vec::new();
    for item in &file.items {
        if let syn::Item::Use(u) = item {
            use_paths(&u.tree, Vec::new(), &mut out);
        }
    }
    inline_paths(file.into_token_stream(), &mut out);
    out
}

fn is_test_module(item: &syn::Item) -> bool {
    let syn::Item::Mod(m) = item else {
        return false;
    };
    m.attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") && a.meta.to_token_stream().to_string().contains("test"))
}

fn use_paths(tree: &syn::UseTree, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let with = |name: String| {
        let mut p = prefix.clone();
        p.push(name);
        p
    };
    match tree {
        syn::UseTree::Path(p) => use_paths(&p.tree, with(p.ident.to_string()), out),
        syn::UseTree::Name(n) => out.push(with(n.ident.to_string())),
        syn::UseTree::Rename(r) => out.push(with(r.ident.to_string())),
        syn::UseTree::Glob(_) => out.push(prefix),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_paths(t, prefix.clone(), out);
            }
        }
    }
}

/// `a :: b` sequences anywhere in the tokens (`crate::…`, `super::…`, a
/// child module's `features::…`; others name no module file).
fn inline_paths(tokens: TokenStream, out: &mut Vec<Vec<String>>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(g) => inline_paths(g.stream(), out),
            TokenTree::Ident(id) => {
                let mut path = vec![id.to_string()];
                let mut j = i + 1;
                while let (
                    Some(TokenTree::Punct(a)),
                    Some(TokenTree::Punct(b)),
                    Some(TokenTree::Ident(next)),
                ) = (tokens.get(j), tokens.get(j + 1), tokens.get(j + 2))
                {
                    if a.as_char() != ':' || b.as_char() != ':' {
                        break;
                    }
                    path.push(next.to_string());
                    j += 3;
                }
                if path.len() > 1 {
                    out.push(path);
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

/// The module file a path names (its longest prefix that is one).
fn resolve(from: &Module, path: &[String], files: &BTreeMap<Module, PathBuf>) -> Option<Module> {
    let (mut base, mut rest) = match path.first()?.as_str() {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (from.clone(), &path[1..]),
        "super" => {
            let mut base = from.clone();
            base.pop();
            (base, &path[1..])
        }
        // A child module, named from its parent (`features::x` in `lower`).
        _ => (from.clone(), path),
    };
    while rest.first().is_some_and(|t| t == "super") {
        base.pop();
        rest = &rest[1..];
    }
    let mut full = base;
    full.extend(rest.iter().cloned());
    (0..=full.len())
        .rev()
        .map(|k| full[..k].to_vec())
        .find(|m| files.contains_key(m))
}

/// The strongly connected components of more than one module among those
/// `checked` (Tarjan), each as a path through its modules.
fn cycles(
    edges: &BTreeMap<Module, BTreeSet<Module>>,
    checked: &dyn Fn(&Module) -> bool,
) -> Vec<Vec<Module>> {
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        checked: &'a dyn Fn(&Module) -> bool,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        out: Vec<Vec<Module>>,
    }
    fn visit(s: &mut State<'_>, v: &Module) {
        let n = s.index.len();
        s.index.insert(v.clone(), n);
        s.low.insert(v.clone(), n);
        s.stack.push(v.clone());
        let next: Vec<Module> = s
            .edges
            .get(v)
            .into_iter()
            .flatten()
            .filter(|w| (s.checked)(w))
            .cloned()
            .collect();
        for w in next {
            if !s.index.contains_key(&w) {
                visit(s, &w);
                let low = s.low[v].min(s.low[&w]);
                s.low.insert(v.clone(), low);
            } else if s.stack.contains(&w) {
                let low = s.low[v].min(s.index[&w]);
                s.low.insert(v.clone(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                let done = &w == v;
                component.push(w);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                component.reverse();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        edges,
        checked,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    let starts: Vec<Module> = edges.keys().filter(|m| checked(m)).cloned().collect();
    for v in starts {
        if !s.index.contains_key(&v) {
            visit(&mut s, &v);
        }
    }
    s.out
}
