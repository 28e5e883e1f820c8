//! Rust extraction.

use tree_sitter::Node;

use super::walk::{
    Ctx, NodeExt, SymbolSpec, Visitor, child_of_kind, first_named_child, named_children,
};
use crate::model::{BindingValue, ImportKind, Param, Span, SymbolKind};

const NAME_ARGS: &[&str] = &[
    "identifier",
    "field_expression",
    "scoped_identifier",
    "self",
];
/// Use trees deeper than this are not followed.
const MAX_USE_DEPTH: usize = 64;

pub(crate) struct RustVisitor;

impl Visitor for RustVisitor {
    fn enter(&mut self, node: Node<'_>, kind: &str, cx: &mut Ctx<'_>) {
        match kind {
            "struct_item" | "union_item" => {
                item(node, cx, SymbolKind::Struct);
                struct_fields(node, cx);
            }
            "enum_item" => item(node, cx, SymbolKind::Enum),
            "trait_item" => item(node, cx, SymbolKind::Trait),
            "mod_item" => item(node, cx, SymbolKind::Module),
            "const_item" | "static_item" => {
                if let Some(name) = node.field("name") {
                    let mut spec =
                        base_spec(cx, node, name, SymbolKind::Constant, node.field("value"));
                    spec.return_type = node.field("type").map(|t| cx.collapsed(t));
                    cx.push_symbol(spec);
                }
            }
            "impl_item" => impl_item(node, cx),
            "function_item" | "function_signature_item" => function(node, cx),
            "let_declaration" => let_decl(node, cx),
            "assignment_expression" => {
                if let (Some(l), Some(r)) = (node.field("left"), node.field("right"))
                    && matches!(l.kind_name(), "identifier" | "field_expression")
                    && let Some(b) = value_binding(cx, r)
                {
                    let name = cx.compact(l);
                    cx.add_binding(node, &name, b);
                }
            }
            "call_expression" => {
                if let Some(f) = node.field("function") {
                    let f = if f.kind_name() == "generic_function" {
                        f.field("function").unwrap_or(f)
                    } else {
                        f
                    };
                    if f.kind_name() == "closure_expression"
                        || f.kind_name() == "parenthesized_expression"
                    {
                        return;
                    }
                    let args = node
                        .field("arguments")
                        .map(named_children)
                        .unwrap_or_default();
                    let callee = cx.compact(f);
                    cx.add_call(node, callee, &args, NAME_ARGS, false);
                }
            }
            "macro_invocation" => {
                if let Some(m) = node.field("macro") {
                    let callee = format!("{}!", cx.compact(m));
                    cx.add_call(node, callee, &[], NAME_ARGS, false);
                }
            }
            "struct_expression" => {
                if let Some(n) = node.field("name") {
                    let callee = cx.compact(n);
                    cx.add_call(node, callee, &[], NAME_ARGS, true);
                }
            }
            "use_declaration" => use_decl(node, cx),
            "extern_crate_declaration" => {
                if let Some(name) = node.field("name") {
                    let source = cx.text(name);
                    let local = node
                        .field("alias")
                        .map_or_else(|| source.clone(), |a| cx.text(a));
                    cx.add_import(
                        node,
                        &source,
                        ImportKind::Namespace,
                        "*",
                        &local,
                        false,
                        false,
                    );
                }
            }
            "string_literal" | "raw_string_literal" => cx.add_string_node(node),
            _ => {}
        }
    }
}

fn is_doc(text: &str) -> bool {
    text.starts_with("///") || text.starts_with("/**")
}

/// Attribute texts (`derive(Debug)`) from the `#[...]` items before `node`.
fn attributes(cx: &Ctx<'_>, node: Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    cx.for_each_sibling_before(node, |p| match p.kind_name() {
        "attribute_item" => {
            if let Some(a) = child_of_kind(p, &["attribute"]) {
                out.push(cx.collapsed(a));
            }
            true
        }
        k => k.contains("comment"),
    });
    out.reverse();
    out
}

/// A symbol's common parts; its signature ends where `body` starts.
fn base_spec(
    cx: &Ctx<'_>,
    node: Node<'_>,
    name: Node<'_>,
    kind: SymbolKind,
    body: Option<Node<'_>>,
) -> SymbolSpec {
    let mut spec = SymbolSpec::new(cx, node, name, kind);
    spec.exported = child_of_kind(node, &["visibility_modifier"]).is_some();
    spec.has_doc = cx.has_doc_before(node, &["attribute_item"], is_doc);
    spec.decorators = attributes(cx, node);
    spec.signature = cx.signature(node, body);
    spec
}

