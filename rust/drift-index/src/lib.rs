//! # drift-index
//!
//! Drift's embedded SQLite index (`.drift/drift.db`): files and their
//! extracted facts, learned patterns and violations, scan metadata.
//!
//! - WAL journal, `busy_timeout`, foreign keys, versioned migrations
//!   (`PRAGMA user_version`), 16 KiB pages in a new index ([`PAGE_SIZE`]).
//! - One [`Index`] value owns one connection behind a mutex; it is `Send +
//!   Sync`. For concurrent readers open one `Index` per thread or process
//!   ([`Index::open_read_only`]); WAL lets them read while one writer writes.
//! - Every read is also available as a free function in [`read`] taking a
//!   `&rusqlite::Connection`, so code running inside a write transaction
//!   (e.g. the call graph in the scan's final transaction) can use it.
//! - Writes are transactional: a scan writes files in chunk transactions
//!   ([`Index::write_files`]) and swaps patterns and violations, removes
//!   deleted files and clears the "scan in progress" marker in one final
//!   transaction ([`Index::finish_scan`]). A scan killed midway leaves the
//!   previous patterns and violations intact.

pub mod model;
pub mod read;
mod schema;
mod write;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

pub use model::*;
pub use read::{FactsRow, SymbolTable};
pub use rusqlite;
pub use schema::SCHEMA_VERSION;
pub use write::{
    FinishScan, Keep, Kept, META_SCAN_IN_PROGRESS, decode_blob, decode_unpacked, encode_blob,
    set_meta, unpack_blob,
};

use drift_core::{FileFacts, Lang};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

/// Errors from the index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("sqlite error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("could not create {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "index {path} has schema version {found}, newer than this build supports ({supported}); upgrade drift or delete the index"
    )]
    SchemaTooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("corrupt index data: {0}")]
    Corrupt(String),
    #[error("could not encode facts: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("could not encode facts: {0}")]
    EncodeBlob(#[from] postcard::Error),
    #[error("could not compress an index blob: {0}")]
    Compress(String),
    #[error("an index blob of {0} bytes is over the 4 GiB the index stores")]
    BlobTooLarge(usize),
}

/// How long a connection waits on a locked database before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Page size of a new index. Most of the index is facts and matches blobs
/// of a few KiB each; against SQLite's default of 4 KiB, 16 KiB pages take
/// about a third off a scan's final transaction (see the README). An
/// existing index keeps the page size it was created with.
pub const PAGE_SIZE: u32 = 16 * 1024;

/// WAL size, in bytes, past which a commit checkpoints: SQLite's default
/// (1,000 pages of 4 KiB) whatever the page size.
const WAL_AUTOCHECKPOINT_BYTES: u32 = 1_000 * 4_096;

/// Handle on one `.drift/drift.db`.
pub struct Index {
    conn: Mutex<Connection>,
    path: PathBuf,
    read_only: bool,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("path", &self.path)
            .field("read_only", &self.read_only)
            .finish()
    }
}

impl Index {
    /// Opens (creating if needed, including parent directories) the index
    /// at `path` for reading and writing, and applies pending migrations.
    pub fn open(path: impl AsRef<Path>) -> Result<Index, IndexError> {
        let path = path.as_ref().to_path_buf();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| IndexError::CreateDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let mut conn = Connection::open(&path)?;
        configure(&conn)?;
        // Takes effect only in a new, empty database (before WAL mode and
        // the first table).
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        let page_size: u32 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
        conn.pragma_update(
            None,
            "wal_autocheckpoint",
            WAL_AUTOCHECKPOINT_BYTES / page_size.max(512),
        )?;
        migrate(&mut conn, &path)?;
        Ok(Index {
            conn: Mutex::new(conn),
            path,
            read_only: false,
        })
    }

    /// Opens an existing index read-only (no migrations are applied; an
    /// index from a newer build is refused).
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Index, IndexError> {
        let path = path.as_ref().to_path_buf();
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn)?;
        let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(IndexError::SchemaTooNew {
                path,
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(Index {
            conn: Mutex::new(conn),
            path,
            read_only: true,
        })
    }

    /// Opens a private in-memory index (tests, `analyze_source` scratch).
    pub fn open_in_memory() -> Result<Index, IndexError> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn)?;
        migrate(&mut conn, Path::new(":memory:"))?;
        Ok(Index {
            conn: Mutex::new(conn),
            path: PathBuf::from(":memory:"),
            read_only: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-done transaction
        // behind (rusqlite rolls back on drop), so a poisoned lock is usable.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` with the connection (for reads through [`read`] or custom SQL).
    pub fn with_conn<T, E: From<IndexError>>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        let conn = self.lock();
        f(&conn)
    }

    /// Runs `f` inside one write transaction (`BEGIN IMMEDIATE`), committed
    /// if `f` returns `Ok`, rolled back otherwise.
    pub fn with_write_txn<T, E: From<IndexError>>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(IndexError::from)?;
        let value = f(&tx)?;
        tx.commit().map_err(IndexError::from)?;
        Ok(value)
    }

