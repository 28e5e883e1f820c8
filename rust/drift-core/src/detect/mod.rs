//! Declarative detectors. (Being implemented: see the engine issue.)

use crate::lang::Lang;
use crate::model::{DetectorMatch, FileFacts};

/// A compiled set of detectors.
#[derive(Debug, Default)]
pub struct DetectorSet {}

impl DetectorSet {
    /// Runs every detector for `lang` over one tree.
    pub fn run(
        &self,
        _lang: Lang,
        _path: &str,
        _root: tree_sitter::Node<'_>,
        _source: &[u8],
        _facts: &FileFacts,
    ) -> Vec<DetectorMatch> {
        Vec::new()
    }
}
