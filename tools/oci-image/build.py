#!/usr/bin/env python3
"""Write a reproducible OCI image layout for Drift's MCP server.

    tools/oci-image/build.py --out DIR [--drift BIN] [--drift-mcp BIN]
                             [--version V] [--revision SHA] [--epoch N]
                             [--sbom FILE] [--tag TAG]

Layers (both gzip, no timestamp/name in the gzip header):
  1. base: /etc/passwd + /etc/group (nonroot 65532), the host's CA bundle,
     /tmp (1777), /workspace and /var/lib/drift (65532), and the glibc shared
     libraries + ELF interpreter the binaries link (from `ldd` on the build host).
  2. app:  /usr/local/bin/drift (and /usr/local/bin/drift-mcp when the CLI
     has no `mcp` subcommand yet: then it is the entrypoint).

Reproducible: every tar entry has mtime = SOURCE_DATE_EPOCH (else the commit
time), uid/gid fixed, names sorted, no user/group names; JSON is written with
sorted keys and no whitespace. Two runs over the same inputs give the same
manifest digest. A CycloneDX SBOM (every crate linked into the binaries, with
version and licence, from `cargo metadata`) is written beside the layout and
attached inside it as an OCI 1.1 referrer artifact (`subject` = the image).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_EMPTY = "application/vnd.oci.empty.v1+json"
MT_SBOM = "application/vnd.cyclonedx+json"
NONROOT = 65532
BINARIES = {"drift": "drift-cli", "drift-mcp": "drift-mcp"}
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


class BuildError(Exception):
    pass


def canon(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass
class Layer:
    """A deterministic tar built from an in-memory list of entries."""

    epoch: int
    entries: dict[str, tuple[str, bytes | None, int, int]] = field(default_factory=dict)

    def dir(self, path: str, mode: int = 0o755, owner: int = 0) -> None:
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):  # parents, root-owned
            parent = "/".join(parts[:i])
            self.entries.setdefault(parent, ("dir", None, 0o755, 0))
        self.entries[path.strip("/")] = ("dir", None, mode, owner)

    def file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        p = path.strip("/")
        if "/" in p:
            parent = p.rsplit("/", 1)[0]
            if parent not in self.entries:
                self.dir(parent)
        self.entries[p] = ("file", data, mode, 0)

    def tar(self) -> bytes:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
            for name in sorted(self.entries):
                kind, data, mode, owner = self.entries[name]
                ti = tarfile.TarInfo(name + ("/" if kind == "dir" else ""))
                ti.mtime = self.epoch
                ti.mode = mode
                ti.uid = ti.gid = owner
                ti.uname = ti.gname = ""
                if kind == "dir":
                    ti.type = tarfile.DIRTYPE
                    tf.addfile(ti)
                else:
                    assert data is not None
                    ti.size = len(data)
                    tf.addfile(ti, io.BytesIO(data))
        return buf.getvalue()


def gz(data: bytes) -> bytes:
    buf = io.BytesIO()
    # filename="" and mtime=0: no name, no timestamp in the header.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as g:
        g.write(data)
    return buf.getvalue()


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Layout:
    def __init__(self, out: Path):
        self.out = out
        if out.exists():
            shutil.rmtree(out)
        (out / "blobs" / "sha256").mkdir(parents=True)
        (out / "oci-layout").write_bytes(canon({"imageLayoutVersion": "1.0.0"}))

    def blob(self, data: bytes, media_type: str, **extra: object) -> dict:
        digest = sha(data)
        (self.out / "blobs" / "sha256" / digest.split(":", 1)[1]).write_bytes(data)
        return {"mediaType": media_type, "digest": digest, "size": len(data), **extra}


def shared_libs(binaries: list[Path]) -> list[str]:
    """Absolute paths (as the dynamic loader sees them) of every shared
    library and the ELF interpreter the binaries need, via `ldd`."""
    found: set[str] = set()
    for b in binaries:
        try:
            out = subprocess.run(["ldd", str(b)], check=True, capture_output=True, text=True).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            raise BuildError(f"ldd {b} failed: {e}") from e
        if "statically linked" in out or "not a dynamic executable" in out:
            continue
        for line in out.splitlines():
            line = line.strip()
            if "=>" in line:
                target = line.split("=>", 1)[1].strip().split(" (", 1)[0].strip()
                if target == "not found":
                    raise BuildError(f"{b}: missing shared library: {line}")
                if target.startswith("/"):
                    found.add(target)
            elif line.startswith("/"):
                found.add(line.split(" (", 1)[0].strip())  # the interpreter
    return sorted(found)


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def workspace_version() -> str:
    import tomllib

    with open(ROOT / "Cargo.toml", "rb") as f:
        return tomllib.load(f)["workspace"]["package"]["version"]


def sbom(packages: list[str], version: str, revision: str, epoch: int, created: str) -> bytes:
    """CycloneDX 1.5 listing every crate linked into the binaries (normal
    dependencies for linux x86_64/aarch64 gnu, build/dev deps excluded)."""
    try:
        meta = json.loads(
            subprocess.run(
                ["cargo", "metadata", "--format-version", "1", "--locked",
                 "--filter-platform", "x86_64-unknown-linux-gnu"],
                cwd=ROOT, check=True, capture_output=True, text=True,
            ).stdout
        )
    except (OSError, subprocess.CalledProcessError) as e:
        raise BuildError(f"cargo metadata failed: {getattr(e, 'stderr', e)}") from e
    pkgs = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    roots = [p["id"] for p in meta["packages"] if p["name"] in packages and p["source"] is None]
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for dep in nodes[pid]["deps"]:
            if any(k["kind"] is None for k in dep["dep_kinds"]):
                stack.append(dep["pkg"])
    components = []
    for pid in sorted(seen, key=lambda i: (pkgs[i]["name"], pkgs[i]["version"])):
        p = pkgs[pid]
        comp = {
            "type": "library",
            "bom-ref": f"pkg:cargo/{p['name']}@{p['version']}",
            "name": p["name"],
            "version": p["version"],
            "purl": f"pkg:cargo/{p['name']}@{p['version']}",
        }
        if p.get("license"):
            comp["licenses"] = [{"expression": p["license"]}]
        if p["source"] is None:
            comp["type"] = "application"
        components.append(comp)
    serial = uuid.uuid5(uuid.NAMESPACE_URL, f"drift-oci:{version}:{revision}:{epoch}:{len(components)}")
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": f"urn:uuid:{serial}",
        "version": 1,
        "metadata": {
            "timestamp": created,
            "component": {"type": "container", "name": "drift", "version": version,
                          "bom-ref": "drift-image"},
        },
        "components": components,
    }
    return json.dumps(doc, sort_keys=True, indent=1).encode() + b"\n"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="OCI image layout directory (replaced); required unless --sbom-only")
    ap.add_argument("--drift", type=Path, default=ROOT / "target/release/drift")
    ap.add_argument("--drift-mcp", type=Path, default=ROOT / "target/release/drift-mcp")
    ap.add_argument("--version", default=None, help="default: [workspace.package] version")
    ap.add_argument("--revision", default=None, help="default: git HEAD")
    ap.add_argument("--epoch", type=int, default=None, help="default: SOURCE_DATE_EPOCH, else the HEAD commit time")
    ap.add_argument("--source", default="https://github.com/drift-dev/drift")
    ap.add_argument("--tag", default="latest", help="org.opencontainers.image.ref.name in index.json")
    ap.add_argument("--sbom", type=Path, default=None, help="default: <out>.cdx.json")
    ap.add_argument("--entry", choices=["auto", "drift", "drift-mcp"], default="auto",
                    help="server entrypoint: `drift mcp` or `drift-mcp` (auto: `drift mcp` if the CLI has it)")
    ap.add_argument("--no-sbom", action="store_true", help="skip the SBOM (no cargo metadata needed)")
    ap.add_argument("--sbom-only", type=Path, default=None, metavar="FILE",
                    help="only write the SBOM of the drift CLI to FILE (no binaries needed)")
    a = ap.parse_args(argv)
    if a.sbom_only is not None:
        version = a.version or workspace_version()
        revision = a.revision if a.revision is not None else git("rev-parse", "HEAD")
        epoch = a.epoch if a.epoch is not None else int(os.environ.get("SOURCE_DATE_EPOCH") or git("log", "-1", "--format=%ct") or 0)
        import datetime as dt

        created = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        a.sbom_only.write_bytes(sbom(["drift-cli"], version, revision, epoch, created))
        print(a.sbom_only)
        return 0
    if a.out is None:
        raise BuildError("--out is required (or --sbom-only FILE)")

    if not a.drift.is_file():
        raise BuildError(f"drift binary not found at {a.drift} (cargo build --release -p drift-cli)")
    # `drift mcp` when the CLI has it; else the stand-alone `drift-mcp`
    # launcher (same flags), shipped beside `drift`.
    if a.entry == "auto":
        probe = subprocess.run([str(a.drift), "mcp", "--help"], capture_output=True)
        a.entry = "drift" if probe.returncode == 0 else "drift-mcp"
    bins = {"drift": a.drift}
    if a.entry == "drift-mcp":
        if not a.drift_mcp.is_file():
            raise BuildError(f"drift-mcp binary not found at {a.drift_mcp} (cargo build --release -p drift-mcp)")
        bins["drift-mcp"] = a.drift_mcp
        entrypoint, sub = ["/usr/local/bin/drift-mcp"], []
    else:
        entrypoint, sub = ["/usr/local/bin/drift"], ["mcp"]
    version = a.version or workspace_version()
    revision = a.revision if a.revision is not None else git("rev-parse", "HEAD")
    epoch = a.epoch
    if epoch is None:
        env = os.environ.get("SOURCE_DATE_EPOCH")
        epoch = int(env) if env else int(git("log", "-1", "--format=%ct") or 0)
    import datetime as dt

    created = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    base = Layer(epoch)
    base.file("etc/passwd", b"root:x:0:0:root:/root:/sbin/nologin\n"
              b"nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")
    base.file("etc/group", b"root:x:0:\nnonroot:x:65532:\n")
    if not CA_BUNDLE.is_file():
        raise BuildError(f"{CA_BUNDLE} missing (apt-get install ca-certificates)")
    base.file(str(CA_BUNDLE), CA_BUNDLE.read_bytes())
    base.dir("tmp", 0o1777)
    base.dir("home/nonroot", 0o755, NONROOT)
    base.dir("workspace", 0o755, NONROOT)
    base.dir("var/lib/drift", 0o755, NONROOT)
    for lib in shared_libs(list(bins.values())):
        base.file(lib, Path(lib).resolve().read_bytes(), 0o755)
    app = Layer(epoch)
    for name, path in bins.items():
        app.file(f"usr/local/bin/{name}", path.read_bytes(), 0o755)

    layout = Layout(a.out)
    layers, diff_ids = [], []
    for layer in (base, app):
        raw = layer.tar()
        diff_ids.append(sha(raw))
        layers.append(layout.blob(gz(raw), MT_LAYER))

    labels = {
        "org.opencontainers.image.source": a.source,
        "org.opencontainers.image.version": version,
        "org.opencontainers.image.revision": revision,
        "org.opencontainers.image.licenses": "Apache-2.0",
        "org.opencontainers.image.description": "Drift MCP server: a codebase's learned conventions, symbols and call graph for AI agents",
        "org.opencontainers.image.created": created,
        "org.opencontainers.image.title": "drift",
    }
    config = {
        "architecture": "amd64" if os.uname().machine == "x86_64" else "arm64",
        "os": "linux",
        "created": created,
        "config": {
            "User": f"{NONROOT}:{NONROOT}",
            "Entrypoint": entrypoint,
            "Cmd": [*sub, "--http", "--bind", "0.0.0.0:7777", "--root", "/workspace"],
            "Env": [
                "PATH=/usr/local/bin:/usr/bin:/bin",
                "HOME=/home/nonroot",
                "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
                "DRIFT_LOG=info",
                "DRIFT_INDEX_DIR=/var/lib/drift",
            ],
            "WorkingDir": "/workspace",
            "Volumes": {"/workspace": {}, "/var/lib/drift": {}},
            "ExposedPorts": {"7777/tcp": {}},
            "Labels": labels,
            "StopSignal": "SIGTERM",
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [
            {"created": created, "created_by": "tools/oci-image/build.py: base (passwd, CA certificates, glibc)"},
            {"created": created, "created_by": "tools/oci-image/build.py: " + ", ".join(bins)},
        ],
    }
    cfg_desc = layout.blob(canon(config), MT_CONFIG)
    manifest = {
        "schemaVersion": 2,
        "mediaType": MT_MANIFEST,
        "config": cfg_desc,
        "layers": layers,
        "annotations": {k: v for k, v in labels.items() if k != "org.opencontainers.image.title"},
    }
    man_desc = layout.blob(canon(manifest), MT_MANIFEST, platform={"architecture": config["architecture"], "os": "linux"})
    man_desc["annotations"] = {"org.opencontainers.image.ref.name": a.tag}
    index = {"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": [man_desc]}

    sbom_path = None
    if not a.no_sbom:
        doc = sbom([BINARIES[b] for b in bins], version, revision, epoch, created)
        sbom_path = a.sbom or a.out.with_name(a.out.name + ".cdx.json")
        sbom_path.write_bytes(doc)
        empty = layout.blob(b"{}", MT_EMPTY)
        subject = {k: man_desc[k] for k in ("mediaType", "digest", "size")}
        art = {
            "schemaVersion": 2,
            "mediaType": MT_MANIFEST,
            "artifactType": MT_SBOM,
            "config": empty,
            "layers": [layout.blob(doc, MT_SBOM, annotations={"org.opencontainers.image.title": "sbom.cdx.json"})],
            "subject": subject,
            "annotations": {"org.opencontainers.image.created": created},
        }
        art_desc = layout.blob(canon(art), MT_MANIFEST, artifactType=MT_SBOM)
        index["manifests"].append(art_desc)
    (a.out / "index.json").write_bytes(canon(index))

    compressed = sum(layer["size"] for layer in layers)
    print(json.dumps({
        "layout": str(a.out),
        "manifest": man_desc["digest"],
        "config": cfg_desc["digest"],
        "compressed_bytes": compressed,
        "sbom": str(sbom_path) if sbom_path else None,
    }, indent=1))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
