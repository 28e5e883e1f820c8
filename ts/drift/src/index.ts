/**
 * `@driftcode/drift`: Drift's codebase-intelligence engine for Node.js.
 *
 * Scans run on a native thread pool (never on the event loop) and resolve to
 * a typed report; queries read the project's `.drift` index. Every failure is
 * a {@link DriftError} with a stable `code`.
 */

import path from "node:path";

import { DriftError, toDriftError } from "./errors.js";
import { loadNative, packageVersion, type LoadedBinding } from "./loader.js";
import type {
  CallEdge,
  Convention,
  ConventionFilter,
  FileInfo,
  GraphQueryOptions,
  ImpactReport,
  NativeBinding,
  NativeCancellation,
  NativeScanOptions,
  ProjectStatus,
  ScanProgress,
  ScanReport,
  SymbolInfo,
  SymbolQuery,
  Violation,
  ViolationFilter,
} from "./native.js";

export {
  DriftError,
  ERROR_CODES,
  isDriftErrorCode,
  type DriftErrorCode,
} from "./errors.js";
export { NATIVE_PATH_ENV, loadNative, type LoadOptions } from "./loader.js";
export {
  TARGETS,
  detectLibc,
  findTarget,
  packageNameFor,
  platformId,
  type Libc,
  type NativeTarget,
} from "./platform.js";
export type * from "./native.js";

let loaded: LoadedBinding | undefined;

function binding(): NativeBinding {
  loaded ??= loadNative();
  return loaded.binding;
}

/** Where the native addon was loaded from (loads it if needed). */
export function nativeInfo(): {
  source: LoadedBinding["source"];
  location: string;
  version: string;
} {
  const { source, location } = (loaded ??= loadNative());
  return { source, location, version: loaded.binding.version() };
}

/** This package's version (equal to the addon's and the Cargo workspace's). */
export const version: string = packageVersion();

/**
 * A handle that cancels the scans it is passed to. A cancelled scan stops at
 * the next file and rejects with `DRIFT_CANCELLED`; the index keeps its
 * previous contents. `AbortSignal`s are accepted too (`ScanOptions.signal`).
 */
export class Cancellation {
  /** @internal */
  readonly native: NativeCancellation;

  constructor() {
    const Native = binding().Cancellation;
    this.native = new Native();
  }

  cancel(): void {
    this.native.cancel();
  }

  get cancelled(): boolean {
    return this.native.cancelled;
  }
}

/**
 * The part of `AbortSignal` the scan uses (declared here so the typings need
 * neither the DOM lib nor `@types/node`; a real `AbortSignal` fits).
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(
    type: "abort",
    listener: () => void,
    options?: { once?: boolean },
  ): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export interface ScanOptions extends NativeScanOptions {
  /**
   * Called on the event loop with progress events (at most every 50 ms per
   * phase, plus each phase's first and last event). If it throws, the scan is
   * cancelled and the returned promise rejects with what it threw.
   */
  onProgress?: ((progress: ScanProgress) => void) | undefined;
  /** Aborting it cancels the scan (rejects with `DRIFT_CANCELLED`). */
  signal?: AbortSignalLike | undefined;
  /** An explicit cancellation handle. */
  cancellation?: Cancellation | undefined;
}

/**
 * Scans the project at `root` (incrementally, unless `full`) and updates its
 * `.drift` index. Resolves to what the scan did.
 */
