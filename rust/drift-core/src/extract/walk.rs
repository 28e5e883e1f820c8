//! Shared extraction machinery: one iterative walk per file (through
//! [`super::tree_walk`]) with a scope stack, node text helpers, the
//! signature builder, callee splitting and string-literal classification.

use std::cell::Cell;
use std::cmp::Reverse;
use std::sync::{LazyLock, OnceLock};

use regex::Regex;
use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::tree_walk::{Step, TreeWalk};
use crate::lang::Lang;
use crate::model::{
    Binding, BindingValue, Call, Export, FileFacts, Import, ImportKind, Param, Span, StringKind,
    StringLiteral, Symbol, SymbolKind,
};

/// Longest signature kept (in bytes); longer headers are cut at a char boundary.
const MAX_SIGNATURE: usize = 400;
/// Callee texts longer than this have their inner argument lists elided
/// (`a.then((x)=>{...}).catch` -> `a.then(…).catch`).
const MAX_CALLEE: usize = 200;
/// Longest string literal value considered for classification.
const MAX_STRING: usize = 2_000;

/// A language's extraction rules: `enter` is called for every named node
/// (of kind `kind`, as [`NodeExt::kind_name`] names it) in document order,
/// before its children; `leave` after them, with the children at hand.
pub(crate) trait Visitor {
    /// Whether it reads nodes' preceding siblings
    /// ([`Ctx::for_each_sibling_before`]); if not, the walk's path is not
    /// kept and any such read goes to the tree.
    const READS_SIBLINGS: bool = true;

    fn enter(&mut self, node: Node<'_>, kind: &str, cx: &mut Ctx<'_>);
    fn leave<'t>(&mut self, _kid: &Kid<'t>, _arena: &[Kid<'t>], _cx: &mut Ctx<'_>) {}
}

#[derive(Debug, Clone, Copy)]
struct Scope {
    /// `Node::id` of the node whose exit closes the scope.
    node_id: usize,
    symbol: u32,
}

/// Extraction state shared by every language visitor.
pub(crate) struct Ctx<'s> {
    pub src: &'s [u8],
    text: crate::Source<'s>,
    pub facts: FileFacts,
    scopes: Vec<Scope>,
    path: Path<'s>,
}

/// The nodes a walk has entered and not left, each after the siblings
/// that came before it: a node's preceding siblings are read here, not
/// from the tree (tree-sitter reaches a sibling through the parent, which
/// it finds by descending from the root).
#[derive(Default)]
struct Path<'t> {
    nodes: Vec<Node<'t>>,
    /// For each open node, where its children begin in `nodes`.
    starts: Vec<usize>,
}

impl<'t> Path<'t> {
    fn enter(&mut self, node: Node<'t>) {
        self.nodes.push(node);
        self.starts.push(self.nodes.len());
    }

    /// Leaves the last node entered: its children go, it stays as a
    /// sibling of those to come.
    fn leave(&mut self) {
        if let Some(start) = self.starts.pop() {
            self.nodes.truncate(start);
        }
    }

    /// The siblings before the open node `id`, in document order; `None`
    /// if it is not open or is the walk's root (whose siblings the walk
    /// did not see).
    fn siblings_before(&self, id: usize) -> Option<&[Node<'t>]> {
        let depth = (1..self.starts.len()).rev().find(|&d| {
            self.nodes
                .get(self.starts[d] - 1)
                .is_some_and(|n| n.id() == id)
        })?;
        self.nodes
            .get(self.starts[depth - 1]..self.starts[depth] - 1)
    }
}

/// Told about every node of a tree in document order: `enter` before its
/// children, `leave` after them (with them: see [`Kid`]). Extraction is
/// one; it can ride on another walk of the same tree (the detectors' walk
/// matcher) so a file's tree is walked once.
pub trait NodeHook<'tree> {
    fn enter(&mut self, kid: &Kid<'tree>);
    fn leave(&mut self, kid: &Kid<'tree>, arena: &[Kid<'tree>]);
}

/// A language visitor with its extraction state, as a [`NodeHook`].
struct Driven<'s, V> {
    visitor: V,
    cx: Ctx<'s>,
}

impl<'s, V: Visitor> NodeHook<'s> for Driven<'s, V> {
    fn enter(&mut self, kid: &Kid<'s>) {
        if V::READS_SIBLINGS {
            self.cx.path.enter(kid.node);
        }
        // Keywords and punctuation carry no facts of their own (and some
        // share a kind name with a named node, e.g. Ruby's `class`).
        if kid.named {
            // The walk has the kind id already: no call into the tree.
            let kind = kind_name_or_tree(kid.kind, &kid.node);
            self.visitor.enter(kid.node, kind, &mut self.cx);
        }
    }

    fn leave(&mut self, kid: &Kid<'s>, arena: &[Kid<'s>]) {
        if kid.named {
            self.visitor.leave(kid, arena, &mut self.cx);
        }
        self.cx.exit(kid.node.id());
        if V::READS_SIBLINGS {
            self.cx.path.leave();
        }
    }
}

/// Runs `visitor` over the walk that `drive` makes with the hook it is
/// given; returns the facts and what `drive` returned.
pub(crate) fn drive<'s, V: Visitor, R>(
    src: &'s [u8],
    visitor: V,
    drive: impl FnOnce(&mut dyn NodeHook<'s>) -> R,
) -> (FileFacts, R) {
    let mut driven = Driven {
        visitor,
        cx: Ctx {
            src,
            text: crate::Source::new(src),
            facts: FileFacts::default(),
            scopes: Vec::new(),
            path: Path::default(),
        },
    };
    let driven_out = drive(&mut driven);
    let mut facts = driven.cx.facts;
    // Calls found on leaving them come in post-order: back to document
    // order (an outer call before the calls inside it).
    let order = |c: &Call| {
        let s = &c.span;
        (s.start_line, s.start_col, Reverse((s.end_line, s.end_col)))
    };
    if !facts.calls.is_sorted_by_key(order) {
        facts.calls.sort_by_key(order);
    }
    (facts, driven_out)
}

