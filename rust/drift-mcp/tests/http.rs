//! End to end over streamable HTTP (in-process server on 127.0.0.1:0,
//! rmcp's client and raw HTTP for the security checks).
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use drift_mcp::{HttpOptions, HttpServer, ServeError};
use rmcp::model::{
    CallToolRequestParams, NumberOrString, ProgressNotificationParam, ProgressToken,
    RequestMetaObject,
};
use rmcp::service::{NotificationContext, RoleClient};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientHandler, ServiceExt};
use serde_json::{Value, json};

const TOKEN: &str = "test-token-0123456789abcdef";
const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}"#;

fn opts() -> HttpOptions {
    HttpOptions {
        bind: "127.0.0.1:0".parse().unwrap(),
        ..HttpOptions::default()
    }
}

async fn start(root: &std::path::Path, opts: HttpOptions) -> HttpServer {
    drift_mcp::start_http(root, opts)
        .await
        .expect("server starts")
}

async fn client(server: &HttpServer, token: Option<&str>) -> common::Client {
    let mut cfg =
        StreamableHttpClientTransportConfig::with_uri(format!("http://{}/mcp", server.addr));
    if let Some(t) = token {
        cfg = cfg.auth_header(t);
    }
    ().serve(StreamableHttpClientTransport::from_config(cfg))
        .await
        .expect("initialize over HTTP")
}

