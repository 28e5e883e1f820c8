//! Java extraction.

use tree_sitter::Node;

use super::walk::{Ctx, NodeExt, SymbolSpec, Visitor, child_of_kind, children, named_children};
use crate::model::{BindingValue, ImportKind, Param, SymbolKind};

const NAME_ARGS: &[&str] = &["identifier", "field_access", "method_reference", "this"];

pub(crate) struct JavaVisitor;

impl Visitor for JavaVisitor {
    fn enter(&mut self, node: Node<'_>, kind: &str, cx: &mut Ctx<'_>) {
        match kind {
            "class_declaration" => type_decl(node, cx, SymbolKind::Class),
            "record_declaration" => type_decl(node, cx, SymbolKind::Class),
            "interface_declaration" | "annotation_type_declaration" => {
                type_decl(node, cx, SymbolKind::Interface);
            }
            "enum_declaration" => type_decl(node, cx, SymbolKind::Enum),
            "method_declaration" => method(node, cx, SymbolKind::Method),
            "constructor_declaration" | "compact_constructor_declaration" => {
                method(node, cx, SymbolKind::Constructor);
            }
            "field_declaration" | "local_variable_declaration" | "constant_declaration" => {
                variables(node, cx);
            }
            "assignment_expression" => assignment(node, cx),
            "method_invocation" => {
                let Some(name) = node.field("name") else {
                    return;
                };
                let callee = match node.field("object") {
                    Some(o) => format!("{}.{}", cx.compact(o), cx.text(name)),
                    None => cx.text(name),
                };
                let args = args_of(node);
                cx.add_call(node, callee, &args, NAME_ARGS, false);
            }
            "explicit_constructor_invocation" => {
                if let Some(ctor) = node.field("constructor") {
                    let callee = cx.compact(ctor);
                    let args = args_of(node);
                    cx.add_call(node, callee, &args, NAME_ARGS, false);
                }
            }
            "object_creation_expression" => {
                if let Some(t) = node.field("type") {
                    let callee = cx.compact(t);
                    let args = args_of(node);
                    cx.add_call(node, callee, &args, NAME_ARGS, true);
                }
            }
            "import_declaration" => import(node, cx),
            "string_literal" => cx.add_string_node(node),
            _ => {}
        }
    }
}