/// A visible node as a walk sees it, with its children once the walk has
/// been through them.
#[derive(Clone, Copy)]
pub struct Kid<'tree> {
    pub(crate) node: Node<'tree>,
    /// Its field in its parent (0: none).
    pub(crate) field: u16,
    pub(crate) named: bool,
    /// Its kind id (`ERROR_KIND` for an error).
    pub(crate) kind: u16,
    /// Its children in the walk's arena, once the walk has been through
    /// them; `None`: read them from the tree when needed.
    pub(crate) kids: Option<(u32, u32)>,
}

/// tree-sitter's kind id of ERROR nodes (`ts_builtin_sym_error`).
pub(crate) const ERROR_KIND: u16 = u16::MAX;

impl<'tree> Kid<'tree> {
    /// The node under `cursor`, its children not yet known.
    pub(crate) fn at(cursor: &tree_sitter::TreeCursor<'tree>) -> Kid<'tree> {
        let node = cursor.node();
        Kid::of(node, cursor.field_id().map_or(0, |f| f.get()))
    }

    pub(crate) fn of(node: Node<'tree>, field: u16) -> Kid<'tree> {
        Kid::known(node, field, node.kind_id())
    }

    /// [`Kid::of`] with the node's kind id at hand.
    pub(crate) fn known(node: Node<'tree>, field: u16, kind: u16) -> Kid<'tree> {
        // A kind's namedness from the table saves a call into the tree.
        let named = NAMES
            .with(Cell::get)
            .and_then(|n| n.named.get(usize::from(kind)).copied())
            .unwrap_or_else(|| node.is_named());
        Kid {
            node,
            field,
            named,
            kind,
            kids: None,
        }
    }

    pub(crate) fn is_error(&self) -> bool {
        self.kind == ERROR_KIND
    }

    /// Its children in the walk's `arena`; `None` if the walk has not
    /// been through them.
    pub(crate) fn known_children<'a>(&self, arena: &'a [Kid<'tree>]) -> Option<&'a [Kid<'tree>]> {
        self.kids
            .and_then(|(a, b)| arena.get(a as usize..b as usize))
    }

    /// [`Kid::known_children`], none if unknown.
    pub(crate) fn children<'a>(&self, arena: &'a [Kid<'tree>]) -> &'a [Kid<'tree>] {
        self.known_children(arena).unwrap_or_default()
    }

    /// Its child in field `name` (see [`with_names`]), from the arena.
    pub(crate) fn field<'a>(&self, arena: &'a [Kid<'tree>], name: &str) -> Option<&'a Kid<'tree>> {
        let id = field_id(name)?;
        self.children(arena).iter().find(|k| k.field == id)
    }

    /// Its named children other than comments, from the arena.
    pub(crate) fn code_children<'a>(
        &self,
        arena: &'a [Kid<'tree>],
    ) -> impl Iterator<Item = &'a Kid<'tree>> + use<'a, 'tree> {
        self.children(arena)
            .iter()
            .filter(|k| k.named && !is_comment_kind(kind_name_of(k.kind)))
    }
}

/// What a walk tells about each node (see [`walk_kids`]).
pub(crate) trait KidVisitor<'tree> {
    fn enter(&mut self, kid: &Kid<'tree>);
    fn leave(&mut self, kid: Kid<'tree>, arena: &[Kid<'tree>]);
}

/// Walks every node under `top` (whose node is `root`) once, in document
/// order, without recursion: `enter` before a node's children, `leave`
/// after them. Every node left keeps its children in `arena` for the rest
/// of the walk (`Kid::kids`).
pub(crate) fn walk_kids<'tree>(
    root: Node<'tree>,
    top: Kid<'tree>,
    arena: &mut Vec<Kid<'tree>>,
    visitor: &mut impl KidVisitor<'tree>,
) {
    let mut walk = TreeWalk::new(root);
    // Its first step enters `root`, which `top` stands for.
    if !matches!(walk.step(), Step::Enter { .. }) {
        return;
    }
    // The children seen so far of each node on the path from `root`.
    let mut pending: Vec<Vec<Kid<'tree>>> = vec![vec![top]];
    let mut depth = 0usize;
    visitor.enter(&top);
    loop {
        match walk.step() {
            Step::Enter { node, field, kind } => {
                depth += 1;
                if pending.len() <= depth {
                    pending.push(Vec::new());
                }
                let kid = Kid::known(node, field, kind);
                visitor.enter(&kid);
                pending[depth].push(kid);
            }
            Step::Leave => {
                // Close the node at `depth`: its children are complete.
                let start = arena.len() as u32;
                if let Some(children) = pending.get_mut(depth + 1) {
                    arena.append(children);
                }
                let end = arena.len() as u32;
                let Some(slot) = pending.get_mut(depth).and_then(|p| p.last_mut()) else {
                    return;
                };
                // Read, then write back: reading it right after writing a
                // field stalls on store forwarding.
                let kid = Kid {
                    kids: Some((start, end)),
                    ..*slot
                };
                *slot = kid;
                visitor.leave(kid, arena);
                if depth == 0 {
                    return;
                }
                depth -= 1;
            }
            Step::Done => return,
        }
    }
}

/// Largest walk arena kept for the next file, in nodes (48 MiB of them,
/// about a million).
const MAX_KEPT_ARENA: usize = (48 << 20) / std::mem::size_of::<Kid<'static>>();

thread_local! {
    /// The last walk's arena, emptied: its buffer serves the next walk.
    static ARENA: std::cell::Cell<Vec<Kid<'static>>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Runs `f` with an empty arena for a walk. The buffer is kept per
/// thread: a file's walk fills megabytes, and growing a fresh one per
/// file costs page faults.
pub(crate) fn with_arena<'tree, T>(f: impl FnOnce(&mut Vec<Kid<'tree>>) -> T) -> T {
    let mut arena = recycle(ARENA.take());
    let out = f(&mut arena);
    if arena.capacity() <= MAX_KEPT_ARENA {
        ARENA.set(recycle(arena));
    }
    out
}

