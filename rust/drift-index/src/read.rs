//! Read queries over a `&rusqlite::Connection` (usable inside a write
//! transaction too: `&Transaction` derefs to `&Connection`).

use std::collections::{BTreeMap, HashMap};

use drift_core::{DetectorMatch, FileFacts, Lang, Span};
use rusqlite::{Connection, OptionalExtension, Row, params_from_iter, types::Value};

use crate::IndexError;
use crate::model::*;
use crate::write::{META_LAST_SCAN, META_SCAN_IN_PROGRESS, decode_blob};

/// One file's stored facts, as streamed by [`for_each_file_facts`].
#[derive(Debug, Clone)]
pub struct FactsRow {
    pub path: String,
    pub lang: Lang,
    pub status: FileStatus,
    pub facts: FileFacts,
}

fn enum_from<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, IndexError> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|e| IndexError::Corrupt(format!("unknown value {s:?}: {e}")))
}

fn lang_from(s: &str) -> Result<Lang, IndexError> {
    Lang::from_id(s).ok_or_else(|| IndexError::Corrupt(format!("unknown language {s:?}")))
}

fn opt_lang(s: Option<String>) -> Result<Option<Lang>, IndexError> {
    s.as_deref().map(lang_from).transpose()
}

fn status_from(s: &str) -> Result<FileStatus, IndexError> {
    FileStatus::from_id(s).ok_or_else(|| IndexError::Corrupt(format!("unknown status {s:?}")))
}

fn u32_col(row: &Row<'_>, idx: usize) -> rusqlite::Result<u32> {
    let v: i64 = row.get(idx)?;
    Ok(u32::try_from(v).unwrap_or(0))
}

fn span_at(row: &Row<'_>, first: usize) -> rusqlite::Result<Span> {
    Ok(Span {
        start_line: u32_col(row, first)?,
        start_col: u32_col(row, first + 1)?,
        end_line: u32_col(row, first + 2)?,
        end_col: u32_col(row, first + 3)?,
    })
}

pub fn file_states(conn: &Connection) -> Result<HashMap<String, FileState>, IndexError> {
    let mut stmt =
        conn.prepare("SELECT path, size, mtime_ns, hash, status, skip_reason FROM files")?;
    let mut rows = stmt.query([])?;
    let mut out = HashMap::new();
    while let Some(row) = rows.next()? {
        let path: String = row.get(0)?;
        let size: i64 = row.get(1)?;
        let status: String = row.get(4)?;
        let reason: Option<String> = row.get(5)?;
        out.insert(
            path,
            FileState {
                size: u64::try_from(size).unwrap_or(0),
                mtime_ns: row.get(2)?,
                hash: row.get(3)?,
                status: status_from(&status)?,
                skip_reason: reason.as_deref().and_then(SkipReason::from_id),
            },
        );
    }
    Ok(out)
}

const PATTERN_COLS: &str = "id, detector, category, name, description, lang, dominant, confidence, tier, occurrences, file_count";

fn pattern_from_row(row: &Row<'_>) -> Result<Pattern, IndexError> {
    Ok(Pattern {
        id: row.get(0)?,
        detector: row.get(1)?,
        category: row.get(2)?,
        name: row.get(3)?,
        description: row.get(4)?,
        lang: opt_lang(row.get(5)?)?,
        dominant: row.get(6)?,
        confidence: row.get(7)?,
        tier: row.get(8)?,
        occurrences: u32_col(row, 9)?,
        file_count: u32_col(row, 10)?,
        variants: Vec::new(),
    })
}

fn load_variants(conn: &Connection, pattern: &mut Pattern) -> Result<(), IndexError> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, count, file_count, share, examples FROM variants WHERE pattern_id = ?1 ORDER BY rank",
    )?;
    let mut rows = stmt.query([&pattern.id])?;
    while let Some(row) = rows.next()? {
        let examples: String = row.get(4)?;
        pattern.variants.push(Variant {
            name: row.get(0)?,
            count: u32_col(row, 1)?,
            file_count: u32_col(row, 2)?,
            share: row.get(3)?,
            examples: serde_json::from_str(&examples)
                .map_err(|e| IndexError::Corrupt(format!("variant examples: {e}")))?,
        });
    }
    Ok(())
}

