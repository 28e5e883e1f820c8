export {
  PACKAGE_SCOPE,
  TARGETS,
  binaryFileName,
  detectLibc,
  findTarget,
  packageNameFor,
  type Libc,
  type Target,
} from "./platform.js";
export {
  BINARY_ENV,
  BinaryNotFoundError,
  notInstalledMessage,
  resolveBinary,
  unsupportedMessage,
  type ResolveOptions,
} from "./resolve.js";
export {
  FORWARDED_SIGNALS,
  exitLike,
  runBinary,
  type ChildExit,
} from "./run.js";