/// An emptied vector with `v`'s buffer, for nodes of another tree (the
/// in-place `collect` keeps the allocation: same size and alignment).
#[expect(
    clippy::unnecessary_filter_map,
    reason = "the element type changes (its lifetime), which `filter` cannot do"
)]
pub(crate) fn recycle<'a, 'b>(mut v: Vec<Kid<'a>>) -> Vec<Kid<'b>> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// Walks every node of `root` once for `hook`, in document order.
pub(crate) fn walk<'tree>(root: Node<'tree>, hook: &mut dyn NodeHook<'tree>) {
    struct Hooked<'h, 'd, 'tree>(&'h mut (dyn NodeHook<'tree> + 'd));
    impl<'tree> KidVisitor<'tree> for Hooked<'_, '_, 'tree> {
        fn enter(&mut self, kid: &Kid<'tree>) {
            self.0.enter(kid);
        }
        fn leave(&mut self, kid: Kid<'tree>, arena: &[Kid<'tree>]) {
            self.0.leave(&kid, arena);
        }
    }
    with_arena(|arena| walk_kids(root, Kid::of(root, 0), arena, &mut Hooked(hook)));
}

/// Node kind and field names of one grammar, read once: tree-sitter's
/// `Node::kind` measures and validates a C string on every call, and
/// `child_by_field_name` compares the name with the grammar's field names
/// one by one. Extraction asks both questions at nearly every node.
struct Names {
    /// By kind id.
    kinds: Vec<Box<str>>,
    /// Whether each kind is named, by kind id.
    named: Vec<bool>,
    /// Field ids by name.
    fields: FxHashMap<Box<str>, u16>,
}

impl Names {
    fn of(lang: Lang) -> Option<&'static Names> {
        static TABLES: [OnceLock<Option<Names>>; Lang::ALL.len()] =
            [const { OnceLock::new() }; Lang::ALL.len()];
        let slot = Lang::ALL.iter().position(|&l| l == lang)?;
        TABLES[slot]
            .get_or_init(|| {
                let grammar = lang.grammar()?;
                let kinds = (0..grammar.node_kind_count())
                    .map(|id| {
                        u16::try_from(id)
                            .ok()
                            .and_then(|id| grammar.node_kind_for_id(id))
                            .unwrap_or("")
                            .into()
                    })
                    .collect();
                let named = (0..grammar.node_kind_count())
                    .map(|id| u16::try_from(id).is_ok_and(|id| grammar.node_kind_is_named(id)))
                    .collect();
                let fields = (1..=grammar.field_count())
                    .filter_map(|id| {
                        let id = u16::try_from(id).ok()?;
                        Some((grammar.field_name_for_id(id)?.into(), id))
                    })
                    .collect();
                Some(Names {
                    kinds,
                    named,
                    fields,
                })
            })
            .as_ref()
    }
}

thread_local! {
    /// The names of the grammar being extracted on this thread.
    static NAMES: Cell<Option<&'static Names>> = const { Cell::new(None) };
}

/// Runs `f` with `lang`'s names available to [`NodeExt`] on this thread.
pub(crate) fn with_names<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<&'static Names>);
    impl Drop for Restore {
        fn drop(&mut self) {
            NAMES.with(|n| n.set(self.0));
        }
    }
    let _restore = Restore(NAMES.with(|n| n.replace(Names::of(lang))));
    f()
}

/// The id of field `name` in the grammar of [`with_names`].
fn field_id(name: &str) -> Option<u16> {
    NAMES.with(Cell::get)?.fields.get(name).copied()
}

/// The name of kind `id` in the grammar of [`with_names`] ("" if unknown).
pub(crate) fn kind_name_of(id: u16) -> &'static str {
    NAMES
        .with(Cell::get)
        .and_then(|n| n.kinds.get(usize::from(id)))
        .map_or("", |k| &**k)
}

/// The name of kind `id` from the table, else (no table, or a kind it
/// lacks) from the tree through `node`, whose kind it is.
fn kind_name_or_tree<'t>(id: u16, node: &Node<'t>) -> &'t str {
    match kind_name_of(id) {
        "" => node.kind(),
        name => name,
    }
}

/// `kind` and `child_by_field_name` from the tables of [`with_names`]
/// (the same answers; tree-sitter's own calls outside it).
pub(crate) trait NodeExt<'t> {
    fn kind_name(&self) -> &'t str;
    fn field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> NodeExt<'t> for Node<'t> {
    #[inline]
    fn kind_name(&self) -> &'t str {
        kind_name_or_tree(self.kind_id(), self)
    }

    #[inline]
    fn field(&self, name: &str) -> Option<Node<'t>> {
        match NAMES.with(Cell::get) {
            Some(_) => self.child_by_field_id(field_id(name)?),
            None => self.child_by_field_name(name),
        }
    }
}

