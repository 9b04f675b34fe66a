"""Parsing of manifests, indexes and image configs into plain data (pure, no I/O)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from services.common.registry import mediatypes as mt
from services.common.registry.errors import DigestMismatch, ManifestInvalid

DIGEST_RE = re.compile(r"^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$")
_FRACTION = re.compile(r"(\.\d{1,6})\d*")


def is_digest(value: str) -> bool:
    return bool(DIGEST_RE.match(value))


def digest_of(body: bytes, algorithm: str = "sha256") -> str:
    return f"{algorithm}:{hashlib.new(algorithm, body).hexdigest()}"


def verify_digest(body: bytes, expected: str) -> None:
    algorithm = expected.partition(":")[0]
    if algorithm not in ("sha256", "sha512"):
        raise DigestMismatch(f"unsupported digest algorithm in {expected!r}")
    actual = digest_of(body, algorithm)
    if actual != expected:
        raise DigestMismatch(f"content hashes to {actual}, expected {expected}")


@dataclass(frozen=True, slots=True)
class PlatformSpec:
    os: str
    architecture: str
    variant: str = ""

    def __str__(self) -> str:
        base = f"{self.os}/{self.architecture}"
        return f"{base}/{self.variant}" if self.variant else base


@dataclass(frozen=True, slots=True)
class Descriptor:
    media_type: str
    digest: str
    size: int
    platform: PlatformSpec | None = None


@dataclass(frozen=True, slots=True)
class ImageManifest:
    media_type: str
    config: Descriptor
    layers: tuple[Descriptor, ...]


@dataclass(frozen=True, slots=True)
class ImageIndex:
    media_type: str
    manifests: tuple[Descriptor, ...]

    def image_manifests(self) -> tuple[Descriptor, ...]:
        """Entries that are runnable images (attestations and unknown platforms dropped)."""
        return tuple(
            d
            for d in self.manifests
            if d.platform is not None
            and d.platform.os != "unknown"
            and d.media_type in (mt.IMAGE_MANIFESTS | {""})
        )


@dataclass(frozen=True, slots=True)
class ImageConfig:
    created: datetime | None
    os: str
    architecture: str
    variant: str
    diff_ids: tuple[str, ...] = field(default=())


def _json_object(body: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ManifestInvalid(f"{what} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ManifestInvalid(f"{what} is not a JSON object")
    return data


def _descriptor(raw: Any, where: str) -> Descriptor:
    if not isinstance(raw, dict):
        raise ManifestInvalid(f"{where} is not an object")
    digest = raw.get("digest")
    if not isinstance(digest, str) or not is_digest(digest):
        raise ManifestInvalid(f"{where} has an invalid digest {digest!r}")
    size = raw.get("size", 0)
    if not isinstance(size, int) or size < 0:
        raise ManifestInvalid(f"{where} has an invalid size")
    platform = None
    raw_platform = raw.get("platform")
    if isinstance(raw_platform, dict):
        platform = PlatformSpec(
            str(raw_platform.get("os", "")),
            str(raw_platform.get("architecture", "")),
            str(raw_platform.get("variant", "") or ""),
        )
    media_type = raw.get("mediaType", "")
    return Descriptor(str(media_type) if media_type else "", digest, size, platform)


def detect_media_type(data: dict[str, Any], content_type: str) -> str:
    declared = data.get("mediaType")
    if isinstance(declared, str) and declared:
        return declared
    normalised = mt.normalise(content_type)
    if normalised in mt.MANIFEST_TYPES:
        return normalised
    if data.get("schemaVersion") == 1:
        return mt.DOCKER_SCHEMA1_SIGNED
    if "manifests" in data:
        return mt.OCI_INDEX
    if "layers" in data and "config" in data:
        return mt.OCI_MANIFEST
    return normalised


def parse_manifest(body: bytes, content_type: str = "") -> ImageManifest | ImageIndex:
    """Parses a Docker v2 / OCI manifest or a manifest list / OCI index."""
    data = _json_object(body, "manifest")
    media_type = detect_media_type(data, content_type)
    if media_type in mt.INDEXES:
        entries = data.get("manifests")
        if not isinstance(entries, list):
            raise ManifestInvalid("index has no manifests list")
        return ImageIndex(
            media_type,
            tuple(_descriptor(e, f"manifests[{i}]") for i, e in enumerate(entries)),
        )
    if media_type in mt.IMAGE_MANIFESTS:
        layers = data.get("layers")
        if not isinstance(layers, list):
            raise ManifestInvalid("manifest has no layers list")
        return ImageManifest(
            media_type,
            _descriptor(data.get("config"), "config"),
            tuple(_descriptor(layer, f"layers[{i}]") for i, layer in enumerate(layers)),
        )
    raise ManifestInvalid(f"unsupported manifest media type {media_type or 'unknown'!r}")


def parse_time(value: Any) -> datetime | None:
    """RFC 3339 with up to nanoseconds; Go's zero time and garbage give None."""
    if not isinstance(value, str) or not value:
        return None
    text = _FRACTION.sub(r"\1", value.strip()).replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if parsed.year <= 1:
        return None
    return parsed.astimezone(UTC)


def parse_config(body: bytes) -> ImageConfig:
    """Parses an image config blob: creation time, platform and layer diff_ids."""
    data = _json_object(body, "config")
    rootfs = data.get("rootfs")
    diff_ids: tuple[str, ...] = ()
    if isinstance(rootfs, dict) and isinstance(rootfs.get("diff_ids"), list):
        diff_ids = tuple(str(d) for d in rootfs["diff_ids"])
    return ImageConfig(
        created=parse_time(data.get("created")),
        os=str(data.get("os", "") or ""),
        architecture=str(data.get("architecture", "") or ""),
        variant=str(data.get("variant", "") or ""),
        diff_ids=diff_ids,
    )
