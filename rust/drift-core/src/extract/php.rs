//! PHP extraction.

use tree_sitter::Node;

use super::walk::{
    Ctx, NodeExt, SymbolSpec, Visitor, child_of_kind, children, named_children, strip_quotes,
};
use crate::model::{BindingValue, ImportKind, Param, SymbolKind};

const NAME_ARGS: &[&str] = &[
    "variable_name",
    "member_access_expression",
    "class_constant_access_expression",
];

pub(crate) struct PhpVisitor;

impl Visitor for PhpVisitor {
    fn enter(&mut self, node: Node<'_>, kind: &str, cx: &mut Ctx<'_>) {
        match kind {
            "namespace_definition" => namespace(node, cx),
            "class_declaration" => type_decl(node, cx, SymbolKind::Class),
            "interface_declaration" => type_decl(node, cx, SymbolKind::Interface),
            "trait_declaration" => type_decl(node, cx, SymbolKind::Trait),
            "enum_declaration" => type_decl(node, cx, SymbolKind::Enum),
            "method_declaration" => function(node, cx, true),
            "function_definition" => function(node, cx, false),
            "property_declaration" => {
                if let Some(t) = node.field("type") {
                    let ty = cx.collapsed(t);
                    for el in named_children(node) {
                        if el.kind_name() == "property_element"
                            && let Some(n) = el
                                .field("name")
                                .or_else(|| child_of_kind(el, &["variable_name"]))
                        {
                            let name = format!("$this->{}", cx.text(n).trim_start_matches('$'));
                            cx.add_binding(el, &name, BindingValue::Typed(ty.clone()));
                        }
                    }
                }
            }
            "assignment_expression" => {
                if let (Some(l), Some(r)) = (node.field("left"), node.field("right"))
                    && matches!(
                        l.kind_name(),
                        "variable_name"
                            | "member_access_expression"
                            | "scoped_property_access_expression"
                    )
                    && let Some(b) = value_binding(cx, r)
                {
                    let name = cx.compact(l);
                    cx.add_binding(node, &name, b);
                }
            }
            "function_call_expression"
            | "member_call_expression"
            | "nullsafe_member_call_expression"
            | "scoped_call_expression" => {
                if let Some(callee) = callee_of(cx, node) {
                    let args = args_of(node.field("arguments"));
                    cx.add_call(node, callee, &args, NAME_ARGS, false);
                }
            }
            "object_creation_expression" => {
                if let Some(class) = named_children(node)
                    .into_iter()
                    .find(|c| c.kind_name() != "arguments" && c.kind_name() != "attribute_list")
                {
                    let callee = cx.compact(class);
                    let args = args_of(child_of_kind(node, &["arguments"]));
                    cx.add_call(node, callee, &args, NAME_ARGS, true);
                }
            }
            "namespace_use_declaration" => use_decl(node, cx),
            "require_expression"
            | "require_once_expression"
            | "include_expression"
            | "include_once_expression" => {
                if let Some(s) = first_string(node) {
                    let source = strip_quotes(&cx.text(s)).to_string();
                    cx.add_import(node, &source, ImportKind::SideEffect, "*", "", false, false);
                }
            }
            "string" | "encapsed_string" => cx.add_string_node(node),
            _ => {}
        }
    }
}

