//! One tree-sitter query per language holding every query detector's
//! patterns, so a file is matched in one pass (the walk matcher of
//! `matcher.rs`, or a `QueryCursor`) instead of one per detector and block.
//!
//! The pattern sources are concatenated in detector order; each combined
//! pattern maps back to its detector, block and pattern index within the
//! block (via `Query::start_byte_for_pattern`), so dedup order, `#set!
//! variant`, captures by name and predicates keep their per-detector
//! meaning. Capture names are shared by all patterns, which is harmless:
//! a match only holds its own pattern's captures.
//!
//! The walk matcher reads the pattern texts itself; tree-sitter compiles
//! them only for the cursor (the fallback and the reference), which saves
//! 28–304 ms per language at start (Go to TypeScript, release build).
//!
//! When every pattern has a single root node and none names a supertype,
//! the query can be run piecewise (see [`CursorQuery::splittable`]), so
//! one large file's query pass can use several threads.

use std::ops::Range;
use std::sync::OnceLock;

use super::{Detector, compile, matcher::FastQuery};
use crate::lang::Lang;

/// Where one combined pattern came from.
#[derive(Debug)]
pub(super) struct PatternOrigin {
    /// Index into the set's detectors.
    pub detector: usize,
    /// Block index within the detector.
    pub block: usize,
    /// Pattern index within the block's own query.
    pub local: usize,
    /// `(#set! variant "...")` of the pattern.
    pub fixed: Option<String>,
}

/// The combined patterns of one language.
#[derive(Debug)]
pub(super) struct CombinedQuery {
    /// Capture names by id (tree-sitter's numbering).
    pub capture_names: Vec<String>,
    pub match_capture: Option<u32>,
    pub patterns: Vec<PatternOrigin>,
    /// The patterns for the walk matcher; `None` when one of them uses a
    /// form it does not support (the cursor runs them instead).
    pub fast: Option<FastQuery>,
    /// tree-sitter's query of the same patterns: compiled at once when
    /// the walk cannot run them, else only when the cursor is asked for.
    cursor: OnceLock<Option<CursorQuery>>,
    grammar: tree_sitter::Language,
    text: String,
}

/// The combined patterns as a tree-sitter query.
#[derive(Debug)]
pub(super) struct CursorQuery {
    pub query: tree_sitter::Query,
    /// Every pattern is rooted at one node, so each match lies inside the
    /// subtree of the node it starts at, and no pattern mentions a
    /// supertype (a query started at a node does not see the hidden
    /// supertype nodes above it). Then running the query over disjoint
    /// subtrees, plus starting it (depth 0 only) at the nodes above them,
    /// finds exactly the matches of one pass over the whole tree. The
    /// walk matcher reads only such patterns, so it can always split.
    pub splittable: bool,
}

impl CombinedQuery {
    /// The patterns as a tree-sitter query (`None`: tree-sitter rejects
    /// text the walk accepted; logged).
    pub fn cursor(&self) -> Option<&CursorQuery> {
        self.cursor
            .get_or_init(|| {
                let query = match tree_sitter::Query::new(&self.grammar, &self.text) {
                    Ok(query) => query,
                    Err(err) => {
                        tracing::error!(message = %err.message.trim(), "combined detector query does not compile for the cursor");
                        return None;
                    }
                };
                if query.capture_names() != self.capture_names.as_slice()
                    || query.pattern_count() != self.patterns.len()
                {
                    tracing::error!("the query cursor numbers the combined patterns differently from the walk");
                    return None;
                }
                Some(cursor_query(query, &self.grammar, &self.text))
            })
            .as_ref()
    }
}

#[cfg(test)]
impl CombinedQuery {
    pub fn cursor_compiled(&self) -> bool {
        self.cursor.get().is_some()
    }
}

fn cursor_query(
    query: tree_sitter::Query,
    grammar: &tree_sitter::Language,
    text: &str,
) -> CursorQuery {
    let splittable = (0..query.pattern_count()).all(|i| query.is_pattern_rooted(i))
        && !names_a_supertype(grammar, text);
    CursorQuery { query, splittable }
}

struct Segment {
    detector: usize,
    block: usize,
    bytes: Range<usize>,
}

