//! Webhooks → `src/webhooks.rs`: a `Notification` enum with one variant per
//! request the API sends, a function per webhook that decodes a received
//! request (headers and body) into its payload, and `decode`, which finds
//! the webhook a request is.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{attrs, code, prose};
use super::gates::Gates;
use super::paths::Paths;
use crate::model::{Api, Confirm, LinkValue, Primitive, RequestContent, Shown, Webhook};
use crate::names::ident;

/// What a webhook's decoding function returns.
fn payload_type(w: &Webhook, paths: Paths) -> TokenStream {
    match w.payload.as_ref().map(|p| &p.content) {
        Some(RequestContent::Json(ty)) => paths.ty(ty),
        Some(RequestContent::Text) => quote!(::std::string::String),
        _ => quote!(crate::Bytes),
    }
}

fn fn_name(w: &Webhook) -> proc_macro2::Ident {
    format_ident!("decode_{}", w.rust_name.to_snake_case())
}

/// A one-line description of `w`: name, method and summary.
fn title(w: &Webhook) -> String {
    let mut text = format!("{} ({})", code(&w.wire_name), w.method.as_str());
    if let Some(s) = &w.summary {
        text.push_str(": ");
        text.push_str(&prose(s));
    }
    text
}

/// The module, or nothing when the document declares no webhook.
pub fn emit_webhooks(api: &Api, paths: Paths, gates: Option<&Gates>) -> Option<TokenStream> {
    if api.webhooks.is_empty() {
        return None;
    }
    let variants = api.webhooks.iter().map(|w| {
        let name = ident(&w.rust_name);
        let ty = payload_type(w, paths);
        let doc = attrs(&title(w));
        quote!(#doc #name(#ty),)
    });
    let names = api.webhooks.iter().map(|w| {
        let name = ident(&w.rust_name);
        let wire = &w.wire_name;
        quote!(Self::#name(_) => #wire,)
    });
    let functions = api.webhooks.iter().map(|w| decode_one(w, paths));
    let decode = decode_any(api);
    let confirms: Vec<TokenStream> = api
        .webhooks
        .iter()
        .filter_map(|w| Some(confirm_one(api, w, w.confirm.as_ref()?, paths, gates)))
        .collect();
    let confirming = !confirms.is_empty();
    let confirm_items = confirming.then(|| {
        quote! {
            pub use crate::runtime::{Confirmed, Difference};
        }
    });
    let confirm_variants = confirming.then(|| {
        quote! {
            /// The notification lacks a value its link reads (such as the
            /// id of what it notifies), or holds one of the wrong type.
            #[error("the `{webhook}` notification has no usable value at `{expression}`")]
            MissingValue {
                /// The webhook.
                webhook: &'static str,
                /// The link's runtime expression, such as `$request.body#/id`.
                expression: &'static str,
                /// The body, as received.
                body: crate::Bytes,
            },
            /// The API could not confirm the notification: the call that
            /// reads what it notifies failed (refused before sending, as an id
            /// that is not one is; an error status, such as 404 for an id the
            /// API does not know; the network).
            #[error("the API could not confirm the `{webhook}` notification: {source}")]
            Confirm {
                /// The webhook.
                webhook: &'static str,
                /// Why the call failed.
                #[source]
                source: crate::Error,
            },
        }
    });
    let missing_value_body = confirming.then(|| quote!(| Self::MissingValue { body, .. }));
    let confirm_no_body = confirming.then(|| quote!(| Self::Confirm { .. }));
    let doc = "The requests the API sends to you (its webhooks and callbacks): their payloads, \
               and the functions that decode a request your server received.\n\n\
               Give [`decode`] the request's headers and body to learn which notification it is, \
               or the webhook's own function when the URL already says. Payloads decode as \
               responses do: properties the API adds later are ignored, and enum values it adds \
               later decode as the enum's catch-all variant.";
    let doc = super::docs::inner_attrs(doc);
    Some(quote! {
        #doc

        /// A notification the API sends, decoded: one variant per webhook.
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        // Decoded once per request and matched at once: boxing the larger
        // payloads would cost every handler a `*` for no gain.
        #[allow(clippy::large_enum_variant)]
        pub enum Notification {
            #(#variants)*
        }

        impl Notification {
            /// The webhook's name, as the API document gives it.
            pub fn name(&self) -> &'static str {
                match self {
                    #(#names)*
                }
            }
        }

        /// Why a request is not the notification it was decoded as.
        #[derive(Debug, ::thiserror::Error)]
        #[non_exhaustive]
        pub enum WebhookError {
            /// A header the webhook requires is missing.
            #[error("the `{webhook}` notification lacks its `{header}` header")]
            MissingHeader {
                /// The webhook.
                webhook: &'static str,
                /// The header.
                header: &'static str,
            },
            /// The body is not the webhook's payload.
            #[error("the body is not a `{webhook}` notification: {source}")]
            Body {
                /// The webhook.
                webhook: &'static str,
                /// The body, as received.
                body: crate::Bytes,
                /// What does not match.
                #[source]
                source: ::std::boxed::Box<dyn ::std::error::Error + ::std::marker::Send + ::std::marker::Sync>,
            },
            /// The body is none of the notifications the API document describes.
            #[error("the body is none of the notifications the API document describes ({})", summary(tried))]
            Unrecognized {
                /// The body, as received.
                body: crate::Bytes,
                /// Each webhook tried, with why its payload does not match.
                tried: ::std::vec::Vec<(&'static str, ::std::string::String)>,
            },
            #confirm_variants
        }

        impl WebhookError {
            /// The body, as received, when it is what does not match.
            pub fn body(&self) -> ::std::option::Option<&crate::Bytes> {
                match self {
                    Self::Body { body, .. } | Self::Unrecognized { body, .. } #missing_value_body => ::std::option::Option::Some(body),
                    Self::MissingHeader { .. } #confirm_no_body => ::std::option::Option::None,
                }
            }
        }

        /// Each webhook tried, with why it does not match, on one line.
        fn summary(tried: &[(&'static str, ::std::string::String)]) -> ::std::string::String {
            let parts: ::std::vec::Vec<::std::string::String> = tried
                .iter()
                .map(|(webhook, error)| ::std::format!("{webhook}: {error}"))
                .collect();
            parts.join("; ")
        }

        #confirm_items

        #(#functions)*

        #decode

        #(#confirms)*
    })
}

/// `confirm_<webhook>` (and its blocking twin): the notification decoded,
/// then what it notifies read again from the API by the link's operation,
/// and the two compared.
fn confirm_one(
    api: &Api,
    w: &Webhook,
    c: &Confirm,
    paths: Paths,
    gates: Option<&Gates>,
) -> TokenStream {
    let op = &api.operations[c.operation];
    let snake = w.rust_name.to_snake_case();
    let confirm = format_ident!("confirm_{}", snake);
    let confirm_blocking = format_ident!("confirm_{}_blocking", snake);
    let read = format_ident!("{}_link", snake);
    let compare = format_ident!("{}_differences", snake);
    let decode = fn_name(w);
    let wire = &w.wire_name;
    let notified_ty = payload_type(w, paths);
    let current_ty = super::client::success_type(op, paths);
    let method = ident(&op.method_name);
    let cfg = gates.and_then(|g| g.operation(&op.method_name));
    let blocking_cfg = match gates.and_then(|g| g.operation_condition(&op.method_name)) {
        Some(c) => quote!(#[cfg(all(feature = "blocking", #c))]),
        None => quote!(#[cfg(feature = "blocking")]),
    };
    // The values the link reads, one variable each, in the order of the
    // operation's parameters: required ones are the method's arguments,
    // optional ones its builder's setters.
    let mut reads = Vec::new();
    let mut names = Vec::new();
    let mut types = Vec::new();
    let mut uses_body = false;
    let mut ordered: Vec<&(usize, LinkValue)> = c.args.iter().collect();
    ordered.sort_by_key(|(i, _)| *i);
    for (i, value) in &ordered {
        let p = &op.params[*i];
        let var = format_ident!("p_{}", p.rust_name.trim_start_matches("r#"));
        let ty = match crate::lower::linked_primitive(&p.ty) {
            Some(Primitive::Uuid) => quote!(::uuid::Uuid),
            _ => paths.ty(&p.ty),
        };
        let expression = value.expression();
        let found = match value {
            LinkValue::Body(pointer) => {
                uses_body = true;
                quote!(crate::runtime::linked_body::<#ty>(&json, #pointer))
            }
            LinkValue::Header(name) => quote!(crate::runtime::linked_header::<#ty>(headers, #name)),
            LinkValue::Constant(v) => {
                let json = v.to_string();
                quote!(crate::runtime::linked_constant::<#ty>(#json))
            }
        };
        reads.push(quote! {
            let #var: #ty = #found.ok_or_else(|| WebhookError::MissingValue {
                webhook: #wire,
                expression: #expression,
                body: crate::Bytes::copy_from_slice(body),
            })?;
        });
        names.push((*i, var.clone()));
        types.push(ty);
    }
    let parse_json = uses_body.then(|| {
        quote! {
            let json: ::serde_json::Value = ::serde_json::from_slice(body).map_err(|source| WebhookError::Body {
                webhook: #wire,
                body: crate::Bytes::copy_from_slice(body),
                source: ::std::boxed::Box::new(source),
            })?;
        }
    });
    let vars: Vec<&proc_macro2::Ident> = names.iter().map(|(_, v)| v).collect();
    let args = names
        .iter()
        .filter(|(i, _)| op.params[*i].required)
        .map(|(_, v)| v);
    let setters = names
        .iter()
        .filter(|(i, _)| !op.params[*i].required)
        .map(|(i, v)| {
            let setter = ident(&op.params[*i].rust_name);
            quote!(.#setter(#v))
        });
    let call = quote!(client.#method(#(#args),*) #(#setters)*);
    let differences = c.compared.iter().map(|f| {
        let wire_name = &f.wire_name;
        let (a, b) = (ident(&f.notified), ident(&f.current));
        let show = |v: TokenStream| match f.shown {
            Shown::Text => quote!(::std::string::ToString::to_string(&#v)),
            Shown::Enum => quote!(::std::borrow::ToOwned::to_owned(#v.as_str())),
            Shown::Debug => quote!(::std::format!("{:?}", #v)),
        };
        if f.optional {
            let shown = show(quote!(v));
            let opt = |field: TokenStream| {
                quote! {
                    match &#field {
                        ::std::option::Option::Some(v) => #shown,
                        ::std::option::Option::None => ::std::borrow::ToOwned::to_owned("absent"),
                    }
                }
            };
            let (shown_a, shown_b) = (opt(quote!(notified.#a)), opt(quote!(current.#b)));
            return quote! {
                if notified.#a.is_some() && notified.#a != current.#b {
                    out.push(Difference::new(#wire_name, #shown_a, #shown_b));
                }
            };
        }
        let (shown_a, shown_b) = (show(quote!(notified.#a)), show(quote!(current.#b)));
        quote! {
            if notified.#a != current.#b {
                out.push(Difference::new(#wire_name, #shown_a, #shown_b));
            }
        }
    });
    let (out_decl, out_end, compare_args) = if c.compared.is_empty() {
        (
            None,
            quote!(::std::vec::Vec::new()),
            quote!(_notified: &#notified_ty, _current: &#current_ty),
        )
    } else {
        (
            Some(quote!(let mut out = ::std::vec::Vec::new();)),
            quote!(out),
            quote!(notified: &#notified_ty, current: &#current_ty),
        )
    };
    let compared_list = c
        .compared
        .iter()
        .map(|f| code(&f.wire_name))
        .collect::<Vec<_>>()
        .join(", ");
    let compared_text = if c.compared.is_empty() {
        "The notification and the answer share no property to compare: \
         [`Confirmed::differences`] is always empty, and only `current` tells what holds."
            .to_owned()
    } else {
        format!(
            "The properties both carry ({compared_list}; an optional one when the \
             notification has it) are compared: each that differs is in \
             [`Confirmed::differences`], with both values, and then \
             [`Confirmed::is_confirmed`] is false."
        )
    };
    let values = c
        .args
        .iter()
        .map(|(i, v)| {
            format!(
                "{} from {}",
                code(&op.params[*i].wire_name),
                code(&v.expression())
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = format!(
        "Decodes a {} notification and confirms it with the API: calls {} \
         ([`Client::{}`](crate::Client::{})) with {values}, as the API document's link {} \
         says, and returns what the API answered beside what the notification said.\n\n\
         Anyone who can reach your URL can send a notification: act on \
         [`Confirmed::current`] (fetched with your credentials from the API), never on \
         [`Confirmed::notified`]. {compared_text}\n\n\
         A body that is not the notification, a value the link reads that is missing, and a \
         call that fails (an id that is not one is refused before anything is sent) are a \
         [`WebhookError`]: answer such a request with an error status.",
        code(&w.wire_name),
        code(&op.wire_id),
        op.method_name,
        op.method_name,
        code(&c.link),
    );
    if let Some(d) = &c.doc {
        text.push_str("\n\n");
        text.push_str(&prose(d));
    }
    let doc = attrs(&text);
    let blocking_doc = attrs(&format!(
        "[`{confirm}`], with the blocking client (it blocks until the API answers)."
    ));
    let read_doc = attrs(&format!(
        "The {} notification, and the values its link {} gives {}.",
        code(&w.wire_name),
        code(&c.link),
        code(&op.wire_id)
    ));
    let compare_doc = attrs(&format!(
        "The properties of the {} notification that the API's answer does not confirm.",
        code(&w.wire_name)
    ));
    quote! {
        #doc
        #cfg
        pub async fn #confirm(
            client: &crate::Client,
            headers: &crate::reqwest::header::HeaderMap,
            body: &[u8],
        ) -> ::std::result::Result<Confirmed<#notified_ty, #current_ty>, WebhookError> {
            let (notified, #(#vars),*) = #read(headers, body)?;
            let current = #call.await.map_err(|source| WebhookError::Confirm { webhook: #wire, source })?;
            let differences = #compare(&notified, &current);
            ::std::result::Result::Ok(Confirmed::new(notified, current, differences))
        }

        #blocking_doc
        #blocking_cfg
        pub fn #confirm_blocking(
            client: &crate::blocking::Client,
            headers: &crate::reqwest::header::HeaderMap,
            body: &[u8],
        ) -> ::std::result::Result<Confirmed<#notified_ty, #current_ty>, WebhookError> {
            let (notified, #(#vars),*) = #read(headers, body)?;
            let current = #call.send().map_err(|source| WebhookError::Confirm { webhook: #wire, source })?;
            let differences = #compare(&notified, &current);
            ::std::result::Result::Ok(Confirmed::new(notified, current, differences))
        }

        #read_doc
        #cfg
        fn #read(
            headers: &crate::reqwest::header::HeaderMap,
            body: &[u8],
        ) -> ::std::result::Result<(#notified_ty, #(#types),*), WebhookError> {
            let notified = #decode(headers, body)?;
            #parse_json
            #(#reads)*
            ::std::result::Result::Ok((notified, #(#vars),*))
        }

        #compare_doc
        #cfg
        fn #compare(#compare_args) -> ::std::vec::Vec<Difference> {
            #out_decl
            #(#differences)*
            #out_end
        }
    }
}

/// `decode_<webhook>`.
fn decode_one(w: &Webhook, paths: Paths) -> TokenStream {
    let name = fn_name(w);
    let ty = payload_type(w, paths);
    let wire = &w.wire_name;
    let mut text = format!(
        "Decodes a {} notification (a {} request the API sends).",
        code(&w.wire_name),
        w.method.as_str()
    );
    if let Some(summary) = &w.summary {
        text.push_str("\n\n");
        text.push_str(&prose(summary));
    }
    if let Some(d) = &w.description {
        text.push_str("\n\n");
        text.push_str(&prose(d));
    }
    let doc = attrs(&text);
    let headers = w.headers.iter().filter(|(_, required)| *required).map(|(h, _)| {
        let lower = h.to_ascii_lowercase();
        quote! {
            if !headers.contains_key(#lower) {
                return ::std::result::Result::Err(WebhookError::MissingHeader { webhook: #wire, header: #h });
            }
        }
    });
    let body_error = quote! {
        |source| WebhookError::Body {
            webhook: #wire,
            body: crate::Bytes::copy_from_slice(body),
            source: ::std::boxed::Box::new(source),
        }
    };
    let decode = match w.payload.as_ref().map(|p| &p.content) {
        Some(RequestContent::Json(_)) => {
            quote!(::serde_json::from_slice(body).map_err(#body_error))
        }
        Some(RequestContent::Text) => quote! {
            ::std::string::String::from_utf8(body.to_vec()).map_err(#body_error)
        },
        _ => quote!(::std::result::Result::Ok(crate::Bytes::copy_from_slice(
            body
        ))),
    };
    let uses_headers = !w.headers.iter().all(|(_, required)| !required);
    let headers_arg = if uses_headers {
        quote!(headers)
    } else {
        quote!(_headers)
    };
    quote! {
        #doc
        pub fn #name(
            #headers_arg: &crate::reqwest::header::HeaderMap,
            body: &[u8],
        ) -> ::std::result::Result<#ty, WebhookError> {
            #(#headers)*
            #decode
        }
    }
}

/// `decode`: a webhook named by a property first, then each other one in
/// document order.
fn decode_any(api: &Api) -> TokenStream {
    let mut text = String::from("Decodes a notification, whichever webhook it is.\n\n");
    let named: Vec<&Webhook> = api
        .webhooks
        .iter()
        .filter(|w| w.discriminator.is_some())
        .collect();
    let others: Vec<&Webhook> = api
        .webhooks
        .iter()
        .filter(|w| w.discriminator.is_none())
        .collect();
    if api.webhooks.len() == 1 {
        let w = &api.webhooks[0];
        let f = fn_name(w);
        let v = ident(&w.rust_name);
        text.push_str(&format!(
            "The API document describes one webhook, {}: this is [`{f}`] as a [`Notification`].",
            code(&w.wire_name)
        ));
        let doc = attrs(&text);
        return quote! {
            #doc
            pub fn decode(
                headers: &crate::reqwest::header::HeaderMap,
                body: &[u8],
            ) -> ::std::result::Result<Notification, WebhookError> {
                #f(headers, body).map(Notification::#v)
            }
        };
    }
    if !named.is_empty() {
        text.push_str(
            "A body whose property names one webhook alone (a `type` of one value) is decoded as that webhook. ",
        );
    }
    if !others.is_empty() {
        text.push_str(
            "Otherwise the webhooks are tried in the order of the API document, and the first whose payload decodes wins: when two payloads look alike, call the webhook's own function.",
        );
    }
    let doc = attrs(&text);
    let by_property = (!named.is_empty()).then(|| {
        let arms = named.iter().map(|w| {
            let (field, value) = w.discriminator.clone().unwrap_or_default();
            let f = fn_name(w);
            let v = ident(&w.rust_name);
            let test = match &value {
                serde_json::Value::String(text) => {
                    quote!(value.get(#field).and_then(::serde_json::Value::as_str) == ::std::option::Option::Some(#text))
                }
                other => {
                    let json = other.to_string();
                    quote!(value.get(#field).map(::std::string::ToString::to_string).as_deref() == ::std::option::Option::Some(#json))
                }
            };
            quote! {
                if #test {
                    return #f(headers, body).map(Notification::#v);
                }
            }
        });
        quote! {
            if let ::std::result::Result::Ok(value) = ::serde_json::from_slice::<::serde_json::Value>(body) {
                #(#arms)*
            }
        }
    });
    let tries = others.iter().map(|w| {
        let f = fn_name(w);
        let v = ident(&w.rust_name);
        let wire = &w.wire_name;
        quote! {
            match #f(headers, body) {
                ::std::result::Result::Ok(payload) => return ::std::result::Result::Ok(Notification::#v(payload)),
                ::std::result::Result::Err(e) => tried.push((#wire, e.to_string())),
            }
        }
    });
    let tried_decl = if others.is_empty() {
        quote!(let tried = ::std::vec::Vec::new();)
    } else {
        quote!(let mut tried = ::std::vec::Vec::new();)
    };
    quote! {
        #doc
        pub fn decode(
            headers: &crate::reqwest::header::HeaderMap,
            body: &[u8],
        ) -> ::std::result::Result<Notification, WebhookError> {
            #by_property
            #tried_decl
            #(#tries)*
            ::std::result::Result::Err(WebhookError::Unrecognized {
                body: crate::Bytes::copy_from_slice(body),
                tried,
            })
        }
    }
}
