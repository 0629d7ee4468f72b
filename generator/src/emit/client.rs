//! Operations → client methods and request builders (`src/builders.rs`).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::{attrs, code, inner_attrs as attrs_inner, prose};
use super::types::rust_type;
use crate::model::{
    Api, ErrorBodyVariant, Operation, ParamLocation, Parameter, PathSegment, QueryStyle,
    RequestContent, ResponseBody, SecurityKind, StatusMatch, SuccessType,
};
use crate::names::ident;

/// The Rust type of a response body.
fn body_type(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(t) => rust_type(t),
        ResponseBody::Text => quote!(::std::string::String),
        ResponseBody::Binary => quote!(::bytes::Bytes),
    }
}

/// The type `send` returns inside `ResponseValue`.
fn success_type(op: &Operation) -> TokenStream {
    match &op.success {
        SuccessType::Single(body) => body_type(body),
        SuccessType::Enum { name, .. } => {
            let name = ident(name);
            quote!(crate::builders::#name)
        }
    }
}

fn request_body_type(content: &RequestContent) -> TokenStream {
    match content {
        RequestContent::Json(t) | RequestContent::Form(t) => rust_type(t),
        RequestContent::Text => quote!(::std::string::String),
        RequestContent::Binary => quote!(::std::vec::Vec<u8>),
    }
}

/// The `impl Client` block with one method per operation.
pub fn emit_client_methods(api: &Api) -> TokenStream {
    let methods = api.operations.iter().map(|op| {
        let name = ident(&op.method_name);
        let builder = ident(&op.builder_name);
        let mut args = Vec::new();
        let mut arg_names = Vec::new();
        let mut arg_docs = Vec::new();
        for p in op.params.iter().filter(|p| p.required) {
            let pname = ident(&p.rust_name);
            let ty = rust_type(&p.ty);
            args.push(quote!(#pname: impl ::std::convert::Into<#ty>));
            arg_names.push(quote!(#pname.into()));
            let what = p.doc.as_deref().map_or_else(
                || format!("the {} {} parameter.", code(&p.wire_name), location_word(p.location)),
                |d| prose(&first_line(d)),
            );
            arg_docs.push(format!("- `{}`: {what}", p.rust_name));
        }
        if let Some(body) = op.body.as_ref().filter(|b| b.required) {
            let ty = request_body_type(&body.content);
            args.push(quote!(body: impl ::std::convert::Into<#ty>));
            arg_names.push(quote!(body.into()));
            let what = body.doc.as_deref().map_or_else(|| "the request body.".to_owned(), |d| prose(&first_line(d)));
            arg_docs.push(format!("- `body`: {what}"));
        }
        let mut text = operation_doc(op);
        if !arg_docs.is_empty() {
            text.push_str("\n\nArguments:\n");
            text.push_str(&arg_docs.join("\n"));
        }
        let optional: Vec<&Parameter> = op.params.iter().filter(|p| !p.required).collect();
        if !optional.is_empty() || op.body.as_ref().is_some_and(|b| !b.required) {
            text.push_str(&format!(
                "\n\nOptional parameters are set on the returned [`{}`](crate::builders::{}) before it is sent or awaited.",
                op.builder_name, op.builder_name
            ));
        }
        let doc = attrs(&text);
        let deprecated = op.deprecated.then(|| quote!(#[deprecated = "the API marks this operation as deprecated"]));
        quote! {
            #doc
            #deprecated
            pub fn #name(&self, #(#args),*) -> crate::builders::#builder<'_> {
                crate::builders::#builder::new(self, #(#arg_names),*)
            }
        }
    });
    quote! {
        impl crate::Client {
            #(#methods)*
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

/// The `builders` module: one request builder per operation, and the enums
/// of operations whose successes differ.
/// A piece of the `builders` module: the builders of `ops`, after the
/// module's docs when `first`.
pub fn emit_builders(api: &Api, ops: &[Operation], first: bool) -> TokenStream {
    let header = first.then(|| {
        attrs_inner(
            "Request builders: one per operation, made by the matching method of\n\
             [`Client`](crate::Client). Set optional parameters, then `.send().await`\n\
             (or `.await` the builder directly).",
        )
    });
    let builders = ops.iter().map(|op| emit_builder(api, op));
    quote! {
        #header
        #(#builders)*
    }
}

fn emit_builder(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.builder_name);
    let mut fields = Vec::new();
    let mut ctor_args = Vec::new();
    let mut ctor_inits = Vec::new();
    let mut setters = Vec::new();
    for p in &op.params {
        let pname = ident(&p.rust_name);
        let ty = rust_type(&p.ty);
        if p.required {
            fields.push(quote!(#pname: #ty));
            ctor_args.push(quote!(#pname: #ty));
            ctor_inits.push(quote!(#pname));
        } else {
            fields.push(quote!(#pname: ::std::option::Option<#ty>));
            ctor_inits.push(quote!(#pname: ::std::option::Option::None));
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
                pub fn #pname(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                    self.#pname = ::std::option::Option::Some(value.into());
                    self
                }
            });
        }
    }
    if let Some(body) = &op.body {
        let ty = request_body_type(&body.content);
        if body.required {
            fields.push(quote!(body: #ty));
            ctor_args.push(quote!(body: #ty));
            ctor_inits.push(quote!(body));
        } else {
            fields.push(quote!(body: ::std::option::Option<#ty>));
            ctor_inits.push(quote!(body: ::std::option::Option::None));
            let doc = attrs(
                &body
                    .doc
                    .as_deref()
                    .map_or_else(|| "Sets the request body.".to_owned(), prose),
            );
            setters.push(quote! {
                #doc
                pub fn body(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                    self.body = ::std::option::Option::Some(value.into());
                    self
                }
            });
        }
    }
    let output = success_type(op);
    let send_body = emit_send(api, op);
    let method = op.method_name.as_str();
    let doc = attrs(&format!(
        "A {} request, made by [`Client::{method}`](crate::Client::{method}).",
        code(&op.wire_id)
    ));
    let success_enum = emit_success_enum(op);
    // An exact status arm before the range that contains it is meant: the
    // exact one wins.
    let overlapping = op.responses.iter().any(|r| match r.status {
        StatusMatch::Range(class) => op
            .responses
            .iter()
            .any(|o| matches!(o.status, StatusMatch::Code(c) if c / 100 == class)),
        _ => false,
    });
    let allow_overlap = overlapping.then(|| quote!(#[allow(clippy::match_overlapping_arm)]));
    quote! {
        #doc
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is sent or awaited"]
        pub struct #name<'a> {
            client: &'a crate::Client,
            #(#fields,)*
        }

        impl<'a> #name<'a> {
            pub(crate) fn new(client: &'a crate::Client, #(#ctor_args),*) -> Self {
                Self { client, #(#ctor_inits,)* }
            }

            #(#setters)*

            /// Sends the request and decodes the response.
            #allow_overlap
            pub async fn send(self) -> ::std::result::Result<crate::ResponseValue<#output>, crate::Error> {
                #send_body
            }
        }

        impl<'a> ::std::future::IntoFuture for #name<'a> {
            type Output = ::std::result::Result<crate::ResponseValue<#output>, crate::Error>;
            type IntoFuture = ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = Self::Output> + ::std::marker::Send + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }

        #success_enum
    }
}

fn emit_success_enum(op: &Operation) -> Option<TokenStream> {
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
                let ty = body_type(body);
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

fn emit_send(api: &Api, op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.method.as_str());
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
                quote!(&crate::runtime::path_param(#wire, &self.#field)?)
            }
        });
        quote!(&[#(#pieces),*].concat())
    };
    let mut steps = Vec::new();
    if !op.security.is_empty() {
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
        steps.push(quote!(request.auth(&[#(#alternatives),*])?;));
    }
    for p in op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
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
                };
                quote!(request.query(#wire, #value, #style)?;)
            }
            ParamLocation::Header => quote!(request.header(#wire, #value)?;),
            ParamLocation::Cookie => quote!(request.cookie(#wire, #value)?;),
            ParamLocation::Path => unreachable!("path parameters are filtered out above"),
        };
        if p.required {
            steps.push(add(quote!(&self.#field)));
        } else {
            let set = add(quote!(value));
            steps.push(quote! {
                if let ::std::option::Option::Some(value) = &self.#field {
                    #set
                }
            });
        }
    }
    if let Some(body) = &op.body {
        let media = body.media_type.as_str();
        let set = |value: TokenStream| match &body.content {
            RequestContent::Json(_) => quote!(request.json(&#value)?;),
            RequestContent::Form(_) => quote!(request.form(&#value)?;),
            RequestContent::Text => quote!(request.raw(#media, #value.into_bytes());),
            RequestContent::Binary => quote!(request.raw(#media, #value);),
        };
        if body.required {
            steps.push(set(quote!(self.body)));
        } else {
            let s = set(quote!(body));
            steps.push(quote! {
                if let ::std::option::Option::Some(body) = self.body {
                    #s
                }
            });
        }
    }
    let (arms, fallback) = response_arms(api, op);
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
    quote! {
        let #mutability request = self.client.request(::reqwest::Method::#method, #path)?;
        #(#steps)*
        let response = request.send().await?;
        #dispatch
    }
}

/// The match arms for declared statuses, and the handling of every other one.
fn response_arms(api: &Api, op: &Operation) -> (Vec<TokenStream>, TokenStream) {
    // Group exact codes with the same handling into one arm; ranges follow,
    // then `default` or the catch-all.
    let mut groups: Vec<(Vec<u16>, TokenStream)> = Vec::new();
    let mut ranges = Vec::new();
    let mut fallback = None;
    for (index, r) in op.responses.iter().enumerate() {
        let handling = response_handling(api, op, index);
        match r.status {
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
            StatusMatch::Default => fallback = Some(handling),
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
    let fallback = fallback.unwrap_or_else(|| quote!(::std::result::Result::Err(response.error())));
    (arms, fallback)
}

fn response_handling(api: &Api, op: &Operation, index: usize) -> TokenStream {
    let r = &op.responses[index];
    if r.status.is_success() {
        let decode = match &r.body {
            ResponseBody::Empty => quote!(response.empty()),
            ResponseBody::Json(t) if matches!(op.success, SuccessType::Enum { .. }) => {
                let t = rust_type(t);
                quote!(response.json::<#t>())
            }
            ResponseBody::Json(_) => quote!(response.json()),
            ResponseBody::Text => quote!(response.text()),
            ResponseBody::Binary => quote!(response.bytes()),
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
                    (_, None) => quote!(::std::result::Result::Err(response.error())),
                }
            }
        };
    }
    let wrap = error_wrap(api, &r.body);
    match &r.body {
        ResponseBody::Empty => quote!(::std::result::Result::Err(response.error())),
        ResponseBody::Json(_) => quote!(::std::result::Result::Err(response.error_json(#wrap))),
        ResponseBody::Text => quote!(::std::result::Result::Err(response.error_text(#wrap))),
        ResponseBody::Binary => quote!(::std::result::Result::Err(response.error_bytes(#wrap))),
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
pub fn emit_error_body(api: &Api) -> TokenStream {
    match api.error_bodies.as_slice() {
        [] => quote! {
            /// The decoded body of an error response. The API declares no error
            /// bodies, so none is ever decoded: [`ApiError::raw`] keeps what the
            /// server sent.
            pub type ErrorBody = ::serde_json::Value;
        },
        [single] => {
            let ty = body_type(&single.body);
            quote! {
                /// The decoded body of an error response, as the API declares it.
                pub type ErrorBody = #ty;
            }
        }
        many => {
            let variants = many.iter().map(|v| {
                let name = ident(&v.name);
                let ty = body_type(&v.body);
                let doc = attrs(&format!("A {} body.", code(&v.name)));
                quote!(#doc #name(#ty),)
            });
            quote! {
                /// The decoded body of an error response: which one depends on
                /// the operation and the status, as the API declares them.
                #[derive(Debug, Clone, PartialEq)]
                pub enum ErrorBody {
                    #(#variants)*
                }
            }
        }
    }
}
