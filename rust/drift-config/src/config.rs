//! `.drift/drift.toml`: what to scan, confidence tiers, severities, rule
//! directories and `drift check` defaults. Parsing is strict: unknown keys
//! and bad values are errors that point at file:line:column and the key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use drift_core::Lang;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::ConfigError;
use crate::locate::{diagnostic_at_key, diagnostic_from_toml};

/// The documented template written by `init` (every key, commented). It
/// parses to [`Config::default`].
pub const CONFIG_TEMPLATE: &str = include_str!("../templates/drift.toml");

/// Severity of a violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Off,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Threshold for `drift check --fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    None,
}

impl FailOn {
    /// Whether a violation of `severity` makes `check` fail.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::None => false,
        }
    }
}

/// Confidence tier of a convention, as the learner assigns it
/// (`drift_core::learn`): `insufficient` below `learn.min_occurrences`
/// matches, else `established` at or above `learn.established`, `emerging`
/// at or above `learn.emerging`, `weak` below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Insufficient,
    Weak,
    Emerging,
    Established,
}

impl Tier {
    /// Strongest first.
    pub const ALL: [Tier; 4] = [
        Tier::Established,
        Tier::Emerging,
        Tier::Weak,
        Tier::Insufficient,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Insufficient => "insufficient",
            Tier::Weak => "weak",
            Tier::Emerging => "emerging",
            Tier::Established => "established",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL
            .into_iter()
            .find(|t| t.as_str() == s.to_ascii_lowercase())
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub scan: ScanSection,
    pub learn: LearnSection,
    pub check: CheckSection,
    pub export: ExportSection,
    pub rules: RulesSection,
    /// Overrides keyed by convention id, pattern id or category.
    pub severity: BTreeMap<String, Severity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScanSection {
    pub include: Vec<GlobPattern>,
    pub exclude: Vec<GlobPattern>,
    pub languages: Vec<LangId>,
    pub max_file_size: ByteSize,
    pub respect_ignore_files: bool,
    pub builtin_excludes: bool,
    pub skip_generated: bool,
    pub skip_hidden: bool,
    pub follow_symlinks: bool,
}

impl Default for ScanSection {
    fn default() -> Self {
        ScanSection {
            include: Vec::new(),
            exclude: Vec::new(),
            languages: Vec::new(),
            max_file_size: ByteSize(1024 * 1024),
            respect_ignore_files: true,
            builtin_excludes: true,
            skip_generated: true,
            skip_hidden: true,
            follow_symlinks: true,
        }
    }
}

impl ScanSection {
    /// Languages to scan: every language when the list is empty.
    pub fn langs(&self) -> Vec<Lang> {
        if self.languages.is_empty() {
            Lang::ALL.to_vec()
        } else {
            let mut langs: Vec<Lang> = self.languages.iter().map(|l| l.0).collect();
            langs.sort();
            langs.dedup();
            langs
        }
    }

    pub fn include_globs(&self) -> Vec<String> {
        self.include.iter().map(|g| g.0.clone()).collect()
    }

    pub fn exclude_globs(&self) -> Vec<String> {
        self.exclude.iter().map(|g| g.0.clone()).collect()
    }
}

/// Thresholds for convention learning (the engine's learn settings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LearnSection {
    pub min_occurrences: u32,
    pub min_files: u32,
    pub established: Confidence,
    pub emerging: Confidence,
    pub violation_min_confidence: Confidence,
    pub max_examples: usize,
}

impl Default for LearnSection {
    fn default() -> Self {
        LearnSection {
            min_occurrences: 3,
            min_files: 2,
            established: Confidence(0.85),
            emerging: Confidence(0.6),
            violation_min_confidence: Confidence(0.6),
            max_examples: 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckSection {
    pub include_discovered: bool,
    pub discovered_min_confidence: Confidence,
    pub approved_severity: Severity,
    pub discovered_severity: Severity,
    pub fail_on: FailOn,
}

impl Default for CheckSection {
    fn default() -> Self {
        CheckSection {
            include_discovered: false,
            discovered_min_confidence: Confidence(0.85),
            approved_severity: Severity::Error,
            discovered_severity: Severity::Warning,
            fail_on: FailOn::Error,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExportSection {
    pub max_tokens: usize,
    pub examples_per_convention: usize,
}

impl Default for ExportSection {
    fn default() -> Self {
        ExportSection {
            max_tokens: 4000,
            examples_per_convention: 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RulesSection {
    /// Load Drift's builtin detector pack.
    pub builtin: bool,
    /// Extra rule directories (`.drift/rules` is always read).
    pub dirs: Vec<String>,
}

impl Default for RulesSection {
    fn default() -> Self {
        RulesSection {
            builtin: true,
            dirs: Vec::new(),
        }
    }
}

/// A glob pattern, checked when the file is parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct GlobPattern(pub String);

impl<'de> Deserialize<'de> for GlobPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        globset::Glob::new(&s)
            .map_err(|e| serde::de::Error::custom(format!("invalid glob `{s}`: {}", e.kind())))?;
        Ok(GlobPattern(s))
    }
}

/// A language id (`typescript`, `py`, ...), checked when parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct LangId(pub Lang);

impl<'de> Deserialize<'de> for LangId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Lang::from_id(&s).map(LangId).ok_or_else(|| {
            let known: Vec<&str> = Lang::ALL.iter().map(|l| l.id()).collect();
            serde::de::Error::custom(format!(
                "unknown language `{s}`; expected one of: {}",
                known.join(", ")
            ))
        })
    }
}

/// A confidence in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Confidence(pub f64);

impl<'de> Deserialize<'de> for Confidence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        if (0.0..=1.0).contains(&v) {
            Ok(Confidence(v))
        } else {
            Err(serde::de::Error::custom(format!(
                "confidence must be between 0.0 and 1.0, got {v}"
            )))
        }
    }
}

/// A size in bytes: an integer, or a string with a unit (`512KiB`, `1MiB`,
/// `2MB`, `100B`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ByteSize(pub u64);

impl ByteSize {
    pub fn parse(s: &str) -> Option<ByteSize> {
        let s = s.trim();
        let split = s
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let num: f64 = num.parse().ok()?;
        let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1.0,
            "k" | "kb" => 1e3,
            "m" | "mb" => 1e6,
            "g" | "gb" => 1e9,
            "kib" => 1024.0,
            "mib" => 1024.0 * 1024.0,
            "gib" => 1024.0 * 1024.0 * 1024.0,
            _ => return None,
        };
        let bytes = num * mult;
        if !bytes.is_finite() || bytes < 0.0 || bytes > u64::MAX as f64 {
            return None;
        }
        Some(ByteSize(bytes.round() as u64))
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Str(String),
        }
        let expected = "a number of bytes or a size such as \"512KiB\" or \"1MiB\"";
        match Raw::deserialize(d)
            .map_err(|_| serde::de::Error::custom(format!("expected {expected}")))?
        {
            Raw::Int(n) => u64::try_from(n).map(ByteSize).map_err(|_| {
                serde::de::Error::custom(format!("size must not be negative, got {n}"))
            }),
            Raw::Str(s) => ByteSize::parse(&s).ok_or_else(|| {
                serde::de::Error::custom(format!("invalid size `{s}`: expected {expected}"))
            }),
        }
    }
}

impl Config {
    /// Parses configuration text; `path` is used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text)
            .map_err(|e| ConfigError::Syntax(diagnostic_from_toml(path, text, &e)))?;
        config.validate(text, path)?;
        Ok(config)
    }

