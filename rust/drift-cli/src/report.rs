//! `drift check` results and their four output formats: text, JSON,
//! SARIF 2.1.0 and GitHub Actions workflow commands.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use drift_config::Severity;
use serde::Serialize;
use serde_json::json;

use crate::style::Styler;

/// Why a violation is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// The convention was approved.
    Approved,
    /// Not decided, but confident (`check.include_discovered`).
    Discovered,
}

/// One violation, in the shape every output format starts from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViolationOut {
    /// Convention id (`pattern:variant`): the rule.
    pub convention: String,
    pub pattern: String,
    pub category: String,
    /// Root-relative path with `/` separators.
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// The variant found here.
    pub found: String,
    /// The variant the convention asks for.
    pub expected: String,
    pub severity: Severity,
    pub basis: Basis,
    pub confidence: f64,
    pub message: String,
    pub snippet: String,
}

/// Description of a convention used as a rule (for SARIF `rules`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleOut {
    pub id: String,
    pub name: String,
    pub description: String,
    pub severity: Severity,
}

/// What `check` looked at and found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    pub violations: Vec<ViolationOut>,
    pub rules: Vec<RuleOut>,
    /// Conventions enforced (approved + confident discovered).
    pub conventions_checked: usize,
    /// `--changed-since`/`--staged` restriction, when one applied.
    pub scope: Option<String>,
    pub fail_on: String,
    pub failed: bool,
}

impl CheckReport {
    pub fn counts(&self) -> BTreeMap<Severity, usize> {
        let mut counts = BTreeMap::new();
        for v in &self.violations {
            *counts.entry(v.severity).or_insert(0) += 1;
        }
        counts
    }

    fn files(&self) -> usize {
        let mut paths: Vec<&str> = self.violations.iter().map(|v| v.path.as_str()).collect();
        paths.sort_unstable();
        paths.dedup();
        paths.len()
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Human-readable text.
pub fn text(report: &CheckReport, s: &Styler) -> String {
    let mut out = String::new();
    for v in &report.violations {
        let sev = match v.severity {
            Severity::Error => s.red("error"),
            Severity::Warning => s.yellow("warning"),
            Severity::Info => s.blue("info"),
            Severity::Off => "off".to_string(),
        };
        let _ = writeln!(
            out,
            "{}:{}:{}: {sev}: {} {}",
            s.bold(&v.path),
            v.line,
            v.column,
            v.message,
            s.dim(&format!("[{}]", v.convention))
        );
        if !v.snippet.is_empty() {
            let _ = writeln!(out, "    {}", v.snippet);
        }
    }
    let counts = report.counts();
    if report.violations.is_empty() {
        let _ = writeln!(
            out,
            "{} ({} checked{})",
            s.green("No violations"),
            plural(report.conventions_checked, "convention"),
            report
                .scope
                .as_deref()
                .map(|x| format!(", {x}"))
                .unwrap_or_default()
        );
    } else {
        let parts: Vec<String> = [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .filter_map(|sev| counts.get(sev).map(|n| plural(*n, sev.as_str())))
            .collect();
        let _ = writeln!(
            out,
            "{} ({}) in {} ({} checked{})",
            plural(report.violations.len(), "violation"),
            parts.join(", "),
            plural(report.files(), "file"),
            plural(report.conventions_checked, "convention"),
            report
                .scope
                .as_deref()
                .map(|x| format!(", {x}"))
                .unwrap_or_default()
        );
    }
    out
}

/// JSON (stable field names; the summary duplicates counts for scripts).
pub fn json(report: &CheckReport) -> serde_json::Value {
    let counts: BTreeMap<&str, usize> = report
        .counts()
        .into_iter()
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    json!({
        "violations": report.violations,
        "summary": {
            "total": report.violations.len(),
            "by_severity": counts,
            "conventions_checked": report.conventions_checked,
            "scope": report.scope,
            "fail_on": report.fail_on,
            "failed": report.failed,
        }
    })
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
        Severity::Off => "none",
    }
}

/// SARIF 2.1.0 (validated against the official schema in tests).
pub fn sarif(report: &CheckReport, version: &str) -> serde_json::Value {
    let rule_index: BTreeMap<&str, usize> = report
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let rules: Vec<serde_json::Value> = report
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": { "text": r.description },
                "defaultConfiguration": { "level": sarif_level(r.severity) },
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = report
        .violations
        .iter()
        .map(|v| {
            let mut result = json!({
                "ruleId": v.convention,
                "level": sarif_level(v.severity),
                "message": { "text": v.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": v.path, "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": v.line.max(1),
                            "startColumn": v.column.max(1),
                            "endLine": v.end_line.max(v.line).max(1),
                            "endColumn": v.end_column.max(1),
                            "snippet": { "text": v.snippet },
                        }
                    }
                }],
                "properties": {
                    "found": v.found,
                    "expected": v.expected,
                    "basis": v.basis,
                    "confidence": v.confidence,
                }
            });
            if let Some(i) = rule_index.get(v.convention.as_str()) {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "drift",
                    "version": version,
                    "informationUri": "https://github.com/drift-dev/drift",
                    "rules": rules,
                }
            },
            "originalUriBaseIds": {
                "%SRCROOT%": { "description": { "text": "The project root." } }
            },
            "results": results,
        }]
    })
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands (`::error file=…,line=…::message`).
pub fn github(report: &CheckReport) -> String {
    let mut out = String::new();
    for v in &report.violations {
        let command = match v.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Off => "notice",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&v.path),
            v.line,
            v.column,
            v.end_line.max(v.line),
            v.end_column,
            escape_property(&format!("drift: {}", v.convention)),
            escape_data(&v.message)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(escape_property("a,b:c%\nd"), "a%2Cb%3Ac%25%0Ad");
        assert_eq!(escape_data("50% of a:b\n"), "50%25 of a:b%0A");
    }
}
