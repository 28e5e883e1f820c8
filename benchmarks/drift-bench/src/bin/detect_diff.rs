//! Checks the walk matcher against tree-sitter's query cursor on a real
//! corpus, and times both: for every source file under a path, the
//! detectors' matches from `DetectorSet::run` (walk matcher) must equal
//! `DetectorSet::run_with_cursor`, and `FileAnalyzer::analyze` (one walk
//! for extraction and detectors, or with `split_large_files` two side by
//! side on files from 32 KB, and in two parts where a file can be cut
//! between top-level items) must give the facts of extraction and `run`
//! apart. Exits 1 on any difference.
//!
//!   cargo run --release -p drift-bench --bin detect_diff -- <path> [--show N]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use drift_core::Lang;
use drift_core::detect::DetectorSet;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next().map(PathBuf::from) else {
        anyhow::bail!("usage: detect_diff <path> [--show N]");
    };
    let show: usize = match (args.next().as_deref(), args.next()) {
        (Some("--show"), Some(n)) => n.parse()?,
        _ => 5,
    };
    let mut files = Vec::new();
    collect(&root, &mut files)?;
    files.sort();
    let detectors = DetectorSet::builtin();
    // Compile every language's combined query before timing anything.
    for lang in Lang::available() {
        detectors.prepare(lang);
    }
    let (mut walk_time, mut cursor_time) = (Duration::ZERO, Duration::ZERO);
    let mut parse_time = Duration::ZERO;
    let (mut checked, mut differing, mut matches) = (0usize, 0usize, 0usize);
    let mut parsers = std::collections::HashMap::new();
    // As a scan analyses (one walk), and as MCP `drift_validate` does
    // (a large file's walks side by side).
    let mut analyzers = [false, true].map(|split_large_files| {
        drift_core::FileAnalyzer::new(drift_core::AnalyzeOptions {
            split_large_files,
            ..Default::default()
        })
    });
    let mut analyze_differing = 0usize;
    for (path, lang) in &files {
        let Ok(src) = std::fs::read(path) else {
            continue;
        };
        let parser = match parsers.entry(*lang) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let Some(grammar) = lang.grammar() else {
                    continue;
                };
                let mut parser = tree_sitter::Parser::new();
                parser.set_language(&grammar)?;
                e.insert(parser)
            }
        };
        let t = Instant::now();
        let Some(tree) = parser.parse(&src, None) else {
            continue;
        };
        parse_time += t.elapsed();
        let root = tree.root_node();
        let facts = drift_core::extract::extract(*lang, root, &src);
        let label = path.to_string_lossy();
        let t = Instant::now();
        let walk = detectors.run(*lang, &label, root, &src, &facts);
        walk_time += t.elapsed();
        let t = Instant::now();
        let cursor = detectors.run_with_cursor(*lang, &label, root, &src, &facts);
        cursor_time += t.elapsed();
        checked += 1;
        matches += cursor.len();
        for analyzer in &mut analyzers {
            let Ok(analysis) = analyzer.analyze(*lang, &label, &src, &detectors, None) else {
                continue;
            };
            let mut apart = facts.clone();
            apart.matches = walk.clone();
            let got = analysis.facts;
            (apart.line_count, apart.partial, apart.error_count) =
                (got.line_count, got.partial, got.error_count);
            if got != apart {
                analyze_differing += 1;
                if analyze_differing <= show {
                    println!("ANALYZE DIFF {label}");
                }
            }
        }
        if walk != cursor {
            differing += 1;
            if differing <= show {
                let only = |a: &[drift_core::model::DetectorMatch],
                            b: &[drift_core::model::DetectorMatch]| {
                    a.iter()
                        .filter(|m| !b.contains(m))
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                };
                println!("DIFF {label}");
                println!("  walk only:   {:?}", only(&walk, &cursor));
                println!("  cursor only: {:?}", only(&cursor, &walk));
            }
        }
    }
    let parse = parse_time.as_secs_f64().max(1e-9);
    println!(
        "{checked} files, {matches} matches, {differing} differ (analyze: {analyze_differing}); parse {parse:.3} s; detector pass: walk {:.3} s ({:.2}x parse), cursor {:.3} s ({:.2}x parse); walk / cursor {:.2}",
        walk_time.as_secs_f64(),
        walk_time.as_secs_f64() / parse,
        cursor_time.as_secs_f64(),
        cursor_time.as_secs_f64() / parse,
        walk_time.as_secs_f64() / cursor_time.as_secs_f64().max(1e-9)
    );
    println!(
        "{} large files analysed in two parts side by side",
        analyzers[1].parsed_in_parts()
    );
    if differing > 0 || analyze_differing > 0 {
        std::process::exit(1);
    }
    Ok(())
}

fn collect(dir: &Path, out: &mut Vec<(PathBuf, Lang)>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if !name.starts_with('.') {
                collect(&path, out)?;
            }
        } else if kind.is_file()
            && let Some(lang) = Lang::from_path(&name)
        {
            out.push((path, lang));
        }
    }
    Ok(())
}
