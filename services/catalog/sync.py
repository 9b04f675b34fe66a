"""One incremental sync: list, HEAD what is known, GET what is new, write in batches."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import re2

from services.catalog.domain import ManifestFacts, Scope, SyncCounters, TagState
from services.catalog.resolver import ManifestResolver
from services.catalog.store import CatalogStore
from services.common.logs import get_logger
from services.common.registry.client import RegistryClient
from services.common.registry.errors import (
    ContentTooLarge,
    DigestMismatch,
    ManifestInvalid,
    RegistryAuthError,
    RegistryError,
    RegistryNotFound,
)

log = get_logger("regsieve.catalog.sync")

WRITE_BATCH = 2000
FLUSH_INTERVAL_S = 0.5
PROGRESS_INTERVAL_S = 1.0


class SyncCancelled(Exception):
    pass


class SyncFailed(Exception):
    """A failure that affects the whole registry (listing refused, auth failed)."""


@dataclass
class _RepoProgress:
    pending: int
    listed: set[str]


@dataclass
class SyncPlan:
    """What a sync covers."""

    registry_id: str
    scope: Scope
    ref_filter: str = ""
    repository_filter: str = ""
    repositories: tuple[str, ...] = ()
    list_repositories: Callable[[], AsyncIterator[list[str]]] | None = None


@dataclass
class _Writes:
    tags: list[tuple[str, str, ManifestFacts]] = field(default_factory=list)
    touched: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    repositories: list[str] = field(default_factory=list)

    def size(self) -> int:
        return len(self.tags) + len(self.touched) + len(self.removed) + len(self.repositories)


class SyncRun:
    """Runs one sync to completion; progress goes to `counters` and is saved periodically."""

    def __init__(
        self,
        sync_id: str,
        plan: SyncPlan,
        client: RegistryClient,
        store: CatalogStore,
        *,
        concurrency: int,
        cancel_event: asyncio.Event | None = None,
    ) -> None:
        self.sync_id = sync_id
        self.plan = plan
        self.client = client
        self.store = store
        self.concurrency = max(1, concurrency)
        self.counters = SyncCounters()
        self.cancel_event = cancel_event or asyncio.Event()
        self._ref_filter = re2.compile(plan.ref_filter) if plan.ref_filter else None
        self._repo_filter = re2.compile(plan.repository_filter) if plan.repository_filter else None
        self._writes = _Writes()
        self._write_lock = asyncio.Lock()
        self._started = time.monotonic()
        self._now = datetime.now(UTC)
        self._tag_states: dict[tuple[str, str], TagState] = {}
        self._by_repo: dict[str, dict[str, TagState]] = {}
        self._resolver: ManifestResolver | None = None

    # -- entry point -----------------------------------------------------------------

    async def run(self) -> SyncCounters:
        registry_id = self.plan.registry_id
        self._tag_states = await self.store.load_tag_states(registry_id)
        for (repository, tag), state in self._tag_states.items():
            self._by_repo.setdefault(repository, {})[tag] = state
        self._resolver = ManifestResolver(
            self.client,
            await self.store.load_known_manifests(registry_id),
            on_manifest_fetch=self._count_manifest,
            on_config_fetch=self._count_config,
            lookup=self.store.get_manifest,
        )
        repo_queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=256)
        tag_queue: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue(
            maxsize=self.concurrency * 8
        )
        self._repo_progress: dict[str, _RepoProgress] = {}
        progress_task = asyncio.create_task(self._progress_loop())
        listed_repositories: set[str] = set()
        full_listing = not (
            self.plan.repositories or self.plan.scope.repositories or self._repo_filter
        )
        try:
            tag_listers = [
                asyncio.create_task(self._tag_lister(repo_queue, tag_queue))
                for _ in range(min(8, self.concurrency))
            ]
            tag_workers = [
                asyncio.create_task(self._tag_worker(tag_queue)) for _ in range(self.concurrency)
            ]
            try:
                async for page in self._repositories():
                    admitted = [r for r in page if self._admits_repository(r)]
                    listed_repositories.update(admitted)
                    self.counters.repositories_total += len(admitted)
                    await self.store.upsert_repositories(registry_id, admitted, self._now)
                    for repository in admitted:
                        await repo_queue.put(repository)
                        self._check_cancel()
                for _ in tag_listers:
                    await repo_queue.put(None)
                await _gather_or_fail(tag_listers)
                for _ in tag_workers:
                    await tag_queue.put(None)
                await _gather_or_fail(tag_workers)
            except BaseException:
                for task in (*tag_listers, *tag_workers):
                    task.cancel()
                await asyncio.gather(*tag_listers, *tag_workers, return_exceptions=True)
                raise
            await self._flush()
            if full_listing:
                gone = sorted(set(self._by_repo) - listed_repositories)
                gone = [r for r in gone if self.plan.scope.admits(r)]
                removed = await self.store.mark_repositories_removed(registry_id, gone, self._now)
                self.counters.tags_removed += removed
        finally:
            progress_task.cancel()
            await asyncio.gather(progress_task, return_exceptions=True)
            self._update_rate()
        return self.counters

    # -- listing ---------------------------------------------------------------------

    def _admits_repository(self, repository: str) -> bool:
        if not self.plan.scope.admits(repository):
            return False
        return not (self._repo_filter and not self._repo_filter.search(repository))

    async def _repositories(self) -> AsyncIterator[list[str]]:
        explicit = self.plan.repositories or self.plan.scope.repositories
        if explicit:
            yield list(explicit)
            return
        lister = self.plan.list_repositories or self.client.list_repositories
        try:
            async for page in lister():
                yield page
        except RegistryAuthError as exc:
            raise SyncFailed(f"listing repositories was refused: {exc.message}") from None
        except RegistryError as exc:
            raise SyncFailed(f"listing repositories failed: {exc.message}") from None

    async def _tag_lister(
        self,
        repo_queue: asyncio.Queue[str | None],
        tag_queue: asyncio.Queue[tuple[str, str] | None],
    ) -> None:
        while (repository := await repo_queue.get()) is not None:
            self._check_cancel()
            try:
                tags = await self.client.list_tags(repository)
            except RegistryNotFound:
                tags = []
            except RegistryError as exc:
                self.counters.error(f"TAGS_{exc.code}", f"{repository}: {exc.message}")
                self.counters.repositories_done += 1
                continue
            wanted = []
            for tag in dict.fromkeys(tags):
                if self._ref_filter and not self._ref_filter.search(f"{repository}:{tag}"):
                    self.counters.tags_filtered += 1
                else:
                    wanted.append(tag)
            self.counters.tags_seen += len(wanted)
            listed = set(tags)
            self._repo_progress[repository] = _RepoProgress(len(wanted) + 1, listed)
            for tag in wanted:
                await tag_queue.put((repository, tag))
            await self._repo_item_done(repository)

    async def _repo_item_done(self, repository: str) -> None:
        progress = self._repo_progress[repository]
        progress.pending -= 1
        if progress.pending:
            return
        del self._repo_progress[repository]
        known = self._by_repo.get(repository, {})
        gone = [
            (repository, tag)
            for tag, state in known.items()
            if not state.removed and tag not in progress.listed
        ]
        self.counters.tags_removed += len(gone)
        self.counters.repositories_done += 1
        await self._queue_write(removed=gone)

    # -- per tag ---------------------------------------------------------------------

    async def _tag_worker(self, tag_queue: asyncio.Queue[tuple[str, str] | None]) -> None:
        while (item := await tag_queue.get()) is not None:
            repository, tag = item
            try:
                await self._sync_tag(repository, tag)
            except RegistryError as exc:
                self.counters.error(_reason(exc), f"{repository}:{tag}: {exc.message}")
                if isinstance(exc, RegistryAuthError) and exc.status == 401:
                    raise SyncFailed(f"authentication failed: {exc.message}") from None
            finally:
                await self._repo_item_done(repository)
            self._check_cancel()

    async def _sync_tag(self, repository: str, tag: str) -> None:
        resolver = self._resolver
        assert resolver is not None
        state = self._tag_states.get((repository, tag))
        if state is not None and not state.removed:
            head = await self.client.head_manifest(repository, tag)
            if head.digest == state.digest:
                self.counters.tags_unchanged += 1
                await self._queue_write(touched=[(repository, tag)])
                return
            facts = await resolver.resolve(repository, head.digest)
            self.counters.tags_changed += 1
        else:
            fetched = await self.client.get_manifest(repository, tag)
            self._count_manifest()
            facts = await resolver.resolve(repository, fetched.digest, fetched)
            self.counters.tags_new += 1
        await self._queue_write(tags=[(repository, tag, facts)])

    # -- batching --------------------------------------------------------------------

    async def _queue_write(
        self,
        *,
        tags: list[tuple[str, str, ManifestFacts]] | None = None,
        touched: list[tuple[str, str]] | None = None,
        removed: list[tuple[str, str]] | None = None,
    ) -> None:
        writes = self._writes
        if tags:
            writes.tags.extend(tags)
        if touched:
            writes.touched.extend(touched)
        if removed:
            writes.removed.extend(removed)
        if writes.size() >= WRITE_BATCH and not self._write_lock.locked():
            await self._flush()

    async def _flush(self) -> None:
        async with self._write_lock:
            writes, self._writes = self._writes, _Writes()
            resolver = self._resolver
            fresh = resolver.take_fresh() if resolver else []
            registry_id = self.plan.registry_id
            # manifests first: a tag row must never point at an unknown manifest
            await self.store.upsert_manifests(fresh)
            await self.store.upsert_tags(registry_id, writes.tags, self._now)
            await self.store.touch_tags(registry_id, writes.touched, self._now)
            await self.store.mark_tags_removed(registry_id, writes.removed, self._now)

    async def _progress_loop(self) -> None:
        last_flush = time.monotonic()
        while True:
            await asyncio.sleep(min(FLUSH_INTERVAL_S, PROGRESS_INTERVAL_S))
            if time.monotonic() - last_flush >= FLUSH_INTERVAL_S and self._writes.size():
                await self._flush()
                last_flush = time.monotonic()
            self._update_rate()
            if await self.store.save_progress(self.sync_id, self.counters):
                self.cancel_event.set()

    def _update_rate(self) -> None:
        elapsed = max(1e-6, time.monotonic() - self._started)
        done = self.counters.tags_new + self.counters.tags_changed + self.counters.tags_unchanged
        self.counters.tags_per_second = round(done / elapsed, 1)
        self.counters.requests = self.client.stats.total

    def _check_cancel(self) -> None:
        if self.cancel_event.is_set():
            raise SyncCancelled()

    def _count_manifest(self) -> None:
        self.counters.manifests_fetched += 1

    def _count_config(self) -> None:
        self.counters.configs_fetched += 1


def _reason(exc: RegistryError) -> str:
    if isinstance(exc, DigestMismatch):
        return "DIGEST_MISMATCH"
    if isinstance(exc, ManifestInvalid):
        return "MANIFEST_INVALID"
    if isinstance(exc, ContentTooLarge):
        return "TOO_LARGE"
    return exc.code


async def _gather_or_fail(tasks: list[asyncio.Task[None]]) -> None:
    """Waits for all tasks; the first failure cancels the rest and is raised."""
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in done:
        if task.exception() is not None:
            for other in pending:
                other.cancel()
            raise task.exception()  # type: ignore[misc]
