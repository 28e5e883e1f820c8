#!/usr/bin/env node
// Builds and packs Drift's npm packages for the HOST platform:
//
//   1. one `cargo build --release -p drift-napi -p drift-cli` (the addon and
//      the `drift` binary share the dependency graph, so one build);
//   2. stages @driftcode/drift-<host> (manifest from ts/npm/drift-<host>,
//      libdrift_napi.so copied to drift.<host>.node) and @driftcode/cli-<host>
//      (manifest from ts/cli/npm/<host>, the binary in bin/);
//   3. builds @driftcode/drift and @driftcode/cli (tsc through their `build`
//      scripts) and packs them with `pnpm pack`, which rewrites the CLI's
//      `workspace:` optionalDependencies to plain versions;
//   4. packs the two staged platform packages with `npm pack`.
//
// Usage: node tools/npm-pack/pack.mjs [--out DIR] [--no-build] [--debug]
//   --out DIR    where the .tgz files go (default target/npm-pack)
//   --no-build   reuse the binaries already in target/<profile>/
//   --debug      use the debug profile (development only; releases are --release)
// Prints one line per tarball and writes DIR/packages.json:
//   [{ "name", "version", "file", "kind": "addon"|"cli-binary"|"api"|"cli" }]
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { REPO_ROOT, workspaceVersion } from "./manifests.mjs";
import {
  addonFileName,
  addonManifestDir,
  addonPackageName,
  cliBinaryName,
  cliManifestDir,
  cliPackageName,
  hostTarget,
} from "./targets.mjs";

export function parseArgs(argv) {
  const opts = {
    out: path.join(REPO_ROOT, "target", "npm-pack"),
    build: true,
    profile: "release",
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--out") {
      const value = argv[++i];
      if (value === undefined) {
        throw new Error("--out needs a directory");
      }
      opts.out = path.resolve(value);
    } else if (arg === "--no-build") {
      opts.build = false;
    } else if (arg === "--debug") {
      opts.profile = "debug";
    } else {
      throw new Error(`unknown argument ${arg}`);
    }
  }
  return opts;
}

function run(cmd, args, cwd) {
  const started = Date.now();
  const result = spawnSync(cmd, args, {
    cwd,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    // npm/pnpm are .cmd shims on Windows.
    shell: process.platform === "win32",
  });
  if (result.error) {
    throw new Error(`${cmd} could not be started: ${result.error.message}`);
  }
  if (result.status !== 0) {
    process.stderr.write(result.stdout ?? "");
    throw new Error(
      `${cmd} ${args.join(" ")} failed in ${cwd} (exit ${result.status})`,
    );
  }
  return { stdout: result.stdout ?? "", ms: Date.now() - started };
}

