//! The API's rules on values (lengths, patterns, ranges, counts, formats),
//! checked before a request is sent.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::error::{ValidationError, Violation};

/// A pattern from the API document, compiled on first use.
#[derive(Debug)]
pub(crate) struct Pattern {
    source: &'static str,
    compiled: OnceLock<Engine>,
}

/// The engine that checks a pattern: regex-lite (linear time), or, for a
/// pattern with look-around, fancy-regex (the `lookaround` feature).
#[derive(Debug)]
enum Engine {
    Lite(regex_lite::Regex),
    #[cfg(feature = "lookaround")]
    Fancy(fancy_regex::Regex),
    /// Neither compiles it: with the `lookaround` feature off, a pattern
    /// that needs it (the generator drops any other).
    Unchecked,
}

impl Pattern {
    pub(crate) const fn new(source: &'static str) -> Pattern {
        Pattern { source, compiled: OnceLock::new() }
    }

    fn engine(&self) -> &Engine {
        self.compiled.get_or_init(|| {
            if let Ok(re) = regex_lite::Regex::new(self.source) {
                return Engine::Lite(re);
            }
            #[cfg(feature = "lookaround")]
            if let Ok(re) = fancy_regex::Regex::new(self.source) {
                return Engine::Fancy(re);
            }
            Engine::Unchecked
        })
    }

    /// Whether `text` matches. A pattern no engine here compiles matches
    /// everything, and so does a text on which backtracking passes its
    /// limit: the client refuses only what it knows breaks the rule.
    fn is_match(&self, text: &str) -> bool {
        match self.engine() {
            Engine::Lite(re) => re.is_match(text),
            #[cfg(feature = "lookaround")]
            Engine::Fancy(re) => re.is_match(text).unwrap_or(true),
            Engine::Unchecked => true,
        }
    }
}

/// A string format the client can check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// An absolute URI.
    Uri,
    /// An e-mail address.
    Email,
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// A UUID in its hyphenated form.
    Uuid,
}

/// The rules a schema states on values where it is used. `items` applies to
/// each element of an array, or each value of a map.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules<'r> {
    pub(crate) min_length: Option<usize>,
    pub(crate) max_length: Option<usize>,
    pub(crate) pattern: Option<&'r Pattern>,
    pub(crate) format: Option<Format>,
    pub(crate) minimum: Option<(f64, bool)>,
    pub(crate) maximum: Option<(f64, bool)>,
    pub(crate) multiple_of: Option<f64>,
    pub(crate) min_items: Option<usize>,
    pub(crate) max_items: Option<usize>,
    pub(crate) unique_items: bool,
    pub(crate) min_properties: Option<usize>,
    pub(crate) max_properties: Option<usize>,
    pub(crate) one_of: Option<&'r [f64]>,
    pub(crate) items: Option<&'r Rules<'r>>,
    pub(crate) keys: Option<&'r Rules<'r>>,
}

impl<'r> Rules<'r> {
    /// These rules, and at least `n` characters.
    pub(crate) const fn min_length(self, n: usize) -> Self {
        Rules { min_length: Some(n), ..self }
    }

    /// These rules, and at most `n` characters.
    pub(crate) const fn max_length(self, n: usize) -> Self {
        Rules { max_length: Some(n), ..self }
    }

    /// These rules, and a match of `pattern`.
    pub(crate) const fn pattern(self, pattern: &'r Pattern) -> Self {
        Rules { pattern: Some(pattern), ..self }
    }

    /// These rules, and a format.
    pub(crate) const fn format(self, format: Format) -> Self {
        Rules { format: Some(format), ..self }
    }

    /// These rules, and a minimum (exclusive or not).
    pub(crate) const fn minimum(self, n: f64, exclusive: bool) -> Self {
        Rules { minimum: Some((n, exclusive)), ..self }
    }

    /// These rules, and a maximum (exclusive or not).
    pub(crate) const fn maximum(self, n: f64, exclusive: bool) -> Self {
        Rules { maximum: Some((n, exclusive)), ..self }
    }

    /// These rules, and a multiple of `n`.
    pub(crate) const fn multiple_of(self, n: f64) -> Self {
        Rules { multiple_of: Some(n), ..self }
    }

    /// These rules, and no item twice (for any JSON value; a typed list is
    /// checked through [`UniqueItems`]).
    pub(crate) const fn unique_items(self) -> Self {
        Rules { unique_items: true, ..self }
    }

