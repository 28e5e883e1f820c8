//! Conventions as the CLI presents them: the index's learned patterns
//! joined with the decisions file, plus `check`'s violation computation.
//!
//! A convention id is `<pattern id>:<variant>`. An undecided pattern shows
//! as its dominant variant ("discovered"); a decided pattern shows as each
//! decided id (approved/ignored), whatever the dominant variant is now.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::Result;
use drift_config::{Config, DecisionState, Decisions, ScopeOverride, Severity};
use drift_scan::drift_index::{Example, Index, MatchRow, Pattern, PatternFilter};
use serde::Serialize;

use crate::error::{CliError, nearest};
use crate::git::ChangedLines;
use crate::report::{Basis, RuleOut, ViolationOut};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Approved,
    Ignored,
    Discovered,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Approved => "approved",
            State::Ignored => "ignored",
            State::Discovered => "discovered",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ExampleView {
    pub path: String,
    pub line: u32,
    pub snippet: String,
}

impl From<&Example> for ExampleView {
    fn from(e: &Example) -> Self {
        ExampleView {
            path: e.path.clone(),
            line: e.span.start_line,
            snippet: e.snippet.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct VariantView {
    pub name: String,
    pub count: u32,
    pub file_count: u32,
    pub share: f64,
    pub examples: Vec<ExampleView>,
}

/// One convention row.
#[derive(Debug, Clone, Serialize)]
pub struct ConventionView {
    pub id: String,
    pub pattern: String,
    pub category: String,
    pub name: String,
    pub description: String,
    /// The variant this convention asks for.
    pub variant: String,
    /// It is the pattern's dominant variant today.
    pub dominant: bool,
    /// Pattern confidence for the dominant variant, the variant's share
    /// otherwise.
    pub confidence: f64,
    pub tier: String,
    pub state: State,
    pub occurrences: u32,
    pub file_count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<ScopeOverride>,
    pub variants: Vec<VariantView>,
}

/// Patterns from the index + decisions from the file.
pub struct Catalog {
    pub patterns: Vec<Pattern>,
    pub decisions: Decisions,
}

/// Three decimals: enough to read, stable across float noise.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

pub fn split_id(id: &str) -> (&str, Option<&str>) {
    match id.rsplit_once(':') {
        Some((p, v)) => (p, Some(v)),
        None => (id, None),
    }
}

fn category_of(pattern: &Pattern) -> String {
    if pattern.category.is_empty() {
        pattern
            .id
            .split_once('/')
            .map_or(pattern.id.clone(), |(c, _)| c.to_string())
    } else {
        pattern.category.clone()
    }
}

impl Catalog {
    pub fn load(index: &Index, decisions: Decisions) -> Result<Catalog> {
        let mut patterns = index.patterns(&PatternFilter::default())?;
        patterns.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Catalog {
            patterns,
            decisions,
        })
    }

    pub fn pattern(&self, id: &str) -> Option<&Pattern> {
        self.patterns.iter().find(|p| p.id == id)
    }

    fn view(&self, p: &Pattern, variant: &str, state: State) -> ConventionView {
        let id = format!("{}:{variant}", p.id);
        let decision = self.decisions.get(&id);
        let dominant = p.dominant == variant;
        let confidence = if dominant {
            p.confidence
        } else {
            p.variants
                .iter()
                .find(|v| v.name == variant)
                .map_or(0.0, |v| v.share)
        };
        let confidence = round3(confidence);
        ConventionView {
            id,
            pattern: p.id.clone(),
            category: category_of(p),
            name: p.name.clone(),
            description: p.description.clone(),
            variant: variant.to_string(),
            dominant,
            confidence,
            tier: p.tier.clone(),
            state,
            occurrences: p.occurrences,
            file_count: p.file_count,
            reason: decision.and_then(|d| d.reason.clone()),
            scopes: decision.map(|d| d.scopes.clone()).unwrap_or_default(),
            variants: p
                .variants
                .iter()
                .map(|v| VariantView {
                    name: v.name.clone(),
                    count: v.count,
                    file_count: v.file_count,
                    share: round3(v.share),
                    examples: v.examples.iter().map(ExampleView::from).collect(),
                })
                .collect(),
        }
    }

    /// Decided ids of a pattern: `(variant, state)`.
    fn decided(&self, pattern_id: &str) -> Vec<(String, DecisionState)> {
        let prefix = format!("{pattern_id}:");
        self.decisions
            .conventions
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(k, d)| {
                let variant = &k[prefix.len()..];
                (!variant.contains(':')).then(|| (variant.to_string(), d.state))
            })
            .collect()
    }

    /// Every convention row, sorted by category then id.
    pub fn conventions(&self) -> Vec<ConventionView> {
        let mut out = Vec::new();
        for p in &self.patterns {
            let decided = self.decided(&p.id);
            if decided.is_empty() {
                if !p.dominant.is_empty() {
                    out.push(self.view(p, &p.dominant, State::Discovered));
                }
            } else {
                for (variant, state) in decided {
                    let state = match state {
                        DecisionState::Approved => State::Approved,
                        DecisionState::Ignored => State::Ignored,
                    };
                    out.push(self.view(p, &variant, state));
                }
            }
        }
        out.sort_by(|a, b| (&a.category, &a.id).cmp(&(&b.category, &b.id)));
        out
    }

    /// Decisions whose pattern is not in the index (renamed detector,
    /// language no longer scanned, ...).
    pub fn orphan_decisions(&self) -> Vec<String> {
        let known: BTreeSet<&str> = self.patterns.iter().map(|p| p.id.as_str()).collect();
        self.decisions
            .conventions
            .keys()
            .filter(|id| !known.contains(split_id(id).0))
            .cloned()
            .collect()
    }

    fn known_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        for p in &self.patterns {
            ids.push(p.id.clone());
            for v in &p.variants {
                ids.push(format!("{}:{}", p.id, v.name));
            }
        }
        ids
    }

