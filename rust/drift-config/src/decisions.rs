//! `.drift/conventions.toml`: the team's decisions about conventions.
//!
//! The file is the source of truth for approvals and ignores: it is meant to
//! be reviewed in pull requests and committed, and the index (`drift.db`)
//! never holds a decision it does not. It is always written by
//! [`Decisions::to_toml`], a deterministic writer: entries sorted by id,
//! fields in a fixed order, one scope per line, so a change to one decision
//! is a diff of a few lines. Hand edits are accepted (strictly parsed);
//! comments other than the header are not preserved on the next write.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::ConfigError;
use crate::locate::{diagnostic_at_key, diagnostic_from_toml};

/// Current format version.
pub const DECISIONS_VERSION: u32 = 1;

const HEADER: &str = "\
# Drift convention decisions. Commit this file: it is reviewed like code.
# Written by `drift approve` / `drift ignore` (sorted by id, stable format);
# hand edits are fine. Deleting .drift/drift.db loses nothing recorded here.
";

/// Approved conventions are enforced by `drift check`; ignored ones never are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DecisionState {
    Approved,
    Ignored,
}

impl DecisionState {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionState::Approved => "approved",
            DecisionState::Ignored => "ignored",
        }
    }
}

/// An exception for part of the tree: under `paths`, `variant` (or any
/// variant, when `None`) is accepted too.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeOverride {
    /// Glob relative to the project root (`legacy/**`, `src/gen/*.ts`).
    pub paths: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ScopeOverride {
    /// Whether this exception covers a violation in `path` whose code uses
    /// `variant`.
    pub fn covers(&self, path: &str, variant: &str) -> bool {
        let variant_ok = self.variant.as_deref().is_none_or(|v| v == variant);
        variant_ok && glob_matches(&self.paths, path)
    }
}

/// Matches a root-relative path against a glob; a glob naming a directory
/// (`legacy`, `legacy/`) also covers everything under it.
pub fn glob_matches(glob: &str, path: &str) -> bool {
    let trimmed = glob.trim_end_matches('/');
    let build = |g: &str| {
        globset::GlobBuilder::new(g)
            .literal_separator(true)
            .build()
            .map(|g| g.compile_matcher())
    };
    if let Ok(m) = build(trimmed)
        && m.is_match(path)
    {
        return true;
    }
    match build(&format!("{trimmed}/**")) {
        Ok(m) => m.is_match(path),
        Err(_) => false,
    }
}

/// The decision about one convention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub state: DecisionState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who decided (free text, usually `git config user.name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// When (free text, usually an ISO-8601 date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<ScopeOverride>,
}

impl Decision {
    pub fn new(state: DecisionState) -> Decision {
        Decision {
            state,
            reason: None,
            by: None,
            at: None,
            scopes: Vec::new(),
        }
    }
}

/// All decisions, keyed (and therefore sorted) by convention id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decisions {
    pub conventions: BTreeMap<String, Decision>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: u32,
    #[serde(default)]
    conventions: BTreeMap<String, Decision>,
}

