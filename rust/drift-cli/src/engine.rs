//! The glue to the scan engine: configuration mapping, opening the
//! project, running a scan with progress on stderr and Ctrl-C handling.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use drift_config::Config;
use drift_scan::{Phase, Progress, Project, ScanConfig, ScanError, ScanOptions, ScanReport};

use crate::Ctx;
use crate::error::CliError;

/// Maps `.drift/drift.toml` onto the engine's configuration.
pub fn scan_config(config: &Config) -> ScanConfig {
    ScanConfig::from_project_config(config)
}

/// Loads the configuration (strictly) for an initialised project.
pub fn load_config(ctx: &Ctx<'_>) -> Result<Config> {
    ctx.require_init()?;
    Ok(Config::load_or_default(&ctx.root)?)
}

/// Opens the project's engine and index. Every scan also rebuilds the
/// stored call graph (inside the scan's final transaction), like the MCP
/// server and the Node addon do, so all front ends see the same graph.
pub fn open(ctx: &Ctx<'_>, config: &Config) -> Result<Project> {
    let config = ScanConfig {
        db_path: Some(ctx.index_file()),
        ..scan_config(config)
    };
    let mut project = Project::open(&ctx.root, config).map_err(map_scan_error)?;
    drift_callgraph::attach(&mut project).map_err(|e| anyhow::anyhow!("call graph: {e}"))?;
    Ok(project)
}

/// Turns engine errors that are the user's doing into [`CliError`]s.
pub fn map_scan_error(e: ScanError) -> anyhow::Error {
    match e {
        ScanError::Cancelled => CliError::Interrupted.into(),
        ScanError::OutsideRoot(path) => {
            CliError::Usage(format!("{} is outside the project root", path.display())).into()
        }
        ScanError::Glob { glob, message } => CliError::Usage(format!(
            "invalid glob `{glob}` in the configuration: {message}"
        ))
        .into(),
        e @ ScanError::IndexOwner { .. } => CliError::Usage(e.to_string()).into(),
        ScanError::Config(message) => {
            CliError::Usage(format!("invalid configuration: {message}")).into()
        }
        other => anyhow::Error::new(other),
    }
}

/// Checks that each path exists and is inside the root; returns them
/// absolute.
pub fn project_paths(ctx: &Ctx<'_>, paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let root = ctx.root.canonicalize().unwrap_or_else(|_| ctx.root.clone());
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        let abs = if p.is_absolute() {
            p.clone()
        } else {
            ctx.cwd.join(p)
        };
        let canon = abs
            .canonicalize()
            .map_err(|_| CliError::PathMissing { path: p.clone() })?;
        if !canon.starts_with(&root) {
            return Err(CliError::PathOutside {
                path: p.clone(),
                root: ctx.root.clone(),
            }
            .into());
        }
        out.push(canon);
    }
    Ok(out)
}

fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Discover => "discovering",
        Phase::Parse => "parsing",
        Phase::Learn => "learning",
        Phase::Store => "storing",
    }
}

/// Runs a scan with progress on stderr: an indicatif bar on a terminal,
/// plain phase lines otherwise (CI, pipes), nothing with `-q`.
pub fn scan(ctx: &mut Ctx<'_>, project: &Project, options: &ScanOptions) -> Result<ScanReport> {
    let quiet = ctx.global.quiet;
    let fancy = ctx.term.stderr_tty && !ctx.term.ci && !quiet;
    let bar = fancy.then(|| {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        let style = indicatif::ProgressStyle::with_template(
            "{spinner} {msg:<12} [{bar:30}] {pos}/{len} files ({rate}, {elapsed})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} files/s", state.per_sec());
            },
        )
        .progress_chars("=> ");
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let last_phase: RefCell<Option<Phase>> = RefCell::new(None);
    let err = RefCell::new(&mut *ctx.err);
    let progress = |p: &Progress| {
        let changed = *last_phase.borrow() != Some(p.phase);
        if changed {
            *last_phase.borrow_mut() = Some(p.phase);
        }
        match &bar {
            Some(bar) => {
                if changed {
                    bar.set_message(phase_name(p.phase));
                    bar.reset();
                }
                bar.set_length(p.total);
                bar.set_position(p.done);
            }
            None if changed && !quiet => {
                let total = if p.total > 0 && matches!(p.phase, Phase::Discover | Phase::Parse) {
                    format!(" ({} files)", p.total)
                } else {
                    String::new()
                };
                let _ = writeln!(err.borrow_mut(), "{}{total}…", phase_name(p.phase));
            }
            None => {}
        }
    };
    let result = project.scan(options, &progress, &ctx.cancel);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    result.map_err(map_scan_error)
}

/// Opens the project and makes sure the index has been scanned at least
/// once (for commands that read conventions).
pub fn open_scanned(ctx: &Ctx<'_>, config: &Config) -> Result<Project> {
    let project = open(ctx, config)?;
    ensure_scanned(&project)?;
    Ok(project)
}

/// Read access to the index without loading detectors: the database is
/// opened read-only when it can be, else through the engine (which also
/// migrates an older schema).
pub enum IndexHandle {
    ReadOnly(drift_scan::Index),
    Project(Box<Project>),
}

impl IndexHandle {
    pub fn index(&self) -> &drift_scan::Index {
        match self {
            IndexHandle::ReadOnly(i) => i,
            IndexHandle::Project(p) => p.index(),
        }
    }
}

/// Opens the index of a scanned project for reading (fast path for
/// `conventions`, `approve`, `ignore`, `export`).
pub fn open_index(ctx: &Ctx<'_>, config: &Config) -> Result<IndexHandle> {
    let db = ctx.index_file();
    if !db.is_file() {
        return Err(CliError::NotScanned.into());
    }
    if let Ok(index) = drift_scan::Index::open_read_only(&db)
        && let Ok(summary) = index.summary()
    {
        if summary.last_scan.is_none() {
            return Err(CliError::NotScanned.into());
        }
        return Ok(IndexHandle::ReadOnly(index));
    }
    Ok(IndexHandle::Project(Box::new(open_scanned(ctx, config)?)))
}

/// Fails with "run `drift scan`" when the index has never been scanned.
pub fn ensure_scanned(project: &Project) -> Result<()> {
    let summary = project
        .index()
        .summary()
        .context("reading the index summary")?;
    if summary.last_scan.is_none() {
        return Err(CliError::NotScanned.into());
    }
    Ok(())
}

/// `2026-11-25` for today (UTC), for decision records.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `git config user.name` in the project, if any.
pub fn git_user(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["config", "user.name"])
        .output()
        .ok()?;
    let name = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn today_is_a_date() {
        let t = super::today();
        assert_eq!(t.len(), 10);
        assert!(t.starts_with("20"));
    }
}
