//! The framing of streamed responses: bytes in, as they come, in pieces of
//! any size; whole items out. Server-sent events (the WHATWG
//! `text/event-stream` parsing rules), JSON Lines / NDJSON (one JSON text
//! per line) and JSON text sequences (RFC 7464: each text after an ASCII
//! record separator).
//!
//! Only what is not yet an item is held: the unfinished line or record, and
//! for server-sent events the data of the event being read. The framer does
//! no I/O and knows nothing of HTTP, so that every way of cutting a stream
//! into pieces can be tested on it alone.

use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};

/// How the items of a stream are delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// `text/event-stream`.
    ServerSentEvents,
    /// `application/jsonl`, `application/x-ndjson`: one JSON text per line.
    JsonLines,
    /// `application/json-seq` (RFC 7464): `RS` JSON-text `LF`.
    JsonSeq,
}

impl Framing {
    /// The framing of a response's `Content-Type`, when it is a stream's.
    pub(crate) fn of_content_type(content_type: &str) -> Option<Framing> {
        let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "text/event-stream" => Some(Framing::ServerSentEvents),
            "application/jsonl" | "application/x-ndjson" | "application/ndjson" | "application/x-jsonlines"
            | "application/jsonlines" | "application/json-lines" => Some(Framing::JsonLines),
            s if s == "application/json-seq" || s.ends_with("+json-seq") => Some(Framing::JsonSeq),
            _ => None,
        }
    }

    /// What the stream is called in messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Framing::ServerSentEvents => "text/event-stream",
            Framing::JsonLines => "JSON Lines",
            Framing::JsonSeq => "application/json-seq",
        }
    }
}

/// One item, framed but not decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawItem {
    /// The event's name (`event:`), for a server-sent event that gave one.
    pub(crate) event: Option<String>,
    /// The last event id in effect (`id:`), for server-sent events.
    pub(crate) id: Option<String>,
    /// The reconnection time this event asked for (`retry:`).
    pub(crate) retry: Option<Duration>,
    /// The item: the event's data (its lines joined by `\n`), the line, or
    /// the record.
    pub(crate) data: Bytes,
}

/// The item the stream was cut in the middle of.
#[derive(Debug)]
pub(crate) struct Cut {
    /// What was read of it.
    pub(crate) partial: Bytes,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";
const RS: u8 = 0x1E;

/// Turns the bytes of a stream into items.
#[derive(Debug)]
pub(crate) struct Framer {
    framing: Framing,
    /// Bytes not yet part of an item: the unfinished line or record.
    buf: BytesMut,
    /// How many bytes at the start of `buf` are known to hold no delimiter.
    scanned: usize,
    /// The last line ended with a CR: a LF first in what comes is its end too.
    after_cr: bool,
    /// Whether a leading byte order mark has been looked for.
    started: bool,
    /// The event being read (server-sent events).
    event: PendingEvent,
    /// The last event id (`id:`) of an event dispatched, which lasts across
    /// events and reconnections.
    last_id: Option<String>,
    /// The last `id:` read, which becomes `last_id` when its event is
    /// dispatched (an event cut before it was is not the stream's last).
    id_buffer: Option<String>,
    /// The last reconnection time the server asked for.
    retry: Option<Duration>,
}

#[derive(Debug, Default)]
struct PendingEvent {
    data: Vec<u8>,
    /// Whether a `data` line came (`data:` alone makes empty data, which is
    /// an event; no `data` line makes none).
    has_data: bool,
    name: Option<String>,
    retry: Option<Duration>,
    /// Whether any line of it came: a stream cut after one is cut mid-event.
    started: bool,
}

impl Framer {
    pub(crate) fn new(framing: Framing) -> Framer {
        Framer {
            framing,
            buf: BytesMut::new(),
            scanned: 0,
            after_cr: false,
            started: false,
            event: PendingEvent::default(),
            last_id: None,
            id_buffer: None,
            retry: None,
        }
    }

    pub(crate) fn framing(&self) -> Framing {
        self.framing
    }

    /// The last event id the stream gave (server-sent events).
    pub(crate) fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// The last reconnection time the server asked for (server-sent events).
    pub(crate) fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// The bytes held: the unfinished item. The stream's limit on one item.
    pub(crate) fn held(&self) -> usize {
        self.buf.len() + self.event.data.len()
    }

