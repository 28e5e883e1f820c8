//! `drift init`: create `.drift/` and its templates. Idempotent: a file that
//! already exists is never overwritten, whatever its contents.

use std::path::{Path, PathBuf};

use crate::error::ConfigError;
use crate::paths;

/// `.drift/.gitignore`: keeps the index and caches out of git.
pub const GITIGNORE_TEMPLATE: &str = include_str!("../templates/gitignore");
/// `.driftignore` at the project root.
pub const DRIFTIGNORE_TEMPLATE: &str = include_str!("../templates/driftignore");
/// `.drift/rules/README.md`.
pub const RULES_README_TEMPLATE: &str = include_str!("../templates/rules-README.md");

/// What `init` did with one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitAction {
    Created,
    /// Already there; left untouched.
    Kept,
}

impl InitAction {
    pub fn as_str(self) -> &'static str {
        match self {
            InitAction::Created => "created",
            InitAction::Kept => "kept",
        }
    }
}

/// One path `init` manages, relative to the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitEntry {
    pub path: String,
    pub action: InitAction,
}

/// Result of [`init`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitReport {
    pub root: PathBuf,
    pub entries: Vec<InitEntry>,
}

impl InitReport {
    pub fn created(&self) -> impl Iterator<Item = &InitEntry> {
        self.entries
            .iter()
            .filter(|e| e.action == InitAction::Created)
    }
}

/// Creates `.drift/` (with `drift.toml`, `.gitignore`, `rules/README.md`)
/// and `.driftignore` under `root`, keeping anything that exists.
pub fn init(root: &Path) -> Result<InitReport, ConfigError> {
    if !root.is_dir() {
        return Err(ConfigError::io(
            root,
            std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory"),
        ));
    }
    let mut entries = Vec::new();
    entries.push(ensure_dir(root, paths::DRIFT_DIR)?);
    entries.push(ensure_file(
        root,
        &format!("{}/{}", paths::DRIFT_DIR, paths::CONFIG_FILE),
        crate::config::CONFIG_TEMPLATE,
    )?);
    entries.push(ensure_file(
        root,
        &format!("{}/.gitignore", paths::DRIFT_DIR),
        GITIGNORE_TEMPLATE,
    )?);
    entries.push(ensure_dir(
        root,
        &format!("{}/{}", paths::DRIFT_DIR, paths::RULES_DIR),
    )?);
    entries.push(ensure_file(
        root,
        &format!("{}/{}/README.md", paths::DRIFT_DIR, paths::RULES_DIR),
        RULES_README_TEMPLATE,
    )?);
    entries.push(ensure_file(root, paths::DRIFTIGNORE, DRIFTIGNORE_TEMPLATE)?);
    Ok(InitReport {
        root: root.to_path_buf(),
        entries,
    })
}

fn ensure_dir(root: &Path, rel: &str) -> Result<InitEntry, ConfigError> {
    let path = root.join(rel);
    let action = if path.is_dir() {
        InitAction::Kept
    } else {
        std::fs::create_dir_all(&path).map_err(|e| ConfigError::io(&path, e))?;
        InitAction::Created
    };
    Ok(InitEntry {
        path: format!("{rel}/"),
        action,
    })
}

fn ensure_file(root: &Path, rel: &str, contents: &str) -> Result<InitEntry, ConfigError> {
    use std::io::Write as _;
    let path = root.join(rel);
    // `create_new` makes "exists" and "create" one atomic step, so a file
    // appearing concurrently is kept rather than overwritten.
    let action = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(mut file) => {
            file.write_all(contents.as_bytes())
                .map_err(|e| ConfigError::io(&path, e))?;
            InitAction::Created
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => InitAction::Kept,
        Err(e) => return Err(ConfigError::io(&path, e)),
    };
    tracing::debug!(path = %path.display(), action = action.as_str(), "init");
    Ok(InitEntry {
        path: rel.to_string(),
        action,
    })
}
