//! [`Project`]: one root, one configuration, one index; scans and status.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use drift_core::detect::{DetectorSet, RuleError};
use drift_core::parallel::for_each_with_thread_state;
use drift_core::{AnalyzeError, AnalyzeOptions, FileAnalyzer, Lang};
use drift_index::{
    FileState, FileStatus, FileWrite, FinishScan, Index, ScanMeta, SkipReason, SkippedFile,
    rusqlite,
};

use crate::config::ScanConfig;
use crate::discover::{self, Candidate, Discovery, Filters};
use crate::learning;
use crate::report::*;
use crate::{ScanError, ScanOptions};

/// Bytes inspected for NUL (binary detection).
const BINARY_PROBE: usize = 8 * 1024;
/// Bumped when the stored fact format, extraction semantics or the rules
/// for skipping a file's content change, to force a full rebuild (v2:
/// minified files are skipped).
const FACTS_FORMAT: &str = "facts-v2";
const META_FINGERPRINT: &str = "config_fingerprint";
const META_LEARN_SETTINGS: &str = "learn_settings";
/// The canonical root the index was last scanned for.
const META_PROJECT_ROOT: &str = "project_root";

/// Context passed to [`ScanFinalizer`]s.
#[derive(Debug)]
pub struct FinalizeContext<'a> {
    pub root: &'a Path,
    /// This scan rebuilt everything.
    pub full: bool,
    /// Paths (re)analysed in this scan.
    pub changed: &'a [String],
    /// Paths removed from the index by this scan.
    pub removed: &'a [String],
    /// Facts (matches left out) of the files this scan analysed, in
    /// arrival order, when some finalizer [`ScanFinalizer::wants_facts`];
    /// empty otherwise. The same as what the index now stores for them.
    pub fresh: &'a [drift_index::FactsRow],
    pool: Option<&'a rayon::ThreadPool>,
}

impl FinalizeContext<'_> {
    /// Runs `f` on the scan's thread pool (the `threads` setting), so a
    /// finalizer's rayon work stays within the threads the scan was given.
    pub fn install<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match self.pool {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }
}

