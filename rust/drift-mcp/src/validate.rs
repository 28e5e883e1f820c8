//! `drift_validate`: proposed code (not on disk) checked against the
//! project's conventions through the engine's `analyze_source`.

use std::collections::BTreeMap;

use drift_config::DecisionState;
use serde_json::{Value, json};

use crate::args::ValidateArgs;
use crate::budget::shorten;
use crate::core::Core;
use crate::error::ToolError;
use crate::tools::decisions;

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
    let check = core
        .project()
        .analyze_source(&resolved.abs, args.content.as_bytes())
        .map_err(|e| match e {
            drift_scan::ScanError::UnknownLanguage(p) => ToolError::invalid(format!(
                "cannot tell the language of `{p}` from its extension"
            ))
            .hint("use the file's real extension (.ts, .py, .go, .rs, .java, ...)"),
            other => ToolError::new("analysis_failed", other.to_string()),
        })?;
    let decisions = decisions(core)?;
    // Example of the expected form for each convention involved.
    let ids: Vec<String> = {
        let mut ids: Vec<String> = check
            .violations
            .iter()
            .map(|v| v.pattern_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let patterns: BTreeMap<String, drift_index::Pattern> = core.read(|idx| {
        let mut out = BTreeMap::new();
        for id in &ids {
            if let Some(p) = idx.pattern(id)? {
                out.insert(id.clone(), p);
            }
        }
        Ok(out)
    })?;
    let mut violations = Vec::new();
    let mut suggestions = Vec::new();
    let mut excepted = 0usize;
    for v in &check.violations {
        let state = decisions.state(&v.pattern_id);
        if state == Some(DecisionState::Ignored) {
            continue;
        }
        if decisions.excepted(&v.pattern_id, &check.path, &v.found) {
            excepted += 1;
            continue;
        }
        let pattern = patterns.get(&v.pattern_id);
        let example = pattern
            .and_then(|p| p.variants.iter().find(|x| x.name == p.dominant))
            .and_then(|x| x.examples.first())
            .map(|e| json!({ "at": format!("{}:{}", e.path, e.span.start_line), "code": shorten(&e.snippet, 160) }));
        let mut item = json!({
            "line": v.span.start_line,
            "column": v.span.start_col,
            "convention": v.pattern_id,
            "found": v.found,
            "expected": v.expected,
            "change": format!("use `{}` instead of `{}`", v.expected, v.found),
            "message": v.message,
            "code": shorten(&v.snippet, 160),
        });
        if let Some(p) = pattern {
            item["rule"] = json!(p.name);
            item["confidence"] = json!((p.confidence * 100.0).round() / 100.0);
        }
        if let Some(e) = example {
            item["example"] = e;
        }
        if state == Some(DecisionState::Approved) {
            item["severity"] = json!(v.severity.id());
            violations.push(item);
        } else {
            suggestions.push(item);
        }
    }
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
