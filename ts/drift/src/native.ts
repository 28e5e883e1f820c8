/**
 * The shapes exchanged with the native addon (`rust/drift-napi`). These are
 * kept in step with the Rust `#[napi(object)]` structs by hand; the API tests
 * exercise every field. All counts are plain numbers; spans are 1-based.
 */

/** Scan phases, in order. */
export type ScanPhase = "discover" | "parse" | "learn" | "store";

/** A progress event: `done` of `total` units of `phase` (`total` 0 = unknown). */
export interface ScanProgress {
  phase: ScanPhase;
  done: number;
  total: number;
}

/** Options understood by the addon's `scan`. */
export interface NativeScanOptions {
  /** Rebuild the index from scratch instead of scanning incrementally. */
  full?: boolean | undefined;
  /** Worker threads (default: one per core). */
  threads?: number | undefined;
  /** Root-relative globs; when given, only matching files are scanned (added to drift.toml's). */
  include?: string[] | undefined;
  /** Root-relative gitignore-style globs to exclude (added to drift.toml's). */
  exclude?: string[] | undefined;
  /** Language ids to scan (`typescript`, `python`, ...); default: all. */
  languages?: string[] | undefined;
  /** Skip files larger than this many bytes. */
  maxFileSize?: number | undefined;
  /** Read `.drift/drift.toml` when present (default true). */
  useConfig?: boolean | undefined;
}

/** A 1-based source range (columns count bytes). */
export interface Span {
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
}

/** A file that was found but not parsed. */
export interface SkippedFile {
  path: string;
  lang?: string | undefined;
  /** `too_large`, `binary`, `generated`, `unreadable`, `symlink_loop`, `walk_error`, `parse_timeout`, `grammar_unavailable`. */
  reason: string;
  detail: string;
}

/** A file parsed with syntax errors (facts are what the tree allowed). */
export interface PartialFile {
  path: string;
  errorCount: number;
}

/** A problem in a detector rule file (the scan still ran). */
export interface RuleError {
  path: string;
  line: number;
  column: number;
  message: string;
}

/** Wall-clock time per phase, in milliseconds. */
export interface PhaseDurations {
  discoverMs: number;
  parseMs: number;
  learnMs: number;
  storeMs: number;
  totalMs: number;
}

/** A count per language id. */
export interface LangCount {
  lang: string;
  files: number;
}

/** What one scan did. */
export interface ScanReport {
  /** The project root, resolved to an absolute path. */
  root: string;
  /** Whether this was a full rebuild (asked for, or forced by a config/rule change). */
  full: boolean;
  /** Indexed (ok + partial) files by language. */
  filesByLang: LangCount[];
  /** Entries found by discovery (to analyse + skipped). */
  discovered: number;
  /** Files read and analysed in this scan. */
  parsed: number;
  /** Files whose stored facts were reused. */
  unchanged: number;
  /** Files dropped from the index. */
  removed: number;
  skipped: SkippedFile[];
  partial: PartialFile[];
  patterns: number;
  violations: number;
  ruleErrors: RuleError[];
  durations: PhaseDurations;
}

/** The last completed scan. */
export interface LastScan {
  /** Unix seconds. */
  startedAt: number;
  /** Unix seconds. */
  finishedAt: number;
  durationMs: number;
  full: boolean;
  parsed: number;
  unchanged: number;
  removed: number;
}

/** A count per severity. */
export interface SeverityCount {
  severity: Severity;
  count: number;
}

/** Files changed on disk since the last scan. */
export interface Staleness {
  modified: string[];
  added: string[];
  deleted: string[];
}

/** The state of a project's index. */
export interface ProjectStatus {
  root: string;
  files: number;
  ok: number;
  partial: number;
  skipped: number;
  symbols: number;
  imports: number;
  calls: number;
  matches: number;
  patterns: number;
  filesByLang: LangCount[];
  violationsBySeverity: SeverityCount[];
  lastScan?: LastScan | undefined;
  /** A scan started and did not finish; the next scan repairs the index. */
  scanInterrupted: boolean;
  stale: Staleness;
  /** drift.toml or the rule set changed since the last scan (next scan is full). */
  configChanged: boolean;
}

export type Severity = "hint" | "info" | "warning" | "error";

/** A place where a variant was seen. */
export interface Example {
  path: string;
  span: Span;
  snippet: string;
}

/** One way of doing what a convention is about. */
export interface Variant {
  name: string;
  count: number;
  fileCount: number;
  /** Share of the convention's occurrences, 0..1. */
  share: number;
  examples: Example[];
}

/** A learned convention (a pattern with its dominant variant). */
export interface Convention {
  id: string;
  detector: string;
  category: string;
  name: string;
  description: string;
  lang?: string | undefined;
  /** The dominant variant: the convention itself. */
  dominant: string;
  /** Confidence in the dominant variant, 0..1. */
  confidence: number;
  /** `established`, `emerging`, `contested`, ... */
  tier: string;
  occurrences: number;
  fileCount: number;
  /** Most used first. */
  variants: Variant[];
}

