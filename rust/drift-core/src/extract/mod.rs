//! Fact extraction from a syntax tree: symbols, imports, exports, calls,
//! bindings and interesting string literals, in one cursor walk per file.
//!
//! Each language family has a [`walk::Visitor`]; [`walk::walk`] drives it
//! over every node once, keeping the scope stack that gives symbols their
//! qualified names and calls/bindings their enclosing symbol.

mod c_family;
mod csharp;
mod ecmascript;
mod go;
mod java;
mod php;
mod python;
mod ruby;
mod rust_lang;
mod walk;

use crate::lang::Lang;
use crate::model::FileFacts;

/// Extracts symbols, imports, exports, calls, bindings and strings.
pub fn extract(lang: Lang, root: tree_sitter::Node<'_>, source: &[u8]) -> FileFacts {
    match lang {
        Lang::TypeScript | Lang::Tsx | Lang::JavaScript => {
            walk::walk(root, source, &mut ecmascript::EcmaVisitor)
        }
        Lang::Python => walk::walk(root, source, &mut python::PythonVisitor),
        Lang::Java => walk::walk(root, source, &mut java::JavaVisitor),
        Lang::CSharp => walk::walk(root, source, &mut csharp::CSharpVisitor),
        Lang::Go => walk::walk(root, source, &mut go::GoVisitor),
        Lang::Rust => walk::walk(root, source, &mut rust_lang::RustVisitor),
        Lang::Php => walk::walk(root, source, &mut php::PhpVisitor),
        Lang::Ruby => walk::walk(root, source, &mut ruby::RubyVisitor::default()),
        Lang::C | Lang::Cpp => walk::walk(root, source, &mut c_family::CVisitor::default()),
    }
}
