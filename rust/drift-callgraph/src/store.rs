//! SQLite persistence. The graph owns its tables (`cg_*`), created
//! idempotently. `cg_files` holds each file's resolution result in two
//! lz4-compressed postcard blobs: `keys`, the lookup keys it consulted and
//! the names it defines (what planning an update reads), and `data`, the
//! rest (nodes, edges, unresolved calls, entry points). The loaded graph is
//! identical to the one written, updates incrementally, and an update
//! rewrites only the records of the files it re-resolved. Queries go
//! through the loaded [`CallGraph`].
//! A scan's finalizer never assembles the graph: a rebuild streams records
//! out of resolution ([`build_records`]) and an update reads only the
//! `keys` column ([`read_keys`], [`update_records`]).
//! Tables of an older layout are dropped and rebuilt: the graph is a cache
//! of the facts.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use rusqlite::{Connection, Transaction, params};

use crate::graph::{CallGraph, FileResult};
use crate::resolve::Index;
use crate::{FileRef, NameFingerprint, Plan, Prior};

/// Bumped whenever the tables or the `cg_files` payload change shape.
/// 2: `cg_files.data` compressed; no `cg_unresolved` table. 3: no flat
/// node/edge/entry tables (nothing read them; rewriting them made every
/// incremental update cost a full write). 4: the payload is postcard, not
/// JSON. 5: records keep a fingerprint of each name they define. 6: the
/// keys and names are a column of their own.
pub const SCHEMA_VERSION: i64 = 6;

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
    keys BLOB NOT NULL,
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

/// A file's record as stored: its `keys` and `data` blobs.
#[derive(Debug)]
pub struct Record {
    pub keys: Vec<u8>,
    pub data: Vec<u8>,
}

/// The `keys` blob: the lookup keys and defined names of a record.
type Keys = (BTreeSet<String>, BTreeMap<String, NameFingerprint>);

impl Record {
    pub(crate) fn encode(mut fr: FileResult) -> Result<Record, StoreError> {
        use drift_scan::drift_index::encode_blob;
        // `data` leaves out what `keys` holds (a record is read whole only
        // to load the graph).
        let keys: Keys = (
            std::mem::take(&mut fr.deps),
            std::mem::take(&mut fr.defines),
        );
        Ok(Record {
            keys: encode_blob(&keys)?,
            data: encode_blob(&fr)?,
        })
    }

    fn decode(&self, path: &str) -> Result<FileResult, StoreError> {
        let mut fr: FileResult =
            drift_scan::drift_index::decode_blob("call-graph record", path, &self.data)?;
        (fr.deps, fr.defines) = decode_keys(path, &self.keys)?;
        Ok(fr)
    }
}

/// How errors name a `keys` blob.
const KEYS_BLOB: &str = "call-graph keys";

fn decode_keys(path: &str, keys: &[u8]) -> Result<Keys, StoreError> {
    Ok(drift_scan::drift_index::decode_blob(KEYS_BLOB, path, keys)?)
}

/// A `keys` blob read for planning, its strings borrowed from the
/// decompressed bytes ([`Keys`]' encoding: the set and the map are
/// sequences, a map entry a pair).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct StoredKeys<'a> {
    #[serde(borrow)]
    deps: Vec<&'a str>,
    #[serde(borrow)]
    defines: Vec<(&'a str, NameFingerprint)>,
}

impl Prior for StoredKeys<'_> {
    fn consulted_any(&self, keys: &BTreeSet<String>) -> bool {
        self.deps.iter().any(|d| keys.contains(*d))
    }

    fn defines(&self) -> BTreeMap<&str, NameFingerprint> {
        self.defines.iter().copied().collect()
    }
}

/// Replaces the stored graph with `graph` inside the caller's transaction.
pub fn write(tx: &Transaction<'_>, graph: &CallGraph) -> Result<(), StoreError> {
    write_records(tx, &file_records(graph)?)
}

/// The `cg_files` rows of `graph`, serialised on the current rayon pool.
fn file_records(graph: &CallGraph) -> Result<Vec<(&str, Record)>, StoreError> {
    graph
        .files
        .par_iter()
        .map(|(path, fr)| Ok((path.as_str(), Record::encode(fr.clone())?)))
        .collect()
}

/// The `cg_files` rows of the graph of `files`, without assembling the
/// graph: each file is resolved and its record serialised at once, on the
/// current rayon pool. What [`write`] would store for [`CallGraph::build`],
/// in a fraction of the memory (no query tables, no kept results).
pub fn build_records<'a>(files: &[FileRef<'a>]) -> Result<Vec<(&'a str, Record)>, StoreError> {
    Index::new(files)
        .resolve_all(|path, result| Ok((path, Record::encode(result)?)))
        .into_iter()
        .collect()
}

