//! Compiles `csrc/tree_walk.c`, the tree walk extraction and the detectors
//! ride on, against the internal headers of the tree-sitter it links with.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=csrc/tree_walk.c");
    // tree-sitter's build script publishes its `include` directory; its
    // sources, with the internal headers, are beside it.
    let Some(include) = std::env::var_os("DEP_TREE_SITTER_INCLUDE").map(PathBuf::from) else {
        panic!(
            "DEP_TREE_SITTER_INCLUDE is not set: drift-core must depend on tree-sitter directly"
        );
    };
    let src = include.with_file_name("src");
    cc::Build::new()
        .std("c11")
        .include(&include)
        .include(&src)
        .warnings(false)
        .file("csrc/tree_walk.c")
        .compile("drift_tree_walk");
}
