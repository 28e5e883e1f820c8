//! Unit tests on hand-built facts (the integration tests in `tests/` run real extraction).

use drift_core::{
    Binding, BindingValue, Call, FileFacts, Import, ImportKind, Lang, Span, Symbol, SymbolKind,
};

use crate::{CallGraph, Lookup, Strategy};

fn sym(name: &str, qn: &str, kind: SymbolKind, parent: Option<u32>) -> Symbol {
    Symbol {
        name: name.into(),
        qualified_name: qn.into(),
        kind,
        span: Span::default(),
        name_span: Span::default(),
        parent,
        signature: String::new(),
        params: Vec::new(),
        return_type: None,
        decorators: Vec::new(),
        bases: Vec::new(),
        exported: true,
        has_doc: false,
        is_async: false,
        is_static: false,
    }
}

fn call(callee: &str, enclosing: Option<u32>) -> Call {
    let (receiver, name) = match callee.rsplit_once('.') {
        Some((r, n)) => (Some(r.to_string()), n.to_string()),
        None => (None, callee.to_string()),
    };
    Call {
        callee: callee.into(),
        name,
        receiver,
        arg_count: 0,
        arg_names: Vec::new(),
        is_constructor: false,
        enclosing,
        span: Span::default(),
    }
}

fn import(source: &str, imported: &str, local: &str, kind: ImportKind) -> Import {
    Import {
        source: source.into(),
        kind,
        imported: imported.into(),
        local: local.into(),
        reexport: false,
        type_only: false,
        span: Span::default(),
    }
}

fn project() -> Vec<(String, Lang, FileFacts)> {
    // src/repo.ts: export class Repo { save() {} }
    let repo = FileFacts {
        symbols: vec![
            sym("Repo", "Repo", SymbolKind::Class, None),
            sym("save", "Repo.save", SymbolKind::Method, Some(0)),
        ],
        ..FileFacts::default()
    };
    // src/service.ts: import { Repo } from "./repo"; class Service { run() { const r = new Repo(); r.save(); this.helper(); } helper() {} }
    let mut run_call = call("r.save", Some(1));
    run_call.span.start_line = 3;
    let service = FileFacts {
        symbols: vec![
            sym("Service", "Service", SymbolKind::Class, None),
            sym("run", "Service.run", SymbolKind::Method, Some(0)),
            sym("helper", "Service.helper", SymbolKind::Method, Some(0)),
        ],
        imports: vec![import("./repo", "Repo", "Repo", ImportKind::Named)],
        calls: vec![
            run_call,
            call("this.helper", Some(1)),
            call("console.log", Some(2)),
        ],
        bindings: vec![Binding {
            name: "r".into(),
            value: BindingValue::New("Repo".into()),
            scope: Some(1),
            span: Span::default(),
        }],
        ..FileFacts::default()
    };
    vec![
        ("src/repo.ts".into(), Lang::TypeScript, repo),
        ("src/service.ts".into(), Lang::TypeScript, service),
    ]
}

#[test]
fn resolves_type_inference_and_self_calls() {
    let files = project();
    let refs: Vec<_> = files.iter().map(|(p, l, f)| (p.as_str(), *l, f)).collect();
    let g = CallGraph::build(&refs);
    let edges = g.edge_names();
    assert!(
        edges.contains(&(
            "src.service.Service.run".into(),
            "src.repo.Repo.save".into()
        )),
        "{edges:?}"
    );
    assert!(edges.contains(&(
        "src.service.Service.run".into(),
        "src.service.Service.helper".into()
    )));
    assert_eq!(edges.len(), 2, "{edges:?}");
    let run = g.id_of("src.service.Service.run").expect("node");
    let strategies: Vec<Strategy> = g.out_edges(run).map(|e| e.strategy).collect();
    assert!(strategies.contains(&Strategy::TypeInference));
    assert!(strategies.contains(&Strategy::MethodSelf));
    assert_eq!(g.unresolved().len(), 1);
    assert_eq!(
        g.lookup("Repo.save"),
        Lookup::Found(g.id_of("src.repo.Repo.save").expect("node"))
    );
    assert_eq!(g.lookup("nothing"), Lookup::NotFound);
}

