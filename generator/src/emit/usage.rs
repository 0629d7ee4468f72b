//! A quickstart made from the document: the operations in document order,
//! called with the document's own example values. The crate's README, its
//! rustdoc (as a doctest, so it is compiled) and `examples/quickstart.rs` (a
//! program that runs against the API or a mock of it) all show it.
//!
//! An operation is left out when an input it needs has no example, or has a
//! shape the synthesizer does not write (a union, arbitrary JSON); at most
//! [`MAX_STEPS`] calls are shown.

use serde_json::Value;

use crate::model::{
    Api, Example, Operation, ParamLocation, Primitive, ResponseBody, SecurityKind, SuccessType,
    TypeKind, TypeRef,
};
use crate::names::snake;

/// The most calls a quickstart shows.
pub const MAX_STEPS: usize = 8;

/// The quickstart of one API.
#[derive(Debug, Clone)]
pub struct Quickstart {
    /// Statements that make `client` from the environment, for the README.
    pub setup: String,
    /// The same for the example program, which may be sent to another server.
    pub example_setup: String,
    /// The calls.
    pub steps: Vec<Step>,
    /// The environment variables the example program reads, with what each is.
    pub env: Vec<(String, String)>,
    /// The types of the `types` module the quickstart names, which the
    /// crate's prelude re-exports (those whose names the prelude's own items
    /// take are named by path instead).
    pub prelude_types: Vec<String>,
}

/// What the crate's prelude holds besides the quickstart's types: a type of
/// the document with one of these names is named by its path.
pub const PRELUDE: &[&str] = &[
    "Client",
    "Error",
    "IdempotencyKey",
    "PollOptions",
    "ResponseValue",
    "RetryPolicy",
];

/// One call.
#[derive(Debug, Clone)]
pub struct Step {
    /// What it does, one line.
    pub comment: String,
    /// The statements.
    pub code: String,
    /// For a wait: the statements before the `match`, the `match` head, and
    /// its arm for a value that is final; the arm for one that is not yet
    /// holds the actions that only an open resource allows.
    wait: Option<Wait>,
    /// Whether the call acts on a resource an earlier call made (a method
    /// other than GET on its id): such a call goes where the wait found the
    /// resource still open.
    acts: bool,
}

#[derive(Debug, Clone)]
struct Wait {
    head: String,
    done_arm: String,
}

impl Quickstart {
    /// The setup and the steps, as the body of a function that returns
    /// `Result<(), Box<dyn std::error::Error>>`.
    pub fn body(&self, example: bool) -> String {
        let mut out = if example {
            self.example_setup.clone()
        } else {
            self.setup.clone()
        };
        for step in &self.steps {
            out.push('\n');
            out.push_str(&format!("// {}\n", step.comment));
            out.push_str(&step.code);
        }
        out
    }

    /// The example program, `examples/quickstart.rs` (without its header).
    pub fn example_file(&self, crate_ident: &str) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "//! The quickstart of the `{crate_ident}` crate's README, as a program.\n//!\n"
        ));
        out.push_str("//! It reads:\n");
        for (name, what) in &self.env {
            out.push_str(&format!("//! - `{name}`: {what}\n"));
        }
        out.push_str("//!\n//! Run it with `cargo run --example quickstart`.\n\n");
        out.push_str(
            "#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {\n",
        );
        for line in self.body(true).lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push_str("    Ok(())\n}\n");
        out
    }

    /// The quickstart as a `no_run` doctest for the crate's docs.
    pub fn doctest(&self) -> String {
        let mut out = String::from(
            "```no_run\n# async fn quickstart() -> Result<(), Box<dyn std::error::Error>> {\n",
        );
        out.push_str(&self.body(false));
        out.push_str("# Ok(())\n# }\n```");
        out
    }
}

