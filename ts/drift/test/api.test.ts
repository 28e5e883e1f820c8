import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import {
  Project,
  callees,
  callers,
  conventions,
  fileInfo,
  impact,
  nativeInfo,
  scan,
  status,
  symbols,
  version,
  violations,
  type ScanProgress,
} from "../src/index.js";
import {
  PACKAGE_ROOT,
  cleanupFixtures,
  fixture,
  rejectsWith,
  sampleProject,
  writeFiles,
} from "./helpers.js";

after(cleanupFixtures);

describe("addon", () => {
  it("loads from DRIFT_NATIVE_PATH and reports the package version", () => {
    const info = nativeInfo();
    assert.equal(info.source, "env");
    assert.equal(info.version, version);
    const pkg = JSON.parse(
      readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8"),
    ) as { version: string };
    assert.equal(version, pkg.version);
  });
});

describe("scan", () => {
  let root: string;
  before(() => {
    root = sampleProject();
  });

  it("indexes every file and reports what it did", async () => {
    const report = await scan(root);
    assert.equal(report.root, root);
    assert.equal(report.parsed, 14);
    assert.equal(report.unchanged, 0);
    assert.equal(report.removed, 0);
    assert.equal(report.discovered, 14);
    assert.deepEqual(report.filesByLang, [{ lang: "typescript", files: 14 }]);
    assert.deepEqual(report.skipped, []);
    assert.deepEqual(report.partial, []);
    assert.deepEqual(report.ruleErrors, []);
    assert.ok(report.patterns >= 1, `patterns: ${report.patterns}`);
    assert.ok(report.violations >= 1, `violations: ${report.violations}`);
    assert.ok(report.durations.totalMs > 0);
    assert.ok(report.durations.totalMs >= report.durations.parseMs);
  });

  it("rescans incrementally: unchanged files are reused, edits re-parsed", async () => {
    const again = await scan(root);
    assert.equal(again.parsed, 0);
    assert.equal(again.unchanged, 14);
    assert.equal(again.full, false);

    writeFiles(root, {
      "src/use.ts":
        'import { helper } from "./math";\nexport function useIt(): number {\n  return helper(6) + 1;\n}\n',
    });
    const edited = await scan(root);
    assert.equal(edited.parsed, 1);
    assert.equal(edited.unchanged, 13);

    const full = await scan(root, { full: true });
    assert.equal(full.full, true);
    assert.equal(full.parsed, 14);
  });

  it("reports progress through every phase, in order, ending each at done == total", async () => {
    const events: ScanProgress[] = [];
    await scan(root, { full: true, onProgress: (p) => events.push(p) });
    const phases = [...new Set(events.map((e) => e.phase))];
    assert.deepEqual(phases, ["discover", "parse", "learn", "store"]);
    for (const phase of phases) {
      const mine = events.filter((e) => e.phase === phase);
      const last = mine.at(-1);
      assert.ok(last !== undefined);
      assert.equal(last.done, last.total, `${phase} ends complete`);
      for (let i = 1; i < mine.length; i++) {
        const [prev, cur] = [mine[i - 1], mine[i]];
        assert.ok(prev !== undefined && cur !== undefined);
        assert.ok(cur.done >= prev.done, `${phase} done never decreases`);
      }
    }
    const parse = events.filter((e) => e.phase === "parse").at(-1);
    assert.equal(parse?.total, 14);
  });

  it("serialises concurrent scans of one project", async () => {
    const [a, b] = await Promise.all([scan(root, { full: true }), scan(root)]);
    assert.equal(a.parsed + b.parsed, 14, "one of them found nothing to do");
    assert.equal(a.parsed * b.parsed, 0);
  });

  it("honours include/exclude/languages options", async () => {
    const r = fixture({
      "a/x.ts": "export function x(): void {}\n",
      "b/y.ts": "export function y(): void {}\n",
      "c/z.py": "def z():\n    pass\n",
    });
    const onlyA = await scan(r, { include: ["a/**"] });
    assert.equal(onlyA.parsed, 1);
    const noB = await scan(r, { exclude: ["b/"], full: true });
    assert.deepEqual(noB.filesByLang.map((l) => l.lang).sort(), [
      "python",
      "typescript",
    ]);
    assert.equal(noB.parsed, 2);
    const py = await scan(r, { languages: ["python"], full: true });
    assert.deepEqual(py.filesByLang, [{ lang: "python", files: 1 }]);
  });

  it("reports unparseable and skipped files without failing", async () => {
    const r = fixture({
      "ok.ts": "export const a = 1;\n",
      "broken.ts": "export function (((( {\n",
      "big.ts": `export const s = "${"x".repeat(4096)}";\n`,
    });
    const report = await scan(r, { maxFileSize: 1024 });
    assert.deepEqual(
      report.partial.map((p) => p.path),
      ["broken.ts"],
    );
    assert.ok((report.partial[0]?.errorCount ?? 0) > 0);
    assert.deepEqual(
      report.skipped.map((s) => [s.path, s.reason]),
      [["big.ts", "too_large"]],
    );
  });
});