/// Builds the combined query for `lang` from the detectors at `indices`
/// (query detectors only). A block that does not compile is logged and
/// left out, like the per-detector path does; the rest still runs.
pub(super) fn build(
    lang: Lang,
    detectors: &[Detector],
    indices: &[usize],
) -> Option<CombinedQuery> {
    let grammar = lang.grammar()?;
    let mut candidates: Vec<(usize, usize, &str)> = Vec::new();
    for &i in indices {
        let Some(d) = detectors.get(i) else { continue };
        if d.meta.source != super::SourceKind::Query {
            continue;
        }
        for b in d.blocks.iter().filter(|b| b.languages.contains(&lang)) {
            candidates.push((i, b.block, b.pattern.as_str()));
        }
    }
    // Each failure removes one block, so this ends.
    loop {
        if candidates.is_empty() {
            return None;
        }
        let mut text = String::new();
        let mut segments = Vec::with_capacity(candidates.len());
        for &(detector, block, pattern) in &candidates {
            let start = text.len();
            text.push_str(pattern);
            text.push('\n');
            segments.push(Segment {
                detector,
                block,
                bytes: start..text.len(),
            });
        }
        let texts: Vec<&str> = candidates.iter().map(|c| c.2).collect();
        let declined = match FastQuery::build(&grammar, &texts) {
            Ok(fast) => return Some(walked(fast, &segments, grammar, text)),
            Err(why) => why,
        };
        let seg_at = |offset: usize| {
            segments
                .iter()
                .position(|s| s.bytes.contains(&offset))
                .unwrap_or(segments.len().saturating_sub(1))
        };
        let query = match tree_sitter::Query::new(&grammar, &text) {
            Ok(q) => q,
            Err(err) => {
                let bad = seg_at(err.offset);
                drop_block(&mut candidates, bad, detectors, lang, &err.message);
                continue;
            }
        };
        let checked = compile::check_query(query, lang, 0);
        let compiled = match checked {
            Ok(c) => c,
            Err((offset, message)) => {
                let bad = seg_at(offset);
                drop_block(&mut candidates, bad, detectors, lang, &message);
                continue;
            }
        };
        tracing::debug!(%lang, why = %declined, "detector patterns run on the query cursor");
        let mut patterns = Vec::with_capacity(compiled.query.pattern_count());
        let mut current = usize::MAX;
        let mut first_of_segment = 0;
        for (i, fixed) in compiled.fixed_variants.into_iter().enumerate() {
            let seg = seg_at(compiled.query.start_byte_for_pattern(i));
            if seg != current {
                current = seg;
                first_of_segment = i;
            }
            let s = &segments[seg];
            patterns.push(PatternOrigin {
                detector: s.detector,
                block: s.block,
                local: i - first_of_segment,
                fixed,
            });
        }
        let capture_names = compiled
            .query
            .capture_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        let cursor = cursor_query(compiled.query, &grammar, &text);
        return Some(CombinedQuery {
            capture_names,
            match_capture: compiled.match_capture,
            patterns,
            fast: None,
            cursor: OnceLock::from(Some(cursor)),
            grammar,
            text,
        });
    }
}

/// The combined query when the walk reads every pattern: no tree-sitter
/// query is compiled.
fn walked(
    fast: FastQuery,
    segments: &[Segment],
    grammar: tree_sitter::Language,
    text: String,
) -> CombinedQuery {
    let mut patterns = Vec::new();
    {
        let mut fixed = fast.fixed_variants();
        for (segment, &count) in segments.iter().zip(fast.patterns_per_text()) {
            for local in 0..count {
                patterns.push(PatternOrigin {
                    detector: segment.detector,
                    block: segment.block,
                    local,
                    fixed: fixed.next().flatten().map(str::to_string),
                });
            }
        }
    }
    let capture_names = fast.capture_names().to_vec();
    let match_capture = capture_names
        .iter()
        .position(|n| n == "match")
        .and_then(|i| u32::try_from(i).ok());
    CombinedQuery {
        capture_names,
        match_capture,
        patterns,
        fast: Some(fast),
        cursor: OnceLock::new(),
        grammar,
        text,
    }
}

/// Whether `text` mentions a supertype of `grammar` as a node, `(name`
/// (conservative: a mention anywhere, even in a string, counts).
fn names_a_supertype(grammar: &tree_sitter::Language, text: &str) -> bool {
    (0..grammar.node_kind_count())
        .filter_map(|i| u16::try_from(i).ok())
        .filter(|&id| grammar.node_kind_is_supertype(id))
        .filter_map(|id| grammar.node_kind_for_id(id))
        .any(|name| {
            let needle = format!("({name}");
            text.match_indices(&needle).any(|(at, _)| {
                !text[at + needle.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
}

fn drop_block(
    candidates: &mut Vec<(usize, usize, &str)>,
    bad: usize,
    detectors: &[Detector],
    lang: Lang,
    message: &str,
) {
    if bad < candidates.len() {
        let (detector, block, _) = candidates.remove(bad);
        let id = detectors.get(detector).map_or("?", |d| d.meta.id.as_str());
        tracing::error!(
            detector = %id,
            block,
            %lang,
            message = %message.trim(),
            "detector query failed to compile; skipped"
        );
    } else {
        candidates.clear();
    }
}
