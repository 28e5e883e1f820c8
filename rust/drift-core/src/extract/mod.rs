//! Fact extraction from a syntax tree. (Being implemented: see the engine issue.)

use crate::lang::Lang;
use crate::model::FileFacts;

/// Extracts symbols, imports, exports, calls, bindings and strings.
pub fn extract(_lang: Lang, _root: tree_sitter::Node<'_>, _source: &[u8]) -> FileFacts {
    FileFacts::default()
}
