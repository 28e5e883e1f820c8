//! Criterion benches for the per-file phases (parse, parse+extract+detect)
//! and learning.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use drift_bench::{BENCH_LANG, synthetic_ts};
use drift_core::detect::DetectorSet;
use drift_core::learn::{LearnOptions, learn};
use drift_core::{AnalyzeOptions, FileAnalyzer};

fn bench_file(c: &mut Criterion) {
    let src = synthetic_ts(200);
    let detectors = DetectorSet::builtin();
    let mut analyzer = FileAnalyzer::new(AnalyzeOptions::default());
    let mut group = c.benchmark_group("file");
    group.throughput(criterion::Throughput::Bytes(src.len() as u64));
    group.bench_function("parse_only", |b| {
        b.iter(|| analyzer.parse_only(BENCH_LANG, black_box(src.as_bytes())))
    });
    group.bench_function("analyze", |b| {
        b.iter(|| {
            analyzer.analyze(
                BENCH_LANG,
                "src/x.ts",
                black_box(src.as_bytes()),
                &detectors,
                None,
            )
        })
    });
    group.finish();
}

fn bench_learn(c: &mut Criterion) {
    let src = synthetic_ts(200);
    let detectors = DetectorSet::builtin();
    let mut analyzer = FileAnalyzer::new(AnalyzeOptions::default());
    let Ok(analysis) = analyzer.analyze(BENCH_LANG, "src/x.ts", src.as_bytes(), &detectors, None)
    else {
        return;
    };
    // 500 files' worth of matches.
    let paths: Vec<String> = (0..500)
        .map(|i| format!("src/d{}/f{i}.ts", i % 25))
        .collect();
    let matches: Vec<(&str, &drift_core::DetectorMatch)> = paths
        .iter()
        .flat_map(|p| analysis.facts.matches.iter().map(move |m| (p.as_str(), m)))
        .collect();
    let options = LearnOptions::default();
    c.bench_function("learn_500_files", |b| {
        b.iter(|| learn(matches.iter().copied(), detectors.metadata(), &options))
    });
}

criterion_group!(benches, bench_file, bench_learn);
criterion_main!(benches);
