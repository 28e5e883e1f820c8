//! Changed lines from git: `git diff --unified=0` parsed into per-file line
//! ranges, for `drift check --changed-since <rev>` and `--staged`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::error::CliError;

/// Lines that changed in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// New to git (untracked or added): every line counts as changed.
    Whole,
    /// Inclusive 1-based line ranges of added/modified lines.
    Lines(Vec<(u32, u32)>),
}

/// Changed lines by root-relative path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangedLines {
    pub files: BTreeMap<String, FileChange>,
}

impl ChangedLines {
    /// Whether lines `start..=end` of `path` overlap a change.
    pub fn touches(&self, path: &str, start: u32, end: u32) -> bool {
        match self.files.get(path) {
            None => false,
            Some(FileChange::Whole) => true,
            Some(FileChange::Lines(ranges)) => ranges
                .iter()
                .any(|&(a, b)| a <= end.max(start) && start <= b),
        }
    }
}

fn git(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(root)
        .args(["-c", "core.quotepath=off"])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
    cmd
}

fn run(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    git(root)
        .args(args)
        .output()
        .with_context(|| format!("could not run `git {}` (is git installed?)", args.join(" ")))
}

/// Fails with [`CliError::NotGitRepo`] unless `root` is in a work tree.
pub fn ensure_repo(root: &Path) -> Result<()> {
    let out = run(root, &["rev-parse", "--is-inside-work-tree"])?;
    if out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "true" {
        Ok(())
    } else {
        Err(CliError::NotGitRepo {
            root: root.to_path_buf(),
        }
        .into())
    }
}

/// Resolves `rev` to a commit id, or [`CliError::BadRevision`].
pub fn resolve_rev(root: &Path, rev: &str) -> Result<String> {
    if rev.starts_with('-') {
        return Err(CliError::BadRevision {
            rev: rev.to_string(),
            detail: Some("a revision cannot start with `-`".into()),
        }
        .into());
    }
    let spec = format!("{rev}^{{commit}}");
    let out = run(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ],
    )?;
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if out.status.success() && !id.is_empty() {
        Ok(id)
    } else {
        Err(CliError::BadRevision {
            rev: rev.to_string(),
            detail: None,
        }
        .into())
    }
}

