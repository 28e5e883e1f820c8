//! Shared server state: the project root, a pool of read-only index
//! connections, the background scan's status, and the tool options. One
//! `Core` serves every MCP session (stdio has one, HTTP one per client).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use drift_index::Index;
use serde::Serialize;
use tokio::sync::watch;

use crate::ServeError;
use crate::error::ToolError;
use crate::paths::Root;
use crate::snapshot::Snapshot;

/// Read connections kept open between calls (more are opened on demand
/// under load and closed afterwards).
const POOLED_READERS: usize = 4;

/// Phase of the background scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanPhase {
    /// No scan was needed or requested.
    Idle,
    Running,
    Done,
    Failed,
}

/// What the background scan is doing, as reported by `drift_status`,
/// `/healthz` and progress notifications.
#[derive(Debug, Clone, Serialize)]
pub struct ScanStatus {
    pub phase: ScanPhase,
    /// Current step (`discover`, `analyze`, `learn`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    pub done: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Why a scan was started (`index missing`, `3 files changed`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u64>,
}

impl ScanStatus {
    pub fn idle() -> ScanStatus {
        ScanStatus {
            phase: ScanPhase::Idle,
            step: None,
            done: 0,
            total: None,
            error: None,
            reason: None,
            elapsed_ms: None,
        }
    }

    pub fn is_running(&self) -> bool {
        self.phase == ScanPhase::Running
    }
}

/// Options shared by both transports.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Per-tool-call time limit.
    pub tool_timeout: Duration,
    /// Start an incremental scan in the background when the index is
    /// missing or stale.
    pub scan_on_start: bool,
    /// Keep the index in this directory instead of `<root>/.drift/`
    /// (relative paths are taken from the root), so the project can be
    /// mounted read-only.
    pub index_dir: Option<PathBuf>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            tool_timeout: crate::DEFAULT_TOOL_TIMEOUT,
            scan_on_start: true,
            index_dir: None,
        }
    }
}

pub struct Core {
    pub(crate) root: Root,
    pub(crate) db_path: PathBuf,
    /// The engine's project (writer connection, detectors); used for scans
    /// and `drift_validate`.
    project: drift_scan::Project,
    /// Call graph loaded from the index, keyed by the `last_scan` marker it
    /// was loaded under.
    graph: RwLock<Option<(Option<String>, Arc<drift_callgraph::CallGraph>)>>,
    /// Summary, patterns and symbols as of the last committed scan.
    snapshot: RwLock<Option<(String, Arc<Snapshot>)>>,
    /// Serialises snapshot loads (one load serves the waiting callers).
    snapshot_load: Mutex<()>,
    readers: Mutex<Vec<Index>>,
    pub(crate) scan_tx: watch::Sender<ScanStatus>,
    pub(crate) opts: ServeOptions,
    /// Set on shutdown so a running scan stops early.
    pub(crate) cancel: Arc<std::sync::atomic::AtomicBool>,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core")
            .field("root", &self.root.path())
            .field("db_path", &self.db_path)
            .finish()
    }
}

impl Core {
    /// Opens the project at `root`: canonicalizes it and makes sure an
    /// index exists (creating an empty one, so readers can open it while the
    /// first scan runs).
    pub fn open(root: &Path, opts: ServeOptions) -> Result<Arc<Core>, ServeError> {
        let root = Root::new(root).map_err(|e| ServeError::Root(root.to_path_buf(), e))?;
        if !root.path().is_dir() {
            return Err(ServeError::Root(
                root.path().to_path_buf(),
                std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
            ));
        }
        let config = drift_scan::ScanConfig {
            db_path: Some(drift_config::paths::index_file(
                root.path(),
                opts.index_dir.as_deref(),
            )),
            ..crate::scan::scan_config(root.path())
                .map_err(|e| ServeError::Config(e.to_string()))?
        };
        let mut project = drift_scan::Project::open(root.path(), config)
            .map_err(|e| ServeError::Project(e.to_string()))?;
        // Every scan keeps the stored call graph current; its tables exist
        // from here on, before any read-only load.
        drift_callgraph::attach(&mut project).map_err(|e| ServeError::Project(e.to_string()))?;
        let db_path = project.index().path().to_path_buf();
        let (scan_tx, _) = watch::channel(ScanStatus::idle());
        Ok(Arc::new(Core {
            root,
            db_path,
            project,
            graph: RwLock::new(None),
            snapshot: RwLock::new(None),
            snapshot_load: Mutex::new(()),
            readers: Mutex::new(Vec::new()),
            scan_tx,
            opts,
            cancel: Arc::new(std::sync::atomic::AtomicBool::new(false)),
        }))
    }

    pub fn root(&self) -> &Path {
        self.root.path()
    }

    pub fn scan_status(&self) -> ScanStatus {
        self.scan_tx.borrow().clone()
    }

    pub fn subscribe_scan(&self) -> watch::Receiver<ScanStatus> {
        self.scan_tx.subscribe()
    }

