"""One scan: reuse a current inventory or pull the image, then match and store findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.scanner.access import RegistryAccess
from services.scanner.analyzers import ANALYZER_SET_VERSION
from services.scanner.database import VulnDatabase
from services.scanner.findings import (
    PackageFinding,
    SeverityCounts,
    package_findings,
    package_id,
    package_set_id,
)
from services.scanner.inventory import Package
from services.scanner.platforms import PlatformTuple, platform_key
from services.scanner.pull import ImagePuller
from services.scanner.store import ScannerStore

KNOWN_SETS = 10_000


@dataclass(frozen=True)
class ScanOutcome:
    reused_inventory: bool
    package_count: int
    counts: SeverityCounts


class ImageScanner:
    def __init__(
        self,
        store: ScannerStore,
        database: VulnDatabase,
        access: RegistryAccess,
        puller: ImagePuller,
        default_platforms: Sequence[PlatformTuple],
    ) -> None:
        self.store = store
        self.database = database
        self.access = access
        self.puller = puller
        self.default_platforms = tuple(default_platforms)
        # package sets known to be stored, by the contents key that produced them (bounded)
        self._known_sets: dict[tuple[tuple[str, ...], ...], str] = {}

    def _match(self, packages: list[tuple[str, Package]]) -> dict[str, list[PackageFinding]]:
        index = self.database.index
        return {pid: package_findings(pid, index.match_package(p)) for pid, p in packages}

    async def _store_set(
        self, packages: list[Package], contents_key: tuple[tuple[str, ...], ...]
    ) -> str:
        known = self._known_sets.get(contents_key) if contents_key else None
        if known is not None:
            return known
        members = [(package_id(p), p) for p in packages]
        set_id = package_set_id((pid, p.path, p.layer) for pid, p in members)
        if not await self.store.existing_sets([set_id]):
            await self.store.add_package_set(set_id, members, self._match)
        if contents_key:
            self._known_sets[contents_key] = set_id
            if len(self._known_sets) > KNOWN_SETS:
                self._known_sets.pop(next(iter(self._known_sets)))
        return set_id

    async def scan(
        self,
        registry_id: str,
        repository: str,
        digest: str,
        *,
        platforms: Sequence[PlatformTuple] = (),
        force: bool = False,
    ) -> ScanOutcome:
        wanted = tuple(platforms) or self.default_platforms
        meta = await self.store.inventory_meta(digest)
        reused = (
            meta is not None
            and meta.analyzer_version == ANALYZER_SET_VERSION
            and meta.platforms in ("", platform_key(wanted))
            and not force
        )
        if reused:
            assert meta is not None
            package_count = meta.package_count
        else:
            client = await self.access.client(registry_id)
            pulled = await self.puller.pull(client, repository, digest, wanted)
            set_id = await self._store_set(list(pulled.packages), pulled.contents_key)
            package_count = len(pulled.packages)
            await self.store.save_inventory(
                digest,
                ANALYZER_SET_VERSION,
                set_id,
                pulled.platform_digests,
                platform_key(wanted) if pulled.is_index else "",
                pulled.os.pretty_name if pulled.os else "",
                pulled.os.ecosystem if pulled.os else "",
                package_count,
                list(pulled.skipped),
            )
        counts = await self.store.severity_counts(digest)
        return ScanOutcome(reused, package_count, counts)
