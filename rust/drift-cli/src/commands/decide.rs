//! `approve` / `ignore`: write decisions to .drift/conventions.toml.

use anyhow::Result;
use drift_config::{DecisionState, Decisions, ScopeOverride};
use serde_json::json;

use super::print_json;
use crate::cli::{ApproveArgs, IgnoreArgs};
use crate::error::{CliError, exit};
use crate::model::{Catalog, State};
use crate::{Ctx, engine};

fn load(ctx: &Ctx<'_>) -> Result<(engine::IndexHandle, Catalog)> {
    let config = engine::load_config(ctx)?;
    let project = engine::open_index(ctx, &config)?;
    let decisions = Decisions::load_from_root(&ctx.root)?;
    let catalog = Catalog::load(project.index(), decisions)?;
    Ok((project, catalog))
}

struct Change {
    id: String,
    state: &'static str,
    previous: Option<&'static str>,
    scope: Option<ScopeOverride>,
}

fn report(ctx: &mut Ctx<'_>, changes: &[Change], json_out: bool) -> Result<u8> {
    if json_out {
        let rows: Vec<_> = changes
            .iter()
            .map(|c| {
                json!({ "id": c.id, "state": c.state, "previous": c.previous, "scope": c.scope })
            })
            .collect();
        return print_json(ctx, &json!({ "changed": rows }));
    }
    let s = ctx.out_style;
    for c in changes {
        match &c.scope {
            Some(scope) => writeln!(
                ctx.out,
                "{} {}: under `{}` accept {}",
                s.green("exception"),
                c.id,
                scope.paths,
                scope
                    .variant
                    .as_deref()
                    .map_or("any variant".to_string(), |v| format!("`{v}`"))
            )?,
            None => {
                let was = match c.previous {
                    Some(p) if p == c.state => " (unchanged)".to_string(),
                    Some(p) => format!(" (was {p})"),
                    None => String::new(),
                };
                writeln!(ctx.out, "{} {}{was}", s.green(c.state), c.id)?;
            }
        }
    }
    if changes.is_empty() {
        writeln!(ctx.out, "Nothing to change.")?;
    } else {
        ctx.note("Recorded in .drift/conventions.toml (commit it).");
    }
    Ok(exit::OK)
}

fn state_str(s: DecisionState) -> &'static str {
    s.as_str()
}

pub fn approve(ctx: &mut Ctx<'_>, args: &ApproveArgs) -> Result<u8> {
    let (_project, mut catalog) = load(ctx)?;
    let by = engine::git_user(&ctx.root);
    let at = Some(engine::today());
    let mut changes = Vec::new();
    if let Some(scope_glob) = &args.scope {
        if args.ids.is_empty() {
            return Err(CliError::Usage("--scope needs a convention id".into()).into());
        }
        let mut resolved = Vec::new();
        for id in &args.ids {
            let (id, pattern) = catalog.resolve(id)?;
            if let Some(v) = &args.variant
                && !pattern.variants.iter().any(|x| &x.name == v)
            {
                let known: Vec<&str> = pattern.variants.iter().map(|x| x.name.as_str()).collect();
                return Err(CliError::Usage(format!(
                    "`{}` has no variant `{v}`; its variants are: {}",
                    pattern.id,
                    known.join(", ")
                ))
                .into());
            }
            resolved.push(id);
        }
        for id in resolved {
            let scope = ScopeOverride {
                paths: scope_glob.clone(),
                variant: args.variant.clone(),
                reason: args.reason.clone(),
            };
            let previous = catalog.decisions.state(&id).map(state_str);
            catalog
                .decisions
                .add_scope(&id, scope.clone(), by.clone(), at.clone())
                .map_err(|e| CliError::Usage(e.to_string()))?;
            changes.push(Change {
                id,
                state: "approved",
                previous,
                scope: Some(scope),
            });
        }
    } else {
        let mut ids = Vec::new();
        for id in &args.ids {
            ids.push(catalog.resolve(id)?.0);
        }
        if let Some(min) = args.min_confidence {
            for c in catalog.conventions() {
                if c.state == State::Discovered && c.confidence >= min && !ids.contains(&c.id) {
                    ids.push(c.id);
                }
            }
        }
        for id in ids {
            let previous = catalog.decisions.decide(
                &id,
                DecisionState::Approved,
                args.reason.clone(),
                by.clone(),
                at.clone(),
            );
            changes.push(Change {
                id,
                state: "approved",
                previous: previous.map(state_str),
                scope: None,
            });
        }
    }
    if !changes.is_empty() {
        catalog.decisions.save_to_root(&ctx.root)?;
    }
    report(ctx, &changes, args.json)
}

pub fn ignore(ctx: &mut Ctx<'_>, args: &IgnoreArgs) -> Result<u8> {
    if args.reason.trim().is_empty() {
        return Err(CliError::Usage("--reason must not be empty".into()).into());
    }
    let (_project, mut catalog) = load(ctx)?;
    let by = engine::git_user(&ctx.root);
    let at = Some(engine::today());
    let mut ids = Vec::new();
    for id in &args.ids {
        ids.push(catalog.resolve(id)?.0);
    }
    let mut changes = Vec::new();
    for id in ids {
        let previous = catalog.decisions.decide(
            &id,
            DecisionState::Ignored,
            Some(args.reason.clone()),
            by.clone(),
            at.clone(),
        );
        changes.push(Change {
            id,
            state: "ignored",
            previous: previous.map(state_str),
            scope: None,
        });
    }
    catalog.decisions.save_to_root(&ctx.root)?;
    report(ctx, &changes, args.json)
}
