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
