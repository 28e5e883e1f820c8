//! Convention learning: detector matches across a repository → patterns
//! (which variant dominates, how confidently) and violations (outliers).
//!
//! Everything here is a pure, deterministic function of its input: outputs
//! are sorted and examples are chosen by position, never by input order.
//!
//! # The confidence model
//!
//! For one detector, let `n` be its number of matches in the repository and
//! `k` the count of the dominant variant (most matches; ties broken by more
//! files, then by name). With a uniform `Beta(1, 1)` prior on the share `p`
//! of code that follows the dominant variant, the posterior after `k`
//! successes in `n` trials is `Beta(k + 1, n − k + 1)`. We take its lower
//! credible bound `L = Q(α; k + 1, n − k + 1)` (`α` =
//! [`LearnOptions::lower_quantile`], 5 % by default): "with 95 %
//! posterior probability, at least `L` of this code follows the
//! convention". `L` grows with support and shrinks with dissent, and is
//! small for small samples (3 of 3 gives `L` ≈ 0.47; 20 of 20 gives 0.87;
//! 95 of 100 gives 0.90; 40 of 41 gives 0.89).
//!
//! A convention seen in one file may be one author's habit, so `L` is
//! weighted by how widely the dominant variant is spread:
//!
//! ```text
//! confidence = L × (1 − fp · 0.5^(files − 1)) × (1 − dp · 0.5^(dirs − 1))
//! ```
//!
//! with `fp` = [`LearnOptions::file_spread_penalty`] (0.4: one file keeps
//! 60 %, two 80 %, five 97.5 %) and `dp` =
//! [`LearnOptions::dir_spread_penalty`] (0.05). When variants tie for the
//! top count, the spread used is the smallest among them. The result is in
//! `[0, 1]`; adding a dominant-variant match never lowers it and adding a
//! match of a variant with fewer matches than the dominant never raises it
//! (property-tested).
//!
//! Tiers: [`Tier::Insufficient`] below [`LearnOptions::min_samples`]
//! matches, else [`Tier::Established`] at ≥ 0.85, [`Tier::Emerging`] at
//! ≥ 0.6, [`Tier::Weak`] below. Every match of a non-dominant variant of a
//! pattern whose confidence is at least
//! [`LearnOptions::violation_min_confidence`] (and with enough samples) is
//! a [`Violation`].

mod stats;

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::detect::{DetectorMeta, Severity};
use crate::model::{DetectorMatch, Span};

/// Thresholds and weights of the model (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnOptions {
    /// Fewer matches than this: tier `insufficient`, no violations.
    pub min_samples: usize,
    /// Confidence at or above which a pattern is `established`.
    pub established: f64,
    /// Confidence at or above which a pattern is `emerging`.
    pub emerging: f64,
    /// Posterior quantile used as the lower credible bound (0..0.5).
    pub lower_quantile: f64,
    /// Weight lost when the dominant variant is in a single file (halved
    /// with each further file).
    pub file_spread_penalty: f64,
    /// Weight lost when it is in a single directory (halved per further one).
    pub dir_spread_penalty: f64,
    /// Patterns at or above this confidence report outliers.
    pub violation_min_confidence: f64,
    /// Examples kept per variant.
    pub max_examples: usize,
}

impl Default for LearnOptions {
    fn default() -> Self {
        LearnOptions {
            min_samples: 3,
            established: 0.85,
            emerging: 0.6,
            lower_quantile: 0.05,
            file_spread_penalty: 0.4,
            dir_spread_penalty: 0.05,
            violation_min_confidence: 0.6,
            max_examples: 3,
        }
    }
}

/// How much a convention can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Established,
    Emerging,
    Weak,
    Insufficient,
}

impl Tier {
    pub fn id(self) -> &'static str {
        match self {
            Tier::Established => "established",
            Tier::Emerging => "emerging",
            Tier::Weak => "weak",
            Tier::Insufficient => "insufficient",
        }
    }
}

/// A place in the repository.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub span: Span,
    pub snippet: String,
}