/// Extra work run inside the scan's final write transaction (e.g. the call
/// graph rebuilding its tables from stored facts with
/// [`drift_index::read::for_each_file_facts`] on `tx`). If it fails the
/// whole final transaction rolls back and the scan returns an error.
pub trait ScanFinalizer: Send + Sync {
    fn name(&self) -> &str;
    /// Keep the analysed files' facts in memory for
    /// [`FinalizeContext::fresh`] (saves reading them back from the index).
    fn wants_facts(&self) -> bool {
        false
    }
    fn finalize(
        &self,
        tx: &rusqlite::Transaction<'_>,
        ctx: &FinalizeContext<'_>,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;
}

/// One project: its root, configuration, compiled detectors and index.
/// `Send + Sync`; several `Project`s (different roots) can live in one
/// process. Scans of one `Project` are serialised.
pub struct Project {
    root: PathBuf,
    config: ScanConfig,
    index: Index,
    detectors: Arc<DetectorSet>,
    rule_errors: Vec<RuleError>,
    fingerprint: String,
    filters: Filters,
    pool: Option<rayon::ThreadPool>,
    finalizers: Vec<Box<dyn ScanFinalizer>>,
    scan_lock: Mutex<()>,
}

impl std::fmt::Debug for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Project")
            .field("root", &self.root)
            .field("index", &self.index)
            .field("detectors", &self.detectors.len())
            .finish()
    }
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Reads `*.toml` rule files from `dir` as `(label, text)`.
fn read_rule_dir(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, String)>,
    errors: &mut Vec<RuleError>,
) {
    let label_of =
        |p: &Path| discover::rel_path(root, p).unwrap_or_else(|| p.display().to_string());
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(err) => {
            errors.push(RuleError {
                path: label_of(dir),
                line: 0,
                column: 0,
                message: format!("cannot read rule directory: {err}"),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    for p in paths {
        match std::fs::read_to_string(&p) {
            Ok(text) => out.push((label_of(&p), text)),
            Err(err) => errors.push(RuleError {
                path: label_of(&p),
                line: 0,
                column: 0,
                message: format!("cannot read rule file: {err}"),
            }),
        }
    }
}

/// An index kept outside its project (an index directory shared by mistake)
/// must not be scanned over by another project: its incremental state would
/// mix two trees. An index inside the root follows the project when the
/// directory is moved, so it is not checked.
fn check_index_owner(index: &Index, root: &Path) -> Result<(), ScanError> {
    let dir = index.path().parent().and_then(|p| p.canonicalize().ok());
    if dir.is_some_and(|d| d.starts_with(root)) {
        return Ok(());
    }
    match index.meta(META_PROJECT_ROOT)? {
        Some(owner) if Path::new(&owner) != root => Err(ScanError::IndexOwner {
            index: index.path().to_path_buf(),
            owner: PathBuf::from(owner),
        }),
        _ => Ok(()),
    }
}

impl Project {
    /// Opens the project at `root` (which must be a directory), loading
    /// detectors (builtin pack + `.drift/rules` + `config.rule_dirs`) and
    /// opening or creating the index (`<root>/.drift/drift.db` unless
    /// `config.db_path` says otherwise; an index outside the root that was
    /// scanned for another project is refused with [`ScanError::IndexOwner`]). Rule file problems do not fail:
    /// they are reported in every [`ScanReport::rule_errors`].
    pub fn open(root: impl AsRef<Path>, config: ScanConfig) -> Result<Project, ScanError> {
        let root_in = root.as_ref();
        let root = root_in.canonicalize().map_err(|source| ScanError::Root {
            path: root_in.to_path_buf(),
            source,
        })?;
        if !root.is_dir() {
            return Err(ScanError::Root {
                path: root,
                source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
            });
        }
        if config.chunk_size == 0 {
            return Err(ScanError::Config("chunk_size must be at least 1".into()));
        }

        let mut rule_texts = Vec::new();
        let mut rule_errors = Vec::new();
        let default_rules = root.join(".drift").join("rules");
        if default_rules.is_dir() {
            read_rule_dir(&root, &default_rules, &mut rule_texts, &mut rule_errors);
        }
        for dir in &config.rule_dirs {
            let dir = if dir.is_absolute() {
                dir.clone()
            } else {
                root.join(dir)
            };
            if dir != default_rules {
                read_rule_dir(&root, &dir, &mut rule_texts, &mut rule_errors);
            }
        }
        let pairs = rule_texts.iter().map(|(l, t)| (l.as_str(), t.as_str()));
        let (detectors, mut errs) = if config.builtin_rules {
            DetectorSet::with_project_rules(pairs)
        } else {
            DetectorSet::from_rules(pairs)
        };
        rule_errors.append(&mut errs);
        for e in &rule_errors {
            tracing::warn!(error = %e, "detector rule problem");
        }

        let fingerprint = {
            let mut h = blake3::Hasher::new();
            h.update(FACTS_FORMAT.as_bytes());
            h.update(env!("CARGO_PKG_VERSION").as_bytes());
            h.update(&config.max_file_size.to_le_bytes());
            h.update(&[
                u8::from(config.skip_generated),
                u8::from(config.builtin_rules),
            ]);
            let mut langs: Vec<&str> = config.languages.iter().map(|l| l.id()).collect();
            langs.sort_unstable();
            h.update(langs.join(",").as_bytes());
            if config.builtin_rules {
                for (label, text) in DetectorSet::builtin_rule_files() {
                    h.update(label.as_bytes());
                    h.update(text.as_bytes());
                }
            }
            for (label, text) in &rule_texts {
                h.update(label.as_bytes());
                h.update(text.as_bytes());
            }
            h.finalize().to_hex().to_string()
        };

        let filters = Filters::new(&root, &config)?;
        let db_path = match &config.db_path {
            Some(p) if p.is_absolute() => p.clone(),
            Some(p) => root.join(p),
            None => root.join(".drift").join("drift.db"),
        };
        let index = Index::open(&db_path)?;
        check_index_owner(&index, &root)?;
        let pool = match config.threads {
            Some(n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n.max(1))
                    .thread_name(|i| format!("drift-scan-{i}"))
                    .build()
                    .map_err(|e| ScanError::Config(format!("thread pool: {e}")))?,
            ),
            None => None,
        };
        Ok(Project {
            root,
            config,
            index,
            detectors: Arc::new(detectors),
            rule_errors,
            fingerprint,
            filters,
            pool,
            finalizers: Vec::new(),
            scan_lock: Mutex::new(()),
        })
    }

    /// Canonical project root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn config(&self) -> &ScanConfig {
        &self.config
    }

    /// The project's index (reads are safe while a scan runs in another
    /// thread; they wait for the mutex between chunk writes). For fully
    /// concurrent readers open `Index::open_read_only(project.index().path())`.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The compiled detectors.
    pub fn detectors(&self) -> &DetectorSet {
        &self.detectors
    }

    /// Problems loading rule files.
    pub fn rule_errors(&self) -> &[RuleError] {
        &self.rule_errors
    }

    /// Registers work to run inside every scan's final transaction.
    pub fn add_finalizer(&mut self, finalizer: Box<dyn ScanFinalizer>) {
        self.finalizers.push(finalizer);
    }

    /// Root-relative `/`-separated form of `path` (absolute or relative to
    /// the root); errors if it is outside the root.
    pub fn relative_path(&self, path: &Path) -> Result<String, ScanError> {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.root.join(path)
        };
        // Canonicalise when the path exists so symlinked roots compare equal.
        let abs = abs.canonicalize().unwrap_or(abs);
        let rel = discover::rel_path(&self.root, &abs)
            .ok_or_else(|| ScanError::OutsideRoot(path.to_path_buf()))?;
        if rel.split('/').any(|c| c == "..") {
            return Err(ScanError::OutsideRoot(path.to_path_buf()));
        }
        Ok(rel)
    }

    fn install<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match &self.pool {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }

    /// `split_large_files` for one file whose latency matters (not in a
    /// scan, which keeps every thread busy with whole files).
    fn analyze_options(&self, split_large_files: bool) -> AnalyzeOptions {
        AnalyzeOptions {
            parse_timeout: self.config.parse_timeout,
            split_large_files,
        }
    }

    fn scope(&self, paths: &[PathBuf]) -> Result<Vec<String>, ScanError> {
        paths.iter().map(|p| self.relative_path(p)).collect()
    }

    fn discover_scope(
        &self,
        scope: &[String],
        cancel: &AtomicBool,
    ) -> Result<Discovery, ScanError> {
        let roots: Vec<PathBuf> = if scope.is_empty() || scope.iter().any(|s| s.is_empty()) {
            vec![self.root.clone()]
        } else {
            scope
                .iter()
                .map(|s| self.root.join(s))
                .filter(|p| p.symlink_metadata().is_ok())
                .collect()
        };
        discover::discover(&self.root, &roots, &self.config, &self.filters, cancel)
    }

    /// Scans the project: discovers files, re-analyses new and changed ones
    /// (all of them when `options.full` or the configuration changed),
    /// drops deleted ones, re-learns patterns over all stored matches and
    /// swaps patterns/violations in one final transaction.
    ///
    /// `progress` is called from this thread. Setting `cancel` stops the scan
    /// between files ([`ScanError::Cancelled`]); chunks already written stay
    /// and the previous patterns remain in place.
    pub fn scan(
        &self,
        options: &ScanOptions,
        progress: &dyn Fn(&Progress),
        cancel: &AtomicBool,
    ) -> Result<ScanReport, ScanError> {
        let _guard = self.scan_lock.lock().unwrap_or_else(|p| p.into_inner());
        let span = tracing::info_span!("scan", root = %self.root.display(), full = options.full);
        let _enter = span.enter();
        let t_total = Instant::now();
        let started_at = now_unix();
        let mut durations = PhaseDurations::default();
        let scope = self.scope(&options.paths)?;
        let in_scope = |path: &str| {
            scope.is_empty()
                || scope.iter().any(|s| {
                    s.is_empty()
                        || path == s
                        || path
                            .strip_prefix(s.as_str())
                            .is_some_and(|r| r.starts_with('/'))
                })
        };

        // ---- discover ---------------------------------------------------
        let t = Instant::now();
        progress(&Progress {
            phase: Phase::Discover,
            done: 0,
            total: 0,
        });
        let discovery = {
            let _s = tracing::info_span!("discover").entered();
            self.discover_scope(&scope, cancel)?
        };
        let discovered = (discovery.candidates.len() + discovery.skipped.len()) as u64;
        progress(&Progress {
            phase: Phase::Discover,
            done: discovered,
            total: discovered,
        });
        durations.discover = t.elapsed();
        tracing::info!(
            files = discovery.candidates.len(),
            skipped = discovery.skipped.len(),
            "discovered"
        );

        // ---- decide what to (re)analyse ----------------------------------
        let t = Instant::now();
        let states = self.index.file_states()?;
        let stored_fingerprint = self.index.meta(META_FINGERPRINT)?;
        let config_changed = stored_fingerprint.as_deref() != Some(self.fingerprint.as_str());
        let full = options.full || (config_changed && !states.is_empty());
        let same_stat = |state: Option<&FileState>, size: u64, mtime: i64| {
            !full
                && state.is_some_and(|s| {
                    s.size == size
                        && s.mtime_ns == mtime
                        && !matches!(
                            s.skip_reason,
                            Some(
                                SkipReason::Unreadable
                                    | SkipReason::WalkError
                                    | SkipReason::SymlinkLoop
                            )
                        )
                })
        };
        let mut unchanged = 0u64;
        // Whether anything learning reads (stored matches) may change.
        let was_interrupted = self
            .index
            .meta(drift_index::META_SCAN_IN_PROGRESS)?
            .is_some();
        let learn_key = serde_json::to_string(&self.config.learn)
            .map_err(|e| ScanError::Config(format!("learn settings: {e}")))?;
        let mut facts_changed = full
            || was_interrupted
            || self.index.meta(META_LEARN_SETTINGS)?.as_deref() != Some(learn_key.as_str());
        let had_facts = |path: &str| {
            states
                .get(path)
                .is_some_and(|s| s.status != FileStatus::Skipped)
        };
        let mut seen: HashSet<&str> = HashSet::new();
        let mut pre_writes = Vec::new();
        for s in &discovery.skipped {
            seen.insert(&s.file.path);
            if same_stat(states.get(&s.file.path), s.size, s.mtime_ns) {
                unchanged += 1;
            } else {
                facts_changed |= had_facts(&s.file.path);
                pre_writes.push(FileWrite::Skipped {
                    file: s.file.clone(),
                    size: s.size,
                    mtime_ns: s.mtime_ns,
                    hash: None,
                });
            }
        }
        let mut work: Vec<&Candidate> = Vec::new();
        for c in &discovery.candidates {
            seen.insert(&c.rel);
            if same_stat(states.get(&c.rel), c.size, c.mtime_ns) {
                unchanged += 1;
            } else {
                work.push(c);
            }
        }
        let removed: Vec<String> = {
            let mut r: Vec<String> = states
                .keys()
                .filter(|p| in_scope(p) && !seen.contains(p.as_str()))
                .cloned()
                .collect();
            r.sort();
            r
        };
        drop(seen);

        self.index.begin_scan(started_at)?;
        if !pre_writes.is_empty() {
            self.index.write_files(pre_writes)?;
        }

        // ---- parse (chunked) ---------------------------------------------
        let total = work.len() as u64;
        let mut parsed = 0u64;
        let mut done = 0u64;
        let mut cancelled = false;
        let mut changed: Vec<String> = Vec::new();
        let mut fresh: Vec<drift_index::FactsRow> = Vec::new();
        // The analysed files' matches, for learning (saves reading them
        // back from the index).
        let mut fresh_matches: Vec<drift_index::read::FileMatches> = Vec::new();
        progress(&Progress {
            phase: Phase::Parse,
            done: 0,
            total,
        });
        {
            let _s = tracing::info_span!("parse", files = total).entered();
            let hash_check = !full;
            let keep = drift_index::Keep {
                facts: self.finalizers.iter().any(|f| f.wants_facts()),
                matches: true,
            };
            // The pool's threads analyse files and send their outcomes down
            // a bounded channel in batches; this thread writes each as it
            // comes, in transactions of `chunk_size` files, while the
            // analysis goes on. There is no barrier between chunks (a large
            // file never leaves the other threads idle), and memory holds at
            // most the channel's and the threads' batches' worth of facts.
            let stop = AtomicBool::new(false);
            let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Outcome>>(
                (self.config.chunk_size.min(256) / OUTCOMES_PER_SEND).max(1),
            );
            std::thread::scope(|scope| -> Result<(), ScanError> {
                let work = &work;
                let states = &states;
                let stop = &stop;
                let analyser = std::thread::Builder::new()
                    .name("drift-scan-analyse".into())
                    .spawn_scoped(scope, move || {
                        self.install(|| {
                            // One file per job, so no thread idles at the
                            // end; an analyser and an outcome batch per
                            // thread (dropping a batch sends what it holds).
                            let new_state = || {
                                let batch = Batch {
                                    outcomes: Vec::new(),
                                    sender: sender.clone(),
                                    stop,
                                };
                                (FileAnalyzer::new(self.analyze_options(false)), batch)
                            };
                            for_each_with_thread_state(work, new_state, |(analyzer, batch), c| {
                                if stop.load(Ordering::Relaxed) || cancel.load(Ordering::Relaxed) {
                                    return;
                                }
                                let state = if hash_check { states.get(&c.rel) } else { None };
                                batch.push(self.process(analyzer, c, state, cancel));
                            });
                        });
                        drop(sender);
                    })
                    .map_err(|e| ScanError::Analyze {
                        path: "(scan thread)".into(),
                        message: e.to_string(),
                    })?;
                let mut write = || -> Result<(), ScanError> {
                    let mut outcomes = receiver.iter().flatten().peekable();
                    // One transaction per `chunk_size` outcomes, each file
                    // written as it arrives (when the analysis ends, little
                    // is left to write); none once the channel is closed.
                    while outcomes.peek().is_some() {
                        let mut taken = 0;
                        let writes = std::iter::from_fn(|| {
                            while taken < self.config.chunk_size {
                                let outcome = outcomes.next()?;
                                taken += 1;
                                done += 1;
                                let w = match outcome {
                                    Outcome::Write(w) => w,
                                    Outcome::Cancelled => {
                                        cancelled = true;
                                        continue;
                                    }
                                };
                                match &w {
                                    FileWrite::Analyzed { path, .. } => {
                                        parsed += 1;
                                        facts_changed = true;
                                        changed.push(path.clone());
                                    }
                                    FileWrite::Touched { .. } => unchanged += 1,
                                    FileWrite::Skipped { file, .. } => {
                                        facts_changed |= had_facts(&file.path);
                                        changed.push(file.path.clone());
                                    }
                                }
                                return Some(w);
                            }
                            None
                        });
                        let kept = self.index.write_files_keeping(writes, keep)?;
                        fresh.extend(kept.facts);
                        fresh_matches.extend(kept.matches);
                        progress(&Progress {
                            phase: Phase::Parse,
                            done,
                            total,
                        });
                    }
                    Ok(())
                };
                let written = write();
                if written.is_err() {
                    stop.store(true, Ordering::Relaxed);
                }
                // Unblocks a sender waiting on a full channel.
                drop(receiver);
                analyser.join().map_err(|_| ScanError::Analyze {
                    path: "(scan thread)".into(),
                    message: "panicked".into(),
                })?;
                written
            })?;
            if cancelled || cancel.load(Ordering::Relaxed) {
                return Err(ScanError::Cancelled);
            }
        }
        durations.parse = t.elapsed();

        // ---- learn -------------------------------------------------------
        let t = Instant::now();
        progress(&Progress {
            phase: Phase::Learn,
            done: 0,
            total: 1,
        });
        facts_changed |= !removed.is_empty();
        let learned = if facts_changed {
            let removed_set: HashSet<String> = removed.iter().cloned().collect();
            let _s = tracing::info_span!("learn").entered();
            Some(self.install(|| {
                learning::learn(
                    &self.index,
                    &self.detectors,
                    &self.config.learn,
                    &removed_set,
                    std::mem::take(&mut fresh_matches),
                    // Every file the index had was analysed again, skipped
                    // or removed.
                    unchanged == 0 && scope.is_empty(),
                )
            })?)
        } else {
            tracing::info!("no stored facts changed: keeping the learned patterns");
            None
        };
        progress(&Progress {
            phase: Phase::Learn,
            done: 1,
            total: 1,
        });
        durations.learn = t.elapsed();
        if cancel.load(Ordering::Relaxed) {
            return Err(ScanError::Cancelled);
        }

        // ---- store -------------------------------------------------------
        let t = Instant::now();
        progress(&Progress {
            phase: Phase::Store,
            done: 0,
            total: 1,
        });
        let meta = ScanMeta {
            started_at,
            finished_at: now_unix(),
            duration_ms: u64::try_from(t_total.elapsed().as_millis()).unwrap_or(u64::MAX),
            full,
            parsed,
            unchanged,
            removed: removed.len() as u64,
        };
        {
            let _s = tracing::info_span!("store").entered();
            let finish = FinishScan {
                removed: &removed,
                learned: learned.as_ref().map(|(p, v)| (p.as_slice(), v.as_slice())),
                meta,
            };
            let ctx = FinalizeContext {
                root: &self.root,
                full,
                changed: &changed,
                removed: &removed,
                fresh: &fresh,
                pool: self.pool.as_ref(),
            };
            self.index
                .finish_scan(&finish, |tx| -> Result<(), ScanError> {
                    drift_index::set_meta(tx, META_FINGERPRINT, &self.fingerprint)?;
                    drift_index::set_meta(tx, META_LEARN_SETTINGS, &learn_key)?;
                    drift_index::set_meta(tx, META_PROJECT_ROOT, &self.root.to_string_lossy())?;
                    for f in &self.finalizers {
                        let _s = tracing::info_span!("finalizer", name = f.name()).entered();
                        f.finalize(tx, &ctx)
                            .map_err(|source| ScanError::Finalizer {
                                name: f.name().to_string(),
                                source,
                            })?;
                    }
                    Ok(())
                })?;
        }
        drop(fresh);
        progress(&Progress {
            phase: Phase::Store,
            done: 1,
            total: 1,
        });
        durations.store = t.elapsed();

        // ---- report ------------------------------------------------------
        let counts = self.index.scan_counts()?;
        let files_by_lang = if scope.is_empty() {
            counts.files_by_lang
        } else {
            let mut by = BTreeMap::new();
            for c in &discovery.candidates {
                *by.entry(c.lang).or_insert(0) += 1;
            }
            by
        };
        let skipped = self
            .index
            .skipped_files()?
            .into_iter()
            .filter(|s| in_scope(&s.path))
            .collect();
        let partial = self
            .index
            .partial_files()?
            .into_iter()
            .filter(|(p, _)| in_scope(p))
            .map(|(path, error_count)| PartialFile { path, error_count })
            .collect();
        durations.total = t_total.elapsed();
        let report = ScanReport {
            full,
            files_by_lang,
            discovered,
            parsed,
            unchanged,
            removed: removed.len() as u64,
            skipped,
            partial,
            patterns: counts.patterns,
            violations: counts.violations,
            rule_errors: self.rule_errors.clone(),
            durations,
        };
        tracing::info!(
            parsed = report.parsed,
            unchanged = report.unchanged,
            removed = report.removed,
            patterns = report.patterns,
            violations = report.violations,
            ms = report.durations.total.as_millis() as u64,
            "scan finished"
        );
        Ok(report)
    }

    /// Reads, hashes and analyses one file.
    fn process(
        &self,
        analyzer: &mut FileAnalyzer,
        c: &Candidate,
        state: Option<&FileState>,
        cancel: &AtomicBool,
    ) -> Outcome {
        if cancel.load(Ordering::Relaxed) {
            return Outcome::Cancelled;
        }
        let skip = |reason: SkipReason, detail: String, hash: Option<String>| {
            Outcome::Write(FileWrite::Skipped {
                file: SkippedFile {
                    path: c.rel.clone(),
                    lang: Some(c.lang),
                    reason,
                    detail,
                },
                size: c.size,
                mtime_ns: c.mtime_ns,
                hash,
            })
        };
        let bytes = match read_limited(&c.abs, self.config.max_file_size) {
            Ok(Some(b)) => b,
            Ok(None) => {
                return skip(
                    SkipReason::TooLarge,
                    format!(
                        "grew beyond the limit of {} bytes",
                        self.config.max_file_size
                    ),
                    None,
                );
            }
            Err(err) => return skip(SkipReason::Unreadable, err.to_string(), None),
        };
        let size = bytes.len() as u64;
        let hash = blake3::hash(&bytes).to_hex().to_string();
        if let Some(state) = state
            && state.hash.as_deref() == Some(hash.as_str())
            && state.status != FileStatus::Skipped
        {
            return Outcome::Write(FileWrite::Touched {
                path: c.rel.clone(),
                size,
                mtime_ns: c.mtime_ns,
            });
        }
        let head = &bytes[..bytes.len().min(BINARY_PROBE)];
        if head.contains(&0) {
            return skip(
                SkipReason::Binary,
                "NUL byte in the first 8 KiB".to_string(),
                Some(hash),
            );
        }
        if self.config.skip_generated {
            let detail = generated_marker(&bytes)
                .map(|marker| format!("header contains {marker:?}"))
                .or_else(|| minified(&bytes));
            if let Some(detail) = detail {
                return skip(SkipReason::Generated, detail, Some(hash));
            }
        }
        let (source, lossy) = match std::str::from_utf8(&bytes) {
            Ok(_) => (bytes, false),
            Err(_) => (
                String::from_utf8_lossy(&bytes).into_owned().into_bytes(),
                true,
            ),
        };
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            analyzer.analyze(c.lang, &c.rel, &source, &self.detectors, Some(cancel))
        }));
        match result {
            Ok(Ok(analysis)) => Outcome::Write(FileWrite::Analyzed {
                path: c.rel.clone(),
                lang: analysis.lang,
                size,
                mtime_ns: c.mtime_ns,
                hash,
                lossy,
                facts: Box::new(analysis.facts),
            }),
            Ok(Err(AnalyzeError::Cancelled)) => Outcome::Cancelled,
            Ok(Err(err @ AnalyzeError::Timeout(_))) => {
                skip(SkipReason::ParseTimeout, err.to_string(), Some(hash))
            }
            Ok(Err(err)) => skip(SkipReason::GrammarUnavailable, err.to_string(), Some(hash)),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_string());
                tracing::error!(path = %c.rel, %msg, "analyzer panicked");
                // The analyzer's parsers may be in a bad state: start afresh.
                *analyzer = FileAnalyzer::new(self.analyze_options(false));
                skip(
                    SkipReason::AnalyzerError,
                    format!("analyzer panicked: {msg}"),
                    Some(hash),
                )
            }
        }
    }

    /// Index counts plus which files changed on disk since the last scan
    /// (by size and mtime; no file is read).
    pub fn status(&self) -> Result<ProjectStatus, ScanError> {
        let summary = self.index.summary()?;
        let states = self.index.file_states()?;
        let cancel = AtomicBool::new(false);
        let discovery = self.discover_scope(&[], &cancel)?;
        let mut stale = Staleness::default();
        let mut seen = HashSet::new();
        let stat_changed = |path: &str, size: u64, mtime: i64| {
            states
                .get(path)
                .map(|s| s.size != size || s.mtime_ns != mtime)
        };
        for c in &discovery.candidates {
            seen.insert(c.rel.as_str());
            match stat_changed(&c.rel, c.size, c.mtime_ns) {
                None => stale.added.push(c.rel.clone()),
                Some(true) => stale.modified.push(c.rel.clone()),
                Some(false) => {}
            }
        }
        for s in &discovery.skipped {
            seen.insert(s.file.path.as_str());
            match stat_changed(&s.file.path, s.size, s.mtime_ns) {
                None => stale.added.push(s.file.path.clone()),
                Some(true) => stale.modified.push(s.file.path.clone()),
                Some(false) => {}
            }
        }
        let mut deleted: Vec<String> = states
            .keys()
            .filter(|p| !seen.contains(p.as_str()))
            .cloned()
            .collect();
        deleted.sort();
        stale.deleted = deleted;
        let config_changed = !states.is_empty()
            && self.index.meta(META_FINGERPRINT)?.as_deref() != Some(self.fingerprint.as_str());
        Ok(ProjectStatus {
            summary,
            stale,
            config_changed,
        })
    }

    /// Analyses unsaved `content` as if it were the file at `path` (no
    /// write) and returns its facts and the violations it would have against
    /// the currently stored patterns.
    pub fn analyze_source(&self, path: &Path, content: &[u8]) -> Result<SourceCheck, ScanError> {
        let patterns = self.index.patterns(&Default::default())?;
        self.analyze_source_against(path, content, &patterns)
    }

    /// [`Project::analyze_source`] against `patterns` the caller already
    /// holds (e.g. the MCP server's snapshot), saving the index read.
    pub fn analyze_source_against(
        &self,
        path: &Path,
        content: &[u8],
        patterns: &[drift_index::Pattern],
    ) -> Result<SourceCheck, ScanError> {
        let rel = self.relative_path(path)?;
        let lang = Lang::from_path(&rel)
            .or_else(|| {
                let first = content.split(|&b| b == b'\n').next().unwrap_or(&[]);
                Lang::from_shebang(first)
            })
            .ok_or_else(|| ScanError::UnknownLanguage(rel.clone()))?;
        let (source, lossy) = match std::str::from_utf8(content) {
            Ok(_) => (std::borrow::Cow::Borrowed(content), false),
            Err(_) => (
                std::borrow::Cow::Owned(String::from_utf8_lossy(content).into_owned().into_bytes()),
                true,
            ),
        };
        let mut analyzer = FileAnalyzer::new(self.analyze_options(true));
        let analysis = analyzer
            .analyze(lang, &rel, &source, &self.detectors, None)
            .map_err(|e| ScanError::Analyze {
                path: rel.clone(),
                message: e.to_string(),
            })?;
        let violations = learning::violations_for_matches(
            patterns,
            &self.detectors,
            &self.config.learn,
            &rel,
            &analysis.facts.matches,
        );
        Ok(SourceCheck {
            path: rel,
            lang,
            partial: analysis.facts.partial || lossy,
            facts: analysis.facts,
            violations,
        })
    }
}

