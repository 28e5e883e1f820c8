//! C and C++ extraction.

use std::collections::HashMap;

use tree_sitter::Node;

use super::walk::{Ctx, NodeExt, SymbolSpec, Visitor, child_of_kind, named_children, strip_quotes};
use crate::model::{BindingValue, ImportKind, Param, Span, SymbolKind};

const NAME_ARGS: &[&str] = &[
    "identifier",
    "field_expression",
    "qualified_identifier",
    "pointer_expression",
];
/// Declarator chains deeper than this are not followed.
const MAX_DECLARATOR_DEPTH: usize = 32;

/// Tracks the current `public:`/`private:` section of each class scope.
#[derive(Default)]
pub(crate) struct CVisitor {
    access: HashMap<u32, bool>,
}

impl Visitor for CVisitor {
    fn enter(&mut self, node: Node<'_>, kind: &str, cx: &mut Ctx<'_>) {
        match kind {
            "class_specifier" => record(node, cx, SymbolKind::Class, &self.access),
            "struct_specifier" | "union_specifier" => {
                record(node, cx, SymbolKind::Struct, &self.access);
            }
            "enum_specifier" => record(node, cx, SymbolKind::Enum, &self.access),
            "access_specifier" => {
                if node
                    .parent()
                    .is_some_and(|p| p.kind_name() == "field_declaration_list")
                    && let Some(scope) = cx.scope()
                {
                    let public = cx.text(node).trim() == "public";
                    self.access.insert(scope, public);
                }
            }
            "namespace_definition" => {
                if let Some(name) = node.field("name") {
                    let mut spec = SymbolSpec::new(cx, node, name, SymbolKind::Module);
                    spec.name = cx.compact(name).replace("::", ".");
                    spec.exported = true;
                    spec.signature = cx.signature(node, node.field("body"));
                    cx.add_symbol(spec, node);
                }
            }
            "function_definition" => function(node, cx, true, &self.access),
            "field_declaration" | "declaration" => {
                if declarator_function(node).is_some() {
                    // Prototypes inside a class body declare its methods.
                    if node.kind_name() == "field_declaration" || in_record(cx) {
                        function(node, cx, false, &self.access);
                    }
                } else {
                    variables(node, cx);
                }
            }
            "assignment_expression" => {
                if let (Some(l), Some(r)) = (node.field("left"), node.field("right"))
                    && matches!(l.kind_name(), "identifier" | "field_expression")
                    && let Some(b) = value_binding(cx, r)
                {
                    let name = cx.compact(l).replace("->", ".");
                    cx.add_binding(node, &name, b);
                }
            }
            "call_expression" => {
                if let Some(f) = node.field("function") {
                    if matches!(
                        f.kind_name(),
                        "parenthesized_expression" | "lambda_expression"
                    ) {
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
            "new_expression" => {
                if let Some(t) = node.field("type") {
                    let args = node
                        .field("arguments")
                        .map(named_children)
                        .unwrap_or_default();
                    let callee = cx.compact(t);
                    cx.add_call(node, callee, &args, NAME_ARGS, true);
                }
            }
            "preproc_include" => {
                if let Some(p) = node.field("path") {
                    let text = cx.text(p);
                    let source = if p.kind_name() == "system_lib_string" {
                        text.trim().to_string()
                    } else {
                        strip_quotes(&text).to_string()
                    };
                    cx.add_import(node, &source, ImportKind::Namespace, "*", "*", false, false);
                }
            }
            "using_declaration" => {
                let is_namespace = node.child(1).is_some_and(|c| c.kind_name() == "namespace");
                if let Some(target) = named_children(node).into_iter().last() {
                    let full = cx.compact(target);
                    if is_namespace {
                        cx.add_import(node, &full, ImportKind::Namespace, "*", "*", false, false);
                    } else {
                        let (source, name) = full.rsplit_once("::").unwrap_or(("", &full));
                        cx.add_import(node, source, ImportKind::Named, name, name, false, false);
                    }
                }
            }
            "string_literal" | "raw_string_literal" => cx.add_string_node(node),
            _ => {}
        }
    }
}

fn is_doc(text: &str) -> bool {
    text.starts_with("///")
        || text.starts_with("/**")
        || text.starts_with("//!")
        || text.starts_with("/*!")
}

fn in_record(cx: &Ctx<'_>) -> bool {
    cx.scope()
        .and_then(|i| cx.symbol(i))
        .is_some_and(|s| matches!(s.kind, SymbolKind::Class | SymbolKind::Struct))
}

/// Follows `declarator` fields to the `function_declarator`, if any.
fn declarator_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut cur = node.field("declarator")?;
    for _ in 0..MAX_DECLARATOR_DEPTH {
        if cur.kind_name() == "function_declarator" {
            return Some(cur);
        }
        cur = cur.field("declarator").or_else(|| match cur.kind_name() {
            "reference_declarator" => cur.named_child(0),
            _ => None,
        })?;
    }
    None
}

/// The name a declarator binds, and the pointer/reference suffix it adds
/// to the declared type (`*p` -> (`p`, `*`)).
fn declarator_name<'t>(node: Node<'t>) -> Option<(Node<'t>, String)> {
    let mut cur = node;
    let mut suffix = String::new();
    for _ in 0..MAX_DECLARATOR_DEPTH {
        match cur.kind_name() {
            "identifier"
            | "field_identifier"
            | "qualified_identifier"
            | "destructor_name"
            | "operator_name"
            | "type_identifier" => return Some((cur, suffix)),
            "pointer_declarator" => suffix.push('*'),
            "reference_declarator" => suffix.push('&'),
            "array_declarator" => suffix.push_str("[]"),
            _ => {}
        }
        cur = cur.field("declarator").or_else(|| cur.named_child(0))?;
    }
    None
}

/// Whether a member declared now is public: the class's current access
/// section, else the default (`class` private, `struct` public).
fn member_is_public(cx: &Ctx<'_>, access: &HashMap<u32, bool>) -> bool {
    match cx.scope() {
        Some(i) => access
            .get(&i)
            .copied()
            .unwrap_or_else(|| cx.symbol(i).is_none_or(|s| s.kind != SymbolKind::Class)),
        None => true,
    }
}

fn record(node: Node<'_>, cx: &mut Ctx<'_>, kind: SymbolKind, access: &HashMap<u32, bool>) {
    let (Some(name), Some(body)) = (node.field("name"), node.field("body")) else {
        return;
    };
    let mut spec = SymbolSpec::new(cx, node, name, kind);
    spec.exported = if in_record(cx) {
        member_is_public(cx, access)
    } else {
        true
    };
    let anchor = outer_decl(node);
    spec.has_doc = cx.has_doc_before(anchor, &[], is_doc);
    spec.signature = cx.signature(node, Some(body));
    if let Some(bases) = child_of_kind(node, &["base_class_clause"]) {
        spec.bases = named_children(bases)
            .into_iter()
            .filter(|b| b.kind_name() != "access_specifier")
            .map(|b| cx.compact(b))
            .collect();
    }
    cx.add_symbol(spec, node);
    if kind != SymbolKind::Enum {
        for f in named_children(body) {
            if f.kind_name() != "field_declaration" || declarator_function(f).is_some() {
                continue;
            }
            let Some(ty) = f.field("type") else {
                continue;
            };
            let ty = cx.collapsed(ty);
            let mut cursor = f.walk();
            let decls: Vec<Node<'_>> = f
                .children_by_field_name("declarator", &mut cursor)
                .collect();
            for d in decls {
                if let Some((n, suffix)) = declarator_name(d) {
                    let name = format!("this.{}", cx.text(n));
                    cx.add_binding(f, &name, BindingValue::Typed(format!("{ty}{suffix}")));
                }
            }
        }
    }
}

/// The node whose preceding comment documents `node` (a wrapping template
/// or `typedef`).
fn outer_decl(node: Node<'_>) -> Node<'_> {
    let mut cur = node;
    for _ in 0..4 {
        match cur.parent() {
            Some(p) if matches!(p.kind_name(), "template_declaration" | "type_definition") => {
                cur = p
            }
            _ => break,
        }
    }
    cur
}

fn function(node: Node<'_>, cx: &mut Ctx<'_>, has_body: bool, access: &HashMap<u32, bool>) {
    let Some(fdecl) = declarator_function(node) else {
        return;
    };
    let Some((name_node, _)) = fdecl.field("declarator").and_then(declarator_name) else {
        return;
    };
    let record = cx
        .scope()
        .and_then(|i| cx.symbol(i))
        .filter(|s| matches!(s.kind, SymbolKind::Class | SymbolKind::Struct))
        .map(|s| s.name.clone());
    let full = cx.compact(name_node);
    // `Store::count` defined outside its class.
    let (scope_path, simple) = match full.rsplit_once("::") {
        Some((s, n)) if name_node.kind_name() == "qualified_identifier" => {
            (Some(s.to_string()), n.to_string())
        }
        _ => (None, full.clone()),
    };
    let owner = scope_path
        .as_deref()
        .map(|s| s.rsplit("::").next().unwrap_or(s).to_string())
        .or(record.clone());
    let kind = match &owner {
        Some(o) if *o == simple => SymbolKind::Constructor,
        Some(_) => SymbolKind::Method,
        None => SymbolKind::Function,
    };
    let mut spec = SymbolSpec::named(node, simple.clone(), Span::from_node(&name_node), kind);
    if let Some(s) = &scope_path {
        let parent_q = cx
            .scope()
            .and_then(|i| cx.symbol(i))
            .map(|p| p.qualified_name.clone());
        let local = format!("{}.{simple}", s.replace("::", "."));
        spec.qualified_name = Some(match parent_q {
            Some(p) if !p.is_empty() => format!("{p}.{local}"),
            _ => local,
        });
    }
    let storage_static = named_children(node)
        .iter()
        .any(|c| c.kind_name() == "storage_class_specifier" && cx.bytes(*c) == b"static");
    spec.is_static = storage_static && record.is_some();
    spec.exported = if record.is_some() {
        member_is_public(cx, access)
    } else {
        !storage_static
    };
    spec.has_doc = cx.has_doc_before(outer_decl(node), &[], is_doc);
    let body = node.field("body");
    spec.signature = cx.signature(node, body);
    spec.return_type = node.field("type").map(|t| {
        let mut ty = cx.collapsed(t);
        // Pointer/reference declarators around the function declarator.
        if let Some(d) = node.field("declarator") {
            let mut cur = d;
            for _ in 0..MAX_DECLARATOR_DEPTH {
                match cur.kind_name() {
                    "pointer_declarator" => ty.push('*'),
                    "reference_declarator" => ty.push('&'),
                    _ => break,
                }
                match cur.field("declarator").or_else(|| cur.named_child(0)) {
                    Some(c) => cur = c,
                    None => break,
                }
            }
        }
        ty
    });
    if let Some(params) = fdecl.field("parameters") {
        spec.params = params_of(cx, params);
    }
    if has_body {
        cx.add_symbol(spec, node);
        if let Some(o) = owner {
            cx.add_binding(node, "this", BindingValue::Typed(format!("{o}*")));
        }
    } else {
        cx.push_symbol(spec);
    }
}

fn params_of(cx: &Ctx<'_>, params: Node<'_>) -> Vec<Param> {
    let mut out = Vec::new();
    for p in named_children(params) {
        match p.kind_name() {
            "parameter_declaration" | "optional_parameter_declaration" => {
                // Everything before the declarator: qualifiers and the type.
                let ty = p.field("type").map(|t| {
                    let end = p
                        .field("declarator")
                        .map_or(t.end_byte(), |d| d.start_byte());
                    let bytes = cx.src.get(p.start_byte()..end).unwrap_or_default();
                    super::walk::collapse_ws(&crate::utf8_lossy(bytes))
                });
                let (name, suffix) = p
                    .field("declarator")
                    .and_then(declarator_name)
                    .map(|(n, s)| (cx.text(n), s))
                    .unwrap_or_default();
                if ty.as_deref() == Some("void") && name.is_empty() {
                    continue;
                }
                out.push(Param {
                    name,
                    type_text: ty.map(|t| format!("{t}{suffix}")),
                });
            }
            "variadic_parameter" | "variadic_parameter_declaration" => out.push(Param {
                name: "...".to_string(),
                type_text: None,
            }),
            _ => {}
        }
    }
    out
}

fn value_binding(cx: &Ctx<'_>, v: Node<'_>) -> Option<BindingValue> {
    match v.kind_name() {
        "call_expression" => v
            .field("function")
            .map(|f| BindingValue::Call(cx.compact(f))),
        "new_expression" => v.field("type").map(|t| BindingValue::New(cx.compact(t))),
        "identifier" | "field_expression" | "qualified_identifier" => {
            Some(BindingValue::Alias(cx.compact(v)))
        }
        "pointer_expression" => v
            .field("argument")
            .filter(|a| matches!(a.kind_name(), "identifier" | "qualified_identifier"))
            .map(|a| BindingValue::Alias(cx.compact(a))),
        _ => None,
    }
}

fn variables(node: Node<'_>, cx: &mut Ctx<'_>) {
    if node.kind_name() == "field_declaration" {
        return; // recorded with their record
    }
    let Some(ty_node) = node.field("type") else {
        return;
    };
    let ty = cx.collapsed(ty_node);
    let is_auto = ty_node.kind_name() == "placeholder_type_specifier" || ty == "auto";
    let mut cursor = node.walk();
    let decls: Vec<Node<'_>> = node
        .children_by_field_name("declarator", &mut cursor)
        .collect();
    for d in decls {
        let (target, value) = if d.kind_name() == "init_declarator" {
            (d.field("declarator").unwrap_or(d), d.field("value"))
        } else {
            (d, None)
        };
        let Some((name, suffix)) = declarator_name(target) else {
            continue;
        };
        let name = cx.text(name);
        // `Repo r(3);` / `Repo r{3};` construct a `Repo`.
        if let Some(v) =
            value.filter(|v| matches!(v.kind_name(), "argument_list" | "initializer_list"))
            && !is_auto
            && suffix.is_empty()
        {
            let args = named_children(v);
            cx.add_call(d, &ty, &args, NAME_ARGS, true);
        }
        let binding = if is_auto {
            value.and_then(|v| value_binding(cx, v))
        } else {
            Some(BindingValue::Typed(format!("{ty}{suffix}")))
        };
        if let Some(b) = binding {
            cx.add_binding(d, &name, b);
        }
    }
}
