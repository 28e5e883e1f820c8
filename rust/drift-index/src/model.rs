//! Values stored in and read back from the index.

use std::collections::BTreeMap;

use drift_core::{Lang, Span, SymbolKind};
use serde::{Deserialize, Serialize};

/// How a file ended up in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// Parsed without syntax errors.
    Ok,
    /// Parsed, but the tree had ERROR/MISSING nodes or the bytes were not
    /// valid UTF-8; facts are what could be extracted.
    Partial,
    /// Not parsed; see [`SkipReason`].
    Skipped,
}

impl FileStatus {
    pub fn id(self) -> &'static str {
        match self {
            FileStatus::Ok => "ok",
            FileStatus::Partial => "partial",
            FileStatus::Skipped => "skipped",
        }
    }

    pub fn from_id(id: &str) -> Option<FileStatus> {
        match id {
            "ok" => Some(FileStatus::Ok),
            "partial" => Some(FileStatus::Partial),
            "skipped" => Some(FileStatus::Skipped),
            _ => None,
        }
    }
}

/// Why a file was not parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Larger than the configured maximum size.
    TooLarge,
    /// A NUL byte in the first 8 KiB.
    Binary,
    /// Generated code (`@generated` / `DO NOT EDIT` header) or minified
    /// code (very long lines on average).
    Generated,
    /// Could not be opened or read (permissions, FIFO, vanished, ...).
    Unreadable,
    /// A symbolic link that points to itself or an ancestor, or dangles.
    SymlinkLoop,
    /// The walker reported an error for this entry.
    WalkError,
    /// Parsing exceeded the per-file time limit.
    ParseTimeout,
    /// The grammar for the language is not compiled in or failed to load.
    GrammarUnavailable,
    /// The analyzer failed (panicked) on this file; a bug in Drift.
    AnalyzerError,
}

impl SkipReason {
    pub const ALL: [SkipReason; 9] = [
        SkipReason::TooLarge,
        SkipReason::Binary,
        SkipReason::Generated,
        SkipReason::Unreadable,
        SkipReason::SymlinkLoop,
        SkipReason::WalkError,
        SkipReason::ParseTimeout,
        SkipReason::GrammarUnavailable,
        SkipReason::AnalyzerError,
    ];

    pub fn id(self) -> &'static str {
        match self {
            SkipReason::TooLarge => "too_large",
            SkipReason::Binary => "binary",
            SkipReason::Generated => "generated",
            SkipReason::Unreadable => "unreadable",
            SkipReason::SymlinkLoop => "symlink_loop",
            SkipReason::WalkError => "walk_error",
            SkipReason::ParseTimeout => "parse_timeout",
            SkipReason::GrammarUnavailable => "grammar_unavailable",
            SkipReason::AnalyzerError => "analyzer_error",
        }
    }

    pub fn from_id(id: &str) -> Option<SkipReason> {
        SkipReason::ALL.into_iter().find(|r| r.id() == id)
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// A file that was found but not parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedFile {
    /// Root-relative path with `/` separators.
    pub path: String,
    pub lang: Option<Lang>,
    pub reason: SkipReason,
    /// Human-readable detail (`20971520 bytes > 1048576`, an OS error, ...).
    pub detail: String,
}

/// Severity of a violation. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn id(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn from_id(id: &str) -> Option<Severity> {
        match id.to_ascii_lowercase().as_str() {
            "hint" => Some(Severity::Hint),
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }

    /// Numeric rank used for `>=` filters in SQL.
    pub fn rank(self) -> i64 {
        match self {
            Severity::Hint => 0,
            Severity::Info => 1,
            Severity::Warning => 2,
            Severity::Error => 3,
        }
    }

    pub fn from_rank(rank: i64) -> Severity {
        match rank {
            i64::MIN..=0 => Severity::Hint,
            1 => Severity::Info,
            2 => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One place where a variant was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    pub path: String,
    pub span: Span,
    pub snippet: String,
}

/// One way of doing the thing a pattern is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub name: String,
    /// Matches of this variant.
    pub count: u32,
    /// Files with at least one match of this variant.
    pub file_count: u32,
    /// Share of the pattern's occurrences (0..=1) as computed by learning.
    pub share: f64,
    /// A few representative locations.
    pub examples: Vec<Example>,
}

/// A learned convention: what a detector saw across the project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pattern {
    /// Stable id (usually the detector id, optionally scoped by language).
    pub id: String,
    pub detector: String,
    pub category: String,
    pub name: String,
    pub description: String,
    /// Language the pattern was learned for, if language-specific.
    pub lang: Option<Lang>,
    /// The dominant variant: the convention.
    pub dominant: String,
    /// Confidence in the dominant variant (0..=1).
    pub confidence: f64,
    /// Learning tier, as reported by the learner (`established`, `emerging`, ...).
    pub tier: String,
    pub occurrences: u32,
    pub file_count: u32,
    /// Variants, most used first.
    pub variants: Vec<Variant>,
}

