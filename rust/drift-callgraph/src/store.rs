//! SQLite persistence. The graph owns its tables (`cg_*`), created
//! idempotently. `cg_nodes`/`cg_edges`/`cg_unresolved`/`cg_entry_points` are
//! the flat, queryable form; `cg_files` keeps each file's resolution result
//! (including its dependency keys) so a loaded graph can be updated
//! incrementally and is identical to the one written.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rusqlite::{Connection, Transaction, params};

use crate::graph::{CallGraph, FileResult};

/// Bumped whenever the tables or the `cg_files` payload change shape.
pub const SCHEMA_VERSION: i64 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored call-graph record for {path} is unreadable: {source}")]
    Record {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error(
        "call-graph schema version {found} is not supported (expected {expected}); rebuild the graph"
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
    data TEXT NOT NULL
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
CREATE TABLE IF NOT EXISTS cg_unresolved (
    caller   INTEGER NOT NULL,
    callee   TEXT NOT NULL,
    line     INTEGER NOT NULL,
    external TEXT
);
CREATE INDEX IF NOT EXISTS cg_unresolved_caller ON cg_unresolved(caller);
CREATE TABLE IF NOT EXISTS cg_entry_points (
    node   INTEGER NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (node, reason)
);
";

/// Creates the tables if needed and checks the schema version.
pub fn ensure_schema(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(SCHEMA)?;
    let found: Option<String> = conn
        .query_row(
            "SELECT value FROM cg_meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .ok();
    match found {
        None => {
            conn.execute(
                "INSERT INTO cg_meta(key, value) VALUES ('schema_version', ?1)",
                params![SCHEMA_VERSION.to_string()],
            )?;
            Ok(())
        }
        Some(v) => {
            let found = v.parse::<i64>().unwrap_or(-1);
            if found == SCHEMA_VERSION {
                Ok(())
            } else {
                Err(StoreError::SchemaVersion {
                    found,
                    expected: SCHEMA_VERSION,
                })
            }
        }
    }
}

/// Replaces the stored graph with `graph` inside the caller's transaction.
pub fn write(tx: &Transaction<'_>, graph: &CallGraph) -> Result<(), StoreError> {
    write_records(tx, graph, &file_records(graph)?)
}

/// The `cg_files` rows of `graph` (path, JSON), serialised on the current
/// rayon pool.
pub fn file_records(graph: &CallGraph) -> Result<Vec<(&str, String)>, StoreError> {
    graph
        .files
        .par_iter()
        .map(|(path, fr)| {
            serde_json::to_string(fr)
                .map(|data| (path.as_str(), data))
                .map_err(|source| StoreError::Record {
                    path: path.clone(),
                    source,
                })
        })
        .collect()
}

/// [`write`] with the `cg_files` rows already serialised ([`file_records`]).
pub fn write_records(
    tx: &Transaction<'_>,
    graph: &CallGraph,
    records: &[(&str, String)],
) -> Result<(), StoreError> {
    ensure_schema(tx)?;
    tx.execute_batch(
        "DELETE FROM cg_files; DELETE FROM cg_nodes; DELETE FROM cg_edges;
         DELETE FROM cg_unresolved; DELETE FROM cg_entry_points;",
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
        let mut st = tx.prepare(
            "INSERT INTO cg_unresolved(caller, callee, line, external) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for u in &graph.unresolved {
            st.execute(params![u.caller, u.callee, u.line, u.external])?;
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
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (path, data) = row?;
        let fr: FileResult = serde_json::from_str(&data).map_err(|source| StoreError::Record {
            path: path.clone(),
            source,
        })?;
        files.insert(path, fr);
    }
    let mut g = CallGraph {
        files,
        ..CallGraph::default()
    };
    g.finalize();
    Ok(g)
}
