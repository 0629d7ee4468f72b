//! Every rule that turns a document's names into Rust identifiers.
//!
//! Keywords become raw identifiers (`r#type`), the four that cannot be raw
//! (`self`, `super`, `crate`, `Self`) get a `_` suffix, and a name that does
//! not start with a letter gets a prefix. [`Namespace`] hands out names that
//! are unique within one scope, in the order they are asked for.

use std::collections::BTreeSet;

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

const NOT_RAW: &[&str] = &["self", "super", "crate", "Self", "_"];

/// The words of a name, lower-cased and separated by spaces, for heck to
/// join: split on anything that is not a letter or digit (`x-rate.limit` →
/// `x rate limit`), before an upper-case letter that follows a lower-case
/// one or a digit (`paymentID` → `payment id`), and before the last capital
/// of a run of capitals that starts a lower-case word of two letters or
/// more (`HTTPServer` → `http server`). A single lower-case letter after
/// capitals stays in their word (`XAUt0` → `xaut0`, `IDs` → `ids`), where
/// heck alone would split it off (`xa ut0`, `i ds`).
fn words(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 8);
    // Whether the last letter seen in this word was upper case.
    let mut upper_run = false;
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            out.push(' ');
            upper_run = false;
            continue;
        }
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let after_lower =
                prev.is_some_and(|p| p.is_ascii_lowercase() || (p.is_ascii_digit() && !upper_run));
            let lower_word = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_lowercase())
                .count();
            if after_lower || (upper_run && lower_word >= 2) {
                out.push(' ');
            }
            upper_run = true;
        } else if c.is_ascii_lowercase() {
            upper_run = false;
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A snake-case name for a field, parameter, method or module: not yet an
/// identifier (see [`ident`]), never empty.
pub fn snake(name: &str) -> String {
    let s = words(&spell_symbols(name)).to_snake_case();
    if s.is_empty() {
        return "value".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("_{s}");
    }
    s
}

/// An upper-camel-case name for a type or variant, never empty, starting with
/// a letter.
pub fn camel(name: &str) -> String {
    let s = words(&spell_symbols(name)).to_upper_camel_case();
    if s.is_empty() {
        return "Value".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("V{s}");
    }
    s
}

/// Names the symbols that would otherwise vanish, so that enum values such
/// as `+1` and `-1` or `>=` and `<=` stay apart.
fn spell_symbols(name: &str) -> String {
    if name.chars().any(|c| c.is_ascii_alphanumeric()) {
        // Symbols inside words are separators (`foo-bar`), except a leading
        // sign on a number.
        return match name.strip_prefix('-') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => format!("minus {rest}"),
            _ => match name.strip_prefix('+') {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => {
                    format!("plus {rest}")
                }
                _ => name.to_owned(),
            },
        };
    }
    let mut out = String::new();
    for c in name.chars() {
        let word = match c {
            '+' => "plus",
            '-' => "minus",
            '*' => "star",
            '/' => "slash",
            '<' => "lt",
            '>' => "gt",
            '=' => "eq",
            '!' => "not",
            '.' => "dot",
            '_' => "underscore",
            '@' => "at",
            '#' => "hash",
            '$' => "dollar",
            '%' => "percent",
            '&' => "and",
            '|' => "or",
            '~' => "tilde",
            '?' => "question",
            ' ' => "space",
            // Anything else, such as a non-ASCII letter, by its code point.
            other => {
                out.push_str(&format!(" u{:x}", other as u32));
                continue;
            }
        };
        out.push(' ');
        out.push_str(word);
    }
    if out.is_empty() && name.is_empty() {
        return "empty".to_owned();
    }
    out
}

/// `text` in kebab case, reduced to ASCII letters, digits and `-`, for a
/// Cargo package or feature name: one that does not start with a letter
/// takes `prefix` before it, and one left empty is `empty`.
pub fn kebab(text: &str, prefix: &str, empty: &str) -> String {
    let kebab: String = text
        .to_kebab_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let kebab = kebab.trim_matches('-');
    match kebab.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => kebab.to_owned(),
        Some(_) => format!("{prefix}-{kebab}"),
        None => empty.to_owned(),
    }
}

