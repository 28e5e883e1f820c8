//! Python extraction.

use tree_sitter::Node;

use super::walk::{
    Ctx, Kid, NodeExt, SymbolSpec, Visitor, call_binding, first_named_child, kind_name_of,
    named_children, strip_quotes,
};
use super::{begins_keyword, nearest_middle};
use crate::model::{BindingValue, ImportKind, Param, SymbolKind};

const NAME_ARGS: &[&str] = &["identifier", "attribute"];

/// What cutting a Python file in two parts deals with.
pub(crate) const CUT_KINDS: super::CutKinds = super::CutKinds {
    root: "module",
    class: "class_definition",
    class_body: "block",
    header_fields: &["name", "superclasses", "type_parameters"],
    header_kinds: &[],
};

#[derive(Default)]
pub(crate) struct PythonVisitor {
    /// The decorators of the `decorated_definition` last entered, with
    /// the node id of its definition (the next definition entered).
    decorated: Option<(usize, Vec<String>)>,
}

impl PythonVisitor {
    /// The decorators of definition `node` (none if it is not decorated).
    fn take_decorators(&mut self, node: Node<'_>) -> Vec<String> {
        match self.decorated.take() {
            Some((id, decorators)) if id == node.id() => decorators,
            other => {
                self.decorated = other;
                Vec::new()
            }
        }
    }
}

impl Visitor for PythonVisitor {
    // Docstrings are inside the definition; decorators are its children.
    const READS_SIBLINGS: bool = false;

    fn enter(&mut self, node: Node<'_>, kind: &str, cx: &mut Ctx<'_>) {
        match kind {
            "decorated_definition" => {
                self.decorated = node
                    .field("definition")
                    .map(|d| (d.id(), decorators(cx, node)));
            }
            "class_definition" => class(node, cx, self.take_decorators(node)),
            "function_definition" => function(node, cx, self.take_decorators(node)),
            "assignment" => assignment(node, cx),
            "import_statement" => import(node, cx),
            "import_from_statement" => import_from(node, cx),
            "if_statement" => {
                if cx.scope().is_none()
                    && let Some(cond) = node.field("condition")
                {
                    let text = cx.compact(cond);
                    if text.contains("__name__") && text.contains("__main__") {
                        cx.facts.has_main_guard = true;
                    }
                }
            }
            "as_pattern" => {
                // `with Session() as s:` binds `s` to the context value.
                if node.parent().is_some_and(|p| p.kind_name() == "with_item")
                    && let (Some(value), Some(target)) = (
                        node.named_child(0),
                        node.field("alias")
                            .and_then(|a| a.named_child(0))
                            .filter(|t| t.kind_name() == "identifier"),
                    )
                    && let Some(b) = value_binding(cx, value)
                {
                    let name = cx.text(target);
                    cx.add_binding(node, &name, b);
                }
            }
            "string" => cx.add_string_node(node),
            _ => {}
        }
    }

    fn leave<'t>(&mut self, kid: &Kid<'t>, arena: &[Kid<'t>], cx: &mut Ctx<'_>) {
        // A call's parts are read from its children, which the walk has
        // in hand by now.
        if kind_name_of(kid.kind) == "call" {
            call(kid, arena, cx);
        }
    }
}

/// Python visibility: no leading underscore (dunder names are public), and
/// the enclosing symbol (if any) is a public class.
fn is_exported(cx: &Ctx<'_>, name: &str) -> bool {
    let public = !name.starts_with('_') || (name.starts_with("__") && name.ends_with("__"));
    public
        && match cx.scope().and_then(|i| cx.symbol(i)) {
            None => true,
            Some(p) => p.kind == SymbolKind::Class && p.exported,
        }
}

/// The decorators of a `decorated_definition`, without their `@`.
fn decorators(cx: &Ctx<'_>, decorated: Node<'_>) -> Vec<String> {
    named_children(decorated)
        .into_iter()
        .filter(|d| d.kind_name() == "decorator")
        .map(|d| cx.collapsed(d).trim_start_matches('@').trim().to_string())
        .collect()
}