/// One variant of a pattern and its support.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantStats {
    pub variant: String,
    /// `detector-id:variant`, stable across runs.
    pub convention_id: String,
    pub count: usize,
    /// Distinct files / directories where it occurs.
    pub files: usize,
    pub dirs: usize,
    /// `count / total`.
    pub share: f64,
    /// The first few occurrences by (file, position).
    pub examples: Vec<Location>,
}

/// What one detector says about a repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pattern {
    /// Stable id: the detector id.
    pub id: String,
    pub category: String,
    pub name: String,
    pub severity: Severity,
    /// Sorted by count (desc), then name.
    pub variants: Vec<VariantStats>,
    pub dominant: String,
    /// `detector-id:dominant-variant`.
    pub convention_id: String,
    pub total: usize,
    pub confidence: f64,
    pub tier: Tier,
}

/// A match that departs from a confident convention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    pub pattern_id: String,
    /// The convention broken (`detector-id:expected-variant`).
    pub convention_id: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub span: Span,
    pub snippet: String,
    pub message: String,
    pub expected: String,
    pub found: String,
    pub severity: Severity,
    pub confidence: f64,
    /// A location following the convention (same directory when possible).
    pub example: Location,
}

/// The result of learning.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Learned {
    /// Sorted by id.
    pub patterns: Vec<Pattern>,
    /// Sorted by file, line, column, pattern id.
    pub violations: Vec<Violation>,
}

/// The stable id of a convention.
pub fn convention_id(detector: &str, variant: &str) -> String {
    format!("{detector}:{variant}")
}

/// One match where it was found: the file's interned id and the match.
type Occurrence<'m> = (u32, &'m DetectorMatch);

#[derive(Default)]
struct VariantAcc<'m> {
    count: usize,
    files: FxHashSet<u32>,
    dirs: FxHashSet<u32>,
    /// The `max_examples` smallest locations by (file, span).
    examples: Vec<Occurrence<'m>>,
    /// Smallest location per directory.
    per_dir: FxHashMap<u32, Occurrence<'m>>,
    /// Every occurrence (for violations).
    occurrences: Vec<Occurrence<'m>>,
    /// The file of the last occurrence added: a file's matches come
    /// together, so its file and directory go into the sets once per
    /// run rather than once per match.
    last_file: Option<u32>,
}

#[derive(Default)]
struct Interner {
    ids: FxHashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        id
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or(".", |(d, _)| d)
}

/// Spread weight for a count of distinct files or directories.
fn spread_factor(count: usize, penalty: f64) -> f64 {
    let steps = i32::try_from(count.saturating_sub(1)).unwrap_or(i32::MAX);
    1.0 - penalty.clamp(0.0, 1.0) * 0.5f64.powi(steps)
}

/// The confidence of a convention with `dominant` of `total` matches,
/// spread over `files` files and `dirs` directories (see module docs).
pub fn confidence(
    dominant: usize,
    total: usize,
    files: usize,
    dirs: usize,
    options: &LearnOptions,
) -> f64 {
    if total == 0 || dominant == 0 {
        return 0.0;
    }
    let dominant = dominant.min(total);
    let a = dominant as f64 + 1.0;
    let b = (total - dominant) as f64 + 1.0;
    let q = options.lower_quantile.clamp(1e-9, 0.5);
    let lower = stats::beta_quantile(q, a, b);
    let value = lower
        * spread_factor(files.max(1), options.file_spread_penalty)
        * spread_factor(dirs.max(1), options.dir_spread_penalty);
    value.clamp(0.0, 1.0)
}

fn tier_of(total: usize, confidence: f64, options: &LearnOptions) -> Tier {
    if total < options.min_samples {
        Tier::Insufficient
    } else if confidence >= options.established {
        Tier::Established
    } else if confidence >= options.emerging {
        Tier::Emerging
    } else {
        Tier::Weak
    }
}

/// Every match's variant accumulator, by detector and variant.
type ByDetector<'m> = FxHashMap<&'m str, FxHashMap<&'m str, VariantAcc<'m>>>;

/// Files by interned id, with their directories.
#[derive(Default)]
struct FileTable {
    files: Interner,
    dirs: Interner,
    /// Each file's directory, by file id.
    dir_of_file: Vec<u32>,
}

impl FileTable {
    fn intern(&mut self, path: &str) -> u32 {
        let file = self.files.intern(path);
        if file as usize == self.dir_of_file.len() {
            self.dir_of_file.push(self.dirs.intern(dir_of(path)));
        }
        file
    }

