//! Criterion bench for building the call graph from extracted facts.
//!
//! - `callgraph/rust_glob_cycles`: a synthetic crate whose module and its
//!   children glob-import each other (`synthetic_rust_globs`), the shape
//!   that once made resolution exponential in the number of children.
//! - `callgraph/dir`: every source file under `DRIFT_BENCH_CALLGRAPH_DIR`,
//!   when set (for example a crate from `~/.cargo/registry/src`).
//!
//! Files are analysed once, outside the timed loop.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use drift_bench::synthetic_rust_globs;
use drift_callgraph::CallGraph;
use drift_core::detect::DetectorSet;
use drift_core::{AnalyzeOptions, FileAnalyzer, FileFacts, Lang};

fn analyse(files: &[(String, Lang, Vec<u8>)]) -> Vec<(String, Lang, FileFacts)> {
    let detectors = DetectorSet::default();
    let mut analyzer = FileAnalyzer::new(AnalyzeOptions::default());
    files
        .iter()
        .filter_map(|(path, lang, src)| {
            match analyzer.analyze(*lang, path, src, &detectors, None) {
                Ok(a) => Some((path.clone(), *lang, a.facts)),
                Err(err) => {
                    eprintln!("callgraph bench: {path}: {err}; skipped");
                    None
                }
            }
        })
        .collect()
}

fn source_files(root: &Path) -> Vec<(String, Lang, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in ignore::Walk::new(root).flatten() {
        let path = entry.path();
        let Some(lang) = Lang::from_path(&path.to_string_lossy()) else {
            continue;
        };
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        match std::fs::read(path) {
            Ok(bytes) => out.push((rel.to_string_lossy().into_owned(), lang, bytes)),
            Err(err) => eprintln!("callgraph bench: {}: {err}; skipped", path.display()),
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn bench_build(c: &mut Criterion, name: &str, facts: &[(String, Lang, FileFacts)]) {
    let refs: Vec<(&str, Lang, &FileFacts)> =
        facts.iter().map(|(p, l, f)| (p.as_str(), *l, f)).collect();
    let graph = CallGraph::build(&refs);
    eprintln!(
        "callgraph bench: {name}: {} files, {} edges, {} unresolved calls",
        refs.len(),
        graph.edges().len(),
        graph.unresolved().len()
    );
    let mut group = c.benchmark_group("callgraph");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function(name, |b| b.iter(|| CallGraph::build(black_box(&refs))));
    group.finish();
}

fn bench_callgraph(c: &mut Criterion) {
    let synthetic: Vec<(String, Lang, Vec<u8>)> = synthetic_rust_globs(16, 20)
        .into_iter()
        .map(|(path, src)| (path, Lang::Rust, src.into_bytes()))
        .collect();
    bench_build(c, "rust_glob_cycles", &analyse(&synthetic));
    if let Some(dir) = std::env::var_os("DRIFT_BENCH_CALLGRAPH_DIR") {
        let files = source_files(Path::new(&dir));
        bench_build(c, "dir", &analyse(&files));
    }
}

criterion_group!(benches, bench_callgraph);
criterion_main!(benches);