    /// Adds the next bytes of the stream.
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Forgets the unfinished item (its bytes, for a reconnection, which
    /// starts the stream afresh): the last event id and retry stay.
    pub(crate) fn restart(&mut self) -> Bytes {
        let mut partial = std::mem::take(&mut self.event.data);
        partial.extend_from_slice(&self.buf);
        self.buf = BytesMut::new();
        self.scanned = 0;
        self.after_cr = false;
        self.started = false;
        self.event = PendingEvent::default();
        self.id_buffer = self.last_id.clone();
        partial.into()
    }

    /// The next whole item of the bytes pushed so far, if there is one.
    pub(crate) fn next(&mut self) -> Option<RawItem> {
        if !self.start(false) {
            return None;
        }
        match self.framing {
            Framing::ServerSentEvents => self.next_event(),
            Framing::JsonLines => self.next_line(),
            Framing::JsonSeq => self.next_record(),
        }
    }

    /// At the end of the stream: the last item, when what is left is one
    /// (a last line without its line end), or the item the stream was cut in
    /// the middle of.
    pub(crate) fn finish(&mut self) -> Result<Option<RawItem>, Cut> {
        self.start(true);
        match self.framing {
            Framing::ServerSentEvents => {
                if let Some(item) = self.next_event() {
                    return Ok(Some(item));
                }
                // A last line without its line end is a line all the same.
                if !self.buf.is_empty() {
                    let line = self.buf.split().freeze();
                    if let Some(item) = self.line(&line) {
                        return Ok(Some(item));
                    }
                }
                // An event that never got its blank line was never
                // dispatched: the stream was cut inside it.
                if self.event.started {
                    let mut partial = std::mem::take(&mut self.event.data);
                    // Without the line break that would join a next line.
                    if self.event.has_data {
                        partial.pop();
                    }
                    let partial = Bytes::from(partial);
                    self.event = PendingEvent::default();
                    return Err(Cut { partial });
                }
                Ok(None)
            }
            Framing::JsonLines => {
                if let Some(item) = self.next_line() {
                    return Ok(Some(item));
                }
                let rest = self.buf.split().freeze();
                Ok((!is_blank(&rest)).then(|| plain(rest)))
            }
            Framing::JsonSeq => {
                if let Some(item) = self.next_record() {
                    return Ok(Some(item));
                }
                let rest = self.buf.split().freeze();
                if is_blank(&rest) {
                    return Ok(None);
                }
                // RFC 7464: a text not followed by its LF may be cut short
                // (`12` of `123`), even when it parses.
                if rest.trim_ascii_end().len() == rest.len() {
                    return Err(Cut { partial: rest });
                }
                Ok(Some(plain(rest)))
            }
        }
    }

    /// Drops a leading byte order mark once enough bytes have come to tell.
    fn start(&mut self, at_end: bool) -> bool {
        if self.started {
            return true;
        }
        if self.buf.len() < BOM.len() && BOM.starts_with(&self.buf) && !at_end {
            return false;
        }
        if self.buf.starts_with(BOM) {
            self.buf.advance(BOM.len());
        }
        self.started = true;
        true
    }

    /// Splits off the next line, without its line end (CR, LF or CRLF).
    fn split_line(&mut self) -> Option<Bytes> {
        if self.after_cr && !self.buf.is_empty() {
            if self.buf[0] == b'\n' {
                self.buf.advance(1);
            }
            self.after_cr = false;
        }
        self.scanned = self.scanned.min(self.buf.len());
        let found = self.buf[self.scanned..].iter().position(|&b| b == b'\n' || b == b'\r');
        let Some(at) = found.map(|i| i + self.scanned) else {
            self.scanned = self.buf.len();
            return None;
        };
        let line = self.buf.split_to(at).freeze();
        let end = self.buf[0];
        self.buf.advance(1);
        if end == b'\r' {
            match self.buf.first() {
                Some(b'\n') => self.buf.advance(1),
                Some(_) => {}
                None => self.after_cr = true,
            }
        }
        self.scanned = 0;
        Some(line)
    }

    fn next_event(&mut self) -> Option<RawItem> {
        while let Some(line) = self.split_line() {
            if let Some(item) = self.line(&line) {
                return Some(item);
            }
        }
        None
    }

    /// One line of an event stream; a blank line dispatches the event.
    fn line(&mut self, line: &[u8]) -> Option<RawItem> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line[0] == b':' {
            // A comment (a heartbeat, often): no part of any event.
            return None;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(i) => {
                let value = &line[i + 1..];
                (&line[..i], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        self.event.started = true;
        match field {
            b"data" => {
                self.event.data.extend_from_slice(value);
                self.event.data.push(b'\n');
                self.event.has_data = true;
            }
            b"event" => self.event.name = Some(String::from_utf8_lossy(value).into_owned()),
            // An id with a NUL is ignored, as browsers do; an empty one
            // forgets the last.
            b"id" if !value.contains(&0) => {
                self.id_buffer = (!value.is_empty()).then(|| String::from_utf8_lossy(value).into_owned());
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // Digits too many for a u64 are the longest wait there is.
                let millis = std::str::from_utf8(value).ok().and_then(|s| s.parse().ok()).unwrap_or(u64::MAX);
                let retry = Duration::from_millis(millis);
                self.retry = Some(retry);
                self.event.retry = Some(retry);
            }
            // Any other field is ignored.
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<RawItem> {
        let event = std::mem::take(&mut self.event);
        self.last_id = self.id_buffer.clone();
        if !event.has_data {
            return None;
        }
        let mut data = event.data;
        data.pop();
        Some(RawItem { event: event.name, id: self.last_id.clone(), retry: event.retry, data: data.into() })
    }

    fn next_line(&mut self) -> Option<RawItem> {
        while let Some(line) = self.split_line() {
            if !is_blank(&line) {
                return Some(plain(line));
            }
        }
        None
    }

    /// The next record of a JSON text sequence: the text after a `RS`, once
    /// its `LF` has come and it parses as one JSON text, or once the next
    /// `RS` has come (a text that does not parse is then an item all the
    /// same, for decoding to refuse with its bytes).
    fn next_record(&mut self) -> Option<RawItem> {
        loop {
            self.scanned = self.scanned.min(self.buf.len());
            let found = self.buf[self.scanned..].iter().position(|&b| b == RS || b == b'\n');
            let Some(at) = found.map(|i| i + self.scanned) else {
                self.scanned = self.buf.len();
                return None;
            };
            if self.buf[at] == RS {
                let record = self.buf.split_to(at).freeze();
                self.buf.advance(1);
                self.scanned = 0;
                if !is_blank(&record) {
                    return Some(plain(record));
                }
                continue;
            }
            let text = &self.buf[..at];
            if !is_blank(text) && serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok() {
                let record = self.buf.split_to(at).freeze();
                self.buf.advance(1);
                self.scanned = 0;
                return Some(plain(record));
            }
            // A LF inside a text written on several lines: read on.
            self.scanned = at + 1;
        }
    }
}

fn plain(data: Bytes) -> RawItem {
    RawItem { event: None, id: None, retry: None, data }
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item of `input` pushed in pieces cut at `cuts`, and how it ended.
    fn frame(framing: Framing, input: &[u8], cuts: &[usize]) -> (Vec<RawItem>, Option<Bytes>) {
        let mut framer = Framer::new(framing);
        let mut items = Vec::new();
        let mut from = 0;
        for &cut in cuts.iter().chain([&input.len()]) {
            framer.push(&input[from..cut]);
            from = cut;
            while let Some(item) = framer.next() {
                items.push(item);
            }
        }
        let cut = loop {
            match framer.finish() {
                Ok(Some(item)) => items.push(item),
                Ok(None) => break None,
                Err(cut) => break Some(cut.partial),
            }
        };
        (items, cut)
    }

    /// The items of `input` are the same however it is cut in two or three.
    fn same_at_every_cut(framing: Framing, input: &[u8]) -> (Vec<RawItem>, Option<Bytes>) {
        let whole = frame(framing, input, &[]);
        for i in 0..=input.len() {
            assert_eq!(frame(framing, input, &[i]), whole, "cut at {i} of {:?}", String::from_utf8_lossy(input));
            for j in i..=input.len().min(i + 4) {
                assert_eq!(frame(framing, input, &[i, j]), whole, "cuts at {i}, {j}");
            }
        }
        // One byte at a time.
        let every: Vec<usize> = (1..input.len()).collect();
        assert_eq!(frame(framing, input, &every), whole);
        whole
    }

    fn data(items: &[RawItem]) -> Vec<&str> {
        items.iter().map(|i| std::str::from_utf8(&i.data).unwrap()).collect()
    }

    #[test]
    fn events_keep_their_framing_whatever_the_line_ends_and_cuts() {
        for end in ["\n", "\r", "\r\n"] {
            let text = "\u{FEFF}: a comment\nevent: greeting\nid: 7\nretry: 1500\ndata: héllo\ndata:  wörld\n\ndata:{\"n\":1}\nunknown: x\n\n"
                .replace('\n', end);
            let (items, cut) = same_at_every_cut(Framing::ServerSentEvents, text.as_bytes());
            assert_eq!(cut, None);
            assert_eq!(data(&items), ["héllo\n wörld", "{\"n\":1}"], "line end {end:?}");
            assert_eq!(items[0].event.as_deref(), Some("greeting"));
            assert_eq!(items[0].id.as_deref(), Some("7"));
            assert_eq!(items[0].retry, Some(Duration::from_millis(1500)));
            // The id lasts; the name and retry do not.
            assert_eq!((items[1].event.as_deref(), items[1].id.as_deref(), items[1].retry), (None, Some("7"), None));
        }
    }

    #[test]
    fn event_field_rules() {
        let text = b"data\n\ndata:\ndata:\n\nid: a\0b\ndata: x\n\nevent: only\n\nretry: 12x\ndata:y\n\n";
        let (items, _) = same_at_every_cut(Framing::ServerSentEvents, text);
        // `data` alone is an empty line of data; two make one line break.
        assert_eq!(data(&items), ["", "\n", "x", "y"]);
        // An id with a NUL is ignored; a bad retry too; an event without
        // data is not dispatched.
        assert_eq!(items[2].id, None);
        assert_eq!(items[3].retry, None);
        assert_eq!(items[3].event, None);
    }

    #[test]
    fn a_stream_cut_inside_an_event_says_so() {
        let (items, cut) = same_at_every_cut(Framing::ServerSentEvents, b"data: 1\n\ndata: {\"a\":");
        assert_eq!(data(&items), ["1"]);
        assert_eq!(cut.as_deref(), Some(&b"{\"a\":"[..]));
        // A last data line without its blank line is cut too.
        let (_, cut) = frame(Framing::ServerSentEvents, b"data: 1\n", &[]);
        assert_eq!(cut.as_deref(), Some(&b"1"[..]));
        // Comments alone at the end are not.
        let (_, cut) = frame(Framing::ServerSentEvents, b"data: 1\n\n: ping\n", &[]);
        assert_eq!(cut, None);
    }

    #[test]
    fn json_lines_split_at_any_line_end() {
        for end in ["\n", "\r", "\r\n"] {
            let text = format!("{{\"a\":\"é\"}}{end}{end}  {end}[1,2]{end}3");
            let (items, cut) = same_at_every_cut(Framing::JsonLines, text.as_bytes());
            assert_eq!(cut, None);
            assert_eq!(data(&items), ["{\"a\":\"é\"}", "[1,2]", "3"]);
        }
    }

    #[test]
    fn json_sequences_frame_by_record_separator() {
        let text = b"\x1e{\"a\":1}\n\x1e{\n  \"b\": [1,\n 2]\n}\n\x1e\"\xc3\xa9\"\n";
        let (items, cut) = same_at_every_cut(Framing::JsonSeq, text);
        assert_eq!(cut, None);
        assert_eq!(data(&items), ["{\"a\":1}", "{\n  \"b\": [1,\n 2]\n}", "\"é\""]);
        // A text without its LF at the end may be cut short.
        let (items, cut) = frame(Framing::JsonSeq, b"\x1e1\n\x1e12", &[]);
        assert_eq!(data(&items), ["1"]);
        assert_eq!(cut.as_deref(), Some(&b"12"[..]));
        // One that does not parse is an item when the next record starts.
        let (items, _) = frame(Framing::JsonSeq, b"\x1e{oops\n\x1e2\n", &[]);
        assert_eq!(data(&items), ["{oops\n", "2"]);
    }

    #[test]
    fn the_last_event_id_is_that_of_the_last_event_dispatched() {
        let mut framer = Framer::new(Framing::ServerSentEvents);
        framer.push(b"id: 1\ndata: a\n\nid: 2\ndata: b");
        assert_eq!(framer.next().map(|i| i.id), Some(Some("1".to_owned())));
        assert!(framer.next().is_none());
        assert_eq!(framer.last_id(), Some("1"), "event 2 is not whole");
        framer.restart();
        framer.push(b"data: c\n\nid:\ndata: d\n\n");
        assert_eq!(framer.next().map(|i| i.id), Some(Some("1".to_owned())), "the buffer went back to 1");
        assert_eq!(framer.next().map(|i| i.id), Some(None), "an empty id forgets it");
    }

    #[test]
    fn only_the_unfinished_item_is_held() {
        let mut framer = Framer::new(Framing::ServerSentEvents);
        for _ in 0..1000 {
            framer.push(b"data: 0123456789\n\n");
            while framer.next().is_some() {}
            assert_eq!(framer.held(), 0);
        }
        framer.push(b"data: 01234");
        assert!(framer.next().is_none());
        assert_eq!(framer.held(), 11);
    }

    #[test]
    fn content_types() {
        assert_eq!(Framing::of_content_type("text/event-stream; charset=utf-8"), Some(Framing::ServerSentEvents));
        assert_eq!(Framing::of_content_type("application/x-ndjson"), Some(Framing::JsonLines));
        assert_eq!(Framing::of_content_type("Application/JSONL"), Some(Framing::JsonLines));
        assert_eq!(Framing::of_content_type("application/geo+json-seq"), Some(Framing::JsonSeq));
        assert_eq!(Framing::of_content_type("application/json"), None);
        assert_eq!(Framing::of_content_type("text/html"), None);
    }
}
