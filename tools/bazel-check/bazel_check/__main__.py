"""CLI: `python3 tools/bazel-check/run.py [--write] [--root DIR]`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import shutil
import subprocess
import tempfile

from .check import Checker, write_rust_builds
from .workspace import WorkspaceError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bazel-check",
        description="Offline checks of MODULE.bazel and BUILD.bazel files against the Cargo and pnpm workspaces.",
    )
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[3])
    parser.add_argument(
        "--write",
        "--fix",
        action="store_true",
        help="regenerate Rust BUILD.bazel files and the crate_universe manifests list first",
    )
    parser.add_argument(
        "--write-from-head",
        action="store_true",
        help="regenerate from the committed (HEAD) manifests and sources, so the BUILD files "
        "you commit match what is committed even while others have uncommitted edits",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    if args.write_from_head:
        try:
            for path in write_from_head(args.root):
                print(f"wrote {path}")
        except (WorkspaceError, subprocess.CalledProcessError) as error:
            print(f"bazel-check: {error}", file=sys.stderr)
            return 2
        return 0
    if args.write:
        try:
            for path in write_rust_builds(args.root):
                print(f"wrote {path}")
        except WorkspaceError as error:
            print(f"bazel-check: {error}", file=sys.stderr)
            return 2
    findings = Checker(args.root).run()
    for finding in findings:
        print(finding)
    elapsed = time.monotonic() - started
    status = "FAILED" if findings else "ok"
    print(f"bazel-check: {len(findings)} finding(s), {elapsed:.2f}s, {status}", file=sys.stderr)
    return 1 if findings else 0


def write_from_head(root: Path) -> list[str]:
    """Generate in an export of HEAD, then copy the generated files into `root`."""
    root = root.resolve()
    with tempfile.TemporaryDirectory(prefix="bazel-check-head-") as tmp:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", "HEAD"], cwd=root, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        written = write_rust_builds(Path(tmp))
        for rel in written:
            shutil.copyfile(Path(tmp) / rel, root / rel)
    return written


if __name__ == "__main__":
    sys.exit(main())
