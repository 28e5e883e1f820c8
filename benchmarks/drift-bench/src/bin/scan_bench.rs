//! Scan benchmark: full scan, no-op rescan and a bare parallel tree-sitter
//! parse of the same files, side by side, from one run. Times that are
//! compared are medians of rounds that alternate the contenders, so a
//! noisy machine shifts them all alike.
//!
//! Usage: `scan_bench <repo> [--threads N] [--full-only]`. The index is
//! written to a temporary directory, never into the corpus. `--full-only`
//! stops after the first full scan (for profiling it, e.g. under `perf`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use drift_core::parallel::for_each_with_thread_state;
use drift_core::{AnalyzeOptions, FileAnalyzer, Lang};
use drift_scan::{Project, ScanConfig, ScanOptions};

/// The `drift` binary's allocator (mimalloc), so the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Wall and CPU time of one measured run.
#[derive(Clone, Copy)]
struct Timing {
    wall: Duration,
    cpu: f64,
}

struct Started {
    at: Instant,
    cpu: f64,
}

impl Timing {
    fn start() -> Started {
        Started {
            at: Instant::now(),
            cpu: drift_bench::cpu_seconds().unwrap_or(0.0),
        }
    }

    /// Medians of the wall times and of the CPU times.
    fn medians(runs: &[Timing]) -> (Duration, f64) {
        let mut wall: Vec<Duration> = runs.iter().map(|t| t.wall).collect();
        let mut cpu: Vec<f64> = runs.iter().map(|t| t.cpu).collect();
        wall.sort();
        cpu.sort_by(f64::total_cmp);
        (wall[wall.len() / 2], cpu[cpu.len() / 2])
    }
}