    /// These rules, and at least `n` items.
    pub(crate) const fn min_items(self, n: usize) -> Self {
        Rules { min_items: Some(n), ..self }
    }

    /// These rules, and at most `n` items.
    pub(crate) const fn max_items(self, n: usize) -> Self {
        Rules { max_items: Some(n), ..self }
    }

    /// These rules, and at least `n` properties.
    pub(crate) const fn min_properties(self, n: usize) -> Self {
        Rules { min_properties: Some(n), ..self }
    }

    /// These rules, and at most `n` properties.
    pub(crate) const fn max_properties(self, n: usize) -> Self {
        Rules { max_properties: Some(n), ..self }
    }

    /// These rules, and one of `values` (a numeric enum's).
    pub(crate) const fn one_of(self, values: &'r [f64]) -> Self {
        Rules { one_of: Some(values), ..self }
    }

    /// These rules, and `items` on each item or value.
    pub(crate) const fn items(self, items: &'r Rules<'r>) -> Self {
        Rules { items: Some(items), ..self }
    }

    /// These rules, and `keys` on each key of a map.
    pub(crate) const fn keys(self, keys: &'r Rules<'r>) -> Self {
        Rules { keys: Some(keys), ..self }
    }
}

impl Rules<'static> {
    /// No rule at all.
    pub(crate) const NONE: Rules<'static> = Rules {
        min_length: None,
        max_length: None,
        pattern: None,
        format: None,
        minimum: None,
        maximum: None,
        multiple_of: None,
        min_items: None,
        max_items: None,
        unique_items: false,
        min_properties: None,
        max_properties: None,
        one_of: None,
        items: None,
        keys: None,
    };
}

/// Collects violations, each with the path of the value at fault.
#[derive(Debug, Default)]
pub(crate) struct Validator {
    path: Vec<String>,
    violations: Vec<Violation>,
}

impl Validator {
    pub(crate) fn new() -> Validator {
        Validator::default()
    }

    /// Runs `f` on the member `name` (a property or parameter, by wire name).
    pub(crate) fn field(&mut self, name: &str, f: impl FnOnce(&mut Validator)) {
        self.path.push(if self.path.is_empty() { name.to_owned() } else { format!(".{name}") });
        f(self);
        self.path.pop();
    }

    fn element(&mut self, index: usize, f: impl FnOnce(&mut Validator)) {
        self.path.push(format!("[{index}]"));
        f(self);
        self.path.pop();
    }

    fn key(&mut self, key: &str, f: impl FnOnce(&mut Validator)) {
        self.path.push(format!("[{key:?}]"));
        f(self);
        self.path.pop();
    }

    /// Checks the member `name` against `rules` (and its own rules).
    pub(crate) fn check<T: Validate + ?Sized>(&mut self, name: &str, value: &T, rules: &Rules<'_>) {
        self.field(name, |v| value.check(rules, v));
    }

    /// Checks the member `name` against its own rules.
    pub(crate) fn nested<T: Validate + ?Sized>(&mut self, name: &str, value: &T) {
        self.field(name, |v| value.validate(v));
    }

    /// Records that the current value breaks `rule`.
    pub(crate) fn violation(&mut self, rule: impl Into<String>) {
        self.violations.push(Violation { field: self.path.concat(), rule: rule.into() });
    }

    /// Every violation found, or nothing.
    pub(crate) fn finish(self) -> Result<(), ValidationError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError { violations: self.violations, call: Default::default() })
        }
    }
}

/// A value the API places rules on.
pub(crate) trait Validate {
    /// Checks the value's own rules (a struct's fields, an enum's value).
    fn validate(&self, _v: &mut Validator) {}

    /// Checks `rules` stated where the value is used, then its own.
    fn check(&self, rules: &Rules<'_>, v: &mut Validator) {
        let _ = rules;
        self.validate(v);
    }
}

fn number(value: f64, rules: &Rules<'_>, v: &mut Validator) {
    if let Some((min, exclusive)) = rules.minimum
        && (value < min || (exclusive && value == min))
    {
        v.violation(if exclusive { format!("must be greater than {min}") } else { format!("must be at least {min}") });
    }
    if let Some((max, exclusive)) = rules.maximum
        && (value > max || (exclusive && value == max))
    {
        v.violation(if exclusive { format!("must be less than {max}") } else { format!("must be at most {max}") });
    }
    if let Some(m) = rules.multiple_of
        && !is_multiple(value, m)
    {
        v.violation(format!("must be a multiple of {m}"));
    }
    if let Some(values) = rules.one_of
        && !values.contains(&value)
    {
        let list: Vec<String> = values.iter().map(f64::to_string).collect();
        v.violation(format!("must be one of {}", list.join(", ")));
    }
}