    fn dir(&self, file: u32) -> u32 {
        self.dir_of_file
            .get(file as usize)
            .copied()
            .unwrap_or_default()
    }
}

/// Counts match `m` of file `file` (in directory `dir`). `file_before(f)`:
/// whether `file` comes before file `f` in path order.
fn add<'m>(
    by_detector: &mut ByDetector<'m>,
    (file, dir): (u32, u32),
    m: &'m DetectorMatch,
    max_examples: usize,
    file_before: impl Fn(u32) -> bool,
) {
    let acc = by_detector
        .entry(m.detector.as_str())
        .or_default()
        .entry(m.variant.as_str())
        .or_default();
    acc.count += 1;
    if acc.last_file != Some(file) {
        acc.last_file = Some(file);
        acc.files.insert(file);
        acc.dirs.insert(dir);
    }
    acc.occurrences.push((file, m));
    // Whether this match comes before `other` by (file, span).
    let before = |&(f, other): &Occurrence<'_>| {
        if f == file {
            m.span < other.span
        } else {
            file_before(f)
        }
    };
    match acc.per_dir.get_mut(&dir) {
        Some(entry) => {
            if before(entry) {
                *entry = (file, m);
            }
        }
        None => {
            acc.per_dir.insert(dir, (file, m));
        }
    }
    // Keep the `max_examples` smallest (file, span) locations (in sorted
    // input, a match comes after all of them).
    if max_examples > 0
        && (acc.examples.len() < max_examples || acc.examples.last().is_some_and(before))
    {
        let pos = acc
            .examples
            .iter()
            .position(before)
            .unwrap_or(acc.examples.len());
        if pos < max_examples {
            acc.examples.insert(pos, (file, m));
            acc.examples.truncate(max_examples);
        }
    }
}

/// Adds `later` to `earlier`, the accumulators of two runs of files in
/// path order, every file of `later` after every file of `earlier` (file
/// ids from one [`FileTable`]).
fn merge<'m>(earlier: &mut ByDetector<'m>, later: ByDetector<'m>, max_examples: usize) {
    for (detector, variants) in later {
        let into = earlier.entry(detector).or_default();
        for (variant, acc) in variants {
            let to = into.entry(variant).or_default();
            to.count += acc.count;
            to.files.extend(acc.files);
            to.dirs.extend(acc.dirs);
            to.occurrences.extend(acc.occurrences);
            // An earlier file's location comes first.
            for (dir, occ) in acc.per_dir {
                to.per_dir.entry(dir).or_insert(occ);
            }
            to.examples.extend(acc.examples);
            to.examples.truncate(max_examples);
        }
    }
}

/// Learns patterns and violations from `(file path, match)` items.
///
/// `detectors` supplies names, categories and severities; matches of a
/// detector missing from it are still learned (category from the id).
/// Runs in time linear in the number of matches (plus sorting).
pub fn learn<'m, P>(
    matches: impl IntoIterator<Item = (P, &'m DetectorMatch)>,
    detectors: impl IntoIterator<Item = &'m DetectorMeta>,
    options: &LearnOptions,
) -> Learned
where
    P: AsRef<str>,
{
    let mut table = FileTable::default();
    let mut by_detector = ByDetector::default();
    // A file's matches usually come together: its path is interned once.
    let mut last: Option<u32> = None;
    // Whether file ids are in path order so far (the files came sorted).
    let mut ordered = true;
    for (path, m) in matches {
        let path = path.as_ref();
        let file = match last {
            Some(file) if table.files.name(file) == path => file,
            _ => {
                ordered &= last.is_none_or(|l| table.files.name(l) < path);
                let file = table.intern(path);
                last = Some(file);
                file
            }
        };
        let table = &table;
        add(
            &mut by_detector,
            (file, table.dir(file)),
            m,
            options.max_examples,
            |f| {
                if ordered {
                    file < f
                } else {
                    path < table.files.name(f)
                }
            },
        );
    }
    finish(by_detector, &table, ordered, detectors, options)
}

/// Fewer matches than this are learned on one thread.
const SPLIT_AT: usize = 16_384;

