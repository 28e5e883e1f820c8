//! The background scan: when the index is missing or stale at start-up, an
//! incremental scan runs on the blocking pool while tools keep answering
//! from what is already committed. The call graph is rebuilt inside the
//! scan's final transaction (a [`ScanFinalizer`]) so readers never see a
//! graph that disagrees with the facts.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use drift_scan::{Phase, Progress, ScanConfig, ScanOptions};

use crate::core::{Core, ScanPhase, ScanStatus};

/// Stack of the scan thread.
const SCAN_STACK: usize = 64 * 1024 * 1024;

/// Maps `.drift/drift.toml` to the engine's scan configuration, leaving a
/// core for the request handlers.
pub fn scan_config(root: &Path) -> Result<ScanConfig, drift_config::ConfigError> {
    let config = drift_config::Config::load_or_default(root)?;
    Ok(ScanConfig {
        threads: Some(
            std::thread::available_parallelism()
                .map(|n| n.get().saturating_sub(1).max(1))
                .unwrap_or(1),
        ),
        ..ScanConfig::from_project_config(&config)
    })
}

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Discover => "discover",
        Phase::Parse => "parse",
        Phase::Learn => "learn",
        Phase::Store => "store",
    }
}

/// Decides whether the index needs a scan and, if so, runs it on the
/// blocking pool. Returns immediately.
pub fn spawn_background_scan(core: Arc<Core>) {
    let started = Instant::now();
    let failed_tx = core.scan_tx.clone();
    core.scan_tx.send_replace(ScanStatus {
        phase: ScanPhase::Running,
        step: Some("checking".into()),
        reason: None,
        ..ScanStatus::idle()
    });
    // A dedicated thread with a generous stack: learning and call-graph
    // resolution run on the scanning thread, and tokio's blocking pool
    // threads only have 2 MiB.
    let spawned = std::thread::Builder::new()
        .name("drift-mcp-scan".into())
        .stack_size(SCAN_STACK)
        .spawn(move || {
            let outcome = run_scan(&core, started);
            let elapsed_ms = Some(started.elapsed().as_millis() as u64);
            let status = match outcome {
                Ok(Some((reason, parsed))) => {
                    tracing::info!(%reason, parsed, "background scan finished");
                    ScanStatus {
                        phase: ScanPhase::Done,
                        step: None,
                        done: parsed,
                        total: Some(parsed),
                        reason: Some(reason),
                        elapsed_ms,
                        error: None,
                    }
                }
                Ok(None) => ScanStatus {
                    reason: Some("index up to date".into()),
                    elapsed_ms,
                    ..ScanStatus::idle()
                },
                Err(e) => {
                    tracing::warn!(error = %e, "background scan failed");
                    ScanStatus {
                        phase: ScanPhase::Failed,
                        error: Some(e),
                        elapsed_ms,
                        ..ScanStatus::idle()
                    }
                }
            };
            core.invalidate_graph();
            // Load the new snapshot and graph before announcing completion,
            // so the first requests after the scan do not pay for it.
            core.warm();
            core.scan_tx.send_replace(status);
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the scan thread");
        failed_tx.send_replace(ScanStatus {
            phase: ScanPhase::Failed,
            error: Some(format!("could not start the scan thread: {e}")),
            ..ScanStatus::idle()
        });
    }
}

/// `Ok(Some((reason, files parsed)))` after a scan, `Ok(None)` when none
/// was needed.
fn run_scan(core: &Core, started: Instant) -> Result<Option<(String, u64)>, String> {
    let project = core.project();
    let status = project.status().map_err(|e| e.to_string())?;
    let stale = &status.stale;
    let reason = if status.summary.last_scan.is_none() {
        "index missing".to_string()
    } else if status.config_changed {
        "configuration changed".to_string()
    } else if status.summary.scan_interrupted {
        "previous scan interrupted".to_string()
    } else if !stale.added.is_empty() || !stale.modified.is_empty() || !stale.deleted.is_empty() {
        format!(
            "{} added, {} modified, {} deleted",
            stale.added.len(),
            stale.modified.len(),
            stale.deleted.len()
        )
    } else {
        return Ok(None);
    };
    tracing::info!(%reason, "starting background scan");
    let tx = core.scan_tx.clone();
    let reason_for_progress = reason.clone();
    let progress = move |p: &Progress| {
        tx.send_replace(ScanStatus {
            phase: ScanPhase::Running,
            step: Some(phase_name(p.phase).to_string()),
            done: p.done,
            total: (p.total > 0).then_some(p.total),
            error: None,
            reason: Some(reason_for_progress.clone()),
            elapsed_ms: Some(started.elapsed().as_millis() as u64),
        });
    };
    let report = project
        .scan(&ScanOptions::default(), &progress, &core.cancel)
        .map_err(|e| e.to_string())?;
    Ok(Some((reason, report.parsed)))
}
