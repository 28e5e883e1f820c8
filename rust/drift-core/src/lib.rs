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

pub use analyze::{AnalyzeError, AnalyzeOptions, FileAnalyzer};
pub use lang::Lang;
pub use model::*;
