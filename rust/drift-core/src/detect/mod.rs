//! Declarative detectors.
//!
//! A detector is one TOML rule file (see the crate README for the format):
//! metadata, per-language tree-sitter queries (or a facts-based source:
//! the file's symbols or its file name), an ordered list of *variant* rules
//! that classify each hit, and test cases. [`DetectorSet`] joins every
//! query detector's patterns for a language into one tree-sitter query
//! (compiled once, on first use of the language; see `combined.rs`) and
//! matches it in one walk of each file's tree (`matcher.rs`), with
//! tree-sitter's query cursor as the fallback and the reference; it is
//! `Send + Sync`, so one instance serves every worker thread. The detector
//! pass costs about 0.6× the parse of the same files
//! (`benchmarks/drift-bench`: `detect_diff`, `benches/detect.rs`).
//!
//! drift-core does no file I/O: rule files are passed in as
//! `(path_label, text)` pairs by the caller.

mod builtin;
pub(crate) mod classify;
mod combined;
mod compile;
mod docs;
mod matcher;
mod spec;
mod testing;

use std::borrow::Cow;
use std::collections::HashMap;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use streaming_iterator::StreamingIterator;

pub use classify::CaseStyle;
pub use testing::TestFailure;

use crate::lang::Lang;
use crate::model::{DetectorMatch, FileFacts, Span, Symbol};
use classify::{Condition, Subject, VariantRule};

/// How serious a detector's outliers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn id(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a detector looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Tree-sitter queries (`[[query]]` blocks).
    #[default]
    Query,
    /// The file's extracted symbols (`FileFacts::symbols`); pseudo-captures
    /// `name`, `kind`, `signature`, `return_type`, `has_doc`, `exported`,
    /// `is_async`, `is_static`, `decorators`, `bases`, `param_types`,
    /// `parent_kind`.
    Symbols,
    /// The file's path, once per file; pseudo-captures `stem`, `file`,
    /// `ext`, `dir`, `path`.
    FileName,
}

impl SourceKind {
    pub fn id(self) -> &'static str {
        match self {
            SourceKind::Query => "query",
            SourceKind::Symbols => "symbols",
            SourceKind::FileName => "file_name",
        }
    }
}

/// A detector's descriptive data (everything but the compiled queries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetectorMeta {
    /// `category/name`, e.g. `error-handling/throw-style`.
    pub id: String,
    pub category: String,
    pub name: String,
    pub description: String,
    pub what: Option<String>,
    pub why: Option<String>,
    pub example: Option<String>,
    pub severity: Severity,
    pub source: SourceKind,
    /// Languages the detector runs on, sorted.
    pub languages: Vec<Lang>,
    /// Every variant it can produce, in rule order.
    pub variants: Vec<String>,
    /// Descriptions given to variants in the rule file.
    pub variant_descriptions: std::collections::BTreeMap<String, String>,
    /// Where it came from (`builtin:<file>` or the project path label).
    pub origin: String,
}

/// A rule file that could not be loaded (or one problem in it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{path}:{line}:{column}: {message}")]
pub struct RuleError {
    /// The path label the caller passed in.
    pub path: String,
    /// 1-based line in the rule file.
    pub line: u32,
    /// 1-based column (characters) in the rule file.
    pub column: u32,
    pub message: String,
}

/// One compiled query block for one language.
#[derive(Debug)]
struct CompiledQuery {
    query: tree_sitter::Query,
    /// Index of the `@match` capture, if the query has one.
    match_capture: Option<u32>,
    /// Per pattern: the variant set with `(#set! variant "name")`.
    fixed_variants: Vec<Option<String>>,
    /// Position of the block among the detector's blocks (for dedup order).
    block: usize,
}

/// A query block kept as text for lazy compilation.
#[derive(Debug, Clone)]
struct QueryBlock {
    block: usize,
    languages: Vec<Lang>,
    pattern: String,
}

/// A synthetic or parsed test case from a rule file.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub lang: Lang,
    pub code: String,
    pub path: Option<String>,
    /// Synthetic symbols replacing the extractor's (for `symbols` detectors).
    pub symbols: Option<Vec<Symbol>>,
    /// Expected variants of the matches, in source order.
    pub expect: Vec<String>,
}

/// A compiled detector.
#[derive(Debug)]
pub struct Detector {
    pub meta: DetectorMeta,
    /// Compiled queries per language: filled at load time (eager) or on
    /// first use (lazy builtins), then shared by every thread.
    queries: HashMap<Lang, std::sync::OnceLock<Vec<CompiledQuery>>>,
    /// Query texts: compiled lazily per detector (lazy sets) and always
    /// used for the set's combined per-language query.
    blocks: Vec<QueryBlock>,
    filter: Vec<Condition>,
    variants: Vec<VariantRule>,
    default_variant: Option<String>,
    outermost_only: bool,
    pub tests: Vec<TestCase>,
}

impl Detector {
    pub fn id(&self) -> &str {
        &self.meta.id
    }

    /// Number of compiled queries so far (one per block and language).
    pub fn query_count(&self) -> usize {
        self.queries
            .values()
            .filter_map(|cell| cell.get())
            .map(Vec::len)
            .sum()
    }

    /// Compiles this detector's queries for `lang` (lazy sets). A query
    /// that fails is logged and skipped; strict loading reports it instead.
    fn compile_lang(&self, lang: Lang) -> Vec<CompiledQuery> {
        let mut out = Vec::new();
        let Some(grammar) = lang.grammar() else {
            return out;
        };
        for block in self.blocks.iter().filter(|b| b.languages.contains(&lang)) {
            let checked = tree_sitter::Query::new(&grammar, &block.pattern)
                .map_err(|err| err.message)
                .and_then(|q| compile::check_query(q, lang, block.block).map_err(|e| e.1));
            match checked {
                Ok(compiled) => out.push(compiled),
                Err(message) => tracing::error!(
                    detector = %self.meta.id,
                    %lang,
                    %message,
                    "detector query failed to compile; skipped"
                ),
            }
        }
        out
    }

