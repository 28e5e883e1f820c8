//! The addon's operations over the engine crates, in plain Rust (no napi
//! types besides the `#[napi(object)]` structs), so they are unit-testable.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};

use drift_callgraph::{CallGraph, Lookup, NodeId};
use drift_core::Lang;
use drift_index::{Index, IndexError, PatternFilter, Severity, ViolationFilter};
use drift_scan::{Progress, Project, ScanConfig, ScanError};

use crate::error::{DriftError, DriftResult, ErrorCode};
use crate::types as js;

/// Default result limit of symbol and graph queries.
pub const DEFAULT_LIMIT: u32 = 500;
/// Default symbol search limit.
pub const DEFAULT_SYMBOL_LIMIT: u32 = 50;

// ---------------------------------------------------------------------------
// Roots, configuration and opening
// ---------------------------------------------------------------------------

/// Canonicalises `root` and checks it is a directory.
pub fn resolve_root(root: &str) -> DriftResult<PathBuf> {
    if root.is_empty() {
        return Err(DriftError::new(
            ErrorCode::InvalidRoot,
            "root must be a non-empty path",
        ));
    }
    let path = Path::new(root);
    let canonical = path.canonicalize().map_err(|err| {
        DriftError::new(
            ErrorCode::InvalidRoot,
            format!("project root {root}: {err}"),
        )
    })?;
    if !canonical.is_dir() {
        return Err(DriftError::new(
            ErrorCode::InvalidRoot,
            format!("project root {root} is not a directory"),
        ));
    }
    Ok(canonical)
}

/// The index file of a project: `<root>/.drift/drift.db`, or `drift.db` in
/// the directory named by `DRIFT_INDEX_DIR`.
pub fn db_path(root: &Path) -> PathBuf {
    drift_config::paths::index_file(root, drift_config::paths::index_dir_from_env().as_deref())
}

/// Maps `.drift/drift.toml` (when `use_config`) and the call's options to the
/// engine's scan configuration.
pub fn scan_config(root: &Path, options: &js::ScanOptions) -> DriftResult<ScanConfig> {
    let mut config = if options.use_config.unwrap_or(true) {
        let cfg = drift_config::Config::load_or_default(root)
            .map_err(|err| DriftError::new(ErrorCode::Config, err.to_string()))?;
        ScanConfig::from_project_config(&cfg)
    } else {
        ScanConfig::default()
    };
    config.db_path = Some(db_path(root));
    if let Some(include) = &options.include {
        config.include.extend(include.iter().cloned());
    }
    if let Some(exclude) = &options.exclude {
        config.exclude.extend(exclude.iter().cloned());
    }
    if let Some(languages) = &options.languages {
        config.languages = languages
            .iter()
            .map(|id| {
                Lang::from_id(id).ok_or_else(|| {
                    DriftError::invalid_argument(format!(
                        "unknown language {id:?} (known: {})",
                        Lang::ALL.map(Lang::id).join(", ")
                    ))
                })
            })
            .collect::<DriftResult<Vec<Lang>>>()?;
    }
    if let Some(max) = options.max_file_size {
        if !(max.is_finite() && max >= 1.0 && max <= u64::MAX as f64) {
            return Err(DriftError::invalid_argument(format!(
                "maxFileSize must be a positive number of bytes, got {max}"
            )));
        }
        config.max_file_size = max as u64;
    }
    if let Some(threads) = options.threads {
        if threads == 0 {
            return Err(DriftError::invalid_argument("threads must be at least 1"));
        }
        config.threads = Some(threads as usize);
    }
    Ok(config)
}

fn scan_error(err: ScanError) -> DriftError {
    let code = match &err {
        ScanError::Root { .. } | ScanError::OutsideRoot(_) => ErrorCode::InvalidRoot,
        ScanError::Glob { .. } | ScanError::UnknownLanguage(_) => ErrorCode::InvalidArgument,
        ScanError::Config(_) | ScanError::IndexOwner { .. } => ErrorCode::Config,
        ScanError::Index(_) | ScanError::Finalizer { .. } => ErrorCode::Index,
        ScanError::Cancelled => ErrorCode::Cancelled,
        ScanError::Analyze { .. } => ErrorCode::Internal,
    };
    if code == ErrorCode::Cancelled {
        return DriftError::cancelled();
    }
    DriftError::new(code, err.to_string())
}

