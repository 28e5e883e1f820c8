//! One file, one parse: the tree is built once, every extractor and the
//! detectors read it (in one walk, or concurrently for a large file), and
//! it is dropped before the facts are returned.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::detect::{DetectorSet, SPLIT_MIN_BYTES};
use crate::lang::Lang;
use crate::model::{FileAnalysis, FileFacts};

#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("no grammar for {0} is compiled into this build")]
    GrammarUnavailable(Lang),
    #[error("the {0} grammar could not be loaded: {1}")]
    Grammar(Lang, String),
    #[error("parsing took longer than {0:?} and was abandoned")]
    Timeout(Duration),
    #[error("cancelled")]
    Cancelled,
}

/// Limits for one file.
#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    /// Abandon a parse that runs longer than this.
    pub parse_timeout: Duration,
    /// Run a large file's extraction and detector pass side by side on
    /// the rayon pool instead of in one walk: lower latency for one file
    /// (MCP `drift_validate`), more work in all. Scans, whose threads are
    /// busy with other files, leave it off.
    pub split_large_files: bool,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions {
            parse_timeout: Duration::from_secs(10),
            split_large_files: false,
        }
    }
}

/// Holds one reusable parser per language. Create one per worker thread
/// (for example with rayon's `map_init`); it is cheap to keep and not `Sync`.
#[derive(Default)]
pub struct FileAnalyzer {
    parsers: HashMap<Lang, tree_sitter::Parser>,
    options: AnalyzeOptions,
}

impl FileAnalyzer {
    pub fn new(options: AnalyzeOptions) -> FileAnalyzer {
        FileAnalyzer {
            parsers: HashMap::new(),
            options,
        }
    }

    fn parser(&mut self, lang: Lang) -> Result<&mut tree_sitter::Parser, AnalyzeError> {
        match self.parsers.entry(lang) {
            std::collections::hash_map::Entry::Occupied(e) => Ok(e.into_mut()),
            std::collections::hash_map::Entry::Vacant(e) => {
                let grammar = lang
                    .grammar()
                    .ok_or(AnalyzeError::GrammarUnavailable(lang))?;
                let mut parser = tree_sitter::Parser::new();
                parser
                    .set_language(&grammar)
                    .map_err(|err| AnalyzeError::Grammar(lang, err.to_string()))?;
                Ok(e.insert(parser))
            }
        }
    }

    /// Parses `source` only (no extraction): the baseline the benchmarks
    /// compare a full scan against. Returns the number of syntax nodes.
    pub fn parse_only(&mut self, lang: Lang, source: &[u8]) -> Result<usize, AnalyzeError> {
        let tree = self.parse(lang, source, None)?;
        Ok(tree.root_node().descendant_count())
    }

    fn parse(
        &mut self,
        lang: Lang,
        source: &[u8],
        cancel: Option<&AtomicBool>,
    ) -> Result<tree_sitter::Tree, AnalyzeError> {
        let timeout = self.options.parse_timeout;
        let parser = self.parser(lang)?;
        parser.reset();
        let started = Instant::now();
        let mut timed_out = false;
        let mut cancelled = false;
        let mut progress = |_: &tree_sitter::ParseState| {
            if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                cancelled = true;
            } else if started.elapsed() > timeout {
                timed_out = true;
            }
            if cancelled || timed_out {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        };
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
        let len = source.len();
        let tree = parser.parse_with_options(
            &mut |offset, _| if offset < len { &source[offset..] } else { &[] },
            None,
            Some(options),
        );
        match tree {
            Some(tree) => Ok(tree),
            None if cancelled => Err(AnalyzeError::Cancelled),
            None => Err(AnalyzeError::Timeout(timeout)),
        }
    }