fn item(node: Node<'_>, cx: &mut Ctx<'_>, kind: SymbolKind) {
    let Some(name) = node.field("name") else {
        return;
    };
    let body = node.field("body");
    let mut spec = base_spec(cx, node, name, kind, body);
    if let Some(bounds) = node.field("bounds") {
        spec.bases = named_children(bounds)
            .into_iter()
            .map(|b| cx.compact(b))
            .collect();
    }
    if body.is_some() {
        cx.add_symbol(spec, node);
    } else {
        cx.push_symbol(spec);
    }
}

fn struct_fields(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(body) = node
        .field("body")
        .filter(|b| b.kind_name() == "field_declaration_list")
    else {
        return;
    };
    for f in named_children(body) {
        if let (Some(n), Some(t)) = (f.field("name"), f.field("type")) {
            let name = format!("self.{}", cx.text(n));
            let ty = cx.collapsed(t);
            cx.add_binding(f, &name, BindingValue::Typed(ty));
        }
    }
}

/// `Store<T>` / `&mut Store` -> `Store`.
fn type_base_name(text: &str) -> &str {
    let t = text
        .trim_start_matches(['&', ' '])
        .trim_start_matches("mut ");
    let t = t.split('<').next().unwrap_or(t);
    t.trim()
}

fn impl_item(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(ty) = node.field("type") else {
        return;
    };
    let ty_text = cx.compact(ty);
    let name = type_base_name(&ty_text).to_string();
    let mut spec = SymbolSpec::named(node, name, Span::from_node(&ty), SymbolKind::Impl);
    spec.decorators = attributes(cx, node);
    spec.has_doc = cx.has_doc_before(node, &["attribute_item"], is_doc);
    spec.signature = cx.signature(node, node.field("body"));
    if let Some(t) = node.field("trait") {
        spec.bases.push(cx.compact(t));
    }
    spec.exported = true;
    cx.add_symbol(spec, node);
}

fn function(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(name) = node.field("name") else {
        return;
    };
    let container = cx
        .scope()
        .and_then(|i| cx.symbol(i))
        .filter(|s| matches!(s.kind, SymbolKind::Impl | SymbolKind::Trait))
        .map(|s| {
            // Trait items are as visible as the trait; trait impl items as the trait.
            let public = match s.kind {
                SymbolKind::Trait => s.exported,
                _ => !s.bases.is_empty(),
            };
            (s.kind, s.name.clone(), public)
        });
    let kind = if container.is_some() {
        SymbolKind::Method
    } else {
        SymbolKind::Function
    };
    let mut spec = base_spec(cx, node, name, kind, node.field("body"));
    let params = node.field("parameters");
    let has_self = params.is_some_and(|p| child_of_kind(p, &["self_parameter"]).is_some());
    if let Some((_, _, public)) = &container {
        spec.exported = spec.exported || *public;
    }
    spec.is_static = container.is_some() && !has_self;
    spec.is_async = child_of_kind(node, &["function_modifiers"])
        .is_some_and(|m| cx.text(m).split_whitespace().any(|w| w == "async"));
    spec.return_type = node.field("return_type").map(|t| cx.collapsed(t));
    if let Some(p) = params {
        spec.params = params_of(cx, p);
    }
    if node.kind_name() == "function_item" {
        cx.add_symbol(spec, node);
        if has_self && let Some((_, ty, _)) = container {
            cx.add_binding(node, "self", BindingValue::Typed(ty));
        }
    } else {
        cx.push_symbol(spec);
    }
}

fn params_of(cx: &Ctx<'_>, params: Node<'_>) -> Vec<Param> {
    let mut out = Vec::new();
    for p in named_children(params) {
        match p.kind_name() {
            "self_parameter" => out.push(Param {
                name: "self".to_string(),
                type_text: Some(cx.collapsed(p)),
            }),
            "parameter" => {
                let name = p
                    .field("pattern")
                    .map(|n| cx.compact(n))
                    .unwrap_or_default();
                out.push(Param {
                    name,
                    type_text: p.field("type").map(|t| cx.collapsed(t)),
                });
            }
            "variadic_parameter" => out.push(Param {
                name: "...".to_string(),
                type_text: None,
            }),
            _ => {}
        }
    }
    out
}

