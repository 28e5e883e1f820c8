//! Architecture invariants of drift-core, checked (see ARCHITECTURE.md):
//! the core does no I/O and depends only on pure libraries.

use std::path::{Path, PathBuf};

const ALLOWED_DEPENDENCIES: &[&str] = &[
    // Counting a file's lines with SIMD.
    "bytecount",
    // Data parallelism within one file's analysis (no I/O, no runtime to set up).
    "rayon",
    "regex",
    // A fast non-cryptographic hasher for learning's maps.
    "rustc-hash",
    "serde",
    "streaming-iterator",
    "thiserror",
    "toml",
    "tracing",
    "tree-sitter",
    "tree-sitter-language",
    "tree-sitter-typescript",
    "tree-sitter-javascript",
    "tree-sitter-python",
    "tree-sitter-java",
    "tree-sitter-go",
    "tree-sitter-rust",
    "tree-sitter-c-sharp",
    "tree-sitter-php",
    "tree-sitter-ruby",
    "tree-sitter-c",
    "tree-sitter-cpp",
];

const FORBIDDEN_IN_SOURCE: &[&str] = &[
    "std::fs",
    "std::process",
    "std::net",
    "std::env::var",
    "tokio",
    "rusqlite",
    "File::open",
];

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn core_depends_only_on_pure_libraries() {
    let manifest = std::fs::read_to_string(crate_dir().join("Cargo.toml")).expect("manifest");
    let manifest: toml::Table = toml::from_str(&manifest).expect("valid manifest");
    let deps = manifest
        .get("dependencies")
        .and_then(|d| d.as_table())
        .expect("[dependencies]");
    let unexpected: Vec<&String> = deps
        .keys()
        .filter(|name| !ALLOWED_DEPENDENCIES.contains(&name.as_str()))
        .collect();
    assert!(
        unexpected.is_empty(),
        "drift-core must stay free of I/O: unexpected dependencies {unexpected:?} \
         (file walking, storage and runtimes belong in drift-scan / drift-index)"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn core_source_does_no_io() {
    let mut files = Vec::new();
    rust_files(&crate_dir().join("src"), &mut files);
    assert!(files.len() > 5, "expected drift-core sources");
    let mut offences = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read source");
        // Unit tests inside the source may read fixtures; only library code counts.
        let library = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in library.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for needle in FORBIDDEN_IN_SOURCE {
                if code.contains(needle) {
                    offences.push(format!("{}:{}: {needle}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "drift-core must not do I/O:\n{}",
        offences.join("\n")
    );
}
