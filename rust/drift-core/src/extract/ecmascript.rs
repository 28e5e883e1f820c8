//! TypeScript, TSX and JavaScript (JSX) extraction.

use tree_sitter::Node;

use super::walk::{
    Ctx, NodeExt, SymbolSpec, Visitor, child_of_kind, children, first_named_child, has_token,
    named_children,
};
use crate::model::{BindingValue, ImportKind, Param, Span, SymbolKind};

/// Argument kinds recorded as callback-by-name candidates.
const NAME_ARGS: &[&str] = &["identifier", "member_expression", "this"];
const FUNCTION_VALUES: &[&str] = &[
    "arrow_function",
    "function_expression",
    "function",
    "generator_function",
];

pub(crate) struct EcmaVisitor;

impl Visitor for EcmaVisitor {
    fn enter(&mut self, node: Node<'_>, kind: &str, cx: &mut Ctx<'_>) {
        match kind {
            "class_declaration" | "abstract_class_declaration" | "class" => class(node, cx),
            "interface_declaration" => {
                if let Some(name) = node.field("name") {
                    let mut spec = decl_spec(cx, node, name, SymbolKind::Interface);
                    if let Some(ext) = child_of_kind(node, &["extends_type_clause"]) {
                        spec.bases = named_children(ext)
                            .iter()
                            .map(|n| cx.collapsed(*n))
                            .collect();
                    }
                    cx.add_symbol(spec, node);
                }
            }
            "enum_declaration" => {
                if let Some(name) = node.field("name") {
                    let spec = decl_spec(cx, node, name, SymbolKind::Enum);
                    cx.add_symbol(spec, node);
                }
            }
            "internal_module" | "module" => {
                if let Some(name) = node.field("name") {
                    let spec = decl_spec(cx, node, name, SymbolKind::Module);
                    cx.add_symbol(spec, node);
                }
            }
            "function_declaration" | "generator_function_declaration" | "function_signature" => {
                if let Some(name) = node.field("name") {
                    let mut spec = decl_spec(cx, node, name, SymbolKind::Function);
                    fill_function(cx, node, &mut spec);
                    cx.add_symbol(spec, node);
                }
            }
            "method_definition" | "method_signature" | "abstract_method_signature" => {
                method(node, cx);
            }
            "public_field_definition" | "field_definition" => field(node, cx),
            "pair" => {
                if is_object_function(node)
                    && let (Some(key), Some(v)) = (node.field("key"), node.field("value"))
                {
                    let mut spec = SymbolSpec::new(cx, node, key, SymbolKind::Method);
                    spec.name = super::walk::strip_quotes(&spec.name).to_string();
                    spec.exported = object_is_exported(cx);
                    spec.has_doc = cx.has_doc_before(node, &[], is_jsdoc);
                    spec.signature = cx.signature(node, v.field("body"));
                    fill_function(cx, v, &mut spec);
                    cx.add_symbol(spec, node);
                }
            }
            "variable_declarator" => variable_declarator(node, cx),
            "assignment_expression" => assignment(node, cx),
            "call_expression" => call(node, cx),
            "new_expression" => {
                if let Some(ctor) = node.field("constructor") {
                    let args = node
                        .field("arguments")
                        .map(named_children)
                        .unwrap_or_default();
                    let callee = cx.compact(ctor);
                    cx.add_call(node, callee, &args, NAME_ARGS, true);
                }
            }
            "jsx_opening_element" | "jsx_self_closing_element" => jsx_element(node, cx),
            "import_statement" => import(node, cx),
            "export_statement" => export(node, cx),
            "string" | "template_string" => cx.add_string_node(node),
            _ => {}
        }
    }
}

/// Symbol spec with doc, export and decorator facts common to declarations.
fn decl_spec(cx: &Ctx<'_>, node: Node<'_>, name: Node<'_>, kind: SymbolKind) -> SymbolSpec {
    let mut spec = SymbolSpec::new(cx, node, name, kind);
    let export = node
        .parent()
        .filter(|p| p.kind_name() == "export_statement");
    spec.exported = export.is_some();
    let anchor = export.unwrap_or(node);
    spec.has_doc = cx.has_doc_before(anchor, &["decorator"], is_jsdoc);
    spec.decorators = decorators(cx, node);
    let body = node.field("body");
    spec.signature = cx.signature_from(signature_start(node), node, body);
    spec
}

/// Start of a declaration header, after any leading decorators.
fn signature_start(node: Node<'_>) -> usize {
    let mut start = node.start_byte();
    for c in children(node) {
        if c.kind_name() == "decorator" || c.kind_name().contains("comment") {
            start = c.end_byte();
        } else {
            break;
        }
    }
    start
}

