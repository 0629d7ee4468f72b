//! Finds the line of a JSON pointer in the document text.
//!
//! The loader parses with serde, which forgets positions; this module reads
//! the text again only when there is something to report: a JSON document
//! with a scanner that steps over everything no wanted pointer leads into,
//! anything else with a YAML event parser (YAML is a superset of JSON, so it
//! reads what the scanner cannot).

use std::collections::{BTreeMap, BTreeSet};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::pointer::escape_token;

/// Another file of the document.
#[derive(Debug, Clone)]
pub struct Source {
    /// Its path relative to the root document's directory, `/`-separated.
    pub name: String,
    /// Its text.
    pub text: String,
}

/// The 1-based line of each of `pointers` in `text`: of the place it names
/// or, when that is absent, of its nearest present ancestor.
pub fn locate(text: &str, pointers: &[&str]) -> Vec<Option<usize>> {
    let wanted: BTreeSet<String> = pointers.iter().flat_map(|p| prefixes(p)).collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let lines = lines_of(text, &wanted);
    pointers
        .iter()
        .map(|p| prefixes(p).rev().find_map(|p| lines.get(&p).copied()))
        .collect()
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
    json_lines(text, wanted).unwrap_or_else(|| yaml_lines(text, wanted))
}

/// The lines of `wanted` in a JSON text, read by a scanner that descends
/// only into the values whose pointer is wanted (`wanted` holds every
/// ancestor of what it holds) and steps over the rest bracket by bracket:
/// a warning in a 6 MB document costs milliseconds, not the ~100 ms of the
/// YAML event parser. `None` when the text is not JSON this scanner reads
/// (YAML, or anything it stumbles on), for the YAML parser to read.
fn json_lines(text: &str, wanted: &BTreeSet<String>) -> Option<BTreeMap<String, usize>> {
    let mut scan = JsonScan {
        text,
        pos: 0,
        line: 1,
        wanted,
        found: BTreeMap::new(),
    };
    scan.space();
    if scan.peek()? != b'{' {
        return None;
    }
    let line = scan.line;
    scan.value(&mut String::new(), line, 0)?;
    Some(scan.found)
}

/// How deep [`JsonScan::value`] recurses before handing the text over to
/// the YAML parser (serde_json refuses documents deeper than 128).
const JSON_DEPTH: usize = 256;

struct JsonScan<'a> {
    text: &'a str,
    pos: usize,
    /// The line at `pos`, from 1.
    line: usize,
    wanted: &'a BTreeSet<String>,
    found: BTreeMap<String, usize>,
}

impl JsonScan<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn done(&self) -> bool {
        self.found.len() == self.wanted.len()
    }

    fn space(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.space();
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// Steps over a string whose opening quote is at `pos`; returns its
    /// contents (between the quotes) and whether they hold an escape.
    fn string(&mut self) -> Option<(usize, usize, bool)> {
        let bytes = self.text.as_bytes();
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            match *bytes.get(i)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    i += 1;
                }
                b'\n' => self.line += 1,
                _ => {}
            }
            i += 1;
        }
        self.pos = i + 1;
        Some((start, i, escaped))
    }

    /// Steps over the value at `pos`, whatever it holds.
    fn skip(&mut self) -> Option<()> {
        let bytes = self.text.as_bytes();
        let mut depth = 0usize;
        loop {
            match *bytes.get(self.pos)? {
                b'"' => {
                    self.string()?;
                    if depth == 0 {
                        return Some(());
                    }
                    continue;
                }
                b'{' | b'[' => depth += 1,
                // The end of the object or array that holds a scalar.
                b'}' | b']' if depth == 0 => return Some(()),
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return Some(());
                    }
                }
                b',' | b' ' | b'\t' | b'\r' | b'\n' if depth == 0 => return Some(()),
                b'\n' => self.line += 1,
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// Reads the value at `pos`, whose pointer is `pointer` and which starts
    /// (or whose key starts) on `line`.
    fn value(&mut self, pointer: &mut String, line: usize, depth: usize) -> Option<()> {
        self.space();
        if !self.wanted.contains(pointer.as_str()) {
            return self.skip();
        }
        self.found.entry(pointer.clone()).or_insert(line);
        if depth > JSON_DEPTH {
            return None;
        }
        let close = match self.peek()? {
            b'{' => b'}',
            b'[' => b']',
            _ => return self.skip(),
        };
        self.pos += 1;
        let mut index = 0usize;
        loop {
            self.space();
            if self.peek()? == close {
                self.pos += 1;
                return Some(());
            }
            if index > 0 {
                self.expect(b',')?;
                self.space();
            }
            let line = self.line;
            let len = pointer.len();
            pointer.push('/');
            if close == b'}' {
                if self.peek()? != b'"' {
                    return None;
                }
                let (start, end, escaped) = self.string()?;
                let key = if escaped {
                    serde_json::from_str::<String>(self.text.get(start - 1..=end)?).ok()?
                } else {
                    self.text.get(start..end)?.to_owned()
                };
                pointer.push_str(&escape_token(&key));
                self.expect(b':')?;
            } else {
                pointer.push_str(&index.to_string());
            }
            self.value(pointer, line, depth + 1)?;
            pointer.truncate(len);
            index += 1;
            if self.done() {
                return Some(());
            }
        }
    }
}

