"""Evaluates BUILD/MODULE/.bzl files as a Starlark subset by executing them as
Python against stub functions. Undefined names do not abort evaluation: they are
reported and replaced by an inert placeholder so later findings still appear."""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable


@dataclass(order=True, frozen=True)
class Finding:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class Findings:
    def __init__(self) -> None:
        self.items: list[Finding] = []

    def add(self, path: str, line: int, message: str) -> None:
        finding = Finding(path, line, message)
        if finding not in self.items:
            self.items.append(finding)

    def sorted(self) -> list[Finding]:
        return sorted(self.items)


class Placeholder:
    """Stands in for an undefined symbol: callable, indexable, attribute-able."""

    def __call__(self, *args: Any, **kwargs: Any) -> "Placeholder":
        return self

    def __getattr__(self, name: str) -> "Placeholder":
        return self

    def __getitem__(self, key: Any) -> "Placeholder":
        return self

    def __iter__(self):
        return iter(())

    def __add__(self, other: Any) -> Any:
        return other

    __radd__ = __add__


@dataclass
class Select:
    branches: dict[str, Any]

    def __add__(self, other: Any) -> "SelectSum":
        return SelectSum([self, other])

    def __radd__(self, other: Any) -> "SelectSum":
        return SelectSum([other, self])


@dataclass
class SelectSum:
    parts: list[Any]

    def __add__(self, other: Any) -> "SelectSum":
        return SelectSum(self.parts + [other])

    def __radd__(self, other: Any) -> "SelectSum":
        return SelectSum([other] + self.parts)


def flatten_values(value: Any) -> list[Any]:
    """All leaf values of an attribute, looking through select() branches."""
    if isinstance(value, Select):
        out: list[Any] = []
        for branch in value.branches.values():
            out.extend(flatten_values(branch))
        return out
    if isinstance(value, SelectSum):
        out = []
        for part in value.parts:
            out.extend(flatten_values(part))
        return out
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            out.extend(flatten_values(item))
        return out
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            out.extend(flatten_values(key))
            out.extend(flatten_values(item))
        return out
    return [value]


class Scope(dict):
    """Module-level namespace: reports undefined names instead of raising."""

    def __init__(self, on_missing: Callable[[str, int], None], path: str) -> None:
        super().__init__()
        self._on_missing = on_missing
        self._path = path

    def __missing__(self, key: str) -> Any:
        if key in ("__builtins__",):
            raise KeyError(key)
        line = caller_line(self._path)
        self._on_missing(key, line)
        placeholder = Placeholder()
        self[key] = placeholder
        return placeholder


def caller_line(path: str) -> int:
    """Line number of the innermost frame executing `path` (the evaluated file)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == path:
            return frame.f_lineno
        frame = frame.f_back
    return 1


SAFE_BUILTINS = {
    name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
    for name in (
        "True",
        "False",
        "None",
        "len",
        "list",
        "dict",
        "str",
        "int",
        "bool",
        "range",
        "sorted",
        "enumerate",
        "zip",
        "any",
        "all",
        "min",
        "max",
        "reversed",
        "hasattr",
        "getattr",
        "repr",
        "type",
        "tuple",
        "abs",
        "print",
        "isinstance",
        "KeyError",
        "IndexError",
        "ValueError",
        "TypeError",
        "Exception",
    )
}


def evaluate(
    path: Path,
    display: str,
    symbols: dict[str, Any],
    findings: Findings,
    extra_scope: dict[str, Any] | None = None,
    source: str | None = None,
    on_scope: Callable[[Scope], None] | None = None,
) -> Scope:
    """Execute one file with `symbols` predeclared; return its final namespace."""
    if source is None:
        source = path.read_text(encoding="utf-8")
    filename = str(path)

    def on_missing(name: str, line: int) -> None:
        findings.add(display, line, f"undefined symbol '{name}'")

    scope = Scope(on_missing, filename)
    scope.update(symbols)
    if extra_scope:
        scope.update(extra_scope)
    if on_scope is not None:
        on_scope(scope)
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as error:
        findings.add(display, error.lineno or 1, f"syntax error: {error.msg}")
        return scope
    scope["__builtins__"] = SAFE_BUILTINS
    scope["__name__"] = display
    try:
        # One namespace for globals and locals, so comprehensions see loaded symbols.
        exec(code, scope)  # noqa: S102 - trusted repository files
    except StarlarkFail as error:
        findings.add(display, error.line, error.message)
    except Exception as error:  # noqa: BLE001 - report any evaluation error as a finding
        line = _traceback_line(error, filename)
        findings.add(display, line, f"evaluation error: {type(error).__name__}: {error}")
    return scope


class StarlarkFail(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _traceback_line(error: BaseException, filename: str) -> int:
    tb = error.__traceback__
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


# ---------------------------------------------------------------- glob()

_SKIP_DIRS = {".git", "node_modules", "target", "dist"}


def glob(
    package_dir: Path,
    include: list[str],
    exclude: list[str] | None = None,
    exclude_directories: int = 1,
) -> list[str]:
    """Bazel glob() over source files of a package (subpackages excluded)."""
    files = list(_package_files(package_dir))
    out = set()
    for pattern in include:
        rx = _glob_regex(pattern)
        out |= {f for f in files if rx.fullmatch(f)}
    for pattern in exclude or []:
        rx = _glob_regex(pattern)
        out = {f for f in out if not rx.fullmatch(f)}
    return sorted(out)


def _package_files(package_dir: Path):
    for root, dirs, files in os.walk(package_dir):
        rel_root = os.path.relpath(root, package_dir)
        keep = []
        for d in dirs:
            if d in _SKIP_DIRS or d.startswith("bazel-"):
                continue
            sub = Path(root) / d
            if (sub / "BUILD.bazel").exists() or (sub / "BUILD").exists():
                continue  # a subpackage
            keep.append(d)
        dirs[:] = keep
        for name in files:
            yield name if rel_root == "." else f"{rel_root}/{name}".replace(os.sep, "/")


_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def _glob_regex(pattern: str) -> re.Pattern[str]:
    cached = _GLOB_CACHE.get(pattern)
    if cached is not None:
        return cached
    parts = pattern.split("/")
    rx = ""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            rx += "(?:.*/)?" if not last else ".*"
        else:
            piece = fnmatch.translate(part).removeprefix("(?s:").removesuffix(")\\Z")
            rx += piece.replace(".*", "[^/]*")
            if not last:
                rx += "/"
    compiled = re.compile(rx)
    _GLOB_CACHE[pattern] = compiled
    return compiled
