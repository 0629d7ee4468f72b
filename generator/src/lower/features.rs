//! Client behaviour derived from the document: which header carries an
//! idempotency key, which operations page through a list, which responses
//! can be polled until final.
//!
//! Each is read from what the document already says (a header named
//! `Idempotency-Key`, a `cursor` parameter and a page with a next cursor, an
//! enum whose final values are known); a vendor extension says it only where
//! the document cannot:
//!
//! - `x-idempotency-key: true` on a header parameter with another name;
//! - `x-pagination: {cursorParam, items, nextCursor}` on an operation whose
//!   names the rules below do not recognize (wire names);
//! - `x-terminal-values: [...]` on a string enum: its final values.

use serde_json::Value;

use super::context::Lowerer;
use crate::model::{
    Example, Field, HttpMethod, Pagination, ParamLocation, Parameter, Poll, Primitive,
    ResponseBody, SuccessType, TypeKind, TypeRef,
};
use crate::read::diagnostics::{Cost, Diagnostic};
use crate::read::pointer::join;

/// The extension that marks an idempotency-key header.
const IDEMPOTENCY_KEY: &str = "x-idempotency-key";
/// The extension that names an operation's pagination.
const PAGINATION: &str = "x-pagination";

/// Whether a header parameter carries an idempotency key: its name says so
/// (`Idempotency-Key`, `X-Idempotency-Key`, any case, `-` or `_`), or the
/// extension does.
pub(super) fn is_idempotency_header(
    name: &str,
    extensions: &indexmap::IndexMap<String, Value>,
) -> bool {
    if let Some(flag) = extensions.get(IDEMPOTENCY_KEY) {
        return flag.as_bool().unwrap_or(false);
    }
    let squashed: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    squashed == "idempotencykey" || squashed == "xidempotencykey"
}

/// Cursor parameter names the rules recognize (squashed: lower case, no separators).
fn is_cursor_param(name: &str) -> bool {
    let s = squash(name);
    s.contains("cursor")
        || matches!(
            s.as_str(),
            "pagetoken" | "nextpagetoken" | "nexttoken" | "continuationtoken"
        )
}

/// Next-cursor field names the rules recognize (squashed).
fn is_next_field(name: &str) -> bool {
    matches!(
        squash(name).as_str(),
        "nextcursor" | "nextpagetoken" | "nextpage" | "nexttoken" | "continuationtoken"
    )
}

fn squash(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

fn is_string(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Primitive(Primitive::String) => true,
        TypeRef::Nullable(inner) => is_string(inner),
        _ => false,
    }
}

impl Lowerer<'_> {
    /// The struct a type name stands for, through aliases: its name and fields.
    fn page_struct<'s>(&'s self, ty: &'s TypeRef) -> Option<(&'s str, &'s [Field])> {
        let mut current = ty;
        for _ in 0..16 {
            let TypeRef::Named(name) = current else {
                return None;
            };
            match &self.types.get(name)?.kind {
                TypeKind::Struct { fields, .. } => return Some((name, fields)),
                TypeKind::Alias { target, .. } => current = target,
                _ => return None,
            }
        }
        None
    }

    /// The index of the idempotency-key header, when its type is one the
    /// client can make a key of (a string or a UUID).
    pub(super) fn idempotency_key(
        &mut self,
        pointer: &str,
        params: &[Parameter],
        header: Option<&str>,
    ) -> Option<usize> {
        let header = header?;
        let index = params
            .iter()
            .position(|p| p.location == ParamLocation::Header && p.wire_name == header)?;
        match &params[index].ty {
            TypeRef::Primitive(Primitive::String | Primitive::Uuid) => Some(index),
            _ => {
                self.warnings.push(Diagnostic::warning(
                    join(pointer, "parameters"),
                    format!("idempotency header `{header}` is neither a string nor a UUID: the client cannot make keys for it, and does not retry the operation"),
                )
.costing(Cost::Ignored));
                None
            }
        }
    }

    /// Cursor pagination, from `x-pagination` or from the names.
    pub(super) fn pagination(
        &mut self,
        pointer: &str,
        method: HttpMethod,
        op: &openapiv3::Operation,
        params: &[Parameter],
        success: &SuccessType,
    ) -> Option<Pagination> {
        let page = match success {
            SuccessType::Single(ResponseBody::Json(ty)) => ty.clone(),
            _ => TypeRef::Json,
        };
        if let Some(ext) = op.extensions.get(PAGINATION) {
            let ptr = join(pointer, PAGINATION);
            let found = self.named_pagination(ext, params, &page);
            if found.is_err() {
                let why = found.as_ref().err().cloned().unwrap_or_default();
                self.warnings.push(
                    Diagnostic::warning(ptr, format!("{why}; the operation is not paginated"))
                        .costing(Cost::Ignored),
                );
            }
            return found.ok();
        }
        if method != HttpMethod::Get {
            return None;
        }
        let cursor_param = params.iter().position(|p| {
            p.location == ParamLocation::Query
                && !p.required
                && is_string(&p.ty)
                && is_cursor_param(&p.wire_name)
        })?;
        let (page, fields) = self.page_struct(&page)?;
        let arrays: Vec<&Field> = fields
            .iter()
            .filter(|f| matches!(f.ty, TypeRef::Array(_)))
            .collect();
        let [items] = arrays.as_slice() else {
            return None;
        };
        let next = fields
            .iter()
            .find(|f| is_string(&f.ty) && is_next_field(&f.wire_name))?;
        Some(build(page, cursor_param, items, next))
    }

    fn named_pagination(
        &self,
        ext: &Value,
        params: &[Parameter],
        page: &TypeRef,
    ) -> Result<Pagination, String> {
        let name = |key: &str| {
            ext.get(key)
                .and_then(Value::as_str)
                .ok_or_else(|| format!("`{key}` must name a parameter or property"))
        };
        let (cursor, items, next) = (name("cursorParam")?, name("items")?, name("nextCursor")?);
        let cursor_param = params
            .iter()
            .position(|p| {
                p.location == ParamLocation::Query && p.wire_name == cursor && is_string(&p.ty)
            })
            .ok_or_else(|| format!("no string query parameter `{cursor}`"))?;
        let (page, fields) = self
            .page_struct(page)
            .ok_or("the success response is not an object with properties")?;
        let items = fields
            .iter()
            .find(|f| f.wire_name == items && matches!(f.ty, TypeRef::Array(_)))
            .ok_or_else(|| format!("the page has no array property `{items}`"))?;
        let next = fields
            .iter()
            .find(|f| f.wire_name == next && is_string(&f.ty))
            .ok_or_else(|| format!("the page has no string property `{next}`"))?;
        Ok(build(page, cursor_param, items, next))
    }

    /// Polling, for a GET whose response has a required status field with
    /// known final values.
    pub(super) fn poll(&self, method: HttpMethod, success: &SuccessType) -> Option<Poll> {
        if method != HttpMethod::Get {
            return None;
        }
        let SuccessType::Single(ResponseBody::Json(ty)) = success else {
            return None;
        };
        let (_, fields) = self.page_struct(ty)?;
        fields.iter().filter(|f| !f.optional()).find_map(|f| {
            let TypeRef::Named(name) = &f.ty else {
                return None;
            };
            match &self.types.get(name)?.kind {
                TypeKind::StringEnum { terminal, .. } if !terminal.is_empty() => Some(Poll {
                    field: f.rust_name.clone(),
                    status_type: name.clone(),
                }),
                _ => None,
            }
        })
    }
}

