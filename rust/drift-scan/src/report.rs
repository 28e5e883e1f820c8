//! Progress and report values.

use std::collections::BTreeMap;
use std::time::Duration;

use drift_core::Lang;
use drift_core::detect::RuleError;
use drift_index::{IndexSummary, SkippedFile};
use serde::{Deserialize, Serialize};

/// Scan phases, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Discover,
    Parse,
    Learn,
    Store,
}

/// Reported to the progress callback (always from the thread that called
/// [`crate::Project::scan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub phase: Phase,
    /// Units done in this phase (files for Discover/Parse).
    pub done: u64,
    /// Total units, 0 when unknown.
    pub total: u64,
}

/// Per-phase wall-clock durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PhaseDurations {
    pub discover: Duration,
    /// Reading, hashing, parsing, extraction and writing the file chunks.
    pub parse: Duration,
    pub learn: Duration,
    /// The final transaction (patterns, violations, removals, finalizers).
    pub store: Duration,
    pub total: Duration,
}

/// A file parsed with syntax errors (or invalid UTF-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialFile {
    pub path: String,
    pub error_count: u32,
}

/// What one scan did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    /// A full rebuild (requested, or forced by a changed configuration or
    /// rule set).
    pub full: bool,
    /// Indexed (ok + partial) files in scope after the scan, by language.
    pub files_by_lang: BTreeMap<Lang, u64>,
    /// Entries found by discovery (files to analyse + skipped entries).
    pub discovered: u64,
    /// Files read and analysed in this scan.
    pub parsed: u64,
    /// Files whose stored facts were reused (same size+mtime, or same hash).
    pub unchanged: u64,
    /// Files dropped from the index (deleted or no longer included).
    pub removed: u64,
    /// Skipped files in scope after the scan, with reasons.
    pub skipped: Vec<SkippedFile>,
    /// Partial files in scope after the scan.
    pub partial: Vec<PartialFile>,
    pub patterns: u64,
    pub violations: u64,
    /// Problems loading detector rule files (the scan still ran).
    pub rule_errors: Vec<RuleError>,
    pub durations: PhaseDurations,
}

/// Files that changed on disk since the last scan (by size/mtime).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staleness {
    pub modified: Vec<String>,
    pub added: Vec<String>,
    pub deleted: Vec<String>,
}

impl Staleness {
    pub fn is_stale(&self) -> bool {
        !(self.modified.is_empty() && self.added.is_empty() && self.deleted.is_empty())
    }
}

/// `drift status`: index counts plus staleness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectStatus {
    pub summary: IndexSummary,
    pub stale: Staleness,
    /// The configuration or rule set changed since the last scan: the next
    /// scan will be a full rebuild.
    pub config_changed: bool,
}
