//! Which types need checking before a request is sent, and the code that
//! checks a value against its schema's rules.
//!
//! Only types a request can carry (through a parameter or a body) get a
//! `Validate` implementation; responses are never checked. Among those,
//! a type is *active* when checking it can find something: an enum (whose
//! catch-all variant no request may carry), or a struct or union with a
//! member that has rules or is active itself.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, Constraints, Primitive, TypeKind, TypeRef};

/// The types requests can carry, and those among them that checking concerns.
#[derive(Debug, Default)]
pub struct Validation {
    /// Types reachable from a parameter or a request body.
    pub reachable: BTreeSet<String>,
    /// Reachable types whose check can find a violation.
    pub active: BTreeSet<String>,
    /// The numbers each numeric enum allows, by name. Its values are `i64` or
    /// `f64` aliases, which cannot check themselves: the value is checked
    /// where it is used.
    pub numeric_enums: BTreeMap<String, Vec<f64>>,
    /// The type each reachable alias without enum values names: followed
    /// where a value is used, to reach a numeric enum behind other names.
    aliases: BTreeMap<String, TypeRef>,
    /// The types of one value (`const`): a constructor fills them in.
    pub constants: BTreeSet<String>,
    /// Types reachable from a response body or a webhook's payload, or
    /// held by a type that both encodes and decodes: they decode.
    pub decoded: BTreeSet<String>,
    /// Types reachable from a parameter or a request body, or held by a
    /// type that both encodes and decodes: they encode.
    pub encoded: BTreeSet<String>,
}

impl Validation {
    /// Computes both sets for `api`.
    pub fn of(api: &Api) -> Validation {
        let reachable = reachable(api);
        let mut stack: Vec<String> = Vec::new();
        for op in &api.operations {
            for r in &op.responses {
                match &r.body {
                    crate::model::ResponseBody::Json(ty) => named_in(ty, &mut stack),
                    crate::model::ResponseBody::Stream(s) => named_in(&s.item, &mut stack),
                    _ => {}
                }
            }
            if let Some(s) = &op.stream {
                named_in(&s.item, &mut stack);
            }
        }
        for w in &api.webhooks {
            if let Some(ty) = w.payload.as_ref().and_then(|p| p.content.ty()) {
                named_in(ty, &mut stack);
            }
        }
        let mut decoded = closure(api, &mut stack);
        // Types that implement both traits whatever the direction (those
        // nothing reaches, and newtypes with rules, whose `Deserialize`
        // checks them), and what they hold, go both ways.
        let mut encoded = reachable.clone();
        stack.extend(api.types.values().filter_map(|d| {
            let fixed =
                matches!(&d.kind, TypeKind::Newtype { constraints, .. } if constraints.has_rules());
            let orphan = !reachable.contains(&d.name) && !decoded.contains(&d.name);
            (fixed || orphan).then(|| d.name.clone())
        }));
        let both = closure(api, &mut stack);
        encoded.extend(both.iter().cloned());
        decoded.extend(both);
        let numeric_enums: BTreeMap<String, Vec<f64>> = reachable
            .iter()
            .filter_map(|name| Some((name.clone(), numeric_enum(api, name)?)))
            .collect();
        let aliases: BTreeMap<String, TypeRef> = reachable
            .iter()
            .filter_map(|name| match &api.types.get(name)?.kind {
                TypeKind::Alias { target, allowed } if allowed.is_empty() => {
                    Some((name.clone(), target.clone()))
                }
                _ => None,
            })
            .collect();
        let constants = api
            .types
            .values()
            .filter(|d| matches!(d.kind, TypeKind::Const { .. }))
            .map(|d| d.name.clone())
            .collect();
        let mut validation = Validation {
            reachable: BTreeSet::new(),
            active: BTreeSet::new(),
            numeric_enums,
            aliases,
            constants,
            decoded,
            encoded,
        };
        // Active: a fixed point, since types can refer to each other in cycles.
        let mut active: BTreeSet<String> = BTreeSet::new();
        loop {
            let before = active.len();
            for name in &reachable {
                let Some(def) = api.types.get(name) else {
                    continue;
                };
                let is_active = match &def.kind {
                    TypeKind::StringEnum { .. } => true,
                    TypeKind::Struct {
                        fields,
                        additional,
                        dependent_required,
                    } => {
                        !dependent_required.is_empty()
                            || fields.iter().any(|f| {
                                f.constraints.has_rules()
                                    || (f.required && f.write_only)
                                    || needs(&f.ty, &active)
                                    || validation.holds_enum_value(&f.ty)
                            })
                            || additional.as_ref().is_some_and(|t| {
                                needs(t, &active) || validation.holds_enum_value(t)
                            })
                    }
                    TypeKind::Union { variants, .. } => variants
                        .iter()
                        .any(|v| needs(&v.ty, &active) || v.constraints.has_rules()),
                    TypeKind::Alias { target, .. } => needs(target, &active),
                    // Valid by construction.
                    TypeKind::Newtype { .. } | TypeKind::Const { .. } => false,
                };
                if is_active {
                    active.insert(name.clone());
                }
            }
            if active.len() == before {
                break;
            }
        }
        validation.reachable = reachable;
        validation.active = active;
        validation
    }

