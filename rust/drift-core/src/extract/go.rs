//! Go extraction.

use tree_sitter::Node;

use super::walk::{
    Ctx, NodeExt, SymbolSpec, Visitor, first_named_child, named_children, strip_quotes,
};
use crate::model::{BindingValue, ImportKind, Param, SymbolKind};

const NAME_ARGS: &[&str] = &["identifier", "selector_expression"];

pub(crate) struct GoVisitor;

impl Visitor for GoVisitor {
    fn enter(&mut self, node: Node<'_>, kind: &str, cx: &mut Ctx<'_>) {
        match kind {
            "type_spec" => type_spec(node, cx),
            "method_elem" => {
                if let Some(name) = node.field("name") {
                    let mut spec = SymbolSpec::new(cx, node, name, SymbolKind::Method);
                    spec.exported = is_exported(&spec.name);
                    spec.signature = cx.signature(node, None);
                    spec.has_doc = cx.has_doc_before(node, &[], |_| true);
                    fill_func(cx, node, &mut spec);
                    cx.push_symbol(spec);
                }
            }
            "function_declaration" => {
                if let Some(name) = node.field("name") {
                    let mut spec = SymbolSpec::new(cx, node, name, SymbolKind::Function);
                    spec.exported = is_exported(&spec.name);
                    spec.signature = cx.signature(node, node.field("body"));
                    spec.has_doc = cx.has_doc_before(node, &[], |_| true);
                    fill_func(cx, node, &mut spec);
                    cx.add_symbol(spec, node);
                }
            }
            "method_declaration" => method(node, cx),
            "short_var_declaration" | "assignment_statement" => assignment(node, cx),
            "var_spec" | "const_spec" => var_spec(node, cx),
            "call_expression" => {
                if let Some(f) = node.field("function") {
                    let args = node
                        .field("arguments")
                        .map(named_children)
                        .unwrap_or_default();
                    if matches!(f.kind_name(), "func_literal" | "parenthesized_expression") {
                        return;
                    }
                    let callee = cx.compact(f);
                    cx.add_call(node, callee, &args, NAME_ARGS, false);
                }
            }
            "composite_literal" => {
                if let Some(t) = node.field("type").filter(|t| is_named_type(t.kind_name())) {
                    let callee = cx.compact(t);
                    cx.add_call(node, callee, &[], NAME_ARGS, true);
                }
            }
            "import_spec" => import(node, cx),
            "interpreted_string_literal" | "raw_string_literal" => cx.add_string_node(node),
            _ => {}
        }
    }
}

fn is_named_type(kind: &str) -> bool {
    matches!(kind, "type_identifier" | "qualified_type" | "generic_type")
}

fn is_exported(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase)
}

fn type_spec(node: Node<'_>, cx: &mut Ctx<'_>) {
    let (Some(name), Some(ty)) = (node.field("name"), node.field("type")) else {
        return;
    };
    let kind = match ty.kind_name() {
        "struct_type" => SymbolKind::Struct,
        "interface_type" => SymbolKind::Interface,
        _ => return,
    };
    let mut spec = SymbolSpec::new(cx, node, name, kind);
    spec.exported = is_exported(&spec.name);
    let anchor = node
        .parent()
        .filter(|p| p.kind_name() == "type_declaration" && p.named_child_count() == 1)
        .unwrap_or(node);
    spec.has_doc = cx.has_doc_before(anchor, &[], |_| true);
    let body = if kind == SymbolKind::Struct {
        first_named_child(ty)
    } else {
        Some(ty)
    };
    let sig_node = if anchor.id() == node.id() {
        node
    } else {
        anchor
    };
    spec.signature = cx.signature(sig_node, body);
    if kind == SymbolKind::Interface {
        spec.signature = format!("{} interface", spec.signature);
    }
    let mut fields = Vec::new();
    if let Some(body) = body {
        for f in named_children(body) {
            match f.kind_name() {
                "field_declaration" => {
                    let Some(t) = f.field("type") else {
                        continue;
                    };
                    let mut cursor = f.walk();
                    let names: Vec<Node<'_>> =
                        f.children_by_field_name("name", &mut cursor).collect();
                    if names.is_empty() {
                        spec.bases.push(cx.compact(t));
                    } else {
                        let ty = cx.collapsed(t);
                        for n in names {
                            fields.push((f, cx.text(n), ty.clone()));
                        }
                    }
                }
                "type_elem" => spec.bases.push(cx.compact(f)),
                _ => {}
            }
        }
    }
    cx.add_symbol(spec, node);
    for (f, name, ty) in fields {
        cx.add_binding(f, &format!("this.{name}"), BindingValue::Typed(ty));
    }
}

fn fill_func(cx: &Ctx<'_>, node: Node<'_>, spec: &mut SymbolSpec) {
    if let Some(params) = node.field("parameters") {
        spec.params = params_of(cx, params);
    }
    spec.return_type = node.field("result").map(|r| cx.collapsed(r));
}