    /// Reads and parses a file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::io(path, e))?;
        Config::parse(&text, path)
    }

    /// Reads `<root>/.drift/drift.toml`, or the defaults when it is absent.
    pub fn load_or_default(root: &Path) -> Result<Config, ConfigError> {
        let path = crate::paths::config_file(root);
        if path.is_file() {
            Config::load(&path)
        } else {
            Ok(Config::default())
        }
    }

    fn validate(&self, text: &str, path: &Path) -> Result<(), ConfigError> {
        if self.learn.emerging.0 > self.learn.established.0 {
            return Err(ConfigError::Invalid(diagnostic_at_key(
                path,
                text,
                &["learn", "emerging"],
                format!(
                    "emerging ({}) must not be greater than established ({})",
                    self.learn.emerging.0, self.learn.established.0
                ),
            )));
        }
        for (key, _) in self.severity.iter() {
            if key.trim().is_empty() {
                return Err(ConfigError::Invalid(diagnostic_at_key(
                    path,
                    text,
                    &["severity", key],
                    "severity keys must be a convention id, pattern id or category".into(),
                )));
            }
        }
        for (i, dir) in self.rules.dirs.iter().enumerate() {
            let p = Path::new(dir);
            if p.is_absolute()
                || p.components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                let mut d = diagnostic_at_key(
                    path,
                    text,
                    &["rules", "dirs"],
                    format!("rule directory `{dir}` must be relative and inside the project"),
                );
                d.key = Some(format!("rules.dirs[{i}]"));
                return Err(ConfigError::Invalid(d));
            }
        }
        Ok(())
    }

    /// Severity for a violation of `convention_id` (e.g.
    /// `error-handling/throw-style:custom-error`), given the default for its
    /// state. Overrides are looked up by convention id, then pattern id (the
    /// part before `:`), then category (the part before the first `/`).
    pub fn severity_for(&self, convention_id: &str, default: Severity) -> Severity {
        if let Some(s) = self.severity.get(convention_id) {
            return *s;
        }
        let pattern = convention_id
            .split_once(':')
            .map_or(convention_id, |(p, _)| p);
        if let Some(s) = self.severity.get(pattern) {
            return *s;
        }
        let category = pattern.split_once('/').map_or(pattern, |(c, _)| c);
        if let Some(s) = self.severity.get(category) {
            return *s;
        }
        default
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes() {
        assert_eq!(ByteSize::parse("1MiB"), Some(ByteSize(1_048_576)));
        assert_eq!(ByteSize::parse("512 KiB"), Some(ByteSize(524_288)));
        assert_eq!(ByteSize::parse("2MB"), Some(ByteSize(2_000_000)));
        assert_eq!(ByteSize::parse("100"), Some(ByteSize(100)));
        assert_eq!(ByteSize::parse("1.5k"), Some(ByteSize(1500)));
        assert_eq!(ByteSize::parse("lots"), None);
        assert_eq!(ByteSize::parse("3 parsecs"), None);
    }

    #[test]
    fn tiers_and_fail_on() {
        assert_eq!(Tier::parse("Established"), Some(Tier::Established));
        assert_eq!(Tier::parse("weak"), Some(Tier::Weak));
        assert_eq!(Tier::parse("contested"), None);
        assert!(Tier::Established > Tier::Weak);
        assert!(FailOn::Error.fails(Severity::Error));
        assert!(!FailOn::Error.fails(Severity::Warning));
        assert!(FailOn::Warning.fails(Severity::Warning));
        assert!(!FailOn::Warning.fails(Severity::Info));
        assert!(!FailOn::None.fails(Severity::Error));
    }
}
