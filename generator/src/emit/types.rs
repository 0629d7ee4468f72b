//! Type definitions → `src/types.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{attrs, code, prose};
use super::validation::{Validation, rules};
use std::collections::BTreeMap;

use super::paths::Paths;
use crate::model::{
    Constraints, EnumVariant, Field, Pagination, Primitive, TypeDef, TypeKind, TypeRef,
    UnionVariant,
};
use crate::names::ident;

/// A piece of the `types` module: `defs`, after the module's docs when `first`.
/// `pages` are the page types of paginated operations, by name.
pub fn emit_types(
    defs: &[&TypeDef],
    first: bool,
    validation: &Validation,
    pages: &BTreeMap<String, &Pagination>,
    gates: Option<&super::gates::Gates>,
    paths: Paths,
    setters: &mut Vec<(String, Vec<Setter>)>,
) -> TokenStream {
    let paths = paths.in_types();
    let header = first
        .then(|| quote!(#![doc = " The request and response types of the API, one per schema."]));
    let defs = defs.iter().map(|d| {
        let def = emit_def(d, validation, gates, paths, setters);
        let page = pages.get(&d.name).map(|pg| emit_page(&d.name, pg, paths));
        quote!(#def #page)
    });
    quote! {
        #header
        #(#defs)*
    }
}

/// `Page` for the page type of a paginated operation.
fn emit_page(name: &str, pg: &Pagination, paths: Paths) -> TokenStream {
    let name = ident(name);
    let item = paths.ty(&pg.item);
    let (option, some, vec) = (paths.option(), paths.some(), paths.vec());
    let next = ident(&pg.next_field);
    let items = ident(&pg.items_field);
    let next_expr = if pg.next_optional {
        quote!(self.#next.as_deref())
    } else {
        quote!(#some(self.#next.as_str()))
    };
    let items_expr = if pg.items_optional {
        quote!(self.#items.unwrap_or_default())
    } else {
        quote!(self.#items)
    };
    quote! {
        impl crate::Page for #name {
            type Item = #item;

            fn next_cursor(&self) -> #option<&str> {
                #next_expr
            }

            fn into_items(self) -> #vec<Self::Item> {
                #items_expr
            }
        }
    }
}

fn def_text(def: &TypeDef) -> String {
    match &def.doc {
        Some(d) => prose(d),
        None => format!("Generated from the schema at {}.", code(&def.pointer)),
    }
}

fn emit_def(
    def: &TypeDef,
    validation: &Validation,
    gates: Option<&super::gates::Gates>,
    paths: Paths,
    setters: &mut Vec<(String, Vec<Setter>)>,
) -> TokenStream {
    let name = ident(&def.name);
    let doc = attrs(&def_text(def));
    let in_requests = validation.reachable.contains(&def.name);
    let serde = Serde::of(&def.name, validation, gates);
    let body = match &def.kind {
        TypeKind::Struct {
            fields, additional, ..
        } => emit_struct(
            &name,
            doc,
            fields,
            additional.as_ref(),
            Outside {
                constants: &validation.constants,
                field_cfg: &|field: &str| gates.and_then(|g| g.field(&def.name, field)),
                setters,
            },
            &serde,
            paths,
        ),
        TypeKind::StringEnum {
            variants,
            terminal,
            catch_all,
        } => emit_enum(&name, doc, variants, terminal, catch_all, in_requests),
        TypeKind::Newtype { inner, constraints } => {
            let doc = attrs(&format!("{}{}", def_text(def), constraint_doc(constraints)));
            emit_newtype(&name, doc, inner, constraints, &serde, paths)
        }
        TypeKind::Alias { target, allowed } => {
            let target = paths.ty(target);
            let allowed = (!allowed.is_empty()).then(|| {
                let list = allowed
                    .iter()
                    .map(|a| code(a))
                    .collect::<Vec<_>>()
                    .join(", ");
                let checked = if validation.numeric_enums.contains_key(&def.name) {
                    " A request is checked for them before it is sent; a response may carry others."
                } else {
                    ""
                };
                // A paragraph of its own (after a list, a line would continue it).
                let text = attrs(&format!("Allowed values: {list}.{checked}"));
                quote!(#[doc = ""] #text)
            });
            quote! {
                #doc
                #allowed
                pub type #name = #target;
            }
        }
        TypeKind::Union {
            variants,
            discriminator,
        } => emit_union(
            &name,
            doc,
            variants,
            discriminator.as_deref(),
            &serde,
            paths,
        ),
        TypeKind::Const { value } => emit_const(&name, doc, value),
    };
    let validate = in_requests
        .then(|| emit_validate(&name, def, validation))
        .flatten();
    quote! {
        #body
        #validate
    }
}

/// Which serde traits a type implements. A crate with features of
/// operations (a large one) implements only what it uses: `Serialize` for
/// what requests carry, `Deserialize` for what responses and webhooks carry;
/// the feature `both-ways` adds the other to every type (for tests and
/// mocks that build response bodies). Other crates, and types nothing
/// reaches, implement both.
pub(super) struct Serde {
    /// The derives, for a `#[derive(...)]` list.
    derives: TokenStream,
    /// `#[cfg_attr(feature = "both-ways", derive(...))]`, when one is left out.
    extra: TokenStream,
    /// `#[cfg(feature = "both-ways")]` for a hand-written `Serialize`, when
    /// requests do not carry the type.
    encode_cfg: TokenStream,
    /// The same for `Deserialize`.
    decode_cfg: TokenStream,
}

impl Serde {
    fn of(name: &str, validation: &Validation, gates: Option<&super::gates::Gates>) -> Serde {
        let encode = validation.encoded.contains(name);
        let decode = validation.decoded.contains(name);
        let both = Serde {
            derives: quote!(::serde::Serialize, ::serde::Deserialize),
            extra: quote!(),
            encode_cfg: quote!(),
            decode_cfg: quote!(),
        };
        if gates.is_none() || encode == decode {
            return both;
        }
        let only = quote!(#[cfg(feature = "both-ways")]);
        if encode {
            Serde {
                derives: quote!(::serde::Serialize),
                extra: quote!(#[cfg_attr(feature = "both-ways", derive(::serde::Deserialize))]),
                encode_cfg: quote!(),
                decode_cfg: only,
            }
        } else {
            Serde {
                derives: quote!(::serde::Deserialize),
                extra: quote!(#[cfg_attr(feature = "both-ways", derive(::serde::Serialize))]),
                encode_cfg: only,
                decode_cfg: quote!(),
            }
        }
    }

    /// Whether `Serialize` is derived only with `both-ways` (requests do not
    /// carry the type).
    fn encode_both_ways_only(&self) -> bool {
        !self.encode_cfg.is_empty()
    }

    /// The derive list and the `both-ways` derive of a type whose
    /// `Deserialize` is written by `decode_struct!` (under `decode_cfg`):
    /// `Serialize` alone, wherever it is derived.
    fn encode_only(&self) -> (TokenStream, TokenStream) {
        if self.encode_both_ways_only() {
            (
                quote!(),
                quote!(#[cfg_attr(feature = "both-ways", derive(::serde::Serialize))]),
            )
        } else {
            (quote!(::serde::Serialize), quote!())
        }
    }

    /// A field's `#[serde(...)]` attribute, which only the derived
    /// `Serialize` reads: under `both-ways` when that is where it is derived.
    fn field_attr(&self, args: TokenStream) -> TokenStream {
        if self.encode_both_ways_only() {
            quote!(#[cfg_attr(feature = "both-ways", serde(#args))])
        } else {
            quote!(#[serde(#args)])
        }
    }
}

/// `impl Validate` for a type requests can carry (not for aliases, which
/// are their target, nor newtypes, which are valid by construction and get
/// theirs with their definition).
fn emit_validate(
    name: &proc_macro2::Ident,
    def: &TypeDef,
    validation: &Validation,
) -> Option<TokenStream> {
    let checks = match &def.kind {
        TypeKind::Alias { .. } | TypeKind::Newtype { .. } => return None,
        // Holds the one value there is.
        TypeKind::Const { .. } => quote!(),
        TypeKind::StringEnum { catch_all, .. } => {
            let catch_all = ident(catch_all);
            quote! {
                if let Self::#catch_all(value) = self {
                    v.violation(::std::format!("`{value}` is not one of the values the API document lists"));
                }
            }
        }
        TypeKind::Struct {
            fields,
            additional,
            dependent_required,
        } => {
            let mut checks: Vec<TokenStream> = Vec::new();
            // `dependentRequired`: a present property needs others.
            let field = |wire: &str| fields.iter().find(|f| f.wire_name == wire);
            for (first, needed) in dependent_required {
                let Some(first_field) = field(first) else {
                    continue;
                };
                let rule = format!("is required when `{first}` is present");
                for other in needed {
                    // A property that is always there needs no check.
                    let Some(other_field) = field(other).filter(|f| f.optional()) else {
                        continue;
                    };
                    let other_name = ident(&other_field.rust_name);
                    let test = if first_field.optional() {
                        let first_name = ident(&first_field.rust_name);
                        quote!(self.#first_name.is_some() && self.#other_name.is_none())
                    } else {
                        quote!(self.#other_name.is_none())
                    };
                    checks.push(quote! {
                        if #test {
                            v.field(#other, |v| v.violation(#rule));
                        }
                    });
                }
            }
            for f in fields {
                let fname = ident(&f.rust_name);
                let wire = &f.wire_name;
                // Required one way only: a request must carry it.
                if f.required && f.write_only {
                    checks.push(quote! {
                        if self.#fname.is_none() {
                            v.field(#wire, |v| v.violation("is required in requests"));
                        }
                    });
                }
                if f.flatten {
                    // Its properties are this struct's: checked at its level.
                    if validation.needs(&f.ty) {
                        checks.push(quote!(crate::runtime::Validate::validate(&self.#fname, v);));
                    }
                    continue;
                }
                checks.extend(validation.check(wire, quote!(&self.#fname), &f.ty, &f.constraints));
            }
            if let Some(value) = additional {
                let mut enum_values = Constraints::default();
                validation.add_enum_values(value, &mut enum_values);
                if enum_values.has_rules() {
                    let mut statics = Vec::new();
                    let rules = rules(&enum_values, &mut statics);
                    checks.push(quote! {
                        #(#statics)*
                        for (key, value) in &self.additional_properties {
                            v.check(key, value, &#rules);
                        }
                    });
                } else if validation.needs(value) {
                    checks.push(quote! {
                        for (key, value) in &self.additional_properties {
                            v.field(key, |v| crate::runtime::Validate::validate(value, v));
                        }
                    });
                }
            }
            quote!(#(#checks)*)
        }
        TypeKind::Union { variants, .. } => {
            if !variants
                .iter()
                .any(|var| validation.needs(&var.ty) || var.constraints.has_rules())
            {
                quote!()
            } else {
                let arms = variants.iter().map(|var| {
                    let vname = ident(&var.rust_name);
                    if var.constraints.has_rules() {
                        let mut statics = Vec::new();
                        let rules = rules(&var.constraints, &mut statics);
                        quote!(Self::#vname(value) => {
                            #(#statics)*
                            crate::runtime::Validate::check(value, &#rules, v)
                        })
                    } else if validation.needs(&var.ty) {
                        quote!(Self::#vname(value) => crate::runtime::Validate::validate(value, v),)
                    } else {
                        quote!(Self::#vname(_) => {})
                    }
                });
                quote! {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    };
    let active = validation.active.contains(&def.name);
    Some(if active {
        quote! {
            impl crate::runtime::Validate for #name {
                fn validate(&self, v: &mut crate::runtime::Validator) {
                    #checks
                }
            }
        }
    } else {
        quote!(impl crate::runtime::Validate for #name {})
    })
}

fn emit_enum(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    variants: &[EnumVariant],
    terminal: &[String],
    catch_all: &str,
    in_requests: bool,
) -> TokenStream {
    let catch_all = ident(catch_all);
    let rust: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let wire: Vec<_> = variants.iter().map(|v| v.wire_name.as_str()).collect();
    let docs = wire.iter().map(|w| attrs(&code(w)));
    let listed = wire.iter().map(|w| code(w)).collect::<Vec<_>>().join(", ");
    let is_terminal = (!terminal.is_empty()).then(|| {
        let finals = variants
            .iter()
            .filter(|v| terminal.contains(&v.wire_name))
            .map(|v| ident(&v.rust_name));
        let list = terminal
            .iter()
            .map(|t| code(t))
            .collect::<Vec<_>>()
            .join(", ");
        let text = format!(
            " Whether the value is final ({list}): once there, it never changes again. A value the document does not list is not known to be final."
        );
        quote! {
            impl #name {
                #[doc = #text]
                pub fn is_terminal(&self) -> bool {
                    ::std::matches!(self, #(Self::#finals)|*)
                }
            }
        }
    });
    let unknown_doc = if in_requests {
        " A value the API document does not list, as received from the server. A request that carries one is refused before sending."
    } else {
        " A value the API document does not list, as received from the server."
    };
    let from_str_rule = format!("must be one of {listed}");
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum #name {
            #( #docs #rust, )*
            #[doc = #unknown_doc]
            #catch_all(crate::UnknownValue),
        }

        #is_terminal

        crate::runtime::string_enum!(#name, #catch_all, #from_str_rule, [#( #rust(#wire) ),*]);
    }
}

fn emit_const(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    value: &serde_json::Value,
) -> TokenStream {
    let json = value.to_string();
    let text = format!(
        " Always {}: encodes as that value, and decodes from it alone.",
        code(&json)
    );
    quote! {
        #doc
        #[doc = ""]
        #[doc = #text]
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct #name;

        crate::runtime::constant!(#name, #json);
    }
}

fn emit_newtype(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    inner: &TypeRef,
    constraints: &Constraints,
    serde: &Serde,
    paths: Paths,
) -> TokenStream {
    let inner_ty = paths.ty(inner);
    let (into, result, ok) = (paths.into(), paths.result(), paths.ok());
    let is_string = matches!(inner, TypeRef::Primitive(Primitive::String));
    let string_impls = is_string.then(|| {
        quote! {
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(&self.0)
                }
            }

            impl ::std::convert::AsRef<str> for #name {
                fn as_ref(&self) -> &str {
                    &self.0
                }
            }
        }
    });
    let common = quote! {
        impl ::std::ops::Deref for #name {
            type Target = #inner_ty;

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }
    };
    let (derives, extra) = (&serde.derives, &serde.extra);
    if !constraints.has_rules() {
        // A newtype only to name a recursive type: any value will do.
        let str_from = is_string.then(|| {
            quote! {
                impl ::std::convert::From<&str> for #name {
                    fn from(value: &str) -> Self {
                        Self(value.into())
                    }
                }
            }
        });
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, #derives)]
            #extra
            #[serde(transparent)]
            pub struct #name(#inner_ty);

            impl #name {
                /// Wraps `value`.
                pub fn new(value: impl #into<#inner_ty>) -> Self {
                    Self(value.into())
                }

                /// The wrapped value.
                pub fn into_inner(self) -> #inner_ty {
                    self.0
                }
            }

            impl ::std::convert::From<#inner_ty> for #name {
                fn from(value: #inner_ty) -> Self {
                    Self(value)
                }
            }

            #str_from
            #common
            #string_impls
        };
    }
    let mut statics = Vec::new();
    let rules = rules(constraints, &mut statics);
    let str_conversions = is_string.then(|| {
        quote! {
            impl ::std::str::FromStr for #name {
                type Err = crate::ValidationError;

                fn from_str(value: &str) -> #result<Self, Self::Err> {
                    Self::new(value)
                }
            }

            impl ::std::convert::TryFrom<&str> for #name {
                type Error = crate::ValidationError;

                fn try_from(value: &str) -> #result<Self, Self::Error> {
                    Self::new(value)
                }
            }
        }
    });
    quote! {
        #doc
        ///
        /// A value always keeps these rules: [`new`](Self::new) refuses one that
        /// does not, and so does decoding.
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(transparent)]
        pub struct #name(#inner_ty);

        impl #name {
            /// `value`, if it keeps the rules; every rule it breaks otherwise.
            pub fn new(value: impl #into<#inner_ty>) -> #result<Self, crate::ValidationError> {
                let value = value.into();
                #(#statics)*
                let mut v = crate::runtime::Validator::new();
                crate::runtime::Validate::check(&value, &#rules, &mut v);
                v.finish()?;
                #ok(Self(value))
            }

            /// The wrapped value.
            pub fn into_inner(self) -> #inner_ty {
                self.0
            }
        }

        impl ::std::convert::TryFrom<#inner_ty> for #name {
            type Error = crate::ValidationError;

            fn try_from(value: #inner_ty) -> #result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let value = <#inner_ty as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::new(value).map_err(::serde::de::Error::custom)
            }
        }

        impl crate::runtime::Validate for #name {}

        #str_conversions
        #common
        #string_impls
    }
}

/// The named type behind `ty`, through `Option` and `Box`.
fn named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) => Some(n),
        TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => named(inner),
        _ => None,
    }
}

/// A paragraph listing the constraints, if there are any.
fn constraint_doc(c: &Constraints) -> String {
    let rules = constraint_rules(c);
    if rules.is_empty() {
        String::new()
    } else {
        format!("\n\nConstraints: {}.", rules.join("; "))
    }
}

pub(super) fn constraint_rules(c: &Constraints) -> Vec<String> {
    let mut rules = Vec::new();
    if let Some(f) = &c.format {
        rules.push(format!("format {}", code(f)));
    }
    if let Some(p) = &c.pattern {
        rules.push(format!("matches {}", code(p)));
    }
    if let Some(n) = c.min_length {
        rules.push(format!("at least {n} characters"));
    }
    if let Some(n) = c.max_length {
        rules.push(format!("at most {n} characters"));
    }
    if let Some((n, excl)) = c.minimum {
        rules.push(format!(
            "{} {n}",
            if excl { "greater than" } else { "at least" }
        ));
    }
    if let Some((n, excl)) = c.maximum {
        rules.push(format!(
            "{} {n}",
            if excl { "less than" } else { "at most" }
        ));
    }
    if let Some(n) = c.multiple_of {
        rules.push(format!("a multiple of {n}"));
    }
    if let Some(n) = c.min_items {
        rules.push(format!("at least {n} items"));
    }
    if c.unique_items {
        rules.push("no item twice".to_owned());
    }
    if let Some(n) = c.max_items {
        rules.push(format!("at most {n} items"));
    }
    if let Some(n) = c.min_properties {
        rules.push(format!("at least {n} properties"));
    }
    if let Some(n) = c.max_properties {
        rules.push(format!("at most {n} properties"));
    }
    if let Some(items) = &c.items {
        let inner = constraint_rules(items);
        if !inner.is_empty() {
            rules.push(format!("each: {}", inner.join(", ")));
        }
    }
    if let Some(d) = &c.default {
        rules.push(format!("default {}", code(d)));
    }
    rules
}

/// What a struct's fields need to know from outside the struct, and where
/// its setters go.
struct Outside<'a> {
    /// The types that hold one value (a required field of one is filled in).
    constants: &'a std::collections::BTreeSet<String>,
    /// A field's `cfg`, when only some features compile its type.
    field_cfg: &'a dyn Fn(&str) -> Option<TokenStream>,
    /// The setters of the piece's structs, by struct (see [`add_setters`]).
    setters: &'a mut Vec<(String, Vec<Setter>)>,
}

fn emit_struct(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    fields: &[Field],
    additional: Option<&TypeRef>,
    outside: Outside<'_>,
    serde: &Serde,
    paths: Paths,
) -> TokenStream {
    let Outside {
        constants,
        field_cfg,
        setters: all_setters,
    } = outside;
    let (option, none, into) = (paths.option(), paths.none(), paths.into());
    // A struct of named fields alone reads through `decode_struct!` (half
    // the code of serde's derive); one with a flattened part keeps the derive.
    let plain = additional.is_none() && !fields.iter().any(|f| f.flatten);
    // Fields by what their absence means: it is checked (by the type), or
    // an optional field is `None`.
    let mut decoded = Vec::new();
    let mut decoded_optional = Vec::new();
    let mut decls = Vec::new();
    let mut ctor_args = Vec::new();
    let mut ctor_inits = Vec::new();
    let mut setters = Vec::new();
    for f in fields {
        let fname = ident(&f.rust_name);
        // Present only with the features that compile its type.
        let cfg = field_cfg(&f.rust_name);
        let mut text = match (&f.doc, named(&f.ty)) {
            (Some(d), _) => prose(d),
            (None, Some(n)) => format!(
                "The {} property (see [`{}`]).",
                code(&f.wire_name),
                ident(n)
            ),
            (None, None) => format!("The {} property.", code(&f.wire_name)),
        };
        if f.read_only {
            text.push_str(if f.required {
                "\n\nSet by the server: responses carry it, requests need not."
            } else {
                "\n\nSet by the server: requests need not carry it."
            });
        }
        if f.write_only {
            text.push_str(if f.required {
                "\n\nRequired in requests (a request without it is refused before sending); never returned."
            } else {
                "\n\nSent in requests; never returned."
            });
        }
        text.push_str(&constraint_doc(&f.constraints));
        let fdoc = attrs(&text);
        let wire = &f.wire_name;
        let rename = if f.flatten {
            Some(quote!(#[serde(flatten)]))
        } else if plain {
            (f.rust_name != f.wire_name).then(|| serde.field_attr(quote!(rename = #wire)))
        } else {
            (f.rust_name != f.wire_name).then(|| quote!(#[serde(rename = #wire)]))
        };
        if f.optional() {
            decoded_optional.push(quote!(#cfg #fname(#wire)));
        } else {
            decoded.push(quote!(#cfg #fname(#wire)));
        }
        let (ty, serde_attr) = if !f.optional() {
            (paths.ty(&f.ty), None)
        } else {
            // Absent and null read the same: an optional nullable field is one Option.
            let inner = match &f.ty {
                TypeRef::Nullable(inner) => paths.ty(inner),
                other => paths.ty(other),
            };
            if f.rust_name != "new" {
                setters.push(Setter {
                    field: fname.clone(),
                    doc: format!(" Sets {} (see the field).", code(&f.wire_name)),
                    cfg: cfg.clone(),
                    ty: inner.clone(),
                });
            }
            (
                quote!(#option<#inner>),
                Some({
                    let is_none = paths.is_none();
                    if plain {
                        serde.field_attr(quote!(skip_serializing_if = #is_none))
                    } else {
                        quote!(#[serde(default, skip_serializing_if = #is_none)])
                    }
                }),
            )
        };
        decls.push(quote! {
            #fdoc
            #cfg
            #rename
            #serde_attr
            pub #fname: #ty,
        });
        let constant = matches!(&f.ty, TypeRef::Named(n) if constants.contains(n));
        if !f.optional() && constant {
            // One value: nothing to give.
            ctor_inits.push(quote!(#fname: #ty));
        } else if !f.optional() {
            ctor_args.push(quote!(#fname: impl #into<#ty>));
            ctor_inits.push(quote!(#fname: #fname.into()));
        } else {
            ctor_inits.push(quote!(#cfg #fname: #none));
        }
    }
    if let Some(value) = additional {
        let value = paths.ty(value);
        let string = paths.string();
        decls.push(quote! {
            /// Properties not named above.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::BTreeMap<#string, #value>,
        });
        ctor_inits.push(quote!(additional_properties: ::std::collections::BTreeMap::new()));
    }
    let ctor_doc = match (ctor_args.is_empty(), setters.is_empty()) {
        (true, _) => quote!(#[doc = " An empty value, with every optional property absent."]),
        (false, true) => {
            quote!(#[doc = " A value with the required properties given and every optional one absent."])
        }
        (false, false) => {
            quote!(#[doc = " A value with the required properties given and every optional one absent (set them with the methods below)."])
        }
    };
    let allow_many = (ctor_args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    if !setters.is_empty() {
        all_setters.push((name.to_string(), setters));
    }
    // With nothing required, every field has a natural default (absent).
    let default = ctor_args.is_empty().then(|| quote!(Default,));
    let (derives, extra, decode) = if plain {
        let (derives, extra) = serde.encode_only();
        let cfg = &serde.decode_cfg;
        let decode = quote! {
            #cfg
            crate::runtime::decode_struct!(#name, [#(#decoded),*], [#(#decoded_optional),*]);
        };
        (derives, extra, decode)
    } else {
        (serde.derives.clone(), serde.extra.clone(), quote!())
    };
    quote! {
        #doc
        #[derive(Debug, Clone, #default PartialEq, #derives)]
        #extra
        // A property the API adds later is a new field: code outside the
        // crate builds values with `new` and the setters, never a literal.
        #[non_exhaustive]
        pub struct #name {
            #(#decls)*
        }

        impl #name {
            #ctor_doc
            #allow_many
            pub fn new(#(#ctor_args),*) -> Self {
                Self { #(#ctor_inits),* }
            }
        }

        #decode
    }
}

fn emit_union(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    variants: &[UnionVariant],
    discriminator: Option<&str>,
    serde: &Serde,
    paths: Paths,
) -> TokenStream {
    let (derives, extra) = (&serde.derives, &serde.extra);
    let vnames: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let vtypes: Vec<_> = variants.iter().map(|v| paths.ty(&v.ty)).collect();
    let (some, none, result, err) = (paths.some(), paths.none(), paths.result(), paths.err());
    let vdocs = variants.iter().map(|v| {
        let text = if v.tags.is_empty() {
            format!("The {} alternative.", code(&v.rust_name))
        } else {
            let tags = v
                .tags
                .iter()
                .map(|t| code(t))
                .collect::<Vec<_>>()
                .join(", ");
            format!("Selected by the tag {tags}.")
        };
        attrs(&text)
    });
    let Some(tag) = discriminator else {
        return quote! {
            #doc
            ///
            /// Decoding tries the alternatives in order and keeps the first that fits.
            #[derive(Debug, Clone, PartialEq, #derives)]
            #extra
            #[serde(untagged)]
            #[allow(clippy::large_enum_variant)]
            #[non_exhaustive]
            pub enum #name {
                #( #vdocs #vnames(#vtypes), )*
            }
        };
    };
    // A discriminator: decode by the tag's value, and write the tag back when
    // encoding, whether or not the alternative's own schema names it.
    let arms = variants.iter().zip(&vnames).map(|(v, vname)| {
        let tags = &v.tags;
        let ty = paths.ty(&v.ty);
        quote! {
            #( #some(#tags) )|* => <#ty as ::serde::Deserialize>::deserialize(value)
                .map(Self::#vname)
                .map_err(::serde::de::Error::custom),
        }
    });
    let ser_arms = variants.iter().zip(&vnames).map(|(v, vname)| {
        let tags = &v.tags;
        quote! {
            Self::#vname(inner) => (&[#(#tags),*], ::serde_json::to_value(inner)),
        }
    });
    let (encode_cfg, decode_cfg) = (&serde.encode_cfg, &serde.decode_cfg);
    let expected = variants
        .iter()
        .flat_map(|v| v.tags.iter())
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ");
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        #[non_exhaustive]
        pub enum #name {
            #( #vdocs #vnames(#vtypes), )*
        }

        #decode_cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    #some(other) => #err(::serde::de::Error::custom(
                        ::std::format!("unknown `{}` value `{}`, expected one of {}", #tag, other, #expected),
                    )),
                    #none => #err(::serde::de::Error::missing_field(#tag)),
                }
            }
        }

        #encode_cfg
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                let (tags, value): (&[&str], _) = match self {
                    #(#ser_arms)*
                };
                let mut value = value.map_err(::serde::ser::Error::custom)?;
                // The tag always names the variant: a value that is not one of
                // the variant's tags is replaced by its first.
                if let ::serde_json::Value::Object(map) = &mut value {
                    let current = map.get(#tag).and_then(::serde_json::Value::as_str);
                    if !current.is_some_and(|t| tags.contains(&t)) {
                        map.insert(#tag.into(), tags[0].into());
                    }
                }
                ::serde::Serialize::serialize(&value, serializer)
            }
        }
    }
}

/// The setter of an optional field: `pub fn field(mut self, value: impl
/// Into<T>) -> Self`. Every struct has one per optional field, a fifth of
/// the code of a large crate, all of one shape: so they are not written as
/// tokens for `syn` to parse, but made after parsing from one parsed
/// template ([`add_setters`]); prettyplease prints them as it would have.
pub(super) struct Setter {
    field: proc_macro2::Ident,
    doc: String,
    cfg: Option<TokenStream>,
    ty: TokenStream,
}

/// Puts each struct's setters in its first inherent `impl` (the one with
/// `new`), after what is there. `setters` are in the order of `file`.
pub(super) fn add_setters(
    file: &mut syn::File,
    setters: Vec<(String, Vec<Setter>)>,
    paths: Paths,
) -> Result<(), String> {
    if setters.is_empty() {
        return Ok(());
    }
    let (into, some) = (paths.into(), paths.some());
    let template: syn::ImplItemFn = syn::parse2(quote! {
        #[doc = ""]
        pub fn field(mut self, value: impl #into<T>) -> Self {
            self.field = #some(value.into());
            self
        }
    })
    .map_err(|e| format!("the generator produced an invalid setter: {e}"))?;
    let mut cfgs: BTreeMap<String, Vec<syn::Attribute>> = BTreeMap::new();
    let mut pending = setters.into_iter().peekable();
    for item in &mut file.items {
        let Some((name, _)) = pending.peek() else {
            break;
        };
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let for_name = block.trait_.is_none()
            && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident(name.as_str()));
        if !for_name {
            continue;
        }
        let Some((_, list)) = pending.next() else {
            break;
        };
        for setter in list {
            let f = make_setter(&template, setter, &mut cfgs)?;
            block.items.push(syn::ImplItem::Fn(f));
        }
    }
    match pending.next() {
        Some((name, _)) => Err(format!(
            "the generator found no impl for the setters of `{name}`"
        )),
        None => Ok(()),
    }
}

/// `template` made into the setter `s`.
fn make_setter(
    template: &syn::ImplItemFn,
    s: Setter,
    cfgs: &mut BTreeMap<String, Vec<syn::Attribute>>,
) -> Result<syn::ImplItemFn, String> {
    let broken = || "the setter template lost its shape".to_owned();
    let mut f = template.clone();
    match f.attrs.first_mut().map(|a| &mut a.meta) {
        Some(syn::Meta::NameValue(doc)) => {
            doc.value = syn::Expr::Lit(syn::ExprLit {
                attrs: Vec::new(),
                lit: syn::Lit::Str(syn::LitStr::new(&s.doc, proc_macro2::Span::call_site())),
            });
        }
        _ => return Err(broken()),
    }
    if let Some(cfg) = s.cfg {
        let key = cfg.to_string();
        let attrs = match cfgs.get(&key) {
            Some(attrs) => attrs.clone(),
            None => {
                let attrs = syn::parse::Parser::parse2(syn::Attribute::parse_outer, cfg)
                    .map_err(|e| format!("the generator produced an invalid cfg: {e}"))?;
                cfgs.insert(key, attrs.clone());
                attrs
            }
        };
        f.attrs.extend(attrs);
    }
    f.sig.ident = s.field.clone();
    let ty: syn::Type =
        syn::parse2(s.ty).map_err(|e| format!("the generator produced an invalid type: {e}"))?;
    let arg = match f.sig.inputs.last_mut() {
        Some(syn::FnArg::Typed(arg)) => arg,
        _ => return Err(broken()),
    };
    let bound = match &mut *arg.ty {
        syn::Type::ImplTrait(t) => t.bounds.first_mut(),
        _ => None,
    };
    let args = match bound {
        Some(syn::TypeParamBound::Trait(b)) => b.path.segments.last_mut().map(|s| &mut s.arguments),
        _ => None,
    };
    match args {
        Some(syn::PathArguments::AngleBracketed(args)) => match args.args.first_mut() {
            Some(first) => *first = syn::GenericArgument::Type(ty),
            None => return Err(broken()),
        },
        _ => return Err(broken()),
    }
    match f.block.stmts.first_mut() {
        Some(syn::Stmt::Expr(syn::Expr::Assign(assign), _)) => match &mut *assign.left {
            syn::Expr::Field(field) => field.member = syn::Member::Named(s.field),
            _ => return Err(broken()),
        },
        _ => return Err(broken()),
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setter(field: &str, ty: TokenStream, cfg: Option<TokenStream>) -> Setter {
        Setter {
            field: ident(field),
            doc: format!(" Sets `{field}`."),
            cfg,
            ty,
        }
    }

    /// A setter made from the template prints as the same setter written
    /// as tokens would.
    #[test]
    fn setters_are_the_code_they_would_have_been() {
        let paths = Paths::prose();
        let mut file: syn::File = syn::parse2(quote! {
            pub struct A { a: Option<i64> }
            impl crate::runtime::Validate for A {}
            impl A { pub fn new() -> Self { Self { a: None } } }
        })
        .unwrap();
        let list = vec![
            setter("a", quote!(i64), None),
            setter("type", quote!(Vec<B>), Some(quote!(#[cfg(feature = "b")]))),
        ];
        add_setters(&mut file, vec![("A".to_owned(), list)], paths).unwrap();
        let expected: syn::File = syn::parse2(quote! {
            pub struct A { a: Option<i64> }
            impl crate::runtime::Validate for A {}
            impl A {
                pub fn new() -> Self { Self { a: None } }
                #[doc = " Sets `a`."]
                pub fn a(mut self, value: impl Into<i64>) -> Self {
                    self.a = Some(value.into());
                    self
                }
                #[doc = " Sets `type`."]
                #[cfg(feature = "b")]
                pub fn r#type(mut self, value: impl Into<Vec<B>>) -> Self {
                    self.r#type = Some(value.into());
                    self
                }
            }
        })
        .unwrap();
        assert_eq!(
            prettyplease::unparse(&file),
            prettyplease::unparse(&expected)
        );
    }

    #[test]
    fn setters_with_no_impl_to_go_in_are_an_error() {
        let mut file: syn::File = syn::parse2(quote!(
            pub struct A {}
        ))
        .unwrap();
        let list = vec![setter("a", quote!(i64), None)];
        let err = add_setters(&mut file, vec![("A".to_owned(), list)], Paths::prose()).unwrap_err();
        assert!(err.contains("`A`"), "{err}");
    }
}