fn is_jsdoc(text: &str) -> bool {
    text.starts_with("/**")
}

/// Decorators on a node: its own `decorator` children, those of a wrapping
/// `export` statement, and (for class members) the preceding siblings.
fn decorators(cx: &Ctx<'_>, node: Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let mut prev = node.prev_named_sibling();
    let mut before = Vec::new();
    while let Some(p) = prev {
        if p.kind_name() != "decorator" {
            break;
        }
        before.push(decorator_text(cx, p));
        prev = p.prev_named_sibling();
    }
    before.reverse();
    if let Some(parent) = node
        .parent()
        .filter(|p| p.kind_name() == "export_statement")
        && before.is_empty()
    {
        for c in named_children(parent) {
            if c.kind_name() == "decorator" {
                out.push(decorator_text(cx, c));
            }
        }
    }
    out.extend(before);
    for c in named_children(node) {
        if c.kind_name() == "decorator" {
            out.push(decorator_text(cx, c));
        }
    }
    out
}

fn decorator_text(cx: &Ctx<'_>, node: Node<'_>) -> String {
    cx.collapsed(node)
        .trim_start_matches('@')
        .trim()
        .to_string()
}

fn class(node: Node<'_>, cx: &mut Ctx<'_>) {
    let name_node = node.field("name");
    let mut spec = match name_node {
        Some(n) => decl_spec(cx, node, n, SymbolKind::Class),
        None => {
            // Anonymous class: named by its variable (`const A = class {}`) or `default`.
            let name = node
                .parent()
                .filter(|p| p.kind_name() == "variable_declarator")
                .and_then(|p| p.field("name"))
                .map(|n| cx.text(n));
            let exported_default = node
                .parent()
                .is_some_and(|p| p.kind_name() == "export_statement");
            let name = match name {
                Some(n) => n,
                None if exported_default => "default".to_string(),
                None => return,
            };
            let mut spec = SymbolSpec::named(node, name, Span::from_node(&node), SymbolKind::Class);
            spec.exported = exported_default;
            spec.signature = cx.signature(node, node.field("body"));
            spec
        }
    };
    if let Some(heritage) = child_of_kind(node, &["class_heritage"]) {
        for part in named_children(heritage) {
            match part.kind_name() {
                "extends_clause" | "implements_clause" => {
                    for b in named_children(part) {
                        if b.kind_name() != "type_arguments" {
                            spec.bases.push(cx.compact(b));
                        }
                    }
                }
                _ => spec.bases.push(cx.compact(part)),
            }
        }
    }
    spec.kind = SymbolKind::Class;
    cx.add_symbol(spec, node);
}

fn method(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(name) = node.field("name") else {
        return;
    };
    let name_text = cx.text(name);
    let kind = if name_text == "constructor" {
        SymbolKind::Constructor
    } else {
        SymbolKind::Method
    };
    let mut spec = SymbolSpec::new(cx, node, name, kind);
    spec.decorators = decorators(cx, node);
    spec.has_doc = cx.has_doc_before(node, &["decorator"], is_jsdoc);
    spec.is_static = has_token(node, "static");
    let private = child_of_kind(node, &["accessibility_modifier"])
        .is_some_and(|m| cx.text(m) != "public")
        || name.kind_name() == "private_property_identifier";
    spec.exported = !private && (class_is_exported(cx) || object_is_exported(cx));
    spec.signature = cx.signature_from(signature_start(node), node, node.field("body"));
    fill_function(cx, node, &mut spec);
    if node.kind_name() == "method_definition" {
        cx.add_symbol(spec, node);
    } else {
        cx.push_symbol(spec);
    }
    // Constructor parameter properties (`constructor(private repo: Repo)`) are fields.
    if kind == SymbolKind::Constructor
        && let Some(params) = node.field("parameters")
    {
        for p in named_children(params) {
            if child_of_kind(p, &["accessibility_modifier"]).is_some()
                && let (Some(pat), Some(ty)) = (p.field("pattern"), p.field("type"))
            {
                let name = format!("this.{}", cx.text(pat));
                let ty = type_text(cx, ty);
                cx.add_binding(p, &name, BindingValue::Typed(ty));
            }
        }
    }
}

/// A `key: function` pair or a method in an object literal.
fn is_object_function(node: Node<'_>) -> bool {
    match node.kind_name() {
        "method_definition" => true,
        "pair" => node
            .field("value")
            .is_some_and(|v| FUNCTION_VALUES.contains(&v.kind_name())),
        _ => false,
    }
}

