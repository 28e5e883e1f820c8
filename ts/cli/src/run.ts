import { type ChildProcess, spawn } from "node:child_process";

/** How the child ended: exactly one of `code` and `signal` is non-null. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Signals relayed to the child while it runs. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] =
  process.platform === "win32"
    ? ["SIGINT", "SIGTERM", "SIGBREAK"]
    : ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR2"];

/**
 * Runs `binary` with inherited stdio, relaying the signals this process gets
 * to the child, and resolves with how the child exited.
 */
export function runBinary(
  binary: string,
  args: readonly string[],
): Promise<ChildExit> {
  return new Promise((resolve, reject) => {
    // Relays are installed before the spawn: a signal that arrives while the
    // child starts is delivered to it as soon as it exists, instead of
    // killing the launcher with the default action.
    const started: { child?: ChildProcess } = {};
    const pending: NodeJS.Signals[] = [];
    const relays = new Map<NodeJS.Signals, () => void>();
    for (const signal of FORWARDED_SIGNALS) {
      const relay = (): void => {
        if (started.child === undefined) {
          pending.push(signal);
          return;
        }
        // The child may already be gone; a failed kill is not an error here.
        started.child.kill(signal);
      };
      relays.set(signal, relay);
      process.on(signal, relay);
    }
    const child = spawn(binary, args, {
      stdio: "inherit",
      windowsHide: false,
    });
    started.child = child;
    for (const signal of pending) {
      child.kill(signal);
    }
    const cleanup = (): void => {
      for (const [signal, relay] of relays) {
        process.removeListener(signal, relay);
      }
    };
    child.once("error", (error) => {
      cleanup();
      reject(error);
    });
    child.once("exit", (code, signal) => {
      cleanup();
      resolve({ code, signal });
    });
  });
}

/**
 * Ends this process the way the child ended: same exit code, or the same
 * signal re-raised on ourselves (so a shell sees "killed by SIGTERM", 143).
 */
export function exitLike(result: ChildExit): void {
  if (result.signal !== null) {
    process.kill(process.pid, result.signal);
    // If the signal is ignored or cannot be re-raised (Windows), fall back to the shell convention.
    process.exitCode = 128 + signalNumber(result.signal);
    return;
  }
  process.exitCode = result.code ?? 1;
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGKILL: 9,
    SIGUSR2: 12,
    SIGPIPE: 13,
    SIGTERM: 15,
  };
  return numbers[signal] ?? 0;
}