/// A place that deviates from a learned pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    pub pattern_id: String,
    pub path: String,
    pub span: Span,
    /// The variant found here.
    pub found: String,
    /// The dominant variant expected.
    pub expected: String,
    pub severity: Severity,
    pub message: String,
    pub snippet: String,
}

/// A symbol row as returned by queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SymbolHit {
    pub path: String,
    pub lang: Lang,
    pub name: String,
    /// In-file qualified name (`Service.run`).
    pub local_name: String,
    /// Project-wide qualified name (`src.svc.Service.run`, see
    /// `drift_core::naming`).
    pub qualified_name: String,
    pub kind: SymbolKind,
    pub span: Span,
    pub exported: bool,
    pub signature: String,
}

/// An import row as returned by queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub source: String,
    pub imported: String,
    pub local: String,
    pub kind: drift_core::ImportKind,
    pub span: Span,
}

/// A detector match row as returned by queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchRow {
    pub path: String,
    pub lang: Lang,
    pub detector: String,
    pub variant: String,
    pub span: Span,
    pub snippet: String,
}

impl MatchRow {
    pub fn new(path: &str, lang: Lang, m: drift_core::DetectorMatch) -> MatchRow {
        MatchRow {
            path: path.to_string(),
            lang,
            detector: m.detector,
            variant: m.variant,
            span: m.span,
            snippet: m.snippet,
        }
    }
}

/// Everything the index knows about one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileInfo {
    pub path: String,
    pub lang: Option<Lang>,
    pub status: FileStatus,
    pub size: u64,
    pub hash: Option<String>,
    pub error_count: u32,
    pub line_count: u32,
    pub skip: Option<SkippedFile>,
    pub symbols: Vec<SymbolHit>,
    pub imports: Vec<ImportRow>,
    pub matches: Vec<MatchRow>,
    pub violations: Vec<Violation>,
}

/// What the scanner remembers about a file to decide whether it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Content hash (blake3, hex); `None` for files skipped before reading.
    pub hash: Option<String>,
    pub status: FileStatus,
    pub skip_reason: Option<SkipReason>,
}

/// Information about the last completed scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanMeta {
    /// Unix seconds.
    pub started_at: i64,
    /// Unix seconds.
    pub finished_at: i64,
    pub duration_ms: u64,
    pub full: bool,
    pub parsed: u64,
    pub unchanged: u64,
    pub removed: u64,
}

/// Counts for `drift status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexSummary {
    /// Parsed files (ok + partial) by language.
    pub files_by_lang: BTreeMap<Lang, u64>,
    pub files: u64,
    pub ok: u64,
    pub partial: u64,
    pub skipped: u64,
    pub symbols: u64,
    pub imports: u64,
    pub calls: u64,
    pub matches: u64,
    pub patterns: u64,
    pub violations_by_severity: BTreeMap<Severity, u64>,
    pub last_scan: Option<ScanMeta>,
    /// A scan started and did not finish (killed or crashed); the previous
    /// patterns are still in place and the next scan repairs the index.
    pub scan_interrupted: bool,
}

/// What a scan reports of the whole index ([`crate::Index::scan_counts`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanCounts {
    /// Parsed files (ok + partial) by language.
    pub files_by_lang: BTreeMap<Lang, u64>,
    pub patterns: u64,
    pub violations: u64,
}

/// Filter for [`crate::Index::patterns`].
#[derive(Debug, Clone, Default)]
pub struct PatternFilter {
    pub category: Option<String>,
    pub detector: Option<String>,
    pub min_confidence: Option<f64>,
    pub tier: Option<String>,
    pub lang: Option<Lang>,
    pub limit: Option<usize>,
}

/// Filter for [`crate::Index::violations`].
#[derive(Debug, Clone, Default)]
pub struct ViolationFilter {
    /// Exact path.
    pub path: Option<String>,
    /// Path prefix (`src/api/`).
    pub path_prefix: Option<String>,
    /// Minimum severity.
    pub min_severity: Option<Severity>,
    pub pattern_id: Option<String>,
    pub limit: Option<usize>,
}

/// One file's outcome of a scan, written in a chunk transaction.
#[derive(Debug, Clone)]
pub enum FileWrite {
    /// Freshly analysed: replaces the file's stored facts.
    Analyzed {
        path: String,
        lang: Lang,
        size: u64,
        mtime_ns: i64,
        hash: String,
        /// Bytes were not valid UTF-8 (forces status partial).
        lossy: bool,
        facts: Box<drift_core::FileFacts>,
    },
    /// Found but not parsed: replaces any stored facts by a skip record.
    Skipped {
        file: SkippedFile,
        size: u64,
        mtime_ns: i64,
        hash: Option<String>,
    },
    /// Content unchanged but metadata changed (mtime touched): only the
    /// stat data is updated, facts are kept.
    Touched {
        path: String,
        size: u64,
        mtime_ns: i64,
    },
}