/// Whether the innermost enclosing object-literal symbol is exported.
fn object_is_exported(cx: &Ctx<'_>) -> bool {
    cx.scope()
        .and_then(|i| cx.symbol(i))
        .is_some_and(|s| s.kind == SymbolKind::Constant && s.exported)
}

/// Whether the innermost enclosing class is exported.
fn class_is_exported(cx: &Ctx<'_>) -> bool {
    cx.enclosing_of(&[SymbolKind::Class, SymbolKind::Interface])
        .and_then(|i| cx.symbol(i))
        .is_some_and(|s| s.exported)
}

fn field(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(name) = node.field("name").or_else(|| node.field("property")) else {
        return;
    };
    let value = node.field("value");
    if let Some(v) = value.filter(|v| FUNCTION_VALUES.contains(&v.kind_name())) {
        let mut spec = SymbolSpec::new(cx, node, name, SymbolKind::Method);
        spec.decorators = decorators(cx, node);
        spec.has_doc = cx.has_doc_before(node, &["decorator"], is_jsdoc);
        spec.is_static = has_token(node, "static");
        let private = child_of_kind(node, &["accessibility_modifier"])
            .is_some_and(|m| cx.text(m) != "public")
            || name.kind_name() == "private_property_identifier";
        spec.exported = !private && class_is_exported(cx);
        spec.signature = cx.signature_from(signature_start(node), node, v.field("body"));
        fill_function(cx, v, &mut spec);
        cx.add_symbol(spec, node);
        return;
    }
    let bound = format!("this.{}", cx.text(name));
    if let Some(ty) = node.field("type") {
        let ty = type_text(cx, ty);
        cx.add_binding(node, &bound, BindingValue::Typed(ty));
    } else if let Some(v) = value
        && let Some(b) = value_binding(cx, v)
    {
        cx.add_binding(node, &bound, b);
    }
}

/// Parameters, return type and `async` of a function-like node.
fn fill_function(cx: &Ctx<'_>, func: Node<'_>, spec: &mut SymbolSpec) {
    spec.is_async = spec.is_async || has_token(func, "async");
    spec.return_type = func.field("return_type").map(|r| type_text(cx, r));
    if let Some(params) = func.field("parameters") {
        spec.params = named_children(params)
            .into_iter()
            .filter_map(|p| param(cx, p))
            .filter(|p| p.name != "this")
            .collect();
    } else if let Some(p) = func.field("parameter") {
        spec.params = vec![Param {
            name: cx.text(p),
            type_text: None,
        }];
    }
}

fn param(cx: &Ctx<'_>, p: Node<'_>) -> Option<Param> {
    match p.kind_name() {
        "required_parameter" | "optional_parameter" => {
            let pat = p.field("pattern")?;
            Some(Param {
                name: pattern_name(cx, pat),
                type_text: p.field("type").map(|t| type_text(cx, t)),
            })
        }
        "decorator" => None,
        _ => Some(Param {
            name: pattern_name(cx, p),
            type_text: None,
        }),
    }
}

fn pattern_name(cx: &Ctx<'_>, pat: Node<'_>) -> String {
    match pat.kind_name() {
        "assignment_pattern" => pat
            .field("left")
            .map_or_else(|| cx.compact(pat), |l| pattern_name(cx, l)),
        "rest_pattern" => {
            first_named_child(pat).map_or_else(|| cx.compact(pat), |n| format!("...{}", cx.text(n)))
        }
        _ => cx.compact(pat),
    }
}

/// A `type_annotation`'s type without the leading `:`.
fn type_text(cx: &Ctx<'_>, node: Node<'_>) -> String {
    let t = cx.collapsed(node);
    let t = t.strip_prefix(':').unwrap_or(&t).trim();
    t.to_string()
}

