//! The tools' logic over the index, independent of the MCP plumbing: each
//! function takes the shared [`Core`] and typed arguments and returns a
//! compact JSON value or a [`ToolError`].

use std::collections::{BTreeMap, HashSet};

use drift_config::{DecisionState, Decisions};
use drift_index::{Pattern, SymbolHit, Variant, ViolationFilter};
use serde_json::{Value, json};

use crate::args::*;
use crate::budget::{self, Budget, shorten};
use crate::core::Core;
use crate::cursor;
use crate::error::{ToolError, closest};

/// Longest snippet kept in outputs.
const SNIPPET_CHARS: usize = 160;

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub(crate) fn decisions(core: &Core) -> Result<Decisions, ToolError> {
    Ok(Decisions::load_from_root(core.root())?)
}

/// The convention id the CLI and the decisions file use: `pattern:variant`
/// (the pattern's dominant variant).
pub(crate) fn convention_id(p: &Pattern) -> String {
    format!("{}:{}", p.id, p.dominant)
}

/// Splits `pattern:variant` (or a bare pattern id).
pub(crate) fn split_convention_id(id: &str) -> (&str, Option<&str>) {
    match id.trim().rsplit_once(':') {
        Some((p, v)) if !p.is_empty() && !v.is_empty() => (p, Some(v)),
        _ => (id.trim(), None),
    }
}

/// The team's decision about a pattern: the key it is recorded under and
/// the state. `pattern:dominant` first, then any `pattern:other` decision
/// (approved first), then a bare `pattern` key.
pub(crate) fn decision_for<'d>(
    decisions: &'d Decisions,
    p: &Pattern,
) -> Option<(&'d str, &'d drift_config::Decision)> {
    if let Some((k, d)) = decisions.conventions.get_key_value(&convention_id(p)) {
        return Some((k.as_str(), d));
    }
    let prefix = format!("{}:", p.id);
    let mut others: Vec<(&String, &drift_config::Decision)> = decisions
        .conventions
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .collect();
    others.sort_by_key(|(_, d)| d.state != DecisionState::Approved);
    if let Some((k, d)) = others.first() {
        return Some((k.as_str(), d));
    }
    decisions
        .conventions
        .get_key_value(&p.id)
        .map(|(k, d)| (k.as_str(), d))
}

pub(crate) fn pattern_state(decisions: &Decisions, p: &Pattern) -> Option<DecisionState> {
    decision_for(decisions, p).map(|(_, d)| d.state)
}

/// The variant the team approved (may differ from today's dominant one).
pub(crate) fn approved_variant(decisions: &Decisions, p: &Pattern) -> Option<String> {
    let (key, d) = decision_for(decisions, p)?;
    if d.state != DecisionState::Approved {
        return None;
    }
    Some(
        split_convention_id(key)
            .1
            .unwrap_or(&p.dominant)
            .to_string(),
    )
}

fn state_of(decisions: &Decisions, p: &Pattern) -> &'static str {
    match pattern_state(decisions, p) {
        Some(DecisionState::Approved) => "approved",
        Some(DecisionState::Ignored) => "ignored",
        None => "undecided",
    }
}

fn state_matches(filter: StateFilter, decisions: &Decisions, p: &Pattern) -> bool {
    let s = pattern_state(decisions, p);
    match filter {
        StateFilter::Approved => s == Some(DecisionState::Approved),
        StateFilter::Ignored => s == Some(DecisionState::Ignored),
        StateFilter::Undecided => s.is_none(),
        StateFilter::NotIgnored => s != Some(DecisionState::Ignored),
        StateFilter::Any => true,
    }
}

fn dominant_variant(p: &Pattern) -> Option<&Variant> {
    p.variants
        .iter()
        .find(|v| v.name == p.dominant)
        .or_else(|| p.variants.first())
}

/// One-line summary of a convention.
fn convention_brief(p: &Pattern, decisions: &Decisions) -> Value {
    let variants: Vec<Value> = p
        .variants
        .iter()
        .take(3)
        .map(|v| json!({ "name": v.name, "share": round2(v.share), "count": v.count }))
        .collect();
    let mut v = json!({
        "id": convention_id(p),
        "category": p.category,
        "name": p.name,
        "convention": p.dominant,
        "confidence": round2(p.confidence),
        "tier": p.tier,
        "occurrences": p.occurrences,
        "files": p.file_count,
        "state": state_of(decisions, p),
        "variants": variants,
    });
    if let Some(lang) = p.lang {
        v["lang"] = json!(lang.id());
    }
    v
}

