//! Cargo features that gate the crate's operations, so that a user compiles
//! only the operations they call and the types those reach.
//!
//! Each feature is a group of operations: a tag of the document, or, for
//! operations without tags, the first segment of the path after a version
//! (`/v1/customers/{id}` → `customers`). An operation with several tags is
//! compiled under any of them. A type is compiled under every feature whose
//! operations reach it (parameters, bodies, success responses, and what
//! those types hold), so enabling any set of features compiles. The types
//! of error bodies (the crate-wide `ErrorBody`) are always compiled, with
//! what their required fields hold; an optional field of theirs whose type
//! no enabled feature compiles is left out (decoding ignores it, and the
//! error keeps the raw body), so that one detailed error object does not
//! pull every type of the API into every feature. The webhooks module and
//! its payloads have the feature `webhooks`; a type nothing reaches has only
//! `full`, which enables everything and is the default.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::validation::named_in as names;
use crate::model::{Api, Operation, ResponseBody, TypeRef};

/// When the crate gets one feature per group of operations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FeatureMode {
    /// For documents of more than [`AUTO_OPERATIONS`] operations in at
    /// least two groups.
    #[default]
    Auto,
    /// Always (when there are at least two groups).
    PerTag,
    /// Never: everything is always compiled.
    Off,
}

/// Above this many operations, [`FeatureMode::Auto`] gates them.
pub const AUTO_OPERATIONS: usize = 100;

/// crates.io allows 300 features; `full`, `default`, `blocking`,
/// `lookaround`, `webhooks` and `both-ways` take six.
const MAX_GROUPS: usize = 290;

/// Feature names the crate uses for itself.
const RESERVED: &[&str] = &[
    "default",
    "full",
    "blocking",
    "lookaround",
    "webhooks",
    "both-ways",
];

/// One feature of operations.
#[derive(Debug, Clone)]
pub struct Feature {
    /// The feature's name.
    pub name: String,
    /// What it groups, as the document names it (a tag, or `/customers`).
    pub source: String,
    /// Its operations, by index in [`Api::operations`].
    pub operations: Vec<usize>,
    /// The features of the tags nested in its tag (OpenAPI 3.2 `parent`),
    /// which it enables too.
    pub includes: Vec<String>,
}