    fn run(
        &self,
        lang: Lang,
        path: &str,
        root: tree_sitter::Node<'_>,
        source: &[u8],
        facts: &FileFacts,
        out: &mut Vec<DetectorMatch>,
    ) {
        match self.meta.source {
            SourceKind::Query => self.run_queries(lang, root, source, out),
            SourceKind::Symbols => {
                for symbol in &facts.symbols {
                    let subject = SymbolSubject {
                        lang,
                        symbol,
                        facts,
                    };
                    if let Some(variant) = self.classify(&subject) {
                        out.push(DetectorMatch {
                            detector: self.meta.id.clone(),
                            variant: variant.to_string(),
                            span: symbol.name_span,
                            snippet: snippet_of(symbol_snippet(symbol)),
                        });
                    }
                }
            }
            SourceKind::FileName => {
                let subject = FileSubject::new(lang, path);
                if let Some(variant) = self.classify(&subject) {
                    out.push(DetectorMatch {
                        detector: self.meta.id.clone(),
                        variant: variant.to_string(),
                        span: Span {
                            start_line: 1,
                            start_col: 1,
                            end_line: 1,
                            end_col: 1,
                        },
                        snippet: snippet_of(path),
                    });
                }
            }
        }
    }

    fn classify(&self, subject: &dyn Subject) -> Option<&str> {
        if !self.filter.iter().all(|c| c.admits(subject)) {
            return None;
        }
        classify::classify(&self.variants, self.default_variant.as_deref(), subject)
    }

    fn run_queries(
        &self,
        lang: Lang,
        root: tree_sitter::Node<'_>,
        source: &[u8],
        out: &mut Vec<DetectorMatch>,
    ) {
        let Some(cell) = self.queries.get(&lang) else {
            return;
        };
        let queries = cell.get_or_init(|| self.compile_lang(lang));
        let mut hits: Vec<Hit<'_, '_>> = Vec::new();
        let mut cursor = tree_sitter::QueryCursor::new();
        let text = crate::Source::new(source);
        for compiled in queries {
            let query = &compiled.query;
            let names = query.capture_names();
            let mut matches = cursor.matches(query, root, source);
            while let Some(m) = matches.next() {
                let fixed = compiled
                    .fixed_variants
                    .get(m.pattern_index)
                    .and_then(Option::as_deref);
                if let Some(hit) = self.hit(
                    lang,
                    text,
                    names,
                    m.captures(),
                    compiled.match_capture,
                    fixed,
                    compiled.block,
                    m.pattern_index,
                ) {
                    hits.push(hit);
                }
            }
        }
        self.finish_hits(hits, crate::Source::new(source), out);
    }

    /// Classifies one query match; `None` when filtered out or unclassified.
    #[allow(clippy::too_many_arguments)]
    fn hit<'s, 'tree>(
        &'s self,
        lang: Lang,
        source: crate::Source<'_>,
        names: &[impl AsRef<str>],
        captures: &[tree_sitter::QueryCapture<'tree>],
        match_capture: Option<u32>,
        fixed: Option<&'s str>,
        block: usize,
        pattern: usize,
    ) -> Option<Hit<'s, 'tree>> {
        let span_node = span_node(captures, match_capture)?;
        let subject = QuerySubject {
            lang,
            source,
            names,
            captures,
            span_node,
        };
        let variant = match fixed {
            Some(fixed) => {
                if self.filter.iter().all(|c| c.admits(&subject)) {
                    Some(fixed)
                } else {
                    None
                }
            }
            None => self.classify(&subject),
        }?;
        Some(Hit {
            start: span_node.start_byte(),
            end: span_node.end_byte(),
            block,
            pattern,
            variant,
            node: span_node,
        })
    }

    /// Dedups one detector's hits (one per node, the earliest block/pattern
    /// wins, so specific patterns can be listed before catch-alls), applies
    /// `outermost_only`, and emits matches in position order.
    fn finish_hits(
        &self,
        mut hits: Vec<Hit<'_, '_>>,
        source: crate::Source<'_>,
        out: &mut Vec<DetectorMatch>,
    ) {
        hits.sort_by_key(|h| (h.start, h.end, h.block, h.pattern));
        hits.dedup_by_key(|h| (h.start, h.end));
        if self.outermost_only {
            // Outer nodes first (start ascending, end descending); drop any
            // hit inside the last kept one.
            hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
            let mut kept_end = 0usize;
            let mut any = false;
            hits.retain(|h| {
                if any && h.end <= kept_end {
                    return false;
                }
                any = true;
                kept_end = h.end;
                true
            });
        }
        out.extend(hits.into_iter().map(|h| {
            let text = source.str(h.node.byte_range()).unwrap_or("");
            DetectorMatch {
                detector: self.meta.id.clone(),
                variant: h.variant.to_string(),
                span: Span::from_node(&h.node),
                snippet: snippet_of(text),
            }
        }));
    }
}

/// The node a match's hit spans: its `@match` capture, else its first.
fn span_node<'tree>(
    captures: &[tree_sitter::QueryCapture<'tree>],
    match_capture: Option<u32>,
) -> Option<tree_sitter::Node<'tree>> {
    let first = captures.first()?;
    Some(
        match_capture
            .and_then(|idx| captures.iter().find(|c| c.index == idx))
            .unwrap_or(first)
            .node,
    )
}

/// One classified query match, before dedup (the snippet is built only for
/// the hits that survive).
struct Hit<'s, 'tree> {
    start: usize,
    end: usize,
    block: usize,
    pattern: usize,
    variant: &'s str,
    node: tree_sitter::Node<'tree>,
}

