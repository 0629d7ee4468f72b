//! When to retry, and how long to wait first.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

/// How a client retries a failed attempt.
///
/// A call is retried after a connection failure, an attempt timeout, or the
/// statuses 408, 429 and 5xx (but 501), at most [`max_retries`] times. Between
/// attempts it waits an exponential backoff (`initial_backoff`, doubled at
/// each retry, capped at `max_backoff`) with jitter (a random point in the
/// upper half), or what the server's `Retry-After` asks when it asks at most
/// `max_retry_after` (a server that asks for longer is not retried), plus a
/// random spread of up to half as long again (at least 250 ms), so that
/// clients the server turned away together do not come back together.
///
/// Start from [`RetryPolicy::default`] (or [`RetryPolicy::none`]) and change
/// what you need with the `with_` methods; more settings may come, so the
/// struct cannot be written as a literal.
///
/// An operation is retried only when repeating it is safe: a method that is
/// idempotent by HTTP (GET, HEAD, PUT, DELETE, OPTIONS, TRACE), or one that
/// carries an idempotency key, which the client always sends for operations
/// that declare one (the same key on every attempt). Any other request is
/// retried only when it certainly never reached the server (no connection).
///
/// [`max_retries`]: RetryPolicy::max_retries
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (2 by default; 0 turns retrying off).
    pub max_retries: u32,
    /// The wait before the first retry, before jitter (500 ms by default).
    pub initial_backoff: Duration,
    /// The longest wait between attempts, before jitter (8 s by default).
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured (60 s by default).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    /// The same policy with `max_retries` retries.
    #[must_use]
    pub fn with_max_retries(self, max_retries: u32) -> Self {
        RetryPolicy { max_retries, ..self }
    }

    /// The same policy with another wait before the first retry.
    #[must_use]
    pub fn with_initial_backoff(self, initial_backoff: Duration) -> Self {
        RetryPolicy { initial_backoff, ..self }
    }

    /// The same policy with another longest wait between attempts.
    #[must_use]
    pub fn with_max_backoff(self, max_backoff: Duration) -> Self {
        RetryPolicy { max_backoff, ..self }
    }

    /// The same policy with another longest `Retry-After` honoured.
    #[must_use]
    pub fn with_max_retry_after(self, max_retry_after: Duration) -> Self {
        RetryPolicy { max_retry_after, ..self }
    }

    /// The wait before retry number `retry` (1 for the first), before jitter.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.initial_backoff.saturating_mul(factor).min(self.max_backoff)
    }

    /// The backoff with jitter: a point in `[backoff / 2, backoff]`, so that
    /// clients that failed together do not retry together.
    pub(crate) fn jittered(&self, retry: u32) -> Duration {
        let full = self.backoff(retry);
        scale(full, 0.5 + fastrand::f64() * 0.5)
    }
}

/// The wait before retrying after a server asked for `asked`: at least that,
/// plus a random spread of up to half as long again (at least 250 ms).
pub(crate) fn after_retry_after(asked: Duration) -> Duration {
    let spread = (asked / 2).max(Duration::from_millis(250));
    asked.saturating_add(scale(spread, fastrand::f64()))
}

/// `d` times `factor` (at most 1), without the panic of `Duration::mul_f64`
/// on durations too long for an `f64` to hold exactly.
fn scale(d: Duration, factor: f64) -> Duration {
    Duration::try_from_secs_f64(d.as_secs_f64() * factor).map_or(d, |scaled| scaled.min(d))
}

/// What a response's `Retry-After` asks: a number of seconds or an HTTP date.
/// `None` when there is no usable header.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>()
        && seconds.is_finite()
        && seconds >= 0.0
    {
        return Some(Duration::from_secs_f64(seconds.min(1e9)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, value.parse().unwrap());
        h
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1), Duration::from_millis(500));
        assert_eq!(p.backoff(2), Duration::from_secs(1));
        assert_eq!(p.backoff(5), Duration::from_secs(8));
        assert_eq!(p.backoff(200), Duration::from_secs(8));
        for retry in 1..10 {
            let j = p.jittered(retry);
            assert!(j >= p.backoff(retry) / 2 && j <= p.backoff(retry), "{j:?}");
        }
    }

    #[test]
    fn extreme_settings_do_not_overflow() {
        let p = RetryPolicy::default().with_initial_backoff(Duration::MAX).with_max_backoff(Duration::MAX);
        for retry in [1, 2, 64, u32::MAX] {
            assert!(p.jittered(retry) <= Duration::MAX);
        }
        assert!(after_retry_after(Duration::MAX) >= Duration::MAX / 2);
    }

    #[test]
    fn retry_after_is_kept_and_spread() {
        for asked in [Duration::ZERO, Duration::from_secs(1), Duration::from_secs(30)] {
            let waits: Vec<Duration> = (0..200).map(|_| after_retry_after(asked)).collect();
            let spread = (asked / 2).max(Duration::from_millis(250));
            assert!(waits.iter().all(|w| *w >= asked && *w <= asked + spread), "{asked:?}: {waits:?}");
            let (min, max) = (waits.iter().min().unwrap(), waits.iter().max().unwrap());
            assert!(*max - *min > spread / 2, "{asked:?}: 200 waits within {:?}", *max - *min);
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(retry_after(&headers("3"), now), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(&headers("1.5"), now), Some(Duration::from_millis(1500)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(retry_after(&headers(&later), now), Some(Duration::from_secs(7)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(retry_after(&headers(&past), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&headers("-1"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }
}
