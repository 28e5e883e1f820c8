//! End to end over stdio: the real `drift-mcp` binary spawned as a child
//! process and driven by rmcp's client.
#![allow(clippy::unwrap_used)]

mod common;

use rmcp::ServiceExt;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};

fn spawn(root: &std::path::Path) -> TokioChildProcess {
    let bin = env!("CARGO_BIN_EXE_drift-mcp");
    TokioChildProcess::new(tokio::process::Command::new(bin).configure(|cmd| {
        cmd.arg("--root").arg(root);
    }))
    .expect("spawn drift-mcp")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_every_tool_on_a_fixture() {
    let dir = common::fixture();
    let client = ().serve(spawn(dir.path())).await.expect("initialize over stdio");
    let info = client.peer_info().expect("server info");
    assert_eq!(
        info.server_info.as_ref().map(|i| i.name.as_str()),
        Some("drift")
    );
    common::exercise_all_tools(&client, dir.path()).await;
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_refuses_path_escapes() {
    let dir = common::fixture();
    let outside = tempfile::tempdir().unwrap();
    let client = ().serve(spawn(dir.path())).await.unwrap();
    common::wait_ready(&client).await;
    common::check_path_escapes(&client, dir.path(), outside.path()).await;
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_survives_malformed_json_rpc() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let dir = common::fixture();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_drift-mcp"))
        .arg("--root")
        .arg(dir.path())
        .arg("--no-scan")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}"#;
    stdin
        .write_all(format!("{init}\n").as_bytes())
        .await
        .unwrap();
    let resp = lines
        .next_line()
        .await
        .unwrap()
        .expect("initialize response");
    assert!(
        resp.contains("\"id\":1") && resp.contains("serverInfo"),
        "{resp}"
    );
    stdin
        .write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n")
        .await
        .unwrap();
    // Garbage, a wrong shape, and an unknown tool: none may kill the server.
    stdin.write_all(b"{this is not json\n").await.unwrap();
    stdin
        .write_all(b"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"drift_nope\",\"arguments\":{}}}\n")
        .await
        .unwrap();
    stdin
        .write_all(b"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"drift_file\",\"arguments\":{\"path\":42}}}\n")
        .await
        .unwrap();
    stdin
        .write_all(b"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}\n")
        .await
        .unwrap();
    let mut seen = std::collections::HashMap::new();
    while seen.len() < 3 {
        let line = tokio::time::timeout(std::time::Duration::from_secs(20), lines.next_line())
            .await
            .expect("server kept answering")
            .unwrap()
            .expect("server still alive");
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        if let Some(id) = v["id"].as_i64() {
            seen.insert(id, v);
        }
    }
    assert!(
        seen[&2]["error"]["code"].is_i64(),
        "unknown tool → JSON-RPC error: {}",
        seen[&2]
    );
    // Arguments of the wrong type: a structured tool error with a hint.
    let text = seen[&3]["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(seen[&3]["result"]["isError"], true, "{}", seen[&3]);
    let e: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(e["error"]["code"], "invalid_arguments", "{e}");
    assert!(
        e["error"]["hint"].as_str().unwrap().contains("inputSchema"),
        "{e}"
    );
    assert!(
        seen[&4]["result"]["tools"]
            .as_array()
            .is_some_and(|t| t.len() >= 13),
        "{}",
        seen[&4]
    );
    drop(stdin);
    let _ = child.wait().await;
}

/// With `DRIFT_INDEX_DIR` the project is only read: the index lives in the
/// given directory (the container runs with `/workspace` mounted read-only).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_keeps_the_index_outside_the_project() {
    let dir = common::fixture();
    let index_dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_drift-mcp");
    let child = TokioChildProcess::new(tokio::process::Command::new(bin).configure(|cmd| {
        cmd.arg("--root")
            .arg(dir.path())
            .env(drift_config::paths::INDEX_DIR_ENV, index_dir.path());
    }))
    .unwrap();
    let client = ().serve(child).await.unwrap();
    let status = common::wait_ready(&client).await;
    assert_eq!(status["scan"]["phase"], "done", "{status}");
    assert!(status["index"]["files"].as_u64().unwrap() >= 10, "{status}");
    client.cancel().await.unwrap();
    assert!(index_dir.path().join("drift.db").is_file());
    assert!(!dir.path().join(".drift").join("drift.db").exists());
}
