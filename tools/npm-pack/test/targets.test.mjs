// Fast checks (no build): the target table, the committed per-platform
// manifests and the CLI's manifests agree.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

import {
  REPO_ROOT,
  addonManifest,
  syncManifests,
  workspaceVersion,
} from "../manifests.mjs";
import {
  TARGETS,
  addonPackageName,
  cliManifestDir,
  cliPackageName,
  hostTarget,
} from "../targets.mjs";
import { parseArgs, tarballName } from "../pack.mjs";

const readJson = (rel) =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, rel), "utf8"));
const LIBC = { gnu: "glibc", musl: "musl" };

describe("npm-pack targets", () => {
  it("ts/npm manifests are generated from the table (run manifests.mjs --write)", () => {
    assert.deepEqual(syncManifests({ write: false }), []);
  });

  it("versions agree with the Cargo workspace", () => {
    const version = workspaceVersion();
    assert.match(version, /^\d+\.\d+\.\d+/);
    assert.equal(readJson("ts/drift/package.json").version, version);
    assert.equal(readJson("ts/cli/package.json").version, version);
    for (const t of TARGETS) {
      assert.equal(addonManifest(t, version).version, version);
    }
  });

  it("the CLI's platform manifests cover the same seven targets", () => {
    const cli = readJson("ts/cli/package.json");
    assert.deepEqual(
      Object.keys(cli.optionalDependencies).sort(),
      TARGETS.map(cliPackageName).sort(),
    );
    for (const t of TARGETS) {
      const m = readJson(path.join(cliManifestDir(t), "package.json"));
      assert.equal(m.name, cliPackageName(t));
      assert.deepEqual(m.os, [t.platform]);
      assert.deepEqual(m.cpu, [t.arch]);
      assert.deepEqual(m.libc, t.libc === null ? undefined : [LIBC[t.libc]]);
    }
  });

  it("the API package lists every addon package", () => {
    const api = readJson("ts/drift/package.json");
    assert.deepEqual(
      Object.keys(api.optionalDependencies).sort(),
      TARGETS.map(addonPackageName).sort(),
    );
  });

  it("knows this machine and names tarballs like npm", () => {
    assert.ok(hostTarget(), `${process.platform}-${process.arch} is a target`);
    assert.equal(
      tarballName("@driftcode/drift", "0.1.0"),
      "driftcode-drift-0.1.0.tgz",
    );
    assert.equal(parseArgs(["--no-build", "--debug"]).profile, "debug");
    assert.throws(() => parseArgs(["--bogus"]), /unknown argument/);
  });
});
