//! Incremental scans: only new/changed files are re-analysed, deleted ones
//! dropped, learning still covers every stored match; cancellation and
//! configuration changes; staleness.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use common::*;
use drift_scan::{Phase, Project, ScanConfig, ScanError, ScanOptions};

const THROW: &str = "error-handling/throw-style";

#[test]
fn change_delete_add() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    let project = open(root);
    let first = scan(&project);
    assert_eq!((first.parsed, first.unchanged, first.removed), (14, 0, 0));

    let noop = scan(&project);
    assert_eq!((noop.parsed, noop.unchanged, noop.removed), (0, 14, 0));
    assert!(!noop.full);
    assert_eq!(noop.patterns, first.patterns);
    assert_eq!(noop.violations, first.violations);

    // Change one (it now deviates too), delete one, add one.
    write(
        root,
        "src/users/service0.ts",
        "export function find0(id: string): string {\n  throw new Error('changed');\n}\n",
    );
    std::fs::remove_file(root.join("src/orders/service1.ts")).unwrap();
    write(root, "src/new/added.ts", ts_custom_throw(99));
    let status = project.status().unwrap();
    assert_eq!(status.stale.modified, vec!["src/users/service0.ts"]);
    assert_eq!(status.stale.added, vec!["src/new/added.ts"]);
    assert_eq!(status.stale.deleted, vec!["src/orders/service1.ts"]);
    assert!(status.stale.is_stale());

    let third = scan(&project);
    assert_eq!((third.parsed, third.unchanged, third.removed), (2, 12, 1));
    // Learnt from 2 analysed files' matches and 12 files' stored ones.
    let all = |project: &drift_scan::Project| {
        let index = project.index();
        (
            index.patterns(&Default::default()).unwrap(),
            index.violations(&Default::default()).unwrap(),
        )
    };
    let incremental = all(&project);
    assert!(
        project
            .index()
            .file_info("src/orders/service1.ts")
            .unwrap()
            .is_none()
    );
    assert!(
        project
            .index()
            .file_info("src/new/added.ts")
            .unwrap()
            .is_some()
    );
    // Learning ran over all files, not only the two re-parsed ones:
    // 12 files * 2 custom - 2 (service0) - 2 (service1) + 2 (added) = 22
    // custom, 1 + 1 builtin.
    let p = project.index().pattern(THROW).unwrap().unwrap();
    assert_eq!(p.occurrences, 24);
    assert_eq!(p.variants[0].count, 22);
    assert_eq!(p.variants[1].count, 2);
    let violations = project
        .index()
        .violations(&drift_scan::drift_index::ViolationFilter {
            pattern_id: Some(THROW.into()),
            ..Default::default()
        })
        .unwrap();
    let paths: Vec<&str> = violations.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, vec!["src/legacy/old.ts", "src/users/service0.ts"]);
    assert!(!project.status().unwrap().stale.is_stale());

    // Touch without changing content: hashed, not re-parsed.
    let content = std::fs::read(root.join("src/errors.ts")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(root.join("src/errors.ts"), content).unwrap();
    let touched = scan(&project);
    assert_eq!((touched.parsed, touched.unchanged), (0, 14));
    assert!(!project.status().unwrap().stale.is_stale());

    // --full re-parses everything.
    let full = scan_full(&project);
    assert!(full.full);
    assert_eq!((full.parsed, full.unchanged, full.removed), (14, 0, 0));
    assert_eq!(project.index().pattern(THROW).unwrap().unwrap(), p);
    // Every pattern and violation as when learnt from all files' matches.
    assert!(!incremental.0.is_empty() && !incremental.1.is_empty());
    assert_eq!(all(&project), incremental);
}

#[test]
fn restricted_paths_only_touch_their_scope() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    let project = open(root);
    scan(&project);
    write(root, "src/users/service0.ts", ts_custom_throw(1000));
    write(root, "src/orders/service1.ts", ts_custom_throw(1001));
    std::fs::remove_file(root.join("src/orders/service3.ts")).unwrap();
    let report = project
        .scan(
            &ScanOptions {
                full: false,
                paths: vec![PathBuf::from("src/users")],
            },
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
    assert_eq!((report.parsed, report.unchanged, report.removed), (1, 5, 0));
    let status = project.status().unwrap();
    assert_eq!(status.stale.modified, vec!["src/orders/service1.ts"]);
    assert_eq!(status.stale.deleted, vec!["src/orders/service3.ts"]);
    // A single file, absolute.
    let report = project
        .scan(
            &ScanOptions {
                full: false,
                paths: vec![root.join("src/orders/service3.ts")],
            },
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
    assert_eq!((report.parsed, report.removed), (0, 1));
    let err = project
        .scan(
            &ScanOptions {
                full: false,
                paths: vec![PathBuf::from("/")],
            },
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap_err();
    assert!(matches!(err, ScanError::OutsideRoot(_)), "{err}");
}

#[test]
fn config_change_forces_full_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    scan(&open(root));
    let same = scan(&open(root));
    assert!(!same.full);
    let changed = Project::open(
        root,
        ScanConfig {
            max_file_size: 4096,
            ..config()
        },
    )
    .unwrap();
    assert!(changed.status().unwrap().config_changed);
    let report = scan(&changed);
    assert!(report.full);
    assert_eq!(report.parsed, 14);
    assert!(!scan(&changed).full);
}

#[test]
fn cancellation_keeps_previous_patterns_and_next_scan_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    let project = Project::open(
        root,
        ScanConfig {
            chunk_size: 4,
            ..config()
        },
    )
    .unwrap();
    scan(&project);
    let before = project.index().patterns(&Default::default()).unwrap();
    let violations_before = project.index().violations(&Default::default()).unwrap();
    for i in 0..40 {
        write(
            root,
            &format!("src/more/builtin{i}.ts"),
            "export function b() { throw new Error('x'); }\n",
        );
    }
    let cancel = AtomicBool::new(false);
    let err = project
        .scan(
            &ScanOptions::default(),
            &|p| {
                if p.phase == Phase::Parse && p.done >= 8 {
                    cancel.store(true, Ordering::Relaxed);
                }
            },
            &cancel,
        )
        .unwrap_err();
    assert!(matches!(err, ScanError::Cancelled), "{err}");
    let summary = project.index().summary().unwrap();
    assert!(summary.scan_interrupted);
    assert_eq!(
        project.index().patterns(&Default::default()).unwrap(),
        before
    );
    assert_eq!(
        project.index().violations(&Default::default()).unwrap(),
        violations_before
    );
    let written = summary.files - 14;
    assert!(
        (8..40).contains(&written),
        "{written} files written before cancel"
    );

    let next = scan(&project);
    assert_eq!(next.parsed, 40 - written);
    assert_eq!(next.unchanged, 14 + written);
    assert!(!project.index().summary().unwrap().scan_interrupted);
    let p = project.index().pattern(THROW).unwrap().unwrap();
    assert_eq!(p.occurrences, 25 + 40);
    assert_eq!(p.dominant, "builtin-error");
}

#[test]
fn learn_settings_change_relearns_without_reparsing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    let first = scan(&open(root));
    assert!(first.violations > 0);
    let strict = Project::open(
        root,
        ScanConfig {
            learn: drift_scan::LearnSettings {
                violation_min_confidence: 1.01,
                ..Default::default()
            },
            ..config()
        },
    )
    .unwrap();
    let report = scan(&strict);
    assert_eq!((report.parsed, report.unchanged), (0, 14));
    assert!(!report.full);
    assert_eq!(report.violations, 0);
    assert_eq!(report.patterns, first.patterns);
}
