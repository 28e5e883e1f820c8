// The packaging test: installs the tarballs made by pack.mjs into a fresh
// temporary project, offline, and uses the API (require and import, with
// types) and the CLI from there. Run through
// `pnpm --filter @driftcode/drift test:pack`, which packs first. Skipped
// (with a message) when no pack output exists, so it never passes vacuously
// in `test:pack`: that script always packs before running it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { REPO_ROOT } from "../manifests.mjs";
import { hostTarget } from "../targets.mjs";

const PACK_DIR = path.resolve(
  process.env.DRIFT_PACK_DIR ?? path.join(REPO_ROOT, "target", "npm-pack"),
);
const MANIFEST = path.join(PACK_DIR, "packages.json");

function sh(cmd, args, cwd, extraEnv = {}) {
  const env = { ...process.env, ...extraEnv };
  // The installed package must load its own platform package, not a dev build.
  delete env.DRIFT_NATIVE_PATH;
  delete env.DRIFT_BINARY;
  const r = spawnSync(cmd, args, {
    cwd,
    env,
    encoding: "utf8",
    timeout: 300_000,
  });
  if (r.error) throw r.error;
  return r;
}

function ok(r, what) {
  assert.equal(
    r.status,
    0,
    `${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`,
  );
  return r.stdout;
}

function listTarball(file) {
  return ok(sh("tar", ["tzf", file], PACK_DIR), `tar tzf ${file}`)
    .split("\n")
    .filter(Boolean)
    .sort();
}