/// Everything needed to record a symbol; `Ctx::add_symbol` fills the rest.
#[derive(Debug, Clone)]
pub(crate) struct SymbolSpec {
    pub name: String,
    pub kind: SymbolKind,
    /// Overrides the nesting-derived qualified name (Go methods, C++ `A::f`).
    pub qualified_name: Option<String>,
    pub span: Span,
    pub name_span: Span,
    pub signature: String,
    pub params: Vec<Param>,
    pub return_type: Option<String>,
    pub decorators: Vec<String>,
    pub bases: Vec<String>,
    pub exported: bool,
    pub has_doc: bool,
    pub is_async: bool,
    pub is_static: bool,
}

impl SymbolSpec {
    /// A spec for `node` named by `name_node` with every optional part empty.
    pub fn new(cx: &Ctx<'_>, node: Node<'_>, name_node: Node<'_>, kind: SymbolKind) -> SymbolSpec {
        SymbolSpec::named(node, cx.text(name_node), Span::from_node(&name_node), kind)
    }

    /// A spec with an explicit name (for symbols whose name is not one node).
    pub fn named(node: Node<'_>, name: String, name_span: Span, kind: SymbolKind) -> SymbolSpec {
        SymbolSpec {
            name,
            kind,
            qualified_name: None,
            span: Span::from_node(&node),
            name_span,
            signature: String::new(),
            params: Vec::new(),
            return_type: None,
            decorators: Vec::new(),
            bases: Vec::new(),
            exported: false,
            has_doc: false,
            is_async: false,
            is_static: false,
        }
    }
}

impl<'s> Ctx<'s> {
    fn exit(&mut self, node_id: usize) {
        while self.scopes.last().is_some_and(|s| s.node_id == node_id) {
            self.scopes.pop();
        }
    }

    /// Node text, lossily decoded.
    pub fn text(&self, node: Node<'_>) -> String {
        self.text.text(node.byte_range()).into_owned()
    }

