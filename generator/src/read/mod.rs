//! Text → `openapiv3::OpenAPI`, with every problem located.
//!
//! The stages, in the order data flows through them (each file imports
//! only the stages before it, and the helpers at the bottom):
//!
//! 1. [`parse`]: text (YAML or JSON) → `serde_json::Value`;
//!    then [`overlay`]: the caller's overlays, applied in order;
//! 2. [`bundle`]: the other files its `$ref`s name, placed inside it;
//! 3. [`translate`]: one translator per OpenAPI minor version, each into
//!    the 3.0 form that lowering reads;
//! 4. `lenient`: the readings of what real documents get slightly wrong,
//!    each with a warning;
//! 5. [`check`]: what the typed model would accept silently, then the typed
//!    document through `serde_path_to_error`.
//!
//! At the bottom: [`diagnostics`] (located problems), [`source_map`]
//! (pointer → line), [`mod@pointer`] (JSON pointers) and [`conformance`] (a
//! value against an official JSON Schema).

pub mod bundle;
pub mod check;
pub mod conformance;
pub mod diagnostics;
mod lenient;
pub mod overlay;
mod parse;
pub mod pointer;
pub mod source_map;
pub mod translate;

use std::path::Path;

use indexmap::IndexMap;
use openapiv3::{PathItem, ReferenceOr};
use serde_json::Value;

use diagnostics::{Diagnostic, Severity};
use source_map::Source;

pub use lenient::BIDI_CONTROLS;
pub use parse::parse;

/// A parsed document.
pub struct Loaded {
    /// The typed document (a 3.1 document in its 3.0 form: see
    /// [`translate`]).
    pub doc: openapiv3::OpenAPI,
    /// The document as JSON (after the lenient readings below, with the
    /// other files it refers to inside it), for `$ref`s to any place in it.
    pub raw: Value,
    /// The top-level `webhooks` (OpenAPI 3.1), by name.
    pub webhooks: IndexMap<String, ReferenceOr<PathItem>>,
    /// The operations of a method `openapiv3` does not model (3.2's
    /// `query` and `additionalOperations`), by the pointer of their Path Item.
    pub extra_operations: check::ExtraOperations,
    /// The other files read (a document split over several).
    pub sources: Vec<Source>,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
    /// Errors that do not stop the reading (a file that a `$ref` names
    /// cannot be read): lowering still runs, so that its errors are
    /// reported in the same run, and then generation fails.
    pub deferred: Vec<Diagnostic>,
}

/// Why a document could not be loaded.
#[derive(Debug)]
pub struct Failed {
    /// Every problem found.
    pub problems: Vec<Diagnostic>,
    /// The other files read, where some of the problems may be.
    pub sources: Vec<Source>,
}

/// Parses and checks `text`, a document in one file. On failure, every
/// problem found is returned.
pub fn load(text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    load_with(text, None, None, &[]).map_err(|f| f.problems)
}

/// Parses and checks `text`, reading the files its `$ref`s name from
/// `base_dir` (the document's directory; `None`: a reference to another
/// file is an error). `root_file`, the document's own file name, makes a
/// reference back to it from another file a pointer into it. `overlays`
/// are applied to the parsed document, in order, before anything else
/// reads it.
pub fn load_with(
    text: &str,
    base_dir: Option<&Path>,
    root_file: Option<&str>,
    overlays: &[overlay::Overlay],
) -> Result<Loaded, Failed> {
    let fail = |problems, sources| Failed { problems, sources };
    let mut value = parse(text).map_err(|p| fail(p, Vec::new()))?;
    let mut overlaid = Vec::new();
    for o in overlays {
        overlaid.extend(overlay::apply(&mut value, o));
        if overlaid.iter().any(|d| d.severity == Severity::Error) {
            return Err(fail(overlaid, Vec::new()));
        }
    }
    let version = translate::version(&value).map_err(|p| fail(vec![p], Vec::new()))?;
    translate::prepare(&mut value, version);
    let (sources, deferred) = bundle::bundle(&mut value, base_dir, root_file);
    let mut problems = overlaid;
    problems.extend(translate::translate(&mut value, version));
    problems.extend(check::structure(&value));
    problems.extend(lenient::normalize(&mut value));
    if problems.iter().any(|d| d.severity == Severity::Error) {
        problems.extend(deferred);
        return Err(fail(problems, sources));
    }
    match check::typed(&value) {
        Ok((doc, webhooks, extra_operations)) => Ok(Loaded {
            doc,
            raw: value,
            webhooks,
            extra_operations,
            sources,
            warnings: problems,
            deferred,
        }),
        Err(found) => {
            problems.extend(found);
            problems.extend(deferred);
            Err(fail(problems, sources))
        }
    }
}