describe(
  "packed npm packages",
  {
    skip:
      !existsSync(MANIFEST) &&
      `no ${MANIFEST}: run tools/npm-pack/pack.mjs first`,
  },
  () => {
    let manifest;
    let tmp;
    let app;
    const host = hostTarget();

    before(() => {
      manifest = JSON.parse(readFileSync(MANIFEST, "utf8"));
      tmp = mkdtempSync(path.join(os.tmpdir(), "drift-pack-test-"));
      app = path.join(tmp, "app");
      mkdirSync(path.join(app, "repo", "src"), { recursive: true });
      writeFileSync(
        path.join(app, "package.json"),
        JSON.stringify({
          name: "drift-pack-consumer",
          version: "1.0.0",
          private: true,
        }),
      );
      writeFileSync(
        path.join(app, "repo", "src", "calc.ts"),
        "export function add(a: number, b: number): number {\n  return a + b;\n}\nexport function twice(a: number): number {\n  return add(a, a);\n}\n",
      );
      writeFileSync(
        path.join(app, "repo", "src", "main.ts"),
        'import { twice } from "./calc";\nexport function run(): number {\n  return twice(21);\n}\n',
      );
    });

    after(() => {
      if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
    });

    it("has the four host packages with the right contents", () => {
      assert.equal(manifest.host, host.id);
      const names = manifest.packages.map((p) => p.name).sort();
      assert.deepEqual(names, [
        "@driftcode/cli",
        `@driftcode/cli-${host.id}`,
        "@driftcode/drift",
        `@driftcode/drift-${host.id}`,
      ]);
      const byKind = Object.fromEntries(
        manifest.packages.map((p) => [p.kind, p]),
      );
      const api = listTarball(path.join(PACK_DIR, byKind.api.file));
      for (const f of [
        "package/README.md",
        "package/dist/index.js",
        "package/dist/index.d.ts",
        "package/dist/esm/index.mjs",
        "package/dist/esm/index.d.mts",
        "package/package.json",
      ]) {
        assert.ok(api.includes(f), `${f} in ${api.join(", ")}`);
      }
      assert.ok(
        !api.some((f) => f.includes("/tests/")),
        "no test build in the package",
      );
      assert.deepEqual(listTarball(path.join(PACK_DIR, byKind.addon.file)), [
        `package/README.md`,
        `package/drift.${host.id}.node`,
        "package/package.json",
      ]);
      const binary = host.platform === "win32" ? "drift.exe" : "drift";
      assert.ok(
        listTarball(path.join(PACK_DIR, byKind["cli-binary"].file)).includes(
          `package/bin/${binary}`,
        ),
      );
      // pnpm pack rewrote the CLI's workspace: ranges.
      const cliJson = ok(
        sh(
          "tar",
          [
            "xzf",
            path.join(PACK_DIR, byKind.cli.file),
            "-O",
            "package/package.json",
          ],
          PACK_DIR,
        ),
        "tar",
      );
      assert.doesNotMatch(cliJson, /workspace:/);
    });

    it("installs offline from the tarballs", () => {
      const files = manifest.packages.map((p) => path.join(PACK_DIR, p.file));
      const started = Date.now();
      ok(
        sh(
          "npm",
          [
            "install",
            "--offline",
            "--no-audit",
            "--no-fund",
            "--cache",
            path.join(tmp, "npm-cache"),
            ...files,
          ],
          app,
        ),
        "npm install",
      );
      console.log(`# npm install took ${Date.now() - started} ms`);
      for (const p of manifest.packages) {
        assert.ok(
          existsSync(
            path.join(
              app,
              "node_modules",
              ...p.name.split("/"),
              "package.json",
            ),
          ),
          `${p.name} installed`,
        );
      }
    });

    it("require(): scans and queries through the platform package", () => {
      const script = `
      const drift = require("@driftcode/drift");
      (async () => {
        const info = drift.nativeInfo();
        if (info.source !== "package") throw new Error("loaded from " + info.source);
        const report = await drift.scan("repo");
        const callers = await drift.callers("repo", "add");
        const s = await drift.status("repo");
        try { await drift.fileInfo("repo", "nope.ts"); } catch (e) {
          if (!(e instanceof drift.DriftError) || e.code !== "DRIFT_NOT_FOUND") throw e;
        }
        console.log(JSON.stringify({ parsed: report.parsed, callers: callers.map((e) => e.caller.name), files: s.files, location: info.location }));
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
      const out = JSON.parse(
        ok(sh(process.execPath, ["-e", script], app), "require"),
      );
      assert.deepEqual(out, {
        parsed: 2,
        callers: ["twice"],
        files: 2,
        location: `@driftcode/drift-${host.id}`,
      });
    });

    it("import: the ES module entry point works too", () => {
      const script = `
      import { impact, DriftError, version } from "@driftcode/drift";
      const r = await impact("repo", "add");
      console.log(JSON.stringify({ version, affected: r.affected.map((a) => a.node.name).sort(), isClass: typeof DriftError }));
    `;
      const out = JSON.parse(
        ok(
          sh(process.execPath, ["--input-type=module", "-e", script], app),
          "import",
        ),
      );
      assert.deepEqual(out, {
        version: manifest.version,
        affected: ["run", "twice"],
        isClass: "function",
      });
    });

    it("ships type declarations for both module systems", () => {
      const tsc = path.join(
        REPO_ROOT,
        "node_modules",
        "typescript",
        "bin",
        "tsc",
      );
      if (!existsSync(tsc)) {
        assert.fail(`${tsc} missing: run pnpm install at the repository root`);
      }
      writeFileSync(
        path.join(app, "use.mts"),
        'import { scan, type ScanReport, type DriftErrorCode } from "@driftcode/drift";\nconst r: Promise<ScanReport> = scan(".", { full: true, onProgress: (p) => p.done });\nconst c: DriftErrorCode = "DRIFT_CANCELLED";\nexport { r, c };\n',
      );
      writeFileSync(
        path.join(app, "use.cts"),
        'import drift = require("@driftcode/drift");\nconst p: Promise<drift.Convention[]> = drift.conventions(".", { minConfidence: 0.5 });\nexport = p;\n',
      );
      writeFileSync(
        path.join(app, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            noEmit: true,
            strict: true,
            module: "nodenext",
            moduleResolution: "nodenext",
            target: "es2022",
            lib: ["es2022"],
            types: [],
            skipLibCheck: false,
          },
          files: ["use.mts", "use.cts"],
        }),
      );
      ok(
        sh(process.execPath, [tsc, "-p", "tsconfig.json"], app),
        "tsc on a consumer",
      );
    });

    it("the CLI runs from node_modules/.bin and npx", () => {
      const help = ok(
        sh("npx", ["--offline", "drift", "--help"], app, {
          npm_config_cache: path.join(tmp, "npm-cache"),
        }),
        "npx drift --help",
      );
      assert.match(help, /Usage: drift/);
      const bin = path.join(
        app,
        "node_modules",
        ".bin",
        process.platform === "win32" ? "drift.cmd" : "drift",
      );
      const repo = path.join(app, "repo");
      ok(sh(bin, ["init"], repo), "drift init");
      const scanOut = sh(bin, ["scan"], repo);
      ok(scanOut, "drift scan");
      assert.match(scanOut.stdout + scanOut.stderr, /Scanned 2 files/);
    });
  },
);
