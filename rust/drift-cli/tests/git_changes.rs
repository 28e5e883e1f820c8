//! `check --changed-since` and `--staged` against a real git repository.

mod common;

use common::Fixture;

fn repo() -> Fixture {
    let f = Fixture::throws();
    f.init_and_scan();
    assert_eq!(f.drift(&["approve", "errors/throw-style"]).code, 0);
    f.git(&["init", "-q", "-b", "main"]);
    f.git(&["add", "."]);
    f.git(&["commit", "-qm", "initial"]);
    f
}

fn paths(r: &common::Run) -> Vec<(String, u64)> {
    r.json()["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap_or("").to_string(),
                v["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn changed_since_restricts_to_changed_lines() {
    let f = repo();
    // Everything: both existing violations.
    assert_eq!(paths(&f.drift(&["check", "--json"])).len(), 2);
    // Nothing changed since HEAD.
    let r = f.drift(&["check", "--changed-since", "HEAD", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(paths(&r).is_empty());
    assert_eq!(r.json()["summary"]["scope"], "lines changed since HEAD");

    // A new violation on a new line of an existing file, an untouched old
    // one in the same file, and a brand-new untracked file.
    f.write(
        "src/bad.ts",
        "export function bad(x: number) {\n  if (x < 0) { throw new Error(\"neg\"); }\n  if (x > 9) { throw new Error(\"big\"); }\n  return x;\n}\n",
    );
    f.write(
        "src/fresh.ts",
        "export function g() {\n  throw new Error(\"new\");\n}\n",
    );
    let r = f.drift(&["check", "--changed-since", "HEAD", "--json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        paths(&r),
        vec![
            ("src/bad.ts".to_string(), 3),
            ("src/fresh.ts".to_string(), 2)
        ]
    );

    // Committed changes count against an older revision, not HEAD.
    f.git(&["add", "."]);
    f.git(&["commit", "-qm", "more"]);
    assert!(paths(&f.drift(&["check", "--changed-since", "HEAD", "--json"])).is_empty());
    assert_eq!(
        paths(&f.drift(&["check", "--changed-since", "HEAD~1", "--json"])).len(),
        2
    );
    // The text format names the scope.
    let r = f.drift(&["check", "--changed-since", "HEAD~1"]);
    assert!(
        r.stdout.contains("lines changed since HEAD~1"),
        "{}",
        r.stdout
    );
}

#[test]
fn staged_uses_the_index() {
    let f = repo();
    f.write(
        "src/one.ts",
        "export function one() {\n  throw new Error(\"one\");\n}\n",
    );
    f.write(
        "src/two.ts",
        "export function two() {\n  throw new Error(\"two\");\n}\n",
    );
    // Nothing staged yet.
    let r = f.drift(&["check", "--staged", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(paths(&r).is_empty());
    f.git(&["add", "src/one.ts"]);
    let r = f.drift(&["check", "--staged", "--json"]);
    assert_eq!(r.code, 1);
    assert_eq!(paths(&r), vec![("src/one.ts".to_string(), 2)]);
    assert_eq!(r.json()["summary"]["scope"], "staged lines");
}

#[test]
fn staged_before_the_first_commit() {
    let f = Fixture::throws();
    f.init_and_scan();
    assert_eq!(f.drift(&["approve", "errors/throw-style"]).code, 0);
    f.git(&["init", "-q"]);
    f.git(&["add", "src/bad.ts"]);
    let r = f.drift(&["check", "--staged", "--json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(paths(&r), vec![("src/bad.ts".to_string(), 2)]);
}