fn unwrap_expr(mut n: Node<'_>) -> Node<'_> {
    for _ in 0..8 {
        match n.kind_name() {
            "try_expression" | "await_expression" | "parenthesized_expression" => {
                match first_named_child(n) {
                    Some(c) => n = c,
                    None => break,
                }
            }
            "reference_expression" => match n.field("value") {
                Some(c) => n = c,
                None => break,
            },
            _ => break,
        }
    }
    n
}

fn value_binding(cx: &Ctx<'_>, v: Node<'_>) -> Option<BindingValue> {
    let v = unwrap_expr(v);
    match v.kind_name() {
        "call_expression" => {
            let f = v.field("function")?;
            let f = if f.kind_name() == "generic_function" {
                f.field("function").unwrap_or(f)
            } else {
                f
            };
            if f.kind_name() == "closure_expression" {
                return None;
            }
            Some(BindingValue::Call(cx.compact(f)))
        }
        "struct_expression" => v.field("name").map(|n| BindingValue::New(cx.compact(n))),
        "identifier" | "field_expression" | "scoped_identifier" => {
            Some(BindingValue::Alias(cx.compact(v)))
        }
        _ => None,
    }
}

fn let_decl(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(pat) = node.field("pattern") else {
        return;
    };
    let pat = if pat.kind_name() == "mut_pattern" {
        first_named_child(pat).unwrap_or(pat)
    } else {
        pat
    };
    if pat.kind_name() != "identifier" {
        return;
    }
    let value = node.field("value");
    if let Some(c) = value.filter(|v| v.kind_name() == "closure_expression") {
        let mut spec = SymbolSpec::new(cx, node, pat, SymbolKind::Function);
        spec.signature = cx.signature(node, c.field("body"));
        if let Some(p) = c.field("parameters") {
            spec.params = named_children(p)
                .into_iter()
                .map(|p| match p.kind_name() {
                    "parameter" => Param {
                        name: p
                            .field("pattern")
                            .map(|n| cx.compact(n))
                            .unwrap_or_default(),
                        type_text: p.field("type").map(|t| cx.collapsed(t)),
                    },
                    _ => Param {
                        name: cx.compact(p),
                        type_text: None,
                    },
                })
                .collect();
        }
        spec.is_async = c.child(0).is_some_and(|t| t.kind_name() == "async");
        cx.add_symbol(spec, node);
        return;
    }
    let name = cx.text(pat);
    if let Some(t) = node.field("type") {
        let ty = cx.collapsed(t);
        cx.add_binding(node, &name, BindingValue::Typed(ty));
    } else if let Some(v) = value
        && let Some(b) = value_binding(cx, v)
    {
        cx.add_binding(node, &name, b);
    }
}

fn use_decl(node: Node<'_>, cx: &mut Ctx<'_>) {
    let reexport = child_of_kind(node, &["visibility_modifier"]).is_some();
    let Some(arg) = node.field("argument") else {
        return;
    };
    let mut stack: Vec<(String, Node<'_>, usize)> = vec![(String::new(), arg, 0)];
    while let Some((prefix, n, depth)) = stack.pop() {
        if depth > MAX_USE_DEPTH {
            continue;
        }
        let join = |p: &str, s: &str| {
            if p.is_empty() {
                s.to_string()
            } else {
                format!("{p}::{s}")
            }
        };
        match n.kind_name() {
            "use_list" => {
                for c in named_children(n).into_iter().rev() {
                    stack.push((prefix.clone(), c, depth + 1));
                }
            }
            "scoped_use_list" => {
                let p = match n.field("path") {
                    Some(path) => join(&prefix, &cx.compact(path)),
                    None => prefix.clone(),
                };
                if let Some(list) = n.field("list") {
                    stack.push((p, list, depth + 1));
                }
            }
            "use_wildcard" => {
                let path = named_children(n)
                    .into_iter()
                    .next()
                    .map(|p| join(&prefix, &cx.compact(p)))
                    .unwrap_or(prefix.clone());
                cx.add_import(n, &path, ImportKind::Namespace, "*", "*", reexport, false);
            }
            "use_as_clause" => {
                let Some(path) = n.field("path") else {
                    continue;
                };
                let full = join(&prefix, &cx.compact(path));
                let (source, imported) = split_path(&full);
                let local = n
                    .field("alias")
                    .map_or_else(|| imported.clone(), |a| cx.text(a));
                cx.add_import(
                    n,
                    &source,
                    ImportKind::Named,
                    &imported,
                    &local,
                    reexport,
                    false,
                );
            }
            _ => {
                let full = join(&prefix, &cx.compact(n));
                let (source, imported) = split_path(&full);
                cx.add_import(
                    n,
                    &source,
                    ImportKind::Named,
                    &imported,
                    &imported,
                    reexport,
                    false,
                );
            }
        }
    }
}

/// `a::b::C` -> (`a::b`, `C`); `a::b::self` -> (`a`, `b`).
fn split_path(full: &str) -> (String, String) {
    let full = full.strip_suffix("::self").unwrap_or(full);
    match full.rsplit_once("::") {
        Some((s, i)) => (s.to_string(), i.to_string()),
        None => (String::new(), full.to_string()),
    }
}
