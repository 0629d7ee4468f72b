//! `API.md`: the crate's public surface in a compact, stable form, computed
//! from the model, so that its diff in a pull request shows what changed for
//! the crate's users and nothing else.
//!
//! One line per operation, field, variant and setter, in the crate's order
//! (operations in document order, types by name); no line numbers, no
//! prose that could move. The runtime, the same in every crate, is not
//! listed.

use heck::ToSnakeCase as _;
use std::fmt::Write as _;

use crate::model::{
    Api, Field, ParamLocation, Primitive, RequestContent, ResponseBody, SuccessType, TypeKind,
    TypeRef,
};

/// The type as a user writes it (`Option<Vec<Payment>>`).
pub(crate) fn short(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => crate::names::ident(n).to_string(),
        TypeRef::Primitive(p) => match p {
            Primitive::String => "String",
            Primitive::Bool => "bool",
            Primitive::I32 => "i32",
            Primitive::I64 => "i64",
            Primitive::U32 => "u32",
            Primitive::U64 => "u64",
            Primitive::F32 => "f32",
            Primitive::F64 => "f64",
            Primitive::DateTime => "DateTime<Utc>",
            Primitive::Date => "NaiveDate",
            Primitive::Uuid => "Uuid",
            Primitive::Binary => "FilePart",
        }
        .to_owned(),
        TypeRef::Array(inner) => format!("Vec<{}>", short(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", short(inner)),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::Nullable(inner) => format!("Option<{}>", short(inner)),
        TypeRef::Boxed(inner) => format!("Box<{}>", short(inner)),
        TypeRef::Tuple(items) => format!(
            "({})",
            items.iter().map(short).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// What a response body decodes to.
pub(crate) fn response(body: &ResponseBody) -> String {
    match body {
        ResponseBody::Empty => "()".to_owned(),
        ResponseBody::Json(t) => short(t),
        ResponseBody::Text => "String".to_owned(),
        ResponseBody::Binary => "Bytes".to_owned(),
        ResponseBody::Stream(stream) => {
            let item = if stream.text {
                "String".to_owned()
            } else {
                short(&stream.item)
            };
            match stream.framing {
                crate::model::Framing::ServerSentEvents => format!("EventStream<{item}>"),
                _ => format!("JsonStream<{item}>"),
            }
        }
    }
}

/// The Rust type of a struct's field.
pub(crate) fn field_type(f: &Field) -> String {
    // Absent and null read the same: an optional nullable field is one Option.
    match (&f.ty, f.optional() && !f.flatten) {
        (TypeRef::Nullable(inner), true) => format!("Option<{}>", short(inner)),
        (ty, true) => format!("Option<{}>", short(ty)),
        (ty, false) => short(ty),
    }
}

/// What a request body argument or setter takes.
pub(crate) fn body(content: &RequestContent) -> String {
    match content {
        RequestContent::Json(t) | RequestContent::Form(t) | RequestContent::Multipart(t) => {
            short(t)
        }
        RequestContent::Text => "String".to_owned(),
        RequestContent::Binary => "Bytes".to_owned(),
    }
}

/// What a call returns.
pub(crate) fn returns(success: &SuccessType) -> String {
    match success {
        SuccessType::Single(b) => response(b),
        SuccessType::Enum { name, .. } => crate::names::ident(name).to_string(),
    }
}

fn field_line(f: &Field) -> String {
    if f.flatten {
        return format!("- `{}: {}` (flattened)", f.rust_name, short(&f.ty));
    }
    let ty = field_type(f);
    let mut notes = Vec::new();
    if f.rust_name != f.wire_name {
        notes.push(format!("`{}`", f.wire_name));
    }
    if f.required {
        notes.push("required".to_owned());
    }
    if f.read_only {
        notes.push("read-only".to_owned());
    }
    if f.write_only {
        notes.push("write-only".to_owned());
    }
    let rules = super::types::constraint_rules(&f.constraints);
    notes.extend(rules);
    if notes.is_empty() {
        format!("- `{}: {ty}`", f.rust_name)
    } else {
        format!("- `{}: {ty}` ({})", f.rust_name, notes.join("; "))
    }
}

/// The report for `api`, as the crate `name` at `version` has it.
pub fn api_report(
    api: &Api,
    name: &str,
    version: &str,
    header: &str,
    gates: Option<&super::gates::Gates>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{header}");
    let _ = writeln!(out, "# The public API of `{name}` {version}\n");
    let _ = writeln!(
        out,
        "Generated from the API document (version `{}`) with the crate: a change to this file is a change for the crate's users. The runtime items every generated crate has (`Client`, `Error`, `RetryPolicy`, …) are documented in the crate, not listed here.\n",
        api.version
    );
    out.push_str(
        "## Features\n\n- `blocking`: `blocking::Client`, the same operations, synchronously\n",
    );
    let _ = writeln!(
        out,
        "- `lookaround`: patterns with look-around are checked{}",
        if api.lookaround { " (default)" } else { "" }
    );
    if let Some(g) = gates {
        out.push_str("- `full` (default): every feature below\n");
        out.push_str("- `both-ways`: every type both encodes and decodes\n");
        for f in &g.features {
            let _ = writeln!(out, "- `{}`: {}", f.name, f.contents(api));
        }
        if g.webhooks {
            out.push_str("- `webhooks`: the `webhooks` module\n");
        }
    }
    out.push_str("\n## Operations\n");
    for op in &api.operations {
        let mut args: Vec<String> = op
            .params
            .iter()
            .enumerate()
            .filter(|(i, p)| p.required && op.idempotency_key != Some(*i))
            .map(|(_, p)| format!("{}: {}", p.rust_name, short(&p.ty)))
            .collect();
        if let Some(b) = op.body.as_ref().filter(|b| b.required) {
            args.push(format!("body: {}", body(&b.content)));
        }
        let returns = returns(&op.success);
        let _ = writeln!(
            out,
            "\n### `{}({})` → `{}`\n\n`{} {}` (`{}`){}",
            op.method_name,
            args.join(", "),
            returns,
            op.method.as_str(),
            op.path,
            op.wire_id,
            if op.deprecated { ", deprecated" } else { "" }
        );
        let mut setters: Vec<String> = op
            .params
            .iter()
            .enumerate()
            .filter(|(i, p)| !p.required || op.idempotency_key == Some(*i))
            .map(|(i, p)| {
                let ty = if op.idempotency_key == Some(i) {
                    "IdempotencyKey".to_owned()
                } else {
                    short(&p.ty)
                };
                let place = match p.location {
                    ParamLocation::Path => "path",
                    ParamLocation::Query => "query",
                    ParamLocation::Header => "header",
                    ParamLocation::Cookie => "cookie",
                };
                format!("- `.{}({ty})` ({place} `{}`)", p.rust_name, p.wire_name)
            })
            .collect();
        if let Some(b) = op.body.as_ref().filter(|b| !b.required) {
            setters.push(format!("- `.body({})`", body(&b.content)));
        }
        if op.pagination.is_some() {
            setters.push("- `.pages()`, `.items()`: the pages, the items".to_owned());
        }
        if op.poll.is_some() {
            setters.push("- `.wait_until_terminal(PollOptions)`".to_owned());
        }
        if !setters.is_empty() {
            out.push('\n');
            for s in setters {
                let _ = writeln!(out, "{s}");
            }
        }
    }
    out.push_str("\n## Types\n");
    for def in api.types.values() {
        let name = crate::names::ident(&def.name).to_string();
        match &def.kind {
            TypeKind::Struct {
                fields, additional, ..
            } => {
                let _ = writeln!(out, "\n### `{name}` (struct)\n");
                for f in fields {
                    let _ = writeln!(out, "{}", field_line(f));
                }
                if let Some(a) = additional {
                    let _ = writeln!(
                        out,
                        "- `additional_properties: BTreeMap<String, {}>`",
                        short(a)
                    );
                }
                if fields.is_empty() && additional.is_none() {
                    out.push_str("- (no properties)\n");
                }
            }
            TypeKind::StringEnum {
                variants,
                catch_all,
                terminal,
            } => {
                let _ = writeln!(out, "\n### `{name}` (enum of strings)\n");
                for v in variants {
                    let end = if terminal.contains(&v.wire_name) {
                        " (final)"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "- `{}` = `{}`{end}",
                        crate::names::ident(&v.rust_name),
                        v.wire_name
                    );
                }
                let _ = writeln!(out, "- `{catch_all}(UnknownValue)`: any other value");
            }
            TypeKind::Newtype { inner, constraints } => {
                let rules = super::types::constraint_rules(constraints);
                let _ = writeln!(
                    out,
                    "\n### `{name}` (newtype of `{}`){}",
                    short(inner),
                    if rules.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", rules.join("; "))
                    }
                );
            }
            TypeKind::Alias { target, allowed } => {
                let _ = writeln!(out, "\n### `{name}` = `{}`", short(target));
                if !allowed.is_empty() {
                    let _ = writeln!(out, "\nAllowed: {}", allowed.join(", "));
                }
            }
            TypeKind::Union {
                variants,
                discriminator,
            } => {
                let _ = match discriminator {
                    Some(tag) => writeln!(out, "\n### `{name}` (one of, by `{tag}`)\n"),
                    None => writeln!(out, "\n### `{name}` (one of)\n"),
                };
                for v in variants {
                    let tags = if v.tags.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " ({})",
                            v.tags
                                .iter()
                                .map(|t| format!("`{t}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    let _ = writeln!(
                        out,
                        "- `{}({})`{tags}",
                        crate::names::ident(&v.rust_name),
                        short(&v.ty)
                    );
                }
            }
            TypeKind::Const { value } => {
                let _ = writeln!(out, "\n### `{name}` (always `{value}`)");
            }
        }
    }
    if !api.webhooks.is_empty() {
        out.push_str("\n## Webhooks\n\n");
        for w in &api.webhooks {
            let payload = match w.payload.as_ref().map(|p| &p.content) {
                Some(RequestContent::Json(t)) => short(t),
                Some(RequestContent::Text) => "String".to_owned(),
                _ => "Bytes".to_owned(),
            };
            let _ = writeln!(
                out,
                "- `Notification::{}({payload})`: `{}` ({})",
                crate::names::ident(&w.rust_name),
                w.wire_name,
                w.method.as_str()
            );
            if let Some(c) = &w.confirm {
                let op = &api.operations[c.operation];
                let values: Vec<String> = c
                    .args
                    .iter()
                    .map(|(i, v)| format!("`{}` = `{}`", op.params[*i].wire_name, v.expression()))
                    .collect();
                let compared: Vec<String> = c
                    .compared
                    .iter()
                    .map(|f| format!("`{}`", f.wire_name))
                    .collect();
                let _ = writeln!(
                    out,
                    "  - `confirm_{}(client, headers, body) -> Confirmed<{payload}, {}>`: `{}` ({}; link `{}`), comparing {}",
                    w.rust_name.to_snake_case(),
                    returns(&op.success),
                    op.wire_id,
                    values.join(", "),
                    c.link,
                    if compared.is_empty() {
                        "nothing".to_owned()
                    } else {
                        compared.join(", ")
                    }
                );
            }
        }
    }
    out
}
