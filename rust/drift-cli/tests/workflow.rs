//! End to end: every command's human and JSON output on a fixture project.

mod common;

use common::Fixture;

#[test]
fn init_creates_then_keeps() {
    let f = Fixture::empty();
    let r = f.drift(&["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    f.settings()
        .bind(|| insta::assert_snapshot!("init_human", r.stdout));
    f.write(".drift/drift.toml", "[scan]\nexclude = [\"gen/**\"]\n");
    let r = f.drift(&["init", "--json"]);
    assert_eq!(r.code, 0);
    f.settings()
        .bind(|| insta::assert_json_snapshot!("init_json", r.json()));
    assert_eq!(
        f.read(".drift/drift.toml"),
        "[scan]\nexclude = [\"gen/**\"]\n"
    );
}

#[test]
fn scan_status_and_conventions() {
    let f = Fixture::throws();
    assert_eq!(f.drift(&["init"]).code, 0);
    let r = f.drift(&["scan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    f.settings()
        .bind(|| insta::assert_snapshot!("scan_human", r.stdout));
    // Progress goes to stderr as plain lines when not a terminal.
    assert!(r.stderr.contains("parsing"), "{}", r.stderr);

    let r = f.drift(&["scan", "--json"]);
    assert_eq!(r.code, 0);
    let j = r.json();
    assert_eq!(j["parsed"], 0, "second scan is incremental");
    assert_eq!(j["unchanged"], 8);
    f.settings()
        .bind(|| insta::assert_json_snapshot!("scan_json", j));

    let r = f.drift(&["status"]);
    assert_eq!(r.code, 0);
    f.settings()
        .bind(|| insta::assert_snapshot!("status_human", r.stdout));
    let r = f.drift(&["status", "--json"]);
    f.settings()
        .bind(|| insta::assert_json_snapshot!("status_json", r.json()));

    let r = f.drift(&["conventions", "list"]);
    assert_eq!(r.code, 0);
    f.settings()
        .bind(|| insta::assert_snapshot!("conventions_list_human", r.stdout));
    let r = f.drift(&["conventions", "list", "--json", "--category", "errors"]);
    f.settings()
        .bind(|| insta::assert_json_snapshot!("conventions_list_json", r.json()));
    let r = f.drift(&["conventions", "list", "--state", "approved"]);
    assert_eq!(r.stdout, "No conventions match.\n");
    let r = f.drift(&["conventions", "list", "--json", "--min-confidence", "0.99"]);
    assert_eq!(r.json(), serde_json::json!([]));

    let r = f.drift(&["conventions", "show", "errors/throw-style"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    f.settings()
        .bind(|| insta::assert_snapshot!("conventions_show_human", r.stdout));
    let r = f.drift(&[
        "conventions",
        "show",
        "errors/throw-style:custom-error",
        "--json",
    ]);
    f.settings()
        .bind(|| insta::assert_json_snapshot!("conventions_show_json", r.json()));
}

#[test]
fn scan_lists_skipped_files_with_verbose() {
    let f = Fixture::throws();
    f.write(
        ".drift/drift.toml",
        "[scan]\nmax_file_size = 120\n[rules]\nbuiltin = false\n",
    );
    let r = f.drift(&["scan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("too_large"), "{}", r.stdout);
    assert!(r.stdout.contains("--verbose lists them"));
    let r = f.drift(&["scan", "--verbose"]);
    assert!(r.stdout.contains("src/m1.ts  too_large"), "{}", r.stdout);
    let r = f.drift(&["scan", "--json"]);
    assert_eq!(r.json()["skipped_by_reason"]["too_large"], 6);
}

#[test]
fn scan_of_a_path_inside_the_project() {
    let f = Fixture::throws();
    f.init_and_scan();
    let r = f.drift_in(&f.path("src"), &["scan", "m1.ts", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn approve_ignore_and_check_formats() {
    let f = Fixture::throws();
    f.init_and_scan();
    // Nothing enforced yet: clean.
    let r = f.drift(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("No violations (0 conventions checked)")
    );

    let r = f.drift(&["approve", "errors/throw-style", "--reason", "team style"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "approved errors/throw-style:custom-error\n");
    let r = f.drift(&["approve", "errors/throw-style:custom-error", "--json"]);
    f.settings()
        .bind(|| insta::assert_json_snapshot!("approve_json", r.json()));

    for (format, name) in [("text", "check_text"), ("github", "check_github")] {
        let r = f.drift(&["check", "--format", format]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        f.settings()
            .bind(|| insta::assert_snapshot!(name, r.stdout));
    }
    for (format, name) in [("json", "check_json"), ("sarif", "check_sarif")] {
        let r = f.drift(&["check", "--format", format]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        f.settings()
            .bind(|| insta::assert_json_snapshot!(name, r.json()));
    }
    // --json is --format json.
    assert_eq!(f.drift(&["check", "--json"]).json()["summary"]["total"], 2);
    // --fail-on none: still reported, exit 0.
    let r = f.drift(&["check", "--fail-on", "none"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("2 violations"));

    // Scoped exception: builtin errors are fine under legacy/.
    let r = f.drift(&[
        "approve",
        "errors/throw-style:custom-error",
        "--scope",
        "legacy",
        "--variant",
        "builtin-error",
        "--reason",
        "pre-2020 code",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = f.drift(&["check", "--json"]);
    let j = r.json();
    assert_eq!(j["summary"]["total"], 1);
    assert_eq!(j["violations"][0]["path"], "src/bad.ts");
    f.settings()
        .bind(|| insta::assert_snapshot!("conventions_toml", f.read(".drift/conventions.toml")));

    // A severity override turns the error into a warning: exit 0 unless
    // --fail-on warning.
    f.write(
        ".drift/drift.toml",
        "[rules]\nbuiltin = false\n[severity]\n\"errors/throw-style\" = \"warning\"\n",
    );
    assert_eq!(f.drift(&["check"]).code, 0);
    assert_eq!(f.drift(&["check", "--fail-on", "warning"]).code, 1);

    // Ignoring it: nothing enforced.
    let r = f.drift(&[
        "ignore",
        "errors/throw-style:custom-error",
        "--reason",
        "noisy",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "ignored errors/throw-style:custom-error (was approved)\n"
    );
    let r = f.drift(&["check", "--fail-on", "warning"]);
    assert_eq!(r.code, 0);
    let r = f.drift(&["conventions", "list", "--state", "ignored", "--json"]);
    assert_eq!(r.json()[0]["id"], "errors/throw-style:custom-error");
}

#[test]
fn approve_by_min_confidence_and_discovered_checking() {
    let f = Fixture::throws();
    f.init_and_scan();
    // Discovered conventions are checked when configured.
    f.write(
        ".drift/drift.toml",
        "[rules]\nbuiltin = false\n[check]\ninclude_discovered = true\ndiscovered_min_confidence = 0.5\n",
    );
    let r = f.drift(&["check", "--json"]);
    assert_eq!(
        r.code, 0,
        "discovered violations are warnings: {}",
        r.stderr
    );
    let j = r.json();
    assert_eq!(j["summary"]["total"], 2);
    assert_eq!(j["violations"][0]["basis"], "discovered");
    assert_eq!(j["violations"][0]["severity"], "warning");

    let r = f.drift(&["approve", "--min-confidence", "0.99"]);
    assert_eq!(r.stdout, "Nothing to change.\n");
    let r = f.drift(&["approve", "--min-confidence", "0.1", "--json"]);
    assert_eq!(
        r.json()["changed"][0]["id"],
        "errors/throw-style:custom-error"
    );
}

#[test]
fn export_formats_and_budget() {
    let f = Fixture::throws();
    f.init_and_scan();
    let r = f.drift(&["export"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("No approved conventions yet"));
    assert_eq!(f.drift(&["approve", "errors/throw-style"]).code, 0);
    let r = f.drift(&["export", "--format", "markdown"]);
    assert_eq!(r.code, 0);
    f.settings()
        .bind(|| insta::assert_snapshot!("export_markdown", r.stdout));
    let r = f.drift(&["export", "--format", "json"]);
    f.settings()
        .bind(|| insta::assert_json_snapshot!("export_json", r.json()));
    // A budget too small for the convention omits it.
    let r = f.drift(&["export", "--max-tokens", "40"]);
    assert!(
        r.stdout.contains("1 more approved convention(s) omitted"),
        "{}",
        r.stdout
    );
}

#[test]
fn doctor_reports_health() {
    let f = Fixture::throws();
    std::fs::rename(f.path(".drift"), f.path("saved-drift")).expect("mv");
    let r = f.drift(&["doctor"]);
    assert_eq!(r.code, 2, "uninitialised is a failure");
    assert!(r.stdout.contains("run `drift init`"));
    std::fs::rename(f.path("saved-drift"), f.path(".drift")).expect("mv");
    f.init_and_scan();
    let r = f.drift(&["doctor", "--json"]);
    let j = r.json();
    let checks = j["checks"].as_array().expect("checks");
    assert!(
        checks
            .iter()
            .any(|c| c["check"] == "index" && c["level"] == "ok")
    );
    assert!(
        checks
            .iter()
            .any(|c| c["check"] == "config" && c["level"] == "ok")
    );
    // A broken config is a failure with the location.
    f.write(
        ".drift/drift.toml",
        "[rules]\nbuiltin = false\n[scan]\nbogus = 1\n",
    );
    let r = f.drift(&["doctor"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains("drift.toml:4:1: key `scan.bogus`"),
        "{}",
        r.stdout
    );
}

#[test]
fn in_process_entry_point() {
    let f = Fixture::empty();
    let root = f.root().to_string_lossy().into_owned();
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = drift_cli::main_with_args(["drift", "init", "--root", &root], &mut out, &mut err);
    assert_eq!(code, std::process::ExitCode::from(0));
    assert!(String::from_utf8_lossy(&out).contains("created .drift/drift.toml"));
    let mut out = Vec::new();
    let code = drift_cli::main_with_args(["drift", "frobnicate"], &mut out, &mut err);
    assert_eq!(code, std::process::ExitCode::from(2));
}

#[test]
fn index_dir_keeps_the_project_untouched_and_belongs_to_one_project() {
    let f = Fixture::throws();
    let store = tempfile::tempdir().expect("tempdir");
    let dir = store.path().join("a");
    let dir = dir.to_str().expect("utf-8 temp path");
    let r = f.drift(&["scan", "--index-dir", dir]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(store.path().join("a/drift.db").is_file());
    assert!(!f.root().join(".drift/drift.db").exists());
    let r = f.drift(&["conventions", "list", "--json", "--index-dir", dir]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("errors/throw-style"), "{}", r.stdout);
    // Without the flag the project has no index yet.
    assert_eq!(f.drift(&["conventions", "list"]).code, 2);

    // The environment variable names the same directory; empty means unset.
    let r = f.drift_with_env(
        f.root(),
        &["conventions", "list", "--json"],
        &[("DRIFT_INDEX_DIR", dir)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = f.drift_with_env(
        f.root(),
        &["conventions", "list"],
        &[("DRIFT_INDEX_DIR", "")],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("drift scan"), "{}", r.stderr);

    // A second project pointed at the same directory is refused.
    let other = Fixture::throws();
    let r = other.drift(&["scan", "--index-dir", dir]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("belongs to the project at"),
        "{}",
        r.stderr
    );
    // doctor names the index that is really in use.
    let r = other.drift(&["doctor", "--json", "--index-dir", dir]);
    let j = r.json();
    let index = j["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["check"] == "index" && c["level"] == "fail")
        .cloned()
        .unwrap_or_default();
    let fix = index["fix"].as_str().unwrap_or_default();
    assert!(fix.contains(&format!("{dir}/drift.db")), "{j}");
}