/// The quickstart of `api`, in crate `crate_ident`.
pub fn quickstart(api: &Api, crate_ident: &str) -> Quickstart {
    let env_prefix = crate_ident.to_ascii_uppercase();
    let mut synth = Synth {
        api,
        krate: crate_ident,
        ids: Vec::new(),
        used: std::collections::BTreeSet::new(),
        key_explained: false,
    };
    let (setup, example_setup, mut env) = client_setup(api, &env_prefix);
    // Polling is shown on the operation with the smallest response that can
    // wait (a status endpoint rather than the whole resource).
    let poller = api
        .operations
        .iter()
        .filter(|op| op.poll.is_some())
        .min_by_key(|op| synth.field_count(op))
        .map(|op| op.wire_id.clone());
    // Things are made before they are read: operations that create (a POST
    // to a path without parameters) come first, the rest in document order.
    let creates =
        |op: &&Operation| op.method == crate::model::HttpMethod::Post && !op.path.contains('{');
    let ordered = api
        .operations
        .iter()
        .filter(creates)
        .chain(api.operations.iter().filter(|op| !creates(op)));
    let mut steps: Vec<Step> = Vec::new();
    for op in ordered {
        if steps.len() >= MAX_STEPS {
            break;
        }
        let wait = poller.as_deref() == Some(op.wire_id.as_str());
        steps.extend(synth.steps(op, wait));
    }
    let uses_wait = steps.iter().any(|s| s.wait.is_some());
    let steps = nest_actions(steps);
    let imports = format!("use {crate_ident}::prelude::*;\n");
    let (setup, example_setup) = (
        format!("{imports}\n{setup}"),
        format!("{imports}\n{example_setup}"),
    );
    let (setup, example_setup) = if uses_wait {
        env.push((
            format!("{env_prefix}_WAIT_SECONDS"),
            "how long to wait for a final status (default: 15 minutes)".to_owned(),
        ));
        (
            format!("{setup}let wait = PollOptions::default();\n"),
            format!(
                "{example_setup}let wait = match std::env::var(\"{env_prefix}_WAIT_SECONDS\") {{\n    Ok(seconds) => PollOptions::default()\n        .with_deadline(std::time::Duration::from_secs(seconds.parse()?)),\n    Err(_) => PollOptions::default(),\n}};\n"
            ),
        )
    } else {
        (setup, example_setup)
    };
    Quickstart {
        setup,
        example_setup,
        steps,
        env,
        prelude_types: synth.used.into_iter().collect(),
    }
}

/// Moves the actions on a resource that follow a wait into the wait's arm
/// for a resource that is not final yet: an action such as a cancellation is
/// only allowed on an open resource, and the quickstart must succeed
/// whichever state the resource reaches.
fn nest_actions(steps: Vec<Step>) -> Vec<Step> {
    let Some(at) = steps.iter().position(|s| s.wait.is_some()) else {
        return steps;
    };
    let mut out = Vec::new();
    let mut nested = Vec::new();
    for (i, step) in steps.into_iter().enumerate() {
        if i > at && step.acts {
            nested.push(step);
        } else {
            out.push(step);
        }
    }
    let wait_step = &mut out[at];
    let wait = wait_step.wait.take().expect("the wait step");
    let mut open_arm = String::new();
    if !nested.is_empty() {
        open_arm.push_str("// Still open: the actions only an open resource allows.\n");
    }
    open_arm.push_str("println!(\"not final yet: {t}\");\n");
    for step in &nested {
        open_arm.push_str(&format!("// {}\n", step.comment));
        open_arm.push_str(&step.code);
    }
    let open_arm = indent(&open_arm, 8);
    wait_step.code = format!(
        "{head}{{\n    {done}\n    Err(Error::Timeout(t)) => {{\n{open_arm}    }}\n    Err(e) => return Err(e.into()),\n}}\n",
        head = wait.head,
        done = wait.done_arm,
    );
    out
}

