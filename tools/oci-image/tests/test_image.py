"""End-to-end tests of the OCI image written by tools/oci-image/build.py.

Builds the image twice (same inputs → same digest), validates the layout with
skopeo and oci-image-tool, unpacks it with umoci, runs it with runc (we are
root; no daemon), drives the MCP server inside with the official TypeScript
SDK client over stdio and streamable HTTP, and round-trips it through a
loopback `docker-registry`. Installs the Debian packages it needs when missing.
Uses target/release/{drift,drift-mcp} when present, else builds them once.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BUILD = ROOT / "tools/oci-image/build.py"
CLIENT = Path(__file__).with_name("mcp_client.mjs")
SDK = ROOT / "ts/mcp-e2e/node_modules/@modelcontextprotocol/sdk"
EPOCH = "1700000000"
TOOLS = {"umoci": "umoci", "skopeo": "skopeo", "runc": "runc", "oci-image-tool": "oci-image-tool",
         "docker-registry": "docker-registry"}
MAX_COMPRESSED = 40 * 1024 * 1024


def run(*cmd: str, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("check", True)
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    return subprocess.run(list(cmd), **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60, proc: subprocess.Popen | None = None) -> bytes:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"process exited ({proc.returncode}) before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read()
        except (urllib.error.URLError, OSError) as e:
            last = e
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {timeout}s: {last}")


@pytest.fixture(scope="session")
def host_tools() -> None:
    missing = [pkg for tool, pkg in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", *missing, env=env)
    for tool in TOOLS:
        assert shutil.which(tool), f"{tool} is not installed"


@pytest.fixture(scope="session")
def binaries() -> tuple[Path, Path]:
    # DRIFT_OCI_BIN_DIR: another directory holding both binaries (debugging).
    bindir = Path(os.environ.get("DRIFT_OCI_BIN_DIR", ROOT / "target/release"))
    drift = bindir / "drift"
    mcp = bindir / "drift-mcp"
    if not drift.is_file():
        # one build for both (shared dependency graph); drift-mcp is only
        # used while the CLI has no `mcp` subcommand
        run("cargo", "build", "--release", "-p", "drift-cli", "-p", "drift-mcp", cwd=ROOT,
            capture_output=False)
    has_mcp = subprocess.run([str(drift), "mcp", "--help"], capture_output=True).returncode == 0
    if not has_mcp and not mcp.is_file():
        run("cargo", "build", "--release", "-p", "drift-mcp", "--bin", "drift-mcp", cwd=ROOT, capture_output=False)
    return drift, mcp


@pytest.fixture(scope="session")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("oci")


def build(out: Path, binaries: tuple[Path, Path]) -> dict:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    res = run("python3", str(BUILD), "--out", str(out), "--drift", str(binaries[0]),
              "--drift-mcp", str(binaries[1]), "--revision", "0" * 40, env=env)
    return json.loads(res.stdout)


@pytest.fixture(scope="session")
def image(work: Path, binaries, host_tools) -> dict:
    first = build(work / "a", binaries)
    second = build(work / "b", binaries)
    return {"a": first, "b": second, "dir": work / "a"}


def test_build_is_reproducible(image):
    a, b = image["a"], image["b"]
    assert a["manifest"] == b["manifest"]
    assert a["config"] == b["config"]
    la, lb = Path(a["layout"]), Path(b["layout"])
    assert (la / "index.json").read_bytes() == (lb / "index.json").read_bytes()
    assert sorted(p.name for p in (la / "blobs/sha256").iterdir()) == sorted(
        p.name for p in (lb / "blobs/sha256").iterdir())
    assert Path(a["sbom"]).read_bytes() == Path(b["sbom"]).read_bytes()


def test_compressed_size_under_40mb(image):
    size = image["a"]["compressed_bytes"]
    print(f"compressed image size: {size} bytes ({size / 1048576:.1f} MiB)")
    assert 0 < size < MAX_COMPRESSED


def test_skopeo_inspect_config(image):
    ref = f"oci:{image['dir']}:latest"
    info = json.loads(run("skopeo", "inspect", ref).stdout)
    assert info["Digest"] == image["a"]["manifest"]
    labels = info["Labels"]
    for key in ("source", "version", "revision", "licenses", "description", "created"):
        assert labels[f"org.opencontainers.image.{key}"], key
    cfg = json.loads(run("skopeo", "inspect", "--config", ref).stdout)["config"]
    assert cfg["User"] == "65532:65532"
    assert cfg["Entrypoint"] in (["/usr/local/bin/drift"], ["/usr/local/bin/drift-mcp"])
    sub = ["mcp"] if cfg["Entrypoint"] == ["/usr/local/bin/drift"] else []
    assert cfg["Cmd"] == [*sub, "--http", "--bind", "0.0.0.0:7777", "--root", "/workspace"]
    assert cfg["WorkingDir"] == "/workspace"
    assert "/workspace" in cfg["Volumes"] and "7777/tcp" in cfg["ExposedPorts"]
    assert "/var/lib/drift" in cfg["Volumes"] and "DRIFT_INDEX_DIR=/var/lib/drift" in cfg["Env"]


def test_oci_image_tool_validates_layout(image):
    # Debian's oci-image-tool (1.0.0~rc) calls an image layout `--type image`
    # (`imageLayout` is "unimplemented" there); it autodetects "imageLayout".
    res = run("oci-image-tool", "validate", "--type", "image", "--ref", "name=latest",
              str(image["dir"]), check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Validation succeeded" in res.stdout + res.stderr


def test_sbom_lists_linked_crates_with_licences(image):
    doc = json.loads(Path(image["a"]["sbom"]).read_text())
    assert doc["bomFormat"] == "CycloneDX"
    comps = {c["name"]: c for c in doc["components"]}
    for name in ("drift-cli", "drift-core", "rmcp", "tokio", "tree-sitter", "rusqlite"):
        assert name in comps, name
        assert comps[name]["version"]
        assert comps[name]["licenses"][0]["expression"]
    # dev-only dependencies are not in the binary
    assert "pytest" not in comps
    # the SBOM is attached in the layout as a referrer of the image
    index = json.loads((image["dir"] / "index.json").read_text())
    arts = [m for m in index["manifests"] if m.get("artifactType") == "application/vnd.cyclonedx+json"]
    assert len(arts) == 1
    art = json.loads((image["dir"] / "blobs/sha256" / arts[0]["digest"].split(":")[1]).read_text())
    assert art["subject"]["digest"] == image["a"]["manifest"]


@pytest.fixture(scope="session")
def bundle(image, work: Path) -> Path:
    b = work / "bundle"
    run("umoci", "unpack", "--image", f"{image['dir']}:latest", str(b))
    return b


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    p = tmp_path / "project"
    (p / "src").mkdir(parents=True)
    for i in range(4):
        (p / "src" / f"mod{i}.ts").write_text(
            f"export function loadUser{i}(id: string): string {{\n  return fetchUser{i}(id);\n}}\n"
            f"function fetchUser{i}(id: string): string {{\n  return id;\n}}\n")
    # owned by root and mounted read-only: the server must not need to write here
    return p


@pytest.fixture()
def index_volume(tmp_path: Path) -> Path:
    v = tmp_path / "index"
    v.mkdir()
    os.chown(v, 65532, 65532)
    return v


def server_argv(bundle: Path) -> list[str]:
    """The image's server command without its flags: `drift mcp` or `drift-mcp`."""
    cfg = json.loads((bundle / ("config.orig.json" if (bundle / "config.orig.json").exists()
                                else "config.json")).read_text())
    args = cfg["process"]["args"]
    return args[: args.index("--http")]


