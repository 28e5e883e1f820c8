use std::collections::BTreeMap;

use anyhow::Result;
use serde_json::json;

use super::{pct, print_json};
use crate::error::exit;
use crate::model::{Catalog, State};
use crate::{Ctx, engine};

pub fn run(ctx: &mut Ctx<'_>, json_out: bool) -> Result<u8> {
    let config = engine::load_config(ctx)?;
    let project = engine::open(ctx, &config)?;
    let status = project.status().map_err(engine::map_scan_error)?;
    let decisions = drift_config::Decisions::load_from_root(&ctx.root)?;
    let catalog = Catalog::load(project.index(), decisions)?;
    let conventions = catalog.conventions();
    let scanned = status.summary.last_scan.is_some();
    let violations = if scanned {
        crate::model::check(project.index(), &catalog, &config, None)?
            .violations
            .len()
    } else {
        0
    };
    let orphans = catalog.orphan_decisions();
    let mut by_state: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &conventions {
        *by_state.entry(c.state.as_str()).or_insert(0) += 1;
    }
    if json_out {
        let mut categories: BTreeMap<&str, Vec<serde_json::Value>> = BTreeMap::new();
        for c in &conventions {
            categories
                .entry(c.category.as_str())
                .or_default()
                .push(json!({
                    "id": c.id, "state": c.state, "tier": c.tier,
                    "confidence": c.confidence, "occurrences": c.occurrences,
                }));
        }
        return print_json(
            ctx,
            &json!({
                "root": ctx.root,
                "scanned": scanned,
                "files": status.summary.files,
                "files_by_language": status.summary.files_by_lang,
                "skipped": status.summary.skipped,
                "partial": status.summary.partial,
                "conventions": by_state,
                "categories": categories,
                "violations": violations,
                "stale": status.stale,
                "config_changed": status.config_changed,
                "scan_interrupted": status.summary.scan_interrupted,
                "orphan_decisions": orphans,
            }),
        );
    }
    let s = ctx.out_style;
    if !scanned {
        writeln!(ctx.out, "Not scanned yet: run `drift scan`.")?;
        return Ok(exit::OK);
    }
    let count = |st: State| by_state.get(st.as_str()).copied().unwrap_or(0);
    writeln!(
        ctx.out,
        "{} {} files ({} skipped, {} with syntax errors)",
        s.bold("Index:"),
        status.summary.files,
        status.summary.skipped,
        status.summary.partial
    )?;
    writeln!(
        ctx.out,
        "{} {} ({} approved, {} ignored, {} discovered)",
        s.bold("Conventions:"),
        conventions.len(),
        count(State::Approved),
        count(State::Ignored),
        count(State::Discovered)
    )?;
    let mut category = None;
    for c in &conventions {
        if category != Some(&c.category) {
            writeln!(ctx.out, "  {}", s.cyan(&c.category))?;
            category = Some(&c.category);
        }
        let mark = match c.state {
            State::Approved => s.green("✔ approved  "),
            State::Ignored => s.dim("✗ ignored   "),
            State::Discovered => s.yellow("? discovered"),
        };
        writeln!(
            ctx.out,
            "    {mark} {:<48} {:<12} {:>4}  {} matches",
            c.id,
            c.tier,
            pct(c.confidence),
            c.occurrences
        )?;
    }
    let v = if violations == 0 {
        s.green("0")
    } else {
        s.red(&violations.to_string())
    };
    writeln!(ctx.out, "{} {v} (run `drift check`)", s.bold("Violations:"))?;
    let stale = &status.stale;
    if stale.is_stale() || status.config_changed || status.summary.scan_interrupted {
        let mut why = Vec::new();
        if stale.is_stale() {
            why.push(format!(
                "{} modified, {} added, {} deleted files",
                stale.modified.len(),
                stale.added.len(),
                stale.deleted.len()
            ));
        }
        if status.config_changed {
            why.push("configuration or rules changed".into());
        }
        if status.summary.scan_interrupted {
            why.push("last scan was interrupted".into());
        }
        writeln!(
            ctx.out,
            "{} {} (run `drift scan`)",
            s.yellow("Index out of date:"),
            why.join("; ")
        )?;
    }
    if !orphans.is_empty() {
        writeln!(
            ctx.out,
            "{} {} decision(s) name conventions not in the index: {}",
            s.yellow("Note:"),
            orphans.len(),
            orphans.join(", ")
        )?;
    }
    Ok(exit::OK)
}
