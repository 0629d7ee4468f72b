//! What a change of the document changes for the generated crate's users.
//!
//! [`compare`] takes the models of two versions of a document and lists
//! every difference in the API's terms (an operation removed, a field
//! added, a rule tightened), each with its [`Impact`] on code written
//! against the older crate and the reason. [`next_version`] turns the
//! largest impact into the version the crate needs.
//!
//! The impacts follow what the generated code makes of each change:
//!
//! - **breaking**: code that compiled against the old crate may not compile
//!   against the new one (a method, type, field, variant or argument is
//!   gone or has another type; a constructor takes another argument);
//! - **compatible**: it still compiles; the crate has more (an operation, a
//!   setter, an optional field, an enum value: structs and enums are
//!   `#[non_exhaustive]`), or a call behaves differently where the API does
//!   (a rule the crate checks before sending, a default the server
//!   applies, a route);
//! - **internal**: nothing a program can observe (docs, summaries,
//!   examples).
//!
//! Things are matched by their names in the document (operationId,
//! parameter location and name, property name, enum value, schema name), so
//! a renamed thing is one removed and one added.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::emit::report::{body, field_type, response, returns, short};
use crate::model::{
    Api, Constraints, Field, Operation, ParamLocation, Parameter, RequestBody, ResponseBody,
    SuccessType, TypeDef, TypeKind, UnionVariant,
};

/// What a change means for code written against the old crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Nothing a program can observe: docs, summaries, examples.
    Internal,
    /// Code still compiles: the crate has more, or behaves as the API now does.
    Compatible,
    /// Code may no longer compile.
    Breaking,
}

impl Impact {
    /// The word used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Internal => "internal",
            Impact::Compatible => "compatible",
            Impact::Breaking => "breaking",
        }
    }
}

/// One difference between two versions of an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Its impact.
    pub impact: Impact,
    /// What changed, in the API's terms and the crate's (``operation
    /// `getPayment` (`get_payment`)``, ``field `Payment.order_id` (`orderID`)``).
    pub subject: String,
    /// How it changed (`removed`, ``maxLength 128 → 64``).
    pub what: String,
    /// Why it has its impact, in terms of the user's code.
    pub why: String,
}

/// Every difference between `old` and `new`, in the order of the crate:
/// crate-wide items, operations (in `new`'s order, then those removed),
/// types by name, webhooks.
pub fn compare(old: &Api, new: &Api) -> Vec<Change> {
    let requests = |api: &Api| crate::emit::validation::Validation::of(api).reachable;
    let mut out = Changes {
        list: Vec::new(),
        requests: requests(old).into_iter().chain(requests(new)).collect(),
    };
    crate_wide(&mut out, old, new);
    operations(&mut out, old, new);
    types(&mut out, old, new);
    webhooks(&mut out, old, new);
    out.list
}

/// The largest impact among `changes`, if there is any change.
pub fn largest(changes: &[Change]) -> Option<Impact> {
    changes.iter().map(|c| c.impact).max()
}

/// The version after `version` that a change of `impact` needs, by Cargo's
/// rules: from 1.0.0 on, breaking bumps the major, compatible the minor,
/// internal the patch; in 0.y.z (y > 0), breaking bumps y and the others z;
/// in 0.0.z every change bumps z. A pre-release or build suffix is dropped:
/// `2.0.0-rc.1` needing a patch becomes `2.0.0`.
pub fn next_version(version: &str, impact: Impact) -> Result<String, String> {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<u64> = core
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| format!("`{version}` is not a semantic version"))?;
    let [major, minor, patch] = parts[..] else {
        return Err(format!("`{version}` is not a semantic version"));
    };
    if core != version {
        // A pre-release of `core` is below it: releasing `core` is the bump.
        return Ok(core.to_owned());
    }
    Ok(match (major, minor, impact) {
        (0, 0, _) => format!("0.0.{}", patch + 1),
        (0, _, Impact::Breaking) => format!("0.{}.0", minor + 1),
        (0, _, _) => format!("0.{minor}.{}", patch + 1),
        (_, _, Impact::Breaking) => format!("{}.0.0", major + 1),
        (_, _, Impact::Compatible) => format!("{major}.{}.0", minor + 1),
        (_, _, Impact::Internal) => format!("{major}.{minor}.{}", patch + 1),
    })
}

/// `changes` as Markdown: a summary line and a table, for a pull request's
/// description or a changelog.
pub fn markdown(changes: &[Change]) -> String {
    let mut out = String::new();
    if changes.is_empty() {
        out.push_str("No change to the crate's API.\n");
        return out;
    }
    let _ = writeln!(out, "{}\n", summary(changes));
    out.push_str(&markdown_table(changes));
    out
}

/// `changes` as a Markdown table, the largest impact first.
pub fn markdown_table(changes: &[Change]) -> String {
    let mut out = String::new();
    out.push_str("| Impact | What | Change | Why |\n| --- | --- | --- | --- |\n");
    for c in sorted(changes) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            c.impact.as_str(),
            cell(&c.subject),
            cell(&c.what),
            cell(&c.why)
        );
    }
    out
}

/// `changes` as plain text, one per line, the largest impact first.
pub fn text(changes: &[Change]) -> String {
    let mut out = String::new();
    for c in sorted(changes) {
        let _ = writeln!(
            out,
            "  {:<10}  {}: {} ({})",
            c.impact.as_str(),
            c.subject,
            c.what,
            c.why
        );
    }
    out
}

/// "2 breaking, 1 compatible, 0 internal changes".
pub fn summary(changes: &[Change]) -> String {
    let count = |i| changes.iter().filter(|c| c.impact == i).count();
    format!(
        "{} breaking, {} compatible, {} internal change{}",
        count(Impact::Breaking),
        count(Impact::Compatible),
        count(Impact::Internal),
        if changes.len() == 1 { "" } else { "s" }
    )
}

