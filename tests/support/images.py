"""Builds real OCI / Docker images from files and pushes them with the project's own client."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.common.registry import mediatypes as mt
from services.common.registry.client import RegistryClient


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Layer:
    """A layer: its uncompressed tar (diff_id) and the compressed blob pushed."""

    tar: bytes
    blob: bytes
    media_type: str

    @property
    def diff_id(self) -> str:
        return sha256(self.tar)

    @property
    def digest(self) -> str:
        return sha256(self.blob)


def tar_of(files: Mapping[str, bytes], *, symlinks: Mapping[str, str] | None = None) -> bytes:
    """A deterministic tar of `files` (path -> content) and symlinks (path -> target)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, content in sorted(files.items()):
            info = tarfile.TarInfo(path)
            info.size = len(content)
            info.mode = 0o755 if path.endswith((".sh", "/bin")) else 0o644
            info.mtime = 0
            tar.addfile(info, io.BytesIO(content))
        for path, target in sorted((symlinks or {}).items()):
            info = tarfile.TarInfo(path)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            info.mtime = 0
            tar.addfile(info)
    return buffer.getvalue()


def layer(
    files: Mapping[str, bytes], *, oci: bool = True, symlinks: Mapping[str, str] | None = None
) -> Layer:
    raw = tar_of(files, symlinks=symlinks)
    blob = gzip.compress(raw, mtime=0)
    return Layer(raw, blob, mt.OCI_LAYER_GZIP if oci else mt.DOCKER_LAYER_GZIP)


@dataclass
class ImageSpec:
    """One single-platform image."""

    layers: list[Layer]
    created: datetime | None = field(default_factory=lambda: datetime(2024, 1, 1, tzinfo=UTC))
    os: str = "linux"
    architecture: str = "amd64"
    variant: str = ""
    oci: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)

    def config_bytes(self) -> bytes:
        config: dict[str, object] = {
            "architecture": self.architecture,
            "os": self.os,
            "config": {"Labels": dict(self.labels)},
            "rootfs": {"type": "layers", "diff_ids": [lyr.diff_id for lyr in self.layers]},
        }
        if self.variant:
            config["variant"] = self.variant
        if self.created is not None:
            config["created"] = self.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return json.dumps(config, sort_keys=True).encode()

    def manifest_bytes(self) -> tuple[bytes, str]:
        config = self.config_bytes()
        media_type = mt.OCI_MANIFEST if self.oci else mt.DOCKER_MANIFEST
        manifest = {
            "schemaVersion": 2,
            "mediaType": media_type,
            "config": {
                "mediaType": mt.OCI_CONFIG if self.oci else mt.DOCKER_CONFIG,
                "digest": sha256(config),
                "size": len(config),
            },
            "layers": [
                {"mediaType": lyr.media_type, "digest": lyr.digest, "size": len(lyr.blob)}
                for lyr in self.layers
            ],
        }
        return json.dumps(manifest, sort_keys=True).encode(), media_type


async def push_image(
    client: RegistryClient, repository: str, tags: Iterable[str], image: ImageSpec
) -> str:
    """Pushes layers, config and manifest; tags it; returns the manifest digest."""
    for lyr in image.layers:
        await client.push_blob(repository, lyr.blob)
    await client.push_blob(repository, image.config_bytes())
    body, media_type = image.manifest_bytes()
    digest = sha256(body)
    tags = list(tags)
    for tag in tags or [digest]:
        await client.put_manifest(repository, tag, body, media_type)
    return digest


async def push_index(
    client: RegistryClient,
    repository: str,
    tags: Iterable[str],
    images: list[ImageSpec],
    *,
    oci: bool = True,
) -> tuple[str, list[str]]:
    """Pushes each platform image by digest, then an index over them; returns both digests."""
    entries = []
    digests = []
    for image in images:
        digest = await push_image(client, repository, [], image)
        body, media_type = image.manifest_bytes()
        platform: dict[str, str] = {"os": image.os, "architecture": image.architecture}
        if image.variant:
            platform["variant"] = image.variant
        entries.append(
            {"mediaType": media_type, "digest": digest, "size": len(body), "platform": platform}
        )
        digests.append(digest)
    index_type = mt.OCI_INDEX if oci else mt.DOCKER_MANIFEST_LIST
    index = json.dumps(
        {"schemaVersion": 2, "mediaType": index_type, "manifests": entries}, sort_keys=True
    ).encode()
    for tag in tags:
        await client.put_manifest(repository, tag, index, index_type)
    return sha256(index), digests
