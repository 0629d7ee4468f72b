//! Type definitions → `src/types.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{attrs, code, prose};
use crate::model::{Constraints, Field, Primitive, TypeDef, TypeKind, TypeRef, UnionVariant};
use crate::names::ident;

/// The Rust type for a use of `ty`, by absolute path.
pub fn rust_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(n) => {
            let n = ident(n);
            quote!(crate::types::#n)
        }
        TypeRef::Primitive(p) => primitive(*p),
        TypeRef::Array(inner) => {
            let inner = rust_type(inner);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Nullable(inner) => {
            let inner = rust_type(inner);
            quote!(::std::option::Option<#inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = rust_type(inner);
            quote!(::std::boxed::Box<#inner>)
        }
    }
}

fn primitive(p: Primitive) -> TokenStream {
    match p {
        Primitive::String => quote!(::std::string::String),
        Primitive::Bool => quote!(bool),
        Primitive::I32 => quote!(i32),
        Primitive::I64 => quote!(i64),
        Primitive::U32 => quote!(u32),
        Primitive::U64 => quote!(u64),
        Primitive::F32 => quote!(f32),
        Primitive::F64 => quote!(f64),
    }
}

/// The whole `types` module.
/// A piece of the `types` module: `defs`, after the module's docs when `first`.
pub fn emit_types(defs: &[&TypeDef], first: bool) -> TokenStream {
    let header = first
        .then(|| quote!(#![doc = " The request and response types of the API, one per schema."]));
    let defs = defs.iter().map(|d| emit_def(d));
    quote! {
        #header
        #(#defs)*
    }
}

fn def_text(def: &TypeDef) -> String {
    match &def.doc {
        Some(d) => prose(d),
        None => format!("Generated from the schema at {}.", code(&def.pointer)),
    }
}

fn emit_def(def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let doc = attrs(&def_text(def));
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            emit_struct(&name, doc, fields, additional.as_ref())
        }
        TypeKind::StringEnum { variants } => {
            let rust: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
            let wire: Vec<_> = variants.iter().map(|v| v.wire_name.as_str()).collect();
            let docs = wire.iter().map(|w| attrs(&code(w)));
            quote! {
                #doc
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
                pub enum #name {
                    #( #docs #[serde(rename = #wire)] #rust, )*
                }

                impl #name {
                    /// The value as it travels on the wire.
                    pub fn as_str(&self) -> &'static str {
                        match self {
                            #( Self::#rust => #wire, )*
                        }
                    }
                }

                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }
            }
        }
        TypeKind::Newtype { inner, constraints } => {
            let inner_ty = rust_type(inner);
            let doc = attrs(&format!("{}{}", def_text(def), constraint_doc(constraints)));
            let string_from = matches!(inner, TypeRef::Primitive(Primitive::String)).then(|| {
                quote! {
                    impl ::std::convert::From<&str> for #name {
                        fn from(value: &str) -> Self {
                            Self(value.into())
                        }
                    }

                    impl ::std::fmt::Display for #name {
                        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(&self.0)
                        }
                    }
                }
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(#inner_ty);

                impl #name {
                    /// Wraps `value`.
                    pub fn new(value: impl ::std::convert::Into<#inner_ty>) -> Self {
                        Self(value.into())
                    }

                    /// The wrapped value.
                    pub fn into_inner(self) -> #inner_ty {
                        self.0
                    }
                }

                impl ::std::ops::Deref for #name {
                    type Target = #inner_ty;

                    fn deref(&self) -> &Self::Target {
                        &self.0
                    }
                }

                impl ::std::convert::From<#inner_ty> for #name {
                    fn from(value: #inner_ty) -> Self {
                        Self(value)
                    }
                }

                #string_from
            }
        }
        TypeKind::Alias { target, allowed } => {
            let target = rust_type(target);
            let allowed = (!allowed.is_empty()).then(|| {
                let list = allowed
                    .iter()
                    .map(|a| code(a))
                    .collect::<Vec<_>>()
                    .join(", ");
                attrs(&format!("\nAllowed values: {list}."))
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
        } => emit_union(&name, doc, variants, discriminator.as_deref()),
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
    if let Some(n) = c.min_items {
        rules.push(format!("at least {n} items"));
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
    if let Some(d) = &c.default {
        rules.push(format!("default {}", code(d)));
    }
    if rules.is_empty() {
        String::new()
    } else {
        format!("\n\nConstraints: {}.", rules.join("; "))
    }
}

fn emit_struct(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    fields: &[Field],
    additional: Option<&TypeRef>,
) -> TokenStream {
    let mut decls = Vec::new();
    let mut ctor_args = Vec::new();
    let mut ctor_inits = Vec::new();
    for f in fields {
        let fname = ident(&f.rust_name);
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
            text.push_str("\n\nSet by the server: ignored in requests.");
        }
        if f.write_only {
            text.push_str("\n\nSent in requests: never returned.");
        }
        text.push_str(&constraint_doc(&f.constraints));
        let fdoc = attrs(&text);
        let rename = (f.rust_name != f.wire_name).then(|| {
            let wire = &f.wire_name;
            quote!(#[serde(rename = #wire)])
        });
        let (ty, serde_attr) = if f.required {
            (rust_type(&f.ty), None)
        } else {
            // Absent and null read the same: an optional nullable field is one Option.
            let inner = match &f.ty {
                TypeRef::Nullable(inner) => rust_type(inner),
                other => rust_type(other),
            };
            (
                quote!(::std::option::Option<#inner>),
                Some(
                    quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]),
                ),
            )
        };
        decls.push(quote! {
            #fdoc
            #rename
            #serde_attr
            pub #fname: #ty,
        });
        if f.required {
            ctor_args.push(quote!(#fname: impl ::std::convert::Into<#ty>));
            ctor_inits.push(quote!(#fname: #fname.into()));
        } else {
            ctor_inits.push(quote!(#fname: ::std::option::Option::None));
        }
    }
    if let Some(value) = additional {
        let value = rust_type(value);
        decls.push(quote! {
            /// Properties not named above.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::BTreeMap<::std::string::String, #value>,
        });
        ctor_inits.push(quote!(additional_properties: ::std::collections::BTreeMap::new()));
    }
    let ctor_doc = if ctor_args.is_empty() {
        quote!(#[doc = " An empty value, with every optional property absent."])
    } else {
        quote!(#[doc = " A value with the required properties given and every optional one absent."])
    };
    let allow_many = (ctor_args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    // With nothing required, every field has a natural default (absent).
    let default = ctor_args.is_empty().then(|| quote!(Default,));
    quote! {
        #doc
        #[derive(Debug, Clone, #default PartialEq, ::serde::Serialize, ::serde::Deserialize)]
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
    }
}

fn emit_union(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    variants: &[UnionVariant],
    discriminator: Option<&str>,
) -> TokenStream {
    let vnames: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let vtypes: Vec<_> = variants.iter().map(|v| rust_type(&v.ty)).collect();
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
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #( #vdocs #vnames(#vtypes), )*
            }
        };
    };
    // A discriminator: decode by the tag's value, and write the tag back when
    // encoding, whether or not the alternative's own schema names it.
    let arms = variants.iter().zip(&vnames).map(|(v, vname)| {
        let tags = &v.tags;
        let ty = rust_type(&v.ty);
        quote! {
            #( ::std::option::Option::Some(#tags) )|* => <#ty as ::serde::Deserialize>::deserialize(value)
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
    let expected = variants
        .iter()
        .flat_map(|v| v.tags.iter())
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ");
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #( #vdocs #vnames(#vtypes), )*
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    ::std::option::Option::Some(other) => ::std::result::Result::Err(::serde::de::Error::custom(
                        ::std::format!("unknown `{}` value `{}`, expected one of {}", #tag, other, #expected),
                    )),
                    ::std::option::Option::None => ::std::result::Result::Err(::serde::de::Error::missing_field(#tag)),
                }
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
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