    // ----- scan writes -------------------------------------------------

    /// Marks a scan as started (`scan_in_progress` in `meta`), committed
    /// immediately so an interrupted scan is visible afterwards.
    pub fn begin_scan(&self, started_at: i64) -> Result<(), IndexError> {
        self.with_write_txn(|tx| write::begin_scan(tx, started_at))
    }

    /// Writes one chunk of file outcomes in one transaction (consuming
    /// them: their facts are moved into the encoders, not copied).
    pub fn write_files(&self, writes: Vec<FileWrite>) -> Result<(), IndexError> {
        self.with_write_txn(|tx| write::write_files(tx, writes, Keep::default()).map(drop))
    }

    /// [`Index::write_files`], handing back what `keep` asks for of the
    /// analysed files (their facts, matches left out, and their matches),
    /// for consumers that need them after the scan: it saves decoding
    /// them again. Each file is written as `writes` yields it, so a
    /// producer can hand them over as they come, in one transaction.
    pub fn write_files_keeping(
        &self,
        writes: impl IntoIterator<Item = FileWrite>,
        keep: Keep,
    ) -> Result<Kept, IndexError> {
        self.with_write_txn(|tx| write::write_files(tx, writes, keep))
    }

    /// The scan's final transaction: removes deleted files, replaces all
    /// patterns and violations, records scan metadata, clears the "scan in
    /// progress" marker, and runs `extra` (e.g. the call graph writing its
    /// own tables) in the same transaction. Nothing is committed if `extra`
    /// fails.
    pub fn finish_scan<E: From<IndexError>>(
        &self,
        finish: &FinishScan<'_>,
        extra: impl FnOnce(&Transaction<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.with_write_txn(|tx| {
            write::finish_scan(tx, finish)?;
            extra(tx)
        })
    }

    /// Replaces patterns and violations only (used by re-learning without a
    /// scan).
    pub fn replace_patterns(
        &self,
        patterns: &[Pattern],
        violations: &[Violation],
    ) -> Result<(), IndexError> {
        self.with_write_txn(|tx| write::replace_patterns(tx, patterns, violations))
    }

    // ----- reads --------------------------------------------------------

    /// Stored stat data and hash of every file, keyed by path.
    pub fn file_states(&self) -> Result<std::collections::HashMap<String, FileState>, IndexError> {
        read::file_states(&self.lock())
    }

    /// Patterns (with variants and examples), most confident first.
    pub fn patterns(&self, filter: &PatternFilter) -> Result<Vec<Pattern>, IndexError> {
        read::patterns(&self.lock(), filter)
    }

    /// One pattern by id.
    pub fn pattern(&self, id: &str) -> Result<Option<Pattern>, IndexError> {
        read::pattern(&self.lock(), id)
    }

    /// Violations ordered by path and position.
    pub fn violations(&self, filter: &ViolationFilter) -> Result<Vec<Violation>, IndexError> {
        read::violations(&self.lock(), filter)
    }

    /// Everything about one file, or `None` if it is not indexed.
    pub fn file_info(&self, path: &str) -> Result<Option<FileInfo>, IndexError> {
        read::file_info(&self.lock(), path)
    }

    /// Symbols whose simple or qualified name contains `query`
    /// (case-insensitive); exact name matches first.
    pub fn search_symbols(&self, query: &str, limit: usize) -> Result<Vec<SymbolHit>, IndexError> {
        read::search_symbols(&self.lock(), query, limit)
    }

    /// Files found but not parsed, with reasons.
    pub fn skipped_files(&self) -> Result<Vec<SkippedFile>, IndexError> {
        read::skipped_files(&self.lock())
    }

    /// Counts and last-scan information.
    pub fn summary(&self) -> Result<IndexSummary, IndexError> {
        read::summary(&self.lock())
    }

    /// Parsed files by language, patterns and violations: what a scan
    /// reports, without [`Index::summary`]'s counts of symbols and imports.
    pub fn scan_counts(&self) -> Result<ScanCounts, IndexError> {
        read::scan_counts(&self.lock())
    }

    /// Every detector match, streamed in path order.
    pub fn for_each_match<E: From<IndexError>>(
        &self,
        f: impl FnMut(MatchRow) -> Result<(), E>,
    ) -> Result<(), E> {
        read::for_each_match(&self.lock(), f)
    }

    /// Every parsed file's facts, streamed in path order (one file in memory
    /// at a time).
    pub fn for_each_file_facts<E: From<IndexError>>(
        &self,
        f: impl FnMut(FactsRow) -> Result<(), E>,
    ) -> Result<(), E> {
        read::for_each_file_facts(&self.lock(), f)
    }

    /// Files parsed with syntax errors (or lossy UTF-8): `(path, error_count)`.
    pub fn partial_files(&self) -> Result<Vec<(String, u32)>, IndexError> {
        read::partial_files(&self.lock())
    }

    /// A value from the `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>, IndexError> {
        read::meta(&self.lock(), key)
    }