pub fn patterns(conn: &Connection, filter: &PatternFilter) -> Result<Vec<Pattern>, IndexError> {
    let mut sql = format!("SELECT {PATTERN_COLS} FROM patterns WHERE 1=1");
    let mut args: Vec<Value> = Vec::new();
    if let Some(c) = &filter.category {
        sql.push_str(" AND category = ?");
        args.push(Value::Text(c.clone()));
    }
    if let Some(d) = &filter.detector {
        sql.push_str(" AND detector = ?");
        args.push(Value::Text(d.clone()));
    }
    if let Some(c) = filter.min_confidence {
        sql.push_str(" AND confidence >= ?");
        args.push(Value::Real(c));
    }
    if let Some(t) = &filter.tier {
        sql.push_str(" AND tier = ?");
        args.push(Value::Text(t.clone()));
    }
    if let Some(l) = filter.lang {
        sql.push_str(" AND lang = ?");
        args.push(Value::Text(l.id().to_string()));
    }
    sql.push_str(" ORDER BY confidence DESC, occurrences DESC, id");
    if let Some(limit) = filter.limit {
        sql.push_str(" LIMIT ?");
        args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    }
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(pattern_from_row(row)?);
    }
    for p in &mut out {
        load_variants(conn, p)?;
    }
    Ok(out)
}

pub fn pattern(conn: &Connection, id: &str) -> Result<Option<Pattern>, IndexError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PATTERN_COLS} FROM patterns WHERE id = ?1"
    ))?;
    let mut rows = stmt.query([id])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let mut p = pattern_from_row(row)?;
    load_variants(conn, &mut p)?;
    Ok(Some(p))
}

fn violation_from_row(row: &Row<'_>) -> Result<Violation, IndexError> {
    Ok(Violation {
        pattern_id: row.get(0)?,
        path: row.get(1)?,
        severity: Severity::from_rank(row.get(2)?),
        found: row.get(3)?,
        expected: row.get(4)?,
        message: row.get(5)?,
        snippet: row.get(6)?,
        span: span_at(row, 7)?,
    })
}

const VIOLATION_COLS: &str = "pattern_id, path, severity, found, expected, message, snippet, start_line, start_col, end_line, end_col";

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn violations(
    conn: &Connection,
    filter: &ViolationFilter,
) -> Result<Vec<Violation>, IndexError> {
    let mut sql = format!("SELECT {VIOLATION_COLS} FROM violations WHERE 1=1");
    let mut args: Vec<Value> = Vec::new();
    if let Some(p) = &filter.path {
        sql.push_str(" AND path = ?");
        args.push(Value::Text(p.clone()));
    }
    if let Some(p) = &filter.path_prefix {
        sql.push_str(" AND path LIKE ? ESCAPE '\\'");
        args.push(Value::Text(format!("{}%", like_escape(p))));
    }
    if let Some(s) = filter.min_severity {
        sql.push_str(" AND severity >= ?");
        args.push(Value::Integer(s.rank()));
    }
    if let Some(p) = &filter.pattern_id {
        sql.push_str(" AND pattern_id = ?");
        args.push(Value::Text(p.clone()));
    }
    sql.push_str(" ORDER BY path, start_line, start_col, pattern_id");
    if let Some(limit) = filter.limit {
        sql.push_str(" LIMIT ?");
        args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    }
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(violation_from_row(row)?);
    }
    Ok(out)
}

const SYMBOL_SELECT: &str = "SELECT f.path, f.lang, s.name, s.local_name, s.qualified_name, s.kind, s.exported, s.signature,
        s.start_line, s.start_col, s.end_line, s.end_col
   FROM symbols s JOIN files f ON f.id = s.file_id";

fn symbol_from_row(row: &Row<'_>) -> Result<SymbolHit, IndexError> {
    let lang: String = row.get(1)?;
    let kind: String = row.get(5)?;
    Ok(SymbolHit {
        path: row.get(0)?,
        lang: lang_from(&lang)?,
        name: row.get(2)?,
        local_name: row.get(3)?,
        qualified_name: row.get(4)?,
        kind: enum_from(&kind)?,
        exported: row.get(6)?,
        signature: row.get(7)?,
        span: span_at(row, 8)?,
    })
}

