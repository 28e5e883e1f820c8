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
/// Environment variable naming a directory that holds the index instead of
/// `<root>/.drift/` (read-only checkouts, containers with a data volume).
pub const INDEX_DIR_ENV: &str = "DRIFT_INDEX_DIR";
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

/// The index of `root`: `<index_dir>/drift.db` when an index directory is
/// given (relative ones are taken from `root`), else [`db_file`].
pub fn index_file(root: &Path, index_dir: Option<&Path>) -> PathBuf {
    match index_dir {
        Some(dir) => root.join(dir).join(DB_FILE),
        None => db_file(root),
    }
}

/// The index directory named by [`INDEX_DIR_ENV`], if set and not empty.
/// Front ends without their own flag for it (the Node addon) read it here.
pub fn index_dir_from_env() -> Option<PathBuf> {
    std::env::var_os(INDEX_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_file_in_an_index_dir_or_in_drift_dir() {
        let root = Path::new("/p");
        assert_eq!(index_file(root, None), Path::new("/p/.drift/drift.db"));
        assert_eq!(
            index_file(root, Some(Path::new("/var/lib/drift"))),
            Path::new("/var/lib/drift/drift.db")
        );
        assert_eq!(
            index_file(root, Some(Path::new("idx"))),
            Path::new("/p/idx/drift.db")
        );
    }
}
