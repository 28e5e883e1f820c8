use anyhow::Result;

use super::{pct, print_json};
use crate::cli::{ListArgs, ShowArgs, StateFilter};
use crate::error::{CliError, exit};
use crate::model::{Catalog, State};
use crate::{Ctx, engine};

fn catalog(ctx: &Ctx<'_>) -> Result<(engine::IndexHandle, Catalog)> {
    let config = engine::load_config(ctx)?;
    let project = engine::open_index(ctx, &config)?;
    let decisions = drift_config::Decisions::load_from_root(&ctx.root)?;
    let catalog = Catalog::load(project.index(), decisions)?;
    Ok((project, catalog))
}

pub fn list(ctx: &mut Ctx<'_>, args: &ListArgs) -> Result<u8> {
    let (_project, catalog) = catalog(ctx)?;
    let rows: Vec<_> = catalog
        .conventions()
        .into_iter()
        .filter(|c| args.category.as_ref().is_none_or(|cat| &c.category == cat))
        .filter(|c| {
            args.state.is_none_or(|s| {
                c.state
                    == match s {
                        StateFilter::Approved => State::Approved,
                        StateFilter::Ignored => State::Ignored,
                        StateFilter::Discovered => State::Discovered,
                    }
            })
        })
        .filter(|c| args.min_confidence.is_none_or(|m| c.confidence >= m))
        .filter(|c| args.tier.as_ref().is_none_or(|t| &c.tier == t))
        .collect();
    if args.json {
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id, "pattern": c.pattern, "category": c.category,
                    "name": c.name, "variant": c.variant, "dominant": c.dominant,
                    "confidence": c.confidence, "tier": c.tier, "state": c.state,
                    "occurrences": c.occurrences, "file_count": c.file_count,
                    "variants": c.variants.iter().map(|v| serde_json::json!({
                        "name": v.name, "count": v.count, "share": v.share,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        return print_json(ctx, &rows);
    }
    let s = ctx.out_style;
    if rows.is_empty() {
        writeln!(ctx.out, "No conventions match.")?;
        return Ok(exit::OK);
    }
    let mut category = None;
    for c in &rows {
        if category != Some(&c.category) {
            writeln!(ctx.out, "{}", s.cyan(&s.bold(&c.category)))?;
            category = Some(&c.category);
        }
        let others: Vec<String> = c
            .variants
            .iter()
            .filter(|v| v.name != c.variant)
            .map(|v| format!("{} {}", v.name, v.count))
            .collect();
        writeln!(
            ctx.out,
            "  {:<48} {:<10} {:<12} {:>4}  {} matches in {} files{}",
            c.id,
            c.state.as_str(),
            c.tier,
            pct(c.confidence),
            c.occurrences,
            c.file_count,
            if others.is_empty() {
                String::new()
            } else {
                format!("; also {}", others.join(", "))
            }
        )?;
    }
    writeln!(ctx.out, "{} conventions", rows.len())?;
    Ok(exit::OK)
}

pub fn show(ctx: &mut Ctx<'_>, args: &ShowArgs) -> Result<u8> {
    let (_project, catalog) = catalog(ctx)?;
    let (id, _) = catalog.resolve(&args.id)?;
    let view = catalog
        .conventions()
        .into_iter()
        .find(|c| c.id == id)
        .or_else(|| {
            // A known but undecided, non-dominant variant.
            let (pattern, variant) = crate::model::split_id(&id);
            let p = catalog.pattern(pattern)?;
            let mut all = catalog.conventions();
            let base = all.iter_mut().find(|c| c.pattern == p.id)?;
            let mut view = base.clone();
            view.id = id.clone();
            view.variant = variant.unwrap_or_default().to_string();
            view.dominant = view.variant == p.dominant;
            view.state = State::Discovered;
            view.confidence = p
                .variants
                .iter()
                .find(|v| v.name == view.variant)
                .map_or(0.0, |v| v.share);
            Some(view)
        })
        .ok_or_else(|| CliError::UnknownConvention {
            id: args.id.clone(),
            suggestions: vec![],
        })?;
    if args.json {
        return print_json(ctx, &view);
    }
    let s = ctx.out_style;
    writeln!(ctx.out, "{}", s.bold(&view.id))?;
    if !view.name.is_empty() {
        writeln!(ctx.out, "  {}", view.name)?;
    }
    if !view.description.is_empty() {
        writeln!(ctx.out, "  {}", view.description.trim())?;
    }
    writeln!(
        ctx.out,
        "  state: {}   tier: {}   confidence: {}   {} matches in {} files",
        view.state.as_str(),
        view.tier,
        pct(view.confidence),
        view.occurrences,
        view.file_count
    )?;
    if let Some(r) = &view.reason {
        writeln!(ctx.out, "  reason: {r}")?;
    }
    for sc in &view.scopes {
        writeln!(
            ctx.out,
            "  exception: under `{}` accept {}{}",
            sc.paths,
            sc.variant
                .as_deref()
                .map_or("any variant".to_string(), |v| format!("`{v}`")),
            sc.reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        )?;
    }
    writeln!(ctx.out, "Variants:")?;
    for v in &view.variants {
        let mark = if v.name == view.variant { "→" } else { " " };
        writeln!(
            ctx.out,
            "  {mark} {:<24} {:>6} matches {:>5} files {:>5}",
            v.name,
            v.count,
            v.file_count,
            pct(v.share)
        )?;
        for e in &v.examples {
            writeln!(
                ctx.out,
                "        {}  {}",
                s.dim(&format!("{}:{}", e.path, e.line)),
                e.snippet
            )?;
        }
    }
    Ok(exit::OK)
}