fn args_of(node: Node<'_>) -> Vec<Node<'_>> {
    node.field("arguments")
        .map(named_children)
        .unwrap_or_default()
}

/// Annotations, visibility and `static` from a declaration's `modifiers`.
pub(crate) struct Modifiers {
    pub annotations: Vec<String>,
    pub words: Vec<String>,
    /// Byte offset after leading annotations (where the signature starts).
    pub sig_start: usize,
}

pub(crate) fn modifiers(cx: &Ctx<'_>, node: Node<'_>, mods_kind: &str) -> Modifiers {
    let mut out = Modifiers {
        annotations: Vec::new(),
        words: Vec::new(),
        sig_start: node.start_byte(),
    };
    let mut leading = true;
    for m in children(node)
        .into_iter()
        .filter(|c| c.kind_name() == mods_kind)
    {
        for c in children(m) {
            if c.kind_name().contains("annotation") {
                out.annotations
                    .push(cx.collapsed(c).trim_start_matches('@').trim().to_string());
                if leading {
                    out.sig_start = c.end_byte();
                }
            } else {
                if leading {
                    out.sig_start = c.start_byte();
                }
                leading = false;
                out.words.push(cx.text(c));
            }
        }
    }
    // Skip whitespace after the last leading annotation.
    let src = cx.src;
    while out.sig_start < src.len() && src[out.sig_start].is_ascii_whitespace() {
        out.sig_start += 1;
    }
    out
}

fn is_javadoc(text: &str) -> bool {
    text.starts_with("/**")
}

fn in_interface(cx: &Ctx<'_>) -> bool {
    cx.scope()
        .and_then(|i| cx.symbol(i))
        .is_some_and(|s| s.kind == SymbolKind::Interface)
}

fn type_decl(node: Node<'_>, cx: &mut Ctx<'_>, kind: SymbolKind) {
    let Some(name) = node.field("name") else {
        return;
    };
    let mods = modifiers(cx, node, "modifiers");
    let mut spec = SymbolSpec::new(cx, node, name, kind);
    spec.decorators = mods.annotations;
    spec.exported = mods.words.iter().any(|w| w == "public") || in_interface(cx);
    spec.is_static = mods.words.iter().any(|w| w == "static");
    spec.has_doc = cx.has_doc_before(node, &[], is_javadoc);
    spec.signature = cx.signature_from(mods.sig_start, node, node.field("body"));
    if let Some(sc) = node.field("superclass") {
        spec.bases
            .extend(named_children(sc).iter().map(|b| cx.compact(*b)));
    }
    for field in ["interfaces", "extends"] {
        if let Some(list) = node.field(field) {
            type_list(cx, list, &mut spec.bases);
        }
    }
    if let Some(ext) = child_of_kind(node, &["extends_interfaces"]) {
        type_list(cx, ext, &mut spec.bases);
    }
    if kind == SymbolKind::Class
        && node.kind_name() == "record_declaration"
        && let Some(params) = node.field("parameters")
    {
        spec.params = params_of(cx, params);
    }
    cx.add_symbol(spec, node);
}

fn type_list(cx: &Ctx<'_>, node: Node<'_>, out: &mut Vec<String>) {
    for c in named_children(node) {
        if c.kind_name() == "type_list" {
            out.extend(named_children(c).iter().map(|t| cx.compact(*t)));
        } else {
            out.push(cx.compact(c));
        }
    }
}

fn method(node: Node<'_>, cx: &mut Ctx<'_>, kind: SymbolKind) {
    let Some(name) = node.field("name") else {
        return;
    };
    let mods = modifiers(cx, node, "modifiers");
    let mut spec = SymbolSpec::new(cx, node, name, kind);
    spec.exported = mods.words.iter().any(|w| w == "public") || in_interface(cx);
    spec.is_static = mods.words.iter().any(|w| w == "static");
    spec.decorators = mods.annotations;
    spec.has_doc = cx.has_doc_before(node, &[], is_javadoc);
    spec.signature = cx.signature_from(mods.sig_start, node, node.field("body"));
    spec.return_type = node.field("type").map(|t| cx.collapsed(t));
    if let Some(params) = node.field("parameters") {
        spec.params = params_of(cx, params);
    }
    cx.add_symbol(spec, node);
}

fn params_of(cx: &Ctx<'_>, params: Node<'_>) -> Vec<Param> {
    let mut out = Vec::new();
    for p in named_children(params) {
        match p.kind_name() {
            "formal_parameter" | "receiver_parameter" => {
                if let Some(n) = p.field("name") {
                    out.push(Param {
                        name: cx.text(n),
                        type_text: p.field("type").map(|t| cx.collapsed(t)),
                    });
                }
            }
            "spread_parameter" => {
                let ty = named_children(p)
                    .into_iter()
                    .find(|c| {
                        c.kind_name() != "modifiers" && c.kind_name() != "variable_declarator"
                    })
                    .map(|t| format!("{}...", cx.collapsed(t)));
                let name = child_of_kind(p, &["variable_declarator"])
                    .and_then(|d| d.field("name"))
                    .map(|n| cx.text(n));
                if let Some(name) = name {
                    out.push(Param {
                        name,
                        type_text: ty,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

fn value_binding(cx: &Ctx<'_>, v: Node<'_>) -> Option<BindingValue> {
    match v.kind_name() {
        "object_creation_expression" => v.field("type").map(|t| BindingValue::New(cx.compact(t))),
        "method_invocation" => {
            let name = cx.text(v.field("name")?);
            Some(BindingValue::Call(match v.field("object") {
                Some(o) => format!("{}.{name}", cx.compact(o)),
                None => name,
            }))
        }
        "identifier" | "field_access" | "method_reference" => {
            Some(BindingValue::Alias(cx.compact(v)))
        }
        _ => None,
    }
}

fn variables(node: Node<'_>, cx: &mut Ctx<'_>) {
    let ty = node.field("type").map(|t| cx.collapsed(t));
    let is_field = node.kind_name() != "local_variable_declaration";
    let mut cursor = node.walk();
    let decls: Vec<Node<'_>> = node
        .children_by_field_name("declarator", &mut cursor)
        .collect();
    for d in decls {
        let Some(name) = d.field("name") else {
            continue;
        };
        let mut n = cx.text(name);
        if is_field {
            n = format!("this.{n}");
        }
        let value = match &ty {
            Some(t) if t != "var" => Some(BindingValue::Typed(t.clone())),
            _ => d.field("value").and_then(|v| value_binding(cx, v)),
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
    if matches!(left.kind_name(), "identifier" | "field_access")
        && let Some(b) = value_binding(cx, right)
    {
        let name = cx.compact(left);
        cx.add_binding(node, &name, b);
    }
}

fn import(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(path) = child_of_kind(node, &["scoped_identifier", "identifier"]) else {
        return;
    };
    let full = cx.compact(path);
    if child_of_kind(node, &["asterisk"]).is_some() {
        cx.add_import(node, &full, ImportKind::Namespace, "*", "*", false, false);
        return;
    }
    let (source, name) = full.rsplit_once('.').unwrap_or(("", full.as_str()));
    cx.add_import(node, source, ImportKind::Named, name, name, false, false);
}
