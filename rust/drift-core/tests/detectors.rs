//! The builtin detector pack and the rule-file loader.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use drift_core::detect::{DetectorSet, RuleError, SourceKind};
use drift_core::{FileAnalyzer, Lang};

fn builtin() -> &'static DetectorSet {
    static SET: OnceLock<DetectorSet> = OnceLock::new();
    SET.get_or_init(|| {
        let (set, errors) = DetectorSet::builtin_with_errors();
        assert!(
            errors.is_empty(),
            "builtin rules failed to load:\n{}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
        set
    })
}

#[test]
fn every_builtin_rule_compiles_for_every_listed_language() {
    let set = builtin();
    assert_eq!(set.len(), DetectorSet::builtin_rule_files().len());
    for d in set.detectors() {
        if d.meta.source == SourceKind::Query {
            // One compiled query per (block, language) at least per language.
            assert!(
                d.query_count() >= d.meta.languages.len(),
                "{} has languages without a compiled query",
                d.id()
            );
        }
    }
}

#[test]
fn builtin_pack_is_large_and_broad() {
    let set = builtin();
    assert!(set.len() >= 40, "only {} builtin detectors", set.len());
    let categories: std::collections::BTreeSet<&str> =
        set.metadata().map(|m| m.category.as_str()).collect();
    for wanted in [
        "api",
        "auth",
        "error-handling",
        "logging",
        "data-access",
        "config",
        "async",
        "imports",
        "naming",
        "testing",
        "typing",
        "security",
        "documentation",
    ] {
        assert!(categories.contains(wanted), "no `{wanted}` detectors");
    }
}

#[test]
fn every_builtin_detector_has_test_cases_and_they_pass() {
    let set = builtin();
    for d in set.detectors() {
        assert!(!d.tests.is_empty(), "{} has no [[test]] cases", d.id());
        // Every language of a query detector is exercised by some test.
        if d.meta.source == SourceKind::Query {
            for lang in &d.meta.languages {
                let covered = d.tests.iter().any(|t| {
                    t.lang == *lang
                        || (matches!(lang, Lang::Tsx | Lang::JavaScript)
                            && t.lang == Lang::TypeScript)
                        || (matches!(lang, Lang::C) && t.lang == Lang::Cpp)
                });
                assert!(covered, "{}: no test case for {lang}", d.id());
            }
        }
    }
    let failures = set.run_tests();
    assert!(
        failures.is_empty(),
        "{} failing detector test case(s):\n{}",
        failures.len(),
        failures
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn builtin_list_matches_the_rules_directory() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/builtin");
    let mut on_disk = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("rules dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                let rel = path
                    .strip_prefix(root)
                    .expect("under root")
                    .to_string_lossy()
                    .replace('\\', "/");
                on_disk.push(format!("builtin:{rel}"));
            }
        }
    }
    on_disk.sort();
    let mut listed: Vec<String> = DetectorSet::builtin_rule_files()
        .iter()
        .map(|(label, _)| label.to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, on_disk, "src/detect/builtin.rs is out of sync");
    // File path mirrors the id.
    for d in builtin().detectors() {
        assert_eq!(
            d.meta.origin,
            format!("builtin:{}.toml", d.id()),
            "file name must mirror the id"
        );
    }
}

const GOOD_RULE: &str = r#"
id = "logging/no-alert"
category = "logging"
name = "alert() calls"
description = "Flags alert()."
severity = "warning"

[[query]]
languages = ["javascript", "typescript"]
pattern = '''
(call_expression function: (identifier) @fn (#eq? @fn "alert")) @match
'''

[[variant]]
name = "alert"

[[test]]
lang = "javascript"
code = "alert(1); confirm(2);"
expect = ["alert"]
"#;

fn load(files: &[(&str, &str)]) -> (DetectorSet, Vec<RuleError>) {
    DetectorSet::from_rules(files.iter().copied())
}

