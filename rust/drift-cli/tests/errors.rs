//! Every user error: a clear message, a fix, and exit code 2.

mod common;

use common::Fixture;

#[test]
fn not_initialised() {
    let f = Fixture::throws();
    std::fs::remove_dir_all(f.path(".drift")).expect("rm .drift");
    for args in [
        vec!["scan"],
        vec!["status"],
        vec!["check"],
        vec!["conventions", "list"],
        vec!["approve", "x/y:z"],
        vec!["export"],
    ] {
        let r = f.drift(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("is not a Drift project"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("run `drift init`"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn scan_init_initialises_a_fresh_project() {
    let f = Fixture::throws();
    std::fs::remove_dir_all(f.path(".drift")).expect("rm .drift");
    let r = f.drift(&["scan", "--init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(f.path(".drift/drift.toml").is_file());
    assert!(r.stderr.contains("initialised"), "{}", r.stderr);
    // Already initialised: `--init` changes nothing and the scan still runs.
    let again = f.drift(&["scan", "--init"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(!again.stderr.contains("initialised"), "{}", again.stderr);
}

#[test]
fn not_scanned_yet() {
    let f = Fixture::throws();
    assert_eq!(f.drift(&["init"]).code, 0);
    let r = f.drift(&["conventions", "list"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("run `drift scan`"), "{}", r.stderr);
    let r = f.drift(&["check", "--no-scan"]);
    assert_eq!(r.code, 2);
}

#[test]
fn malformed_config_names_file_line_column_and_key() {
    let f = Fixture::throws();
    assert_eq!(f.drift(&["init"]).code, 0);
    f.write(
        ".drift/drift.toml",
        "[scan]\ninclude = []\n\n[check]\nfail_on = \"sometimes\"\n",
    );
    let r = f.drift(&["scan"]);
    assert_eq!(r.code, 2);
    f.settings()
        .bind(|| insta::assert_snapshot!("malformed_config", r.stderr));
    assert!(
        r.stderr
            .contains(".drift/drift.toml:5:11: key `check.fail_on`"),
        "{}",
        r.stderr
    );

    f.write(".drift/drift.toml", "[scna]\n");
    let r = f.drift(&["status"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(":1:2: key `scna`: unknown field `scna`"),
        "{}",
        r.stderr
    );
}

#[test]
fn malformed_decisions_file() {
    let f = Fixture::throws();
    f.init_and_scan();
    f.write(
        ".drift/conventions.toml",
        "version = 1\n[conventions.\"a/b:c\"]\nstate = \"approved\"\nwho = \"me\"\n",
    );
    let r = f.drift(&["status"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("conventions.toml:4:1: key `conventions.a/b:c.who`"),
        "{}",
        r.stderr
    );
}

#[test]
fn unknown_convention_suggests_nearest() {
    let f = Fixture::throws();
    f.init_and_scan();
    let r = f.drift(&["approve", "errors/throw-styel:custom-error"]);
    assert_eq!(r.code, 2);
    f.settings()
        .bind(|| insta::assert_snapshot!("unknown_convention", r.stderr));
    assert!(
        r.stderr
            .contains("did you mean: `errors/throw-style:custom-error`")
    );
    let r = f.drift(&["conventions", "show", "nothing/like-this"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("drift conventions list"), "{}", r.stderr);
    let r = f.drift(&["ignore", "errors/throw-style:custom-eror", "--reason", "x"]);
    assert_eq!(r.code, 2);
    // Nothing was written.
    assert!(!f.path(".drift/conventions.toml").exists());
    // A variant that does not exist for --scope.
    let r = f.drift(&[
        "approve",
        "errors/throw-style",
        "--scope",
        "x/**",
        "--variant",
        "nope",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("has no variant `nope`"), "{}", r.stderr);
}

#[test]
fn paths_outside_the_project() {
    let f = Fixture::throws();
    f.init_and_scan();
    let outside = tempfile::tempdir().expect("tempdir");
    let r = f.drift(&["scan", &outside.path().to_string_lossy()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("is outside the project root"),
        "{}",
        r.stderr
    );
    let r = f.drift(&["scan", "../"]);
    assert_eq!(r.code, 2);
    let r = f.drift(&["scan", "src/nope.ts"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    let r = f.drift(&["status", "--root", "/definitely/not/here"]);
    assert_eq!(r.code, 2);
}

#[test]
fn bad_git_revision_and_not_a_repo() {
    let f = Fixture::throws();
    f.init_and_scan();
    let r = f.drift(&["check", "--changed-since", "main"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not inside a git work tree"),
        "{}",
        r.stderr
    );
    f.git(&["init", "-q"]);
    f.git(&["add", "."]);
    f.git(&["commit", "-qm", "init"]);
    let r = f.drift(&["check", "--changed-since", "no-such-branch"]);
    assert_eq!(r.code, 2);
    f.settings()
        .bind(|| insta::assert_snapshot!("bad_revision", r.stderr));
    let r = f.drift(&["check", "--changed-since", "--output=x"]);
    assert_eq!(r.code, 2);
}

#[test]
fn usage_errors_exit_2() {
    let f = Fixture::empty();
    for args in [
        vec!["frobnicate"],
        vec!["check", "--format", "xml"],
        vec!["check", "--fail-on", "sometimes"],
        vec!["ignore", "a/b:c"],
        vec!["approve"],
        vec!["approve", "--min-confidence", "7"],
        vec!["conventions", "list", "--tier", "legendary"],
        vec!["--color", "sometimes", "status"],
        vec![],
    ] {
        let r = f.drift(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.is_empty());
    }
}