/// Classified query matches of one tree, per detector (see
/// [`DetectorSet::query_hits`]).
#[derive(Default)]
pub struct QueryHits<'s, 'tree> {
    by_detector: FxHashMap<usize, Vec<Hit<'s, 'tree>>>,
}

impl QueryHits<'_, '_> {
    fn merge(mut self, other: Self) -> Self {
        for (detector, mut more) in other.by_detector {
            self.by_detector
                .entry(detector)
                .or_default()
                .append(&mut more);
        }
        self
    }
}

/// Node kind and field ids of a file cut in two parts for parsing: both
/// trees have a root of kind `root`, cut between two of its children, or
/// (with `class`) inside a class child, whose header both trees hold and
/// whose body the cut divides.
#[derive(Debug, Clone)]
pub struct CutShape {
    pub root: u16,
    pub class: Option<ClassCut>,
}

/// The class a cut falls in (see [`CutShape`]).
#[derive(Debug, Clone)]
pub struct ClassCut {
    pub class: u16,
    pub body: u16,
    /// Fields on the header line, which both trees hold whole.
    pub header_fields: Vec<u16>,
    /// Kinds of the children on the header line that have no field.
    pub header_kinds: Vec<u16>,
}

/// The query detectors' matches of one tree, not yet sorted (see
/// [`DetectorSet::query_matches_beside_extraction`]).
pub struct QueryMatches(pub Vec<DetectorMatch>);

/// What runs the combined query's patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Engine {
    /// `matcher.rs` where the language's patterns allow it, else the cursor.
    Walk,
    /// tree-sitter's `QueryCursor` (the reference).
    Cursor,
}

/// Files smaller than this run their query pass in one piece.
pub(crate) const SPLIT_MIN_BYTES: usize = 32 * 1024;
/// A larger file's query pass is split into pieces of about
/// `len / SPLIT_PIECES` bytes.
const SPLIT_PIECES: usize = 16;

/// Part of a tree for the combined query (see `combined.rs`).
#[derive(Clone, Copy)]
enum Piece<'tree> {
    /// Patterns starting anywhere in this subtree.
    Subtree(tree_sitter::Node<'tree>),
    /// Patterns starting at this node only (its subtree is covered by
    /// other pieces).
    Start(tree_sitter::Node<'tree>),
}

/// Covers the tree with disjoint subtrees of at most about `max_bytes`:
/// a larger node becomes a `Start` piece and its children are split in
/// turn. Every node is the start of exactly one piece's patterns.
fn split_tree(root: tree_sitter::Node<'_>, max_bytes: usize) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut todo = vec![root];
    let mut cursor = root.walk();
    while let Some(node) = todo.pop() {
        if node.byte_range().len() > max_bytes && node.child_count() > 0 {
            pieces.push(Piece::Start(node));
            todo.extend(node.children(&mut cursor));
        } else {
            pieces.push(Piece::Subtree(node));
        }
    }
    pieces
}

/// Position, then detector id (stable: a detector's own order is kept).
fn sort_matches(out: &mut [DetectorMatch]) {
    out.sort_by(|a, b| {
        (a.span.start_line, a.span.start_col, &a.detector).cmp(&(
            b.span.start_line,
            b.span.start_col,
            &b.detector,
        ))
    });
}

/// The matched text trimmed to its first line (at most 120 characters).
fn snippet_of(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let line = line.trim();
    // At most 120 characters: a line of at most 120 bytes has no more.
    let cut = (line.len() > 120)
        .then(|| line.char_indices().nth(120))
        .flatten();
    match cut {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}

fn symbol_snippet(symbol: &Symbol) -> &str {
    if symbol.signature.is_empty() {
        &symbol.name
    } else {
        &symbol.signature
    }
}

struct QuerySubject<'a, 'tree, S> {
    lang: Lang,
    source: crate::Source<'a>,
    names: &'a [S],
    captures: &'a [tree_sitter::QueryCapture<'tree>],
    span_node: tree_sitter::Node<'tree>,
}

impl<S: AsRef<str>> QuerySubject<'_, '_, S> {
    fn node(&self, capture: &str) -> Option<tree_sitter::Node<'_>> {
        let found = self
            .captures
            .iter()
            .find(|c| {
                self.names
                    .get(c.index as usize)
                    .is_some_and(|n| n.as_ref() == capture)
            })
            .map(|c| c.node);
        match found {
            Some(node) => Some(node),
            None if capture == "match" => Some(self.span_node),
            None => None,
        }
    }
}

impl<S: AsRef<str>> Subject for QuerySubject<'_, '_, S> {
    fn lang(&self) -> Lang {
        self.lang
    }

    fn text(&self, capture: &str) -> Option<Cow<'_, str>> {
        let node = self.node(capture)?;
        self.source.get(node.byte_range())
    }

    fn node_kind(&self, capture: &str) -> Option<&str> {
        self.node(capture).map(|n| n.kind())
    }
}

/// Pseudo-captures available to `source = "symbols"` detectors.
pub const SYMBOL_CAPTURES: &[&str] = &[
    "name",
    "kind",
    "signature",
    "return_type",
    "has_doc",
    "exported",
    "is_async",
    "is_static",
    "decorators",
    "bases",
    "param_types",
    "parent_kind",
];

/// Pseudo-captures available to `source = "file_name"` detectors.
pub const FILE_CAPTURES: &[&str] = &["stem", "file", "ext", "dir", "path"];

struct SymbolSubject<'a> {
    lang: Lang,
    symbol: &'a Symbol,
    facts: &'a FileFacts,
}

fn kind_id(kind: crate::model::SymbolKind) -> &'static str {
    use crate::model::SymbolKind::*;
    match kind {
        Function => "function",
        Method => "method",
        Constructor => "constructor",
        Class => "class",
        Struct => "struct",
        Interface => "interface",
        Trait => "trait",
        Enum => "enum",
        Impl => "impl",
        Module => "module",
        Constant => "constant",
    }
}

