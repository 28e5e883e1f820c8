//! Fact extraction from a syntax tree: symbols, imports, exports, calls,
//! bindings and interesting string literals, in one walk per file.
//!
//! Each language family has a `walk::Visitor` (`ecmascript` for
//! TypeScript/TSX/JavaScript, `python`, `java`, `csharp`, `go`, `rust_lang`,
//! `php`, `ruby`, `c_family` for C/C++); a walk of the tree drives it over
//! every node once, in document order, through a [`NodeHook`]: its own
//! `walk::walk` with a `TreeCursor`, or the detectors' walk matcher when
//! the analyzer does both in one walk ([`extract_along`]). No recursion, so
//! 5,000-level trees are fine. The hook keeps the scope stack that gives
//! symbols their qualified names and calls/bindings their enclosing symbol.
//! Node text is decoded lossily, so invalid UTF-8 never panics; ERROR nodes
//! are walked like any other node.
//!
//! ## Conventions consumers rely on
//!
//! - **Qualified names** join in-file nesting with `.`: `Service.run`,
//!   `outer.inner`, Rust `impl` methods `Type.method` (the `impl` block is an
//!   [`SymbolKind::Impl`](crate::model::SymbolKind::Impl) symbol named after the type), Go methods
//!   `Recv.Method` (no parent symbol), C++ out-of-class definitions
//!   `Class.method`. Namespaces/modules are [`SymbolKind::Module`](crate::model::SymbolKind::Module) symbols and
//!   nest their members: C# `App.Services.UserService`, PHP `App.Http.X`
//!   (`\` becomes `.`), C++ `app.Store`, TS `namespace`, Rust `mod`, Ruby
//!   `module`. JS object literals holding functions are
//!   [`SymbolKind::Constant`](crate::model::SymbolKind::Constant) symbols (`api.get`).
//! - **Field bindings** use the receiver spelling of their language so a
//!   call's `receiver` can be looked up directly: `this.x` (TS/JS, Java, C#,
//!   Go struct fields, C++ members), `self.x` (Python, Rust struct fields),
//!   `$this->x` (PHP), `@x` (Ruby). Field declarations give
//!   `Typed(type)`; assignments give `New`/`Call`/`Alias`.
//! - **Receiver types**: Go methods bind the receiver name (`s` ->
//!   `Typed("*Store")`), Rust methods with `self` bind `self` ->
//!   `Typed(ImplType)`, C++ member functions bind `this` -> `Typed("Class*")`.
//!   Typed parameters are in [`crate::model::Symbol::params`].
//! - **Calls**: `callee` is the callee text without whitespace (argument
//!   lists inside callees longer than 200 bytes are elided to `(…)`);
//!   `name`/`receiver` split it at the last `.`, `?.`, `::`, `->` or `\`
//!   outside brackets, with trailing generic arguments dropped from the name
//!   (`Helper.Make<User>` -> `Make`). Constructions (`new C()`, C#/Java
//!   object creation, Go/Rust struct literals, Ruby `C.new`, C++ `T x(…)`)
//!   have `is_constructor` and the type as callee. Rust macros are calls
//!   named `name!`. TSX/JSX `<Component a={h} />` is a call of `Component`
//!   (lowercase intrinsic elements are not). Python `C()` is a plain call;
//!   its binding is `New("C")` when `C` looks like a type.
//! - **Imports**: `source` as written (`./m`, `..models`, `crate::a`,
//!   `github.com/x/y`, `App\Models`, `<vector>` for system includes,
//!   `store.h` for local ones). Whole-module imports are `Namespace` with
//!   `imported = "*"` and `local` = the bound name (Python `import a.b` binds
//!   `a.b`; Go binds the last path segment without a `/vN` suffix); wildcard
//!   imports have `local = "*"` (Python `*`, Java `.*`, Rust `::*`, Go dot
//!   imports, C# `using X;`, C/C++ includes, `using namespace`). Ruby
//!   `require`/`require_relative`, PHP `require`/`include` and JS bare
//!   `require("x")` are `SideEffect`; dynamic `import("x")` is `Namespace`.
//! - **Exported**: `export`/CommonJS (TS/JS), `pub` (Rust; trait and trait
//!   impl items follow the trait), `public` (Java/C#; interface members),
//!   capitalised (Go), no leading underscore (Python, dunders are public),
//!   `public` section (C++), not `static` (C), not under `private` (Ruby).
//!
//! ## Approximations
//!
//! Types are syntax only (no inference beyond the bindings above); Ruby
//! bare identifiers that may be method calls (`make_db`) are not calls;
//! calls inside Rust macro token trees are not seen; decorator calls belong
//! to the scope around the decorated declaration.

