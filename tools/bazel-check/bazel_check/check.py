"""Offline checks of MODULE.bazel, every BUILD.bazel and their agreement with the
Cargo and pnpm workspaces."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from .generate import Generator, format_with_buildifier
from .starlark import (
    Finding,
    Findings,
    Placeholder,
    Select,
    StarlarkFail,
    caller_line,
    evaluate,
    flatten_values,
    glob,
)
from .workspace import (
    CargoPackage,
    PnpmPackage,
    WorkspaceError,
    cargo_lock_versions_at,
    load_cargo,
    load_pnpm,
)

CRATE_EXTENSION = ("@rules_rust//crate_universe:extensions.bzl", "crate")

SKIP_DIRS = {".git", "node_modules", "target", "dist", ".drift", ".pnpm-store"}
BUILD_NAMES = ("BUILD.bazel", "BUILD")
FIXTURES = "tools/bazel-check/tests/fixtures"


@dataclass
class Target:
    name: str
    rule: str
    line: int
    attrs: dict[str, Any]
    schema: schema.Rule | None


@dataclass
class Package:
    path: str  # "" for the root package
    build_file: str  # repo-relative
    targets: dict[str, Target] = field(default_factory=dict)
    exported: set[str] = field(default_factory=set)
    npm_links: bool = False
    lines: list[str] = field(default_factory=list)
    outputs: set[str] = field(default_factory=set)  # predicted generated files

    def line_of(self, raw: str, start: int) -> int:
        """Line of the string literal `raw` at or after line `start` (1-based)."""
        needles = (f'"{raw}"', f"'{raw}'")
        for index in range(max(start - 1, 0), len(self.lines)):
            if any(n in self.lines[index] for n in needles):
                return index + 1
        return start


@dataclass
class Module:
    name: str = ""
    bazel_deps: dict[str, str] = field(default_factory=dict)  # repo name -> module name
    repos: set[str] = field(default_factory=set)  # all visible repo names
    crate_manifests: list[tuple[str, int, list[str]]] = field(default_factory=list)
    npm_repos: set[str] = field(default_factory=set)


# ====================================================================== labels


@dataclass(frozen=True)
class Label:
    repo: str | None  # None = main repository
    package: str
    name: str


def parse_label(raw: str, current: str) -> Label | None:
    if not isinstance(raw, str) or not raw:
        return None
    repo = None
    rest = raw
    if raw.startswith("@"):
        body = raw.lstrip("@")
        if "//" in body:
            repo, rest = body.split("//", 1)
            rest = "//" + rest
        else:
            repo, rest = body, "//:" + body
        if repo == "":
            repo = None
    if rest.startswith("//"):
        pkg, _, name = rest[2:].partition(":")
        if not name:
            name = pkg.rsplit("/", 1)[-1] if pkg else ""
        return Label(repo, pkg, name)
    if rest.startswith(":"):
        return Label(None, current, rest[1:])
    return Label(None, current, rest)


# ====================================================================== checker


class Checker:
    def __init__(self, root: Path, exclude: tuple[str, ...] = (FIXTURES,)):
        self.root = root.resolve()
        self.exclude = exclude
        self.findings = Findings()
        self.module = Module()
        self.packages: dict[str, Package] = {}
        self.cargo: list[CargoPackage] = []
        self.pnpm: list[PnpmPackage] = []

    # ------------------------------------------------------------ entry
    def run(self) -> list[Finding]:
        try:
            self.cargo = load_cargo(self.root)
        except WorkspaceError as error:
            self.findings.add("Cargo.toml", 1, str(error))
        try:
            self.pnpm = load_pnpm(self.root)
        except (OSError, ValueError) as error:
            self.findings.add("pnpm-workspace.yaml", 1, f"cannot read pnpm workspace: {error}")
        self.check_module()
        self.discover_packages()
        for pkg in sorted(self.packages.values(), key=lambda p: p.path):
            self.evaluate_build(pkg)
        for pkg in self.packages.values():
            self.check_labels(pkg)
        self.check_cargo()
        self.check_pnpm()
        self.check_workflow_copy()
        return self.findings.sorted()

    # ------------------------------------------------------------ MODULE
    def check_module(self) -> None:
        path = self.root / "MODULE.bazel"
        if not path.exists():
            self.findings.add("MODULE.bazel", 1, "MODULE.bazel is missing")
            return
        ext_calls: list[dict] = []
        use_repos: list[tuple[str, int, dict, list[str]]] = []
        toolchains: list[tuple[str, int, str]] = []
        state = {"file": "MODULE.bazel"}
        checker = self

        class ExtensionProxy:
            def __init__(self, spec, ext, line, file):
                self._spec = spec
                self._ext = ext
                self._line = line
                self._file = file
                self._tags: list[tuple[str, dict]] = []

            def __getattr__(self, tag):
                if tag.startswith("_"):
                    raise AttributeError(tag)

                def record(**kwargs):
                    file = state["file"]
                    line = caller_line(str(checker.root / file))
                    if self._ext is None:
                        return None
                    allowed = self._ext.tags.get(tag)
                    if allowed is None:
                        checker.findings.add(
                            file,
                            line,
                            f"extension '{self._spec[1]}' from {self._spec[0]} has no tag class '{tag}'",
                        )
                        return None
                    for key in kwargs:
                        if key not in allowed:
                            checker.findings.add(
                                file,
                                _kwarg_line(checker.root / file, line, key),
                                f"unknown attribute '{key}' for tag {self._spec[1]}.{tag}",
                            )
                    self._tags.append((tag, kwargs))
                    if tag == "from_cargo":
                        checker.module.crate_manifests.append(
                            (file, line, list(kwargs.get("manifests", [])))
                        )
                    return None

                return record

        def module(name="", version="", **kwargs):
            self.module.name = name
            self.module.repos.add(name)

        def bazel_dep(name, version="", repo_name=None, dev_dependency=False, max_compatibility_level=-1):
            repo = repo_name or name
            self.module.bazel_deps[repo] = name
            self.module.repos.add(repo)

        def use_extension(bzl, name, dev_dependency=False, isolate=False):
            file = state["file"]
            line = caller_line(str(self.root / file))
            label = parse_label(bzl, "")
            if label is not None and label.repo is not None and label.repo not in self.module.bazel_deps:
                self.findings.add(
                    file, line, f"use_extension: repository '@{label.repo}' is not a bazel_dep"
                )
            ext = schema.EXTENSIONS.get((bzl, name))
            if ext is None:
                self.findings.add(file, line, f"unknown module extension '{name}' in {bzl}")
            proxy = ExtensionProxy((bzl, name), ext, line, file)
            ext_calls.append({"proxy": proxy})
            return proxy

        def use_repo(proxy, *names, **aliases):
            file = state["file"]
            line = caller_line(str(self.root / file))
            use_repos.append((file, line, {"proxy": proxy}, list(names) + list(aliases.values())))
            for n in names:
                self.module.repos.add(n)
            for alias in aliases:
                self.module.repos.add(alias)

        def register_toolchains(*labels, dev_dependency=False):
            file = state["file"]
            line = caller_line(str(self.root / file))
            for raw in labels:
                toolchains.append((file, line, raw))

        def include(label):
            file = state["file"]
            line = caller_line(str(self.root / file))
            parsed = parse_label(label, "")
            if parsed is None or parsed.repo is not None or not parsed.name.endswith(".MODULE.bazel"):
                self.findings.add(file, line, f"include: '{label}' must be a main-repo *.MODULE.bazel label")
                return
            rel = f"{parsed.package}/{parsed.name}" if parsed.package else parsed.name
            target = self.root / rel
            if not target.exists():
                self.findings.add(file, line, f"include: file {rel} does not exist")
                return
            previous = state["file"]
            state["file"] = rel
            evaluate(target, rel, symbols, self.findings)
            state["file"] = previous

        def _noop(*args, **kwargs):
            return None

        symbols = {
            "module": module,
            "bazel_dep": bazel_dep,
            "use_extension": use_extension,
            "use_repo": use_repo,
            "register_toolchains": register_toolchains,
            "register_execution_platforms": _noop,
            "include": include,
            "single_version_override": _noop,
            "multiple_version_override": _noop,
            "archive_override": _noop,
            "git_override": _noop,
            "local_path_override": _noop,
            "use_repo_rule": lambda bzl, name: _noop,
        }
        evaluate(path, "MODULE.bazel", symbols, self.findings)

        self.module.repos |= {"bazel_tools", "local_config_platform"}
        for file, line, holder, names in use_repos:
            proxy = holder["proxy"]
            if not hasattr(proxy, "_ext") or proxy._ext is None:
                continue
            created = schema.extension_repos(proxy._ext, proxy._tags)
            if proxy._spec == CRATE_EXTENSION:
                created |= self.crate_spoke_repos(proxy._tags)
            for n in names:
                if n not in created:
                    self.findings.add(
                        file,
                        line,
                        f"use_repo: extension '{proxy._spec[1]}' does not create a repository named '{n}'",
                    )
        for call in ext_calls:
            proxy = call["proxy"]
            for tag, kwargs in proxy._tags:
                if tag == "npm_translate_lock":
                    self.module.npm_repos.add(kwargs.get("name", "npm"))
        for file, line, raw in toolchains:
            label = parse_label(raw, "")
            if label is not None and label.repo is not None and label.repo not in self.module.repos:
                self.findings.add(file, line, f"register_toolchains: repository '@{label.repo}' is not visible (missing use_repo/bazel_dep)")

        # The crate universe manifests must list every workspace member.
        members = {f"//{p.dir}:Cargo.toml" for p in self.cargo} | ({"//:Cargo.toml"} if self.cargo else set())
        for file, line, manifests in self.module.crate_manifests:
            listed = set(manifests)
            for missing in sorted(members - listed):
                self.findings.add(file, line, f"crate.from_cargo manifests is missing {missing} (run run.py --write)")
            for extra in sorted(listed - members):
                self.findings.add(file, line, f"crate.from_cargo manifests lists {extra}, which is not a Cargo workspace member")

    def crate_spoke_repos(self, tags: list[tuple[str, dict]]) -> set[str]:
        """crate_universe's repository per locked crates.io package,
        `<hub>__<crate>-<version>` (what a use_repo may name to reach a
        crate's own targets, such as an annotation's additions)."""
        repos: set[str] = set()
        for tag, kwargs in tags:
            if tag != "from_cargo":
                continue
            label = parse_label(kwargs.get("cargo_lockfile", "//:Cargo.lock"), "")
            if label is None or label.repo is not None:
                continue
            lock = self.root / label.package / label.name
            hub = kwargs.get("name", "crates")
            for name, versions in cargo_lock_versions_at(lock).items():
                repos |= {f"{hub}__{name}-{v}" for v in versions}
        return repos

    # ------------------------------------------------------------ packages
    def discover_packages(self) -> None:
        for dirpath, dirnames, filenames in os.walk(self.root):
            rel = Path(dirpath).relative_to(self.root).as_posix()
            rel = "" if rel == "." else rel
            dirnames[:] = sorted(
                d
                for d in dirnames
                if d not in SKIP_DIRS
                and not d.startswith("bazel-")
                and not any((f"{rel}/{d}" if rel else d) == e for e in self.exclude)
            )
            for build in BUILD_NAMES:
                if build in filenames:
                    self.packages[rel] = Package(rel, f"{rel}/{build}" if rel else build)
                    break

    def is_package(self, path: str) -> bool:
        return path in self.packages

    def evaluate_build(self, pkg: Package, source: str | None = None) -> None:
        display = pkg.build_file
        pkg_dir = self.root / pkg.path
        file_path = str(self.root / pkg.build_file)
        if source is None:
            source = (self.root / pkg.build_file).read_text(encoding="utf-8")
        pkg.lines = source.splitlines()
        checker = self

        def line() -> int:
            return caller_line(file_path)

        def declare(rule: schema.Rule | None, rule_name: str, kwargs: dict) -> None:
            ln = line()
            name = kwargs.get("name")
            if not isinstance(name, str) or not name:
                checker.findings.add(display, ln, f"{rule_name}() needs a string 'name'")
                return
            if rule is not None:
                allowed = rule.all_attrs()
                for key in kwargs:
                    if key not in allowed:
                        checker.findings.add(
                            display,
                            _kwarg_line_in(pkg.lines, ln, key),
                            f"unknown attribute '{key}' for {rule_name} (source: {rule.source})",
                        )
            if name in pkg.targets:
                first = pkg.targets[name]
                checker.findings.add(
                    display, ln, f"duplicate target '{name}' (first defined at line {first.line})"
                )
                return
            pkg.targets[name] = Target(name, rule_name, ln, kwargs, rule)
            if rule_name == "rust_test_suite":
                # The macro also declares one rust_test per src: `<name>_<src minus .rs>`.
                shared = kwargs.get("shared_srcs") or []
                for src in kwargs.get("srcs") or []:
                    if not isinstance(src, str) or src in shared:
                        continue
                    if not src.endswith(".rs"):
                        checker.findings.add(display, ln, f"{name}.srcs: '{src}' does not end in .rs")
                        continue
                    test = f"{name}_{src[:-3]}"
                    if test in pkg.targets:
                        checker.findings.add(
                            display, ln, f"duplicate target '{test}' (first defined at line {pkg.targets[test].line})"
                        )
                    else:
                        pkg.targets[test] = Target(test, "rust_test", ln, {}, None)
            if rule_name == "ts_project":
                pkg.outputs |= _ts_outputs(kwargs)

        def make_rule(rule: schema.Rule):
            def call(*args, **kwargs):
                if args:
                    checker.findings.add(display, line(), f"{rule.name}() takes keyword arguments only")
                declare(rule, rule.name, kwargs)
                if rule.name == "npm_link_all_packages":
                    pkg.npm_links = True
                    pkg.targets.setdefault(
                        kwargs.get("name", "node_modules"),
                        Target(kwargs.get("name", "node_modules"), rule.name, line(), kwargs, rule),
                    )
                return None

            return call

        holder: dict[str, Any] = {}

        def load(bzl, *names, **aliased):
            scope = holder["scope"]
            ln = line()
            exports = self.resolve_load(display, ln, bzl, pkg.path)
            if exports is None:
                for n in list(names) + list(aliased):
                    scope[n] = Placeholder()
                return
            for local, remote in [(n, n) for n in names] + list(aliased.items()):
                if remote not in exports:
                    checker.findings.add(display, ln, f"load: '{remote}' is not exported by {bzl}")
                    scope[local] = Placeholder()
                    continue
                value = exports[remote]
                scope[local] = make_rule(value) if isinstance(value, schema.Rule) else value

        def package(**kwargs):
            return None

        def exports_files(srcs, visibility=None, licenses=None):
            for src in srcs:
                pkg.exported.add(src)
                if not (pkg_dir / src).exists():
                    checker.findings.add(display, line(), f"exports_files: {src} does not exist")

        def glob_(include, exclude=None, exclude_directories=1, allow_empty=False):
            result = glob(pkg_dir, list(include), list(exclude or []))
            if not result and not allow_empty:
                checker.findings.add(
                    display, line(), f"glob({list(include)}) matches no files (set allow_empty = True)"
                )
            return result

        def select(branches, no_match_error=""):
            return Select(dict(branches))

        def fail(msg="", *args, **kwargs):
            raise StarlarkFail(line(), f"fail(): {msg}")

        native_symbols = {name: make_rule(rule) for name, rule in schema.NATIVE_RULES.items()}
        symbols = {
            "load": load,
            "package": package,
            "exports_files": exports_files,
            "glob": glob_,
            "select": select,
            "package_name": lambda: pkg.path,
            "repository_name": lambda: "@",
            "Label": lambda s: s,
            "fail": fail,
            "licenses": lambda *a, **k: None,
            **native_symbols,
        }
        evaluate(
            self.root / pkg.build_file,
            display,
            symbols,
            self.findings,
            source=source,
            on_scope=lambda scope: holder.__setitem__("scope", scope),
        )

    def resolve_load(self, display: str, line: int, bzl: str, current: str) -> dict | None:
        label = parse_label(bzl, current)
        if label is None or not label.name.endswith(".bzl"):
            self.findings.add(display, line, f"load: '{bzl}' is not a .bzl label")
            return None
        if label.repo is None:
            rel = f"{label.package}/{label.name}" if label.package else label.name
            if not (self.root / rel).exists():
                self.findings.add(display, line, f"load: file {rel} does not exist")
                return None
            if label.package not in self.packages:
                self.findings.add(display, line, f"load: {rel} is not in a package (no BUILD.bazel in //{label.package})")
            # Local .bzl files are not evaluated; their symbols are accepted as-is.
            return _AnyExports()
        if label.repo not in self.module.repos:
            self.findings.add(
                display, line, f"load: repository '@{label.repo}' is not brought in by use_repo/bazel_dep"
            )
            return None
        key = f"@{label.repo}//{label.package}:{label.name}"
        if key in schema.EXTERNAL_BZL:
            return schema.EXTERNAL_BZL[key]
        if label.repo in self.module.npm_repos:
            if label.package == "" and label.name == "defs.bzl":
                return schema.NPM_DEFS_BZL
            if label.name.endswith("/package_json.bzl"):
                npm_name = label.name[: -len("/package_json.bzl")]
                deps = self.package_json_deps(label.package)
                if deps is None:
                    self.findings.add(display, line, f"load: {label.package or '.'}/package.json does not exist")
                elif npm_name not in deps:
                    self.findings.add(
                        display,
                        line,
                        f"load: npm package '{npm_name}' is not a dependency in {label.package + '/' if label.package else ''}package.json",
                    )
                return {"bin": Placeholder(), "bin_factory": Placeholder()}
        self.findings.add(display, line, f"load: unknown file {key} (not in the checker's stub tables)")
        return None

    def package_json_deps(self, package: str) -> set[str] | None:
        path = self.root / package / "package.json"
        if not path.exists():
            return None
        from .workspace import package_json_deps

        return package_json_deps(path)

    # ------------------------------------------------------------ labels
    def check_labels(self, pkg: Package) -> None:
        for target in pkg.targets.values():
            label_attrs = target.schema.label_attrs if target.schema else frozenset()
            for attr in label_attrs:
                if attr not in target.attrs:
                    continue
                for value in flatten_values(target.attrs[attr]):
                    if isinstance(value, str):
                        self.check_label(pkg, target, attr, value)

    def check_label(self, pkg: Package, target: Target, attr: str, raw: str) -> None:
        display = pkg.build_file
        label = parse_label(raw, pkg.path)
        if label is None:
            return
        target = _AtLine(target, pkg.line_of(raw, target.line))
        if label.repo is not None:
            if label.repo not in self.module.repos:
                self.findings.add(
                    display,
                    target.line,
                    f"{target.name}.{attr}: repository '@{label.repo}' is not brought in by use_repo/bazel_dep",
                )
                return
            if label.repo == "crates":
                names = {d.package for p in self.cargo for d in p.deps if d.path_dir is None}
                if label.name not in names:
                    self.findings.add(
                        display,
                        target.line,
                        f"{target.name}.{attr}: '{raw}' is not a dependency of any Cargo.toml in the workspace",
                    )
            return
        if label.name.startswith("node_modules/") or label.name == "node_modules":
            self.check_npm_label(pkg, target, attr, raw, label)
            return
        if label.package not in self.packages:
            self.findings.add(
                display, target.line, f"{target.name}.{attr}: '{raw}' names package //{label.package}, which does not exist"
            )
            return
        other = self.packages[label.package]
        if label.name in other.targets or label.name in other.outputs:
            return
        file_rel = f"{label.package}/{label.name}" if label.package else label.name
        if self._is_source_file(file_rel) and not self._crosses_package(label.package, label.name):
            if label.package != pkg.path and label.name not in other.exported:
                self.findings.add(
                    display,
                    target.line,
                    f"{target.name}.{attr}: '{raw}' is a file of //{label.package} that is not exported (exports_files)",
                )
            return
        self.findings.add(
            display,
            target.line,
            f"{target.name}.{attr}: '{raw}' names no target or file in //{label.package}",
        )

    def _is_source_file(self, rel: str) -> bool:
        """A file Bazel sees as a source: exists, and not under a build-output directory."""
        if any(part in SKIP_DIRS or part.startswith("bazel-") for part in rel.split("/")[:-1]):
            return False
        return (self.root / rel).exists()

    def _crosses_package(self, package: str, name: str) -> bool:
        parts = name.split("/")[:-1]
        prefix = package
        for part in parts:
            prefix = f"{prefix}/{part}" if prefix else part
            if prefix in self.packages:
                return True
        return False

    def check_npm_label(self, pkg: Package, target, attr: str, raw: str, label: Label) -> None:
        display = pkg.build_file
        owner = self.packages.get(label.package)
        where = label.package or "."
        if owner is None or not owner.npm_links:
            self.findings.add(
                display,
                target.line,
                f"{target.name}.{attr}: '{raw}' needs npm_link_all_packages(name = \"node_modules\") in //{label.package}",
            )
            return
        npm_name = label.name[len("node_modules/"):] if label.name != "node_modules" else ""
        if not npm_name:
            return
        deps = self.package_json_deps(label.package)
        if deps is None:
            self.findings.add(display, target.line, f"{target.name}.{attr}: {where}/package.json does not exist")
        elif npm_name not in deps:
            self.findings.add(
                display,
                target.line,
                f"{target.name}.{attr}: npm package '{npm_name}' is not a dependency in {label.package + '/' if label.package else ''}package.json",
            )

    # ------------------------------------------------------------ cargo
    def check_cargo(self) -> None:
        if not self.cargo:
            return
        generator = Generator(self.root, self.cargo)
        for pkg_dir, message in generator.errors:
            self.findings.add(f"{pkg_dir}/Cargo.toml", 1, message)
        for cpkg in self.cargo:
            build = self.packages.get(cpkg.dir)
            if build is None:
                self.findings.add(
                    cpkg.manifest, 1, f"Cargo workspace member {cpkg.name} has no BUILD.bazel (run run.py --write)"
                )
                continue
            self.check_crate_deps(cpkg, build, generator)
            self.check_stale(cpkg, build, generator)

    def check_crate_deps(self, cpkg: CargoPackage, build: Package, generator: Generator) -> None:
        display = build.build_file
        declared = {d.package for d in cpkg.deps if d.path_dir is None}
        rust_targets = [t for t in build.targets.values() if t.rule.startswith("rust_") or t.rule == "cargo_build_script"]
        used: dict[str, dict[str, int]] = {"normal": {}, "dev": {}, "build": {}}
        for t in rust_targets:
            role = "build" if t.rule == "cargo_build_script" else ("dev" if t.rule in ("rust_test", "rust_test_suite") or t.attrs.get("testonly") else "normal")
            for attr in ("deps", "proc_macro_deps"):
                for value in flatten_values(t.attrs.get(attr, [])):
                    if not isinstance(value, str):
                        continue
                    label = parse_label(value, build.path)
                    if label is None:
                        continue
                    key = f"@crates:{label.name}" if label.repo == "crates" else (
                        f"//{label.package}" if label.repo is None and label.package != build.path else None
                    )
                    if key is None:
                        continue
                    used[role].setdefault(key, t.line)
                    if label.repo == "crates" and label.name not in declared:
                        self.findings.add(
                            display,
                            build.line_of(value, t.line),
                            f"{t.name}: '@crates//:{label.name}' is not a dependency in {cpkg.manifest}",
                        )
        for dep in cpkg.active_deps():
            if dep.kind == "build" and cpkg.c_library is not None:
                continue  # the build script is not run under Bazel (a cc_library is)
            key = f"@crates:{dep.package}" if dep.path_dir is None else f"//{dep.path_dir}"
            roles = {"normal": ("normal",), "dev": ("dev",), "build": ("build",)}[dep.kind]
            if dep.kind == "normal":
                ok = key in used["normal"] or (key in used["dev"] and not any(
                    t.rule in ("rust_library", "rust_binary", "rust_shared_library", "rust_proc_macro") for t in rust_targets
                ))
            else:
                ok = any(key in used[r] for r in roles) or (dep.kind == "dev" and key in used["normal"])
            if not ok:
                label = f"@crates//:{dep.package}" if dep.path_dir is None else f"//{dep.path_dir}"
                wanted = {
                    "normal": ("rust_library", "rust_shared_library", "rust_proc_macro", "rust_binary"),
                    "dev": ("rust_test", "rust_test_suite"),
                    "build": ("cargo_build_script",),
                }[dep.kind]
                line = min((t.line for t in rust_targets if t.rule in wanted), default=1)
                self.findings.add(
                    display,
                    line,
                    f"Cargo {dep.kind} dependency '{dep.package}' of {cpkg.name} is missing from this BUILD file ({label})",
                )

    def check_stale(self, cpkg: CargoPackage, build: Package, generator: Generator) -> None:
        expected = generator.render(cpkg)
        expected_pkg = Package(build.path, f"{build.path}/<generated BUILD.bazel>")
        saved = self.findings
        self.findings = Findings()
        try:
            self.evaluate_build(expected_pkg, source=expected)
        finally:
            self.findings = saved
        if _canonical(expected_pkg) != _canonical(build):
            self.findings.add(
                build.build_file,
                1,
                f"stale: does not match what `run.py --write` generates from {cpkg.manifest}; regenerate it",
            )

    # ------------------------------------------------------------ pnpm
    def check_pnpm(self) -> None:
        ignore_file = self.root / ".bazelignore"
        if self.pnpm and ignore_file.exists():
            ignored = {
                line.strip().rstrip("/")
                for line in ignore_file.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")
            }
            # npm_translate_lock(verify_node_modules_ignored) needs every node_modules listed.
            for where in ["node_modules"] + [f"{p.dir}/node_modules" for p in self.pnpm]:
                if where not in ignored:
                    self.findings.add(".bazelignore", 1, f"{where} is not listed (pnpm creates it; Bazel must ignore it)")
        for ppkg in self.pnpm:
            if ppkg.dir not in self.packages:
                self.findings.add(
                    f"{ppkg.dir}/package.json", 1, f"pnpm workspace package {ppkg.name} has no BUILD.bazel"
                )

    # ------------------------------------------------------------ CI copy
    def check_workflow_copy(self) -> None:
        source = self.root / "ci" / "workflows" / "ci.yml"
        copy = self.root / ".github" / "workflows" / "ci.yml"
        if source.exists() and copy.exists() and not copy.is_symlink():
            if source.read_bytes() != copy.read_bytes():
                self.findings.add(
                    ".github/workflows/ci.yml", 1, "differs from ci/workflows/ci.yml (copy it over)"
                )


def _kwarg_line(path: Path, start: int, key: str) -> int:
    """Line of `key =` at or after line `start` in `path` (falls back to `start`)."""
    return _kwarg_line_in(path.read_text(encoding="utf-8").splitlines(), start, key)


def _kwarg_line_in(lines: list[str], start: int, key: str) -> int:
    import re

    pattern = re.compile(rf"\b{re.escape(key)}\s*=")
    for index in range(max(start - 1, 0), len(lines)):
        if pattern.search(lines[index]):
            return index + 1
    return start


_TS_EXTS = {".ts": ".js", ".tsx": ".js", ".mts": ".mjs", ".cts": ".cjs"}


def _ts_outputs(kwargs: dict) -> set[str]:
    """Files rules_ts' ts_project predicts: .js (+ .d.ts with declaration) per source."""
    out_dir = str(kwargs.get("out_dir") or "").strip("/")
    root_dir = str(kwargs.get("root_dir") or "").strip("/")
    outputs: set[str] = set()
    srcs = kwargs.get("srcs") or []
    for src in flatten_values(srcs):
        if not isinstance(src, str) or src.endswith(".d.ts"):
            continue
        stem, dot, ext = src.rpartition(".")
        js_ext = _TS_EXTS.get(f".{ext}")
        if not dot or js_ext is None:
            continue
        rel = stem
        if root_dir and rel.startswith(root_dir + "/"):
            rel = rel[len(root_dir) + 1 :]
        base = f"{out_dir}/{rel}" if out_dir else rel
        if not kwargs.get("emit_declaration_only") and not kwargs.get("no_emit"):
            outputs.add(base + js_ext)
        if kwargs.get("declaration") or kwargs.get("composite"):
            outputs.add(base + {".js": ".d.ts", ".mjs": ".d.mts", ".cjs": ".d.cts"}[js_ext])
    return outputs