/// The largest impact first; within one impact, the order of [`compare`].
fn sorted(changes: &[Change]) -> Vec<&Change> {
    let mut all: Vec<&Change> = changes.iter().collect();
    all.sort_by_key(|c| std::cmp::Reverse(c.impact));
    all
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

struct Changes {
    list: Vec<Change>,
    /// The types a request carries, in either version: the crate checks
    /// their rules before sending.
    requests: std::collections::BTreeSet<String>,
}

impl Changes {
    fn push(&mut self, impact: Impact, subject: &str, what: impl Into<String>, why: &str) {
        self.list.push(Change {
            impact,
            subject: subject.to_owned(),
            what: what.into(),
            why: why.to_owned(),
        });
    }
}

fn crate_wide(out: &mut Changes, old: &Api, new: &Api) {
    if old.version != new.version {
        out.push(
            Impact::Internal,
            "API version",
            format!("`{}` → `{}`", old.version, new.version),
            "shown in the docs and `API_VERSION`; the crate's version is decided by its changes",
        );
    }
    if old.base_url != new.base_url {
        out.push(
            Impact::Compatible,
            "default server",
            format!(
                "{} → {}",
                or_none(old.base_url.as_deref()),
                or_none(new.base_url.as_deref())
            ),
            "clients made without a base URL call the new server",
        );
    }
    let schemes = |api: &Api| -> Vec<String> {
        api.security_schemes
            .iter()
            .map(|s| format!("{} ({:?})", s.wire_name, s.kind))
            .collect()
    };
    if schemes(old) != schemes(new) {
        out.push(
            Impact::Compatible,
            "security schemes",
            format!("{} → {}", schemes(old).join(", "), schemes(new).join(", ")),
            "the client's credential setters stay; which header carries them changes",
        );
    }
    if old.lookaround != new.lookaround {
        out.push(
            Impact::Compatible,
            "feature `lookaround`",
            if new.lookaround {
                "on by default"
            } else {
                "off by default"
            },
            "whether patterns with look-around are checked unless the feature is chosen",
        );
    }
    // `ErrorBody` is an alias when the API has one error body type, an enum
    // (`#[non_exhaustive]`) when it has several.
    let bodies = |api: &Api| -> BTreeMap<String, String> {
        api.error_bodies
            .iter()
            .map(|v| (v.name.clone(), response(&v.body)))
            .collect()
    };
    let (before, after) = (bodies(old), bodies(new));
    if before == after {
        return;
    }
    let subject = "`ErrorBody`";
    if before.len() <= 1 || after.len() <= 1 {
        let shape = |b: &BTreeMap<String, String>| match b.len() {
            0 => "absent".to_owned(),
            1 => format!("= `{}`", b.values().next().map_or("", |v| v.as_str())),
            _ => format!(
                "an enum of {}",
                b.keys()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        out.push(
            Impact::Breaking,
            subject,
            format!("{} → {}", shape(&before), shape(&after)),
            "code that reads an error's body as the old type no longer compiles",
        );
        return;
    }
    for (name, ty) in &after {
        match before.get(name) {
            None => out.push(
                Impact::Compatible,
                subject,
                format!("variant `{name}({ty})` added"),
                "the enum is `#[non_exhaustive]`",
            ),
            Some(t) if t != ty => out.push(
                Impact::Breaking,
                subject,
                format!("variant `{name}`: `{t}` → `{ty}`"),
                "code that reads the variant's body no longer compiles",
            ),
            Some(_) => {}
        }
    }
    for name in before.keys().filter(|k| !after.contains_key(*k)) {
        out.push(
            Impact::Breaking,
            subject,
            format!("variant `{name}` removed"),
            "code that names it no longer compiles",
        );
    }
}

fn or_none(s: Option<&str>) -> String {
    s.map_or_else(|| "none".to_owned(), |s| format!("`{s}`"))
}

fn operations(out: &mut Changes, old: &Api, new: &Api) {
    let before: BTreeMap<&str, &Operation> = old
        .operations
        .iter()
        .map(|o| (o.wire_id.as_str(), o))
        .collect();
    let after: BTreeMap<&str, &Operation> = new
        .operations
        .iter()
        .map(|o| (o.wire_id.as_str(), o))
        .collect();
    for op in &new.operations {
        let subject = format!("operation `{}` (`{}`)", op.wire_id, op.method_name);
        match before.get(op.wire_id.as_str()) {
            None => out.push(
                Impact::Compatible,
                &subject,
                format!("added: `{} {}`", op.method.as_str(), op.path),
                &format!("a new method `Client::{}`", op.method_name),
            ),
            Some(was) => operation(out, &subject, was, op),
        }
    }
    for op in old
        .operations
        .iter()
        .filter(|o| !after.contains_key(o.wire_id.as_str()))
    {
        out.push(
            Impact::Breaking,
            &format!("operation `{}` (`{}`)", op.wire_id, op.method_name),
            format!("removed (was `{} {}`)", op.method.as_str(), op.path),
            &format!(
                "`Client::{}` and `{}` no longer exist",
                op.method_name, op.builder_name
            ),
        );
    }
}

fn operation(out: &mut Changes, subject: &str, old: &Operation, new: &Operation) {
    if old.method_name != new.method_name || old.builder_name != new.builder_name {
        out.push(
            Impact::Breaking,
            subject,
            format!(
                "renamed in Rust: `{}` → `{}`",
                old.method_name, new.method_name
            ),
            "code that calls the old name no longer compiles",
        );
    }
    if old.method != new.method || old.path != new.path {
        out.push(
            Impact::Compatible,
            subject,
            format!(
                "route `{} {}` → `{} {}`",
                old.method.as_str(),
                old.path,
                new.method.as_str(),
                new.path
            ),
            "the method is the same; the request goes to the new route",
        );
    }
    if old.deprecated != new.deprecated {
        out.push(
            Impact::Compatible,
            subject,
            if new.deprecated {
                "deprecated"
            } else {
                "no longer deprecated"
            },
            "documented as such; code still compiles",
        );
    }
    if old.summary != new.summary || old.description != new.description {
        out.push(
            Impact::Internal,
            subject,
            "description changed",
            "docs only",
        );
    }
    params(out, subject, old, new);
    request_body(out, subject, old.body.as_ref(), new.body.as_ref());
    let (r_old, r_new) = (returns(&old.success), returns(&new.success));
    if r_old != r_new {
        out.push(
            Impact::Breaking,
            subject,
            format!("returns `{r_old}` → `{r_new}`"),
            "code that uses the result as the old type no longer compiles",
        );
    } else if let (
        SuccessType::Enum {
            variants: v_old, ..
        },
        SuccessType::Enum {
            variants: v_new, ..
        },
    ) = (&old.success, &new.success)
    {
        let names = |v: &[(String, usize)], op: &Operation| -> BTreeMap<String, String> {
            v.iter()
                .map(|(n, i)| (n.clone(), response(&op.responses[*i].body)))
                .collect()
        };
        let (a, b) = (names(v_old, old), names(v_new, new));
        for (n, ty) in &b {
            match a.get(n) {
                None => out.push(
                    Impact::Compatible,
                    subject,
                    format!("success `{r_new}::{n}({ty})` added"),
                    "the enum is `#[non_exhaustive]`",
                ),
                Some(t) if t != ty => out.push(
                    Impact::Breaking,
                    subject,
                    format!("success `{r_new}::{n}`: `{t}` → `{ty}`"),
                    "code that reads it as the old type no longer compiles",
                ),
                Some(_) => {}
            }
        }
        for n in a.keys().filter(|n| !b.contains_key(*n)) {
            out.push(
                Impact::Breaking,
                subject,
                format!("success `{r_new}::{n}` removed"),
                "code that names it no longer compiles",
            );
        }
    }
    // The stream `stream()` asks for, beside the JSON `send()` decodes.
    let stream = |op: &Operation| {
        op.stream
            .clone()
            .map(|s| response(&ResponseBody::Stream(s)))
    };
    match (stream(old), stream(new)) {
        (None, Some(ty)) => out.push(
            Impact::Compatible,
            subject,
            format!("`stream()` added, returning `{ty}`"),
            "a method added to the request builder",
        ),
        (Some(ty), None) => out.push(
            Impact::Breaking,
            subject,
            format!("`stream()` removed (it returned `{ty}`)"),
            "code that calls it no longer compiles",
        ),
        (Some(a), Some(b)) if a != b => out.push(
            Impact::Breaking,
            subject,
            format!("`stream()` returns `{a}` → `{b}`"),
            "code that uses the stream's items as the old type no longer compiles",
        ),
        _ => {}
    }
    let statuses = |op: &Operation| -> BTreeMap<String, String> {
        op.responses
            .iter()
            .filter(|r| !r.status.is_success())
            .map(|r| (format!("{:?}", r.status), response(&r.body)))
            .collect()
    };
    let (e_old, e_new) = (statuses(old), statuses(new));
    for (status, ty) in &e_new {
        if e_old.get(status) != Some(ty) {
            out.push(
                Impact::Compatible,
                subject,
                format!(
                    "error response {} declared with `{ty}`",
                    status_text(status)
                ),
                "`Error::Api` now decodes that body; every failure is still `Error::Api`",
            );
        }
    }
    for status in e_old.keys().filter(|s| !e_new.contains_key(*s)) {
        out.push(
            Impact::Compatible,
            subject,
            format!("error response {} no longer declared", status_text(status)),
            "`Error::Api` keeps that body raw instead of decoding it",
        );
    }
    if old.security != new.security {
        out.push(
            Impact::Compatible,
            subject,
            "security requirements changed",
            "the same client sends the credentials the API now asks for",
        );
    }
    let flag = |was: bool, is: bool, what: &str, methods: &str| {
        (was != is).then(|| {
            if is {
                (
                    Impact::Compatible,
                    format!("{what} added"),
                    format!("new builder methods {methods}"),
                )
            } else {
                (
                    Impact::Breaking,
                    format!("{what} removed"),
                    format!("the builder methods {methods} no longer exist"),
                )
            }
        })
    };
    let found = [
        flag(
            old.pagination.is_some(),
            new.pagination.is_some(),
            "pagination",
            "`pages()` and `items()`",
        ),
        flag(
            old.poll.is_some(),
            new.poll.is_some(),
            "polling",
            "`wait_until_terminal()`",
        ),
        flag(
            old.idempotency_key.is_some(),
            new.idempotency_key.is_some(),
            "idempotency key",
            "`idempotency_key()` and `get_idempotency_key()`",
        ),
    ];
    for (impact, what, why) in found.into_iter().flatten() {
        out.push(impact, subject, what, &why);
    }
}

fn status_text(debug: &str) -> String {
    // `Code(404)`, `Range(4)`, `Default`.
    let inner = debug
        .trim_start_matches("Code(")
        .trim_start_matches("Range(")
        .trim_end_matches(')');
    if debug.starts_with("Range(") {
        format!("{inner}XX")
    } else if debug == "Default" {
        "`default`".to_owned()
    } else {
        inner.to_owned()
    }
}

/// The Rust face of a parameter: argument or setter, and its type.
fn param_face(op: &Operation, i: usize) -> (bool, String) {
    let p = &op.params[i];
    if op.idempotency_key == Some(i) {
        (false, "IdempotencyKey".to_owned())
    } else {
        (p.required, short(&p.ty))
    }
}

fn params(out: &mut Changes, subject: &str, old: &Operation, new: &Operation) {
    let key = |p: &Parameter| (p.location, p.wire_name.clone());
    let index = |op: &Operation| -> BTreeMap<(ParamLocation, String), usize> {
        op.params
            .iter()
            .enumerate()
            .map(|(i, p)| (key(p), i))
            .collect()
    };
    let (before, after) = (index(old), index(new));
    for (i, p) in new.params.iter().enumerate() {
        let place = location(p.location);
        let name = format!("{subject}, {place} parameter `{}`", p.wire_name);
        let (argument, ty) = param_face(new, i);
        let Some(&j) = before.get(&key(p)) else {
            if argument {
                out.push(
                    Impact::Breaking,
                    &name,
                    format!("added, required (`{}: {ty}`)", p.rust_name),
                    &format!("`Client::{}` takes a new argument", new.method_name),
                );
            } else {
                out.push(
                    Impact::Compatible,
                    &name,
                    format!("added, optional (`.{}({ty})`)", p.rust_name),
                    "a new setter; calls without it are unchanged",
                );
            }
            continue;
        };
        let q = &old.params[j];
        let (was_argument, was_ty) = param_face(old, j);
        if was_argument != argument {
            out.push(
                Impact::Breaking,
                &name,
                if argument {
                    "made required"
                } else {
                    "made optional"
                },
                if argument {
                    "a setter becomes an argument of the method"
                } else {
                    "an argument of the method becomes a setter"
                },
            );
        } else if was_ty != ty || q.rust_name != p.rust_name {
            out.push(
                Impact::Breaking,
                &name,
                format!("`{}: {was_ty}` → `{}: {ty}`", q.rust_name, p.rust_name),
                "code that passes the old type or name no longer compiles",
            );
        }
        rules(out, &name, true, &q.constraints, &p.constraints);
        if q.doc != p.doc {
            out.push(Impact::Internal, &name, "description changed", "docs only");
        }
    }
    for p in old.params.iter().filter(|p| !after.contains_key(&key(p))) {
        out.push(
            Impact::Breaking,
            &format!(
                "{subject}, {} parameter `{}`",
                location(p.location),
                p.wire_name
            ),
            "removed",
            if p.required {
                "the method takes one argument less"
            } else {
                "its setter no longer exists"
            },
        );
    }
}

fn location(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn request_body(
    out: &mut Changes,
    subject: &str,
    old: Option<&RequestBody>,
    new: Option<&RequestBody>,
) {
    let name = format!("{subject}, request body");
    match (old, new) {
        (None, None) => {}
        (None, Some(b)) => {
            if b.required {
                out.push(
                    Impact::Breaking,
                    &name,
                    format!("added, required (`{}`)", body(&b.content)),
                    "the method takes a new argument",
                );
            } else {
                out.push(
                    Impact::Compatible,
                    &name,
                    format!("added, optional (`.body({})`)", body(&b.content)),
                    "a new setter",
                );
            }
        }
        (Some(_), None) => out.push(
            Impact::Breaking,
            &name,
            "removed",
            "the body argument or setter no longer exists",
        ),
        (Some(a), Some(b)) => {
            if a.required != b.required {
                out.push(
                    Impact::Breaking,
                    &name,
                    if b.required {
                        "made required"
                    } else {
                        "made optional"
                    },
                    "the body moves between the method's arguments and a setter",
                );
            }
            let (ta, tb) = (body(&a.content), body(&b.content));
            if ta != tb {
                out.push(
                    Impact::Breaking,
                    &name,
                    format!("`{ta}` → `{tb}`"),
                    "code that passes the old type no longer compiles",
                );
            } else if a.media_type != b.media_type {
                out.push(
                    Impact::Compatible,
                    &name,
                    format!("sent as `{}` → `{}`", a.media_type, b.media_type),
                    "the same value, encoded as the API now asks",
                );
            }
            if a.doc != b.doc || a.examples != b.examples {
                out.push(
                    Impact::Internal,
                    &name,
                    "description or examples changed",
                    "docs only",
                );
            }
        }
    }
}

fn types(out: &mut Changes, old: &Api, new: &Api) {
    for (name, def) in &new.types {
        match old.types.get(name) {
            None => out.push(
                Impact::Compatible,
                &format!("type `{name}`"),
                format!("added ({})", kind_name(&def.kind)),
                "a new type",
            ),
            Some(was) => type_def(out, (old, new), was, def),
        }
    }
    for (name, def) in old
        .types
        .iter()
        .filter(|(n, _)| !new.types.contains_key(*n))
    {
        out.push(
            Impact::Breaking,
            &format!("type `{name}`"),
            format!("removed (was {})", kind_name(&def.kind)),
            "code that names it no longer compiles",
        );
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "a struct",
        TypeKind::StringEnum { .. } => "an enum of strings",
        TypeKind::Newtype { .. } => "a newtype",
        TypeKind::Alias { .. } => "an alias",
        TypeKind::Const { .. } => "a constant",
        TypeKind::Union { .. } => "a union",
    }
}

fn type_def(out: &mut Changes, apis: (&Api, &Api), old: &TypeDef, new: &TypeDef) {
    let subject = format!("type `{}`", new.name);
    if old.doc != new.doc {
        out.push(
            Impact::Internal,
            &subject,
            "description changed",
            "docs only",
        );
    }
    match (&old.kind, &new.kind) {
        (
            TypeKind::Struct {
                fields: f_old,
                additional: a_old,
                dependent_required: d_old,
            },
            TypeKind::Struct {
                fields: f_new,
                additional: a_new,
                dependent_required: d_new,
            },
        ) => {
            fields(out, apis, &new.name, f_old, f_new);
            let extra = |a: &Option<crate::model::TypeRef>| a.as_ref().map(short);
            match (extra(a_old), extra(a_new)) {
                (None, Some(t)) => out.push(
                    Impact::Compatible,
                    &subject,
                    format!(
                        "other properties kept (`additional_properties: BTreeMap<String, {t}>`)"
                    ),
                    "a new field; the struct is `#[non_exhaustive]`",
                ),
                (Some(_), None) => out.push(
                    Impact::Breaking,
                    &subject,
                    "other properties no longer kept",
                    "the field `additional_properties` no longer exists",
                ),
                (Some(a), Some(b)) if a != b => out.push(
                    Impact::Breaking,
                    &subject,
                    format!("other properties: `{a}` → `{b}`"),
                    "`additional_properties` has another type",
                ),
                _ => {}
            }
            if d_old != d_new {
                out.push(
                    Impact::Compatible,
                    &subject,
                    "dependent required properties changed",
                    "checked before sending; code still compiles",
                );
            }
        }
        (
            TypeKind::StringEnum {
                variants: v_old,
                terminal: t_old,
                catch_all: c_old,
            },
            TypeKind::StringEnum {
                variants: v_new,
                terminal: t_new,
                catch_all: c_new,
            },
        ) => {
            let index = |v: &[crate::model::EnumVariant]| -> BTreeMap<String, String> {
                v.iter()
                    .map(|v| (v.wire_name.clone(), v.rust_name.clone()))
                    .collect()
            };
            let (a, b) = (index(v_old), index(v_new));
            for (wire, rust) in &b {
                match a.get(wire) {
                    None => out.push(
                        Impact::Compatible,
                        &subject,
                        format!("value `{wire}` added (`{}::{rust}`)", new.name),
                        "the enum is `#[non_exhaustive]`; the old crate decoded it into its catch-all variant",
                    ),
                    Some(r) if r != rust => out.push(
                        Impact::Breaking,
                        &subject,
                        format!("value `{wire}`: variant `{r}` → `{rust}`"),
                        "code that names the old variant no longer compiles",
                    ),
                    Some(_) => {}
                }
            }
            for (wire, rust) in a.iter().filter(|(w, _)| !b.contains_key(*w)) {
                out.push(
                    Impact::Breaking,
                    &subject,
                    format!("value `{wire}` removed (`{}::{rust}`)", new.name),
                    "code that names the variant no longer compiles",
                );
            }
            if c_old != c_new {
                out.push(
                    Impact::Breaking,
                    &subject,
                    format!("catch-all variant `{c_old}` → `{c_new}`"),
                    "code that names the old variant no longer compiles",
                );
            }
            if t_old != t_new {
                out.push(
                    Impact::Compatible,
                    &subject,
                    format!(
                        "final values [{}] → [{}]",
                        t_old.join(", "),
                        t_new.join(", ")
                    ),
                    "`is_terminal()` and `wait_until_terminal()` stop at the new ones",
                );
            }
        }
        (
            TypeKind::Newtype {
                inner: i_old,
                constraints: c_old,
            },
            TypeKind::Newtype {
                inner: i_new,
                constraints: c_new,
            },
        ) => {
            if short(i_old) != short(i_new) {
                out.push(
                    Impact::Breaking,
                    &subject,
                    format!("wraps `{}` → `{}`", short(i_old), short(i_new)),
                    "its constructor and `into_inner` take and give another type",
                );
            }
            // A newtype with rules has a fallible constructor; without, an
            // infallible one.
            if c_old.has_rules() != c_new.has_rules() {
                out.push(
                    Impact::Breaking,
                    &subject,
                    if c_new.has_rules() {
                        "rules added"
                    } else {
                        "rules removed"
                    },
                    "`new` changes between returning the value and returning a `Result`",
                );
            }
            // A newtype keeps its rules however it is made, decoding included.
            rules(out, &subject, true, c_old, c_new);
        }
        (
            TypeKind::Alias {
                target: t_old,
                allowed: a_old,
            },
            TypeKind::Alias {
                target: t_new,
                allowed: a_new,
            },
        ) => {
            if short(t_old) != short(t_new) {
                out.push(
                    Impact::Breaking,
                    &subject,
                    format!("`{}` → `{}`", short(t_old), short(t_new)),
                    "code that uses it as the old type no longer compiles",
                );
            }
            for v in a_new.iter().filter(|v| !a_old.contains(v)) {
                out.push(
                    Impact::Compatible,
                    &subject,
                    format!("value {v} allowed (loosened)"),
                    "checked before sending; code still compiles",
                );
            }
            for v in a_old.iter().filter(|v| !a_new.contains(v)) {
                out.push(
                    Impact::Compatible,
                    &subject,
                    format!("value {v} no longer allowed (tightened)"),
                    "requests that carry it are refused before sending; code still compiles",
                );
            }
        }
        (TypeKind::Const { value: v_old }, TypeKind::Const { value: v_new }) => {
            if v_old != v_new {
                out.push(
                    Impact::Compatible,
                    &subject,
                    format!("value `{v_old}` → `{v_new}`"),
                    "the unit type stays; it sends and accepts the new value only",
                );
            }
        }
        (
            TypeKind::Union {
                variants: v_old,
                discriminator: d_old,
            },
            TypeKind::Union {
                variants: v_new,
                discriminator: d_new,
            },
        ) => {
            union(out, (&new.name, &subject), v_old, v_new);
            if d_old != d_new {
                out.push(
                    Impact::Compatible,
                    &subject,
                    format!(
                        "told apart by {} → {}",
                        or_none(d_old.as_deref()),
                        or_none(d_new.as_deref())
                    ),
                    "decoding picks the alternative another way; code still compiles",
                );
            }
        }
        (a, b) => out.push(
            Impact::Breaking,
            &subject,
            format!("{} → {}", kind_name(a), kind_name(b)),
            "code that uses the old shape no longer compiles",
        ),
    }
}

fn union(
    out: &mut Changes,
    (name, subject): (&str, &str),
    old: &[UnionVariant],
    new: &[UnionVariant],
) {
    let index = |v: &[UnionVariant]| -> BTreeMap<String, (String, Vec<String>)> {
        v.iter()
            .map(|v| (v.rust_name.clone(), (short(&v.ty), v.tags.clone())))
            .collect()
    };
    let (a, b) = (index(old), index(new));
    for (name, (ty, tags)) in &b {
        match a.get(name) {
            None => out.push(
                Impact::Compatible,
                subject,
                format!("alternative `{name}({ty})` added"),
                "the enum is `#[non_exhaustive]`",
            ),
            Some((t, _)) if t != ty => out.push(
                Impact::Breaking,
                subject,
                format!("alternative `{name}`: `{t}` → `{ty}`"),
                "code that builds or reads it as the old type no longer compiles",
            ),
            Some((_, g)) if g != tags => out.push(
                Impact::Compatible,
                subject,
                format!(
                    "alternative `{name}` selected by [{}] → [{}]",
                    g.join(", "),
                    tags.join(", ")
                ),
                "decoding and encoding use the new tag values",
            ),
            Some(_) => {}
        }
    }
    for name in a.keys().filter(|n| !b.contains_key(*n)) {
        out.push(
            Impact::Breaking,
            subject,
            format!("alternative `{name}` removed"),
            "code that names it no longer compiles",
        );
    }
    for v in new {
        if let Some(o) = old.iter().find(|o| o.rust_name == v.rust_name) {
            let checked = out.requests.contains(name);
            rules(
                out,
                &format!("{subject}, alternative `{}`", v.rust_name),
                checked,
                &o.constraints,
                &v.constraints,
            );
        }
    }
}

/// Whether the struct's constructor takes the field as an argument.
fn in_constructor(api: &Api, f: &Field) -> bool {
    !f.optional() && !constant(api, f)
}

fn fields(out: &mut Changes, apis: (&Api, &Api), ty: &str, old: &[Field], new: &[Field]) {
    let (old_api, new_api) = apis;
    // Flattened parts have no wire name: they are matched by Rust name.
    let key = |f: &Field| {
        if f.flatten {
            format!("..{}", f.rust_name)
        } else {
            f.wire_name.clone()
        }
    };
    let before: BTreeMap<String, &Field> = old.iter().map(|f| (key(f), f)).collect();
    let after: BTreeMap<String, &Field> = new.iter().map(|f| (key(f), f)).collect();
    for f in new {
        let subject = field_subject(ty, f);
        let Some(was) = before.get(&key(f)) else {
            let decl = format!("`{}: {}`", f.rust_name, field_type(f));
            if in_constructor(new_api, f) {
                out.push(
                    Impact::Breaking,
                    &subject,
                    format!("added, required ({decl})"),
                    &format!("`{ty}::new` takes it as a new argument"),
                );
            } else {
                out.push(
                    Impact::Compatible,
                    &subject,
                    format!("added, optional ({decl})"),
                    &format!("a new field and setter; `{ty}` is `#[non_exhaustive]` and `{ty}::new` is unchanged"),
                );
            }
            continue;
        };
        let (t_old, t_new) = (field_type(was), field_type(f));
        if was.rust_name != f.rust_name {
            out.push(
                Impact::Breaking,
                &subject,
                format!("Rust name `{}` → `{}`", was.rust_name, f.rust_name),
                "code that names the old field no longer compiles",
            );
        }
        if in_constructor(old_api, was) != in_constructor(new_api, f) {
            out.push(
                Impact::Breaking,
                &subject,
                if in_constructor(new_api, f) {
                    format!("made required (`{t_old}` → `{t_new}`)")
                } else {
                    format!("made optional (`{t_old}` → `{t_new}`)")
                },
                &if in_constructor(new_api, f) {
                    format!("the field's type changes, and `{ty}::new` takes it as a new argument")
                } else {
                    format!("the field's type changes, and `{ty}::new` no longer takes it")
                },
            );
        } else if t_old != t_new {
            out.push(
                Impact::Breaking,
                &subject,
                format!("`{t_old}` → `{t_new}`"),
                "code that uses the field as the old type no longer compiles",
            );
        } else if was.required != f.required {
            // Read-only or write-only: the Rust type stays an Option.
            out.push(
                Impact::Compatible,
                &subject,
                if f.required {
                    "made required"
                } else {
                    "made optional"
                },
                "its Rust type stays an `Option`; requests are checked as the API now asks",
            );
        }
        if (was.read_only, was.write_only) != (f.read_only, f.write_only) {
            out.push(
                Impact::Compatible,
                &subject,
                "read-only or write-only changed",
                "which direction must carry it changes; code still compiles",
            );
        }
        let checked = out.requests.contains(ty);
        rules(out, &subject, checked, &was.constraints, &f.constraints);
        if was.doc != f.doc {
            out.push(
                Impact::Internal,
                &subject,
                "description changed",
                "docs only",
            );
        }
    }
    for f in old.iter().filter(|f| !after.contains_key(&key(f))) {
        out.push(
            Impact::Breaking,
            &field_subject(ty, f),
            "removed",
            "code that reads or sets the field no longer compiles",
        );
    }
}

/// Whether a field's type has one value (a `const`), which the constructor
/// fills in.
fn constant(api: &Api, f: &Field) -> bool {
    matches!(&f.ty, crate::model::TypeRef::Named(n)
        if matches!(api.types.get(n).map(|d| &d.kind), Some(TypeKind::Const { .. })))
}

fn field_subject(ty: &str, f: &Field) -> String {
    if f.flatten || f.rust_name == f.wire_name {
        format!("field `{ty}.{}`", f.rust_name)
    } else {
        format!("field `{ty}.{}` (`{}`)", f.rust_name, f.wire_name)
    }
}

/// Each rule that differs, as one change: tightened, loosened, or changed.
/// `checked`: whether the crate checks the value (a request carries it, or
/// a newtype holds it); otherwise the rules are documentation.
fn rules(out: &mut Changes, subject: &str, checked: bool, old: &Constraints, new: &Constraints) {
    if old == new {
        return;
    }
    for (what, tighter) in rule_changes("", old, new) {
        if !checked {
            let why = if what.starts_with("default") {
                "documentation: only responses carry the value"
            } else {
                "documentation: only responses carry the value, and the crate does not check responses' rules"
            };
            let direction = match tighter {
                Some(true) => " (tightened)",
                Some(false) => " (loosened)",
                None => "",
            };
            out.push(Impact::Internal, subject, format!("{what}{direction}"), why);
            continue;
        }
        let (direction, why) = match tighter {
            Some(true) => (
                " (tightened)",
                "values the old rule let through are refused before sending; code still compiles",
            ),
            Some(false) => (
                " (loosened)",
                "values the old rule refused are sent; code still compiles",
            ),
            None if what.starts_with("default") => (
                "",
                "the server applies it when the value is absent; the crate sends nothing for it",
            ),
            None => ("", "checked before sending; code still compiles"),
        };
        out.push(
            Impact::Compatible,
            subject,
            format!("{what}{direction}"),
            why,
        );
    }
}

/// The rules that differ, each with whether it is tighter (`Some(true)`),
/// looser, or neither (a changed pattern, a default).
fn rule_changes(prefix: &str, old: &Constraints, new: &Constraints) -> Vec<(String, Option<bool>)> {
    let mut out = Vec::new();
    let show = |v: Option<f64>| v.map_or_else(|| "none".to_owned(), num);
    let count = |n: Option<usize>| n.map(|n| n as f64);
    // Bounds, lower ones first: a lower bound is tighter when larger, an
    // upper one when smaller, and either when it appears.
    let bounds = [
        (
            "minLength",
            count(old.min_length),
            count(new.min_length),
            true,
        ),
        ("minimum", bound(old.minimum), bound(new.minimum), true),
        ("minItems", count(old.min_items), count(new.min_items), true),
        (
            "minProperties",
            count(old.min_properties),
            count(new.min_properties),
            true,
        ),
        (
            "maxLength",
            count(old.max_length),
            count(new.max_length),
            false,
        ),
        ("maximum", bound(old.maximum), bound(new.maximum), false),
        (
            "maxItems",
            count(old.max_items),
            count(new.max_items),
            false,
        ),
        (
            "maxProperties",
            count(old.max_properties),
            count(new.max_properties),
            false,
        ),
    ];
    for (name, a, b, lower) in bounds {
        if a == b {
            continue;
        }
        let tighter = match (a, b) {
            (None, Some(_)) => true,
            (Some(x), Some(y)) => (y > x) == lower,
            _ => false,
        };
        out.push((
            format!("{prefix}{name} {} → {}", show(a), show(b)),
            Some(tighter),
        ));
    }
    // The same bound made exclusive is tighter; inclusive, looser.
    let excl = |b: Option<(f64, bool)>| b.is_some_and(|(_, e)| e);
    for (name, a, b) in [
        ("minimum", old.minimum, new.minimum),
        ("maximum", old.maximum, new.maximum),
    ] {
        if bound(a) == bound(b) && excl(a) != excl(b) {
            let made = if excl(b) { "exclusive" } else { "inclusive" };
            out.push((format!("{prefix}{name} made {made}"), Some(excl(b))));
        }
    }
    let mut changed = |name: &str, a: Option<String>, b: Option<String>| {
        if a != b {
            let tighter = match (&a, &b) {
                (None, Some(_)) => Some(true),
                (Some(_), None) => Some(false),
                _ => None,
            };
            let quote =
                |v: Option<String>| v.map_or_else(|| "none".to_owned(), |v| format!("`{v}`"));
            out.push((
                format!("{prefix}{name} {} → {}", quote(a), quote(b)),
                tighter,
            ));
        }
    };
    changed("pattern", old.pattern.clone(), new.pattern.clone());
    changed("format", old.format.clone(), new.format.clone());
    changed(
        "multipleOf",
        old.multiple_of.map(num),
        new.multiple_of.map(num),
    );
    if old.unique_items != new.unique_items {
        out.push((
            format!(
                "{prefix}uniqueItems {} → {}",
                old.unique_items, new.unique_items
            ),
            Some(new.unique_items),
        ));
    }
    if old.one_of != new.one_of {
        let loosened = old.one_of.iter().all(|v| new.one_of.contains(v)) && !old.one_of.is_empty();
        let tightened = new.one_of.iter().all(|v| old.one_of.contains(v)) && !new.one_of.is_empty();
        out.push((
            format!("{prefix}allowed values changed"),
            match (tightened, loosened) {
                (true, false) => Some(true),
                (false, true) => Some(false),
                _ => None,
            },
        ));
    }
    let nested = |c: &Option<Box<Constraints>>| c.as_deref().cloned().unwrap_or_default();
    if old.items != new.items {
        let (a, b) = (nested(&old.items), nested(&new.items));
        out.extend(rule_changes(&format!("{prefix}each item's "), &a, &b));
    }
    if old.keys != new.keys {
        let (a, b) = (nested(&old.keys), nested(&new.keys));
        out.extend(rule_changes(&format!("{prefix}each key's "), &a, &b));
    }
    if old.default != new.default {
        out.push((
            format!(
                "{prefix}default {} → {}",
                old.default
                    .as_deref()
                    .map_or("none".to_owned(), |d| format!("`{d}`")),
                new.default
                    .as_deref()
                    .map_or("none".to_owned(), |d| format!("`{d}`"))
            ),
            None,
        ));
    }
    out
}

fn bound(b: Option<(f64, bool)>) -> Option<f64> {
    b.map(|(v, _)| v)
}

/// A number as a document writes it: `900`, not `900.0`.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn webhooks(out: &mut Changes, old: &Api, new: &Api) {
    let payload = |w: &crate::model::Webhook| {
        w.payload
            .as_ref()
            .map_or_else(|| "Bytes".to_owned(), |p| body(&p.content))
    };
    for w in &new.webhooks {
        let subject = format!(
            "webhook `{}` (`Notification::{}`)",
            w.wire_name, w.rust_name
        );
        match old.webhooks.iter().find(|o| o.wire_name == w.wire_name) {
            None => out.push(
                Impact::Compatible,
                &subject,
                "added",
                "`Notification` is `#[non_exhaustive]`; a new `decode_` function",
            ),
            Some(o) => {
                let (a, b) = (payload(o), payload(w));
                if a != b || o.rust_name != w.rust_name {
                    out.push(
                        Impact::Breaking,
                        &subject,
                        format!("`{}({a})` → `{}({b})`", o.rust_name, w.rust_name),
                        "code that matches or decodes it as the old type no longer compiles",
                    );
                }
                if o.headers != w.headers || o.discriminator != w.discriminator {
                    out.push(
                        Impact::Compatible,
                        &subject,
                        "required headers or the value that names it changed",
                        "`decode` recognizes it as the API now sends it",
                    );
                }
                confirm(out, &subject, (old, o), (new, w));
            }
        }
        if !old.webhooks.iter().any(|o| o.wire_name == w.wire_name) && w.confirm.is_some() {
            confirm(out, &subject, (old, &no_confirm(w)), (new, w));
        }
    }
    for w in old
        .webhooks
        .iter()
        .filter(|o| !new.webhooks.iter().any(|w| w.wire_name == o.wire_name))
    {
        out.push(
            Impact::Breaking,
            &format!(
                "webhook `{}` (`Notification::{}`)",
                w.wire_name, w.rust_name
            ),
            "removed",
            "code that names its variant or `decode_` function no longer compiles",
        );
    }
}

/// `w` as it would be without a link that confirms it.
fn no_confirm(w: &crate::model::Webhook) -> crate::model::Webhook {
    crate::model::Webhook {
        confirm: None,
        ..w.clone()
    }
}

/// The change of a webhook's confirming function (`confirm_<webhook>`, from
/// the link on its success response).
fn confirm(
    out: &mut Changes,
    subject: &str,
    (old_api, old): (&Api, &crate::model::Webhook),
    (new_api, new): (&Api, &crate::model::Webhook),
) {
    use heck::ToSnakeCase;
    let function = |w: &crate::model::Webhook| format!("`confirm_{}`", w.rust_name.to_snake_case());
    let target = |api: &Api, c: &crate::model::Confirm| {
        let op = &api.operations[c.operation];
        (op.wire_id.clone(), returns(&op.success))
    };
    match (&old.confirm, &new.confirm) {
        (None, None) => {}
        (None, Some(c)) => out.push(
            Impact::Compatible,
            subject,
            format!(
                "confirmed with the API: {} (link `{}` to `{}`)",
                function(new),
                c.link,
                new_api.operations[c.operation].wire_id
            ),
            "a new function; `WebhookError`, `#[non_exhaustive]`, gains the variants `MissingValue` and `Confirm`",
        ),
        (Some(_), None) => out.push(
            Impact::Breaking,
            subject,
            format!("{} removed (the document links no operation that confirms it)", function(old)),
            "code that calls it no longer compiles",
        ),
        (Some(a), Some(b)) => {
            let (from, to) = (target(old_api, a), target(new_api, b));
            if from.1 != to.1 || function(old) != function(new) {
                out.push(
                    Impact::Breaking,
                    subject,
                    format!("{} now returns what `{}` answers ({} → {})", function(new), to.0, from.1, to.1),
                    "code that reads the answer as the old type no longer compiles",
                );
            } else if from.0 != to.0 || a.args != b.args {
                out.push(
                    Impact::Compatible,
                    subject,
                    format!(
                        "{} reads `{}` with the values link `{}` now gives",
                        function(new),
                        to.0,
                        b.link
                    ),
                    "the same function and types; the call it makes changed",
                );
            } else if a.compared != b.compared {
                let names = |list: &[crate::model::ComparedField], other: &[crate::model::ComparedField]| {
                    list.iter()
                        .filter(|f| !other.iter().any(|o| o.wire_name == f.wire_name))
                        .map(|f| format!("`{}`", f.wire_name))
                        .collect::<Vec<_>>()
                };
                let (added, removed) = (names(&b.compared, &a.compared), names(&a.compared, &b.compared));
                let mut what = Vec::new();
                if !added.is_empty() {
                    what.push(format!("compares {} too", added.join(", ")));
                }
                if !removed.is_empty() {
                    what.push(format!("no longer compares {}", removed.join(", ")));
                }
                if what.is_empty() {
                    what.push("compares the shared properties as they now are".to_owned());
                }
                out.push(
                    Impact::Compatible,
                    subject,
                    format!("{} {}", function(new), what.join(" and ")),
                    "the same function and types; only what counts as a difference changed",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        let next = |v, i| next_version(v, i).unwrap();
        assert_eq!(next("1.2.3", Impact::Breaking), "2.0.0");
        assert_eq!(next("1.2.3", Impact::Compatible), "1.3.0");
        assert_eq!(next("1.2.3", Impact::Internal), "1.2.4");
        assert_eq!(next("0.4.1", Impact::Breaking), "0.5.0");
        assert_eq!(next("0.4.1", Impact::Compatible), "0.4.2");
        assert_eq!(next("0.4.1", Impact::Internal), "0.4.2");
        assert_eq!(next("0.0.3", Impact::Compatible), "0.0.4");
        assert_eq!(next("0.0.3", Impact::Breaking), "0.0.4");
        assert_eq!(next("2.0.0-rc.1", Impact::Breaking), "2.0.0");
        assert!(next_version("1.0", Impact::Internal).is_err());
        assert!(next_version("v1.0.0", Impact::Internal).is_err());
    }

    #[test]
    fn rules_say_which_way() {
        let a = Constraints {
            max_length: Some(128),
            minimum: Some((900.0, false)),
            ..Constraints::default()
        };
        let b = Constraints {
            max_length: Some(64),
            minimum: Some((600.0, false)),
            pattern: Some("^x".into()),
            default: Some("3600".into()),
            ..Constraints::default()
        };
        let got = rule_changes("", &a, &b);
        assert_eq!(
            got,
            vec![
                ("minimum 900 → 600".to_owned(), Some(false)),
                ("maxLength 128 → 64".to_owned(), Some(true)),
                ("pattern none → `^x`".to_owned(), Some(true)),
                ("default none → `3600`".to_owned(), None),
            ]
        );
    }
}
