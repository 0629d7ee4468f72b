//! Located problems in a document, reported all together.

use std::fmt;

use super::pointer::split_pointer;
use super::source_map::{self, Source};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation goes on; the output may differ from what the author meant.
    Warning,
    /// Generation stops after the phase that found it.
    Error,
}

/// One problem at one place in the document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file of the place, when it is not the document's own (another
    /// file of a document split over several, by path relative to it).
    pub file: Option<String>,
    /// The 1-based line of the place, when it is known.
    pub line: Option<usize>,
    /// The JSON pointer of the place (`""` for the whole document).
    pub pointer: String,
    /// How bad it is.
    pub severity: Severity,
    /// What is wrong, lower-case, without a final period.
    pub message: String,
    /// For a warning: what the reading it made costs the crate's users.
    pub cost: Cost,
}

/// What a warning's reading costs the users of the crate: the kinds the
/// summary after the warnings counts ([`Diagnostics::summary`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Cost {
    /// A value typed as any JSON (`serde_json::Value`): no Rust type, and
    /// no check of its shape.
    AnyJson,
    /// A rule of the document that the client does not check before
    /// sending.
    Unchecked,
    /// A name in the crate other than the one the document gives.
    Renamed,
    /// A part of the document left out of the crate.
    Ignored,
    /// Nothing the crate's users see: a slightly invalid part read as its
    /// author meant it.
    #[default]
    Nothing,
}

impl Cost {
    /// What it costs, for the summary: a noun phrase.
    pub fn describe(self) -> &'static str {
        match self {
            Cost::AnyJson => {
                "a value typed as any JSON (`serde_json::Value`): no Rust type, no check of its shape"
            }
            Cost::Unchecked => "a rule of the document not checked before sending",
            Cost::Renamed => "a name in the crate that differs from the document's",
            Cost::Ignored => "a part of the document left out of the crate",
            Cost::Nothing => "read as the author meant it, no cost to the crate's users",
        }
    }
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: None,
            line: None,
            pointer: pointer.into(),
            severity: Severity::Error,
            message: message.into(),
            cost: Cost::Nothing,
        }
    }

    /// The same problem, with what its reading costs.
    pub fn costing(mut self, cost: Cost) -> Diagnostic {
        self.cost = cost;
        self
    }

    /// A warning at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(pointer, message)
        }
    }

    /// Formats the diagnostic for `file`: `file:line: pointer: message`.
    pub fn display<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        DisplayDiagnostic {
            diagnostic: self,
            file,
        }
    }
}

struct DisplayDiagnostic<'a> {
    diagnostic: &'a Diagnostic,
    file: &'a str,
}

impl fmt::Display for DisplayDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic;
        let level = match d.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{level}: {}",
            self.diagnostic.file.as_deref().unwrap_or(self.file)
        )?;
        if let Some(line) = d.line {
            write!(f, ":{line}")?;
        }
        let pointer = if d.pointer.is_empty() {
            "(document root)"
        } else {
            &d.pointer
        };
        write!(f, ": at {pointer}: {}", d.message)
    }
}

/// Every problem a phase found in one document; the error type of
/// [`crate::generate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    /// The document's name, as given to the generator.
    pub file: String,
    /// The problems, ordered by line, then pointer.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Locates `items` in `text`, sorts them and keeps them with the file name.
    pub fn new(file: &str, text: &str, items: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics::with_sources(file, text, &[], items)
    }

    /// [`Diagnostics::new`] for a document split over several files: a
    /// place in another file (a pointer below the bundled files) is
    /// reported in that file, with the pointer inside it.
    pub fn with_sources(
        file: &str,
        text: &str,
        sources: &[Source],
        mut items: Vec<Diagnostic>,
    ) -> Diagnostics {
        for d in &mut items {
            if let Some((name, inner)) = split_pointer(&d.pointer) {
                d.file = Some(name);
                d.pointer = inner;
            }
        }
        let (mut own, mut others): (Vec<Diagnostic>, Vec<Diagnostic>) =
            items.into_iter().partition(|d| d.file.is_none());
        locate(text, &mut own);
        for source in sources {
            let (mut here, rest): (Vec<Diagnostic>, Vec<Diagnostic>) = others
                .into_iter()
                .partition(|d| d.file.as_deref() == Some(source.name.as_str()));
            locate(&source.text, &mut here);
            own.extend(here);
            others = rest;
        }
        own.extend(others);
        let mut items = own;
        items.sort();
        items.dedup();
        Diagnostics {
            file: file.to_owned(),
            items,
        }
    }

    /// Whether any item is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// The warnings counted by what they cost, most costly first, one line
    /// each (`  3 × typed as any JSON …`); empty without warnings.
    pub fn summary(&self) -> String {
        let mut counts: std::collections::BTreeMap<Cost, usize> = std::collections::BTreeMap::new();
        for d in self
            .items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
        {
            *counts.entry(d.cost).or_default() += 1;
        }
        let total: usize = counts.values().sum();
        if total == 0 {
            return String::new();
        }
        let mut out = format!("{total} warning(s), by what they cost:");
        for (cost, n) in counts {
            out.push_str(&format!("\n  {n:>4} × {}", cost.describe()));
        }
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", d.display(&self.file))?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Fills in the line of every item that has none, from its pointer in `text`.
fn locate(text: &str, items: &mut [Diagnostic]) {
    let mut unplaced: Vec<&mut Diagnostic> =
        items.iter_mut().filter(|d| d.line.is_none()).collect();
    if unplaced.is_empty() {
        return;
    }
    let pointers: Vec<&str> = unplaced.iter().map(|d| d.pointer.as_str()).collect();
    let lines = source_map::locate(text, &pointers);
    for (d, line) in unplaced.iter_mut().zip(lines) {
        d.line = line;
    }
}
