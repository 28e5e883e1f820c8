//! `drift callgraph …` over the graph the scan stores.

mod common;

use common::Fixture;

fn project() -> Fixture {
    let f = Fixture::empty();
    f.write(".drift/drift.toml", "[rules]\nbuiltin = false\n");
    f.write(
        "src/repo.ts",
        "export class Repo {\n  save(x: number) { return x; }\n}\n",
    );
    f.write(
        "src/service.ts",
        "import { Repo } from \"./repo\";\nexport function register(r: Repo) { return r.save(1); }\nfunction unused() { return 2; }\n",
    );
    f.write(
        "src/main.ts",
        "import { register } from \"./service\";\nimport { Repo } from \"./repo\";\nexport function main() { register(new Repo()); }\n",
    );
    f.init_and_scan();
    f
}

#[test]
fn queries() {
    let f = project();
    let r = f.drift(&["callgraph", "callers", "Repo.save", "--depth", "3"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("callgraph_callers", r.stdout);

    let r = f.drift(&[
        "callgraph",
        "callees",
        "src.main.main",
        "--depth",
        "3",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let names: Vec<&str> = j["callees"]
        .as_array()
        .expect("callees")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, vec!["src.service.register", "src.repo.Repo.save"]);

    let r = f.drift(&["callgraph", "impact", "--file", "src/repo.ts", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_json_snapshot!("callgraph_impact_json", r.json());

    let r = f.drift(&["callgraph", "path", "src.main.main", "Repo.save"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("callgraph_path", r.stdout);

    let r = f.drift(&["callgraph", "dead-code", "--json"]);
    assert_eq!(r.json()[0]["qualified_name"], "src.service.unused");

    let r = f.drift(&["callgraph", "stats", "--json"]);
    assert_eq!(r.json()["functions"], 4);

    let r = f.drift(&["callgraph", "export"]);
    insta::assert_snapshot!("callgraph_export", r.stdout);
}

#[test]
fn unknown_and_ambiguous_symbols_exit_2() {
    let f = project();
    let r = f.drift(&["callgraph", "callers", "Repo.sav"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean: `src.repo.Repo.save`"),
        "{}",
        r.stderr
    );
    let r = f.drift(&["callgraph", "callees", "main"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("ambiguous"), "{}", r.stderr);
    let r = f.drift(&["callgraph", "impact", "--file", "src/nope.ts"]);
    assert_eq!(r.code, 2);
}

#[test]
fn the_graph_follows_incremental_scans() {
    let f = project();
    f.write(
        "src/service.ts",
        "import { Repo } from \"./repo\";\nexport function register(r: Repo) { return r.save(1); }\nexport function unused() { return register(new Repo()); }\n",
    );
    assert_eq!(f.drift(&["scan"]).code, 0);
    let r = f.drift(&["callgraph", "callers", "src.service.register", "--json"]);
    let callers = r.json()["callers"].as_array().map(Vec::len);
    assert_eq!(callers, Some(2), "{}", r.stdout);
}
