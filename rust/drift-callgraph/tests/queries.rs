//! Entry points, dead code and queries on the fixture projects (real extraction).

mod common;

use std::collections::BTreeSet;

use drift_callgraph::{CallGraph, EntryReason, Lookup, NodeId, Strategy};

fn id(g: &CallGraph, q: &str) -> NodeId {
    g.id_of(q).unwrap_or_else(|| panic!("no node {q}"))
}

fn entries(g: &CallGraph) -> BTreeSet<(String, EntryReason)> {
    g.entry_points()
        .iter()
        .map(|e| (g.nodes()[e.node as usize].qualified_name.clone(), e.reason))
        .collect()
}

fn has(set: &BTreeSet<(String, EntryReason)>, q: &str, r: EntryReason) {
    assert!(
        set.contains(&(q.to_string(), r)),
        "missing entry point {q} ({r:?}); have {set:#?}"
    );
}

fn dead(g: &CallGraph) -> BTreeSet<String> {
    g.dead_code()
        .into_iter()
        .map(|d| d.qualified_name)
        .collect()
}

#[test]
fn python_entry_points_dead_code_and_queries() {
    let g = common::load("python").build();
    let e = entries(&g);
    has(&e, "app.main", EntryReason::MainGuard);
    has(&e, "app.api.routes.list_users", EntryReason::RouteHandler);
    has(&e, "tests.test_util.test_format_name", EntryReason::Test);
    has(
        &e,
        "app.models.repo.BaseRepo.__init__",
        EntryReason::FrameworkHook,
    );

    let d = dead(&g);
    assert!(d.contains("app.util.unused_helper"), "{d:?}");
    assert!(!d.contains("app.util._capitalize"), "{d:?}");
    assert!(
        !d.contains("app.services.user.on_event"),
        "callback target is referenced: {d:?}"
    );

    // Strategies.
    let reg = id(&g, "app.services.user.UserService.register");
    let strat = |to: &str| {
        let t = id(&g, to);
        g.out_edges(reg).find(|e| e.callee == t).map(|e| e.strategy)
    };
    assert_eq!(
        strat("app.models.repo.UserRepo.save"),
        Some(Strategy::TypeInference)
    );
    assert_eq!(
        strat("app.services.user.UserService.total"),
        Some(Strategy::MethodSelf)
    );
    assert_eq!(strat("app.util.log"), Some(Strategy::Import));
    let total = id(&g, "app.services.user.UserService.total");
    assert!(
        g.out_edges(total)
            .any(|e| e.strategy == Strategy::Decorator)
    );

    // External calls keep their module.
    assert!(
        g.unresolved()
            .iter()
            .any(|u| u.callee == "os.path.join" && u.external.as_deref() == Some("os")),
        "{:?}",
        g.unresolved()
    );

    // Queries.
    let fmt = id(&g, "app.util.format_name");
    let callers: BTreeSet<String> = g
        .callers(fmt, 1)
        .nodes
        .iter()
        .map(|(n, _)| g.nodes()[*n as usize].qualified_name.clone())
        .collect();
    assert!(callers.contains("app.api.routes.list_users"), "{callers:?}");
    assert!(callers.contains("tests.test_util.test_format_name"));
    let cap = id(&g, "app.util._capitalize");
    let impact = g.impact(&[cap]);
    let affected: BTreeSet<String> = impact
        .entry_points
        .iter()
        .map(|e| g.nodes()[e.node as usize].qualified_name.clone())
        .collect();
    assert!(affected.contains("app.main"), "{affected:?}");
    assert!(affected.contains("app.api.routes.list_users"));
    for c in &impact.callers {
        assert_eq!(c.path.first(), Some(&c.node));
        assert_eq!(c.path.last(), Some(&cap));
        assert_eq!(c.path.len() as u32, c.depth + 1);
    }
    let main = id(&g, "app.main.main");
    let connect = id(&g, "app.models.repo.BaseRepo.connect");
    let path = g.shortest_path(main, connect).expect("path");
    assert_eq!(path.first(), Some(&main));
    assert_eq!(path.last(), Some(&connect));
    assert!(g.reachable_from(main).contains(&connect));
    assert!(g.shortest_path(connect, main).is_none());
    let file_impact = g.impact_of_file("app/models/repo.py");
    assert!(file_impact.callers.iter().any(|c| c.node == main));

    assert_eq!(g.lookup("format_name"), Lookup::Found(fmt));
    assert_eq!(g.lookup("util.format_name"), Lookup::Found(fmt));
    assert!(matches!(g.lookup("save"), Lookup::Ambiguous(v) if v.len() == 2));
    assert_eq!(
        g.lookup("UserRepo.save"),
        Lookup::Found(id(&g, "app.models.repo.UserRepo.save"))
    );

    let s = g.stats();
    let py = &s.by_language["python"];
    assert!(py.resolved > 0 && py.resolution_rate > 0.5, "{s:?}");
    assert!(s.external_calls > 0);
}

#[test]
fn typescript_entry_points_and_dead_code() {
    let g = common::load("typescript").build();
    let e = entries(&g);
    has(&e, "src.services.user.handler", EntryReason::RouteHandler);
    has(&e, "lib.legacy.legacy", EntryReason::ExportedApi);
    let d = dead(&g);
    assert!(d.contains("src.util.math.unusedLocal"), "{d:?}");
    assert!(!d.contains("src.util.math.add"), "{d:?}");
    assert!(!d.contains("src.services.user.double"), "{d:?}");
    // Libraries are external.
    assert!(
        g.unresolved()
            .iter()
            .any(|u| u.callee == "express" && u.external.as_deref() == Some("express"))
    );
}