/// `text` with every non-empty line indented by `n` spaces.
fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    let mut out = String::new();
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// How the README and the example make the client.
pub(super) fn client_setup(api: &Api, env: &str) -> (String, String, Vec<(String, String)>) {
    let mut vars = Vec::new();
    let mut creds = String::new();
    let kinds: Vec<&SecurityKind> = api.security_schemes.iter().map(|s| &s.kind).collect();
    let bearer = kinds.contains(&&SecurityKind::Bearer);
    if bearer {
        vars.push((format!("{env}_TOKEN"), "the bearer token".to_owned()));
        creds.push_str(&format!(
            "\n    .bearer_token(std::env::var(\"{env}_TOKEN\")?)"
        ));
    } else if kinds.iter().any(|k| {
        matches!(
            k,
            SecurityKind::ApiKeyHeader(_)
                | SecurityKind::ApiKeyQuery(_)
                | SecurityKind::ApiKeyCookie(_)
        )
    }) {
        vars.push((format!("{env}_API_KEY"), "the API key".to_owned()));
        creds.push_str(&format!(
            "\n    .api_key(std::env::var(\"{env}_API_KEY\")?)"
        ));
    } else if kinds.contains(&&SecurityKind::Basic) {
        vars.push((format!("{env}_USER"), "the user name".to_owned()));
        vars.push((format!("{env}_PASSWORD"), "the password".to_owned()));
        creds.push_str(&format!(
            "\n    .basic_auth(std::env::var(\"{env}_USER\")?, std::env::var(\"{env}_PASSWORD\").ok())"
        ));
    }
    let https = api
        .base_url
        .as_deref()
        .filter(|u| u.starts_with("https://"));
    let readme = match (https, bearer) {
        (Some(_), true) => {
            format!("let client = Client::new(std::env::var(\"{env}_TOKEN\")?)?;\n")
        }
        (Some(_), false) => {
            format!("let client = Client::builder(){creds}\n    .build()?;\n")
        }
        (None, _) => format!(
            "let client = Client::builder()\n    .base_url(std::env::var(\"{env}_BASE_URL\")?){creds}\n    .build()?;\n"
        ),
    };
    let example = if https.is_some() {
        vars.push((
            format!("{env}_BASE_URL"),
            format!(
                "another server than {}, such as a local mock (plain http is then allowed)",
                api.base_url.as_deref().unwrap_or_default()
            ),
        ));
        format!(
            "let mut builder = Client::builder(){creds};\nif let Ok(url) = std::env::var(\"{env}_BASE_URL\") {{\n    builder = builder.base_url(url).allow_http(true);\n}}\nlet client = builder.build()?;\n"
        )
    } else {
        vars.push((
            format!("{env}_BASE_URL"),
            "the server (plain http is allowed)".to_owned(),
        ));
        format!(
            "let client = Client::builder()\n    .base_url(std::env::var(\"{env}_BASE_URL\")?)\n    .allow_http(true){creds}\n    .build()?;\n"
        )
    };
    (readme, example, vars)
}

struct Synth<'a> {
    api: &'a Api,
    krate: &'a str,
    /// Variables of earlier responses with a required `id`, and its type.
    ids: Vec<(String, TypeRef)>,
    /// The types the steps name, imported once at the top.
    used: std::collections::BTreeSet<String>,
    /// Whether a step has said what the idempotency key is for.
    key_explained: bool,
}

