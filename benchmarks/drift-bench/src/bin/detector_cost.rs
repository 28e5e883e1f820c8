//! One pass of parse, extraction or detectors over a list of files, for
//! counting its instructions (`benchmarks/detector-cost.sh` runs it under
//! `valgrind --tool=cachegrind`). Instruction counts do not drift with the
//! machine's speed, so a detector's cost shows even when wall-clock runs
//! vary by more than it.
//!
//! Usage: `detector_cost <file-list> <what> [--unused]`, where
//! `<file-list>` names one source file per line and `<what>` is `parse`
//! (tree-sitter only), `none` (parse and extraction, no detectors),
//! `builtin` (the builtin pack) or the paths of rule files (`.toml`) to run
//! alone. `--unused` loads the rules but analyses with none: the same run
//! up to the analysis (the same allocations, which move the allocators'
//! counts by tens of millions), so the difference is the detectors' own.
//! One thread, so the count does not depend on scheduling. Prints the files
//! analysed, the matches found and the wall time.

use std::time::Instant;

use anyhow::{Context, bail};
use drift_core::detect::DetectorSet;
use drift_core::{AnalyzeOptions, FileAnalyzer, Lang};

/// The `drift` binary's allocator (mimalloc), so the counts are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

enum What {
    Parse,
    Detectors(DetectorSet),
}

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let unused = args.iter().any(|a| a == "--unused");
    args.retain(|a| a != "--unused");
    let [list, what @ ..] = args.as_slice() else {
        bail!("usage: detector_cost <file-list> parse|none|builtin|<rule.toml>... [--unused]");
    };
    let what = match what {
        [w] if w == "parse" => What::Parse,
        [w] if w == "none" => What::Detectors(DetectorSet::from_rules([]).0),
        [w] if w == "builtin" => What::Detectors(DetectorSet::builtin()),
        [] => bail!("say what to run: parse, none, builtin or rule files"),
        paths => {
            let texts = paths
                .iter()
                .map(|p| std::fs::read_to_string(p).with_context(|| format!("reading {p}")))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let (set, errors) = DetectorSet::from_rules(
                paths
                    .iter()
                    .map(String::as_str)
                    .zip(texts.iter().map(String::as_str)),
            );
            if let Some(e) = errors.first() {
                bail!("{e}");
            }
            What::Detectors(set)
        }
    };
    let list = std::fs::read_to_string(list).with_context(|| format!("reading {list}"))?;
    let files: Vec<(&str, Lang, Vec<u8>)> = list
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|path| {
            let lang = Lang::from_path(path).with_context(|| format!("{path}: no language"))?;
            let bytes = std::fs::read(path).with_context(|| format!("reading {path}"))?;
            Ok((path, lang, bytes))
        })
        .collect::<anyhow::Result<_>>()?;
    let what = match what {
        What::Detectors(_) if unused => What::Detectors(DetectorSet::from_rules([]).0),
        what => what,
    };
    let mut analyzer = FileAnalyzer::new(AnalyzeOptions::default());
    let started = Instant::now();
    let mut matches = 0;
    for (path, lang, source) in &files {
        match &what {
            What::Parse => {
                analyzer.parse_only(*lang, source)?;
            }
            What::Detectors(set) => {
                matches += analyzer
                    .analyze(*lang, path, source, set, None)?
                    .facts
                    .matches
                    .len();
            }
        }
    }
    println!(
        "{} files, {matches} matches, {:.3} s",
        files.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
