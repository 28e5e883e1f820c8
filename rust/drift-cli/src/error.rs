//! Errors as the user sees them, and the exit code each one maps to.
//!
//! Commands return `anyhow::Result`; anything that should not be exit code
//! 3 ("runtime failure") carries a [`CliError`] (or a
//! `drift_config::ConfigError`) somewhere in its chain. [`exit_code_for`]
//! finds it.

use std::path::PathBuf;

use drift_config::ConfigError;

/// Exit codes (documented in `--help` and the README).
pub mod exit {
    pub const OK: u8 = 0;
    pub const VIOLATIONS: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const FAILURE: u8 = 3;
    pub const INTERRUPTED: u8 = 130;
}

/// User-facing errors with a known cause and a suggested fix.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{} is not a Drift project (no .drift/ directory)\n  fix: run `drift init` there, or pass --root <dir>", root.display())]
    NotInitialised { root: PathBuf },

    #[error("the project has not been scanned yet\n  fix: run `drift scan`")]
    NotScanned,

    #[error("unknown convention `{id}`{}", suggest(suggestions))]
    UnknownConvention {
        id: String,
        suggestions: Vec<String>,
    },

    #[error("{} is outside the project root {}\n  fix: pass paths inside the project, or --root <dir>", path.display(), root.display())]
    PathOutside { path: PathBuf, root: PathBuf },

    #[error("{} does not exist", path.display())]
    PathMissing { path: PathBuf },

    #[error("git revision `{rev}` does not exist{}\n  fix: check the name (`git log --oneline`), or fetch it (`git fetch`)", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    BadRevision { rev: String, detail: Option<String> },

    #[error("{} is not inside a git work tree\n  fix: --changed-since and --staged need git; run them in a repository", root.display())]
    NotGitRepo { root: PathBuf },

    #[error(
        "no function `{symbol}` in the call graph{}",
        suggest_symbols(suggestions)
    )]
    UnknownSymbol {
        symbol: String,
        suggestions: Vec<String>,
    },

    #[error("`{symbol}` is ambiguous; pass one of: {}", candidates.join(", "))]
    AmbiguousSymbol {
        symbol: String,
        candidates: Vec<String>,
    },

    #[error("{0}")]
    Usage(String),

    #[error("interrupted")]
    Interrupted,
}

fn suggest(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        "\n  fix: `drift conventions list` shows the known ids".to_string()
    } else {
        format!(
            "\n  did you mean: {}?",
            suggestions
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

fn suggest_symbols(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        "\n  fix: check the name (qualified names look like `src.module.Class.method`), or run `drift scan`".to_string()
    } else {
        format!("\n  did you mean: {}?", suggestions.join(", "))
    }
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Interrupted => exit::INTERRUPTED,
            _ => exit::USAGE,
        }
    }
}

/// The exit code for an error: the first [`CliError`] or [`ConfigError`]
/// in its chain decides; anything else is a runtime failure.
pub fn exit_code_for(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<CliError>() {
            return e.exit_code();
        }
        if let Some(e) = cause.downcast_ref::<ConfigError>() {
            return match e {
                ConfigError::Io { .. } => exit::FAILURE,
                _ => exit::USAGE,
            };
        }
    }
    exit::FAILURE
}

/// Nearest ids to `id` by edit distance (and prefix/substring matches),
/// best first, at most `limit`.
pub fn nearest<'a>(
    id: &str,
    known: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = known
        .into_iter()
        .filter_map(|k| {
            let d = strsim::levenshtein(id, k);
            let close = d <= (id.len().max(3) / 3).max(2);
            let related = !id.is_empty() && (k.contains(id) || id.contains(k));
            (close || related).then_some((d, k))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(limit)
        .map(|(_, k)| k.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos_and_prefixes() {
        let known = [
            "naming/function-case:camel-case",
            "naming/class-case:pascal-case",
            "api/route-style:kebab-case",
        ];
        assert_eq!(
            nearest("naming/function-case:camel-cas", known, 3),
            vec!["naming/function-case:camel-case"]
        );
        assert_eq!(
            nearest("naming/function-case", known, 3),
            vec!["naming/function-case:camel-case"]
        );
        assert!(nearest("zzz", known, 3).is_empty());
    }

    #[test]
    fn exit_codes_follow_the_chain() {
        let e = anyhow::Error::new(CliError::NotScanned).context("while checking");
        assert_eq!(exit_code_for(&e), exit::USAGE);
        let e = anyhow::anyhow!("disk on fire");
        assert_eq!(exit_code_for(&e), exit::FAILURE);
        let e = anyhow::Error::new(CliError::Interrupted);
        assert_eq!(exit_code_for(&e), exit::INTERRUPTED);
    }
}