fn index_error(err: IndexError) -> DriftError {
    DriftError::from(err)
}

impl From<IndexError> for DriftError {
    fn from(err: IndexError) -> DriftError {
        DriftError::new(ErrorCode::Index, err.to_string())
    }
}

fn open_project(root: &Path, config: ScanConfig) -> DriftResult<Project> {
    let mut project = Project::open(root, config).map_err(scan_error)?;
    drift_callgraph::attach(&mut project)
        .map_err(|e| DriftError::new(ErrorCode::Index, e.to_string()))?;
    Ok(project)
}

/// Fails with `DRIFT_NOT_INITIALIZED` when the project has no index.
fn require_index(root: &Path) -> DriftResult<PathBuf> {
    let db = db_path(root);
    if !db.is_file() {
        return Err(DriftError::new(
            ErrorCode::NotInitialized,
            format!(
                "{} has no Drift index ({} does not exist); run a scan first",
                root.display(),
                db.display()
            ),
        ));
    }
    Ok(db)
}

/// Opens the index read-only and checks a scan has completed.
fn open_scanned_index(root: &Path) -> DriftResult<Index> {
    let db = require_index(root)?;
    let index = Index::open_read_only(&db).map_err(index_error)?;
    let last = index.meta("last_scan").map_err(index_error)?;
    if last.is_none() {
        return Err(DriftError::new(
            ErrorCode::NotInitialized,
            format!(
                "{} has never completed a scan; run a scan first",
                root.display()
            ),
        ));
    }
    Ok(index)
}

// ---------------------------------------------------------------------------
// Scan
// ---------------------------------------------------------------------------

/// Runs a scan; `progress` receives every engine event (the caller
/// throttles), `cancel` stops it between files.
pub fn scan(
    root: &str,
    options: &js::ScanOptions,
    progress: &dyn Fn(js::ScanProgress),
    cancel: &AtomicBool,
) -> DriftResult<js::ScanReport> {
    let root = resolve_root(root)?;
    if cancel.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(DriftError::cancelled());
    }
    let lock = scan_lock(&root);
    let _guard = wait_for(&lock, cancel)?;
    let config = scan_config(&root, options)?;
    let project = open_project(&root, config)?;
    let scan_options = drift_scan::ScanOptions {
        full: options.full.unwrap_or(false),
        paths: Vec::new(),
    };
    let forward = |p: &Progress| progress(progress_event(p));
    let report = project
        .scan(&scan_options, &forward, cancel)
        .map_err(scan_error)?;
    invalidate_graph(&root);
    Ok(scan_report(&root, report))
}

/// One lock per canonical root: scans of the same project from this process
/// run one after the other (each opens its own `Project`, whose own lock
/// would not serialise them).
fn scan_lock(root: &Path) -> Arc<Mutex<()>> {
    static LOCKS: OnceLock<Mutex<HashMap<PathBuf, Arc<Mutex<()>>>>> = OnceLock::new();
    let mut locks = LOCKS
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    Arc::clone(locks.entry(root.to_path_buf()).or_default())
}