pub fn search_symbols(
    conn: &Connection,
    query: &str,
    limit: usize,
) -> Result<Vec<SymbolHit>, IndexError> {
    let like = format!("%{}%", like_escape(query));
    let sql = format!(
        "{SYMBOL_SELECT}
          WHERE s.name LIKE ?1 ESCAPE '\\' OR s.qualified_name LIKE ?1 ESCAPE '\\'
          ORDER BY (s.name = ?2) DESC, (s.qualified_name = ?2) DESC, length(s.qualified_name), f.path, s.idx
          LIMIT ?3"
    );
    let mut stmt = conn.prepare(&sql)?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut rows = stmt.query(rusqlite::params![like, query, limit])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(symbol_from_row(row)?);
    }
    Ok(out)
}

/// Every symbol of the index in memory, for [`search_symbols`] without a
/// table scan per query (a long-running reader such as the MCP server
/// loads one per index state). Same hits in the same order.
#[derive(Debug, Default)]
pub struct SymbolTable {
    /// In `search_symbols`' order after its two exact-match keys.
    rows: Vec<SymbolHit>,
    /// ASCII-lowercased `name` and `qualified_name` of each row (SQLite's
    /// `LIKE` folds ASCII case only).
    folded: Vec<(Box<str>, Box<str>)>,
}

impl SymbolTable {
    /// Loads every symbol; `None` when the index holds more than `max`
    /// (the caller keeps using SQL then).
    pub fn load(conn: &Connection, max: usize) -> Result<Option<SymbolTable>, IndexError> {
        let count: i64 = conn.query_row("SELECT count(*) FROM symbols", [], |r| r.get(0))?;
        if usize::try_from(count).map_or(true, |n| n > max) {
            return Ok(None);
        }
        let mut stmt = conn.prepare(&format!(
            "{SYMBOL_SELECT} ORDER BY length(s.qualified_name), f.path, s.idx"
        ))?;
        let mut rows = stmt.query([])?;
        let mut table = SymbolTable::default();
        while let Some(row) = rows.next()? {
            let hit = symbol_from_row(row)?;
            table.folded.push((
                hit.name.to_ascii_lowercase().into(),
                hit.qualified_name.to_ascii_lowercase().into(),
            ));
            table.rows.push(hit);
        }
        Ok(Some(table))
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// [`search_symbols`] over the loaded rows.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SymbolHit> {
        let needle = query.to_ascii_lowercase();
        // Exact name, then exact qualified name, then the rest, each in
        // load order: the SQL's ORDER BY.
        let mut tiers: [Vec<&SymbolHit>; 3] = Default::default();
        for (hit, (name, qualified)) in self.rows.iter().zip(&self.folded) {
            if !(name.contains(needle.as_str()) || qualified.contains(needle.as_str())) {
                continue;
            }
            let tier = if hit.name == query {
                0
            } else if hit.qualified_name == query {
                1
            } else {
                2
            };
            if tiers[..=tier].iter().map(Vec::len).sum::<usize>() < limit {
                tiers[tier].push(hit);
            }
        }
        tiers.into_iter().flatten().take(limit).cloned().collect()
    }
}

fn skipped_from_row(row: &Row<'_>) -> Result<SkippedFile, IndexError> {
    let reason: String = row.get(2)?;
    Ok(SkippedFile {
        path: row.get(0)?,
        lang: opt_lang(row.get(1)?)?,
        reason: SkipReason::from_id(&reason)
            .ok_or_else(|| IndexError::Corrupt(format!("unknown skip reason {reason:?}")))?,
        detail: row.get::<_, Option<String>>(3)?.unwrap_or_default(),
    })
}

pub fn skipped_files(conn: &Connection) -> Result<Vec<SkippedFile>, IndexError> {
    let mut stmt = conn.prepare(
        "SELECT path, lang, skip_reason, skip_detail FROM files WHERE status = 'skipped' ORDER BY path",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(skipped_from_row(row)?);
    }
    Ok(out)
}