mod c_family;
mod csharp;
mod ecmascript;
mod go;
mod java;
mod php;
mod python;
mod ruby;
mod rust_lang;
mod tree_walk;
pub(crate) mod walk;

pub(crate) use walk::walk as walk_tree;
pub use walk::{Kid, NodeHook};

use crate::lang::Lang;
use crate::model::{FileFacts, Span, Symbol, SymbolKind};

/// Extracts symbols, imports, exports, calls, bindings and strings.
pub fn extract(lang: Lang, root: tree_sitter::Node<'_>, source: &[u8]) -> FileFacts {
    extract_along(lang, source, |hook| walk::walk(root, hook)).0
}

/// [`extract`] riding on a walk of the tree that `drive` makes: it must
/// call the hook's `enter` and `leave` for every node of the tree, in
/// document order, as [`extract`]'s own walk does. Returns the facts and
/// what `drive` returned.
pub fn extract_along<'s, R>(
    lang: Lang,
    source: &'s [u8],
    drive: impl FnOnce(&mut dyn NodeHook<'s>) -> R,
) -> (FileFacts, R) {
    let (mut facts, driven) = walk::with_names(lang, || match lang {
        Lang::TypeScript | Lang::Tsx | Lang::JavaScript => {
            walk::drive(source, ecmascript::EcmaVisitor, drive)
        }
        Lang::Python => walk::drive(source, python::PythonVisitor::default(), drive),
        Lang::Java => walk::drive(source, java::JavaVisitor, drive),
        Lang::CSharp => walk::drive(source, csharp::CSharpVisitor, drive),
        Lang::Go => walk::drive(source, go::GoVisitor, drive),
        Lang::Rust => walk::drive(source, rust_lang::RustVisitor, drive),
        Lang::Php => walk::drive(source, php::PhpVisitor, drive),
        Lang::Ruby => walk::drive(source, ruby::RubyVisitor::default(), drive),
        Lang::C | Lang::Cpp => walk::drive(source, c_family::CVisitor::default(), drive),
    });
    mark_exported(&mut facts);
    (facts, driven)
}

/// Where a large file can be cut to be parsed in two parts side by side
/// (each part on its own, with positions as in the whole file).
pub(crate) struct Cut {
    /// The second part starts here, at a line start.
    pub at: usize,
    /// The one-line header of the class the cut falls in, which the second
    /// part is parsed with so the members after the cut stay in it.
    pub header: Option<std::ops::Range<usize>>,
    /// The class's closing line, which the first part is parsed with
    /// (languages whose classes end with a bracket).
    pub closing: Option<std::ops::Range<usize>>,
    pub kinds: &'static CutKinds,
}

/// Node kinds and fields of the trees a cut makes.
pub(crate) struct CutKinds {
    pub root: &'static str,
    pub class: &'static str,
    pub class_body: &'static str,
    /// The class's fields on its header line.
    pub header_fields: &'static [&'static str],
    /// The kinds of its children on the header line that have no field.
    pub header_kinds: &'static [&'static str],
}

/// Where `source` can be cut (see [`Cut`]), for languages whose syntax
/// shows such a place line by line (Python: a line that starts a
/// top-level definition, or a method of a top-level class; JS/TS: the
/// same with declarations and class members).
pub(crate) fn cut(lang: Lang, source: &[u8]) -> Option<Cut> {
    match lang {
        Lang::Python => python::cut(source),
        Lang::TypeScript | Lang::Tsx | Lang::JavaScript => ecmascript::cut(source),
        _ => None,
    }
}

/// The lines of `source`: each one's start and end (after its newline).
pub(crate) fn line_spans(source: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= source.len() {
            return None;
        }
        let end = source[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(source.len(), |i| start + i + 1);
        let span = (start, end);
        start = end;
        Some(span)
    })
}