fn post(server: &HttpServer, body: impl Into<reqwest::Body>) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(format!("http://{}/mcp", server.addr))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_every_tool_on_a_fixture() {
    let dir = common::fixture();
    let server = start(dir.path(), opts()).await;
    let c = client(&server, None).await;
    common::exercise_all_tools(&c, dir.path()).await;
    c.cancel().await.unwrap();
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_refuses_path_escapes() {
    let dir = common::fixture();
    let outside = tempfile::tempdir().unwrap();
    let server = start(dir.path(), opts()).await;
    let c = client(&server, None).await;
    common::wait_ready(&c).await;
    common::check_path_escapes(&c, dir.path(), outside.path()).await;
    c.cancel().await.unwrap();
    server.stop().await.unwrap();
}

#[tokio::test]
async fn non_loopback_bind_requires_a_token() {
    let dir = common::fixture();
    let o = HttpOptions {
        bind: "0.0.0.0:0".parse().unwrap(),
        ..HttpOptions::default()
    };
    match drift_mcp::start_http(dir.path(), o).await {
        Err(ServeError::TokenRequired(_)) => {}
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("must refuse to start without a token"),
    }
    let o = HttpOptions {
        bind: "0.0.0.0:0".parse().unwrap(),
        token: Some("short".into()),
        ..HttpOptions::default()
    };
    assert!(matches!(
        drift_mcp::start_http(dir.path(), o).await,
        Err(ServeError::WeakToken)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_token_is_enforced() {
    let dir = common::fixture();
    let server = start(
        dir.path(),
        HttpOptions {
            token: Some(TOKEN.into()),
            ..opts()
        },
    )
    .await;
    let r = post(&server, INIT).send().await.unwrap();
    assert_eq!(r.status(), 401, "no token");
    assert!(r.headers().get("www-authenticate").is_some());
    let body: Value = r.json().await.unwrap();
    assert!(body["hint"].as_str().unwrap().contains("Bearer"), "{body}");
    let r = post(&server, INIT)
        .bearer_auth("test-token-0123456789abcdeX")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "wrong token");
    let r = post(&server, INIT)
        .bearer_auth(&TOKEN[..10])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "prefix of the token");
    let r = post(&server, INIT)
        .header("authorization", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "token without the Bearer scheme");
    let r = post(&server, INIT).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(r.status(), 200, "right token");
    // Health checks need no token.
    let h = reqwest::get(format!("http://{}/healthz", server.addr))
        .await
        .unwrap();
    assert_eq!(h.status(), 200);
    let h: Value = h.json().await.unwrap();
    assert_eq!(h["ok"], true);
    assert!(h["index"]["scan"]["phase"].is_string(), "{h}");
    // The real client works with the token.
    let c = client(&server, Some(TOKEN)).await;
    let s = common::wait_ready(&c).await;
    assert!(s["index"]["files"].as_u64().unwrap() > 0);
    c.cancel().await.unwrap();
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_origins_are_refused() {
    let dir = common::fixture();
    let server = start(
        dir.path(),
        HttpOptions {
            allowed_origins: vec!["https://ide.example.com:*".into()],
            ..opts()
        },
    )
    .await;
    for bad in [
        "https://evil.example",
        "http://localhost.evil.example",
        "null",
        "http://ide.example.com",
    ] {
        let r = post(&server, INIT)
            .header("origin", bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{bad}");
    }
    for good in [
        "http://localhost:5173",
        "http://127.0.0.1",
        "http://[::1]:8080",
        "https://ide.example.com:8443",
    ] {
        let r = post(&server, INIT)
            .header("origin", good)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{good}");
    }
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_get_413() {
    let dir = common::fixture();
    let server = start(
        dir.path(),
        HttpOptions {
            max_body: 64 * 1024,
            ..opts()
        },
    )
    .await;
    let big = format!(
        r#"{{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{{"name":"drift_validate","arguments":{{"path":"a.ts","content":"{}"}}}}}}"#,
        "x".repeat(200 * 1024)
    );
    let r = post(&server, big.clone()).send().await.unwrap();
    assert_eq!(r.status(), 413, "with Content-Length");
    // Chunked, without Content-Length: the streamed limit applies.
    let status = raw_chunked_post(server.addr, big.as_bytes()).await;
    assert_eq!(status, 413, "chunked");
    let r = post(&server, INIT).send().await.unwrap();
    assert_eq!(r.status(), 200, "still serving");
    server.stop().await.unwrap();
}

async fn raw_chunked_post(addr: std::net::SocketAddr, body: &[u8]) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        addr.port()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.chunks(16 * 1024) {
        // The server may answer and close before everything is sent.
        if s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await
            .is_err()
            || s.write_all(chunk).await.is_err()
            || s.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf)).await;
    let text = String::from_utf8_lossy(&buf);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_rpc_is_a_protocol_error() {
    let dir = common::fixture();
    let server = start(dir.path(), opts()).await;
    let r = post(&server, "{this is not json").send().await.unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = post(&server, r#"{"jsonrpc":"2.0","id":1,"method":42}"#)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = post(&server, "[]").send().await.unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    // Still healthy and serving.
    let h = reqwest::get(format!("http://{}/healthz", server.addr))
        .await
        .unwrap();
    assert_eq!(h.status(), 200);
    let c = client(&server, None).await;
    common::ok(&c, "drift_status", json!({})).await;
    c.cancel().await.unwrap();
    server.stop().await.unwrap();
}

#[derive(Clone, Default)]
struct ProgressRecorder(Arc<Mutex<Vec<ProgressNotificationParam>>>);

impl ClientHandler for ProgressRecorder {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _ctx: NotificationContext<RoleClient>,
    ) {
        self.0.lock().unwrap().push(params);
    }
}

/// Many concurrent requests are served while the background scan writes,
/// and a client waiting for the scan gets progress notifications.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_during_a_scan_with_progress() {
    let dir = common::fixture();
    for i in 0..1500 {
        let p = dir.path().join(format!("gen/m{}/f{i}.ts", i % 30));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(
            &p,
            format!("import {{ AppError }} from '../../src/errors';\nexport function gen{i}(x: number): number {{\n  if (x < 0) {{ throw new AppError('neg'); }}\n  return x + {i};\n}}\n"),
        )
        .unwrap();
    }
    let server = start(dir.path(), opts()).await;
    let recorder = ProgressRecorder::default();
    let url = format!("http://{}/mcp", server.addr);
    let waiter = recorder
        .clone()
        .serve(StreamableHttpClientTransport::from_uri(url.clone()))
        .await
        .unwrap();
    let mut clients = Vec::new();
    for _ in 0..4 {
        clients.push(Arc::new(client(&server, None).await));
    }
    let scanning_at_start = server.core.scan_status().is_running();
    // A waiter with a progress token.
    let mut params = CallToolRequestParams::new("drift_status")
        .with_arguments(common::args(json!({"wait_for_scan": true})));
    let mut meta = RequestMetaObject::default();
    meta.set_progress_token(ProgressToken(NumberOrString::Number(7)));
    params.meta = Some(meta);
    let wait = tokio::spawn(async move {
        let r = waiter.call_tool(params).await.unwrap();
        (waiter, r)
    });
    // Concurrent readers.
    let mut handles = Vec::new();
    for i in 0..48 {
        let c = clients[i % clients.len()].clone();
        handles.push(tokio::spawn(async move {
            let (name, a) = match i % 4 {
                0 => ("drift_status", json!({})),
                1 => ("drift_symbols", json!({"query": "gen"})),
                2 => ("drift_conventions", json!({})),
                _ => ("drift_file", json!({"path": "src/errors.ts"})),
            };
            let t = std::time::Instant::now();
            let (is_err, v) = common::call(&c, name, a).await;
            (name, is_err, v, t.elapsed())
        }));
    }
    let mut during_scan = 0;
    for h in handles {
        let (name, is_err, v, _) = h.await.unwrap();
        if name == "drift_file" && is_err {
            // Not indexed yet is the only acceptable error while scanning.
            assert_eq!(v["error"]["code"], "not_found", "{v}");
            continue;
        }
        assert!(!is_err, "{name}: {v}");
        if name == "drift_status" && v["scan"]["phase"] == "running" {
            during_scan += 1;
        }
    }
    let (waiter, result) = wait.await.unwrap();
    let text = result.content[0].as_text().unwrap().text.clone();
    let status: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(status["scan"]["phase"], "done", "{status}");
    assert!(
        status["index"]["files"].as_u64().unwrap() > 1500,
        "{status}"
    );
    if scanning_at_start {
        assert!(
            during_scan > 0,
            "some reads were answered while the scan ran"
        );
        let progress = recorder.0.lock().unwrap().clone();
        assert!(!progress.is_empty(), "progress notifications were sent");
        // rmcp's client assigns its own token per request: one token throughout.
        assert!(
            progress
                .iter()
                .all(|p| p.progress_token == progress[0].progress_token)
        );
        assert!(
            progress
                .iter()
                .any(|p| p.message.as_deref().unwrap_or("").contains("scan")),
            "{progress:?}"
        );
        // rmcp's client runs each notification handler on its own task, so
        // the order they are recorded in is not the order they were sent:
        // the server's monotonic guarantee cannot be observed here. What is
        // observable: sane values, bounded by their total.
        assert!(
            progress.iter().all(|p| p.progress.is_finite()
                && p.progress >= 0.0
                && p.total.is_none_or(|t| p.progress <= t)),
            "{progress:?}"
        );
    }
    waiter.cancel().await.unwrap();
    for c in clients {
        if let Ok(c) = Arc::try_unwrap(c) {
            c.cancel().await.unwrap();
        }
    }
    server.stop().await.unwrap();
}

/// A scan by another process (the CLI) that does not rebuild the call
/// graph: the server notices the stale graph and rebuilds it from facts;
/// the snapshot (symbols, conventions) follows the new scan too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_scans_are_picked_up() {
    let dir = common::fixture();
    let server = start(dir.path(), opts()).await;
    let c = client(&server, None).await;
    common::wait_ready(&c).await;
    let before = common::ok(&c, "drift_callers", json!({"symbol": "formatName"})).await;
    assert!(!before.to_string().contains("shout"), "{before}");
    std::fs::write(
        dir.path().join("src/shout.ts"),
        "import { formatName } from './util/format';\nexport function shout(a: string): string {\n  return formatName(a, a).toUpperCase();\n}\n",
    )
    .unwrap();
    let root = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let project = drift_scan::Project::open(&root, drift_scan::ScanConfig::default()).unwrap();
        project
            .scan(
                &drift_scan::ScanOptions::default(),
                &|_| {},
                &std::sync::atomic::AtomicBool::new(false),
            )
            .unwrap();
    })
    .await
    .unwrap();
    let after = common::ok(&c, "drift_callers", json!({"symbol": "formatName"})).await;
    assert!(after.to_string().contains("shout"), "{after}");
    let s = common::ok(&c, "drift_symbols", json!({"query": "shout"})).await;
    assert_eq!(s["symbols"][0]["name"], "src.shout.shout", "{s}");
    c.cancel().await.unwrap();
    server.stop().await.unwrap();
}
