//! `--help` documents examples and exit codes; usage errors exit 2.

mod common;

use common::Fixture;

#[test]
fn every_command_has_examples() {
    let f = Fixture::empty();
    let top = f.drift(&["--help"]);
    assert_eq!(top.code, 0);
    assert!(top.stdout.contains("Exit codes:"));
    assert!(top.stdout.contains("130"));
    assert!(top.stdout.contains("DRIFT_LOG"));
    for cmd in [
        vec!["init"],
        vec!["scan"],
        vec!["status"],
        vec!["conventions", "list"],
        vec!["conventions", "show"],
        vec!["approve"],
        vec!["ignore"],
        vec!["check"],
        vec!["export"],
        vec!["doctor"],
        vec!["callgraph", "callers"],
        vec!["callgraph", "callees"],
        vec!["callgraph", "impact"],
        vec!["callgraph", "path"],
        vec!["callgraph", "dead-code"],
        vec!["callgraph", "stats"],
        vec!["callgraph", "export"],
    ] {
        let mut args = cmd.clone();
        args.push("--help");
        let r = f.drift(&args);
        assert_eq!(r.code, 0, "{cmd:?}");
        assert!(
            r.stdout.contains("Examples:"),
            "{cmd:?} help lacks examples"
        );
        assert!(r.stdout.contains("--root"), "{cmd:?} help lacks --root");
    }
    let r = f.drift(&["--version"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("drift "));
}

#[test]
fn root_defaults_to_the_nearest_initialised_ancestor() {
    let f = Fixture::throws();
    f.init_and_scan();
    let r = f.drift_in(&f.path("src"), &["status", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let root = r.json()["root"].as_str().unwrap_or("").to_string();
    assert_eq!(
        std::path::Path::new(&root),
        f.root().canonicalize().expect("canon")
    );
}

#[test]
fn color_is_opt_in_off_a_terminal() {
    let f = Fixture::throws();
    f.init_and_scan();
    let plain = f.drift(&["status"]);
    assert!(!plain.stdout.contains('\u{1b}'));
    let colored = f.drift(&["status", "--color", "always"]);
    assert!(colored.stdout.contains('\u{1b}'));
}