fn bool_text(b: bool) -> Option<Cow<'static, str>> {
    Some(Cow::Borrowed(if b { "true" } else { "false" }))
}

impl Subject for SymbolSubject<'_> {
    fn lang(&self) -> Lang {
        self.lang
    }

    fn text(&self, capture: &str) -> Option<Cow<'_, str>> {
        let s = self.symbol;
        match capture {
            "name" | "match" => Some(Cow::Borrowed(&s.name)),
            "kind" => Some(Cow::Borrowed(kind_id(s.kind))),
            "signature" => Some(Cow::Borrowed(&s.signature)),
            "return_type" => s.return_type.as_deref().map(Cow::Borrowed),
            "has_doc" => bool_text(s.has_doc),
            "exported" => bool_text(s.exported),
            "is_async" => bool_text(s.is_async),
            "is_static" => bool_text(s.is_static),
            "decorators" => Some(Cow::Owned(s.decorators.join("\n"))),
            "bases" => Some(Cow::Owned(s.bases.join("\n"))),
            "param_types" => {
                let params: Vec<_> = s
                    .params
                    .iter()
                    .filter(|p| {
                        !matches!(
                            p.name.as_str(),
                            "self" | "cls" | "this" | "&self" | "&mut self" | "mut self"
                        )
                    })
                    .collect();
                let typed = params.iter().filter(|p| p.type_text.is_some()).count();
                let text = if params.is_empty() {
                    "no-params"
                } else if typed == params.len() {
                    "all"
                } else if typed == 0 {
                    "none"
                } else {
                    "some"
                };
                Some(Cow::Borrowed(text))
            }
            "parent_kind" => s
                .parent
                .and_then(|p| self.facts.symbols.get(p as usize))
                .map(|p| Cow::Borrowed(kind_id(p.kind))),
            _ => None,
        }
    }

    fn node_kind(&self, _capture: &str) -> Option<&str> {
        None
    }
}

struct FileSubject<'a> {
    lang: Lang,
    path: &'a str,
    file: &'a str,
    dir: &'a str,
}

impl<'a> FileSubject<'a> {
    fn new(lang: Lang, path: &'a str) -> FileSubject<'a> {
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        FileSubject {
            lang,
            path,
            file,
            dir,
        }
    }
}

impl Subject for FileSubject<'_> {
    fn lang(&self) -> Lang {
        self.lang
    }

    fn text(&self, capture: &str) -> Option<Cow<'_, str>> {
        let text = match capture {
            // `user-service.test.ts` → `user-service`; `.eslintrc.js` → `.eslintrc`
            "stem" | "match" => match self.file.get(1..).and_then(|rest| rest.find('.')) {
                Some(dot) => &self.file[..dot + 1],
                None => self.file,
            },
            "file" => self.file,
            "ext" => self.file.rsplit_once('.').map_or("", |(_, e)| e),
            "dir" => self.dir,
            "path" => self.path,
            _ => return None,
        };
        Some(Cow::Borrowed(text))
    }

    fn node_kind(&self, _capture: &str) -> Option<&str> {
        None
    }
}

/// A compiled set of detectors, indexed by language. `Send + Sync`.
#[derive(Debug, Default)]
pub struct DetectorSet {
    detectors: Vec<Detector>,
    by_lang: HashMap<Lang, Vec<usize>>,
    /// Every query detector's patterns for a language in one query,
    /// compiled on first use of the language.
    combined: HashMap<Lang, std::sync::OnceLock<Option<combined::CombinedQuery>>>,
}

impl DetectorSet {
    /// The builtin pack. Queries compile lazily, once per (detector,
    /// language), the first time a file of that language is analysed, so
    /// loading is cheap and a repository pays only for its languages. Every
    /// builtin compiles (the strict loader below is tested); anything that
    /// failed anyway would be logged and skipped.
    pub fn builtin() -> DetectorSet {
        let (set, errors) = DetectorSet::load(builtin::BUILTIN_RULES.iter().copied(), false);
        for error in &errors {
            tracing::error!(%error, "builtin detector failed to load");
        }
        set
    }

    /// The builtin pack compiled eagerly, with any problems (none expected).
    pub fn builtin_with_errors() -> (DetectorSet, Vec<RuleError>) {
        DetectorSet::from_rules(builtin::BUILTIN_RULES.iter().copied())
    }