impl Decisions {
    /// Parses the file's text; `path` is used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Decisions, ConfigError> {
        let raw: RawFile = toml::from_str(text)
            .map_err(|e| ConfigError::Syntax(diagnostic_from_toml(path, text, &e)))?;
        if raw.version != DECISIONS_VERSION {
            return Err(ConfigError::Invalid(diagnostic_at_key(
                path,
                text,
                &["version"],
                format!(
                    "unsupported version {}; this drift writes version {DECISIONS_VERSION}",
                    raw.version
                ),
            )));
        }
        for (id, decision) in &raw.conventions {
            if id.trim().is_empty() {
                return Err(ConfigError::Invalid(diagnostic_at_key(
                    path,
                    text,
                    &["conventions", id],
                    "empty convention id".into(),
                )));
            }
            for scope in &decision.scopes {
                if let Err(e) = globset::Glob::new(&scope.paths) {
                    return Err(ConfigError::Invalid(diagnostic_at_key(
                        path,
                        text,
                        &["conventions", id, "scopes"],
                        format!("invalid glob `{}`: {}", scope.paths, e.kind()),
                    )));
                }
            }
        }
        Ok(Decisions {
            conventions: raw.conventions,
        })
    }

    /// Reads the file; a missing file means no decisions yet.
    pub fn load(path: &Path) -> Result<Decisions, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Decisions::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Decisions::default()),
            Err(e) => Err(ConfigError::io(path, e)),
        }
    }

    /// Reads `<root>/.drift/conventions.toml`.
    pub fn load_from_root(root: &Path) -> Result<Decisions, ConfigError> {
        Decisions::load(&crate::paths::decisions_file(root))
    }

    /// Writes the file atomically (temporary file, then rename).
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let text = self.to_toml();
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| ConfigError::io(parent, e))?;
        }
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).map_err(|e| ConfigError::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| ConfigError::io(path, e))
    }

    /// Writes `<root>/.drift/conventions.toml`.
    pub fn save_to_root(&self, root: &Path) -> Result<(), ConfigError> {
        self.save(&crate::paths::decisions_file(root))
    }

    pub fn get(&self, id: &str) -> Option<&Decision> {
        self.conventions.get(id)
    }

    pub fn state(&self, id: &str) -> Option<DecisionState> {
        self.conventions.get(id).map(|d| d.state)
    }

    /// Records a decision, keeping existing scope exceptions. Returns the
    /// previous state.
    pub fn decide(
        &mut self,
        id: &str,
        state: DecisionState,
        reason: Option<String>,
        by: Option<String>,
        at: Option<String>,
    ) -> Option<DecisionState> {
        let previous = self.conventions.get(id).map(|d| d.state);
        let entry = self
            .conventions
            .entry(id.to_string())
            .or_insert_with(|| Decision::new(state));
        entry.state = state;
        if reason.is_some() {
            entry.reason = reason;
        }
        if by.is_some() {
            entry.by = by;
        }
        if at.is_some() {
            entry.at = at;
        }
        previous
    }

    /// Adds (or replaces, same `paths` and `variant`) a scope exception. A
    /// convention without a decision is approved as well: "enforce this,
    /// except here".
    pub fn add_scope(
        &mut self,
        id: &str,
        scope: ScopeOverride,
        by: Option<String>,
        at: Option<String>,
    ) -> Result<(), ConfigError> {
        globset::Glob::new(&scope.paths).map_err(|e| ConfigError::Glob {
            glob: scope.paths.clone(),
            message: e.kind().to_string(),
        })?;
        let entry = self.conventions.entry(id.to_string()).or_insert_with(|| {
            let mut d = Decision::new(DecisionState::Approved);
            d.by = by;
            d.at = at;
            d
        });
        entry
            .scopes
            .retain(|s| !(s.paths == scope.paths && s.variant == scope.variant));
        entry.scopes.push(scope);
        entry.scopes.sort();
        Ok(())
    }

    /// Removes a decision; returns it when there was one.
    pub fn forget(&mut self, id: &str) -> Option<Decision> {
        self.conventions.remove(id)
    }

    /// Whether a violation of convention `id` in `path` whose code uses
    /// `variant` is covered by a scope exception.
    pub fn excepted(&self, id: &str, path: &str, variant: &str) -> bool {
        self.conventions
            .get(id)
            .is_some_and(|d| d.scopes.iter().any(|s| s.covers(path, variant)))
    }

    /// The deterministic serialisation.
    pub fn to_toml(&self) -> String {
        let mut out = String::with_capacity(256 + 128 * self.conventions.len());
        out.push_str(HEADER);
        let _ = writeln!(out, "version = {DECISIONS_VERSION}");
        for (id, d) in &self.conventions {
            out.push('\n');
            let _ = writeln!(out, "[conventions.{}]", quote(id));
            let _ = writeln!(out, "state = {}", quote(d.state.as_str()));
            for (key, value) in [("reason", &d.reason), ("by", &d.by), ("at", &d.at)] {
                if let Some(v) = value {
                    let _ = writeln!(out, "{key} = {}", quote(v));
                }
            }
            if !d.scopes.is_empty() {
                let mut scopes = d.scopes.clone();
                scopes.sort();
                out.push_str("scopes = [\n");
                for s in &scopes {
                    let _ = write!(out, "  {{ paths = {}", quote(&s.paths));
                    if let Some(v) = &s.variant {
                        let _ = write!(out, ", variant = {}", quote(v));
                    }
                    if let Some(r) = &s.reason {
                        let _ = write!(out, ", reason = {}", quote(r));
                    }
                    out.push_str(" },\n");
                }
                out.push_str("]\n");
            }
        }
        out
    }
}

/// A TOML basic string with every character that needs it escaped.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