/// [`learn`] over whole files: `(path, matches)` with paths in increasing
/// order. From 16,384 matches on, the files are counted in two runs side
/// by side (on the current rayon pool); the result is [`learn`]'s. Files
/// out of order, or a path twice, are learned as [`learn`] does.
pub fn learn_files<'m>(
    files: &[(&'m str, &'m [DetectorMatch])],
    detectors: impl IntoIterator<Item = &'m DetectorMeta>,
    options: &LearnOptions,
) -> Learned {
    learn_files_split(files, detectors, options, SPLIT_AT)
}

fn learn_files_split<'m>(
    files: &[(&'m str, &'m [DetectorMatch])],
    detectors: impl IntoIterator<Item = &'m DetectorMeta>,
    options: &LearnOptions,
    split_at: usize,
) -> Learned {
    if !files.windows(2).all(|w| w[0].0 < w[1].0) {
        let items = files
            .iter()
            .flat_map(|&(path, matches)| matches.iter().map(move |m| (path, m)));
        return learn(items, detectors, options);
    }
    // File ids are indices, in path order.
    let mut table = FileTable::default();
    for (path, _) in files {
        table.intern(path);
    }
    let count = |range: std::ops::Range<usize>| {
        let mut by_detector = ByDetector::default();
        for (i, (_, matches)) in range.clone().zip(&files[range]) {
            let file = u32::try_from(i).unwrap_or(u32::MAX);
            for m in *matches {
                add(
                    &mut by_detector,
                    (file, table.dir(file)),
                    m,
                    options.max_examples,
                    |f| file < f,
                );
            }
        }
        by_detector
    };
    let total: usize = files.iter().map(|(_, m)| m.len()).sum();
    let by_detector = if total >= split_at && files.len() >= 2 {
        // Split where half the matches are behind.
        let mut seen = 0;
        let mid = files
            .iter()
            .position(|(_, m)| {
                seen += m.len();
                seen * 2 >= total
            })
            .map_or(files.len() / 2, |i| i + 1)
            .clamp(1, files.len() - 1);
        let (mut earlier, later) = rayon::join(|| count(0..mid), || count(mid..files.len()));
        merge(&mut earlier, later, options.max_examples);
        earlier
    } else {
        count(0..files.len())
    };
    finish(by_detector, &table, true, detectors, options)
}

/// Most outliers of one variant made into violations in one go (runs
/// of them are made side by side).
const OUTLIERS_PER_RUN: usize = 1024;

