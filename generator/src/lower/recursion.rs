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

type Graph = BTreeMap<String, BTreeSet<String>>;

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
fn named(ty: &TypeRef, by_value: bool, out: &mut BTreeSet<String>) {
    match ty {
        TypeRef::Named(n) => {
            out.insert(n.clone());
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

fn graph(types: &mut BTreeMap<String, TypeDef>, by_value: bool) -> Graph {
    types
        .iter_mut()
        .map(|(name, def)| {
            let mut out = BTreeSet::new();
            for ty in type_refs_mut(&mut def.kind) {
                named(ty, by_value, &mut out);
            }
            (name.clone(), out)
        })
        .collect()
}

/// The strongly connected component of every node (Tarjan's algorithm,
/// iterative, so that a deep chain of types cannot overflow the stack).
fn components(graph: &Graph) -> BTreeMap<&str, usize> {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut low: BTreeMap<&str, usize> = BTreeMap::new();
    let mut on_stack: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = Vec::new();
    let mut component: BTreeMap<&str, usize> = BTreeMap::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in graph.keys() {
        if index.contains_key(root.as_str()) {
            continue;
        }
        // Each frame: a node and the successors it has yet to visit.
        let mut frames: Vec<(&str, Vec<&str>)> = Vec::new();
        let succ = |n: &str| -> Vec<&str> {
            graph
                .get(n)
                .map(|s| s.iter().rev().map(String::as_str).collect())
                .unwrap_or_default()
        };
        index.insert(root, next_index);
        low.insert(root, next_index);
        next_index += 1;
        stack.push(root);
        on_stack.insert(root);
        frames.push((root, succ(root)));
        while let Some((node, pending)) = frames.last_mut() {
            let node: &str = node;
            if let Some(next) = pending.pop() {
                let Some((next, _)) = graph.get_key_value(next) else {
                    continue;
                };
                let next = next.as_str();
                if !index.contains_key(next) {
                    index.insert(next, next_index);
                    low.insert(next, next_index);
                    next_index += 1;
                    stack.push(next);
                    on_stack.insert(next);
                    frames.push((next, succ(next)));
                } else if on_stack.contains(next) {
                    let l = low[node].min(index[next]);
                    low.insert(node, l);
                }
                continue;
            }
            frames.pop();
            if let Some((parent, _)) = frames.last() {
                let l = low[*parent].min(low[node]);
                low.insert(parent, l);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack.remove(member);
                    component.insert(member, next_component);
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

/// The edges `from → to` of `graph` that lie on a cycle.
fn cyclic_edges(graph: &Graph) -> BTreeSet<(String, String)> {
    let component = components(graph);
    let mut out = BTreeSet::new();
    for (from, targets) in graph {
        for to in targets {
            if let Some(c) = component.get(from.as_str())
                && component.get(to.as_str()) == Some(c)
            {
                out.insert((from.clone(), to.clone()));
            }
        }
    }
    out
}

/// An alias that refers to itself (such as `Tree = Vec<Tree>`) becomes a newtype.
pub fn newtype_recursive_aliases(types: &mut BTreeMap<String, TypeDef>) {
    let graph = graph(types, false);
    let recursive: BTreeSet<String> = cyclic_edges(&graph)
        .into_iter()
        .map(|(from, _)| from)
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
    let to_box = cyclic_edges(&graph(types, true));
    if to_box.is_empty() {
        return;
    }
    for (name, def) in types.iter_mut() {
        for ty in type_refs_mut(&mut def.kind) {
            box_in_place(ty, name, &to_box);
        }
    }
}

fn box_in_place(ty: &mut TypeRef, owner: &str, to_box: &BTreeSet<(String, String)>) {
    match ty {
        TypeRef::Named(n) if to_box.contains(&(owner.to_owned(), n.clone())) => {
            *ty = TypeRef::Boxed(Box::new(ty.clone()));
        }
        TypeRef::Nullable(inner) => box_in_place(inner, owner, to_box),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(edges: &[(&str, &str)], nodes: &[&str]) -> Graph {
        let mut graph: Graph = nodes
            .iter()
            .map(|n| ((*n).to_owned(), BTreeSet::new()))
            .collect();
        for (a, b) in edges {
            graph
                .entry((*a).to_owned())
                .or_default()
                .insert((*b).to_owned());
        }
        graph
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
        let edges: Vec<(String, String)> = cyclic_edges(&graph).into_iter().collect();
        let expected: Vec<(String, String)> = [("A", "B"), ("B", "A"), ("C", "C")]
            .iter()
            .map(|(a, b)| ((*a).into(), (*b).into()))
            .collect();
        assert_eq!(edges, expected);
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let names: Vec<String> = (0..100_000).map(|i| format!("T{i}")).collect();
        let mut graph: Graph = names.iter().map(|n| (n.clone(), BTreeSet::new())).collect();
        for w in names.windows(2) {
            graph.get_mut(&w[0]).unwrap().insert(w[1].clone());
        }
        graph
            .get_mut(&names[99_999])
            .unwrap()
            .insert(names[0].clone());
        assert_eq!(cyclic_edges(&graph).len(), 100_000);
    }
}
