//! Rule file → [`Detector`]: parsing, validation and query compilation,
//! with every problem mapped to a line and column in the rule file.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use regex::Regex;
use toml::Spanned;

use super::classify::{Condition, TextPattern, VariantRule};
use super::spec::{ConditionSpec, QuerySpec, RuleSpec, SymbolSpec, TestSpec};
use super::{
    CompiledQuery, Detector, DetectorMeta, FILE_CAPTURES, QueryBlock, RuleError, SYMBOL_CAPTURES,
    SourceKind, TestCase,
};
use crate::lang::Lang;
use crate::model::{Param, Span, Symbol};

struct Ctx<'a> {
    label: &'a str,
    text: &'a str,
    errors: Vec<RuleError>,
}

impl Ctx<'_> {
    fn error_at(&mut self, offset: usize, message: impl Into<String>) {
        let (line, column) = line_col(self.text, offset);
        self.errors.push(RuleError {
            path: self.label.to_string(),
            line,
            column,
            message: message.into(),
        });
    }

    fn error_span(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.error_at(span.start, message);
    }

    fn error_line_col(&mut self, line: u32, column: u32, message: impl Into<String>) {
        self.errors.push(RuleError {
            path: self.label.to_string(),
            line,
            column,
            message: message.into(),
        });
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// Byte offset where a string value's content starts, given the span of the
/// TOML string token (quotes included). A newline right after an opening
/// `'''`/`"""` is not part of the value.
fn string_content_start(text: &str, span_start: usize) -> usize {
    let rest = text.get(span_start..).unwrap_or("");
    for delim in ["'''", "\"\"\"", "'", "\""] {
        if let Some(after) = rest.strip_prefix(delim) {
            let mut start = span_start + delim.len();
            if delim.len() == 3 {
                if after.starts_with("\r\n") {
                    start += 2;
                } else if after.starts_with('\n') {
                    start += 1;
                }
            }
            return start;
        }
    }
    span_start
}

fn parse_langs(ctx: &mut Ctx<'_>, langs: &[Spanned<String>]) -> Vec<Lang> {
    let mut out = Vec::new();
    for l in langs {
        match Lang::from_id(l.get_ref()) {
            Some(lang) => {
                if !out.contains(&lang) {
                    out.push(lang);
                }
            }
            None => {
                let known: Vec<&str> = Lang::ALL.iter().map(|l| l.id()).collect();
                ctx.error_span(
                    l.span(),
                    format!(
                        "unknown language `{}` (expected one of: {})",
                        l.get_ref(),
                        known.join(", ")
                    ),
                );
            }
        }
    }
    out
}

fn compile_regex(ctx: &mut Ctx<'_>, spec: &Spanned<String>) -> Option<TextPattern> {
    match Regex::new(spec.get_ref()) {
        Ok(re) => Some(TextPattern::new(re)),
        Err(err) => {
            let msg = err.to_string().replace('\n', " ");
            ctx.error_span(spec.span(), format!("invalid regex: {msg}"));
            None
        }
    }
}

fn compile_condition(
    ctx: &mut Ctx<'_>,
    spec: ConditionSpec,
    default_capture: &str,
    known_captures: Option<&BTreeSet<String>>,
) -> Option<Condition> {
    let capture = match &spec.capture {
        Some(c) => {
            if let Some(known_captures) = known_captures
                && !known_captures.contains(c.get_ref())
            {
                let known: Vec<&str> = known_captures.iter().map(String::as_str).collect();
                ctx.error_span(
                    c.span(),
                    format!(
                        "unknown capture `{}` (available: {})",
                        c.get_ref(),
                        known.join(", ")
                    ),
                );
                return None;
            }
            c.get_ref().clone()
        }
        None => default_capture.to_string(),
    };
    let regex = match &spec.regex {
        Some(r) => Some(compile_regex(ctx, r)?),
        None => None,
    };
    let not_regex = match &spec.not_regex {
        Some(r) => Some(compile_regex(ctx, r)?),
        None => None,
    };
    let languages = spec.languages.as_ref().map(|l| parse_langs(ctx, l));
    // A condition that names only a capture means "the capture is present".
    let present = match spec.present {
        Some(p) => Some(p),
        None if spec.capture.is_some()
            && regex.is_none()
            && not_regex.is_none()
            && spec.equals.is_none()
            && spec.one_of.is_none()
            && spec.case_style.is_none()
            && spec.node_kind.is_none() =>
        {
            Some(true)
        }
        None => None,
    };
    Some(Condition {
        capture,
        regex,
        not_regex,
        equals: spec.equals,
        one_of: spec.one_of,
        case_style: spec.case_style,
        node_kind: spec.node_kind,
        present,
        languages,
        negate: spec.negate,
    })
}

/// `#set! variant "..."` names found in a pattern's text (for lazily
/// compiled sets, whose queries are not compiled at load time).
fn textual_fixed_variants(pattern: &str, fixed: &mut Vec<String>) {
    static SET_VARIANT: std::sync::LazyLock<Option<Regex>> =
        std::sync::LazyLock::new(|| Regex::new(r#"#set!\s+variant\s+"([^"\\]*)""#).ok());
    if let Some(re) = SET_VARIANT.as_ref() {
        for cap in re.captures_iter(pattern) {
            if let Some(v) = cap.get(1) {
                let v = v.as_str().to_string();
                if !fixed.contains(&v) {
                    fixed.push(v);
                }
            }
        }
    }
}

fn compile_queries(
    ctx: &mut Ctx<'_>,
    blocks: &[QuerySpec],
    captures: &mut BTreeSet<String>,
    fixed: &mut Vec<String>,
    eager: bool,
    lazy_blocks: &mut Vec<QueryBlock>,
) -> (HashMap<Lang, Vec<CompiledQuery>>, Vec<Lang>) {
    let mut queries: HashMap<Lang, Vec<CompiledQuery>> = HashMap::new();
    let mut all_langs = Vec::new();
    for (block, spec) in blocks.iter().enumerate() {
        if spec.languages.is_empty() {
            ctx.error_span(spec.pattern.span(), "query block lists no languages");
        }
        let langs = parse_langs(ctx, &spec.languages);
        let pattern = spec.pattern.get_ref();
        // The text is kept either way: the set's combined per-language
        // query is built from it.
        lazy_blocks.push(QueryBlock {
            block,
            languages: langs.clone(),
            pattern: pattern.clone(),
        });
        if !eager {
            textual_fixed_variants(pattern, fixed);
            for lang in &langs {
                if !all_langs.contains(lang) {
                    all_langs.push(*lang);
                }
            }
            continue;
        }
        let content_start = string_content_start(ctx.text, spec.pattern.span().start);
        // (line, column, message, languages): one error for every language
        // that fails the same way.
        let mut failed: Vec<(u32, u32, String, Vec<Lang>)> = Vec::new();
        for lang in langs {
            if !all_langs.contains(&lang) {
                all_langs.push(lang);
            }
            let Some(grammar) = lang.grammar() else {
                tracing::debug!(%lang, "grammar not compiled in; query skipped");
                continue;
            };
            match tree_sitter::Query::new(&grammar, pattern) {
                Ok(query) => {
                    let checked = match check_query(query, lang, block) {
                        Ok(compiled) => Some(compiled),
                        Err((offset, message)) => {
                            ctx.error_at(content_start + offset, message);
                            None
                        }
                    };
                    if let Some(compiled) = checked {
                        for name in compiled.query.capture_names() {
                            captures.insert((*name).to_string());
                        }
                        for v in compiled.fixed_variants.iter().flatten() {
                            if !fixed.contains(v) {
                                fixed.push(v.clone());
                            }
                        }
                        queries.entry(lang).or_default().push(compiled);
                    }
                }
                Err(err) => {
                    let (line, column) = if err.row == 0 {
                        line_col(ctx.text, content_start + err.column)
                    } else {
                        let (start_line, _) = line_col(ctx.text, content_start);
                        (
                            start_line.saturating_add(u32::try_from(err.row).unwrap_or(u32::MAX)),
                            u32::try_from(err.column + 1).unwrap_or(u32::MAX),
                        )
                    };
                    let message = format!(
                        "({:?}): {}",
                        err.kind,
                        err.message.trim().replace('\n', " ")
                    );
                    match failed
                        .iter_mut()
                        .find(|f| (f.0, f.1, &f.2) == (line, column, &message))
                    {
                        Some(f) => f.3.push(lang),
                        None => failed.push((line, column, message, vec![lang])),
                    }
                }
            }
        }
        for (line, column, message, langs) in failed {
            let langs: Vec<&str> = langs.iter().map(|l| l.id()).collect();
            ctx.error_line_col(
                line,
                column,
                format!("query does not compile for {} {message}", langs.join(", ")),
            );
        }
    }
    all_langs.sort();
    (queries, all_langs)
}

/// Checks a compiled query's predicates and `#set!` properties. On error,
/// returns the byte offset of the offending pattern within the query text.
pub(crate) fn check_query(
    query: tree_sitter::Query,
    lang: Lang,
    block: usize,
) -> Result<CompiledQuery, (usize, String)> {
    let mut fixed_variants = Vec::with_capacity(query.pattern_count());
    for i in 0..query.pattern_count() {
        if let Some(pred) = query.general_predicates(i).first() {
            return Err((
                query.start_byte_for_pattern(i),
                format!(
                    "unsupported predicate `#{}` for {lang} (supported: #eq?, #not-eq?, #match?, #not-match?, #any-of?, #set! variant)",
                    pred.operator
                ),
            ));
        }
        let mut variant = None;
        for prop in query.property_settings(i) {
            if &*prop.key == "variant" {
                variant = prop.value.as_deref().map(str::to_string);
            } else {
                return Err((
                    query.start_byte_for_pattern(i),
                    format!("unsupported property `{}` (only `variant`)", prop.key),
                ));
            }
        }
        fixed_variants.push(variant);
    }
    let match_capture = query.capture_index_for_name("match");
    Ok(CompiledQuery {
        query,
        match_capture,
        fixed_variants,
        block,
    })
}

fn synthetic_symbol(spec: SymbolSpec) -> Symbol {
    let signature = spec.signature.unwrap_or_else(|| spec.name.clone());
    Symbol {
        qualified_name: spec.name.clone(),
        name: spec.name,
        kind: spec.kind,
        span: Span::default(),
        name_span: Span {
            start_line: 1,
            start_col: 1,
            end_line: 1,
            end_col: 1,
        },
        parent: None,
        signature,
        params: spec
            .params
            .into_iter()
            .map(|p| Param {
                name: p.name,
                type_text: p.type_text,
            })
            .collect(),
        return_type: spec.return_type,
        decorators: spec.decorators,
        bases: Vec::new(),
        exported: spec.exported,
        has_doc: spec.has_doc,
        is_async: spec.is_async,
        is_static: spec.is_static,
    }
}

fn compile_test(
    ctx: &mut Ctx<'_>,
    spec: TestSpec,
    source: SourceKind,
    languages: &[Lang],
    variants: &[String],
) -> Option<TestCase> {
    let lang = parse_langs(ctx, std::slice::from_ref(&spec.lang))
        .first()
        .copied()?;
    if !languages.contains(&lang) {
        ctx.error_span(
            spec.lang.span(),
            format!("test language `{lang}` is not one of the detector's languages"),
        );
        return None;
    }
    let mut expect = Vec::with_capacity(spec.expect.len());
    for v in spec.expect {
        if !variants.contains(v.get_ref()) {
            ctx.error_span(
                v.span(),
                format!(
                    "test expects unknown variant `{}` (variants: {})",
                    v.get_ref(),
                    variants.join(", ")
                ),
            );
            return None;
        }
        expect.push(v.into_inner());
    }
    if source == SourceKind::Query && spec.code.is_none() {
        ctx.error_span(spec.lang.span(), "a query test needs `code`");
        return None;
    }
    if source == SourceKind::FileName && spec.path.is_none() {
        ctx.error_span(spec.lang.span(), "a file_name test needs `path`");
        return None;
    }
    let symbols = if spec.symbols.is_empty() {
        None
    } else {
        Some(spec.symbols.into_iter().map(synthetic_symbol).collect())
    };
    Some(TestCase {
        lang,
        code: spec.code.unwrap_or_default(),
        path: spec.path,
        symbols,
        expect,
    })
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.contains('/')
        && !id.starts_with('/')
        && !id.ends_with('/')
        && !id.contains("//")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '/'))
}

/// Parses, validates and compiles one rule file.
///
/// `eager`: compile every query now (validating captures and reporting
/// query errors). Otherwise queries compile on first use per language
/// (builtins, which the test suite validates eagerly).
pub(crate) fn compile_rule(
    label: &str,
    text: &str,
    eager: bool,
) -> Result<Detector, Vec<RuleError>> {
    let mut ctx = Ctx {
        label,
        text,
        errors: Vec::new(),
    };
    let spec: RuleSpec = match toml::from_str(text) {
        Ok(spec) => spec,
        Err(err) => {
            let offset = err.span().map_or(0, |s| s.start);
            let message = err.message().trim().replace('\n', " ");
            ctx.error_at(offset, message);
            return Err(ctx.errors);
        }
    };
    let id = spec.id.get_ref().clone();
    if !valid_id(&id) {
        ctx.error_span(
            spec.id.span(),
            format!("invalid id `{id}`: expected `category/name` in lowercase letters, digits, `-` and `_`"),
        );
    } else if !id.starts_with(&format!("{}/", spec.category)) {
        ctx.error_span(
            spec.id.span(),
            format!(
                "id `{id}` must start with its category `{}/`",
                spec.category
            ),
        );
    }

    let mut captures: BTreeSet<String> = BTreeSet::new();
    let mut fixed = Vec::new();
    let mut lazy_blocks = Vec::new();
    let validate_captures = eager || spec.source != SourceKind::Query;
    let (queries, languages, default_capture) = match spec.source {
        SourceKind::Query => {
            if spec.query.is_empty() {
                ctx.error_span(
                    spec.id.span(),
                    "a query detector needs at least one [[query]]",
                );
            }
            if !spec.languages.is_empty() {
                ctx.error_span(
                    spec.languages[0].span(),
                    "`languages` is for symbols/file_name detectors; list languages in each [[query]]",
                );
            }
            let (queries, langs) = compile_queries(
                &mut ctx,
                &spec.query,
                &mut captures,
                &mut fixed,
                eager,
                &mut lazy_blocks,
            );
            captures.insert("match".to_string());
            (queries, langs, "match")
        }
        SourceKind::Symbols | SourceKind::FileName => {
            if let Some(q) = spec.query.first() {
                ctx.error_span(
                    q.pattern.span(),
                    format!("a `{}` detector takes no [[query]]", spec.source.id()),
                );
            }
            let mut langs = if spec.languages.is_empty() {
                Lang::ALL.to_vec()
            } else {
                parse_langs(&mut ctx, &spec.languages)
            };
            langs.sort();
            let (pseudo, default) = if spec.source == SourceKind::Symbols {
                (SYMBOL_CAPTURES, "name")
            } else {
                (FILE_CAPTURES, "stem")
            };
            captures.extend(pseudo.iter().map(|s| s.to_string()));
            captures.insert("match".to_string());
            (HashMap::new(), langs, default)
        }
    };

    let filter: Vec<Condition> = spec
        .filter
        .into_iter()
        .filter_map(|c| {
            compile_condition(
                &mut ctx,
                c,
                default_capture,
                validate_captures.then_some(&captures),
            )
        })
        .collect();

    let mut variants = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut variant_descriptions = std::collections::BTreeMap::new();
    for v in spec.variants {
        if let Some(d) = &v.description {
            variant_descriptions.insert(v.name.get_ref().clone(), d.clone());
        }
        let (name, conditions) = v.into_conditions();
        if name.get_ref().trim().is_empty() {
            ctx.error_span(name.span(), "variant name is empty");
            continue;
        }
        let mut conditions: Vec<Condition> = conditions
            .into_iter()
            .filter_map(|c| {
                compile_condition(
                    &mut ctx,
                    c,
                    default_capture,
                    validate_captures.then_some(&captures),
                )
            })
            .collect();
        // All must hold, so the cheapest are tried first.
        conditions.sort_by_key(Condition::cost);
        if !names.contains(name.get_ref()) {
            names.push(name.get_ref().clone());
        }
        variants.push(VariantRule {
            name: name.into_inner(),
            conditions,
        });
    }
    for v in fixed {
        if !names.contains(&v) {
            names.push(v);
        }
    }
    if let Some(d) = &spec.default_variant
        && !names.contains(d)
    {
        names.push(d.clone());
    }
    if names.is_empty() {
        ctx.error_span(
            spec.id.span(),
            "no variants: add [[variant]] rules, a default_variant or (#set! variant \"...\") in a query",
        );
    }

    let tests: Vec<TestCase> = spec
        .tests
        .into_iter()
        .filter_map(|t| compile_test(&mut ctx, t, spec.source, &languages, &names))
        .collect();

    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    let query_cells = {
        let mut compiled = queries;
        languages
            .iter()
            .filter(|_| spec.source == SourceKind::Query)
            .map(|lang| {
                let cell = std::sync::OnceLock::new();
                if eager {
                    let _ = cell.set(compiled.remove(lang).unwrap_or_default());
                }
                (*lang, cell)
            })
            .collect()
    };
    Ok(Detector {
        meta: DetectorMeta {
            id,
            category: spec.category,
            name: spec.name,
            description: spec.description,
            what: spec.what,
            why: spec.why,
            example: spec.example,
            severity: spec.severity,
            source: spec.source,
            languages,
            variants: names,
            variant_descriptions,
            origin: label.to_string(),
        },
        queries: query_cells,
        blocks: lazy_blocks,
        filter,
        variants,
        default_variant: spec.default_variant,
        outermost_only: spec.outermost_only,
        tests,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\ncé d";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 6), (2, 3));
        assert_eq!(line_col(text, 999), (2, 5));
    }

    #[test]
    fn content_start_skips_delimiters() {
        let text = "p = '''\n(x)'''";
        assert_eq!(string_content_start(text, 4), 8);
        let text = "p = \"(x)\"";
        assert_eq!(string_content_start(text, 4), 5);
    }
}