export interface ConventionFilter {
  category?: string | undefined;
  detector?: string | undefined;
  minConfidence?: number | undefined;
  tier?: string | undefined;
  lang?: string | undefined;
  limit?: number | undefined;
}

/** A place that deviates from a learned convention. */
export interface Violation {
  patternId: string;
  path: string;
  span: Span;
  found: string;
  expected: string;
  severity: Severity;
  message: string;
  snippet: string;
}

export interface ViolationFilter {
  /** Exact root-relative path. */
  path?: string | undefined;
  /** Path prefix, e.g. `src/api/`. */
  pathPrefix?: string | undefined;
  minSeverity?: Severity | undefined;
  patternId?: string | undefined;
  limit?: number | undefined;
}

/** A declaration in the index. */
export interface SymbolInfo {
  path: string;
  lang: string;
  name: string;
  /** In-file qualified name (`Service.run`). */
  localName: string;
  /** Project-wide qualified name (`src.svc.Service.run`). */
  qualifiedName: string;
  kind: string;
  span: Span;
  exported: boolean;
  signature: string;
}

export interface SymbolQuery {
  /** Substring of the name or qualified name; exact matches rank first. */
  query: string;
  /** Default 50. */
  limit?: number | undefined;
}

export interface ImportInfo {
  source: string;
  imported: string;
  local: string;
  kind: string;
  span: Span;
}

export interface MatchInfo {
  detector: string;
  variant: string;
  span: Span;
  snippet: string;
}

/** Everything the index knows about one file. */
export interface FileInfo {
  path: string;
  lang?: string | undefined;
  /** `ok`, `partial` or `skipped`. */
  status: string;
  size: number;
  hash?: string | undefined;
  errorCount: number;
  lineCount: number;
  skip?: SkippedFile | undefined;
  symbols: SymbolInfo[];
  imports: ImportInfo[];
  matches: MatchInfo[];
  violations: Violation[];
}

/** A node of the call graph (function, method, constructor or module). */
export interface GraphNode {
  qualifiedName: string;
  name: string;
  kind: string;
  path: string;
  lang: string;
  line: number;
  endLine: number;
  exported: boolean;
}

/** A resolved call between two nodes. */
export interface CallEdge {
  caller: GraphNode;
  callee: GraphNode;
  /** How the call was resolved (`import`, `method_self`, `type_inference`, ...). */
  strategy: string;
  confidence: number;
  /** Line of the first call site. */
  line: number;
  /** Number of call sites. */
  sites: number;
  /** Distance from the queried symbol (1 = direct). */
  depth: number;
}

export interface GraphQueryOptions {
  /** Transitive depth, at least 1 (default 1 for callers/callees, unlimited for impact). */
  depth?: number | undefined;
  /** Do not follow edges resolved with less confidence (0..1, default 0; callers/callees only). */
  minConfidence?: number | undefined;
  /** Maximum number of edges / affected nodes returned (default 500). */
  limit?: number | undefined;
}

/** A node reached by an impact query. */
export interface ImpactedNode {
  node: GraphNode;
  /** Distance from the target (1 = direct caller). */
  depth: number;
  /** Qualified names from this caller down to the target (inclusive): one shortest path. */
  path: string[];
}

/** An entry point reached by an impact query. */
export interface EntryPointInfo {
  node: GraphNode;
  /** `main`, `main_guard`, `exported_api`, `route_handler`, `test` or `framework_hook`. */
  reason: string;
}

/** What breaks if a symbol changes: its transitive callers. */
export interface ImpactReport {
  target: GraphNode;
  affected: ImpactedNode[];
  /** Files holding affected code, sorted. */
  files: string[];
  /** Entry points among the target and its affected callers. */
  entryPoints: EntryPointInfo[];
  /** Whether `limit` cut the result short. */
  truncated: boolean;
}

/** The native cancellation handle. */
export interface NativeCancellation {
  cancel(): void;
  readonly cancelled: boolean;
}

/** Everything the addon exports. */
export interface NativeBinding {
  version(): string;
  scan(
    root: string,
    options: NativeScanOptions | undefined | null,
    onProgress: ((progress: ScanProgress) => void) | undefined | null,
    cancellation: NativeCancellation | undefined | null,
  ): Promise<ScanReport>;
  status(root: string): Promise<ProjectStatus>;
  conventions(
    root: string,
    filter: ConventionFilter | undefined | null,
  ): Promise<Convention[]>;
  violations(
    root: string,
    filter: ViolationFilter | undefined | null,
  ): Promise<Violation[]>;
  fileInfo(root: string, path: string): Promise<FileInfo>;
  symbols(root: string, query: SymbolQuery): Promise<SymbolInfo[]>;
  callers(
    root: string,
    symbol: string,
    options: GraphQueryOptions | undefined | null,
  ): Promise<CallEdge[]>;
  callees(
    root: string,
    symbol: string,
    options: GraphQueryOptions | undefined | null,
  ): Promise<CallEdge[]>;
  impact(
    root: string,
    symbol: string,
    options: GraphQueryOptions | undefined | null,
  ): Promise<ImpactReport>;
  Cancellation: new () => NativeCancellation;
}
