//! Shared helpers: load a fixture project from disk, run real extraction,
//! build the graph, score it against `expected.json`.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use drift_callgraph::CallGraph;
use drift_core::detect::DetectorSet;
use drift_core::{FileAnalyzer, FileFacts, Lang};

pub struct Project {
    pub files: Vec<(String, Lang, FileFacts)>,
    pub sources: BTreeMap<String, String>,
}

pub fn fixture_dir(lang: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(lang)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

pub fn analyze(path: &str, source: &str) -> Option<(Lang, FileFacts)> {
    let lang = Lang::from_path(path)?;
    let mut a = FileAnalyzer::default();
    let r = a
        .analyze(lang, path, source.as_bytes(), &DetectorSet::default(), None)
        .expect("analysis");
    Some((lang, r.facts))
}

pub fn load(lang: &str) -> Project {
    let root = fixture_dir(lang);
    let mut paths = Vec::new();
    walk(&root, &mut paths);
    let mut files = Vec::new();
    let mut sources = BTreeMap::new();
    for p in paths {
        let rel = p
            .strip_prefix(&root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        let Ok(src) = std::fs::read_to_string(&p) else {
            continue;
        };
        if let Some((l, facts)) = analyze(&rel, &src) {
            files.push((rel.clone(), l, facts));
            sources.insert(rel, src);
        }
    }
    Project { files, sources }
}

impl Project {
    pub fn build(&self) -> CallGraph {
        let refs: Vec<_> = self
            .files
            .iter()
            .map(|(p, l, f)| (p.as_str(), *l, f))
            .collect();
        CallGraph::build(&refs)
    }
}

pub fn expected(lang: &str) -> BTreeSet<(String, String)> {
    let text =
        std::fs::read_to_string(fixture_dir(lang).join("expected.json")).expect("expected.json");
    let map: BTreeMap<String, Vec<String>> =
        serde_json::from_str(&text).expect("expected.json shape");
    map.into_iter()
        .flat_map(|(k, vs)| vs.into_iter().map(move |v| (k.clone(), v)))
        .collect()
}

pub struct Score {
    pub precision: f64,
    pub recall: f64,
    pub resolved: usize,
    pub expected: usize,
}

pub fn score(lang: &str) -> Score {
    let project = load(lang);
    dump_if_asked(&project);
    let g = project.build();
    let got: BTreeSet<(String, String)> = g.edge_names().into_iter().collect();
    let want = expected(lang);
    let tp = got.intersection(&want).count();
    for (a, b) in want.difference(&got) {
        println!("[{lang}] MISSING {a} -> {b}");
    }
    for (a, b) in got.difference(&want) {
        println!("[{lang}] EXTRA   {a} -> {b}");
    }
    let precision = if got.is_empty() {
        0.0
    } else {
        tp as f64 / got.len() as f64
    };
    let recall = if want.is_empty() {
        0.0
    } else {
        tp as f64 / want.len() as f64
    };
    println!(
        "[{lang}] precision {precision:.3} recall {recall:.3} ({tp} true of {} resolved, {} expected)",
        got.len(),
        want.len()
    );
    Score {
        precision,
        recall,
        resolved: got.len(),
        expected: want.len(),
    }
}

/// Debug helper: `DRIFT_DUMP=<path> cargo test ... -- --nocapture` prints that file's facts.
pub fn dump_if_asked(project: &Project) {
    if let Ok(want) = std::env::var("DRIFT_DUMP") {
        for (p, _, f) in &project.files {
            if p.contains(&want) {
                println!("== {p}\n{f:#?}");
            }
        }
    }
}
