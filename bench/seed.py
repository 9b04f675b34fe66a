"""Seeds a Distribution registry's filesystem storage directly with many realistic tags.

Pushing 100,000 images through the HTTP API takes longer than the benchmark itself, so the
benchmarks write the registry's own storage layout (blobs, repository links, tag links)
before the registry starts. The registry then serves them like pushed images; the sync
under test verifies every digest it reads.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

TEAMS = [
    "payments",
    "identity",
    "search",
    "platform",
    "data",
    "mobile",
    "web",
    "ml",
    "infra",
    "billing",
    "growth",
    "security",
    "ops",
    "catalog",
    "checkout",
    "ads",
]
SERVICES = [
    "api",
    "worker",
    "frontend",
    "gateway",
    "scheduler",
    "indexer",
    "ingest",
    "auth",
    "notifier",
    "exporter",
    "proxy",
    "cache",
    "reporter",
    "sync",
    "batch",
    "admin",
    "web",
    "cron",
    "importer",
    "uploader",
]
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


@dataclass(frozen=True)
class SeededTag:
    repository: str
    tag: str
    digest: str
    created: datetime


def repository_names(count: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(TEAMS)}/{rng.choice(SERVICES)}"
        if len(seen) >= len(TEAMS) * len(SERVICES) or name in seen:
            name = f"{name}-{len(names)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def tag_names(count: int, rng: random.Random) -> list[str]:
    """A realistic mix: semantic versions, latest/stable, branch builds, nightlies, PRs."""
    tags: dict[str, None] = {"latest": None}
    major, minor, patch = 1, 0, 0
    day = datetime(2025, 1, 1)
    while len(tags) < count:
        kind = rng.random()
        if kind < 0.45:
            patch += 1
            if rng.random() < 0.1:
                minor, patch = minor + 1, 0
            tags[f"{major}.{minor}.{patch}"] = None
        elif kind < 0.65:
            tags[f"main-{rng.getrandbits(28):07x}"] = None
        elif kind < 0.8:
            day += timedelta(days=1)
            tags[f"nightly-{day:%Y%m%d}"] = None
        elif kind < 0.9:
            tags[f"pr-{rng.randint(1, 9999)}"] = None
        else:
            tags[f"{major}.{minor}.{patch}-rc.{rng.randint(1, 5)}"] = None
    return list(tags)[:count]


class StorageWriter:
    def __init__(self, root: Path) -> None:
        self.base = root / "docker" / "registry" / "v2"

    def blob(self, data: bytes) -> str:
        hexdigest = hashlib.sha256(data).hexdigest()
        path = self.base / "blobs" / "sha256" / hexdigest[:2] / hexdigest / "data"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return f"sha256:{hexdigest}"

    def link(self, path: Path, digest: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(digest)

    def repository_blob(self, repository: str, digest: str) -> None:
        hexdigest = digest.split(":", 1)[1]
        self.link(
            self.base / "repositories" / repository / "_layers" / "sha256" / hexdigest / "link",
            digest,
        )

    def manifest(self, repository: str, tag: str, body: bytes) -> str:
        digest = self.blob(body)
        hexdigest = digest.split(":", 1)[1]
        manifests = self.base / "repositories" / repository / "_manifests"
        self.link(manifests / "revisions" / "sha256" / hexdigest / "link", digest)
        self.link(manifests / "tags" / tag / "current" / "link", digest)
        self.link(manifests / "tags" / tag / "index" / "sha256" / hexdigest / "link", digest)
        return digest


def seed(
    root: Path, tags: int, *, seed_value: int = 42, tags_per_repo: int = 50
) -> list[SeededTag]:
    """Writes `tags` unique images (own config and manifest, shared base layers)."""
    rng = random.Random(seed_value)
    writer = StorageWriter(root)
    base_layers = [writer.blob(f"base-layer-{i}".encode() * 512) for i in range(4)]
    repositories = repository_names(max(1, -(-tags // tags_per_repo)), rng)
    out: list[SeededTag] = []
    now = datetime(2026, 11, 1, tzinfo=UTC)
    for index, repository in enumerate(repositories):
        count = min(tags_per_repo, tags - len(out))
        if count <= 0:
            break
        for layer in base_layers:
            writer.repository_blob(repository, layer)
        for tag in tag_names(count, rng):
            created = now - timedelta(seconds=rng.randint(0, 730 * 86400))
            config = json.dumps(
                {
                    "architecture": "amd64",
                    "os": "linux",
                    "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "config": {"Labels": {"repo": repository, "tag": tag, "n": str(index)}},
                    "rootfs": {"type": "layers", "diff_ids": [f"sha256:{'0' * 64}"]},
                },
                sort_keys=True,
            ).encode()
            config_digest = writer.blob(config)
            writer.repository_blob(repository, config_digest)
            layer = base_layers[rng.randrange(len(base_layers))]
            manifest = json.dumps(
                {
                    "schemaVersion": 2,
                    "mediaType": OCI_MANIFEST,
                    "config": {
                        "mediaType": OCI_CONFIG,
                        "digest": config_digest,
                        "size": len(config),
                    },
                    "layers": [{"mediaType": OCI_LAYER, "digest": layer, "size": 4096}],
                },
                sort_keys=True,
            ).encode()
            digest = writer.manifest(repository, tag, manifest)
            out.append(SeededTag(repository, tag, digest, created))
    return out
