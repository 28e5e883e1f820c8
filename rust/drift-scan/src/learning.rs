//! Learning phase: turn every stored detector match into patterns
//! (conventions with variants, confidence and tier) and violations
//! (outliers against an established convention).
//!
//! Learning always runs over *all* stored matches (streamed from the index
//! in two passes: aggregate, then outliers), not only over changed files.
//!
//! This module is the single place that maps learning results onto the
//! index model; when `drift_core::learn` grows its public API the
//! aggregation below is what it replaces.

use std::collections::{BTreeMap, HashMap, HashSet};

use drift_core::detect::{DetectorMeta, DetectorSet};
use drift_core::{DetectorMatch, Lang};
use drift_index::{Example, Index, MatchRow, Pattern, Severity, Variant, Violation};

use crate::ScanError;
use crate::config::LearnSettings;

#[derive(Default)]
struct VariantAcc {
    count: u32,
    file_count: u32,
    last_path: Option<String>,
    examples: Vec<Example>,
}

#[derive(Default)]
struct PatternAcc {
    variants: BTreeMap<String, VariantAcc>,
    files: u32,
    last_path: Option<String>,
    langs: HashSet<Lang>,
}

pub(crate) fn severity_of(meta: Option<&DetectorMeta>) -> Severity {
    match meta.map(|m| m.severity) {
        Some(drift_core::detect::Severity::Error) => Severity::Error,
        Some(drift_core::detect::Severity::Warning) | None => Severity::Warning,
        Some(drift_core::detect::Severity::Info) => Severity::Info,
    }
}

fn tier_of(confidence: f64, settings: &LearnSettings) -> &'static str {
    if confidence >= settings.established_confidence {
        "established"
    } else if confidence >= settings.emerging_confidence {
        "emerging"
    } else {
        "contested"
    }
}

/// Learns patterns and violations from every match in `index`, ignoring
/// files in `exclude` (files about to be removed by this scan).
pub(crate) fn learn(
    index: &Index,
    detectors: &DetectorSet,
    settings: &LearnSettings,
    exclude: &HashSet<String>,
) -> Result<(Vec<Pattern>, Vec<Violation>), ScanError> {
    let mut acc: BTreeMap<String, PatternAcc> = BTreeMap::new();
    index.for_each_match(|m: MatchRow| -> Result<(), ScanError> {
        if exclude.contains(&m.path) {
            return Ok(());
        }
        let p = acc.entry(m.detector.clone()).or_default();
        p.langs.insert(m.lang);
        if p.last_path.as_deref() != Some(m.path.as_str()) {
            p.files += 1;
            p.last_path = Some(m.path.clone());
        }
        let v = p.variants.entry(m.variant.clone()).or_default();
        v.count += 1;
        if v.last_path.as_deref() != Some(m.path.as_str()) {
            v.file_count += 1;
            v.last_path = Some(m.path.clone());
            if v.examples.len() < settings.max_examples {
                v.examples.push(Example {
                    path: m.path,
                    span: m.span,
                    snippet: m.snippet,
                });
            }
        }
        Ok(())
    })?;

    let mut patterns = Vec::new();
    for (detector, p) in acc {
        let total: u32 = p.variants.values().map(|v| v.count).sum();
        if total < settings.min_occurrences || p.files < settings.min_files || total == 0 {
            continue;
        }
        let meta = detectors.get(&detector).map(|d| &d.meta);
        let mut variants: Vec<Variant> = p
            .variants
            .into_iter()
            .map(|(name, v)| Variant {
                name,
                count: v.count,
                file_count: v.file_count,
                share: f64::from(v.count) / f64::from(total),
                examples: v.examples,
            })
            .collect();
        // Most files first, then most matches, then name: deterministic.
        variants.sort_by(|a, b| {
            b.file_count
                .cmp(&a.file_count)
                .then(b.count.cmp(&a.count))
                .then(a.name.cmp(&b.name))
        });
        let Some(dominant) = variants.first() else {
            continue;
        };
        let confidence = dominant.share;
        let lang = if p.langs.len() == 1 {
            p.langs.iter().next().copied()
        } else {
            None
        };
        patterns.push(Pattern {
            id: detector.clone(),
            category: meta
                .map(|m| m.category.clone())
                .unwrap_or_else(|| "uncategorized".to_string()),
            name: meta
                .map(|m| m.name.clone())
                .unwrap_or_else(|| detector.clone()),
            description: meta.map(|m| m.description.clone()).unwrap_or_default(),
            detector,
            lang,
            dominant: dominant.name.clone(),
            confidence,
            tier: tier_of(confidence, settings).to_string(),
            occurrences: total,
            file_count: p.files,
            variants,
        });
    }
    patterns.sort_by(|a, b| a.id.cmp(&b.id));

    let by_detector: HashMap<&str, &Pattern> =
        patterns.iter().map(|p| (p.detector.as_str(), p)).collect();
    let mut violations = Vec::new();
    index.for_each_match(|m: MatchRow| -> Result<(), ScanError> {
        if exclude.contains(&m.path) {
            return Ok(());
        }
        if let Some(v) = violation_for(
            &by_detector,
            detectors,
            settings,
            &m.path,
            &m.detector,
            &m.variant,
            m.span,
            &m.snippet,
        ) {
            violations.push(v);
        }
        Ok(())
    })?;
    Ok((patterns, violations))
}

/// The violation a match of `variant` would be against the learned
/// patterns, if any.
#[allow(clippy::too_many_arguments)]
pub(crate) fn violation_for(
    by_detector: &HashMap<&str, &Pattern>,
    detectors: &DetectorSet,
    settings: &LearnSettings,
    path: &str,
    detector: &str,
    variant: &str,
    span: drift_core::Span,
    snippet: &str,
) -> Option<Violation> {
    let pattern = by_detector.get(detector)?;
    if pattern.confidence < settings.violation_min_confidence || pattern.dominant == variant {
        return None;
    }
    let meta = detectors.get(detector).map(|d| &d.meta);
    Some(Violation {
        pattern_id: pattern.id.clone(),
        path: path.to_string(),
        span,
        found: variant.to_string(),
        expected: pattern.dominant.clone(),
        severity: severity_of(meta),
        message: format!(
            "{}: uses `{}` but the project convention is `{}` ({:.0}% of {} occurrences)",
            pattern.name,
            variant,
            pattern.dominant,
            pattern.confidence * 100.0,
            pattern.occurrences
        ),
        snippet: snippet.to_string(),
    })
}

/// Violations of unsaved content's matches against stored patterns.
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
            violation_for(
                &by_detector,
                detectors,
                settings,
                path,
                &m.detector,
                &m.variant,
                m.span,
                &m.snippet,
            )
        })
        .collect()
}