    /// Resolves a user-supplied id: `pattern:variant` for any known variant,
    /// or a pattern id (meaning its dominant variant). Unknown ids fail with
    /// the nearest known ones.
    pub fn resolve(&self, id: &str) -> Result<(String, &Pattern)> {
        if let Some(p) = self.pattern(id) {
            return Ok((format!("{}:{}", p.id, p.dominant), p));
        }
        if let (pattern, Some(variant)) = split_id(id)
            && let Some(p) = self.pattern(pattern)
            && p.variants.iter().any(|v| v.name == variant)
        {
            return Ok((id.to_string(), p));
        }
        let known = self.known_ids();
        Err(CliError::UnknownConvention {
            id: id.to_string(),
            suggestions: nearest(id, known.iter().map(String::as_str), 3),
        }
        .into())
    }
}

/// One enforced convention.
struct Enforced<'a> {
    id: String,
    pattern: &'a Pattern,
    expected: String,
    basis: Basis,
    severity: Severity,
    confidence: f64,
}

/// `drift check`'s result before formatting.
pub struct CheckOutcome {
    pub violations: Vec<ViolationOut>,
    pub rules: Vec<RuleOut>,
    pub checked: usize,
}

/// Violations of approved conventions (and of confident discovered ones
/// when `check.include_discovered`), minus scope exceptions, optionally
/// restricted to changed lines.
pub fn check(
    index: &Index,
    catalog: &Catalog,
    config: &Config,
    changed: Option<&ChangedLines>,
) -> Result<CheckOutcome> {
    let mut enforced: Vec<Enforced<'_>> = Vec::new();
    for c in catalog.conventions() {
        let Some(pattern) = catalog.pattern(&c.pattern) else {
            continue;
        };
        let (basis, default) = match c.state {
            State::Approved => (Basis::Approved, config.check.approved_severity),
            State::Discovered
                if config.check.include_discovered
                    && c.confidence >= config.check.discovered_min_confidence.0 =>
            {
                (Basis::Discovered, config.check.discovered_severity)
            }
            _ => continue,
        };
        let severity = config.severity_for(&c.id, default);
        if severity == Severity::Off {
            continue;
        }
        enforced.push(Enforced {
            id: c.id.clone(),
            pattern,
            expected: c.variant.clone(),
            basis,
            severity,
            confidence: c.confidence,
        });
    }
    let mut by_detector: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in enforced.iter().enumerate() {
        by_detector
            .entry(e.pattern.detector.as_str())
            .or_default()
            .push(i);
    }
    let mut violations = Vec::new();
    index.for_each_match(|m: MatchRow| -> Result<(), drift_scan::IndexError> {
        let Some(list) = by_detector.get(m.detector.as_str()) else {
            return Ok(());
        };
        for &i in list {
            let e = &enforced[i];
            if m.variant == e.expected {
                continue;
            }
            if catalog.decisions.excepted(&e.id, &m.path, &m.variant) {
                continue;
            }
            if let Some(changed) = changed
                && !changed.touches(&m.path, m.span.start_line, m.span.end_line)
            {
                continue;
            }
            let label = if e.pattern.name.is_empty() {
                e.pattern.id.clone()
            } else {
                e.pattern.name.clone()
            };
            violations.push(ViolationOut {
                convention: e.id.clone(),
                pattern: e.pattern.id.clone(),
                category: category_of(e.pattern),
                path: m.path.clone(),
                line: m.span.start_line,
                column: m.span.start_col,
                end_line: m.span.end_line,
                end_column: m.span.end_col,
                found: m.variant.clone(),
                expected: e.expected.clone(),
                severity: e.severity,
                basis: e.basis,
                confidence: e.confidence,
                message: format!(
                    "{label}: uses `{}` where the project's convention is `{}`",
                    m.variant, e.expected
                ),
                snippet: m.snippet.clone(),
            });
        }
        Ok(())
    })?;
    violations.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.convention).cmp(&(&b.path, b.line, b.column, &b.convention))
    });
    let used: BTreeMap<&str, ()> = violations
        .iter()
        .map(|v| (v.convention.as_str(), ()))
        .collect();
    let rules = enforced
        .iter()
        .filter(|e| used.contains_key(e.id.as_str()))
        .map(|e| RuleOut {
            id: e.id.clone(),
            name: e.pattern.name.clone(),
            description: if e.pattern.description.is_empty() {
                format!("Use `{}` ({})", e.expected, e.pattern.id)
            } else {
                format!(
                    "{} Convention: `{}`.",
                    e.pattern.description.trim_end(),
                    e.expected
                )
            },
            severity: e.severity,
        })
        .collect();
    Ok(CheckOutcome {
        violations,
        rules,
        checked: enforced.len(),
    })
}
