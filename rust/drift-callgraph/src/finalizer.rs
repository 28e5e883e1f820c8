//! Keeps the stored call graph current: a [`drift_scan::ScanFinalizer`] that
//! runs inside every scan's final transaction, so the CLI, the MCP server
//! and the Node addon all see the same graph.
//!
//! The graph remembers the content hash of every file it was resolved from
//! (`cg_sources`). At the end of a scan, files whose hash differs from the
//! index (or that appeared or disappeared) are the change set: the stored
//! records are updated for them as [`CallGraph::update`] would
//! ([`store::update_records`], without loading the graph). Anything else —
//! no stored graph, a full scan — builds from scratch
//! ([`store::build_records`]). Because the change set
//! comes from the hashes rather than from the scan that is running, a graph
//! left behind by an older scan is repaired, never trusted.

use std::collections::BTreeMap;

use drift_core::{FileFacts, Lang};
use drift_scan::drift_index::FactsRow;
use drift_scan::drift_index::read::RawFactsRow;
use drift_scan::rusqlite::{Connection, Transaction};
use drift_scan::{FinalizeContext, Project, ScanFinalizer};
use rayon::prelude::*;

use crate::store::{self, StoreError};
use crate::{CallGraph, FileRef};

const SOURCES_TABLE: &str = "CREATE TABLE IF NOT EXISTS cg_sources (
    path TEXT PRIMARY KEY,
    hash TEXT NOT NULL
)";

/// `cg_meta` key naming the scan (the index's `last_scan` value) the stored
/// graph is current for; readers compare it to tell a stale graph.
pub const BUILT_FOR_KEY: &str = "built_for_scan";

/// Registers the call graph with a project: its tables exist from now on and
/// every scan of the project updates them.
pub fn attach(project: &mut Project) -> Result<(), StoreError> {
    project.index().with_conn(store::ensure_schema)?;
    project.add_finalizer(Box::new(CallGraphFinalizer));
    Ok(())
}

/// The scan finalizer; see the module docs.
pub struct CallGraphFinalizer;

/// What one finalize did (for logs and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphRefresh {
    Unchanged,
    Rebuilt,
    Updated { files_resolved: usize },
}

impl ScanFinalizer for CallGraphFinalizer {
    fn name(&self) -> &str {
        "callgraph"
    }

    fn wants_facts(&self) -> bool {
        true
    }

    fn finalize(
        &self,
        tx: &Transaction<'_>,
        ctx: &FinalizeContext<'_>,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let refresh = refresh(tx, ctx)?;
        tracing::debug!(?refresh, "call graph");
        // `last_scan` is already updated in this transaction.
        let scan = drift_scan::drift_index::read::meta(tx, "last_scan")?.unwrap_or_default();
        tx.execute(
            "INSERT OR REPLACE INTO cg_meta(key, value) VALUES (?1, ?2)",
            (BUILT_FOR_KEY, scan),
        )?;
        Ok(())
    }
}

/// Brings the stored graph in line with the stored facts (resolution runs
/// on the scan's thread pool).
pub fn refresh(
    tx: &Transaction<'_>,
    ctx: &FinalizeContext<'_>,
) -> Result<GraphRefresh, StoreError> {
    let force_rebuild = ctx.full;
    store::ensure_schema(tx)?;
    tx.execute_batch(SOURCES_TABLE)?;
    let current = hashes(
        tx,
        "SELECT path, hash FROM files WHERE status != 'skipped' AND hash IS NOT NULL",
    )?;
    let stored = hashes(tx, "SELECT path, hash FROM cg_sources")?;
    if !force_rebuild && !stored.is_empty() && stored == current {
        return Ok(GraphRefresh::Unchanged);
    }

    // Facts the scan just wrote are handed over; only the others are read.
    let fresh: BTreeMap<&str, &FactsRow> = ctx.fresh.iter().map(|r| (r.path.as_str(), r)).collect();
    let raw: Vec<RawFactsRow> = drift_scan::drift_index::read::file_facts_raw(tx)?
        .into_iter()
        .filter(|r| !fresh.contains_key(r.path.as_str()))
        .collect();
    let files = ctx.install(|| decode_all(raw))?;
    let mut all = file_refs(&files);
    all.extend(fresh.values().map(|r| (r.path.as_str(), r.lang, &r.facts)));

    let refresh = if force_rebuild || stored.is_empty() {
        let records = ctx.install(|| store::build_records(&all))?;
        store::write_records(tx, &records)?;
        GraphRefresh::Rebuilt
    } else {
        let changed: Vec<FileRef<'_>> = all
            .iter()
            .filter(|(p, _, _)| stored.get(*p) != current.get(*p))
            .copied()
            .collect();
        let removed: Vec<&str> = stored
            .keys()
            .filter(|p| !current.contains_key(*p))
            .map(String::as_str)
            .collect();
        let stored = store::read_keys(tx)?;
        let changes = ctx.install(|| store::update_records(stored, &changed, &removed, &all))?;
        store::write_changes(tx, &changes.records, &changes.dropped)?;
        GraphRefresh::Updated {
            files_resolved: changes.records.len(),
        }
    };
    tx.execute("DELETE FROM cg_sources", [])?;
    let mut insert = tx.prepare("INSERT INTO cg_sources(path, hash) VALUES (?1, ?2)")?;
    for (path, hash) in &current {
        insert.execute((path, hash))?;
    }
    Ok(refresh)
}

/// Every analysed file's stored facts, as the call graph is built from them
/// (decoded on the current rayon pool).
pub fn stored_facts(conn: &Connection) -> Result<Vec<(String, Lang, FileFacts)>, StoreError> {
    decode_all(drift_scan::drift_index::read::file_facts_raw(conn)?)
}

fn decode_all(raw: Vec<RawFactsRow>) -> Result<Vec<(String, Lang, FileFacts)>, StoreError> {
    raw.into_par_iter()
        .map(|r| r.decode().map(|row| (row.path, row.lang, row.facts)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::from)
}

/// Borrowed views of [`stored_facts`] for [`CallGraph::build`] / `update`.
pub fn file_refs(files: &[(String, Lang, FileFacts)]) -> Vec<FileRef<'_>> {
    files.iter().map(|(p, l, f)| (p.as_str(), *l, f)).collect()
}

/// Builds the whole graph from the facts in the index (no stored graph
/// needed; nothing is written).
pub fn build_from_index(conn: &Connection) -> Result<CallGraph, StoreError> {
    Ok(CallGraph::build(&file_refs(&stored_facts(conn)?)))
}

fn hashes(conn: &Connection, sql: &str) -> Result<BTreeMap<String, String>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (path, hash) = row?;
        out.insert(path, hash);
    }
    Ok(out)
}
