//! drift-index: schema, writes, reads, transactions.
#![allow(clippy::unwrap_used)]

use drift_core::{
    Call, DetectorMatch, FileFacts, Import, ImportKind, Lang, Span, Symbol, SymbolKind,
};
use drift_index::*;

fn span(line: u32) -> Span {
    Span {
        start_line: line,
        start_col: 1,
        end_line: line,
        end_col: 10,
    }
}

fn facts() -> FileFacts {
    FileFacts {
        symbols: vec![Symbol {
            name: "run".into(),
            qualified_name: "Service.run".into(),
            kind: SymbolKind::Method,
            span: span(2),
            name_span: span(2),
            parent: None,
            signature: "run(x: number): void".into(),
            params: vec![],
            return_type: Some("void".into()),
            decorators: vec![],
            bases: vec![],
            exported: true,
            has_doc: false,
            is_async: false,
            is_static: false,
        }],
        imports: vec![Import {
            source: "./util".into(),
            kind: ImportKind::Named,
            imported: "helper".into(),
            local: "helper".into(),
            reexport: false,
            type_only: false,
            span: span(1),
        }],
        calls: vec![Call {
            callee: "helper".into(),
            name: "helper".into(),
            receiver: None,
            arg_count: 1,
            arg_names: vec![],
            is_constructor: false,
            enclosing: Some(0),
            span: span(3),
        }],
        matches: vec![DetectorMatch {
            detector: "x/style".into(),
            variant: "a".into(),
            span: span(3),
            snippet: "helper(x)".into(),
        }],
        line_count: 4,
        ..FileFacts::default()
    }
}

fn analyzed(path: &str, hash: &str) -> FileWrite {
    FileWrite::Analyzed {
        path: path.into(),
        lang: Lang::TypeScript,
        size: 10,
        mtime_ns: 5,
        hash: hash.into(),
        lossy: false,
        facts: Box::new(facts()),
    }
}

fn pattern(id: &str) -> Pattern {
    Pattern {
        id: id.into(),
        detector: id.into(),
        category: "style".into(),
        name: "Style".into(),
        description: String::new(),
        lang: Some(Lang::TypeScript),
        dominant: "a".into(),
        confidence: 0.9,
        tier: "established".into(),
        occurrences: 10,
        file_count: 4,
        variants: vec![Variant {
            name: "a".into(),
            count: 10,
            file_count: 4,
            share: 1.0,
            examples: vec![Example {
                path: "src/a.ts".into(),
                span: span(3),
                snippet: "x".into(),
            }],
        }],
    }
}

fn violation(path: &str, severity: Severity) -> Violation {
    Violation {
        pattern_id: "x/style".into(),
        path: path.into(),
        span: span(7),
        found: "b".into(),
        expected: "a".into(),
        severity,
        message: "m".into(),
        snippet: "s".into(),
    }
}

fn meta() -> ScanMeta {
    ScanMeta {
        started_at: 1,
        finished_at: 2,
        duration_ms: 3,
        full: true,
        parsed: 1,
        unchanged: 0,
        removed: 0,
    }
}

#[test]
fn open_creates_migrates_and_refuses_newer_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested/.drift/drift.db");
    let idx = Index::open(&db).unwrap();
    let version: u32 = idx
        .with_conn(|c| -> Result<u32, IndexError> {
            Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?)
        })
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let mode: String = idx
        .with_conn(|c| -> Result<String, IndexError> {
            Ok(c.pragma_query_value(None, "journal_mode", |r| r.get(0))?)
        })
        .unwrap();
    assert_eq!(mode, "wal");
    drop(idx);
    Index::open(&db).unwrap(); // idempotent
    let idx = Index::open(&db).unwrap();
    idx.with_conn(|c| -> Result<(), IndexError> {
        c.pragma_update(None, "user_version", 999)?;
        Ok(())
    })
    .unwrap();
    drop(idx);
    let err = Index::open(&db).unwrap_err();
    assert!(
        matches!(err, IndexError::SchemaTooNew { found: 999, .. }),
        "{err}"
    );
    assert!(Index::open_read_only(&db).is_err());
}