/// Result of [`Project::analyze_source`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SourceCheck {
    pub path: String,
    pub lang: Lang,
    pub partial: bool,
    pub facts: drift_core::FileFacts,
    pub violations: Vec<drift_index::Violation>,
}

enum Outcome {
    Write(FileWrite),
    Cancelled,
}

/// Outcomes a pool thread sends to the writer at once. A send can wake the
/// writer, which then takes a core from the analysis for a moment: one
/// wake per file cost the scan a few percent.
const OUTCOMES_PER_SEND: usize = 8;

/// A pool thread's outcomes not yet sent; the rest go when it is dropped.
struct Batch<'s> {
    outcomes: Vec<Outcome>,
    sender: std::sync::mpsc::SyncSender<Vec<Outcome>>,
    /// Set when the writer has stopped (on an error).
    stop: &'s AtomicBool,
}

impl Batch<'_> {
    fn push(&mut self, outcome: Outcome) {
        self.outcomes.push(outcome);
        if self.outcomes.len() >= OUTCOMES_PER_SEND {
            self.send();
        }
    }

    fn send(&mut self) {
        if self.outcomes.is_empty() {
            return;
        }
        let outcomes = std::mem::replace(&mut self.outcomes, Vec::with_capacity(OUTCOMES_PER_SEND));
        if self.sender.send(outcomes).is_err() {
            self.stop.store(true, Ordering::Relaxed);
        }
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        self.send();
    }
}

