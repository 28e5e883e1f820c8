//! Ruby extraction.

use std::collections::HashSet;

use tree_sitter::Node;

use super::walk::{Ctx, NodeExt, SymbolSpec, Visitor, named_children, strip_quotes};
use crate::model::{BindingValue, ImportKind, Param, SymbolKind};

const NAME_ARGS: &[&str] = &[
    "identifier",
    "constant",
    "scope_resolution",
    "instance_variable",
    "simple_symbol",
    "block_argument",
];

/// Tracks `private`/`protected` sections per class symbol.
#[derive(Default)]
pub(crate) struct RubyVisitor {
    private_sections: HashSet<u32>,
}

impl Visitor for RubyVisitor {
    fn enter(&mut self, node: Node<'_>, kind: &str, cx: &mut Ctx<'_>) {
        match kind {
            "class" | "module" => {
                let kind = if node.kind_name() == "class" {
                    SymbolKind::Class
                } else {
                    SymbolKind::Module
                };
                if let Some(name) = node.field("name") {
                    let mut spec = SymbolSpec::new(cx, node, name, kind);
                    spec.name = cx.compact(name);
                    spec.exported = true;
                    spec.has_doc = cx.has_doc_before(node, &[], |t| t.starts_with('#'));
                    spec.signature = header(cx, node);
                    if let Some(sc) = node.field("superclass") {
                        spec.bases
                            .extend(named_children(sc).iter().map(|b| cx.compact(*b)));
                    }
                    cx.add_symbol(spec, node);
                }
            }
            "method" | "singleton_method" => self.method(node, cx),
            "identifier" => {
                // A bare `private` / `protected` starts a non-public section.
                let text = cx.bytes(node);
                if matches!(text, b"private" | b"protected" | b"public")
                    && node
                        .parent()
                        .is_some_and(|p| p.kind_name() == "body_statement")
                    && let Some(s) = class_scope(cx)
                {
                    if text == b"public" {
                        self.private_sections.remove(&s);
                    } else {
                        self.private_sections.insert(s);
                    }
                }
            }
            "call" => call(node, cx),
            "assignment" => assignment(node, cx),
            "string" => cx.add_string_node(node),
            _ => {}
        }
    }
}

/// A definition's header: from its start to the end of its parameters,
/// superclass or name (Ruby bodies have no opening delimiter).
fn header(cx: &Ctx<'_>, node: Node<'_>) -> String {
    let end = ["parameters", "superclass", "name"]
        .iter()
        .find_map(|f| node.field(f))
        .map_or(node.end_byte(), |n| n.end_byte());
    let bytes = cx.src.get(node.start_byte()..end).unwrap_or_default();
    super::walk::collapse_ws(&crate::utf8_lossy(bytes))
}

/// The innermost scope if it is a class or module.
fn class_scope(cx: &Ctx<'_>) -> Option<u32> {
    cx.scope().filter(|&i| {
        cx.symbol(i)
            .is_some_and(|s| matches!(s.kind, SymbolKind::Class | SymbolKind::Module))
    })
}

impl RubyVisitor {
    fn method(&mut self, node: Node<'_>, cx: &mut Ctx<'_>) {
        let Some(name) = node.field("name") else {
            return;
        };
        let class = class_scope(cx);
        let singleton = node.kind_name() == "singleton_method";
        let name_text = cx.text(name);
        let kind = match (class.is_some(), name_text.as_str()) {
            (true, "initialize") => SymbolKind::Constructor,
            (true, _) => SymbolKind::Method,
            (false, _) if singleton => SymbolKind::Method,
            _ => SymbolKind::Function,
        };
        let mut spec = SymbolSpec::new(cx, node, name, kind);
        spec.is_static = singleton;
        let private_call = node.parent().and_then(|p| p.parent()).is_some_and(|c| {
            c.kind_name() == "call"
                && c.field("method")
                    .is_some_and(|m| matches!(cx.bytes(m), b"private" | b"protected"))
        });
        let in_private = class.is_some_and(|c| self.private_sections.contains(&c));
        spec.exported = !(private_call || (in_private && !singleton));
        spec.has_doc = cx.has_doc_before(node, &[], |t| t.starts_with('#'));
        spec.signature = header(cx, node);
        if let Some(params) = node.field("parameters") {
            spec.params = params_of(cx, params);
        }
        cx.add_symbol(spec, node);
    }
}