    /// Raw bytes of a node (empty if the range is out of bounds).
    pub fn bytes(&self, node: Node<'_>) -> &'s [u8] {
        self.src.get(node.byte_range()).unwrap_or_default()
    }

    /// Node text with all whitespace removed (`a . b` -> `a.b`).
    pub fn compact(&self, node: Node<'_>) -> String {
        let text = self.text.text(node.byte_range());
        if text.bytes().all(|b| b.is_ascii_graphic()) {
            // Printable ASCII without spaces: nothing to remove.
            return text.into_owned();
        }
        text.split_whitespace().collect()
    }

    /// Node text with runs of whitespace collapsed to one space.
    pub fn collapsed(&self, node: Node<'_>) -> String {
        collapse_ws(&self.text.text(node.byte_range()))
    }

    /// The declaration header: from `node`'s start up to `body`'s start
    /// (or the whole node without a body), whitespace collapsed.
    pub fn signature(&self, node: Node<'_>, body: Option<Node<'_>>) -> String {
        self.signature_from(node.start_byte(), node, body)
    }

    /// Like [`Ctx::signature`] but starting at byte `start` (to leave out
    /// leading decorators/attributes).
    pub fn signature_from(&self, start: usize, node: Node<'_>, body: Option<Node<'_>>) -> String {
        let end = body.map_or(node.end_byte(), |b| header_end(node, b));
        // Without a body the text can be a whole constant table: collapse
        // only what can reach the cut signature.
        let text = collapse_ws_until(&self.text.text(start..end.max(start)), MAX_SIGNATURE);
        cut_signature(&text, MAX_SIGNATURE)
    }

    /// Innermost enclosing symbol.
    pub fn scope(&self) -> Option<u32> {
        self.scopes.last().map(|s| s.symbol)
    }

    /// The symbol record for an index.
    pub fn symbol(&self, idx: u32) -> Option<&Symbol> {
        self.facts.symbols.get(idx as usize)
    }

    /// Innermost enclosing symbol of one of `kinds`.
    pub fn enclosing_of(&self, kinds: &[SymbolKind]) -> Option<u32> {
        self.scopes
            .iter()
            .rev()
            .map(|s| s.symbol)
            .find(|&i| self.symbol(i).is_some_and(|s| kinds.contains(&s.kind)))
    }

    /// Records a symbol nested in the current scope and opens its scope,
    /// which closes when the walker leaves `scope_node`.
    pub fn add_symbol(&mut self, spec: SymbolSpec, scope_node: Node<'_>) -> u32 {
        let idx = self.push_symbol(spec);
        self.scopes.push(Scope {
            node_id: scope_node.id(),
            symbol: idx,
        });
        idx
    }

    /// Records a symbol without opening a scope (fields, constants, signatures
    /// whose children are not walked).
    pub fn push_symbol(&mut self, spec: SymbolSpec) -> u32 {
        let parent = self.scope();
        let qualified_name = match spec.qualified_name {
            Some(q) => q,
            None => match parent.and_then(|p| self.symbol(p)) {
                Some(p) if !p.qualified_name.is_empty() => {
                    format!("{}.{}", p.qualified_name, spec.name)
                }
                _ => spec.name.clone(),
            },
        };
        let idx = u32::try_from(self.facts.symbols.len()).unwrap_or(u32::MAX);
        self.facts.symbols.push(Symbol {
            name: spec.name,
            qualified_name,
            kind: spec.kind,
            span: spec.span,
            name_span: spec.name_span,
            parent,
            signature: spec.signature,
            params: spec.params,
            return_type: spec.return_type,
            decorators: spec.decorators,
            bases: spec.bases,
            exported: spec.exported,
            has_doc: spec.has_doc,
            is_async: spec.is_async,
            is_static: spec.is_static,
        });
        idx
    }

    /// Records an import.
    #[allow(clippy::too_many_arguments)]
    pub fn add_import(
        &mut self,
        node: Node<'_>,
        source: &str,
        kind: ImportKind,
        imported: &str,
        local: &str,
        reexport: bool,
        type_only: bool,
    ) {
        self.facts.imports.push(Import {
            source: source.to_string(),
            kind,
            imported: imported.to_string(),
            local: local.to_string(),
            reexport,
            type_only,
            span: Span::from_node(&node),
        });
    }

    pub fn add_export(&mut self, node: Node<'_>, exported: &str, local: &str) {
        self.facts.exports.push(Export {
            exported: exported.to_string(),
            local: local.to_string(),
            span: Span::from_node(&node),
        });
    }

    pub fn add_binding(&mut self, node: Node<'_>, name: &str, value: BindingValue) {
        if name.is_empty() {
            return;
        }
        let empty = match &value {
            BindingValue::Call(t)
            | BindingValue::New(t)
            | BindingValue::Alias(t)
            | BindingValue::Typed(t) => t.is_empty(),
        };
        if empty {
            return;
        }
        self.facts.bindings.push(Binding {
            name: name.to_string(),
            value,
            scope: self.scope(),
            span: Span::from_node(&node),
        });
    }

    /// Records a call whose callee text is `callee` (whitespace is removed
    /// here). `args` are the argument nodes; those whose kind is in
    /// `name_kinds` are recorded as `arg_names`.
    pub fn add_call(
        &mut self,
        node: Node<'_>,
        callee: impl Into<String>,
        args: &[Node<'_>],
        name_kinds: &[&str],
        is_constructor: bool,
    ) {
        // Most callers hand over a compacted text of their own.
        let mut callee: String = callee.into();
        if callee.contains(char::is_whitespace) {
            callee = callee.split_whitespace().collect();
        }
        if callee.is_empty() {
            return;
        }
        if callee.len() > MAX_CALLEE {
            callee = elide_arguments(&callee);
        }
        let (receiver, name) = split_callee(&callee);
        let arg_names = args
            .iter()
            .filter(|a| name_kinds.contains(&a.kind_name()))
            .map(|a| self.compact(*a))
            .collect();
        self.facts.calls.push(Call {
            name: name.to_string(),
            receiver: receiver.map(str::to_string),
            callee,
            arg_count: u32::try_from(args.len()).unwrap_or(u32::MAX),
            arg_names,
            is_constructor,
            enclosing: self.scope(),
            span: Span::from_node(&node),
        });
    }

    /// Classifies a string literal node, stripping quotes and prefixes.
    pub fn add_string_node(&mut self, node: Node<'_>) {
        if node.byte_range().len() > MAX_STRING + 8 {
            return;
        }
        let text = self.text.text(node.byte_range());
        let value = strip_quotes(&text);
        if let Some(kind) = classify_string(value) {
            self.facts.strings.push(StringLiteral {
                value: value.to_string(),
                kind,
                span: Span::from_node(&node),
            });
        }
    }

    /// Whether a doc comment directly precedes `node` (skipping attributes
    /// and decorators whose kinds are in `skip`). `is_doc` judges a comment's text.
    pub fn has_doc_before(
        &self,
        node: Node<'_>,
        skip: &[&str],
        is_doc: impl Fn(&str) -> bool,
    ) -> bool {
        // The row where the code that the comment would document starts.
        let mut start_row = node.start_position().row;
        let mut steps = 0;
        let mut doc = false;
        self.for_each_sibling_before(node, |prev| {
            steps += 1;
            let kind = prev.kind_name();
            if steps > 64 {
                false
            } else if skip.contains(&kind) {
                start_row = prev.start_position().row;
                true
            } else {
                if kind.contains("comment") {
                    let gap = start_row.saturating_sub(prev.end_position().row);
                    doc = gap <= 1 && is_doc(&self.text(prev));
                }
                false
            }
        });
        doc
    }

    /// Calls `f` with each visible sibling before `node`, nearest first,
    /// until it returns `false`. From the walk's path when `node` is on
    /// it, else from the tree.
    pub fn for_each_sibling_before(&self, node: Node<'_>, mut f: impl FnMut(Node<'_>) -> bool) {
        if let Some(before) = self.path.siblings_before(node.id()) {
            for &prev in before.iter().rev() {
                if !f(prev) {
                    return;
                }
            }
            return;
        }
        let mut prev = node.prev_sibling();
        while let Some(p) = prev {
            if !f(p) {
                return;
            }
            prev = p.prev_sibling();
        }
    }
}

/// Named children of `node` that are not comments.
pub(crate) fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).filter(is_code).collect()
}

/// The first of [`named_children`], without reading the others (nor
/// making a cursor, unless the first is a comment).
pub(crate) fn first_named_child<'t>(node: Node<'t>) -> Option<Node<'t>> {
    match node.named_child(0) {
        Some(first) if !is_code(&first) => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor).find(is_code)
        }
        first => first,
    }
}

/// Not a comment.
fn is_code(node: &Node<'_>) -> bool {
    !is_comment_kind(node.kind_name())
}

