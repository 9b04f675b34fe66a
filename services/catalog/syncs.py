"""Starts, tracks and cancels syncs on this replica; fails syncs whose replica died."""

from __future__ import annotations

import asyncio
import os
import socket
from dataclasses import replace

from services.catalog.access import client_for, decrypt_credentials, repository_lister
from services.catalog.domain import SyncCounters, validate_ref_filter
from services.catalog.store import CatalogStore, SyncRow
from services.catalog.sync import SyncCancelled, SyncFailed, SyncPlan, SyncRun
from services.common.errors import FailedPrecondition, InvalidArgument
from services.common.logs import get_logger
from services.common.secrets import SecretBox

log = get_logger("regsieve.catalog.syncs")

STALE_AFTER_S = 30.0
REAP_INTERVAL_S = 10.0


class SyncManager:
    """One per Catalog process. Sync state lives in PostgreSQL, so any replica can answer."""

    def __init__(self, store: CatalogStore, box: SecretBox, max_parallel: int) -> None:
        self.store = store
        self.box = box
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self._slots = asyncio.Semaphore(max_parallel)
        self._running: dict[str, tuple[asyncio.Task[None], asyncio.Event]] = {}
        self._reaper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.store.fail_stale_syncs(STALE_AFTER_S)
        self._reaper = asyncio.create_task(self._reap_loop())

    async def stop(self) -> None:
        if self._reaper:
            self._reaper.cancel()
        for _, event in self._running.values():
            event.set()
        tasks = [task for task, _ in self._running.values()]
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _reap_loop(self) -> None:
        while True:
            await asyncio.sleep(REAP_INTERVAL_S)
            try:
                failed = await self.store.fail_stale_syncs(STALE_AFTER_S)
                if failed:
                    log.warning("sync.stale_failed", count=failed)
            except Exception:
                log.exception("sync.reap_failed")

    async def start_sync(
        self,
        registry_id: str,
        *,
        ref_filter: str = "",
        repository_filter: str = "",
        repositories: tuple[str, ...] = (),
    ) -> SyncRow:
        problems = validate_ref_filter(ref_filter, "ref_filter") + validate_ref_filter(
            repository_filter, "repository_filter"
        )
        if problems:
            raise InvalidArgument(violations=problems)
        registry = await self.store.get_registry(registry_id)
        if not registry.spec.enabled:
            raise FailedPrecondition(f"registry {registry.spec.name!r} is disabled")
        row, created = await self.store.create_sync(
            registry_id, ref_filter, repository_filter, repositories, self.owner
        )
        if not created:
            return row
        event = asyncio.Event()
        task = asyncio.create_task(self._run(row, event))
        self._running[row.id] = (task, event)
        task.add_done_callback(lambda _: self._running.pop(row.id, None))
        return row

    async def cancel(self, sync_id: str) -> SyncRow:
        row = await self.store.request_cancel(sync_id)
        local = self._running.get(sync_id)
        if local:
            local[1].set()
        return row

    async def _run(self, row: SyncRow, cancel_event: asyncio.Event) -> None:
        counters = SyncCounters()
        state, error = "SUCCEEDED", ""
        while True:
            try:
                await asyncio.wait_for(self._slots.acquire(), timeout=5.0)
                break
            except TimeoutError:
                # still waiting for a slot: keep the heartbeat fresh so no reaper fails it
                if await self.store.save_progress(row.id, counters):
                    await self.store.finish_sync(row.id, "CANCELLED", counters, "cancelled")
                    return
        try:
            await self.store.mark_running(row.id)
            registry = await self.store.get_registry(row.registry_id)
            username_secret = await self.store.get_registry_secrets(row.registry_id)
            credentials = decrypt_credentials(
                self.box, registry.credentials_username, username_secret[0]
            )
            spec = registry.spec
            client = client_for(spec, credentials, label=spec.name)
            plan = SyncPlan(
                registry_id=row.registry_id,
                scope=spec.scope,
                ref_filter=row.ref_filter,
                repository_filter=row.repository_filter,
                repositories=row.repositories,
                list_repositories=repository_lister(spec, credentials),
            )
            run = SyncRun(
                row.id,
                plan,
                client,
                self.store,
                concurrency=spec.limits.max_concurrency or 16,
                cancel_event=cancel_event,
            )
            log.info("sync.started", sync_id=row.id, registry=spec.name)
            try:
                counters = await run.run()
            except SyncCancelled:
                state, error, counters = "CANCELLED", "cancelled", run.counters
            except SyncFailed as exc:
                state, error, counters = "FAILED", str(exc), run.counters
            except Exception as exc:
                log.exception("sync.crashed", sync_id=row.id)
                state, error, counters = "FAILED", f"internal error: {exc}", run.counters
            finally:
                await client.close()
            counters = replace(counters)
            await self.store.finish_sync(row.id, state, counters, error)
            log.info(
                "sync.finished",
                sync_id=row.id,
                registry=spec.name,
                state=state,
                error=error,
                tags_new=counters.tags_new,
                tags_changed=counters.tags_changed,
                tags_unchanged=counters.tags_unchanged,
                tags_removed=counters.tags_removed,
                requests=counters.requests,
                tags_per_second=counters.tags_per_second,
            )
        finally:
            self._slots.release()
