"""tools/release/release.py bump/check on temporary copies of the repository's
version sites."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TOOL = ROOT / "tools/release/release.py"
sys.path.insert(0, str(TOOL.parent))
import release  # noqa: E402


def tracked(*patterns: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", "--", *patterns], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line]


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    files = tracked("Cargo.toml", "Cargo.lock", "MODULE.bazel", "*package.json",
                    "rust/*/BUILD.bazel", "benchmarks/*/BUILD.bazel", "oci/BUILD.bazel")
    for rel in files:
        dst = tmp_path / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes((ROOT / rel).read_bytes())
    return tmp_path


def cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), "--root", str(root), *args],
                          capture_output=True, text=True)


def test_check_passes_on_the_repository():
    res = cli(ROOT, "check")
    assert res.returncode == 0, res.stderr
    assert "version sites" in res.stdout


def test_sites_cover_every_place(repo):
    sites = release.collect(repo)
    files = {s.file for s in sites}
    assert {"Cargo.toml", "Cargo.lock", "MODULE.bazel", "oci/BUILD.bazel", "ts/drift/package.json",
            "ts/cli/package.json", "ts/cli/npm/linux-x64-gnu/package.json",
            "ts/npm/drift-win32-x64-msvc/package.json"} <= files
    whats = {s.what for s in sites}
    assert "optionalDependencies @driftcode/cli-linux-x64-gnu" in whats
    assert "optionalDependencies @driftcode/drift-darwin-arm64" in whats
    assert "[workspace.dependencies] drift-core" in whats
    assert not any("fixtures" in s.file for s in sites)


def test_bump_updates_every_site(repo):
    res = cli(repo, "bump", "1.2.3-rc.1", "--no-regenerate")
    # the generated BUILD files are only rewritten by the generator: check
    # reports them (and nothing else) as stale
    assert res.returncode == 1
    stale = [line for line in res.stderr.splitlines() if "expected 1.2.3-rc.1" in line]
    assert stale and all(line.startswith(("rust/", "benchmarks/")) and "BUILD.bazel" in line for line in stale), res.stderr
    non_build = [s for s in release.collect(repo) if not s.file.startswith(("rust/", "benchmarks/"))]
    assert non_build and all(s.version == "1.2.3-rc.1" for s in non_build)
    cli_pkg = json.loads((repo / "ts/cli/package.json").read_text())
    assert cli_pkg["optionalDependencies"]["@driftcode/cli-linux-x64-gnu"] == "workspace:1.2.3-rc.1"
    drift_pkg = json.loads((repo / "ts/drift/package.json").read_text())
    assert drift_pkg["optionalDependencies"]["@driftcode/drift-linux-x64-gnu"] == "1.2.3-rc.1"
    assert 'version = "1.2.3-rc.1"' in (repo / "MODULE.bazel").read_text()
    assert '"org.opencontainers.image.version": "1.2.3-rc.1"' in (repo / "oci/BUILD.bazel").read_text()
    # a third-party crate in Cargo.lock keeps its version
    lock = (repo / "Cargo.lock").read_text()
    assert 'name = "serde"\nversion = "1.2.3-rc.1"' not in lock
    # only version strings changed: the diff is line-for-line
    orig = (ROOT / "Cargo.toml").read_text().splitlines()
    new = (repo / "Cargo.toml").read_text().splitlines()
    assert len(orig) == len(new)
    changed = [(a, b) for a, b in zip(orig, new) if a != b]
    assert changed and all("1.2.3-rc.1" in b for _, b in changed)


def test_check_reports_a_single_disagreeing_site(repo):
    p = repo / "ts/npm/drift-linux-x64-musl/package.json"
    p.write_text(p.read_text().replace('"version": "0.1.0"', '"version": "0.1.1"'))
    res = cli(repo, "check")
    assert res.returncode == 1
    assert "ts/npm/drift-linux-x64-musl/package.json" in res.stderr
    assert "1 version site(s) disagree" in res.stderr


def test_check_expect(repo):
    assert cli(repo, "check", "--expect", "0.1.0").returncode == 0
    res = cli(repo, "check", "--expect", "9.9.9")
    assert res.returncode == 1 and "expected 9.9.9" in res.stderr


def test_bump_rejects_a_non_semver(repo):
    before = (repo / "Cargo.toml").read_bytes()
    res = cli(repo, "bump", "v1.2")
    assert res.returncode == 2 and "not a semantic version" in res.stderr
    assert (repo / "Cargo.toml").read_bytes() == before


def test_missing_module_version_is_an_error(repo):
    (repo / "MODULE.bazel").write_text('module(name = "drift")\n')
    res = cli(repo, "check")
    assert res.returncode == 2 and "MODULE.bazel" in res.stderr
