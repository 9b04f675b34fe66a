"""Pulls an image into an inventory: manifest, config, each layer streamed or taken from cache."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from services.common.registry.client import RegistryClient
from services.common.registry.errors import ManifestInvalid
from services.common.registry.manifest import ImageIndex, ImageManifest, parse_config
from services.scanner.failures import ScanRejected
from services.scanner.inventory import OperatingSystem, Package
from services.scanner.layer import LayerAnalysis, LayerLimits, analyze_layer_async
from services.scanner.layercache import LayerCache
from services.scanner.merge import ImageInventory, merge_layers, package_key
from services.scanner.platforms import PlatformTuple, select

MERGED_ENTRIES = 1024


@dataclass(frozen=True)
class PulledInventory:
    digest: str
    platform_digests: tuple[str, ...]
    os: OperatingSystem | None
    packages: tuple[Package, ...]
    skipped: tuple[dict[str, str], ...]
    # what determined the packages: the diff_ids of the layers that matter, per platform;
    # two images with the same key have the same contents
    contents_key: tuple[tuple[str, ...], ...] = ()
    is_index: bool = False


def _inert(analysis: LayerAnalysis) -> bool:
    """A layer no analyzer found anything in (no records, whiteouts or shadowed paths)
    cannot change the merged inventory, so merges can skip it (and share a cache entry)."""
    return not (
        analysis.records
        or analysis.whiteouts
        or analysis.opaque_dirs
        or analysis.examined_paths
        or analysis.skipped
    )


class ImagePuller:
    def __init__(self, layers: LayerCache, limits: LayerLimits) -> None:
        self.layers = layers
        self.limits = limits
        self._merged: OrderedDict[tuple[str, ...], ImageInventory] = OrderedDict()

    async def pull(
        self,
        client: RegistryClient,
        repository: str,
        digest: str,
        platforms: Sequence[PlatformTuple],
    ) -> PulledInventory:
        fetched = await client.get_manifest(repository, digest)
        manifests: list[tuple[str, ImageManifest]] = []
        if isinstance(fetched.parsed, ImageIndex):
            entries = fetched.parsed.image_manifests()
            described = [
                (e.platform.os, e.platform.architecture, e.platform.variant)
                for e in entries
                if e.platform is not None
            ]
            chosen = select(described, platforms)
            if not chosen:
                wanted = ", ".join("/".join(p for p in w if p) for w in platforms)
                available = ", ".join("/".join(p for p in d if p) for d in described) or "none"
                raise ScanRejected(
                    "NO_MATCHING_PLATFORM",
                    f"the index has no manifest for {wanted} (it has: {available})",
                )
            for index in chosen:
                child = await client.get_manifest(repository, entries[index].digest)
                if not isinstance(child.parsed, ImageManifest):
                    raise ManifestInvalid(f"index entry {child.digest} is not an image manifest")
                manifests.append((child.digest, child.parsed))
        else:
            manifests.append((fetched.digest, fetched.parsed))
        merged = [await self._platform(client, repository, m) for _, m in manifests]
        combined = _combine(
            fetched.digest,
            [d for d, _ in manifests],
            [inventory for _, inventory in merged],
            tuple(key for key, _ in merged),
        )
        return replace(combined, is_index=isinstance(fetched.parsed, ImageIndex))

    async def _platform(
        self, client: RegistryClient, repository: str, manifest: ImageManifest
    ) -> tuple[tuple[str, ...], ImageInventory]:
        config = parse_config(await client.get_blob(repository, manifest.config.digest))
        if len(config.diff_ids) != len(manifest.layers):
            raise ManifestInvalid(
                f"config lists {len(config.diff_ids)} diff_ids for {len(manifest.layers)} layers"
            )
        analyses: list[LayerAnalysis] = []
        for layer, diff_id in zip(manifest.layers, config.diff_ids, strict=True):

            async def analyse(
                layer_digest: str = layer.digest,
                media_type: str = layer.media_type,
                expected: str = diff_id,
            ) -> LayerAnalysis:
                async with client.open_blob(
                    repository, layer_digest, max_bytes=self.limits.max_layer_bytes
                ) as chunks:
                    return await analyze_layer_async(
                        chunks, media_type, limits=self.limits, expected_diff_id=expected
                    )

            analyses.append(await self.layers.get_or_analyse(diff_id, analyse, layer.size))
        relevant = [a for a in analyses if not _inert(a)]
        key = tuple(a.diff_id for a in relevant)
        inventory = self._merged.get(key)
        if inventory is None:
            inventory = merge_layers(relevant)
            self._merged[key] = inventory
            if len(self._merged) > MERGED_ENTRIES:
                self._merged.popitem(last=False)
        else:
            self._merged.move_to_end(key)
        return key, inventory


def _combine(
    digest: str,
    platform_digests: list[str],
    inventories: list[ImageInventory],
    contents_key: tuple[tuple[str, ...], ...],
) -> PulledInventory:
    """One inventory for the image: every scanned platform's packages, once each."""
    os = next((i.os for i in inventories if i.os is not None), None)
    packages: dict[object, Package] = {}
    for inventory in inventories:
        for package in inventory.packages:
            packages.setdefault(package_key(package), package)
    skipped = tuple(
        {"path": s.path, "analyzer": s.analyzer, "reason": s.reason}
        for inventory in inventories
        for s in inventory.skipped
    )
    return PulledInventory(
        digest, tuple(platform_digests), os, tuple(packages.values()), skipped, contents_key
    )