/// One detector's counts, ranked, and what its convention says.
struct Ranked<'a, 'm> {
    detector: &'m str,
    meta: Option<&'m DetectorMeta>,
    name: String,
    /// By count (desc), then files (desc), then name; the first dominates.
    variants: Vec<(&'m str, &'a VariantAcc<'m>)>,
    total: usize,
    confidence: f64,
    tier: Tier,
    severity: Severity,
    /// Whether its other variants' matches are violations.
    reports: bool,
    dominant_id: String,
    /// The example shown where the dominant variant is not in the
    /// outlier's directory.
    fallback: Option<Location>,
}

fn rank<'a, 'm>(
    detector: &'m str,
    variants: &'a FxHashMap<&'m str, VariantAcc<'m>>,
    meta: Option<&'m DetectorMeta>,
    files: &Interner,
    options: &LearnOptions,
) -> Option<Ranked<'a, 'm>> {
    let total: usize = variants.values().map(|v| v.count).sum();
    let mut ranked: Vec<(&str, &VariantAcc<'_>)> =
        variants.iter().map(|(v, acc)| (*v, acc)).collect();
    ranked.sort_by(|a, b| {
        b.1.count
            .cmp(&a.1.count)
            .then(b.1.files.len().cmp(&a.1.files.len()))
            .then(a.0.cmp(b.0))
    });
    let &(dominant, dom_acc) = ranked.first()?;
    let tied = ranked.iter().filter(|(_, a)| a.count == dom_acc.count);
    let (spread_files, spread_dirs) = tied.fold((usize::MAX, usize::MAX), |(f, d), (_, a)| {
        (f.min(a.files.len()), d.min(a.dirs.len()))
    });
    let conf = confidence(dom_acc.count, total, spread_files, spread_dirs, options);
    Some(Ranked {
        detector,
        meta,
        name: meta.map_or_else(|| detector.to_string(), |m| m.name.clone()),
        total,
        confidence: conf,
        tier: tier_of(total, conf, options),
        severity: meta.map_or(Severity::Info, |m| m.severity),
        reports: total >= options.min_samples && conf >= options.violation_min_confidence,
        dominant_id: convention_id(detector, dominant),
        fallback: dom_acc.examples.first().map(|o| location(files, o)),
        variants: ranked,
    })
}

fn location(files: &Interner, &(f, m): &Occurrence<'_>) -> Location {
    Location {
        file: files.name(f).to_string(),
        span: m.span,
        snippet: m.snippet.clone(),
    }
}

impl Ranked<'_, '_> {
    /// The violations of `occurrences`, matches of its variant `variant`
    /// (not the dominant one), each with its file id.
    fn violations(
        &self,
        variant: &str,
        occurrences: &[Occurrence<'_>],
        table: &FileTable,
    ) -> Vec<(u32, Violation)> {
        let (dominant, dom_acc) = self.variants[0];
        let (name, total, conf) = (&self.name, self.total, self.confidence);
        // The example and message depend only on the directory.
        let mut by_dir: FxHashMap<u32, Option<(Location, String)>> = FxHashMap::default();
        let mut out = Vec::with_capacity(occurrences.len());
        for &(file, occ) in occurrences {
            let dir = table.dir(file);
            let told = by_dir.entry(dir).or_insert_with(|| {
                let example = dom_acc
                    .per_dir
                    .get(&dir)
                    .map(|o| location(&table.files, o))
                    .or_else(|| self.fallback.clone())?;
                let message = format!(
                    "{name}: uses `{variant}` but the convention here is `{dominant}` ({} of {total} matches, confidence {conf:.2}); see {}:{}",
                    dom_acc.count, example.file, example.span.start_line
                );
                Some((example, message))
            });
            let Some((example, message)) = told else {
                continue;
            };
            out.push((
                file,
                Violation {
                    pattern_id: self.detector.to_string(),
                    convention_id: self.dominant_id.clone(),
                    file: table.files.name(file).to_string(),
                    line: occ.span.start_line,
                    column: occ.span.start_col,
                    span: occ.span,
                    snippet: occ.snippet.clone(),
                    message: message.clone(),
                    expected: dominant.to_string(),
                    found: variant.to_string(),
                    severity: self.severity,
                    confidence: conf,
                    example: example.clone(),
                },
            ));
        }
        out
    }

    fn into_pattern(self, files: &Interner) -> Pattern {
        let (detector, total) = (self.detector, self.total);
        let dominant = self.variants[0].0;
        Pattern {
            id: detector.to_string(),
            category: self.meta.map_or_else(
                || detector.split('/').next().unwrap_or("").to_string(),
                |m| m.category.clone(),
            ),
            name: self.name,
            severity: self.severity,
            variants: self
                .variants
                .iter()
                .map(|(variant, acc)| VariantStats {
                    variant: variant.to_string(),
                    convention_id: convention_id(detector, variant),
                    count: acc.count,
                    files: acc.files.len(),
                    dirs: acc.dirs.len(),
                    share: acc.count as f64 / total as f64,
                    examples: acc.examples.iter().map(|o| location(files, o)).collect(),
                })
                .collect(),
            dominant: dominant.to_string(),
            convention_id: self.dominant_id,
            total,
            confidence: self.confidence,
            tier: self.tier,
        }
    }
}

/// Patterns and violations from the counted matches. `ordered`: file ids
/// are in path order. Violations are made in runs side by side (on the
/// current rayon pool): a large repository has tens of thousands.
fn finish<'m>(
    by_detector: ByDetector<'m>,
    table: &FileTable,
    ordered: bool,
    detectors: impl IntoIterator<Item = &'m DetectorMeta>,
    options: &LearnOptions,
) -> Learned {
    use rayon::prelude::*;

    let metas: HashMap<&str, &DetectorMeta> =
        detectors.into_iter().map(|m| (m.id.as_str(), m)).collect();
    let ranked: Vec<Ranked<'_, 'm>> = by_detector
        .iter()
        .filter_map(|(detector, variants)| {
            let meta = metas.get(detector).copied();
            rank(detector, variants, meta, &table.files, options)
        })
        .collect();
    let runs: Vec<(&Ranked<'_, '_>, &str, &[Occurrence<'_>])> = ranked
        .iter()
        .filter(|r| r.reports)
        .flat_map(|r| {
            r.variants[1..].iter().flat_map(move |(variant, acc)| {
                acc.occurrences
                    .chunks(OUTLIERS_PER_RUN)
                    .map(move |run| (r, *variant, run))
            })
        })
        .collect();
    let mut violations: Vec<(u32, Violation)> = runs
        .par_iter()
        .flat_map_iter(|(r, variant, run)| r.violations(variant, run, table))
        .collect();
    // By file, span, pattern id and snippet (file ids are in path order
    // when the files came sorted); stable, as the runs come in one order.
    violations.par_sort_by(|(fa, a), (fb, b)| {
        let by_file = if ordered {
            fa.cmp(fb)
        } else {
            a.file.cmp(&b.file)
        };
        by_file.then_with(|| {
            (a.span, &a.pattern_id, &a.snippet).cmp(&(b.span, &b.pattern_id, &b.snippet))
        })
    });
    let mut patterns: Vec<Pattern> = ranked
        .into_iter()
        .map(|r| r.into_pattern(&table.files))
        .collect();
    patterns.sort_by(|a, b| a.id.cmp(&b.id));
    Learned {
        patterns,
        violations: violations.into_iter().map(|(_, v)| v).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Matches of two detectors over `files` files in three directories:
    /// `(file, detector, variant, line)` picks, as indices.
    fn files_of(picks: &[(usize, usize, usize, u32)]) -> Vec<(String, Vec<DetectorMatch>)> {
        let mut files: Vec<(String, Vec<DetectorMatch>)> = Vec::new();
        for &(file, detector, variant, line) in picks {
            let path = format!("{}/f{file:02}.py", ["a", "a/b", "c"][file % 3]);
            let m = DetectorMatch {
                detector: ["d/one", "d/two"][detector % 2].to_string(),
                variant: ["x", "y", "z"][variant % 3].to_string(),
                span: Span {
                    start_line: line,
                    start_col: 1,
                    end_line: line,
                    end_col: 4,
                },
                snippet: format!("line {line}"),
            };
            match files.iter_mut().find(|(p, _)| *p == path) {
                Some((_, ms)) => ms.push(m),
                None => files.push((path, vec![m])),
            }
        }
        files
    }

    proptest! {
        #[test]
        fn learning_whole_files_in_two_runs_is_learning_them_in_one(
            picks in proptest::collection::vec((0usize..12, 0usize..2, 0usize..3, 1u32..6), 1..120),
        ) {
            let mut files = files_of(&picks);
            let options = LearnOptions { min_samples: 2, violation_min_confidence: 0.0, ..LearnOptions::default() };
            let items = |files: &[(String, Vec<DetectorMatch>)]| -> Vec<(String, DetectorMatch)> {
                files.iter().flat_map(|(p, ms)| ms.iter().map(move |m| (p.clone(), m.clone()))).collect()
            };
            let all = items(&files);
            let expected = learn(all.iter().map(|(p, m)| (p.as_str(), m)), std::iter::empty(), &options);
            // Out of order (files come in first-pick order): learned as `learn` does.
            let unsorted: Vec<(&str, &[DetectorMatch])> = files.iter().map(|(p, m)| (p.as_str(), m.as_slice())).collect();
            prop_assert_eq!(&learn_files_split(&unsorted, std::iter::empty(), &options, 1), &expected);
            // In path order: split in two runs, and not split.
            files.sort_by(|a, b| a.0.cmp(&b.0));
            let sorted: Vec<(&str, &[DetectorMatch])> = files.iter().map(|(p, m)| (p.as_str(), m.as_slice())).collect();
            prop_assert_eq!(&learn_files_split(&sorted, std::iter::empty(), &options, 1), &expected);
            prop_assert_eq!(&learn_files_split(&sorted, std::iter::empty(), &options, usize::MAX), &expected);
        }
    }
}
