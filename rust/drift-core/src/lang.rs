//! Languages Drift understands, how a file's language is recognised, and
//! the tree-sitter grammar behind each (compiled in through Cargo features).

use serde::{Deserialize, Serialize};

/// A source language. `Tsx` is separate from `TypeScript` because it uses a
/// different grammar; detectors usually target both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    TypeScript,
    Tsx,
    JavaScript,
    Python,
    Java,
    Go,
    Rust,
    CSharp,
    Php,
    Ruby,
    C,
    Cpp,
}

impl Lang {
    /// Every language, in a stable order.
    pub const ALL: [Lang; 12] = [
        Lang::TypeScript,
        Lang::Tsx,
        Lang::JavaScript,
        Lang::Python,
        Lang::Java,
        Lang::Go,
        Lang::Rust,
        Lang::CSharp,
        Lang::Php,
        Lang::Ruby,
        Lang::C,
        Lang::Cpp,
    ];

    /// Stable lowercase id used in config, rule files, the index and output.
    pub fn id(self) -> &'static str {
        match self {
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
            Lang::JavaScript => "javascript",
            Lang::Python => "python",
            Lang::Java => "java",
            Lang::Go => "go",
            Lang::Rust => "rust",
            Lang::CSharp => "csharp",
            Lang::Php => "php",
            Lang::Ruby => "ruby",
            Lang::C => "c",
            Lang::Cpp => "cpp",
        }
    }

    /// Parses an id produced by [`Lang::id`] (also accepts a few common aliases).
    pub fn from_id(id: &str) -> Option<Lang> {
        let lang = match id.to_ascii_lowercase().as_str() {
            "typescript" | "ts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "javascript" | "js" | "jsx" => Lang::JavaScript,
            "python" | "py" => Lang::Python,
            "java" => Lang::Java,
            "go" | "golang" => Lang::Go,
            "rust" | "rs" => Lang::Rust,
            "csharp" | "c#" | "cs" => Lang::CSharp,
            "php" => Lang::Php,
            "ruby" | "rb" => Lang::Ruby,
            "c" => Lang::C,
            "cpp" | "c++" | "cxx" => Lang::Cpp,
            _ => return None,
        };
        Some(lang)
    }

    /// Human-readable name.
    pub fn display_name(self) -> &'static str {
        match self {
            Lang::TypeScript => "TypeScript",
            Lang::Tsx => "TSX",
            Lang::JavaScript => "JavaScript",
            Lang::Python => "Python",
            Lang::Java => "Java",
            Lang::Go => "Go",
            Lang::Rust => "Rust",
            Lang::CSharp => "C#",
            Lang::Php => "PHP",
            Lang::Ruby => "Ruby",
            Lang::C => "C",
            Lang::Cpp => "C++",
        }
    }

    /// Language from a path's extension (`path` uses `/` separators).
    pub fn from_path(path: &str) -> Option<Lang> {
        let file = path.rsplit('/').next().unwrap_or(path);
        let ext = file.rsplit_once('.')?.1.to_ascii_lowercase();
        let lang = match ext.as_str() {
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "js" | "jsx" | "mjs" | "cjs" => Lang::JavaScript,
            "py" | "pyi" => Lang::Python,
            "java" => Lang::Java,
            "go" => Lang::Go,
            "rs" => Lang::Rust,
            "cs" => Lang::CSharp,
            "php" => Lang::Php,
            "rb" | "rake" => Lang::Ruby,
            "c" | "h" => Lang::C,
            "cc" | "cpp" | "cxx" | "c++" | "hpp" | "hh" | "hxx" => Lang::Cpp,
            _ => return None,
        };
        Some(lang)
    }

    /// Language from a `#!` line, e.g. `#!/usr/bin/env python3`.
    pub fn from_shebang(first_line: &[u8]) -> Option<Lang> {
        let line = first_line.strip_prefix(b"#!")?;
        let line = std::str::from_utf8(line).ok()?.trim();
        let mut words = line.split_whitespace();
        let mut program = words.next()?.rsplit('/').next()?;
        if program == "env" {
            program = words.find(|w| !w.starts_with('-'))?;
        }
        let program = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        match program {
            "python" => Some(Lang::Python),
            "node" | "nodejs" | "deno" | "bun" => Some(Lang::JavaScript),
            "ts-node" | "tsx" => Some(Lang::TypeScript),
            "ruby" => Some(Lang::Ruby),
            "php" => Some(Lang::Php),
            _ => None,
        }
    }

    /// The tree-sitter grammar, or `None` when its Cargo feature is off.
    pub fn grammar(self) -> Option<tree_sitter::Language> {
        let lang: tree_sitter::Language = match self {
            #[cfg(feature = "lang-typescript")]
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            #[cfg(feature = "lang-typescript")]
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            #[cfg(feature = "lang-javascript")]
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            #[cfg(feature = "lang-python")]
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            #[cfg(feature = "lang-java")]
            Lang::Java => tree_sitter_java::LANGUAGE.into(),
            #[cfg(feature = "lang-go")]
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
            #[cfg(feature = "lang-rust")]
            Lang::Rust => tree_sitter_rust::LANGUAGE.into(),
            #[cfg(feature = "lang-csharp")]
            Lang::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
            #[cfg(feature = "lang-php")]
            Lang::Php => tree_sitter_php::LANGUAGE_PHP.into(),
            #[cfg(feature = "lang-ruby")]
            Lang::Ruby => tree_sitter_ruby::LANGUAGE.into(),
            #[cfg(feature = "lang-c")]
            Lang::C => tree_sitter_c::LANGUAGE.into(),
            #[cfg(feature = "lang-cpp")]
            Lang::Cpp => tree_sitter_cpp::LANGUAGE.into(),
            #[allow(unreachable_patterns)]
            _ => return None,
        };
        Some(lang)
    }

    /// Languages whose grammar is compiled into this build.
    pub fn available() -> impl Iterator<Item = Lang> {
        Lang::ALL.into_iter().filter(|l| l.grammar().is_some())
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_id(lang.id()), Some(lang));
        }
    }

    #[test]
    fn every_grammar_loads() {
        for lang in Lang::ALL {
            let grammar = lang.grammar().expect("all-languages is a default feature");
            let mut parser = tree_sitter::Parser::new();
            parser
                .set_language(&grammar)
                .expect("grammar ABI is supported");
        }
    }

    #[test]
    fn extensions_and_shebangs() {
        assert_eq!(Lang::from_path("src/a/b.tsx"), Some(Lang::Tsx));
        assert_eq!(Lang::from_path("lib/x.PY"), Some(Lang::Python));
        assert_eq!(Lang::from_path("Makefile"), None);
        assert_eq!(
            Lang::from_shebang(b"#!/usr/bin/env python3"),
            Some(Lang::Python)
        );
        assert_eq!(
            Lang::from_shebang(b"#!/usr/bin/env -S node --flag"),
            Some(Lang::JavaScript)
        );
        assert_eq!(Lang::from_shebang(b"#!/bin/sh"), None);
    }
}
