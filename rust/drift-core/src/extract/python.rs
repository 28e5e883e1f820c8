//! Python extraction.

use tree_sitter::Node;

use super::walk::{
    Ctx, NodeExt, SymbolSpec, Visitor, call_binding, has_token, named_children, strip_quotes,
};
use crate::model::{BindingValue, ImportKind, Param, SymbolKind};

const NAME_ARGS: &[&str] = &["identifier", "attribute"];

/// The kind of a Python tree's root.
pub(crate) const ROOT_KIND: &str = "module";

pub(crate) struct PythonVisitor;

impl Visitor for PythonVisitor {
    fn enter(&mut self, node: Node<'_>, cx: &mut Ctx<'_>) {
        match node.kind_name() {
            "class_definition" => class(node, cx),
            "function_definition" => function(node, cx),
            "assignment" => assignment(node, cx),
            "call" => call(node, cx),
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

/// Decorators from a wrapping `decorated_definition`.
fn decorators(cx: &Ctx<'_>, node: Node<'_>) -> Vec<String> {
    node.parent()
        .filter(|p| p.kind_name() == "decorated_definition")
        .map(|p| {
            named_children(p)
                .into_iter()
                .filter(|d| d.kind_name() == "decorator")
                .map(|d| cx.collapsed(d).trim_start_matches('@').trim().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// A docstring: the body's first statement is a string.
fn has_docstring(node: Node<'_>) -> bool {
    node.field("body")
        .and_then(|b| named_children(b).into_iter().next())
        .is_some_and(|s| {
            s.kind_name() == "expression_statement"
                && s.named_child(0).is_some_and(|c| c.kind_name() == "string")
        })
}

fn class(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(name) = node.field("name") else {
        return;
    };
    let mut spec = SymbolSpec::new(cx, node, name, SymbolKind::Class);
    spec.exported = is_exported(cx, &spec.name);
    spec.decorators = decorators(cx, node);
    spec.has_doc = has_docstring(node);
    spec.signature = cx.signature(node, node.field("body"));
    if let Some(supers) = node.field("superclasses") {
        spec.bases = named_children(supers)
            .into_iter()
            .filter(|b| !matches!(b.kind_name(), "keyword_argument" | "dictionary_splat"))
            .map(|b| cx.compact(b))
            .collect();
    }
    cx.add_symbol(spec, node);
}

fn function(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(name) = node.field("name") else {
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
    spec.decorators = decorators(cx, node);
    spec.is_static = spec.decorators.iter().any(|d| d == "staticmethod");
    spec.is_async = has_token(node, "async");
    spec.has_doc = has_docstring(node);
    spec.signature = cx.signature(node, node.field("body"));
    spec.return_type = node.field("return_type").map(|t| type_text(cx, t));
    if let Some(params) = node.field("parameters") {
        spec.params = params_of(cx, params);
    }
    cx.add_symbol(spec, node);
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

fn call(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(func) = node.field("function") else {
        return;
    };
    let mut args = Vec::new();
    if let Some(a) = node.field("arguments") {
        if a.kind_name() == "argument_list" {
            for arg in named_children(a) {
                match arg.kind_name() {
                    "keyword_argument" => {
                        args.push(arg.field("value").unwrap_or(arg));
                    }
                    _ => args.push(arg),
                }
            }
        } else {
            args.push(a);
        }
    }
    let callee = cx.compact(func);
    cx.add_call(node, &callee, &args, NAME_ARGS, false);
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

/// A line start near the middle of `source` where a top-level `def`,
/// `class` or decorator group begins, so the two sides parse on their own
/// into the two parts of the whole file's module. Lines that follow a
/// comment, a decorator or a backslash continuation are passed over (a
/// comment's place in the tree depends on what follows it). The caller
/// must still check that neither side has a syntax error: a line inside a
/// triple-quoted string looks like any other.
pub(crate) fn top_level_split(source: &[u8]) -> Option<usize> {
    let (low, high) = (source.len() / 4, source.len() / 4 * 3);
    let mid = source.len() / 2;
    let mut best: Option<usize> = None;
    // Whether the last non-blank line lets a statement start after it.
    let mut after_code = false;
    let mut start = 0;
    while start < source.len() {
        let end = source[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(source.len(), |i| start + i + 1);
        let line = &source[start..end];
        let text = line.trim_ascii_end();
        let body = text.trim_ascii_start();
        if !body.is_empty() {
            let top = body.len() == text.len();
            if top && after_code && (low..=high).contains(&start) && begins_definition(body) {
                if best.is_none_or(|b| start.abs_diff(mid) < b.abs_diff(mid)) {
                    best = Some(start);
                } else {
                    break;
                }
            }
            // A comment, a decorator or a continued line binds what follows.
            let binds_next =
                body.starts_with(b"#") || body.ends_with(b"\\") || (top && body.starts_with(b"@"));
            after_code = !binds_next;
        }
        start = end;
    }
    best
}

fn begins_definition(line: &[u8]) -> bool {
    let keyword = |k: &[u8]| {
        line.strip_prefix(k)
            .is_some_and(|rest| rest.first().is_some_and(|c| c.is_ascii_whitespace()))
    };
    line.starts_with(b"@") || keyword(b"def") || keyword(b"class") || keyword(b"async")
}