/// `page_size` and `wal_autocheckpoint` of an open index.
fn pages(idx: &Index) -> (u32, u32) {
    idx.with_conn(|c| -> Result<(u32, u32), IndexError> {
        Ok((
            c.pragma_query_value(None, "page_size", |r| r.get(0))?,
            c.pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))?,
        ))
    })
    .unwrap()
}

#[test]
fn new_indexes_use_large_pages_and_old_ones_keep_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drift.db");
    let idx = Index::open(&db).unwrap();
    // The WAL is checkpointed past 4,096,000 bytes, as with SQLite's
    // default of 1,000 pages of 4 KiB.
    assert_eq!(pages(&idx), (PAGE_SIZE, 4_096_000 / PAGE_SIZE));
    drop(idx);
    assert_eq!(pages(&Index::open(&db).unwrap()).0, PAGE_SIZE);

    // An index made with 4 KiB pages (by an earlier build) keeps them and
    // is written and read as before.
    let old = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.pragma_update(None, "page_size", 4096).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE t(x); DROP TABLE t;")
            .unwrap();
    }
    let idx = Index::open(&old).unwrap();
    assert_eq!(pages(&idx), (4096, 1_000));
    idx.write_files(vec![analyzed("src/a.ts", "h1")]).unwrap();
    assert!(idx.file_info("src/a.ts").unwrap().is_some());
}