pub fn file_info(conn: &Connection, path: &str) -> Result<Option<FileInfo>, IndexError> {
    let row = conn
        .query_row(
            "SELECT id, lang, status, size, hash, error_count, line_count, skip_reason, skip_detail
               FROM files WHERE path = ?1",
            [path],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    u32_col(r, 5)?,
                    u32_col(r, 6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            },
        )
        .optional()?;
    let Some((id, lang, status, size, hash, error_count, line_count, reason, detail)) = row else {
        return Ok(None);
    };
    let lang = opt_lang(lang)?;
    let status = status_from(&status)?;
    let skip = match reason {
        Some(r) => Some(SkippedFile {
            path: path.to_string(),
            lang,
            reason: SkipReason::from_id(&r)
                .ok_or_else(|| IndexError::Corrupt(format!("unknown skip reason {r:?}")))?,
            detail: detail.unwrap_or_default(),
        }),
        None => None,
    };

    let mut symbols = Vec::new();
    {
        let mut stmt = conn.prepare(&format!(
            "{SYMBOL_SELECT} WHERE s.file_id = ?1 ORDER BY s.idx"
        ))?;
        let mut rows = stmt.query([id])?;
        while let Some(row) = rows.next()? {
            symbols.push(symbol_from_row(row)?);
        }
    }
    let mut imports = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT source, imported, local, kind, start_line, start_col, end_line, end_col
               FROM imports WHERE file_id = ?1 ORDER BY idx",
        )?;
        let mut rows = stmt.query([id])?;
        while let Some(row) = rows.next()? {
            let kind: String = row.get(3)?;
            imports.push(ImportRow {
                source: row.get(0)?,
                imported: row.get(1)?,
                local: row.get(2)?,
                kind: enum_from(&kind)?,
                span: span_at(row, 4)?,
            });
        }
    }
    let mut matches = Vec::new();
    if let Some(lang) = lang {
        let raw = conn
            .query_row(
                &format!("{MATCHES_SELECT} WHERE f.id = ?1"),
                [id],
                RawMatchesRow::from_row,
            )
            .optional()?;
        if let Some(raw) = raw {
            let file = raw.decode()?;
            matches = file
                .matches
                .into_iter()
                .map(|m| MatchRow::new(path, lang, m))
                .collect();
        }
    }
    let violations = violations(
        conn,
        &ViolationFilter {
            path: Some(path.to_string()),
            ..ViolationFilter::default()
        },
    )?;
    Ok(Some(FileInfo {
        path: path.to_string(),
        lang,
        status,
        size: u64::try_from(size).unwrap_or(0),
        hash,
        error_count,
        line_count,
        skip,
        symbols,
        imports,
        matches,
        violations,
    }))
}

fn count(conn: &Connection, sql: &str) -> Result<u64, IndexError> {
    let n: i64 = conn.query_row(sql, [], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Files by status, and the parsed ones (ok and partial) by language.
struct FileCounts {
    by_lang: BTreeMap<Lang, u64>,
    ok: u64,
    partial: u64,
    skipped: u64,
}

fn file_counts(conn: &Connection) -> Result<FileCounts, IndexError> {
    let mut counts = FileCounts {
        by_lang: BTreeMap::new(),
        ok: 0,
        partial: 0,
        skipped: 0,
    };
    let mut stmt =
        conn.prepare("SELECT lang, status, count(*) FROM files GROUP BY lang, status")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let lang: Option<String> = row.get(0)?;
        let status: String = row.get(1)?;
        let n = u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0);
        match status_from(&status)? {
            FileStatus::Ok => counts.ok += n,
            FileStatus::Partial => counts.partial += n,
            FileStatus::Skipped => {
                counts.skipped += n;
                continue;
            }
        }
        if let Some(lang) = opt_lang(lang)? {
            *counts.by_lang.entry(lang).or_insert(0) += n;
        }
    }
    Ok(counts)
}