#[test]
fn store_round_trip_is_identical() {
    let files = project();
    let refs: Vec<_> = files.iter().map(|(p, l, f)| (p.as_str(), *l, f)).collect();
    let g = CallGraph::build(&refs);
    let mut conn = rusqlite::Connection::open_in_memory().expect("db");
    let tx = conn.transaction().expect("tx");
    crate::store::write(&tx, &g).expect("write");
    tx.commit().expect("commit");
    // Idempotent schema creation.
    crate::store::ensure_schema(&conn).expect("schema");
    let loaded = crate::store::load(&conn).expect("load");
    assert_eq!(loaded.export_json(), g.export_json());
    assert_eq!(loaded.edges(), g.edges());
    assert_eq!(loaded.nodes(), g.nodes());
    let n: i64 = conn
        .query_row("SELECT count(*) FROM cg_files", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, files.len() as i64);
}

/// A temporary project with the call graph attached, as front ends scan.
struct GraphProject {
    dir: tempfile::TempDir,
    project: drift_scan::Project,
}

impl GraphProject {
    fn new(files: &[(&str, &str)]) -> GraphProject {
        let dir = tempfile::tempdir().expect("tmp");
        for (rel, text) in files {
            write_file(dir.path(), rel, text);
        }
        let mut project =
            drift_scan::Project::open(dir.path(), drift_scan::ScanConfig::default()).expect("open");
        crate::attach(&mut project).expect("attach");
        GraphProject { dir, project }
    }

    fn write(&self, rel: &str, text: &str) {
        write_file(self.dir.path(), rel, text);
    }

    fn scan(&self) -> Result<drift_scan::ScanReport, drift_scan::ScanError> {
        let cancel = std::sync::atomic::AtomicBool::new(false);
        self.project
            .scan(&drift_scan::ScanOptions::default(), &|_| {}, &cancel)
    }
}