/// Whether `value` is a multiple of `m`, within the precision of a float
/// (`0.3` is a multiple of `0.1`).
fn is_multiple(value: f64, m: f64) -> bool {
    if m <= 0.0 || !value.is_finite() {
        return true;
    }
    let q = value / m;
    if !q.is_finite() {
        return false;
    }
    (q - q.round()).abs() <= 1e-9 * q.abs().max(1.0)
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl Validate for $t {
            fn check(&self, rules: &Rules<'_>, v: &mut Validator) {
                number(*self as f64, rules, v);
            }
        }
    )*};
}

numbers!(i32, i64, u32, u64, f32, f64);

impl Validate for bool {}
impl Validate for super::values::FilePart {}

impl Validate for super::values::IdempotencyKey {
    fn check(&self, rules: &Rules<'_>, v: &mut Validator) {
        self.as_str().check(rules, v);
    }
}
/// Any JSON value (a schema without a type): each rule applies to the
/// values of its kind, as in JSON Schema.
impl Validate for serde_json::Value {
    fn check(&self, rules: &Rules<'_>, v: &mut Validator) {
        match self {
            serde_json::Value::String(s) => s.as_str().check(rules, v),
            serde_json::Value::Number(n) => {
                if let Some(x) = n.as_f64() {
                    number(x, rules, v);
                }
            }
            serde_json::Value::Array(items) => {
                if let Some(min) = rules.min_items
                    && items.len() < min
                {
                    v.violation(format!("must have at least {min} items"));
                }
                if let Some(max) = rules.max_items
                    && items.len() > max
                {
                    v.violation(format!("must have at most {max} items"));
                }
                if rules.unique_items && has_duplicates(items) {
                    v.violation("must not hold the same item twice");
                }
            }
            serde_json::Value::Object(map) => {
                if let Some(min) = rules.min_properties
                    && map.len() < min
                {
                    v.violation(format!("must have at least {min} properties"));
                }
                if let Some(max) = rules.max_properties
                    && map.len() > max
                {
                    v.violation(format!("must have at most {max} properties"));
                }
                if let Some(keys) = rules.keys {
                    for k in map.keys() {
                        v.key(k, |v| k.as_str().check(keys, v));
                    }
                }
            }
            serde_json::Value::Null | serde_json::Value::Bool(_) => {}
        }
    }
}
impl Validate for bytes::Bytes {}

impl Validate for str {
    fn check(&self, rules: &Rules<'_>, v: &mut Validator) {
        let needs_length = rules.min_length.is_some() || rules.max_length.is_some();
        let chars = if needs_length { self.chars().count() } else { 0 };
        if let Some(min) = rules.min_length
            && chars < min
        {
            v.violation(format!("must be at least {min} characters long"));
        }
        if let Some(max) = rules.max_length
            && chars > max
        {
            v.violation(format!("must be at most {max} characters long"));
        }
        if let Some(pattern) = rules.pattern
            && !pattern.is_match(self)
        {
            v.violation(format!("must match the pattern `{}`", pattern.source));
        }
        if let Some(format) = rules.format
            && !matches_format(self, format)
        {
            let name = match format {
                Format::Uri => "an absolute URI",
                Format::Email => "an e-mail address",
                Format::Ipv4 => "an IPv4 address",
                Format::Ipv6 => "an IPv6 address",
                Format::Uuid => "a UUID (such as `a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d`)",
            };
            v.violation(format!("must be {name}"));
        }
    }
}

fn matches_format(text: &str, format: Format) -> bool {
    match format {
        Format::Uri => reqwest::Url::parse(text).is_ok(),
        Format::Email => {
            text.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'))
                && !text.chars().any(char::is_whitespace)
        }
        Format::Ipv4 => text.parse::<std::net::Ipv4Addr>().is_ok(),
        Format::Ipv6 => text.parse::<std::net::Ipv6Addr>().is_ok(),
        Format::Uuid => {
            text.len() == 36
                && text.char_indices().all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() })
        }
    }
}

impl Validate for String {
    fn check(&self, rules: &Rules<'_>, v: &mut Validator) {
        self.as_str().check(rules, v);
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, v: &mut Validator) {
        if let Some(value) = self {
            value.validate(v);
        }
    }

