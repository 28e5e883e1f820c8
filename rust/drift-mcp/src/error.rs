//! Structured tool errors: what went wrong, a stable code, and a hint an
//! agent can act on. They are returned as `isError` tool results so the
//! calling model reads them (protocol errors are reserved for requests that
//! cannot be routed at all).

use serde::Serialize;

use crate::cursor::CursorError;
use crate::paths::PathError;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ToolError {
    /// Stable machine-readable code (`not_found`, `path_refused`, ...).
    pub code: &'static str,
    pub message: String,
    /// What to do next.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Candidates for "did you mean".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub did_you_mean: Vec<String>,
}

impl ToolError {
    pub fn new(code: &'static str, message: impl Into<String>) -> ToolError {
        ToolError {
            code,
            message: message.into(),
            hint: None,
            did_you_mean: Vec::new(),
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> ToolError {
        self.hint = Some(hint.into());
        self
    }

    pub fn suggest(mut self, candidates: Vec<String>) -> ToolError {
        self.did_you_mean = candidates;
        self
    }

    pub fn invalid(message: impl Into<String>) -> ToolError {
        ToolError::new("invalid_argument", message)
    }

    pub fn not_found(message: impl Into<String>) -> ToolError {
        ToolError::new("not_found", message)
    }

    pub fn internal(message: impl Into<String>) -> ToolError {
        ToolError::new("internal", message)
            .hint("run drift_status to check the index; if it is damaged, rerun `drift scan`")
    }

    pub fn timeout(tool: &str, limit: std::time::Duration) -> ToolError {
        ToolError::new(
            "timeout",
            format!("{tool} did not finish within {} ms", limit.as_millis()),
        )
        .hint("narrow the request (a more specific query, smaller depth or max_tokens) and retry")
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "error": self })
    }
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl From<PathError> for ToolError {
    fn from(e: PathError) -> ToolError {
        ToolError::new("path_refused", e.to_string()).hint(
            "pass a path relative to the project root (e.g. `src/app.ts`); paths outside the root, `..` escapes and symlinks leaving the root are refused",
        )
    }
}

impl From<CursorError> for ToolError {
    fn from(e: CursorError) -> ToolError {
        ToolError::new("bad_cursor", e.to_string())
            .hint("pass back `next_cursor` exactly as returned, with the same other arguments")
    }
}

impl From<drift_index::IndexError> for ToolError {
    fn from(e: drift_index::IndexError) -> ToolError {
        ToolError::new("index_error", e.to_string())
            .hint("run drift_status; if the index is missing or damaged, run `drift scan`")
    }
}

impl From<drift_config::ConfigError> for ToolError {
    fn from(e: drift_config::ConfigError) -> ToolError {
        ToolError::new("config_error", e.to_string())
            .hint("fix .drift/conventions.toml or drift.toml (see `drift config check`)")
    }
}

/// Levenshtein distance, bounded work (inputs are ids and symbol names).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(128).collect();
    let b: Vec<char> = b.chars().take(128).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest `max` candidates to `wanted` (case-insensitive), nearest first.
pub fn closest<'a>(
    wanted: &str,
    candidates: impl Iterator<Item = &'a str>,
    max: usize,
) -> Vec<String> {
    let w = wanted.to_ascii_lowercase();
    let mut scored: Vec<(usize, String)> = candidates
        .map(|c| {
            let lc = c.to_ascii_lowercase();
            let d = if lc.contains(&w) || w.contains(&lc) {
                0
            } else {
                edit_distance(&w, &lc)
            };
            (d, c.to_string())
        })
        .filter(|(d, c)| *d <= (w.len().max(c.len()) / 2).max(2))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        let c = closest(
            "naming-funtions",
            ["naming-functions", "imports-style", "x"].into_iter(),
            3,
        );
        assert_eq!(c, vec!["naming-functions".to_string()]);
    }
}
