import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { Cancellation, scan, status } from "../src/index.js";
import { cleanupFixtures, largeProject, rejectsWith } from "./helpers.js";

after(cleanupFixtures);

/**
 * Files in the generated tree (about 60 lines each): a debug-build scan of it
 * takes a few seconds on a 2-core machine, a release one well under a second.
 */
const LARGE = 500;

describe("cancellation and the event loop", () => {
  let root: string;
  before(() => {
    root = largeProject(LARGE);
  });

  it("cancel() during the parse phase rejects with DRIFT_CANCELLED", async () => {
    const cancellation = new Cancellation();
    let parseEvents = 0;
    await rejectsWith(
      scan(root, {
        cancellation,
        onProgress: (p) => {
          if (p.phase === "parse" && p.done > 0) {
            parseEvents++;
            cancellation.cancel();
          }
        },
      }),
      "DRIFT_CANCELLED",
    );
    assert.ok(cancellation.cancelled);
    assert.ok(parseEvents >= 1, "cancelled from a parse progress event");

    // The first scan never committed: no last scan, marked interrupted.
    const interrupted = await status(root);
    assert.equal(interrupted.lastScan, undefined);
    assert.equal(interrupted.scanInterrupted, true);

    // The index is still usable: a scan afterwards completes and repairs it.
    const report = await scan(root);
    assert.equal(report.discovered, LARGE);
    const repaired = await status(root);
    assert.equal(repaired.scanInterrupted, false);
    assert.equal((await status(root)).files, LARGE);
  });

  it("an AbortSignal cancels a running scan", async () => {
    const controller = new AbortController();
    const pending = scan(root, {
      full: true,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === "parse") {
          controller.abort();
        }
      },
    });
    await rejectsWith(pending, "DRIFT_CANCELLED");
  });

  it("an already-aborted signal rejects without scanning", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    const err = await rejectsWith(
      scan(root, { signal: controller.signal }),
      "DRIFT_CANCELLED",
    );
    assert.equal((err.cause as Error).message, "stop");
  });

  it("a cancelled handle stops later scans before they start", async () => {
    const cancellation = new Cancellation();
    cancellation.cancel();
    await rejectsWith(scan(root, { cancellation }), "DRIFT_CANCELLED");
  });

  it("a throwing progress listener cancels the scan and rejects with its error", async () => {
    const boom = new Error("listener failed");
    await assert.rejects(
      scan(root, {
        full: true,
        onProgress: () => {
          throw boom;
        },
      }),
      (e: unknown) => e === boom,
    );
  });

  it("keeps the event loop responsive while scanning", async () => {
    let ticks = 0;
    let maxGap = 0;
    let last = Date.now();
    const interval = setInterval(() => {
      const now = Date.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 5);
    const started = Date.now();
    try {
      await scan(root, { full: true });
    } finally {
      clearInterval(interval);
    }
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 100, `scan long enough to measure (${elapsed} ms)`);
    // A 5 ms timer on a free loop fires ~elapsed/5 times; demand a fifth of
    // that and no stall longer than 250 ms (CI machines are shared).
    assert.ok(
      ticks >= elapsed / 25,
      `timer fired ${ticks} times during a ${elapsed} ms scan`,
    );
    assert.ok(maxGap < 250, `longest event-loop stall ${maxGap} ms`);
  });
});
