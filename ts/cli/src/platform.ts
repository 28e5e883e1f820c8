/**
 * Maps the running Node.js platform to the npm package that carries the
 * native `drift` binary, the same way napi-rs / esbuild / biome pick theirs.
 */

/** C library flavour on Linux; `null` elsewhere. */
export type Libc = "gnu" | "musl";

/** One supported target: the Node `process.platform`/`process.arch` pair plus libc on Linux. */
export interface Target {
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  readonly libc: Libc | null;
  /** Rust target triple the binary in the package is built for. */
  readonly triple: string;
  /** npm package that ships the binary. */
  readonly packageName: string;
}

export const PACKAGE_SCOPE = "@driftcode";

/** The seven platform packages listed in `optionalDependencies`. */
export const TARGETS: readonly Target[] = [
  target("linux", "x64", "gnu", "x86_64-unknown-linux-gnu"),
  target("linux", "arm64", "gnu", "aarch64-unknown-linux-gnu"),
  target("linux", "x64", "musl", "x86_64-unknown-linux-musl"),
  target("linux", "arm64", "musl", "aarch64-unknown-linux-musl"),
  target("darwin", "x64", null, "x86_64-apple-darwin"),
  target("darwin", "arm64", null, "aarch64-apple-darwin"),
  target("win32", "x64", null, "x86_64-pc-windows-msvc"),
];

function target(
  platform: NodeJS.Platform,
  arch: string,
  libc: Libc | null,
  triple: string,
): Target {
  return {
    platform,
    arch,
    libc,
    triple,
    packageName: packageNameFor(platform, arch, libc),
  };
}

/**
 * The package name a platform would use, whether or not it is supported:
 * `@driftcode/cli-<os>-<cpu>[-<abi>]` (`-gnu`/`-musl` on Linux, `-msvc` on Windows).
 */
export function packageNameFor(
  platform: string,
  arch: string,
  libc: Libc | null,
): string {
  let suffix = "";
  if (platform === "linux") {
    suffix = `-${libc ?? "gnu"}`;
  } else if (platform === "win32") {
    suffix = "-msvc";
  }
  return `${PACKAGE_SCOPE}/cli-${platform}-${arch}${suffix}`;
}

/** Shape of the bit of `process.report.getReport()` we read. */
export interface ReportLike {
  header?: { glibcVersionRuntime?: string | undefined } | undefined;
}

/**
 * Detects the C library on Linux like napi-rs does: a glibc process has
 * `header.glibcVersionRuntime` in its diagnostic report, a musl one does not.
 * Returns `null` off Linux.
 */
export function detectLibc(
  platform: string = process.platform,
  getReport: () => unknown = defaultReport,
): Libc | null {
  if (platform !== "linux") {
    return null;
  }
  let report: unknown;
  try {
    report = getReport();
  } catch {
    // No diagnostic report available: glibc is by far the common case.
    return "gnu";
  }
  const header = (report as ReportLike | null | undefined)?.header;
  return typeof header?.glibcVersionRuntime === "string" ? "gnu" : "musl";
}

function defaultReport(): unknown {
  // `process.report` exists on every supported Node; the cast keeps this
  // honest if a runtime strips it.
  const report = (process as { report?: { getReport(): unknown } | undefined })
    .report;
  if (report === undefined) {
    throw new Error("process.report is unavailable");
  }
  return report.getReport();
}

/** The supported target for this platform, or `undefined` if there is none. */
export function findTarget(
  platform: string,
  arch: string,
  libc: Libc | null,
): Target | undefined {
  return TARGETS.find(
    (t) =>
      t.platform === platform &&
      t.arch === arch &&
      (t.libc === null || t.libc === libc),
  );
}

/** File name of the executable inside a platform package's `bin/` directory. */
export function binaryFileName(platform: string): string {
  return platform === "win32" ? "drift.exe" : "drift";
}