/// The first string literal inside `node` (bounded search).
fn first_string(node: Node<'_>) -> Option<Node<'_>> {
    let mut stack = vec![node];
    let mut seen = 0;
    while let Some(n) = stack.pop() {
        seen += 1;
        if seen > 64 {
            return None;
        }
        if matches!(n.kind_name(), "string" | "encapsed_string") {
            return Some(n);
        }
        for c in named_children(n).into_iter().rev() {
            stack.push(c);
        }
    }
    None
}

fn callee_of(cx: &Ctx<'_>, node: Node<'_>) -> Option<String> {
    match node.kind_name() {
        "function_call_expression" => node
            .field("function")
            .map(|f| cx.compact(f).trim_start_matches('\\').to_string()),
        "member_call_expression" | "nullsafe_member_call_expression" => {
            let obj = cx.compact(node.field("object")?);
            let name = cx.compact(node.field("name")?);
            let sep = if node.kind_name() == "member_call_expression" {
                "->"
            } else {
                "?->"
            };
            Some(format!("{obj}{sep}{name}"))
        }
        "scoped_call_expression" => {
            let scope = cx.compact(node.field("scope")?);
            let name = cx.compact(node.field("name")?);
            Some(format!("{scope}::{name}"))
        }
        _ => None,
    }
}

fn args_of(list: Option<Node<'_>>) -> Vec<Node<'_>> {
    let Some(list) = list else {
        return Vec::new();
    };
    named_children(list)
        .into_iter()
        .map(|a| {
            if a.kind_name() == "argument" {
                named_children(a).into_iter().next_back().unwrap_or(a)
            } else {
                a
            }
        })
        .collect()
}

fn value_binding(cx: &Ctx<'_>, v: Node<'_>) -> Option<BindingValue> {
    match v.kind_name() {
        "object_creation_expression" => named_children(v)
            .into_iter()
            .find(|c| c.kind_name() != "arguments")
            .map(|c| BindingValue::New(cx.compact(c))),
        "function_call_expression"
        | "member_call_expression"
        | "nullsafe_member_call_expression"
        | "scoped_call_expression" => callee_of(cx, v).map(BindingValue::Call),
        "variable_name" | "member_access_expression" => Some(BindingValue::Alias(cx.compact(v))),
        _ => None,
    }
}

fn namespace(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(name) = node.field("name") else {
        return;
    };
    let mut spec = SymbolSpec::new(cx, node, name, SymbolKind::Module);
    spec.name = cx.compact(name).replace('\\', ".");
    spec.exported = true;
    let body = node.field("body");
    spec.signature = cx.signature(node, body);
    // `namespace A;` applies to the rest of the file.
    let scope = match body {
        Some(_) => node,
        None => node.parent().unwrap_or(node),
    };
    cx.add_symbol(spec, scope);
}

fn attributes(cx: &Ctx<'_>, node: Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for list in children(node)
        .into_iter()
        .filter(|c| c.kind_name() == "attribute_list")
    {
        for group in named_children(list) {
            for a in named_children(group) {
                if a.kind_name() == "attribute" {
                    out.push(cx.collapsed(a));
                }
            }
        }
    }
    out
}

/// Start of the header after any attributes.
fn sig_start(node: Node<'_>) -> usize {
    let mut start = node.start_byte();
    for c in children(node) {
        if c.kind_name() == "attribute_list" || c.kind_name() == "comment" {
            start = c.end_byte();
        } else {
            return c.start_byte().max(start);
        }
    }
    start
}

fn is_doc(text: &str) -> bool {
    text.starts_with("/**")
}

fn type_decl(node: Node<'_>, cx: &mut Ctx<'_>, kind: SymbolKind) {
    let Some(name) = node.field("name") else {
        return;
    };
    let mut spec = SymbolSpec::new(cx, node, name, kind);
    spec.exported = true;
    spec.decorators = attributes(cx, node);
    spec.has_doc = cx.has_doc_before(node, &[], is_doc);
    spec.signature = cx.signature_from(sig_start(node), node, node.field("body"));
    for clause in children(node) {
        if matches!(clause.kind_name(), "base_clause" | "class_interface_clause") {
            spec.bases
                .extend(named_children(clause).iter().map(|b| cx.compact(*b)));
        }
    }
    if let Some(body) = node.field("body") {
        for u in named_children(body) {
            if u.kind_name() == "use_declaration" {
                spec.bases.extend(
                    named_children(u)
                        .into_iter()
                        .filter(|n| matches!(n.kind_name(), "name" | "qualified_name"))
                        .map(|n| cx.compact(n)),
                );
            }
        }
    }
    cx.add_symbol(spec, node);
}

fn function(node: Node<'_>, cx: &mut Ctx<'_>, is_method: bool) {
    let Some(name) = node.field("name") else {
        return;
    };
    let name_text = cx.text(name);
    let kind = match (is_method, name_text.as_str()) {
        (true, "__construct") => SymbolKind::Constructor,
        (true, _) => SymbolKind::Method,
        _ => SymbolKind::Function,
    };
    let mut spec = SymbolSpec::new(cx, node, name, kind);
    let visibility = child_of_kind(node, &["visibility_modifier"]).map(|v| cx.text(v));
    spec.exported = visibility.as_deref().is_none_or(|v| v == "public");
    spec.is_static = child_of_kind(node, &["static_modifier"]).is_some();
    spec.decorators = attributes(cx, node);
    spec.has_doc = cx.has_doc_before(node, &[], is_doc);
    spec.signature = cx.signature_from(sig_start(node), node, node.field("body"));
    spec.return_type = node.field("return_type").map(|t| cx.collapsed(t));
    let mut promoted = Vec::new();
    if let Some(params) = node.field("parameters") {
        for p in named_children(params) {
            let Some(n) = p.field("name") else {
                continue;
            };
            let ty = p.field("type").map(|t| cx.collapsed(t));
            let pname = cx.text(n);
            if p.kind_name() == "property_promotion_parameter"
                && let Some(t) = &ty
            {
                promoted.push((p, pname.trim_start_matches('$').to_string(), t.clone()));
            }
            let pname = if p.kind_name() == "variadic_parameter" {
                format!("...{pname}")
            } else {
                pname
            };
            spec.params.push(Param {
                name: pname,
                type_text: ty,
            });
        }
    }
    cx.add_symbol(spec, node);
    for (p, n, t) in promoted {
        cx.add_binding(p, &format!("$this->{n}"), BindingValue::Typed(t));
    }
}

fn use_decl(node: Node<'_>, cx: &mut Ctx<'_>) {
    let group_prefix = named_children(node)
        .into_iter()
        .find(|c| c.kind_name() == "namespace_name")
        .map(|p| cx.compact(p));
    let mut clauses = Vec::new();
    for c in named_children(node) {
        match c.kind_name() {
            "namespace_use_clause" => clauses.push(c),
            "namespace_use_group" => {
                clauses.extend(
                    named_children(c)
                        .into_iter()
                        .filter(|x| x.kind_name() == "namespace_use_clause"),
                );
            }
            _ => {}
        }
    }
    for clause in clauses {
        let Some(path) = child_of_kind(clause, &["qualified_name", "name", "namespace_name"])
        else {
            continue;
        };
        let mut full = cx.compact(path);
        if let Some(prefix) = &group_prefix {
            full = format!("{prefix}\\{full}");
        }
        let full = full.trim_start_matches('\\').to_string();
        let (source, imported) = match full.rsplit_once('\\') {
            Some((s, i)) => (s.to_string(), i.to_string()),
            None => (String::new(), full.clone()),
        };
        let local = clause
            .field("alias")
            .map_or_else(|| imported.clone(), |a| cx.text(a));
        cx.add_import(
            clause,
            &source,
            ImportKind::Named,
            &imported,
            &local,
            false,
            false,
        );
    }
}
