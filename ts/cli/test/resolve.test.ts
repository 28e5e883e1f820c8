import assert from "node:assert/strict";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";

import {
  BinaryNotFoundError,
  notInstalledMessage,
  resolveBinary,
} from "../src/resolve.js";

const scratch = mkdtempSync(path.join(tmpdir(), "drift-cli-resolve-"));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function fakePackage(name: string, withBinary: boolean): string {
  const dir = path.join(scratch, "node_modules", ...name.split("/"));
  mkdirSync(path.join(dir, "bin"), { recursive: true });
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name }));
  if (withBinary) {
    const bin = path.join(dir, "bin", "drift");
    writeFileSync(bin, "#!/bin/sh\nexit 0\n");
    chmodSync(bin, 0o755);
  }
  return path.join(dir, "package.json");
}

const notInstalled = (name: string): string => {
  throw new Error(`Cannot find module '${name}'`);
};

describe("resolveBinary", () => {
  it("uses DRIFT_BINARY when it names a file", () => {
    const bin = path.join(scratch, "override-drift");
    writeFileSync(bin, "#!/bin/sh\n");
    assert.equal(
      resolveBinary({
        env: { DRIFT_BINARY: bin },
        resolvePackageJson: notInstalled,
      }),
      bin,
    );
  });

  it("rejects a DRIFT_BINARY that does not exist", () => {
    assert.throws(
      () =>
        resolveBinary({ env: { DRIFT_BINARY: path.join(scratch, "nope") } }),
      (error: unknown) =>
        error instanceof BinaryNotFoundError &&
        error.message.includes("DRIFT_BINARY is set to") &&
        error.message.includes("no file exists there"),
    );
  });

  it("finds bin/drift inside the platform package", () => {
    const pkgJson = fakePackage("@driftcode/cli-linux-arm64-musl", true);
    const resolved = resolveBinary({
      env: {},
      platform: "linux",
      arch: "arm64",
      libc: "musl",
      resolvePackageJson: (name) => {
        assert.equal(name, "@driftcode/cli-linux-arm64-musl");
        return pkgJson;
      },
    });
    assert.equal(resolved, path.join(path.dirname(pkgJson), "bin", "drift"));
  });

  it("names the package to install when it is missing", () => {
    assert.throws(
      () =>
        resolveBinary({
          env: {},
          platform: "linux",
          arch: "x64",
          libc: "gnu",
          resolvePackageJson: notInstalled,
        }),
      (error: unknown) => {
        assert.ok(error instanceof BinaryNotFoundError);
        assert.equal(
          error.message,
          notInstalledMessage("@driftcode/cli-linux-x64-gnu"),
        );
        assert.match(
          error.message,
          /npm install @driftcode\/cli-linux-x64-gnu/,
        );
        return true;
      },
    );
  });

  it("explains an unsupported platform and lists the supported packages", () => {
    assert.throws(
      () =>
        resolveBinary({
          env: {},
          platform: "freebsd",
          arch: "x64",
          libc: null,
        }),
      (error: unknown) => {
        assert.ok(error instanceof BinaryNotFoundError);
        assert.match(error.message, /no prebuilt binary for freebsd-x64/);
        assert.match(error.message, /"@driftcode\/cli-freebsd-x64"/);
        assert.match(error.message, /@driftcode\/cli-win32-x64-msvc/);
        return true;
      },
    );
  });

  it("reports a platform package that lacks its binary", () => {
    const pkgJson = fakePackage("@driftcode/cli-darwin-x64", false);
    assert.throws(
      () =>
        resolveBinary({
          env: {},
          platform: "darwin",
          arch: "x64",
          libc: null,
          resolvePackageJson: () => pkgJson,
        }),
      /is installed but has no binary/,
    );
  });
});