describe("queries", () => {
  let root: string;
  before(async () => {
    root = sampleProject();
    await scan(root);
  });

  it("status: counts, last scan and staleness", async () => {
    const s = await status(root);
    assert.equal(s.root, root);
    assert.equal(s.files, 14);
    assert.equal(s.ok, 14);
    assert.equal(s.partial, 0);
    assert.ok(s.symbols >= 14);
    assert.ok(s.imports >= 12);
    assert.ok(s.calls >= 4);
    assert.ok(s.lastScan !== undefined);
    assert.equal(s.lastScan.parsed, 14);
    assert.equal(s.scanInterrupted, false);
    assert.equal(s.configChanged, false);
    assert.deepEqual(s.stale, { modified: [], added: [], deleted: [] });
    assert.ok(s.violationsBySeverity.some((v) => v.count >= 1));

    writeFiles(root, {
      "src/new.ts": "export const n = 1;\n",
      "src/math.ts": `${readFileSync(path.join(root, "src/math.ts"), "utf8")}// edited\n`,
    });
    const stale = await status(root);
    assert.deepEqual(stale.stale.added, ["src/new.ts"]);
    assert.deepEqual(stale.stale.modified, ["src/math.ts"]);
    await scan(root);
  });

  it("conventions: the learned logging convention with its variants", async () => {
    const all = await conventions(root);
    const format = all.find((c) => c.id === "logging/log-message-format");
    assert.ok(format, `conventions: ${all.map((c) => c.id).join(", ")}`);
    assert.equal(format.dominant, "constant-message");
    assert.equal(format.lang, "typescript");
    assert.ok(format.confidence > 0.5 && format.confidence <= 1);
    assert.deepEqual(
      format.variants.map((v) => v.name),
      ["constant-message", "interpolated"],
    );
    const top = format.variants[0];
    assert.ok(top !== undefined);
    assert.equal(top.count, 20);
    assert.ok(top.examples.length > 0);
    assert.ok(top.examples[0]?.path.startsWith("src/jobs/"));

    const logging = await conventions(root, { category: "logging" });
    assert.ok(logging.length >= 1);
    assert.ok(logging.every((c) => c.category === "logging"));
    const none = await conventions(root, { category: "no-such-category" });
    assert.deepEqual(none, []);
    const one = await conventions(root, { limit: 1 });
    assert.equal(one.length, 1);
  });

  it("violations: the outlier, with filters", async () => {
    const all = await violations(root);
    const outlier = all.find(
      (v) => v.patternId === "logging/log-message-format",
    );
    assert.ok(outlier, JSON.stringify(all));
    assert.equal(outlier.path, "src/odd.ts");
    assert.equal(outlier.found, "interpolated");
    assert.equal(outlier.expected, "constant-message");
    assert.equal(outlier.span.startLine, 3);
    assert.match(outlier.snippet, /logger\.info/);
    assert.ok(["hint", "info", "warning", "error"].includes(outlier.severity));

    assert.deepEqual(
      (await violations(root, { path: "src/odd.ts" })).map((v) => v.path),
      all.filter((v) => v.path === "src/odd.ts").map((v) => v.path),
    );
    assert.deepEqual(await violations(root, { pathPrefix: "src/jobs/" }), []);
    assert.deepEqual(
      await violations(root, { minSeverity: "error" }),
      all.filter((v) => v.severity === "error"),
    );
  });

  it("fileInfo: symbols, imports and violations of one file", async () => {
    const info = await fileInfo(root, "src/use.ts");
    assert.equal(info.path, "src/use.ts");
    assert.equal(info.lang, "typescript");
    assert.equal(info.status, "ok");
    assert.equal(info.lineCount, 4);
    assert.ok(info.hash !== undefined && info.hash.length > 0);
    assert.deepEqual(
      info.symbols.map((s) => [s.name, s.kind, s.exported]),
      [["useIt", "function", true]],
    );
    assert.deepEqual(
      info.imports.map((i) => [i.source, i.imported, i.kind]),
      [["./math", "helper", "named"]],
    );
    const odd = await fileInfo(root, "./src/odd.ts");
    assert.ok(odd.violations.some((v) => v.found === "interpolated"));
    assert.ok(
      odd.matches.some((m) => m.detector === "logging/log-message-format"),
    );
  });

  it("symbols: substring search, exact match first, limit", async () => {
    const hits = await symbols(root, "helper");
    assert.equal(hits[0]?.name, "helper");
    assert.equal(hits[0]?.path, "src/math.ts");
    assert.equal(hits[0]?.qualifiedName, "src.math.helper");
    assert.equal(hits[0]?.span.startLine, 1);
    assert.match(hits[0]?.signature ?? "", /helper\(x: number\)/);
    const jobs = await symbols(root, { query: "job", limit: 3 });
    assert.equal(jobs.length, 3);
    assert.deepEqual(await symbols(root, "zzz_nothing"), []);
  });

  it("callers and callees, direct and transitive", async () => {
    const direct = await callers(root, "helper");
    assert.deepEqual(direct.map((e) => e.caller.qualifiedName).sort(), [
      "src.math.main",
      "src.math.other",
      "src.use.useIt",
    ]);
    assert.ok(direct.every((e) => e.depth === 1 && e.callee.name === "helper"));
    assert.ok(direct.every((e) => e.confidence > 0 && e.confidence <= 1));
    assert.ok(direct.every((e) => e.sites >= 1 && e.line >= 1));

    const two = await callers(root, "src.math.helper", { depth: 2 });
    assert.ok(
      two.some(
        (e) =>
          e.caller.name === "main" &&
          e.callee.name === "other" &&
          e.depth === 2,
      ),
      JSON.stringify(two.map((e) => [e.caller.name, e.callee.name, e.depth])),
    );

    const out = await callees(root, "main");
    assert.deepEqual(out.map((e) => e.callee.name).sort(), ["helper", "other"]);
    const limited = await callers(root, "helper", { limit: 1 });
    assert.equal(limited.length, 1);
    const confident = await callers(root, "helper", { minConfidence: 1 });
    assert.deepEqual(confident, []);
  });

  it("impact: transitive callers, files and entry points", async () => {
    const report = await impact(root, "other");
    assert.equal(report.target.qualifiedName, "src.math.other");
    assert.deepEqual(
      report.affected.map((a) => [a.node.qualifiedName, a.depth, a.path]),
      [["src.math.main", 1, ["src.math.main", "src.math.other"]]],
    );
    assert.deepEqual(report.files, ["src/math.ts"]);
    assert.equal(report.truncated, false);

    const helper = await impact(root, "helper");
    assert.deepEqual(helper.affected.map((a) => a.node.name).sort(), [
      "main",
      "other",
      "useIt",
    ]);
    assert.deepEqual(helper.files, ["src/math.ts", "src/use.ts"]);
    // use.ts is imported by no project file: its exports are the public API.
    assert.deepEqual(
      helper.entryPoints.map((e) => [e.node.qualifiedName, e.reason]),
      [["src.use.useIt", "exported_api"]],
    );
    const shallow = await impact(root, "other", { depth: 1 });
    assert.equal(shallow.affected.length, 1);

    const limited = await impact(root, "helper", { limit: 1 });
    assert.equal(limited.affected.length, 1);
    assert.equal(limited.truncated, true);
  });

  it("Project binds a root", async () => {
    const project = new Project(path.relative(process.cwd(), root));
    assert.equal(project.root, root);
    const s = await project.status();
    assert.equal(s.files, 15);
    assert.equal((await project.fileInfo("src/new.ts")).path, "src/new.ts");
  });
});