    /// Runs `f` with a read-only index connection from the pool. Readers
    /// never wait for the scan: SQLite WAL lets them see the last committed
    /// state while it writes.
    pub fn read<T>(&self, f: impl FnOnce(&Index) -> Result<T, ToolError>) -> Result<T, ToolError> {
        let pooled = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let index = match pooled {
            Some(index) => index,
            None => Index::open_read_only(&self.db_path)?,
        };
        let out = f(&index);
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < POOLED_READERS {
            pool.push(index);
        }
        out
    }

    /// Cheap health summary for `/healthz`.
    pub fn health(&self) -> serde_json::Value {
        let scan = self.scan_status();
        let files = self
            .read(|idx| {
                idx.with_conn(|c| {
                    c.query_row("SELECT count(*) FROM files", [], |r| r.get::<_, i64>(0))
                        .map_err(drift_index::IndexError::from)
                })
                .map_err(ToolError::from)
            })
            .map_err(|e| e.message);
        match files {
            Ok(n) => serde_json::json!({ "ready": true, "files": n, "scan": scan }),
            Err(e) => serde_json::json!({ "ready": false, "error": e, "scan": scan }),
        }
    }

    pub(crate) fn project(&self) -> &drift_scan::Project {
        &self.project
    }

    /// The call graph as of the last committed scan (reloaded when a scan,
    /// ours or the CLI's, has committed since it was loaded).
    pub(crate) fn graph(&self) -> Result<Arc<drift_callgraph::CallGraph>, ToolError> {
        let marker = self.read(|idx| Ok(idx.meta("last_scan")?))?;
        if let Some((m, g)) = self
            .graph
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            && *m == marker
        {
            return Ok(g.clone());
        }
        let graph = self.read(|idx| {
            idx.with_conn(|c| {
                let built_for: Option<String> = c
                    .query_row(
                        "SELECT value FROM cg_meta WHERE key = ?1",
                        [drift_callgraph::finalizer::BUILT_FOR_KEY],
                        |r| r.get(0),
                    )
                    .ok();
                if built_for.is_some() && built_for == marker {
                    return drift_callgraph::store::load(c).map_err(|e| {
                        ToolError::new("graph_error", e.to_string())
                            .hint("rerun `drift scan` to rebuild the call graph")
                    });
                }
                // The stored graph is missing or from an older scan (the
                // last scan did not rebuild it): build it from the facts.
                tracing::info!("building the call graph from the index's facts");
                drift_callgraph::finalizer::build_from_index(c).map_err(|e| {
                    ToolError::new("graph_error", e.to_string())
                        .hint("rerun `drift scan` to rebuild the call graph")
                })
            })
        })?;
        let graph = Arc::new(graph);
        *self.graph.write().unwrap_or_else(|p| p.into_inner()) = Some((marker, graph.clone()));
        Ok(graph)
    }

    /// The snapshot of the last committed scan, or `None` while a scan is
    /// writing (callers then read the database directly).
    pub(crate) fn snapshot(&self) -> Result<Option<Arc<Snapshot>>, ToolError> {
        let Some(marker) = self.read(crate::snapshot::marker)? else {
            return Ok(None);
        };
        let cached = |this: &Core| {
            this.snapshot
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .as_ref()
                .filter(|(m, _)| *m == marker)
                .map(|(_, s)| s.clone())
        };
        if let Some(s) = cached(self) {
            return Ok(Some(s));
        }
        let _loading = self.snapshot_load.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = cached(self) {
            return Ok(Some(s));
        }
        let snap = Arc::new(self.read(Snapshot::load)?);
        *self.snapshot.write().unwrap_or_else(|p| p.into_inner()) = Some((marker, snap.clone()));
        Ok(Some(snap))
    }

    /// All patterns, most confident first.
    pub(crate) fn patterns(&self) -> Result<Arc<Vec<drift_index::Pattern>>, ToolError> {
        match self.snapshot()? {
            Some(s) => Ok(s.patterns.clone()),
            None => Ok(Arc::new(
                self.read(|idx| Ok(idx.patterns(&Default::default())?))?,
            )),
        }
    }

    pub(crate) fn summary(&self) -> Result<drift_index::IndexSummary, ToolError> {
        match self.snapshot()? {
            Some(s) => Ok(s.summary.clone()),
            None => self.read(|idx| Ok(idx.summary()?)),
        }
    }

    pub(crate) fn search_symbols(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<Vec<drift_index::SymbolHit>, ToolError> {
        if let Some(snapshot) = self.snapshot()?
            && let Some(table) = &snapshot.symbols
        {
            return Ok(table.search(query, limit));
        }
        self.read(|idx| Ok(idx.search_symbols(query, limit)?))
    }

    /// Loads the snapshot and the call graph ahead of the first request.
    pub(crate) fn warm(&self) {
        if let Err(e) = self.snapshot().and_then(|_| self.graph().map(|_| ())) {
            tracing::debug!(error = %e, "warming caches failed");
        }
    }

    pub(crate) fn invalidate_graph(&self) {
        *self.graph.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    pub fn shutdown(&self) {
        self.cancel
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
}
