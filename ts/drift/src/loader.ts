/**
 * Finds and loads the native addon:
 * 1. `$DRIFT_NATIVE_PATH`, if set (development; must name an existing file);
 * 2. `drift.<platform-id>.node` in this package's own directory (a local
 *    build, as napi-rs projects do);
 * 3. the platform package `@driftcode/drift-<platform-id>` from
 *    `optionalDependencies`.
 * When none works it throws a {@link DriftError} with code
 * `DRIFT_NATIVE_NOT_FOUND` naming the package to install.
 */

import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { DriftError } from "./errors.js";
import type { NativeBinding } from "./native.js";
import {
  detectLibc,
  findTarget,
  packageNameFor,
  TARGETS,
  type Libc,
} from "./platform.js";

/** Environment variable naming an addon file to load instead of the platform package. */
export const NATIVE_PATH_ENV = "DRIFT_NATIVE_PATH";

/** The directory holding this package's `package.json`. */
const PACKAGE_ROOT = findPackageRoot(__dirname);

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (isFile(path.join(dir, "package.json"))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return path.resolve(start, "..");
    }
    dir = parent;
  }
}

export interface LoadOptions {
  /** Environment to read `DRIFT_NATIVE_PATH` from (defaults to `process.env`). */
  env?: Record<string, string | undefined>;
  platform?: string;
  arch?: string;
  libc?: Libc | null;
  /** Loads a module id or absolute path (defaults to this module's `require`). */
  requireFn?: (id: string) => unknown;
  /** Directory searched for a local `drift.<id>.node` (defaults to the package root). */
  packageRoot?: string;
  /** Version the addon must report (defaults to this package's version). */
  expectedVersion?: string;
}

/** Where a binding came from, for diagnostics. */
export interface LoadedBinding {
  binding: NativeBinding;
  source: "env" | "local" | "package";
  location: string;
}

const REQUIRED_EXPORTS = [
  "version",
  "scan",
  "status",
  "conventions",
  "violations",
  "fileInfo",
  "symbols",
  "callers",
  "callees",
  "impact",
  "Cancellation",
] as const;

export function loadNative(options: LoadOptions = {}): LoadedBinding {
  const env = options.env ?? process.env;
  const requireFn = options.requireFn ?? require;
  const expectedVersion = options.expectedVersion ?? packageVersion();

  const override = env[NATIVE_PATH_ENV];
  if (override !== undefined && override !== "") {
    const file = path.resolve(override);
    if (!isFile(file)) {
      throw new DriftError(
        "DRIFT_NATIVE_NOT_FOUND",
        `${NATIVE_PATH_ENV} is set to "${override}", but no file exists there.`,
      );
    }
    return {
      binding: validate(load(requireFn, file, file), file),
      source: "env",
      location: file,
    };
  }

  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const libc = options.libc === undefined ? detectLibc(platform) : options.libc;
  const target = findTarget(platform, arch, libc);
  if (target === undefined) {
    throw new DriftError(
      "DRIFT_NATIVE_NOT_FOUND",
      unsupportedMessage(platform, arch, libc),
    );
  }

  const local = path.join(options.packageRoot ?? PACKAGE_ROOT, target.fileName);
  if (isFile(local)) {
    return {
      binding: validate(load(requireFn, local, local), local),
      source: "local",
      location: local,
    };
  }

  let binding: NativeBinding;
  try {
    binding = requireFn(target.packageName) as NativeBinding;
  } catch (error) {
    if (isModuleNotFound(error, target.packageName)) {
      throw new DriftError(
        "DRIFT_NATIVE_NOT_FOUND",
        notInstalledMessage(target.packageName),
        { cause: error },
      );
    }
    throw new DriftError(
      "DRIFT_NATIVE_NOT_FOUND",
      `The native addon in "${target.packageName}" failed to load: ${describe(error)}`,
      { cause: error },
    );
  }
  validate(binding, target.packageName);
  const actual = binding.version();
  if (actual !== expectedVersion) {
    throw new DriftError(
      "DRIFT_NATIVE_NOT_FOUND",
      `"${target.packageName}" is version ${actual}, but @driftcode/drift is ${expectedVersion}; ` +
        `install matching versions: npm install ${target.packageName}@${expectedVersion}`,
    );
  }
  return { binding, source: "package", location: target.packageName };
}

export function notInstalledMessage(packageName: string): string {
  return (
    `The Drift native addon for this platform is missing: the optional dependency "${packageName}" is not installed.\n` +
    `Install it with: npm install ${packageName}\n` +
    `(Optional dependencies are skipped with --omit=optional / --no-optional, or when the lockfile was made on another platform.) ` +
    `For a local build, set ${NATIVE_PATH_ENV} to the path of a drift .node file.`
  );
}

export function unsupportedMessage(
  platform: string,
  arch: string,
  libc: Libc | null,
): string {
  const wanted = packageNameFor(platform, arch, libc);
  const supported = TARGETS.map((t) => t.packageName).join(", ");
  return (
    `Drift has no prebuilt addon for ${platform}-${arch}${libc === null ? "" : ` (${libc})`}: ` +
    `there is no package "${wanted}". Supported: ${supported}. ` +
    `Build the addon from source (cargo build --release -p drift-napi) and set ${NATIVE_PATH_ENV} to it.`
  );
}

function load(
  requireFn: (id: string) => unknown,
  id: string,
  where: string,
): NativeBinding {
  try {
    return requireFn(id) as NativeBinding;
  } catch (error) {
    throw new DriftError(
      "DRIFT_NATIVE_NOT_FOUND",
      `The native addon at ${where} failed to load: ${describe(error)}`,
      { cause: error },
    );
  }
}

function validate(binding: NativeBinding, where: string): NativeBinding {
  const missing = REQUIRED_EXPORTS.filter(
    (name) =>
      typeof (binding as unknown as Record<string, unknown>)[name] !==
      "function",
  );
  if (missing.length > 0) {
    throw new DriftError(
      "DRIFT_NATIVE_NOT_FOUND",
      `${where} is not a Drift addon (missing exports: ${missing.join(", ")}).`,
    );
  }
  return binding;
}

function isModuleNotFound(error: unknown, id: string): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === "MODULE_NOT_FOUND" &&
    error.message.includes(id)
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isFile(candidate: string): boolean {
  return existsSync(candidate) && statSync(candidate).isFile();
}

let cachedVersion: string | undefined;

/** This package's version, read from its package.json. */
export function packageVersion(): string {
  if (cachedVersion === undefined) {
    const pkg = JSON.parse(
      readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8"),
    ) as { version: string };
    cachedVersion = pkg.version;
  }
  return cachedVersion;
}