/// Whether a kind is a comment (`comment`, `line_comment`, ...).
fn is_comment_kind(kind: &str) -> bool {
    kind.contains("comment")
}

/// Children (named or not) of `node`.
pub(crate) fn children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children(&mut cursor).collect()
}

/// Whether `node` has an anonymous (keyword/punctuation) child `kw`.
pub(crate) fn has_token(node: Node<'_>, kw: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .any(|c| !c.is_named() && c.kind_name() == kw)
}

/// First named child of one of `kinds`.
pub(crate) fn child_of_kind<'t>(node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .find(|c| kinds.contains(&c.kind_name()))
}

/// Replaces the contents of bracketed argument lists with `…`, keeping the
/// chain's shape: `a.then((x)=>f(x)).catch` -> `a.then(…).catch`.
pub(crate) fn elide_arguments(callee: &str) -> String {
    let mut out = String::with_capacity(callee.len().min(256));
    let mut depth = 0usize;
    for c in callee.chars() {
        match c {
            '(' | '[' | '{' => {
                if depth == 0 {
                    out.push(c);
                    out.push('…');
                }
                depth += 1;
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    out.push(c);
                }
            }
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Where the header of `node` ends, given its `body` (a descendant): after
/// the last node before the body that is not a comment, down the path to
/// the body. Comments there are not part of the header (tree-sitter-python
/// puts the comments that open a body before the body's block).
fn header_end(node: Node<'_>, body: Node<'_>) -> usize {
    let mut end = None;
    let mut parent = node;
    'down: loop {
        let mut cursor = parent.walk();
        for child in parent.children(&mut cursor) {
            if child.start_byte() >= body.start_byte() {
                break 'down;
            }
            if child.end_byte() > body.start_byte() {
                // `const f = function (a) {…}`: the body is the value's.
                parent = child;
                continue 'down;
            }
            if !child.is_extra() {
                end = Some(child.end_byte());
            }
        }
        break;
    }
    end.unwrap_or(body.start_byte())
}

/// Collapses runs of whitespace to one space and trims.
pub(crate) fn collapse_ws(s: &str) -> String {
    collapse_ws_until(s, usize::MAX)
}

/// A collapsed header without its trailing `{`, `;`, `:`, `=`, `=>`,
/// cut to `max` bytes.
fn cut_signature(collapsed: &str, max: usize) -> String {
    let text = collapsed
        .trim_end_matches(['{', ';', ':', '=', ' '])
        .trim_end_matches("=>")
        .trim_end();
    truncate(text, max)
}

/// [`collapse_ws`], stopped once the text past byte `keep` holds a byte
/// that [`cut_signature`]'s trimming would keep: the rest can no longer
/// change a signature cut at `keep` bytes.
fn collapse_ws_until(s: &str, keep: usize) -> String {
    const TRIMMED: &[u8] = b"{;:= >";
    let mut out = String::with_capacity(s.len().min(keep.saturating_mul(2)));
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        let at = out.len();
        out.push_str(word);
        if out.len() > keep
            && out.as_bytes()[at.max(keep)..]
                .iter()
                .any(|b| !TRIMMED.contains(b))
        {
            break;
        }
    }
    out
}

/// Cuts `s` to at most `max` bytes at a char boundary.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// Removes string prefixes (`r`, `b`, `f`, `u`, `@`, `$`) and surrounding quotes.
pub(crate) fn strip_quotes(text: &str) -> &str {
    let t = text.trim();
    let Some(open) = t.find(['"', '\'', '`']) else {
        return t;
    };
    let prefix = &t[..open];
    if !prefix
        .chars()
        .all(|c| c.is_ascii_alphabetic() || matches!(c, '@' | '$' | '#'))
    {
        return t;
    }
    let t = &t[open..];
    for q in ["\"\"\"", "'''", "\"", "'", "`"] {
        if let Some(inner) = t.strip_prefix(q) {
            let inner = inner.trim_end_matches('#');
            return inner.strip_suffix(q).unwrap_or(inner);
        }
    }
    t
}

/// Splits a compact callee into `(receiver, name)` at its last top-level
/// separator (`.`, `?.`, `::`, `->`, `\`), ignoring separators inside
/// brackets or generic arguments, and drops trailing generic arguments from
/// the name (`Vec::<u8>::new` -> (`Vec::<u8>`, `new`)).
pub(crate) fn split_callee(callee: &str) -> (Option<&str>, &str) {
    let base = strip_trailing_generics(callee);
    let split = last_separator(base, true).or_else(|| last_separator(base, false));
    match split {
        Some((recv_end, name_start)) => {
            let recv = base[..recv_end].trim_end_matches('?');
            let name = &base[name_start..];
            let recv = if recv.is_empty() { None } else { Some(recv) };
            (recv, name)
        }
        None => (None, base),
    }
}

/// `foo::<T>` / `foo<T>` -> `foo`.
fn strip_trailing_generics(s: &str) -> &str {
    if !s.ends_with('>') || s.ends_with("->") {
        return s;
    }
    let mut depth = 0i32;
    for (i, c) in s.char_indices().rev() {
        match c {
            '>' => depth += 1,
            '<' => {
                depth -= 1;
                if depth == 0 {
                    let head = s[..i].trim_end_matches("::");
                    return if head.is_empty() { s } else { head };
                }
            }
            _ => {}
        }
    }
    s
}