fn params_of(cx: &Ctx<'_>, params: Node<'_>) -> Vec<Param> {
    let mut out = Vec::new();
    for p in named_children(params) {
        let name = match p.kind_name() {
            "identifier" => cx.text(p),
            "optional_parameter" | "keyword_parameter" => {
                p.field("name").map(|n| cx.text(n)).unwrap_or_default()
            }
            "splat_parameter" => format!(
                "*{}",
                p.field("name").map(|n| cx.text(n)).unwrap_or_default()
            ),
            "hash_splat_parameter" => format!(
                "**{}",
                p.field("name").map(|n| cx.text(n)).unwrap_or_default()
            ),
            "block_parameter" => format!(
                "&{}",
                p.field("name").map(|n| cx.text(n)).unwrap_or_default()
            ),
            _ => continue,
        };
        if !name.is_empty() {
            out.push(Param {
                name,
                type_text: None,
            });
        }
    }
    out
}

fn call_parts(cx: &Ctx<'_>, node: Node<'_>) -> Option<(String, Option<String>, String)> {
    let method = cx.compact(node.field("method")?);
    let receiver = node.field("receiver").map(|r| cx.compact(r));
    let callee = match &receiver {
        Some(r) => {
            let op = node
                .field("operator")
                .map_or_else(|| ".".to_string(), |o| cx.text(o));
            format!("{r}{op}{method}")
        }
        None => method.clone(),
    };
    Some((callee, receiver, method))
}

fn call(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some((callee, receiver, method)) = call_parts(cx, node) else {
        return;
    };
    let mut args = Vec::new();
    if let Some(list) = node.field("arguments") {
        for a in named_children(list) {
            if a.kind_name() == "pair" {
                args.push(a.field("value").unwrap_or(a));
            } else {
                args.push(a);
            }
        }
    }
    if receiver.is_none() {
        match method.as_str() {
            "require" | "require_relative" | "load" | "autoload" => {
                if let Some(s) = args.iter().find(|a| a.kind_name() == "string") {
                    let source = strip_quotes(&cx.text(*s)).to_string();
                    cx.add_import(node, &source, ImportKind::SideEffect, "*", "", false, false);
                }
            }
            "include" | "extend" | "prepend" => {
                if let Some(c) = class_scope(cx) {
                    let mixins: Vec<String> = args
                        .iter()
                        .filter(|a| matches!(a.kind_name(), "constant" | "scope_resolution"))
                        .map(|a| cx.compact(*a))
                        .collect();
                    if let Some(sym) = cx.facts.symbols.get_mut(c as usize) {
                        sym.bases.extend(mixins);
                    }
                }
            }
            _ => {}
        }
    }
    // `Foo.new(...)` constructs `Foo`.
    let (callee, is_ctor) = match (&receiver, method.as_str()) {
        (Some(r), "new") if r.chars().next().is_some_and(char::is_uppercase) => (r.clone(), true),
        _ => (callee, false),
    };
    let before = cx.facts.calls.len();
    cx.add_call(node, callee, &args, NAME_ARGS, is_ctor);
    // Symbols passed by name (`before_action :auth`) name methods.
    if let Some(c) = cx.facts.calls.get_mut(before) {
        for n in &mut c.arg_names {
            if let Some(stripped) = n.strip_prefix(':') {
                *n = stripped.to_string();
            } else if let Some(stripped) = n.strip_prefix('&') {
                *n = stripped.trim_start_matches(':').to_string();
            }
        }
    }
}

fn assignment(node: Node<'_>, cx: &mut Ctx<'_>) {
    let (Some(l), Some(r)) = (node.field("left"), node.field("right")) else {
        return;
    };
    if !matches!(
        l.kind_name(),
        "identifier" | "instance_variable" | "class_variable" | "global_variable" | "constant"
    ) {
        return;
    }
    let value = match r.kind_name() {
        "call" => call_parts(cx, r).map(|(callee, receiver, method)| match receiver {
            Some(recv) if method == "new" => BindingValue::New(recv),
            _ => BindingValue::Call(callee),
        }),
        "identifier" | "constant" | "scope_resolution" | "instance_variable" => {
            Some(BindingValue::Alias(cx.compact(r)))
        }
        _ => None,
    };
    if let Some(v) = value {
        let name = cx.compact(l);
        cx.add_binding(node, &name, v);
    }
}
