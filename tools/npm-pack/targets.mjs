// The seven platforms Drift ships prebuilt binaries for, and the names of
// the npm packages that carry them. Mirrors ts/drift/src/platform.ts and
// ts/cli/src/platform.ts (test/targets.test.mjs checks all three agree).
import { readdirSync } from "node:fs";

export const SCOPE = "@driftcode";
export const VERSION_SOURCE = "Cargo.toml [workspace.package] version";

/** @typedef {{ platform: string, arch: string, libc: "gnu" | "musl" | null, id: string, rustTriple: string }} Target */

/** @type {readonly Target[]} */
export const TARGETS = [
  t("linux", "x64", "gnu", "x86_64-unknown-linux-gnu"),
  t("linux", "arm64", "gnu", "aarch64-unknown-linux-gnu"),
  t("linux", "x64", "musl", "x86_64-unknown-linux-musl"),
  t("linux", "arm64", "musl", "aarch64-unknown-linux-musl"),
  t("darwin", "x64", null, "x86_64-apple-darwin"),
  t("darwin", "arm64", null, "aarch64-apple-darwin"),
  t("win32", "x64", null, "x86_64-pc-windows-msvc"),
];

function t(platform, arch, libc, rustTriple) {
  const id =
    platform === "linux"
      ? `${platform}-${arch}-${libc}`
      : platform === "win32"
        ? `${platform}-${arch}-msvc`
        : `${platform}-${arch}`;
  return { platform, arch, libc, id, rustTriple };
}

/** `@driftcode/drift-<id>`: the Node addon package. */
export const addonPackageName = (target) => `${SCOPE}/drift-${target.id}`;
/** `drift.<id>.node`: the addon file inside it (its `main`). */
export const addonFileName = (target) => `drift.${target.id}.node`;
/** `ts/npm/drift-<id>`: where its manifest lives in the repository. */
export const addonManifestDir = (target) => `ts/npm/drift-${target.id}`;
/** `@driftcode/cli-<id>`: the CLI binary package. */
export const cliPackageName = (target) => `${SCOPE}/cli-${target.id}`;
/** `ts/cli/npm/<id>`: its manifest (owned by the CLI launcher package). */
export const cliManifestDir = (target) => `ts/cli/npm/${target.id}`;
/** `bin/drift[.exe]` inside the CLI platform package. */
export const cliBinaryName = (target) =>
  target.platform === "win32" ? "drift.exe" : "drift";

/** Detects glibc vs musl like napi-rs (process report header). */
export function detectLibc(platform = process.platform) {
  if (platform !== "linux") {
    return null;
  }
  try {
    const header = process.report?.getReport()?.header;
    return typeof header?.glibcVersionRuntime === "string" ? "gnu" : "musl";
  } catch {
    try {
      return readdirSync("/lib").some((n) => n.startsWith("ld-musl-"))
        ? "musl"
        : "gnu";
    } catch {
      return "gnu";
    }
  }
}

/** The target of the running machine, or undefined if unsupported. */
export function hostTarget() {
  const libc = detectLibc();
  return TARGETS.find(
    (x) =>
      x.platform === process.platform &&
      x.arch === process.arch &&
      (x.libc === null || x.libc === libc),
  );
}
