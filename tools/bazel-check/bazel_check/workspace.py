"""The Cargo and pnpm workspaces as the checker sees them."""

from __future__ import annotations

import glob as pyglob
import json
import os
import re
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


class WorkspaceError(Exception):
    """The Cargo or pnpm workspace could not be read."""


@dataclass(frozen=True)
class CargoDep:
    package: str  # the depended-on package name (Cargo's `package` key, else the key)
    kind: str  # "normal" | "dev" | "build"
    optional: bool
    rename: str | None
    path_dir: str | None  # repo-relative directory of a path dependency
    target: str | None  # cfg(...) expression for target-specific deps


@dataclass
class CargoTarget:
    name: str
    kinds: list[str]
    src_path: str  # package-relative
    harness: bool = True


@dataclass
class CargoPackage:
    name: str
    version: str
    edition: str
    dir: str  # repo-relative, "/"-separated
    manifest: str  # repo-relative
    targets: list[CargoTarget]
    deps: list[CargoDep]
    features: dict[str, list[str]]
    default_features: set[str] = field(default_factory=set)
    # `[package.metadata.bazel.c_library]`: C sources Bazel compiles with a
    # cc_library in place of the crate's build script (`srcs`, `deps`).
    c_library: dict | None = None

    def active_deps(self) -> list[CargoDep]:
        """Dependencies built with default features (optional ones only when enabled)."""
        enabled = self.enabled_optional()
        return [d for d in self.deps if not d.optional or (d.rename or d.package) in enabled]

    def enabled_optional(self) -> set[str]:
        names: set[str] = set()
        for feature in self.default_features:
            if feature not in self.features:
                names.add(feature)  # implicit feature of an optional dependency
                continue
            for item in self.features[feature]:
                if item.startswith("dep:"):
                    names.add(item[4:])
                elif "/" in item:
                    dep = item.split("/", 1)[0]
                    if not dep.endswith("?"):
                        names.add(dep)
        return names


def _feature_closure(features: dict[str, list[str]], start: list[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        feature = stack.pop()
        if feature in seen:
            continue
        seen.add(feature)
        for item in features.get(feature, []):
            if item.startswith("dep:") or "/" in item:
                continue
            stack.append(item)
    return seen


def cargo_metadata(root: Path) -> dict:
    try:
        proc = subprocess.run(
            ["cargo", "metadata", "--offline", "--format-version", "1", "--no-deps"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except FileNotFoundError as error:
        raise WorkspaceError("cargo is not installed") from error
    if proc.returncode != 0:
        raise WorkspaceError(f"cargo metadata failed in {root}:\n{proc.stderr.strip()}")
    return json.loads(proc.stdout)


def load_cargo(root: Path) -> list[CargoPackage]:
    if not (root / "Cargo.toml").exists():
        return []
    meta = cargo_metadata(root)
    workspace_root = Path(meta["workspace_root"]).resolve()
    members = set(meta["workspace_members"])
    packages = []
    for pkg in meta["packages"]:
        if pkg["id"] not in members:
            continue
        manifest = Path(pkg["manifest_path"]).resolve()
        pkg_dir = manifest.parent
        rel_dir = pkg_dir.relative_to(workspace_root).as_posix()
        targets = [
            CargoTarget(
                name=t["name"],
                kinds=t["kind"],
                src_path=Path(t["src_path"]).resolve().relative_to(pkg_dir).as_posix(),
                harness=t.get("harness", True),
            )
            for t in pkg["targets"]
        ]
        deps = []
        for d in pkg["dependencies"]:
            path_dir = None
            if d.get("path"):
                path_dir = Path(d["path"]).resolve().relative_to(workspace_root).as_posix()
            deps.append(
                CargoDep(
                    package=d["name"],
                    kind=d["kind"] or "normal",
                    optional=bool(d.get("optional")),
                    rename=d.get("rename"),
                    path_dir=path_dir,
                    target=d.get("target"),
                )
            )
        features = pkg.get("features", {})
        default = _feature_closure(features, ["default"]) if "default" in features else set()
        packages.append(
            CargoPackage(
                name=pkg["name"],
                version=pkg["version"],
                edition=pkg["edition"],
                dir=rel_dir,
                manifest=manifest.relative_to(workspace_root).as_posix(),
                targets=targets,
                deps=deps,
                features=features,
                default_features=default,
                c_library=((pkg.get("metadata") or {}).get("bazel") or {}).get("c_library"),
            )
        )
    return sorted(packages, key=lambda p: p.dir)


def cargo_lock_versions(root: Path) -> dict[str, list[str]]:
    return cargo_lock_versions_at(root / "Cargo.lock")


def cargo_lock_versions_at(lock: Path) -> dict[str, list[str]]:
    """Versions of each crates.io package in the lockfile `lock`."""
    if not lock.exists():
        return {}
    data = tomllib.loads(lock.read_text(encoding="utf-8"))
    versions: dict[str, list[str]] = {}
    for package in data.get("package", []):
        if package.get("source", "").startswith("registry+"):
            versions.setdefault(package["name"], []).append(package["version"])
    return versions


# Proc-macro crates commonly used directly; consulted when a crate's source is
# not in the local registry cache.
KNOWN_PROC_MACROS = {
    "async-trait",
    "clap_derive",
    "derive_more",
    "napi-derive",
    "pin-project",
    "rmcp-macros",
    "schemars_derive",
    "serde_derive",
    "strum_macros",
    "thiserror-impl",
    "tokio-macros",
    "tracing-attributes",
    "zerocopy-derive",
}


def is_proc_macro(crate: str, versions: list[str]) -> bool:
    home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    for version in versions:
        for manifest in pyglob.glob(str(home / "registry" / "src" / "*" / f"{crate}-{version}" / "Cargo.toml")):
            try:
                data = tomllib.loads(Path(manifest).read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                continue
            lib = data.get("lib", {})
            return bool(lib.get("proc-macro") or lib.get("proc_macro"))
    return crate in KNOWN_PROC_MACROS


@dataclass
class PnpmPackage:
    name: str
    dir: str  # repo-relative
    deps: set[str]


def _workspace_globs(path: Path) -> list[str]:
    globs = []
    in_packages = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not raw.startswith((" ", "-")):
            in_packages = line.strip() == "packages:"
            continue
        if in_packages:
            match = re.match(r"\s*-\s*['\"]?([^'\"]+)['\"]?\s*$", line)
            if match:
                globs.append(match.group(1))
    return globs


def package_json_deps(path: Path) -> set[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    deps: set[str] = set()
    for key in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
        deps |= set(data.get(key, {}))
    return deps


def load_pnpm(root: Path) -> list[PnpmPackage]:
    ws = root / "pnpm-workspace.yaml"
    if not ws.exists():
        return []
    packages = []
    for pattern in _workspace_globs(ws):
        if pattern.startswith("!"):
            continue
        for match in sorted(pyglob.glob(str(root / pattern))):
            pkg_json = Path(match) / "package.json"
            if not pkg_json.is_file():
                continue
            data = json.loads(pkg_json.read_text(encoding="utf-8"))
            packages.append(
                PnpmPackage(
                    name=data.get("name", ""),
                    dir=Path(match).resolve().relative_to(root.resolve()).as_posix(),
                    deps=package_json_deps(pkg_json),
                )
            )
    return packages