def container(bundle: Path, args: list[str], workspace: Path, *, host_net: bool = False,
              env: list[str] | None = None, index: Path | None = None) -> Path:
    """Rewrite the bundle's runtime config for one run; return the bundle."""
    cfg_path = bundle / "config.json"
    orig = bundle / "config.orig.json"
    if not orig.exists():
        shutil.copy(cfg_path, orig)
    cfg = json.loads(orig.read_text())
    cfg["process"]["terminal"] = False
    cfg["process"]["args"] = args
    cfg["process"]["env"] = cfg["process"]["env"] + (env or [])
    cfg["mounts"].append({"destination": "/workspace", "type": "bind", "source": str(workspace),
                          "options": ["rbind", "ro"]})
    if index is not None:
        cfg["mounts"].append({"destination": "/var/lib/drift", "type": "bind", "source": str(index),
                              "options": ["rbind", "rw"]})
    if host_net:
        cfg["linux"]["namespaces"] = [n for n in cfg["linux"]["namespaces"] if n["type"] != "network"]
    cfg_path.write_text(json.dumps(cfg))
    return bundle


def cid(name: str) -> str:
    return f"drift-oci-test-{name}-{os.getpid()}"


def reap(proc: subprocess.Popen) -> None:
    """Wait for a process that was told to stop; kill it if it does not."""
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def cleanup(name: str, proc: subprocess.Popen | None = None) -> None:
    """Kill and delete container `name`, then reap the `runc run` that ran it."""
    subprocess.run(["runc", "kill", name, "KILL"], capture_output=True)
    subprocess.run(["runc", "delete", "--force", name], capture_output=True)
    if proc is not None:
        reap(proc)


