//! The facts extracted from one file. Every consumer (detectors, learning,
//! the call graph, the index, front ends) reads these plain values; nothing
//! downstream re-parses a file.

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// A source range. Lines and columns are 1-based; columns count bytes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Span {
    pub start_line: u32,
    pub start_col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    /// Builds a span from a tree-sitter node (converting to 1-based positions).
    pub fn from_node(node: &tree_sitter::Node<'_>) -> Span {
        let s = node.start_position();
        let e = node.end_position();
        Span {
            start_line: s.row as u32 + 1,
            start_col: s.column as u32 + 1,
            end_line: e.row as u32 + 1,
            end_col: e.column as u32 + 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymbolKind {
    Function,
    Method,
    Constructor,
    Class,
    Struct,
    Interface,
    Trait,
    Enum,
    /// Rust `impl` blocks, Go receiver groups and similar containers that
    /// only scope methods.
    Impl,
    Module,
    Constant,
}

impl SymbolKind {
    /// Functions, methods and constructors: the nodes of the call graph.
    pub fn is_callable(self) -> bool {
        matches!(
            self,
            SymbolKind::Function | SymbolKind::Method | SymbolKind::Constructor
        )
    }
}

/// A parameter of a function or method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param {
    pub name: String,
    /// Type annotation text as written, if any (`Service`, `*Store`, `List[int]`).
    pub type_text: Option<String>,
}

/// A declaration: function, method, class, struct, interface, ...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Symbol {
    /// Simple name (`run`).
    pub name: String,
    /// Name qualified by in-file nesting, joined by `.` (`Service.run`,
    /// `outer.inner`). The module prefix is added by consumers that know the
    /// file path (see `crate::naming`).
    pub qualified_name: String,
    pub kind: SymbolKind,
    /// Whole declaration.
    pub span: Span,
    /// The name identifier's position.
    pub name_span: Span,
    /// Index of the enclosing symbol in [`FileFacts::symbols`].
    pub parent: Option<u32>,
    /// The declaration's header as written, whitespace collapsed, body
    /// omitted (`async run(s: Service): Promise<void>`).
    pub signature: String,
    pub params: Vec<Param>,
    /// Return type annotation text, if any.
    pub return_type: Option<String>,
    /// Decorator / annotation / attribute texts without the sigil
    /// (`app.get("/x")`, `Override`, `derive(Debug)`).
    pub decorators: Vec<String>,
    /// Superclasses, implemented interfaces, embedded structs (as written).
    pub bases: Vec<String>,
    /// Visible outside its module (export, `pub`, public, capitalised Go name,
    /// no leading underscore in Python).
    pub exported: bool,
    /// Has a documentation comment (JSDoc, docstring, `///`, Javadoc, ...).
    pub has_doc: bool,
    pub is_async: bool,
    pub is_static: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// `import { a } from "m"`, `from m import a`, `use m::a`, `import m.A;`
    Named,
    /// `import a from "m"`
    Default,
    /// `import * as m from "m"`, `import m`, `import a.b as c`, Go imports.
    Namespace,
    /// `import "m"` with no bindings.
    SideEffect,
    /// `const a = require("m")`
    Require,
}

/// One imported binding (or one module for namespace/side-effect imports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    /// Module specifier as written (`./util`, `..models`, `os.path`,
    /// `crate::a::b`, `github.com/x/y`, `java.util`).
    pub source: String,
    pub kind: ImportKind,
    /// Name in the source module (`a` in `import { a as b }`); `*` for
    /// namespace imports, `default` for default imports.
    pub imported: String,
    /// Local binding name (`b`), equal to `imported` when not aliased.
    pub local: String,
    /// `export { a } from "m"` / `export * from "m"` / Rust `pub use`.
    pub reexport: bool,
    /// TypeScript `import type`.
    pub type_only: bool,
    pub span: Span,
}

/// A name exported from the file without a declaration of its own
/// (`export { a as b }`, `export default foo`, `module.exports = x`, `__all__`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    /// Name visible to importers (`b`, `default`).
    pub exported: String,
    /// Local name it refers to (`a`).
    pub local: String,
    pub span: Span,
}

/// A call site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// Callee expression text as written, whitespace removed
    /// (`this.repo.save`, `fmt.Println`, `Foo::new`, `super().__init__`).
    pub callee: String,
    /// Last segment: the called name (`save`, `Println`, `new`).
    pub name: String,
    /// Receiver / qualifier text before the name (`this.repo`, `fmt`, `Foo`),
    /// if any.
    pub receiver: Option<String>,
    pub arg_count: u32,
    /// Arguments that are bare identifiers or member paths (`handler`,
    /// `this.onClick`): candidates for callbacks passed by name.
    pub arg_names: Vec<String>,
    /// `new C()` / object creation expressions / struct literals are not calls.
    pub is_constructor: bool,
    /// Index of the innermost enclosing symbol in [`FileFacts::symbols`];
    /// `None` at module top level.
    pub enclosing: Option<u32>,
    pub span: Span,
}

/// What a local name was bound to, for simple type inference and aliasing.
/// Externally tagged (`{"call": "make"}`): the index stores facts in a
/// binary serde format, which cannot read adjacently tagged enums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BindingValue {
    /// `x = make()` / `x := pkg.New()` — callee text.
    Call(String),
    /// `x = new C()` / `x = C{}` / `x = C()` where `C` looks like a type.
    New(String),
    /// `f = g` / `const h = obj.method` — the name or member path.
    Alias(String),
    /// `x: Service`, `let s: Service = ...`, `Service s = ...` — type text.
    Typed(String),
}

/// A local variable, field or module-level binding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// Bound name (`x`, `self.repo`, `this.repo`).
    pub name: String,
    pub value: BindingValue,
    /// Enclosing symbol index; `None` at module top level.
    pub scope: Option<u32>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StringKind {
    /// Looks like a URL path (`/api/users/:id`).
    Route,
    /// Looks like SQL (`SELECT ... FROM`).
    Sql,
    Url,
    /// Looks like an environment variable name used as a key (`DATABASE_URL`).
    EnvKey,
}

/// A string literal worth keeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StringLiteral {
    pub value: String,
    pub kind: StringKind,
    pub span: Span,
}

/// A detector hit classified into a variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetectorMatch {
    pub detector: String,
    pub variant: String,
    pub span: Span,
    /// The matched source, trimmed to one line.
    pub snippet: String,
}

/// Everything extracted from one file in one pass over its syntax tree.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FileFacts {
    pub symbols: Vec<Symbol>,
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    pub calls: Vec<Call>,
    pub bindings: Vec<Binding>,
    pub strings: Vec<StringLiteral>,
    pub matches: Vec<DetectorMatch>,
    /// Python `if __name__ == "__main__":` present.
    pub has_main_guard: bool,
    /// The tree had ERROR or MISSING nodes; facts are what the tree allowed.
    pub partial: bool,
    /// Number of ERROR/MISSING nodes.
    pub error_count: u32,
    /// Lines in the file.
    pub line_count: u32,
}

/// Result of analysing one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileAnalysis {
    pub lang: Lang,
    pub facts: FileFacts,
}
