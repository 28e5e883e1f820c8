import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";

import {
  DriftError,
  TARGETS,
  detectLibc,
  findTarget,
  loadNative,
  packageNameFor,
  platformId,
} from "../src/index.js";
import { PACKAGE_ROOT, cleanupFixtures, fixture } from "./helpers.js";

after(cleanupFixtures);

const DEV_ADDON = process.env.DRIFT_NATIVE_PATH ?? "";
const REPO_ROOT = path.resolve(PACKAGE_ROOT, "../..");

function noModule(id: string): never {
  const err = new Error(`Cannot find module '${id}'`) as Error & {
    code: string;
  };
  err.code = "MODULE_NOT_FOUND";
  throw err;
}

function loadError(fn: () => unknown): DriftError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DriftError, String(e));
    assert.equal(e.code, "DRIFT_NATIVE_NOT_FOUND");
    return e;
  }
  assert.fail("expected loadNative to throw");
}

describe("platform table", () => {
  it("has the seven napi-rs targets", () => {
    assert.deepEqual(
      TARGETS.map((t) => t.id),
      [
        "linux-x64-gnu",
        "linux-arm64-gnu",
        "linux-x64-musl",
        "linux-arm64-musl",
        "darwin-x64",
        "darwin-arm64",
        "win32-x64-msvc",
      ],
    );
    for (const t of TARGETS) {
      assert.equal(t.packageName, `@driftcode/drift-${t.id}`);
      assert.equal(t.fileName, `drift.${t.id}.node`);
    }
    assert.equal(platformId("freebsd", "x64", null), "freebsd-x64");
    assert.equal(
      packageNameFor("linux", "riscv64", "gnu"),
      "@driftcode/drift-linux-riscv64-gnu",
    );
  });

  it("matches optionalDependencies and the ts/npm manifests", () => {
    const pkg = JSON.parse(
      readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8"),
    ) as { version: string; optionalDependencies: Record<string, string> };
    assert.deepEqual(
      Object.keys(pkg.optionalDependencies).sort(),
      TARGETS.map((t) => t.packageName).sort(),
    );
    for (const t of TARGETS) {
      assert.equal(pkg.optionalDependencies[t.packageName], pkg.version);
      const manifest = JSON.parse(
        readFileSync(
          path.join(REPO_ROOT, "ts", "npm", `drift-${t.id}`, "package.json"),
          "utf8",
        ),
      ) as {
        name: string;
        version: string;
        main: string;
        os: string[];
        cpu: string[];
        libc?: string[];
        files: string[];
      };
      assert.equal(manifest.name, t.packageName);
      assert.equal(manifest.version, pkg.version);
      assert.equal(manifest.main, t.fileName);
      assert.deepEqual(manifest.files, [t.fileName]);
      assert.deepEqual(manifest.os, [t.platform]);
      assert.deepEqual(manifest.cpu, [t.arch]);
      assert.deepEqual(
        manifest.libc,
        t.libc === null ? undefined : [t.libc === "gnu" ? "glibc" : "musl"],
      );
    }
  });

  it("detects the C library like napi-rs", () => {
    assert.equal(detectLibc("darwin"), null);
    assert.equal(
      detectLibc("linux", () => ({ header: { glibcVersionRuntime: "2.36" } })),
      "gnu",
    );
    assert.equal(
      detectLibc("linux", () => ({ header: {} })),
      "musl",
    );
    assert.equal(
      detectLibc(
        "linux",
        () => {
          throw new Error("no report");
        },
        () => true,
      ),
      "musl",
    );
    assert.equal(
      detectLibc(
        "linux",
        () => {
          throw new Error("no report");
        },
        () => false,
      ),
      "gnu",
    );
    assert.equal(findTarget("linux", "arm64", "musl")?.id, "linux-arm64-musl");
    assert.equal(findTarget("win32", "x64", null)?.id, "win32-x64-msvc");
    assert.equal(findTarget("win32", "arm64", null), undefined);
  });
});

