import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import {
  binaryFileName,
  detectLibc,
  findTarget,
  packageNameFor,
  TARGETS,
  type Libc,
} from "./platform.js";

/** Environment variable that points the launcher at a specific binary. */
export const BINARY_ENV = "DRIFT_BINARY";

/** Raised when no binary can be found; the message tells the user what to install. */
export class BinaryNotFoundError extends Error {
  override readonly name = "BinaryNotFoundError";
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  platform?: string;
  arch?: string;
  libc?: Libc | null;
  /** Resolves `<package>/package.json` to a path; throws if not installed. */
  resolvePackageJson?: (packageName: string) => string;
}

const requireFromHere = createRequire(import.meta.url);

function defaultResolvePackageJson(packageName: string): string {
  return requireFromHere.resolve(`${packageName}/package.json`);
}

/**
 * Finds the `drift` executable to run:
 * 1. `$DRIFT_BINARY` if set (must name an existing file);
 * 2. `bin/drift[.exe]` inside the installed platform package.
 */
export function resolveBinary(options: ResolveOptions = {}): string {
  const env = options.env ?? process.env;
  const override = env[BINARY_ENV];
  if (override !== undefined && override !== "") {
    if (!isFile(override)) {
      throw new BinaryNotFoundError(
        `${BINARY_ENV} is set to "${override}", but no file exists there.`,
      );
    }
    return override;
  }

  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const libc = options.libc === undefined ? detectLibc(platform) : options.libc;
  const target = findTarget(platform, arch, libc);
  if (target === undefined) {
    throw new BinaryNotFoundError(unsupportedMessage(platform, arch, libc));
  }

  const resolvePackageJson =
    options.resolvePackageJson ?? defaultResolvePackageJson;
  let packageJson: string;
  try {
    packageJson = resolvePackageJson(target.packageName);
  } catch {
    throw new BinaryNotFoundError(notInstalledMessage(target.packageName));
  }
  const binary = path.join(
    path.dirname(packageJson),
    "bin",
    binaryFileName(platform),
  );
  if (!isFile(binary)) {
    throw new BinaryNotFoundError(
      `The package "${target.packageName}" is installed but has no binary at ${binary}. ` +
        `Reinstall it with: npm install ${target.packageName}`,
    );
  }
  return binary;
}

export function notInstalledMessage(packageName: string): string {
  return (
    `The drift binary for this platform is missing: the optional dependency "${packageName}" is not installed.\n` +
    `Install it with: npm install ${packageName}\n` +
    `(It is skipped when optional dependencies are omitted, e.g. with --omit=optional or --no-optional.) ` +
    `Alternatively set ${BINARY_ENV} to the path of a drift executable.`
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
    `drift has no prebuilt binary for ${platform}-${arch}${libc === null ? "" : ` (${libc})`}: ` +
    `there is no package "${wanted}". Supported packages: ${supported}. ` +
    `Build drift from source (cargo install --path rust/drift-cli) and set ${BINARY_ENV} to the binary.`
  );
}

function isFile(candidate: string): boolean {
  return existsSync(candidate) && statSync(candidate).isFile();
}
