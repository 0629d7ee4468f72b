//! Breaks recursive types with `Box`.
//!
//! A type that contains itself by value (directly, or through `Option`, or
//! through other types) has infinite size. `Vec` and maps already put their
//! elements on the heap; every other edge of a cycle gets boxed.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{TypeDef, TypeKind, TypeRef};

/// The types `ty` embeds by value.
fn embedded(ty: &TypeRef, out: &mut BTreeSet<String>) {
    match ty {
        TypeRef::Named(n) => {
            out.insert(n.clone());
        }
        TypeRef::Nullable(inner) => embedded(inner, out),
        TypeRef::Primitive(_)
        | TypeRef::Array(_)
        | TypeRef::Map(_)
        | TypeRef::Json
        | TypeRef::Boxed(_) => {}
    }
}

fn type_refs_mut(kind: &mut TypeKind) -> Vec<&mut TypeRef> {
    match kind {
        TypeKind::Struct { fields, .. } => fields.iter_mut().map(|f| &mut f.ty).collect(),
        TypeKind::Newtype { inner, .. } => vec![inner],
        TypeKind::Alias { target, .. } => vec![target],
        TypeKind::Union { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
        TypeKind::StringEnum { .. } => Vec::new(),
    }
}

/// Boxes every by-value edge that lies on a cycle.
pub fn box_cycles(types: &mut BTreeMap<String, TypeDef>) {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, def) in types.iter_mut() {
        let mut out = BTreeSet::new();
        for ty in type_refs_mut(&mut def.kind) {
            embedded(ty, &mut out);
        }
        edges.insert(name.clone(), out);
    }
    let reaches = |from: &str, to: &str| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone())
                && let Some(next) = edges.get(&n)
            {
                stack.extend(next.iter().cloned());
            }
        }
        false
    };
    let mut to_box: BTreeSet<(String, String)> = BTreeSet::new();
    for (from, targets) in &edges {
        for to in targets {
            if reaches(to, from) {
                to_box.insert((from.clone(), to.clone()));
            }
        }
    }
    if to_box.is_empty() {
        return;
    }
    for (name, def) in types.iter_mut() {
        // An alias cannot hold a Box of itself usefully, but a box is still
        // what makes `type A = Option<A>`-like cycles finite.
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

/// Every type an alias names, through any container.
fn all_named(ty: &TypeRef, out: &mut BTreeSet<String>) {
    match ty {
        TypeRef::Named(n) => {
            out.insert(n.clone());
        }
        TypeRef::Nullable(inner)
        | TypeRef::Boxed(inner)
        | TypeRef::Array(inner)
        | TypeRef::Map(inner) => all_named(inner, out),
        TypeRef::Primitive(_) | TypeRef::Json => {}
    }
}

/// A type alias cannot refer to itself, even through `Vec`; an alias that
/// does (such as `Tree = Vec<Tree>`) becomes a newtype.
pub fn newtype_recursive_aliases(types: &mut BTreeMap<String, TypeDef>) {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, def) in types.iter_mut() {
        let mut out = BTreeSet::new();
        for ty in type_refs_mut(&mut def.kind) {
            all_named(ty, &mut out);
        }
        edges.insert(name.clone(), out);
    }
    let recursive: Vec<String> = types
        .iter()
        .filter(|(_, d)| matches!(d.kind, TypeKind::Alias { .. }))
        .filter(|(name, _)| {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<String> = edges[*name].iter().cloned().collect();
            while let Some(n) = stack.pop() {
                if &n == *name {
                    return true;
                }
                if seen.insert(n.clone()) {
                    stack.extend(edges.get(&n).into_iter().flatten().cloned());
                }
            }
            false
        })
        .map(|(name, _)| name.clone())
        .collect();
    for name in recursive {
        let def = types.get_mut(&name).expect("name comes from the map");
        if let TypeKind::Alias { target, .. } = &def.kind {
            def.kind = TypeKind::Newtype {
                inner: target.clone(),
                constraints: Default::default(),
            };
        }
    }
}
