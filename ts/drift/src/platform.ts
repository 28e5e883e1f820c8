/**
 * Which prebuilt addon package serves the running platform. Naming follows
 * napi-rs: `@driftcode/drift-<platform>-<arch>[-<abi>]` shipping
 * `drift.<platform>-<arch>[-<abi>].node`.
 */

import { readdirSync } from "node:fs";

/** C library flavour on Linux; `null` elsewhere. */
export type Libc = "gnu" | "musl";

/** One supported target. */
export interface NativeTarget {
  readonly platform: string;
  readonly arch: string;
  readonly libc: Libc | null;
  /** napi-rs platform id, e.g. `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`. */
  readonly id: string;
  /** Rust target triple the addon is compiled for. */
  readonly rustTriple: string;
  /** npm package that ships the addon. */
  readonly packageName: string;
  /** File name of the addon inside that package (its `main`). */
  readonly fileName: string;
}

export const PACKAGE_SCOPE = "@driftcode";
export const ADDON_BASENAME = "drift";

/** The seven platform packages listed in `optionalDependencies`. */
export const TARGETS: readonly NativeTarget[] = [
  target("linux", "x64", "gnu", "x86_64-unknown-linux-gnu"),
  target("linux", "arm64", "gnu", "aarch64-unknown-linux-gnu"),
  target("linux", "x64", "musl", "x86_64-unknown-linux-musl"),
  target("linux", "arm64", "musl", "aarch64-unknown-linux-musl"),
  target("darwin", "x64", null, "x86_64-apple-darwin"),
  target("darwin", "arm64", null, "aarch64-apple-darwin"),
  target("win32", "x64", null, "x86_64-pc-windows-msvc"),
];

function target(
  platform: string,
  arch: string,
  libc: Libc | null,
  rustTriple: string,
): NativeTarget {
  const id = platformId(platform, arch, libc);
  return {
    platform,
    arch,
    libc,
    id,
    rustTriple,
    packageName: `${PACKAGE_SCOPE}/${ADDON_BASENAME}-${id}`,
    fileName: `${ADDON_BASENAME}.${id}.node`,
  };
}

/**
 * The napi-rs platform id for any platform, supported or not:
 * `<platform>-<arch>`, plus `-gnu`/`-musl` on Linux and `-msvc` on Windows.
 */
export function platformId(
  platform: string,
  arch: string,
  libc: Libc | null,
): string {
  if (platform === "linux") {
    return `${platform}-${arch}-${libc ?? "gnu"}`;
  }
  if (platform === "win32") {
    return `${platform}-${arch}-msvc`;
  }
  return `${platform}-${arch}`;
}

/** The package a platform would need, whether or not it is published. */
export function packageNameFor(
  platform: string,
  arch: string,
  libc: Libc | null,
): string {
  return `${PACKAGE_SCOPE}/${ADDON_BASENAME}-${platformId(platform, arch, libc)}`;
}

/**
 * Detects the C library on Linux the way napi-rs does: a glibc process has
 * `header.glibcVersionRuntime` in its diagnostic report, a musl one does not.
 * If the report is unavailable, falls back to looking for the musl loader.
 * Returns `null` off Linux.
 */
export function detectLibc(
  platform: string = process.platform,
  getReport: () => unknown = defaultReport,
  muslLoaderExists: () => boolean = defaultMuslLoaderExists,
): Libc | null {
  if (platform !== "linux") {
    return null;
  }
  let report: unknown;
  try {
    report = getReport();
  } catch {
    return muslLoaderExists() ? "musl" : "gnu";
  }
  const header = (
    report as
      | { header?: { glibcVersionRuntime?: unknown } | undefined }
      | null
      | undefined
  )?.header;
  return typeof header?.glibcVersionRuntime === "string" ? "gnu" : "musl";
}

function defaultReport(): unknown {
  const report = (process as { report?: { getReport(): unknown } | undefined })
    .report;
  if (report === undefined) {
    throw new Error("process.report is unavailable");
  }
  return report.getReport();
}

function defaultMuslLoaderExists(): boolean {
  // Only reached when process.report is missing.
  try {
    return readdirSync("/lib").some((name) => name.startsWith("ld-musl-"));
  } catch {
    return false;
  }
}

/** The supported target for a platform, or `undefined`. */
export function findTarget(
  platform: string,
  arch: string,
  libc: Libc | null,
): NativeTarget | undefined {
  return TARGETS.find(
    (t) =>
      t.platform === platform &&
      t.arch === arch &&
      (t.libc === null || t.libc === libc),
  );
}
