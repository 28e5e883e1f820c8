//! Detector execution on real files, side by side in one run: parse only,
//! the combined one-pass detector run (`DetectorSet::run`), and the old
//! per-detector path (`DetectorSet::run_per_detector`, one query cursor
//! per detector and block), plus the one-off cost of compiling each.
//!
//! Files: `DRIFT_BENCH_FILES` (comma-separated paths), else a default set
//! of ~100 KB real sources if present on this machine (missing ones are
//! skipped with a note).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use drift_core::Lang;
use drift_core::detect::DetectorSet;

const DEFAULT_FILES: &[&str] = &[
    // TypeScript, 103 KB
    "/work/main/node_modules/.pnpm/zod@4.6.7/node_modules/zod/src/v4/classic/schemas.ts",
    // Python, 109 KB
    "/tmp/corpus/Django-5.1.4/tests/expressions/tests.py",
    // Rust, 106 KB
    "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/ignore-0.4.35/src/walk.rs",
];

fn files() -> Vec<(String, Lang, Vec<u8>)> {
    let list: Vec<String> = match std::env::var("DRIFT_BENCH_FILES") {
        Ok(v) => v.split(',').map(str::to_string).collect(),
        Err(_) => DEFAULT_FILES.iter().map(|s| s.to_string()).collect(),
    };
    list.into_iter()
        .filter_map(|path| {
            let Some(lang) = Lang::from_path(&path) else {
                eprintln!("detect bench: no language for {path}; skipped");
                return None;
            };
            match std::fs::read(&path) {
                Ok(bytes) => Some((path, lang, bytes)),
                Err(err) => {
                    eprintln!("detect bench: {path}: {err}; skipped");
                    None
                }
            }
        })
        .collect()
}

fn parser(lang: Lang) -> Option<tree_sitter::Parser> {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&lang.grammar()?).ok()?;
    Some(parser)
}

fn bench_detect(c: &mut Criterion) {
    let detectors = DetectorSet::builtin();
    for (path, lang, src) in files() {
        let Some(mut parser) = parser(lang) else {
            continue;
        };
        let Some(tree) = parser.parse(&src, None) else {
            continue;
        };
        let root = tree.root_node();
        let facts = drift_core::extract::extract(lang, root, &src);
        let file = path.rsplit('/').next().unwrap_or(&path).to_string();
        let combined = detectors.run(lang, &path, root, &src, &facts);
        let per_detector = detectors.run_per_detector(lang, &path, root, &src, &facts);
        assert_eq!(combined, per_detector, "{path}: the two paths disagree");
        eprintln!(
            "detect bench: {file} ({lang}, {} bytes): {} matches",
            src.len(),
            combined.len()
        );
        let mut group = c.benchmark_group(format!("detect/{file}"));
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(4));
        group.bench_function("parse", |b| {
            b.iter(|| {
                parser
                    .parse(black_box(&src), None)
                    .map(|t| t.root_node().child_count())
            })
        });
        group.bench_function("detect_combined", |b| {
            b.iter(|| detectors.run(lang, &path, root, black_box(&src), &facts))
        });
        group.bench_function("detect_per_detector", |b| {
            b.iter(|| detectors.run_per_detector(lang, &path, root, black_box(&src), &facts))
        });
        group.finish();
    }
}

/// First use of a language on a fresh set: query compilation dominates.
fn bench_compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    for (lang, code) in [
        (Lang::TypeScript, "const x = 1;\n"),
        (Lang::Python, "x = 1\n"),
        (Lang::Rust, "fn f() {}\n"),
    ] {
        let Some(mut parser) = parser(lang) else {
            continue;
        };
        let Some(tree) = parser.parse(code, None) else {
            continue;
        };
        let root = tree.root_node();
        let facts = drift_core::extract::extract(lang, root, code.as_bytes());
        group.bench_function(format!("{lang}/combined"), |b| {
            b.iter(|| DetectorSet::builtin().run(lang, "a", root, code.as_bytes(), &facts))
        });
        group.bench_function(format!("{lang}/per_detector"), |b| {
            b.iter(|| {
                DetectorSet::builtin().run_per_detector(lang, "a", root, code.as_bytes(), &facts)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_detect, bench_compile);
criterion_main!(benches);
