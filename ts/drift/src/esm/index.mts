/**
 * The ES module entry point. It re-exports the CommonJS implementation so a
 * process that both `import`s and `require`s the package shares one addon,
 * one set of classes (`instanceof DriftError` holds either way) and one state.
 */

export {
  Cancellation,
  DriftError,
  ERROR_CODES,
  NATIVE_PATH_ENV,
  Project,
  TARGETS,
  callees,
  callers,
  conventions,
  detectLibc,
  fileInfo,
  findTarget,
  impact,
  isDriftErrorCode,
  loadNative,
  nativeInfo,
  packageNameFor,
  platformId,
  scan,
  status,
  symbols,
  version,
  violations,
} from "../index.js";
export type * from "../index.js";