/// Strips `await` and parentheses around an expression.
fn unwrap_expr(mut node: Node<'_>) -> Node<'_> {
    for _ in 0..16 {
        match node.kind_name() {
            "await_expression"
            | "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression" => match first_named_child(node) {
                Some(inner) => node = inner,
                None => break,
            },
            _ => break,
        }
    }
    node
}

/// The binding a value expression gives a name, if simple enough.
fn value_binding(cx: &Ctx<'_>, value: Node<'_>) -> Option<BindingValue> {
    let v = unwrap_expr(value);
    match v.kind_name() {
        "new_expression" => v
            .field("constructor")
            .map(|c| BindingValue::New(cx.compact(c))),
        "call_expression" => {
            let f = unwrap_expr(v.field("function")?);
            Some(BindingValue::Call(cx.compact(f)))
        }
        "identifier" | "member_expression" | "this" => Some(BindingValue::Alias(cx.compact(v))),
        _ => None,
    }
}

/// `require("m")` call's module specifier.
fn require_source(cx: &Ctx<'_>, node: Node<'_>) -> Option<String> {
    let node = unwrap_expr(node);
    if node.kind_name() != "call_expression" {
        return None;
    }
    let f = node.field("function")?;
    if cx.bytes(f) != b"require" {
        return None;
    }
    let args = named_children(node.field("arguments")?);
    let first = args.first().filter(|a| a.kind_name() == "string")?;
    Some(string_value(cx, *first))
}

fn string_value(cx: &Ctx<'_>, node: Node<'_>) -> String {
    super::walk::strip_quotes(&cx.text(node)).to_string()
}

fn variable_declarator(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(name) = node.field("name") else {
        return;
    };
    let value = node.field("value");
    // require()
    if let Some(v) = value {
        let (base, member) = if v.kind_name() == "member_expression" {
            (
                v.field("object").unwrap_or(v),
                v.field("property").map(|p| cx.text(p)),
            )
        } else {
            (v, None)
        };
        if let Some(source) = require_source(cx, base) {
            match name.kind_name() {
                "identifier" => {
                    let local = cx.text(name);
                    let imported = member.unwrap_or_else(|| "*".to_string());
                    cx.add_import(
                        node,
                        &source,
                        ImportKind::Require,
                        &imported,
                        &local,
                        false,
                        false,
                    );
                }
                "object_pattern" => {
                    for p in named_children(name) {
                        match p.kind_name() {
                            "shorthand_property_identifier_pattern" => {
                                let n = cx.text(p);
                                cx.add_import(
                                    p,
                                    &source,
                                    ImportKind::Require,
                                    &n,
                                    &n,
                                    false,
                                    false,
                                );
                            }
                            "pair_pattern" => {
                                if let (Some(k), Some(val)) = (p.field("key"), p.field("value")) {
                                    let k = cx.text(k);
                                    let l = cx.text(val);
                                    cx.add_import(
                                        p,
                                        &source,
                                        ImportKind::Require,
                                        &k,
                                        &l,
                                        false,
                                        false,
                                    );
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
            return;
        }
    }
    if name.kind_name() != "identifier" {
        return;
    }
    if let Some(v) = value.filter(|v| FUNCTION_VALUES.contains(&v.kind_name())) {
        let decl = node.parent();
        let export = decl
            .and_then(|d| d.parent())
            .filter(|p| p.kind_name() == "export_statement");
        let mut spec = SymbolSpec::new(cx, node, name, SymbolKind::Function);
        spec.exported = export.is_some();
        let anchor = export.or(decl).unwrap_or(node);
        spec.has_doc = cx.has_doc_before(anchor, &[], is_jsdoc);
        let start = decl
            .filter(|d| d.named_child(0).is_some_and(|c| c.id() == node.id()))
            .map_or(node.start_byte(), |d| d.start_byte());
        spec.signature = cx.signature_from(start, node, v.field("body"));
        fill_function(cx, v, &mut spec);
        cx.add_symbol(spec, node);
        return;
    }
    if value.is_some_and(|v| v.kind_name() == "class") {
        return;
    }
    // `const api = { get() {}, post: () => {} }`: a namespace-like object
    // whose functions are named `api.get`, `api.post`.
    if let Some(obj) = value.filter(|v| v.kind_name() == "object")
        && named_children(obj).iter().any(|m| is_object_function(*m))
    {
        let export = node
            .parent()
            .and_then(|d| d.parent())
            .filter(|p| p.kind_name() == "export_statement");
        let mut spec = SymbolSpec::new(cx, node, name, SymbolKind::Constant);
        spec.exported = export.is_some();
        spec.has_doc = cx.has_doc_before(export.or(node.parent()).unwrap_or(node), &[], is_jsdoc);
        let start = node
            .parent()
            .filter(|d| d.named_child(0).is_some_and(|c| c.id() == node.id()))
            .map_or(node.start_byte(), |d| d.start_byte());
        spec.signature = cx.signature_from(start, node, Some(obj));
        cx.add_symbol(spec, node);
        return;
    }
    let n = cx.text(name);
    if let Some(ty) = node.field("type") {
        let ty = type_text(cx, ty);
        cx.add_binding(node, &n, BindingValue::Typed(ty));
    } else if let Some(v) = value
        && let Some(b) = value_binding(cx, v)
    {
        cx.add_binding(node, &n, b);
    }
}

fn assignment(node: Node<'_>, cx: &mut Ctx<'_>) {
    let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
        return;
    };
    let left_text = cx.compact(left);
    // CommonJS exports.
    if left_text == "module.exports" {
        if right.kind_name() == "object" {
            for p in named_children(right) {
                match p.kind_name() {
                    "shorthand_property_identifier" => {
                        let n = cx.text(p);
                        cx.add_export(p, &n, &n);
                    }
                    "pair" => {
                        if let (Some(k), Some(v)) = (p.field("key"), p.field("value")) {
                            let k = cx.text(k);
                            let v = cx.compact(v);
                            cx.add_export(p, &k, &v);
                        }
                    }
                    "method_definition" => {
                        if let Some(k) = p.field("name") {
                            let k = cx.text(k);
                            cx.add_export(p, &k, &k);
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let local = match right.kind_name() {
                "identifier" | "member_expression" => cx.compact(right),
                _ => right.field("name").map(|n| cx.text(n)).unwrap_or_default(),
            };
            cx.add_export(node, "default", &local);
        }
        return;
    }
    let exports_member = left_text
        .strip_prefix("module.exports.")
        .or_else(|| left_text.strip_prefix("exports."));
    if let Some(name) = exports_member {
        let local = match right.kind_name() {
            "identifier" | "member_expression" => cx.compact(right),
            _ => name.to_string(),
        };
        cx.add_export(node, name, &local);
        return;
    }
    if matches!(left.kind_name(), "identifier" | "member_expression")
        && let Some(b) = value_binding(cx, right)
    {
        cx.add_binding(node, &left_text, b);
    }
}

fn call(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(func) = node.field("function") else {
        return;
    };
    let func = unwrap_expr(func);
    let args_node = node.field("arguments");
    let args = match args_node {
        Some(a) if a.kind_name() == "arguments" => named_children(a),
        Some(a) => vec![a],
        None => Vec::new(),
    };
    // Dynamic import and bare require are side-effect imports (bound ones
    // are handled at their declarator).
    let is_import = func.kind_name() == "import" || cx.bytes(func) == b"require";
    if is_import && let Some(first) = args.first().filter(|a| a.kind_name() == "string") {
        let bound = node
            .parent()
            .is_some_and(|p| matches!(p.kind_name(), "variable_declarator" | "member_expression"));
        if !bound {
            let source = string_value(cx, *first);
            let kind = if func.kind_name() == "import" {
                ImportKind::Namespace
            } else {
                ImportKind::SideEffect
            };
            let local = if kind == ImportKind::Namespace {
                "*"
            } else {
                ""
            };
            cx.add_import(node, &source, kind, "*", local, false, false);
        }
    }
    let callee = cx.compact(func);
    cx.add_call(node, callee, &args, NAME_ARGS, false);
}

fn import(node: Node<'_>, cx: &mut Ctx<'_>) {
    let type_only = has_token(node, "type");
    let source = node.field("source").map(|s| string_value(cx, s));
    if let Some(req) = child_of_kind(node, &["import_require_clause"]) {
        let src = req
            .field("source")
            .map(|s| string_value(cx, s))
            .unwrap_or_default();
        if let Some(id) = child_of_kind(req, &["identifier"]) {
            let local = cx.text(id);
            cx.add_import(
                node,
                &src,
                ImportKind::Require,
                "*",
                &local,
                false,
                type_only,
            );
        }
        return;
    }
    let Some(source) = source else {
        return;
    };
    let Some(clause) = child_of_kind(node, &["import_clause"]) else {
        cx.add_import(
            node,
            &source,
            ImportKind::SideEffect,
            "*",
            "",
            false,
            type_only,
        );
        return;
    };
    for part in named_children(clause) {
        match part.kind_name() {
            "identifier" => {
                let local = cx.text(part);
                cx.add_import(
                    part,
                    &source,
                    ImportKind::Default,
                    "default",
                    &local,
                    false,
                    type_only,
                );
            }
            "namespace_import" => {
                if let Some(id) = child_of_kind(part, &["identifier"]) {
                    let local = cx.text(id);
                    cx.add_import(
                        part,
                        &source,
                        ImportKind::Namespace,
                        "*",
                        &local,
                        false,
                        type_only,
                    );
                }
            }
            "named_imports" => {
                for spec in named_children(part) {
                    if spec.kind_name() != "import_specifier" {
                        continue;
                    }
                    let Some(name) = spec.field("name") else {
                        continue;
                    };
                    let imported = cx.text(name);
                    let local = spec
                        .field("alias")
                        .map_or_else(|| imported.clone(), |a| cx.text(a));
                    let t = type_only || has_token(spec, "type");
                    cx.add_import(
                        spec,
                        &source,
                        ImportKind::Named,
                        &imported,
                        &local,
                        false,
                        t,
                    );
                }
            }
            _ => {}
        }
    }
}

fn export(node: Node<'_>, cx: &mut Ctx<'_>) {
    let is_default = has_token(node, "default");
    let source = node.field("source").map(|s| string_value(cx, s));
    let type_only = has_token(node, "type");
    if let Some(decl) = node.field("declaration") {
        if is_default && let Some(name) = decl.field("name") {
            let n = cx.text(name);
            cx.add_export(node, "default", &n);
        }
        return;
    }
    if let Some(value) = node.field("value") {
        let local = match value.kind_name() {
            "identifier" | "member_expression" => cx.compact(value),
            _ => value.field("name").map(|n| cx.text(n)).unwrap_or_default(),
        };
        cx.add_export(node, "default", &local);
        return;
    }
    if let Some(clause) = child_of_kind(node, &["export_clause"]) {
        for spec in named_children(clause) {
            if spec.kind_name() != "export_specifier" {
                continue;
            }
            let Some(name) = spec.field("name") else {
                continue;
            };
            let local = cx.text(name);
            let exported = spec
                .field("alias")
                .map_or_else(|| local.clone(), |a| cx.text(a));
            if let Some(src) = &source {
                cx.add_import(
                    spec,
                    src,
                    ImportKind::Named,
                    &local,
                    &exported,
                    true,
                    type_only,
                );
            }
            cx.add_export(spec, &exported, &local);
        }
        return;
    }
    if let Some(src) = source {
        match child_of_kind(node, &["namespace_export"]) {
            Some(ns) => {
                let local = child_of_kind(ns, &["identifier", "string"])
                    .map(|i| cx.text(i))
                    .unwrap_or_default();
                cx.add_import(
                    node,
                    &src,
                    ImportKind::Namespace,
                    "*",
                    &local,
                    true,
                    type_only,
                );
                cx.add_export(node, &local, &local);
            }
            None => cx.add_import(node, &src, ImportKind::Namespace, "*", "*", true, type_only),
        }
    }
}

/// `<Header.Item a={b} />` renders component `Header.Item`: recorded as a
/// call whose arguments are the attributes (identifier values are
/// callback-by-name candidates). Lowercase intrinsic elements are skipped.
fn jsx_element(node: Node<'_>, cx: &mut Ctx<'_>) {
    let Some(name) = node.field("name") else {
        return;
    };
    let callee = cx.compact(name);
    if !callee.starts_with(|c: char| c.is_uppercase()) {
        return;
    }
    let mut cursor = node.walk();
    let args: Vec<Node<'_>> = node
        .children_by_field_name("attribute", &mut cursor)
        .map(|a| {
            // The attribute's value expression, if it is `{expr}`.
            child_of_kind(a, &["jsx_expression"])
                .and_then(|e| e.named_child(0))
                .or_else(|| {
                    (a.kind_name() == "jsx_expression")
                        .then(|| a.named_child(0))
                        .flatten()
                })
                .unwrap_or(a)
        })
        .collect();
    cx.add_call(node, callee, &args, NAME_ARGS, false);
}

pub(crate) const CUT_KINDS: super::CutKinds = super::CutKinds {
    root: "program",
    class: "class_declaration",
    class_body: "class_body",
    header_fields: &["name", "type_parameters"],
    header_kinds: &["class_heritage"],
};

/// Where a large JS/TS file can be cut for parsing in two parts (see
/// [`top_level_split`] and [`class_body_split`]).
pub(crate) fn cut(source: &[u8]) -> Option<super::Cut> {
    let lines = lines(source);
    top_level_split(source.len(), &lines)
        .map(|at| super::Cut {
            at,
            header: None,
            closing: None,
            kinds: &CUT_KINDS,
        })
        .or_else(|| class_body_split(source.len(), &lines))
}

/// A line of a JS/TS file, with the lexical state around it.
struct Line<'s> {
    start: usize,
    /// After its newline.
    end: usize,
    /// Without trailing whitespace.
    text: &'s [u8],
    /// The bracket depth at its start, when it starts in code (not in a
    /// template, its interpolations or a comment).
    depth: Option<usize>,
    /// The same at its end.
    depth_after: Option<usize>,
    /// The last non-blank line before it ends a statement: with `;` or `}`
    /// in code, no comment after.
    after_statement: bool,
}

impl Line<'_> {
    fn indent(&self) -> usize {
        self.text.len() - self.text.trim_ascii_start().len()
    }

    fn body(&self) -> &[u8] {
        self.text.trim_ascii_start()
    }
}

/// The lines of `source`, read with a rough lexical state (see [`Lexer`]).
fn lines(source: &[u8]) -> Vec<Line<'_>> {
    let mut lexer = Lexer::default();
    let mut after_statement = false;
    let mut out = Vec::new();
    for (start, end) in super::line_spans(source) {
        let text = source[start..end].trim_ascii_end();
        let depth = lexer.code_depth();
        let comment_line = text.trim_ascii_start().starts_with(b"//");
        lexer.line(&source[start..end]);
        let depth_after = lexer.code_depth();
        out.push(Line {
            start,
            end,
            text,
            depth,
            depth_after,
            after_statement,
        });
        if !text.is_empty() || depth.is_none() {
            after_statement = depth.is_some()
                && depth_after.is_some()
                && !comment_line
                && !lexer.comment_at_end
                && matches!(text.last(), Some(b';' | b'}'));
        }
    }
    out
}

/// A line start near the middle where a top-level declaration begins at
/// the margin (`export`, `function`, `class`, `const`, `interface`, a
/// decorator, ...) right after a line that ends a statement with `;` or
/// `}`: so a doc comment or a decorator stays with what it precedes, and
/// the line before cannot run on into the cut one. The lexical state is
/// read line by line and a regular expression can mislead it, so the
/// caller must still check that neither part has a syntax error (a wrong
/// cut leaves the first part unfinished).
fn top_level_split(len: usize, lines: &[Line<'_>]) -> Option<usize> {
    let candidates = lines
        .iter()
        .filter(|l| l.start > 0 && l.depth == Some(0) && l.after_statement)
        .filter(|l| begins_declaration(l.text))
        .map(|l| l.start);
    super::nearest_middle(len, candidates)
}

/// For a file whose middle is inside one top-level class: a line start
/// near the middle where a member begins, at the indentation of the
/// class's members, after a line that ends a statement. The class must
/// have a one-line header at the margin (`export class Name extends B {`),
/// no decorators, and a closing line `}` of its own. The second part is
/// parsed with the header line, and the first with the closing line, so
/// each part holds one whole class. Same caveats as [`top_level_split`].
fn class_body_split(len: usize, lines: &[Line<'_>]) -> Option<super::Cut> {
    let mid = len / 2;
    // The last top-level statement that starts before the middle.
    let (h, header) = lines
        .iter()
        .enumerate()
        .take_while(|(_, l)| l.start <= mid)
        .filter(|(_, l)| l.depth == Some(0) && !l.text.is_empty() && l.indent() == 0)
        .filter(|(_, l)| !l.text.starts_with(b"//") && !l.text.starts_with(b"/*"))
        .last()?;
    let previous = lines[..h].iter().rev().find(|l| !l.text.is_empty());
    let decorated = previous.is_some_and(|p| p.body().starts_with(b"@") || p.text.ends_with(b")"));
    if decorated || !is_class_header(header.text) || header.depth_after != Some(1) {
        return None;
    }
    let body = &lines[h + 1..];
    let close = body.iter().position(|l| l.depth_after == Some(0))?;
    let closing = &body[close];
    if closing.text != b"}" {
        return None;
    }
    let members = &body[..close];
    let indent = members
        .iter()
        .find(|l| l.depth == Some(1) && !l.text.is_empty())
        .map(Line::indent)
        .filter(|&i| i > 0)?;
    let candidates = members
        .iter()
        .filter(|l| l.depth == Some(1) && l.after_statement && l.indent() == indent)
        .filter(|l| {
            !matches!(
                l.body().first(),
                Some(b'/' | b'*' | b'}' | b')' | b']' | b'.' | b',' | b'?' | b':')
            )
        })
        .map(|l| l.start);
    let at = super::nearest_middle(len, candidates)?;
    Some(super::Cut {
        at,
        header: Some(header.start..header.end),
        closing: Some(closing.start..closing.end),
        kinds: &CUT_KINDS,
    })
}

/// `class Name ... {` at the margin, optionally exported (a default
/// export or an abstract class is another kind of node).
fn is_class_header(line: &[u8]) -> bool {
    let rest = line.strip_prefix(b"export ").unwrap_or(line);
    rest.strip_prefix(b"class ").is_some_and(|name| {
        name.first()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'$'))
    }) && line.ends_with(b"{")
}

/// A top-level declaration starts on this line, at the margin.
fn begins_declaration(line: &[u8]) -> bool {
    const KEYWORDS: &[&[u8]] = &[
        b"export",
        b"function",
        b"async",
        b"class",
        b"abstract",
        b"const",
        b"let",
        b"var",
        b"interface",
        b"type",
        b"enum",
        b"declare",
        b"namespace",
    ];
    line.starts_with(b"@")
        || line.starts_with(b"function*")
        || KEYWORDS.iter().any(|k| super::begins_keyword(line, k))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mode {
    #[default]
    Code,
    BlockComment,
    Template,
}

/// A rough line-by-line JS/TS lexical state: enough to tell the margin of
/// the top level from the inside of brackets, templates and comments.
#[derive(Debug, Default)]
struct Lexer {
    mode: Mode,
    /// Open brackets of any kind in code.
    depth: usize,
    /// The bracket depth at which each open template `${` began.
    interpolations: Vec<usize>,
    /// The last line ended in a comment (`//` or `/* */`).
    comment_at_end: bool,
}

impl Lexer {
    /// The bracket depth, when in code outside template interpolations.
    fn code_depth(&self) -> Option<usize> {
        (self.mode == Mode::Code && self.interpolations.is_empty()).then_some(self.depth)
    }

    /// Reads one line (with its newline, if any).
    fn line(&mut self, line: &[u8]) {
        self.comment_at_end = false;
        // The last significant byte of code, to tell a regex from a division.
        let mut prev: u8 = b'\n';
        let mut i = 0;
        while i < line.len() {
            let c = line[i];
            let next = line.get(i + 1).copied();
            match self.mode {
                Mode::BlockComment => {
                    if c == b'*' && next == Some(b'/') {
                        self.mode = Mode::Code;
                        self.comment_at_end = true;
                        i += 1;
                    }
                }
                Mode::Template => match c {
                    b'\\' => i += 1,
                    b'`' => self.mode = Mode::Code,
                    b'$' if next == Some(b'{') => {
                        self.interpolations.push(self.depth);
                        self.mode = Mode::Code;
                        i += 1;
                    }
                    _ => {}
                },
                Mode::Code => {
                    if !c.is_ascii_whitespace() {
                        self.comment_at_end = false;
                    }
                    match c {
                        b'/' if next == Some(b'/') => {
                            self.comment_at_end = true;
                            return;
                        }
                        b'/' if next == Some(b'*') => {
                            self.mode = Mode::BlockComment;
                            i += 1;
                        }
                        // A regex or a string: an operand, as far as a
                        // following `/` is concerned.
                        b'/' | b'\'' | b'"' if c != b'/' || starts_operand(prev) => {
                            i = skip_quoted(line, i, c) + 1;
                            prev = b'0';
                            continue;
                        }
                        b'`' => self.mode = Mode::Template,
                        b'{' | b'(' | b'[' => self.depth += 1,
                        b'}' if self.interpolations.last() == Some(&self.depth) => {
                            self.interpolations.pop();
                            self.mode = Mode::Template;
                        }
                        b'}' | b')' | b']' => self.depth = self.depth.saturating_sub(1),
                        _ => {}
                    }
                    if !c.is_ascii_whitespace() {
                        prev = c;
                    }
                }
            }
            i += 1;
        }
    }
}

/// Whether a `/` after `prev` (the last significant byte) starts a regex
/// rather than dividing: after an operator or an opening bracket, not
/// after an operand.
fn starts_operand(prev: u8) -> bool {
    !(prev.is_ascii_alphanumeric() || matches!(prev, b')' | b']' | b'}' | b'_' | b'$'))
}

/// The index of the byte that closes the string (or regex) opened by
/// `quote` at `open`, or the line's last byte if it stays open (strings
/// and regexes end with their line; a regex's class `[...]` may hold `/`).
fn skip_quoted(line: &[u8], open: usize, quote: u8) -> usize {
    let mut class = false;
    let mut i = open + 1;
    while i < line.len() {
        match line[i] {
            b'\\' => i += 1,
            b'\n' => return i,
            b'[' if quote == b'/' => class = true,
            b']' if quote == b'/' => class = false,
            c if c == quote && !class => return i,
            _ => {}
        }
        i += 1;
    }
    line.len().saturating_sub(1)
}
