"""Rule sets go with their registry: Rules asks the Catalog, never reads its schema.

The Catalog publishes no deletion event, so Rules finds out three ways:
- creating a rule set requires the Catalog to confirm its registry (GetRegistry);
- every call that reads or evaluates a rule set asks the Catalog whether its registry still
  exists (answers cached for a short while), and every Catalog read naming the registry
  (StreamImages, ListImages, GetImage) that answers NOT_FOUND counts as the same news; a
  registry the Catalog no longer has takes its rule sets, deleted there and then, and the
  call answers NOT_FOUND;
- a periodic sweep checks every registry that has rule sets, so rule sets nobody reads go
  too.
When the Catalog cannot be reached, reads go on with the stored rule set (the registry did
exist when the rule set was created); only creating a rule set needs the Catalog.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from services.common.errors import RegsieveError
from services.common.logs import get_logger
from services.rules.catalog_client import CatalogClient, RegistryNotFound
from services.rules.store import RulesStore

log = get_logger("regsieve.rules")


class RegistryGuard:
    """Confirms registries with the Catalog and deletes the rule sets of vanished ones."""

    def __init__(
        self,
        catalog: CatalogClient,
        store: RulesStore,
        cache_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._catalog = catalog
        self._store = store
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._confirmed: dict[str, float] = {}  # registry id -> when the Catalog confirmed it

    async def require(self, registry_id: str) -> None:
        """Raises RegistryNotFound unless the Catalog has the registry (Unavailable: unknown)."""
        if not await self._catalog.registry_exists(registry_id):
            await self.forget(registry_id)
            raise RegistryNotFound(registry_id)
        self._confirmed[registry_id] = self._clock()

    async def gone(self, registry_id: str, *, fresh: bool = False) -> bool:
        """True when the Catalog says the registry is gone (its rule sets are then deleted).

        A confirmation younger than the cache period is trusted unless `fresh`; when the
        Catalog cannot answer, the registry is taken to exist.
        """
        confirmed = self._confirmed.get(registry_id)
        now = self._clock()
        if not fresh and confirmed is not None and now - confirmed < self._cache_seconds:
            return False
        try:
            exists = await self._catalog.registry_exists(registry_id)
        except RegsieveError as error:
            log.warning("rules.registry_check_failed", registry_id=registry_id, error=str(error))
            return False
        if exists:
            self._confirmed[registry_id] = now
            return False
        await self.forget(registry_id)
        return True

    async def forget(self, registry_id: str) -> int:
        """Deletes the rule sets of a registry the Catalog does not have."""
        self._confirmed.pop(registry_id, None)
        deleted = await self._store.delete_registry(registry_id)
        if deleted:
            log.info("rules.registry_gone", registry_id=registry_id, rule_sets_deleted=deleted)
        return deleted

    async def reconcile(self) -> int:
        """Checks every registry that has rule sets; returns how many were gone."""
        gone = 0
        for registry_id in await self._store.registry_ids():
            if await self.gone(registry_id, fresh=True):
                gone += 1
        return gone

    async def run(self, interval_seconds: float) -> None:
        """Reconciles every `interval_seconds` until cancelled."""
        while True:
            await asyncio.sleep(interval_seconds)
            try:
                await self.reconcile()
            except Exception:  # one failed pass must not end the loop
                log.exception("rules.reconcile_failed")