fn example_json(e: &drift_index::Example) -> Value {
    json!({
        "at": format!("{}:{}", e.path, e.span.start_line),
        "code": shorten(&e.snippet, SNIPPET_CHARS),
    })
}

// ----- drift_status --------------------------------------------------------

pub fn status(core: &Core) -> Result<Value, ToolError> {
    let summary = core.summary()?;
    let decisions = decisions(core)?;
    let approved = decisions
        .conventions
        .values()
        .filter(|d| d.state == DecisionState::Approved)
        .count();
    let ignored = decisions.conventions.len() - approved;
    let scan = core.scan_status();
    let mut hints = Vec::new();
    if summary.files == 0 && scan.is_running() {
        hints.push("the first scan is running: results fill in as it commits; call drift_status {wait_for_scan: true} to wait".to_string());
    } else if summary.files == 0 {
        hints.push("the index is empty: run `drift scan` in the project".to_string());
    }
    if summary.patterns > 0 && approved == 0 {
        hints.push("no convention is approved yet: drift_validate only reports approved conventions strictly; learned ones are shown as suggestions".to_string());
    }
    if summary.scan_interrupted && !scan.is_running() {
        hints.push("the last scan was interrupted; the next scan repairs the index".to_string());
    }
    let violations: BTreeMap<&str, u64> = summary
        .violations_by_severity
        .iter()
        .map(|(s, n)| (s.id(), *n))
        .collect();
    Ok(json!({
        "root": core.root().display().to_string(),
        "index": {
            "files": summary.files,
            "ok": summary.ok,
            "partial": summary.partial,
            "skipped": summary.skipped,
            "files_by_lang": summary.files_by_lang.iter().map(|(l, n)| (l.id().to_string(), *n)).collect::<BTreeMap<_, _>>(),
            "symbols": summary.symbols,
            "imports": summary.imports,
            "calls": summary.calls,
            "conventions": summary.patterns,
            "violations": violations,
            "last_scan": summary.last_scan,
            "scan_interrupted": summary.scan_interrupted,
        },
        "decisions": { "approved": approved, "ignored": ignored },
        "scan": scan,
        "hints": hints,
    }))
}

// ----- drift_conventions ---------------------------------------------------

pub fn conventions(core: &Core, args: &ConventionsArgs) -> Result<Value, ToolError> {
    let state = args.state.unwrap_or_default();
    let limit = args.limit.unwrap_or(25).clamp(1, 100) as usize;
    if let Some(c) = args.min_confidence
        && !(0.0..=1.0).contains(&c)
    {
        return Err(ToolError::invalid("min_confidence must be between 0 and 1"));
    }
    let hash = cursor::query_hash(&[
        "conventions",
        args.category.as_deref().unwrap_or(""),
        &format!("{state:?}"),
        &format!("{:?}", args.min_confidence),
    ]);
    let offset = cursor::decode(args.cursor.as_deref(), hash)?;
    let decisions = decisions(core)?;
    let all = core.patterns()?;
    let matching: Vec<&Pattern> = all
        .iter()
        .filter(|p| args.category.as_ref().is_none_or(|c| *c == p.category))
        .filter(|p| args.min_confidence.is_none_or(|m| p.confidence >= m))
        .filter(|p| state_matches(state, &decisions, p))
        .collect();
    let total = matching.len();
    let mut budget = Budget::new(budget::clamp(args.max_tokens));
    budget.reserve(60);
    let mut items = Vec::new();
    for p in matching.iter().skip(offset).take(limit) {
        let brief = convention_brief(p, &decisions);
        if !budget.take(&brief) {
            break;
        }
        items.push(brief);
    }
    let next = offset + items.len();
    let mut out = json!({
        "total": total,
        "offset": offset,
        "conventions": items,
    });
    if next < total {
        out["next_cursor"] = json!(cursor::encode(next, hash));
    }
    if total == 0 {
        let mut cats: Vec<String> = all.iter().map(|p| p.category.clone()).collect();
        cats.sort();
        cats.dedup();
        out["categories"] = json!(cats);
        out["hint"] = json!(if cats.is_empty() {
            "no conventions learned yet: run drift_status (a scan may be running)"
        } else {
            "nothing matched the filters; see `categories` for valid category names"
        });
    }
    Ok(out)
}

