"""The vulnerability database in memory: OSV records from PostgreSQL, indexed for matching."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from services.common.logs import get_logger
from services.scanner.inventory import Package
from services.scanner.store import ScannerStore
from services.scanner.vulndb.matcher import Finding, VulnIndex
from services.scanner.vulndb.osv import OsvFormatError, OsvRecord, parse_record

log = get_logger("regsieve.scanner.vulndb")


def _parse(raw: bytes) -> OsvRecord | None:
    try:
        return parse_record(json.loads(raw))
    except (OsvFormatError, ValueError):
        return None


class VulnDatabase:
    """Every replica keeps the whole index; imports by any replica reach the others by
    polling `refresh` (only records imported since the last load are read)."""

    def __init__(self, store: ScannerStore) -> None:
        self.store = store
        self.records: dict[str, OsvRecord] = {}
        self.index = VulnIndex(())
        self.loaded_until: datetime | None = None
        self._lock = asyncio.Lock()

    async def refresh(self) -> list[OsvRecord]:
        """Loads records imported (by any replica) since the last refresh; returns them."""
        async with self._lock:
            rows = await self.store.load_records(self.loaded_until)
            if not rows:
                return []
            parsed = await asyncio.to_thread(lambda: [(_parse(raw), at) for raw, at in rows])
            for record, _ in parsed:
                if record is not None:
                    self.records[record.id] = record
            self.loaded_until = max(at for _, at in parsed)
            await self._rebuild()
            log.info("vulndb.loaded", records=len(self.records), changed=len(rows))
            return [record for record, _ in parsed if record is not None]

    async def apply(self, records: Sequence[OsvRecord], imported_until: datetime | None) -> None:
        """Takes records this process just stored, without reading them back."""
        async with self._lock:
            for record in records:
                self.records[record.id] = record
            if imported_until and (self.loaded_until is None or imported_until > self.loaded_until):
                self.loaded_until = imported_until
            await self._rebuild()

    async def _rebuild(self) -> None:
        records = list(self.records.values())
        self.index = await asyncio.to_thread(VulnIndex, records)

    def match(self, packages: Iterable[Package]) -> list[Finding]:
        return self.index.match(packages)

    def get(self, vulnerability_id: str) -> OsvRecord | None:
        return self.records.get(vulnerability_id)
