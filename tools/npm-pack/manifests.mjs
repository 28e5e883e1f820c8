#!/usr/bin/env node
// Generates the per-platform addon manifests under ts/npm/drift-<id>/ from
// targets.mjs and the workspace version. `--check` fails (exit 1) if a
// committed manifest differs from what would be generated; `--write`
// rewrites them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import {
  TARGETS,
  addonFileName,
  addonManifestDir,
  addonPackageName,
} from "./targets.mjs";

export const REPO_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../..",
);

/** The `[workspace.package] version` from the root Cargo.toml. */
export function workspaceVersion(repoRoot = REPO_ROOT) {
  const toml = readFileSync(path.join(repoRoot, "Cargo.toml"), "utf8");
  const section = toml.split(/^\[workspace\.package\]\s*$/m)[1];
  const match = section?.split(/^\[/m)[0]?.match(/^version\s*=\s*"([^"]+)"/m);
  if (!match) {
    throw new Error("no [workspace.package] version in Cargo.toml");
  }
  return match[1];
}

const LIBC = { gnu: "glibc", musl: "musl" };

export function addonManifest(target, version) {
  const manifest = {
    name: addonPackageName(target),
    version,
    description: `The Drift Node.js addon for ${target.rustTriple}. Installed automatically by @driftcode/drift; do not depend on it directly.`,
    license: "Apache-2.0",
    repository: {
      type: "git",
      url: "git+https://github.com/drift-dev/drift.git",
      directory: addonManifestDir(target),
    },
    os: [target.platform],
    cpu: [target.arch],
  };
  if (target.libc !== null) {
    manifest.libc = [LIBC[target.libc]];
  }
  Object.assign(manifest, {
    main: addonFileName(target),
    files: [addonFileName(target)],
    engines: { node: ">=20.19.0" },
    publishConfig: { access: "public" },
  });
  return manifest;
}

export function addonReadme(target) {
  const name = addonPackageName(target);
  return `# ${name}

The Drift Node.js addon built for \`${target.rustTriple}\`, shipped as \`${addonFileName(target)}\` (this package's \`main\`).

This package is an optional dependency of [\`@driftcode/drift\`](../../drift/README.md), whose loader
selects it by \`process.platform\`, \`process.arch\` and (on Linux) the C library. Install
\`@driftcode/drift\` rather than this package. The \`.node\` file is added by \`tools/npm-pack\`
(host platform) or the release pipeline; it is absent from the source tree.
`;
}

function render(value) {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Returns the list of files whose content differs from the generated one. */
export function syncManifests({ write, repoRoot = REPO_ROOT } = {}) {
  const version = workspaceVersion(repoRoot);
  const stale = [];
  for (const target of TARGETS) {
    const dir = path.join(repoRoot, addonManifestDir(target));
    const files = {
      "package.json": render(addonManifest(target, version)),
      "README.md": addonReadme(target),
    };
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(dir, name);
      const current = existsSync(file) ? readFileSync(file, "utf8") : null;
      if (current !== content) {
        stale.push(path.relative(repoRoot, file));
        if (write) {
          mkdirSync(dir, { recursive: true });
          writeFileSync(file, content);
        }
      }
    }
  }
  return stale;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const write = process.argv.includes("--write");
  const stale = syncManifests({ write });
  if (write) {
    console.log(
      stale.length === 0 ? "manifests up to date" : `wrote ${stale.join(", ")}`,
    );
  } else if (stale.length > 0) {
    console.error(
      `out of date (run node tools/npm-pack/manifests.mjs --write): ${stale.join(", ")}`,
    );
    process.exit(1);
  } else {
    console.log("manifests up to date");
  }
}
