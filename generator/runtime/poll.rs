//! Waiting for a resource to reach a final state, by polling with backoff.

use std::future::Future;
use std::time::{Duration, Instant};

use super::client::with_call;
use super::api::ApiDefinition;
use super::error::{BoxError, CallInfo, Error, TimeoutKind};
use super::values::ResponseValue;

/// How to wait for a resource to reach a final state: poll, wait, poll again
/// with a longer wait (times 1.5, up to `max_interval`), until the state is
/// final or the deadline passes.
///
/// The deadline bounds the whole wait: each poll (its retries and their
/// backoff included) gets only the time that is left, and when the deadline
/// passes the wait ends with [`TimeoutKind::Wait`], whatever a poll was
/// doing. A poll that fails in a way that may pass (a connection failure, a
/// timeout, 408, 429 or 5xx after the call's own retries) does not end the
/// wait: the next poll comes after the usual interval, until the deadline;
/// any other error (a 404, a response that does not decode) ends it at once.
///
/// Start from [`PollOptions::default`] and change what you need with the
/// `with_` methods; more settings may come, so the struct cannot be written
/// as a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
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
    /// The same options with another deadline.
    #[must_use]
    pub fn with_deadline(self, deadline: Duration) -> Self {
        PollOptions { deadline, ..self }
    }

    /// The same options with other intervals (`max` at least `initial`).
    #[must_use]
    pub fn with_intervals(self, initial: Duration, max: Duration) -> Self {
        PollOptions { initial_interval: initial, max_interval: max.max(initial), ..self }
    }
}

/// What a wait has seen so far, kept outside the polling future so that it
/// is still there when the deadline cuts that future off.
struct Progress<A: ApiDefinition> {
    polls: u32,
    last_call: Option<CallInfo>,
    last_error: Option<Error<A>>,
}

/// Calls `fetch` (with the time left) until `done` says the value is final,
/// waiting between calls as `options` say; the last response, or a `Wait`
/// timeout at the deadline.
pub(crate) async fn poll_until<T, A: ApiDefinition, Fut>(
    operation: &'static str,
    options: PollOptions,
    fetch: impl Fn(Duration) -> Fut,
    done: fn(&T) -> bool,
) -> Result<ResponseValue<T>, Error<A>>
where
    Fut: Future<Output = Result<ResponseValue<T>, Error<A>>>,
{
    let started = Instant::now();
    let mut progress = Progress { polls: 0, last_call: None, last_error: None };
    let polling = poll_loop(started, options, &fetch, done, &mut progress);
    let outcome = match started.checked_add(options.deadline) {
        Some(end) => tokio::time::timeout_at(end.into(), polling).await.ok(),
        None => Some(polling.await),
    };
    match outcome {
        Some(Some(result)) => result,
        // The deadline passed, during a poll or between two.
        _ => {
            let call = CallInfo { operation, attempts: progress.polls, ..progress.last_call.unwrap_or_default() };
            let last = progress.last_error.map(|e| Box::new(e) as BoxError);
            Err(with_call(Error::timeout(TimeoutKind::Wait, options.deadline, last), call))
        }
    }
}

/// The polls: `Some` with the outcome, or `None` when no poll fits before the deadline.
async fn poll_loop<T, A: ApiDefinition, Fut>(
    started: Instant,
    options: PollOptions,
    fetch: &impl Fn(Duration) -> Fut,
    done: fn(&T) -> bool,
    progress: &mut Progress<A>,
) -> Option<Result<ResponseValue<T>, Error<A>>>
where
    Fut: Future<Output = Result<ResponseValue<T>, Error<A>>>,
{
    let mut interval = options.initial_interval;
    loop {
        let left = options.deadline.checked_sub(started.elapsed()).filter(|d| !d.is_zero())?;
        let outcome = fetch(left).await;
        progress.polls += 1;
        match outcome {
            Ok(response) if done(&response) => return Some(Ok(response)),
            Ok(response) => {
                progress.last_call = Some(response.call().clone());
                progress.last_error = None;
                tracing::debug!(polls = progress.polls, wait_ms = interval.as_millis() as u64, "not final yet");
            }
            Err(e) if transient(&e) => {
                tracing::info!(polls = progress.polls, wait_ms = interval.as_millis() as u64, error = %e, "poll failed; polling on");
                progress.last_call = Some(e.call().clone());
                // A poll cut short by the wait's deadline says less than the
                // failure before it (a 503, a reset): that one is reported.
                let cut_short = matches!(&e, Error::Timeout(t) if t.kind == TimeoutKind::Deadline);
                if !(cut_short && progress.last_error.is_some()) {
                    progress.last_error = Some(e);
                }
            }
            Err(e) => return Some(Err(e)),
        }
        // No wait begins that would end past the deadline.
        if started.elapsed().saturating_add(interval) >= options.deadline {
            return None;
        }
        tokio::time::sleep(interval).await;
        interval = interval.saturating_add(interval / 2).min(options.max_interval);
    }
}

/// Whether a failed poll may pass: what a retry could fix, or the poll's
/// share of the wait running out (the wait's own deadline then follows).
fn transient<A: ApiDefinition>(e: &Error<A>) -> bool {
    e.is_retryable() || matches!(e, Error::Timeout(t) if t.kind == TimeoutKind::Deadline)
}
