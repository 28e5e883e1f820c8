import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";

import {
  DriftError,
  ERROR_CODES,
  callers,
  conventions,
  fileInfo,
  impact,
  isDriftErrorCode,
  scan,
  status,
  symbols,
  violations,
} from "../src/index.js";
import {
  PACKAGE_ROOT,
  cleanupFixtures,
  fixture,
  rejectsWith,
} from "./helpers.js";

after(cleanupFixtures);

describe("error codes", () => {
  it("are stable, unique DRIFT_ strings", () => {
    assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
    for (const code of ERROR_CODES) {
      assert.match(code, /^DRIFT_[A-Z_]+$/);
      assert.ok(isDriftErrorCode(code));
    }
    assert.equal(isDriftErrorCode("ENOENT"), false);
    assert.equal(isDriftErrorCode(42), false);
  });

  it("match the addon's codes, plus the loader's DRIFT_NATIVE_NOT_FOUND", () => {
    const rust = readFileSync(
      path.join(PACKAGE_ROOT, "../../rust/drift-napi/src/error.rs"),
      "utf8",
    );
    const native = [...rust.matchAll(/=> "(DRIFT_[A-Z_]+)"/g)].map((m) => m[1]);
    assert.deepEqual(
      [...native, "DRIFT_NATIVE_NOT_FOUND"].sort(),
      [...ERROR_CODES].sort(),
    );
  });

  it("queries before the first scan reject with DRIFT_NOT_INITIALIZED", async () => {
    const root = fixture({ "a.ts": "export const a = 1;\n" });
    // Thunks, so no promise rejects before a handler is attached.
    const queries: (() => Promise<unknown>)[] = [
      () => status(root),
      () => conventions(root),
      () => violations(root),
      () => fileInfo(root, "a.ts"),
      () => symbols(root, "a"),
      () => callers(root, "a"),
      () => impact(root, "a"),
    ];
    for (const query of queries) {
      const err = await rejectsWith(query(), "DRIFT_NOT_INITIALIZED");
      assert.ok(err instanceof Error);
      assert.equal(err.name, "DriftError");
      assert.match(err.message, /scan/);
      // The native error is kept as the cause, with the same code.
      assert.equal(
        (err.cause as { code?: unknown }).code,
        "DRIFT_NOT_INITIALIZED",
      );
    }
  });

  it("a missing root, a file as root or a non-string root is DRIFT_INVALID_ROOT", async () => {
    const root = fixture({ "file.ts": "export const a = 1;\n" });
    await rejectsWith(scan(path.join(root, "nope")), "DRIFT_INVALID_ROOT");
    await rejectsWith(scan(path.join(root, "file.ts")), "DRIFT_INVALID_ROOT");
    await rejectsWith(status(path.join(root, "nope")), "DRIFT_INVALID_ROOT");
    await rejectsWith(scan(""), "DRIFT_INVALID_ROOT");
    await rejectsWith(scan(42 as unknown as string), "DRIFT_INVALID_ROOT");
  });

  it("an invalid drift.toml is DRIFT_CONFIG with its location", async () => {
    const root = fixture({ "a.ts": "export const a = 1;\n" });
    mkdirSync(path.join(root, ".drift"), { recursive: true });
    writeFileSync(
      path.join(root, ".drift", "drift.toml"),
      "[scan]\nno_such_key = true\n",
    );
    const err = await rejectsWith(scan(root), "DRIFT_CONFIG");
    assert.match(err.message, /drift\.toml/);
    assert.match(err.message, /no_such_key/);
    // useConfig: false ignores the file.
    const report = await scan(root, { useConfig: false });
    assert.equal(report.parsed, 1);
  });

  it("drift.toml settings apply to scans", async () => {
    const root = fixture({
      "keep/a.ts": "export const a = 1;\n",
      "skip/b.ts": "export const b = 1;\n",
    });
    mkdirSync(path.join(root, ".drift"), { recursive: true });
    writeFileSync(
      path.join(root, ".drift", "drift.toml"),
      '[scan]\nexclude = ["skip/"]\n',
    );
    const report = await scan(root);
    assert.equal(report.parsed, 1);
    await rejectsWith(fileInfo(root, "skip/b.ts"), "DRIFT_NOT_FOUND");
  });

  it("every rejection is a DriftError", async () => {
    const errors: unknown[] = [];
    for (const call of [
      () => scan("/definitely/not/here"),
      () => status("/definitely/not/here"),
    ]) {
      try {
        await call();
      } catch (e) {
        errors.push(e);
      }
    }
    assert.equal(errors.length, 2);
    for (const e of errors) {
      assert.ok(e instanceof DriftError);
      assert.ok(isDriftErrorCode(e.code));
    }
  });
});