def mcp_session_over_http(url: str, token: str, prefix: tuple[str, ...] = ()) -> None:
    """The TypeScript SDK client (run under `prefix`, e.g. nsenter) against `url`."""
    res = run(*prefix, "node", str(CLIENT), "http", url, token,
              env={**os.environ, "MCP_SDK_DIR": str(SDK)}, check=False, timeout=180)
    assert res.returncode == 0, res.stderr[-4000:]
    check_session(res.stdout)


def test_refuses_non_loopback_bind_without_token(bundle, project):
    orig = bundle / ("config.orig.json" if (bundle / "config.orig.json").exists() else "config.json")
    args = json.loads(orig.read_text())["process"]["args"]  # the image's own command
    container(bundle, args, project)
    name = cid("refuse")
    try:
        res = run("runc", "run", "--bundle", str(bundle), name, check=False, timeout=60)
    finally:
        cleanup(name)
    assert res.returncode != 0
    assert "DRIFT_MCP_TOKEN" in res.stderr + res.stdout


def check_session(out: str) -> dict:
    got = json.loads(out.strip().splitlines()[-1])
    assert got["server"]["name"]
    for tool in ("drift_status", "drift_file", "drift_impact"):
        assert tool in got["tools"], got["tools"]
    status = got["status"]
    assert not status.get("isError"), status
    text = "".join(c.get("text", "") for c in status["content"])
    assert text, status
    return got


def test_mcp_over_stdio_in_runc(bundle, project, index_volume):
    assert SDK.is_dir(), f"{SDK} missing: run pnpm install"
    container(bundle, [*server_argv(bundle), "--root", "/workspace"], project, index=index_volume)
    name = cid("stdio")
    try:
        res = run("node", str(CLIENT), "stdio", "runc", "run", "--bundle", str(bundle), name,
                  env={**os.environ, "MCP_SDK_DIR": str(SDK)}, check=False, timeout=180)
    finally:
        cleanup(name)
    assert res.returncode == 0, res.stderr[-4000:]
    check_session(res.stdout)
    # the index was written by uid 65532 into the volume; the read-only
    # workspace is untouched
    db = index_volume / "drift.db"
    assert db.is_file() and db.stat().st_uid == 65532
    assert not (project / ".drift").exists()


