//! Running the test cases embedded in rule files (`[[test]]`).

use std::collections::HashMap;

use super::{Detector, DetectorSet, Engine, TestCase};
use crate::lang::Lang;

/// A rule-file test case whose matches were not the expected variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFailure {
    pub detector: String,
    /// Index of the `[[test]]` in its file (0-based).
    pub case: usize,
    pub lang: Lang,
    pub code: String,
    pub expected: Vec<String>,
    /// Variants produced, in source order (or a parse problem).
    pub actual: Result<Vec<String>, String>,
}

impl std::fmt::Display for TestFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} test #{} ({}): expected {:?}, got {:?}\n    code: {}",
            self.detector,
            self.case,
            self.lang,
            self.expected,
            self.actual,
            self.code.replace('\n', "\n          ")
        )
    }
}

/// Default file name for a test snippet in `lang`.
fn test_path(lang: Lang) -> &'static str {
    match lang {
        Lang::TypeScript => "src/test_case.ts",
        Lang::Tsx => "src/test_case.tsx",
        Lang::JavaScript => "src/test_case.js",
        Lang::Python => "src/test_case.py",
        Lang::Java => "src/TestCase.java",
        Lang::Go => "src/test_case.go",
        Lang::Rust => "src/test_case.rs",
        Lang::CSharp => "src/TestCase.cs",
        Lang::Php => "src/TestCase.php",
        Lang::Ruby => "src/test_case.rb",
        Lang::C => "src/test_case.c",
        Lang::Cpp => "src/test_case.cpp",
    }
}

impl DetectorSet {
    /// Runs every detector's test cases; returns the failures.
    pub fn run_tests(&self) -> Vec<TestFailure> {
        let mut parsers = HashMap::new();
        self.detectors
            .iter()
            .flat_map(|d| run_detector_tests(self, d, &mut parsers))
            .collect()
    }

    /// Runs one detector's test cases; returns the failures.
    pub fn run_detector_tests(&self, id: &str) -> Vec<TestFailure> {
        let mut parsers = HashMap::new();
        match self.get(id) {
            Some(d) => run_detector_tests(self, d, &mut parsers),
            None => Vec::new(),
        }
    }
}

fn run_detector_tests(
    set: &DetectorSet,
    detector: &Detector,
    parsers: &mut HashMap<Lang, tree_sitter::Parser>,
) -> Vec<TestFailure> {
    let mut failures = Vec::new();
    for (i, case) in detector.tests.iter().enumerate() {
        let actual = run_case(set, detector, case, parsers);
        if actual.as_ref() != Ok(&case.expect) {
            failures.push(TestFailure {
                detector: detector.meta.id.clone(),
                case: i,
                lang: case.lang,
                code: case.code.clone(),
                expected: case.expect.clone(),
                actual,
            });
        }
    }
    failures
}

fn run_case(
    set: &DetectorSet,
    detector: &Detector,
    case: &TestCase,
    parsers: &mut HashMap<Lang, tree_sitter::Parser>,
) -> Result<Vec<String>, String> {
    let parser = match parsers.entry(case.lang) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(e) => {
            let grammar = case
                .lang
                .grammar()
                .ok_or_else(|| format!("no {} grammar in this build", case.lang))?;
            let mut parser = tree_sitter::Parser::new();
            parser
                .set_language(&grammar)
                .map_err(|err| err.to_string())?;
            e.insert(parser)
        }
    };
    // PHP snippets may omit the opening tag.
    let code = if case.lang == Lang::Php && !case.code.trim_start().starts_with("<?php") {
        format!("<?php\n{}", case.code)
    } else {
        case.code.clone()
    };
    let tree = parser
        .parse(code.as_bytes(), None)
        .ok_or_else(|| "parse failed".to_string())?;
    let root = tree.root_node();
    let mut facts = crate::extract::extract(case.lang, root, code.as_bytes());
    if let Some(symbols) = &case.symbols {
        facts.symbols = symbols.clone();
    }
    let path = case.path.as_deref().unwrap_or(test_path(case.lang));
    let matches = set.run_detector(
        &detector.meta.id,
        case.lang,
        path,
        root,
        code.as_bytes(),
        &facts,
    );
    // The set's combined one-pass run (the walk matcher) must agree with
    // the detector alone (tree-sitter's cursor), and so must the query
    // pass run piecewise (as large files are) on either engine, here cut
    // down to single nodes and to small subtrees.
    let mut runs = vec![(
        "combined pass".to_string(),
        set.run(case.lang, path, root, code.as_bytes(), &facts),
    )];
    // (The walk in one piece is the combined pass above.)
    let variants = [
        (Engine::Walk, Some(1)),
        (Engine::Walk, Some(24)),
        (Engine::Cursor, None),
        (Engine::Cursor, Some(1)),
        (Engine::Cursor, Some(24)),
    ];
    for (engine, piece_bytes) in variants {
        let hits = set.query_hits_in_pieces(case.lang, root, code.as_bytes(), piece_bytes, engine);
        runs.push((
            format!("{engine:?} query pass in pieces of {piece_bytes:?} bytes"),
            set.finish(case.lang, path, root, code.as_bytes(), &facts, hits),
        ));
    }
    for (label, all) in runs {
        let got: Vec<_> = all
            .into_iter()
            .filter(|m| m.detector == detector.meta.id)
            .collect();
        if got != matches {
            return Err(format!(
                "{label} differs from the detector alone: {:?} vs {:?}",
                got.iter().map(|m| &m.variant).collect::<Vec<_>>(),
                matches.iter().map(|m| &m.variant).collect::<Vec<_>>()
            ));
        }
    }
    Ok(matches.into_iter().map(|m| m.variant).collect())
}
