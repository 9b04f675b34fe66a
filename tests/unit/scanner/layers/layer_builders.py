"""Builds real layer tar streams (with Python's tarfile) for the layer reader and merge tests."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import zstandard

GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
PLAIN = "application/vnd.oci.image.layer.v1.tar"


@dataclass(frozen=True)
class Member:
    """One tar member: a file (data), symlink/hardlink (target), directory or whiteout."""

    name: str
    data: bytes = b""
    kind: str = "file"
    target: str = ""
    mode: int = 0o644


def file(name: str, data: bytes, mode: int = 0o644) -> Member:
    return Member(name, data, "file", mode=mode)


def from_disk(name: str, path: str | Path, mode: int | None = None) -> Member:
    source = Path(path)
    return Member(name, source.read_bytes(), "file", mode=mode or (source.stat().st_mode & 0o7777))


def symlink(name: str, target: str) -> Member:
    return Member(name, kind="symlink", target=target, mode=0o777)


def hardlink(name: str, target: str) -> Member:
    return Member(name, kind="hardlink", target=target)


def directory(name: str) -> Member:
    return Member(name, kind="dir", mode=0o755)


def whiteout(path: str) -> Member:
    """`a/b` deleted by this layer: the member `a/.wh.b`."""
    head, _, name = path.rpartition("/")
    return Member(f"{head}/.wh.{name}" if head else f".wh.{name}")


def opaque(directory_path: str) -> Member:
    return Member(f"{directory_path}/.wh..wh..opq")


def tree(prefix: str, root: str | Path, *, skip_pycache: bool = True) -> list[Member]:
    """Every regular file and symlink under `root`, named `prefix/<relative path>`."""
    members: list[Member] = []
    base = Path(root)
    for directory_path, dirs, files in os.walk(base):
        if skip_pycache:
            dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            path = Path(directory_path) / name
            arcname = f"{prefix}/{path.relative_to(base)}"
            if path.is_symlink():
                members.append(symlink(arcname, os.readlink(path)))
            elif path.is_file():
                members.append(from_disk(arcname, path))
    return members


def tar_bytes(members: list[Member], fmt: int = tarfile.PAX_FORMAT) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=fmt) as archive:
        for member in members:
            info = tarfile.TarInfo(member.name)
            info.mode = member.mode
            info.mtime = 1_700_000_000
            if member.kind == "file":
                info.size = len(member.data)
                archive.addfile(info, io.BytesIO(member.data))
                continue
            info.type = {
                "symlink": tarfile.SYMTYPE,
                "hardlink": tarfile.LNKTYPE,
                "dir": tarfile.DIRTYPE,
            }[member.kind]
            info.linkname = member.target
            archive.addfile(info)
    return buffer.getvalue()


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=1, mtime=0)


def zstded(data: bytes) -> bytes:
    return zstandard.ZstdCompressor(level=1).compress(data)


def chunks(data: bytes, size: int = 65536) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]
