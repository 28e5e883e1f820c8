#!/usr/bin/env node
// Builds the native addon for the tests (a debug build unless
// DRIFT_ADDON_PROFILE=release) and copies it to dist/tests/drift.dev.node, which
// the tests load through DRIFT_NATIVE_PATH. Skips the build when
// DRIFT_NATIVE_PATH already names an existing file.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkgRoot = path.resolve(here, "..");
const repoRoot = path.resolve(pkgRoot, "../..");

const preset = process.env.DRIFT_NATIVE_PATH;
if (preset !== undefined && preset !== "" && existsSync(preset)) {
  console.log(`dev-addon: using DRIFT_NATIVE_PATH=${preset}`);
  process.exit(0);
}

const profile =
  process.env.DRIFT_ADDON_PROFILE === "release" ? "release" : "debug";
const args = ["build", "-p", "drift-napi"];
if (profile === "release") {
  args.push("--release");
}
const started = Date.now();
const result = spawnSync("cargo", args, { cwd: repoRoot, stdio: "inherit" });
if (result.error !== undefined) {
  console.error(`dev-addon: could not run cargo: ${result.error.message}`);
  process.exit(1);
}
if (result.status !== 0) {
  console.error(
    `dev-addon: cargo ${args.join(" ")} failed (exit ${result.status})`,
  );
  process.exit(result.status ?? 1);
}

const targetDir = process.env.CARGO_TARGET_DIR
  ? path.resolve(repoRoot, process.env.CARGO_TARGET_DIR)
  : path.join(repoRoot, "target");
const libName =
  process.platform === "win32"
    ? "drift_napi.dll"
    : process.platform === "darwin"
      ? "libdrift_napi.dylib"
      : "libdrift_napi.so";
const built = path.join(targetDir, profile, libName);
if (!existsSync(built)) {
  console.error(`dev-addon: cargo succeeded but ${built} does not exist`);
  process.exit(1);
}
const outDir = path.join(pkgRoot, "dist", "tests");
mkdirSync(outDir, { recursive: true });
const out = path.join(outDir, "drift.dev.node");
copyFileSync(built, out);
console.log(
  `dev-addon: ${profile} addon ready at ${path.relative(process.cwd(), out)} (${((Date.now() - started) / 1000).toFixed(1)}s)`,
);
