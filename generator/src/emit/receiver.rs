//! A webhook receiver that acts only on what the API confirms: one axum
//! handler per webhook whose notifications a link of the document confirms
//! (`webhooks::confirm_<webhook>`), shown in the README and written as
//! `examples/webhook_receiver.rs`, a program that serves them.
//!
//! Written as text, like the quickstart, to keep its comments; the emitter
//! checks that the program parses.

use heck::{ToKebabCase, ToSnakeCase};

use super::usage::client_setup;
use crate::model::Api;

/// The receiver of one API.
#[derive(Debug, Clone)]
pub struct Receiver {
    /// The handlers, one per confirmed webhook.
    handlers: Vec<Handler>,
    /// The statements that make `client` in the program.
    setup: String,
    /// The environment variables the program reads, with what each is.
    env: Vec<(String, String)>,
    /// The listening address's variable.
    listen: String,
    crate_ident: String,
}

/// One handler: the route it serves, its function's name, its code.
#[derive(Debug, Clone)]
struct Handler {
    route: String,
    name: String,
    code: String,
}

/// The receiver of `api`, when a webhook of it is confirmed by a link.
pub fn receiver(api: &Api, crate_ident: &str) -> Option<Receiver> {
    let prefix = crate_ident.to_ascii_uppercase();
    let handlers: Vec<Handler> = api
        .webhooks
        .iter()
        .filter(|w| w.confirm.is_some())
        .map(|w| {
            let snake = w.rust_name.to_snake_case();
            let wire = w.wire_name.replace(['\\', '"', '{', '}'], "");
            let route = format!("/webhooks/{}", w.rust_name.to_kebab_case());
            let code = format!(
                r#"/// A `{wire}` notification: confirmed with the API, then acted on as
/// the API has it. Anyone can POST to a public URL, so what the request
/// claims is never acted on.
async fn on_{snake}(
    State(client): State<Client>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {{
    match webhooks::confirm_{snake}(&client, &headers, &body).await {{
        Ok(confirmed) => {{
            // What the notification said and the API does not confirm: a
            // forgery, or a change since it was sent. The API's answer holds.
            for difference in &confirmed.differences {{
                println!("{wire}: not as notified: {{difference}}");
            }}
            // Act on the API's answer, never on the notification.
            println!("{wire}: acting on what the API has: {{:?}}", *confirmed.current);
            (StatusCode::OK, "received")
        }}
        // The API did not answer (the network, a 5xx): the sender may try again.
        Err(WebhookError::Confirm {{ source, .. }}) if source.is_retryable() => {{
            println!("{wire}: not confirmed yet: {{source}}");
            (StatusCode::SERVICE_UNAVAILABLE, "try again later")
        }}
        // Not a notification, or one that names nothing the API has.
        Err(e) => {{
            println!("{wire}: refused: {{e}}");
            (StatusCode::BAD_REQUEST, "refused")
        }}
    }}
}}
"#
            );
            Handler {
                route,
                name: format!("on_{snake}"),
                code,
            }
        })
        .collect();
    if handlers.is_empty() {
        return None;
    }
    let (_, setup, mut env) = client_setup(api, &prefix);
    let listen = format!("{prefix}_LISTEN");
    env.push((
        listen.clone(),
        "the address to listen on (default `127.0.0.1:3000`; port 0 takes any free port)"
            .to_owned(),
    ));
    Some(Receiver {
        handlers,
        setup,
        env,
        listen,
        crate_ident: crate_ident.to_owned(),
    })
}

impl Receiver {
    /// The imports and handlers, and the router that serves them, for the README.
    pub fn readme_code(&self) -> String {
        let mut out = self.imports();
        for h in &self.handlers {
            out.push('\n');
            out.push_str(&h.code);
        }
        out.push_str(&format!(
            "\n// let app = {};\n",
            self.router().replace('\n', "\n// ")
        ));
        out
    }

    /// `examples/webhook_receiver.rs` (without its header).
    pub fn example_file(&self) -> String {
        let krate = &self.crate_ident;
        let mut out = format!(
            "//! A webhook receiver for the `{krate}` crate, with axum: every notification is\n\
             //! confirmed with the API before anything acts on it.\n\
             //!\n\
             //! Anyone who can reach a webhook URL can POST to it: unless you verify a\n\
             //! signature the API puts on its notifications, a notification is only a hint.\n\
             //! So each handler reads what it names from the API, with the client's\n\
             //! credentials (the operation a link of the API document names), and acts on\n\
             //! that answer alone.\n\
             //!\n\
             //! It reads:\n"
        );
        for (name, what) in &self.env {
            out.push_str(&format!("//! - `{name}`: {what}\n"));
        }
        out.push_str("//!\n//! and serves:\n");
        for h in &self.handlers {
            out.push_str(&format!("//! - `POST {}`\n", h.route));
        }
        out.push_str("//!\n//! Run it with `cargo run --example webhook_receiver`.\n\n");
        out.push_str(&self.imports());
        out.push_str(
            "\n#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {\n",
        );
        for line in self.setup.lines() {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&format!(
            "    let listen = std::env::var(\"{}\").unwrap_or_else(|_| \"127.0.0.1:3000\".to_owned());\n",
            self.listen
        ));
        out.push_str(&format!(
            "    let app = {};\n",
            self.router().replace('\n', "\n    ")
        ));
        out.push_str(
            "    let listener = tokio::net::TcpListener::bind(listen).await?;\n\
             \x20   println!(\"listening on http://{}\", listener.local_addr()?);\n\
             \x20   axum::serve(listener, app).await?;\n\
             \x20   Ok(())\n}\n",
        );
        for h in &self.handlers {
            out.push('\n');
            out.push_str(&h.code);
        }
        out
    }

    fn imports(&self) -> String {
        format!(
            "use axum::body::Bytes;\n\
             use axum::extract::State;\n\
             use axum::http::{{HeaderMap, StatusCode}};\n\
             use {krate}::Client;\n\
             use {krate}::webhooks::{{self, WebhookError}};\n",
            krate = self.crate_ident
        )
    }

    /// The router of the handlers, over the client's state (lines after
    /// the first indented by four spaces, no line break at the end).
    fn router(&self) -> String {
        let mut out = String::from("axum::Router::new()");
        for h in &self.handlers {
            out.push_str(&format!(
                "\n    .route(\"{}\", axum::routing::post({}))",
                h.route, h.name
            ));
        }
        out.push_str("\n    .with_state(client)");
        out
    }
}
