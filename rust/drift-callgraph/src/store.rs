//! SQLite persistence. The graph owns its tables (`cg_*`), created
//! idempotently. `cg_files` holds each file's resolution result (its
//! nodes, edges, unresolved calls, entry points and dependency keys, as
//! lz4-compressed postcard): the loaded graph is identical to the one written,
//! updates incrementally, and an update rewrites only the records of the
//! files it re-resolved. Queries go through the loaded [`CallGraph`].
//! Tables of an older layout are dropped and rebuilt: the graph is a cache
//! of the facts.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rusqlite::{Connection, Transaction, params};

use crate::graph::{CallGraph, FileResult};

/// Bumped whenever the tables or the `cg_files` payload change shape.
/// 2: `cg_files.data` compressed; no `cg_unresolved` table. 3: no flat
/// node/edge/entry tables (nothing read them; rewriting them made every
/// incremental update cost a full write). 4: the payload is postcard, not
/// JSON.
pub const SCHEMA_VERSION: i64 = 4;

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
    write_records(tx, &file_records(graph, None)?)
}

/// The `cg_files` rows of `graph` (path, blob) — of every file, or of
/// `paths` only — serialised on the current rayon pool.
pub fn file_records<'g>(
    graph: &'g CallGraph,
    paths: Option<&[String]>,
) -> Result<Vec<(&'g str, Vec<u8>)>, StoreError> {
    let selected: Vec<(&str, &FileResult)> = match paths {
        None => graph.files.iter().map(|(p, f)| (p.as_str(), f)).collect(),
        Some(paths) => paths
            .iter()
            .filter_map(|p| graph.files.get_key_value(p))
            .map(|(p, f)| (p.as_str(), f))
            .collect(),
    };
    selected
        .into_par_iter()
        .map(|(path, fr)| Ok((path, drift_scan::drift_index::encode_blob(fr)?)))
        .collect()
}

/// Replaces every stored record with `records` ([`file_records`] of all files).
pub fn write_records(tx: &Transaction<'_>, records: &[(&str, Vec<u8>)]) -> Result<(), StoreError> {
    ensure_schema(tx)?;
    tx.execute("DELETE FROM cg_files", [])?;
    upsert_records(tx, records)
}

/// An incremental update's storage: `records` of the re-resolved files
/// replace theirs, `dropped` files' records go.
pub fn write_changes(
    tx: &Transaction<'_>,
    records: &[(&str, Vec<u8>)],
    dropped: &[String],
) -> Result<(), StoreError> {
    ensure_schema(tx)?;
    let mut delete = tx.prepare("DELETE FROM cg_files WHERE path = ?1")?;
    for path in dropped {
        delete.execute([path])?;
    }
    upsert_records(tx, records)
}

fn upsert_records(tx: &Transaction<'_>, records: &[(&str, Vec<u8>)]) -> Result<(), StoreError> {
    let mut st = tx.prepare("INSERT OR REPLACE INTO cg_files(path, data) VALUES (?1, ?2)")?;
    for (path, data) in records {
        st.execute(params![path, data])?;
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
