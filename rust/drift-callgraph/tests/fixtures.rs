//! Ground truth: per-language fixture projects with hand-written expected
//! edges; real extraction, real resolution, precision/recall floors.

//!
//! Floors are the measured figures minus a small margin (see README.md).
//! With no extraction for a language nothing resolves, precision is 0 and the
//! test fails rather than passing vacuously.

mod common;

fn check(lang: &str, min_precision: f64, min_recall: f64) {
    let s = common::score(lang);
    assert!(s.expected > 0, "{lang}: expected.json lists no edges");
    assert!(
        s.precision >= min_precision,
        "{lang}: precision {:.3} below floor {min_precision}",
        s.precision
    );
    assert!(
        s.recall >= min_recall,
        "{lang}: recall {:.3} below floor {min_recall}",
        s.recall
    );
}

#[test]
fn typescript() {
    check("typescript", 0.95, 0.95);
}

#[test]
fn python() {
    check("python", 0.95, 0.95);
}

#[test]
fn java() {
    check("java", 0.95, 0.95);
}

#[test]
fn go() {
    check("go", 0.95, 0.95);
}

#[test]
fn rust() {
    check("rust", 0.95, 0.9);
}

#[test]
fn csharp() {
    check("csharp", 0.95, 0.95);
}
