// A real MCP client (the official TypeScript SDK, from ts/mcp-e2e's
// node_modules) that drives the containerised server:
//   node mcp_client.mjs stdio <command> [args...]
//   node mcp_client.mjs http <url> <token>
// Prints one JSON line: server info, tool names and the drift_status result.
import { pathToFileURL } from "node:url";
import path from "node:path";

const sdk = process.env.MCP_SDK_DIR;
if (!sdk) throw new Error("MCP_SDK_DIR is not set");
const load = (p) => import(pathToFileURL(path.join(sdk, "dist/esm", p)).href);
const { Client } = await load("client/index.js");

const [mode, ...rest] = process.argv.slice(2);
let transport;
if (mode === "stdio") {
  const { StdioClientTransport } = await load("client/stdio.js");
  transport = new StdioClientTransport({
    command: rest[0],
    args: rest.slice(1),
    stderr: "inherit",
  });
} else if (mode === "http") {
  const { StreamableHTTPClientTransport } = await load(
    "client/streamableHttp.js",
  );
  transport = new StreamableHTTPClientTransport(new URL(rest[0]), {
    requestInit: { headers: { Authorization: `Bearer ${rest[1]}` } },
  });
} else {
  throw new Error(`unknown mode ${mode}`);
}
const client = new Client({ name: "drift-oci-image-test", version: "0.1.0" });
await client.connect(transport);
const server = client.getServerVersion();
const tools = (await client.listTools()).tools.map((t) => t.name).sort();
const status = await client.callTool({
  name: "drift_status",
  arguments: { wait_for_scan: true },
});
await client.close();
console.log(JSON.stringify({ server, tools, status }));
