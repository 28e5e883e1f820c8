//! The `drift://conventions` resource and the `drift_prime` prompt text.

use std::fmt::Write as _;

use drift_config::DecisionState;
use drift_index::Pattern;

use crate::core::Core;
use crate::error::ToolError;
use crate::tools::{convention_id, decisions, pattern_state};

/// Learned conventions at least this confident are listed (as "learned,
/// not yet approved") when the team has approved few conventions.
const STRONG_CONFIDENCE: f64 = 0.85;
/// At most this many conventions per section.
const MAX_PER_SECTION: usize = 60;

fn line(out: &mut String, p: &Pattern) {
    let example = p
        .variants
        .iter()
        .find(|v| v.name == p.dominant)
        .and_then(|v| v.examples.first())
        .map(|e| {
            format!(
                " — e.g. `{}` ({}:{})",
                crate::budget::shorten(e.snippet.trim(), 100),
                e.path,
                e.span.start_line
            )
        })
        .unwrap_or_default();
    let lang = p.lang.map(|l| format!(" [{}]", l.id())).unwrap_or_default();
    let _ = writeln!(
        out,
        "- **{}**{}: {} (`{}`, {:.0}% of {} occurrences){}",
        p.name,
        lang,
        p.dominant,
        convention_id(p),
        p.confidence * 100.0,
        p.occurrences,
        example
    );
}

/// Markdown: approved conventions by category, then strong learned ones.
pub fn conventions_markdown(core: &Core) -> Result<String, ToolError> {
    let decisions = decisions(core)?;
    let patterns = core.patterns()?;
    let approved: Vec<&Pattern> = patterns
        .iter()
        .filter(|p| pattern_state(&decisions, p) == Some(DecisionState::Approved))
        .collect();
    let learned: Vec<&Pattern> = patterns
        .iter()
        .filter(|p| pattern_state(&decisions, p).is_none() && p.confidence >= STRONG_CONFIDENCE)
        .collect();
    let mut out = String::from("# Project conventions (Drift)\n\n");
    if approved.is_empty() {
        out.push_str("No convention has been approved yet (`drift approve <id>`).\n\n");
    } else {
        out.push_str("## Approved (enforced)\n\n");
        section(&mut out, &approved);
    }
    if !learned.is_empty() {
        out.push_str("## Learned, not yet approved (follow unless told otherwise)\n\n");
        section(&mut out, &learned);
    }
    if approved.is_empty() && learned.is_empty() {
        out.push_str(
            "Drift has not learned any strong convention yet (see the drift_status tool).\n",
        );
    }
    Ok(out)
}

fn section(out: &mut String, patterns: &[&Pattern]) {
    let mut sorted: Vec<&&Pattern> = patterns.iter().take(MAX_PER_SECTION).collect();
    sorted.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then(b.confidence.total_cmp(&a.confidence))
    });
    let mut current = "";
    for p in sorted {
        if p.category != current {
            current = &p.category;
            let _ = writeln!(out, "\n### {current}\n");
        }
        line(out, p);
    }
    if patterns.len() > MAX_PER_SECTION {
        let _ = writeln!(
            out,
            "\n…and {} more (drift_conventions tool).",
            patterns.len() - MAX_PER_SECTION
        );
    }
    out.push('\n');
}

pub fn prime_text(core: &Core, intent: Option<&str>) -> Result<String, ToolError> {
    let conventions = conventions_markdown(core)?;
    let mut out = String::from(
        "You are working in a codebase whose conventions Drift has learned. Follow them in all code you write.\n\
         Before writing code, call drift_context with your intent and focus; before saving a file, call drift_validate \
         with its path and content and fix what it reports; use drift_import for import lines.\n\n",
    );
    if let Some(intent) = intent.map(str::trim).filter(|i| !i.is_empty()) {
        let _ = writeln!(out, "Your current intent: {intent}.\n");
    }
    out.push_str(&conventions);
    Ok(out)
}
