//! Where Drift keeps its files, relative to a project root.

use std::path::{Path, PathBuf};

/// Directory holding configuration, decisions, rules and the index.
pub const DRIFT_DIR: &str = ".drift";
/// Configuration file inside [`DRIFT_DIR`].
pub const CONFIG_FILE: &str = "drift.toml";
/// Decisions file inside [`DRIFT_DIR`].
pub const DECISIONS_FILE: &str = "conventions.toml";
/// SQLite index inside [`DRIFT_DIR`] (not committed; rebuilt by a scan).
pub const DB_FILE: &str = "drift.db";
/// Rules directory inside [`DRIFT_DIR`].
pub const RULES_DIR: &str = "rules";
/// Ignore file at the project root (gitignore syntax).
pub const DRIFTIGNORE: &str = ".driftignore";

pub fn drift_dir(root: &Path) -> PathBuf {
    root.join(DRIFT_DIR)
}

pub fn config_file(root: &Path) -> PathBuf {
    root.join(DRIFT_DIR).join(CONFIG_FILE)
}

pub fn decisions_file(root: &Path) -> PathBuf {
    root.join(DRIFT_DIR).join(DECISIONS_FILE)
}

pub fn db_file(root: &Path) -> PathBuf {
    root.join(DRIFT_DIR).join(DB_FILE)
}

pub fn rules_dir(root: &Path) -> PathBuf {
    root.join(DRIFT_DIR).join(RULES_DIR)
}

/// Whether `root` has been initialised (has a `.drift/` directory).
pub fn is_initialised(root: &Path) -> bool {
    drift_dir(root).is_dir()
}

/// The nearest ancestor of `start` (itself included) containing `.drift/`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| is_initialised(dir))
        .map(Path::to_path_buf)
}
