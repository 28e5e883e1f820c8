//! `drift callgraph …`: queries over the call graph stored by the last scan.

use anyhow::Result;
use drift_callgraph::{CallGraph, Lookup, NodeId};
use serde_json::{Value, json};

use super::print_json;
use crate::cli::{GraphArgs, ImpactArgs, PathArgs};
use crate::error::{CliError, exit, nearest};
use crate::{Ctx, engine};

fn load(ctx: &Ctx<'_>) -> Result<CallGraph> {
    let config = engine::load_config(ctx)?;
    let project = engine::open_scanned(ctx, &config)?;
    let graph = project
        .index()
        .with_conn(|c| drift_callgraph::store::load(c).map_err(|e| anyhow::anyhow!("{e}")))?;
    Ok(graph)
}

fn resolve(g: &CallGraph, symbol: &str) -> Result<NodeId> {
    match g.lookup(symbol) {
        Lookup::Found(id) => Ok(id),
        Lookup::Ambiguous(ids) => Err(CliError::AmbiguousSymbol {
            symbol: symbol.to_string(),
            candidates: ids
                .iter()
                .take(10)
                .filter_map(|&i| g.node(i).map(|n| format!("`{}`", n.qualified_name)))
                .collect(),
        }
        .into()),
        Lookup::NotFound => Err(CliError::UnknownSymbol {
            symbol: symbol.to_string(),
            suggestions: nearest(
                symbol,
                g.nodes().iter().map(|n| n.qualified_name.as_str()),
                3,
            )
            .into_iter()
            .map(|s| format!("`{s}`"))
            .collect(),
        }
        .into()),
    }
}

fn node_json(g: &CallGraph, id: NodeId) -> Value {
    match g.node(id) {
        Some(n) => json!({
            "name": n.qualified_name,
            "kind": n.kind.id(),
            "path": n.path,
            "line": n.line,
        }),
        None => json!({ "id": id }),
    }
}

fn label(g: &CallGraph, id: NodeId) -> String {
    match g.node(id) {
        Some(n) => format!("{}  ({}:{})", n.qualified_name, n.path, n.line),
        None => format!("#{id}"),
    }
}

pub fn neighborhood(ctx: &mut Ctx<'_>, args: &GraphArgs, forward: bool) -> Result<u8> {
    let g = load(ctx)?;
    let id = resolve(&g, &args.symbol)?;
    let hood = if forward {
        g.callees(id, args.depth)
    } else {
        g.callers(id, args.depth)
    };
    let rows: Vec<(NodeId, u32, Option<&drift_callgraph::Edge>)> = hood
        .nodes
        .iter()
        .filter(|(n, _)| *n != id)
        .map(|&(n, d)| {
            let via = hood.edges.iter().find(|e| {
                if forward {
                    e.callee == n
                } else {
                    e.caller == n
                }
            });
            (n, d, via)
        })
        .collect();
    let key = if forward { "callees" } else { "callers" };
    if args.json {
        let items: Vec<Value> = rows
            .iter()
            .map(|(n, d, via)| {
                let mut v = node_json(&g, *n);
                v["depth"] = json!(d);
                if let Some(e) = via {
                    v["call_line"] = json!(e.line);
                    v["sites"] = json!(e.sites);
                    v["confidence"] = json!((f64::from(e.confidence) * 100.0).round() / 100.0);
                }
                v
            })
            .collect();
        return print_json(
            ctx,
            &json!({ "symbol": node_json(&g, id), "depth": args.depth, key: items }),
        );
    }
    writeln!(ctx.out, "{} of {}", key, label(&g, id))?;
    if rows.is_empty() {
        writeln!(ctx.out, "  (none)")?;
    }
    for (n, d, _) in &rows {
        writeln!(
            ctx.out,
            "  {}{}",
            "  ".repeat(d.saturating_sub(1) as usize),
            label(&g, *n)
        )?;
    }
    Ok(exit::OK)
}