#[test]
fn a_good_project_rule_loads_and_its_tests_pass() {
    let (set, errors) = load(&[(".drift/rules/no-alert.toml", GOOD_RULE)]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(set.len(), 1);
    assert!(set.run_tests().is_empty());
}

fn single_error(text: &str) -> RuleError {
    let (set, errors) = load(&[("bad.toml", text), (".drift/rules/ok.toml", GOOD_RULE)]);
    // The good rule still loads.
    assert_eq!(set.len(), 1, "the other rule must still load");
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().expect("one error")
}

#[test]
fn invalid_toml_is_reported_with_position() {
    let err = single_error("id = \"a/b\"\ncategory = \n");
    assert_eq!(err.path, "bad.toml");
    assert_eq!((err.line, err.column), (2, 12), "{err}");
}

#[test]
fn unknown_field_is_reported_with_position() {
    let text = GOOD_RULE.replace(
        "severity = \"warning\"",
        "severity = \"warning\"\ncolour = 1",
    );
    let err = single_error(&text);
    assert!(err.message.contains("colour"), "{err}");
    assert_eq!(err.line, 7, "{err}");
    assert_eq!(err.column, 1, "{err}");
}

#[test]
fn unknown_language_is_reported_with_position() {
    let text = GOOD_RULE.replace(
        "[\"javascript\", \"typescript\"]",
        "[\"javascript\", \"cobol\"]",
    );
    let err = single_error(&text);
    assert!(err.message.contains("unknown language `cobol`"), "{err}");
    assert_eq!((err.line, err.column), (9, 28), "{err}");
}

#[test]
fn bad_query_error_is_mapped_into_the_file() {
    // Line 11 of the file is the pattern's first line; `call_expresion` is
    // misspelled at column 2.
    let text = GOOD_RULE.replace("(call_expression function", "(call_expresion function");
    let err = single_error(&text);
    assert!(err.message.contains("does not compile"), "{err}");
    assert_eq!((err.line, err.column), (11, 2), "{err}");
    assert!(err.message.contains("javascript, typescript"), "{err}");
    // An error on a later line of a multi-line pattern.
    let text = GOOD_RULE.replace(
        "(call_expression function: (identifier) @fn (#eq? @fn \"alert\")) @match\n",
        "(call_expression\n  function: (identifier) @fn\n  argumnts: (_)) @match\n",
    );
    let err = single_error(&text);
    assert_eq!((err.line, err.column), (13, 3), "{err}");
}

#[test]
fn bad_regex_unknown_capture_and_unknown_test_variant_are_reported() {
    let text = GOOD_RULE.replace(
        "name = \"alert\"\n",
        "name = \"alert\"\ncapture = \"fn\"\nregex = \"(\"\n",
    );
    let err = single_error(&text);
    assert!(err.message.contains("invalid regex"), "{err}");
    assert_eq!(err.line, 17, "{err}");

    let text = GOOD_RULE.replace(
        "name = \"alert\"\n",
        "name = \"alert\"\ncapture = \"nope\"\n",
    );
    let err = single_error(&text);
    assert!(err.message.contains("unknown capture `nope`"), "{err}");

    let text = GOOD_RULE.replace("expect = [\"alert\"]", "expect = [\"alarm\"]");
    let err = single_error(&text);
    assert!(err.message.contains("unknown variant `alarm`"), "{err}");
}

#[test]
fn a_project_rule_overrides_the_builtin_with_the_same_id() {
    let text = GOOD_RULE
        .replace("logging/no-alert", "error-handling/throw-style")
        .replace("category = \"logging\"", "category = \"error-handling\"");
    let (set, errors) =
        DetectorSet::with_project_rules([(".drift/rules/throw.toml", text.as_str())]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(set.len(), builtin().len());
    let d = set.get("error-handling/throw-style").expect("present");
    assert_eq!(d.meta.origin, ".drift/rules/throw.toml");
    assert_eq!(d.meta.variants, ["alert"]);
}

#[test]
fn duplicate_ids_in_one_set_are_an_error() {
    let (set, errors) = load(&[("a.toml", GOOD_RULE), ("b.toml", GOOD_RULE)]);
    assert_eq!(set.len(), 1);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, "b.toml");
}

/// Renders every match of a small multi-language fixture as CLI-like text.
#[test]
fn snapshot_of_matches_on_a_multi_language_fixture() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/detectors");
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut stack = vec![std::path::PathBuf::from(fixtures)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixture dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(fixtures)
                    .expect("under root")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    assert!(files.len() >= 5);
    let set = builtin();
    let mut analyzer = FileAnalyzer::default();
    let mut out = String::new();
    for (path, source) in &files {
        let Some(lang) = Lang::from_path(path) else {
            continue;
        };
        let analysis = analyzer
            .analyze(lang, path, source, set, None)
            .expect("analyze");
        for m in &analysis.facts.matches {
            // Symbol-based matches depend on the extractor (owned elsewhere);
            // the snapshot covers query and file-name detectors.
            if set.get(&m.detector).map(|d| d.meta.source) == Some(SourceKind::Symbols) {
                continue;
            }
            out.push_str(&format!(
                "{path}:{}:{} {} {} {}\n",
                m.span.start_line, m.span.start_col, m.detector, m.variant, m.snippet
            ));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn the_lazy_builtin_set_matches_the_strict_one() {
    let lazy = DetectorSet::builtin();
    let strict = builtin();
    // Nothing is compiled until a language is used.
    assert_eq!(
        lazy.detectors()
            .iter()
            .map(|d| d.query_count())
            .sum::<usize>(),
        0
    );
    let lazy_meta: Vec<_> = lazy.metadata().collect();
    let strict_meta: Vec<_> = strict.metadata().collect();
    assert_eq!(lazy_meta, strict_meta);
    let failures = lazy.run_tests();
    assert!(failures.is_empty(), "{failures:?}");
    let compiled: usize = lazy.detectors().iter().map(|d| d.query_count()).sum();
    let all: usize = strict.detectors().iter().map(|d| d.query_count()).sum();
    assert!(compiled > 0 && compiled <= all);
}

/// Symbol-based detectors on facts from the real extractor.
#[test]
fn symbol_detectors_run_on_extracted_facts() {
    let set = builtin();
    let mut analyzer = FileAnalyzer::default();
    let source = b"/** Loads a user. */\nexport function getUser(id: string): User { return db(id); }\nexport function load_user(id) { return 1; }\nexport class UserService {}\n";
    let analysis = analyzer
        .analyze(Lang::TypeScript, "src/user-service.ts", source, set, None)
        .expect("analyze");
    let of = |id: &str| -> Vec<String> {
        analysis
            .facts
            .matches
            .iter()
            .filter(|m| m.detector == id)
            .map(|m| m.variant.clone())
            .collect()
    };
    assert_eq!(of("naming/function-naming"), ["camelCase", "snake_case"]);
    assert_eq!(of("naming/type-naming"), ["PascalCase"]);
    assert_eq!(of("naming/file-naming"), ["kebab-case"]);
    assert_eq!(
        of("typing/return-type-annotations"),
        ["explicit", "inferred"]
    );
    assert_eq!(
        of("documentation/doc-comments"),
        ["documented", "undocumented", "undocumented"]
    );
}
