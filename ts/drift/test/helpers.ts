/**
 * Test helpers: point the loader at the addon built by scripts/dev-addon.mjs
 * (unless DRIFT_NATIVE_PATH is already set) and write fixture repositories.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { DriftError, type DriftErrorCode } from "../src/index.js";

/** ts/drift, from dist/tests/test/. */
export const PACKAGE_ROOT = path.resolve(__dirname, "../../..");

const DEV_ADDON = path.join(PACKAGE_ROOT, "dist", "tests", "drift.dev.node");
if (
  process.env.DRIFT_NATIVE_PATH === undefined ||
  process.env.DRIFT_NATIVE_PATH === ""
) {
  process.env.DRIFT_NATIVE_PATH = DEV_ADDON;
}

const created: string[] = [];

/** Writes `files` (root-relative path → content) into a fresh temporary directory. */
export function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "drift-napi-test-"));
  created.push(root);
  writeFiles(root, files);
  return root;
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** Removes every fixture made so far (call from `after`). */
export function cleanupFixtures(): void {
  for (const root of created.splice(0)) {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A small TypeScript project with a call chain, an import and a logging convention with one outlier. */
export function sampleProject(): string {
  const files: Record<string, string> = {
    "src/log.ts":
      "export const logger = { info(..._a: unknown[]): void {}, warn(..._a: unknown[]): void {} };\n",
    "src/math.ts": [
      "export function helper(x: number): number {",
      "  return x + 1;",
      "}",
      "export function main(): number {",
      "  return helper(2) + other();",
      "}",
      "function other(): number {",
      "  return helper(3);",
      "}",
      "",
    ].join("\n"),
    "src/use.ts": [
      'import { helper } from "./math";',
      "export function useIt(): number {",
      "  return helper(5);",
      "}",
      "",
    ].join("\n"),
    "src/odd.ts": [
      'import { logger } from "./log";',
      "export function odd(id: string): void {",
      "  logger.info(`job ${id} started`);",
      "}",
      "",
    ].join("\n"),
  };
  for (let i = 1; i <= 10; i++) {
    files[`src/jobs/job${i}.ts`] = [
      'import { logger } from "../log";',
      `export function job${i}(id: string): void {`,
      '  logger.info("job started", { id });',
      '  logger.warn("job slow", { id });',
      "}",
      "",
    ].join("\n");
  }
  return fixture(files);
}

/**
 * A generated tree of `count` TypeScript files (in directories of 100), big
 * enough for a scan to take a noticeable time.
 */
export function largeProject(count: number): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const dir = `pkg${Math.floor(i / 100)}`;
    const body: string[] = [
      `import { util${(i + 1) % count} } from "../${dir}/m${(i + 1) % count}";`,
    ];
    for (let f = 0; f < 8; f++) {
      body.push(
        `export function f${i}_${f}(a: number, b: string): string {`,
        `  const value = a * ${f} + ${i};`,
        "  if (value > 10) {",
        `    return b + String(value) + util${(i + 1) % count}();`,
        "  }",
        "  return b.repeat(2);",
        "}",
      );
    }
    body.push(`export function util${i}(): string { return "${i}"; }`, "");
    files[`src/${dir}/m${i}.ts`] = body.join("\n");
  }
  return fixture(files);
}

/** Asserts that `promise` rejects with a DriftError of `code`; returns it. */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: DriftErrorCode,
): Promise<DriftError> {
  let settled: unknown;
  try {
    await promise;
  } catch (error) {
    settled = error;
  }
  if (!(settled instanceof DriftError)) {
    throw new Error(
      `expected a DriftError with code ${code}, got ${describe(settled)}`,
    );
  }
  if (settled.code !== code) {
    throw new Error(
      `expected code ${code}, got ${settled.code}: ${settled.message}`,
    );
  }
  return settled;
}

function describe(value: unknown): string {
  if (value === undefined) {
    return "a resolved promise";
  }
  return value instanceof Error
    ? `${value.name}: ${value.message}`
    : JSON.stringify(value);
}