function readJson(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

/** The tarball name npm/pnpm give a package: `@s/n@1.0.0` → `s-n-1.0.0.tgz`. */
export function tarballName(name, version) {
  return `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;
}

function targetDir() {
  return process.env.CARGO_TARGET_DIR
    ? path.resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR)
    : path.join(REPO_ROOT, "target");
}

function addonLibName() {
  if (process.platform === "win32") return "drift_napi.dll";
  if (process.platform === "darwin") return "libdrift_napi.dylib";
  return "libdrift_napi.so";
}

export function pack(opts) {
  const host = hostTarget();
  if (host === undefined) {
    throw new Error(
      `no Drift npm target for ${process.platform}-${process.arch}; see tools/npm-pack/targets.mjs`,
    );
  }
  const version = workspaceVersion();
  const apiPkg = readJson(path.join(REPO_ROOT, "ts/drift/package.json"));
  const cliPkg = readJson(path.join(REPO_ROOT, "ts/cli/package.json"));
  for (const pkg of [apiPkg, cliPkg]) {
    if (pkg.version !== version) {
      throw new Error(
        `${pkg.name} is ${pkg.version} but the Cargo workspace is ${version}`,
      );
    }
  }

  const timings = {};
  if (opts.build) {
    const args = ["build", "-p", "drift-napi", "-p", "drift-cli"];
    if (opts.profile === "release") args.push("--release");
    console.error(`npm-pack: cargo ${args.join(" ")}`);
    const started = Date.now();
    const result = spawnSync("cargo", args, {
      cwd: REPO_ROOT,
      stdio: "inherit",
    });
    if (result.status !== 0) {
      throw new Error(`cargo ${args.join(" ")} failed (exit ${result.status})`);
    }
    timings.cargoMs = Date.now() - started;
  }
  const bins = path.join(targetDir(), opts.profile);
  const addon = path.join(bins, addonLibName());
  const cli = path.join(bins, cliBinaryName(host));
  for (const file of [addon, cli]) {
    if (!existsSync(file)) {
      throw new Error(`${file} does not exist (build it, or drop --no-build)`);
    }
  }

  rmSync(opts.out, { recursive: true, force: true });
  const stage = path.join(opts.out, "stage");
  mkdirSync(stage, { recursive: true });
  const packages = [];

  // @driftcode/drift-<host>
  const addonStage = path.join(stage, `drift-${host.id}`);
  mkdirSync(addonStage);
  const addonSrc = path.join(REPO_ROOT, addonManifestDir(host));
  for (const f of ["package.json", "README.md"]) {
    copyFileSync(path.join(addonSrc, f), path.join(addonStage, f));
  }
  copyFileSync(addon, path.join(addonStage, addonFileName(host)));

  // @driftcode/cli-<host>
  const cliStage = path.join(stage, `cli-${host.id}`);
  mkdirSync(path.join(cliStage, "bin"), { recursive: true });
  const cliSrc = path.join(REPO_ROOT, cliManifestDir(host));
  for (const f of ["package.json", "README.md"]) {
    if (existsSync(path.join(cliSrc, f))) {
      copyFileSync(path.join(cliSrc, f), path.join(cliStage, f));
    }
  }
  const binOut = path.join(cliStage, "bin", cliBinaryName(host));
  copyFileSync(cli, binOut);
  chmodSync(binOut, 0o755);

  for (const [dir, kind] of [
    [addonStage, "addon"],
    [cliStage, "cli-binary"],
  ]) {
    const pkg = readJson(path.join(dir, "package.json"));
    if (pkg.version !== version) {
      throw new Error(`${pkg.name} is ${pkg.version}, workspace is ${version}`);
    }
    const { ms } = run("npm", ["pack", "--pack-destination", opts.out], dir);
    packages.push({
      name: pkg.name,
      version,
      file: tarballName(pkg.name, version),
      kind,
      packMs: ms,
    });
  }
  if (
    packages[0].name !== addonPackageName(host) ||
    packages[1].name !== cliPackageName(host)
  ) {
    throw new Error(
      `staged manifests are for ${packages[0].name} / ${packages[1].name}, expected the host's`,
    );
  }

  // @driftcode/drift and @driftcode/cli
  for (const [dir, pkg, kind] of [
    ["ts/drift", apiPkg, "api"],
    ["ts/cli", cliPkg, "cli"],
  ]) {
    const cwd = path.join(REPO_ROOT, dir);
    const build = run("pnpm", ["run", "build"], cwd);
    const { ms } = run("pnpm", ["pack", "--pack-destination", opts.out], cwd);
    packages.push({
      name: pkg.name,
      version,
      file: tarballName(pkg.name, version),
      kind,
      packMs: ms + build.ms,
    });
  }

  for (const p of packages) {
    if (!existsSync(path.join(opts.out, p.file))) {
      throw new Error(`expected ${p.file} in ${opts.out}`);
    }
  }
  rmSync(stage, { recursive: true, force: true });
  writeFileSync(
    path.join(opts.out, "packages.json"),
    `${JSON.stringify({ host: host.id, version, profile: opts.profile, timings, packages }, null, 2)}\n`,
  );
  return { host, version, packages, timings };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    const { packages, timings } = pack(opts);
    for (const p of packages) {
      console.log(`${path.join(opts.out, p.file)}\t${p.name}@${p.version}`);
    }
    if (timings.cargoMs !== undefined) {
      console.error(
        `npm-pack: cargo build took ${(timings.cargoMs / 1000).toFixed(1)} s`,
      );
    }
  } catch (error) {
    console.error(
      `npm-pack: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
}
