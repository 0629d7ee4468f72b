//! How generated code names the standard library's most used items
//! (`Option`, `Some`, `String`, `Into`, …) and the crate's own types.
//!
//! Code a generator splices into someone else's module must spell
//! `::std::option::Option`, since any name there may be taken. Every module
//! of a generated crate is the generator's own: the only items that can hide
//! a prelude name are the ones it writes, and it knows them. So a prelude
//! name is written bare unless a generated type, builder or response enum
//! takes it (a schema called `Option`), and then by absolute path, for that
//! name only. Inside `types.rs` the crate's types are named bare, as items
//! of the module itself. The crate reads as hand-written code, and the
//! largest documents give a sixth fewer tokens to generate and to compile.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, Primitive, SuccessType, TypeRef};
use crate::names::ident;

/// The prelude names generated code uses, by their bit in
/// [`Paths`].
const PRELUDE: [&str; 10] = [
    "Option", "Some", "None", "String", "Vec", "Box", "Into", "Result", "Ok", "Err",
];

/// The name `PRELUDE[$bit]`, bare or by `$path`.
macro_rules! prelude_name {
    ($(#[$doc:meta])* $method:ident, $bit:literal, $bare:ident, $($path:tt)+) => {
        $(#[$doc])*
        pub fn $method(self) -> TokenStream {
            if self.taken & (1 << $bit) == 0 {
                quote!($bare)
            } else {
                quote!($($path)+)
            }
        }
    };
}

/// Which names generated code may write bare. See the module docs.
#[derive(Debug, Clone, Copy)]
pub struct Paths {
    /// Bit `i` set: `PRELUDE[i]` is taken by a generated item.
    taken: u16,
    /// The code is in `types.rs`, where the crate's types are its own items.
    in_types: bool,
}

impl Paths {
    /// The names for the crate generated from `api`, outside `types.rs`.
    pub fn of(api: &Api) -> Paths {
        let mut items: BTreeSet<String> = api.types.keys().map(|n| ident(n).to_string()).collect();
        for op in &api.operations {
            items.insert(ident(&op.builder_name).to_string());
            if let SuccessType::Enum { name, .. } = &op.success {
                items.insert(ident(name).to_string());
            }
        }
        let mut taken = 0;
        for (i, name) in PRELUDE.iter().enumerate() {
            if items.contains(*name) {
                taken |= 1 << i;
            }
        }
        Paths {
            taken,
            in_types: false,
        }
    }

    /// Every prelude name bare, and types by their names: for prose (the
    /// README), never for code.
    pub fn prose() -> Paths {
        Paths {
            taken: 0,
            in_types: true,
        }
    }

    /// The same names, for code in `types.rs`.
    pub fn in_types(self) -> Paths {
        Paths {
            in_types: true,
            ..self
        }
    }

    prelude_name!(
        /// `Option`.
        option, 0, Option, ::std::option::Option
    );
    prelude_name!(
        /// `Some`.
        some, 1, Some, ::std::option::Option::Some
    );
    prelude_name!(
        /// `None`.
        none, 2, None, ::std::option::Option::None
    );
    prelude_name!(
        /// `String`.
        string, 3, String, ::std::string::String
    );
    prelude_name!(
        /// `Vec`.
        vec, 4, Vec, ::std::vec::Vec
    );
    prelude_name!(
        /// `Box`.
        boxed, 5, Box, ::std::boxed::Box
    );
    prelude_name!(
        /// `Into`.
        into, 6, Into, ::std::convert::Into
    );
    prelude_name!(
        /// `Result`.
        result, 7, Result, ::std::result::Result
    );
    prelude_name!(
        /// `Ok`.
        ok, 8, Ok, ::std::result::Result::Ok
    );
    prelude_name!(
        /// `Err`.
        err, 9, Err, ::std::result::Result::Err
    );

    /// The path of `Option::is_none`, for serde's `skip_serializing_if`.
    pub fn is_none(self) -> &'static str {
        // Bit 0 is `Option` (see `PRELUDE`).
        if self.taken & 1 == 0 {
            "Option::is_none"
        } else {
            "::std::option::Option::is_none"
        }
    }

    /// The Rust type for a use of `ty`.
    pub fn ty(self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Named(n) => {
                let n = ident(n);
                if self.in_types {
                    quote!(#n)
                } else {
                    quote!(crate::types::#n)
                }
            }
            TypeRef::Primitive(p) => self.primitive(*p),
            TypeRef::Array(inner) => {
                let (vec, inner) = (self.vec(), self.ty(inner));
                quote!(#vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let (string, inner) = (self.string(), self.ty(inner));
                quote!(::std::collections::BTreeMap<#string, #inner>)
            }
            TypeRef::Json => quote!(::serde_json::Value),
            TypeRef::Nullable(inner) => {
                let (option, inner) = (self.option(), self.ty(inner));
                quote!(#option<#inner>)
            }
            TypeRef::Boxed(inner) => {
                let (boxed, inner) = (self.boxed(), self.ty(inner));
                quote!(#boxed<#inner>)
            }
            TypeRef::Tuple(items) => {
                let items = items.iter().map(|t| self.ty(t));
                quote!((#(#items,)*))
            }
        }
    }

    fn primitive(self, p: Primitive) -> TokenStream {
        match p {
            Primitive::String => self.string(),
            Primitive::Bool => quote!(bool),
            Primitive::I32 => quote!(i32),
            Primitive::I64 => quote!(i64),
            Primitive::U32 => quote!(u32),
            Primitive::U64 => quote!(u64),
            Primitive::F32 => quote!(f32),
            Primitive::F64 => quote!(f64),
            Primitive::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
            Primitive::Date => quote!(::chrono::NaiveDate),
            Primitive::Uuid => quote!(::uuid::Uuid),
            Primitive::Binary => quote!(crate::FilePart),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_a_generated_item_takes_is_written_in_full() {
        let paths = Paths {
            taken: 1 << 0 | 1 << 3,
            in_types: false,
        };
        assert_eq!(paths.option().to_string(), ":: std :: option :: Option");
        assert_eq!(paths.string().to_string(), ":: std :: string :: String");
        assert_eq!(paths.some().to_string(), "Some");
        let ty = TypeRef::Nullable(Box::new(TypeRef::Array(Box::new(TypeRef::Named(
            "Pet".into(),
        )))));
        assert_eq!(
            paths.ty(&ty).to_string(),
            ":: std :: option :: Option < Vec < crate :: types :: Pet > >"
        );
        assert_eq!(
            paths.in_types().ty(&ty).to_string(),
            ":: std :: option :: Option < Vec < Pet > >"
        );
    }
}
