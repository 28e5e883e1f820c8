//! Incremental updates must give exactly the graph a full rebuild gives,
//! over sequences of edits: change a body, rename a function, delete a file,
//! add a file.

mod common;

use std::collections::BTreeMap;

use drift_callgraph::CallGraph;
use drift_callgraph::finalizer::file_refs;
use drift_core::{FileFacts, Lang};

enum Edit {
    /// Replace the first occurrence of `from` with `to` in a file.
    Replace(&'static str, &'static str, &'static str),
    Delete(&'static str),
    Add(&'static str, &'static str),
}

struct State {
    sources: BTreeMap<String, String>,
    facts: BTreeMap<String, (Lang, FileFacts)>,
}

impl State {
    fn refs(&self) -> Vec<(&str, Lang, &FileFacts)> {
        self.facts
            .iter()
            .map(|(p, (l, f))| (p.as_str(), *l, f))
            .collect()
    }
}

fn run(lang: &str, edits: &[Edit]) {
    let project = common::load(lang);
    let mut st = State {
        sources: project.sources.clone(),
        facts: project
            .files
            .iter()
            .map(|(p, l, f)| (p.clone(), (*l, f.clone())))
            .collect(),
    };
    let mut g = CallGraph::build(&st.refs());
    for (step, edit) in edits.iter().enumerate() {
        let mut changed: Vec<String> = Vec::new();
        let mut removed: Vec<String> = Vec::new();
        match edit {
            Edit::Replace(path, from, to) => {
                let src = st.sources.get_mut(*path).expect("file exists");
                assert!(src.contains(from), "step {step}: {path} lacks {from:?}");
                *src = src.replacen(from, to, 1);
                changed.push(path.to_string());
            }
            Edit::Delete(path) => {
                st.sources.remove(*path).expect("file exists");
                st.facts.remove(*path);
                removed.push(path.to_string());
            }
            Edit::Add(path, text) => {
                st.sources.insert(path.to_string(), text.to_string());
                changed.push(path.to_string());
            }
        }
        for p in &changed {
            let (l, f) = common::analyze(p, &st.sources[p]).expect("known language");
            st.facts.insert(p.clone(), (l, f));
        }
        let all = st.refs();
        let changed_refs: Vec<_> = all
            .iter()
            .copied()
            .filter(|(p, _, _)| changed.iter().any(|c| c == p))
            .collect();
        let removed_refs: Vec<&str> = removed.iter().map(String::as_str).collect();
        let before = g.export_json();
        let n = g.update(&changed_refs, &removed_refs, &all);
        let full = CallGraph::build(&all);
        println!(
            "[{lang}] step {step}: re-resolved {n} of {} files",
            all.len()
        );
        assert_eq!(
            g.export_json(),
            full.export_json(),
            "[{lang}] step {step}: edges differ"
        );
        assert_eq!(
            g.unresolved(),
            full.unresolved(),
            "[{lang}] step {step}: unresolved differ"
        );
        assert_eq!(
            g.entry_points(),
            full.entry_points(),
            "[{lang}] step {step}: entry points differ"
        );
        assert!(g == full, "[{lang}] step {step}: graphs differ");
        assert_ne!(
            before,
            g.export_json(),
            "[{lang}] step {step}: the edit should change the graph"
        );
    }
}

#[test]
fn typescript_edit_sequence() {
    run(
        "typescript",
        &[
            // Change a body: capitalize now logs.
            Edit::Replace(
                "src/util/index.ts",
                "return s.toUpperCase();",
                "log(s);\n  return s.toUpperCase();",
            ),
            // Rename a function that other files import.
            Edit::Replace(
                "src/util/math.ts",
                "export function add(",
                "export function sum(",
            ),
            // Delete a file other files import and extend.
            Edit::Delete("src/models/repo.ts"),
            // Add it back.
            Edit::Add(
                "src/models/repo.ts",
                "export class BaseRepo {\n  connect(): number { return 1; }\n  save(x: string): string { this.connect(); return x; }\n}\nexport class UserRepo extends BaseRepo {\n  constructor() { super(); }\n  findUser(id: string): string { return id; }\n}\n",
            ),
            // Rename it back: importers resolve again.
            Edit::Replace(
                "src/util/math.ts",
                "export function sum(",
                "export function add(",
            ),
            // Add a new file that something already imports by re-export.
            Edit::Add(
                "src/extra.ts",
                "import { formatName } from \"./util\";\nexport function shout(s: string): string { return formatName(s); }\n",
            ),
            Edit::Replace(
                "src/main.ts",
                "main();",
                "main();\nimport { shout } from \"./extra\";\nshout(\"x\");",
            ),
        ],
    );
}

#[test]
fn python_edit_sequence() {
    run(
        "python",
        &[
            Edit::Replace(
                "app/util.py",
                "return s.upper()",
                "log(s)\n    return s.upper()",
            ),
            Edit::Replace(
                "app/util.py",
                "def format_name(name):",
                "def format_full_name(name):",
            ),
            Edit::Delete("app/models/repo.py"),
            Edit::Add(
                "app/models/repo.py",
                "class BaseRepo:\n    def connect(self):\n        return 1\n\n    def save(self, x):\n        self.connect()\n        return x\n\n\nclass UserRepo(BaseRepo):\n    def find_user(self, uid):\n        return uid\n",
            ),
            Edit::Replace(
                "app/util.py",
                "def format_full_name(name):",
                "def format_name(name):",
            ),
            Edit::Add(
                "app/extra.py",
                "from .util import log\n\n\ndef shout(s):\n    log(s)\n",
            ),
        ],
    );
}

#[test]
fn go_edit_sequence() {
    run(
        "go",
        &[
            Edit::Replace(
                "setup.go",
                "func configure() {}",
                "func configure() {\n\thelper()\n}",
            ),
            Edit::Delete("internal/store/base.go"),
            Edit::Add(
                "internal/store/base.go",
                "package store\n\ntype Base struct{}\n\nfunc (b *Base) Ping() {}\n",
            ),
            Edit::Replace(
                "internal/store/store.go",
                "func NewStore() *Store {",
                "func MakeStore() *Store {",
            ),
        ],
    );
}

#[test]
fn java_edit_sequence() {
    run(
        "java",
        &[
            Edit::Replace(
                "src/main/java/com/acme/util/Strings.java",
                "public static String capitalize(",
                "public static String upper(",
            ),
            Edit::Delete("src/main/java/com/acme/service/Helper.java"),
            Edit::Add(
                "src/main/java/com/acme/service/Helper.java",
                "package com.acme.service;\n\nclass Helper {\n    void audit(String s) {\n        System.out.println(s);\n    }\n}\n",
            ),
        ],
    );
}

/// Facts of in-memory sources, as `(path, lang, facts)` for the graph.
fn analyze_all(sources: &BTreeMap<&str, String>) -> Vec<(String, Lang, FileFacts)> {
    sources
        .iter()
        .map(|(p, s)| {
            let (l, f) = common::analyze(p, s).expect("known language");
            (p.to_string(), l, f)
        })
        .collect()
}

/// Updates `g` for a new text of `path`; returns how many files were
/// re-resolved, after checking the result against a full build.
fn edit<'a>(
    g: &mut CallGraph,
    sources: &mut BTreeMap<&'a str, String>,
    path: &'a str,
    text: &str,
) -> usize {
    sources.insert(path, text.to_string());
    let files = analyze_all(sources);
    let all = file_refs(&files);
    let changed: Vec<_> = all.iter().copied().filter(|f| f.0 == path).collect();
    let n = g.update(&changed, &[], &all);
    let full = CallGraph::build(&all);
    assert_eq!(g.export_json(), full.export_json(), "edit of {path}");
    assert!(*g == full, "edit of {path}: graphs differ");
    n
}

/// A file's names are lookup keys of an update only where its symbols of
/// that name changed: an edit of a body (lines moving too) leaves the files
/// that looked its names up alone, while a change of what a name denotes (a
/// function turned into a class, a parameter added) or a new name
/// re-resolves the files that looked that name up, and only those.
#[test]
fn body_edits_leave_name_lookups_alone() {
    let helpers = "def helper():\n    return 1\n\n\ndef other():\n    return 2\n";
    let mut sources: BTreeMap<&str, String> = BTreeMap::new();
    sources.insert("pkg/helpers.py", helpers.to_string());
    sources.insert("pkg/more.py", "def helper():\n    return 3\n".to_string());
    // Calls `helper` without importing it: found by name only, and while
    // two functions have that name the call stays unresolved, so this file
    // looked the name up without reading either file.
    sources.insert("pkg/user.py", "def use():\n    helper()\n".to_string());
    sources.insert(
        "pkg/bystander.py",
        "def idle():\n    return 0\n".to_string(),
    );
    // Calls a function nothing defines yet.
    sources.insert("pkg/later.py", "def wait():\n    fresh()\n".to_string());
    let files = analyze_all(&sources);
    let mut g = CallGraph::build(&file_refs(&files));
    let edge = ("pkg.user.use".to_string(), "pkg.more.helper".to_string());
    assert!(!g.edge_names().contains(&edge), "ambiguous name resolved");

    // A body edit that moves every line: only the file itself.
    let moved = format!(
        "# moved\n\n{}",
        helpers.replace("return 1", "x = 1\n    return x")
    );
    assert_eq!(edit(&mut g, &mut sources, "pkg/helpers.py", &moved), 1);
    assert!(!g.edge_names().contains(&edge));

    // `helper` becomes a class here: the other one is now the only function
    // of that name, and the caller must find it.
    let class = moved.replace(
        "def helper():\n    x = 1\n    return x",
        "class helper:\n    pass",
    );
    assert_eq!(edit(&mut g, &mut sources, "pkg/helpers.py", &class), 2);
    assert!(g.edge_names().contains(&edge), "caller not re-resolved");

    // A function again, now with a parameter: ambiguous again.
    let param = class.replace("class helper:\n    pass", "def helper(x=0):\n    return x");
    assert_eq!(edit(&mut g, &mut sources, "pkg/helpers.py", &param), 2);
    assert!(!g.edge_names().contains(&edge), "stale edge");

    // A new function: only the file that looked its name up follows.
    let added = format!("{param}\n\ndef fresh():\n    return 4\n");
    assert_eq!(edit(&mut g, &mut sources, "pkg/helpers.py", &added), 2);
    let found = (
        "pkg.later.wait".to_string(),
        "pkg.helpers.fresh".to_string(),
    );
    assert!(g.edge_names().contains(&found), "new name not found");
}
