//! An in-memory snapshot of what changes only when a scan commits: the
//! summary, the patterns (with variants and examples) and the symbol table.
//! Keyed by the index's `last_scan` marker, so a scan by this server or by
//! the CLI invalidates it; while a scan is in progress (the index's
//! `scan_in_progress` marker) tools read the database directly instead.

use drift_core::{Lang, Span};
use drift_index::{Index, IndexSummary, Pattern, PatternFilter, SymbolHit, SymbolTable};

use crate::error::ToolError;

pub struct Snapshot {
    pub summary: IndexSummary,
    /// Most confident first (the index's order).
    pub patterns: std::sync::Arc<Vec<Pattern>>,
    /// Every symbol, for name search in memory; `None` above
    /// `MAX_SYMBOLS_IN_MEMORY` (search then runs in SQL).
    pub symbols: Option<SymbolTable>,
}

/// A row takes about 540 bytes (measured on Django's index: 39,744
/// symbols, 21 MiB), so this caps the table near 130 MiB.
const MAX_SYMBOLS_IN_MEMORY: usize = 250_000;

/// `Some(marker)` when the index is stable (no scan in progress).
pub fn marker(idx: &Index) -> Result<Option<String>, ToolError> {
    if idx.meta(drift_index::META_SCAN_IN_PROGRESS)?.is_some() {
        return Ok(None);
    }
    Ok(Some(idx.meta("last_scan")?.unwrap_or_default()))
}

fn u32_at(row: &drift_index::rusqlite::Row<'_>, i: usize) -> drift_index::rusqlite::Result<u32> {
    Ok(u32::try_from(row.get::<_, i64>(i)?).unwrap_or(0))
}

/// Symbols whose simple name is exactly `name` (uses the `symbols_name`
/// index), in path and declaration order.
pub fn symbols_named(idx: &Index, name: &str, limit: usize) -> Result<Vec<SymbolHit>, ToolError> {
    idx.with_conn(|c| {
        let mut stmt = c
            .prepare(
                "SELECT f.path, f.lang, s.name, s.local_name, s.qualified_name, s.kind, s.exported, s.signature,
                        s.start_line, s.start_col, s.end_line, s.end_col
                   FROM symbols s JOIN files f ON f.id = s.file_id
                  WHERE s.name = ?1
                  ORDER BY f.path, s.idx
                  LIMIT ?2",
            )
            .map_err(drift_index::IndexError::from)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut rows = stmt
            .query(drift_index::rusqlite::params![name, limit])
            .map_err(drift_index::IndexError::from)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(drift_index::IndexError::from)? {
            let get = || -> drift_index::rusqlite::Result<Option<SymbolHit>> {
                let lang: String = row.get(1)?;
                let kind: String = row.get(5)?;
                let (Some(lang), Ok(kind)) = (
                    Lang::from_id(&lang),
                    serde_json::from_value(serde_json::Value::String(kind)),
                ) else {
                    return Ok(None);
                };
                Ok(Some(SymbolHit {
                    path: row.get(0)?,
                    lang,
                    name: row.get(2)?,
                    local_name: row.get(3)?,
                    qualified_name: row.get(4)?,
                    kind,
                    exported: row.get(6)?,
                    signature: row.get(7)?,
                    span: Span {
                        start_line: u32_at(row, 8)?,
                        start_col: u32_at(row, 9)?,
                        end_line: u32_at(row, 10)?,
                        end_col: u32_at(row, 11)?,
                    },
                }))
            };
            if let Some(hit) = get().map_err(drift_index::IndexError::from)? {
                out.push(hit);
            }
        }
        Ok::<_, ToolError>(out)
    })
}

impl Snapshot {
    pub fn load(idx: &Index) -> Result<Snapshot, ToolError> {
        let summary = idx.summary()?;
        let patterns = std::sync::Arc::new(idx.patterns(&PatternFilter::default())?);
        let symbols = idx.with_conn(|c| SymbolTable::load(c, MAX_SYMBOLS_IN_MEMORY))?;
        Ok(Snapshot {
            summary,
            patterns,
            symbols,
        })
    }
}