/// The lines of `wanted`, read through YAML events (YAML is a superset of
/// JSON, so this reads either).
fn yaml_lines(text: &str, wanted: &BTreeSet<String>) -> BTreeMap<String, usize> {
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
        locate(text, &[pointer])[0]
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

    /// Every pointer of `value` down to `depth` levels, children in order.
    fn pointers(value: &serde_json::Value, at: String, depth: usize, out: &mut Vec<String>) {
        out.push(at.clone());
        if depth == 0 {
            return;
        }
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    pointers(v, format!("{at}/{}", escape_token(k)), depth - 1, out);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    pointers(v, format!("{at}/{i}"), depth - 1, out);
                }
            }
            _ => {}
        }
    }

    /// The JSON scanner finds the lines the YAML event parser finds, for
    /// every pointer three levels deep of every JSON document of the
    /// corpora, and for every 97th pointer at any depth.
    #[test]
    fn json_scanner_agrees_with_the_yaml_parser() {
        let mut checked = 0;
        for dir in ["tests/corpus", "tests/corpus-31", "tests/fixtures"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            let mut paths: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).unwrap();
                let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
                    continue;
                };
                let mut shallow = Vec::new();
                pointers(&value, String::new(), 3, &mut shallow);
                let mut all = Vec::new();
                pointers(&value, String::new(), usize::MAX, &mut all);
                let sample = shallow
                    .into_iter()
                    .chain(all.into_iter().step_by(97))
                    .chain(["/no/such/thing".to_owned()]);
                let wanted: BTreeSet<String> = sample
                    .flat_map(|p| prefixes(&p).collect::<Vec<_>>())
                    .collect();
                let json = json_lines(&text, &wanted)
                    .unwrap_or_else(|| panic!("{}: not read as JSON", path.display()));
                assert_eq!(json, yaml_lines(&text, &wanted), "{}", path.display());
                checked += json.len();
            }
        }
        assert!(checked > 10_000, "only {checked} pointers checked");
    }

    #[test]
    fn json_scanner_reads_escapes_scalars_and_gives_way_to_yaml() {
        let text =
            "{\"a\\\"b\": [1, true, null, {\"c\":\n\"x\\ny\"}], \"d/e\":\n 2.5e3,\n\"f\": {}}";
        for pointer in ["/a\"b/3/c", "/a\"b/2", "/d~1e", "/f", "/a\"b/9"] {
            let wanted: BTreeSet<String> = prefixes(pointer).collect();
            assert_eq!(
                json_lines(text, &wanted),
                Some(yaml_lines(text, &wanted)),
                "{pointer}"
            );
        }
        // A value is on the line of its key.
        assert_eq!(line(text, "/a\"b/3/c"), Some(1));
        assert_eq!(line(text, "/d~1e"), Some(2));
        assert_eq!(line(text, "/f"), Some(4));
        // YAML, and a text the scanner cannot read, go to the YAML parser.
        assert_eq!(json_lines("a: 1\n", &prefixes("/a").collect()), None);
        assert_eq!(json_lines("{\"a\": 1", &prefixes("/b").collect()), None);
    }

    #[test]
    fn finds_lines_in_json_and_sequences() {
        let text = "{\n  \"tags\": [\n    {\"name\": \"a\"},\n    {\"name\": \"b\"}\n  ]\n}\n";
        assert_eq!(line(text, "/tags/1/name"), Some(4));
        assert_eq!(line(text, "/tags/0"), Some(3));
    }
}