    /// Parses `source` once and extracts every fact, including detector
    /// matches. Syntax errors do not fail: the facts are marked partial.
    pub fn analyze(
        &mut self,
        lang: Lang,
        path: &str,
        source: &[u8],
        detectors: &DetectorSet,
        cancel: Option<&AtomicBool>,
    ) -> Result<FileAnalysis, AnalyzeError> {
        let tree = self.parse(lang, source, cancel)?;
        let root = tree.root_node();
        let split = self.options.split_large_files && source.len() >= SPLIT_MIN_BYTES;
        let (mut facts, matches) = if !split {
            // One walk of the tree serves the detectors and extraction.
            let (facts, hits): (FileFacts, _) =
                crate::extract::extract_along(lang, source, |hook| {
                    detectors.query_hits_along(lang, root, source, hook)
                });
            let matches = detectors.finish(lang, path, root, source, &facts, hits);
            (facts, matches)
        } else {
            // Extraction and the query detectors side by side on the pool,
            // which cuts a large file's latency when threads are free.
            let (facts, matches) = rayon::join(
                || crate::extract::extract(lang, root, source),
                || detectors.query_matches_beside_extraction(lang, root, source),
            );
            let matches = detectors.finish_matches(lang, path, root, source, &facts, matches);
            (facts, matches)
        };
        facts.matches = matches;
        facts.line_count = count_lines(source);
        if root.has_error() {
            facts.partial = true;
            facts.error_count = count_errors(root);
        }
        if split {
            // Freeing a large tree takes milliseconds the caller need not wait.
            rayon::spawn(move || drop(tree));
        } else {
            drop(tree);
        }
        Ok(FileAnalysis { lang, facts })
    }
}

fn count_lines(source: &[u8]) -> u32 {
    if source.is_empty() {
        return 0;
    }
    let newlines = source.iter().filter(|&&b| b == b'\n').count();
    let trailing = usize::from(source.last() != Some(&b'\n'));
    u32::try_from(newlines + trailing).unwrap_or(u32::MAX)
}

/// Counts ERROR and MISSING nodes without recursion (trees can be very deep).
fn count_errors(root: tree_sitter::Node<'_>) -> u32 {
    let mut count = 0u32;
    let mut cursor = root.walk();
    'outer: loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            count = count.saturating_add(1);
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'outer;
            }
            if !cursor.goto_parent() {
                break 'outer;
            }
        }
    }
    count
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const CODE: &str = r#"
import os
from a.b import c as d
class A(Base):
    def m(self, x: int = 1) -> str:
        self.s = make()
        return self.x.y(x, "SELECT * FROM t WHERE id = " + x)
export class B extends C<T> implements I { private f = (a) => a?.b; constructor() { this.q = new Q(); } }
fn main() -> Result<(), E> { let v: Vec<u8> = vec![1]; v.iter().map(|x| x + 1).unwrap(); }
package p; import java.util.List; public class D { @Override public int h() { return new D().h(); } }
<?php namespace App; use X\Y; $this->z(); eval($x); ?>
def r; require "x"; @a = B.new; end
#include <stdio.h>
int main(void) { printf("%d", sizeof(struct s)); }
func (s *S) Go() error { return fmt.Errorf("x") }
"#;

    /// One walk for extraction and the detectors, and (a large file with
    /// `split_large_files`) two walks side by side, the query pass whole or
    /// in pieces as the pool's threads allow, give what extraction and the
    /// detectors give when run apart.
    #[test]
    fn one_walk_or_two_the_facts_are_those_of_extraction_and_the_detectors() {
        let set = DetectorSet::builtin();
        let large = CODE.repeat(1 + SPLIT_MIN_BYTES / CODE.len());
        let (mut symbols, mut matches) = (0, 0);
        let pools: Vec<rayon::ThreadPool> = [1, 2, 4]
            .map(|n| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .unwrap()
            })
            .into();
        let modes = pools.iter().map(|p| (true, p)).chain([(false, &pools[1])]);
        for (lang, (split, pool)) in Lang::ALL
            .into_iter()
            .flat_map(|l| modes.clone().map(move |m| (l, m)))
        {
            let mut analyzer = FileAnalyzer::new(AnalyzeOptions {
                split_large_files: split,
                ..AnalyzeOptions::default()
            });
            for code in [CODE, large.as_str()] {
                let src = code.as_bytes();
                let got = pool
                    .install(|| analyzer.analyze(lang, "src/a", src, &set, None))
                    .unwrap()
                    .facts;
                let tree = analyzer.parse(lang, src, None).unwrap();
                let root = tree.root_node();
                let mut want = crate::extract::extract(lang, root, src);
                want.matches = set.run(lang, "src/a", root, src, &want);
                (want.line_count, want.partial, want.error_count) =
                    (got.line_count, got.partial, got.error_count);
                let threads = pool.current_num_threads();
                assert_eq!(
                    got,
                    want,
                    "{lang}, {} bytes, split {split}, {threads} threads",
                    src.len()
                );
                symbols += got.symbols.len();
                matches += got.matches.len();
            }
        }
        assert!(
            symbols > 100 && matches > 100,
            "{symbols} symbols, {matches} matches"
        );
    }
}
