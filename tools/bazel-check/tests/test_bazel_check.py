"""Tests for tools/bazel-check: one broken fixture tree per failure mode, the
generator, and the real repository."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bazel_check.check import Checker, parse_label, write_rust_builds  # noqa: E402
from bazel_check.starlark import glob  # noqa: E402

FIXTURES = HERE / "fixtures"
REPO = HERE.parents[2]
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "base")


def make_tree(tmp_path: Path, case: str | None = None) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "base", root)
    if case is not None:
        shutil.copytree(
            FIXTURES / case,
            root,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("expected.txt"),
        )
    return root


def findings(root: Path) -> list[str]:
    return [str(f) for f in Checker(root).run()]


def test_base_fixture_is_clean(tmp_path: Path) -> None:
    assert findings(make_tree(tmp_path)) == []


def test_every_case_has_an_expectation() -> None:
    assert len(CASES) >= 20
    for case in CASES:
        expected = (FIXTURES / case / "expected.txt").read_text().splitlines()
        assert expected, f"{case}/expected.txt is empty"


@pytest.mark.parametrize("case", CASES)
def test_broken_fixture_reports_exact_findings(tmp_path: Path, case: str) -> None:
    expected = (FIXTURES / case / "expected.txt").read_text().splitlines()
    assert findings(make_tree(tmp_path, case)) == expected


@pytest.mark.parametrize(
    "case",
    ["stale_build", "cargo_dep_missing_from_build", "cargo_dev_dep_missing_from_build", "member_without_build"],
)
def test_write_mode_repairs_rust_builds(tmp_path: Path, case: str) -> None:
    root = make_tree(tmp_path, case)
    assert findings(root) != []
    written = write_rust_builds(root)
    assert written, "--write changed nothing"
    assert findings(root) == []


def test_c_library_replaces_the_build_script(tmp_path: Path) -> None:
    """`[package.metadata.bazel.c_library]`: a cc_library the crate links,
    and no build script (nor its build dependencies) under Bazel."""
    root = make_tree(tmp_path)
    beta = root / "crates/beta"
    (beta / "build.rs").write_text("fn main() {}\n")
    (beta / "csrc").mkdir()
    (beta / "csrc/walk.c").write_text("int walk(void) { return 0; }\n")
    with (beta / "Cargo.toml").open("a") as manifest:
        manifest.write(
            '\n[build-dependencies]\ncc = "1"\n\n'
            "[package.metadata.bazel.c_library]\n"
            'srcs = ["csrc/walk.c"]\ncopts = ["-std=c11"]\n'
        )
    module = root / "tools/rust.MODULE.bazel"
    module.write_text('bazel_dep(name = "rules_cc", version = "0.2.17")\n' + module.read_text())
    assert any("stale" in f for f in findings(root))
    write_rust_builds(root)
    text = (beta / "BUILD.bazel").read_text()
    assert 'load("@rules_cc//cc:defs.bzl", "cc_library")' in text
    assert 'srcs = ["csrc/walk.c"]' in text and '":c_library"' in text
    assert "cargo_build_script" not in text
    assert findings(root) == []


def test_write_mode_is_idempotent(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    write_rust_builds(root)
    assert write_rust_builds(root) == []


def test_generated_build_has_expected_targets(tmp_path: Path) -> None:
    root = make_tree(tmp_path, "member_without_build")
    write_rust_builds(root)
    text = (root / "crates/gamma/BUILD.bazel").read_text()
    assert 'name = "gamma"' in text
    assert 'name = "unit_test"' in text
    assert '"//crates/gamma:Cargo.toml"' in (root / "tools/rust.MODULE.bazel").read_text()


def test_integration_tests_are_one_rust_test_suite(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    (root / "crates/alpha/tests/more.rs").write_text("#[test]\nfn more() {}\n")
    write_rust_builds(root)
    text = (root / "crates/alpha/BUILD.bazel").read_text()
    assert text.count("rust_test_suite(") == 1
    assert 'srcs = [\n        "tests/more.rs",\n        "tests/smoke.rs",\n    ]' in text
    assert 'name = "smoke"' not in text
    assert findings(root) == []
    # crate_root is set by the macro itself; the macro's per-src rust_test names clash-check.
    build = root / "crates/alpha/BUILD.bazel"
    build.write_text(
        text.replace('    name = "integration_tests",\n', '    name = "integration_tests",\n    crate_root = "tests/smoke.rs",\n')
        + 'rust_test(\n    name = "integration_tests_tests/smoke",\n    srcs = ["tests/smoke.rs"],\n)\n'
    )
    result = findings(root)
    assert any("unknown attribute 'crate_root' for rust_test_suite" in f for f in result), result
    assert any("duplicate target 'integration_tests_tests/smoke'" in f for f in result), result


def test_parse_label() -> None:
    assert parse_label("//a/b:c", "x").package == "a/b"
    assert parse_label("//a/b", "x").name == "b"
    assert parse_label(":c", "pkg").package == "pkg"
    label = parse_label("@crates//:serde", "")
    assert (label.repo, label.package, label.name) == ("crates", "", "serde")
    assert parse_label("@platforms//os:linux", "").repo == "platforms"


def test_glob_excludes_subpackages(tmp_path: Path) -> None:
    (tmp_path / "src/sub").mkdir(parents=True)
    (tmp_path / "src/a.rs").write_text("")
    (tmp_path / "src/sub/b.rs").write_text("")
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner/BUILD.bazel").write_text("")
    (tmp_path / "inner/c.rs").write_text("")
    assert glob(tmp_path, ["**/*.rs"]) == ["src/a.rs", "src/sub/b.rs"]
    assert glob(tmp_path, ["src/*.rs"]) == ["src/a.rs"]
    assert glob(tmp_path, ["**/*.rs"], ["src/sub/**"]) == ["src/a.rs"]


def test_real_repository_passes_quickly() -> None:
    started = time.monotonic()
    result = findings(REPO)
    elapsed = time.monotonic() - started
    assert result == [], "\n".join(result)
    assert elapsed < 5.0, f"checker took {elapsed:.2f}s"


def test_write_from_head_ignores_uncommitted_manifests(tmp_path: Path) -> None:
    import subprocess

    from bazel_check.__main__ import write_from_head

    root = make_tree(tmp_path, "member_without_build")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "fixture"], cwd=root, check=True)
    manifest = root / "crates/alpha/Cargo.toml"
    manifest.write_text(manifest.read_text().replace("serde.workspace = true", 'serde.workspace = true\nanyhow = "1"'))
    written = write_from_head(root)
    assert "crates/gamma/BUILD.bazel" in written
    assert (root / "crates/gamma/BUILD.bazel").exists()
    assert "anyhow" not in (root / "crates/alpha/BUILD.bazel").read_text()