impl Started {
    fn stop(&self) -> Timing {
        Timing {
            wall: self.at.elapsed(),
            cpu: drift_bench::cpu_seconds().unwrap_or(0.0) - self.cpu,
        }
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut repo: Option<PathBuf> = None;
    let mut threads: Option<usize> = None;
    let mut full_only = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => {
                threads = Some(args.next().context("--threads needs a value")?.parse()?);
            }
            "--full-only" => full_only = true,
            _ if repo.is_none() => repo = Some(PathBuf::from(a)),
            other => bail!("unexpected argument {other:?}"),
        }
    }
    let Some(repo) = repo else {
        bail!("usage: scan_bench <repo> [--threads N] [--full-only]");
    };
    let tmp = std::env::temp_dir().join(format!("drift-scan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let db = tmp.join("drift.db");
    let config = ScanConfig {
        db_path: Some(db.clone()),
        threads,
        ..ScanConfig::default()
    };
    let project = Project::open(&repo, config)?;
    let cancel = AtomicBool::new(false);

    let t = Instant::now();
    let full = project.scan(&ScanOptions::default(), &|_| {}, &cancel)?;
    let first_full_time = t.elapsed();
    let rss_after_full = drift_bench::peak_rss_kib();
    if full_only {
        println!(
            "full scan        {:>8.3} s  ({} files)",
            secs(first_full_time),
            full.parsed
        );
        drop(project);
        std::fs::remove_dir_all(&tmp)?;
        return Ok(());
    }

    let t = Instant::now();
    let noop = project.scan(&ScanOptions::default(), &|_| {}, &cancel)?;
    let noop_time = t.elapsed();

    // The stored facts: the call graph is built from them below, and the bare
    // parse reads exactly the files the scan analysed.
    let stored = project
        .index()
        .with_conn(drift_callgraph::finalizer::stored_facts)?;
    let files: Vec<(PathBuf, Lang)> = stored
        .iter()
        .map(|(path, lang, _)| (project.root().join(path), *lang))
        .collect();
    let bytes: u64 = files
        .iter()
        .filter_map(|(p, _)| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let pool = match threads {
        Some(n) => rayon::ThreadPoolBuilder::new().num_threads(n).build()?,
        None => rayon::ThreadPoolBuilder::new().build()?,
    };
    // Reads every file the scan analysed and runs `work` on it with a
    // per-thread analyzer; sums what it returns.
    type Work<'w> = &'w (dyn Fn(&mut FileAnalyzer, Lang, &Path, &[u8]) -> usize + Sync);
    let over_files = |work: Work<'_>| -> (Timing, usize) {
        let t = Timing::start();
        // One file per job and an analyzer per thread, as the scan does.
        let total = AtomicUsize::new(0);
        pool.install(|| {
            for_each_with_thread_state(
                &files,
                || FileAnalyzer::new(AnalyzeOptions::default()),
                |an, (path, lang)| {
                    if let Ok(src) = std::fs::read(path) {
                        total.fetch_add(work(an, *lang, path, &src), Ordering::Relaxed);
                    }
                },
            );
        });
        let total = total.into_inner();
        (t.stop(), total)
    };
    // Bare parse: read + tree-sitter parse.
    let bare_parse = || over_files(&|an, lang, _, src| an.parse_only(lang, src).unwrap_or(0));
    // Bare analysis (parse + extraction + detectors, no I/O besides reads).
    let detectors = project.detectors();
    let bare_analyze = || {
        over_files(&|an, lang, path, src| {
            let rel = path.strip_prefix(project.root()).unwrap_or(path);
            an.analyze(lang, &rel.to_string_lossy(), src, detectors, None)
                .map(|a| a.facts.matches.len())
                .unwrap_or(0)
        })
    };
    // Rounds of: bare parse, a full scan into a fresh index, bare analysis,
    // and a full scan with the call graph attached (as every front end runs
    // it). Alternated so all see the same cache and load; medians of
    // ROUNDS. The full / parse ratio is also taken per round, from the two
    // runs back to back, as the machine's speed drifts between rounds.
    // Returns the timing and the scan's phase durations (the call graph
    // runs as a finalizer, in the final transaction).
    let fresh_scan =
        |name: &str, with_graph: bool| -> anyhow::Result<(Timing, drift_scan::PhaseDurations)> {
            let db = tmp.join(name);
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            let mut p = Project::open(
                &repo,
                ScanConfig {
                    db_path: Some(db),
                    threads,
                    ..ScanConfig::default()
                },
            )?;
            if with_graph {
                drift_callgraph::attach(&mut p)?;
            }
            let t = Timing::start();
            let report = p.scan(&ScanOptions::default(), &|_| {}, &cancel)?;
            Ok((t.stop(), report.durations))
        };
    const ROUNDS: usize = 7;
    let (mut parse_runs, mut analyze_runs, mut plain_runs, mut cg_runs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut graph_in_scan: Vec<Duration> = Vec::new();
    let mut plain_phases: Vec<drift_scan::PhaseDurations> = Vec::new();
    let (mut nodes, mut matches) = (0, 0);
    for _ in 0..ROUNDS {
        let (d, n) = bare_parse();
        parse_runs.push(d);
        nodes = n;
        let (plain, plain_phases_now) = fresh_scan("plain.db", false)?;
        plain_runs.push(plain);
        let plain_store = plain_phases_now.store;
        plain_phases.push(plain_phases_now);
        let (d, m) = bare_analyze();
        analyze_runs.push(d);
        matches = m;
        let (cg, cg_phases) = fresh_scan("cg.db", true)?;
        let cg_store = cg_phases.store;
        cg_runs.push(cg);
        graph_in_scan.push(cg_store.saturating_sub(plain_store));
    }
    let round_ratios = |cpu: bool| {
        let mut r: Vec<f64> = plain_runs
            .iter()
            .zip(&parse_runs)
            .map(|(f, p)| {
                if cpu {
                    f.cpu / p.cpu.max(1e-9)
                } else {
                    secs(f.wall) / secs(p.wall).max(1e-9)
                }
            })
            .collect();
        r.sort_by(f64::total_cmp);
        (r[r.len() / 2], r[0], r[r.len() - 1])
    };
    let (parse_time, parse_cpu) = Timing::medians(&parse_runs);
    let (analyze_time, analyze_cpu) = Timing::medians(&analyze_runs);
    let (full_time, full_cpu) = Timing::medians(&plain_runs);
    let (full_cg_time, full_cg_cpu) = Timing::medians(&cg_runs);
    // Each phase's median over the plain scans.
    let phase = |pick: fn(&drift_scan::PhaseDurations) -> Duration| {
        let mut d: Vec<Duration> = plain_phases.iter().map(pick).collect();
        d.sort();
        d[d.len() / 2]
    };
    graph_in_scan.sort();
    let graph_in_scan = graph_in_scan[graph_in_scan.len() / 2];

    let n = full.parsed as f64;
    println!("corpus           {}", repo.display());
    println!(
        "files            {} parsed, {} skipped, {} partial, {:.1} MiB, {} syntax nodes",
        full.parsed,
        full.skipped.len(),
        full.partial.len(),
        bytes as f64 / (1024.0 * 1024.0),
        nodes
    );
    println!(
        "languages        {}",
        full.files_by_lang
            .iter()
            .map(|(l, c)| format!("{l}={c}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "threads          {}",
        threads.map_or_else(
            || format!("{} (default)", rayon::current_num_threads()),
            |t| t.to_string()
        )
    );
    println!(
        "full scan        {:>8.3} s  {:>8.0} files/s  cpu {:.2} s  (median of {ROUNDS} fresh scans; the first took {:.3}: discover {:.3}, parse+store {:.3}, learn {:.3}, final txn {:.3})",
        secs(full_time),
        n / secs(full_time),
        full_cpu,
        secs(first_full_time),
        secs(full.durations.discover),
        secs(full.durations.parse),
        secs(full.durations.learn),
        secs(full.durations.store)
    );
    println!(
        "  phases         discover {:.3}, parse+store {:.3}, learn {:.3}, final txn {:.3} s  (each the median of {ROUNDS})",
        secs(phase(|d| d.discover)),
        secs(phase(|d| d.parse)),
        secs(phase(|d| d.learn)),
        secs(phase(|d| d.store))
    );
    println!(
        "no-op rescan     {:>8.3} s  ({} parsed, {} unchanged)  = {:.1} % of full",
        secs(noop_time),
        noop.parsed,
        noop.unchanged,
        100.0 * secs(noop_time) / secs(full_time)
    );
    println!(
        "bare parse       {:>8.3} s  {:>8.0} files/s  cpu {:.2} s  (median of {ROUNDS}; read + tree-sitter parse only)",
        secs(parse_time),
        n / secs(parse_time),
        parse_cpu
    );
    println!(
        "bare analyze     {:>8.3} s  {:>8.0} files/s  cpu {:.2} s  (median of {ROUNDS}; read + parse + extract + detect, {matches} matches)",
        secs(analyze_time),
        n / secs(analyze_time),
        analyze_cpu
    );
    let ((wall_ratio, wall_min, wall_max), (cpu_ratio, ..)) =
        (round_ratios(false), round_ratios(true));
    println!(
        "full / parse     {wall_ratio:>8.2} x   (median of the {ROUNDS} rounds' ratios, {wall_min:.2} to {wall_max:.2}; by cpu time {cpu_ratio:.2} x; ratio of the medians {:.2} x)",
        secs(full_time) / secs(parse_time),
    );
    println!(
        "full / analyze   {:>8.2} x   (ratio of the medians; by cpu time {:.2} x)",
        secs(full_time) / secs(analyze_time),
        full_cpu / analyze_cpu
    );
    // Call graph from the stored facts, as the scan's finalizer builds it.
    let refs = drift_callgraph::finalizer::file_refs(&stored);
    let t = Instant::now();
    let graph = pool.install(|| drift_callgraph::CallGraph::build(&refs));
    let graph_time = t.elapsed();
    let stats = graph.stats();
    println!(
        "full + call graph {:>7.3} s  vs {:.3} s without = +{:.1} % (cpu {:.2} s vs {:.2} s = +{:.1} %; medians of {ROUNDS}; load facts, resolve, store the graph)",
        secs(full_cg_time),
        secs(full_time),
        100.0 * (secs(full_cg_time) - secs(full_time)) / secs(full_time),
        full_cg_cpu,
        full_cpu,
        100.0 * (full_cg_cpu - full_cpu) / full_cpu
    );

    println!(
        "call graph in scan {:>6.3} s  = {:.1} % of the full scan (median over the rounds of the final transaction with the graph minus without; robust to the machine's drift)",
        secs(graph_in_scan),
        100.0 * secs(graph_in_scan) / secs(full_time)
    );
    println!(
        "call graph build {:>8.3} s  in memory ({} functions, {} edges)",
        secs(graph_time),
        stats.functions,
        stats.edges
    );
    for (lang, l) in &stats.by_language {
        println!(
            "  resolution     {lang:<10} {:>5.1} %  ({} resolved, {} unresolved, {} external)",
            100.0 * l.resolution_rate,
            l.resolved,
            l.unresolved,
            l.external
        );
    }
    println!(
        "patterns         {} patterns, {} violations",
        full.patterns, full.violations
    );
    println!(
        "peak RSS         {} MiB after full scan, {} MiB at end",
        rss_after_full.map_or("?".into(), |k| (k / 1024).to_string()),
        drift_bench::peak_rss_kib().map_or("?".into(), |k| (k / 1024).to_string())
    );
    println!(
        "index size       {:.1} MiB",
        std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0) as f64 / (1024.0 * 1024.0)
    );
    drop(project);
    if std::env::var_os("DRIFT_BENCH_KEEP").is_some() {
        println!("index kept at    {}", db.display());
    } else {
        std::fs::remove_dir_all(&tmp)?;
    }
    Ok(())
}
