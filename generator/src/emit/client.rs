//! Operations → client methods and request builders (`src/builders.rs`).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::{attrs, code, inner_attrs as attrs_inner, prose};
use super::paths::Paths;
use super::validation::Validation;
use crate::model::{
    Api, ErrorBodyVariant, Framing, HttpMethod, Operation, ParamLocation, PathSegment, Primitive,
    QueryStyle, RequestContent, ResponseBody, SecurityKind, StatusMatch, StreamBody, SuccessType,
    TypeKind, TypeRef,
};
use crate::names::ident;

/// The Rust type of a response body.
fn body_type(body: &ResponseBody, paths: Paths) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(t) => paths.ty(t),
        ResponseBody::Text => paths.string(),
        ResponseBody::Binary => quote!(::bytes::Bytes),
        ResponseBody::Stream(stream) => stream_type(stream, paths),
    }
}

/// The Rust type of a stream: `EventStream<Item>` or `JsonStream<Item>`.
pub(super) fn stream_type(stream: &StreamBody, paths: Paths) -> TokenStream {
    let (kind, item) = stream_parts(stream, paths);
    quote!(crate::#kind<#item>)
}

/// A stream's type, as the runtime's name of it and the item's type.
fn stream_parts(stream: &StreamBody, paths: Paths) -> (proc_macro2::Ident, TokenStream) {
    let item = if stream.text {
        paths.string()
    } else {
        paths.ty(&stream.item)
    };
    let kind = match stream.framing {
        Framing::ServerSentEvents => format_ident!("EventStream"),
        Framing::JsonLines | Framing::JsonSeq => format_ident!("JsonStream"),
    };
    (kind, item)
}

/// The type `send` returns inside `ResponseValue`.
pub(super) fn success_type(op: &Operation, paths: Paths) -> TokenStream {
    match &op.success {
        SuccessType::Single(body) => body_type(body, paths),
        SuccessType::Enum { name, .. } => {
            let name = ident(name);
            quote!(crate::builders::#name)
        }
    }
}

fn request_body_type(content: &RequestContent, paths: Paths) -> TokenStream {
    match content {
        RequestContent::Json(t) | RequestContent::Form(t) | RequestContent::Multipart(t) => {
            paths.ty(t)
        }
        RequestContent::Text => paths.string(),
        RequestContent::Binary => quote!(::bytes::Bytes),
    }
}

/// An `impl Client` block with one method per operation of `ops`, and the
/// same methods on the blocking client.
pub fn emit_client_methods(
    ops: &[Operation],
    gates: Option<&super::gates::Gates>,
    paths: Paths,
) -> TokenStream {
    let into = paths.into();
    let mut methods = Vec::new();
    let mut blocking = Vec::new();
    for op in ops {
        let cfg = gates.and_then(|g| g.operation(&op.method_name));
        let name = ident(&op.method_name);
        let builder = ident(&op.builder_name);
        let mut args = Vec::new();
        let mut arg_names = Vec::new();
        let mut arg_docs = Vec::new();
        // The idempotency key is never an argument: the builder makes one.
        for (_, p) in op
            .params
            .iter()
            .enumerate()
            .filter(|(i, p)| p.required && op.idempotency_key != Some(*i))
        {
            let pname = ident(&p.rust_name);
            let ty = paths.ty(&p.ty);
            args.push(quote!(#pname: impl #into<#ty>));
            arg_names.push(quote!(#pname.into()));
            let what = p.doc.as_deref().map_or_else(
                || {
                    format!(
                        "the {} {} parameter.",
                        code(&p.wire_name),
                        location_word(p.location)
                    )
                },
                |d| prose(&first_line(d)),
            );
            arg_docs.push(format!("- `{}`: {what}", p.rust_name));
        }
        if let Some(body) = op.body.as_ref().filter(|b| b.required) {
            let ty = request_body_type(&body.content, paths);
            args.push(quote!(body: impl #into<#ty>));
            arg_names.push(quote!(body.into()));
            let what = body
                .doc
                .as_deref()
                .map_or_else(|| "the request body.".to_owned(), |d| prose(&first_line(d)));
            arg_docs.push(format!("- `body`: {what}"));
        }
        let mut text = operation_doc(op);
        if !arg_docs.is_empty() {
            text.push_str("\n\nArguments:\n");
            text.push_str(&arg_docs.join("\n"));
        }
        text.push_str(&format!(
            "\n\nReturns a [`{b}`](crate::builders::{b}): set optional parameters on it, then `.await` it.",
            b = op.builder_name
        ));
        if op.idempotency_key.is_some() {
            text.push_str(
                "\n\nThe builder holds the call's idempotency key from the start \
                 ([`get_idempotency_key`](crate::builders::",
            );
            text.push_str(&format!(
                "{b}::get_idempotency_key)): every send of it, and of its clones, carries that key.",
                b = op.builder_name
            ));
        }
        let doc = attrs(&text);
        let deprecated = op
            .deprecated
            .then(|| quote!(#[deprecated = "the API marks this operation as deprecated"]));
        // Required parameters are arguments, so that none is forgotten.
        let allow_many = (args.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        methods.push(quote! {
            #doc
            #cfg
            #deprecated
            #allow_many
            pub fn #name(&self, #(#args),*) -> crate::builders::#builder {
                crate::builders::#builder::new(self.clone(), crate::Async, #(#arg_names),*)
            }
        });
        let method = op.method_name.as_str();
        let blocking_doc = format!(
            " [`Client::{method}`](crate::Client::{method}), blocking: set optional parameters on the builder, then call `send()`."
        );
        blocking.push(quote! {
            #[doc = #blocking_doc]
            #cfg
            #deprecated
            #allow_many
            pub fn #name(&self, #(#args),*) -> crate::builders::#builder<crate::blocking::Blocking> {
                crate::builders::#builder::new(self.as_async().clone(), self.mode(), #(#arg_names),*)
            }
        });
    }
    quote! {
        impl crate::Client {
            #(#methods)*
        }

        #[cfg(feature = "blocking")]
        impl crate::blocking::Client {
            #(#blocking)*
        }
    }
}

fn location_word(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .to_owned()
}

fn operation_doc(op: &Operation) -> String {
    let mut parts = Vec::new();
    if let Some(s) = &op.summary {
        parts.push(prose(s));
    }
    if let Some(d) = &op.description
        && op.summary.as_deref().map(str::trim) != Some(d.trim())
    {
        parts.push(prose(d));
    }
    if parts.is_empty() {
        parts.push(format!("The {} operation.", code(&op.wire_id)));
    }
    parts.push(format!(
        "{} (operation {})",
        code(&format!("{} {}", op.method.as_str(), op.path)),
        code(&op.wire_id)
    ));
    parts.join("\n\n")
}

/// A piece of the `builders` module: the builders of `ops`, after the
/// module's docs when `first`.
pub fn emit_builders(
    api: &Api,
    ops: &[Operation],
    first: bool,
    validation: &Validation,
    paths: Paths,
) -> TokenStream {
    let header = first.then(|| {
        attrs_inner(
            "Request builders: one per operation, made by the matching method of\n\
             [`Client`](crate::Client). Set optional parameters, then `.await` the\n\
             builder (or call `send`). Builders made by the blocking client send with\n\
             `send()`, which blocks.",
        )
    });
    // Each builder's items are put under its feature once parsed
    // (`emit::gate_file`).
    let builders = ops
        .iter()
        .map(|op| emit_builder(api, op, validation, paths));
    quote! {
        #header
        #(#builders)*
    }
}

fn emit_builder(api: &Api, op: &Operation, validation: &Validation, paths: Paths) -> TokenStream {
    let name = ident(&op.builder_name);
    let (option, some, none, into) = (paths.option(), paths.some(), paths.none(), paths.into());
    let mut fields = Vec::new();
    let mut ctor_args = Vec::new();
    let mut ctor_inits = Vec::new();
    let mut setters = Vec::new();
    for (i, p) in op.params.iter().enumerate() {
        let pname = ident(&p.rust_name);
        let ty = paths.ty(&p.ty);
        if op.idempotency_key == Some(i) {
            fields.push(quote!(#pname: crate::IdempotencyKey));
            ctor_inits.push(quote!(#pname: crate::IdempotencyKey::new_v4()));
            setters.push(key_methods(op, p, paths));
        } else if p.required {
            fields.push(quote!(#pname: #ty));
            ctor_args.push(quote!(#pname: #ty));
            ctor_inits.push(quote!(#pname));
        } else {
            fields.push(quote!(#pname: #option<#ty>));
            ctor_inits.push(quote!(#pname: #none));
            let text = p.doc.as_deref().map_or_else(
                || {
                    format!(
                        "Sets the {} {} parameter.",
                        code(&p.wire_name),
                        location_word(p.location)
                    )
                },
                prose,
            );
            let doc = attrs(&text);
            setters.push(quote! {
                #doc
                pub fn #pname(mut self, value: impl #into<#ty>) -> Self {
                    self.#pname = #some(value.into());
                    self
                }
            });
        }
    }
    if let Some(body) = &op.body {
        let ty = request_body_type(&body.content, paths);
        if body.required {
            fields.push(quote!(body: #ty));
            ctor_args.push(quote!(body: #ty));
            ctor_inits.push(quote!(body));
        } else {
            fields.push(quote!(body: #option<#ty>));
            ctor_inits.push(quote!(body: #none));
            let doc = attrs(
                &body
                    .doc
                    .as_deref()
                    .map_or_else(|| "Sets the request body.".to_owned(), prose),
            );
            setters.push(quote! {
                #doc
                pub fn body(mut self, value: impl #into<#ty>) -> Self {
                    self.body = #some(value.into());
                    self
                }
            });
        }
    }
    let output = success_type(op, paths);
    let Execute {
        execute: execute_body,
        build: build_body,
        stream: stream_body,
    } = emit_execute(api, op, validation, paths);
    let send = match &op.success {
        SuccessType::Single(ResponseBody::Stream(stream)) => {
            let (kind, item) = stream_parts(stream, paths);
            quote!(crate::runtime::send_stream!(#name, #kind, #item, crate::Api);)
        }
        _ => quote!(crate::runtime::send!(#name, #output, crate::Api);),
    };
    let alternative = op.stream.as_ref().zip(stream_body).map(|(stream, body)| {
        let ty = stream_type(stream, paths);
        let (kind, item) = stream_parts(stream, paths);
        let doc = stream_doc(api, op, stream);
        (
            quote! {
                fn execute_stream(self) -> crate::ResponseFuture<#ty> {
                    #body
                }
            },
            quote!(crate::runtime::stream!(#name, #kind, #item, #doc, crate::Api);),
        )
    });
    let (execute_stream, stream_macro) = alternative.unzip();
    let method = op.method_name.as_str();
    let doc = attrs(&format!(
        "A {} request, made by [`Client::{method}`](crate::Client::{method}).",
        code(&op.wire_id)
    ));
    let success_enum = emit_success_enum(op, paths);
    // An exact status arm before the range that contains it is meant: the
    // exact one wins.
    let overlapping = op.responses.iter().any(|r| match r.status {
        StatusMatch::Range(class) => op
            .responses
            .iter()
            .any(|o| matches!(o.status, StatusMatch::Code(c) if c / 100 == class)),
        StatusMatch::Code(c) => (200..300).contains(&c) && !declares_2xx_range(op),
        StatusMatch::Default => false,
    });
    let allow_overlap = overlapping.then(|| quote!(#[allow(clippy::match_overlapping_arm)]));
    let allow_many =
        (ctor_args.len() + 2 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let pagination = emit_pagination(op, paths);
    let result = paths.result();
    let poll = emit_poll(op);
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent or awaited"]
        pub struct #name<M = crate::Async> {
            client: crate::Client,
            // Read by the blocking mode's methods only.
            #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
            mode: M,
            options: crate::runtime::RequestOptions,
            #(#fields,)*
        }

        impl<M> #name<M> {
            #allow_many
            pub(crate) fn new(client: crate::Client, mode: M, #(#ctor_args),*) -> Self {
                Self { options: client.request_options(), client, mode, #(#ctor_inits,)* }
            }

            #(#setters)*

            crate::runtime::request_options!();

            #allow_overlap
            fn execute(self) -> crate::ResponseFuture<#output> {
                #execute_body
            }

            #execute_stream

            fn build_request(&self) -> #result<crate::runtime::Request, crate::Error> {
                #build_body
            }
        }

        #send
        #stream_macro

        #pagination
        #poll
        #success_enum
    }
}

/// The setter and getter of an operation's idempotency key (`p`), which
/// the builder makes when it is made.
fn key_methods(op: &Operation, p: &crate::model::Parameter, paths: Paths) -> TokenStream {
    let into = paths.into();
    let field = ident(&p.rust_name);
    let getter = format_ident!("get_{}", p.rust_name);
    let rule = if p.ty == TypeRef::Primitive(Primitive::Uuid) {
        " The API takes a UUID: a key that is not one is refused before sending."
    } else {
        ""
    };
    let mut text = format!(
        "Sets the call's idempotency key (the {} header), in place of the one \
         the builder made when it was created (a random UUID v4).",
        code(&p.wire_name)
    );
    if let Some(doc) = &p.doc {
        text.push_str("\n\n");
        text.push_str(&prose(doc));
    }
    text.push_str(&format!(
        "\n\nEvery attempt of the call carries the key, and so does every send of \
         a clone of this builder: make a new builder for a new logical \
         operation.{rule} [`ResponseValue::idempotency_key`](crate::ResponseValue::idempotency_key) \
         and [`Error::idempotency_key`](crate::Error::idempotency_key) give it back."
    ));
    let doc = attrs(&text);
    let getter_doc = attrs(&format!(
        "The idempotency key this request sends (the {} header), known before \
         it is sent: store it with your record of the operation first, so that \
         a call cut short (a timeout around it, a cancelled task) can be \
         retried with the same key without {} acting twice.",
        code(&p.wire_name),
        code(&op.wire_id)
    ));
    quote! {
        #doc
        pub fn #field(mut self, key: impl #into<crate::IdempotencyKey>) -> Self {
            self.#field = key.into();
            self
        }

        #getter_doc
        pub fn #getter(&self) -> &crate::IdempotencyKey {
            &self.#field
        }
    }
}

/// `pages()` and `items()` for a paginated operation (its page type
/// implements `Page`, in the types module): `into_pages` follows the
/// cursor, and the runtime's macro adds the public methods.
fn emit_pagination(op: &Operation, paths: Paths) -> Option<TokenStream> {
    let pg = op.pagination.as_ref()?;
    let name = ident(&op.builder_name);
    let page = ident(&pg.page);
    let cursor_param = &op.params[pg.cursor_param];
    let cursor = ident(&cursor_param.rust_name);
    // A nullable cursor parameter is an `Option` inside the setter's `Option`.
    let (first, set) = if matches!(cursor_param.ty, TypeRef::Nullable(_)) {
        (quote!(self.#cursor.clone().flatten()), {
            let some = paths.some();
            quote!(request.#cursor = cursor.map(#some);)
        })
    } else {
        (
            quote!(self.#cursor.clone()),
            quote!(request.#cursor = cursor;),
        )
    };
    // Each page is a request of its own: one with a key gets a key of its
    // own, but for the first, which keeps the builder's.
    let fresh_key = op.idempotency_key.map(|i| {
        let key = ident(&op.params[i].rust_name);
        quote! {
            if cursor != start {
                request.#key = crate::IdempotencyKey::new_v4();
            }
        }
    });
    let start = fresh_key
        .is_some()
        .then(|| quote!(let start = first.clone();));
    Some(quote! {
        impl<M: ::std::clone::Clone + ::std::marker::Send + 'static> #name<M> {
            fn into_pages(self) -> crate::Pages<crate::types::#page> {
                let first = #first;
                #start
                crate::runtime::pages(first, move |cursor| {
                    let mut request = self.clone();
                    #fresh_key
                    #set
                    request.execute()
                })
            }
        }

        crate::runtime::paginate!(#name, crate::types::#page, crate::Api);
    })
}

/// `wait_until_terminal()` for an operation whose response has a status
/// with known final values.
fn emit_poll(op: &Operation) -> Option<TokenStream> {
    let poll = op.poll.as_ref()?;
    let SuccessType::Single(ResponseBody::Json(TypeRef::Named(response))) = &op.success else {
        return None;
    };
    let name = ident(&op.builder_name);
    let response = ident(response);
    let field = ident(&poll.field);
    let status = ident(&poll.status_type);
    let wire_id = op.wire_id.as_str();
    Some(quote!(crate::runtime::wait_until_terminal!(
        #name, crate::types::#response, #wire_id, #field, #status, crate::types::#status, crate::Api
    );))
}

fn emit_success_enum(op: &Operation, paths: Paths) -> Option<TokenStream> {
    let SuccessType::Enum { name, variants } = &op.success else {
        return None;
    };
    let name = ident(name);
    let decls = variants.iter().map(|(vname, index)| {
        let r = &op.responses[*index];
        let vname = ident(vname);
        let doc = attrs(&format!(
            "{}: {}",
            status_text(r.status),
            r.doc
                .as_deref()
                .map(|d| prose(&first_line(d)))
                .unwrap_or_default()
        ));
        match &r.body {
            ResponseBody::Empty => quote!(#doc #vname,),
            body => {
                let ty = body_type(body, paths);
                quote!(#doc #vname(#ty),)
            }
        }
    });
    let doc = attrs(&format!(
        "The successful responses of {}.",
        code(&op.wire_id)
    ));
    Some(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        // Matched once, where the call returns: boxing the larger bodies
        // would cost every caller a `*` for no gain.
        #[allow(clippy::large_enum_variant)]
        #[non_exhaustive]
        pub enum #name {
            #(#decls)*
        }
    })
}

fn status_text(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => format!("status {c}"),
        StatusMatch::Range(c) => format!("status {c}XX"),
        StatusMatch::Default => "any other status".to_owned(),
    }
}

/// The bodies of a builder's `execute` (the call and its response
/// handling) and `build_request` (the request, checked and encoded).
/// The documentation of a builder's `stream()`.
fn stream_doc(api: &Api, op: &Operation, stream: &StreamBody) -> String {
    let what = match stream.framing {
        Framing::ServerSentEvents => "its events",
        Framing::JsonLines | Framing::JsonSeq => "its items",
    };
    let mut doc = format!(
        "Sends the request asking for `{}` (`Accept`) instead of the response `send` \
         decodes: the future resolves once the response's head has come, to {what}, \
         each read when the stream reaches it.",
        stream.media_type.replace('`', "'")
    );
    // A body that has a `stream` flag (OpenAI's): the server streams only
    // when it is set.
    let flag = op
        .body
        .as_ref()
        .and_then(|b| b.content.ty())
        .and_then(|ty| match ty {
            TypeRef::Named(name) => api.types.get(name),
            _ => None,
        })
        .and_then(|def| match &def.kind {
            TypeKind::Struct { fields, .. } => fields.iter().find(|f| {
                f.wire_name == "stream" && matches!(&f.ty, TypeRef::Primitive(Primitive::Bool))
            }),
            _ => None,
        });
    if let Some(field) = flag {
        doc.push_str(&format!(
            " The server streams when the request asks it to: set the body's `{}` to `true`.",
            field.rust_name
        ));
    }
    doc
}

/// The bodies of a builder's methods that send it.
struct Execute {
    /// `execute`: what `send` returns.
    execute: TokenStream,
    /// `build_request`.
    build: TokenStream,
    /// `execute_stream`, for an operation that offers a stream beside its body.
    stream: Option<TokenStream>,
}

/// The `Accept` of a call that asks for `body`, when the operation answers
/// in more than one way; a media type that cannot travel in a header is
/// asked for by its usual name.
fn accept(body: &ResponseBody) -> Option<String> {
    match body {
        ResponseBody::Stream(stream) => {
            let written = &stream.media_type;
            let valid = written.bytes().all(|b| b == b' ' || b.is_ascii_graphic());
            Some(if valid {
                written.clone()
            } else {
                match stream.framing {
                    Framing::ServerSentEvents => "text/event-stream".to_owned(),
                    Framing::JsonLines => "application/jsonl".to_owned(),
                    Framing::JsonSeq => "application/json-seq".to_owned(),
                }
            })
        }
        ResponseBody::Json(_) => Some("application/json".to_owned()),
        ResponseBody::Text => Some("text/*".to_owned()),
        ResponseBody::Binary | ResponseBody::Empty => Some("*/*".to_owned()),
    }
}

/// The opening of a stream: the runtime's `events` or `json_items`, with
/// the decoding of an item and the errors of the statuses that are not
/// successes.
fn open_stream(api: &Api, op: &Operation, stream: &StreamBody, paths: Paths) -> TokenStream {
    let decode = if stream.text {
        quote!(crate::runtime::text_item)
    } else {
        let item = paths.ty(&stream.item);
        quote!(crate::runtime::json_item::<#item>)
    };
    let on_error = error_dispatch(api, op);
    match stream.framing {
        Framing::ServerSentEvents => quote! {
            crate::runtime::events(this.client, call, request, #decode, #on_error)
        },
        Framing::JsonLines | Framing::JsonSeq => {
            let framing = if stream.framing == Framing::JsonLines {
                quote!(crate::runtime::Framing::JsonLines)
            } else {
                quote!(crate::runtime::Framing::JsonSeq)
            };
            quote! {
                crate::runtime::json_items(this.client, call, request, #framing, #decode, #on_error)
            }
        }
    }
}

/// The error of each status that is not a success, as a function of the
/// response (for a stream, whose successes the runtime reads).
fn error_dispatch(api: &Api, op: &Operation) -> TokenStream {
    let (arms, default) = status_arms(
        op.responses
            .iter()
            .filter(|r| !r.status.is_success())
            .map(|r| (r.status, error_handling(api, &r.body))),
    );
    let fallback = default.unwrap_or_else(|| quote!(response.error()));
    if arms.is_empty() {
        return quote!(|response: crate::runtime::RawResponse| #fallback);
    }
    quote! {
        |response: crate::runtime::RawResponse| match response.status() {
            #(#arms)*
            _ => #fallback,
        }
    }
}

/// Match arms for statuses and their handling: exact codes with the same
/// handling in one arm, then the ranges; and the handling of `default`.
fn status_arms(
    handled: impl Iterator<Item = (StatusMatch, TokenStream)>,
) -> (Vec<TokenStream>, Option<TokenStream>) {
    let mut groups: Vec<(Vec<u16>, TokenStream)> = Vec::new();
    let mut ranges = Vec::new();
    let mut default = None;
    for (status, handling) in handled {
        match status {
            StatusMatch::Code(c) => match groups
                .iter_mut()
                .find(|(_, h)| h.to_string() == handling.to_string())
            {
                Some((codes, _)) => codes.push(c),
                None => groups.push((vec![c], handling)),
            },
            StatusMatch::Range(c) => {
                let lo = Literal::u16_unsuffixed(c * 100);
                let hi = Literal::u16_unsuffixed(c * 100 + 99);
                ranges.push(quote!(#lo..=#hi => #handling,));
            }
            StatusMatch::Default => default = Some(handling),
        }
    }
    let mut arms: Vec<TokenStream> = groups
        .into_iter()
        .map(|(codes, handling)| {
            let codes = codes.into_iter().map(Literal::u16_unsuffixed);
            quote!(#(#codes)|* => #handling,)
        })
        .collect();
    arms.extend(ranges);
    (arms, default)
}

fn emit_execute(api: &Api, op: &Operation, validation: &Validation, paths: Paths) -> Execute {
    let (some, ok) = (paths.some(), paths.ok());
    let method = match &op.method {
        HttpMethod::Query | HttpMethod::Other(_) => {
            let token = proc_macro2::Literal::byte_string(op.method.as_str().as_bytes());
            quote!(::reqwest::Method::from_bytes(#token).expect("an HTTP method token, checked by the generator"))
        }
        standard => {
            let name = format_ident!("{}", standard.as_str());
            quote!(::reqwest::Method::#name)
        }
    };
    let wire_id = op.wire_id.as_str();
    let template = op.path.as_str();
    // The idempotency key: the builder's, the same for every attempt.
    let key = op.idempotency_key.map(|i| &op.params[i]);
    let idempotency = match key {
        Some(p) => {
            let field = ident(&p.rust_name);
            let header = p.wire_name.as_str();
            quote!(crate::runtime::Idempotency::Key(::std::clone::Clone::clone(&this.#field), #header))
        }
        None => quote!(crate::runtime::Idempotency::of(&#method)),
    };
    // The headers the operation sets itself, with the method that sets each.
    let mut owned: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
        .map(|p| {
            let wire = p.wire_name.as_str();
            let setter = p.rust_name.as_str();
            quote!((#wire, #setter))
        })
        .collect();
    if let Some(p) = op
        .params
        .iter()
        .find(|p| p.location == ParamLocation::Cookie)
    {
        let setter = p.rust_name.as_str();
        owned.push(quote!(("Cookie", #setter)));
    }
    // The path: literal pieces and encoded parameters.
    let path = if op
        .path_segments
        .iter()
        .all(|s| matches!(s, PathSegment::Literal(_)))
    {
        let p = &op.path;
        quote!(#p)
    } else {
        let pieces = op.path_segments.iter().map(|s| match s {
            PathSegment::Literal(l) => quote!(#l),
            PathSegment::Param(i) => {
                let p = &op.params[*i];
                let wire = &p.wire_name;
                let field = ident(&p.rust_name);
                quote!(&crate::runtime::path_param(#wire, &this.#field)?)
            }
        });
        quote!(&[#(#pieces),*].concat())
    };
    let auth = if op.security.is_empty() {
        quote!(&[])
    } else {
        let alternatives = op.security.iter().map(|alt| {
            let auths = alt.iter().map(|i| match &api.security_schemes[*i].kind {
                SecurityKind::Bearer => quote!(crate::runtime::Auth::Bearer),
                SecurityKind::Basic => quote!(crate::runtime::Auth::Basic),
                SecurityKind::ApiKeyHeader(n) => quote!(crate::runtime::Auth::ApiKeyHeader(#n)),
                SecurityKind::ApiKeyQuery(n) => quote!(crate::runtime::Auth::ApiKeyQuery(#n)),
                SecurityKind::ApiKeyCookie(n) => quote!(crate::runtime::Auth::ApiKeyCookie(#n)),
            });
            quote!(&[#(#auths),*])
        });
        quote!(&[#(#alternatives),*])
    };
    // Checks first: nothing is sent when a value breaks a rule.
    let mut checks = Vec::new();
    for (i, p) in op.params.iter().enumerate() {
        let field = ident(&p.rust_name);
        if op.idempotency_key == Some(i) {
            // A key of the caller's must keep the document's rules; a UUID
            // key is checked as one.
            let mut rules = p.constraints.clone();
            if p.ty == TypeRef::Primitive(Primitive::Uuid) {
                rules.format = Some("uuid".to_owned());
            }
            let ty = TypeRef::Primitive(Primitive::String);
            checks.extend(validation.check(&p.wire_name, quote!(&this.#field), &ty, &rules));
        } else {
            checks.extend(validation.check(
                &p.wire_name,
                quote!(&this.#field),
                &p.ty,
                &p.constraints,
            ));
        }
    }
    if let Some(body) = &op.body
        && let Some(ty) = body.content.ty()
    {
        let ty = if body.required {
            ty.clone()
        } else {
            TypeRef::Nullable(Box::new(ty.clone()))
        };
        checks.extend(validation.check("body", quote!(&this.body), &ty, &Default::default()));
    }
    let validate = (!checks.is_empty()).then(|| {
        quote! {
            let mut v = crate::runtime::Validator::new();
            #(#checks)*
            v.finish()?;
        }
    });
    let mut steps = Vec::new();
    for (i, p) in op
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.location != ParamLocation::Path)
    {
        let wire = &p.wire_name;
        let field = ident(&p.rust_name);
        let add = |value: TokenStream| match p.location {
            ParamLocation::Query => {
                let style = match p.style {
                    QueryStyle::FormExploded => quote!(crate::runtime::QueryStyle::FormExploded),
                    QueryStyle::Form => quote!(crate::runtime::QueryStyle::Form),
                    QueryStyle::Delimited(c) => quote!(crate::runtime::QueryStyle::Delimited(#c)),
                    QueryStyle::DeepObject => quote!(crate::runtime::QueryStyle::DeepObject),
                    QueryStyle::Querystring => quote!(crate::runtime::QueryStyle::Querystring),
                    QueryStyle::QuerystringJson => {
                        quote!(crate::runtime::QueryStyle::QuerystringJson)
                    }
                };
                quote!(request.query(#wire, #value, #style)?;)
            }
            ParamLocation::Header => quote!(request.header(#wire, #value)?;),
            ParamLocation::Cookie => quote!(request.cookie(#wire, #value)?;),
            ParamLocation::Path => unreachable!("path parameters are filtered out above"),
        };
        // The key is a field of the builder, never unset.
        if p.required || op.idempotency_key == Some(i) {
            steps.push(add(quote!(&this.#field)));
        } else {
            let set = add(quote!(value));
            steps.push(quote! {
                if let #some(value) = &this.#field {
                    #set
                }
            });
        }
    }
    if let Some(body) = &op.body {
        let media = body.media_type.as_str();
        // `value` is a reference to the body; `place` the body itself.
        let set = |value: TokenStream, place: TokenStream| match &body.content {
            RequestContent::Json(_) => quote!(request.json(#media, #value)?;),
            RequestContent::Form(_) => quote!(request.form(#value)?;),
            RequestContent::Multipart(ty) => {
                let files = file_fields(api, ty).into_iter().map(
                    |(wire, field)| quote!((#wire, crate::runtime::file_parts(&#place.#field))),
                );
                quote!(request.multipart(#value, &[#(#files),*])?;)
            }
            RequestContent::Text => {
                quote!(request.raw(#media, ::std::clone::Clone::clone(#value));)
            }
            RequestContent::Binary => {
                quote!(request.raw(#media, ::std::clone::Clone::clone(#value));)
            }
        };
        if body.required {
            steps.push(set(quote!(&this.body), quote!(this.body)));
        } else {
            let s = set(quote!(body), quote!(body));
            steps.push(quote! {
                if let #some(body) = &this.body {
                    #s
                }
            });
        }
    }
    let (arms, fallback) = response_arms(api, op, paths);
    // With no response declared, every status is an error.
    let dispatch = if arms.is_empty() {
        fallback
    } else {
        quote! {
            match response.status() {
                #(#arms)*
                _ => #fallback,
            }
        }
    };
    let mutability = (!steps.is_empty()).then(|| quote!(mut));
    // The call, asking (`Accept`) for `body` when the operation answers in
    // more than one way.
    let (none, some) = (paths.none(), paths.some());
    let call = |body: &ResponseBody| {
        let accept = match accept(body) {
            Some(accept) if op.stream.is_some() || matches!(body, ResponseBody::Stream(_)) => {
                quote!(#some(#accept))
            }
            _ => quote!(#none),
        };
        quote! {
            let this = self;
            let request = this.build_request();
            let call = crate::runtime::Call {
                operation: #wire_id,
                method: #method,
                path: #template,
                auth: #auth,
                headers: &[#(#owned),*],
                idempotency: #idempotency,
                options: this.options,
                accept: #accept,
            };
        }
    };
    let execute = match &op.success {
        SuccessType::Single(body @ ResponseBody::Stream(stream)) => {
            let call = call(body);
            let open = open_stream(api, op, stream, paths);
            quote! {
                #call
                #open
            }
        }
        success => {
            let body = match success {
                SuccessType::Single(body) => body.clone(),
                SuccessType::Enum { .. } => ResponseBody::Json(TypeRef::Json),
            };
            let call = call(&body);
            quote! {
                #call
                crate::ResponseFuture::new(
                    this.client.execute(call, request),
                    |response: crate::runtime::RawResponse| #dispatch,
                )
            }
        }
    };
    let stream = op.stream.as_ref().map(|stream| {
        let call = call(&ResponseBody::Stream(stream.clone()));
        let open = open_stream(api, op, stream, paths);
        quote! {
            #call
            #open
        }
    });
    // A method of its own rather than a closure inside `execute`: the same
    // code, less for the compiler to infer and check.
    let build = quote! {
        let this = self;
        #validate
        let #mutability request = this.client.request(#path)?;
        #(#steps)*
        #ok(request)
    };
    Execute {
        execute,
        build,
        stream,
    }
}

/// The properties of a multipart body's type that hold files (binary, alone,
/// optional or in an array): wire name and Rust field.
fn file_fields(api: &Api, ty: &TypeRef) -> Vec<(String, proc_macro2::Ident)> {
    fn is_file(ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Primitive(Primitive::Binary) => true,
            TypeRef::Nullable(inner) | TypeRef::Array(inner) => is_file(inner),
            _ => false,
        }
    }
    let TypeRef::Named(name) = ty else {
        return Vec::new();
    };
    match api.types.get(name).map(|d| &d.kind) {
        Some(crate::model::TypeKind::Struct { fields, .. }) => fields
            .iter()
            .filter(|f| is_file(&f.ty))
            .map(|f| (f.wire_name.clone(), ident(&f.rust_name)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The match arms for declared statuses, and the handling of every other one.
fn response_arms(api: &Api, op: &Operation, paths: Paths) -> (Vec<TokenStream>, TokenStream) {
    let err = paths.err();
    // Exact codes with the same handling in one arm; ranges follow, then
    // `default` or the catch-all.
    let (mut arms, fallback) = status_arms(
        op.responses
            .iter()
            .enumerate()
            .map(|(index, r)| (r.status, response_handling(api, op, index, paths))),
    );
    if !declares_2xx_range(op) {
        let handling = undeclared_success(api, op, paths);
        arms.push(quote!(200..=299 => #handling,));
    }
    let fallback = fallback.unwrap_or_else(|| quote!(#err(response.error())));
    (arms, fallback)
}

/// Whether the operation declares the whole `2XX` range.
fn declares_2xx_range(op: &Operation) -> bool {
    op.responses
        .iter()
        .any(|r| r.status == StatusMatch::Range(2))
}

/// The handling of a success status the operation does not declare (a 200
/// where it declares 201): a success all the same, decoded as its one
/// success type; where it declares several that differ, which one this is
/// cannot be told, and it is a `Decode` error that keeps the body. Never an
/// `Api` error, which would read as a failure of a call that succeeded.
fn undeclared_success(api: &Api, op: &Operation, paths: Paths) -> TokenStream {
    match &op.success {
        SuccessType::Single(ResponseBody::Empty) => quote!(response.empty()),
        SuccessType::Single(_) => match op.responses.iter().position(|r| r.status.is_success()) {
            Some(index) => response_handling(api, op, index, paths),
            None => quote!(response.empty()),
        },
        SuccessType::Enum { .. } => {
            let err = paths.err();
            quote!(#err(response.undeclared_success()))
        }
    }
}

fn response_handling(api: &Api, op: &Operation, index: usize, paths: Paths) -> TokenStream {
    let r = &op.responses[index];
    let err = paths.err();
    if r.status.is_success() {
        let decode = match &r.body {
            ResponseBody::Empty => quote!(response.empty()),
            ResponseBody::Json(t) if matches!(op.success, SuccessType::Enum { .. }) => {
                let t = paths.ty(t);
                quote!(response.json::<#t, _>())
            }
            ResponseBody::Json(_) => quote!(response.json()),
            ResponseBody::Text => quote!(response.text()),
            // A stream is read by the runtime's `events`/`json_items`, never
            // here; a body that came whole is handed over as bytes.
            ResponseBody::Binary | ResponseBody::Stream(_) => quote!(response.bytes()),
        };
        return match &op.success {
            SuccessType::Single(_) => decode,
            SuccessType::Enum { name, variants } => {
                let name = ident(name);
                let vname = variants
                    .iter()
                    .find(|(_, i)| *i == index)
                    .map(|(v, _)| ident(v));
                match (&r.body, vname) {
                    (ResponseBody::Empty, Some(v)) => {
                        quote!(#decode.map(|v| v.map(|()| crate::builders::#name::#v)))
                    }
                    (_, Some(v)) => quote!(#decode.map(|v| v.map(crate::builders::#name::#v))),
                    (_, None) => quote!(#err(response.error())),
                }
            }
        };
    }
    let error = error_handling(api, &r.body);
    quote!(#err(#error))
}

/// The error of a status that is not a success, whose body is `body`.
fn error_handling(api: &Api, body: &ResponseBody) -> TokenStream {
    let wrap = error_wrap(api, body);
    match body {
        ResponseBody::Empty | ResponseBody::Stream(_) => quote!(response.error()),
        ResponseBody::Json(_) => quote!(response.error_json(#wrap)),
        ResponseBody::Text => quote!(response.error_text(#wrap)),
        ResponseBody::Binary => quote!(response.error_bytes(#wrap)),
    }
}

/// How a decoded error body becomes an `ErrorBody`.
fn error_wrap(api: &Api, body: &ResponseBody) -> TokenStream {
    if api.error_bodies.len() == 1 {
        return quote!(::std::convert::identity);
    }
    match api.error_bodies.iter().find(|v| &v.body == body) {
        Some(ErrorBodyVariant { name, .. }) => {
            let name = ident(name);
            quote!(crate::ErrorBody::#name)
        }
        None => quote!(::std::convert::identity),
    }
}

/// The crate-wide `ErrorBody` type.
pub fn emit_error_body(api: &Api, paths: Paths) -> TokenStream {
    match api.error_bodies.as_slice() {
        [] => quote! {
            /// The decoded body of an error response. The API declares no error
            /// bodies, so none is ever decoded: [`ApiError::raw`] keeps what the
            /// server sent.
            pub type ErrorBody = ::serde_json::Value;
        },
        [single] => {
            let ty = body_type(&single.body, paths);
            quote! {
                /// The decoded body of an error response, as the API declares it.
                pub type ErrorBody = #ty;
            }
        }
        many => {
            let variants = many.iter().map(|v| {
                let name = ident(&v.name);
                let ty = body_type(&v.body, paths);
                let doc = attrs(&format!("A {} body.", code(&v.name)));
                quote!(#doc #name(#ty),)
            });
            quote! {
                /// The decoded body of an error response: which one depends on
                /// the operation and the status, as the API declares them.
                #[derive(Debug, Clone, PartialEq)]
                #[non_exhaustive]
                pub enum ErrorBody {
                    #(#variants)*
                }
            }
        }
    }
}
