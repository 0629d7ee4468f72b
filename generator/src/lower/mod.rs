//! `openapiv3::OpenAPI` → [`crate::model::Api`].
//!
//! The only module besides the loader that sees `openapiv3` types. It
//! resolves every `$ref`, names every type, operation and parameter, and
//! collects every problem it meets before giving up.

mod context;
mod features;
mod operation;
mod recursion;
mod schema;
mod webhooks;

use openapiv3::{OpenAPI, ReferenceOr};

use crate::model::{Api, SecurityKind, SecurityScheme};
use crate::read::diagnostics::{Cost, Diagnostic};
use crate::read::pointer::join;

pub(crate) use webhooks::linked_primitive;

use context::Lowerer;

/// Lowers `doc`; on failure returns every error (and warning) found.
pub fn lower(loaded: &crate::read::Loaded) -> Result<(Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    let doc = &loaded.doc;
    let mut l = Lowerer::new(loaded);
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
        tag_parents: doc
            .tags
            .iter()
            .filter_map(|t| {
                let parent = t
                    .extensions
                    .get(crate::read::translate::oas32::TAG_PARENT)?;
                Some((t.name.clone(), parent.as_str()?.to_owned()))
            })
            .collect(),
    };
    Ok((api, l.warnings))
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
                self.warnings.push(
                    Diagnostic::warning(
                        pointer,
                        "a $ref security scheme is not supported; it is ignored",
                    )
                    .costing(Cost::Ignored),
                );
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
                        )
.costing(Cost::Ignored));
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
            // OpenAPI 3.2 marks a scheme the API is retiring.
            let deprecated = self
                .raw
                .pointer(&join(&pointer, "deprecated"))
                .is_some_and(|d| d == &serde_json::Value::Bool(true));
            let doc = match (doc.clone(), deprecated) {
                (doc, false) => doc,
                (Some(doc), true) => Some(format!("{doc}\n\n**Deprecated** by the API.")),
                (None, true) => Some("**Deprecated** by the API.".to_owned()),
            };
            out.push(SecurityScheme {
                wire_name: name.clone(),
                kind,
                doc,
            });
        }
        out
    }
}