impl Synth<'_> {
    fn field_count(&self, op: &Operation) -> usize {
        match &op.success {
            SuccessType::Single(ResponseBody::Json(TypeRef::Named(n))) => {
                match self.api.types.get(n).map(|d| &d.kind) {
                    Some(TypeKind::Struct { fields, .. }) => fields.len(),
                    _ => usize::MAX,
                }
            }
            _ => usize::MAX,
        }
    }

    /// The calls of `op`: one per example body (or one without a body).
    fn steps(&mut self, op: &Operation, wait: bool) -> Vec<Step> {
        let bodies: Vec<Option<&Example>> = match &op.body {
            Some(b) if b.required => b.examples.iter().map(Some).collect(),
            _ => vec![None],
        };
        let summary = op
            .summary
            .as_deref()
            .or(op.description.as_deref())
            .and_then(|s| s.lines().map(str::trim).find(|l| !l.is_empty()))
            .unwrap_or(&op.wire_id)
            .trim_end_matches('.')
            .to_owned();
        let mut out = Vec::new();
        for body in bodies {
            let comment = match (body.and_then(|b| b.summary.as_deref()), &op.poll) {
                (Some(s), _) if bodies_len(op) > 1 => format!("{summary}: {s}."),
                (_, Some(poll)) if wait => {
                    format!("{summary}: wait until `{}` is final.", poll.field)
                }
                _ => format!("{summary}."),
            };
            if let Some(step) = self.call(op, body, wait, comment) {
                out.push(step);
            }
        }
        out
    }

    fn call(
        &mut self,
        op: &Operation,
        body: Option<&Example>,
        wait: bool,
        comment: String,
    ) -> Option<Step> {
        let mut args = Vec::new();
        let mut setters = Vec::new();
        let mut pre = String::new();
        let mut acts = false;
        for (i, p) in op.params.iter().enumerate() {
            let is_cursor = op
                .pagination
                .as_ref()
                .is_some_and(|pg| pg.cursor_param == i);
            if op.idempotency_key == Some(i) {
                // The builder makes the key; the call shows how to keep it.
                continue;
            }
            if p.required {
                let reused = (p.location == ParamLocation::Path)
                    .then(|| {
                        self.ids
                            .iter()
                            .rev()
                            .find(|(_, ty)| *ty == p.ty)
                            .map(|(var, ty)| id_argument(var, ty))
                    })
                    .flatten();
                acts |= reused.is_some() && op.method != crate::model::HttpMethod::Get;
                let value = match reused {
                    Some(v) => v,
                    None => self.expr(&p.ty, p.example.as_ref()?, true)?,
                };
                args.push(value);
            } else if !is_cursor
                && p.location == ParamLocation::Query
                && let Some(example) = &p.example
                && let Some(value) = self.expr(&p.ty, example, true)
            {
                setters.push(format!(".{}({value})", p.rust_name));
            }
        }
        if let Some(b) = op.body.as_ref().filter(|b| b.required) {
            let ty = b.content.ty()?;
            let value = self.expr(ty, &body?.value, true)?;
            pre.push_str(&format_let("body", &value)?);
            args.push("body".to_owned());
        }
        let mut call = if setters.is_empty() {
            format!("client.{}({})", op.method_name, args.join(", "))
        } else {
            format!(
                "client\n    .{}({}){}",
                op.method_name,
                args.join(", "),
                setters
                    .iter()
                    .map(|s| format!("\n    {s}"))
                    .collect::<String>()
            )
        };
        if op.idempotency_key.is_some() {
            if !self.key_explained {
                pre.push_str(
                    "// The request holds its idempotency key from the start: keep it with\n// your record of the operation, and if the outcome is unknown (a\n// timeout, a crash), send the same request again with the same key:\n// the server acts once.\n",
                );
                self.key_explained = true;
            }
            pre.push_str(&format!(
                "let request = {call};\nprintln!(\"idempotency key: {{}}\", request.get_idempotency_key());\n"
            ));
            call = "request".to_owned();
        }
        let awaited = |call: &str| {
            if call.contains('\n') {
                format!("{call}\n    .await")
            } else {
                format!("{call}.await")
            }
        };
        let var_type = match &op.success {
            SuccessType::Single(ResponseBody::Json(TypeRef::Named(n))) => Some(n.clone()),
            _ => None,
        };
        let step = |code: String, wait: Option<Wait>| Step {
            comment: comment.clone(),
            code,
            wait,
            acts,
        };
        if let Some(pg) = &op.pagination {
            let item = match &pg.item {
                TypeRef::Named(n) => var_name(n),
                _ => "item".to_owned(),
            };
            let items = format!("{item}s");
            return Some(step(
                format!(
                    "{pre}// Every item of every page: the client fetches the next page as the\n// loop reaches it (`{items}.cursor()` tells where to resume).\nlet mut {items} = {call}\n    .items();\nwhile let Some({item}) = {items}.next().await {{\n    println!(\"{{:?}}\", {item}?);\n}}\n"
                ),
                None,
            ));
        }
        if let SuccessType::Single(ResponseBody::Stream(stream)) = &op.success {
            let (items, item) = match stream.framing {
                crate::model::Framing::ServerSentEvents => ("events", "event"),
                _ => ("items", "item"),
            };
            return Some(step(
                format!(
                    "{pre}// A stream, read as the server sends it: here, its first {item}s.\nlet mut {items} = {}?;\nfor _ in 0..3 {{\n    match {items}.next().await {{\n        Some({item}) => println!(\"{{:?}}\", {item}?),\n        None => break,\n    }}\n}}\n",
                    awaited(&call)
                ),
                None,
            ));
        }
        if wait {
            let poll = op.poll.as_ref()?;
            let var = self.bind(var_type.as_deref());
            // A chain of calls: one per line.
            let call = match call.strip_prefix("client.") {
                Some(rest) if !call.contains('\n') => format!("client\n    .{rest}"),
                _ => call,
            };
            let head = format!(
                "{pre}match {}\n",
                awaited(&format!("{call}\n    .wait_until_terminal(wait)"))
            );
            let done_arm = format!(
                "Ok({var}) => println!(\"final: {{:?}}\", {var}.{}),",
                poll.field
            );
            return Some(step(String::new(), Some(Wait { head, done_arm })));
        }
        // An action that the resource's state may forbid (a conflict, 409)
        // is answered without failing: the resource changed meanwhile.
        let conflict = acts
            && op
                .responses
                .iter()
                .any(|r| r.status == crate::model::StatusMatch::Code(409));
        let code = match var_type {
            Some(ty) if conflict => {
                let var = self.bind(Some(&ty));
                format!(
                    "{pre}match {} {{\n    Ok({var}) => println!(\"{{:?}}\", *{var}),\n    // The resource reached a state that does not allow this meanwhile.\n    Err(Error::Api(e)) if e.status == 409 => println!(\"not allowed any more: {{e}}\"),\n    Err(e) => return Err(e.into()),\n}}\n",
                    awaited(&call)
                )
            }
            Some(ty) => {
                let var = self.bind(Some(&ty));
                format!(
                    "{pre}let {var} = {}?;\nprintln!(\"{{:?}}\", *{var});\n",
                    awaited(&call)
                )
            }
            None if conflict => format!(
                "{pre}match {} {{\n    Ok(response) => println!(\"{{}}\", response.http_status()),\n    // The resource reached a state that does not allow this meanwhile.\n    Err(Error::Api(e)) if e.status == 409 => println!(\"not allowed any more: {{e}}\"),\n    Err(e) => return Err(e.into()),\n}}\n",
                awaited(&call)
            ),
            None => format!(
                "{pre}let response = {}?;\nprintln!(\"{{}}\", response.http_status());\n",
                awaited(&call)
            ),
        };
        Some(step(code, None))
    }

    /// The variable for a response of type `ty` (earlier ones of the same
    /// type are shadowed); remembered as a source of ids when the type has a
    /// required `id`.
    fn bind(&mut self, ty: Option<&str>) -> String {
        let Some(ty) = ty else {
            return "response".to_owned();
        };
        let var = var_name(ty);
        if let Some(TypeKind::Struct { fields, .. }) = self.api.types.get(ty).map(|d| &d.kind)
            && let Some(id) = fields
                .iter()
                .find(|f| f.wire_name == "id" && !f.optional() && f.rust_name == "id")
        {
            self.ids.push((var.clone(), id.ty.clone()));
        }
        var
    }

    /// A Rust expression of type `ty` (or, with `into`, of a type that
    /// converts into it) for the JSON `value`.
    fn expr(&mut self, ty: &TypeRef, value: &Value, into: bool) -> Option<String> {
        let k = self.krate;
        match ty {
            TypeRef::Primitive(p) => primitive(*p, value, into, k),
            TypeRef::Nullable(inner) => {
                if value.is_null() {
                    Some("None".to_owned())
                } else {
                    Some(format!("Some({})", self.expr(inner, value, false)?))
                }
            }
            TypeRef::Boxed(inner) => Some(format!("Box::new({})", self.expr(inner, value, false)?)),
            TypeRef::Array(inner) => {
                let items = value
                    .as_array()?
                    .iter()
                    .map(|v| self.expr(inner, v, false))
                    .collect::<Option<Vec<_>>>()?;
                Some(format!("vec![{}]", items.join(", ")))
            }
            TypeRef::Map(inner) => {
                let pairs = value
                    .as_object()?
                    .iter()
                    .map(|(key, v)| {
                        Some(format!(
                            "({key:?}.to_owned(), {})",
                            self.expr(inner, v, false)?
                        ))
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(if into {
                    format!("[{}]", pairs.join(", "))
                } else {
                    format!("std::collections::BTreeMap::from([{}])", pairs.join(", "))
                })
            }
            TypeRef::Json | TypeRef::Tuple(_) => None,
            TypeRef::Named(name) => {
                let api = self.api;
                let def = api.types.get(name)?;
                let bare = crate::names::ident(name).to_string();
                let path = if PRELUDE.contains(&bare.as_str()) {
                    format!("{}::types::{bare}", self.krate)
                } else {
                    bare.clone()
                };
                match &def.kind {
                    TypeKind::Struct {
                        fields, additional, ..
                    } => {
                        let object = value.as_object()?;
                        if fields.iter().any(|f| f.flatten) {
                            return None;
                        }
                        if additional.is_none()
                            && object
                                .keys()
                                .any(|key| !fields.iter().any(|f| f.wire_name == *key))
                        {
                            return None;
                        }
                        let mut args = Vec::new();
                        let mut setters = Vec::new();
                        for f in fields {
                            let v = object.get(&f.wire_name);
                            let constant = matches!(&f.ty, TypeRef::Named(n)
                                if matches!(api.types.get(n).map(|d| &d.kind), Some(TypeKind::Const { .. })));
                            if !f.optional() && constant {
                                continue;
                            }
                            if !f.optional() {
                                args.push(self.expr(&f.ty, v?, true)?);
                            } else if let Some(v) = v.filter(|v| !v.is_null()) {
                                if f.rust_name == "new" {
                                    return None;
                                }
                                let inner = match &f.ty {
                                    TypeRef::Nullable(inner) => inner,
                                    other => other,
                                };
                                setters.push(format!(
                                    ".{}({})",
                                    crate::names::ident(&f.rust_name),
                                    self.expr(inner, v, true)?
                                ));
                            }
                        }
                        Some(format!(
                            "{path}::new({}){}",
                            args.join(", "),
                            setters.join("")
                        ))
                    }
                    TypeKind::StringEnum { variants, .. } => {
                        let wire = value.as_str()?;
                        let v = variants.iter().find(|v| v.wire_name == wire)?;
                        Some(format!("{path}::{}", crate::names::ident(&v.rust_name)))
                    }
                    TypeKind::Newtype { inner, constraints } => {
                        let inner = self.expr(inner, value, true)?;
                        Some(if constraints.has_rules() {
                            format!("{path}::new({inner})?")
                        } else {
                            format!("{path}::new({inner})")
                        })
                    }
                    TypeKind::Alias { target, .. } => return self.expr(target, value, into),
                    TypeKind::Union { .. } => None,
                    TypeKind::Const { .. } => Some(path.clone()),
                }
                .inspect(|_| {
                    if !PRELUDE.contains(&bare.as_str()) {
                        self.used.insert(bare.clone());
                    }
                })
            }
        }
    }
}

/// `let {var} = {expr};`, laid out by prettyplease.
fn format_let(var: &str, expr: &str) -> Option<String> {
    let file = syn::parse_file(&format!("fn f() {{ let {var} = {expr}; }}")).ok()?;
    let text = prettyplease::unparse(&file);
    let lines: Vec<&str> = text.lines().collect();
    let body = lines.get(1..lines.len().saturating_sub(1))?;
    let mut out = String::new();
    for line in body {
        out.push_str(line.strip_prefix("    ").unwrap_or(line));
        out.push('\n');
    }
    Some(out)
}

/// Names the quickstart itself uses, which a response variable must not take.
const TAKEN: &[&str] = &[
    "body", "client", "e", "key", "response", "seconds", "t", "token", "url", "wait", "builder",
    "request",
];

/// The argument that passes the `id` of the response in `var`, of type `ty`:
/// by value when it is `Copy`, by reference when the parameter takes a string
/// (`impl Into<String>` takes `&String`), else cloned.
fn id_argument(var: &str, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Primitive(Primitive::String) => format!("&{var}.id"),
        TypeRef::Primitive(
            Primitive::Uuid
            | Primitive::I32
            | Primitive::I64
            | Primitive::U32
            | Primitive::U64
            | Primitive::F32
            | Primitive::F64
            | Primitive::Bool
            | Primitive::Date
            | Primitive::DateTime,
        ) => format!("{var}.id"),
        _ => format!("{var}.id.clone()"),
    }
}