// ----- drift_convention ----------------------------------------------------

fn pattern_not_found(patterns: &[Pattern], id: &str) -> ToolError {
    let ids: Vec<String> = patterns.iter().map(convention_id).collect();
    ToolError::not_found(format!("no convention with id `{id}`"))
        .hint("list ids with drift_conventions")
        .suggest(closest(id, ids.iter().map(String::as_str), 5))
}

pub fn convention(core: &Core, args: &ConventionArgs) -> Result<Value, ToolError> {
    let (id, _) = split_convention_id(&args.id);
    let decisions = decisions(core)?;
    let patterns = core.patterns()?;
    let Some(pattern) = patterns.iter().find(|p| p.id == id).cloned() else {
        return Err(pattern_not_found(&patterns, id));
    };
    let violations = core.read(|idx| {
        Ok(idx.violations(&ViolationFilter {
            pattern_id: Some(id.to_string()),
            limit: Some(1000),
            ..ViolationFilter::default()
        })?)
    })?;
    let variants: Vec<Value> = pattern
        .variants
        .iter()
        .map(|v| {
            json!({
                "name": v.name,
                "dominant": v.name == pattern.dominant,
                "count": v.count,
                "files": v.file_count,
                "share": round2(v.share),
                "examples": v.examples.iter().take(3).map(example_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let decision = decision_for(&decisions, &pattern).map(|(key, d)| {
        json!({
            "key": key,
            "state": d.state.as_str(),
            "reason": d.reason,
            "scopes": d.scopes.iter().map(|s| json!({"paths": s.paths, "variant": s.variant, "reason": s.reason})).collect::<Vec<_>>(),
        })
    });
    Ok(json!({
        "id": convention_id(&pattern),
        "pattern": pattern.id,
        "category": pattern.category,
        "name": pattern.name,
        "description": pattern.description,
        "lang": pattern.lang.map(|l| l.id()),
        "convention": pattern.dominant,
        "confidence": round2(pattern.confidence),
        "tier": pattern.tier,
        "occurrences": pattern.occurrences,
        "files": pattern.file_count,
        "state": state_of(&decisions, &pattern),
        "decision": decision,
        "variants": variants,
        "violations": {
            "count": violations.len(),
            "first": violations.iter().take(5).map(|v| json!({
                "at": format!("{}:{}", v.path, v.span.start_line),
                "found": v.found,
                "code": shorten(&v.snippet, SNIPPET_CHARS),
            })).collect::<Vec<_>>(),
        },
    }))
}

// ----- drift_examples ------------------------------------------------------

pub fn examples(core: &Core, args: &ExamplesArgs) -> Result<Value, ToolError> {
    let limit = args.limit.unwrap_or(5).clamp(1, 20) as usize;
    match (&args.convention, &args.category) {
        (Some(id), None) => {
            let (id, _) = split_convention_id(id);
            let patterns = core.patterns()?;
            let p = patterns
                .iter()
                .find(|p| p.id == id)
                .cloned()
                .ok_or_else(|| pattern_not_found(&patterns, id))?;
            let follow: Vec<Value> = dominant_variant(&p)
                .map(|v| v.examples.iter().take(limit).map(example_json).collect())
                .unwrap_or_default();
            let avoid: Vec<Value> = p
                .variants
                .iter()
                .filter(|v| v.name != p.dominant)
                .flat_map(|v| {
                    v.examples
                        .iter()
                        .take(1)
                        .map(|e| json!({"variant": v.name, "at": format!("{}:{}", e.path, e.span.start_line), "code": shorten(&e.snippet, SNIPPET_CHARS)}))
                })
                .take(limit.min(3))
                .collect();
            Ok(json!({
                "convention": convention_id(&p),
                "name": p.name,
                "follow": { "variant": p.dominant, "examples": follow },
                "avoid": avoid,
            }))
        }
        (None, Some(cat)) => {
            let all = core.patterns()?;
            let patterns: Vec<&Pattern> = all.iter().filter(|p| p.category == *cat).collect();
            if patterns.is_empty() {
                let mut cats: Vec<String> = all.iter().map(|p| p.category.clone()).collect();
                cats.sort();
                cats.dedup();
                return Err(
                    ToolError::not_found(format!("no conventions in category `{cat}`"))
                        .hint("pick a category from drift_conventions")
                        .suggest(closest(cat, cats.iter().map(String::as_str), 5)),
                );
            }
            let mut out = Vec::new();
            'outer: for p in &patterns {
                if let Some(v) = dominant_variant(p) {
                    for e in v.examples.iter().take(2) {
                        if out.len() >= limit {
                            break 'outer;
                        }
                        let mut ex = example_json(e);
                        ex["convention"] = json!(convention_id(p));
                        ex["variant"] = json!(v.name);
                        out.push(ex);
                    }
                }
            }
            Ok(json!({ "category": cat, "examples": out }))
        }
        _ => Err(
            ToolError::invalid("give exactly one of `convention` or `category`")
                .hint("e.g. {\"convention\": \"<id from drift_conventions>\", \"limit\": 5}"),
        ),
    }
}

// ----- drift_file ----------------------------------------------------------

pub fn file(core: &Core, args: &FileArgs) -> Result<Value, ToolError> {
    let resolved = core.root.resolve(&args.path)?;
    let info = core.read(|idx| Ok(idx.file_info(&resolved.rel)?))?;
    let Some(info) = info else {
        let hint = if !resolved.exists {
            "the file does not exist; check the path with drift_symbols or your file listing"
        } else if core.scan_status().is_running() {
            "the file is not indexed yet: a scan is running (see drift_status)"
        } else {
            "the file is not indexed (excluded by drift.toml/.driftignore, unsupported language, or changed since the last scan: run `drift scan`)"
        };
        return Err(
            ToolError::not_found(format!("`{}` is not in the index", resolved.rel)).hint(hint),
        );
    };
    let mut budget = Budget::new(budget::clamp(args.max_tokens));
    budget.reserve(80);
    let mut by_detector: BTreeMap<&str, BTreeMap<&str, u32>> = BTreeMap::new();
    for m in &info.matches {
        *by_detector
            .entry(m.detector.as_str())
            .or_default()
            .entry(m.variant.as_str())
            .or_default() += 1;
    }
    let violations = budget.fill(
        info.violations
            .iter()
            .map(|v| {
                json!({
                    "line": v.span.start_line,
                    "convention": v.pattern_id,
                    "severity": v.severity.id(),
                    "found": v.found,
                    "expected": v.expected,
                    "message": v.message,
                })
            })
            .collect(),
    );
    let symbols = budget.fill(
        info.symbols
            .iter()
            .map(|s| {
                json!({
                    "name": s.local_name,
                    "kind": s.kind,
                    "line": s.span.start_line,
                    "exported": s.exported,
                    "signature": shorten(&s.signature, SNIPPET_CHARS),
                })
            })
            .collect(),
    );
    let imports = budget.fill(
        info.imports
            .iter()
            .map(|i| {
                if i.imported == i.local {
                    json!([i.source, i.imported])
                } else {
                    json!([i.source, i.imported, i.local])
                }
            })
            .collect(),
    );
    let mut out = json!({
        "path": info.path,
        "lang": info.lang.map(|l| l.id()),
        "status": info.status.id(),
        "lines": info.line_count,
        "symbols": symbols,
        "imports": imports,
        "detected": by_detector,
        "violations": violations,
    });
    if let Some(skip) = &info.skip {
        out["skipped"] = json!({ "reason": skip.reason.id(), "detail": skip.detail });
    }
    if info.error_count > 0 {
        out["syntax_errors"] = json!(info.error_count);
    }
    if budget.truncated {
        out["truncated"] = json!(true);
        out["hint"] = json!("output was cut to max_tokens; raise max_tokens for more");
    }
    Ok(out)
}

// ----- drift_symbols -------------------------------------------------------

fn symbol_brief(s: &SymbolHit) -> Value {
    json!({
        "name": s.qualified_name,
        "kind": s.kind,
        "at": format!("{}:{}", s.path, s.span.start_line),
        "exported": s.exported,
        "signature": shorten(&s.signature, SNIPPET_CHARS),
    })
}

pub fn symbols(core: &Core, args: &SymbolsArgs) -> Result<Value, ToolError> {
    let query = args.query.trim();
    if query.is_empty() {
        return Err(ToolError::invalid("query must not be empty"));
    }
    let limit = args.limit.unwrap_or(50).clamp(1, 200) as usize;
    let hash = cursor::query_hash(&["symbols", query]);
    let offset = cursor::decode(args.cursor.as_deref(), hash)?;
    let hits = core.search_symbols(query, offset + limit + 1)?;
    let has_more = hits.len() > offset + limit;
    let page: Vec<Value> = hits
        .iter()
        .skip(offset)
        .take(limit)
        .map(symbol_brief)
        .collect();
    let mut out = json!({ "query": query, "offset": offset, "symbols": page });
    if has_more {
        out["next_cursor"] = json!(cursor::encode(offset + limit, hash));
    }
    if hits.is_empty() && offset == 0 {
        out["hint"] =
            json!("no symbol contains this text; try a shorter or different part of the name");
    }
    Ok(out)
}

// ----- symbol lookup shared by signature / call graph / import -------------

/// Finds symbols named exactly `name` (simple, in-file qualified or project
/// qualified). Errors with suggestions when there is none.
/// The hits named exactly `name` (qualified, local or simple name), else
/// those whose qualified name ends with `.name` (`svc.Service.run`).
fn exact_or_suffix(hits: &[SymbolHit], name: &str) -> Option<Vec<SymbolHit>> {
    let pick = |keep: &dyn Fn(&SymbolHit) -> bool| -> Option<Vec<SymbolHit>> {
        let found: Vec<SymbolHit> = hits.iter().filter(|s| keep(s)).cloned().collect();
        (!found.is_empty()).then_some(found)
    };
    let dotted = format!(".{name}");
    pick(&|s| s.qualified_name == name || s.local_name == name || s.name == name)
        .or_else(|| pick(&|s| s.qualified_name.ends_with(&dotted)))
}

pub(crate) fn lookup_symbol(core: &Core, name: &str) -> Result<Vec<SymbolHit>, ToolError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ToolError::invalid("symbol must not be empty"));
    }
    let last = name.rsplit(['.', ':', '#']).next().unwrap_or(name);
    // Exact simple-name matches through the name index first.
    let named = core.read(|idx| crate::snapshot::symbols_named(idx, last, 500))?;
    if let Some(found) = exact_or_suffix(&named, name) {
        return Ok(found);
    }
    let hits = core.search_symbols(last, 500)?;
    if let Some(found) = exact_or_suffix(&hits, name) {
        return Ok(found);
    }
    let mut pool: Vec<String> = hits.iter().map(|s| s.qualified_name.clone()).collect();
    if pool.is_empty() && last.len() > 3 {
        let prefix: String = last
            .chars()
            .take(last.chars().count().div_ceil(2))
            .collect();
        pool = core
            .search_symbols(&prefix, 200)?
            .into_iter()
            .map(|s| s.qualified_name)
            .collect();
    }
    let mut candidates = closest(name, pool.iter().map(String::as_str), 5);
    if candidates.is_empty() {
        candidates = closest(
            last,
            pool.iter().map(|s| s.rsplit('.').next().unwrap_or(s)),
            5,
        );
    }
    Err(ToolError::not_found(format!("symbol `{name}` not found"))
        .hint("search with drift_symbols, then pass a name it returns")
        .suggest(candidates))
}

// ----- drift_signature -----------------------------------------------------

pub fn signature(core: &Core, args: &SymbolArgs) -> Result<Value, ToolError> {
    let hits = lookup_symbol(core, &args.symbol)?;
    core.read(|idx| {
        let mut out = Vec::new();
        for s in hits.iter().take(5) {
            let mut entry = json!({
                "name": s.qualified_name,
                "kind": s.kind,
                "lang": s.lang.id(),
                "at": format!("{}:{}-{}", s.path, s.span.start_line, s.span.end_line),
                "exported": s.exported,
                "signature": s.signature,
            });
            if let Some((_, facts)) = idx.file_facts(&s.path)?
                && let Some(sym) = facts
                    .symbols
                    .iter()
                    .find(|f| f.qualified_name == s.local_name && f.span == s.span)
            {
                entry["params"] = json!(
                    sym.params
                        .iter()
                        .map(|p| match &p.type_text {
                            Some(t) => json!({"name": p.name, "type": t}),
                            None => json!({"name": p.name}),
                        })
                        .collect::<Vec<_>>()
                );
                if let Some(r) = &sym.return_type {
                    entry["returns"] = json!(r);
                }
                if !sym.decorators.is_empty() {
                    entry["decorators"] = json!(sym.decorators);
                }
                if !sym.bases.is_empty() {
                    entry["bases"] = json!(sym.bases);
                }
                entry["documented"] = json!(sym.has_doc);
                if sym.is_async {
                    entry["async"] = json!(true);
                }
            }
            out.push(entry);
        }
        let mut v = json!({ "matches": out });
        if hits.len() > 5 {
            v["more"] = json!(hits.len() - 5);
            v["hint"] = json!("several symbols share this name; pass a qualified name to pick one");
        }
        Ok(v)
    })
}

// ----- drift_context -------------------------------------------------------

/// Scores a category for an intent: earlier keywords weigh more; 0 = not
/// specifically relevant.
fn category_score(intent: Intent, category: &str) -> usize {
    let c = category.to_ascii_lowercase();
    let kws = intent.category_keywords();
    kws.iter()
        .position(|k| c.contains(k))
        .map(|i| kws.len() - i)
        .unwrap_or(0)
}

fn focus_words(focus: &str) -> Vec<String> {
    let mut words: Vec<String> = focus
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.len() >= 3)
        .map(str::to_string)
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.dedup();
    words.truncate(6);
    words
}

