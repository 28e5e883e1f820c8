import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  TARGETS,
  binaryFileName,
  detectLibc,
  findTarget,
  packageNameFor,
} from "../src/platform.js";

describe("platform mapping", () => {
  it("maps every supported platform to its package", () => {
    const cases: [string, string, "gnu" | "musl" | null, string][] = [
      ["linux", "x64", "gnu", "@driftcode/cli-linux-x64-gnu"],
      ["linux", "arm64", "gnu", "@driftcode/cli-linux-arm64-gnu"],
      ["linux", "x64", "musl", "@driftcode/cli-linux-x64-musl"],
      ["linux", "arm64", "musl", "@driftcode/cli-linux-arm64-musl"],
      ["darwin", "x64", null, "@driftcode/cli-darwin-x64"],
      ["darwin", "arm64", null, "@driftcode/cli-darwin-arm64"],
      ["win32", "x64", null, "@driftcode/cli-win32-x64-msvc"],
    ];
    for (const [platform, arch, libc, expected] of cases) {
      assert.equal(findTarget(platform, arch, libc)?.packageName, expected);
    }
  });

  it("has exactly the seven targets, each with a distinct package and triple", () => {
    assert.equal(TARGETS.length, 7);
    assert.equal(new Set(TARGETS.map((t) => t.packageName)).size, 7);
    assert.deepEqual(TARGETS.map((t) => t.triple).sort(), [
      "aarch64-apple-darwin",
      "aarch64-unknown-linux-gnu",
      "aarch64-unknown-linux-musl",
      "x86_64-apple-darwin",
      "x86_64-pc-windows-msvc",
      "x86_64-unknown-linux-gnu",
      "x86_64-unknown-linux-musl",
    ]);
  });

  it("ignores libc off Linux", () => {
    assert.equal(
      findTarget("darwin", "arm64", "musl")?.packageName,
      "@driftcode/cli-darwin-arm64",
    );
  });

  it("has no target for unsupported platforms", () => {
    assert.equal(findTarget("freebsd", "x64", null), undefined);
    assert.equal(findTarget("linux", "ia32", "gnu"), undefined);
    assert.equal(findTarget("win32", "arm64", null), undefined);
  });

  it("names packages for unsupported platforms the same way", () => {
    assert.equal(
      packageNameFor("linux", "riscv64", "musl"),
      "@driftcode/cli-linux-riscv64-musl",
    );
    assert.equal(
      packageNameFor("win32", "arm64", null),
      "@driftcode/cli-win32-arm64-msvc",
    );
    assert.equal(
      packageNameFor("freebsd", "x64", null),
      "@driftcode/cli-freebsd-x64",
    );
  });

  it("uses drift.exe on Windows only", () => {
    assert.equal(binaryFileName("win32"), "drift.exe");
    assert.equal(binaryFileName("linux"), "drift");
  });
});

describe("libc detection", () => {
  it("reports gnu when the report has glibcVersionRuntime", () => {
    assert.equal(
      detectLibc("linux", () => ({ header: { glibcVersionRuntime: "2.36" } })),
      "gnu",
    );
  });

  it("reports musl when glibcVersionRuntime is absent", () => {
    assert.equal(
      detectLibc("linux", () => ({ header: {} })),
      "musl",
    );
    assert.equal(
      detectLibc("linux", () => ({})),
      "musl",
    );
  });

  it("falls back to gnu when no report can be produced", () => {
    assert.equal(
      detectLibc("linux", () => {
        throw new Error("no report");
      }),
      "gnu",
    );
  });

  it("returns null off Linux without asking for a report", () => {
    let asked = false;
    assert.equal(
      detectLibc("darwin", () => {
        asked = true;
        return {};
      }),
      null,
    );
    assert.equal(asked, false);
  });

  it("detects this machine's libc from the real report", () => {
    const libc = detectLibc();
    if (process.platform === "linux") {
      assert.ok(libc === "gnu" || libc === "musl");
    } else {
      assert.equal(libc, null);
    }
  });
});