/// Whether a class or function body starts with a string statement.
fn body_has_docstring(body: Option<Node<'_>>) -> bool {
    body.and_then(first_named_child).is_some_and(|s| {
        s.kind_name() == "expression_statement"
            && s.named_child(0).is_some_and(|c| c.kind_name() == "string")
    })
}

fn class(node: Node<'_>, cx: &mut Ctx<'_>, decorators: Vec<String>) {
    let parts = DefParts::of(node);
    let Some(name) = parts.name else {
        return;
    };
    let mut spec = SymbolSpec::new(cx, node, name, SymbolKind::Class);
    spec.exported = is_exported(cx, &spec.name);
    spec.decorators = decorators;
    spec.has_doc = body_has_docstring(parts.body);
    spec.signature = cx.signature(node, parts.body);
    if let Some(supers) = parts.superclasses {
        spec.bases = named_children(supers)
            .into_iter()
            .filter(|b| !matches!(b.kind_name(), "keyword_argument" | "dictionary_splat"))
            .map(|b| cx.compact(b))
            .collect();
    }
    cx.add_symbol(spec, node);
}

fn function(node: Node<'_>, cx: &mut Ctx<'_>, decorators: Vec<String>) {
    let parts = DefParts::of(node);
    let Some(name) = parts.name else {
        return;
    };
    let in_class = cx
        .scope()
        .and_then(|i| cx.symbol(i))
        .is_some_and(|s| s.kind == SymbolKind::Class);
    let name_text = cx.text(name);
    let kind = match (in_class, name_text.as_str()) {
        (true, "__init__") => SymbolKind::Constructor,
        (true, _) => SymbolKind::Method,
        _ => SymbolKind::Function,
    };
    let mut spec = SymbolSpec::new(cx, node, name, kind);
    spec.exported = is_exported(cx, &name_text);
    spec.decorators = decorators;
    spec.is_static = spec.decorators.iter().any(|d| d == "staticmethod");
    spec.is_async = parts.is_async;
    spec.has_doc = body_has_docstring(parts.body);
    spec.signature = cx.signature(node, parts.body);
    spec.return_type = parts.return_type.map(|t| type_text(cx, t));
    if let Some(params) = parts.parameters {
        spec.params = params_of(cx, params);
    }
    cx.add_symbol(spec, node);
}

/// A class or function definition's fields and `async` keyword.
#[derive(Default)]
struct DefParts<'t> {
    name: Option<Node<'t>>,
    parameters: Option<Node<'t>>,
    return_type: Option<Node<'t>>,
    superclasses: Option<Node<'t>>,
    body: Option<Node<'t>>,
    is_async: bool,
}

