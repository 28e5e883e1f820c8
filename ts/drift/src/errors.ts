/**
 * Errors raised by `@driftcode/drift`. Every rejection and throw is a
 * {@link DriftError} whose `code` is one of {@link DriftErrorCode}.
 */

/** Stable error codes. Never renamed; new codes may be added. */
export const ERROR_CODES = [
  /** `root` does not exist, is not a directory, or cannot be resolved. */
  "DRIFT_INVALID_ROOT",
  /** A query ran against a project that was never scanned (no `.drift` index). */
  "DRIFT_NOT_INITIALIZED",
  /** The scan was cancelled (`Cancellation.cancel()` or an aborted `AbortSignal`). */
  "DRIFT_CANCELLED",
  /** The index could not be opened, read or written (corrupt, locked, newer schema). */
  "DRIFT_INDEX",
  /** The file or symbol asked about is not in the index. */
  "DRIFT_NOT_FOUND",
  /** A symbol name matches several functions; the message lists qualified names to use. */
  "DRIFT_AMBIGUOUS",
  /** An argument or option is malformed or out of range. */
  "DRIFT_INVALID_ARGUMENT",
  /** `drift.toml` or the decisions file is invalid. */
  "DRIFT_CONFIG",
  /** A bug in Drift (an engine panic or broken invariant). */
  "DRIFT_INTERNAL",
  /** No prebuilt addon for this platform could be loaded (JS-side only). */
  "DRIFT_NATIVE_NOT_FOUND",
] as const;

export type DriftErrorCode = (typeof ERROR_CODES)[number];

const KNOWN = new Set<string>(ERROR_CODES);

export function isDriftErrorCode(code: unknown): code is DriftErrorCode {
  return typeof code === "string" && KNOWN.has(code);
}

/** An error from Drift, carrying a stable {@link DriftErrorCode}. */
export class DriftError extends Error {
  override readonly name = "DriftError";
  readonly code: DriftErrorCode;

  constructor(code: DriftErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Turns whatever the addon threw into a {@link DriftError}. Addon errors
 * already carry a `code`; anything else (a bug in the glue, a TypeError from
 * napi's argument validation) becomes `DRIFT_INVALID_ARGUMENT` for napi's
 * argument errors and `DRIFT_INTERNAL` otherwise. The original is kept as
 * `cause`.
 */
export function toDriftError(error: unknown): DriftError {
  if (error instanceof DriftError) {
    return error;
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (isDriftErrorCode(code)) {
      return new DriftError(code, error.message, { cause: error });
    }
    // napi-rs argument conversion failures carry `code: "InvalidArg"` or
    // `"NumberExpected"`/`"StringExpected"`/... statuses.
    if (
      typeof code === "string" &&
      (code === "InvalidArg" || code.endsWith("Expected"))
    ) {
      return new DriftError("DRIFT_INVALID_ARGUMENT", error.message, {
        cause: error,
      });
    }
    return new DriftError("DRIFT_INTERNAL", error.message, { cause: error });
  }
  return new DriftError("DRIFT_INTERNAL", String(error), { cause: error });
}
