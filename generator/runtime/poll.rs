//! Waiting for a resource to reach a final state, by polling with backoff.

use std::future::Future;
use std::time::{Duration, Instant};

use super::client::with_call;
use super::error::{Error, TimeoutKind};
use super::values::ResponseValue;

/// How to wait for a resource to reach a final state: poll, wait, poll again
/// with a longer wait (times 1.5, up to `max_interval`), until the state is
/// final or the deadline passes. Each poll is a call under the client's
/// retry policy; an error that is not retried ends the wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollOptions {
    /// The wait after the first poll (1 s by default).
    pub initial_interval: Duration,
    /// The longest wait between polls (15 s by default).
    pub max_interval: Duration,
    /// How long to wait in all (15 minutes by default).
    pub deadline: Duration,
}

impl Default for PollOptions {
    fn default() -> Self {
        PollOptions {
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(15),
            deadline: Duration::from_secs(15 * 60),
        }
    }
}

impl PollOptions {
    /// The default options with another deadline.
    #[must_use]
    pub fn with_deadline(self, deadline: Duration) -> Self {
        PollOptions { deadline, ..self }
    }

    /// The default options with other intervals.
    #[must_use]
    pub fn with_intervals(self, initial: Duration, max: Duration) -> Self {
        PollOptions { initial_interval: initial, max_interval: max.max(initial), ..self }
    }
}

/// Calls `fetch` until `done` says the value is final, waiting between calls
/// as `options` say; the last response, or a `Wait` timeout at the deadline.
pub(crate) async fn poll_until<T, Fut>(
    operation: &'static str,
    options: PollOptions,
    fetch: impl Fn() -> Fut,
    done: fn(&T) -> bool,
) -> Result<ResponseValue<T>, Error>
where
    Fut: Future<Output = Result<ResponseValue<T>, Error>>,
{
    let started = Instant::now();
    let mut interval = options.initial_interval;
    let mut polls = 0u32;
    loop {
        let response = fetch().await?;
        polls += 1;
        if done(&response) {
            return Ok(response);
        }
        let elapsed = started.elapsed();
        if elapsed + interval >= options.deadline {
            let info = super::error::CallInfo { operation, attempts: polls, idempotency_key: None };
            return Err(with_call(Error::timeout(TimeoutKind::Wait, options.deadline, None), info));
        }
        tracing::debug!(polls, wait_ms = interval.as_millis() as u64, "not final yet");
        tokio::time::sleep(interval).await;
        interval = interval.mul_f64(1.5).min(options.max_interval);
    }
}
