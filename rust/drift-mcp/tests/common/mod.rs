//! Shared fixtures for the end-to-end tests.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::path::Path;

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::{RoleClient, RunningService};
use serde_json::{Value, json};

pub type Client = RunningService<RoleClient, ()>;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A small TypeScript + Python project with one clear convention (project
/// error types are thrown, not `Error`) and one outlier.
pub fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(
        r,
        "src/errors.ts",
        "export class AppError extends Error {}\nexport class NotFoundError extends AppError {}\n",
    );
    write(
        r,
        "src/util/format.ts",
        "export function formatName(first: string, last: string): string {\n  return `${first} ${last}`;\n}\n",
    );
    for (i, entity) in [
        "users", "orders", "billing", "invoices", "accounts", "carts", "payments", "reports",
    ]
    .iter()
    .enumerate()
    {
        write(
            r,
            &format!("src/{entity}/service.ts"),
            &format!(
                "import {{ AppError, NotFoundError }} from '../errors';\nimport {{ formatName }} from '../util/format';\n\n\
export function load{i}(id: string): string {{\n  if (!id) {{\n    throw new AppError('missing id');\n  }}\n  return formatName(id, 'x');\n}}\n\n\
export function find{i}(id: string): string {{\n  const v = load{i}(id);\n  if (!v) {{\n    throw new NotFoundError('not found');\n  }}\n  return v;\n}}\n"
            ),
        );
    }
    write(
        r,
        "src/users/controller.ts",
        "import { find0 } from './service';\n\nexport function handleGetUser(id: string): string {\n  return find0(id);\n}\n",
    );
    write(
        r,
        "src/legacy.ts",
        "export function legacyCheck(x: number): number {\n  if (x < 0) {\n    throw new Error('negative');\n  }\n  return x;\n}\n",
    );
    write(r, "app/__init__.py", "");
    write(
        r,
        "app/models.py",
        "class User:\n    def __init__(self, name: str) -> None:\n        self.name = name\n\n\nclass UserNotFound(Exception):\n    pass\n",
    );
    write(
        r,
        "app/service.py",
        "from app.models import User, UserNotFound\n\n\ndef get_user(name: str) -> User:\n    if not name:\n        raise UserNotFound(name)\n    return User(name)\n",
    );
    write(
        r,
        "app/views.py",
        "from app.service import get_user\n\n\ndef show(name: str) -> str:\n    return get_user(name).name\n",
    );
    dir
}

pub fn args(v: Value) -> serde_json::Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("arguments must be an object"),
    }
}

/// Calls a tool and returns (is_error, parsed JSON text).
pub async fn call(client: &Client, name: &'static str, a: Value) -> (bool, Value) {
    let result: CallToolResult = client
        .call_tool(CallToolRequestParams::new(name).with_arguments(args(a)))
        .await
        .unwrap_or_else(|e| panic!("{name} failed at the protocol level: {e}"));
    let text = result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("");
    let value: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{name} returned non-JSON {text:?}: {e}"));
    (result.is_error.unwrap_or(false), value)
}

pub async fn ok(client: &Client, name: &'static str, a: Value) -> Value {
    let (err, v) = call(client, name, a.clone()).await;
    assert!(!err, "{name}({a}) returned an error: {v}");
    v
}

pub async fn err(client: &Client, name: &'static str, a: Value) -> Value {
    let (err, v) = call(client, name, a.clone()).await;
    assert!(err, "{name}({a}) should have failed but returned {v}");
    v["error"].clone()
}

/// Waits for the background scan and returns the status.
pub async fn wait_ready(client: &Client) -> Value {
    for _ in 0..100 {
        let s = ok(client, "drift_status", json!({"wait_for_scan": true})).await;
        if s["scan"]["phase"] != "running" {
            return s;
        }
    }
    panic!("scan never finished");
}

