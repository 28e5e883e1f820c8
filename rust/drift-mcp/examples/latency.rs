//! Latency benchmark: p50/p99 per tool, measured through the MCP protocol
//! (rmcp client ↔ server over an in-memory duplex pipe), on a real
//! repository's index.
//!
//! ```text
//! cargo run -p drift-mcp --example latency -- <repo> [calls-per-tool]
//! ```
//!
//! The repository is scanned first if its index is missing or stale (that
//! writes `<repo>/.drift/`).

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use drift_mcp::{DriftServer, ServeOptions};
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

/// The `drift` binary's allocator (mimalloc), so the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn obj(v: Value) -> serde_json::Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    }
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let root = args
        .next()
        .context("usage: latency <repo> [calls-per-tool]")?;
    let n: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(200);
    let core = drift_mcp::open_core(
        std::path::Path::new(&root),
        ServeOptions {
            tool_timeout: Duration::from_secs(60),
            ..ServeOptions::default()
        },
    )?;
    let t = Instant::now();
    let mut rx = core.subscribe_scan();
    loop {
        if !rx.borrow_and_update().is_running() {
            break;
        }
        rx.changed().await?;
    }
    let status = core.scan_status();
    eprintln!(
        "scan: {:?} in {:.1}s ({:?})",
        status.phase,
        t.elapsed().as_secs_f64(),
        status.reason
    );
    if status.phase == drift_mcp::ScanPhase::Failed {
        bail!("scan failed: {:?}", status.error);
    }

    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    let server = DriftServer::new(core.clone());
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    let client = ().serve(client_io).await?;
    let call = |name: &'static str, a: Value| {
        let client = &client;
        async move {
            let t = Instant::now();
            let r = client
                .call_tool(CallToolRequestParams::new(name).with_arguments(obj(a)))
                .await
                .unwrap();
            let text: String = r
                .content
                .iter()
                .filter_map(|c| c.as_text().map(|t| t.text.clone()))
                .collect();
            (
                t.elapsed(),
                r.is_error == Some(true),
                serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
            )
        }
    };

    // Samples from the index.
    let (_, _, st) = call("drift_status", json!({})).await;
    eprintln!("index: {}", st["index"]);
    let mut symbols: Vec<String> = Vec::new();
    let mut files: Vec<String> = Vec::new();
    for q in [
        "new", "get", "parse", "run", "handle", "read", "write", "build", "from", "init",
    ] {
        let (_, _, s) = call("drift_symbols", json!({"query": q, "limit": 20})).await;
        for item in s["symbols"].as_array().cloned().unwrap_or_default() {
            let kind = item["kind"].as_str().unwrap_or("");
            if matches!(kind, "function" | "method") {
                symbols.push(item["name"].as_str().unwrap_or("").to_string());
            }
            if let Some(at) = item["at"].as_str() {
                files.push(
                    at.rsplit_once(':')
                        .map(|(p, _)| p)
                        .unwrap_or(at)
                        .to_string(),
                );
            }
        }
    }
    symbols.sort();
    symbols.dedup();
    files.sort();
    files.dedup();
    if symbols.is_empty() || files.is_empty() {
        bail!("the index has no functions to benchmark with");
    }
    let (_, _, convs) = call("drift_conventions", json!({"limit": 50, "state": "any"})).await;
    let conv_ids: Vec<String> = convs["conventions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_string))
        .collect();
    let words = [
        "parse config",
        "error handling",
        "http request",
        "read file",
        "user",
    ];
    let intents = [
        "add_feature",
        "fix_bug",
        "refactor",
        "add_test",
        "security_review",
        "understand",
    ];

    println!("| tool | calls | errors | p50 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    let tools: [&'static str; 13] = [
        "drift_status",
        "drift_context",
        "drift_conventions",
        "drift_convention",
        "drift_examples",
        "drift_file",
        "drift_validate",
        "drift_symbols",
        "drift_signature",
        "drift_callers",
        "drift_callees",
        "drift_impact",
        "drift_import",
    ];
    // drift_validate's cost follows the size of the submitted content.
    let mut by_size: Vec<(usize, Duration)> = Vec::new();
    for tool in tools {
        let mut times = Vec::with_capacity(n);
        let mut errors = 0;
        for i in 0..n {
            let sym = &symbols[i % symbols.len()];
            let file = &files[i % files.len()];
            let a = match tool {
                "drift_status" => json!({}),
                "drift_context" => {
                    if i % 2 == 0 {
                        json!({"intent": intents[i % intents.len()], "focus": file})
                    } else {
                        json!({"intent": intents[i % intents.len()], "focus": words[i % words.len()]})
                    }
                }
                "drift_conventions" => json!({"limit": 25}),
                "drift_convention" | "drift_examples" if conv_ids.is_empty() => {
                    json!({"id": "none", "convention": "none"})
                }
                "drift_convention" => json!({"id": conv_ids[i % conv_ids.len()]}),
                "drift_examples" => json!({"convention": conv_ids[i % conv_ids.len()]}),
                "drift_file" => json!({"path": file}),
                "drift_validate" => {
                    let content = std::fs::read_to_string(std::path::Path::new(&root).join(file))
                        .unwrap_or_default();
                    json!({"path": file, "content": content})
                }
                "drift_symbols" => json!({"query": sym.rsplit('.').next().unwrap_or(sym)}),
                "drift_signature" => json!({"symbol": sym}),
                "drift_callers" | "drift_callees" => json!({"symbol": sym, "depth": 2}),
                "drift_impact" => json!({"symbol": sym}),
                "drift_import" => json!({"symbol": sym, "from_path": files[(i + 1) % files.len()]}),
                _ => json!({}),
            };
            let payload = a["content"].as_str().map_or(0, str::len);
            let (d, is_err, _) = call(tool, a).await;
            times.push(d);
            if tool == "drift_validate" {
                by_size.push((payload, d));
                if std::env::var_os("LATENCY_TRACE").is_some() {
                    eprintln!(
                        "validate #{i} {payload} bytes {:.2} ms",
                        d.as_secs_f64() * 1e3
                    );
                }
            }
            if is_err {
                errors += 1;
            }
        }
        times.sort();
        println!(
            "| {tool} | {n} | {errors} | {:.2} | {:.2} | {:.2} |",
            pct(&times, 0.5).as_secs_f64() * 1e3,
            pct(&times, 0.99).as_secs_f64() * 1e3,
            times.last().copied().unwrap_or_default().as_secs_f64() * 1e3
        );
    }
    println!();
    println!("| drift_validate content | calls | p50 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|");
    for (label, lo, hi) in [
        ("< 32 KB", 0, 32 << 10),
        ("32–128 KB", 32 << 10, 128 << 10),
        ("≥ 128 KB", 128 << 10, usize::MAX),
    ] {
        let mut times: Vec<Duration> = by_size
            .iter()
            .filter(|(b, _)| (lo..hi).contains(b))
            .map(|(_, d)| *d)
            .collect();
        times.sort();
        println!(
            "| {label} | {} | {:.2} | {:.2} | {:.2} |",
            times.len(),
            pct(&times, 0.5).as_secs_f64() * 1e3,
            pct(&times, 0.99).as_secs_f64() * 1e3,
            times.last().copied().unwrap_or_default().as_secs_f64() * 1e3
        );
    }
    client.cancel().await?;
    core.shutdown();
    Ok(())
}