    /// Whether a value of `ty` may break a rule of its own.
    pub fn needs(&self, ty: &TypeRef) -> bool {
        needs(ty, &self.active)
    }

    /// The statement that checks `value` (an expression of type `&T`) of type
    /// `ty` under `constraints`, with violations reported at `field`; nothing
    /// when there is nothing to check.
    pub fn check(
        &self,
        field: &str,
        value: TokenStream,
        ty: &TypeRef,
        constraints: &Constraints,
    ) -> Option<TokenStream> {
        let mut constraints = constraints.clone();
        self.add_enum_values(ty, &mut constraints);
        // `uniqueItems` on a list: its items compared as JSON.
        let unique = (constraints.unique_items && is_list(ty)).then(
            || quote!(v.field(#field, |v| crate::runtime::UniqueItems::check_unique(#value, v));),
        );
        constraints.unique_items = constraints.unique_items && !is_list(ty);
        let check = self.check_rules(field, value, ty, &constraints);
        match (check, unique) {
            (None, None) => None,
            (check, unique) => Some(quote!(#check #unique)),
        }
    }

    fn check_rules(
        &self,
        field: &str,
        value: TokenStream,
        ty: &TypeRef,
        constraints: &Constraints,
    ) -> Option<TokenStream> {
        let constraints = constraints.clone();
        if constraints.has_rules() {
            let mut statics = Vec::new();
            let rules = rules(&constraints, &mut statics);
            // Patterns are statics of a block of their own, so that two
            // fields' patterns never share a name.
            Some(if statics.is_empty() {
                quote!(v.check(#field, #value, &#rules);)
            } else {
                quote! {
                    {
                        #(#statics)*
                        v.check(#field, #value, &#rules);
                    }
                }
            })
        } else if self.needs(ty) {
            Some(quote!(v.nested(#field, #value);))
        } else {
            None
        }
    }
}

impl Validation {
    /// Whether a value of `ty` is, or holds, a numeric enum's value.
    fn holds_enum_value(&self, ty: &TypeRef) -> bool {
        let mut c = Constraints::default();
        self.add_enum_values(ty, &mut c);
        c.has_rules()
    }

    /// Adds to `c` the values of the numeric enum `ty` is (or holds, for an
    /// array or a map), since such a value cannot check itself.
    pub fn add_enum_values(&self, ty: &TypeRef, c: &mut Constraints) {
        self.add_enum_values_at(ty, c, 0);
    }

    fn add_enum_values_at(&self, ty: &TypeRef, c: &mut Constraints, depth: usize) {
        match ty {
            TypeRef::Named(n) => {
                if let Some(values) = self.numeric_enums.get(n) {
                    c.one_of.clone_from(values);
                } else if let Some(target) = self.aliases.get(n)
                    && depth < 16
                {
                    self.add_enum_values_at(target, c, depth + 1);
                }
            }
            TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => {
                self.add_enum_values_at(inner, c, depth)
            }
            TypeRef::Array(inner) | TypeRef::Map(inner) => {
                let mut items = c.items.take().map(|b| *b).unwrap_or_default();
                self.add_enum_values_at(inner, &mut items, depth);
                c.items = (!items.is_empty()).then(|| Box::new(items));
            }
            TypeRef::Primitive(_) | TypeRef::Json | TypeRef::Tuple(_) => {}
        }
    }
}

/// The numbers the type `name` allows, if it is an enum of numbers: every
/// value of the document, `null` aside, must then be a number. (An alias of
/// such an enum is followed where it is used: `Validation::aliases`.)
fn numeric_enum(api: &Api, name: &str) -> Option<Vec<f64>> {
    let TypeKind::Alias { target, allowed } = &api.types.get(name)?.kind else {
        return None;
    };
    match target {
        TypeRef::Primitive(Primitive::I64 | Primitive::F64) if !allowed.is_empty() => {
            let mut values = Vec::new();
            for text in allowed {
                match serde_json::from_str::<serde_json::Value>(text).ok()? {
                    serde_json::Value::Null => {}
                    serde_json::Value::Number(n) => values.push(n.as_f64()?),
                    _ => return None,
                }
            }
            (!values.is_empty()).then_some(values)
        }
        _ => None,
    }
}

/// Whether `ty` is a list (possibly optional) whose items can be compared
/// as JSON (not files).
fn is_list(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => is_list(inner),
        TypeRef::Array(item) => !matches!(**item, TypeRef::Primitive(Primitive::Binary)),
        _ => false,
    }
}

fn needs(ty: &TypeRef, active: &BTreeSet<String>) -> bool {
    match ty {
        TypeRef::Named(n) => active.contains(n),
        TypeRef::Array(inner)
        | TypeRef::Map(inner)
        | TypeRef::Nullable(inner)
        | TypeRef::Boxed(inner) => needs(inner, active),
        TypeRef::Tuple(items) => items.iter().any(|t| needs(t, active)),
        TypeRef::Primitive(_) | TypeRef::Json => false,
    }
}

/// Every named type the names on `stack` reach, themselves included (the
/// stack is left empty).
/// The types reachable from a parameter or a request body
/// ([`Validation::reachable`]).
pub fn reachable(api: &Api) -> BTreeSet<String> {
    let mut stack: Vec<String> = Vec::new();
    for op in &api.operations {
        for p in &op.params {
            named_in(&p.ty, &mut stack);
        }
        if let Some(ty) = op.body.as_ref().and_then(|b| b.content.ty()) {
            named_in(ty, &mut stack);
        }
    }
    closure(api, &mut stack)
}

fn closure(api: &Api, stack: &mut Vec<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if !found.insert(name.clone()) {
            continue;
        }
        if let Some(def) = api.types.get(&name) {
            for ty in members(&def.kind) {
                named_in(ty, stack);
            }
        }
    }
    found
}

/// Pushes the names of the named types `ty` holds onto `out`.
pub(super) fn named_in(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(n) => out.push(n.clone()),
        TypeRef::Array(inner)
        | TypeRef::Map(inner)
        | TypeRef::Nullable(inner)
        | TypeRef::Boxed(inner) => named_in(inner, out),
        TypeRef::Tuple(items) => items.iter().for_each(|t| named_in(t, out)),
        TypeRef::Primitive(_) | TypeRef::Json => {}
    }
}

/// The types a definition refers to.
pub fn members(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct {
            fields, additional, ..
        } => fields
            .iter()
            .map(|f| &f.ty)
            .chain(additional.as_ref())
            .collect(),
        TypeKind::Newtype { inner, .. } => vec![inner],
        TypeKind::Alias { target, .. } => vec![target],
        TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
        TypeKind::StringEnum { .. } | TypeKind::Const { .. } => Vec::new(),
    }
}

/// A `crate::runtime::Rules` expression for `c`; the patterns it uses are
/// declared as statics in `statics` (named apart by their number).
pub fn rules(c: &Constraints, statics: &mut Vec<TokenStream>) -> TokenStream {
    /// `.name(n)`, when there is an `n`.
    fn count(calls: &mut Vec<TokenStream>, name: &str, value: Option<usize>) {
        if let Some(n) = value {
            let name = format_ident!("{name}");
            let n = proc_macro2::Literal::usize_unsuffixed(n);
            calls.push(quote!(.#name(#n)));
        }
    }
    let mut calls = Vec::new();
    count(&mut calls, "min_length", c.min_length);
    count(&mut calls, "max_length", c.max_length);
    if let Some(p) = &c.pattern {
        let name = format_ident!("PATTERN_{}", statics.len());
        statics.push(quote! {
            static #name: crate::runtime::Pattern = crate::runtime::Pattern::new(#p);
        });
        calls.push(quote!(.pattern(&#name)));
    }
    let format = match c.format.as_deref() {
        Some("uri") => Some(quote!(Uri)),
        Some("email") => Some(quote!(Email)),
        Some("ipv4") => Some(quote!(Ipv4)),
        Some("ipv6") => Some(quote!(Ipv6)),
        // Only for idempotency keys: elsewhere a UUID has a type of its own.
        Some("uuid") => Some(quote!(Uuid)),
        _ => None,
    };
    if let Some(f) = format {
        calls.push(quote!(.format(crate::runtime::Format::#f)));
    }
    for (name, bound) in [("minimum", c.minimum), ("maximum", c.maximum)] {
        if let Some((n, exclusive)) = bound.filter(|(n, _)| n.is_finite()) {
            let name = format_ident!("{name}");
            let n = proc_macro2::Literal::f64_unsuffixed(n);
            calls.push(quote!(.#name(#n, #exclusive)));
        }
    }
    if let Some(m) = c.multiple_of.filter(|m| m.is_finite()) {
        let m = proc_macro2::Literal::f64_unsuffixed(m);
        calls.push(quote!(.multiple_of(#m)));
    }
    count(&mut calls, "min_items", c.min_items);
    if c.unique_items {
        calls.push(quote!(.unique_items()));
    }
    count(&mut calls, "max_items", c.max_items);
    count(&mut calls, "min_properties", c.min_properties);
    count(&mut calls, "max_properties", c.max_properties);
    if !c.one_of.is_empty() {
        let values = c
            .one_of
            .iter()
            .map(|n| proc_macro2::Literal::f64_unsuffixed(*n));
        calls.push(quote!(.one_of(&[#(#values),*])));
    }
    if let Some(items) = c.items.as_deref().filter(|i| i.has_rules()) {
        let inner = rules(items, statics);
        calls.push(quote!(.items(&#inner)));
    }
    if let Some(keys) = c.keys.as_deref().filter(|k| k.has_rules()) {
        let inner = rules(keys, statics);
        calls.push(quote!(.keys(&#inner)));
    }
    quote!(crate::runtime::Rules::NONE #(#calls)*)
}