impl Feature {
    /// The client methods of its operations, as `` `name` ``, joined by commas.
    pub fn methods(&self, api: &Api) -> String {
        self.operations
            .iter()
            .map(|&i| format!("`{}`", api.operations[i].method_name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// What it compiles: [`Feature::methods`], and the features of the
    /// tags nested in its tag.
    pub fn contents(&self, api: &Api) -> String {
        let mut out = self.methods(api);
        if !self.includes.is_empty() {
            let nested: Vec<String> = self.includes.iter().map(|i| format!("`{i}`")).collect();
            out.push_str(&format!("; and those of {}", nested.join(", ")));
        }
        out
    }
}

/// Which feature compiles what.
#[derive(Debug, Clone)]
pub struct Gates {
    /// The features of operations, by name.
    pub features: Vec<Feature>,
    /// Whether the crate has a `webhooks` feature.
    pub webhooks: bool,
    /// The features of each operation, by client method name.
    operations: BTreeMap<String, Vec<String>>,
    /// The features that compile each gated type, by name (empty: `full`
    /// only). A type that is not here is always compiled.
    types: BTreeMap<String, BTreeSet<String>>,
    /// The optional fields left out unless the types they hold are
    /// compiled, by struct and Rust field name, with those types.
    fields: BTreeMap<(String, String), Vec<String>>,
}

impl Gates {
    /// The gates of `api`, or `None` when it is not gated. `whole`: types
    /// whose fields must all be compiled with them (those requests carry,
    /// whose checks name every field; page types).
    pub fn of(api: &Api, mode: FeatureMode, whole: &BTreeSet<String>) -> Option<Gates> {
        let groups = groups(api);
        let wanted = match mode {
            FeatureMode::Off => false,
            FeatureMode::PerTag => true,
            FeatureMode::Auto => api.operations.len() > AUTO_OPERATIONS,
        };
        if !wanted || groups.len() < 2 {
            return None;
        }
        let mut operations: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in &groups {
            for &i in &f.operations {
                operations
                    .entry(api.operations[i].method_name.clone())
                    .or_default()
                    .push(f.name.clone());
            }
        }
        let graph = Graph::of(api, whole);
        // The roots of each feature, and of what is always compiled.
        let mut roots: Vec<(Option<String>, Vec<String>)> = Vec::new();
        let mut error_roots = Vec::new();
        for v in &api.error_bodies {
            if let ResponseBody::Json(t) = &v.body {
                names(t, &mut error_roots);
            }
        }
        roots.push((None, error_roots));
        for f in &groups {
            let mut r = Vec::new();
            for &i in &f.operations {
                for t in operation_roots(&api.operations[i]) {
                    names(t, &mut r);
                }
            }
            roots.push((Some(f.name.clone()), r));
        }
        let webhooks = !api.webhooks.is_empty();
        if webhooks {
            let mut r = Vec::new();
            for w in &api.webhooks {
                if let Some(t) = w.payload.as_ref().and_then(|p| p.content.ty()) {
                    names(t, &mut r);
                }
            }
            roots.push((Some("webhooks".to_owned()), r));
        }
        // A type is owned by the features whose roots reach it through
        // fields that must be there (required ones, union alternatives, …).
        let mut owned = BTreeSet::new();
        for (feature, r) in &roots {
            if feature.is_some() {
                owned.extend(graph.hard_closure(r.clone()));
            }
        }
        // Then each feature takes its roots and what they hold, except the
        // optional fields that hold a type another feature owns: those are
        // compiled with that type.
        let mut always = BTreeSet::new();
        let mut types: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut soft_gated: BTreeSet<(String, String)> = BTreeSet::new();
        let left_out = graph.left_out(&owned);
        for (feature, r) in &roots {
            let (reached, gated) = graph.closure(r.clone(), &left_out);
            soft_gated.extend(gated);
            match feature {
                None => always = reached,
                Some(f) => {
                    for t in reached {
                        types.entry(t).or_default().insert(f.clone());
                    }
                }
            }
        }
        let types: BTreeMap<String, BTreeSet<String>> = api
            .types
            .keys()
            .filter(|n| !always.contains(*n))
            .map(|n| (n.clone(), types.remove(n).unwrap_or_default()))
            .collect();
        let fields = soft_gated
            .into_iter()
            .filter_map(|(ty, field)| {
                let held = graph.soft.get(&(ty.clone(), field.clone()))?;
                let gated: Vec<String> = held
                    .iter()
                    .filter(|h| !always.contains(*h))
                    .cloned()
                    .collect();
                (!gated.is_empty()).then_some(((ty, field), gated))
            })
            .collect();
        Some(Gates {
            features: groups,
            webhooks,
            operations,
            types,
            fields,
        })
    }

    /// `#[cfg(...)]` for the operation with this client method name.
    pub fn operation(&self, method_name: &str) -> Option<TokenStream> {
        self.operations.get(method_name).map(|f| {
            let c = condition(f);
            quote!(#[cfg(#c)])
        })
    }

    /// The condition of [`Gates::operation`], to combine with another.
    pub fn operation_condition(&self, method_name: &str) -> Option<TokenStream> {
        self.operations.get(method_name).map(condition)
    }

    /// `#[cfg(...)]` for the type `name`, unless it is always compiled.
    pub fn ty(&self, name: &str) -> Option<TokenStream> {
        self.types.get(name).map(|f| {
            let c = condition(f);
            quote!(#[cfg(#c)])
        })
    }

    /// `#[cfg(...)]` for an optional field that holds a type another
    /// feature owns: the field exists when its types do.
    pub fn field(&self, ty: &str, field: &str) -> Option<TokenStream> {
        let held = self.fields.get(&(ty.to_owned(), field.to_owned()))?;
        let sets: BTreeSet<&BTreeSet<String>> =
            held.iter().filter_map(|h| self.types.get(h)).collect();
        let conditions: Vec<TokenStream> = sets.into_iter().map(condition).collect();
        Some(match &conditions[..] {
            [one] => quote!(#[cfg(#one)]),
            _ => quote!(#[cfg(all(#(#conditions),*))]),
        })
    }

    /// The features `full` enables, in order.
    pub fn all(&self) -> Vec<String> {
        let mut all: Vec<String> = self.features.iter().map(|f| f.name.clone()).collect();
        if self.webhooks {
            all.push("webhooks".to_owned());
        }
        all
    }
}

/// The `cfg` condition that holds when one of `features` is on
/// (`any(feature = "a", feature = "b")`, one feature alone, or `full` when
/// there are none).
fn condition<'a>(features: impl IntoIterator<Item = &'a String>) -> TokenStream {
    let features: Vec<&String> = features.into_iter().collect();
    match features[..] {
        [] => quote!(feature = "full"),
        [one] => quote!(feature = #one),
        _ => quote!(any(#(feature = #features),*)),
    }
}

/// The types an operation names directly.
fn operation_roots(op: &Operation) -> Vec<&TypeRef> {
    let mut roots: Vec<&TypeRef> = op.params.iter().map(|p| &p.ty).collect();
    roots.extend(op.body.as_ref().and_then(|b| b.content.ty()));
    roots.extend(
        op.responses
            .iter()
            .filter(|r| r.status.is_success())
            .filter_map(|r| match &r.body {
                ResponseBody::Json(t) => Some(t),
                ResponseBody::Stream(s) => Some(&s.item),
                _ => None,
            }),
    );
    roots.extend(op.stream.as_ref().map(|s| &s.item));
    if let Some(pg) = &op.pagination {
        roots.push(&pg.item);
    }
    roots
}

/// The types and what they hold: hard edges (what a value of the type
/// always needs compiled) and soft ones (optional fields, which can be left
/// out).
struct Graph {
    hard: BTreeMap<String, Vec<String>>,
    /// Optional fields, by struct and Rust field name: the types they name.
    soft: BTreeMap<(String, String), Vec<String>>,
}

impl Graph {
    fn of(api: &Api, whole: &BTreeSet<String>) -> Graph {
        let mut hard: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut soft = BTreeMap::new();
        for (name, def) in &api.types {
            let out = hard.entry(name.clone()).or_default();
            match &def.kind {
                // A struct that keeps other properties in a map would
                // decode a left-out field into it: all its fields stay.
                crate::model::TypeKind::Struct {
                    fields,
                    additional: None,
                    ..
                } if !whole.contains(name) => {
                    for f in fields {
                        if f.optional() && !f.flatten {
                            let mut held = Vec::new();
                            names(&f.ty, &mut held);
                            if !held.is_empty() {
                                soft.insert((name.clone(), f.rust_name.clone()), held);
                            }
                        } else {
                            names(&f.ty, out);
                        }
                    }
                }
                kind => {
                    for m in super::validation::members(kind) {
                        names(m, out);
                    }
                }
            }
        }
        Graph { hard, soft }
    }

    /// What `roots` reach through hard edges.
    fn hard_closure(&self, mut stack: Vec<String>) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        while let Some(name) = stack.pop() {
            if found.insert(name.clone()) {
                stack.extend(self.hard.get(&name).into_iter().flatten().cloned());
            }
        }
        found
    }

    /// The soft edges to leave out: those that hold, through hard edges,
    /// a type of `owned`.
    fn left_out(&self, owned: &BTreeSet<String>) -> BTreeSet<(String, String)> {
        self.soft
            .iter()
            .filter(|(_, held)| {
                self.hard_closure((*held).clone())
                    .iter()
                    .any(|t| owned.contains(t))
            })
            .map(|(edge, _)| edge.clone())
            .collect()
    }

    /// What `roots` reach through hard edges and the soft edges not
    /// `left_out`; and the soft edges left out on the way.
    fn closure(
        &self,
        mut stack: Vec<String>,
        left_out: &BTreeSet<(String, String)>,
    ) -> (BTreeSet<String>, BTreeSet<(String, String)>) {
        let mut found = BTreeSet::new();
        let mut gated = BTreeSet::new();
        while let Some(name) = stack.pop() {
            if !found.insert(name.clone()) {
                continue;
            }
            stack.extend(self.hard.get(&name).into_iter().flatten().cloned());
            for (edge, held) in self.soft.range((name.clone(), String::new())..) {
                if edge.0 != name {
                    break;
                }
                if left_out.contains(edge) {
                    gated.insert(edge.clone());
                } else {
                    stack.extend(held.iter().cloned());
                }
            }
        }
        (found, gated)
    }
}

/// The groups of operations: by tag, and by path for untagged operations;
/// merged into `other` beyond what crates.io allows.
fn groups(api: &Api) -> Vec<Feature> {
    let mut by_source: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, op) in api.operations.iter().enumerate() {
        if op.tags.is_empty() {
            by_source.entry(path_group(&op.path)).or_default().push(i);
        } else {
            for tag in &op.tags {
                let ops = by_source.entry(tag.clone()).or_default();
                if ops.last() != Some(&i) {
                    ops.push(i);
                }
            }
        }
    }
    let mut groups: Vec<(String, Vec<usize>)> = by_source.into_iter().collect();
    if groups.len() > MAX_GROUPS {
        // Keep the largest groups; the rest become one.
        groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        let rest = groups.split_off(MAX_GROUPS - 1);
        let mut merged: Vec<usize> = rest.into_iter().flat_map(|(_, ops)| ops).collect();
        merged.sort_unstable();
        merged.dedup();
        groups.push(("(other)".to_owned(), merged));
    }
    let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
    let mut out: Vec<Feature> = groups
        .into_iter()
        .map(|(source, operations)| {
            let base = feature_name(&source);
            let mut name = base.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{base}-{n}");
                n += 1;
            }
            taken.insert(name.clone());
            Feature {
                name,
                source,
                operations,
                includes: Vec::new(),
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    // A tag's feature enables those of the tags nested in it.
    let by_tag: BTreeMap<String, String> = out
        .iter()
        .map(|f| (f.source.clone(), f.name.clone()))
        .collect();
    for f in &mut out {
        f.includes = api
            .tag_parents
            .iter()
            .filter(|(_, parent)| **parent == f.source)
            .filter_map(|(child, _)| by_tag.get(child).cloned())
            .collect();
        f.includes.sort();
    }
    out
}

/// `/v1/customers/{id}` → `/customers`: the first segment after any
/// version segment.
fn path_group(path: &str) -> String {
    let first = path
        .split('/')
        .filter(|s| !s.is_empty())
        .find(|s| !is_version(s));
    match first {
        Some(s) if !s.starts_with('{') => format!("/{s}"),
        _ => "/".to_owned(),
    }
}

fn is_version(segment: &str) -> bool {
    let rest = segment.strip_prefix(['v', 'V']).unwrap_or("");
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// A feature name Cargo accepts: kebab case, ASCII, starting with a letter.
fn feature_name(source: &str) -> String {
    crate::names::kebab(source, "tag", "other")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(path_group("/v1/customers/{id}"), "/customers");
        assert_eq!(path_group("/v2.1/issuing/cards"), "/issuing");
        assert_eq!(path_group("/{id}"), "/");
        assert_eq!(path_group("/"), "/");
        assert_eq!(feature_name("/customers"), "customers");
        assert_eq!(feature_name("/payment_intents"), "payment-intents");
        assert_eq!(feature_name("Enterprise Admin"), "enterprise-admin");
        assert_eq!(feature_name("3D Secure"), "tag-3d-secure");
        assert_eq!(feature_name("/"), "other");
        assert_eq!(feature_name("Ünïcode"), "ncode");
    }
}