    fn check(&self, rules: &Rules<'_>, v: &mut Validator) {
        if let Some(value) = self {
            value.check(rules, v);
        }
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate(&self, v: &mut Validator) {
        (**self).validate(v);
    }

    fn check(&self, rules: &Rules<'_>, v: &mut Validator) {
        (**self).check(rules, v);
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, v: &mut Validator) {
        for (i, item) in self.iter().enumerate() {
            v.element(i, |v| item.validate(v));
        }
    }

    fn check(&self, rules: &Rules<'_>, v: &mut Validator) {
        if let Some(min) = rules.min_items
            && self.len() < min
        {
            v.violation(format!("must have at least {min} items"));
        }
        if let Some(max) = rules.max_items
            && self.len() > max
        {
            v.violation(format!("must have at most {max} items"));
        }
        let items = rules.items.unwrap_or(&Rules::NONE);
        for (i, item) in self.iter().enumerate() {
            v.element(i, |v| item.check(items, v));
        }
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, v: &mut Validator) {
        for (k, value) in self {
            v.key(k, |v| value.validate(v));
        }
    }

    fn check(&self, rules: &Rules<'_>, v: &mut Validator) {
        if let Some(min) = rules.min_properties
            && self.len() < min
        {
            v.violation(format!("must have at least {min} properties"));
        }
        if let Some(max) = rules.max_properties
            && self.len() > max
        {
            v.violation(format!("must have at most {max} properties"));
        }
        let values = rules.items.unwrap_or(&Rules::NONE);
        for (k, value) in self {
            v.key(k, |v| {
                if let Some(keys) = rules.keys {
                    let before = v.violations.len();
                    k.as_str().check(keys, v);
                    for broken in &mut v.violations[before..] {
                        broken.rule = format!("the key {}", broken.rule);
                    }
                }
                value.check(values, v)
            });
        }
    }
}

/// Lists whose items must differ (`uniqueItems`), compared as JSON.
pub(crate) trait UniqueItems {
    /// Records a violation when two items are equal.
    fn check_unique(&self, v: &mut Validator);
}

impl<T: serde::Serialize> UniqueItems for Vec<T> {
    fn check_unique(&self, v: &mut Validator) {
        let items: Vec<serde_json::Value> = self.iter().filter_map(|i| serde_json::to_value(i).ok()).collect();
        if has_duplicates(&items) {
            v.violation("must not hold the same item twice");
        }
    }
}

impl<T: UniqueItems> UniqueItems for Option<T> {
    fn check_unique(&self, v: &mut Validator) {
        if let Some(value) = self {
            value.check_unique(v);
        }
    }
}

impl<T: UniqueItems + ?Sized> UniqueItems for Box<T> {
    fn check_unique(&self, v: &mut Validator) {
        (**self).check_unique(v);
    }
}

/// Whether two of `items` are equal as JSON values (numbers by value: `1`
/// and `1.0` are one number).
fn has_duplicates(items: &[serde_json::Value]) -> bool {
    fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
        use serde_json::Value;
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
            (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, a)| y.get(k).is_some_and(|b| same(a, b)))
            }
            _ => a == b,
        }
    }
    items.iter().enumerate().any(|(i, a)| items[i + 1..].iter().any(|b| same(a, b)))
}

/// Tuples (`prefixItems`): each item by its own rules.
macro_rules! tuples {
    ($(($($t:ident $i:tt),+)),*) => {$(
        impl<$($t: Validate),+> Validate for ($($t,)+) {
            fn validate(&self, v: &mut Validator) {
                $( v.element($i, |v| self.$i.validate(v)); )+
            }
        }
    )*};
}

tuples!(
    (A 0),
    (A 0, B 1),
    (A 0, B 1, C 2),
    (A 0, B 1, C 2, D 3),
    (A 0, B 1, C 2, D 3, E 4),
    (A 0, B 1, C 2, D 3, E 4, F 5),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
);

#[cfg(test)]
mod tests {
    use super::*;