    /// The builtin rule files as `(label, text)` pairs.
    pub fn builtin_rule_files() -> &'static [(&'static str, &'static str)] {
        builtin::BUILTIN_RULES
    }

    /// Compiles rule files given as `(path_label, text)` pairs. A bad file
    /// yields a [`RuleError`] naming the file, line and column; every other
    /// file still loads. A later file with an id already loaded is an error.
    pub fn from_rules<'a>(
        rules: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (DetectorSet, Vec<RuleError>) {
        DetectorSet::load(rules, true)
    }

    fn load<'a>(
        rules: impl IntoIterator<Item = (&'a str, &'a str)>,
        eager: bool,
    ) -> (DetectorSet, Vec<RuleError>) {
        let mut set = DetectorSet::default();
        let mut errors = Vec::new();
        for (label, text) in rules {
            match compile::compile_rule(label, text, eager) {
                Ok(detector) => {
                    if set.get(detector.id()).is_some() {
                        errors.push(RuleError {
                            path: label.to_string(),
                            line: 1,
                            column: 1,
                            message: format!("duplicate detector id `{}`", detector.id()),
                        });
                    } else {
                        set.detectors.push(detector);
                    }
                }
                Err(mut errs) => errors.append(&mut errs),
            }
        }
        set.reindex();
        (set, errors)
    }

    /// The builtin pack (lazy) plus project rules (`.drift/rules/*.toml`,
    /// read by the caller, compiled and validated now). A project rule with
    /// a builtin's id replaces it.
    pub fn with_project_rules<'a>(
        rules: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (DetectorSet, Vec<RuleError>) {
        let mut set = DetectorSet::builtin();
        let (project, errors) = DetectorSet::from_rules(rules);
        set.merge(project);
        (set, errors)
    }

    /// Adds `other`'s detectors, replacing any with the same id.
    pub fn merge(&mut self, other: DetectorSet) {
        for detector in other.detectors {
            match self.detectors.iter().position(|d| d.id() == detector.id()) {
                Some(i) => self.detectors[i] = detector,
                None => self.detectors.push(detector),
            }
        }
        self.reindex();
    }

    fn reindex(&mut self) {
        self.detectors.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        self.by_lang.clear();
        for (i, d) in self.detectors.iter().enumerate() {
            for &lang in &d.meta.languages {
                self.by_lang.entry(lang).or_default().push(i);
            }
        }
        self.combined = self
            .by_lang
            .keys()
            .map(|&lang| (lang, std::sync::OnceLock::new()))
            .collect();
    }

    /// Every detector, sorted by id.
    pub fn detectors(&self) -> &[Detector] {
        &self.detectors
    }

    pub fn get(&self, id: &str) -> Option<&Detector> {
        self.detectors.iter().find(|d| d.id() == id)
    }

    /// Descriptive data of every detector (for learning and front ends).
    pub fn metadata(&self) -> impl Iterator<Item = &DetectorMeta> {
        self.detectors.iter().map(|d| &d.meta)
    }

    pub fn len(&self) -> usize {
        self.detectors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.detectors.is_empty()
    }

    /// Runs every detector for `lang` over one tree: all query detectors
    /// in one pass of the language's combined query. Matches are sorted by
    /// position, then detector id. Equivalent to [`DetectorSet::query_hits`]
    /// followed by [`DetectorSet::finish`].
    pub fn run(
        &self,
        lang: Lang,
        path: &str,
        root: tree_sitter::Node<'_>,
        source: &[u8],
        facts: &FileFacts,
    ) -> Vec<DetectorMatch> {
        let hits = self.query_hits(lang, root, source);
        self.finish(lang, path, root, source, facts, hits)
    }

    /// The query pass alone: it reads only the tree, so it can run while
    /// the facts the other detectors need are being extracted. A large
    /// file's pass is split into subtrees that run on the rayon pool when
    /// it has threads to spare (idle threads take part; a busy pool runs
    /// them in turn).
    pub fn query_hits<'s, 'tree>(
        &'s self,
        lang: Lang,
        root: tree_sitter::Node<'tree>,
        source: &[u8],
    ) -> QueryHits<'s, 'tree> {
        self.query_hits_beside(lang, root, source, 0)
    }

    /// [`DetectorSet::query_hits`] while `busy` of the pool's threads do
    /// other work on the same file: pieces only pay when threads are left
    /// to take them.
    fn query_hits_beside<'s, 'tree>(
        &'s self,
        lang: Lang,
        root: tree_sitter::Node<'tree>,
        source: &[u8],
        busy: usize,
    ) -> QueryHits<'s, 'tree> {
        let spare = rayon::current_num_threads() > busy + 1;
        let piece_bytes =
            (spare && source.len() >= SPLIT_MIN_BYTES).then_some(source.len() / SPLIT_PIECES);
        self.query_hits_in_pieces(lang, root, source, piece_bytes, Engine::Walk)
    }

    /// The query detectors' matches of one tree, made while extraction
    /// runs on another thread (so the query pass splits only for threads
    /// beyond those two); [`DetectorSet::finish_matches`] adds the rest.
    pub fn query_matches_beside_extraction(
        &self,
        lang: Lang,
        root: tree_sitter::Node<'_>,
        source: &[u8],
    ) -> QueryMatches {
        let hits = self.query_hits_beside(lang, root, source, 1);
        self.matches_of(lang, source, hits)
    }

    /// [`DetectorSet::query_hits_along`] turned into matches, for a tree
    /// that is one of a file's parts; [`DetectorSet::finish_matches`] adds
    /// the rest once the parts' matches are joined.
    pub fn query_matches_along<'tree>(
        &self,
        lang: Lang,
        root: tree_sitter::Node<'tree>,
        source: &[u8],
        hook: &mut dyn crate::extract::NodeHook<'tree>,
    ) -> QueryMatches {
        let hits = self.query_hits_along(lang, root, source, hook);
        self.matches_of(lang, source, hits)
    }

    /// Whether `lang`'s query detectors, run over the parts of a file cut
    /// as `cut` describes (each part its own tree), find the matches of
    /// the whole file once the parts' matches are joined (see
    /// `extract::join_parts`).
    pub fn queries_allow_cut(&self, lang: Lang, cut: &CutShape) -> bool {
        self.combined_query(lang)
            .and_then(|c| c.fast.as_ref())
            .is_some_and(|fast| fast.allows_cut(cut))
    }

    /// [`DetectorSet::query_hits`] in one pass over the whole tree that
    /// also calls `hook` for every node (see `FastQuery::for_each_match`),
    /// so extraction needs no walk of its own. Languages the walk matcher
    /// cannot run walk the tree for `hook` first, then run the cursor.
    pub fn query_hits_along<'s, 'tree>(
        &'s self,
        lang: Lang,
        root: tree_sitter::Node<'tree>,
        source: &[u8],
        hook: &mut dyn crate::extract::NodeHook<'tree>,
    ) -> QueryHits<'s, 'tree> {
        let walked = self
            .combined_query(lang)
            .and_then(|c| Some((c, c.fast.as_ref()?)));
        let Some((combined, fast)) = walked else {
            crate::extract::walk_tree(root, hook);
            return self.query_hits_in_pieces(lang, root, source, None, Engine::Walk);
        };
        let mut hits = QueryHits::default();
        let text = crate::Source::new(source);
        let mut found = |pattern: usize, captures: &[tree_sitter::QueryCapture<'tree>]| {
            self.record_hit(&mut hits, combined, lang, text, pattern, captures);
        };
        fast.for_each_match(root, true, source, &mut found, Some(hook));
        hits
    }

    /// [`DetectorSet::query_hits`] with subtrees of at most about
    /// `piece_bytes` per piece (`None`: one pass over the whole tree), on
    /// the walk matcher where the language's patterns allow it, or on
    /// tree-sitter's query cursor.
    fn query_hits_in_pieces<'s, 'tree>(
        &'s self,
        lang: Lang,
        root: tree_sitter::Node<'tree>,
        source: &[u8],
        piece_bytes: Option<usize>,
        engine: Engine,
    ) -> QueryHits<'s, 'tree> {
        let Some(combined) = self.combined_query(lang) else {
            return QueryHits::default();
        };
        let (fast, cursor_query) = match (engine, combined.fast.as_ref()) {
            (Engine::Walk, Some(fast)) => (Some(fast), None),
            _ => match combined.cursor() {
                Some(cursor) => (None, Some(cursor)),
                None => return QueryHits::default(),
            },
        };
        let splittable = cursor_query.is_none_or(|c| c.splittable);
        let pieces = match piece_bytes {
            Some(max) if splittable => split_tree(root, max.max(1)),
            _ => vec![Piece::Subtree(root)],
        };
        type State<'s, 'tree> = (QueryHits<'s, 'tree>, Option<tree_sitter::QueryCursor>);
        let text = crate::Source::new(source);
        let run = |(mut hits, mut cursor): State<'s, 'tree>, piece: &Piece<'tree>| {
            let (node, whole) = match *piece {
                Piece::Subtree(node) => (node, true),
                Piece::Start(node) => (node, false),
            };
            let mut found = |pattern: usize, captures: &[tree_sitter::QueryCapture<'tree>]| {
                self.record_hit(&mut hits, combined, lang, text, pattern, captures);
            };
            match (fast, cursor_query) {
                (Some(fast), _) => fast.for_each_match(node, whole, source, &mut found, None),
                (None, Some(query)) => {
                    let cursor = cursor.get_or_insert_with(tree_sitter::QueryCursor::new);
                    cursor.set_max_start_depth((!whole).then_some(0));
                    let mut matches = cursor.matches(&query.query, node, source);
                    while let Some(m) = matches.next() {
                        found(m.pattern_index, m.captures());
                    }
                }
                (None, None) => {}
            }
            (hits, cursor)
        };
        let fresh = || (QueryHits::default(), None);
        if pieces.len() == 1 {
            return pieces.iter().fold(fresh(), run).0;
        }
        use rayon::prelude::*;
        pieces
            .par_iter()
            .fold(fresh, run)
            .map(|(hits, _)| hits)
            .reduce(QueryHits::default, QueryHits::merge)
    }

    /// Classifies one match of the combined query's `pattern`.
    fn record_hit<'s, 'tree>(
        &'s self,
        hits: &mut QueryHits<'s, 'tree>,
        combined: &'s combined::CombinedQuery,
        lang: Lang,
        source: crate::Source<'_>,
        pattern: usize,
        captures: &[tree_sitter::QueryCapture<'tree>],
    ) {
        let Some(origin) = combined.patterns.get(pattern) else {
            return;
        };
        let Some(detector) = self.detectors.get(origin.detector) else {
            return;
        };
        let recorded = hits.by_detector.entry(origin.detector).or_default();
        // A hit the detector already has on the same node from an earlier
        // block or pattern wins `finish_hits`' dedup: no need to classify.
        if let Some(last) = recorded.last()
            && let Some(span) = span_node(captures, combined.match_capture)
            && (last.start, last.end) == (span.start_byte(), span.end_byte())
            && (last.block, last.pattern) < (origin.block, origin.local)
        {
            return;
        }
        if let Some(hit) = detector.hit(
            lang,
            source,
            &combined.capture_names,
            captures,
            combined.match_capture,
            origin.fixed.as_deref(),
            origin.block,
            origin.local,
        ) {
            recorded.push(hit);
        }
    }

    /// Turns [`DetectorSet::query_hits`] into matches and runs the
    /// detectors that read extracted facts; sorted like [`DetectorSet::run`].
    pub fn finish(
        &self,
        lang: Lang,
        path: &str,
        root: tree_sitter::Node<'_>,
        source: &[u8],
        facts: &FileFacts,
        hits: QueryHits<'_, '_>,
    ) -> Vec<DetectorMatch> {
        let matches = self.matches_of(lang, source, hits);
        self.finish_matches(lang, path, root, source, facts, matches)
    }

    /// The query detectors' matches, in detector order, unsorted.
    fn matches_of(&self, lang: Lang, source: &[u8], mut hits: QueryHits<'_, '_>) -> QueryMatches {
        let mut out = Vec::new();
        let text = crate::Source::new(source);
        for &i in self.by_lang.get(&lang).map_or(&[][..], Vec::as_slice) {
            let d = &self.detectors[i];
            if d.meta.source == SourceKind::Query
                && let Some(h) = hits.by_detector.remove(&i)
            {
                d.finish_hits(h, text, &mut out);
            }
        }
        QueryMatches(out)
    }

    /// Adds the matches of the detectors that read extracted facts to the
    /// query detectors' and sorts them all like [`DetectorSet::run`].
    pub fn finish_matches(
        &self,
        lang: Lang,
        path: &str,
        root: tree_sitter::Node<'_>,
        source: &[u8],
        facts: &FileFacts,
        QueryMatches(mut out): QueryMatches,
    ) -> Vec<DetectorMatch> {
        for &i in self.by_lang.get(&lang).map_or(&[][..], Vec::as_slice) {
            let d = &self.detectors[i];
            if d.meta.source != SourceKind::Query {
                d.run(lang, path, root, source, facts, &mut out);
            }
        }
        sort_matches(&mut out);
        out
    }

    /// Compiles `lang`'s combined detector query now instead of on the
    /// first file of that language (tens of milliseconds per language; a
    /// long-running server does it at start so its first request is not
    /// the one that pays).
    pub fn prepare(&self, lang: Lang) {
        self.combined_query(lang);
    }

    /// `lang`'s combined query, compiled on first use; `None` when the
    /// language has no query detectors or none of them compiled.
    fn combined_query(&self, lang: Lang) -> Option<&combined::CombinedQuery> {
        let indices = self.by_lang.get(&lang)?;
        self.combined
            .get(&lang)?
            .get_or_init(|| self.build_combined(lang, indices))
            .as_ref()
    }

    fn build_combined(&self, lang: Lang, indices: &[usize]) -> Option<combined::CombinedQuery> {
        let started = std::time::Instant::now();
        let built = combined::build(lang, &self.detectors, indices);
        tracing::debug!(
            %lang,
            patterns = built.as_ref().map_or(0, |c| c.patterns.len()),
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "combined detector query compiled"
        );
        built
    }

    /// [`DetectorSet::run`] with the combined query run by tree-sitter's
    /// `QueryCursor` instead of the walk matcher: the reference it must
    /// equal, kept to check it and to benchmark against it.
    pub fn run_with_cursor(
        &self,
        lang: Lang,
        path: &str,
        root: tree_sitter::Node<'_>,
        source: &[u8],
        facts: &FileFacts,
    ) -> Vec<DetectorMatch> {
        let hits = self.query_hits_in_pieces(lang, root, source, None, Engine::Cursor);
        self.finish(lang, path, root, source, facts, hits)
    }

    /// Reference path: every query detector walks the tree with its own
    /// cursor, one query per block (compiled once per detector and
    /// language). Same result as [`DetectorSet::run`], much slower; kept
    /// to check the combined pass and to benchmark against it.
    pub fn run_per_detector(
        &self,
        lang: Lang,
        path: &str,
        root: tree_sitter::Node<'_>,
        source: &[u8],
        facts: &FileFacts,
    ) -> Vec<DetectorMatch> {
        let mut out = Vec::new();
        if let Some(indices) = self.by_lang.get(&lang) {
            for &i in indices {
                self.detectors[i].run(lang, path, root, source, facts, &mut out);
            }
        }
        sort_matches(&mut out);
        out
    }

    /// Runs one detector (by id) over one tree.
    pub fn run_detector(
        &self,
        id: &str,
        lang: Lang,
        path: &str,
        root: tree_sitter::Node<'_>,
        source: &[u8],
        facts: &FileFacts,
    ) -> Vec<DetectorMatch> {
        let mut out = Vec::new();
        if let Some(d) = self.get(id)
            && d.meta.languages.contains(&lang)
        {
            d.run(lang, path, root, source, facts, &mut out);
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn detector_set_is_send_and_sync() {
        assert_send_sync::<DetectorSet>();
    }

    #[test]
    fn prepare_compiles_a_language_ahead_of_use() {
        let set = DetectorSet::builtin();
        let compiled = |l: Lang| set.combined.get(&l).and_then(|c| c.get()).is_some();
        assert!(!compiled(Lang::Python));
        set.prepare(Lang::Python);
        assert!(compiled(Lang::Python));
        assert!(!compiled(Lang::Go));
    }

    #[test]
    fn file_subject_pseudo_captures() {
        let s = FileSubject::new(Lang::TypeScript, "src/a/user-service.test.ts");
        assert_eq!(s.text("stem").as_deref(), Some("user-service"));
        assert_eq!(s.text("file").as_deref(), Some("user-service.test.ts"));
        assert_eq!(s.text("ext").as_deref(), Some("ts"));
        assert_eq!(s.text("dir").as_deref(), Some("src/a"));
        let s = FileSubject::new(Lang::JavaScript, ".eslintrc.js");
        assert_eq!(s.text("stem").as_deref(), Some(".eslintrc"));
    }

    fn parse(lang: Lang, code: &str) -> tree_sitter::Tree {
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&lang.grammar().unwrap()).unwrap();
        parser.parse(code, None).unwrap()
    }

    #[test]
    fn a_bad_block_is_left_out_of_the_combined_query_only() {
        let good = r#"
id = "x/throws"
category = "x"
name = "t"
description = "d"
severity = "info"
[[query]]
languages = ["typescript"]
pattern = '((throw_statement) @match (#set! variant "throw"))'
[[query]]
languages = ["typescript"]
pattern = '((call_expression function: (identifier) @f (#eq? @f "fail")) @match (#set! variant "fail"))'
"#;
        let bad = r#"
id = "x/bad"
category = "x"
name = "b"
description = "d"
severity = "info"
default_variant = "v"
[[query]]
languages = ["typescript"]
pattern = '(no_such_node) @match'
"#;
        // Lazy loading: the bad query is only found at first use.
        let (set, errors) = DetectorSet::load([("good", good), ("bad", bad)], false);
        assert!(errors.is_empty(), "{errors:?}");
        let code = "fail(1);\nthrow new Error('x');\n";
        let tree = parse(Lang::TypeScript, code);
        let facts = FileFacts::default();
        let got = set.run(
            Lang::TypeScript,
            "a.ts",
            tree.root_node(),
            code.as_bytes(),
            &facts,
        );
        let variants: Vec<(&str, &str)> = got
            .iter()
            .map(|m| (m.detector.as_str(), m.variant.as_str()))
            .collect();
        assert_eq!(variants, [("x/throws", "fail"), ("x/throws", "throw")]);
        let reference = set.run_per_detector(
            Lang::TypeScript,
            "a.ts",
            tree.root_node(),
            code.as_bytes(),
            &facts,
        );
        assert_eq!(got, reference);
    }

    #[test]
    fn combined_pass_equals_per_detector_pass_on_mixed_code() {
        let set = DetectorSet::builtin();
        let code = "import { a } from './a';\nexport async function getUser(id: any): Promise<User> {\n  try { return await db.query(`SELECT * FROM u WHERE id = ${id}`); }\n  catch (e) { console.log('x', e); throw new Error('bad'); }\n}\nconst k = Math.random() as number;\n// TODO: fix\ninterface IThing { x: number }\n";
        let tree = parse(Lang::TypeScript, code);
        let facts = crate::extract::extract(Lang::TypeScript, tree.root_node(), code.as_bytes());
        let path = "src/user-service.ts";
        let got = set.run(
            Lang::TypeScript,
            path,
            tree.root_node(),
            code.as_bytes(),
            &facts,
        );
        let reference = set.run_per_detector(
            Lang::TypeScript,
            path,
            tree.root_node(),
            code.as_bytes(),
            &facts,
        );
        assert!(got.len() > 10, "{got:?}");
        assert_eq!(got, reference);
    }

    #[test]
    fn every_builtin_language_runs_on_the_walk_matcher() {
        let set = DetectorSet::builtin();
        for lang in Lang::ALL {
            let combined = set.combined_query(lang).expect("builtin patterns");
            assert!(combined.fast.is_some(), "{lang}");
            assert!(
                !combined.cursor_compiled(),
                "{lang}: the walk needs no tree-sitter query"
            );
            // tree-sitter numbers the patterns and captures as the walk does.
            assert!(combined.cursor().is_some(), "{lang}");
        }
    }

    fn splittable(set: &DetectorSet, lang: Lang) -> bool {
        set.combined_query(lang)
            .and_then(|c| c.cursor())
            .is_some_and(|c| c.splittable)
    }

    #[test]
    fn builtin_queries_can_run_piecewise_in_every_language() {
        let set = DetectorSet::builtin();
        for lang in Lang::ALL {
            assert!(splittable(&set, lang), "{lang}");
        }
    }

    #[test]
    fn a_language_with_a_pattern_the_walk_cannot_read_runs_on_the_cursor() {
        let rule = "id = \"x/r\"\ncategory = \"x\"\nname = \"r\"\ndescription = \"d\"\nseverity = \"info\"\ndefault_variant = \"v\"\n[[query]]\nlanguages = [\"python\"]\npattern = '(argument_list (integer)+ @n) @match'\n";
        let (mut set, errors) = DetectorSet::load([("r", rule)], true);
        assert!(errors.is_empty(), "{errors:?}");
        set.merge(DetectorSet::builtin());
        let python = set.combined_query(Lang::Python).expect("patterns");
        assert!(
            python.fast.is_none(),
            "repetition is read by the cursor only"
        );
        let typescript = set.combined_query(Lang::TypeScript).expect("patterns");
        assert!(typescript.fast.is_some(), "other languages keep the walk");
        let code = "f(1, 2)\ng(x)\ntry:\n    h()\nexcept Exception:\n    pass\n";
        let tree = parse(Lang::Python, code);
        let facts = crate::extract::extract(Lang::Python, tree.root_node(), code.as_bytes());
        let (root, source) = (tree.root_node(), code.as_bytes());
        let got = set.run(Lang::Python, "a.py", root, source, &facts);
        assert_eq!(
            got,
            set.run_per_detector(Lang::Python, "a.py", root, source, &facts)
        );
        assert_eq!(
            got.iter().filter(|m| m.detector == "x/r").count(),
            1,
            "{got:?}"
        );
        // The one walk of a small file's analysis: extraction gets its own
        // walk, and the matches are the same.
        let analysis = crate::FileAnalyzer::new(Default::default())
            .analyze(Lang::Python, "a.py", source, &set, None)
            .expect("analyzed")
            .facts;
        assert_eq!(analysis.matches, got);
        assert_eq!(analysis.calls, facts.calls);
        assert!(!facts.calls.is_empty());
    }

    #[test]
    fn supertype_and_sibling_patterns_keep_one_whole_tree_pass() {
        let rule = |pattern: &str| {
            format!(
                "id = \"x/p\"\ncategory = \"x\"\nname = \"p\"\ndescription = \"d\"\nseverity = \"info\"\ndefault_variant = \"v\"\n[[query]]\nlanguages = [\"python\"]\npattern = '{pattern}'\n"
            )
        };
        let code = "# a\ndef f():\n    return g(1) + 2\n";
        let tree = parse(Lang::Python, code);
        for (pattern, expected) in [
            ("(expression) @match", 2),
            ("((comment) @match . (function_definition))", 1),
            ("(call) @match", 1),
        ] {
            let text = rule(pattern);
            let (set, errors) = DetectorSet::load([("r", text.as_str())], true);
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(
                splittable(&set, Lang::Python),
                pattern == "(call) @match",
                "{pattern}"
            );
            let facts = FileFacts::default();
            let (root, source) = (tree.root_node(), code.as_bytes());
            let run = |pieces: Option<usize>| {
                let hits =
                    set.query_hits_in_pieces(Lang::Python, root, source, pieces, Engine::Walk);
                set.finish(Lang::Python, "a.py", root, source, &facts, hits)
            };
            let (whole, pieces) = (run(None), run(Some(1)));
            assert_eq!(whole.len(), expected, "{pattern}: {whole:?}");
            assert_eq!(pieces, whole, "{pattern}");
        }
    }

    #[test]
    fn snippets_are_one_trimmed_line() {
        assert_eq!(snippet_of("\n  foo(a,\n b)"), "foo(a,");
        let long = "x".repeat(200);
        assert_eq!(snippet_of(&long).chars().count(), 121);
    }
}
