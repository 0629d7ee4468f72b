//! Confirming a received notification with the API: the values a link of
//! the API document reads from the notification, and what the API answers.

use std::fmt;

use reqwest::header::HeaderMap;

use super::values::ResponseValue;

/// A notification checked against the API: what the API has now, what the
/// notification said, and where they differ.
///
/// Act on [`current`](Self::current): it was fetched with your credentials
/// from the API itself. [`notified`](Self::notified) is what a request to
/// your URL claimed, and anyone who can reach the URL can send one: keep it
/// for your logs, never act on it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Confirmed<N, T> {
    /// The resource as the API has it now: the one to act on.
    pub current: ResponseValue<T>,
    /// The notification as it was received, unauthenticated.
    pub notified: N,
    /// Each property the notification and the API's answer share whose
    /// values differ, with both values; empty when the API confirms every
    /// one. A difference means the notification was forged, or that the
    /// resource changed again since it was sent: in both cases, what the
    /// API has now is what holds.
    pub differences: Vec<Difference>,
}

impl<N, T> Confirmed<N, T> {
    pub(crate) fn new(notified: N, current: ResponseValue<T>, differences: Vec<Difference>) -> Self {
        Confirmed { current, notified, differences }
    }

    /// Whether the API has every compared property as the notification said.
    pub fn is_confirmed(&self) -> bool {
        self.differences.is_empty()
    }
}

/// A property of a notification whose value the API does not confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Difference {
    /// The property, as the API document names it (such as `status`).
    pub field: &'static str,
    /// Its value in the notification.
    pub notified: String,
    /// Its value in the API's answer.
    pub current: String,
}

impl Difference {
    pub(crate) fn new(field: &'static str, notified: String, current: String) -> Self {
        Difference { field, notified, current }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: notified {}, the API has {}", self.field, self.notified, self.current)
    }
}

/// A parameter's value, from a value a link reads in a notification.
pub(crate) trait FromLinked: Sized {
    fn from_linked(value: &serde_json::Value) -> Option<Self>;
}

impl FromLinked for String {
    fn from_linked(value: &serde_json::Value) -> Option<Self> {
        match value {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

impl FromLinked for bool {
    fn from_linked(value: &serde_json::Value) -> Option<Self> {
        match value {
            serde_json::Value::Bool(b) => Some(*b),
            serde_json::Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }
}

impl FromLinked for uuid::Uuid {
    fn from_linked(value: &serde_json::Value) -> Option<Self> {
        value.as_str()?.parse().ok()
    }
}

macro_rules! from_linked_number {
    ($($t:ty),*) => {$(
        impl FromLinked for $t {
            fn from_linked(value: &serde_json::Value) -> Option<Self> {
                match value {
                    serde_json::Value::Number(n) => n.to_string().parse().ok(),
                    serde_json::Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                }
            }
        }
    )*};
}

from_linked_number!(i32, i64, u32, u64, f32, f64);

/// The value at `pointer` in a received JSON body, as `T`.
pub(crate) fn linked_body<T: FromLinked>(body: &serde_json::Value, pointer: &str) -> Option<T> {
    T::from_linked(body.pointer(pointer)?)
}

/// The value of the header `name` of a received request, as `T`.
pub(crate) fn linked_header<T: FromLinked>(headers: &HeaderMap, name: &str) -> Option<T> {
    let text = headers.get(name)?.to_str().ok()?;
    T::from_linked(&serde_json::Value::String(text.to_owned()))
}

/// A constant of the link (as JSON text), as `T`.
pub(crate) fn linked_constant<T: FromLinked>(json: &str) -> Option<T> {
    T::from_linked(&serde_json::from_str(json).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linked_values_convert_to_the_parameter_types() {
        let body = serde_json::json!({ "id": "pay_1", "n": 42, "big": 1e300, "flag": true, "nested": { "a/b": "x" } });
        assert_eq!(linked_body::<String>(&body, "/id").as_deref(), Some("pay_1"));
        assert_eq!(linked_body::<String>(&body, "/n").as_deref(), Some("42"));
        assert_eq!(linked_body::<i64>(&body, "/n"), Some(42));
        assert_eq!(linked_body::<i32>(&body, "/big"), None);
        assert_eq!(linked_body::<bool>(&body, "/flag"), Some(true));
        assert_eq!(linked_body::<String>(&body, "/nested/a~1b").as_deref(), Some("x"));
        assert_eq!(linked_body::<String>(&body, "/missing"), None);
        assert_eq!(linked_body::<String>(&body, "/nested"), None, "an object is no id");
        let mut headers = HeaderMap::new();
        headers.insert("x-id", "17".parse().unwrap());
        assert_eq!(linked_header::<u64>(&headers, "X-Id"), Some(17));
        assert_eq!(linked_header::<u64>(&headers, "x-other"), None);
        assert_eq!(linked_constant::<String>("\"fixed\"").as_deref(), Some("fixed"));
    }
}
