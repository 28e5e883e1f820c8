//! Discovery: walk the tree honouring ignore files and globs, recognise
//! languages, and record entries that cannot be scanned.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use drift_core::Lang;
use drift_index::{SkipReason, SkippedFile};
use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::overrides::{Override, OverrideBuilder};
use ignore::{WalkBuilder, WalkState};

use crate::ScanError;
use crate::config::{BUILTIN_EXCLUDES, ScanConfig};

/// A file to analyse.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Root-relative path with `/` separators.
    pub rel: String,
    pub abs: PathBuf,
    pub lang: Lang,
    pub size: u64,
    pub mtime_ns: i64,
}

/// An entry recorded as skipped during discovery.
#[derive(Debug, Clone)]
pub struct DiscoverySkip {
    pub file: SkippedFile,
    pub size: u64,
    pub mtime_ns: i64,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub candidates: Vec<Candidate>,
    pub skipped: Vec<DiscoverySkip>,
}

/// Compiled include/exclude rules.
pub(crate) struct Filters {
    overrides: Override,
    include: Option<GlobSet>,
    languages: Vec<Lang>,
}

impl Filters {
    pub(crate) fn new(root: &Path, config: &ScanConfig) -> Result<Filters, ScanError> {
        let mut ob = OverrideBuilder::new(root);
        let mut add = |glob: &str| -> Result<(), ScanError> {
            ob.add(&format!("!{glob}"))
                .map(|_| ())
                .map_err(|e| ScanError::Glob {
                    glob: glob.to_string(),
                    message: e.to_string(),
                })
        };
        if config.builtin_excludes {
            for g in BUILTIN_EXCLUDES {
                add(g)?;
            }
        }
        for g in &config.exclude {
            add(g)?;
        }
        let overrides = ob.build().map_err(|e| ScanError::Glob {
            glob: config.exclude.join(", "),
            message: e.to_string(),
        })?;
        let include = if config.include.is_empty() {
            None
        } else {
            let mut b = GlobSetBuilder::new();
            for g in &config.include {
                let glob = Glob::new(g).map_err(|e| ScanError::Glob {
                    glob: g.clone(),
                    message: e.to_string(),
                })?;
                b.add(glob);
            }
            Some(b.build().map_err(|e| ScanError::Glob {
                glob: config.include.join(", "),
                message: e.to_string(),
            })?)
        };
        let languages = if config.languages.is_empty() {
            Lang::ALL.to_vec()
        } else {
            config.languages.clone()
        };
        Ok(Filters {
            overrides,
            include,
            languages,
        })
    }

    /// Whether a root-relative file path passes the include globs and the
    /// exclude overrides (used by `analyze_source` and staleness checks).
    pub(crate) fn accepts(&self, rel: &str) -> bool {
        let included = self.include.as_ref().is_none_or(|set| set.is_match(rel));
        included && !self.overrides.matched(rel, false).is_ignore()
    }

    pub(crate) fn wants(&self, lang: Lang) -> bool {
        self.languages.contains(&lang)
    }
}

/// Root-relative `/`-separated path, or `None` if `path` is not under `root`.
pub(crate) fn rel_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut out = String::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&c.as_os_str().to_string_lossy());
    }
    Some(out)
}

