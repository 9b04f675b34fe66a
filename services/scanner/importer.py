"""Vulnerability imports: read OSV records, upsert what is newer, re-match affected images."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from services.common.errors import FailedPrecondition, InvalidArgument, Unavailable
from services.common.logs import get_logger
from services.scanner.database import VulnDatabase
from services.scanner.findings import PackageFinding, package_findings
from services.scanner.inventory import Package
from services.scanner.store import ScannerStore
from services.scanner.vulndb.imports import plan_import
from services.scanner.vulndb.keys import Key, record_keys
from services.scanner.vulndb.loader import (
    LoadError,
    LoadResult,
    load_directory,
    load_zip,
    parse_json_bytes,
)
from services.scanner.vulndb.osv import parse_timestamp

log = get_logger("regsieve.scanner.import")

MAX_DOWNLOAD_BYTES = 4 * 1024 * 1024 * 1024
UPSERT_BATCH = 2000
# called with (digests, added, removed, import id) for each group of images whose findings
# changed the same way; each finding comes with the package it affects
ChangedFindings = list[tuple[Package, PackageFinding]]
ChangeCallback = Callable[[list[str], ChangedFindings, ChangedFindings, str], Awaitable[None]]


@dataclass
class ImportSummary:
    id: str
    source: str
    records_read: int = 0
    records_added: int = 0
    records_updated: int = 0
    records_unchanged: int = 0
    records_withdrawn: int = 0
    records_invalid: int = 0
    keys_changed: int = 0
    images_rematched: int = 0
    images_changed: int = 0
    registry_requests: int = 0
    invalid_examples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step, for the log

    def timed(self, phase: str, started: float) -> float:
        now = time.perf_counter()
        self.phases[phase] = round(self.phases.get(phase, 0.0) + now - started, 3)
        return now

    def counters(self) -> dict[str, int]:
        return {
            name: getattr(self, name)
            for name in (
                "records_read",
                "records_added",
                "records_updated",
                "records_unchanged",
                "records_withdrawn",
                "records_invalid",
                "keys_changed",
                "images_rematched",
                "images_changed",
                "registry_requests",
            )
        }


async def download(url: str, directory: Path) -> Path:
    """Streams an http(s) URL to a file (bounded size); the caller deletes it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidArgument.field("url", "must be an http(s) URL")
    target = directory / "download"
    total = 0
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=120)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as resp:
            if resp.status != 200:
                raise FailedPrecondition(f"{url} answered HTTP {resp.status}")
            with target.open("wb") as out:
                async for chunk in resp.content.iter_chunked(1 << 20):
                    total += len(chunk)
                    if total > MAX_DOWNLOAD_BYTES:
                        raise FailedPrecondition(f"{url} is larger than {MAX_DOWNLOAD_BYTES} bytes")
                    out.write(chunk)
    except aiohttp.ClientError as exc:
        raise Unavailable(f"cannot download {url}: {exc}") from None
    return target


async def read_source(directory: str, zip_path: str, url: str) -> tuple[str, LoadResult]:
    given = [v for v in (directory, zip_path, url) if v]
    if len(given) != 1:
        raise InvalidArgument.field("directory", "give exactly one of directory, zip_path, url")
    if directory or zip_path:
        return directory or zip_path, await asyncio.to_thread(_load_local, directory, zip_path)
    with tempfile.TemporaryDirectory(prefix="regsieve-osv-") as tmp:
        downloaded = await download(url, Path(tmp))
        head = downloaded.open("rb").read(4)
        if head.startswith(b"PK"):
            return url, await asyncio.to_thread(load_zip, downloaded)
        result = LoadResult()
        for item in parse_json_bytes(downloaded.read_bytes(), url):
            if isinstance(item, LoadError):
                result.errors.append(item)
            else:
                result.records.append(item)
        return url, result


def _load_local(directory: str, zip_path: str) -> LoadResult:
    if directory:
        if not Path(directory).is_dir():
            raise InvalidArgument.field("directory", f"{directory} is not a directory")
        return load_directory(Path(directory))
    if not Path(zip_path).is_file():
        raise InvalidArgument.field("zip_path", f"{zip_path} is not a file")
    return load_zip(Path(zip_path))


