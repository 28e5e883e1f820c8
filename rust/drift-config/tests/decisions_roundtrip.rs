//! The decisions writer: deterministic, sorted, round-trips, minimal diffs.

use std::path::Path;

use drift_config::{DecisionState, Decisions, ScopeOverride};
use proptest::prelude::*;

fn sample() -> Decisions {
    let mut d = Decisions::default();
    d.decide(
        "naming/function-case:camel-case",
        DecisionState::Approved,
        Some("team style".into()),
        Some("Ada Lovelace".into()),
        Some("2026-11-25".into()),
    );
    d.decide(
        "error-handling/throw-style:custom-error",
        DecisionState::Ignored,
        Some("we are \"migrating\"\nsee #12".into()),
        None,
        None,
    );
    d.add_scope(
        "naming/function-case:camel-case",
        ScopeOverride {
            paths: "legacy/**".into(),
            variant: Some("snake-case".into()),
            reason: Some("old python port".into()),
        },
        None,
        None,
    )
    .expect("scope");
    d.add_scope(
        "naming/function-case:camel-case",
        ScopeOverride {
            paths: "gen".into(),
            variant: None,
            reason: None,
        },
        None,
        None,
    )
    .expect("scope");
    d
}

#[test]
fn exact_layout() {
    let text = sample().to_toml();
    let expected = r#"# Drift convention decisions. Commit this file: it is reviewed like code.
# Written by `drift approve` / `drift ignore` (sorted by id, stable format);
# hand edits are fine. Deleting .drift/drift.db loses nothing recorded here.
version = 1

[conventions."error-handling/throw-style:custom-error"]
state = "ignored"
reason = "we are \"migrating\"\nsee #12"

[conventions."naming/function-case:camel-case"]
state = "approved"
reason = "team style"
by = "Ada Lovelace"
at = "2026-11-25"
scopes = [
  { paths = "gen" },
  { paths = "legacy/**", variant = "snake-case", reason = "old python port" },
]
"#;
    assert_eq!(text, expected);
}

#[test]
fn round_trip_and_idempotent_writes() {
    let d = sample();
    let text = d.to_toml();
    let back = Decisions::parse(&text, Path::new("c.toml")).expect("parses");
    assert_eq!(back, d);
    assert_eq!(back.to_toml(), text);
}

#[test]
fn hand_edited_out_of_order_file_is_normalised() {
    let text = r#"version = 1
[conventions."z/z:z"]
state = "approved"
[conventions."a/a:a"]
at = "yesterday"
state = "ignored"
"#;
    let d = Decisions::parse(text, Path::new("c.toml")).expect("parses");
    let out = d.to_toml();
    let a = out.find("a/a:a").expect("a");
    let z = out.find("z/z:z").expect("z");
    assert!(a < z);
    assert!(out.contains("state = \"ignored\"\nat = \"yesterday\"\n"));
}

#[test]
fn one_new_decision_is_a_pure_insertion() {
    let before = sample().to_toml();
    let mut d = sample();
    d.decide(
        "api/route-style:kebab-case",
        DecisionState::Approved,
        None,
        None,
        None,
    );
    let after = d.to_toml();
    // Every old line is still there, in order, and exactly 3 lines were added.
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    assert_eq!(new.len(), old.len() + 3);
    let mut it = new.iter();
    for line in &old {
        assert!(it.any(|l| l == line), "line {line:?} lost or reordered");
    }
}

#[test]
fn save_and_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(".drift/conventions.toml");
    assert_eq!(
        Decisions::load(&path).expect("missing is empty"),
        Decisions::default()
    );
    sample().save(&path).expect("save");
    assert_eq!(Decisions::load(&path).expect("load"), sample());
    assert!(!dir.path().join(".drift/conventions.toml.tmp").exists());
}

fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[ -~\\n\\t\\u{e9}\\u{1F600}\\\\\"]{0,24}").expect("regex")
}

proptest! {
    #[test]
    fn any_decisions_round_trip(
        entries in proptest::collection::btree_map(
            "[a-z]{1,6}/[a-z-]{1,8}:[a-z-]{1,8}",
            (any::<bool>(), proptest::option::of(text()), proptest::option::of(text()),
             proptest::collection::vec(("[a-z]{1,5}(/\\*\\*)?", proptest::option::of("[a-z]{1,5}"), proptest::option::of(text())), 0..3)),
            0..6,
        )
    ) {
        let mut d = Decisions::default();
        for (id, (approved, reason, by, scopes)) in &entries {
            let state = if *approved { DecisionState::Approved } else { DecisionState::Ignored };
            d.decide(id, state, reason.clone(), by.clone(), None);
            for (paths, variant, reason) in scopes {
                d.add_scope(id, ScopeOverride { paths: paths.clone(), variant: variant.clone(), reason: reason.clone() }, None, None).expect("glob");
            }
        }
        let text = d.to_toml();
        let back = Decisions::parse(&text, Path::new("c.toml")).expect("round trip parses");
        prop_assert_eq!(&back, &d);
        prop_assert_eq!(back.to_toml(), text);
    }
}