impl<'t> DefParts<'t> {
    /// Read in one pass over the children (each field as
    /// `child_by_field_name` finds it: its first child).
    fn of(node: Node<'t>) -> DefParts<'t> {
        let mut parts = DefParts::default();
        let mut cursor = node.walk();
        if !cursor.goto_first_child() {
            return parts;
        }
        loop {
            let child = cursor.node();
            let slot = match cursor.field_name() {
                Some("name") => Some(&mut parts.name),
                Some("parameters") => Some(&mut parts.parameters),
                Some("return_type") => Some(&mut parts.return_type),
                Some("superclasses") => Some(&mut parts.superclasses),
                Some("body") => Some(&mut parts.body),
                _ => None,
            };
            match slot {
                Some(slot) => {
                    slot.get_or_insert(child);
                }
                None => parts.is_async |= !child.is_named() && child.kind_name() == "async",
            }
            if !cursor.goto_next_sibling() {
                return parts;
            }
        }
    }
}

fn type_text(cx: &Ctx<'_>, t: Node<'_>) -> String {
    let text = cx.collapsed(t);
    // String annotations (`"Service"`) name the type they quote.
    if t.named_child(0).is_some_and(|c| c.kind_name() == "string") && t.named_child_count() == 1 {
        strip_quotes(&text).to_string()
    } else {
        text
    }
}

fn params_of(cx: &Ctx<'_>, params: Node<'_>) -> Vec<Param> {
    let mut out = Vec::new();
    for p in named_children(params) {
        let (name, ty) = match p.kind_name() {
            "identifier" => (cx.text(p), None),
            "typed_parameter" => {
                let name = p.named_child(0).map(|n| cx.text(n)).unwrap_or_default();
                (name, p.field("type"))
            }
            "default_parameter" | "typed_default_parameter" => {
                let name = p.field("name").map(|n| cx.text(n)).unwrap_or_default();
                (name, p.field("type"))
            }
            "list_splat_pattern" | "dictionary_splat_pattern" | "tuple_pattern" => {
                (cx.compact(p), None)
            }
            _ => continue,
        };
        if name.is_empty() {
            continue;
        }
        out.push(Param {
            name,
            type_text: ty.map(|t| type_text(cx, t)),
        });
    }
    out
}

fn unwrap_await(node: Node<'_>) -> Node<'_> {
    let mut n = node;
    for _ in 0..8 {
        match n.kind_name() {
            "await" | "parenthesized_expression" => match n.named_child(0) {
                Some(c) => n = c,
                None => break,
            },
            _ => break,
        }
    }
    n
}

fn value_binding(cx: &Ctx<'_>, value: Node<'_>) -> Option<BindingValue> {
    let v = unwrap_await(value);
    match v.kind_name() {
        "call" => v.field("function").map(|f| call_binding(&cx.compact(f))),
        "identifier" | "attribute" => Some(BindingValue::Alias(cx.compact(v))),
        _ => None,
    }
}

fn assignment(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(left) = node.field("left") else {
        return;
    };
    let right = node.field("right");
    let left_text = cx.compact(left);
    if left_text == "__all__" && cx.scope().is_none() {
        if let Some(r) = right.filter(|r| matches!(r.kind_name(), "list" | "tuple")) {
            for item in named_children(r) {
                if item.kind_name() == "string" {
                    let name = strip_quotes(&cx.text(item)).to_string();
                    cx.add_export(item, &name, &name);
                }
            }
        }
        return;
    }
    if !matches!(left.kind_name(), "identifier" | "attribute") {
        return;
    }
    // `lam = lambda x: ...` names a function.
    if let Some(r) = right.filter(|r| r.kind_name() == "lambda")
        && left.kind_name() == "identifier"
    {
        let mut spec = SymbolSpec::new(cx, node, left, SymbolKind::Function);
        spec.exported = is_exported(cx, &left_text);
        spec.signature = cx.signature(node, r.field("body"));
        if let Some(params) = r.field("parameters") {
            spec.params = params_of(cx, params);
        }
        cx.add_symbol(spec, node);
        return;
    }
    // Class-level annotations (`repo: Repo`) describe instance attributes.
    let in_class = cx
        .scope()
        .and_then(|i| cx.symbol(i))
        .is_some_and(|s| s.kind == SymbolKind::Class);
    let name = if in_class && left.kind_name() == "identifier" {
        format!("self.{left_text}")
    } else {
        left_text
    };
    if let Some(t) = node.field("type") {
        let ty = type_text(cx, t);
        cx.add_binding(node, &name, BindingValue::Typed(ty));
    } else if let Some(r) = right
        && let Some(b) = value_binding(cx, r)
    {
        cx.add_binding(node, &name, b);
    }
}

fn call<'t>(kid: &Kid<'t>, arena: &[Kid<'t>], cx: &mut Ctx<'_>) {
    let Some(func) = kid.field(arena, "function") else {
        return;
    };
    let mut args = Vec::new();
    if let Some(a) = kid.field(arena, "arguments") {
        if kind_name_of(a.kind) == "argument_list" {
            for arg in a.code_children(arena) {
                match kind_name_of(arg.kind) {
                    "keyword_argument" => {
                        args.push(arg.field(arena, "value").unwrap_or(arg).node);
                    }
                    _ => args.push(arg.node),
                }
            }
        } else {
            args.push(a.node);
        }
    }
    let callee = cx.compact(func.node);
    cx.add_call(kid.node, callee, &args, NAME_ARGS, false);
}

fn import(node: Node<'_>, cx: &mut Ctx<'_>) {
    for n in named_children(node) {
        match n.kind_name() {
            "dotted_name" => {
                let source = cx.compact(n);
                cx.add_import(
                    n,
                    &source,
                    ImportKind::Namespace,
                    "*",
                    &source,
                    false,
                    false,
                );
            }
            "aliased_import" => {
                let source = n.field("name").map(|x| cx.compact(x)).unwrap_or_default();
                let local = n
                    .field("alias")
                    .map_or_else(|| source.clone(), |a| cx.text(a));
                cx.add_import(n, &source, ImportKind::Namespace, "*", &local, false, false);
            }
            _ => {}
        }
    }
}

fn import_from(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(module) = node.field("module_name") else {
        return;
    };
    let source = cx.compact(module);
    let mut cursor = node.walk();
    let names: Vec<Node<'_>> = node.children_by_field_name("name", &mut cursor).collect();
    for n in names {
        match n.kind_name() {
            "dotted_name" => {
                let imported = cx.compact(n);
                cx.add_import(
                    n,
                    &source,
                    ImportKind::Named,
                    &imported,
                    &imported,
                    false,
                    false,
                );
            }
            "aliased_import" => {
                let imported = n.field("name").map(|x| cx.compact(x)).unwrap_or_default();
                let local = n
                    .field("alias")
                    .map_or_else(|| imported.clone(), |a| cx.text(a));
                cx.add_import(
                    n,
                    &source,
                    ImportKind::Named,
                    &imported,
                    &local,
                    false,
                    false,
                );
            }
            _ => {}
        }
    }
    if named_children(node)
        .iter()
        .any(|c| c.kind_name() == "wildcard_import")
    {
        cx.add_import(node, &source, ImportKind::Namespace, "*", "*", false, false);
    }
}

/// Where a large file can be cut for parsing in two parts: a line start
/// near the middle, and the header line of the class the cut falls in
/// (the second part is parsed with it so its methods stay in the class),
/// if it falls inside one. See [`top_level_split`] and [`class_body_split`].
pub(crate) fn cut(source: &[u8]) -> Option<super::Cut> {
    let lines: Vec<Line<'_>> = lines(source).collect();
    let (at, header) = match top_level_split(source.len(), &lines) {
        Some(at) => (at, None),
        None => class_body_split(source.len(), &lines).map(|(at, header)| (at, Some(header)))?,
    };
    Some(super::Cut {
        at,
        header,
        closing: None,
        kinds: &CUT_KINDS,
    })
}

/// A line of a Python file.
struct Line<'s> {
    start: usize,
    /// After its newline.
    end: usize,
    /// Without trailing whitespace.
    text: &'s [u8],
    /// Without leading or trailing whitespace.
    body: &'s [u8],
    /// It starts inside a triple-quoted string (as far as a line-by-line
    /// look can tell: quotes inside other strings can mislead it, which the
    /// parts' syntax check catches).
    in_string: bool,
}

impl<'s> Line<'s> {
    /// Blank, or inside a multi-line string.
    fn is_filler(&self) -> bool {
        self.body.is_empty() || self.in_string
    }

