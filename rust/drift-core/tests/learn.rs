//! Convention learning: the confidence model, tiers, violations, ids and
//! determinism.

use drift_core::detect::{DetectorMeta, DetectorSet, Severity};
use drift_core::learn::{LearnOptions, Tier, confidence, convention_id, learn};
use drift_core::{DetectorMatch, Span};
use proptest::prelude::*;

fn m(detector: &str, variant: &str, line: u32) -> DetectorMatch {
    DetectorMatch {
        detector: detector.to_string(),
        variant: variant.to_string(),
        span: Span {
            start_line: line,
            start_col: 1,
            end_line: line,
            end_col: 10,
        },
        snippet: format!("{variant} at {line}"),
    }
}

const THROW: &str = "error-handling/throw-style";

fn metas() -> Vec<DetectorMeta> {
    DetectorSet::builtin().metadata().cloned().collect()
}

#[test]
fn a_clear_convention_is_established_and_outliers_are_violations() {
    let mut items = Vec::new();
    for f in 0..40 {
        let dir = ["src/a", "src/b", "lib"][f % 3];
        items.push((format!("{dir}/f{f}.ts"), m(THROW, "custom-error", 3)));
    }
    items.push(("src/a/odd.ts".to_string(), m(THROW, "builtin-error", 7)));
    let metas = metas();
    let learned = learn(
        items.iter().map(|(p, m)| (p.as_str(), m)),
        &metas,
        &LearnOptions::default(),
    );
    assert_eq!(learned.patterns.len(), 1);
    let p = &learned.patterns[0];
    assert_eq!(p.id, THROW);
    assert_eq!(p.category, "error-handling");
    assert_eq!(p.name, "Throw style");
    assert_eq!(p.dominant, "custom-error");
    assert_eq!(p.convention_id, "error-handling/throw-style:custom-error");
    assert_eq!(p.total, 41);
    assert_eq!(p.tier, Tier::Established, "confidence {}", p.confidence);
    assert_eq!(p.variants[0].count, 40);
    assert_eq!(p.variants[0].files, 40);
    assert_eq!(p.variants[0].dirs, 3);
    assert_eq!(p.variants[0].examples.len(), 3);
    // Examples are the first locations by path.
    assert_eq!(p.variants[0].examples[0].file, "lib/f11.ts");

    assert_eq!(learned.violations.len(), 1);
    let v = &learned.violations[0];
    assert_eq!(v.file, "src/a/odd.ts");
    assert_eq!((v.line, v.column), (7, 1));
    assert_eq!(v.expected, "custom-error");
    assert_eq!(v.found, "builtin-error");
    assert_eq!(v.convention_id, "error-handling/throw-style:custom-error");
    // The example comes from the same directory.
    assert!(v.example.file.starts_with("src/a/"), "{:?}", v.example);
    assert!(v.message.contains("custom-error"), "{}", v.message);
}

#[test]
fn small_or_split_samples_are_not_confident() {
    let metas = metas();
    let opts = LearnOptions::default();
    // Two matches: insufficient, no violations.
    let few = [
        ("a.ts", m(THROW, "custom-error", 1)),
        ("b.ts", m(THROW, "builtin-error", 1)),
    ];
    let learned = learn(few.iter().map(|(p, m)| (*p, m)), &metas, &opts);
    assert_eq!(learned.patterns[0].tier, Tier::Insufficient);
    assert!(learned.violations.is_empty());
    // An even split: weak, no violations.
    let split: Vec<_> = (0..40)
        .map(|i| {
            let v = if i % 2 == 0 {
                "custom-error"
            } else {
                "builtin-error"
            };
            (format!("d{}/f{i}.ts", i % 5), m(THROW, v, 1))
        })
        .collect();
    let learned = learn(split.iter().map(|(p, m)| (p.as_str(), m)), &metas, &opts);
    assert_eq!(learned.patterns[0].tier, Tier::Weak);
    assert!(learned.violations.is_empty());
    // All in one file: the spread penalty keeps it below established.
    let one_file: Vec<_> = (0..30)
        .map(|i| ("only.ts", m(THROW, "custom-error", i + 1)))
        .collect();
    let learned = learn(one_file.iter().map(|(p, m)| (*p, m)), &metas, &opts);
    assert!(
        learned.patterns[0].confidence < 0.6,
        "{}",
        learned.patterns[0].confidence
    );
}

#[test]
fn documented_reference_values() {
    let o = LearnOptions::default();
    // Lower 5% bound of Beta(k+1, n-k+1), before spread weighting (many files/dirs).
    let c = |k, n| confidence(k, n, 1000, 1000, &o);
    assert!((c(3, 3) - 0.4729).abs() < 1e-3, "{}", c(3, 3));
    assert!((c(20, 20) - 0.8670).abs() < 1e-3, "{}", c(20, 20));
    assert!((c(95, 100) - 0.8987).abs() < 1e-3, "{}", c(95, 100));
    assert_eq!(confidence(0, 0, 0, 0, &o), 0.0);
}

