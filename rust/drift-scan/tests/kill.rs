//! SIGKILL a scan midway (in a child process: this test binary re-invoked
//! with `DRIFT_KILL_CHILD_ROOT` set), then check the previous index is
//! readable and consistent and the next scan completes.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;

use common::*;
use drift_scan::drift_index::{Index, PatternFilter, ViolationFilter};
use drift_scan::{Phase, Project, ScanConfig, ScanOptions};

const CHILD_ENV: &str = "DRIFT_KILL_CHILD_ROOT";
const FILES: usize = 3000;

fn kill_config() -> ScanConfig {
    ScanConfig {
        chunk_size: 32,
        threads: Some(2),
        ..ScanConfig::default()
    }
}

/// Child entry point: does nothing unless re-invoked by `sigkill_midway`.
#[test]
fn kill_child_entry() {
    let Ok(root) = std::env::var(CHILD_ENV) else {
        return;
    };
    let project = Project::open(&root, kill_config()).unwrap();
    project
        .scan(
            &ScanOptions::default(),
            &|p| {
                if p.phase == Phase::Parse {
                    println!("PARSE {} {}", p.done, p.total);
                }
            },
            &AtomicBool::new(false),
        )
        .unwrap();
    println!("FINISHED");
}

fn generate(root: &std::path::Path, variant: &str) {
    for i in 0..FILES {
        let body = if i % 10 == 0 {
            // 10 % deviate.
            format!("export function f{i}() {{ throw new Error('{variant}'); }}\n")
        } else {
            format!(
                "export function f{i}(x: number) {{\n  if (x) {{ throw new AppError('{variant}'); }}\n  return x;\n}}\n"
            )
        };
        write(root, &format!("src/d{}/f{i}.ts", i % 20), body);
    }
}

#[test]
fn sigkill_midway_leaves_previous_index_and_next_scan_completes() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    generate(root, "v1");
    let project = Project::open(root, kill_config()).unwrap();
    let first = scan(&project);
    assert_eq!(first.parsed, FILES as u64);
    let patterns_before = project.index().patterns(&PatternFilter::default()).unwrap();
    let violations_before = project
        .index()
        .violations(&ViolationFilter::default())
        .unwrap();
    let throw = project
        .index()
        .pattern("error-handling/throw-style")
        .unwrap()
        .unwrap();
    assert_eq!(throw.dominant, "custom-error");
    assert_eq!(violations_before.len(), FILES / 10);
    drop(project);

    // Change every file so the child has real work.
    generate(root, "v2");
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args([
            "--exact",
            "kill_child_entry",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut killed_at = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("PARSE ") {
            let mut it = rest.split(' ').map(|n| n.parse::<u64>().unwrap());
            let (done, total) = (it.next().unwrap(), it.next().unwrap());
            if done >= 3 * 32 {
                assert!(done < total, "child finished parsing before the kill");
                child.kill().unwrap(); // SIGKILL
                killed_at = Some(done);
                break;
            }
        }
        assert_ne!(line, "FINISHED", "child finished before it was killed");
    }
    child.wait().unwrap();
    let killed_at = killed_at.expect("child reported parse progress");

    // The previous index is readable, consistent and unchanged where it
    // matters: patterns and violations are the previous scan's.
    let db = root.join(".drift/drift.db");
    let reader = Index::open_read_only(&db).unwrap();
    let integrity: String = reader
        .with_conn(|c| -> Result<String, drift_scan::IndexError> {
            Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
        })
        .unwrap();
    assert_eq!(integrity, "ok");
    let fk: i64 = reader
        .with_conn(|c| -> Result<i64, drift_scan::IndexError> {
            Ok(
                c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .unwrap();
    assert_eq!(fk, 0);
    assert_eq!(
        reader.patterns(&PatternFilter::default()).unwrap(),
        patterns_before
    );
    assert_eq!(
        reader.violations(&ViolationFilter::default()).unwrap(),
        violations_before
    );
    let summary = reader.summary().unwrap();
    assert!(summary.scan_interrupted);
    assert_eq!(summary.files, FILES as u64);
    drop(reader);

    // The next scan completes the interrupted one.
    let project = Project::open(root, kill_config()).unwrap();
    let next = scan(&project);
    assert_eq!(next.parsed + next.unchanged, FILES as u64);
    // Progress counts analysed chunks; the index writer may be up to two
    // chunks (the one in the channel and the one being written) behind.
    assert!(
        next.unchanged + 2 * 32 >= killed_at,
        "{} + 64 < {killed_at}",
        next.unchanged
    );
    assert!(next.parsed > 0);
    let summary = project.index().summary().unwrap();
    assert!(!summary.scan_interrupted);
    let violations = project
        .index()
        .violations(&ViolationFilter::default())
        .unwrap();
    assert_eq!(violations.len(), FILES / 10);
    assert!(
        violations.iter().all(|v| v.snippet.contains("v2")),
        "{:?}",
        violations[0]
    );
}
