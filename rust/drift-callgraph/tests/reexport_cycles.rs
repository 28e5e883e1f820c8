//! Re-export cycles (`pub use` / `export *` pointing back at each other) must
//! end resolution with "unknown", not recurse until the stack overflows.

use drift_callgraph::CallGraph;
use drift_core::detect::DetectorSet;
use drift_core::{AnalyzeOptions, FileAnalyzer, FileFacts, Lang};

fn facts(files: &[(&str, Lang, &str)]) -> Vec<(String, Lang, FileFacts)> {
    let mut analyzer = FileAnalyzer::new(AnalyzeOptions::default());
    let detectors = DetectorSet::default();
    files
        .iter()
        .map(|(path, lang, src)| {
            let analysis = analyzer
                .analyze(*lang, path, src.as_bytes(), &detectors, None)
                .expect("analyze");
            (path.to_string(), *lang, analysis.facts)
        })
        .collect()
}

fn build(files: &[(&str, Lang, &str)]) -> CallGraph {
    let owned = facts(files);
    let refs: Vec<_> = owned.iter().map(|(p, l, f)| (p.as_str(), *l, f)).collect();
    CallGraph::build(&refs)
}

#[test]
fn rust_glob_reexport_cycle_terminates() {
    let graph = build(&[
        (
            "src/lib.rs",
            Lang::Rust,
            "pub mod a;\npub mod b;\npub fn run() { crate::a::missing(); a::helper(); }\n",
        ),
        (
            "src/a.rs",
            Lang::Rust,
            "pub use crate::b::*;\npub fn helper() { crate::b::nothing_here(); }\n",
        ),
        (
            "src/b.rs",
            Lang::Rust,
            "pub use crate::a::*;\npub use self::inner::*;\nmod inner { pub use super::*; }\n",
        ),
    ]);
    let json = graph.export_json();
    assert!(json.contains("src.lib.run"), "{json}");
}

#[test]
fn typescript_export_star_cycle_terminates() {
    let graph = build(&[
        (
            "src/a.ts",
            Lang::TypeScript,
            "export * from './b';\nexport function f() { return 1; }\n",
        ),
        ("src/b.ts", Lang::TypeScript, "export * from './a';\n"),
        (
            "src/main.ts",
            Lang::TypeScript,
            "import { f, g } from './b';\nexport function main() { f(); g(); }\n",
        ),
    ]);
    let json = graph.export_json();
    assert!(
        json.contains("src.a.f"),
        "main → f resolves through the cycle: {json}"
    );
}

/// The shape of crates like rmcp: a module that glob-re-exports its children
/// (`pub use c0::*; …`), each of which glob-imports it back (`use super::*`).
/// Module lookups are memoised and cut at cycles; a lookup cut short by a
/// cycle (`c0::shared` while `model::shared` is open) must not be remembered
/// as a miss, or `second` would lose its edge. (The speed is measured by the
/// `callgraph` bench, not here.)
#[test]
fn rust_glob_cycles_through_many_children_resolve() {
    const CHILDREN: usize = 12;
    let mut model = String::new();
    for i in 0..CHILDREN {
        model.push_str(&format!("mod c{i};\n"));
    }
    for i in 0..CHILDREN {
        model.push_str(&format!("pub use c{i}::*;\n"));
    }
    let children: Vec<(String, String)> = (0..CHILDREN)
        .map(|i| {
            let own = if i == CHILDREN - 1 {
                "pub fn shared() {}\n".to_string()
            } else {
                String::new()
            };
            (
                format!("src/model/c{i}.rs"),
                format!("use super::*;\npub fn f{i}() {{ shared(); absent(); }}\n{own}"),
            )
        })
        .collect();
    let lib = "pub mod model;\n\
               pub fn first() { model::shared(); model::missing(); }\n\
               pub fn second() { model::c0::shared(); }\n";
    let mut files: Vec<(&str, Lang, &str)> = vec![
        ("src/lib.rs", Lang::Rust, lib),
        ("src/model.rs", Lang::Rust, &model),
    ];
    files.extend(
        children
            .iter()
            .map(|(p, s)| (p.as_str(), Lang::Rust, s.as_str())),
    );
    let graph = build(&files);
    let json: serde_json::Value = serde_json::from_str(&graph.export_json()).expect("json");
    let shared = format!("src.model.c{}.shared", CHILDREN - 1);
    let callees = |caller: &str| -> Vec<String> {
        json[caller]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(callees("src.lib.first"), vec![shared.clone()], "{json}");
    // Same file, after `first` looked `shared` up through `c0`'s cycle.
    assert_eq!(callees("src.lib.second"), vec![shared.clone()], "{json}");
    for i in 0..CHILDREN - 1 {
        assert_eq!(
            callees(&format!("src.model.c{i}.f{i}")),
            vec![shared.clone()],
            "{json}"
        );
    }
}