/// Reads at most `limit` bytes; `Ok(None)` if the file is larger.
fn read_limited(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = std::fs::File::open(path)?;
    // Sized from the file's length, as `fs::read` does: no regrowing.
    let len = file.metadata().map_or(0, |m| m.len()).min(limit);
    let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        Ok(None)
    } else {
        Ok(Some(buf))
    }
}

/// Files smaller than this are never taken for minified.
const MINIFIED_MIN_BYTES: usize = 4096;
/// Average line length, in bytes, above which a file is taken for
/// minified (GitHub Linguist's rule for JavaScript and CSS).
const MINIFIED_MEAN_LINE: usize = 110;

/// Why a file of `MINIFIED_MIN_BYTES` or more looks minified or machine
/// written: its lines average over `MINIFIED_MEAN_LINE` bytes (bundles,
/// compiler output, embedded data tables).
fn minified(bytes: &[u8]) -> Option<String> {
    if bytes.len() < MINIFIED_MIN_BYTES {
        return None;
    }
    let lines = drift_core::analyze::count_lines(bytes);
    let mean = bytes.len() / usize::try_from(lines).unwrap_or(usize::MAX).max(1);
    (mean > MINIFIED_MEAN_LINE)
        .then(|| format!("minified: {lines} lines of {mean} bytes on average"))
}

/// `@generated` or `DO NOT EDIT` in the first five lines.
fn generated_marker(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(1024)];
    let lines: Vec<&[u8]> = head.split(|&b| b == b'\n').take(5).collect();
    for marker in ["@generated", "DO NOT EDIT"] {
        let m = marker.as_bytes();
        if lines.iter().any(|l| l.windows(m.len()).any(|w| w == m)) {
            return Some(marker);
        }
    }
    None
}