    /// One file's stored facts.
    pub fn file_facts(&self, path: &str) -> Result<Option<(Lang, FileFacts)>, IndexError> {
        read::file_facts(&self.lock(), path)
    }
}

fn configure(conn: &Connection) -> Result<(), IndexError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<(), IndexError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(IndexError::SchemaTooNew {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
        tracing::debug!(to = i + 1, "applying index migration");
        tx.execute_batch(sql)?;
    }
    if version < SCHEMA_VERSION {
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Opens an index written at `version` with `seed` rows and checks
    /// that the migrations left it empty, to be rebuilt by the next scan.
    fn assert_emptied_from(version: usize, seed: &str) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("drift.db");
        {
            let conn = Connection::open(&db).unwrap();
            for sql in &schema::MIGRATIONS[..version] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", version as i64)
                .unwrap();
            conn.execute_batch(seed).unwrap();
        }
        let idx = Index::open(&db).unwrap();
        let found: u32 = idx
            .with_conn(|c| {
                Ok::<_, IndexError>(c.pragma_query_value(None, "user_version", |r| r.get(0))?)
            })
            .unwrap();
        assert_eq!(found, SCHEMA_VERSION);
        assert!(idx.file_states().unwrap().is_empty());
        assert_eq!(idx.meta("config_fingerprint").unwrap(), None);
        let summary = idx.summary().unwrap();
        assert_eq!((summary.files, summary.calls, summary.matches), (0, 0, 0));
        let facts: i64 = idx
            .with_conn(|c| {
                Ok::<_, IndexError>(c.query_row(
                    "SELECT (SELECT count(*) FROM file_facts) + (SELECT count(*) FROM file_matches)
                          + (SELECT count(*) FROM symbols)",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(facts, 0);
    }

    #[test]
    fn a_version_2_index_is_emptied_for_a_rebuild() {
        assert_emptied_from(
            2,
            "INSERT INTO meta VALUES ('config_fingerprint', 'f');
             INSERT INTO files(id, path, lang, size, mtime_ns, hash, status)
                    VALUES (1, 'a.py', 'python', 1, 1, 'h', 'ok');
             INSERT INTO calls VALUES (1, 0, 'f', 'f', NULL, 0, 0, NULL, 1, 1, 1, 2);
             INSERT INTO matches VALUES (1, 0, 'd', 'v', 's', 1, 1, 1, 2);",
        );
    }

    #[test]
    fn a_version_3_index_with_json_blobs_is_emptied_for_a_rebuild() {
        let json = lz4_flex::compress_prepend_size(br#"[{"detector":"d"}]"#);
        let hex: String = json.iter().map(|b| format!("{b:02x}")).collect();
        assert_emptied_from(
            3,
            &format!(
                "INSERT INTO meta VALUES ('config_fingerprint', 'f');
                 INSERT INTO files(id, path, lang, size, mtime_ns, hash, status)
                        VALUES (1, 'a.py', 'python', 1, 1, 'h', 'ok');
                 INSERT INTO file_matches VALUES (1, x'{hex}');
                 INSERT INTO file_facts VALUES (1, x'{hex}');
                 INSERT INTO symbols VALUES (1, 0, 'f', 'f', 'a.f', 'function', NULL, 0, 'f()', 1, 1, 1, 2);"
            ),
        );
    }

    #[test]
    fn a_blob_round_trips_and_a_foreign_blob_is_reported_corrupt() {
        let matches = vec![("d".to_string(), 3u32), ("e".to_string(), 4)];
        let blob = encode_blob(&matches).unwrap();
        let back: Vec<(String, u32)> = decode_blob("matches", "a.py", &blob).unwrap();
        assert_eq!(back, matches);
        let json = lz4_flex::compress_prepend_size(br#"[["d",3]]"#);
        let err = decode_blob::<Vec<(String, u32)>>("matches", "a.py", &json).unwrap_err();
        assert!(
            matches!(err, IndexError::Corrupt(ref m) if m.contains("matches of a.py")),
            "{err}"
        );
    }

    /// A reused encoder writes lz4_flex's size-prepended format (indexes
    /// written before stay readable) and leaves nothing of a longer blob
    /// in a shorter one.
    #[test]
    fn a_reused_blob_encoder_writes_each_blob_whole_in_the_stored_format() {
        let long: Vec<String> = (0..2000).map(|i| format!("symbol_{i}")).collect();
        let short = vec!["a".to_string()];
        let mut encoder = write::BlobEncoder::default();
        for value in [&long, &short, &long] {
            let blob = encoder.encode(value).unwrap().to_vec();
            let plain = postcard::to_stdvec(value).unwrap();
            assert_eq!(blob, lz4_flex::compress_prepend_size(&plain));
            let back: Vec<String> = decode_blob("facts", "a.py", &blob).unwrap();
            assert_eq!(&back, value);
        }
    }
}