class _AtLine:
    """A target viewed at a more precise line (where the offending label is)."""

    def __init__(self, target: Target, line: int):
        self._target = target
        self.line = line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


class _AnyExports(dict):
    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> Any:
        return Placeholder()


def _canonical(pkg: Package) -> list:
    out = []
    for name in sorted(pkg.targets):
        t = pkg.targets[name]
        attrs = {k: _norm(v) for k, v in t.attrs.items()}
        out.append((t.rule, name, sorted(attrs.items(), key=lambda kv: kv[0])))
    return out


def _norm(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        items = [_norm(v) for v in value]
        try:
            return tuple(sorted(items))
        except TypeError:
            return tuple(items)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _norm(v)) for k, v in value.items()))
    if isinstance(value, Select):
        return ("select", _norm(value.branches))
    return value


def write_rust_builds(root: Path) -> list[str]:
    """Regenerate every crate's BUILD.bazel and the crate_universe manifests list."""
    root = root.resolve()
    packages = load_cargo(root)
    generator = Generator(root, packages)
    written = []
    for pkg in packages:
        path = root / pkg.dir / "BUILD.bazel"
        content = format_with_buildifier(root, generator.render(pkg), f"{pkg.dir}/BUILD.bazel")
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            written.append(f"{pkg.dir}/BUILD.bazel")
    rust_module = root / "tools" / "rust.MODULE.bazel"
    if rust_module.exists():
        text = rust_module.read_text(encoding="utf-8")
        begin, end = "# BEGIN generated manifests", "# END generated manifests"
        if begin in text and end in text:
            head, rest = text.split(begin, 1)
            _, tail = rest.split(end, 1)
            indent = head.rsplit("\n", 1)[-1]
            entries = ["//:Cargo.toml"] + [f"//{p.dir}:Cargo.toml" for p in packages]
            body = "".join(f'{indent}"{e}",\n' for e in entries)
            new = f"{head}{begin} (run.py --write)\n{body}{indent}{end}{tail}"
            new = new.replace(f"{begin} (run.py --write) (run.py --write)", f"{begin} (run.py --write)")
            if new != text:
                rust_module.write_text(new, encoding="utf-8")
                written.append("tools/rust.MODULE.bazel")
    return written
