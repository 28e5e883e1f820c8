// End-to-end tests of Drift's MCP server with the official TypeScript SDK
// client: the real binary (rust/drift-mcp, built by `cargo build -p
// drift-mcp`) over stdio and over streamable HTTP, on a fixture project.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const TOOLS = [
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

// dist/test/e2e.test.js -> repository root
const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "..",
);

/** The server binary: $DRIFT_MCP_BIN, else target/debug/drift-mcp. */
function serverBinary(): string {
  const fromEnv = process.env["DRIFT_MCP_BIN"];
  if (fromEnv !== undefined && fromEnv !== "") {
    return fromEnv;
  }
  const targetDir =
    process.env["CARGO_TARGET_DIR"] ?? path.join(repoRoot, "target");
  const exe = process.platform === "win32" ? "drift-mcp.exe" : "drift-mcp";
  return path.join(targetDir, "debug", exe);
}

const binary = serverBinary();
if (!existsSync(binary)) {
  throw new Error(
    `The drift-mcp binary was not found at ${binary}. Build it first with ` +
      "`cargo build -p drift-mcp` (or set DRIFT_MCP_BIN to its path).",
  );
}

function write(root: string, rel: string, text: string): void {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** A TypeScript + Python project whose convention is to throw project errors. */
function makeFixture(): string {
  const root = mkdtempSync(path.join(tmpdir(), "drift-mcp-e2e-"));
  write(
    root,
    "src/errors.ts",
    "export class AppError extends Error {}\nexport class NotFoundError extends AppError {}\n",
  );
  write(
    root,
    "src/util/format.ts",
    "export function formatName(first: string, last: string): string {\n  return `${first} ${last}`;\n}\n",
  );
  const entities = [
    "users",
    "orders",
    "billing",
    "invoices",
    "accounts",
    "carts",
    "payments",
    "reports",
  ];
  entities.forEach((entity, i) => {
    write(
      root,
      `src/${entity}/service.ts`,
      `import { AppError, NotFoundError } from '../errors';\nimport { formatName } from '../util/format';\n\n` +
        `export function load${i}(id: string): string {\n  if (!id) {\n    throw new AppError('missing id');\n  }\n  return formatName(id, 'x');\n}\n\n` +
        `export function find${i}(id: string): string {\n  const v = load${i}(id);\n  if (!v) {\n    throw new NotFoundError('not found');\n  }\n  return v;\n}\n`,
    );
  });
  write(
    root,
    "src/legacy.ts",
    "export function legacyCheck(x: number): number {\n  if (x < 0) {\n    throw new Error('negative');\n  }\n  return x;\n}\n",
  );
  write(root, "app/__init__.py", "");
  write(
    root,
    "app/service.py",
    "class UserNotFound(Exception):\n    pass\n\n\ndef get_user(name: str) -> str:\n    if not name:\n        raise UserNotFound(name)\n    return name\n",
  );
  return root;
}

/** Reads a nested value from parsed JSON without `any`. */
function at(value: unknown, ...keys: (string | number)[]): unknown {
  let cur: unknown = value;
  for (const key of keys) {
    if (typeof cur !== "object" || cur === null) {
      return undefined;
    }
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

interface ToolOutcome {
  isError: boolean;
  value: unknown;
}

async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<ToolOutcome> {
  const result = await client.callTool({ name, arguments: args });
  const content: unknown = result.content;
  assert.ok(Array.isArray(content), `${name}: content must be an array`);
  const text = content
    .map((block: unknown) => at(block, "text"))
    .filter((t): t is string => typeof t === "string")
    .join("");
  return {
    isError: result.isError === true,
    value: JSON.parse(text) as unknown,
  };
}

async function ok(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<unknown> {
  const outcome = await callTool(client, name, args);
  assert.equal(
    outcome.isError,
    false,
    `${name} failed: ${JSON.stringify(outcome.value)}`,
  );
  return outcome.value;
}

async function waitForScan(client: Client): Promise<unknown> {
  for (let i = 0; i < 50; i++) {
    const status = await ok(client, "drift_status", { wait_for_scan: true });
    if (at(status, "scan", "phase") !== "running") {
      return status;
    }
  }
  throw new Error("the background scan never finished");
}

/** Lists the tools and calls every one of them, checking the content. */
async function exerciseTools(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  for (const tool of TOOLS) {
    assert.ok(names.includes(tool), `missing tool ${tool}`);
  }
  for (const tool of tools) {
    assert.equal(tool.inputSchema.type, "object", tool.name);
    assert.ok((tool.description ?? "").length > 40, `${tool.name} description`);
  }

  const status = await waitForScan(client);
  assert.equal(at(status, "scan", "phase"), "done");
  assert.ok(Number(at(status, "index", "files")) >= 10);

  const conventions = await ok(client, "drift_conventions", {});
  const list = at(conventions, "conventions");
  assert.ok(Array.isArray(list));
  const throwStyle = list.find((c: unknown) =>
    String(at(c, "id")).includes("throw-style"),
  ) as unknown;
  assert.ok(throwStyle !== undefined, JSON.stringify(conventions));
  assert.equal(at(throwStyle, "convention"), "custom-error");
  const id = String(at(throwStyle, "id"));

  const one = await ok(client, "drift_convention", { id });
  assert.ok(JSON.stringify(at(one, "violations")).includes("src/legacy.ts"));

  const examples = await ok(client, "drift_examples", {
    convention: id,
    limit: 2,
  });
  assert.ok(JSON.stringify(examples).includes("AppError"));

  const context = await ok(client, "drift_context", {
    intent: "fix_bug",
    focus: "src/legacy.ts",
    max_tokens: 1200,
  });
  assert.equal(at(context, "focus", "kind"), "file");
  assert.ok(JSON.stringify(context).length / 4 <= 1200);

  const file = await ok(client, "drift_file", { path: "src/users/service.ts" });
  assert.equal(at(file, "lang"), "typescript");

  const validation = await ok(client, "drift_validate", {
    path: "src/new/thing.ts",
    content: "export function f(): void {\n  throw new Error('boom');\n}\n",
  });
  assert.ok(
    JSON.stringify(at(validation, "suggestions")).includes("custom-error"),
  );

  const symbols = await ok(client, "drift_symbols", {
    query: "find",
    limit: 3,
  });
  assert.equal((at(symbols, "symbols") as unknown[]).length, 3);
  assert.equal(typeof at(symbols, "next_cursor"), "string");

  const signature = await ok(client, "drift_signature", {
    symbol: "formatName",
  });
  assert.equal(at(signature, "matches", 0, "returns"), "string");

  const callers = await ok(client, "drift_callers", { symbol: "formatName" });
  assert.ok(JSON.stringify(callers).includes("load0"));
  const callees = await ok(client, "drift_callees", { symbol: "find3" });
  assert.ok(JSON.stringify(callees).includes("load3"));
  const impact = await ok(client, "drift_impact", {
    path: "src/util/format.ts",
  });
  assert.ok(Number(at(impact, "summary", "callers")) >= 8);

  const imp = await ok(client, "drift_import", {
    symbol: "formatName",
    from_path: "src/orders/new.ts",
  });
  assert.equal(
    at(imp, "import"),
    "import { formatName } from '../util/format';",
  );

  // Structured errors with hints.
  const escape = await callTool(client, "drift_file", {
    path: "../../etc/passwd",
  });
  assert.equal(escape.isError, true);
  assert.equal(at(escape.value, "error", "code"), "path_refused");
  const missing = await callTool(client, "drift_signature", {
    symbol: "formatNam",
  });
  assert.equal(missing.isError, true);
  assert.ok(
    JSON.stringify(at(missing.value, "error", "did_you_mean")).includes(
      "formatName",
    ),
  );

  const resource = await client.readResource({ uri: "drift://conventions" });
  assert.ok(JSON.stringify(resource).includes("Project conventions"));
  const prompt = await client.getPrompt({ name: "drift_prime" });
  assert.ok(JSON.stringify(prompt).includes("drift_validate"));
}

describe("drift-mcp over stdio", () => {
  const root = makeFixture();
  const client = new Client({ name: "drift-mcp-e2e", version: "0.1.0" });
  after(async () => {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("lists and calls every tool", async () => {
    await client.connect(
      new StdioClientTransport({ command: binary, args: ["--root", root] }),
    );
    assert.equal(client.getServerVersion()?.name, "drift");
    await exerciseTools(client);
  });
});

/** Starts `drift-mcp --http` on a free loopback port; resolves its /mcp URL. */
async function startHttp(
  root: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: URL }> {
  const child = spawn(
    binary,
    ["--root", root, "--http", "--bind", "127.0.0.1:0"],
    { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] },
  );
  const stderr = child.stderr;
  assert.ok(stderr !== null);
  const lines = createInterface({ input: stderr });
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error("drift-mcp did not report its address"));
    }, 30_000);
    lines.on("line", (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(new URL(match[1]));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`drift-mcp exited early with ${String(code)}`));
    });
  });
  return { child, url };
}