pub(crate) fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Language of a file: by extension, else (extensionless files only) by a
/// `#!` line.
pub(crate) fn detect_lang(rel: &str, abs: &Path) -> Option<Lang> {
    if let Some(lang) = Lang::from_path(rel) {
        return Some(lang);
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name.contains('.') {
        return None;
    }
    let mut head = [0u8; 256];
    let mut file = std::fs::File::open(abs).ok()?;
    let n = file.read(&mut head).ok()?;
    let first_line = head[..n].split(|&b| b == b'\n').next().unwrap_or(&[]);
    Lang::from_shebang(first_line)
}

/// Classifies a walker error: loops and dangling links are `SymlinkLoop`,
/// everything else `WalkError`. Returns the path involved, if known.
fn classify_walk_error(err: &ignore::Error) -> (Option<PathBuf>, SkipReason, String) {
    fn walk(err: &ignore::Error, path: &mut Option<PathBuf>) -> Option<SkipReason> {
        match err {
            ignore::Error::Loop { child, .. } => {
                *path = Some(child.clone());
                Some(SkipReason::SymlinkLoop)
            }
            ignore::Error::WithPath { path: p, err } => {
                if path.is_none() {
                    *path = Some(p.clone());
                }
                walk(err, path)
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                walk(err, path)
            }
            ignore::Error::Partial(errs) => errs.iter().find_map(|e| walk(e, path)),
            // ENOENT through a link = dangling; ELOOP (40 on Linux) = a link
            // pointing at itself.
            ignore::Error::Io(e)
                if e.kind() == std::io::ErrorKind::NotFound || e.raw_os_error() == Some(40) =>
            {
                Some(SkipReason::SymlinkLoop)
            }
            ignore::Error::Io(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                Some(SkipReason::Unreadable)
            }
            _ => None,
        }
    }
    let mut path = None;
    let reason = walk(err, &mut path).unwrap_or(SkipReason::WalkError);
    (path, reason, err.to_string())
}

/// Walks `roots` (the project root, or a restricted set of paths under it).
pub(crate) fn discover(
    root: &Path,
    roots: &[PathBuf],
    config: &ScanConfig,
    filters: &Filters,
    cancel: &AtomicBool,
) -> Result<Discovery, ScanError> {
    let Some((first, rest)) = roots.split_first() else {
        return Ok(Discovery::default());
    };
    let mut builder = WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    builder
        .hidden(config.skip_hidden)
        .follow_links(config.follow_symlinks)
        .git_ignore(config.respect_ignore_files)
        .git_global(false)
        .git_exclude(config.respect_ignore_files)
        .ignore(config.respect_ignore_files)
        .parents(config.respect_ignore_files)
        .require_git(false)
        .overrides(filters.overrides.clone());
    if config.respect_ignore_files {
        builder.add_custom_ignore_filename(".driftignore");
    }
    if let Some(t) = config.threads {
        builder.threads(t);
    }

    let out = Mutex::new(Discovery::default());
    let push_skip = |skip: DiscoverySkip| {
        out.lock()
            .unwrap_or_else(|p| p.into_inner())
            .skipped
            .push(skip);
    };
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            if cancel.load(Ordering::Relaxed) {
                return WalkState::Quit;
            }
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let (path, reason, detail) = classify_walk_error(&err);
                    tracing::debug!(%err, "walk error");
                    if let Some(rel) = path.as_deref().and_then(|p| rel_path(root, p)) {
                        push_skip(DiscoverySkip {
                            file: SkippedFile {
                                lang: Lang::from_path(&rel),
                                path: rel,
                                reason,
                                detail,
                            },
                            size: 0,
                            mtime_ns: 0,
                        });
                    }
                    return WalkState::Continue;
                }
            };
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if is_dir || entry.depth() == 0 && entry.file_type().is_none() {
                return WalkState::Continue;
            }
            let abs = entry.path();
            let Some(rel) = rel_path(root, abs) else {
                return WalkState::Continue;
            };
            if rel.is_empty() || !filters.accepts(&rel) {
                return WalkState::Continue;
            }
            let Some(lang) = detect_lang(&rel, abs) else {
                return WalkState::Continue;
            };
            if !filters.wants(lang) {
                return WalkState::Continue;
            }
            let meta = match entry.metadata() {
                Ok(m) => m,
                Err(err) => {
                    let (_, reason, detail) = classify_walk_error(&err);
                    push_skip(DiscoverySkip {
                        file: SkippedFile {
                            path: rel,
                            lang: Some(lang),
                            reason: if reason == SkipReason::WalkError {
                                SkipReason::Unreadable
                            } else {
                                reason
                            },
                            detail,
                        },
                        size: 0,
                        mtime_ns: 0,
                    });
                    return WalkState::Continue;
                }
            };
            let size = meta.len();
            let mtime = mtime_ns(&meta);
            let skip = |reason, detail: String| DiscoverySkip {
                file: SkippedFile {
                    path: rel.clone(),
                    lang: Some(lang),
                    reason,
                    detail,
                },
                size,
                mtime_ns: mtime,
            };
            if !meta.is_file() {
                // FIFOs, sockets, devices: reading could block forever.
                push_skip(skip(
                    SkipReason::Unreadable,
                    "not a regular file (FIFO, socket or device)".to_string(),
                ));
                return WalkState::Continue;
            }
            if size > config.max_file_size {
                push_skip(skip(
                    SkipReason::TooLarge,
                    format!("{size} bytes > limit {}", config.max_file_size),
                ));
                return WalkState::Continue;
            }
            out.lock()
                .unwrap_or_else(|p| p.into_inner())
                .candidates
                .push(Candidate {
                    rel,
                    abs: abs.to_path_buf(),
                    lang,
                    size,
                    mtime_ns: mtime,
                });
            WalkState::Continue
        })
    });
    if cancel.load(Ordering::Relaxed) {
        return Err(ScanError::Cancelled);
    }
    let mut out = out.into_inner().unwrap_or_else(|p| p.into_inner());
    out.candidates.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.candidates.dedup_by(|a, b| a.rel == b.rel);
    out.skipped.sort_by(|a, b| a.file.path.cmp(&b.file.path));
    out.skipped.dedup_by(|a, b| a.file.path == b.file.path);
    Ok(out)
}
