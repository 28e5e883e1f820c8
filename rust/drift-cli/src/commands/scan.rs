use std::collections::BTreeMap;

use anyhow::Result;
use drift_scan::ScanOptions;
use serde_json::json;

use super::print_json;
use crate::cli::ScanArgs;
use crate::error::exit;
use crate::model::{Catalog, State};
use crate::{Ctx, engine};

pub fn run(ctx: &mut Ctx<'_>, args: &ScanArgs) -> Result<u8> {
    if args.init && !drift_config::paths::is_initialised(&ctx.root) {
        drift_config::init(&ctx.root)?;
        let note = format!("initialised {}", ctx.root.join(".drift").display());
        ctx.note(&note);
    }
    let config = engine::load_config(ctx)?;
    let paths = engine::project_paths(ctx, &args.paths)?;
    let project = engine::open(ctx, &config)?;
    let options = ScanOptions {
        full: args.full,
        paths,
    };
    let report = engine::scan(ctx, &project, &options)?;
    let decisions = drift_config::Decisions::load_from_root(&ctx.root)?;
    let catalog = Catalog::load(project.index(), decisions)?;
    let conventions = catalog.conventions();
    let mut by_state: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &conventions {
        *by_state.entry(c.state.as_str()).or_insert(0) += 1;
    }
    let outcome = crate::model::check(project.index(), &catalog, &config, None)?;
    let mut skipped_by_reason: BTreeMap<String, usize> = BTreeMap::new();
    for s in &report.skipped {
        *skipped_by_reason
            .entry(s.reason.id().to_string())
            .or_insert(0) += 1;
    }
    if args.json {
        return print_json(
            ctx,
            &json!({
                "full": report.full,
                "files_by_language": report.files_by_lang,
                "discovered": report.discovered,
                "parsed": report.parsed,
                "unchanged": report.unchanged,
                "removed": report.removed,
                "skipped": report.skipped,
                "skipped_by_reason": skipped_by_reason,
                "partial": report.partial,
                "patterns": report.patterns,
                "conventions": by_state,
                "outliers": report.violations,
                "violations": outcome.violations.len(),
                "rule_errors": report.rule_errors.iter().map(|e| json!({
                    "path": e.path, "line": e.line, "column": e.column, "message": e.message,
                })).collect::<Vec<_>>(),
                "elapsed_ms": report.durations.total.as_millis() as u64,
            }),
        );
    }
    let s = ctx.out_style;
    let files: u64 = report.files_by_lang.values().sum();
    writeln!(
        ctx.out,
        "{} {} files ({} parsed, {} unchanged, {} removed){}",
        s.bold("Scanned"),
        files,
        report.parsed,
        report.unchanged,
        report.removed,
        if report.full { " [full]" } else { "" }
    )?;
    for (lang, n) in &report.files_by_lang {
        writeln!(ctx.out, "  {:<12} {n}", lang.display_name())?;
    }
    if !report.skipped.is_empty() {
        let reasons: Vec<String> = skipped_by_reason
            .iter()
            .map(|(r, n)| format!("{n} {r}"))
            .collect();
        writeln!(
            ctx.out,
            "Skipped {} files: {}{}",
            report.skipped.len(),
            reasons.join(", "),
            if ctx.verbose() {
                ""
            } else {
                " (--verbose lists them)"
            }
        )?;
        if ctx.verbose() {
            for f in &report.skipped {
                writeln!(ctx.out, "  {}  {} ({})", f.path, f.reason, f.detail)?;
            }
        }
    }
    if !report.partial.is_empty() {
        writeln!(
            ctx.out,
            "Parsed with syntax errors: {} files",
            report.partial.len()
        )?;
        if ctx.verbose() {
            for p in &report.partial {
                writeln!(ctx.out, "  {} ({} errors)", p.path, p.error_count)?;
            }
        }
    }
    let count = |st: State| by_state.get(st.as_str()).copied().unwrap_or(0);
    writeln!(
        ctx.out,
        "Conventions: {} ({} approved, {} ignored, {} discovered)",
        conventions.len(),
        count(State::Approved),
        count(State::Ignored),
        count(State::Discovered)
    )?;
    writeln!(
        ctx.out,
        "Violations: {} of enforced conventions; {} outliers overall",
        outcome.violations.len(),
        report.violations
    )?;
    for e in &report.rule_errors {
        writeln!(
            ctx.err,
            "{} {}:{}:{}: {}",
            ctx.err_style.yellow("rule error:"),
            e.path,
            e.line,
            e.column,
            e.message
        )?;
    }
    writeln!(
        ctx.out,
        "Done in {:.2}s",
        report.durations.total.as_secs_f64()
    )?;
    if count(State::Approved) == 0 && !conventions.is_empty() {
        ctx.note("Next: review with `drift status` / `drift conventions list`, then `drift approve <id>`.");
    }
    Ok(exit::OK)
}