/// Picks, among `candidates` (line starts in order), the one nearest the
/// middle of a `len`-byte file, within its middle half.
pub(crate) fn nearest_middle(len: usize, candidates: impl Iterator<Item = usize>) -> Option<usize> {
    let (low, high, mid) = (len / 4, len / 4 * 3, len / 2);
    let mut best: Option<usize> = None;
    for at in candidates.filter(|at| (low..=high).contains(at)) {
        if best.is_none_or(|b| at.abs_diff(mid) < b.abs_diff(mid)) {
            best = Some(at);
        } else {
            break;
        }
    }
    best
}

/// Whether `line` starts with `keyword` and a space.
pub(crate) fn begins_keyword(line: &[u8], keyword: &[u8]) -> bool {
    line.strip_prefix(keyword)
        .is_some_and(|rest| rest.first().is_some_and(|c| c.is_ascii_whitespace()))
}

/// The facts of a whole file from those of its two parts (see [`Cut`]),
/// each extracted from its own tree: `second`'s symbol references are
/// renumbered after `first`'s symbols, and export lists in either part
/// mark the top-level symbols of both. With a class header (`header_line`,
/// 1-based), the class and the facts of its header line appear in both
/// parts: the first part's class symbol and header facts are kept, with
/// the class's end from the second, and the header line's detector
/// matches come from the second part, whose class node spans the whole
/// class. `None` if the class is not found in both parts.
pub(crate) fn join_parts(
    mut first: FileFacts,
    second: FileFacts,
    header_line: Option<u32>,
) -> Option<FileFacts> {
    // Every field named, so a new one cannot be forgotten here.
    let FileFacts {
        mut symbols,
        mut imports,
        mut exports,
        mut calls,
        mut bindings,
        mut strings,
        mut matches,
        has_main_guard,
        partial,
        error_count,
        line_count: _,
    } = second;
    let offset = u32::try_from(first.symbols.len()).ok()?;
    // The second part's class symbol, which stands for the first part's.
    let mut shared: Option<(u32, u32)> = None;
    if let Some(line) = header_line {
        let top_class = |s: &Symbol| s.parent.is_none() && s.kind == SymbolKind::Class;
        let second_class = symbols
            .iter()
            .position(|s| top_class(s) && s.span.start_line == line)?;
        let name_span = symbols[second_class].name_span;
        let first_class = first
            .symbols
            .iter()
            .position(|s| top_class(s) && s.name_span == name_span)?;
        let whole = symbols.remove(second_class).span;
        let class = &mut first.symbols[first_class];
        (class.span.end_line, class.span.end_col) = (whole.end_line, whole.end_col);
        shared = Some((
            u32::try_from(second_class).ok()?,
            u32::try_from(first_class).ok()?,
        ));
        let off_header = |span: &Span| span.start_line != line;
        calls.retain(|c| off_header(&c.span));
        bindings.retain(|b| off_header(&b.span));
        strings.retain(|s| off_header(&s.span));
        imports.retain(|i| off_header(&i.span));
        exports.retain(|e| off_header(&e.span));
        first.matches.retain(|m| off_header(&m.span));
    }
    let shift = |i: Option<u32>| {
        i.map(|i| match shared {
            Some((second_class, first_class)) if i == second_class => first_class,
            Some((second_class, _)) if i > second_class => i - 1 + offset,
            _ => i + offset,
        })
    };
    first.symbols.extend(symbols.into_iter().map(|mut s| {
        s.parent = shift(s.parent);
        s
    }));
    first.calls.extend(calls.into_iter().map(|mut c| {
        c.enclosing = shift(c.enclosing);
        c
    }));
    first.bindings.extend(bindings.into_iter().map(|mut b| {
        b.scope = shift(b.scope);
        b
    }));
    first.imports.append(&mut imports);
    first.exports.append(&mut exports);
    first.strings.append(&mut strings);
    first.matches.append(&mut matches);
    first.has_main_guard |= has_main_guard;
    first.partial |= partial;
    first.error_count = first.error_count.saturating_add(error_count);
    mark_exported(&mut first);
    Some(first)
}

/// Top-level symbols named by an export list (`export { a }`,
/// `module.exports = { f }`, `__all__`) are exported too.
fn mark_exported(facts: &mut FileFacts) {
    if facts.exports.is_empty() {
        return;
    }
    let locals: std::collections::HashSet<&str> =
        facts.exports.iter().map(|e| e.local.as_str()).collect();
    for s in &mut facts.symbols {
        if s.parent.is_none() && !s.exported && locals.contains(s.name.as_str()) {
            s.exported = true;
        }
    }
}
