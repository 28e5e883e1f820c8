import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

// dist/test/launcher.test.js -> dist/src/bin.js
const launcher = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "src",
  "bin.js",
);
const scratch = mkdtempSync(path.join(tmpdir(), "drift-cli-launcher-"));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Writes an executable POSIX shell script to stand in for the drift binary. */
function fakeBinary(name: string, body: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

const posixOnly = process.platform === "win32" ? "needs a POSIX shell" : false;

describe("launcher", { skip: posixOnly }, () => {
  it("passes arguments through and forwards the exit code exactly", () => {
    const bin = fakeBinary("exit-with", 'printf "%s|" "$@"; exit "$1"');
    for (const code of [0, 1, 3, 42, 255]) {
      const result = spawnSync(
        process.execPath,
        [launcher, String(code), "a b", "--x"],
        {
          env: { ...process.env, DRIFT_BINARY: bin },
          encoding: "utf8",
        },
      );
      assert.equal(result.status, code, result.stderr);
      assert.equal(result.stdout, `${code}|a b|--x|`);
    }
  });

  it("inherits stdin", () => {
    const bin = fakeBinary("cat-stdin", "cat");
    const result = spawnSync(process.execPath, [launcher], {
      env: { ...process.env, DRIFT_BINARY: bin },
      input: "hello from stdin",
      encoding: "utf8",
    });
    assert.equal(result.status, 0);
    assert.equal(result.stdout, "hello from stdin");
  });

  it("dies by the same signal as the binary", () => {
    const bin = fakeBinary("self-kill", "kill -TERM $$");
    const result = spawnSync(process.execPath, [launcher], {
      env: { ...process.env, DRIFT_BINARY: bin },
    });
    assert.equal(result.status, null);
    assert.equal(result.signal, "SIGTERM");
  });

  it("forwards SIGINT to the binary and exits with its code", async () => {
    const bin = fakeBinary(
      "trap-int",
      // Bounded loop: if the signal is lost the fake binary still ends (≈10 s),
      // so a failure cannot leave an orphan holding the test's stdout open.
      "trap 'echo \"got INT\"; exit 7' INT\necho ready\ni=0\nwhile [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\nexit 9",
    );
    const child = spawn(process.execPath, [launcher], {
      env: { ...process.env, DRIFT_BINARY: bin },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    const exited = new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve) => {
        child.once("exit", (code, signal) => {
          resolve([code, signal]);
        });
      },
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error("fake binary never got ready"));
      }, 10_000);
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill("SIGINT");
    const [code, signal] = await exited;
    assert.equal(signal, null);
    assert.equal(code, 7);
    assert.match(stdout, /got INT/);
  });

  it("fails with a clear message naming the package when nothing is installed", () => {
    const env = { ...process.env };
    delete env.DRIFT_BINARY;
    const result = spawnSync(process.execPath, [launcher, "--version"], {
      env,
      encoding: "utf8",
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^drift: /);
    assert.match(result.stderr, /@driftcode\/cli-(linux|darwin|win32)-/);
    assert.match(
      result.stderr,
      /npm install @driftcode\/cli-|no prebuilt binary/,
    );
  });

  it("reports a DRIFT_BINARY that cannot be executed", () => {
    const notExecutable = path.join(scratch, "not-executable");
    writeFileSync(notExecutable, "plain text");
    const result = spawnSync(process.execPath, [launcher], {
      env: { ...process.env, DRIFT_BINARY: notExecutable },
      encoding: "utf8",
    });
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /drift: failed to run the drift binary: .*EACCES/,
    );
  });
});