/// Changed lines for `--changed-since` (`since`) and/or `--staged`.
///
/// - `since` only: working tree (staged and unstaged) against `since`, plus
///   untracked files.
/// - `staged` only: the index against `HEAD` (against the empty tree before
///   the first commit).
/// - both: the index against `since`.
pub fn changed_lines(root: &Path, since: Option<&str>, staged: bool) -> Result<ChangedLines> {
    ensure_repo(root)?;
    let base = match since {
        Some(rev) => Some(resolve_rev(root, rev)?),
        None if staged => resolve_rev(root, "HEAD").ok(),
        None => None,
    };
    let mut args: Vec<String> = vec![
        "diff".into(),
        "--unified=0".into(),
        "--no-color".into(),
        "--no-ext-diff".into(),
        "--no-renames".into(),
        "--relative".into(),
    ];
    if staged {
        args.push("--cached".into());
    }
    match &base {
        Some(commit) => args.push(commit.clone()),
        // Staged before the first commit: compare with the empty tree.
        None => args.push(empty_tree(root)?),
    }
    args.push("--".into());
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(root, &arg_refs)?;
    if !out.status.success() {
        anyhow::bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let mut changed = parse_unified_zero(&String::from_utf8_lossy(&out.stdout));
    if !staged {
        let out = run(
            root,
            &[
                "ls-files",
                "--others",
                "--exclude-standard",
                "-z",
                "--",
                ".",
            ],
        )?;
        if out.status.success() {
            for path in out.stdout.split(|&b| b == 0).filter(|p| !p.is_empty()) {
                changed.files.insert(
                    String::from_utf8_lossy(path).into_owned(),
                    FileChange::Whole,
                );
            }
        }
    }
    Ok(changed)
}

fn empty_tree(root: &Path) -> Result<String> {
    let out = git(root)
        .args(["hash-object", "-t", "tree", "--stdin"])
        .stdin(std::process::Stdio::null())
        .output()
        .context("could not run git")?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Parses `git diff --unified=0` output into added/modified line ranges of
/// the new side. Deleted files and pure deletions contribute nothing; a new
/// file contributes its whole length.
pub fn parse_unified_zero(diff: &str) -> ChangedLines {
    let mut changed = ChangedLines::default();
    let mut current: Option<String> = None;
    for line in diff.lines() {
        if let Some(rest) = line.strip_prefix("+++ ") {
            current = if rest == "/dev/null" {
                None
            } else {
                let path = unquote(rest);
                Some(path.strip_prefix("b/").unwrap_or(&path).to_string())
            };
            continue;
        }
        if line.starts_with("diff --git ") {
            current = None;
            continue;
        }
        let Some(rest) = line.strip_prefix("@@ ") else {
            continue;
        };
        let Some(path) = &current else { continue };
        // @@ -a[,b] +c[,d] @@
        let Some(plus) = rest.split_whitespace().find(|w| w.starts_with('+')) else {
            continue;
        };
        let plus = &plus[1..];
        let (start, count) = match plus.split_once(',') {
            Some((s, c)) => (s.parse::<u32>().ok(), c.parse::<u32>().ok()),
            None => (plus.parse::<u32>().ok(), Some(1)),
        };
        let (Some(start), Some(count)) = (start, count) else {
            continue;
        };
        if count == 0 {
            continue;
        }
        let entry = changed
            .files
            .entry(path.clone())
            .or_insert_with(|| FileChange::Lines(Vec::new()));
        if let FileChange::Lines(ranges) = entry {
            ranges.push((start, start + count - 1));
        }
    }
    changed
}

/// Undoes git's C-style quoting of unusual paths (`"a\tb"`, octal escapes).
fn unquote(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return s.to_string();
    };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'"') => bytes.push(b'"'),
            Some(b'\\') => bytes.push(b'\\'),
            Some(d @ b'0'..=b'7') => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(&n @ b'0'..=b'7') = chars.peek() {
                        v = v * 8 + u32::from(n - b'0');
                        chars.next();
                    }
                }
                bytes.push(u8::try_from(v).unwrap_or(b'?'));
            }
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hunks_new_files_and_deletions() {
        let diff = "\
diff --git a/src/a.ts b/src/a.ts
index 1111111..2222222 100644
--- a/src/a.ts
+++ b/src/a.ts
@@ -3 +3 @@ export function x() {
-  old
+  new
@@ -10,0 +11,2 @@
+a
+b
@@ -20,3 +22,0 @@
-gone
diff --git a/gone.py b/gone.py
deleted file mode 100644
--- a/gone.py
+++ /dev/null
@@ -1,2 +0,0 @@
-x
-y
diff --git a/new.py b/new.py
new file mode 100644
--- /dev/null
+++ b/new.py
@@ -0,0 +1,3 @@
+1
+2
+3
diff --git \"a/sp ace\\303\\251.go\" \"b/sp ace\\303\\251.go\"
--- \"a/sp ace\\303\\251.go\"
+++ \"b/sp ace\\303\\251.go\"
@@ -1 +1 @@
-a
+b
";
        let c = parse_unified_zero(diff);
        assert_eq!(
            c.files.get("src/a.ts"),
            Some(&FileChange::Lines(vec![(3, 3), (11, 12)]))
        );
        assert!(!c.files.contains_key("gone.py"));
        assert_eq!(
            c.files.get("new.py"),
            Some(&FileChange::Lines(vec![(1, 3)]))
        );
        assert!(c.files.contains_key("sp aceé.go"), "{:?}", c.files.keys());
        assert!(c.touches("src/a.ts", 12, 12));
        assert!(c.touches("src/a.ts", 1, 3));
        assert!(!c.touches("src/a.ts", 4, 10));
        assert!(!c.touches("src/b.ts", 1, 100));
    }
}
