//! # drift-scan
//!
//! Drift's scan engine: discovery (the `ignore` walker), parallel analysis
//! (rayon, one [`drift_core::FileAnalyzer`] per worker thread), incremental
//! re-analysis by size/mtime then content hash, convention learning over
//! all stored matches, and transactional storage in [`drift_index`].
//!
//! ```no_run
//! use std::sync::atomic::AtomicBool;
//! use drift_scan::{Project, ScanConfig, ScanOptions};
//!
//! let project = Project::open("/path/to/repo", ScanConfig::default())?;
//! let report = project.scan(&ScanOptions::default(), &|_p| {}, &AtomicBool::new(false))?;
//! println!("{} parsed, {} unchanged", report.parsed, report.unchanged);
//! let patterns = project.index().patterns(&Default::default())?;
//! # Ok::<(), drift_scan::ScanError>(())
//! ```

pub mod config;
mod discover;
mod learning;
mod project;
pub mod report;

use std::path::PathBuf;

pub use config::{BUILTIN_EXCLUDES, DEFAULT_MAX_FILE_SIZE, LearnSettings, ScanConfig};
pub use drift_index;
pub use drift_index::rusqlite;
pub use drift_index::{Index, IndexError};
pub use project::{FinalizeContext, Project, ScanFinalizer, SourceCheck};
pub use report::{
    PartialFile, Phase, PhaseDurations, Progress, ProjectStatus, ScanReport, Staleness,
};

/// What one scan should do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// Re-analyse every file, ignoring stored hashes.
    pub full: bool,
    /// Restrict the scan to these files/directories (absolute or relative
    /// to the root); empty = the whole project. Learning still runs over
    /// every stored match.
    pub paths: Vec<PathBuf>,
}

/// Errors that stop a scan or an open. Per-file problems never do: they
/// are recorded as skipped/partial files.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("project root {path}: {source}")]
    Root {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is outside the project root")]
    OutsideRoot(PathBuf),
    #[error("invalid glob {glob:?}: {message}")]
    Glob { glob: String, message: String },
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(
        "the index {index} belongs to the project at {owner}; give each project its own index directory"
    )]
    IndexOwner { index: PathBuf, owner: PathBuf },
    #[error("cannot tell the language of {0}")]
    UnknownLanguage(String),
    #[error("analysing {path}: {message}")]
    Analyze { path: String, message: String },
    #[error("scan finalizer {name} failed: {source}")]
    Finalizer {
        name: String,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("scan cancelled")]
    Cancelled,
}

/// Analyses unsaved `content` as the file at `path` without writing
/// anything; see [`Project::analyze_source`].
pub fn analyze_source(
    path: impl AsRef<std::path::Path>,
    content: &[u8],
    project: &Project,
) -> Result<SourceCheck, ScanError> {
    project.analyze_source(path.as_ref(), content)
}