/// The stored records' `keys` blobs, `(path, keys)`, by path: what
/// [`update_records`] plans from. The `data` column is not read.
pub fn read_keys(conn: &Connection) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    ensure_schema(conn)?;
    let mut st = conn.prepare("SELECT path, keys FROM cg_files ORDER BY path")?;
    let rows = st.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// An incremental update's storage, without loading the graph: what
/// [`CallGraph::update`] would change in the stored graph, computed from
/// each record's lookup keys and defined names alone (`stored`, from
/// [`read_keys`]). Returns the new records of the re-resolved files and
/// the paths whose records go; pass them to [`write_changes`]. Runs on the
/// current rayon pool.
pub fn update_records(
    stored: Vec<(String, Vec<u8>)>,
    changed: &[FileRef<'_>],
    removed: &[&str],
    all: &[FileRef<'_>],
) -> Result<StoredChanges, StoreError> {
    use drift_scan::drift_index::{decode_unpacked, unpack_blob};
    let started = std::time::Instant::now();
    let unpacked: Vec<(String, Vec<u8>)> = stored
        .into_par_iter()
        .map(|(path, keys)| {
            let bytes = unpack_blob(KEYS_BLOB, &path, &keys)?;
            Ok((path, bytes))
        })
        .collect::<Result<_, StoreError>>()?;
    let prior: BTreeMap<&str, StoredKeys<'_>> = unpacked
        .par_iter()
        .map(|(path, bytes)| Ok((path.as_str(), decode_unpacked(KEYS_BLOB, path, bytes)?)))
        .collect::<Result<_, StoreError>>()?;
    let decoded = started.elapsed();
    let plan = Plan::new(&prior, changed, removed, all);
    let planned = started.elapsed();
    let ix = Index::new(all);
    let indexed = started.elapsed();
    let resolved: Vec<(String, Option<Record>)> = ix
        .resolve_paths(plan.to_resolve, |path, result| {
            let record = result.map(Record::encode);
            Ok((path, record.transpose()?))
        })
        .into_iter()
        .collect::<Result<_, StoreError>>()?;
    tracing::debug!(
        records = prior.len(),
        resolved = resolved.len(),
        decode = ?decoded,
        plan = ?(planned - decoded),
        index = ?(indexed - planned),
        resolve = ?(started.elapsed() - indexed),
        "call graph update"
    );
    let mut out = StoredChanges {
        records: Vec::new(),
        dropped: plan.gone,
    };
    for (path, record) in resolved {
        match record {
            Some(record) => out.records.push((path, record)),
            None => out.dropped.push(path),
        }
    }
    Ok(out)
}

/// What an incremental update rewrites: see [`update_records`].
#[derive(Debug, Default)]
pub struct StoredChanges {
    /// The records of every re-resolved file.
    pub records: Vec<(String, Record)>,
    /// Files whose records go.
    pub dropped: Vec<String>,
}

/// Replaces every stored record with `records` (of all files, as
/// [`build_records`] makes them).
pub fn write_records(tx: &Transaction<'_>, records: &[(&str, Record)]) -> Result<(), StoreError> {
    ensure_schema(tx)?;
    tx.execute("DELETE FROM cg_files", [])?;
    upsert_records(tx, records)
}

/// An incremental update's storage: `records` of the re-resolved files
/// replace theirs, `dropped` files' records go.
pub fn write_changes<P: AsRef<str>>(
    tx: &Transaction<'_>,
    records: &[(P, Record)],
    dropped: &[String],
) -> Result<(), StoreError> {
    ensure_schema(tx)?;
    let mut delete = tx.prepare("DELETE FROM cg_files WHERE path = ?1")?;
    for path in dropped {
        delete.execute([path])?;
    }
    upsert_records(tx, records)
}

fn upsert_records<P: AsRef<str>>(
    tx: &Transaction<'_>,
    records: &[(P, Record)],
) -> Result<(), StoreError> {
    let mut st =
        tx.prepare("INSERT OR REPLACE INTO cg_files(path, keys, data) VALUES (?1, ?2, ?3)")?;
    for (path, r) in records {
        st.execute(params![path.as_ref(), r.keys, r.data])?;
    }
    Ok(())
}

/// Loads the stored graph (an empty graph when nothing was stored yet).
pub fn load(conn: &Connection) -> Result<CallGraph, StoreError> {
    ensure_schema(conn)?;
    let mut st = conn.prepare("SELECT path, keys, data FROM cg_files ORDER BY path")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Record {
                keys: r.get(1)?,
                data: r.get(2)?,
            },
        ))
    })?;
    let stored = rows.collect::<Result<Vec<_>, _>>()?;
    let mut files = BTreeMap::new();
    let decoded = stored
        .into_par_iter()
        .map(|(path, record)| {
            let fr = record.decode(&path)?;
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