export async function scan(
  root: string,
  options: ScanOptions = {},
): Promise<ScanReport> {
  const { onProgress, signal, cancellation, ...nativeOptions } = options;
  const native = callNative(binding);
  if (signal?.aborted === true) {
    throw new DriftError(
      "DRIFT_CANCELLED",
      "the scan was cancelled before it started",
      { cause: signal.reason },
    );
  }
  const handle = cancellation?.native ?? new native.Cancellation();
  const onAbort = (): void => handle.cancel();
  signal?.addEventListener("abort", onAbort, { once: true });

  let listenerFailed = false;
  let listenerError: unknown;
  const progress =
    onProgress === undefined
      ? undefined
      : (event: ScanProgress): void => {
          if (listenerFailed) {
            return;
          }
          try {
            onProgress(event);
          } catch (error) {
            listenerFailed = true;
            listenerError = error;
            handle.cancel();
          }
        };

  try {
    const report = await native.scan(
      resolveRoot(root),
      nativeOptions,
      progress,
      handle,
    );
    if (listenerFailed) {
      throw listenerError;
    }
    return report;
  } catch (error) {
    if (listenerFailed) {
      throw listenerError;
    }
    throw toDriftError(error);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Index counts, last scan and staleness. Rejects with `DRIFT_NOT_INITIALIZED` before the first scan. */
export function status(root: string): Promise<ProjectStatus> {
  return query((n) => n.status(resolveRoot(root)));
}

/** Learned conventions, highest confidence first. */
export function conventions(
  root: string,
  filter: ConventionFilter = {},
): Promise<Convention[]> {
  return query((n) => n.conventions(resolveRoot(root), filter));
}

/** Places that deviate from the learned conventions. */
export function violations(
  root: string,
  filter: ViolationFilter = {},
): Promise<Violation[]> {
  return query((n) => n.violations(resolveRoot(root), filter));
}

/** Everything the index knows about one root-relative file (`/` separators). Rejects with `DRIFT_NOT_FOUND` for unknown files. */
export function fileInfo(root: string, file: string): Promise<FileInfo> {
  return query((n) => n.fileInfo(resolveRoot(root), file));
}

/** Symbols whose name or qualified name contains the query. */
export function symbols(
  root: string,
  query_: string | SymbolQuery,
): Promise<SymbolInfo[]> {
  const q = typeof query_ === "string" ? { query: query_ } : query_;
  return query((n) => n.symbols(resolveRoot(root), q));
}

/** Who calls `symbol` (a qualified name, or a simple name that is unique). */
export function callers(
  root: string,
  symbol: string,
  options: GraphQueryOptions = {},
): Promise<CallEdge[]> {
  return query((n) => n.callers(resolveRoot(root), symbol, options));
}

/** What `symbol` calls. */
export function callees(
  root: string,
  symbol: string,
  options: GraphQueryOptions = {},
): Promise<CallEdge[]> {
  return query((n) => n.callees(resolveRoot(root), symbol, options));
}

/** Transitive callers of `symbol`, the files they live in and the entry points reached. */
export function impact(
  root: string,
  symbol: string,
  options: GraphQueryOptions = {},
): Promise<ImpactReport> {
  return query((n) => n.impact(resolveRoot(root), symbol, options));
}

/** A project bound to one root, with the same operations as methods. */
export class Project {
  readonly root: string;

  constructor(root: string) {
    this.root = resolveRoot(root);
  }

  scan(options?: ScanOptions): Promise<ScanReport> {
    return scan(this.root, options);
  }
  status(): Promise<ProjectStatus> {
    return status(this.root);
  }
  conventions(filter?: ConventionFilter): Promise<Convention[]> {
    return conventions(this.root, filter);
  }
  violations(filter?: ViolationFilter): Promise<Violation[]> {
    return violations(this.root, filter);
  }
  fileInfo(file: string): Promise<FileInfo> {
    return fileInfo(this.root, file);
  }
  symbols(q: string | SymbolQuery): Promise<SymbolInfo[]> {
    return symbols(this.root, q);
  }
  callers(symbol: string, options?: GraphQueryOptions): Promise<CallEdge[]> {
    return callers(this.root, symbol, options);
  }
  callees(symbol: string, options?: GraphQueryOptions): Promise<CallEdge[]> {
    return callees(this.root, symbol, options);
  }
  impact(symbol: string, options?: GraphQueryOptions): Promise<ImpactReport> {
    return impact(this.root, symbol, options);
  }
}

function resolveRoot(root: string): string {
  if (typeof root !== "string" || root === "") {
    throw new DriftError(
      "DRIFT_INVALID_ROOT",
      `root must be a non-empty path string, got ${root === "" ? '""' : typeof root}`,
    );
  }
  return path.resolve(root);
}

/** Runs `f` with the binding, turning synchronous throws into DriftErrors. */
function callNative<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    throw toDriftError(error);
  }
}

async function query<T>(f: (native: NativeBinding) => Promise<T>): Promise<T> {
  try {
    return await f(binding());
  } catch (error) {
    throw toDriftError(error);
  }
}
