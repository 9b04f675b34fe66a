"""One scan: reuse a current inventory or pull the image, then match and store findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.scanner.access import RegistryAccess
from services.scanner.analyzers import ANALYZER_SET_VERSION
from services.scanner.database import VulnDatabase
from services.scanner.findings import SeverityCounts, rows_from_findings
from services.scanner.platforms import PlatformTuple
from services.scanner.pull import ImagePuller
from services.scanner.store import ScannerStore


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

    async def scan(
        self,
        registry_id: str,
        repository: str,
        digest: str,
        *,
        platforms: Sequence[PlatformTuple] = (),
        force: bool = False,
    ) -> ScanOutcome:
        meta = await self.store.inventory_meta(digest)
        reused = meta is not None and meta.analyzer_version == ANALYZER_SET_VERSION and not force
        if reused:
            packages = await self.store.load_packages(digest)
        else:
            client = await self.access.client(registry_id)
            pulled = await self.puller.pull(
                client, repository, digest, platforms or self.default_platforms
            )
            packages = list(pulled.packages)
            await self.store.save_inventory(
                digest,
                ANALYZER_SET_VERSION,
                pulled.platform_digests,
                pulled.os.pretty_name if pulled.os else "",
                pulled.os.ecosystem if pulled.os else "",
                packages,
                list(pulled.skipped),
            )
        findings = rows_from_findings(digest, self.database.match(packages))
        results = await self.store.replace_findings({digest: findings}, keys=None, import_id="")
        return ScanOutcome(reused, len(packages), results[digest][2])
