//! Makes recursive types finite.
//!
//! A type that contains itself by value (directly, through `Option`, or
//! through other types) has infinite size: every by-value edge on such a
//! cycle gets a `Box` (`Vec` and maps already put their elements on the heap).
//! A type alias cannot refer to itself at all, even through `Vec`: such an
//! alias becomes a newtype. An edge lies on a cycle exactly when both of its
//! ends are in one strongly connected component, so both passes are linear.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{TypeDef, TypeKind, TypeRef};

fn type_refs(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Newtype { inner, .. } => vec![inner],
        TypeKind::Alias { target, .. } => vec![target],
        TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
        TypeKind::StringEnum { .. } | TypeKind::Const { .. } => Vec::new(),
    }
}

fn type_refs_mut(kind: &mut TypeKind) -> Vec<&mut TypeRef> {
    match kind {
        TypeKind::Struct { fields, .. } => fields.iter_mut().map(|f| &mut f.ty).collect(),
        TypeKind::Newtype { inner, .. } => vec![inner],
        TypeKind::Alias { target, .. } => vec![target],
        TypeKind::Union { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
        TypeKind::StringEnum { .. } | TypeKind::Const { .. } => Vec::new(),
    }
}

/// The types `ty` holds by value (`by_value`), or names at all.
fn named<'a>(ty: &'a TypeRef, by_value: bool, out: &mut BTreeSet<&'a str>) {
    match ty {
        TypeRef::Named(n) => {
            out.insert(n);
        }
        TypeRef::Nullable(inner) => named(inner, by_value, out),
        TypeRef::Tuple(items) => {
            for item in items {
                named(item, by_value, out);
            }
        }
        TypeRef::Boxed(inner) | TypeRef::Array(inner) | TypeRef::Map(inner) if !by_value => {
            named(inner, by_value, out)
        }
        TypeRef::Primitive(_)
        | TypeRef::Array(_)
        | TypeRef::Map(_)
        | TypeRef::Json
        | TypeRef::Boxed(_) => {}
    }
}

/// The types, by their place in name order, and the places each refers to:
/// numbers, not names, so that the passes over it compare no strings.
struct Graph<'a> {
    names: Vec<&'a str>,
    edges: Vec<Vec<usize>>,
}

impl<'a> Graph<'a> {
    fn of(types: &'a BTreeMap<String, TypeDef>, by_value: bool) -> Graph<'a> {
        let names: Vec<&str> = types.keys().map(String::as_str).collect();
        let edges = types
            .values()
            .map(|def| {
                let mut out = BTreeSet::new();
                for ty in type_refs(&def.kind) {
                    named(ty, by_value, &mut out);
                }
                // `names` is sorted (a map's keys), so each name is found
                // by bisection; one that names no type has no edge.
                out.into_iter()
                    .filter_map(|n| names.binary_search(&n).ok())
                    .collect()
            })
            .collect();
        Graph { names, edges }
    }
}

/// The strongly connected component of every node (Tarjan's algorithm,
/// iterative, so that a deep chain of types cannot overflow the stack).
fn components(graph: &Graph<'_>) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = graph.edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut component = vec![0; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // Each frame: a node and how many of its successors it has visited.
        let mut frames: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some((node, visited)) = frames.last_mut() {
            let node = *node;
            if let Some(&next) = graph.edges[node].get(*visited) {
                *visited += 1;
                if index[next] == UNSEEN {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    frames.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// The edges `from → to` of `graph` that lie on a cycle, by name.
fn cyclic_edges<'a>(graph: &Graph<'a>) -> BTreeMap<&'a str, BTreeSet<&'a str>> {
    let component = components(graph);
    let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, targets) in graph.edges.iter().enumerate() {
        for &to in targets {
            if component[from] == component[to] {
                out.entry(graph.names[from])
                    .or_default()
                    .insert(graph.names[to]);
            }
        }
    }
    out
}

/// An alias that refers to itself (such as `Tree = Vec<Tree>`) becomes a newtype.
pub fn newtype_recursive_aliases(types: &mut BTreeMap<String, TypeDef>) {
    let recursive: Vec<String> = cyclic_edges(&Graph::of(types, false))
        .into_keys()
        .map(str::to_owned)
        .collect();
    for name in recursive {
        if let Some(def) = types.get_mut(&name)
            && let TypeKind::Alias { target, .. } = &def.kind
        {
            def.kind = TypeKind::Newtype {
                inner: target.clone(),
                constraints: Default::default(),
            };
        }
    }
}

/// Boxes every by-value edge that lies on a cycle.
pub fn box_cycles(types: &mut BTreeMap<String, TypeDef>) {
    let to_box: BTreeMap<String, BTreeSet<String>> = cyclic_edges(&Graph::of(types, true))
        .into_iter()
        .map(|(from, to)| (from.to_owned(), to.into_iter().map(str::to_owned).collect()))
        .collect();
    for (name, def) in types.iter_mut() {
        if let Some(targets) = to_box.get(name) {
            for ty in type_refs_mut(&mut def.kind) {
                box_in_place(ty, targets);
            }
        }
    }
}

/// Boxes `ty` (through `Option`) where it names one of `targets`.
fn box_in_place(ty: &mut TypeRef, targets: &BTreeSet<String>) {
    match ty {
        TypeRef::Named(n) if targets.contains(n) => {
            *ty = TypeRef::Boxed(Box::new(ty.clone()));
        }
        TypeRef::Nullable(inner) => box_in_place(inner, targets),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A graph of `nodes` (in name order) with `edges` between them.
    fn g<'a>(edges: &[(&str, &str)], nodes: &[&'a str]) -> Graph<'a> {
        let place = |n: &str| nodes.iter().position(|m| *m == n).unwrap();
        let mut out = vec![Vec::new(); nodes.len()];
        for (a, b) in edges {
            out[place(a)].push(place(b));
        }
        Graph {
            names: nodes.to_vec(),
            edges: out,
        }
    }

    #[test]
    fn finds_exactly_the_edges_on_cycles() {
        let graph = g(
            &[
                ("A", "B"),
                ("B", "A"),
                ("B", "C"),
                ("C", "C"),
                ("D", "A"),
                ("E", "F"),
            ],
            &["A", "B", "C", "D", "E", "F"],
        );
        let edges: Vec<(&str, &str)> = cyclic_edges(&graph)
            .into_iter()
            .flat_map(|(from, to)| to.into_iter().map(move |t| (from, t)))
            .collect();
        assert_eq!(edges, [("A", "B"), ("B", "A"), ("C", "C")]);
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let names: Vec<String> = (0..100_000).map(|i| format!("T{i:06}")).collect();
        let mut graph = Graph {
            names: names.iter().map(String::as_str).collect(),
            edges: (1..=100_000).map(|i| vec![i % 100_000]).collect(),
        };
        assert_eq!(cyclic_edges(&graph).len(), 100_000);
        // Cut the ring: a chain, with no cycle left.
        graph.edges[99_999].clear();
        assert!(cyclic_edges(&graph).is_empty());
    }
}