/// The counts a scan reports: fewer than [`summary`]'s, and quicker.
pub fn scan_counts(conn: &Connection) -> Result<ScanCounts, IndexError> {
    Ok(ScanCounts {
        files_by_lang: file_counts(conn)?.by_lang,
        patterns: count(conn, "SELECT count(*) FROM patterns")?,
        violations: count(conn, "SELECT count(*) FROM violations")?,
    })
}

pub fn summary(conn: &Connection) -> Result<IndexSummary, IndexError> {
    let FileCounts {
        by_lang: files_by_lang,
        ok,
        partial,
        skipped,
    } = file_counts(conn)?;
    let mut violations_by_severity = BTreeMap::new();
    {
        let mut stmt =
            conn.prepare("SELECT severity, count(*) FROM violations GROUP BY severity")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let n = u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0);
            *violations_by_severity
                .entry(Severity::from_rank(row.get(0)?))
                .or_insert(0) += n;
        }
    }
    let last_scan = meta(conn, META_LAST_SCAN)?
        .map(|s| {
            serde_json::from_str::<ScanMeta>(&s)
                .map_err(|e| IndexError::Corrupt(format!("last_scan meta: {e}")))
        })
        .transpose()?;
    let scan_interrupted = meta(conn, META_SCAN_IN_PROGRESS)?.is_some();
    Ok(IndexSummary {
        files_by_lang,
        files: ok + partial + skipped,
        ok,
        partial,
        skipped,
        symbols: count(conn, "SELECT count(*) FROM symbols")?,
        imports: count(conn, "SELECT count(*) FROM imports")?,
        calls: count(conn, "SELECT coalesce(sum(call_count), 0) FROM files")?,
        matches: count(conn, "SELECT coalesce(sum(match_count), 0) FROM files")?,
        patterns: count(conn, "SELECT count(*) FROM patterns")?,
        violations_by_severity,
        last_scan,
        scan_interrupted,
    })
}

/// A value from the `meta` table.
pub fn meta(conn: &Connection, key: &str) -> Result<Option<String>, IndexError> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

const MATCHES_SELECT: &str = "SELECT f.path, f.lang, fm.matches
                                FROM files f JOIN file_matches fm ON fm.file_id = f.id";

/// One file's decoded matches, in stored order.
#[derive(Debug, Clone)]
pub struct FileMatches {
    pub path: String,
    pub lang: Lang,
    pub matches: Vec<DetectorMatch>,
}

/// One file's stored matches before decoding: decode many on several
/// threads with [`RawMatchesRow::decode`] (see [`matches_raw_except`]).
#[derive(Debug, Clone)]
pub struct RawMatchesRow {
    pub path: String,
    lang: String,
    blob: Vec<u8>,
}

impl RawMatchesRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RawMatchesRow> {
        Ok(RawMatchesRow {
            path: row.get(0)?,
            lang: row.get(1)?,
            blob: row.get(2)?,
        })
    }

    /// Decompresses and parses the file's matches.
    pub fn decode(self) -> Result<FileMatches, IndexError> {
        Ok(FileMatches {
            lang: lang_from(&self.lang)?,
            matches: decode_blob("matches", &self.path, &self.blob)?,
            path: self.path,
        })
    }
}

/// Every file's matches but for the files `skip` names (whose blobs are
/// not read), undecoded, in path order.
pub fn matches_raw_except(
    conn: &Connection,
    skip: impl Fn(&str) -> bool,
) -> Result<Vec<RawMatchesRow>, IndexError> {
    let mut stmt = conn.prepare(&format!("{MATCHES_SELECT} ORDER BY f.path"))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let path: String = row.get(0)?;
        if !skip(&path) {
            out.push(RawMatchesRow {
                path,
                lang: row.get(1)?,
                blob: row.get(2)?,
            });
        }
    }
    Ok(out)
}

/// Every match, in path order (one file decoded at a time).
pub fn for_each_match<E: From<IndexError>>(
    conn: &Connection,
    mut f: impl FnMut(MatchRow) -> Result<(), E>,
) -> Result<(), E> {
    let mut stmt = conn
        .prepare(&format!("{MATCHES_SELECT} ORDER BY f.path"))
        .map_err(IndexError::from)?;
    let mut rows = stmt.query([]).map_err(IndexError::from)?;
    while let Some(row) = rows.next().map_err(IndexError::from)? {
        let file = RawMatchesRow::from_row(row)
            .map_err(IndexError::from)?
            .decode()?;
        for m in file.matches {
            f(MatchRow::new(&file.path, file.lang, m))?;
        }
    }
    Ok(())
}

