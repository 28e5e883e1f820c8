#!/usr/bin/env node
import { BinaryNotFoundError, resolveBinary } from "./resolve.js";
import { exitLike, runBinary } from "./run.js";

async function main(): Promise<void> {
  let binary: string;
  try {
    binary = resolveBinary();
  } catch (error) {
    if (error instanceof BinaryNotFoundError) {
      process.stderr.write(`drift: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  const result = await runBinary(binary, process.argv.slice(2));
  exitLike(result);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`drift: failed to run the drift binary: ${message}\n`);
  process.exitCode = 1;
});
