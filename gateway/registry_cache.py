"""A short-lived cache of registries' webhook settings read from Catalog.

Entries (and unknown ids) live `ttl` seconds, so a change made in Catalog reaches the gateway
within that time. Concurrent lookups of one id share a single Catalog call. When Catalog is
unavailable, a registry seen within `stale_if_error` seconds is still served (Catalog down
means nobody is changing it); an id never seen, or last seen as unknown, is not.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from typing import Protocol

from gateway.auth import WebhookAuthSettings
from services.common.logs import get_logger

log = get_logger("regsieve.gateway.registries")


class CatalogUnavailable(Exception):
    """Catalog could not answer (down, timed out, refused our token): the sender retries."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """What the gateway needs to know about one registry.

    `auth` is None when this gateway does not know the registry's type (a newer Catalog).
    """

    registry_id: str
    registry_type: str
    enabled: bool
    auth: WebhookAuthSettings | None


class RegistrySource(Protocol):
    """Where registries come from (Catalog's RegistryAccessService in production)."""

    async def fetch(self, registry_id: str) -> RegistryEntry | None:
        """The registry, or None when Catalog does not know the id; raises
        CatalogUnavailable when Catalog cannot answer."""
        ...


@dataclass(frozen=True, slots=True)
class _Cached:
    fetched_at: float
    entry: RegistryEntry | None


class RegistryCache:
    """Registry lookups with a time-to-live, single flight per id and a size bound."""

    def __init__(
        self,
        source: RegistrySource,
        ttl: float,
        *,
        stale_if_error: float = 300.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.ttl = ttl
        self.stale_if_error = stale_if_error
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[str, _Cached] = {}
        self._inflight: dict[str, asyncio.Task[RegistryEntry | None]] = {}

    async def get(self, registry_id: str) -> RegistryEntry | None:
        """The registry or None (unknown); raises CatalogUnavailable."""
        cached = self._entries.get(registry_id)
        if cached is not None and self.clock() - cached.fetched_at < self.ttl:
            return cached.entry
        task = self._inflight.get(registry_id)
        if task is None:
            task = asyncio.ensure_future(self._load(registry_id, cached))
            self._inflight[registry_id] = task
            task.add_done_callback(lambda done: self._finished(registry_id, done))
        return await asyncio.shield(task)

    def _finished(self, registry_id: str, task: asyncio.Task[RegistryEntry | None]) -> None:
        self._inflight.pop(registry_id, None)
        if not task.cancelled():
            task.exception()  # retrieved here, so an unawaited failure is not reported twice

    async def _load(self, registry_id: str, cached: _Cached | None) -> RegistryEntry | None:
        try:
            entry = await self.source.fetch(registry_id)
        except CatalogUnavailable as exc:
            if (
                cached is not None
                and cached.entry is not None
                and self.clock() - cached.fetched_at < self.stale_if_error
            ):
                log.warning(
                    "gateway.registry_stale", registry_id=registry_id, catalog_error=exc.reason
                )
                return cached.entry
            raise
        self._store(registry_id, entry)
        return entry

    def _store(self, registry_id: str, entry: RegistryEntry | None) -> None:
        self._entries.pop(registry_id, None)
        self._entries[registry_id] = _Cached(self.clock(), entry)
        excess = len(self._entries) - self.max_entries
        if excess > 0:
            for oldest in list(islice(self._entries, excess)):
                del self._entries[oldest]
