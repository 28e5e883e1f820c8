//! Drift's qualified-name scheme, shared by the index, the call graph and
//! every front end.
//!
//! A symbol's qualified name is its file's *module path* followed by its
//! in-file nesting, joined with `.`:
//!
//! | file            | symbol                 | qualified name          |
//! |-----------------|------------------------|-------------------------|
//! | `pkg/mod.py`    | `Class.method`         | `pkg.mod.Class.method`  |
//! | `pkg/__init__.py` | `helper`             | `pkg.helper`            |
//! | `src/a/b.ts`    | `fnName`               | `src.a.b.fnName`        |
//! | `src/a/b.ts`    | (top-level code)       | `src.a.b`               |
//!
//! The module path is the path relative to the project root with its
//! extension removed and `/` replaced by `.`; Python's `__init__` names its
//! package. Code at module top level belongs to the module itself.

/// Module path for a root-relative path using `/` separators.
pub fn module_path(rel_path: &str) -> String {
    let trimmed = rel_path.trim_start_matches("./");
    let (dir, file) = match trimmed.rsplit_once('/') {
        Some((d, f)) => (Some(d), f),
        None => (None, trimmed),
    };
    let stem = match file.rsplit_once('.') {
        Some((s, _)) if !s.is_empty() => s,
        _ => file,
    };
    let mut parts: Vec<&str> = dir
        .map(|d| d.split('/').filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    if stem != "__init__" || parts.is_empty() {
        parts.push(stem);
    }
    parts.join(".")
}

/// Qualified name of a symbol with in-file name `local` (e.g. `Class.method`).
pub fn qualified_name(rel_path: &str, local: &str) -> String {
    qualified_in(&module_path(rel_path), local)
}

/// [`qualified_name`] with the file's [`module_path`] at hand.
pub fn qualified_in(module: &str, local: &str) -> String {
    let mut name = String::with_capacity(module.len() + 1 + local.len());
    name.push_str(module);
    if !local.is_empty() {
        name.push('.');
        name.push_str(local);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_matches_the_documented_examples() {
        assert_eq!(
            qualified_name("pkg/mod.py", "Class.method"),
            "pkg.mod.Class.method"
        );
        assert_eq!(qualified_name("src/a/b.ts", "fnName"), "src.a.b.fnName");
        assert_eq!(
            qualified_name("src/a/b.ts", "ClassName.method"),
            "src.a.b.ClassName.method"
        );
        assert_eq!(qualified_name("pkg/mod.py", ""), "pkg.mod");
        assert_eq!(module_path("pkg/__init__.py"), "pkg");
        assert_eq!(module_path("__init__.py"), "__init__");
        assert_eq!(module_path("main.go"), "main");
        assert_eq!(module_path("./x/y.rs"), "x.y");
    }
}