pub fn context(core: &Core, args: &ContextArgs) -> Result<Value, ToolError> {
    let focus = args.focus.trim();
    if focus.is_empty() {
        return Err(ToolError::invalid("focus must not be empty")
            .hint("pass a file path (src/api/users.ts) or a short description (\"user signup validation\")"));
    }
    let max_tokens = budget::clamp(args.max_tokens);
    let decisions = decisions(core)?;
    // Is the focus a path inside the project?
    let looks_like_path = focus.contains('/') || focus.contains('.') && !focus.contains(' ');
    let focus_path = if looks_like_path {
        match core.root.resolve(focus) {
            Ok(r) => Some(r),
            Err(e @ crate::paths::PathError::Outside(_))
            | Err(e @ crate::paths::PathError::SymlinkEscape(_)) => return Err(e.into()),
            Err(_) => None,
        }
    } else {
        None
    };
    let patterns = core.patterns()?;
    let file_info = match &focus_path {
        Some(r) => core.read(|idx| Ok(idx.file_info(&r.rel)?))?,
        None => None,
    };
    let mut hits: Vec<SymbolHit> = Vec::new();
    if file_info.is_none() {
        let mut seen = HashSet::new();
        for w in focus_words(focus) {
            for h in core.search_symbols(&w, 8)? {
                if seen.insert((h.path.clone(), h.span)) {
                    hits.push(h);
                }
            }
        }
    }
    let violations = match &file_info {
        Some(f) => f.violations.clone(),
        None => Vec::new(),
    };
    let focus_lang = file_info
        .as_ref()
        .and_then(|f| f.lang)
        .or_else(|| {
            focus_path
                .as_ref()
                .and_then(|r| drift_core::Lang::from_path(&r.rel))
        })
        .or_else(|| hits.first().map(|h| h.lang));

    // Rank conventions: ignored out; approved first; intent relevance;
    // language match; confidence.
    let mut ranked: Vec<(&Pattern, f64)> = patterns
        .iter()
        .filter(|p| pattern_state(&decisions, p) != Some(DecisionState::Ignored))
        .filter(|p| match (p.lang, focus_lang) {
            (Some(pl), Some(fl)) => pl == fl || same_family(pl, fl),
            _ => true,
        })
        .map(|p| {
            let approved = pattern_state(&decisions, p) == Some(DecisionState::Approved);
            let score = category_score(args.intent, &p.category) as f64 * 0.5
                + if approved { 3.0 } else { 0.0 }
                + p.confidence * 2.0;
            (p, score)
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));

    let mut budget = Budget::new(max_tokens);
    budget.reserve(100);
    // Violations at the focus first: they are what to fix.
    let violations_out = budget.fill(
        violations
            .iter()
            .take(10)
            .map(|v| json!({"line": v.span.start_line, "convention": v.pattern_id, "found": v.found, "expected": v.expected}))
            .collect(),
    );
    // Conventions grouped by category with one example each; they get up to
    // 60% of what is left.
    let conv_budget = budget.remaining() * 3 / 5;
    let mut conv = Budget::new(conv_budget);
    let mut by_category: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut taken = 0usize;
    for (p, _) in &ranked {
        let mut item = json!({
            "id": convention_id(p),
            "rule": format!("{}: {}", p.name, p.dominant),
            "confidence": round2(p.confidence),
            "state": state_of(&decisions, p),
        });
        if let Some(e) = dominant_variant(p).and_then(|v| v.examples.first()) {
            item["example"] = example_json(e);
        }
        if !conv.take(&item) {
            break;
        }
        taken += 1;
        by_category
            .entry(p.category.clone())
            .or_default()
            .push(item);
    }
    budget.reserve(conv_budget - conv.remaining());
    let focus_out = match &file_info {
        Some(f) => {
            let syms = budget.fill(
                f.symbols
                    .iter()
                    .filter(|s| s.exported || f.symbols.len() <= 30)
                    .map(|s| json!({"name": s.local_name, "kind": s.kind, "line": s.span.start_line, "signature": shorten(&s.signature, 120)}))
                    .collect(),
            );
            let mut related: Vec<String> = f
                .imports
                .iter()
                .filter(|i| i.source.starts_with('.'))
                .map(|i| i.source.clone())
                .collect();
            related.dedup();
            json!({
                "kind": "file",
                "path": f.path,
                "lang": f.lang.map(|l| l.id()),
                "symbols": syms,
                "local_imports": budget.fill(related),
            })
        }
        None => {
            let syms = budget.fill(hits.iter().take(15).map(symbol_brief).collect());
            let mut files: Vec<&str> = hits.iter().map(|h| h.path.as_str()).collect();
            files.sort();
            files.dedup();
            json!({
                "kind": "text",
                "text": focus,
                "symbols": syms,
                "files": budget.fill(files.into_iter().take(10).collect()),
            })
        }
    };
    let mut out = json!({
        "intent": args.intent.id(),
        "focus": focus_out,
        "conventions": by_category,
        "violations_here": violations_out,
        "conventions_shown": taken,
        "conventions_total": ranked.len(),
    });
    let mut next = vec![
        "drift_validate {path, content} before writing a file".to_string(),
        "drift_examples {convention} for more examples of a rule".to_string(),
    ];
    if args.intent == Intent::Refactor || args.intent == Intent::FixBug {
        next.push("drift_impact {symbol} before changing a shared function".into());
    }
    out["next"] = json!(next);
    if budget.truncated || taken < ranked.len() {
        out["truncated"] = json!(true);
    }
    if patterns.is_empty() {
        out["hint"] = json!("no conventions learned yet: see drift_status");
    }
    Ok(out)
}

/// TypeScript, TSX and JavaScript share conventions.
pub(crate) fn same_family(a: drift_core::Lang, b: drift_core::Lang) -> bool {
    use drift_core::Lang::*;
    let js = |l| matches!(l, TypeScript | Tsx | JavaScript);
    let c = |l| matches!(l, C | Cpp);
    (js(a) && js(b)) || (c(a) && c(b))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn intent_ranks_categories() {
        assert!(category_score(Intent::SecurityReview, "security") > 0);
        assert!(
            category_score(Intent::AddTest, "testing") > category_score(Intent::AddTest, "naming")
        );
        assert_eq!(category_score(Intent::Understand, "security"), 0);
        assert_eq!(
            focus_words("fix the user signup bug"),
            vec!["signup", "user", "fix", "the", "bug"]
        );
    }
}