#[test]
fn facts_round_trip_and_queries() {
    let idx = Index::open_in_memory().unwrap();
    idx.begin_scan(1).unwrap();
    idx.write_files(vec![
        analyzed("src/a.ts", "h1"),
        analyzed("src/b_c.ts", "h2"),
        FileWrite::Skipped {
            file: SkippedFile {
                path: "big.js".into(),
                lang: Some(Lang::JavaScript),
                reason: SkipReason::TooLarge,
                detail: "2 > 1".into(),
            },
            size: 2,
            mtime_ns: 3,
            hash: None,
        },
    ])
    .unwrap();
    assert_eq!(
        idx.file_facts("src/a.ts").unwrap(),
        Some((Lang::TypeScript, facts()))
    );
    let info = idx.file_info("src/a.ts").unwrap().unwrap();
    assert_eq!(info.status, FileStatus::Ok);
    assert_eq!(info.symbols[0].qualified_name, "src.a.Service.run");
    assert_eq!(info.symbols[0].local_name, "Service.run");
    assert_eq!(info.imports[0].source, "./util");
    assert_eq!(info.matches[0].variant, "a");
    let skipped = idx.skipped_files().unwrap();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].reason, SkipReason::TooLarge);
    let states = idx.file_states().unwrap();
    assert_eq!(states["big.js"].skip_reason, Some(SkipReason::TooLarge));
    assert_eq!(states["src/a.ts"].hash.as_deref(), Some("h1"));

    // Re-writing a file replaces (not duplicates) its facts.
    idx.write_files(vec![analyzed("src/a.ts", "h3")]).unwrap();
    let summary = idx.summary().unwrap();
    assert_eq!((summary.symbols, summary.calls, summary.matches), (2, 2, 2));
    assert!(summary.scan_interrupted);

    let patterns = [pattern("x/style")];
    let violations = [
        violation("src/a.ts", Severity::Warning),
        violation("src/b_c.ts", Severity::Error),
        violation("src/bxc.ts", Severity::Info),
    ];
    idx.finish_scan(
        &FinishScan {
            removed: &["big.js".to_string()],
            learned: Some((&patterns, &violations)),
            meta: meta(),
        },
        |_| -> Result<(), IndexError> { Ok(()) },
    )
    .unwrap();
    let summary = idx.summary().unwrap();
    assert!(!summary.scan_interrupted);
    assert_eq!(summary.skipped, 0);
    assert_eq!(summary.last_scan, Some(meta()));
    // What a scan reports agrees with the summary.
    let counts = idx.scan_counts().unwrap();
    assert!(!counts.files_by_lang.is_empty());
    assert_eq!(counts.files_by_lang, summary.files_by_lang);
    assert_eq!(counts.patterns, summary.patterns);
    assert_eq!(counts.patterns, 1);
    assert_eq!(counts.violations, 3);
    assert_eq!(
        counts.violations,
        summary.violations_by_severity.values().sum::<u64>()
    );
    assert_eq!(idx.pattern("x/style").unwrap(), Some(pattern("x/style")));
    // `_` in a prefix is literal.
    let v = idx
        .violations(&ViolationFilter {
            path_prefix: Some("src/b_".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].path, "src/b_c.ts");
    let v = idx
        .violations(&ViolationFilter {
            min_severity: Some(Severity::Warning),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(
        idx.patterns(&PatternFilter {
            min_confidence: Some(0.95),
            ..Default::default()
        })
        .unwrap()
        .len(),
        0
    );
    assert_eq!(
        idx.patterns(&PatternFilter {
            tier: Some("established".into()),
            lang: Some(Lang::TypeScript),
            ..Default::default()
        })
        .unwrap()
        .len(),
        1
    );
    let hits = idx.search_symbols("run", 10).unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(idx.search_symbols("%", 10).unwrap().len(), 0);

    // learned: None keeps the stored patterns.
    idx.finish_scan(
        &FinishScan {
            removed: &["src/b_c.ts".to_string()],
            learned: None,
            meta: meta(),
        },
        |_| -> Result<(), IndexError> { Ok(()) },
    )
    .unwrap();
    assert_eq!(idx.patterns(&Default::default()).unwrap().len(), 1);
    assert_eq!(idx.violations(&Default::default()).unwrap().len(), 3);
    let mut n = 0;
    idx.for_each_file_facts(|row| -> Result<(), IndexError> {
        assert_eq!(row.facts, facts());
        n += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(n, 1);
    let mut rows = Vec::new();
    idx.for_each_match(|m| -> Result<(), IndexError> {
        rows.push(m);
        Ok(())
    })
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].path.as_str(), rows[0].lang),
        ("src/a.ts", Lang::TypeScript)
    );
    assert_eq!(rows[0].snippet, "helper(x)");
    // The call graph's raw read leaves the matches out; all else is there.
    let raw = idx.with_conn(read::file_facts_raw).unwrap();
    let decoded = raw.into_iter().next().unwrap().decode().unwrap();
    assert_eq!(
        decoded.facts,
        FileFacts {
            matches: vec![],
            ..facts()
        }
    );
}

#[test]
fn failed_final_transaction_changes_nothing() {
    let idx = Index::open_in_memory().unwrap();
    idx.write_files(vec![analyzed("src/a.ts", "h1")]).unwrap();
    idx.replace_patterns(&[pattern("x/style")], &[]).unwrap();
    let err = idx
        .finish_scan(
            &FinishScan {
                removed: &["src/a.ts".to_string()],
                learned: Some((&[], &[])),
                meta: meta(),
            },
            |tx| -> Result<(), IndexError> {
                tx.execute_batch("CREATE TABLE cg(x INTEGER)")?;
                Err(IndexError::Corrupt("callgraph failed".into()))
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("callgraph failed"));
    assert!(idx.file_info("src/a.ts").unwrap().is_some());
    assert_eq!(idx.patterns(&Default::default()).unwrap().len(), 1);
    assert!(idx.summary().unwrap().last_scan.is_none());
}

#[test]
fn read_only_handle_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drift.db");
    Index::open(&db).unwrap();
    let ro = Index::open_read_only(&db).unwrap();
    assert!(ro.is_read_only());
    assert!(ro.summary().is_ok());
    assert!(ro.write_files(vec![analyzed("a.ts", "h")]).is_err());
}

/// Every kind of fact the extractors produce survives the blob format
/// (a binary format cannot read every serde shape; this catches one that
/// slips into the model).
#[test]
fn extracted_facts_of_every_language_round_trip_through_blobs() {
    let code = r#"
import os
from a.b import c as d
class A(Base):
    repo: Repo = Repo()
    def m(self, x: int = 1) -> str:
        self.s = make()
        y = x
        return self.x.y(x, "SELECT * FROM t WHERE id = 1")
export class B extends C<T> implements I { private f = (a) => a?.b; constructor(private r: Repo) { this.q = new Q(); } }
fn main() -> Result<(), E> { let v: Vec<u8> = vec![1]; v.iter().map(|x| x + 1); }
"#;
    let detectors = drift_core::detect::DetectorSet::builtin();
    let mut analyzer = drift_core::FileAnalyzer::new(Default::default());
    for lang in Lang::ALL {
        let facts = analyzer
            .analyze(lang, "src/a", code.as_bytes(), &detectors, None)
            .unwrap()
            .facts;
        let back: FileFacts = decode_blob("facts", "src/a", &encode_blob(&facts).unwrap()).unwrap();
        assert_eq!(back, facts, "{lang}");
    }
    let ts = analyzer
        .analyze(
            Lang::TypeScript,
            "src/a.ts",
            code.as_bytes(),
            &detectors,
            None,
        )
        .unwrap()
        .facts;
    assert!(!ts.bindings.is_empty() && !ts.calls.is_empty() && !ts.symbols.is_empty());
}

/// The in-memory symbol table answers every search exactly as the SQL
/// does: same hits, same order, same limit.
#[test]
fn the_symbol_table_searches_like_the_index() {
    let names = [
        ("run", "Service.run"),
        ("Run", "Runner.Run"),
        ("rerun", "rerun"),
        ("run_all", "Jobs.run_all"),
        ("runAll", "jobs.runAll"),
        ("pct_50%", "stats.pct_50%"),
        ("Ünïcode", "Ünïcode"),
        ("ünïcode", "m.ünïcode"),
        ("helper", "helper"),
        ("Service", "Service"),
    ];
    let mut writes = Vec::new();
    for (file, chunk) in names.chunks(3).enumerate() {
        let mut f = facts();
        f.symbols = chunk
            .iter()
            .map(|(name, qualified)| Symbol {
                name: (*name).into(),
                qualified_name: (*qualified).into(),
                ..facts().symbols[0].clone()
            })
            .collect();
        writes.push(FileWrite::Analyzed {
            path: format!("src/m{}.ts", 3 - file),
            lang: Lang::TypeScript,
            size: 10,
            mtime_ns: 5,
            hash: format!("h{file}"),
            lossy: false,
            facts: Box::new(f),
        });
    }
    let idx = Index::open_in_memory().unwrap();
    idx.begin_scan(1).unwrap();
    idx.write_files(writes).unwrap();
    let table = idx
        .with_conn(|c| SymbolTable::load(c, 1_000))
        .unwrap()
        .expect("under the limit");
    assert_eq!(table.len(), names.len());
    for query in [
        "run",
        "RUN",
        "Run",
        "un",
        "run_",
        "_",
        "%",
        "50%",
        "ünï",
        "Ünï",
        "",
        "Service",
        "service",
        "Service.run",
        "nothing",
    ] {
        for limit in [0, 1, 2, 3, 50] {
            let sql = idx.search_symbols(query, limit).unwrap();
            assert_eq!(table.search(query, limit), sql, "{query:?} limit {limit}");
        }
    }
    assert!(!idx.search_symbols("run", 50).unwrap().is_empty());
    let over = idx.with_conn(|c| SymbolTable::load(c, 3)).unwrap();
    assert!(over.is_none(), "more symbols than the limit");
}
