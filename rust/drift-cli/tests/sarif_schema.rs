//! `check --format sarif` validates against the official SARIF 2.1.0 schema.

mod common;

use common::Fixture;

fn validator() -> jsonschema::Validator {
    let text = include_str!("schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(text).expect("schema JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn assert_valid(v: &jsonschema::Validator, doc: &serde_json::Value) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
}

#[test]
fn sarif_output_is_schema_valid() {
    let v = validator();
    let f = Fixture::throws();
    f.init_and_scan();
    // No results.
    let r = f.drift(&["check", "--format", "sarif"]);
    assert_eq!(r.code, 0);
    assert_valid(&v, &r.json());
    // With results, rules and a scope exception.
    assert_eq!(f.drift(&["approve", "errors/throw-style"]).code, 0);
    let r = f.drift(&["check", "--format", "sarif"]);
    assert_eq!(r.code, 1);
    let doc = r.json();
    assert_valid(&v, &doc);
    assert_eq!(doc["runs"][0]["results"].as_array().map(Vec::len), Some(2));
    assert_eq!(doc["runs"][0]["results"][0]["ruleIndex"], 0);
}

#[test]
fn the_schema_rejects_broken_sarif() {
    // The validator is real: a result without a message fails.
    let v = validator();
    let bad = serde_json::json!({
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "drift" } }, "results": [{ "ruleId": "x" }] }]
    });
    assert!(v.iter_errors(&bad).next().is_some());
    let wrong_version = serde_json::json!({ "version": "2.0.0", "runs": [] });
    assert!(!v.is_valid(&wrong_version));
}
