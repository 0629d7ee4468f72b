//! `generated/examples/webhook_receiver.rs`, unmodified, serving real POSTs
//! on loopback while a mock HexPay API answers its confirmations: a genuine
//! notification, a forged one whose status the API does not confirm, one
//! whose id is `..`, an HTML body, an empty body, and one the API cannot
//! confirm for now. The receiver must act only on what the API answered,
//! and never send a request outside the payment's route.
//!
//! `cargo xtask conformance` (part of `cargo xtask test`) builds the example
//! and runs this with `HEXPAY_WEBHOOK_RECEIVER` set to its path; plain
//! `cargo test` lists it as ignored.

use std::io::BufRead as _;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "hexpay/common.rs"]
#[allow(dead_code)]
mod common;

use common::{Answer, PAYMENT_ID, RawServer, error_json, header_of, payment_json};

/// A payment the API has as pending, which a forger notifies as completed.
const FORGED_ID: &str = "019327c6-2058-7901-b234-000000000001";
/// A payment whose reads the API answers with 503.
const UNAVAILABLE_ID: &str = "019327c6-2058-7901-b234-000000000002";

/// The example, running, with what it printed so far.
struct Receiver {
    child: Child,
    url: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Receiver {
    fn start(api: &str) -> Receiver {
        let example = std::env::var("HEXPAY_WEBHOOK_RECEIVER").expect(
            "HEXPAY_WEBHOOK_RECEIVER is not set: run this through `cargo xtask conformance`",
        );
        let mut child = Command::new(example)
            .env("HEXPAY_TOKEN", "receiver-token")
            .env("HEXPAY_BASE_URL", api)
            .env("HEXPAY_LISTEN", "127.0.0.1:0")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the example starts");
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                sink.lock().unwrap().push(line);
            }
        });
        let mut receiver = Receiver {
            child,
            url: String::new(),
            lines,
        };
        let line = receiver.wait_for("listening on ");
        receiver.url = line.trim_start_matches("listening on ").to_owned();
        receiver
    }

    /// The first line printed from now on that contains `text`, within 10 s.
    fn wait_for(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            if let Some(line) = self.lines.lock().unwrap().iter().find(|l| l.contains(text)) {
                return line.clone();
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the receiver never printed {text:?}; it printed {:?}",
                self.lines.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What it printed while handling one POST (the lines are then cleared).
    fn take_lines(&self) -> Vec<String> {
        std::mem::take(&mut *self.lines.lock().unwrap())
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn notification(id: &str, status: &str) -> String {
    let mut payment = payment_json(status);
    payment["id"] = id.into();
    payment.to_string()
}

/// POSTs `body` to the receiver as HexPay would; its status and text.
async fn post(receiver: &Receiver, content_type: &str, body: String) -> (u16, String) {
    // This crate's reqwest has no TLS crypto of its own: the process's.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::new()
        .post(format!("{}/webhooks/payment-notification", receiver.url))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("the receiver answers");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

#[tokio::test]
#[ignore = "needs the built example: run through `cargo xtask conformance`"]
async fn the_receiver_acts_only_on_what_the_api_confirms() {
    let api = RawServer::start(|request| {
        let target = request.split(' ').nth(1).unwrap_or_default();
        match target.strip_prefix("/v1/payments/") {
            Some(PAYMENT_ID) => Answer::json(200, &payment_json("completed").to_string()),
            Some(FORGED_ID) => Answer::json(200, &notification(FORGED_ID, "pending")),
            Some(UNAVAILABLE_ID) => Answer::json(503, &error_json("unavailable").to_string()),
            _ => Answer::json(404, &error_json("not_found").to_string()),
        }
    })
    .await;
    let receiver = Receiver::start(&api.addr);
    receiver.take_lines();

    // A genuine notification: the API has the payment completed too.
    let (status, _) = post(
        &receiver,
        "application/json",
        notification(PAYMENT_ID, "completed"),
    )
    .await;
    assert_eq!(status, 200);
    let acted = receiver.wait_for("acting on");
    assert!(acted.contains("status: Completed"), "{acted}");
    let lines = receiver.take_lines();
    assert!(
        !lines.iter().any(|l| l.contains("not as notified")),
        "{lines:?}"
    );

    // A forgery: it says completed, the API has the payment pending.
    let (status, _) = post(
        &receiver,
        "application/json",
        notification(FORGED_ID, "completed"),
    )
    .await;
    assert_eq!(status, 200, "received; nothing to do");
    let acted = receiver.wait_for("acting on");
    assert!(
        acted.contains("status: Pending"),
        "acts on the API's status: {acted}"
    );
    let differs = receiver.wait_for("not as notified");
    assert!(
        differs.contains("`status`: notified completed, the API has pending"),
        "{differs}"
    );
    receiver.take_lines();

    // What the forger controls never reaches another route.
    for (content_type, body) in [
        ("application/json", notification("..", "completed")),
        ("application/json", notification("%2E%2E", "completed")),
        (
            "text/html",
            "<html><body>502 Bad Gateway</body></html>".to_owned(),
        ),
        ("application/json", String::new()),
    ] {
        let (status, text) = post(&receiver, content_type, body.clone()).await;
        assert_eq!(status, 400, "{body:?}: {text}");
        let refused = receiver.wait_for("refused");
        assert!(!refused.contains("acting on"), "{refused}");
        receiver.take_lines();
    }

    // The API cannot answer for now: the sender is asked to come back.
    let (status, _) = post(
        &receiver,
        "application/json",
        notification(UNAVAILABLE_ID, "completed"),
    )
    .await;
    assert_eq!(status, 503);
    receiver.wait_for("not confirmed yet");

    // Every read the receiver made was an authenticated GET of one payment.
    let requests = api.requests();
    let lines: Vec<&str> = requests
        .iter()
        .map(|r| r.lines().next().unwrap_or_default())
        .collect();
    assert_eq!(
        lines[..2],
        [
            format!("GET /v1/payments/{PAYMENT_ID} HTTP/1.1"),
            format!("GET /v1/payments/{FORGED_ID} HTTP/1.1"),
        ]
    );
    assert!(
        lines[2..]
            .iter()
            .all(|l| *l == format!("GET /v1/payments/{UNAVAILABLE_ID} HTTP/1.1")),
        "{lines:?}"
    );
    for r in &requests {
        assert_eq!(
            header_of(r, "authorization").as_deref(),
            Some("Bearer receiver-token")
        );
    }
}
