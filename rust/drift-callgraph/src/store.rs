//! SQLite persistence. The graph owns its tables (`cg_*`), created
//! idempotently. `cg_nodes`/`cg_edges`/`cg_entry_points` are the flat,
//! queryable form of the graph; `cg_files` keeps each file's resolution
//! result (including its unresolved calls and dependency keys, as
//! lz4-compressed JSON) so a loaded graph can be updated incrementally and
//! is identical to the one written. Tables of an older layout are dropped
//! and rebuilt: the graph is a cache of the facts.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rusqlite::{Connection, Transaction, params};

use crate::graph::{CallGraph, FileResult};

/// Bumped whenever the tables or the `cg_files` payload change shape.
/// 2: `cg_files.data` compressed; no `cg_unresolved` table.
pub const SCHEMA_VERSION: i64 = 2;

/// Every table the graph has ever had (dropped on a layout change).
const ALL_TABLES: &[&str] = &[
    "cg_meta",
    "cg_files",
    "cg_nodes",
    "cg_edges",
    "cg_unresolved",
    "cg_entry_points",
    "cg_sources",
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "call-graph schema version {found} is newer than this build supports ({expected}); upgrade drift or delete the index"
    )]
    SchemaVersion { found: i64, expected: i64 },
    #[error("index: {0}")]
    Index(#[from] drift_scan::IndexError),
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS cg_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cg_files (
    path TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS cg_nodes (
    id             INTEGER PRIMARY KEY,
    qualified_name TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    path           TEXT NOT NULL,
    lang           TEXT NOT NULL,
    line           INTEGER NOT NULL,
    end_line       INTEGER NOT NULL,
    exported       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS cg_nodes_path ON cg_nodes(path);
CREATE INDEX IF NOT EXISTS cg_nodes_name ON cg_nodes(name);
CREATE TABLE IF NOT EXISTS cg_edges (
    caller     INTEGER NOT NULL,
    callee     INTEGER NOT NULL,
    strategy   TEXT NOT NULL,
    confidence REAL NOT NULL,
    line       INTEGER NOT NULL,
    sites      INTEGER NOT NULL,
    PRIMARY KEY (caller, callee)
);
CREATE INDEX IF NOT EXISTS cg_edges_callee ON cg_edges(callee);
CREATE TABLE IF NOT EXISTS cg_entry_points (
    node   INTEGER NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (node, reason)
);
";

/// Creates the tables if needed. Tables of an older layout are dropped
/// first (the next scan rebuilds the graph); a newer layout is refused.
pub fn ensure_schema(conn: &Connection) -> Result<(), StoreError> {
    let found: Option<String> = conn
        .query_row(
            "SELECT value FROM cg_meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .ok();
    match found.map(|v| v.parse::<i64>().unwrap_or(-1)) {
        Some(found) if found == SCHEMA_VERSION => return Ok(()),
        Some(found) if found > SCHEMA_VERSION => {
            return Err(StoreError::SchemaVersion {
                found,
                expected: SCHEMA_VERSION,
            });
        }
        Some(found) => {
            tracing::info!(found, "call-graph tables of an older layout: rebuilding");
            for table in ALL_TABLES {
                conn.execute_batch(&format!("DROP TABLE IF EXISTS {table}"))?;
            }
        }
        None => {}
    }
    conn.execute_batch(SCHEMA)?;
    conn.execute(
        "INSERT OR REPLACE INTO cg_meta(key, value) VALUES ('schema_version', ?1)",
        params![SCHEMA_VERSION.to_string()],
    )?;
    Ok(())
}

/// Replaces the stored graph with `graph` inside the caller's transaction.
pub fn write(tx: &Transaction<'_>, graph: &CallGraph) -> Result<(), StoreError> {
    write_records(tx, graph, &file_records(graph)?)
}

/// The `cg_files` rows of `graph` (path, blob), serialised on the current
/// rayon pool.
pub fn file_records(graph: &CallGraph) -> Result<Vec<(&str, Vec<u8>)>, StoreError> {
    graph
        .files
        .par_iter()
        .map(|(path, fr)| Ok((path.as_str(), drift_scan::drift_index::encode_blob(fr)?)))
        .collect()
}

/// [`write`] with the `cg_files` rows already serialised ([`file_records`]).
pub fn write_records(
    tx: &Transaction<'_>,
    graph: &CallGraph,
    records: &[(&str, Vec<u8>)],
) -> Result<(), StoreError> {
    ensure_schema(tx)?;
    tx.execute_batch(
        "DELETE FROM cg_files; DELETE FROM cg_nodes; DELETE FROM cg_edges;
         DELETE FROM cg_entry_points;",
    )?;
    {
        let mut st = tx.prepare("INSERT INTO cg_files(path, data) VALUES (?1, ?2)")?;
        for (path, data) in records {
            st.execute(params![path, data])?;
        }
    }
    {
        let mut st = tx.prepare(
            "INSERT INTO cg_nodes(id, qualified_name, name, kind, path, lang, line, end_line, exported)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for (i, n) in graph.nodes.iter().enumerate() {
            st.execute(params![
                i as i64,
                n.qualified_name,
                n.name,
                n.kind.id(),
                n.path,
                n.lang.id(),
                n.line,
                n.end_line,
                n.exported
            ])?;
        }
    }
    {
        let mut st = tx.prepare(
            "INSERT INTO cg_edges(caller, callee, strategy, confidence, line, sites)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for e in &graph.edges {
            st.execute(params![
                e.caller,
                e.callee,
                e.strategy.id(),
                f64::from(e.confidence),
                e.line,
                e.sites
            ])?;
        }
    }
    {
        let mut st =
            tx.prepare("INSERT OR IGNORE INTO cg_entry_points(node, reason) VALUES (?1, ?2)")?;
        for e in &graph.entry_points {
            st.execute(params![e.node, e.reason.id()])?;
        }
    }
    Ok(())
}

/// Loads the stored graph (an empty graph when nothing was stored yet).
pub fn load(conn: &Connection) -> Result<CallGraph, StoreError> {
    ensure_schema(conn)?;
    let mut files = BTreeMap::new();
    let mut st = conn.prepare("SELECT path, data FROM cg_files ORDER BY path")?;
    let rows = st.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
    })?;
    let raw = rows.collect::<Result<Vec<_>, _>>()?;
    let decoded = raw
        .into_par_iter()
        .map(|(path, data)| {
            let fr: FileResult =
                drift_scan::drift_index::decode_blob("call-graph record", &path, &data)?;
            Ok((path, fr))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    files.extend(decoded);
    let mut g = CallGraph {
        files,
        ..CallGraph::default()
    };
    g.finalize();
    Ok(g)
}
