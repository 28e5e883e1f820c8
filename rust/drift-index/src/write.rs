//! Write paths. All functions run inside a caller-provided transaction.

use drift_core::{DetectorMatch, FileFacts, Span};
use rusqlite::{Connection, OptionalExtension, params};

use crate::IndexError;
use crate::model::{FileStatus, FileWrite, Pattern, ScanMeta, Violation};
use crate::read::{FactsRow, FileMatches};

/// Input of the scan's final transaction.
#[derive(Debug, Clone)]
pub struct FinishScan<'a> {
    /// Paths to drop from the index (deleted or no longer included).
    pub removed: &'a [String],
    /// The complete new sets of patterns and violations; `None` keeps the
    /// stored ones (nothing that learning reads changed).
    pub learned: Option<(&'a [Pattern], &'a [Violation])>,
    pub meta: ScanMeta,
}

pub const META_SCAN_IN_PROGRESS: &str = "scan_in_progress";
pub(crate) const META_LAST_SCAN: &str = "last_scan";

pub(crate) fn begin_scan(conn: &Connection, started_at: i64) -> Result<(), IndexError> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![META_SCAN_IN_PROGRESS, started_at.to_string()],
    )?;
    Ok(())
}

/// Blobs (facts, matches, the call graph's records) are lz4-compressed
/// (size-prefixed) postcard: a compact binary serde format, several times
/// cheaper to write and read than JSON. It is positional, so a change to
/// a stored type needs a migration that drops the blobs.
pub fn encode_blob<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, IndexError> {
    // A copy of exact size: the encoder's buffer has room for lz4's worst
    // case, more than the plain size, and callers keep thousands of blobs.
    Ok(BlobEncoder::default().encode(value)?.to_vec())
}

/// [`encode_blob`] into buffers kept from one blob to the next (a scan
/// writes thousands; fresh buffers for each cost page faults).
#[derive(Default)]
pub(crate) struct BlobEncoder {
    plain: Vec<u8>,
    packed: Vec<u8>,
}

impl BlobEncoder {
    pub(crate) fn encode<T: serde::Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<&[u8], IndexError> {
        let mut plain = std::mem::take(&mut self.plain);
        plain.clear();
        self.plain = postcard::to_extend(value, plain)?;
        let len = u32::try_from(self.plain.len())
            .map_err(|_| IndexError::BlobTooLarge(self.plain.len()))?;
        // lz4_flex's size-prepended block format (`compress_prepend_size`).
        self.packed.clear();
        self.packed.extend_from_slice(&len.to_le_bytes());
        self.packed.resize(
            4 + lz4_flex::block::get_maximum_output_size(self.plain.len()),
            0,
        );
        let written = lz4_flex::block::compress_into(&self.plain, &mut self.packed[4..])
            .map_err(|e| IndexError::Compress(e.to_string()))?;
        self.packed.truncate(4 + written);
        Ok(&self.packed)
    }
}

/// Reads an [`encode_blob`] blob; `what` and `path` name it in errors.
pub fn decode_blob<T: serde::de::DeserializeOwned>(
    what: &str,
    path: &str,
    blob: &[u8],
) -> Result<T, IndexError> {
    decode_unpacked(what, path, &unpack_blob(what, path, blob)?)
}

/// An [`encode_blob`] blob decompressed, for [`decode_unpacked`]: a value
/// that borrows its strings from these bytes needs them to outlive it.
pub fn unpack_blob(what: &str, path: &str, blob: &[u8]) -> Result<Vec<u8>, IndexError> {
    lz4_flex::decompress_size_prepended(blob)
        .map_err(|e| IndexError::Corrupt(format!("{what} of {path}: {e}")))
}

/// Reads a value from [`unpack_blob`]'s bytes (it may borrow from them).
pub fn decode_unpacked<'de, T: serde::Deserialize<'de>>(
    what: &str,
    path: &str,
    bytes: &'de [u8],
) -> Result<T, IndexError> {
    postcard::from_bytes(bytes).map_err(|e| IndexError::Corrupt(format!("{what} of {path}: {e}")))
}

pub(crate) fn enum_id<T: serde::Serialize>(value: &T) -> Result<String, IndexError> {
    match serde_json::to_value(value)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(IndexError::Corrupt(format!(
            "expected a unit enum, got {other}"
        ))),
    }
}

fn span_params(span: &Span) -> [i64; 4] {
    [
        i64::from(span.start_line),
        i64::from(span.start_col),
        i64::from(span.end_line),
        i64::from(span.end_col),
    ]
}

/// Per-file counts kept on the `files` row.
#[derive(Debug, Clone, Copy, Default)]
struct FileCounts {
    errors: u32,
    lines: u32,
    calls: i64,
    matches: i64,
}

