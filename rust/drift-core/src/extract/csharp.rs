//! C# extraction.

use tree_sitter::Node;

use super::walk::{
    Ctx, NodeExt, SymbolSpec, Visitor, child_of_kind, children, first_named_child, named_children,
};
use crate::model::{BindingValue, ImportKind, Param, SymbolKind};

const NAME_ARGS: &[&str] = &["identifier", "member_access_expression", "this"];

pub(crate) struct CSharpVisitor;

impl Visitor for CSharpVisitor {
    fn enter(&mut self, node: Node<'_>, kind: &str, cx: &mut Ctx<'_>) {
        match kind {
            "class_declaration" | "record_declaration" => type_decl(node, cx, SymbolKind::Class),
            "struct_declaration" => {
                type_decl(node, cx, SymbolKind::Struct);
            }
            "interface_declaration" => type_decl(node, cx, SymbolKind::Interface),
            "enum_declaration" => type_decl(node, cx, SymbolKind::Enum),
            "namespace_declaration" | "file_scoped_namespace_declaration" => {
                if let Some(name) = node.field("name") {
                    let mut spec = SymbolSpec::new(cx, node, name, SymbolKind::Module);
                    spec.name = cx.compact(name);
                    spec.exported = true;
                    spec.signature = cx.signature(node, node.field("body"));
                    // A file-scoped namespace encloses the rest of the file.
                    let scope = if node.kind_name() == "file_scoped_namespace_declaration" {
                        node.parent().unwrap_or(node)
                    } else {
                        node
                    };
                    cx.add_symbol(spec, scope);
                }
            }
            "method_declaration" => method(node, cx, SymbolKind::Method),
            "constructor_declaration" => method(node, cx, SymbolKind::Constructor),
            "local_function_statement" => method(node, cx, SymbolKind::Function),
            "variable_declaration" => variables(node, cx),
            "assignment_expression" => assignment(node, cx),
            "invocation_expression" => {
                if let Some(f) = node.field("function") {
                    let callee = cx.compact(f);
                    let args = args_of(node.field("arguments"));
                    cx.add_call(node, callee, &args, NAME_ARGS, false);
                }
            }
            "object_creation_expression" => {
                if let Some(t) = node.field("type") {
                    let callee = cx.compact(t);
                    let args = args_of(node.field("arguments"));
                    cx.add_call(node, callee, &args, NAME_ARGS, true);
                }
            }
            "constructor_initializer" => {
                let callee = if children(node).iter().any(|c| c.kind_name() == "base") {
                    "base"
                } else {
                    "this"
                };
                let args = args_of(child_of_kind(node, &["argument_list"]));
                cx.add_call(node, callee, &args, NAME_ARGS, false);
            }
            "using_directive" => using(node, cx),
            "string_literal"
            | "verbatim_string_literal"
            | "raw_string_literal"
            | "interpolated_string_expression" => cx.add_string_node(node),
            _ => {}
        }
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

struct Mods {
    attributes: Vec<String>,
    words: Vec<String>,
    sig_start: usize,
}

fn mods(cx: &Ctx<'_>, node: Node<'_>) -> Mods {
    let mut out = Mods {
        attributes: Vec::new(),
        words: Vec::new(),
        sig_start: node.start_byte(),
    };
    for c in children(node) {
        match c.kind_name() {
            "attribute_list" => {
                out.attributes.extend(
                    named_children(c)
                        .into_iter()
                        .filter(|a| a.kind_name() == "attribute")
                        .map(|a| cx.collapsed(a)),
                );
                out.sig_start = c.end_byte();
            }
            "modifier" => out.words.push(cx.text(c)),
            k if k.contains("comment") => {}
            _ => break,
        }
    }
    while out.sig_start < cx.src.len() && cx.src[out.sig_start].is_ascii_whitespace() {
        out.sig_start += 1;
    }
    out
}

fn in_interface(cx: &Ctx<'_>) -> bool {
    cx.scope()
        .and_then(|i| cx.symbol(i))
        .is_some_and(|s| s.kind == SymbolKind::Interface)
}

fn is_doc(text: &str) -> bool {
    text.starts_with("///") || text.starts_with("/**")
}

fn type_decl(node: Node<'_>, cx: &mut Ctx<'_>, kind: SymbolKind) {
    let Some(name) = node.field("name") else {
        return;
    };
    let m = mods(cx, node);
    let mut spec = SymbolSpec::new(cx, node, name, kind);
    spec.exported = m.words.iter().any(|w| w == "public") || in_interface(cx);
    spec.is_static = m.words.iter().any(|w| w == "static");
    spec.decorators = m.attributes;
    spec.has_doc = cx.has_doc_before(node, &[], is_doc);
    spec.signature = cx.signature_from(m.sig_start, node, node.field("body"));
    if let Some(bases) = child_of_kind(node, &["base_list"]) {
        for b in named_children(bases) {
            if b.kind_name() == "argument_list" {
                continue;
            }
            spec.bases.push(cx.compact(b));
        }
    }
    if let Some(params) = node
        .field("parameters")
        .or_else(|| child_of_kind(node, &["parameter_list"]))
    {
        spec.params = params_of(cx, params);
    }
    cx.add_symbol(spec, node);
}

fn method(node: Node<'_>, cx: &mut Ctx<'_>, kind: SymbolKind) {
    let Some(name) = node.field("name") else {
        return;
    };
    let m = mods(cx, node);
    let mut spec = SymbolSpec::new(cx, node, name, kind);
    spec.exported = m.words.iter().any(|w| w == "public") || in_interface(cx);
    spec.is_static = m.words.iter().any(|w| w == "static");
    spec.is_async = m.words.iter().any(|w| w == "async");
    spec.decorators = m.attributes;
    spec.has_doc = cx.has_doc_before(node, &[], is_doc);
    let body = node
        .field("body")
        .or_else(|| child_of_kind(node, &["arrow_expression_clause"]));
    spec.signature = cx.signature_from(m.sig_start, node, body);
    spec.return_type = node
        .field("returns")
        .or_else(|| node.field("type"))
        .map(|t| cx.collapsed(t));
    if let Some(params) = node.field("parameters") {
        spec.params = params_of(cx, params);
    }
    cx.add_symbol(spec, node);
}

fn params_of(cx: &Ctx<'_>, params: Node<'_>) -> Vec<Param> {
    named_children(params)
        .into_iter()
        .filter(|p| p.kind_name() == "parameter")
        .filter_map(|p| {
            let name = p.field("name")?;
            Some(Param {
                name: cx.text(name),
                type_text: p.field("type").map(|t| cx.collapsed(t)),
            })
        })
        .collect()
}

fn unwrap_expr(mut n: Node<'_>) -> Node<'_> {
    for _ in 0..8 {
        match n.kind_name() {
            "await_expression" | "parenthesized_expression" => match first_named_child(n) {
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
        "object_creation_expression" => v.field("type").map(|t| BindingValue::New(cx.compact(t))),
        "invocation_expression" => v
            .field("function")
            .map(|f| BindingValue::Call(cx.compact(f))),
        "identifier" | "member_access_expression" => Some(BindingValue::Alias(cx.compact(v))),
        _ => None,
    }
}

fn variables(node: Node<'_>, cx: &mut Ctx<'_>) {
    let ty = node
        .field("type")
        .filter(|t| t.kind_name() != "implicit_type")
        .map(|t| cx.collapsed(t));
    let is_field = node
        .parent()
        .is_some_and(|p| p.kind_name() == "field_declaration");
    for d in named_children(node) {
        if d.kind_name() != "variable_declarator" {
            continue;
        }
        let Some(name) = d
            .field("name")
            .or_else(|| child_of_kind(d, &["identifier"]))
        else {
            continue;
        };
        let mut n = cx.text(name);
        if is_field {
            n = format!("this.{n}");
        }
        let value = match &ty {
            Some(t) => Some(BindingValue::Typed(t.clone())),
            None => named_children(d)
                .into_iter()
                .filter(|c| c.id() != name.id())
                .find_map(|c| value_binding(cx, c)),
        };
        if let Some(v) = value {
            cx.add_binding(d, &n, v);
        }
    }
}

fn assignment(node: Node<'_>, cx: &mut Ctx<'_>) {
    let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
        return;
    };
    if matches!(left.kind_name(), "identifier" | "member_access_expression")
        && let Some(b) = value_binding(cx, right)
    {
        let name = cx.compact(left);
        cx.add_binding(node, &name, b);
    }
}

fn using(node: Node<'_>, cx: &mut Ctx<'_>) {
    let alias = node.field("name").map(|n| cx.text(n));
    let Some(target) = named_children(node)
        .into_iter()
        .rfind(|c| Some(c.id()) != node.field("name").map(|n| n.id()))
    else {
        return;
    };
    let source = cx.compact(target);
    match alias {
        Some(a) => cx.add_import(node, &source, ImportKind::Namespace, "*", &a, false, false),
        None => cx.add_import(node, &source, ImportKind::Namespace, "*", "*", false, false),
    }
}