fn params_of(cx: &Ctx<'_>, params: Node<'_>) -> Vec<Param> {
    let mut out = Vec::new();
    for p in named_children(params) {
        let variadic = p.kind_name() == "variadic_parameter_declaration";
        if !variadic && p.kind_name() != "parameter_declaration" {
            continue;
        }
        let ty = p.field("type").map(|t| {
            let t = cx.collapsed(t);
            if variadic { format!("...{t}") } else { t }
        });
        let mut cursor = p.walk();
        let names: Vec<Node<'_>> = p.children_by_field_name("name", &mut cursor).collect();
        if names.is_empty() {
            out.push(Param {
                name: "_".to_string(),
                type_text: ty.clone(),
            });
        }
        for n in names {
            out.push(Param {
                name: cx.text(n),
                type_text: ty.clone(),
            });
        }
    }
    out
}

/// `*Store[T]` -> `Store`.
fn receiver_type_name(text: &str) -> &str {
    let t = text
        .trim_start_matches(['*', '(', ' '])
        .trim_end_matches(')');
    t.split('[').next().unwrap_or(t).trim()
}

fn method(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(name) = node.field("name") else {
        return;
    };
    let mut spec = SymbolSpec::new(cx, node, name, SymbolKind::Method);
    spec.exported = is_exported(&spec.name);
    spec.signature = cx.signature(node, node.field("body"));
    spec.has_doc = cx.has_doc_before(node, &[], |_| true);
    fill_func(cx, node, &mut spec);
    let receiver = node.field("receiver").and_then(|r| first_named_child(r));
    let mut recv_binding = None;
    if let Some(r) = receiver {
        let ty = r.field("type").map(|t| cx.compact(t));
        if let Some(ty) = &ty {
            spec.qualified_name = Some(format!("{}.{}", receiver_type_name(ty), spec.name));
        }
        if let (Some(n), Some(ty)) = (r.field("name"), ty) {
            recv_binding = Some((r, cx.text(n), ty));
        }
    }
    cx.add_symbol(spec, node);
    if let Some((r, n, ty)) = recv_binding {
        cx.add_binding(r, &n, BindingValue::Typed(ty));
    }
}

fn value_binding(cx: &Ctx<'_>, v: Node<'_>) -> Option<BindingValue> {
    match v.kind_name() {
        "call_expression" => {
            let f = v.field("function")?;
            if f.kind_name() == "func_literal" {
                return None;
            }
            Some(BindingValue::Call(cx.compact(f)))
        }
        "composite_literal" => v
            .field("type")
            .filter(|t| is_named_type(t.kind_name()))
            .map(|t| BindingValue::New(cx.compact(t))),
        "unary_expression" => {
            let op = v.field("operand")?;
            if op.kind_name() == "composite_literal" {
                value_binding(cx, op)
            } else {
                None
            }
        }
        "identifier" | "selector_expression" => Some(BindingValue::Alias(cx.compact(v))),
        _ => None,
    }
}

fn assignment(node: Node<'_>, cx: &mut Ctx<'_>) {
    let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
        return;
    };
    let lefts = named_children(left);
    let rights = named_children(right);
    for (i, l) in lefts.iter().enumerate() {
        if !matches!(l.kind_name(), "identifier" | "selector_expression") {
            continue;
        }
        // `a, err := f()` binds the call's first result to `a`.
        let r = if rights.len() == lefts.len() {
            rights.get(i)
        } else if i == 0 {
            rights.first()
        } else {
            None
        };
        if let Some(b) = r.and_then(|r| value_binding(cx, *r)) {
            let name = cx.compact(*l);
            if name != "_" {
                cx.add_binding(node, &name, b);
            }
        }
    }
}

fn var_spec(node: Node<'_>, cx: &mut Ctx<'_>) {
    let ty = node.field("type").map(|t| cx.collapsed(t));
    let values = node.field("value").map(named_children).unwrap_or_default();
    let mut cursor = node.walk();
    let names: Vec<Node<'_>> = node.children_by_field_name("name", &mut cursor).collect();
    let count = names.len();
    for (i, n) in names.into_iter().enumerate() {
        let name = cx.text(n);
        if name == "_" {
            continue;
        }
        let value = match &ty {
            Some(t) => Some(BindingValue::Typed(t.clone())),
            None if values.len() == count => values.get(i).and_then(|v| value_binding(cx, *v)),
            None => None,
        };
        if let Some(v) = value {
            cx.add_binding(n, &name, v);
        }
    }
}

fn import(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(path) = node.field("path") else {
        return;
    };
    let source = strip_quotes(&cx.text(path)).to_string();
    let default_local = default_package_name(&source).to_string();
    match node.field("name") {
        Some(n) if n.kind_name() == "blank_identifier" => {
            cx.add_import(node, &source, ImportKind::SideEffect, "*", "", false, false);
        }
        Some(n) if n.kind_name() == "dot" => {
            cx.add_import(node, &source, ImportKind::Namespace, "*", "*", false, false);
        }
        Some(n) => {
            let local = cx.text(n);
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
        None => {
            cx.add_import(
                node,
                &source,
                ImportKind::Namespace,
                "*",
                &default_local,
                false,
                false,
            );
        }
    }
}

/// The package name a Go import path binds by default: its last segment,
/// skipping a `/vN` major-version suffix.
fn default_package_name(path: &str) -> &str {
    let mut parts = path.rsplit('/');
    let last = parts.next().unwrap_or(path);
    let is_version =
        last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit());
    if is_version {
        parts.next().unwrap_or(last)
    } else {
        last
    }
}