pub const ALL_TOOLS: [&str; 13] = [
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

/// Exercises every tool against the fixture and checks the content.
pub async fn exercise_all_tools(client: &Client, root: &Path) {
    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<String> = tools.iter().map(|t| t.name.to_string()).collect();
    for t in ALL_TOOLS {
        assert!(
            names.contains(&t.to_string()),
            "missing tool {t}: {names:?}"
        );
    }
    for t in &tools {
        assert!(
            t.description.as_ref().is_some_and(|d| d.len() > 40),
            "{} needs a description",
            t.name
        );
        assert_eq!(
            t.input_schema.get("type").and_then(Value::as_str),
            Some("object"),
            "{}",
            t.name
        );
    }
    let context_tool = tools.iter().find(|t| t.name == "drift_context").unwrap();
    let schema = serde_json::to_string(&context_tool.input_schema).unwrap();
    assert!(
        schema.contains("security_review") && schema.contains("add_test"),
        "intent enum in schema: {schema}"
    );

    let status = wait_ready(client).await;
    assert_eq!(status["scan"]["phase"], "done", "{status}");
    assert!(status["index"]["files"].as_u64().unwrap() >= 10, "{status}");
    assert!(
        status["index"]["symbols"].as_u64().unwrap() >= 15,
        "{status}"
    );

    // Conventions: the throw-style convention is learned with custom errors dominant.
    let convs = ok(client, "drift_conventions", json!({})).await;
    let list = convs["conventions"].as_array().unwrap();
    let throw = list
        .iter()
        .find(|c| c["id"].as_str().unwrap_or("").contains("throw-style"))
        .unwrap_or_else(|| panic!("throw-style convention not learned: {convs}"));
    assert_eq!(throw["convention"], "custom-error", "{throw}");
    let throw_id = throw["id"].as_str().unwrap().to_string();

    // Pagination with an opaque cursor.
    let page1 = ok(
        client,
        "drift_conventions",
        json!({"limit": 1, "state": "any"}),
    )
    .await;
    if page1["total"].as_u64().unwrap() > 1 {
        let cursor = page1["next_cursor"]
            .as_str()
            .expect("next_cursor")
            .to_string();
        let page2 = ok(
            client,
            "drift_conventions",
            json!({"limit": 1, "state": "any", "cursor": cursor}),
        )
        .await;
        assert_eq!(page2["offset"], 1);
        assert_ne!(page1["conventions"][0]["id"], page2["conventions"][0]["id"]);
        let e = err(
            client,
            "drift_conventions",
            json!({"limit": 1, "category": "other", "cursor": cursor}),
        )
        .await;
        assert_eq!(e["code"], "bad_cursor");
    }

    let one = ok(client, "drift_convention", json!({"id": throw_id})).await;
    assert!(
        one["violations"]["count"].as_u64().unwrap() >= 1,
        "legacy.ts violates: {one}"
    );
    assert!(
        one["violations"]["first"]
            .to_string()
            .contains("src/legacy.ts"),
        "{one}"
    );
    let e = err(
        client,
        "drift_convention",
        json!({"id": "error-handling/throw-styl"}),
    )
    .await;
    assert_eq!(e["code"], "not_found");
    assert!(e["did_you_mean"].to_string().contains("throw-style"), "{e}");

    let ex = ok(
        client,
        "drift_examples",
        json!({"convention": throw_id, "limit": 3}),
    )
    .await;
    assert!(
        !ex["follow"]["examples"].as_array().unwrap().is_empty(),
        "{ex}"
    );
    assert!(
        ex["follow"]["examples"].to_string().contains("AppError")
            || ex["follow"]["examples"]
                .to_string()
                .contains("NotFoundError"),
        "{ex}"
    );
    let ex = ok(
        client,
        "drift_examples",
        json!({"category": "error-handling"}),
    )
    .await;
    assert!(!ex["examples"].as_array().unwrap().is_empty(), "{ex}");
    let e = err(client, "drift_examples", json!({})).await;
    assert_eq!(e["code"], "invalid_argument");

    let f = ok(
        client,
        "drift_file",
        json!({"path": "src/users/service.ts"}),
    )
    .await;
    assert_eq!(f["lang"], "typescript");
    assert!(f["symbols"].to_string().contains("load0"), "{f}");
    assert!(f["imports"].to_string().contains("../errors"), "{f}");
    let f = ok(client, "drift_file", json!({"path": "src/legacy.ts"})).await;
    assert!(!f["violations"].as_array().unwrap().is_empty(), "{f}");

    // Validate before approval: a suggestion; after approval: a violation.
    let bad = "export function f(): void {\n  throw new Error('boom');\n}\n";
    let v = ok(
        client,
        "drift_validate",
        json!({"path": "src/new/thing.ts", "content": bad}),
    )
    .await;
    assert_eq!(v["ok"], true, "nothing approved yet: {v}");
    assert!(v["suggestions"].to_string().contains("custom-error"), "{v}");
    std::fs::write(
        root.join(".drift/conventions.toml"),
        format!("version = 1\n\n[conventions.\"{throw_id}\"]\nstate = \"approved\"\n"),
    )
    .unwrap();
    let v = ok(
        client,
        "drift_validate",
        json!({"path": "src/new/thing.ts", "content": bad}),
    )
    .await;
    assert_eq!(v["ok"], false, "{v}");
    let first = &v["violations"][0];
    assert_eq!(first["found"], "builtin-error", "{v}");
    assert_eq!(first["expected"], "custom-error", "{v}");
    assert_eq!(first["line"], 2, "{v}");
    assert!(
        first["example"]["code"]
            .as_str()
            .unwrap()
            .contains("throw new"),
        "{v}"
    );
    let good = "import { AppError } from '../errors';\nexport function f(): void {\n  throw new AppError('boom');\n}\n";
    let v = ok(
        client,
        "drift_validate",
        json!({"path": "src/new/thing.ts", "content": good}),
    )
    .await;
    assert_eq!(v["ok"], true, "{v}");
    let e = err(
        client,
        "drift_validate",
        json!({"path": "notes/readme.unknownext", "content": "x"}),
    )
    .await;
    assert_eq!(e["code"], "invalid_argument");

    // Approved state is visible everywhere.
    let approved = ok(client, "drift_conventions", json!({"state": "approved"})).await;
    assert_eq!(approved["total"], 1, "{approved}");
    let ctx = ok(
        client,
        "drift_context",
        json!({"intent": "fix_bug", "focus": "src/legacy.ts", "max_tokens": 1500}),
    )
    .await;
    assert_eq!(ctx["focus"]["kind"], "file");
    assert!(ctx["conventions"].to_string().contains(&throw_id), "{ctx}");
    assert!(
        ctx["violations_here"].to_string().contains("builtin-error"),
        "{ctx}"
    );
    assert!(
        serde_json::to_string(&ctx).unwrap().len() / 4 <= 1500,
        "budget respected"
    );
    let ctx = ok(
        client,
        "drift_context",
        json!({"intent": "add_feature", "focus": "user lookup by name"}),
    )
    .await;
    assert_eq!(ctx["focus"]["kind"], "text");
    assert!(
        ctx["focus"]["symbols"].to_string().contains("get_user")
            || ctx["focus"]["symbols"].to_string().contains("User"),
        "{ctx}"
    );
    let small = ok(
        client,
        "drift_context",
        json!({"intent": "understand", "focus": "src/users/service.ts", "max_tokens": 200}),
    )
    .await;
    assert!(
        serde_json::to_string(&small).unwrap().len() / 4 <= 260,
        "small budget respected: {small}"
    );

    let s = ok(
        client,
        "drift_symbols",
        json!({"query": "find", "limit": 2}),
    )
    .await;
    assert_eq!(s["symbols"].as_array().unwrap().len(), 2, "{s}");
    let c = s["next_cursor"]
        .as_str()
        .expect("more than 2 find* symbols")
        .to_string();
    let s2 = ok(
        client,
        "drift_symbols",
        json!({"query": "find", "limit": 2, "cursor": c}),
    )
    .await;
    assert_eq!(s2["offset"], 2);
    assert_ne!(s["symbols"][0]["name"], s2["symbols"][0]["name"]);

    let sig = ok(client, "drift_signature", json!({"symbol": "formatName"})).await;
    let m = &sig["matches"][0];
    assert!(
        m["signature"].as_str().unwrap().contains("formatName"),
        "{sig}"
    );
    assert_eq!(m["params"][0]["name"], "first", "{sig}");
    assert_eq!(m["returns"], "string", "{sig}");
    let e = err(client, "drift_signature", json!({"symbol": "formatNam"})).await;
    assert!(e["did_you_mean"].to_string().contains("formatName"), "{e}");

    let callers = ok(client, "drift_callers", json!({"symbol": "formatName"})).await;
    let cs = callers["callers"].to_string();
    assert!(cs.contains("load0") && cs.contains("load7"), "{callers}");
    let callers2 = ok(
        client,
        "drift_callers",
        json!({"symbol": "formatName", "depth": 3}),
    )
    .await;
    assert!(
        callers2["callers"].to_string().contains("handleGetUser"),
        "{callers2}"
    );
    let callees = ok(client, "drift_callees", json!({"symbol": "find0"})).await;
    assert!(
        callees["callees"].to_string().contains("load0"),
        "{callees}"
    );
    let impact = ok(client, "drift_impact", json!({"symbol": "load0"})).await;
    assert!(
        impact["summary"]["callers"].as_u64().unwrap() >= 2,
        "{impact}"
    );
    assert!(
        impact["files"]
            .to_string()
            .contains("src/users/controller.ts"),
        "{impact}"
    );
    let impact = ok(
        client,
        "drift_impact",
        json!({"path": "src/util/format.ts"}),
    )
    .await;
    assert!(
        impact["summary"]["callers"].as_u64().unwrap() >= 5,
        "{impact}"
    );
    let e = err(client, "drift_impact", json!({})).await;
    assert_eq!(e["code"], "invalid_argument");

    let imp = ok(
        client,
        "drift_import",
        json!({"symbol": "formatName", "from_path": "src/orders/new.ts"}),
    )
    .await;
    assert_eq!(
        imp["import"], "import { formatName } from '../util/format';",
        "{imp}"
    );
    let imp = ok(
        client,
        "drift_import",
        json!({"symbol": "AppError", "from_path": "src/errors/../users/x.ts"}),
    )
    .await;
    assert_eq!(
        imp["import"], "import { AppError } from '../errors';",
        "{imp}"
    );
    let imp = ok(
        client,
        "drift_import",
        json!({"symbol": "get_user", "from_path": "app/admin.py"}),
    )
    .await;
    assert_eq!(imp["import"], "from app.service import get_user", "{imp}");

    // Resource and prompt.
    let res = client
        .read_resource(rmcp::model::ReadResourceRequestParams::new(
            "drift://conventions",
        ))
        .await
        .unwrap();
    let text = serde_json::to_string(&res).unwrap();
    assert!(
        text.contains("Approved") && text.contains(&throw_id),
        "{text}"
    );
    let prompts = client.list_all_prompts().await.unwrap();
    assert!(prompts.iter().any(|p| p.name == "drift_prime"));
    let prompt = client
        .get_prompt(rmcp::model::GetPromptRequestParams::new("drift_prime"))
        .await
        .unwrap();
    let text = serde_json::to_string(&prompt).unwrap();
    assert!(
        text.contains("drift_validate") && text.contains(&throw_id),
        "{text}"
    );
}

/// Path arguments that leave the root are refused with a clear error.
pub async fn check_path_escapes(client: &Client, root: &Path, outside: &Path) {
    let secret = outside.join("secret.ts");
    std::fs::write(&secret, "export const secret = 1;\n").unwrap();
    #[cfg(unix)]
    {
        let _ = std::os::unix::fs::symlink(outside, root.join("escape"));
    }
    let cases = [
        json!({"path": "../secret.ts"}),
        json!({"path": "src/../../secret.ts"}),
        json!({"path": secret.to_str().unwrap()}),
        json!({"path": "/etc/passwd"}),
        json!({"path": "escape/secret.ts"}),
    ];
    for c in cases {
        let e = err(client, "drift_file", c.clone()).await;
        assert_eq!(e["code"], "path_refused", "{c}: {e}");
        assert!(
            e["hint"].as_str().unwrap().contains("inside")
                || e["hint"].as_str().unwrap().contains("root"),
            "{e}"
        );
    }
    let e = err(
        client,
        "drift_validate",
        json!({"path": "escape/new.ts", "content": "export const a = 1;"}),
    )
    .await;
    assert_eq!(e["code"], "path_refused", "{e}");
    let e = err(
        client,
        "drift_import",
        json!({"symbol": "formatName", "from_path": "../x.ts"}),
    )
    .await;
    assert_eq!(e["code"], "path_refused", "{e}");
    let e = err(client, "drift_impact", json!({"path": "../../etc/passwd"})).await;
    assert_eq!(e["code"], "path_refused", "{e}");
    let e = err(
        client,
        "drift_context",
        json!({"intent": "understand", "focus": "../secret.ts"}),
    )
    .await;
    assert_eq!(e["code"], "path_refused", "{e}");
}
