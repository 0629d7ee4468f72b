//! A document's prose → rustdoc comments that rustdoc accepts without a warning.
//!
//! Code blocks are fenced as `text`, so no description ever runs as a
//! doctest; indented blocks (which rustdoc would compile) lose their indent;
//! bare URLs are wrapped in `<…>`; brackets and angle brackets outside code
//! spans and links are escaped, so they never read as intra-doc links or HTML.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = …]` attributes for Markdown the generator wrote (trusted: links
/// and code spans are meant).
pub fn attrs(markdown: &str) -> TokenStream {
    let lines = lines(markdown);
    quote! { #( #[doc = #lines] )* }
}

/// Inner `#![doc = …]` attributes for Markdown the generator wrote.
pub fn inner_attrs(markdown: &str) -> TokenStream {
    let lines = lines(markdown);
    quote! { #( #![doc = #lines] )* }
}

/// Inner attributes that document the crate with `markdown` only when
/// `cfg` holds (`#![cfg_attr(feature = "full", doc = …)]`).
pub fn inner_attrs_when(cfg: &TokenStream, markdown: &str) -> TokenStream {
    let lines = lines(markdown);
    quote! { #( #![cfg_attr(#cfg, doc = #lines)] )* }
}

fn lines(markdown: &str) -> Vec<String> {
    let mut out: Vec<String> = markdown
        .lines()
        .map(|l| {
            // A carriage return left alone inside a line is not allowed in
            // a doc comment.
            let l = l.trim_end().replace('\r', " ");
            let l = l.as_str();
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        })
        .collect();
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    while out.first().is_some_and(String::is_empty) {
        out.remove(0);
    }
    out
}

/// The document's prose `text` as Markdown that rustdoc reads as plain prose.
pub fn prose(text: &str) -> String {
    sanitize(text)
        .iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A code span holding `s` exactly.
pub fn code(s: &str) -> String {
    // Control characters (a name with a carriage return) are shown escaped:
    // rustdoc refuses some in comments, and none reads as itself.
    let escaped;
    let s = if s.contains(char::is_control) {
        escaped = s.chars().fold(String::new(), |mut out, c| {
            if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
            out
        });
        escaped.as_str()
    } else {
        s
    };
    if s.is_empty() {
        "the empty string".to_owned()
    } else if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

/// The width of the list marker that starts `line` (`- `, `* `, `+ `,
/// `1. `, `1) `), if it starts with one.
fn list_marker(line: &str) -> Option<usize> {
    // The text starts after the marker and the spaces that follow it
    // (`*   item` is at column 4).
    let spaces = |rest: &str| rest.chars().take_while(|c| *c == ' ').count();
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(1 + spaces(&line[1..]).min(4));
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then(|| digits + 1 + spaces(&rest[1..]).min(4))
}

/// The doc lines for `text`, each with the leading space rustdoc expects.
fn sanitize(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<String> = None;
    // The width of the marker of the list item being written (`- ` is 2).
    let mut item_indent: Option<usize> = None;
    for raw in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let trimmed = raw.trim();
        if let Some(marker) = &fence {
            if trimmed.starts_with(marker.as_str())
                && trimmed
                    .trim_start_matches(marker.as_str())
                    .trim()
                    .is_empty()
            {
                out.push(" ```".to_owned());
                fence = None;
            } else {
                out.push(format!(" {}", raw.trim_end()));
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            item_indent = None;
            let marker: String = trimmed
                .chars()
                .take_while(|c| *c == '`' || *c == '~')
                .collect();
            fence = Some(marker);
            out.push(" ```text".to_owned());
            continue;
        }
        let line = escape_line(trimmed);
        // A line that continues a list item is indented to the item's text
        // (the document's own indentation is not kept), so that it reads as
        // part of the item rather than as lazy continuation.
        let indent = match list_marker(trimmed) {
            Some(width) => {
                item_indent = Some(width);
                0
            }
            None if line.is_empty() || trimmed.starts_with('#') => {
                item_indent = None;
                0
            }
            None => item_indent.unwrap_or(0),
        };
        out.push(if line.is_empty() {
            String::new()
        } else {
            format!(" {}{line}", " ".repeat(indent))
        });
    }
    if fence.is_some() {
        out.push(" ```".to_owned());
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    while out.first().is_some_and(String::is_empty) {
        out.remove(0);
    }
    out
}

/// Escapes one line of prose, leaving code spans and Markdown links alone.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // A code span: copy through its closing run of backticks.
        if c == '`' {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            let close = (i + run..chars.len()).find(|&j| {
                chars[j..].iter().take_while(|&&c| c == '`').count() == run
                    && (j == 0 || chars[j - 1] != '`')
            });
            match close {
                Some(j) => {
                    out.extend(&chars[i..j + run]);
                    i = j + run;
                }
                None => {
                    // An unclosed backtick is literal text.
                    for _ in 0..run {
                        out.push_str("\\`");
                    }
                    i += run;
                }
            }
            continue;
        }
        // A Markdown link `[text](url)`: keep it as it is.
        if c == '['
            && let Some(len) = markdown_link_len(&chars[i..])
        {
            out.extend(&chars[i..i + len]);
            i += len;
            continue;
        }
        if starts_with(&chars[i..], "http://") || starts_with(&chars[i..], "https://") {
            let len = chars[i..]
                .iter()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '<' | '>' | '"' | '`' | '|'))
                .count();
            let mut url: String = chars[i..i + len].iter().collect();
            // Punctuation that ends a sentence is not part of the URL.
            while url.ends_with(['.', ',', ';', ':', ')', '\'', ']']) {
                url.pop();
            }
            let taken = url.chars().count();
            out.push('<');
            out.push_str(&url);
            out.push('>');
            i += taken;
            continue;
        }
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '_' => out.push_str("\\_"),
            '#' if i == 0 => out.push_str("\\#"),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn starts_with(chars: &[char], prefix: &str) -> bool {
    prefix
        .chars()
        .enumerate()
        .all(|(i, p)| chars.get(i) == Some(&p))
}

/// The length of a `[text](target)` link at the start of `chars`.
fn markdown_link_len(chars: &[char]) -> Option<usize> {
    let close = chars.iter().position(|&c| c == ']')?;
    if chars[1..close].contains(&'[') || chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = chars[close + 2..].iter().position(|&c| c == ')')? + close + 2;
    let target: String = chars[close + 2..end].iter().collect();
    let linkable =
        target.starts_with("http://") || target.starts_with("https://") || target.starts_with('#');
    (linkable && !target.contains(char::is_whitespace)).then_some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_keep_their_continuation_lines() {
        let lines =
            sanitize("Codes:\n- **A**:\n  retried later.\n- B\nafter\n\nDone.\n1. one\n   more\n");
        assert_eq!(
            lines,
            [
                " Codes:",
                " - **A**:",
                "   retried later.",
                " - B",
                "   after",
                "",
                " Done.",
                " 1. one",
                "    more",
            ]
        );
    }

    #[test]
    fn fences_become_text_and_indents_go() {
        let lines = sanitize("Example:\n\n```json\n{\"a\": 1}\n```\n\n    let x = 1;\n");
        assert_eq!(
            lines,
            [
                " Example:",
                "",
                " ```text",
                " {\"a\": 1}",
                " ```",
                "",
                " let x = 1;"
            ]
        );
    }

    #[test]
    fn urls_are_wrapped_and_brackets_escaped() {
        assert_eq!(escape_line("See https://x.io/a."), "See <https://x.io/a>.");
        assert_eq!(
            escape_line("an [array] of <b>"),
            "an \\[array\\] of &lt;b&gt;"
        );
        assert_eq!(
            escape_line("a [link](https://x.io) here"),
            "a [link](https://x.io) here"
        );
        assert_eq!(
            escape_line("keep `a[0] <b>` as code"),
            "keep `a[0] <b>` as code"
        );
        assert_eq!(escape_line("snake_case name"), "snake\\_case name");
        assert_eq!(escape_line("# heading"), "\\# heading");
        assert_eq!(escape_line("odd ` tick"), "odd \\` tick");
    }
}