def test_mcp_over_http_in_runc(bundle, project, index_volume):
    assert SDK.is_dir(), f"{SDK} missing: run pnpm install"
    port = free_port()
    token = hashlib.sha256(os.urandom(16)).hexdigest()
    container(bundle, [*server_argv(bundle), "--http", "--bind", f"127.0.0.1:{port}",
                       "--root", "/workspace"], project, host_net=True,
              env=[f"DRIFT_MCP_TOKEN={token}"], index=index_volume)
    name = cid("http")
    proc = subprocess.Popen(["runc", "run", "--bundle", str(bundle), name],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        health = json.loads(wait_http(f"http://127.0.0.1:{port}/healthz", proc=proc))
        assert health
        req = urllib.request.Request(f"http://127.0.0.1:{port}/mcp", method="POST", data=b"{}",
                                     headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=5)
        assert e.value.code == 401
        mcp_session_over_http(f"http://127.0.0.1:{port}/mcp", token)
    finally:
        cleanup(name, proc)


HEALTH_PROBE = """
import json, sys, urllib.request, urllib.error, time
base = sys.argv[1]
for _ in range(300):
    try:
        health = json.loads(urllib.request.urlopen(base + "/healthz", timeout=2).read())
        break
    except (urllib.error.URLError, OSError):
        time.sleep(0.2)
else:
    sys.exit("no /healthz")
req = urllib.request.Request(base + "/mcp", method="POST", data=b"{}",
                             headers={"Content-Type": "application/json"})
try:
    urllib.request.urlopen(req, timeout=5)
    sys.exit("unauthenticated /mcp was accepted")
except urllib.error.HTTPError as e:
    print(json.dumps({"health": health, "unauthenticated": e.code}))
"""


def test_default_command_in_private_netns(bundle, project, index_volume):
    """The image's own Entrypoint+Cmd (0.0.0.0:7777, token from the env) in
    runc's private network namespace; the probes and the MCP client join that
    namespace with nsenter, so nothing listens on the host."""
    assert SDK.is_dir(), f"{SDK} missing: run pnpm install"
    orig = json.loads((bundle / ("config.orig.json" if (bundle / "config.orig.json").exists()
                                 else "config.json")).read_text())
    token = hashlib.sha256(os.urandom(16)).hexdigest()
    container(bundle, orig["process"]["args"], project, env=[f"DRIFT_MCP_TOKEN={token}"],
              index=index_volume)
    name = cid("netns")
    proc = subprocess.Popen(["runc", "run", "--bundle", str(bundle), name],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        pid = None
        for _ in range(100):
            st = subprocess.run(["runc", "state", name], capture_output=True, text=True)
            if st.returncode == 0 and json.loads(st.stdout).get("pid"):
                pid = str(json.loads(st.stdout)["pid"])
                break
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.1)
        assert pid, "container did not start"
        netns = ["nsenter", "-t", pid, "-n"]
        probe = run(*netns, "python3", "-c", HEALTH_PROBE, "http://127.0.0.1:7777", check=False, timeout=90)
        assert probe.returncode == 0, probe.stdout + probe.stderr
        assert json.loads(probe.stdout)["unauthenticated"] == 401
        mcp_session_over_http("http://127.0.0.1:7777/mcp", token, tuple(netns))
    finally:
        cleanup(name, proc)


def test_registry_push_pull_roundtrip(image, work: Path):
    port = free_port()
    store = work / "registry"
    store.mkdir()
    cfg = work / "registry.yml"
    cfg.write_text(
        "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
        f"    rootdirectory: {store}\n  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n")
    proc = subprocess.Popen(["docker-registry", "serve", str(cfg)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_http(f"http://127.0.0.1:{port}/v2/", proc=proc, timeout=30)
        remote = f"docker://127.0.0.1:{port}/drift:test"
        run("skopeo", "copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false",
            f"oci:{image['dir']}:latest", remote)
        raw = run("skopeo", "inspect", "--raw", "--tls-verify=false", remote).stdout.encode()
        assert "sha256:" + hashlib.sha256(raw).hexdigest() == image["a"]["manifest"]
        pulled = work / "pulled"
        run("skopeo", "copy", "--quiet", "--preserve-digests", "--src-tls-verify=false", remote,
            f"oci:{pulled}:latest")
        info = json.loads(run("skopeo", "inspect", f"oci:{pulled}:latest").stdout)
        assert info["Digest"] == image["a"]["manifest"]
    finally:
        proc.terminate()
        reap(proc)


def test_missing_binary_is_a_clear_error(tmp_path: Path):
    res = run("python3", str(BUILD), "--out", str(tmp_path / "x"), "--drift", str(tmp_path / "nope"),
              check=False)
    assert res.returncode == 1
    assert "drift binary not found" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "x").exists()