/// The variable for a value of the type named `ty`.
fn var_name(ty: &str) -> String {
    let var = snake(ty);
    if TAKEN.contains(&var.as_str()) || crate::names::is_keyword(&var) {
        format!("{var}_value")
    } else {
        var
    }
}

fn bodies_len(op: &Operation) -> usize {
    op.body.as_ref().map_or(0, |b| b.examples.len())
}

fn primitive(p: Primitive, value: &Value, into: bool, k: &str) -> Option<String> {
    Some(match p {
        Primitive::String => {
            let s = value.as_str()?;
            if into {
                format!("{s:?}")
            } else {
                format!("{s:?}.to_owned()")
            }
        }
        Primitive::Bool => value.as_bool()?.to_string(),
        Primitive::I32 => {
            let n = i32::try_from(value.as_i64()?).ok()?;
            format!("{n}")
        }
        Primitive::I64 => {
            let n = value.as_i64()?;
            if into && i32::try_from(n).is_ok() {
                format!("{n}")
            } else {
                format!("{n}i64")
            }
        }
        Primitive::U32 => format!("{}u32", u32::try_from(value.as_u64()?).ok()?),
        Primitive::U64 => format!("{}u64", value.as_u64()?),
        Primitive::F32 => format!("{:?}f32", value.as_f64()? as f32),
        Primitive::F64 => format!("{:?}", value.as_f64()?),
        Primitive::DateTime => format!(
            "{:?}.parse::<{k}::chrono::DateTime<{k}::chrono::Utc>>()?",
            value.as_str()?
        ),
        Primitive::Date => format!("{:?}.parse::<{k}::chrono::NaiveDate>()?", value.as_str()?),
        Primitive::Uuid => format!("{:?}.parse::<{k}::uuid::Uuid>()?", value.as_str()?),
        Primitive::Binary => return None,
    })
}
