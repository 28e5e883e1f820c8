//! `drift_validate`: proposed code (not on disk) checked against the
//! project's conventions through the engine's `analyze_source`.

use std::collections::BTreeMap;

use drift_core::{Lang, Span};
use drift_index::Pattern;
use serde_json::{Value, json};

use crate::args::ValidateArgs;
use crate::budget::shorten;
use crate::core::Core;
use crate::error::ToolError;
use crate::tools::{
    approved_variant, convention_id, decision_for, decisions, pattern_state, same_family,
};

/// One finding with what to change and an example of the expected form
/// (from a file of the same language family when there is one).
fn finding(
    p: &Pattern,
    lang: Lang,
    found: &str,
    expected: &str,
    span: Span,
    snippet: &str,
) -> Value {
    let example = p
        .variants
        .iter()
        .find(|x| x.name == expected)
        .and_then(|x| {
            x.examples
                .iter()
                .find(|e| Lang::from_path(&e.path).is_some_and(|l| same_family(l, lang)))
                .or_else(|| x.examples.first())
        })
        .map(|e| json!({ "at": format!("{}:{}", e.path, e.span.start_line), "code": shorten(&e.snippet, 160) }));
    let mut item = json!({
        "line": span.start_line,
        "column": span.start_col,
        "convention": convention_id(p),
        "rule": p.name,
        "found": found,
        "expected": expected,
        "change": format!("use `{expected}` instead of `{found}` ({})", p.name),
        "confidence": (p.confidence * 100.0).round() / 100.0,
        "code": shorten(snippet, 160),
    });
    if let Some(e) = example {
        item["example"] = e;
    }
    item
}

/// Largest content accepted (the engine's default file size limit).
pub const MAX_CONTENT: usize = 1024 * 1024;

pub fn validate(core: &Core, args: &ValidateArgs) -> Result<Value, ToolError> {
    let resolved = core.root.resolve(&args.path)?;
    if args.content.len() > MAX_CONTENT {
        return Err(ToolError::invalid(format!(
            "content is {} bytes; the limit is {MAX_CONTENT}",
            args.content.len()
        ))
        .hint("validate the file in parts (e.g. the changed functions)"));
    }
    let config = drift_config::Config::load_or_default(core.root())?;
    let patterns = core.patterns()?;
    let check = core
        .project()
        .analyze_source_against(&resolved.abs, args.content.as_bytes(), &patterns)
        .map_err(|e| match e {
            drift_scan::ScanError::UnknownLanguage(p) => ToolError::invalid(format!(
                "cannot tell the language of `{p}` from its extension"
            ))
            .hint("use the file's real extension (.ts, .py, .go, .rs, .java, ...)"),
            other => ToolError::new("analysis_failed", other.to_string()),
        })?;
    let decisions = decisions(core)?;
    let lang_ok = |p: &Pattern| p.lang.is_none_or(|l| same_family(l, check.lang));
    let mut violations = Vec::new();
    let mut suggestions = Vec::new();
    let mut excepted = 0usize;
    // Approved conventions: every match of the detector whose variant is
    // not the approved one.
    for p in patterns.iter().filter(|p| lang_ok(p)) {
        let Some(expected) = approved_variant(&decisions, p) else {
            continue;
        };
        let key = decision_for(&decisions, p)
            .map(|(k, _)| k.to_string())
            .unwrap_or_else(|| convention_id(p));
        for m in check
            .facts
            .matches
            .iter()
            .filter(|m| m.detector == p.detector && m.variant != expected)
        {
            if decisions.excepted(&key, &check.path, &m.variant) {
                excepted += 1;
                continue;
            }
            let engine = check
                .violations
                .iter()
                .find(|v| v.pattern_id == p.id && v.span == m.span);
            let severity = config.severity_for(&key, config.check.approved_severity);
            if severity == drift_config::Severity::Off {
                continue;
            }
            let mut item = finding(p, check.lang, &m.variant, &expected, m.span, &m.snippet);
            item["convention"] = json!(key);
            item["severity"] = json!(severity.as_str());
            if let Some(v) = engine {
                item["message"] = json!(v.message);
            }
            violations.push(item);
        }
    }
    // Learned, undecided conventions: the engine's outliers.
    for v in &check.violations {
        let Some(p) = patterns.iter().find(|p| p.id == v.pattern_id) else {
            continue;
        };
        if pattern_state(&decisions, p).is_some() || !lang_ok(p) {
            continue;
        }
        let mut item = finding(p, check.lang, &v.found, &v.expected, v.span, &v.snippet);
        item["message"] = json!(v.message);
        suggestions.push(item);
    }
    violations.sort_by_key(|v| (v["line"].as_u64(), v["column"].as_u64()));
    suggestions.sort_by_key(|v| (v["line"].as_u64(), v["column"].as_u64()));
    let mut detected: BTreeMap<&str, BTreeMap<&str, u32>> = BTreeMap::new();
    for m in &check.facts.matches {
        *detected
            .entry(m.detector.as_str())
            .or_default()
            .entry(m.variant.as_str())
            .or_default() += 1;
    }
    let mut out = json!({
        "path": check.path,
        "lang": check.lang.id(),
        "ok": violations.is_empty(),
        "violations": violations,
        "suggestions": suggestions,
        "detected": detected,
        "symbols": check.facts.symbols.len(),
    });
    if check.partial {
        out["syntax_errors"] = json!(check.facts.error_count);
        out["hint"] = json!("the content has syntax errors; results cover what could be parsed");
    }
    if excepted > 0 {
        out["excepted_by_scope"] = json!(excepted);
    }
    Ok(out)
}