    fn indent(&self) -> &'s [u8] {
        &self.text[..self.text.len() - self.body.len()]
    }
}

fn lines(source: &[u8]) -> impl Iterator<Item = Line<'_>> {
    let mut open: Option<&[u8]> = None;
    super::line_spans(source).map(move |(start, end)| {
        let text = source[start..end].trim_ascii_end();
        let line = Line {
            start,
            end,
            text,
            body: text.trim_ascii_start(),
            in_string: open.is_some(),
        };
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            match open {
                Some(quote) if rest.starts_with(quote) => {
                    open = None;
                    i += 3;
                }
                None if rest.starts_with(b"\"\"\"") || rest.starts_with(b"'''") => {
                    open = Some(&rest[..3]);
                    i += 3;
                }
                None if rest[0] == b'#' => break,
                _ => i += 1,
            }
        }
        line
    })
}

/// Whether a non-blank line binds the line after it: a comment, a
/// decorator (`decorator`: it starts with `@` at the statement level) or a
/// backslash continuation.
fn binds_next(body: &[u8], decorator: bool) -> bool {
    body.starts_with(b"#") || body.ends_with(b"\\") || (decorator && body.starts_with(b"@"))
}

/// A line start near the middle of `source` where a top-level `def`,
/// `class` or decorator group begins, so the two sides parse on their own
/// into the two parts of the whole file's module. Lines that follow a
/// comment, a decorator or a backslash continuation are passed over (a
/// comment's place in the tree depends on what follows it). The caller
/// must still check that neither side has a syntax error: a line inside a
/// triple-quoted string looks like any other.
fn top_level_split(len: usize, lines: &[Line<'_>]) -> Option<usize> {
    let mut after_code = false;
    let candidates = lines.iter().filter_map(move |line| {
        if line.is_filler() {
            return None;
        }
        let top = line.indent().is_empty();
        let cut = (top && after_code && line.start > 0 && begins_definition(line.body))
            .then_some(line.start);
        after_code = !binds_next(line.body, top);
        cut
    });
    nearest_middle(len, candidates)
}

/// For a file whose middle is inside one top-level class: a line start
/// near the middle where a method (or decorator group) of that class
/// begins, at the class body's indentation, and the class's header line.
/// The class must have a one-line header (`class Name(...):`) and no
/// decorators, so the second part parses as the same class holding the
/// rest of its body. Same caveats as [`top_level_split`].
fn class_body_split(len: usize, lines: &[Line<'_>]) -> Option<(usize, std::ops::Range<usize>)> {
    let mid = len / 2;
    // The last top-level statement that starts before the middle.
    let mut header = None;
    let mut after_decorator = false;
    for line in lines.iter().take_while(|l| l.start <= mid) {
        if line.is_filler() || !line.indent().is_empty() || line.body.starts_with(b"#") {
            continue;
        }
        let body = line.body;
        let class = begins_keyword(body, b"class")
            && body.ends_with(b":")
            && !body.contains(&b'#')
            && !after_decorator;
        header = Some((line.start..line.end, class));
        after_decorator = body.starts_with(b"@");
    }
    let (header, true) = header? else {
        return None;
    };
    let mut indent: Option<&[u8]> = None;
    let mut after_code = false;
    let candidates = lines
        .iter()
        .skip_while(|l| l.start < header.end)
        .filter(|l| !l.is_filler())
        .map_while(|line| {
            let lead = line.indent();
            if lead.is_empty() {
                // A comment at the margin, or the end of the class.
                after_code = false;
                return line.body.starts_with(b"#").then_some(None);
            }
            let member = lead == *indent.get_or_insert(lead);
            let cut = (member && after_code && begins_definition(line.body)).then_some(line.start);
            after_code = !binds_next(line.body, member);
            Some(cut)
        })
        .flatten();
    nearest_middle(len, candidates).map(|at| (at, header))
}

fn begins_definition(line: &[u8]) -> bool {
    line.starts_with(b"@")
        || begins_keyword(line, b"def")
        || begins_keyword(line, b"class")
        || begins_keyword(line, b"async")
}
