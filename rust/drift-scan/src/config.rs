//! Scan configuration. A plain struct: the config crate maps the user's
//! `.drift/drift.toml` into it; this crate never parses drift.toml.

use std::path::PathBuf;
use std::time::Duration;

use drift_core::Lang;
use serde::{Deserialize, Serialize};

/// Default maximum file size: 1 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

/// Directories and files excluded unless [`ScanConfig::builtin_excludes`] is
/// off (gitignore syntax, matched anywhere in the tree).
pub const BUILTIN_EXCLUDES: &[&str] = &[
    "node_modules/",
    "bower_components/",
    "vendor/",
    "dist/",
    "build/",
    "target/",
    "out/",
    "__pycache__/",
    ".git/",
    ".hg/",
    ".svn/",
    ".drift/",
    ".venv/",
    "venv/",
    ".tox/",
    ".next/",
    "coverage/",
    "*.min.js",
    "*.min.mjs",
    "*.bundle.js",
    "*.pb.go",
    "*_pb2.py",
    "*_pb2_grpc.py",
    "*.pb.cc",
    "*.pb.h",
    "*_generated.*",
    "*.generated.*",
    "*.g.cs",
    "*.designer.cs",
];

/// Thresholds for convention learning, mapped onto
/// [`drift_core::learn::LearnOptions`] (whose other weights keep their
/// defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnSettings {
    /// Fewer matches than this: tier `insufficient`, no violations
    /// (`LearnOptions::min_samples`).
    pub min_occurrences: u32,
    /// A pattern seen in fewer files than this is reported with tier
    /// `insufficient` and produces no violations.
    pub min_files: u32,
    /// Patterns at or above this confidence report outliers as violations.
    pub violation_min_confidence: f64,
    /// Confidence at or above which a pattern is `established`.
    pub established_confidence: f64,
    /// Confidence at or above which a pattern is `emerging` (below: `weak`).
    pub emerging_confidence: f64,
    /// Examples kept per variant.
    pub max_examples: usize,
}

impl Default for LearnSettings {
    fn default() -> Self {
        let core = drift_core::learn::LearnOptions::default();
        LearnSettings {
            min_occurrences: u32::try_from(core.min_samples).unwrap_or(u32::MAX),
            min_files: 1,
            violation_min_confidence: core.violation_min_confidence,
            established_confidence: core.established,
            emerging_confidence: core.emerging,
            max_examples: core.max_examples,
        }
    }
}

impl LearnSettings {
    /// The core learner's options for these settings.
    pub fn to_options(&self) -> drift_core::learn::LearnOptions {
        drift_core::learn::LearnOptions {
            min_samples: self.min_occurrences as usize,
            established: self.established_confidence,
            emerging: self.emerging_confidence,
            violation_min_confidence: self.violation_min_confidence,
            max_examples: self.max_examples,
            ..drift_core::learn::LearnOptions::default()
        }
    }
}

/// Everything that controls a scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanConfig {
    /// Root-relative globs; when non-empty only matching files are scanned.
    pub include: Vec<String>,
    /// Root-relative gitignore-style globs excluded in addition to ignore files.
    pub exclude: Vec<String>,
    /// Languages to scan; empty = every language compiled in.
    pub languages: Vec<Lang>,
    /// Files larger than this are skipped (reason `too_large`).
    pub max_file_size: u64,
    /// Apply [`BUILTIN_EXCLUDES`].
    pub builtin_excludes: bool,
    /// Skip files whose first lines say `@generated` or `DO NOT EDIT`, and
    /// files that look minified (lines of over 110 bytes on average, in a
    /// file of 4 KiB or more).
    pub skip_generated: bool,
    /// Honour `.gitignore` (also outside git repositories), `.ignore` and
    /// `.driftignore`.
    pub respect_ignore_files: bool,
    /// Skip hidden files and directories (names starting with `.`).
    pub skip_hidden: bool,
    /// Follow symbolic links (loops are detected and reported).
    pub follow_symlinks: bool,
    /// Directories with project rule files (`*.toml`), relative to the root
    /// or absolute. `.drift/rules` is always read when it exists.
    pub rule_dirs: Vec<PathBuf>,
    /// Load the builtin detector pack.
    pub builtin_rules: bool,
    pub learn: LearnSettings,
    /// Worker threads; `None` = rayon's default (one per core).
    pub threads: Option<usize>,
    /// Files written per transaction (with the channel, bounds memory).
    pub chunk_size: usize,
    /// Per-file parse time limit.
    pub parse_timeout: Duration,
    /// Index location; `None` = `<root>/.drift/drift.db`.
    pub db_path: Option<PathBuf>,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            include: Vec::new(),
            exclude: Vec::new(),
            languages: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            builtin_excludes: true,
            skip_generated: true,
            respect_ignore_files: true,
            skip_hidden: true,
            follow_symlinks: true,
            rule_dirs: Vec::new(),
            builtin_rules: true,
            learn: LearnSettings::default(),
            threads: None,
            chunk_size: 512,
            parse_timeout: Duration::from_secs(10),
            db_path: None,
        }
    }
}

impl ScanConfig {
    /// Maps a project's `.drift/drift.toml` onto the engine's configuration:
    /// the one mapping every front end (CLI, MCP server, Node addon) uses.
    /// `.drift/rules` is always loaded by [`crate::Project::open`], so it is
    /// not repeated in `rule_dirs`.
    pub fn from_project_config(config: &drift_config::Config) -> ScanConfig {
        let scan = &config.scan;
        let learn = &config.learn;
        let default_rules = PathBuf::from(".drift/rules");
        ScanConfig {
            include: scan.include_globs(),
            exclude: scan.exclude_globs(),
            languages: if scan.languages.is_empty() {
                Vec::new()
            } else {
                scan.langs()
            },
            max_file_size: scan.max_file_size.0,
            builtin_excludes: scan.builtin_excludes,
            skip_generated: scan.skip_generated,
            respect_ignore_files: scan.respect_ignore_files,
            skip_hidden: scan.skip_hidden,
            follow_symlinks: scan.follow_symlinks,
            rule_dirs: config
                .rules
                .dirs
                .iter()
                .map(PathBuf::from)
                .filter(|dir| *dir != default_rules)
                .collect(),
            builtin_rules: config.rules.builtin,
            learn: LearnSettings {
                min_occurrences: learn.min_occurrences,
                min_files: learn.min_files,
                violation_min_confidence: learn.violation_min_confidence.0,
                established_confidence: learn.established.0,
                emerging_confidence: learn.emerging.0,
                max_examples: learn.max_examples,
            },
            ..ScanConfig::default()
        }
    }
}