/// Waits for `lock`, giving up with `DRIFT_CANCELLED` if `cancel` is set
/// while waiting.
fn wait_for<'a>(
    lock: &'a Mutex<()>,
    cancel: &AtomicBool,
) -> DriftResult<std::sync::MutexGuard<'a, ()>> {
    loop {
        match lock.try_lock() {
            Ok(guard) => return Ok(guard),
            Err(std::sync::TryLockError::Poisoned(p)) => return Ok(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => {
                if cancel.load(std::sync::atomic::Ordering::SeqCst) {
                    return Err(DriftError::cancelled());
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
    }
}

pub fn progress_event(p: &Progress) -> js::ScanProgress {
    js::ScanProgress {
        phase: serde_id(&p.phase),
        done: count(p.done),
        total: count(p.total),
    }
}

fn scan_report(root: &Path, r: drift_scan::ScanReport) -> js::ScanReport {
    js::ScanReport {
        root: root.display().to_string(),
        full: r.full,
        files_by_lang: lang_counts(&r.files_by_lang),
        discovered: count(r.discovered),
        parsed: count(r.parsed),
        unchanged: count(r.unchanged),
        removed: count(r.removed),
        skipped: r.skipped.into_iter().map(skipped).collect(),
        partial: r
            .partial
            .into_iter()
            .map(|p| js::PartialFile {
                path: p.path,
                error_count: p.error_count,
            })
            .collect(),
        patterns: count(r.patterns),
        violations: count(r.violations),
        rule_errors: r
            .rule_errors
            .into_iter()
            .map(|e| js::RuleError {
                path: e.path,
                line: e.line,
                column: e.column,
                message: e.message,
            })
            .collect(),
        durations: js::PhaseDurations {
            discover_ms: ms(r.durations.discover),
            parse_ms: ms(r.durations.parse),
            learn_ms: ms(r.durations.learn),
            store_ms: ms(r.durations.store),
            total_ms: ms(r.durations.total),
        },
    }
}

// ---------------------------------------------------------------------------
// Queries over the index
// ---------------------------------------------------------------------------

pub fn status(root: &str) -> DriftResult<js::ProjectStatus> {
    let root = resolve_root(root)?;
    require_index(&root)?;
    let config = scan_config(&root, &js::ScanOptions::default())?;
    // Opening the project (not just the index) gives staleness against the
    // configured file set and the config fingerprint.
    let project = Project::open(&root, config).map_err(scan_error)?;
    let st = project.status().map_err(scan_error)?;
    let s = st.summary;
    Ok(js::ProjectStatus {
        root: root.display().to_string(),
        files: count(s.files),
        ok: count(s.ok),
        partial: count(s.partial),
        skipped: count(s.skipped),
        symbols: count(s.symbols),
        imports: count(s.imports),
        calls: count(s.calls),
        matches: count(s.matches),
        patterns: count(s.patterns),
        files_by_lang: lang_counts(&s.files_by_lang),
        violations_by_severity: s
            .violations_by_severity
            .iter()
            .rev()
            .map(|(sev, n)| js::SeverityCount {
                severity: sev.id().to_owned(),
                count: count(*n),
            })
            .collect(),
        last_scan: s.last_scan.map(|m| js::LastScan {
            started_at: m.started_at,
            finished_at: m.finished_at,
            duration_ms: m.duration_ms as f64,
            full: m.full,
            parsed: count(m.parsed),
            unchanged: count(m.unchanged),
            removed: count(m.removed),
        }),
        scan_interrupted: s.scan_interrupted,
        stale: js::Staleness {
            modified: st.stale.modified,
            added: st.stale.added,
            deleted: st.stale.deleted,
        },
        config_changed: st.config_changed,
    })
}

pub fn conventions(root: &str, filter: &js::ConventionFilter) -> DriftResult<Vec<js::Convention>> {
    let root = resolve_root(root)?;
    let lang = filter
        .lang
        .as_deref()
        .map(|id| {
            Lang::from_id(id)
                .ok_or_else(|| DriftError::invalid_argument(format!("unknown language {id:?}")))
        })
        .transpose()?;
    if let Some(c) = filter.min_confidence
        && !(0.0..=1.0).contains(&c)
    {
        return Err(DriftError::invalid_argument(format!(
            "minConfidence must be between 0 and 1, got {c}"
        )));
    }
    let index = open_scanned_index(&root)?;
    let patterns = index
        .patterns(&PatternFilter {
            category: filter.category.clone(),
            detector: filter.detector.clone(),
            min_confidence: filter.min_confidence,
            tier: filter.tier.clone(),
            lang,
            limit: filter.limit.map(|l| l as usize),
        })
        .map_err(index_error)?;
    Ok(patterns.into_iter().map(convention).collect())
}

pub fn violations(root: &str, filter: &js::ViolationFilter) -> DriftResult<Vec<js::Violation>> {
    let root = resolve_root(root)?;
    let min_severity = filter
        .min_severity
        .as_deref()
        .map(|id| {
            Severity::from_id(id).ok_or_else(|| {
                DriftError::invalid_argument(format!(
                    "unknown severity {id:?} (hint, info, warning, error)"
                ))
            })
        })
        .transpose()?;
    let index = open_scanned_index(&root)?;
    let rows = index
        .violations(&ViolationFilter {
            path: filter.path.clone(),
            path_prefix: filter.path_prefix.clone(),
            min_severity,
            pattern_id: filter.pattern_id.clone(),
            limit: filter.limit.map(|l| l as usize),
        })
        .map_err(index_error)?;
    Ok(rows.into_iter().map(violation).collect())
}

pub fn file_info(root: &str, file: &str) -> DriftResult<js::FileInfo> {
    let root = resolve_root(root)?;
    let rel = normalize_rel(file)?;
    let index = open_scanned_index(&root)?;
    let info = index.file_info(&rel).map_err(index_error)?.ok_or_else(|| {
        DriftError::new(
            ErrorCode::NotFound,
            format!("{rel} is not in the index (not scanned, excluded or deleted)"),
        )
    })?;
    Ok(js::FileInfo {
        path: info.path,
        lang: info.lang.map(|l| l.id().to_owned()),
        status: info.status.id().to_owned(),
        size: info.size as f64,
        hash: info.hash,
        error_count: info.error_count,
        line_count: info.line_count,
        skip: info.skip.map(skipped),
        symbols: info.symbols.into_iter().map(symbol).collect(),
        imports: info
            .imports
            .into_iter()
            .map(|i| js::ImportInfo {
                source: i.source,
                imported: i.imported,
                local: i.local,
                kind: serde_id(&i.kind),
                span: span(i.span),
            })
            .collect(),
        matches: info
            .matches
            .into_iter()
            .map(|m| js::MatchInfo {
                detector: m.detector,
                variant: m.variant,
                span: span(m.span),
                snippet: m.snippet,
            })
            .collect(),
        violations: info.violations.into_iter().map(violation).collect(),
    })
}

pub fn symbols(root: &str, query: &js::SymbolQuery) -> DriftResult<Vec<js::SymbolInfo>> {
    let root = resolve_root(root)?;
    let q = query.query.trim();
    if q.is_empty() {
        return Err(DriftError::invalid_argument("the symbol query is empty"));
    }
    let limit = query.limit.unwrap_or(DEFAULT_SYMBOL_LIMIT);
    let index = open_scanned_index(&root)?;
    let hits = index
        .search_symbols(q, limit as usize)
        .map_err(index_error)?;
    Ok(hits.into_iter().map(symbol).collect())
}

/// Turns a user path into the index's form: root-relative, `/`-separated,
/// no `./` prefix.
fn normalize_rel(file: &str) -> DriftResult<String> {
    let rel = file.replace('\\', "/");
    let rel = rel.trim_start_matches("./");
    if rel.is_empty() || rel.starts_with('/') || rel.split('/').any(|seg| seg == "..") {
        return Err(DriftError::invalid_argument(format!(
            "file must be a root-relative path without `..`, got {file:?}"
        )));
    }
    Ok(rel.to_owned())
}

// ---------------------------------------------------------------------------
// Call graph
// ---------------------------------------------------------------------------

type GraphCache = Mutex<HashMap<PathBuf, (Option<String>, Arc<CallGraph>)>>;

fn graph_cache() -> &'static GraphCache {
    static CACHE: OnceLock<GraphCache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn invalidate_graph(root: &Path) {
    graph_cache()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(root);
}

/// The call graph as of the last committed scan, cached per root and
/// reloaded whenever a newer scan (from any process) has committed.
fn load_graph(root: &Path) -> DriftResult<Arc<CallGraph>> {
    let index = open_scanned_index(root)?;
    let marker = index.meta("last_scan").map_err(index_error)?;
    if let Some((m, g)) = graph_cache()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(root)
        && *m == marker
    {
        return Ok(Arc::clone(g));
    }
    let graph = index.with_conn(|c| {
        drift_callgraph::store::load(c).map_err(|e| {
            DriftError::new(
                ErrorCode::Index,
                format!("the call graph could not be loaded ({e}); rerun a scan to rebuild it"),
            )
        })
    })?;
    let graph = Arc::new(graph);
    graph_cache()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(root.to_path_buf(), (marker, Arc::clone(&graph)));
    Ok(graph)
}

fn find_node(graph: &CallGraph, symbol: &str) -> DriftResult<NodeId> {
    if symbol.trim().is_empty() {
        return Err(DriftError::invalid_argument("the symbol is empty"));
    }
    match graph.lookup(symbol) {
        Lookup::Found(id) => Ok(id),
        Lookup::NotFound => Err(DriftError::new(
            ErrorCode::NotFound,
            format!("no function or method named {symbol:?} in the call graph"),
        )),
        Lookup::Ambiguous(ids) => {
            let mut names: Vec<&str> = ids
                .iter()
                .filter_map(|&id| graph.node(id).map(|n| n.qualified_name.as_str()))
                .collect();
            names.sort_unstable();
            let shown = names.len().min(10);
            Err(DriftError::new(
                ErrorCode::Ambiguous,
                format!(
                    "{symbol:?} matches {} functions; use a qualified name: {}{}",
                    names.len(),
                    names[..shown].join(", "),
                    if names.len() > shown { ", ..." } else { "" }
                ),
            ))
        }
    }
}

fn check_graph_options(options: &js::GraphQueryOptions) -> DriftResult<()> {
    if let Some(c) = options.min_confidence
        && !(0.0..=1.0).contains(&c)
    {
        return Err(DriftError::invalid_argument(format!(
            "minConfidence must be between 0 and 1, got {c}"
        )));
    }
    if options.depth == Some(0) {
        return Err(DriftError::invalid_argument("depth must be at least 1"));
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Callers,
    Callees,
}

/// Breadth-first walk from `symbol` over edges with at least
/// `minConfidence`, up to `depth` (default 1), returning each traversed edge
/// once with the distance of its far end.
pub fn neighbours(
    root: &str,
    symbol: &str,
    options: &js::GraphQueryOptions,
    direction: Direction,
) -> DriftResult<Vec<js::CallEdge>> {
    let root = resolve_root(root)?;
    check_graph_options(options)?;
    let graph = load_graph(&root)?;
    let start = find_node(&graph, symbol)?;
    let max_depth = options.depth.unwrap_or(1);
    let min_conf = options.min_confidence.unwrap_or(0.0);
    let limit = options.limit.unwrap_or(DEFAULT_LIMIT) as usize;

    let mut seen: HashSet<NodeId> = HashSet::from([start]);
    let mut queue: VecDeque<(NodeId, u32)> = VecDeque::from([(start, 0)]);
    let mut out = Vec::new();
    'walk: while let Some((node, depth)) = queue.pop_front() {
        if depth >= max_depth {
            continue;
        }
        let edges: Vec<&drift_callgraph::Edge> = match direction {
            Direction::Callers => graph.in_edges(node).collect(),
            Direction::Callees => graph.out_edges(node).collect(),
        };
        for edge in edges {
            if f64::from(edge.confidence) < min_conf {
                continue;
            }
            if out.len() >= limit {
                break 'walk;
            }
            let (Some(caller), Some(callee)) = (graph.node(edge.caller), graph.node(edge.callee))
            else {
                continue;
            };
            out.push(js::CallEdge {
                caller: graph_node(caller),
                callee: graph_node(callee),
                strategy: edge.strategy.id().to_owned(),
                confidence: f64::from(edge.confidence),
                line: edge.line,
                sites: edge.sites,
                depth: depth + 1,
            });
            let next = match direction {
                Direction::Callers => edge.caller,
                Direction::Callees => edge.callee,
            };
            if seen.insert(next) {
                queue.push_back((next, depth + 1));
            }
        }
    }
    Ok(out)
}

/// Transitive callers of `symbol` (up to `depth`, default unlimited), the
/// files they are in and the entry points they reach.
pub fn impact(
    root: &str,
    symbol: &str,
    options: &js::GraphQueryOptions,
) -> DriftResult<js::ImpactReport> {
    let root = resolve_root(root)?;
    check_graph_options(options)?;
    let graph = load_graph(&root)?;
    let target_id = find_node(&graph, symbol)?;
    let target = graph
        .node(target_id)
        .map(graph_node)
        .ok_or_else(|| DriftError::new(ErrorCode::Internal, "lookup returned an unknown node"))?;
    let max_depth = options.depth.unwrap_or(u32::MAX);
    let limit = options.limit.unwrap_or(DEFAULT_LIMIT) as usize;
    let result = graph.impact(&[target_id]);

    let qname = |id: NodeId| graph.node(id).map(|n| n.qualified_name.clone());
    let mut affected = Vec::new();
    let mut truncated = false;
    let mut reached: HashSet<NodeId> = HashSet::from([target_id]);
    for caller in &result.callers {
        if caller.depth > max_depth {
            continue;
        }
        if affected.len() >= limit {
            truncated = true;
            break;
        }
        let Some(node) = graph.node(caller.node) else {
            continue;
        };
        reached.insert(caller.node);
        affected.push(js::ImpactedNode {
            node: graph_node(node),
            depth: caller.depth,
            path: caller.path.iter().filter_map(|&id| qname(id)).collect(),
        });
    }
    let mut files: Vec<String> = std::iter::once(target.path.clone())
        .chain(affected.iter().map(|a| a.node.path.clone()))
        .collect();
    files.sort();
    files.dedup();
    let entry_points = result
        .entry_points
        .iter()
        .filter(|e| reached.contains(&e.node))
        .filter_map(|e| {
            graph.node(e.node).map(|n| js::EntryPointInfo {
                node: graph_node(n),
                reason: e.reason.id().to_owned(),
            })
        })
        .collect();
    Ok(js::ImpactReport {
        target,
        affected,
        files,
        entry_points,
        truncated,
    })
}

// ---------------------------------------------------------------------------
// Conversions
// ---------------------------------------------------------------------------

/// Saturating u64 → JS-number-safe i64.
fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The serde id of a unit enum value (`snake_case` / `lowercase` strings).
fn serde_id<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(err) => format!("<unserializable: {err}>"),
    }
}

fn lang_counts(map: &std::collections::BTreeMap<Lang, u64>) -> Vec<js::LangCount> {
    map.iter()
        .map(|(lang, n)| js::LangCount {
            lang: lang.id().to_owned(),
            files: count(*n),
        })
        .collect()
}

fn span(s: drift_core::Span) -> js::Span {
    js::Span {
        start_line: s.start_line,
        start_col: s.start_col,
        end_line: s.end_line,
        end_col: s.end_col,
    }
}

fn skipped(f: drift_index::SkippedFile) -> js::SkippedFile {
    js::SkippedFile {
        path: f.path,
        lang: f.lang.map(|l| l.id().to_owned()),
        reason: f.reason.id().to_owned(),
        detail: f.detail,
    }
}

fn convention(p: drift_index::Pattern) -> js::Convention {
    js::Convention {
        id: p.id,
        detector: p.detector,
        category: p.category,
        name: p.name,
        description: p.description,
        lang: p.lang.map(|l| l.id().to_owned()),
        dominant: p.dominant,
        confidence: p.confidence,
        tier: p.tier,
        occurrences: p.occurrences,
        file_count: p.file_count,
        variants: p
            .variants
            .into_iter()
            .map(|v| js::Variant {
                name: v.name,
                count: v.count,
                file_count: v.file_count,
                share: v.share,
                examples: v
                    .examples
                    .into_iter()
                    .map(|e| js::Example {
                        path: e.path,
                        span: span(e.span),
                        snippet: e.snippet,
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn violation(v: drift_index::Violation) -> js::Violation {
    js::Violation {
        pattern_id: v.pattern_id,
        path: v.path,
        span: span(v.span),
        found: v.found,
        expected: v.expected,
        severity: v.severity.id().to_owned(),
        message: v.message,
        snippet: v.snippet,
    }
}

fn symbol(s: drift_index::SymbolHit) -> js::SymbolInfo {
    js::SymbolInfo {
        path: s.path,
        lang: s.lang.id().to_owned(),
        name: s.name,
        local_name: s.local_name,
        qualified_name: s.qualified_name,
        kind: serde_id(&s.kind),
        span: span(s.span),
        exported: s.exported,
        signature: s.signature,
    }
}

fn graph_node(n: &drift_callgraph::Node) -> js::GraphNode {
    js::GraphNode {
        qualified_name: n.qualified_name.clone(),
        name: n.name.clone(),
        kind: n.kind.id().to_owned(),
        path: n.path.clone(),
        lang: n.lang.id().to_owned(),
        line: n.line,
        end_line: n.end_line,
        exported: n.exported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for (rel, text) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    fn root_str(dir: &tempfile::TempDir) -> String {
        dir.path().display().to_string()
    }

    const CALC: &str = "export function add(a: number, b: number): number { return a + b; }\nexport function twice(a: number): number { return add(a, a); }\n";
    const MAIN: &str =
        "import { twice } from \"./calc\";\nexport function run(): number { return twice(2); }\n";

    #[test]
    fn roots_are_checked() {
        assert_eq!(
            resolve_root("").expect_err("empty").code,
            ErrorCode::InvalidRoot
        );
        assert_eq!(
            resolve_root("/no/such/dir/for/drift")
                .expect_err("missing")
                .code,
            ErrorCode::InvalidRoot
        );
        let dir = project(&[("a.ts", "export const a = 1;\n")]);
        let file = dir.path().join("a.ts");
        assert_eq!(
            resolve_root(&file.display().to_string())
                .expect_err("file")
                .code,
            ErrorCode::InvalidRoot
        );
    }

    #[test]
    fn relative_paths_are_normalised_and_confined() {
        assert_eq!(normalize_rel("./src/a.ts").expect("ok"), "src/a.ts");
        assert_eq!(normalize_rel("src\\a.ts").expect("ok"), "src/a.ts");
        for bad in ["", "/etc/passwd", "../x", "a/../../b"] {
            assert_eq!(
                normalize_rel(bad).expect_err(bad).code,
                ErrorCode::InvalidArgument
            );
        }
    }

    #[test]
    fn options_override_the_config_file() {
        let dir = project(&[(".drift/drift.toml", "[scan]\nexclude = [\"gen/\"]\n")]);
        let options = js::ScanOptions {
            exclude: Some(vec!["tmp/".into()]),
            languages: Some(vec!["ts".into(), "python".into()]),
            max_file_size: Some(2048.0),
            threads: Some(1),
            ..Default::default()
        };
        let config = scan_config(dir.path(), &options).expect("config");
        assert_eq!(config.exclude, vec!["gen/".to_owned(), "tmp/".to_owned()]);
        assert_eq!(config.languages, vec![Lang::TypeScript, Lang::Python]);
        assert_eq!(config.max_file_size, 2048);
        assert_eq!(config.threads, Some(1));

        let ignored = scan_config(
            dir.path(),
            &js::ScanOptions {
                use_config: Some(false),
                ..Default::default()
            },
        )
        .expect("config");
        assert!(ignored.exclude.is_empty());

        for bad in [
            js::ScanOptions {
                languages: Some(vec!["cobol".into()]),
                ..Default::default()
            },
            js::ScanOptions {
                threads: Some(0),
                ..Default::default()
            },
            js::ScanOptions {
                max_file_size: Some(f64::NAN),
                ..Default::default()
            },
        ] {
            assert_eq!(
                scan_config(dir.path(), &bad).expect_err("bad").code,
                ErrorCode::InvalidArgument
            );
        }
    }

    #[test]
    fn a_broken_config_file_is_a_config_error() {
        let dir = project(&[(".drift/drift.toml", "[scan]\nbogus = 1\n")]);
        let err = scan_config(dir.path(), &js::ScanOptions::default()).expect_err("bad");
        assert_eq!(err.code, ErrorCode::Config);
        assert!(err.message.contains("bogus"), "{}", err.message);
    }

    #[test]
    fn scan_then_query() {
        let dir = project(&[("src/calc.ts", CALC), ("src/main.ts", MAIN)]);
        let root = root_str(&dir);
        assert_eq!(
            status(&root).expect_err("not scanned").code,
            ErrorCode::NotInitialized
        );
        assert_eq!(
            symbols(
                &root,
                &js::SymbolQuery {
                    query: "add".into(),
                    limit: None
                }
            )
            .expect_err("not scanned")
            .code,
            ErrorCode::NotInitialized
        );

        let events = std::cell::RefCell::new(Vec::new());
        let report = scan(
            &root,
            &js::ScanOptions::default(),
            &|e| events.borrow_mut().push(e),
            &AtomicBool::new(false),
        )
        .expect("scan");
        assert_eq!(report.parsed, 2);
        assert_eq!(report.files_by_lang.len(), 1);
        let phases: Vec<String> = events.borrow().iter().map(|e| e.phase.clone()).collect();
        assert_eq!(phases.first().map(String::as_str), Some("discover"));
        assert_eq!(phases.last().map(String::as_str), Some("store"));

        let st = status(&root).expect("status");
        assert_eq!(st.files, 2);
        assert!(st.last_scan.is_some());

        let info = file_info(&root, "src/main.ts").expect("file");
        assert_eq!(info.imports.len(), 1);
        assert_eq!(info.imports[0].kind, "named");
        assert_eq!(
            file_info(&root, "src/none.ts").expect_err("missing").code,
            ErrorCode::NotFound
        );

        let edges = neighbours(
            &root,
            "add",
            &js::GraphQueryOptions {
                depth: Some(2),
                ..Default::default()
            },
            Direction::Callers,
        )
        .expect("callers");
        let pairs: Vec<(String, String, u32)> = edges
            .iter()
            .map(|e| (e.caller.name.clone(), e.callee.name.clone(), e.depth))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("twice".to_owned(), "add".to_owned(), 1),
                ("run".to_owned(), "twice".to_owned(), 2)
            ]
        );
        let down = neighbours(
            &root,
            "run",
            &js::GraphQueryOptions::default(),
            Direction::Callees,
        )
        .expect("callees");
        assert_eq!(down.len(), 1);
        assert_eq!(down[0].callee.name, "twice");

        let hit = impact(&root, "src.calc.add", &js::GraphQueryOptions::default()).expect("impact");
        assert_eq!(hit.affected.len(), 2);
        assert_eq!(hit.files, vec!["src/calc.ts", "src/main.ts"]);
        assert_eq!(
            hit.affected[1].path,
            vec!["src.main.run", "src.calc.twice", "src.calc.add"]
        );
        assert_eq!(
            impact(&root, "nothing", &js::GraphQueryOptions::default())
                .expect_err("unknown")
                .code,
            ErrorCode::NotFound
        );
    }

    #[test]
    fn ambiguous_names_list_candidates() {
        let dir = project(&[
            ("a.ts", "export function go(): void {}\n"),
            ("b.ts", "export function go(): void {}\n"),
        ]);
        let root = root_str(&dir);
        scan(
            &root,
            &js::ScanOptions::default(),
            &|_| {},
            &AtomicBool::new(false),
        )
        .expect("scan");
        let err = neighbours(
            &root,
            "go",
            &js::GraphQueryOptions::default(),
            Direction::Callers,
        )
        .expect_err("ambiguous");
        assert_eq!(err.code, ErrorCode::Ambiguous);
        assert!(
            err.message.contains("a.go") && err.message.contains("b.go"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_cancelled_flag_stops_the_scan() {
        let dir = project(&[("a.ts", CALC)]);
        let err = scan(
            &root_str(&dir),
            &js::ScanOptions::default(),
            &|_| {},
            &AtomicBool::new(true),
        )
        .expect_err("cancelled");
        assert_eq!(err.code, ErrorCode::Cancelled);
    }

    #[test]
    fn cancelling_mid_scan_is_reported_as_cancelled() {
        let files: Vec<(String, String)> = (0..200)
            .map(|i| {
                (
                    format!("m{i}.ts"),
                    format!("export function f{i}(): number {{ return {i}; }}\n"),
                )
            })
            .collect();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let dir = project(&refs);
        let cancel = AtomicBool::new(false);
        let err = scan(
            &root_str(&dir),
            &js::ScanOptions::default(),
            &|e| {
                if e.phase == "parse" {
                    cancel.store(true, std::sync::atomic::Ordering::SeqCst);
                }
            },
            &cancel,
        )
        .expect_err("cancelled");
        assert_eq!(err.code, ErrorCode::Cancelled);
    }
}
