//! Finds the line of a JSON pointer in the document text.
//!
//! The loader parses with serde, which forgets positions; this module parses
//! the text again with an event parser (YAML is a superset of JSON, so one
//! parser serves both) only when there is something to report.

use std::collections::{BTreeMap, BTreeSet};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::{Diagnostic, escape_token};

/// Fills in the line of every diagnostic that has none, from its pointer or,
/// when the pointer names something absent, its nearest present ancestor.
pub fn locate(text: &str, items: &mut [Diagnostic]) {
    let wanted: BTreeSet<String> = items
        .iter()
        .filter(|d| d.line.is_none())
        .flat_map(|d| prefixes(&d.pointer))
        .collect();
    if wanted.is_empty() {
        return;
    }
    let lines = lines_of(text, &wanted);
    for d in items.iter_mut().filter(|d| d.line.is_none()) {
        d.line = prefixes(&d.pointer)
            .rev()
            .find_map(|p| lines.get(&p).copied());
    }
}

/// `/a/b` → `""`, `/a`, `/a/b`.
fn prefixes(pointer: &str) -> impl DoubleEndedIterator<Item = String> + '_ {
    std::iter::once(String::new()).chain(
        pointer
            .char_indices()
            .filter(|&(i, c)| c == '/' && i > 0)
            .map(|(i, _)| pointer[..i].to_owned())
            .chain((!pointer.is_empty()).then(|| pointer.to_owned())),
    )
}

fn lines_of(text: &str, wanted: &BTreeSet<String>) -> BTreeMap<String, usize> {
    let mut walker = Walker {
        wanted,
        stack: Vec::new(),
        found: BTreeMap::new(),
    };
    // A document that does not parse has no lines to find: its parse error
    // was reported with its own position. The parse stops once every
    // pointer wanted is found (a warning at `/info` reads a few lines, not
    // a 4 MB document).
    let mut parser = Parser::new_from_str(text);
    while let Ok((event, mark)) = parser.next_token() {
        if event == Event::StreamEnd {
            break;
        }
        walker.on_event(event, mark);
        if walker.found.len() == wanted.len() {
            break;
        }
    }
    walker.found
}

enum Frame {
    /// A mapping; `key` is the pending key once read, with the line it is on.
    Mapping {
        pointer: String,
        key: Option<(String, usize)>,
    },
    Sequence {
        pointer: String,
        index: usize,
    },
}

struct Walker<'a> {
    wanted: &'a BTreeSet<String>,
    stack: Vec<Frame>,
    found: BTreeMap<String, usize>,
}

impl Walker<'_> {
    /// Called when a node starts: returns its pointer and the line that
    /// introduces it (a mapping value's key line), or `None` for a key.
    fn enter_node(&mut self, mark: Marker, scalar: Option<&str>) -> Option<String> {
        let line = mark.line();
        let (pointer, line) = match self.stack.last_mut() {
            None => (String::new(), line),
            Some(Frame::Mapping { pointer, key }) => match key.take() {
                None => {
                    // This node is a key.
                    *key = Some((scalar.unwrap_or_default().to_owned(), line));
                    return None;
                }
                Some((k, key_line)) => (format!("{pointer}/{}", escape_token(&k)), key_line),
            },
            Some(Frame::Sequence { pointer, index }) => {
                let p = format!("{pointer}/{index}");
                *index += 1;
                (p, line)
            }
        };
        if self.wanted.contains(&pointer) {
            self.found.entry(pointer.clone()).or_insert(line);
        }
        Some(pointer)
    }
}

impl MarkedEventReceiver for Walker<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                self.enter_node(mark, Some(&value));
            }
            Event::Alias(_) => {
                self.enter_node(mark, None);
            }
            Event::MappingStart(..) => {
                if let Some(pointer) = self.enter_node(mark, None) {
                    self.stack.push(Frame::Mapping { pointer, key: None });
                } else {
                    // A complex key: track it so the stack stays balanced.
                    self.stack.push(Frame::Mapping {
                        pointer: "\u{0}".into(),
                        key: None,
                    });
                }
            }
            Event::SequenceStart(..) => {
                let pointer = self
                    .enter_node(mark, None)
                    .unwrap_or_else(|| "\u{0}".into());
                self.stack.push(Frame::Sequence { pointer, index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, pointer: &str) -> Option<usize> {
        let mut items = vec![Diagnostic::error(pointer, "x")];
        locate(text, &mut items);
        items[0].line
    }

    #[test]
    fn finds_lines_in_yaml() {
        let text =
            "openapi: 3.0.3\npaths:\n  /a/b:\n    get:\n      responses: {}\n  /c:\n    post: {}\n";
        assert_eq!(line(text, "/openapi"), Some(1));
        assert_eq!(line(text, "/paths/~1a~1b/get"), Some(4));
        assert_eq!(line(text, "/paths/~1a~1b/get/responses"), Some(5));
        assert_eq!(line(text, "/paths/~1c/post/responses"), Some(7));
    }

    #[test]
    fn finds_lines_in_json_and_sequences() {
        let text = "{\n  \"tags\": [\n    {\"name\": \"a\"},\n    {\"name\": \"b\"}\n  ]\n}\n";
        assert_eq!(line(text, "/tags/1/name"), Some(4));
        assert_eq!(line(text, "/tags/0"), Some(3));
    }
}
