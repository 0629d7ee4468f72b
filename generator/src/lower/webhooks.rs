//! Webhooks (3.1) and callbacks (3.0) → [`Webhook`]s: the requests the API
//! sends to the user, each with the payload a handler decodes.

use openapiv3::{PathItem, ReferenceOr};
use serde_json::Value;

use super::Lowerer;
use super::operation::OpContext;
use crate::diagnostics::{Diagnostic, join};
use crate::model::{RequestContent, TypeKind, TypeRef, Webhook};
use crate::names::{self, Namespace};

/// Names the crate's `webhooks` module declares itself.
const RESERVED: &[&str] = &["Notification", "WebhookError", "Unknown"];

impl<'a> Lowerer<'a> {
    /// Every webhook, then every callback of every operation.
    pub(super) fn webhooks(
        &mut self,
        webhooks: &'a indexmap::IndexMap<String, ReferenceOr<PathItem>>,
    ) -> Vec<Webhook> {
        let mut items: Vec<(String, String, &'a PathItem)> = Vec::new();
        for (name, item) in webhooks {
            let ptr = join("/webhooks", name);
            match item {
                ReferenceOr::Item(item) => items.push((name.clone(), ptr, item)),
                ReferenceOr::Reference { reference } => self.errors.push(Diagnostic::error(
                    join(&ptr, "$ref"),
                    format!("unsupported webhook $ref `{reference}`"),
                )),
            }
        }
        let doc = self.doc;
        for (path, item) in &doc.paths.paths {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for (method, op) in item.iter() {
                for (name, callback) in &op.callbacks {
                    let cb_ptr = join(
                        &join(&join(&join("/paths", path), method), "callbacks"),
                        name,
                    );
                    for (expression, cb_item) in callback {
                        items.push((name.clone(), join(&cb_ptr, expression), cb_item));
                    }
                }
            }
        }
        let mut variant_names = Namespace::with_reserved(RESERVED);
        let mut out = Vec::new();
        for (name, item_ptr, item) in items {
            let methods = super::operation::methods_of(item);
            let count = methods.iter().filter(|(_, op)| op.is_some()).count();
            for (method, op) in methods {
                let Some(op) = op else { continue };
                let pointer = join(&item_ptr, &method.as_str().to_ascii_lowercase());
                let base = if count > 1 {
                    format!("{name} {}", method.as_str())
                } else {
                    name.clone()
                };
                let rust_name = variant_names.claim(&names::camel(&base));
                let cx = OpContext::for_webhook(method, pointer.clone(), &rust_name);
                let payload = op
                    .request_body
                    .as_ref()
                    .and_then(|b| self.request_body(&cx, b));
                let mut headers = Vec::new();
                for (i, p) in op.parameters.iter().chain(&item.parameters).enumerate() {
                    let ptr = join(&join(&pointer, "parameters"), &i.to_string());
                    if let Some((openapiv3::Parameter::Header { parameter_data, .. }, _)) =
                        self.resolve(p, "parameters", |c| &c.parameters, &ptr)
                    {
                        headers.push((parameter_data.name.clone(), parameter_data.required));
                    }
                }
                let discriminator = payload.as_ref().and_then(|p| match &p.content {
                    RequestContent::Json(ty) => self.discriminator_of(ty),
                    _ => None,
                });
                out.push(Webhook {
                    wire_name: name.clone(),
                    rust_name,
                    method,
                    summary: op.summary.clone().filter(|s| !s.trim().is_empty()),
                    description: op.description.clone().filter(|s| !s.trim().is_empty()),
                    payload,
                    headers,
                    discriminator,
                    pointer,
                });
            }
        }
        // A value that names two webhooks names neither.
        let values: Vec<Option<(String, Value)>> =
            out.iter().map(|w| w.discriminator.clone()).collect();
        for w in &mut out {
            if let Some(d) = &w.discriminator
                && values.iter().filter(|v| v.as_ref() == Some(d)).count() > 1
            {
                w.discriminator = None;
            }
        }
        out
    }

    /// A required property of the struct `ty` that allows one value only (a
    /// `const`, or an enum of one value), and that value.
    fn discriminator_of(&self, ty: &TypeRef) -> Option<(String, Value)> {
        let TypeRef::Named(name) = ty else {
            return None;
        };
        let TypeKind::Struct { fields, .. } = &self.types.get(name)?.kind else {
            return None;
        };
        fields.iter().filter(|f| f.required).find_map(|f| {
            let TypeRef::Named(n) = &f.ty else {
                return None;
            };
            match &self.types.get(n)?.kind {
                TypeKind::Const { value } => Some((f.wire_name.clone(), value.clone())),
                TypeKind::StringEnum { variants, .. } if variants.len() == 1 => Some((
                    f.wire_name.clone(),
                    Value::String(variants[0].wire_name.clone()),
                )),
                _ => None,
            }
        })
    }
}
