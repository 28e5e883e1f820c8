//! Decisions live in .drift/conventions.toml: deleting the index loses none.

mod common;

use common::Fixture;

#[test]
fn decisions_survive_deleting_the_index() {
    let f = Fixture::throws();
    f.init_and_scan();
    assert_eq!(f.drift(&["approve", "errors/throw-style"]).code, 0);
    assert_eq!(
        f.drift(&["approve", "errors/throw-style", "--scope", "legacy/**"])
            .code,
        0
    );
    let before = f.drift(&["check", "--json"]).json();
    assert_eq!(before["summary"]["total"], 1);
    let decisions = f.read(".drift/conventions.toml");

    for name in ["drift.db", "drift.db-wal", "drift.db-shm"] {
        let p = f.path(&format!(".drift/{name}"));
        if p.exists() {
            std::fs::remove_file(p).expect("rm");
        }
    }
    // Not scanned: commands that need the index say so...
    assert_eq!(f.drift(&["conventions", "list"]).code, 2);
    // ...and a rescan brings everything back, decisions applied.
    assert_eq!(f.drift(&["scan"]).code, 0);
    let list = f.drift(&["conventions", "list", "--json"]).json();
    assert_eq!(list[0]["state"], "approved");
    let after = f.drift(&["check", "--json"]).json();
    assert_eq!(after["violations"], before["violations"]);
    assert_eq!(f.read(".drift/conventions.toml"), decisions);
    // `check` on a fresh clone (no index at all) scans first.
    std::fs::remove_file(f.path(".drift/drift.db")).expect("rm");
    let r = f.drift(&["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn decisions_file_is_sorted_and_stable() {
    let f = Fixture::throws();
    f.init_and_scan();
    assert_eq!(
        f.drift(&[
            "ignore",
            "errors/throw-style:builtin-error",
            "--reason",
            "r"
        ])
        .code,
        0
    );
    assert_eq!(
        f.drift(&["approve", "errors/throw-style:custom-error"])
            .code,
        0
    );
    let first = f.read(".drift/conventions.toml");
    let b = first.find("builtin-error").expect("b");
    let c = first.find("custom-error\"]").expect("c");
    assert!(b < c, "sorted by id:\n{first}");
    // Re-approving the same thing does not change the file.
    assert_eq!(
        f.drift(&["approve", "errors/throw-style:custom-error"])
            .code,
        0
    );
    assert_eq!(f.read(".drift/conventions.toml"), first);
}
