//! Webhooks (3.1) and callbacks (3.0) → [`Webhook`]s: the requests the API
//! sends to the user, each with the payload a handler decodes.

use openapiv3::{LinkOperation, PathItem, ReferenceOr, StatusCode};
use serde_json::Value;

use super::context::Lowerer;
use super::operation::OpContext;
use crate::model::{
    ComparedField, Confirm, HttpMethod, LinkValue, Operation, ParamLocation, Primitive,
    RequestBody, RequestContent, ResponseBody, Shown, SuccessType, TypeKind, TypeRef, Webhook,
};
use crate::names::{self, Namespace};
use crate::read::diagnostics::{Cost, Diagnostic};
use crate::read::pointer::join;

/// Names the crate's `webhooks` module declares itself.
const RESERVED: &[&str] = &["Notification", "WebhookError", "Unknown"];

impl<'a> Lowerer<'a> {
    /// Every webhook, then every callback of every operation; `operations`
    /// are those of the document, which a webhook's link may name.
    pub(super) fn webhooks(
        &mut self,
        webhooks: &'a indexmap::IndexMap<String, ReferenceOr<PathItem>>,
        operations: &[Operation],
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
            let methods = super::operation::methods_of(item, self.extra.get(&item_ptr));
            let count = methods.len();
            for (method, rel, op) in methods {
                let pointer = format!("{item_ptr}{rel}");
                let base = if count > 1 {
                    format!("{name} {}", method.as_str())
                } else {
                    name.clone()
                };
                let rust_name = variant_names.claim(&names::camel(&base));
                let cx = OpContext::for_webhook(method.clone(), pointer.clone(), &rust_name);
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
                let confirm = self.confirm(op, &pointer, payload.as_ref(), operations);
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
                    confirm,
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

    /// The first link of the webhook's success responses that confirms a
    /// notification (a `GET` whose every required parameter the link
    /// gives); every other link there gets a warning that says why it does not.
    fn confirm(
        &mut self,
        op: &'a openapiv3::Operation,
        pointer: &str,
        payload: Option<&RequestBody>,
        operations: &[Operation],
    ) -> Option<Confirm> {
        let responses = join(pointer, "responses");
        // Exact success codes first, then the 2XX range, each in document order.
        let mut successes: Vec<(&StatusCode, &'a ReferenceOr<openapiv3::Response>)> = op
            .responses
            .responses
            .iter()
            .filter(|(code, _)| matches!(code, StatusCode::Code(c) if (200..300).contains(c)))
            .collect();
        successes.extend(
            op.responses
                .responses
                .iter()
                .filter(|(code, _)| matches!(code, StatusCode::Range(2))),
        );
        let mut found = None;
        for (code, response) in successes {
            let ptr = join(&responses, &code.to_string());
            // A webhook's responses matter only for their links: one that
            // cannot be found costs the confirming function, not the crate.
            let (response, ptr) = match self.lookup(response, "responses", |c| &c.responses, &ptr) {
                Ok(found) => found,
                Err(d) => {
                    self.warnings.push(lenient(d, "the response is ignored"));
                    continue;
                }
            };
            for (name, link) in &response.links {
                let place = join(&join(&ptr, "links"), name);
                if found.is_some() {
                    self.warnings.push(Diagnostic::warning(
                        place,
                        "another link of the webhook already confirms its notifications; this one is not used",
                    )
.costing(Cost::Ignored));
                    continue;
                }
                let (link, link_ptr) = match self.lookup(link, "links", |c| &c.links, &place) {
                    Ok(found) => found,
                    Err(d) => {
                        self.warnings.push(lenient(d, "the link is ignored"));
                        continue;
                    }
                };
                match self.confirm_link(name, link, &link_ptr, payload, operations) {
                    Ok(confirm) => found = Some(confirm),
                    Err(why) => self.warnings.push(
                        Diagnostic::warning(
                            link_ptr,
                            format!(
                                "{why}: no function confirms the webhook's notifications with it"
                            ),
                        )
                        .costing(Cost::Ignored),
                    ),
                }
            }
        }
        found
    }

    /// `link` as the way to confirm a notification, or why it cannot be one.
    fn confirm_link(
        &self,
        name: &str,
        link: &openapiv3::Link,
        pointer: &str,
        payload: Option<&RequestBody>,
        operations: &[Operation],
    ) -> Result<Confirm, String> {
        let target = match &link.operation {
            LinkOperation::OperationId(id) => operations
                .iter()
                .position(|o| o.wire_id == *id)
                .ok_or_else(|| {
                    format!("the link names `{id}`, which is no operation of the document")
                })?,
            LinkOperation::OperationRef(r) => {
                let local = r
                    .strip_prefix('#')
                    .map(crate::read::pointer::percent_decode);
                local
                    .and_then(|ptr| operations.iter().position(|o| o.pointer == ptr))
                    .ok_or_else(|| {
                        format!("the link's operationRef `{r}` is no operation of this document")
                    })?
            }
        };
        let op = &operations[target];
        if !matches!(op.method, HttpMethod::Get | HttpMethod::Head) {
            return Err(format!(
                "the link names `{}`, a {}: only a GET, which changes nothing, is sent to confirm a notification",
                op.wire_id,
                op.method.as_str()
            ));
        }
        if op.body.as_ref().is_some_and(|b| b.required) || link.request_body.is_some() {
            return Err(format!(
                "`{}` takes a request body, which a confirmation does not send",
                op.wire_id
            ));
        }
        let mut args: Vec<(usize, LinkValue)> = Vec::new();
        for (key, value) in &link.parameters {
            let (location, wire) = match key.split_once('.') {
                Some(("path", n)) => (Some(ParamLocation::Path), n),
                Some(("query", n)) => (Some(ParamLocation::Query), n),
                Some(("header", n)) => (Some(ParamLocation::Header), n),
                Some(("cookie", n)) => (Some(ParamLocation::Cookie), n),
                _ => (None, key.as_str()),
            };
            let index = op
                .params
                .iter()
                .position(|p| p.wire_name == wire && location.is_none_or(|l| l == p.location))
                .ok_or_else(|| {
                    format!(
                        "the link gives `{key}`, which is no parameter of `{}`",
                        op.wire_id
                    )
                })?;
            let param = &op.params[index];
            if linked_primitive(&param.ty).is_none() {
                return Err(format!(
                    "the parameter `{key}` of `{}` is not a string, number, boolean or UUID, which a link's value can be",
                    op.wire_id
                ));
            }
            if op.idempotency_key == Some(index) {
                return Err(format!(
                    "the link gives `{key}`, the idempotency key of `{}`",
                    op.wire_id
                ));
            }
            let value = link_value(value).map_err(|why| format!("`{key}`: {why}"))?;
            if let LinkValue::Constant(c) = &value
                && !constant_fits(c, &param.ty)
            {
                return Err(format!(
                    "the constant {c} of `{key}` is not a value of its type"
                ));
            }
            args.push((index, value));
        }
        for (i, p) in op.params.iter().enumerate() {
            if p.required && op.idempotency_key != Some(i) && !args.iter().any(|(j, _)| *j == i) {
                return Err(format!(
                    "the link gives no value for `{}`, a required parameter of `{}`",
                    p.wire_name, op.wire_id
                ));
            }
        }
        let notified = payload.and_then(|p| match &p.content {
            RequestContent::Json(ty) => Some(ty),
            _ => None,
        });
        let current = match &op.success {
            SuccessType::Single(ResponseBody::Json(ty)) => Some(ty),
            _ => None,
        };
        let compared = match (notified, current) {
            (Some(a), Some(b)) => self.compared(a, b),
            _ => Vec::new(),
        };
        Ok(Confirm {
            link: name.to_owned(),
            doc: link.description.clone().filter(|d| !d.trim().is_empty()),
            operation: target,
            args,
            compared,
            pointer: pointer.to_owned(),
        })
    }

    /// The properties the structs `a` (a notification) and `b` (the API's
    /// answer) share: of one type, required in both or optional in both.
    fn compared(&self, a: &TypeRef, b: &TypeRef) -> Vec<ComparedField> {
        let fields = |t: &TypeRef| match t {
            TypeRef::Named(n) => match self.types.get(n).map(|d| &d.kind) {
                Some(TypeKind::Struct { fields, .. }) => Some(fields),
                _ => None,
            },
            _ => None,
        };
        let (Some(a), Some(b)) = (fields(a), fields(b)) else {
            return Vec::new();
        };
        // Optional properties only of a primitive type: other types may
        // belong to another feature of the crate, which leaves the field out.
        let compared = |f: &&crate::model::Field| {
            !f.flatten && (!f.optional() || matches!(f.ty, TypeRef::Primitive(_)))
        };
        a.iter()
            .filter(compared)
            .filter_map(|fa| {
                let fb = b.iter().find(|fb| {
                    fb.wire_name == fa.wire_name
                        && fb.optional() == fa.optional()
                        && fb.ty == fa.ty
                        && !fb.flatten
                })?;
                let string = TypeRef::Primitive(Primitive::String);
                let shown = match &fa.ty {
                    t if *t == string => Shown::Text,
                    TypeRef::Named(n) => match self.types.get(n).map(|d| &d.kind) {
                        Some(TypeKind::StringEnum { .. }) => Shown::Enum,
                        Some(TypeKind::Newtype { inner, .. }) if *inner == string => Shown::Text,
                        _ => Shown::Debug,
                    },
                    _ => Shown::Debug,
                };
                Some(ComparedField {
                    wire_name: fa.wire_name.clone(),
                    notified: fa.rust_name.clone(),
                    current: fb.rust_name.clone(),
                    shown,
                    optional: fa.optional(),
                })
            })
            .collect()
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

/// `d`, an error, as a warning that says what is left out instead.
fn lenient(d: Diagnostic, instead: &str) -> Diagnostic {
    Diagnostic::warning(d.pointer, format!("{}; {instead}", d.message))
}

/// The primitive a link's value converts to, for a parameter of type `ty`.
pub(crate) fn linked_primitive(ty: &TypeRef) -> Option<Primitive> {
    match ty {
        TypeRef::Primitive(
            p @ (Primitive::String
            | Primitive::Bool
            | Primitive::I32
            | Primitive::I64
            | Primitive::U32
            | Primitive::U64
            | Primitive::F32
            | Primitive::F64
            | Primitive::Uuid),
        ) => Some(*p),
        _ => None,
    }
}

/// Whether a link's constant converts to a parameter of type `ty` (as the
/// runtime's `FromLinked` converts it).
fn constant_fits(value: &Value, ty: &TypeRef) -> bool {
    let text = value.as_str().map(str::trim);
    match linked_primitive(ty) {
        Some(Primitive::String) => value.is_string() || value.is_number(),
        Some(Primitive::Bool) => value.is_boolean() || matches!(text, Some("true" | "false")),
        Some(Primitive::Uuid) => text
            .is_some_and(|t| t.len() == 36 && t.chars().all(|c| c.is_ascii_hexdigit() || c == '-')),
        Some(Primitive::I32 | Primitive::I64) => {
            value.as_i64().is_some() || text.is_some_and(|t| t.parse::<i64>().is_ok())
        }
        Some(Primitive::U32 | Primitive::U64) => {
            value.as_u64().is_some() || text.is_some_and(|t| t.parse::<u64>().is_ok())
        }
        Some(Primitive::F32 | Primitive::F64) => {
            value.is_number() || text.is_some_and(|t| t.parse::<f64>().is_ok())
        }
        _ => false,
    }
}

/// A link parameter's value: a runtime expression over the received
/// request (its body or a header), or a constant.
fn link_value(value: &Value) -> Result<LinkValue, String> {
    let text = match value {
        Value::String(s) => s.trim(),
        Value::Number(_) | Value::Bool(_) => return Ok(LinkValue::Constant(value.clone())),
        _ => {
            return Err(
                "a link's value is an expression, a string, a number or a boolean".to_owned(),
            );
        }
    };
    // An expression may be written embedded, whole: `{$request.body#/id}`.
    let expression = match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        Some(inner) if inner.starts_with('$') => inner,
        _ => text,
    };
    if !expression.starts_with('$') {
        return Ok(LinkValue::Constant(value.clone()));
    }
    if let Some(rest) = expression.strip_prefix("$request.body") {
        return match rest {
            "" => Ok(LinkValue::Body(String::new())),
            _ => match rest.strip_prefix('#') {
                Some(ptr) => {
                    let ptr = crate::read::pointer::percent_decode(ptr);
                    if ptr.is_empty() || ptr.starts_with('/') {
                        Ok(LinkValue::Body(ptr))
                    } else {
                        Err(format!("`{expression}` has no JSON pointer after `#`"))
                    }
                }
                None => Err(format!("`{expression}` is not a runtime expression")),
            },
        };
    }
    if let Some(name) = expression.strip_prefix("$request.header.") {
        let token = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        return if token {
            Ok(LinkValue::Header(name.to_owned()))
        } else {
            Err(format!("`{expression}` names no valid header"))
        };
    }
    Err(format!(
        "`{expression}` is not read from the notification's body or headers, all a receiver has"
    ))
}
