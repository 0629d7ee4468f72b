//! Webhooks → `src/webhooks.rs`: a `Notification` enum with one variant per
//! request the API sends, a function per webhook that decodes a received
//! request (headers and body) into its payload, and `decode`, which finds
//! the webhook a request is.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{attrs, code, prose};
use super::paths::Paths;
use crate::model::{Api, RequestContent, Webhook};
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
pub fn emit_webhooks(api: &Api, paths: Paths) -> Option<TokenStream> {
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
        }

        impl WebhookError {
            /// The body, as received, when it is what does not match.
            pub fn body(&self) -> ::std::option::Option<&crate::Bytes> {
                match self {
                    Self::Body { body, .. } | Self::Unrecognized { body, .. } => ::std::option::Option::Some(body),
                    Self::MissingHeader { .. } => ::std::option::Option::None,
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

        #(#functions)*

        #decode
    })
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