describe("drift-mcp over streamable HTTP", () => {
  const root = makeFixture();
  const token = "e2e-token-0123456789abcdef";
  let server: { child: ChildProcess; url: URL } | undefined;
  before(async () => {
    server = await startHttp(root, { DRIFT_MCP_TOKEN: token });
  });
  after(() => {
    server?.child.kill();
    rmSync(root, { recursive: true, force: true });
  });

  it("lists and calls every tool with the bearer token", async () => {
    assert.ok(server !== undefined);
    const client = new Client({ name: "drift-mcp-e2e", version: "0.1.0" });
    await client.connect(
      new StreamableHTTPClientTransport(server.url, {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    await exerciseTools(client);
    await client.close();
  });

  it("refuses clients without the token and foreign origins", async () => {
    assert.ok(server !== undefined);
    const client = new Client({ name: "no-token", version: "0.1.0" });
    await assert.rejects(
      client.connect(new StreamableHTTPClientTransport(server.url)),
    );
    const init = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "raw", version: "0" },
      },
    });
    const headers = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      authorization: `Bearer ${token}`,
    };
    const foreign = await fetch(server.url, {
      method: "POST",
      body: init,
      headers: { ...headers, origin: "https://evil.example" },
    });
    assert.equal(foreign.status, 403);
    const wrong = await fetch(server.url, {
      method: "POST",
      body: init,
      headers: { ...headers, authorization: "Bearer nope" },
    });
    assert.equal(wrong.status, 401);
    const health = await fetch(new URL("/healthz", server.url));
    assert.equal(health.status, 200);
    assert.equal(at(await health.json(), "ok"), true);
  });
});
