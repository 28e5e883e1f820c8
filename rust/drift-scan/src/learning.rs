//! Learning phase: every stored detector match (not only the changed
//! files') goes through `drift_core::learn::learn_files`; the result is
//! mapped onto the index model.

use std::collections::{HashMap, HashSet};

use drift_core::detect::{DetectorMeta, DetectorSet};
use drift_core::learn::{self, Location, Tier};
use drift_core::{DetectorMatch, Lang};
use drift_index::read::{FileMatches, RawMatchesRow};
use drift_index::{Example, Index, Pattern, Severity, Variant, Violation};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::ScanError;
use crate::config::LearnSettings;

pub(crate) fn severity_of(s: drift_core::detect::Severity) -> Severity {
    match s {
        drift_core::detect::Severity::Error => Severity::Error,
        drift_core::detect::Severity::Warning => Severity::Warning,
        drift_core::detect::Severity::Info => Severity::Info,
    }
}

fn example(l: Location) -> Example {
    Example {
        path: l.file,
        span: l.span,
        snippet: l.snippet,
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[derive(Default)]
struct DetectorInfo {
    /// The languages of its files, one bit each (by `Lang::ALL` index).
    langs: u16,
    files: u32,
    /// The last file counted, by index.
    last_file: Option<usize>,
}

impl DetectorInfo {
    /// Its one language, if all its files have the same.
    fn only_lang(&self) -> Option<Lang> {
        (self.langs.count_ones() == 1)
            .then(|| Lang::ALL.get(self.langs.trailing_zeros() as usize).copied())
            .flatten()
    }
}

/// Learns patterns and violations from every match in `index`, ignoring
/// files in `exclude` (files this scan is about to remove). `fresh` holds
/// the matches this scan has just stored, which are not read back. With
/// `only_fresh` (this scan analysed again, skipped or removed every file
/// the index had) the index holds no others and is not read.
pub(crate) fn learn(
    index: &Index,
    detectors: &DetectorSet,
    settings: &LearnSettings,
    exclude: &HashSet<String>,
    fresh: Vec<FileMatches>,
    only_fresh: bool,
) -> Result<(Vec<Pattern>, Vec<Violation>), ScanError> {
    // The learner keeps every occurrence anyway (for violations), so the
    // matches are collected (decoded on the current rayon pool); facts other
    // than matches are never loaded.
    let raw: Vec<RawMatchesRow> = if only_fresh {
        Vec::new()
    } else {
        let fresh: HashSet<&str> = fresh.iter().map(|f| f.path.as_str()).collect();
        index.with_conn(|conn| {
            drift_index::read::matches_raw_except(conn, |path| {
                exclude.contains(path) || fresh.contains(path)
            })
        })?
    };
    let mut files: Vec<FileMatches> = raw
        .into_par_iter()
        .map(RawMatchesRow::decode)
        .collect::<Result<_, _>>()?;
    files.extend(fresh.into_iter().filter(|f| !exclude.contains(&f.path)));
    // In path order, as the index lists them (examples and violations
    // come out in this order).
    files.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
    // Which languages and how many files each detector's matches span,
    // counted beside the learning.
    let spread = || {
        files
            .par_iter()
            .enumerate()
            .fold(FxHashMap::default, |mut info, (index, file)| {
                let lang = Lang::ALL.iter().position(|&l| l == file.lang).unwrap_or(0);
                for m in &file.matches {
                    let i: &mut DetectorInfo = info.entry(m.detector.as_str()).or_default();
                    i.langs |= 1 << lang;
                    if i.last_file != Some(index) {
                        i.files += 1;
                        i.last_file = Some(index);
                    }
                }
                info
            })
            .reduce(FxHashMap::default, |mut into, from| {
                // Each file was counted in one of them.
                for (detector, i) in from {
                    let to = into.entry(detector).or_default();
                    to.langs |= i.langs;
                    to.files += i.files;
                }
                into
            })
    };
    let by_file: Vec<(&str, &[DetectorMatch])> = files
        .iter()
        .map(|f| (f.path.as_str(), f.matches.as_slice()))
        .collect();
    let (info, learned) = rayon::join(spread, || {
        learn::learn_files(&by_file, detectors.metadata(), &settings.to_options())
    });

    let metas: HashMap<&str, &DetectorMeta> =
        detectors.metadata().map(|m| (m.id.as_str(), m)).collect();
    let mut too_narrow: HashSet<String> = HashSet::new();
    let patterns: Vec<Pattern> = learned
        .patterns
        .into_iter()
        .map(|p| {
            let i = info.get(p.id.as_str());
            let file_count = i.map_or(0, |i| i.files);
            let mut tier = p.tier;
            if file_count < settings.min_files {
                tier = Tier::Insufficient;
                too_narrow.insert(p.id.clone());
            }
            let lang = i.and_then(DetectorInfo::only_lang);
            Pattern {
                description: metas
                    .get(p.id.as_str())
                    .map(|m| m.description.clone())
                    .unwrap_or_default(),
                detector: p.id.clone(),
                id: p.id,
                category: p.category,
                name: p.name,
                lang,
                dominant: p.dominant,
                confidence: p.confidence,
                tier: tier.id().to_string(),
                occurrences: to_u32(p.total),
                file_count,
                variants: p
                    .variants
                    .into_iter()
                    .map(|v| Variant {
                        name: v.variant,
                        count: to_u32(v.count),
                        file_count: to_u32(v.files),
                        share: v.share,
                        examples: v.examples.into_iter().map(example).collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    let violations = learned
        .violations
        .into_iter()
        .filter(|v| !too_narrow.contains(&v.pattern_id))
        .map(|v| Violation {
            pattern_id: v.pattern_id,
            path: v.file,
            span: v.span,
            found: v.found,
            expected: v.expected,
            severity: severity_of(v.severity),
            message: v.message,
            snippet: v.snippet,
        })
        .collect();
    // Freeing hundreds of thousands of matches takes milliseconds the scan
    // need not wait for (the other threads are idle while it stores).
    drop(info);
    rayon::spawn(move || drop(files));
    Ok((patterns, violations))
}

/// Violations that unsaved content's `matches` would have against the
/// stored `patterns` (same rule as learning: a non-dominant variant of a
/// pattern with enough support and confidence).
pub(crate) fn violations_for_matches(
    patterns: &[Pattern],
    detectors: &DetectorSet,
    settings: &LearnSettings,
    path: &str,
    matches: &[DetectorMatch],
) -> Vec<Violation> {
    let by_detector: HashMap<&str, &Pattern> =
        patterns.iter().map(|p| (p.detector.as_str(), p)).collect();
    matches
        .iter()
        .filter_map(|m| {
            let p = by_detector.get(m.detector.as_str())?;
            if p.tier == Tier::Insufficient.id()
                || p.confidence < settings.violation_min_confidence
                || p.dominant == m.variant
            {
                return None;
            }
            let severity = detectors
                .get(&m.detector)
                .map_or(Severity::Info, |d| severity_of(d.meta.severity));
            Some(Violation {
                pattern_id: p.id.clone(),
                path: path.to_string(),
                span: m.span,
                found: m.variant.clone(),
                expected: p.dominant.clone(),
                severity,
                message: format!(
                    "{}: uses `{}` but the convention here is `{}` ({} matches, confidence {:.2})",
                    p.name, m.variant, p.dominant, p.occurrences, p.confidence
                ),
                snippet: m.snippet.clone(),
            })
        })
        .collect()
}
