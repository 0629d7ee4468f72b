//! [`Api`] → the files of a client crate.
//!
//! Emitters see only the model. Rust files are built as token streams,
//! checked by `syn` and laid out by `prettyplease`; the `@generated` header
//! is added after formatting, since prettyplease drops comments.

mod client;
mod docs;
pub mod gates;
pub mod module;
mod paths;
mod receiver;
pub(crate) mod report;
mod templates;
mod types;
mod usage;
pub(crate) mod validation;
mod webhooks;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, SecurityKind};

/// The runtime support module (`src/runtime/`), copied as it is into every crate.
pub(crate) const RUNTIME: &[(&str, &str)] = &[
    ("api.rs", include_str!("../../runtime/api.rs")),
    ("blocking.rs", include_str!("../../runtime/blocking.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    ("confirm.rs", include_str!("../../runtime/confirm.rs")),
    ("decode.rs", include_str!("../../runtime/decode.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    ("framing.rs", include_str!("../../runtime/framing.rs")),
    ("macros.rs", include_str!("../../runtime/macros.rs")),
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("pagination.rs", include_str!("../../runtime/pagination.rs")),
    ("poll.rs", include_str!("../../runtime/poll.rs")),
    ("request.rs", include_str!("../../runtime/request.rs")),
    ("retry.rs", include_str!("../../runtime/retry.rs")),
    ("stream.rs", include_str!("../../runtime/stream.rs")),
    ("tls.rs", include_str!("../../runtime/tls.rs")),
    ("validate.rs", include_str!("../../runtime/validate.rs")),
    ("values.rs", include_str!("../../runtime/values.rs")),
];

/// What the crate is called and how it is regenerated.
pub struct CrateInfo<'a> {
    /// The package name.
    pub name: &'a str,
    /// The package version.
    pub version: &'a str,
    /// The command that regenerates the crate, for the `@generated` header.
    pub command: &'a str,
    /// The document the crate is generated from, for the header.
    pub source: &'a str,
    /// Whether operations are gated by Cargo features.
    pub features: gates::FeatureMode,
    /// Whether the crate's code uses a runtime that other APIs share
    /// (written apart, by [`module::shared_runtime`]) instead of its own:
    /// `crate::runtime::` then names that runtime, which has no default
    /// API, and the crate root names its types with aliases.
    pub shared_runtime: bool,
}

/// Items per chunk of a large module. Chunks are formatted in parallel; the
/// size is fixed so that chunk boundaries, and so the output, are the same on
/// every machine whatever its number of cores.
const CHUNK: usize = 48;

/// A unit of Rust to format.
/// A part of the crate that one thread renders: Rust code (a file, or a
/// chunk of one) or a file of text.
enum Piece<'a> {
    Lib,
    Client(&'a [crate::model::Operation], bool),
    Types(&'a [&'a crate::model::TypeDef], bool),
    Builders(&'a [crate::model::Operation], bool),
    Webhooks,
    Example,
    Receiver,
    CargoToml,
    Readme,
    ApiReport,
}

impl Piece<'_> {
    /// Whether the file starts with the `// @generated` header.
    fn has_header(&self) -> bool {
        !matches!(self, Piece::CargoToml | Piece::Readme | Piece::ApiReport)
    }
}

/// Puts each item of `file` under the `cfg` of the type or builder it
/// belongs to: its own name (a struct, an enum, an alias), the type an
/// `impl` is for, or the first argument of a macro (`string_enum!(Name, …)`,
/// `send!(Builder, …)`). Done on the parsed file, so that gating costs no
/// second parse.
fn gate_file(file: &mut syn::File, cfgs: &BTreeMap<String, String>) {
    if cfgs.is_empty() {
        return;
    }
    // Each `cfg` is parsed once per piece: a type's items share one.
    let mut parsed: BTreeMap<&str, Vec<syn::Attribute>> = BTreeMap::new();
    for item in &mut file.items {
        let (name, attrs) = match item {
            syn::Item::Struct(i) => (Some(i.ident.to_string()), &mut i.attrs),
            syn::Item::Enum(i) => (Some(i.ident.to_string()), &mut i.attrs),
            syn::Item::Type(i) => (Some(i.ident.to_string()), &mut i.attrs),
            syn::Item::Impl(i) => {
                let name = match &*i.self_ty {
                    syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                    _ => None,
                };
                (name, &mut i.attrs)
            }
            syn::Item::Macro(i) => {
                // Taken apart and put back, not cloned: a shared token
                // stream is copied whole to be iterated.
                let tokens: Vec<proc_macro2::TokenTree> =
                    std::mem::take(&mut i.mac.tokens).into_iter().collect();
                let name = tokens.iter().find_map(|t| match t {
                    proc_macro2::TokenTree::Ident(id) => Some(id.to_string()),
                    _ => None,
                });
                i.mac.tokens = tokens.into_iter().collect();
                (name, &mut i.attrs)
            }
            _ => continue,
        };
        let Some(cfg) = name.and_then(|n| cfgs.get(&n)) else {
            continue;
        };
        let cfg_attrs = parsed.entry(cfg.as_str()).or_insert_with(|| {
            syn::parse::Parser::parse_str(syn::Attribute::parse_outer, cfg).unwrap_or_default()
        });
        for (i, attr) in cfg_attrs.iter().enumerate() {
            attrs.insert(i, attr.clone());
        }
    }
}

/// The `cfg` of each item of a piece of the types or builders module that
/// has one, by the name of the type or builder the item belongs to (the
/// key [`gate_file`] reads).
fn piece_cfgs(g: &gates::Gates, piece: &Piece<'_>) -> BTreeMap<String, String> {
    let mut cfgs = BTreeMap::new();
    match piece {
        Piece::Types(defs, _) => {
            for def in *defs {
                if let Some(cfg) = g.ty(&def.name) {
                    cfgs.insert(crate::names::ident(&def.name).to_string(), cfg.to_string());
                }
            }
        }
        Piece::Builders(ops, _) => {
            for op in *ops {
                if let Some(cfg) = g.operation(&op.method_name) {
                    if let crate::model::SuccessType::Enum { name, .. } = &op.success {
                        cfgs.insert(crate::names::ident(name).to_string(), cfg.to_string());
                    }
                    cfgs.insert(
                        crate::names::ident(&op.builder_name).to_string(),
                        cfg.to_string(),
                    );
                }
            }
        }
        _ => {}
    }
    cfgs
}

/// What the crate docs say of the webhooks: how far a notification is trusted.
fn webhooks_text(api: &Api) -> String {
    if api.webhooks.is_empty() {
        return String::new();
    }
    let confirmed: Vec<String> = api
        .webhooks
        .iter()
        .filter(|w| w.confirm.is_some())
        .map(|w| {
            let f = format!(
                "confirm_{}",
                heck::ToSnakeCase::to_snake_case(w.rust_name.as_str())
            );
            format!("[`webhooks::{f}`]")
        })
        .collect();
    let mut text = String::from(
        "\n\n## Webhooks\n\n\
         Anyone who can reach your webhook URL can send a notification: unless you verify a \
         signature the API puts on them, [`webhooks`] decodes what a request claims, not what \
         is true.",
    );
    if !confirmed.is_empty() {
        text.push_str(&format!(
            " {} {} a notification with the API (the operation a link of the API document \
             names, called with your credentials) and {} what the API has now: act on that \
             (`Confirmed::current`), never on the notification.",
            confirmed.join(", "),
            if confirmed.len() == 1 {
                "confirms"
            } else {
                "confirm"
            },
            if confirmed.len() == 1 {
                "returns"
            } else {
                "return"
            },
        ));
    }
    text
}

/// Every file of the crate, by path relative to the crate root.
pub fn emit(api: &Api, info: &CrateInfo<'_>) -> Result<BTreeMap<String, String>, String> {
    let header = without_bidi_controls(format!(
        "// @generated by {} from {}. Do not edit.\n\n",
        info.command, info.source
    ));
    let defs: Vec<&crate::model::TypeDef> = api.types.values().collect();
    // What requests carry and checks, and the features' gates: apart from
    // the types requests reach, which both need, computed side by side.
    let (validation, gates) = std::thread::scope(|scope| {
        let gates = scope.spawn(|| {
            // Types whose every field is named by code of their own (checks
            // before sending, the page reading): never trimmed by features.
            let whole: std::collections::BTreeSet<String> = validation::reachable(api)
                .into_iter()
                .chain(
                    api.operations
                        .iter()
                        .filter_map(|op| op.pagination.as_ref().map(|p| p.page.clone())),
                )
                .collect();
            gates::Gates::of(api, info.features, &whole)
        });
        let validation = validation::Validation::of(api);
        (validation, gates.join())
    });
    let gates = gates.map_err(|_| "the thread that computes features panicked".to_owned())?;
    let gates = gates.as_ref();
    let crate_ident = info.name.replace('-', "_");
    let quickstart = usage::quickstart(api, &crate_ident);
    let uses = Uses::of(api);
    let paths = paths::Paths::of(api);
    // Each page type reads one way (lowering keeps it so): from its first operation.
    let mut pages = BTreeMap::new();
    for op in &api.operations {
        if let Some(pg) = &op.pagination {
            pages.entry(pg.page.clone()).or_insert(pg);
        }
    }
    let example = !quickstart.steps.is_empty();
    let receiver = receiver::receiver(api, &crate_ident);
    // The files of text first, so that they are not what the last thread
    // waits for.
    let mut pieces: Vec<(&str, Piece<'_>)> = vec![
        ("README.md", Piece::Readme),
        ("API.md", Piece::ApiReport),
        ("Cargo.toml", Piece::CargoToml),
        ("src/lib.rs", Piece::Lib),
    ];
    if example {
        pieces.push(("examples/quickstart.rs", Piece::Example));
    }
    if receiver.is_some() {
        pieces.push(("examples/webhook_receiver.rs", Piece::Receiver));
    }
    for (i, chunk) in api.operations.chunks(CHUNK).enumerate() {
        pieces.push(("src/client.rs", Piece::Client(chunk, i == 0)));
    }
    if api.operations.is_empty() {
        pieces.push(("src/client.rs", Piece::Client(&[], true)));
    }
    for (i, chunk) in defs.chunks(CHUNK).enumerate() {
        pieces.push(("src/types.rs", Piece::Types(chunk, i == 0)));
    }
    if defs.is_empty() {
        pieces.push(("src/types.rs", Piece::Types(&[], true)));
    }
    for (i, chunk) in api.operations.chunks(CHUNK).enumerate() {
        pieces.push(("src/builders.rs", Piece::Builders(chunk, i == 0)));
    }
    if api.operations.is_empty() {
        pieces.push(("src/builders.rs", Piece::Builders(&[], true)));
    }
    if !api.webhooks.is_empty() {
        pieces.push(("src/webhooks.rs", Piece::Webhooks));
    }
    let rendered = render_all(&pieces, |(_, piece)| {
        let text = match piece {
            Piece::Example => {
                let text = quickstart.example_file(&crate_ident);
                // Written as text (to keep its comments), so checked here:
                // the generator never writes a file that does not parse.
                syn::parse_file(&text).map_err(|e| {
                    format!("the generator produced an invalid examples/quickstart.rs: {e}")
                })?;
                Some(text)
            }
            Piece::Receiver => {
                let text = receiver
                    .as_ref()
                    .map(receiver::Receiver::example_file)
                    .unwrap_or_default();
                syn::parse_file(&text).map_err(|e| {
                    format!("the generator produced an invalid examples/webhook_receiver.rs: {e}")
                })?;
                Some(text)
            }
            Piece::CargoToml => Some(templates::cargo_toml(
                api,
                info,
                uses,
                example,
                receiver.is_some(),
                gates,
            )?),
            Piece::Readme => Some(templates::readme(
                api,
                info,
                uses,
                &quickstart,
                receiver.as_ref(),
                gates,
            )?),
            Piece::ApiReport => Some(report::api_report(
                api,
                info.name,
                info.version,
                &format!(
                    "<!-- @generated by {} from {}. Do not edit. -->",
                    info.command, info.source
                ),
                gates,
            )),
            _ => None,
        };
        if let Some(text) = text {
            return Ok(without_bidi_controls(text));
        }
        let mut setters = Vec::new();
        let tokens = match piece {
            Piece::Lib => emit_lib(api, info, &quickstart, uses, gates, paths),
            Piece::Client(ops, first) => emit_client(api, ops, *first, gates, paths),
            Piece::Types(defs, first) => types::emit_types(
                defs,
                *first,
                &validation,
                &pages,
                gates,
                paths,
                &mut setters,
            ),
            Piece::Builders(ops, first) => {
                client::emit_builders(api, ops, *first, &validation, paths)
            }
            Piece::Webhooks => webhooks::emit_webhooks(api, paths, gates).unwrap_or_default(),
            Piece::Example
            | Piece::Receiver
            | Piece::CargoToml
            | Piece::Readme
            | Piece::ApiReport => TokenStream::new(),
        };
        let mut file: syn::File =
            syn::parse2(tokens).map_err(|e| format!("the generator produced invalid Rust: {e}"))?;
        types::add_setters(&mut file, setters, paths)?;
        if let Some(g) = gates {
            gate_file(&mut file, &piece_cfgs(g, piece));
        }
        Ok(without_bidi_controls(space_items(&prettyplease::unparse(
            &file,
        ))))
    })?;
    // Each file's chunks joined by a blank line, into a string allocated
    // once (growing a 12 MB file chunk by chunk costs more than joining it).
    let mut chunks: BTreeMap<&str, (bool, Vec<String>)> = BTreeMap::new();
    for ((path, piece), text) in pieces.iter().zip(rendered) {
        let entry = chunks
            .entry(*path)
            .or_insert((piece.has_header(), Vec::new()));
        entry.1.push(text);
    }
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for (path, (has_header, texts)) in chunks {
        let header = if has_header { header.as_str() } else { "" };
        let len = header.len() + texts.iter().map(|t| t.len() + 1).sum::<usize>();
        let mut file = String::with_capacity(len);
        file.push_str(header);
        for (i, text) in texts.iter().enumerate() {
            if i > 0 {
                file.push('\n');
            }
            file.push_str(text);
        }
        files.insert(path.to_owned(), file);
    }
    if !info.shared_runtime {
        for (name, text) in RUNTIME {
            files.insert(format!("src/runtime/{name}"), format!("{header}{text}"));
        }
    }
    // prettyplease lays the code out; a workspace-wide `cargo fmt` must not
    // rewrite it (which would make the crate stale).
    files.insert(
        "rustfmt.toml".to_owned(),
        without_bidi_controls(format!(
            "# @generated by {} from {}. Do not edit.\n# prettyplease lays this crate out; rustfmt leaves it alone.\ndisable_all_formatting = true\n",
            info.command, info.source
        )),
    );
    Ok(files)
}

/// `text`, with any Unicode bidirectional control escaped. They come from
/// the document and reach only comments and prose (string literals are
/// escaped by `quote`): rustc refuses them in comments, and they would make
/// any text read other than it is. Every file the generator writes passes
/// through here, piece by piece.
fn without_bidi_controls(text: String) -> String {
    if has_bidi_controls(&text) {
        escape_bidi(&text)
    } else {
        text
    }
}

/// Whether `text` holds a Unicode bidirectional control: looked for only
/// where a character's UTF-8 starts with their lead byte (0xE2), so that a
/// 12 MB file is scanned at memory speed rather than decoded.
fn has_bidi_controls(text: &str) -> bool {
    text.as_bytes()
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == 0xE2)
        .any(|(i, _)| {
            text.get(i..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(|c| crate::read::BIDI_CONTROLS.contains(&c))
        })
}

/// `text` with every Unicode bidirectional control written as its escape
/// (`\u{202e}`).
fn escape_bidi(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if crate::read::BIDI_CONTROLS.contains(&c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs `render` on every piece, on as many threads as there are cores, and
/// returns the results in the order of `pieces`.
fn render_all<T: Sync>(
    pieces: &[T],
    render: impl Fn(&T) -> Result<String, String> + Sync,
) -> Result<Vec<String>, String> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(pieces.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, Result<String, String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(piece) = pieces.get(i) else { break };
                        done.push((i, render(piece)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![(usize::MAX, Err("an emitter thread panicked".to_owned()))]
                })
            })
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

fn emit_lib(
    api: &Api,
    info: &CrateInfo<'_>,
    quickstart: &usage::Quickstart,
    uses: Uses,
    gates: Option<&gates::Gates>,
    paths: paths::Paths,
) -> TokenStream {
    let title = docs::prose(api.title.trim());
    let mut text = format!(
        "# {title}\n\nAn async client for the {title} (API version {}).",
        docs::code(&api.version)
    );
    if let Some(d) = &api.description {
        text.push_str("\n\n");
        text.push_str(&docs::prose(d));
    }
    let mut quickstart_text = String::new();
    if !quickstart.steps.is_empty() {
        quickstart_text.push_str("\n\n## Quickstart\n\n");
        quickstart_text.push_str(&quickstart.doctest());
        quickstart_text.push_str("\n\n`examples/quickstart.rs` is this code as a program.");
    }
    // With features, the quickstart compiles only when the operations it
    // calls do: it documents the crate under `full`.
    let quickstart_doc = match gates {
        None => {
            text.push_str(&quickstart_text);
            None
        }
        Some(_) if quickstart_text.is_empty() => None,
        Some(_) => Some(docs::inner_attrs_when(
            &quote!(feature = "full"),
            &quickstart_text,
        )),
    };
    let head_doc = quickstart_doc.as_ref().map(|_| docs::inner_attrs(&text));
    if quickstart_doc.is_some() {
        text.clear();
    }
    let features_text = gates.map(|g| {
        format!(
            "\n\n## Features\n\n\
             Each group of operations is a Cargo feature: `{}`. A feature compiles its \
             operations and the types they reach; `full`, the default, compiles \
             everything. To compile only what you call: `default-features = false, \
             features = [\"…\"]`. The README lists the operations of each feature.",
            g.all().join("`, `")
        )
    });
    text.push_str(&format!(
        "{}\n\n## Use\n\n\
         Make a [`Client`] (a cheap handle: clone it freely), then call one method per \
         operation: each returns a request builder (see [`builders`]) that owns what it needs, \
         to `.await`. Every call is retried as its [`RetryPolicy`] and its idempotency allow, \
         and checked against the document's rules before it is sent. Errors are one type, \
         [`Error`]: every status that is not a success is [`Error::Api`]. [`prelude`] holds \
         what most programs need. With the `blocking` feature, `blocking::Client` has the same \
         operations, synchronously.\n\n\
         What callers, servers and proxies control never steers a request elsewhere: a path \
         parameter that is a dot segment in any spelling (`..`, `%2E`) is refused before \
         sending, no redirect is followed to another origin (nor one of a request with a \
         body), and a response larger than \
         [`ClientBuilder::max_response_bytes`] (64 MiB by default) ends the call with \
         [`Error::TooLarge`].\n\n\
         This crate is generated from the API's OpenAPI document by {}.{}",
        features_text.unwrap_or_default(),
        docs::code(info.command.trim_matches('`')),
        webhooks_text(api),
    ));
    let doc = docs::inner_attrs(&text);
    let doc = quote!(#head_doc #quickstart_doc #doc);
    // Under a subset of the features, runtime items that only the other
    // operations use are unused.
    let partial = gates.map(|_| {
        quote!(#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports, unused_macros))])
    });
    let api_version = api.version.as_str();
    let base_url = match &api.base_url {
        Some(url) => quote!(::std::option::Option::Some(#url)),
        None => quote!(::std::option::Option::None),
    };
    let error_body = client::emit_error_body(api, paths);
    // Types of other crates that requests may carry inside checked
    // containers (a list with a minimum length): no rule of their own.
    let chrono = uses.chrono.then(|| {
        quote!(
            pub use chrono;
        )
    });
    // Security schemes that send a key in a header: their values are never shown.
    let mut sensitive: Vec<String> = api
        .security_schemes
        .iter()
        .filter_map(|s| match &s.kind {
            SecurityKind::ApiKeyHeader(name) => Some(name.to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    sensitive.sort();
    sensitive.dedup();
    let prelude_types = quickstart.prelude_types.iter().map(|n| {
        let cfg = gates.and_then(|g| g.ty(n));
        let n = crate::names::ident(n);
        quote!(#cfg pub use crate::types::#n;)
    });
    let chrono_rules = uses.chrono.then(|| {
        quote! {
            impl crate::runtime::Validate for ::chrono::DateTime<::chrono::Utc> {}

            impl crate::runtime::Validate for ::chrono::NaiveDate {}
        }
    });
    let uuid_rules = quote!(impl crate::runtime::Validate for ::uuid::Uuid {});
    let webhooks_cfg = gates
        .filter(|g| g.webhooks)
        .map(|_| quote!(#[cfg(feature = "webhooks")]));
    let webhooks_mod = (!api.webhooks.is_empty()).then(|| {
        quote!(
            #webhooks_cfg
            pub mod webhooks;
        )
    });
    // Types that hold themselves through long cycles make rustdoc's proof of
    // the auto traits (`Send`, `UnwindSafe`, …) deeper than the default
    // limit of 128.
    fn boxes(ty: &crate::model::TypeRef) -> bool {
        use crate::model::TypeRef;
        match ty {
            TypeRef::Boxed(_) => true,
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => boxes(inner),
            TypeRef::Tuple(items) => items.iter().any(boxes),
            TypeRef::Named(_) | TypeRef::Primitive(_) | TypeRef::Json => false,
        }
    }
    let recursive = api
        .types
        .values()
        .any(|def| validation::members(&def.kind).into_iter().any(boxes));
    let recursion_limit = recursive.then(|| quote!(#![recursion_limit = "256"]));
    // The stream types, for an API whose operations answer with one.
    let streams = api.operations.iter().any(|op| {
        op.stream.is_some()
            || matches!(
                op.success,
                crate::model::SuccessType::Single(crate::model::ResponseBody::Stream(_))
            )
    });
    let runtime_mod = (!info.shared_runtime).then(|| {
        quote!(
            mod runtime;
        )
    });
    let runtime_names = if info.shared_runtime {
        shared_runtime_names(streams)
    } else {
        let streams = streams.then(|| {
            quote!(
                pub use runtime::{Event, EventStream, JsonStream};
            )
        });
        quote! {
            pub use runtime::{
                ApiDefinition, ApiError, Async, CallInfo, Certificate, Client, ClientBuilder, DecodeError, Error, FilePart,
                IdempotencyKey, Items, Page, Pages, ResponseFuture,
                PollOptions, ResponseValue, RetryPolicy, TimeoutError, TimeoutKind, TlsRoots, TooLargeError,
                TransportError, UnknownValue, ValidationError, Violation,
            };
            #streams
            #[cfg(feature = "blocking")]
            pub use runtime::blocking;
        }
    };
    // A shared runtime validates the types of other crates itself (for
    // every API that shares it: two impls would clash).
    let (chrono_rules, uuid_rules) = if info.shared_runtime {
        (None, None)
    } else {
        (chrono_rules, Some(uuid_rules))
    };
    quote! {
        #doc
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
        #recursion_limit
        #partial

        pub mod builders;
        mod client;
        #runtime_mod
        pub mod types;
        #webhooks_mod

        pub use bytes::Bytes;
        pub use reqwest;
        #chrono
        pub use uuid;
        #runtime_names

        /// What most programs need, in one import: `use <crate>::prelude::*;`.
        pub mod prelude {
            pub use crate::{Client, Error, IdempotencyKey, PollOptions, ResponseValue, RetryPolicy};
            #(#prelude_types)*
        }

        /// The version of the API document this crate was generated from
        /// (`info.version`). The crate's own version follows the changes of
        /// its API (see `CHANGELOG.md`); this one is sent in the user agent.
        pub const API_VERSION: &str = #api_version;

        /// This API, as the runtime's types name it: [`Client`] is
        /// `Client<Api>`, [`Error`] is `Error<Api>`, without writing it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct Api;

        impl crate::runtime::ApiDefinition for Api {
            type ErrorBody = ErrorBody;
            const DEFAULT_BASE_URL: ::std::option::Option<&'static str> = #base_url;
            const API_VERSION: &'static str = API_VERSION;
            const SENSITIVE_HEADERS: &'static [&'static str] = &[#(#sensitive),*];
        }

        #error_body

        #chrono_rules
        #uuid_rules
    }
}

fn emit_client(
    api: &Api,
    ops: &[crate::model::Operation],
    first: bool,
    gates: Option<&gates::Gates>,
    paths: paths::Paths,
) -> TokenStream {
    let methods = client::emit_client_methods(ops, gates, paths);
    if !first {
        return methods;
    }
    let has_bearer = api
        .security_schemes
        .iter()
        .any(|s| s.kind == SecurityKind::Bearer);
    // `new` is offered only where it cannot fail: an https server the
    // document names (a plain-http one needs `allow_http`).
    let https_url = api
        .base_url
        .as_deref()
        .filter(|u| u.starts_with("https://"));
    let new = https_url.map(|url| {
        let (args, creds, what, errors) = if has_bearer {
            (
                quote!(token: impl ::std::convert::Into<::std::string::String>),
                quote!(.bearer_token(token)),
                " that authenticates with the bearer `token`",
                "Whitespace around the token (the line break of a token read from a \
                 file or a secret mount) is dropped. A token that still cannot travel \
                 in a header (an empty one, one with a line break inside) is an \
                 [`Error::InvalidRequest`](crate::Error::InvalidRequest); a TLS backend \
                 that cannot start is an error too.",
            )
        } else {
            (
                quote!(),
                quote!(),
                "",
                "Fails only if the TLS backend cannot start.",
            )
        };
        let doc = format!(" A client for `{url}`{what}.");
        let errors = docs::attrs(errors);
        quote! {
            impl crate::Client {
                #[doc = #doc]
                ///
                /// Use [`Client::builder`](crate::Client::builder) for anything else
                /// (another server, timeouts, your own HTTP client).
                ///
                /// # Errors
                ///
                #errors
                pub fn new(#args) -> ::std::result::Result<Self, crate::Error> {
                    crate::Client::builder()
                        #creds
                        .build()
                }
            }

            #[cfg(feature = "blocking")]
            impl crate::blocking::Client {
                #[doc = #doc]
                ///
                /// Use [`ClientBuilder::build_blocking`](crate::ClientBuilder::build_blocking)
                /// for anything else.
                ///
                /// # Errors
                ///
                #errors
                pub fn new(#args) -> ::std::result::Result<Self, crate::Error> {
                    crate::Client::builder()
                        #creds
                        .build_blocking()
                }
            }
        }
    });
    quote! {
        //! The operations, as methods of [`Client`](crate::Client) (and of the
        //! blocking client, with the `blocking` feature).

        impl crate::Client {
            /// A builder, starting from the API's own server (if the document names one).
            pub fn builder() -> crate::ClientBuilder {
                crate::runtime::ClientBuilder::new()
            }
        }

        #new
        #methods
    }
}

/// The crate root's names for the types of a runtime it shares with other
/// APIs: the types that meet an API are aliases given this API's marker
/// (the runtime has no default), the others the runtime's own.
fn shared_runtime_names(streams: bool) -> TokenStream {
    let streams = streams.then(|| {
        quote! {
            pub use crate::runtime::Event;

            /// A stream of server-sent events of this API.
            pub type EventStream<T> = crate::runtime::EventStream<T, Api>;

            /// A stream of JSON items of this API.
            pub type JsonStream<T> = crate::runtime::JsonStream<T, Api>;
        }
    });
    quote! {
        pub use crate::runtime::{
            ApiDefinition, Async, CallInfo, Certificate, DecodeError, FilePart, IdempotencyKey, Page,
            PollOptions, ResponseValue, RetryPolicy, TimeoutError, TimeoutKind, TlsRoots, TooLargeError,
            TransportError, UnknownValue, ValidationError, Violation,
        };

        /// A client for this API: cheap to clone (clones share one
        /// configuration and one connection pool).
        pub type Client = crate::runtime::Client<Api>;

        /// Configures a [`Client`].
        pub type ClientBuilder = crate::runtime::ClientBuilder<Api>;

        /// Everything that can go wrong with a call of this API.
        pub type Error = crate::runtime::Error<Api>;

        /// A status that is not a success, with everything the server sent.
        pub type ApiError = crate::runtime::ApiError<Api>;

        /// A call of this API on its way.
        pub type ResponseFuture<T> = crate::runtime::ResponseFuture<T, Api>;

        /// The pages of a listing of this API.
        pub type Pages<P> = crate::runtime::Pages<P, Api>;

        /// The items of a listing of this API.
        pub type Items<P> = crate::runtime::Items<P, Api>;

        #streams

        /// The same operations, synchronously (cargo feature `blocking`).
        #[cfg(feature = "blocking")]
        pub mod blocking {
            pub use crate::runtime::blocking::{Blocking, Iter};

            /// A client of this API whose calls block.
            pub type Client = crate::runtime::blocking::Client<super::Api>;
        }
    }
}

/// Optional dependencies the crate needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Uses {
    /// `chrono`, for date-times and dates.
    pub chrono: bool,
    /// `fancy-regex`, for patterns with look-around (the `lookaround`
    /// feature, then on by default).
    pub lookaround: bool,
}

impl Uses {
    /// What `api`'s types and operations need.
    pub fn of(api: &Api) -> Uses {
        use crate::model::{Primitive, ResponseBody, TypeRef};
        fn walk(ty: &TypeRef, uses: &mut Uses) {
            match ty {
                TypeRef::Primitive(Primitive::DateTime | Primitive::Date) => uses.chrono = true,
                TypeRef::Array(inner)
                | TypeRef::Map(inner)
                | TypeRef::Nullable(inner)
                | TypeRef::Boxed(inner) => walk(inner, uses),
                TypeRef::Tuple(items) => items.iter().for_each(|t| walk(t, uses)),
                TypeRef::Named(_) | TypeRef::Primitive(_) | TypeRef::Json => {}
            }
        }
        let mut uses = Uses {
            lookaround: api.lookaround,
            ..Uses::default()
        };
        for def in api.types.values() {
            for ty in validation::members(&def.kind) {
                walk(ty, &mut uses);
            }
        }
        for op in &api.operations {
            for p in &op.params {
                walk(&p.ty, &mut uses);
            }
            if let Some(ty) = op.body.as_ref().and_then(|b| b.content.ty()) {
                walk(ty, &mut uses);
            }
            for r in &op.responses {
                match &r.body {
                    ResponseBody::Json(ty) => walk(ty, &mut uses),
                    ResponseBody::Stream(s) => walk(&s.item, &mut uses),
                    _ => {}
                }
            }
            if let Some(s) = &op.stream {
                walk(&s.item, &mut uses);
            }
        }
        uses
    }
}

/// `text` with each path that prettyplease broke after its `crate` (it
/// lays a macro's arguments out as loose tokens: `X, crate\n    ::builders::Y`)
/// on one line again.
fn join_split_root_paths(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("crate\n") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    let ends_with_crate = |line: &str| {
        line.strip_suffix("crate").is_some_and(|rest| {
            !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$')
        })
    };
    while let Some(line) = lines.next() {
        out.push_str(line);
        // A joined line may end with a split path of its own (a macro's
        // arguments: `X, crate` / `::types::Y, crate` / `::Api`).
        let mut last = line;
        while ends_with_crate(last) {
            let Some(next) = lines.next_if(|next| next.trim_start().starts_with("::")) else {
                break;
            };
            last = next.trim_start();
            out.push_str(last);
        }
        out.push('\n');
    }
    std::borrow::Cow::Owned(out)
}

/// Puts a blank line between items, which prettyplease writes back to back,
/// so that generated files read (and diff) like hand-written ones.
fn space_items(text: &str) -> String {
    let text = join_split_root_paths(text);
    let text = text.as_ref();
    const ITEM_STARTS: &[&str] = &[
        "///",
        "#[",
        "pub ",
        "pub(",
        "impl",
        "fn ",
        "async fn ",
        "const ",
        "type ",
        "mod ",
        "enum ",
        "struct ",
        "trait ",
        "use ",
        "static ",
        // Item macros of the runtime, such as `crate::runtime::send!(…);`.
        "crate::runtime::",
    ];
    let group = |line: &str| {
        if line.starts_with("use ") || line.starts_with("pub use ") {
            1
        } else if line.starts_with("mod ") || line.starts_with("pub mod ") {
            2
        } else {
            0
        }
    };
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut prev: Option<&str> = None;
    // Inside an item macro of the runtime, whose arguments prettyplease
    // prints as loose tokens (`crate ::types::X`).
    let mut in_macro = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        in_macro |= line.starts_with("crate::runtime::");
        if let Some(p) = prev {
            let p_trimmed = p.trim_start();
            // A doc line ends nothing, even one that reads like code
            // (`/// let x = 1;`).
            let ends_item = !p_trimmed.starts_with("//")
                && (p_trimmed == "}" || p_trimmed.ends_with(';') || p_trimmed.starts_with("#!["));
            // Most lines end no item: the rest is asked only of those that do.
            if ends_item && p.len() - p_trimmed.len() == line.len() - trimmed.len() {
                // A call of a runtime macro (`crate::runtime::send!(…)`) is
                // an item; a call of a runtime function
                // (`crate::runtime::pages(…)`) is a statement like the others.
                let runtime_function = trimmed.starts_with("crate::runtime::")
                    && !trimmed.split('(').next().unwrap_or_default().contains('!');
                let starts_item =
                    ITEM_STARTS.iter().any(|s| trimmed.starts_with(s)) && !runtime_function;
                let same_group = group(p_trimmed) != 0 && group(p_trimmed) == group(trimmed);
                let inner_attrs = p_trimmed.starts_with("#![") && trimmed.starts_with("#![");
                if starts_item && !same_group && !inner_attrs {
                    out.push('\n');
                }
            }
            if p_trimmed.starts_with("//!") && !trimmed.starts_with("//!") {
                out.push('\n');
            }
        }
        if in_macro && line.contains("crate ::") {
            out.push_str(&line.replace("crate ::", "crate::"));
        } else {
            out.push_str(line);
        }
        if in_macro {
            in_macro = !line.ends_with(");");
        }
        out.push('\n');
        prev = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_root_path_broken_by_prettyplease_is_one_again() {
        assert_eq!(
            join_split_root_paths(
                "send!(\n    X, crate\n    ::builders::Y\n);\nlet my_crate\n    ::z;\n"
            ),
            "send!(\n    X, crate::builders::Y\n);\nlet my_crate\n    ::z;\n"
        );
        // Two in a row: the second starts on the line that ends the first.
        assert_eq!(
            join_split_root_paths("send!(\n    X, crate\n    ::types::Y, crate\n    ::Api\n);\n"),
            "send!(\n    X, crate::types::Y, crate::Api\n);\n"
        );
    }

    #[test]
    fn bidi_controls_are_found_among_other_three_byte_characters() {
        // `’` and `—` start with the same byte (0xE2) as the controls.
        assert!(!has_bidi_controls("won’t — ever"));
        assert!(has_bidi_controls("a’\u{202E}b"));
        assert!(has_bidi_controls("\u{2066}"));
        assert!(has_bidi_controls("end\u{2069}"));
        assert!(!has_bidi_controls(""));
        assert_eq!(escape_bidi("a\u{202E}b’"), "a\\u{202e}b’");
    }
}
