//! A hostile tree: binary, invalid UTF-8, a 20 MB file, 5,000-deep nesting,
//! symlink loops, dangling links, unreadable entries, syntax errors. The
//! scan must complete and report each problem with its reason.
//!
//! Unreadable files: tests usually run as root, where `chmod 000` does not
//! stop reads. The tree therefore always contains a FIFO (`mkfifo`; reading
//! it would block forever, so it must be recorded as `unreadable` without
//! being opened) and, only when a `chmod 000` file really is unreadable
//! (checked at run time), such a file too.
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt;

use common::*;
use drift_scan::drift_index::{FileStatus, SkipReason};

fn hostile(root: &std::path::Path) -> bool {
    write(
        root,
        "src/ok.ts",
        "export function fine(): number { return 1; }\n",
    );
    // Binary with a language extension.
    let mut bin = b"export const x = 1;\n".to_vec();
    bin.extend_from_slice(&[0, 1, 2, 3, 0, 255]);
    write(root, "src/blob.ts", &bin);
    // Invalid UTF-8: parsed lossily, marked partial.
    write(
        root,
        "src/latin1.py",
        b"def caf\xe9():\n    return '\xff\xfe'\n".as_slice(),
    );
    // 20 MB file (sparse): skipped by size without being read.
    let huge = root.join("src/huge.js");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(20 * 1024 * 1024).unwrap();
    drop(f);
    // 5,000 levels of nesting, a level per line (on one line, they would
    // be skipped as minified).
    let depth = 5000;
    let deep_js = format!(
        "const x = {}1{};\n",
        "(\n".repeat(depth),
        ")\n".repeat(depth)
    );
    write(root, "src/deep.js", deep_js);
    let deep_py = format!("x = {}1{}\n", "[\n".repeat(depth), "]\n".repeat(depth));
    write(root, "src/deep.py", deep_py);
    let deep_ts = format!(
        "export function f() {{\n{} return 1; {} }}\n",
        "if (a) {\n".repeat(depth),
        "}\n".repeat(depth)
    );
    write(root, "src/deep_blocks.ts", deep_ts);
    // Syntax errors.
    write(
        root,
        "src/broken.ts",
        "export function broken( { return ;;; }}}\n",
    );
    // Symlink loops and a dangling link.
    std::os::unix::fs::symlink("..", root.join("src/loop")).unwrap();
    std::os::unix::fs::symlink("self.ts", root.join("src/self.ts")).unwrap();
    std::os::unix::fs::symlink("nowhere.ts", root.join("src/dangling.ts")).unwrap();
    // FIFO.
    let status = std::process::Command::new("mkfifo")
        .arg(root.join("src/pipe.ts"))
        .status()
        .unwrap();
    assert!(status.success());
    // chmod 000, only meaningful when it actually blocks reads (not root).
    let locked = root.join("src/locked.ts");
    std::fs::write(&locked, "export const l = 1;\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let chmod_blocks = std::fs::read(&locked).is_err();
    if !chmod_blocks {
        std::fs::remove_file(&locked).unwrap();
    }
    chmod_blocks
}

#[test]
fn hostile_tree_completes_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let chmod_blocks = hostile(root);
    let project = open(root);
    let report = scan(&project);

    let mut skipped: Vec<(String, SkipReason)> = report
        .skipped
        .iter()
        .map(|s| (s.path.clone(), s.reason))
        .collect();
    skipped.sort();
    let mut expected = vec![
        ("src/blob.ts".to_string(), SkipReason::Binary),
        ("src/dangling.ts".to_string(), SkipReason::SymlinkLoop),
        ("src/huge.js".to_string(), SkipReason::TooLarge),
        ("src/loop".to_string(), SkipReason::SymlinkLoop),
        ("src/pipe.ts".to_string(), SkipReason::Unreadable),
        ("src/self.ts".to_string(), SkipReason::SymlinkLoop),
    ];
    if chmod_blocks {
        expected.push(("src/locked.ts".to_string(), SkipReason::Unreadable));
    }
    expected.sort();
    assert_eq!(skipped, expected, "{report:#?}");
    for s in &report.skipped {
        assert!(!s.detail.is_empty(), "{s:?} has no detail");
    }
    let huge = report
        .skipped
        .iter()
        .find(|s| s.path == "src/huge.js")
        .unwrap();
    assert!(huge.detail.contains("20971520"), "{}", huge.detail);

    let partial: Vec<&str> = report.partial.iter().map(|p| p.path.as_str()).collect();
    assert!(partial.contains(&"src/latin1.py"), "{partial:?}");
    assert!(partial.contains(&"src/broken.ts"), "{partial:?}");
    let broken = report
        .partial
        .iter()
        .find(|p| p.path == "src/broken.ts")
        .unwrap();
    assert!(broken.error_count > 0);

    let idx = project.index();
    for deep in ["src/deep.js", "src/deep.py", "src/deep_blocks.ts"] {
        let info = idx.file_info(deep).unwrap().unwrap();
        assert_ne!(info.status, FileStatus::Skipped, "{deep}: {info:?}");
    }
    let ok = idx.file_info("src/ok.ts").unwrap().unwrap();
    assert_eq!(ok.status, FileStatus::Ok);
    let latin = idx.file_info("src/latin1.py").unwrap().unwrap();
    assert_eq!(latin.status, FileStatus::Partial);
    assert!(
        latin.symbols.iter().any(|s| s.name.starts_with("caf")),
        "{:?}",
        latin.symbols
    );
    assert_eq!(idx.skipped_files().unwrap().len(), expected.len());

    // A rescan completes too and reuses what it can.
    let again = scan(&project);
    assert_eq!(again.parsed, 0, "{again:#?}");
    assert_eq!(again.skipped.len(), expected.len());

    if chmod_blocks {
        let locked = root.join("src/locked.ts");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
}

#[test]
fn max_file_size_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.ts", "export const a = 1;\n".repeat(10));
    write(root, "b.ts", "export const b = 1;\n");
    let project = drift_scan::Project::open(
        root,
        drift_scan::ScanConfig {
            max_file_size: 50,
            ..config()
        },
    )
    .unwrap();
    let report = scan(&project);
    assert_eq!(report.parsed, 1);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].path, "a.ts");
    assert_eq!(report.skipped[0].reason, SkipReason::TooLarge);
}