/// Byte positions `(receiver_end, name_start)` of the last top-level separator.
fn last_separator(s: &str, angle: bool) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let mut depth = 0i32;
    let mut best = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'<' if angle => depth += 1,
            b'>' if angle && !(i > 0 && b[i - 1] == b'-') => depth -= 1,
            b'.' if depth == 0 => best = Some((i, i + 1)),
            b'\\' if depth == 0 && i > 0 => best = Some((i, i + 1)),
            b':' if depth == 0 && b.get(i + 1) == Some(&b':') => {
                best = Some((i, i + 2));
                i += 1;
            }
            b'-' if depth == 0 && b.get(i + 1) == Some(&b'>') => {
                best = Some((i, i + 2));
                i += 1;
            }
            _ => {}
        }
        if depth < 0 {
            return None;
        }
        i += 1;
    }
    if depth != 0 {
        return None;
    }
    best.filter(|&(_, start)| start < s.len())
}

/// Whether a name looks like a type (`Service`, `HTTPClient`), not a
/// constant (`MAX_SIZE`).
pub(crate) fn looks_like_type(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_uppercase() => name.len() == 1 || name.chars().any(|c| c.is_lowercase()),
        _ => false,
    }
}

/// A binding value for `x = <callee>(...)`: `New(callee)` when the called
/// name looks like a type (Python/Kotlin-style construction), else `Call`.
pub(crate) fn call_binding(callee: &str) -> BindingValue {
    let compact: String = callee.split_whitespace().collect();
    let (_, name) = split_callee(&compact);
    if looks_like_type(name) {
        BindingValue::New(compact)
    } else {
        BindingValue::Call(compact)
    }
}

static SQL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?is)^\s*(select\s.+\sfrom\s|insert\s+into\s|update\s+\S+\s+set\s|delete\s+from\s|create\s+(table|index|view|unique|or\s+replace)\s|drop\s+(table|index|view)\s|alter\s+table\s|with\s+\w+\s+as\s*\(|merge\s+into\s)",
    )
    .ok()
});
static URL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s]+$").ok());
static ROUTE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^/[A-Za-z0-9_\-./:{}*<>?=&$~@%+\[\]]*[A-Za-z:{*<\]]+[A-Za-z0-9_\-./:{}*<>?=&$~@%+\[\]]*$",
    )
    .ok()
});
static ENV_KEY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$").ok());

fn is_match(re: &LazyLock<Option<Regex>>, s: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(s))
}

