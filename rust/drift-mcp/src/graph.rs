//! `drift_callers`, `drift_callees`, `drift_impact` over the stored call
//! graph (drift-callgraph), token-budgeted.

use std::collections::BTreeSet;

use drift_callgraph::{CallGraph, Lookup, NodeId};
use serde_json::{Value, json};

use crate::args::{GraphArgs, ImpactArgs};
use crate::budget::{self, Budget};
use crate::core::Core;
use crate::error::{ToolError, closest};

fn node_json(g: &CallGraph, id: NodeId) -> Value {
    match g.node(id) {
        Some(n) => json!({
            "name": n.qualified_name,
            "kind": n.kind.id(),
            "at": format!("{}:{}", n.path, n.line),
        }),
        None => json!({ "id": id }),
    }
}

/// Resolves a symbol to one call-graph node, or explains why not.
fn resolve(core: &Core, g: &CallGraph, symbol: &str) -> Result<NodeId, ToolError> {
    let symbol = symbol.trim();
    if symbol.is_empty() {
        return Err(ToolError::invalid("symbol must not be empty"));
    }
    match g.lookup(symbol) {
        Lookup::Found(id) => Ok(id),
        Lookup::Ambiguous(ids) => Err(ToolError::new(
            "ambiguous",
            format!("`{symbol}` names {} functions", ids.len()),
        )
        .hint("pass one of the qualified names listed in did_you_mean")
        .suggest(
            ids.iter()
                .take(10)
                .filter_map(|&i| g.node(i).map(|n| n.qualified_name.clone()))
                .collect(),
        )),
        Lookup::NotFound => {
            // Known to the index but not a function (a class, ...)?
            let indexed = core
                .search_symbols(symbol.rsplit('.').next().unwrap_or(symbol), 200)
                .unwrap_or_default();
            let callables: Vec<&str> = g
                .nodes()
                .iter()
                .map(|n| n.qualified_name.as_str())
                .filter(|q| {
                    let last = symbol
                        .rsplit('.')
                        .next()
                        .unwrap_or(symbol)
                        .to_ascii_lowercase();
                    q.to_ascii_lowercase().contains(&last[..last.len().min(4)])
                })
                .take(5_000)
                .collect();
            let mut err = ToolError::not_found(format!("no function `{symbol}` in the call graph"));
            err = if indexed
                .iter()
                .any(|s| s.name == symbol || s.qualified_name == symbol || s.local_name == symbol)
            {
                err.hint("the symbol exists but is not a function/method (the call graph links callables); pass one of its methods")
            } else if g.nodes().is_empty() {
                err.hint("the call graph is empty: run drift_status (a scan may still be running)")
            } else {
                err.hint("find the exact name with drift_symbols")
            };
            Err(err.suggest(closest(symbol, callables.into_iter(), 5)))
        }
    }
}

fn neighborhood(core: &Core, args: &GraphArgs, forward: bool) -> Result<Value, ToolError> {
    let depth = args.depth.unwrap_or(1).clamp(1, 5);
    let g = core.graph()?;
    let id = resolve(core, &g, &args.symbol)?;
    let hood = if forward {
        g.callees(id, depth)
    } else {
        g.callers(id, depth)
    };
    let mut budget = Budget::new(budget::clamp(args.max_tokens));
    budget.reserve(60);
    let total = hood.nodes.len();
    let mut out_nodes = Vec::new();
    for (n, d) in &hood.nodes {
        // The edge that reached this node (first one found).
        let via = hood.edges.iter().find(|e| {
            if forward {
                e.callee == *n
            } else {
                e.caller == *n
            }
        });
        let mut item = node_json(&g, *n);
        item["depth"] = json!(d);
        if let Some(e) = via {
            item["line"] = json!(e.line);
            item["confidence"] = json!((f64::from(e.confidence) * 100.0).round() / 100.0);
            if e.sites > 1 {
                item["sites"] = json!(e.sites);
            }
        }
        if !budget.take(&item) {
            break;
        }
        out_nodes.push(item);
    }
    let key = if forward { "callees" } else { "callers" };
    let mut out = json!({
        "symbol": node_json(&g, id),
        "depth": depth,
        "total": total,
        key: out_nodes,
    });
    if forward {
        let unresolved: Vec<Value> = g
            .unresolved()
            .iter()
            .filter(|u| u.caller == id)
            .take(10)
            .map(|u| json!({"callee": u.callee, "line": u.line, "external": u.external}))
            .collect();
        if !unresolved.is_empty() {
            out["unresolved"] = json!(unresolved);
        }
    }
    if budget.truncated {
        out["truncated"] = json!(true);
    }
    Ok(out)
}

pub fn callers(core: &Core, args: &GraphArgs) -> Result<Value, ToolError> {
    neighborhood(core, args, false)
}

pub fn callees(core: &Core, args: &GraphArgs) -> Result<Value, ToolError> {
    neighborhood(core, args, true)
}

pub fn impact(core: &Core, args: &ImpactArgs) -> Result<Value, ToolError> {
    let g = core.graph()?;
    let (target, impact) = match (&args.symbol, &args.path) {
        (Some(s), None) => {
            let id = resolve(core, &g, s)?;
            (node_json(&g, id), g.impact(&[id]))
        }
        (None, Some(p)) => {
            let r = core.root.resolve(p)?;
            let impact = g.impact_of_file(&r.rel);
            if impact.targets.is_empty() {
                return Err(ToolError::not_found(format!(
                    "no functions of `{}` are in the call graph",
                    r.rel
                ))
                .hint("check the path with drift_file; files without functions have no callers"));
            }
            (
                json!({ "path": r.rel, "functions": impact.targets.len() }),
                impact,
            )
        }
        _ => {
            return Err(ToolError::invalid("give exactly one of `symbol` or `path`")
                .hint("e.g. {\"symbol\": \"Service.save\"} or {\"path\": \"src/db.ts\"}"));
        }
    };
    let mut budget = Budget::new(budget::clamp(args.max_tokens));
    budget.reserve(100);
    let files: BTreeSet<&str> = impact
        .callers
        .iter()
        .filter_map(|c| g.node(c.node).map(|n| n.path.as_str()))
        .collect();
    let entry_points: Vec<Value> = impact
        .entry_points
        .iter()
        .map(|e| {
            let mut v = node_json(&g, e.node);
            v["reason"] = json!(e.reason.id());
            v
        })
        .collect();
    let entry_points = budget.fill(entry_points);
    let files_out = budget.fill(files.iter().copied().collect::<Vec<_>>());
    let callers = budget.fill(
        impact
            .callers
            .iter()
            .map(|c| {
                let mut v = node_json(&g, c.node);
                v["depth"] = json!(c.depth);
                v
            })
            .collect(),
    );
    let max_depth = impact.callers.iter().map(|c| c.depth).max().unwrap_or(0);
    let mut out = json!({
        "target": target,
        "summary": {
            "callers": impact.callers.len(),
            "files": files.len(),
            "entry_points": impact.entry_points.len(),
            "max_depth": max_depth,
            "risk": match impact.callers.len() {
                0 => "low",
                1..=5 => "medium",
                _ => "high",
            },
        },
        "entry_points": entry_points,
        "files": files_out,
        "callers": callers,
    });
    if budget.truncated {
        out["truncated"] = json!(true);
        out["hint"] = json!("lists were cut to max_tokens; summary counts are complete");
    }
    Ok(out)
}
