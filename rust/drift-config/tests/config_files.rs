//! drift.toml parsing, errors with locations, templates and defaults.

use std::path::Path;

use drift_config::{
    ByteSize, CONFIG_TEMPLATE, Config, ConfigError, DecisionState, Decisions, FailOn,
    ScopeOverride, Severity,
};

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new(".drift/drift.toml"))
}

fn diag(text: &str) -> drift_config::Diagnostic {
    match parse(text) {
        Ok(c) => panic!("expected an error, parsed {c:?}"),
        Err(e) => e.diagnostic().cloned().expect("located error"),
    }
}

#[test]
fn template_parses_to_the_defaults() {
    let parsed = parse(CONFIG_TEMPLATE).expect("template parses");
    assert_eq!(parsed, Config::default());
    assert_eq!(parse("").expect("empty parses"), Config::default());
}

#[test]
fn template_documents_every_key() {
    // Every key of the default config serialised appears in the template,
    // preceded by a comment line.
    let defaults = toml::to_string(&Config::default()).expect("serialise");
    let table: toml::Table = toml::from_str(&defaults).expect("reparse");
    for (section, value) in &table {
        assert!(
            CONFIG_TEMPLATE.contains(&format!("[{section}]")),
            "template lacks [{section}]"
        );
        let Some(inner) = value.as_table() else {
            continue;
        };
        for key in inner.keys() {
            let line = CONFIG_TEMPLATE
                .lines()
                .position(|l| l.starts_with(&format!("{key} =")))
                .unwrap_or_else(|| panic!("template lacks {section}.{key}"));
            let previous = CONFIG_TEMPLATE.lines().nth(line - 1).unwrap_or("");
            assert!(
                previous.starts_with('#'),
                "{section}.{key} is not commented"
            );
        }
    }
}

#[test]
fn values_are_read() {
    let c = parse(
        r#"
[scan]
include = ["src/**"]
exclude = ["src/gen/**"]
languages = ["ts", "python"]
max_file_size = 2048
[learn]
established = 0.9
emerging = 0.5
[check]
include_discovered = true
fail_on = "warning"
[severity]
"naming" = "off"
"naming/function-case" = "info"
"naming/function-case:camel-case" = "error"
[rules]
builtin = false
dirs = ["rules"]
"#,
    )
    .expect("parses");
    assert_eq!(c.scan.include_globs(), vec!["src/**"]);
    assert_eq!(
        c.scan.langs(),
        vec![drift_core::Lang::TypeScript, drift_core::Lang::Python]
    );
    assert_eq!(c.scan.max_file_size, ByteSize(2048));
    assert!(c.check.include_discovered);
    assert_eq!(c.check.fail_on, FailOn::Warning);
    assert_eq!(
        c.severity_for("naming/function-case:camel-case", Severity::Warning),
        Severity::Error
    );
    assert_eq!(
        c.severity_for("naming/function-case:snake-case", Severity::Warning),
        Severity::Info
    );
    assert_eq!(
        c.severity_for("naming/class-case:pascal", Severity::Warning),
        Severity::Off
    );
    assert_eq!(
        c.severity_for("api/route-style:kebab", Severity::Warning),
        Severity::Warning
    );
}

#[test]
fn unknown_key_points_at_the_key() {
    let d = diag("[scan]\ninclude = []\nexclud = [\"x\"]\n");
    assert_eq!((d.line, d.column), (3, 1));
    assert_eq!(d.key.as_deref(), Some("scan.exclud"));
    assert!(
        d.message.contains("unknown field `exclud`"),
        "{}",
        d.message
    );
    let shown = d.to_string();
    assert!(
        shown.starts_with(".drift/drift.toml:3:1: key `scan.exclud`"),
        "{shown}"
    );
}

#[test]
fn unknown_section_points_at_the_section() {
    let d = diag("[scna]\ninclude = []\n");
    assert_eq!(d.line, 1);
    assert_eq!(d.key.as_deref(), Some("scna"));
}

#[test]
fn wrong_type_points_at_the_value() {
    let d = diag("[check]\ninclude_discovered = \"yes\"\n");
    assert_eq!((d.line, d.column), (2, 22));
    assert_eq!(d.key.as_deref(), Some("check.include_discovered"));
}