#[test]
fn entry_points_per_language() {
    let g = common::load("java").build();
    let e = entries(&g);
    has(&e, "src.main.java.com.acme.App.App.main", EntryReason::Main);
    has(
        &e,
        "src.main.java.com.acme.web.UserController.UserController.list",
        EntryReason::RouteHandler,
    );
    has(
        &e,
        "src.test.java.com.acme.StringsTest.StringsTest.formats",
        EntryReason::Test,
    );

    let g = common::load("go").build();
    let e = entries(&g);
    has(&e, "main.main", EntryReason::Main);
    has(&e, "main.init", EntryReason::FrameworkHook);
    has(&e, "main.handleUsers", EntryReason::RouteHandler);
    has(
        &e,
        "internal.service.user_test.TestRegister",
        EntryReason::Test,
    );

    let g = common::load("rust").build();
    let e = entries(&g);
    has(&e, "src.main.main", EntryReason::Main);
    has(&e, "src.store.Store.drop", EntryReason::FrameworkHook);
    has(&e, "src.service.mod.tests.registers", EntryReason::Test);
    let d = dead(&g);
    assert!(
        !d.contains("src.store.Store.save"),
        "trait impl methods are dispatch targets: {d:?}"
    );

    let g = common::load("csharp").build();
    let e = entries(&g);
    has(&e, "Program.Shop.Program.Main", EntryReason::Main);
    has(
        &e,
        "Controllers.UsersController.Shop.Controllers.UsersController.List",
        EntryReason::RouteHandler,
    );
    has(
        &e,
        "Tests.UtilTests.Shop.Tests.UtilTests.Formats",
        EntryReason::Test,
    );
}

#[test]
fn export_json_is_deterministic_and_sorted() {
    for lang in ["typescript", "python", "java", "go", "rust", "csharp"] {
        let a = common::load(lang).build().export_json();
        let b = common::load(lang).build().export_json();
        assert_eq!(a, b, "{lang}");
        let v: serde_json::Value = serde_json::from_str(&a).expect("json");
        let obj = v.as_object().expect("object");
        let keys: Vec<&String> = obj.keys().collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        for callees in obj.values() {
            let c: Vec<&str> = callees
                .as_array()
                .expect("array")
                .iter()
                .filter_map(|x| x.as_str())
                .collect();
            let mut s = c.clone();
            s.sort();
            assert_eq!(c, s);
        }
    }
}

#[test]
fn store_round_trip_then_incremental_update() {
    let project = common::load("typescript");
    let g = project.build();
    let mut conn = rusqlite::Connection::open_in_memory().expect("db");
    let tx = conn.transaction().expect("tx");
    drift_callgraph::store::write(&tx, &g).expect("write");
    tx.commit().expect("commit");
    let mut loaded = drift_callgraph::store::load(&conn).expect("load");
    assert!(loaded == g, "loaded graph differs");
    // Edit after reload: the stored dependency keys drive the update.
    let mut files = project.files.clone();
    let src = project.sources["src/util/index.ts"].replace(
        "return s.toUpperCase();",
        "log(s);\n  return s.toUpperCase();",
    );
    let (l, f) = common::analyze("src/util/index.ts", &src).expect("ts");
    for entry in files.iter_mut() {
        if entry.0 == "src/util/index.ts" {
            *entry = ("src/util/index.ts".to_string(), l, f.clone());
        }
    }
    let all: Vec<_> = files.iter().map(|(p, l, f)| (p.as_str(), *l, f)).collect();
    let changed: Vec<_> = all
        .iter()
        .copied()
        .filter(|x| x.0 == "src/util/index.ts")
        .collect();
    loaded.update(&changed, &[], &all);
    assert!(loaded == CallGraph::build(&all));
    // Writing twice is idempotent.
    let tx = conn.transaction().expect("tx");
    drift_callgraph::store::write(&tx, &loaded).expect("write");
    tx.commit().expect("commit");
    assert!(drift_callgraph::store::load(&conn).expect("load") == loaded);
}

#[test]
fn stats_are_consistent() {
    for lang in ["typescript", "python", "java", "go", "rust", "csharp"] {
        let project = common::load(lang);
        let g = project.build();
        let s = g.stats();
        let call_sites: usize = project.files.iter().map(|(_, _, f)| f.calls.len()).sum();
        let ls: Vec<_> = s.by_language.values().collect();
        let total: usize = ls.iter().map(|l| l.calls).sum();
        // Every call site is exactly one of: resolved, unresolved, external,
        // implicit constructor.
        assert_eq!(total, call_sites, "{lang}");
        assert!(s.functions > 0 && s.edges > 0 && s.modules == project.files.len());
        println!(
            "[{lang}] {} call sites: {} resolved, {} unresolved, {} external; rate {:?}",
            call_sites,
            s.resolved_call_sites,
            s.unresolved_calls,
            s.external_calls,
            s.by_language
                .iter()
                .map(|(k, v)| (k.clone(), (v.resolution_rate * 1000.0).round() / 1000.0))
                .collect::<Vec<_>>()
        );
    }
}
