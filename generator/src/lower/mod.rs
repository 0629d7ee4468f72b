//! `openapiv3::OpenAPI` → [`crate::model::Api`].
//!
//! The only module besides the loader that sees `openapiv3` types. It
//! resolves every `$ref`, names every type, operation and parameter, and
//! collects every problem it meets before giving up.

mod features;
mod operation;
mod recursion;
mod schema;
mod webhooks;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr};

use crate::diagnostics::{Diagnostic, join};
use crate::model::{Api, SecurityKind, SecurityScheme};
use crate::names::Namespace;

pub(crate) use schema::{percent_decode, unescape};
pub(crate) use webhooks::linked_primitive;

pub(crate) struct Lowerer<'a> {
    doc: &'a OpenAPI,
    /// The same document as JSON, for `$ref`s to places the typed model
    /// does not name (`#/components/schemas/Event/properties/kind`).
    raw: &'a serde_json::Value,
    types: BTreeMap<String, crate::model::TypeDef>,
    type_names: Namespace,
    component_names: BTreeMap<String, String>,
    nullable_components: BTreeSet<String>,
    /// Types of inline schemas inside shared components, by JSON pointer.
    shared_types: BTreeMap<String, crate::model::TypeRef>,
    /// Types of the inline schemas lowered inside component schemas, and of
    /// the places `$ref`s point into, by JSON pointer: a `$ref` to one of
    /// them, and the schema itself, are one type.
    inline_types: BTreeMap<String, crate::model::TypeRef>,
    /// The `$ref` targets being lowered, to stop a reference to a place
    /// inside itself.
    resolving: BTreeSet<String>,
    /// The names of the definitions (`$defs`, another file's component
    /// schemas) being lowered or lowered, by pointer: a definition that
    /// refers to itself, directly or through others, uses its name.
    definition_names: BTreeMap<String, String>,
    /// The definitions whose name a reference used while they were lowered.
    recursed: BTreeSet<String>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// Whether a pattern kept needs look-around.
    lookaround: bool,
}

/// Lowers `doc`; on failure returns every error (and warning) found.
pub fn lower(loaded: &crate::load::Loaded) -> Result<(Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    let doc = &loaded.doc;
    let raw = &loaded.raw;
    let mut l = Lowerer {
        doc,
        raw,
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
    };
    l.name_components();
    l.lower_components();
    let security_schemes = l.security_schemes();
    let mut operations = l.operations(&security_schemes);
    features::one_reading_per_page(&mut operations, &mut l.warnings);
    let webhooks = l.webhooks(&loaded.webhooks, &operations);
    if !l.errors.is_empty() {
        let mut all = l.errors;
        all.extend(l.warnings);
        return Err(all);
    }
    recursion::newtype_recursive_aliases(&mut l.types);
    recursion::box_cycles(&mut l.types);
    let error_bodies = operation::error_bodies(&operations);
    let info = &doc.info;
    let api = Api {
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone().filter(|d| !d.trim().is_empty()),
        license: info.license.as_ref().map(|l| l.name.clone()),
        base_url: base_url(doc),
        security_schemes,
        operations,
        types: l.types,
        error_bodies,
        lookaround: l.lookaround,
        webhooks,
    };
    Ok((api, l.warnings))
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
        .then(|| crate::names::camel(&schema::unescape(key)))
}

/// The first server's URL with its variables at their defaults, when absolute.
fn base_url(doc: &OpenAPI) -> Option<String> {
    let server = doc.servers.first()?;
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
    }
    let absolute = url.starts_with("https://") || url.starts_with("http://");
    (absolute && !url.contains('{')).then(|| url.trim_end_matches('/').to_owned())
}

impl Lowerer<'_> {
    fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let Some(components) = &self.doc.components else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, scheme) in &components.security_schemes {
            let pointer = join("/components/securitySchemes", name);
            let ReferenceOr::Item(scheme) = scheme else {
                self.warnings.push(Diagnostic::warning(
                    pointer,
                    "a $ref security scheme is not supported; it is ignored",
                ));
                continue;
            };
            use openapiv3::{APIKeyLocation, SecurityScheme as S};
            let (kind, doc) = match scheme {
                S::HTTP {
                    scheme,
                    description,
                    ..
                } => match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => (SecurityKind::Bearer, description),
                    "basic" => (SecurityKind::Basic, description),
                    other => {
                        self.warnings.push(Diagnostic::warning(
                            pointer,
                            format!("HTTP authentication scheme `{other}` is not supported; it is ignored"),
                        ));
                        continue;
                    }
                },
                S::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => {
                    let kind = match location {
                        APIKeyLocation::Header => SecurityKind::ApiKeyHeader(name.clone()),
                        APIKeyLocation::Query => SecurityKind::ApiKeyQuery(name.clone()),
                        APIKeyLocation::Cookie => SecurityKind::ApiKeyCookie(name.clone()),
                    };
                    (kind, description)
                }
                S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => {
                    (SecurityKind::Bearer, description)
                }
            };
            out.push(SecurityScheme {
                wire_name: name.clone(),
                kind,
                doc: doc.clone(),
            });
        }
        out
    }
}
