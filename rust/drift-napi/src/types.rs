//! The plain objects handed to JavaScript (`#[napi(object)]`: copied into JS
//! objects, camelCase field names). `ts/drift/src/native.ts` declares the
//! same shapes for TypeScript; keep the two in step.
//!
//! Counts are `i64` (JS numbers; saturated, never wrapped), lines and
//! columns `u32`, durations `f64` milliseconds. Enum-like values are their
//! stable lowercase ids (`"typescript"`, `"too_large"`, `"warning"`).

use napi_derive::napi;

/// A progress event: `done` of `total` units of `phase` (`total` 0 = unknown).
#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct ScanProgress {
    /// `discover`, `parse`, `learn` or `store`.
    pub phase: String,
    pub done: i64,
    pub total: i64,
}

/// Options of `scan`. Every field is optional.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Rebuild the index from scratch instead of scanning incrementally.
    pub full: Option<bool>,
    /// Worker threads (default: one per core).
    pub threads: Option<u32>,
    /// Root-relative globs; only matching files are scanned (added to drift.toml's).
    pub include: Option<Vec<String>>,
    /// Root-relative gitignore-style globs excluded (added to drift.toml's).
    pub exclude: Option<Vec<String>>,
    /// Language ids to scan (replaces drift.toml's list).
    pub languages: Option<Vec<String>>,
    /// Skip files larger than this many bytes.
    pub max_file_size: Option<f64>,
    /// Read `.drift/drift.toml` when present (default true).
    pub use_config: Option<bool>,
}

/// A 1-based source range; columns count bytes.
#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub start_line: u32,
    pub start_col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedFile {
    pub path: String,
    pub lang: Option<String>,
    pub reason: String,
    pub detail: String,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct PartialFile {
    pub path: String,
    pub error_count: u32,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct RuleError {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseDurations {
    pub discover_ms: f64,
    pub parse_ms: f64,
    pub learn_ms: f64,
    pub store_ms: f64,
    pub total_ms: f64,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct LangCount {
    pub lang: String,
    pub files: i64,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct ScanReport {
    pub root: String,
    pub full: bool,
    pub files_by_lang: Vec<LangCount>,
    pub discovered: i64,
    pub parsed: i64,
    pub unchanged: i64,
    pub removed: i64,
    pub skipped: Vec<SkippedFile>,
    pub partial: Vec<PartialFile>,
    pub patterns: i64,
    pub violations: i64,
    pub rule_errors: Vec<RuleError>,
    pub durations: PhaseDurations,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct LastScan {
    pub started_at: i64,
    pub finished_at: i64,
    pub duration_ms: f64,
    pub full: bool,
    pub parsed: i64,
    pub unchanged: i64,
    pub removed: i64,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct SeverityCount {
    pub severity: String,
    pub count: i64,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct Staleness {
    pub modified: Vec<String>,
    pub added: Vec<String>,
    pub deleted: Vec<String>,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectStatus {
    pub root: String,
    pub files: i64,
    pub ok: i64,
    pub partial: i64,
    pub skipped: i64,
    pub symbols: i64,
    pub imports: i64,
    pub calls: i64,
    pub matches: i64,
    pub patterns: i64,
    pub files_by_lang: Vec<LangCount>,
    pub violations_by_severity: Vec<SeverityCount>,
    pub last_scan: Option<LastScan>,
    pub scan_interrupted: bool,
    pub stale: Staleness,
    pub config_changed: bool,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub path: String,
    pub span: Span,
    pub snippet: String,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub count: u32,
    pub file_count: u32,
    pub share: f64,
    pub examples: Vec<Example>,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct Convention {
    pub id: String,
    pub detector: String,
    pub category: String,
    pub name: String,
    pub description: String,
    pub lang: Option<String>,
    pub dominant: String,
    pub confidence: f64,
    pub tier: String,
    pub occurrences: u32,
    pub file_count: u32,
    pub variants: Vec<Variant>,
}

#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ConventionFilter {
    pub category: Option<String>,
    pub detector: Option<String>,
    pub min_confidence: Option<f64>,
    pub tier: Option<String>,
    pub lang: Option<String>,
    pub limit: Option<u32>,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub pattern_id: String,
    pub path: String,
    pub span: Span,
    pub found: String,
    pub expected: String,
    pub severity: String,
    pub message: String,
    pub snippet: String,
}

#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ViolationFilter {
    pub path: Option<String>,
    pub path_prefix: Option<String>,
    pub min_severity: Option<String>,
    pub pattern_id: Option<String>,
    pub limit: Option<u32>,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct SymbolInfo {
    pub path: String,
    pub lang: String,
    pub name: String,
    pub local_name: String,
    pub qualified_name: String,
    pub kind: String,
    pub span: Span,
    pub exported: bool,
    pub signature: String,
}

#[napi(object)]
#[derive(Debug, Clone)]
pub struct SymbolQuery {
    pub query: String,
    pub limit: Option<u32>,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct ImportInfo {
    pub source: String,
    pub imported: String,
    pub local: String,
    pub kind: String,
    pub span: Span,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct MatchInfo {
    pub detector: String,
    pub variant: String,
    pub span: Span,
    pub snippet: String,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct FileInfo {
    pub path: String,
    pub lang: Option<String>,
    pub status: String,
    pub size: f64,
    pub hash: Option<String>,
    pub error_count: u32,
    pub line_count: u32,
    pub skip: Option<SkippedFile>,
    pub symbols: Vec<SymbolInfo>,
    pub imports: Vec<ImportInfo>,
    pub matches: Vec<MatchInfo>,
    pub violations: Vec<Violation>,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct GraphNode {
    pub qualified_name: String,
    pub name: String,
    pub kind: String,
    pub path: String,
    pub lang: String,
    pub line: u32,
    pub end_line: u32,
    pub exported: bool,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct CallEdge {
    pub caller: GraphNode,
    pub callee: GraphNode,
    pub strategy: String,
    pub confidence: f64,
    pub line: u32,
    pub sites: u32,
    pub depth: u32,
}

#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct GraphQueryOptions {
    pub depth: Option<u32>,
    pub min_confidence: Option<f64>,
    pub limit: Option<u32>,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactedNode {
    pub node: GraphNode,
    pub depth: u32,
    /// Qualified names from this caller down to the target (inclusive).
    pub path: Vec<String>,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct EntryPointInfo {
    pub node: GraphNode,
    /// `main`, `main_guard`, `exported_api`, `route_handler`, `test`, `framework_hook`.
    pub reason: String,
}

#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactReport {
    pub target: GraphNode,
    pub affected: Vec<ImpactedNode>,
    pub files: Vec<String>,
    pub entry_points: Vec<EntryPointInfo>,
    pub truncated: bool,
}
