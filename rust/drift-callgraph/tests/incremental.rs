//! Incremental updates must give exactly the graph a full rebuild gives,
//! over sequences of edits: change a body, rename a function, delete a file,
//! add a file.

mod common;

use std::collections::BTreeMap;

use drift_callgraph::CallGraph;
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