/// Inserts or updates the `files` row for `path` and deletes its previous
/// facts; returns the row id.
#[allow(clippy::too_many_arguments)]
fn upsert_file(
    conn: &Connection,
    path: &str,
    lang: Option<&str>,
    size: u64,
    mtime_ns: i64,
    hash: Option<&str>,
    status: FileStatus,
    skip: Option<(&str, &str)>,
    counts: FileCounts,
) -> Result<i64, IndexError> {
    let size = i64::try_from(size).unwrap_or(i64::MAX);
    let (reason, detail) = match skip {
        Some((r, d)) => (Some(r), Some(d)),
        None => (None, None),
    };
    let values = params![
        path,
        lang,
        size,
        mtime_ns,
        hash,
        status.id(),
        reason,
        detail,
        counts.errors,
        counts.lines,
        counts.calls,
        counts.matches
    ];
    // A plain INSERT for a new path: an UPSERT makes SQLite keep a
    // statement journal for every row, whose churn cost a full scan's
    // writer a few percent of the scan.
    let known: Option<i64> = conn
        .prepare_cached("SELECT id FROM files WHERE path = ?1")?
        .query_row([path], |r| r.get(0))
        .optional()?;
    let id = match known {
        None => {
            conn.prepare_cached(
                "INSERT INTO files(path, lang, size, mtime_ns, hash, status, skip_reason,
                                   skip_detail, error_count, line_count, call_count, match_count)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(values)?;
            conn.last_insert_rowid()
        }
        Some(id) => {
            conn.prepare_cached(
                "UPDATE files SET lang = ?2, size = ?3, mtime_ns = ?4, hash = ?5, status = ?6,
                        skip_reason = ?7, skip_detail = ?8, error_count = ?9, line_count = ?10,
                        call_count = ?11, match_count = ?12
                 WHERE id = ?13",
            )?
            .execute(rusqlite::params_from_iter(
                values.iter().copied().chain([&id as &dyn rusqlite::ToSql]),
            ))?;
            // Only a known row has children to replace; a new id has none
            // (children cascade away when their file goes).
            for delete in [
                "DELETE FROM file_facts WHERE file_id = ?1",
                "DELETE FROM file_matches WHERE file_id = ?1",
                "DELETE FROM symbols WHERE file_id = ?1",
                "DELETE FROM imports WHERE file_id = ?1",
            ] {
                conn.prepare_cached(delete)?.execute([id])?;
            }
            id
        }
    };
    Ok(id)
}

/// Stores one file's facts; returns them and their matches apart.
fn insert_facts(
    conn: &Connection,
    blobs: &mut BlobEncoder,
    file_id: i64,
    path: &str,
    mut facts: FileFacts,
) -> Result<(FileFacts, Vec<DetectorMatch>), IndexError> {
    // Matches go to their own blob (learning reads only them); the facts
    // blob holds everything else.
    let matches = std::mem::take(&mut facts.matches);
    conn.prepare_cached("INSERT INTO file_facts(file_id, facts) VALUES (?1, ?2)")?
        .execute(params![file_id, blobs.encode(&facts)?])?;
    conn.prepare_cached("INSERT INTO file_matches(file_id, matches) VALUES (?1, ?2)")?
        .execute(params![file_id, blobs.encode(&matches)?])?;

    let mut stmt = conn.prepare_cached(
        "INSERT INTO symbols(file_id, idx, name, local_name, qualified_name, kind, parent, exported, signature,
                             start_line, start_col, end_line, end_col)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    let module = drift_core::naming::module_path(path);
    for (idx, s) in facts.symbols.iter().enumerate() {
        let [a, b, c, d] = span_params(&s.span);
        stmt.execute(params![
            file_id,
            idx as i64,
            s.name,
            s.qualified_name,
            drift_core::naming::qualified_in(&module, &s.qualified_name),
            enum_id(&s.kind)?,
            s.parent,
            s.exported,
            s.signature,
            a,
            b,
            c,
            d
        ])?;
    }

    let mut stmt = conn.prepare_cached(
        "INSERT INTO imports(file_id, idx, source, kind, imported, local, reexport, type_only,
                             start_line, start_col, end_line, end_col)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (idx, i) in facts.imports.iter().enumerate() {
        let [a, b, c, d] = span_params(&i.span);
        stmt.execute(params![
            file_id,
            idx as i64,
            i.source,
            enum_id(&i.kind)?,
            i.imported,
            i.local,
            i.reexport,
            i.type_only,
            a,
            b,
            c,
            d
        ])?;
    }

    Ok((facts, matches))
}

/// What [`write_files`] hands back of the analysed files instead of
/// dropping it.
#[derive(Debug, Default)]
pub struct Kept {
    /// Their facts, matches left out (only when asked for).
    pub facts: Vec<FactsRow>,
    /// Their matches (only when asked for).
    pub matches: Vec<FileMatches>,
}

