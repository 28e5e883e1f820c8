//! One file, one parse: the tree is built once, every extractor and the
//! detectors read it (in one walk, or concurrently for a large file), and
//! it is dropped before the facts are returned.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::detect::{ClassCut, CutShape, DetectorSet, QueryMatches, SPLIT_MIN_BYTES};
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
    /// A second parser per language, for the second part of a file parsed
    /// in two parts.
    second_parsers: HashMap<Lang, tree_sitter::Parser>,
    options: AnalyzeOptions,
    parsed_in_parts: u64,
}

impl FileAnalyzer {
    pub fn new(options: AnalyzeOptions) -> FileAnalyzer {
        FileAnalyzer {
            options,
            ..FileAnalyzer::default()
        }
    }

    /// How many files this analyzer has parsed in two parts side by side
    /// (see [`AnalyzeOptions::split_large_files`]).
    pub fn parsed_in_parts(&self) -> u64 {
        self.parsed_in_parts
    }

    fn parser(&mut self, lang: Lang) -> Result<&mut tree_sitter::Parser, AnalyzeError> {
        parser_in(&mut self.parsers, lang)
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
        parse_with(self.parser(lang)?, source, timeout, cancel)
    }

    /// A large file cut in two (between two top-level items, or two members
    /// of a top-level class: see `extract::Cut`) is parsed, extracted and
    /// matched in its two parts side by side, when the pool has a thread
    /// to spare and the query detectors cannot tell the parts from the
    /// whole. `None` when it cannot be: no cut, or a part with a syntax
    /// error (a cut inside a string, or a file with errors), which the
    /// whole file's parse reports.
    fn analyze_in_parts(
        &mut self,
        lang: Lang,
        path: &str,
        source: &[u8],
        detectors: &DetectorSet,
        cancel: Option<&AtomicBool>,
    ) -> Result<Option<FileFacts>, AnalyzeError> {
        let Some(cut) = crate::extract::cut(lang, source) else {
            return Ok(None);
        };
        if !lang
            .grammar()
            .and_then(|g| cut_shape(&g, &cut))
            .is_some_and(|shape| detectors.queries_allow_cut(lang, &shape))
        {
            return Ok(None);
        }
        let timeout = self.options.parse_timeout;
        let first = parser_in(&mut self.parsers, lang)?;
        let second = parser_in(&mut self.second_parsers, lang)?;
        let first_ranges: Vec<_> = std::iter::once(0..cut.at)
            .chain(cut.closing.clone())
            .collect();
        let second_ranges: Vec<_> = cut
            .header
            .clone()
            .into_iter()
            .chain(std::iter::once(cut.at..source.len()))
            .collect();
        let (first, second) = rayon::join(
            || parse_part(first, source, &first_ranges, timeout, cancel),
            || parse_part(second, source, &second_ranges, timeout, cancel),
        );
        let (Some(first), Some(second)) = (first?, second?) else {
            return Ok(None);
        };
        if first.root_node().has_error() || second.root_node().has_error() {
            return Ok(None);
        }
        let part = |tree: &tree_sitter::Tree| {
            let root = tree.root_node();
            crate::extract::extract_along(lang, source, |hook| {
                detectors.query_matches_along(lang, root, source, hook)
            })
        };
        let ((mut facts, matches), (mut second_facts, second_matches)) =
            rayon::join(|| part(&first), || part(&second));
        (facts.matches, second_facts.matches) = (matches.0, second_matches.0);
        let header_line = match &cut.header {
            None => None,
            Some(h) => match u32::try_from(point_at(source, h.start).row + 1) {
                Ok(line) => Some(line),
                Err(_) => return Ok(None),
            },
        };
        let Some(mut facts) = crate::extract::join_parts(facts, second_facts, header_line) else {
            return Ok(None);
        };
        // The detectors left read facts only: either root serves.
        let matches = QueryMatches(std::mem::take(&mut facts.matches));
        facts.matches =
            detectors.finish_matches(lang, path, first.root_node(), source, &facts, matches);
        rayon::spawn(move || drop((first, second)));
        self.parsed_in_parts += 1;
        Ok(Some(facts))
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
        let split = self.options.split_large_files && source.len() >= SPLIT_MIN_BYTES;
        if split
            && rayon::current_num_threads() > 1
            && let Some(mut facts) = self.analyze_in_parts(lang, path, source, detectors, cancel)?
        {
            facts.line_count = count_lines(source);
            return Ok(FileAnalysis { lang, facts });
        }
        let tree = self.parse(lang, source, cancel)?;
        let root = tree.root_node();
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

fn parser_in(
    parsers: &mut HashMap<Lang, tree_sitter::Parser>,
    lang: Lang,
) -> Result<&mut tree_sitter::Parser, AnalyzeError> {
    match parsers.entry(lang) {
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

/// Parses `source` within `timeout`.
fn parse_with(
    parser: &mut tree_sitter::Parser,
    source: &[u8],
    timeout: Duration,
    cancel: Option<&AtomicBool>,
) -> Result<tree_sitter::Tree, AnalyzeError> {
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

/// Parses only the bytes of `source` in the ranges of `part` (each starts
/// at a line start), with positions as in the whole file; `None` if the
/// parser refuses the ranges.
fn parse_part(
    parser: &mut tree_sitter::Parser,
    source: &[u8],
    part: &[std::ops::Range<usize>],
    timeout: Duration,
    cancel: Option<&AtomicBool>,
) -> Result<Option<tree_sitter::Tree>, AnalyzeError> {
    let ranges: Vec<tree_sitter::Range> = part
        .iter()
        .map(|r| tree_sitter::Range {
            start_byte: r.start,
            end_byte: r.end,
            start_point: point_at(source, r.start),
            end_point: point_at(source, r.end),
        })
        .collect();
    if parser.set_included_ranges(&ranges).is_err() {
        return Ok(None);
    }
    let tree = parse_with(parser, source, timeout, cancel);
    // Back to whole files for the parser's next use (an empty list always
    // succeeds).
    let _ = parser.set_included_ranges(&[]);
    tree.map(Some)
}

/// The position (0-based row and byte column) of byte `offset`.
fn point_at(source: &[u8], offset: usize) -> tree_sitter::Point {
    let before = source.get(..offset).unwrap_or(source);
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    tree_sitter::Point {
        row: before.iter().filter(|&&b| b == b'\n').count(),
        column: before.len() - line_start,
    }
}

/// The node kind and field ids of `cut`'s trees in `grammar`; `None` if
/// the grammar lacks one.
fn cut_shape(grammar: &tree_sitter::Language, cut: &crate::extract::Cut) -> Option<CutShape> {
    let kind = |name: &str| Some(grammar.id_for_node_kind(name, true)).filter(|&id| id != 0);
    let class = match cut.header {
        None => None,
        Some(_) => Some(ClassCut {
            class: kind(cut.kinds.class)?,
            body: kind(cut.kinds.class_body)?,
            header_fields: cut
                .kinds
                .header_fields
                .iter()
                .filter_map(|f| grammar.field_id_for_name(f).map(u16::from))
                .collect(),
            header_kinds: cut
                .kinds
                .header_kinds
                .iter()
                .filter_map(|&k| kind(k))
                .collect(),
        }),
    };
    Some(CutShape {
        root: kind(cut.kinds.root)?,
        class,
    })
}

/// The number of lines of `source` (a last line without a newline counts).
pub fn count_lines(source: &[u8]) -> u32 {
    if source.is_empty() {
        return 0;
    }
    let newlines = bytecount::count(source, b'\n');
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

    /// The path a test file of `lang` is analysed under.
    fn path_of(lang: Lang) -> &'static str {
        match lang {
            Lang::Python => "src/a.py",
            Lang::JavaScript => "src/a.js",
            Lang::Tsx => "src/a.tsx",
            _ => "src/a.ts",
        }
    }

    /// The facts of a whole file, from one parse and extraction and the
    /// detectors run apart.
    fn whole(lang: Lang, set: &DetectorSet, src: &[u8]) -> FileFacts {
        let mut analyzer = FileAnalyzer::default();
        let tree = analyzer.parse(lang, src, None).unwrap();
        let root = tree.root_node();
        let mut facts = crate::extract::extract(lang, root, src);
        facts.matches = set.run(lang, path_of(lang), root, src, &facts);
        facts.line_count = count_lines(src);
        facts
    }

    /// An analyzer as `drift_validate` has one.
    fn split_analyzer() -> FileAnalyzer {
        FileAnalyzer::new(AnalyzeOptions {
            split_large_files: true,
            ..AnalyzeOptions::default()
        })
    }

    /// `src` analysed as `lang` on a pool of two threads.
    fn analyze_on_two_threads(
        analyzer: &mut FileAnalyzer,
        lang: Lang,
        set: &DetectorSet,
        src: &str,
    ) -> FileFacts {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        pool.install(|| analyzer.analyze(lang, path_of(lang), src.as_bytes(), set, None))
            .unwrap()
            .facts
    }

    /// `src` (Python) analysed as `drift_validate` does, checked against
    /// the whole file's facts and for whether it was parsed in parts
    /// (`label` names the case in failures).
    fn analyze_checked(
        analyzer: &mut FileAnalyzer,
        set: &DetectorSet,
        src: &str,
        in_parts: bool,
        label: &str,
    ) -> FileFacts {
        analyze_checked_as(analyzer, Lang::Python, set, src, in_parts, label)
    }

    /// [`analyze_checked`] for a file of `lang`.
    fn analyze_checked_as(
        analyzer: &mut FileAnalyzer,
        lang: Lang,
        set: &DetectorSet,
        src: &str,
        in_parts: bool,
        label: &str,
    ) -> FileFacts {
        let before = analyzer.parsed_in_parts();
        let got = analyze_on_two_threads(analyzer, lang, set, src);
        let parts = analyzer.parsed_in_parts() - before;
        assert_eq!(parts, u64::from(in_parts), "{label}");
        assert_eq!(got, whole(lang, set, src.as_bytes()), "{label}");
        got
    }

    /// Where a large Python file `code` is cut.
    fn cut_of(code: &str) -> crate::extract::Cut {
        cut_as(Lang::Python, code)
    }

    /// Where a large file `code` of `lang` is cut.
    fn cut_as(lang: Lang, code: &str) -> crate::extract::Cut {
        assert!(code.len() >= SPLIT_MIN_BYTES, "{} bytes", code.len());
        crate::extract::cut(lang, code.as_bytes()).unwrap()
    }

    /// The builtin detectors plus one Python project rule with `pattern`.
    fn with_rule(pattern: &str) -> DetectorSet {
        let text = format!(
            "id = \"testing/shape\"\ncategory = \"testing\"\n\
             name = \"Shape\"\ndescription = \"d\"\nseverity = \"info\"\n\
             [[query]]\nlanguages = [\"python\"]\npattern = '''\n{pattern}\n'''\n"
        );
        let (set, errors) = DetectorSet::with_project_rules([("shape.toml", text.as_str())]);
        assert!(errors.is_empty(), "{pattern}: {errors:?}");
        set
    }

    /// Python's top-level items in several shapes, `n` times over with
    /// names of their own; `__all__` and the main guard come last, so
    /// they act on symbols of the first part.
    fn python_module(n: usize) -> String {
        let mut code = String::from("import os\nfrom app.db import session as db\n");
        for i in 0..n {
            code.push_str(&format!(
                r#"
@app.route("/items/{i}")
def _handler_{i}(request, item_id: int = 0) -> dict:
    """Serves item {i}."""
    rows = db.execute("SELECT * FROM items WHERE id = " + str(item_id))
    return {{"rows": rows, "env": os.environ.get("ITEM_{i}")}}

# The service of part {i}.
class Service{i}(Base):
    limit = 10

    def run(self, x):
        def inner(y):
            return helper_{i}(y) + self.limit
        return [inner(v) for v in x]

async def helper_{i}(value):
    await asyncio.sleep(0)
    logger.info("value %s", value)
    return value

TOKEN_{i} = make_token("abc{i}")
"#
            ));
        }
        code.push_str("\n__all__ = [\"_handler_0\", \"Service0\"]\n");
        code.push_str("\nif __name__ == \"__main__\":\n    main()\n");
        code
    }

    /// A large Python file parsed in two parts side by side gives the
    /// facts of the whole file's one parse, symbol references renumbered
    /// and export lists applied across the cut.
    #[test]
    fn a_file_parsed_in_two_parts_has_the_facts_of_the_whole() {
        let set = DetectorSet::builtin();
        let code = python_module(1 + SPLIT_MIN_BYTES / 500);
        let cut = cut_of(&code);
        assert!(cut.header.is_none());
        let at = cut.at;
        assert!(code[at..].starts_with("@app.route") || code[at..].starts_with("async def"));
        let mut analyzer = split_analyzer();
        let got = analyze_checked(&mut analyzer, &set, &code, true, "module");
        // What the cut could have broken is there.
        let exported = |name: &str| got.symbols.iter().any(|s| s.name == name && s.exported);
        assert!(exported("_handler_0") && !exported("_handler_1"));
        assert!(got.has_main_guard);
        let late = got.symbols.iter().rposition(|s| s.name == "inner").unwrap();
        let parent = got.symbols[late].parent.unwrap() as usize;
        assert_eq!(got.symbols[parent].name, "run");
        assert!(got.matches.len() > 100 && got.calls.len() > 100);

        // The parser serves whole files again afterwards.
        analyze_checked(&mut analyzer, &set, &python_module(1), false, "small");
    }

    /// A cut that falls inside a string (here the quotes in `QUOTE` mislead
    /// the cut's line-by-line look at strings) leaves a part with a syntax
    /// error: the file is parsed whole instead. So is a file without a cut.
    #[test]
    fn a_cut_inside_a_string_falls_back_to_the_whole_file() {
        let set = DetectorSet::builtin();
        let statements: String = (0..800)
            .map(|i| format!("value_{i} = compute_{i}(1, \"x\")\n"))
            .collect();
        let code = format!(
            "{statements}QUOTE = '\"\"\"'\nDOC = \"\"\"\ndef looks_like_code():\n    pass\n\"\"\"\n{statements}"
        );
        let at = cut_of(&code).at;
        assert!(code[at..].starts_with("def looks_like_code"));
        let mut analyzer = split_analyzer();
        analyze_checked(&mut analyzer, &set, &code, false, "cut in a string");
        analyze_checked(&mut analyzer, &set, &statements.repeat(2), false, "no cut");
    }

    /// A project rule that sees the module's first statement, or two of
    /// its statements at once, or the module itself, could tell the parts
    /// from the whole: with one, files are parsed whole.
    #[test]
    fn rules_that_see_across_top_level_items_keep_files_whole() {
        let code = python_module(1 + SPLIT_MIN_BYTES / 500);
        let cut = cut_of(&code);
        let shape = cut_shape(&Lang::Python.grammar().unwrap(), &cut).unwrap();
        for (pattern, splits) in [
            (
                "(module (expression_statement) @match (#set! variant \"x\"))",
                true,
            ),
            ("(_ (call) @match (#set! variant \"x\"))", true),
            (
                "(module . (expression_statement) @match (#set! variant \"x\"))",
                false,
            ),
            (
                "(module (import_statement) (function_definition) @match (#set! variant \"x\"))",
                false,
            ),
            ("((module) @match (#set! variant \"x\"))", false),
            ("((_) @match (#set! variant \"x\"))", false),
        ] {
            let set = with_rule(pattern);
            assert_eq!(
                set.queries_allow_cut(Lang::Python, &shape),
                splits,
                "{pattern}"
            );
            analyze_checked(&mut split_analyzer(), &set, &code, splits, pattern);
        }
    }

    /// One large test class, as many test modules are: methods of several
    /// shapes, `n` times over.
    fn python_test_class(n: usize) -> String {
        let mut code = String::from(
            "import unittest\n\n\nclass BigTests(unittest.TestCase):\n    \"\"\"Everything.\"\"\"\n\n    limit = compute_limit(3)\n",
        );
        for i in 0..n {
            code.push_str(&format!(
                r#"
    def test_html_{i}(self):
        self.assertHTMLEqual(
            render({i}),
            """<p>
class="x" {i}</p>
def not_code():""",
        )

    @skip_if(slow_{i})
    def test_{i}(self):
        rows = self.db.execute("SELECT * FROM t WHERE id = " + str({i}))
        self.assertEqual(len(rows), {i})

    # Helper for part {i}.
    def _helper_{i}(self, value):
        def inner(x):
            return check_{i}(x) + self.limit
        return inner(value)

    class Nested{i}:
        flag = make_flag("f{i}")
"#
            ));
        }
        code.push_str("\n\n__all__ = [\"BigTests\"]\n");
        code
    }

    /// A file that is one large class is cut between two of its members:
    /// the second part is parsed with the class's header line, and the
    /// joined facts are the whole file's, the class spanning both parts.
    #[test]
    fn a_class_cut_between_its_members_has_the_facts_of_the_whole() {
        let set = DetectorSet::builtin();
        let code = python_test_class(1 + SPLIT_MIN_BYTES / 300);
        let cut = cut_of(&code);
        let header = cut.header.clone().unwrap();
        assert_eq!(&code[header], "class BigTests(unittest.TestCase):\n");
        assert!(
            code[cut.at..].starts_with("    @skip_if") || code[cut.at..].starts_with("    def ")
        );
        let got = analyze_checked(&mut split_analyzer(), &set, &code, true, "class");
        let classes: Vec<_> = got
            .symbols
            .iter()
            .filter(|s| s.name == "BigTests")
            .collect();
        assert_eq!(classes.len(), 1);
        assert!(classes[0].has_doc && classes[0].exported);
        let last_line = code.lines().count() as u32 - 3;
        assert_eq!(classes[0].span.end_line, last_line);
        let unittest_classes = got
            .matches
            .iter()
            .filter(|m| m.variant == "unittest-class")
            .count();
        assert_eq!(unittest_classes, 1);

        // A rule that looks into a class's body keeps such a file whole;
        // one that looks at its header does not.
        for (pattern, splits) in [
            (
                "((class_definition name: (identifier) @n) @match (#set! variant \"x\"))",
                true,
            ),
            (
                "(class_definition body: (block (function_definition) @match) (#set! variant \"x\"))",
                false,
            ),
            ("((block) @match (#set! variant \"x\"))", false),
        ] {
            analyze_checked(
                &mut split_analyzer(),
                &with_rule(pattern),
                &code,
                splits,
                pattern,
            );
        }
    }

    /// The JS/TS languages, and whether their test code has types.
    const ECMASCRIPT_LANGS: [(Lang, bool); 3] = [
        (Lang::TypeScript, true),
        (Lang::Tsx, true),
        (Lang::JavaScript, false),
    ];

    /// `: t` in TypeScript (`typed`), nothing in JavaScript.
    fn type_note(typed: bool, t: &str) -> String {
        if typed {
            format!(": {t}")
        } else {
            String::new()
        }
    }

    /// A TypeScript (`typed`) or JavaScript module with top-level items of
    /// several shapes, `n` times over: doc comments, a template literal and
    /// a block comment whose lines look like declarations, a regex holding
    /// quotes and brackets. The export list at the end names symbols of the
    /// first part.
    fn ecmascript_module(n: usize, typed: bool) -> String {
        let ty = |t: &str| type_note(typed, t);
        let mut code = String::from(
            "import { db } from \"./db\";\nimport express from \"express\";\n\nconst router = express.Router();\n",
        );
        for i in 0..n {
            code.push_str(&format!(
                r#"
/**
 * Serves item {i}.
 */
export async function handler{i}(req{req}, res{res}) {{
  const rows = await db.query("SELECT * FROM items WHERE id = " + req.params.id);
  if (!rows) {{
    throw new Error(`no item {i}: ${{req.params.id}}`);
  }}
  res.json({{ rows, env: process.env.ITEM_{i} }});
}}

router.get("/items/{i}", handler{i});

const TEMPLATE_{i} = `
export function notCode{i}() {{}}
${{"}}"}}`;

/* A block comment
export class NotAClass{i} {{}}
*/
class Service{i} extends Base {{
  limit = 10;
  run(xs) {{
    const inner = (y) => helper{i}(y) + this.limit;
    return xs.map(inner).filter((v) => /[}}'"`]\/x/.test(String(v)));
  }}
}}

function helper{i}(value) {{
  console.log("value", value);
  return value;
}}
"#,
                req = ty("Request"),
                res = ty("Response"),
            ));
            if typed {
                code.push_str(&format!(
                    "\nexport interface Item{i} {{\n  id: number;\n  name: string;\n}}\n\ntype Id{i} = Item{i}[\"id\"];\n"
                ));
            }
        }
        code.push_str("\nexport { Service0, helper0 };\n");
        code
    }

    /// A large JS or TS file is cut before a top-level declaration (never
    /// inside a template or a comment, nor after a doc comment) and its
    /// two parts give the facts of the whole, the export list at its end
    /// applied to the first part's symbols.
    #[test]
    fn a_js_or_ts_file_parsed_in_two_parts_has_the_facts_of_the_whole() {
        let set = DetectorSet::builtin();
        for (lang, typed) in ECMASCRIPT_LANGS {
            let n = 1 + SPLIT_MIN_BYTES / 500;
            let code = ecmascript_module(n, typed);
            let cut = cut_as(lang, &code);
            assert!(cut.header.is_none());
            let rest = &code[cut.at..];
            assert!(
                [
                    "const TEMPLATE_",
                    "function helper",
                    "export interface",
                    "type Id"
                ]
                .iter()
                .any(|d| rest.starts_with(d)),
                "{lang}: {}",
                &rest[..40]
            );
            let mut analyzer = split_analyzer();
            let label = format!("{lang}");
            let got = analyze_checked_as(&mut analyzer, lang, &set, &code, true, &label);
            let exported = |name: &str| got.symbols.iter().any(|s| s.name == name && s.exported);
            assert!(exported("Service0") && exported("helper0") && !exported("Service1"));
            let documented = got.symbols.iter().filter(|s| s.has_doc).count();
            assert_eq!(documented, n, "{lang}");
            assert!(got.symbols.iter().all(|s| !s.name.starts_with("notCode")));
            assert!(got.matches.len() > 100 && got.calls.len() > 100, "{lang}");
        }
    }

    /// A regex after `return` reads as a division to the cut's look at the
    /// lines, so its `}` seems to close the function and a line at the
    /// margin inside it looks like the top level: the first part is left
    /// unfinished, and the file is parsed whole. So is a file when a rule
    /// sees the program's first statement.
    #[test]
    fn a_wrong_js_cut_or_a_rule_on_the_program_keeps_the_file_whole() {
        let set = DetectorSet::builtin();
        let statements: String = (0..700)
            .map(|i| format!("const value{i} = compute{i}(1, \"x\");\n"))
            .collect();
        let code = format!(
            "{statements}function outer(s) {{\n  const ok = (t) => {{ return /}}/.test(t); }};\nconst inner = ok(s);\n  return inner;\n}}\n{statements}"
        );
        let at = cut_as(Lang::JavaScript, &code).at;
        assert!(code[at..].starts_with("const inner"));
        let mut analyzer = split_analyzer();
        analyze_checked_as(
            &mut analyzer,
            Lang::JavaScript,
            &set,
            &code,
            false,
            "wrong cut",
        );

        let code = ecmascript_module(1 + SPLIT_MIN_BYTES / 500, false);
        let text = "id = \"testing/first\"\ncategory = \"testing\"\nname = \"First\"\n\
                    description = \"d\"\nseverity = \"info\"\n[[query]]\n\
                    languages = [\"javascript\"]\n\
                    pattern = '(program . (import_statement) @match (#set! variant \"x\"))'\n";
        let (set, errors) = DetectorSet::with_project_rules([("first.toml", text)]);
        assert!(errors.is_empty(), "{errors:?}");
        analyze_checked_as(
            &mut analyzer,
            Lang::JavaScript,
            &set,
            &code,
            false,
            "anchored rule",
        );
    }

    /// One large JS or TS class, as many loaders and renderers are:
    /// members of several shapes, `n` times over (a template holds a `}`
    /// and a class header at the margin), then statements after it.
    fn ecmascript_class(n: usize, typed: bool) -> String {
        let ty = |t: &str| type_note(typed, t);
        let mut code = String::from(
            "import { Loader } from \"three\";\n\n/**\n * Loads everything.\n */\nexport class BigLoader extends Loader {\n  limit = compute(10);\n",
        );
        for i in 0..n {
            code.push_str(&format!(
                r#"
  /** Parses part {i}. */
  parse{i}(text{text}){ret} {{
    const rows = this.db.query("SELECT * FROM t WHERE id = " + {i});
    return rows.map((r) => `row ${{r.id}}:
}}
class NotAMember{i} {{`);
  }}

  static create{i}(options = {{}}) {{
    console.log("create", options);
    return new BigLoader(options);
  }}

  get value{i}() {{
    return this.limit + {i};
  }}
"#,
                text = ty("string"),
                ret = ty("string[]"),
            ));
        }
        code.push_str("}\n\nexport default BigLoader;\nconsole.log(\"loaded\");\n");
        code
    }

    /// A JS or TS file that is one large class is cut between two of its
    /// members: the first part is parsed with the class's closing line and
    /// the second with its header, and the joined facts are the whole
    /// file's. A decorated class is not cut.
    #[test]
    fn a_js_or_ts_class_cut_between_its_members_has_the_facts_of_the_whole() {
        let set = DetectorSet::builtin();
        for (lang, typed) in ECMASCRIPT_LANGS {
            let code = ecmascript_class(1 + SPLIT_MIN_BYTES / 300, typed);
            let cut = cut_as(lang, &code);
            let header = cut.header.clone().unwrap();
            assert_eq!(&code[header], "export class BigLoader extends Loader {\n");
            let closing = cut.closing.clone().unwrap();
            assert_eq!(&code[closing.clone()], "}\n");
            assert!(code[closing.end..].starts_with("\nexport default BigLoader;"));
            let rest = &code[cut.at..];
            assert!(
                rest.starts_with("  static create") || rest.starts_with("  get value"),
                "{lang}: {}",
                &rest[..40]
            );
            let label = format!("{lang} class");
            let got = analyze_checked_as(&mut split_analyzer(), lang, &set, &code, true, &label);
            let classes: Vec<_> = got
                .symbols
                .iter()
                .enumerate()
                .filter(|(_, s)| s.name == "BigLoader")
                .collect();
            assert_eq!(classes.len(), 1, "{lang}");
            let (class, symbol) = classes[0];
            assert!(symbol.has_doc && symbol.exported, "{lang}");
            let closing_line = code[..closing.start].lines().count() as u32 + 1;
            assert_eq!(symbol.span.end_line, closing_line, "{lang}");
            let last = got
                .symbols
                .iter()
                .rposition(|s| s.name.starts_with("value"))
                .unwrap();
            assert_eq!(got.symbols[last].parent, Some(class as u32), "{lang}");
            assert!(
                got.symbols
                    .iter()
                    .all(|s| !s.name.starts_with("NotAMember"))
            );

            let decorated = code.replace("export class", "@Injectable()\nexport class");
            assert!(crate::extract::cut(lang, decorated.as_bytes()).is_none());
            let label = format!("{lang} decorated class");
            analyze_checked_as(&mut split_analyzer(), lang, &set, &decorated, false, &label);
        }
    }
}