fn write_file(root: &std::path::Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn a_rescan_stores_the_graph_a_rebuild_would() {
    let gp = GraphProject::new(&[("pkg/__init__.py", "")]);
    let write = |rel: &str, text: &str| gp.write(rel, text);
    write("pkg/a.py", "def helper():\n    return 1\n");
    write(
        "pkg/b.py",
        "from pkg.a import helper\n\ndef run():\n    return helper()\n",
    );
    write(
        "pkg/c.py",
        "from pkg.b import run\n\ndef main():\n    run()\n",
    );
    write("pkg/u.py", "def alone():\n    return 2\n");
    let project = &gp.project;
    let scan = || gp.scan().expect("scan");
    scan();
    // Log which records the rescan writes (same connection as the scan's).
    project
        .index()
        .with_conn(|c| {
            c.execute_batch(
                "CREATE TEMP TABLE written (path TEXT);
                 CREATE TEMP TRIGGER log_cg_write AFTER INSERT ON main.cg_files
                 BEGIN INSERT INTO written(path) VALUES (new.path); END;",
            )?;
            Ok::<_, crate::store::StoreError>(())
        })
        .expect("trigger");

    // Rename the helper (b and c depend on it), drop c, add d.
    write(
        "pkg/a.py",
        "def helper2():\n    return 1\n\n\ndef other():\n    return 3\n",
    );
    write(
        "pkg/b.py",
        "from pkg.a import helper2\n\ndef run():\n    return helper2()\n",
    );
    std::fs::remove_file(gp.dir.path().join("pkg/c.py")).expect("rm");
    write(
        "pkg/d.py",
        "from pkg.b import run\n\ndef go():\n    run()\n",
    );
    scan();

    let stored = project.index().with_conn(crate::store::load).expect("load");
    let rebuilt = project
        .index()
        .with_conn(crate::finalizer::build_from_index)
        .expect("rebuild");
    assert_eq!(stored, rebuilt);
    assert!(
        stored
            .edge_names()
            .contains(&("pkg.b.run".to_string(), "pkg.a.helper2".to_string())),
        "{:?}",
        stored.edge_names()
    );
    // Only the re-resolved files' records were written.
    let written: Vec<String> = project
        .index()
        .with_conn(|c| {
            let mut st = c.prepare("SELECT path FROM written ORDER BY path")?;
            let rows = st.query_map([], |r| r.get(0))?;
            Ok::<_, crate::store::StoreError>(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .expect("written");
    assert!(written.iter().any(|p| p == "pkg/a.py"), "{written:?}");
    assert!(written.iter().any(|p| p == "pkg/d.py"), "{written:?}");
    assert!(!written.iter().any(|p| p == "pkg/u.py"), "{written:?}");
}

#[test]
fn an_update_reads_only_the_keys_column() {
    let gp = GraphProject::new(&[
        ("a.py", "def helper():\n    return 1\n"),
        (
            "b.py",
            "from a import helper\n\ndef run():\n    return helper()\n",
        ),
        ("u.py", "def alone():\n    return 2\n"),
    ]);
    let project = &gp.project;
    gp.scan().expect("first scan");
    // Damage the data of a record the next update does not re-resolve.
    project
        .index()
        .with_conn(|c| {
            c.execute("UPDATE cg_files SET data = x'00' WHERE path = 'u.py'", [])?;
            Ok::<_, crate::store::StoreError>(())
        })
        .expect("damage");
    gp.write("a.py", "def helper():\n    return 3\n");
    gp.scan().expect("an update plans from the keys alone");
    // Loading the graph reads the data, and names the damaged record.
    let err = project
        .index()
        .with_conn(crate::store::load)
        .expect_err("damaged record");
    assert!(err.to_string().contains("u.py"), "{err}");
}

#[test]
fn stored_keys_read_borrowed_as_they_were_written() {
    use crate::Prior;
    use crate::graph::FileResult;
    use crate::store::{Record, StoredKeys};
    use drift_scan::drift_index::{decode_unpacked, unpack_blob};
    let result = FileResult {
        deps: ["n:helper", "p:pkg/a.py", "n:é"].map(String::from).into(),
        defines: [("run".to_string(), 7), ("helper".to_string(), u64::MAX)].into(),
        ..FileResult::default()
    };
    let record = Record::encode(result.clone()).expect("encode");
    let bytes = unpack_blob("keys", "a.py", &record.keys).expect("unpack");
    let stored: StoredKeys<'_> = decode_unpacked("keys", "a.py", &bytes).expect("decode");
    let keys = |ks: &[&str]| ks.iter().map(|k| k.to_string()).collect();
    let probes = [
        &["n:helper"][..],
        &["n:é"],
        &["x", "p:pkg/a.py"],
        &["n:help"],
        &[],
    ];
    for probe in probes {
        assert_eq!(
            stored.consulted_any(&keys(probe)),
            (&result).consulted_any(&keys(probe)),
            "{probe:?}"
        );
    }
    assert_eq!(stored.defines(), (&result).defines());
    // A damaged blob is an error that names the record, not a panic.
    let mut damaged = bytes.clone();
    damaged.truncate(damaged.len() - 3);
    let err = decode_unpacked::<StoredKeys<'_>>("call-graph keys", "a.py", &damaged)
        .expect_err("truncated");
    assert!(err.to_string().contains("a.py"), "{err}");
}

#[test]
fn tables_of_an_older_layout_are_dropped_and_a_newer_one_refused() {
    let conn = rusqlite::Connection::open_in_memory().expect("db");
    conn.execute_batch(
        "CREATE TABLE cg_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
         INSERT INTO cg_meta VALUES ('schema_version', '1');
         CREATE TABLE cg_files (path TEXT PRIMARY KEY, data TEXT NOT NULL);
         INSERT INTO cg_files VALUES ('a.py', '{}');
         CREATE TABLE cg_unresolved (caller INTEGER, callee TEXT, line INTEGER, external TEXT);
         CREATE TABLE cg_sources (path TEXT PRIMARY KEY, hash TEXT NOT NULL);
         INSERT INTO cg_sources VALUES ('a.py', 'h');",
    )
    .expect("v1 tables");
    crate::store::ensure_schema(&conn).expect("rebuilt");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("stmt")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("names");
    assert!(
        !tables
            .iter()
            .any(|t| t == "cg_unresolved" || t == "cg_sources"),
        "{tables:?}"
    );
    assert!(crate::store::load(&conn).expect("load").nodes().is_empty());

    conn.execute(
        "UPDATE cg_meta SET value = '99' WHERE key = 'schema_version'",
        [],
    )
    .expect("bump");
    let err = crate::store::ensure_schema(&conn).expect_err("newer layout");
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn malformed_callee_text_does_not_panic() {
    let mut f = FileFacts {
        symbols: vec![sym("f", "f", SymbolKind::Function, None)],
        ..FileFacts::default()
    };
    for callee in [
        "::", "", ".", "a..b", "::a::", "super", "this", "new ", "()", "a.()", "self::", "crate",
    ] {
        f.calls.push(call(callee, Some(0)));
    }
    f.bindings.push(Binding {
        name: "x".into(),
        value: BindingValue::Alias("x".into()),
        scope: None,
        span: Span::default(),
    });
    f.calls.push(call("x", None));
    for lang in [
        Lang::Rust,
        Lang::Python,
        Lang::TypeScript,
        Lang::Java,
        Lang::Go,
        Lang::CSharp,
    ] {
        let g = CallGraph::build(&[("a/b.x", lang, &f)]);
        assert_eq!(g.nodes().len(), 2);
        let _ = g.stats();
        let _ = g.dead_code();
    }
}

#[test]
fn name_fingerprints_see_all_but_positions() {
    let base = vec![
        sym("Repo", "Repo", SymbolKind::Class, None),
        sym("save", "Repo.save", SymbolKind::Method, Some(0)),
        sym("load", "load", SymbolKind::Function, None),
    ];
    let of = |syms: &[Symbol]| crate::name_fingerprints(Lang::Python, syms);
    let mut moved = base.clone();
    for s in &mut moved {
        s.span.start_line += 10;
        s.span.end_line += 10;
        s.name_span.start_col += 4;
    }
    assert_eq!(of(&base), of(&moved), "positions must not count");
    // A new symbol ahead of the others renumbers them (their `parent`
    // indices move) without changing what their names denote.
    let mut shifted = base.clone();
    shifted.insert(0, sym("f", "f", SymbolKind::Function, None));
    shifted[2].parent = Some(1);
    let (a, b) = (of(&base), of(&shifted));
    assert!(b.contains_key("f") && !a.contains_key("f"));
    for name in ["Repo", "save", "load"] {
        assert_eq!(a[name], b[name], "{name} must not change");
    }

    type Change = Box<dyn Fn(&mut Vec<Symbol>)>;
    let changes: Vec<(&str, &str, Change)> = vec![
        (
            "save",
            "kind",
            Box::new(|s| s[1].kind = SymbolKind::Function),
        ),
        ("save", "parent", Box::new(|s| s[1].parent = None)),
        (
            "save",
            "parent's kind",
            Box::new(|s| s[0].kind = SymbolKind::Interface),
        ),
        (
            "save",
            "qualified name",
            Box::new(|s| s[1].qualified_name = "Other.save".into()),
        ),
        (
            "save",
            "signature",
            Box::new(|s| s[1].signature = "def save(self, x)".into()),
        ),
        (
            "save",
            "params",
            Box::new(|s| {
                s[1].params.push(drift_core::Param {
                    name: "x".into(),
                    type_text: None,
                })
            }),
        ),
        (
            "save",
            "return type",
            Box::new(|s| s[1].return_type = Some("int".into())),
        ),
        (
            "save",
            "decorators",
            Box::new(|s| s[1].decorators.push("staticmethod".into())),
        ),
        (
            "Repo",
            "bases",
            Box::new(|s| s[0].bases.push("Base".into())),
        ),
        ("save", "exported", Box::new(|s| s[1].exported = false)),
        ("load", "is_async", Box::new(|s| s[2].is_async = true)),
        (
            "load",
            "a second definition",
            Box::new(|s| s.push(sym("load", "load", SymbolKind::Function, None))),
        ),
    ];
    for (name, what, change) in changes {
        let mut changed = base.clone();
        change(&mut changed);
        assert_ne!(
            of(&base).get(name),
            of(&changed).get(name),
            "{what} must count"
        );
    }
    assert_ne!(
        of(&base),
        crate::name_fingerprints(Lang::Ruby, &base),
        "language must count"
    );
}