/// What [`write_files`] keeps.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    pub facts: bool,
    pub matches: bool,
}

/// Writes file outcomes; returns what `keep` asks for of the analysed
/// files.
pub(crate) fn write_files(
    conn: &Connection,
    writes: impl IntoIterator<Item = FileWrite>,
    keep: Keep,
) -> Result<Kept, IndexError> {
    let mut kept = Kept::default();
    let mut blobs = BlobEncoder::default();
    for w in writes {
        match w {
            FileWrite::Analyzed {
                path,
                lang,
                size,
                mtime_ns,
                hash,
                lossy,
                facts,
            } => {
                let status = if facts.partial || lossy {
                    FileStatus::Partial
                } else {
                    FileStatus::Ok
                };
                let counts = FileCounts {
                    errors: facts.error_count,
                    lines: facts.line_count,
                    calls: i64::try_from(facts.calls.len()).unwrap_or(i64::MAX),
                    matches: i64::try_from(facts.matches.len()).unwrap_or(i64::MAX),
                };
                let id = upsert_file(
                    conn,
                    &path,
                    Some(lang.id()),
                    size,
                    mtime_ns,
                    Some(&hash),
                    status,
                    None,
                    counts,
                )?;
                let (facts, matches) = insert_facts(conn, &mut blobs, id, &path, *facts)?;
                if keep.matches {
                    kept.matches.push(FileMatches {
                        path: path.clone(),
                        lang,
                        matches,
                    });
                }
                if keep.facts {
                    kept.facts.push(FactsRow {
                        path,
                        lang,
                        status,
                        facts,
                    });
                }
            }
            FileWrite::Skipped {
                file,
                size,
                mtime_ns,
                hash,
            } => {
                upsert_file(
                    conn,
                    &file.path,
                    file.lang.map(|l| l.id()),
                    size,
                    mtime_ns,
                    hash.as_deref(),
                    FileStatus::Skipped,
                    Some((file.reason.id(), &file.detail)),
                    FileCounts::default(),
                )?;
            }
            FileWrite::Touched {
                path,
                size,
                mtime_ns,
            } => {
                let size = i64::try_from(size).unwrap_or(i64::MAX);
                conn.prepare_cached("UPDATE files SET size = ?2, mtime_ns = ?3 WHERE path = ?1")?
                    .execute(params![path, size, mtime_ns])?;
            }
        }
    }
    Ok(kept)
}

pub(crate) fn replace_patterns(
    conn: &Connection,
    patterns: &[Pattern],
    violations: &[Violation],
) -> Result<(), IndexError> {
    conn.execute("DELETE FROM variants", [])?;
    conn.execute("DELETE FROM patterns", [])?;
    conn.execute("DELETE FROM violations", [])?;
    let mut pstmt = conn.prepare_cached(
        "INSERT INTO patterns(id, detector, category, name, description, lang, dominant, confidence, tier, occurrences, file_count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut vstmt = conn.prepare_cached(
        "INSERT INTO variants(pattern_id, rank, name, count, file_count, share, examples)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for p in patterns {
        pstmt.execute(params![
            p.id,
            p.detector,
            p.category,
            p.name,
            p.description,
            p.lang.map(|l| l.id()),
            p.dominant,
            p.confidence,
            p.tier,
            p.occurrences,
            p.file_count
        ])?;
        for (rank, v) in p.variants.iter().enumerate() {
            vstmt.execute(params![
                p.id,
                rank as i64,
                v.name,
                v.count,
                v.file_count,
                v.share,
                serde_json::to_string(&v.examples)?
            ])?;
        }
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO violations(pattern_id, path, severity, found, expected, message, snippet,
                                start_line, start_col, end_line, end_col)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for v in violations {
        let [a, b, c, d] = span_params(&v.span);
        stmt.execute(params![
            v.pattern_id,
            v.path,
            v.severity.rank(),
            v.found,
            v.expected,
            v.message,
            v.snippet,
            a,
            b,
            c,
            d
        ])?;
    }
    Ok(())
}

pub(crate) fn finish_scan(conn: &Connection, finish: &FinishScan<'_>) -> Result<(), IndexError> {
    {
        let mut stmt = conn.prepare_cached("DELETE FROM files WHERE path = ?1")?;
        for path in finish.removed {
            stmt.execute([path])?;
        }
    }
    if let Some((patterns, violations)) = finish.learned {
        replace_patterns(conn, patterns, violations)?;
    }
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![META_LAST_SCAN, serde_json::to_string(&finish.meta)?],
    )?;
    conn.execute("DELETE FROM meta WHERE key = ?1", [META_SCAN_IN_PROGRESS])?;
    Ok(())
}

/// Sets a value in the `meta` table.
pub fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<(), IndexError> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}
