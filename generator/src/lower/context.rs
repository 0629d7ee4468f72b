//! The state lowering shares: the document and everything named or
//! found so far. Every other file of `lower/` adds methods to [`Lowerer`].

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;

use crate::names::Namespace;
use crate::read::diagnostics::Diagnostic;

/// Lowering in progress.
pub(crate) struct Lowerer<'a> {
    pub(super) doc: &'a OpenAPI,
    /// The same document as JSON, for `$ref`s to places the typed model
    /// does not name (`#/components/schemas/Event/properties/kind`).
    pub(super) raw: &'a serde_json::Value,
    /// The operations `openapiv3` does not model, by Path Item pointer.
    pub(super) extra: &'a crate::read::check::ExtraOperations,
    pub(super) types: BTreeMap<String, crate::model::TypeDef>,
    pub(super) type_names: Namespace,
    pub(super) component_names: BTreeMap<String, String>,
    pub(super) nullable_components: BTreeSet<String>,
    /// Types of inline schemas inside shared components, by JSON pointer.
    pub(super) shared_types: BTreeMap<String, crate::model::TypeRef>,
    /// Types of the inline schemas lowered inside component schemas, and of
    /// the places `$ref`s point into, by JSON pointer: a `$ref` to one of
    /// them, and the schema itself, are one type.
    pub(super) inline_types: BTreeMap<String, crate::model::TypeRef>,
    /// The `$ref` targets being lowered, to stop a reference to a place
    /// inside itself.
    pub(super) resolving: BTreeSet<String>,
    /// The names of the definitions (`$defs`, another file's component
    /// schemas) being lowered or lowered, by pointer: a definition that
    /// refers to itself, directly or through others, uses its name.
    pub(super) definition_names: BTreeMap<String, String>,
    /// The definitions whose name a reference used while they were lowered.
    pub(super) recursed: BTreeSet<String>,
    pub(super) errors: Vec<Diagnostic>,
    pub(super) warnings: Vec<Diagnostic>,
    /// Whether a pattern kept needs look-around.
    pub(super) lookaround: bool,
}

impl<'a> Lowerer<'a> {
    /// Nothing lowered yet of the document `loaded`.
    pub(super) fn new(loaded: &'a crate::read::Loaded) -> Lowerer<'a> {
        Lowerer {
            doc: &loaded.doc,
            raw: &loaded.raw,
            extra: &loaded.extra_operations,
            types: BTreeMap::new(),
            type_names: Namespace::default(),
            component_names: BTreeMap::new(),
            nullable_components: BTreeSet::new(),
            shared_types: BTreeMap::new(),
            inline_types: BTreeMap::new(),
            resolving: BTreeSet::new(),
            definition_names: BTreeMap::new(),
            recursed: BTreeSet::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            lookaround: false,
        }
    }
}

/// The name hint of a schema inside a shared component (`/components/
/// parameters/per-page/schema` → `PerPage`): named after the component, not
/// after the first operation that uses it.
pub(super) fn shared_hint(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/components/")?;
    let mut parts = rest.split('/');
    let section = parts.next()?;
    let key = parts.next()?;
    matches!(section, "parameters" | "requestBodies" | "responses")
        .then(|| crate::names::camel(&crate::read::pointer::unescape(key)))
}