/// Classifies a string literal value (routes, SQL, URLs, env-var keys).
pub(crate) fn classify_string(value: &str) -> Option<StringKind> {
    if value.len() < 2 || value.len() > MAX_STRING {
        return None;
    }
    // Cheap prefilters keep the regexes off the common case.
    let first = value.split_whitespace().next().unwrap_or("");
    let sql_start = [
        "select", "insert", "update", "delete", "create", "drop", "alter", "with", "merge",
    ]
    .iter()
    .any(|k| first.eq_ignore_ascii_case(k));
    if value.contains("://") && is_match(&URL, value) {
        Some(StringKind::Url)
    } else if value.starts_with('/') && !value.starts_with("//") && is_match(&ROUTE, value) {
        Some(StringKind::Route)
    } else if value.len() <= 64
        && value.starts_with(|c: char| c.is_ascii_uppercase())
        && is_match(&ENV_KEY, value)
    {
        Some(StringKind::EnvKey)
    } else if sql_start && is_match(&SQL, value) {
        Some(StringKind::Sql)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path's siblings are the tree's: at every node's entry, the
    /// node's own and each open ancestor's, in every sample.
    #[test]
    fn path_siblings_are_the_trees() {
        struct Check<'t> {
            root: Node<'t>,
            path: Path<'t>,
            compared: usize,
        }
        impl<'t> NodeHook<'t> for Check<'t> {
            fn enter(&mut self, kid: &Kid<'t>) {
                self.path.enter(kid.node);
                let mut open = Some(kid.node);
                while let Some(node) = open {
                    let tree: Vec<Node<'_>> =
                        std::iter::successors(node.prev_sibling(), Node::prev_sibling).collect();
                    match self.path.siblings_before(node.id()) {
                        Some(before) => {
                            let path: Vec<Node<'_>> = before.iter().rev().copied().collect();
                            assert_eq!(path, tree, "before {node:?}");
                            self.compared += path.len();
                        }
                        None => assert_eq!(node, self.root, "{node:?} is open"),
                    }
                    open = node.parent();
                }
            }
            fn leave(&mut self, _kid: &Kid<'t>, _arena: &[Kid<'t>]) {
                self.path.leave();
            }
        }
        let mut compared = 0;
        for (lang, code) in super::super::tree_walk::tests::samples() {
            let Some(grammar) = lang.grammar() else {
                continue;
            };
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(&grammar).expect("grammar loads");
            let tree = parser.parse(&code, None).expect("parses");
            let root = tree.root_node();
            let mut check = Check {
                root,
                path: Path::default(),
                compared: 0,
            };
            with_names(lang, || walk(root, &mut check));
            assert!(check.path.nodes.len() <= 1, "{lang}: {code}");
            compared += check.compared;
        }
        assert!(compared > 10_000, "{compared} siblings compared");
    }

    #[test]
    fn name_tables_answer_as_tree_sitter_does() {
        // Real code of several languages, read by every grammar: each
        // gets well-formed nodes, aliased nodes and ERROR nodes.
        let code = r#"
import os
from a.b import c as d
class A(Base):
    def m(self, x: int = 1) -> str: return self.x.y(x)
export class B extends C<T> implements I { private f = (a) => a?.b; }
fn main() -> Result<(), E> { let v: Vec<u8> = vec![1]; v.iter().map(|x| x + 1); }
package p; import java.util.List; public class D { @Override public int h() { return new D().h(); } }
<?php namespace App; use X\Y; $this->z(; ?>
def r; require "x"; @a = B.new; end
#include <stdio.h>
int main(void) { printf("%d", sizeof(struct s)); }
func (s *S) Go() error { return fmt.Errorf("x") }
@@@ ((( }}} "unterminated
"#;
        for lang in Lang::ALL {
            let grammar = lang.grammar().expect("grammar");
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(&grammar).expect("language");
            let tree = parser.parse(code, None).expect("parse");
            let fields: Vec<&str> = (1..=grammar.field_count())
                .filter_map(|id| grammar.field_name_for_id(u16::try_from(id).ok()?))
                .collect();
            let mut nodes = 0;
            with_names(lang, || {
                let mut cursor = tree.walk();
                'walk: loop {
                    let node = cursor.node();
                    nodes += 1;
                    assert_eq!(node.kind_name(), node.kind(), "{lang}");
                    for name in fields.iter().copied().chain(["no_such_field"]) {
                        assert_eq!(
                            node.field(name),
                            node.child_by_field_name(name),
                            "{lang} {name}"
                        );
                    }
                    if cursor.goto_first_child() {
                        continue;
                    }
                    while !cursor.goto_next_sibling() {
                        if !cursor.goto_parent() {
                            break 'walk;
                        }
                    }
                }
            });
            assert!(nodes > 20, "{lang}: {nodes} nodes");
            assert!(tree.root_node().has_error(), "{lang}: the code has errors");
        }
    }

    /// The walk arena's buffer is handed from one tree to the next, not
    /// given up and grown again.
    #[test]
    fn a_recycled_arena_keeps_its_buffer() {
        let mut parser = tree_sitter::Parser::new();
        let grammar = crate::lang::Lang::Python.grammar().expect("grammar");
        parser.set_language(&grammar).expect("language loads");
        let tree = parser.parse("x = 1", None).expect("parses");
        let mut arena = vec![Kid::of(tree.root_node(), 0); 1000];
        let (ptr, cap) = (arena.as_ptr() as usize, arena.capacity());
        arena = recycle(arena);
        assert!(arena.is_empty());
        assert_eq!((arena.as_ptr() as usize, arena.capacity()), (ptr, cap));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4_000))]
        /// Collapsing only what can reach the cut signature gives the
        /// signature of the whole text.
        #[test]
        fn signatures_cut_early_are_whole(
            text in "(a|=>|=|>|[{};:]| |\t|\n|\u{e9}|\u{3000}){0,30}",
            max in 0usize..24,
        ) {
            proptest::prop_assert_eq!(
                cut_signature(&collapse_ws_until(&text, max), max),
                cut_signature(&collapse_ws(&text), max)
            );
        }
    }

    #[test]
    fn callee_splitting() {
        assert_eq!(split_callee("this.repo.save"), (Some("this.repo"), "save"));
        assert_eq!(split_callee("fmt.Println"), (Some("fmt"), "Println"));
        assert_eq!(split_callee("Foo::new"), (Some("Foo"), "new"));
        assert_eq!(split_callee("Vec::<u8>::new"), (Some("Vec::<u8>"), "new"));
        assert_eq!(split_callee("foo::<T>"), (None, "foo"));
        assert_eq!(
            split_callee("$this->repo->save"),
            (Some("$this->repo"), "save")
        );
        assert_eq!(
            split_callee("super().__init__"),
            (Some("super()"), "__init__")
        );
        assert_eq!(split_callee("a?.b"), (Some("a"), "b"));
        assert_eq!(split_callee("f(a.b)"), (None, "f(a.b)"));
        assert_eq!(split_callee("run"), (None, "run"));
        assert_eq!(
            elide_arguments("a.then((x)=>f(x)).catch"),
            "a.then(…).catch"
        );
        assert_eq!(elide_arguments("a[0].b"), "a[…].b");
        assert_eq!(
            split_callee("App\\Models\\User"),
            (Some("App\\Models"), "User")
        );
    }

    #[test]
    fn strings_are_classified() {
        assert_eq!(classify_string("/api/users/:id"), Some(StringKind::Route));
        assert_eq!(classify_string("/users/{id}"), Some(StringKind::Route));
        assert_eq!(classify_string("/"), None);
        assert_eq!(classify_string("// comment"), None);
        assert_eq!(classify_string("https://x.io/a?b=1"), Some(StringKind::Url));
        assert_eq!(classify_string("DATABASE_URL"), Some(StringKind::EnvKey));
        assert_eq!(classify_string("HELLO"), None);
        assert_eq!(
            classify_string("SELECT id FROM users WHERE id = ?"),
            Some(StringKind::Sql)
        );
        assert_eq!(classify_string("select the best option"), None);
        assert_eq!(classify_string("hello world"), None);
    }

    #[test]
    fn quotes_and_whitespace() {
        assert_eq!(strip_quotes("r#\"abc\"#"), "abc");
        assert_eq!(strip_quotes("f'x'"), "x");
        assert_eq!(strip_quotes("\"\"\"doc\"\"\""), "doc");
        assert_eq!(strip_quotes("@\"v\""), "v");
        assert_eq!(strip_quotes("post"), "post");
        assert_eq!(strip_quotes("x + \"a\""), "x + \"a\"");
        assert_eq!(collapse_ws("  a \n  b\t c "), "a b c");
        assert_eq!(truncate("héllo", 2), "h");
        assert!(looks_like_type("Service"));
        assert!(!looks_like_type("MAX_SIZE"));
        assert!(!looks_like_type("run"));
    }
}