pub fn impact(ctx: &mut Ctx<'_>, args: &ImpactArgs) -> Result<u8> {
    let g = load(ctx)?;
    let (what, impact) = match (&args.symbol, &args.file) {
        (Some(symbol), _) => {
            let id = resolve(&g, symbol)?;
            (label(&g, id), g.impact(&[id]))
        }
        (None, Some(file)) => {
            let impact = g.impact_of_file(file);
            if impact.targets.is_empty() && !g.nodes().iter().any(|n| &n.path == file) {
                return Err(CliError::Usage(format!(
                    "no functions of `{file}` are in the call graph (paths are relative to the project root)"
                ))
                .into());
            }
            (file.clone(), impact)
        }
        (None, None) => return Err(CliError::Usage("give a symbol or --file".into()).into()),
    };
    if args.json {
        let callers: Vec<Value> = impact
            .callers
            .iter()
            .map(|c| {
                let mut v = node_json(&g, c.node);
                v["depth"] = json!(c.depth);
                v["path_to_target"] = json!(
                    c.path
                        .iter()
                        .filter_map(|&i| g.node(i).map(|n| n.qualified_name.clone()))
                        .collect::<Vec<_>>()
                );
                v
            })
            .collect();
        let entries: Vec<Value> = impact
            .entry_points
            .iter()
            .map(|e| {
                let mut v = node_json(&g, e.node);
                v["reason"] = json!(e.reason.id());
                v
            })
            .collect();
        let targets: Vec<Value> = impact.targets.iter().map(|&t| node_json(&g, t)).collect();
        return print_json(
            ctx,
            &json!({ "targets": targets, "callers": callers, "entry_points": entries }),
        );
    }
    writeln!(
        ctx.out,
        "Impact of {what}: {} caller(s), {} entry point(s)",
        impact.callers.len(),
        impact.entry_points.len()
    )?;
    for c in &impact.callers {
        writeln!(ctx.out, "  [{}] {}", c.depth, label(&g, c.node))?;
    }
    for e in &impact.entry_points {
        writeln!(ctx.out, "  entry ({}) {}", e.reason.id(), label(&g, e.node))?;
    }
    Ok(exit::OK)
}

pub fn path(ctx: &mut Ctx<'_>, args: &PathArgs) -> Result<u8> {
    let g = load(ctx)?;
    let from = resolve(&g, &args.from)?;
    let to = resolve(&g, &args.to)?;
    let path = g.shortest_path(from, to);
    if args.json {
        let nodes: Option<Vec<Value>> = path
            .as_ref()
            .map(|p| p.iter().map(|&n| node_json(&g, n)).collect());
        return print_json(ctx, &json!({ "found": nodes.is_some(), "path": nodes }));
    }
    match path {
        Some(p) => {
            for (i, n) in p.iter().enumerate() {
                let arrow = if i == 0 { "  " } else { "→ " };
                writeln!(ctx.out, "{}{arrow}{}", "  ".repeat(i), label(&g, *n))?;
            }
        }
        None => writeln!(
            ctx.out,
            "No call path from {} to {}",
            label(&g, from),
            label(&g, to)
        )?,
    }
    Ok(exit::OK)
}

pub fn dead_code(ctx: &mut Ctx<'_>, json_out: bool) -> Result<u8> {
    let g = load(ctx)?;
    let dead = g.dead_code();
    if json_out {
        return print_json(ctx, &dead);
    }
    for d in &dead {
        writeln!(ctx.out, "{}:{}  {}", d.path, d.line, d.qualified_name)?;
    }
    writeln!(
        ctx.out,
        "{} function(s) unreachable from any entry point",
        dead.len()
    )?;
    Ok(exit::OK)
}

pub fn stats(ctx: &mut Ctx<'_>, json_out: bool) -> Result<u8> {
    let g = load(ctx)?;
    let s = g.stats();
    if json_out {
        return print_json(ctx, &s);
    }
    writeln!(
        ctx.out,
        "{} functions, {} modules, {} edges in {} files; {} entry points",
        s.functions, s.modules, s.edges, s.files, s.entry_points
    )?;
    writeln!(
        ctx.out,
        "call sites: {} resolved, {} unresolved, {} external",
        s.resolved_call_sites, s.unresolved_calls, s.external_calls
    )?;
    for (lang, l) in &s.by_language {
        writeln!(
            ctx.out,
            "  {lang:<12} {:>5} functions {:>6} calls  {:>5.1}% resolved",
            l.functions,
            l.calls,
            l.resolution_rate * 100.0
        )?;
    }
    for (strategy, n) in s.by_strategy.iter().filter(|(_, n)| **n > 0) {
        writeln!(ctx.out, "  via {strategy:<16} {n}")?;
    }
    Ok(exit::OK)
}

pub fn export(ctx: &mut Ctx<'_>) -> Result<u8> {
    let g = load(ctx)?;
    writeln!(ctx.out, "{}", g.export_json())?;
    Ok(exit::OK)
}
