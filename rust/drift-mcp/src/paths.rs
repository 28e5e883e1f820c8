//! Confinement of path arguments to the project root.
//!
//! Every path a client passes is resolved against the (canonical) project
//! root and refused unless it stays inside it: `..` segments that climb out,
//! absolute paths elsewhere and symbolic links whose target leaves the root
//! are all errors. Paths that do not exist yet (a file an agent proposes to
//! create, see `drift_validate`) are accepted when their deepest existing
//! ancestor is inside the root and the rest contains no `..`.

use std::path::{Component, Path, PathBuf};

/// Why a path argument was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PathError {
    #[error("empty path")]
    Empty,
    #[error("path contains a NUL byte")]
    Nul,
    #[error("path `{0}` is outside the project root")]
    Outside(String),
    #[error("path `{0}` resolves through a symbolic link to a location outside the project root")]
    SymlinkEscape(String),
    #[error("path `{0}` is not valid UTF-8 after resolution")]
    NotUtf8(String),
    #[error("could not resolve `{path}`: {detail}")]
    Io { path: String, detail: String },
}

/// A path argument resolved inside the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Absolute path (canonical for the existing part).
    pub abs: PathBuf,
    /// Root-relative path with `/` separators, as stored in the index.
    pub rel: String,
    /// Whether the path exists on disk.
    pub exists: bool,
}

/// The canonical project root.
#[derive(Debug, Clone)]
pub struct Root {
    canonical: PathBuf,
}

impl Root {
    /// Canonicalizes `root`.
    pub fn new(root: &Path) -> std::io::Result<Root> {
        Ok(Root {
            canonical: root.canonicalize()?,
        })
    }

    pub fn path(&self) -> &Path {
        &self.canonical
    }

    /// Resolves a client-supplied path (relative to the root, or absolute).
    pub fn resolve(&self, input: &str) -> Result<Resolved, PathError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PathError::Empty);
        }
        if trimmed.contains('\0') {
            return Err(PathError::Nul);
        }
        // Accept Windows-style separators from clients.
        let normalized = trimmed.replace('\\', "/");
        let candidate = Path::new(&normalized);
        let joined = if candidate.is_absolute() {
            candidate.to_path_buf()
        } else {
            self.canonical.join(candidate)
        };
        // Lexical check first: a relative path may never climb above the root,
        // whatever the file system says (`a/../../x`).
        let lexical = lexical_normalize(&joined).ok_or_else(|| PathError::Outside(input.into()))?;
        if !lexical.starts_with(&self.canonical) {
            return Err(PathError::Outside(input.into()));
        }
        // Then resolve symbolic links on the longest existing prefix.
        let (existing, rest) = split_existing(&lexical);
        let canonical_existing = existing.canonicalize().map_err(|e| PathError::Io {
            path: input.into(),
            detail: e.to_string(),
        })?;
        if !canonical_existing.starts_with(&self.canonical) {
            return Err(PathError::SymlinkEscape(input.into()));
        }
        let exists = rest.as_os_str().is_empty();
        let abs = if exists {
            canonical_existing
        } else {
            canonical_existing.join(&rest)
        };
        let rel_path = abs
            .strip_prefix(&self.canonical)
            .map_err(|_| PathError::Outside(input.into()))?;
        let mut parts = Vec::new();
        for c in rel_path.components() {
            match c {
                Component::Normal(s) => parts.push(
                    s.to_str()
                        .ok_or_else(|| PathError::NotUtf8(input.into()))?
                        .to_string(),
                ),
                _ => return Err(PathError::Outside(input.into())),
            }
        }
        Ok(Resolved {
            abs,
            rel: parts.join("/"),
            exists,
        })
    }
}

/// Removes `.` and resolves `..` lexically; `None` if `..` climbs above `/`.
fn lexical_normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Prefix(p) => out.push(p.as_os_str()),
            Component::RootDir => out.push(Component::RootDir.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(s) => out.push(s),
        }
    }
    Some(out)
}

/// Splits an absolute path into its longest existing prefix (following
/// links through `symlink_metadata`-free `exists`) and the remainder.
fn split_existing(path: &Path) -> (PathBuf, PathBuf) {
    let mut existing = path.to_path_buf();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    // `exists` follows links; a dangling link counts as missing here and is
    // then resolved by canonicalizing its parent, which cannot escape unless
    // the parent itself does.
    while !existing.exists() && std::fs::symlink_metadata(&existing).is_err() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut rest_path = PathBuf::new();
    for part in rest.iter().rev() {
        rest_path.push(part);
    }
    (existing, rest_path)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn fixture() -> (tempfile::TempDir, tempfile::TempDir, Root) {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/sub")).unwrap();
        std::fs::write(dir.path().join("src/a.ts"), "export const a = 1;\n").unwrap();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        let root = Root::new(dir.path()).unwrap();
        (dir, outside, root)
    }

    #[test]
    fn relative_and_absolute_inside_are_accepted() {
        let (dir, _o, root) = fixture();
        let r = root.resolve("src/a.ts").unwrap();
        assert_eq!(r.rel, "src/a.ts");
        assert!(r.exists);
        let abs = dir.path().join("src/a.ts");
        let r = root.resolve(abs.to_str().unwrap()).unwrap();
        assert_eq!(r.rel, "src/a.ts");
        let r = root.resolve("./src/sub/../a.ts").unwrap();
        assert_eq!(r.rel, "src/a.ts");
    }

    #[test]
    fn missing_files_inside_are_accepted() {
        let (_d, _o, root) = fixture();
        let r = root.resolve("src/new/file.ts").unwrap();
        assert_eq!(r.rel, "src/new/file.ts");
        assert!(!r.exists);
    }

    #[test]
    fn escapes_are_refused() {
        let (_d, outside, root) = fixture();
        assert!(matches!(root.resolve("../x"), Err(PathError::Outside(_))));
        assert!(matches!(
            root.resolve("src/../../etc/passwd"),
            Err(PathError::Outside(_))
        ));
        assert!(matches!(
            root.resolve("/etc/passwd"),
            Err(PathError::Outside(_))
        ));
        let secret = outside.path().join("secret.txt");
        assert!(matches!(
            root.resolve(secret.to_str().unwrap()),
            Err(PathError::Outside(_))
        ));
        assert_eq!(root.resolve(""), Err(PathError::Empty));
        assert_eq!(root.resolve("a\0b"), Err(PathError::Nul));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_escapes_are_refused() {
        let (dir, outside, root) = fixture();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            dir.path().join("src/leak.txt"),
        )
        .unwrap();
        assert!(matches!(
            root.resolve("link/secret.txt"),
            Err(PathError::SymlinkEscape(_))
        ));
        assert!(matches!(
            root.resolve("src/leak.txt"),
            Err(PathError::SymlinkEscape(_))
        ));
        // A new file under an escaping directory link is refused too.
        assert!(matches!(
            root.resolve("link/new.ts"),
            Err(PathError::SymlinkEscape(_))
        ));
        // A link that stays inside is fine.
        std::os::unix::fs::symlink(dir.path().join("src"), dir.path().join("alias")).unwrap();
        assert_eq!(root.resolve("alias/a.ts").unwrap().rel, "src/a.ts");
    }
}
