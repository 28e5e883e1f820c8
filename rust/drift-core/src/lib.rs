//! # drift-core
//!
//! Drift's analysis core. It takes bytes and configuration and returns
//! values: it never touches the file system, spawns processes, or starts a
//! runtime (a tidy test checks its dependency list).
//!
//! - [`lang`]: the languages and their tree-sitter grammars.
//! - [`analyze`]: parse one file once and run every extractor and detector
//!   over that one tree ([`FileAnalyzer`]).
//! - [`extract`]: symbols, imports, exports, calls, bindings, strings.
//! - [`detect`]: declarative detectors (TOML rule files) and the builtin pack.
//! - [`learn`]: turning detector matches into conventions, confidence and
//!   outliers.
//! - [`naming`]: the qualified-name scheme shared by the index and call graph.

pub mod analyze;
pub mod detect;
pub mod extract;
pub mod lang;
pub mod learn;
pub mod model;
pub mod naming;
pub mod parallel;

pub use analyze::{AnalyzeError, AnalyzeOptions, FileAnalyzer};
pub use lang::Lang;
pub use model::*;

/// `bytes` as text, borrowed when they are valid UTF-8, else decoded
/// lossily. (`String::from_utf8_lossy` alone checks byte by byte; the
/// standard validator skips through ASCII a word at a time.)
pub(crate) fn utf8_lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// A file's bytes, with their text when they are valid UTF-8: checked
/// once per file, so a slice of text costs no check of its own.
#[derive(Clone, Copy)]
pub(crate) struct Source<'a> {
    bytes: &'a [u8],
    text: Option<&'a str>,
}

impl<'a> Source<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Source<'a> {
        Source {
            bytes,
            text: std::str::from_utf8(bytes).ok(),
        }
    }

    /// The text of `range`, decoded lossily where it is not valid UTF-8;
    /// `None` when out of bounds.
    pub(crate) fn get(&self, range: std::ops::Range<usize>) -> Option<std::borrow::Cow<'a, str>> {
        if let Some(text) = self.text.and_then(|t| t.get(range.clone())) {
            return Some(std::borrow::Cow::Borrowed(text));
        }
        self.bytes.get(range).map(utf8_lossy)
    }

    /// The text of `range` when it is valid UTF-8 (as `Node::utf8_text`).
    pub(crate) fn str(&self, range: std::ops::Range<usize>) -> Option<&'a str> {
        match self.text {
            Some(text) => text.get(range),
            None => std::str::from_utf8(self.bytes.get(range)?).ok(),
        }
    }

    /// [`Source::get`], empty when out of bounds.
    pub(crate) fn text(&self, range: std::ops::Range<usize>) -> std::borrow::Cow<'a, str> {
        self.get(range).unwrap_or_default()
    }
}