/// Every file's stored facts (detector matches left out) with its path,
/// language and status, in path order.
const FACTS_SQL: &str = "SELECT f.path, f.lang, f.status, ff.facts, NULL
                           FROM files f JOIN file_facts ff ON ff.file_id = f.id
                          ORDER BY f.path";

/// Files' stored facts with their matches blobs (add a WHERE / ORDER BY).
const FACTS_WITH_MATCHES_SELECT: &str = "SELECT f.path, f.lang, f.status, ff.facts, fm.matches
                           FROM files f JOIN file_facts ff ON ff.file_id = f.id
                           LEFT JOIN file_matches fm ON fm.file_id = f.id";

/// One file's stored facts before decoding: decode many on several threads
/// with [`RawFactsRow::decode`] (see [`file_facts_raw`]).
#[derive(Debug, Clone)]
pub struct RawFactsRow {
    pub path: String,
    lang: String,
    status: String,
    facts: Vec<u8>,
    matches: Option<Vec<u8>>,
}

impl RawFactsRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RawFactsRow> {
        Ok(RawFactsRow {
            path: row.get(0)?,
            lang: row.get(1)?,
            status: row.get(2)?,
            facts: row.get(3)?,
            matches: row.get(4)?,
        })
    }

    /// Decompresses and parses the facts (and the matches, if read).
    pub fn decode(self) -> Result<FactsRow, IndexError> {
        let mut facts: FileFacts = decode_blob("facts", &self.path, &self.facts)?;
        if let Some(blob) = &self.matches {
            facts.matches = decode_blob("matches", &self.path, blob)?;
        }
        Ok(FactsRow {
            facts,
            lang: lang_from(&self.lang)?,
            status: status_from(&self.status)?,
            path: self.path,
        })
    }
}

/// Every file's stored facts, undecoded, in path order, without their
/// detector matches (for the call graph, which does not read them).
pub fn file_facts_raw(conn: &Connection) -> Result<Vec<RawFactsRow>, IndexError> {
    let mut stmt = conn.prepare(FACTS_SQL)?;
    let rows = stmt.query_map([], RawFactsRow::from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Every file's complete facts (matches included), decoded one at a time.
pub fn for_each_file_facts<E: From<IndexError>>(
    conn: &Connection,
    mut f: impl FnMut(FactsRow) -> Result<(), E>,
) -> Result<(), E> {
    let mut stmt = conn
        .prepare(&format!("{FACTS_WITH_MATCHES_SELECT} ORDER BY f.path"))
        .map_err(IndexError::from)?;
    let mut rows = stmt.query([]).map_err(IndexError::from)?;
    while let Some(row) = rows.next().map_err(IndexError::from)? {
        let raw = RawFactsRow::from_row(row).map_err(IndexError::from)?;
        f(raw.decode()?)?;
    }
    Ok(())
}

/// One file's complete facts (matches included).
pub fn file_facts(conn: &Connection, path: &str) -> Result<Option<(Lang, FileFacts)>, IndexError> {
    let raw = conn
        .query_row(
            &format!("{FACTS_WITH_MATCHES_SELECT} WHERE f.path = ?1"),
            [path],
            RawFactsRow::from_row,
        )
        .optional()?;
    match raw {
        None => Ok(None),
        Some(raw) => {
            let row = raw.decode()?;
            Ok(Some((row.lang, row.facts)))
        }
    }
}

/// Files parsed with syntax errors (or lossy UTF-8): `(path, error_count)`.
pub fn partial_files(conn: &Connection) -> Result<Vec<(String, u32)>, IndexError> {
    let mut stmt =
        conn.prepare("SELECT path, error_count FROM files WHERE status = 'partial' ORDER BY path")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push((row.get(0)?, u32_col(row, 1)?));
    }
    Ok(out)
}