class Importer:
    def __init__(
        self, store: ScannerStore, database: VulnDatabase, on_change: ChangeCallback
    ) -> None:
        self.store = store
        self.database = database
        self.on_change = on_change
        self._lock = asyncio.Lock()

    async def run(self, directory: str = "", zip_path: str = "", url: str = "") -> ImportSummary:
        async with self._lock:  # one import at a time per process
            started = time.perf_counter()
            source, loaded = await read_source(directory, zip_path, url)
            summary = ImportSummary(id=str(uuid.uuid4()), source=source)
            mark = summary.timed("read", started)
            await self.store.start_import(summary.id, source)
            summary.records_read = len(loaded.records)
            summary.records_invalid = len(loaded.errors)
            summary.invalid_examples = [f"{e.source}: {e.message}" for e in loaded.errors[:20]]
            stored = await self.store.stored_records()
            plan = plan_import(stored, loaded.records)
            mark = summary.timed("plan", mark)
            summary.records_unchanged = len(plan.skipped)
            for record in plan.upserts:
                if record.id in stored:
                    summary.records_updated += 1
                else:
                    summary.records_added += 1
                if record.is_withdrawn:
                    summary.records_withdrawn += 1
            for start in range(0, len(plan.upserts), UPSERT_BATCH):
                batch = plan.upserts[start : start + UPSERT_BATCH]
                await self.store.upsert_records(
                    [
                        (
                            r.id,
                            r.modified_at,
                            parse_timestamp(r.withdrawn) if r.withdrawn else None,
                            tuple(r.aliases),
                            r.summary[:1000],
                            json.dumps(r.raw).encode(),
                        )
                        for r in batch
                    ],
                    [(r.id, eco, name) for r in batch for eco, name in record_keys(r)],
                )
            mark = summary.timed("store", mark)
            await self.database.apply(plan.upserts, await self.store.latest_import_time())
            mark = summary.timed("index", mark)
            summary.keys_changed = len(plan.changed_keys)
            if plan.changed_keys:
                await self.rematch(plan.changed_keys, summary)
            summary.seconds = round(time.perf_counter() - started, 3)
            await self.store.finish_import(summary.id, summary.counters(), summary.invalid_examples)
            log.info(
                "vulndb.imported",
                import_id=summary.id,
                source=source,
                **summary.counters(),
                seconds=summary.seconds,
                phases=summary.phases,
            )
            return summary

    async def rematch(self, keys: frozenset[Key], summary: ImportSummary) -> None:
        """Re-matches, from stored packages only, the distinct packages whose keys changed;
        every image containing one of them gets its changes recorded and published."""
        mark = time.perf_counter()
        packages = await self.store.packages_with_keys(keys)
        if not packages:
            return
        index = self.database.index
        current = {pid: package_findings(pid, index.match_package(p)) for pid, p in packages}
        mark = summary.timed("rematch_packages", mark)
        added, removed = await self.store.replace_package_findings(current, summary.id)
        mark = summary.timed("rematch_findings", mark)
        ids = [pid for pid, _ in packages]
        summary.images_rematched = await self.store.count_images_with(ids)
        await self.store.touch_sets(ids)
        changed = {f.package_id for f in (*added, *removed)}
        groups = await self.store.images_by_packages(sorted(changed)) if changed else []
        mark = summary.timed("rematch_images", mark)
        by_id = dict(packages)
        added_by = _group(added)
        removed_by = _group(removed)
        for group_ids, digests in groups:
            summary.images_changed += len(digests)
            group_added = [(by_id[i], f) for i in group_ids for f in added_by.get(i, ())]
            group_removed = [(by_id[i], f) for i in group_ids for f in removed_by.get(i, ())]
            await self.on_change(digests, group_added, group_removed, summary.id)
        summary.timed("rematch_events", mark)


def _group(findings: list[PackageFinding]) -> dict[str, list[PackageFinding]]:
    grouped: dict[str, list[PackageFinding]] = {}
    for finding in findings:
        grouped.setdefault(finding.package_id, []).append(finding)
    return grouped