/// Whether `name` is a Rust keyword (strict, reserved or weak).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name) || NOT_RAW.contains(&name)
}

/// The identifier for an already-cased name: raw for keywords, suffixed for
/// the words that cannot be raw.
pub fn ident(name: &str) -> proc_macro2::Ident {
    if NOT_RAW.contains(&name) {
        return proc_macro2::Ident::new(&format!("{name}_"), proc_macro2::Span::call_site());
    }
    if KEYWORDS.contains(&name) {
        return proc_macro2::Ident::new_raw(name, proc_macro2::Span::call_site());
    }
    proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
}

/// One scope of names: each name it hands out is unique in it.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    used: BTreeSet<String>,
}

impl Namespace {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Namespace {
        Namespace {
            used: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// `base` if it is free, else `base2`, `base3`, … (with `_2` for snake
    /// names ending in a digit).
    pub fn claim(&mut self, base: &str) -> String {
        if self.used.insert(base.to_owned()) {
            return base.to_owned();
        }
        let sep = if base.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{base}{sep}{n}"))
            .find(|candidate| self.used.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.used.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_names() {
        assert_eq!(snake("checkoutURL"), "checkout_url");
        assert_eq!(snake("X-Idempotency-Key"), "x_idempotency_key");
        assert_eq!(snake("paymentID"), "payment_id");
        assert_eq!(snake("createPayment"), "create_payment");
        assert_eq!(snake("1st"), "_1st");
        assert_eq!(snake(""), "empty");
        assert_eq!(snake("$ref"), "ref");
        assert_eq!(snake("a.b-c"), "a_b_c");
        assert_eq!(snake("IDs"), "ids");
        assert_eq!(snake("getURLs"), "get_urls");
        assert_eq!(snake("XAUt0"), "xaut0");
        assert_eq!(snake("SSLv3"), "sslv3");
        assert_eq!(snake("ABC1Def"), "abc1_def");
        assert_eq!(snake("x-rate.limit"), "x_rate_limit");
    }

    #[test]
    fn camel_names() {
        assert_eq!(camel("payment_options"), "PaymentOptions");
        assert_eq!(camel("XAUt0"), "Xaut0");
        assert_eq!(camel("HTTPServer"), "HttpServer");
        assert_eq!(camel("XMLHttpRequest"), "XmlHttpRequest");
        assert_eq!(camel("USD"), "Usd");
        assert_eq!(camel("in_progress"), "InProgress");
        assert_eq!(camel("inProgress"), "InProgress");
        assert_eq!(camel("Base64Encode"), "Base64Encode");
        assert_eq!(camel("v1Beta"), "V1Beta");
        assert_eq!(camel("2fa"), "V2fa");
        assert_eq!(camel(""), "Empty");
        assert_eq!(camel("+1"), "Plus1");
        assert_eq!(camel("-1"), "Minus1");
        assert_eq!(camel(">="), "GtEq");
        assert_eq!(camel("foo bar"), "FooBar");
        assert_eq!(camel("ä"), "Ue4");
    }

    #[test]
    fn identifiers() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("ref").to_string(), "r#ref");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("Self").to_string(), "Self_");
        assert_eq!(ident("crate").to_string(), "crate_");
        assert_eq!(ident("payment").to_string(), "payment");
    }

    #[test]
    fn namespace_resolves_collisions_in_order() {
        let mut ns = Namespace::with_reserved(&["send"]);
        assert_eq!(ns.claim("get_user"), "get_user");
        assert_eq!(ns.claim("get_user"), "get_user2");
        assert_eq!(ns.claim("send"), "send2");
        assert_eq!(ns.claim("v1"), "v1");
        assert_eq!(ns.claim("v1"), "v1_2");
    }
}