#[test]
fn unknown_detectors_are_learned_with_defaults() {
    let items = [("x/a.rs", m("custom/thing", "v", 1))];
    let learned = learn(
        items.iter().map(|(p, m)| (*p, m)),
        std::iter::empty(),
        &LearnOptions::default(),
    );
    assert_eq!(learned.patterns[0].category, "custom");
    assert_eq!(learned.patterns[0].severity, Severity::Info);
}

#[test]
fn scales_linearly_to_many_files() {
    // 10k files × 20 matches: must finish quickly in a debug build.
    let started = std::time::Instant::now();
    let items: Vec<(String, DetectorMatch)> = (0..10_000)
        .flat_map(|f| {
            (0..20u32).map(move |i| {
                let det = format!("cat/det{}", i % 10);
                let variant = if (f + i as usize).is_multiple_of(17) {
                    "minority"
                } else {
                    "majority"
                };
                (
                    format!("dir{}/file{f}.ts", f % 100),
                    m(&det, variant, i + 1),
                )
            })
        })
        .collect();
    let learned = learn(
        items.iter().map(|(p, m)| (p.as_str(), m)),
        std::iter::empty(),
        &LearnOptions::default(),
    );
    assert_eq!(learned.patterns.len(), 10);
    assert!(!learned.violations.is_empty());
    let elapsed = started.elapsed();
    assert!(elapsed.as_secs() < 30, "took {elapsed:?}");
}

/// Counts per variant → matches spread over a few files.
fn build(counts: &[(usize, &str)]) -> Vec<(String, DetectorMatch)> {
    let mut out = Vec::new();
    for (vi, (count, variant)) in counts.iter().enumerate() {
        for i in 0..*count {
            out.push((
                format!("d{}/f{}.ts", (i + vi) % 4, i % 7),
                m(THROW, variant, u32::try_from(i).unwrap_or(0) + 1),
            ));
        }
    }
    out
}

fn conf_of(items: &[(String, DetectorMatch)]) -> (f64, String, usize) {
    let learned = learn(
        items.iter().map(|(p, m)| (p.as_str(), m)),
        std::iter::empty(),
        &LearnOptions::default(),
    );
    let p = &learned.patterns[0];
    (p.confidence, p.dominant.clone(), p.variants[0].count)
}

const VARIANTS: [&str; 3] = ["alpha", "beta", "gamma"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn confidence_is_bounded(a in 1usize..60, b in 0usize..60, c in 0usize..60) {
        let items = build(&[(a, VARIANTS[0]), (b, VARIANTS[1]), (c, VARIANTS[2])]);
        let (conf, _, _) = conf_of(&items);
        prop_assert!((0.0..=1.0).contains(&conf));
    }

    #[test]
    fn adding_a_dominant_match_never_lowers_confidence(
        a in 1usize..60, b in 0usize..60, c in 0usize..60, file in 0usize..12,
    ) {
        let mut items = build(&[(a, VARIANTS[0]), (b, VARIANTS[1]), (c, VARIANTS[2])]);
        let (before, dominant, _) = conf_of(&items);
        items.push((format!("d{}/new{file}.ts", file % 5), m(THROW, &dominant, 999)));
        let (after, _, _) = conf_of(&items);
        prop_assert!(after + 1e-9 >= before, "before {before} after {after}");
    }

    #[test]
    fn adding_a_minority_match_never_raises_confidence(
        a in 1usize..60, b in 0usize..60, c in 0usize..60, pick in 0usize..3, file in 0usize..12,
    ) {
        let counts = [(a, VARIANTS[0]), (b, VARIANTS[1]), (c, VARIANTS[2])];
        let mut items = build(&counts);
        let (before, _, dom_count) = conf_of(&items);
        let (count, variant) = counts[pick];
        prop_assume!(count < dom_count);
        items.push((format!("d{}/new{file}.ts", file % 5), m(THROW, variant, 999)));
        let (after, _, _) = conf_of(&items);
        prop_assert!(after <= before + 1e-9, "before {before} after {after}");
    }

    #[test]
    fn output_is_independent_of_input_order(
        a in 1usize..30, b in 0usize..30, seed in any::<u64>(),
    ) {
        let mut items = build(&[(a, VARIANTS[0]), (b, VARIANTS[1])]);
        items.extend(build(&[(b, "x"), (a, "y")]).into_iter().map(|(p, mut m)| {
            m.detector = "other/detector".to_string();
            (p, m)
        }));
        let first = learn(items.iter().map(|(p, m)| (p.as_str(), m)), std::iter::empty(), &LearnOptions::default());
        // Deterministic shuffle.
        let mut state = seed | 1;
        for i in (1..items.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let j = usize::try_from(state % (i as u64 + 1)).unwrap_or(0);
            items.swap(i, j);
        }
        let second = learn(items.iter().map(|(p, m)| (p.as_str(), m)), std::iter::empty(), &LearnOptions::default());
        prop_assert_eq!(&first, &second);
        // Files in path order take a shortcut (file ids compare as paths).
        items.sort_by(|x, y| x.0.cmp(&y.0));
        let sorted = learn(items.iter().map(|(p, m)| (p.as_str(), m)), std::iter::empty(), &LearnOptions::default());
        prop_assert_eq!(&first, &sorted);
        for p in &first.patterns {
            prop_assert_eq!(&p.convention_id, &convention_id(&p.id, &p.dominant));
        }
    }
}
