//! Criterion bench for building the call graph from extracted facts.
//!
//! - `callgraph/rust_glob_cycles`: a synthetic crate whose module and its
//!   children glob-import each other (`synthetic_rust_globs`), the shape
//!   that once made resolution exponential in the number of children.
//! - `callgraph/dir`: the project at `DRIFT_BENCH_CALLGRAPH_DIR`, when set
//!   (for example a crate from `~/.cargo/registry/src`).
//!
//! Each project is scanned once, into an index in a temporary directory,
//! and the graph is built from the stored facts as the scan's finalizer
//! builds it; only the build is timed.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use drift_bench::synthetic_rust_globs;
use drift_callgraph::CallGraph;
use drift_callgraph::finalizer::{file_refs, stored_facts};
use drift_core::{FileFacts, Lang};
use drift_scan::{Project, ScanConfig, ScanOptions};

/// The facts a scan of `root` stores (the index goes under `tmp`).
fn scanned_facts(root: &Path, tmp: &Path) -> anyhow::Result<Vec<(String, Lang, FileFacts)>> {
    let config = ScanConfig {
        db_path: Some(tmp.join("drift.db")),
        ..ScanConfig::default()
    };
    let project = Project::open(root, config)?;
    project.scan(&ScanOptions::default(), &|_| {}, &AtomicBool::new(false))?;
    Ok(project.index().with_conn(stored_facts)?)
}

fn bench_build(c: &mut Criterion, name: &str, facts: &[(String, Lang, FileFacts)]) {
    let refs = file_refs(facts);
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

fn run(c: &mut Criterion, tmp: &Path) -> anyhow::Result<()> {
    let synthetic = tmp.join("synthetic");
    for (path, src) in synthetic_rust_globs(16, 20) {
        let path = synthetic.join(path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, src)?;
    }
    let index = tmp.join("index-synthetic");
    std::fs::create_dir_all(&index)?;
    bench_build(c, "rust_glob_cycles", &scanned_facts(&synthetic, &index)?);
    if let Some(dir) = std::env::var_os("DRIFT_BENCH_CALLGRAPH_DIR") {
        let index = tmp.join("index-dir");
        std::fs::create_dir_all(&index)?;
        bench_build(c, "dir", &scanned_facts(&PathBuf::from(dir), &index)?);
    }
    Ok(())
}

fn bench_callgraph(c: &mut Criterion) {
    let tmp = std::env::temp_dir().join(format!("drift-callgraph-bench-{}", std::process::id()));
    let result = run(c, &tmp);
    let _ = std::fs::remove_dir_all(&tmp);
    if let Err(err) = result {
        eprintln!("callgraph bench: {err:#}");
        std::process::exit(1);
    }
}

criterion_group!(benches, bench_callgraph);
criterion_main!(benches);