#[test]
fn bad_values_are_rejected_with_location() {
    let d = diag("[scan]\nlanguages = [\"go\", \"cobol\"]\n");
    assert_eq!(d.line, 2);
    assert!(
        d.key
            .as_deref()
            .is_some_and(|k| k.starts_with("scan.languages")),
        "{:?}",
        d.key
    );
    assert!(
        d.message.contains("unknown language `cobol`"),
        "{}",
        d.message
    );

    let d = diag("[scan]\nmax_file_size = \"3 parsecs\"\n");
    assert_eq!(d.key.as_deref(), Some("scan.max_file_size"));
    assert!(d.message.contains("invalid size"), "{}", d.message);

    let d = diag("[scan]\nexclude = [\"a/[b\"]\n");
    assert!(
        d.key
            .as_deref()
            .is_some_and(|k| k.starts_with("scan.exclude")),
        "{:?}",
        d.key
    );
    assert!(d.message.contains("invalid glob"), "{}", d.message);

    let d = diag("[learn]\nestablished = 1.5\n");
    assert_eq!(d.key.as_deref(), Some("learn.established"));

    let d = diag("[severity]\n\"naming\" = \"fatal\"\n");
    assert_eq!(d.key.as_deref(), Some("severity.naming"));

    let d = diag("[check]\nfail_on = \"sometimes\"\n");
    assert_eq!(d.key.as_deref(), Some("check.fail_on"));
}

#[test]
fn cross_field_validation_is_located() {
    let d = diag("[learn]\nestablished = 0.5\nemerging = 0.7\n");
    assert_eq!((d.line, d.column), (3, 12));
    assert_eq!(d.key.as_deref(), Some("learn.emerging"));
    let d = diag("[rules]\ndirs = [\"../elsewhere\"]\n");
    assert_eq!(d.key.as_deref(), Some("rules.dirs[0]"));
    assert_eq!(d.line, 2);
}

#[test]
fn invalid_toml_is_a_located_syntax_error() {
    let err = parse("[scan\ninclude = []\n").expect_err("bad toml");
    assert!(matches!(err, ConfigError::Syntax(_)));
    let d = err.diagnostic().expect("located");
    assert_eq!(d.line, 1);
}

#[test]
fn decisions_reject_unknown_fields_with_location() {
    let text = "version = 1\n\n[conventions.\"a/b:c\"]\nstate = \"approved\"\nwho = \"me\"\n";
    let err = Decisions::parse(text, Path::new(".drift/conventions.toml")).expect_err("strict");
    let d = err.diagnostic().expect("located");
    assert_eq!(d.line, 5);
    assert_eq!(d.key.as_deref(), Some("conventions.a/b:c.who"));

    let err = Decisions::parse("version = 7\n", Path::new("c.toml")).expect_err("version");
    assert_eq!(err.diagnostic().map(|d| d.line), Some(1));

    let text = "version = 1\n[conventions.\"a/b:c\"]\nstate = \"maybe\"\n";
    let err = Decisions::parse(text, Path::new("c.toml")).expect_err("state");
    assert_eq!(
        err.diagnostic().and_then(|d| d.key.clone()).as_deref(),
        Some("conventions.a/b:c.state")
    );
}

#[test]
fn decisions_state_and_scopes() {
    let mut d = Decisions::default();
    assert_eq!(
        d.decide(
            "a/b:x",
            DecisionState::Approved,
            None,
            Some("me".into()),
            None
        ),
        None
    );
    assert_eq!(
        d.decide(
            "a/b:x",
            DecisionState::Ignored,
            Some("noisy".into()),
            None,
            None
        ),
        Some(DecisionState::Approved)
    );
    let e = d.get("a/b:x").expect("entry");
    assert_eq!(e.state, DecisionState::Ignored);
    assert_eq!(e.by.as_deref(), Some("me"));
    assert_eq!(e.reason.as_deref(), Some("noisy"));

    d.add_scope(
        "c/d:y",
        ScopeOverride {
            paths: "legacy".into(),
            variant: Some("z".into()),
            reason: None,
        },
        None,
        None,
    )
    .expect("valid glob");
    assert_eq!(d.state("c/d:y"), Some(DecisionState::Approved));
    assert!(d.excepted("c/d:y", "legacy/a/b.ts", "z"));
    assert!(!d.excepted("c/d:y", "legacy/a/b.ts", "w"));
    assert!(!d.excepted("c/d:y", "src/legacy.ts", "z"));
    assert!(
        d.add_scope(
            "c/d:y",
            ScopeOverride {
                paths: "a/[".into(),
                variant: None,
                reason: None
            },
            None,
            None
        )
        .is_err()
    );
    assert!(d.forget("c/d:y").is_some());
    assert_eq!(d.state("c/d:y"), None);
}