describe("loadNative", () => {
  const empty = fixture({ "README.md": "no addon here\n" });

  it("names the platform package to install when it is missing", () => {
    const err = loadError(() =>
      loadNative({
        env: {},
        platform: "linux",
        arch: "arm64",
        libc: "musl",
        packageRoot: empty,
        requireFn: noModule,
      }),
    );
    assert.match(err.message, /npm install @driftcode\/drift-linux-arm64-musl/);
    assert.match(err.message, /DRIFT_NATIVE_PATH/);
  });

  it("explains unsupported platforms", () => {
    const err = loadError(() =>
      loadNative({
        env: {},
        platform: "freebsd",
        arch: "x64",
        libc: null,
        packageRoot: empty,
        requireFn: noModule,
      }),
    );
    assert.match(err.message, /@driftcode\/drift-freebsd-x64/);
    assert.match(err.message, /Supported: @driftcode\/drift-linux-x64-gnu/);
  });

  it("reports a platform package that fails to load", () => {
    const err = loadError(() =>
      loadNative({
        env: {},
        platform: "darwin",
        arch: "arm64",
        libc: null,
        packageRoot: empty,
        requireFn: () => {
          throw new Error("dlopen: wrong architecture");
        },
      }),
    );
    assert.match(err.message, /@driftcode\/drift-darwin-arm64/);
    assert.match(err.message, /wrong architecture/);
  });

  it("refuses a DRIFT_NATIVE_PATH that does not exist", () => {
    const err = loadError(() =>
      loadNative({
        env: { DRIFT_NATIVE_PATH: path.join(empty, "missing.node") },
      }),
    );
    assert.match(err.message, /missing\.node/);
  });

  it("refuses a file that is not a Drift addon", () => {
    const bogus = path.join(empty, "bogus.js");
    writeFileSync(
      bogus,
      "module.exports = { version() { return '0.1.0'; } };\n",
    );
    const err = loadError(() =>
      loadNative({ env: { DRIFT_NATIVE_PATH: bogus } }),
    );
    assert.match(err.message, /missing exports: scan/);
  });

  it("loads the platform package and checks its version", () => {
    const { binding } = loadNative({ env: { DRIFT_NATIVE_PATH: DEV_ADDON } });
    const loaded = loadNative({
      env: {},
      platform: "linux",
      arch: "x64",
      libc: "gnu",
      packageRoot: empty,
      requireFn: (id) => {
        assert.equal(id, "@driftcode/drift-linux-x64-gnu");
        return binding;
      },
    });
    assert.equal(loaded.source, "package");
    const err = loadError(() =>
      loadNative({
        env: {},
        platform: "linux",
        arch: "x64",
        libc: "gnu",
        packageRoot: empty,
        expectedVersion: "9.9.9",
        requireFn: () => binding,
      }),
    );
    assert.match(
      err.message,
      /npm install @driftcode\/drift-linux-x64-gnu@9\.9\.9/,
    );
  });

  it("prefers a local drift.<platform>.node next to package.json", () => {
    const dir = fixture({ "package.json": "{}\n" });
    copyFileSync(DEV_ADDON, path.join(dir, "drift.linux-x64-gnu.node"));
    const loaded = loadNative({
      env: {},
      platform: "linux",
      arch: "x64",
      libc: "gnu",
      packageRoot: dir,
      requireFn: require,
    });
    assert.equal(loaded.source, "local");
    assert.equal(loaded.binding.version(), "0.1.0");
  });
});

describe("module formats", () => {
  it("the ES module entry point shares the CommonJS implementation", () => {
    const esm = path.join(
      PACKAGE_ROOT,
      "dist",
      "tests",
      "src",
      "esm",
      "index.mjs",
    );
    const cjs = path.join(PACKAGE_ROOT, "dist", "tests", "src", "index.js");
    const script = `
      import { scan, DriftError, Cancellation, version } from ${JSON.stringify(esm)};
      import { createRequire } from "node:module";
      const cjs = createRequire(import.meta.url)(${JSON.stringify(cjs)});
      if (cjs.DriftError !== DriftError || cjs.scan !== scan) throw new Error("two copies");
      new Cancellation().cancel();
      try { await scan("/definitely/not/here"); } catch (e) {
        if (!(e instanceof DriftError) || e.code !== "DRIFT_INVALID_ROOT") throw e;
        console.log("ok " + version);
      }
    `;
    const run = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", script],
      {
        encoding: "utf8",
        env: process.env,
      },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), "ok 0.1.0");
  });
});