    fn violations(f: impl FnOnce(&mut Validator)) -> Vec<String> {
        let mut v = Validator::new();
        f(&mut v);
        match v.finish() {
            Ok(()) => Vec::new(),
            Err(e) => e.violations.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn strings_numbers_arrays_and_maps() {
        static DECIMAL: Pattern = Pattern::new("^[1-9][0-9]*$");
        let rules = Rules { max_length: Some(3), pattern: Some(&DECIMAL), ..Rules::NONE };
        assert!(violations(|v| v.field("a", |v| "12".check(&rules, v))).is_empty());
        assert_eq!(
            violations(|v| v.field("a", |v| "0123".check(&rules, v))),
            ["a: must be at most 3 characters long", "a: must match the pattern `^[1-9][0-9]*$`"]
        );
        // Lengths count characters, not bytes.
        assert!(violations(|v| "äöü".check(&rules_len(3), v)).is_empty());

        let range = Rules { minimum: Some((900.0, false)), maximum: Some((43200.0, false)), ..Rules::NONE };
        assert!(violations(|v| 900i64.check(&range, v)).is_empty());
        assert_eq!(violations(|v| v.field("ttl", |v| 899i64.check(&range, v))), ["ttl: must be at least 900"]);
        let exclusive = Rules { minimum: Some((0.0, true)), ..Rules::NONE };
        assert_eq!(violations(|v| 0.0f64.check(&exclusive, v)), ["must be greater than 0"]);
        let priority = Rules::NONE.one_of(&[1.0, 2.0, 3.0]);
        assert!(violations(|v| 2i64.check(&priority, v)).is_empty());
        assert_eq!(violations(|v| v.field("priority", |v| 4i64.check(&priority, v))), ["priority: must be one of 1, 2, 3"]);
        let ratio = Rules::NONE.one_of(&[0.5, 1.5]);
        assert_eq!(violations(|v| 1.0f64.check(&ratio, v)), ["must be one of 0.5, 1.5"]);

        let items = Rules { max_length: Some(2), ..Rules::NONE };
        let list = Rules { min_items: Some(1), max_items: Some(1), items: Some(&items), ..Rules::NONE };
        assert_eq!(
            violations(|v| v.field("m", |v| vec!["abc".to_owned(), "x".to_owned()].check(&list, v))),
            ["m: must have at most 1 items", "m[0]: must be at most 2 characters long"]
        );
        let map_rules = Rules { max_properties: Some(1), items: Some(&items), ..Rules::NONE };
        let map: BTreeMap<String, String> = [("k".to_owned(), "long".to_owned()), ("l".to_owned(), "ok".to_owned())].into();
        assert_eq!(
            violations(|v| v.field("meta", |v| map.check(&map_rules, v))),
            ["meta: must have at most 1 properties", "meta[\"k\"]: must be at most 2 characters long"]
        );
    }

    fn rules_len(max: usize) -> Rules<'static> {
        Rules { max_length: Some(max), ..Rules::NONE }
    }

    #[cfg(feature = "lookaround")]
    #[test]
    fn patterns_with_look_around_are_checked() {
        static NOT_A_UUID: Pattern = Pattern::new("^(?![0-9a-fA-F]{8}-[0-9a-fA-F]{4}-)[a-z][a-z0-9-]*$");
        let rules = Rules { pattern: Some(&NOT_A_UUID), ..Rules::NONE };
        assert!(matches!(NOT_A_UUID.engine(), Engine::Fancy(_)));
        assert!(violations(|v| "my-project".check(&rules, v)).is_empty());
        assert_eq!(violations(|v| "a1b2c3d4-e5f6-4a7b".check(&rules, v)).len(), 1);
        assert_eq!(violations(|v| "Upper".check(&rules, v)).len(), 1);
    }

    #[test]
    fn formats() {
        let uri = Rules { format: Some(Format::Uri), ..Rules::NONE };
        assert!(violations(|v| "https://merchant.com/hook".check(&uri, v)).is_empty());
        assert_eq!(violations(|v| "not a uri".check(&uri, v)), ["must be an absolute URI"]);
        let email = Rules { format: Some(Format::Email), ..Rules::NONE };
        assert!(violations(|v| "a@b.io".check(&email, v)).is_empty());
        assert_eq!(violations(|v| "a@b".check(&email, v)).len(), 1);
        let uuid = Rules { format: Some(Format::Uuid), ..Rules::NONE };
        assert!(violations(|v| "a1b2c3d4-e5f6-4a7b-8c9d-0E1F2A3B4C5D".check(&uuid, v)).is_empty());
        for bad in ["a1b2c3d4e5f64a7b8c9d0e1f2a3b4c5d", "{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5g", "order-1"] {
            assert_eq!(violations(|v| bad.check(&uuid, v)).len(), 1, "{bad}");
        }
    }
}