/// Keeps one way of reading each page type: an operation whose pagination
/// reads the same page type through other properties than an earlier one's
/// is not paginated (with a warning), since a page type reads one way.
pub(super) fn one_reading_per_page(
    operations: &mut [crate::model::Operation],
    warnings: &mut Vec<crate::read::diagnostics::Diagnostic>,
) {
    let mut seen: std::collections::BTreeMap<String, Pagination> =
        std::collections::BTreeMap::new();
    for op in operations {
        let Some(pg) = &op.pagination else { continue };
        match seen.get(&pg.page) {
            None => {
                seen.insert(pg.page.clone(), pg.clone());
            }
            Some(first)
                if first.items_field == pg.items_field && first.next_field == pg.next_field => {}
            Some(_) => {
                warnings.push(Diagnostic::warning(
                    join(&op.pointer, PAGINATION),
                    format!(
                        "the page type `{}` is read through other properties by an earlier operation; this operation is not paginated",
                        pg.page
                    ),
                )
.costing(Cost::Ignored));
                op.pagination = None;
            }
        }
    }
}

impl Lowerer<'_> {
    /// The named examples (`$ref`s to `#/components/examples` resolved), in
    /// document order, then the lone `example`.
    pub(super) fn examples(
        &self,
        named: &indexmap::IndexMap<String, openapiv3::ReferenceOr<openapiv3::Example>>,
        lone: Option<&Value>,
    ) -> Vec<Example> {
        let mut out = Vec::new();
        for (name, example) in named {
            let example = match example {
                openapiv3::ReferenceOr::Item(e) => Some(e),
                openapiv3::ReferenceOr::Reference { reference } => reference
                    .strip_prefix("#/components/examples/")
                    .and_then(|key| {
                        let key = crate::read::pointer::unescape(key);
                        self.doc.components.as_ref()?.examples.get(&key)
                    })
                    .and_then(|e| match e {
                        openapiv3::ReferenceOr::Item(e) => Some(e),
                        openapiv3::ReferenceOr::Reference { .. } => None,
                    }),
            };
            if let Some(e) = example
                && let Some(value) = &e.value
            {
                out.push(Example {
                    name: name.clone(),
                    summary: e.summary.clone().filter(|s| !s.trim().is_empty()),
                    value: value.clone(),
                });
            }
        }
        if let Some(value) = lone {
            out.push(Example {
                name: String::new(),
                summary: None,
                value: value.clone(),
            });
        }
        out
    }
}

/// A schema's own example value: `example`, `default`, or the first `enum` value.
pub(super) fn schema_example(schema: &openapiv3::Schema) -> Option<Value> {
    let data = &schema.schema_data;
    if let Some(v) = data.example.clone().or_else(|| data.default.clone()) {
        return Some(v);
    }
    match &schema.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::String(s)) => s
            .enumeration
            .iter()
            .flatten()
            .next()
            .map(|v| Value::String(v.clone())),
        _ => None,
    }
}

fn build(page: &str, cursor_param: usize, items: &Field, next: &Field) -> Pagination {
    let item = match &items.ty {
        TypeRef::Array(inner) => (**inner).clone(),
        other => other.clone(),
    };
    Pagination {
        page: page.to_owned(),
        cursor_param,
        items_field: items.rust_name.clone(),
        item,
        items_optional: items.optional() || matches!(items.ty, TypeRef::Nullable(_)),
        next_field: next.rust_name.clone(),
        next_optional: next.optional() || matches!(next.ty, TypeRef::Nullable(_)),
    }
}