describe("query errors", () => {
  it("rejects unknown files and symbols with DRIFT_NOT_FOUND", async () => {
    const root = sampleProject();
    await scan(root);
    await rejectsWith(fileInfo(root, "src/missing.ts"), "DRIFT_NOT_FOUND");
    await rejectsWith(callers(root, "noSuchFunction"), "DRIFT_NOT_FOUND");
    await rejectsWith(impact(root, "noSuchFunction"), "DRIFT_NOT_FOUND");
  });

  it("rejects an ambiguous symbol with DRIFT_AMBIGUOUS listing the candidates", async () => {
    const root = fixture({
      "a.ts":
        "export function run(): void {}\nexport function a(): void { run(); }\n",
      "b.ts":
        "export function run(): void {}\nexport function b(): void { run(); }\n",
    });
    await scan(root);
    const err = await rejectsWith(callers(root, "run"), "DRIFT_AMBIGUOUS");
    assert.match(err.message, /a\.run/);
    assert.match(err.message, /b\.run/);
    const ok = await callers(root, "a.run");
    assert.deepEqual(
      ok.map((e) => e.caller.name),
      ["a"],
    );
  });

  it("rejects bad arguments with DRIFT_INVALID_ARGUMENT", async () => {
    const root = sampleProject();
    await scan(root);
    await rejectsWith(
      fileInfo(root, "../etc/passwd"),
      "DRIFT_INVALID_ARGUMENT",
    );
    await rejectsWith(symbols(root, "   "), "DRIFT_INVALID_ARGUMENT");
    await rejectsWith(
      violations(root, { minSeverity: "fatal" as never }),
      "DRIFT_INVALID_ARGUMENT",
    );
    await rejectsWith(
      conventions(root, { lang: "cobol" }),
      "DRIFT_INVALID_ARGUMENT",
    );
    await rejectsWith(
      conventions(root, { minConfidence: 2 }),
      "DRIFT_INVALID_ARGUMENT",
    );
    await rejectsWith(
      callers(root, "helper", { depth: 0 }),
      "DRIFT_INVALID_ARGUMENT",
    );
    await rejectsWith(
      scan(root, { languages: ["cobol"] }),
      "DRIFT_INVALID_ARGUMENT",
    );
    await rejectsWith(scan(root, { threads: 0 }), "DRIFT_INVALID_ARGUMENT");
    await rejectsWith(
      scan(root, { maxFileSize: -1 }),
      "DRIFT_INVALID_ARGUMENT",
    );
    // napi's own argument validation is mapped too.
    await rejectsWith(
      conventions(root, { limit: "ten" as unknown as number }),
      "DRIFT_INVALID_ARGUMENT",
    );
  });

  it("keeps reading after a failed scan left the index as it was", async () => {
    const root = sampleProject();
    await scan(root);
    writeFileSync(path.join(root, "src/extra.ts"), "export const e = 1;\n");
    await rejectsWith(scan(root, { threads: 0 }), "DRIFT_INVALID_ARGUMENT");
    assert.equal((await status(root)).files, 14);
  });
});
