//! `docs/detectors.md` is generated from the builtin pack; this test fails
//! when it is stale. `DRIFT_UPDATE_DOCS=1` rewrites it.

use drift_core::detect::DetectorSet;

#[test]
fn detectors_doc_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/detectors.md");
    let (set, errors) = DetectorSet::builtin_with_errors();
    assert!(errors.is_empty(), "{errors:?}");
    let rendered = set.render_markdown();
    if std::env::var_os("DRIFT_UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::write(path, &rendered).expect("write docs/detectors.md");
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == rendered,
        "docs/detectors.md is stale: run `DRIFT_UPDATE_DOCS=1 cargo test -p drift-core --test docs`"
    );
}
