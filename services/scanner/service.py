"""Scanner process: database, NATS consumers, vulnerability database and the servicer."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid

import asyncpg
import grpc
from nats.aio.client import Client as NatsClient

from regsieve.v1 import events_pb2, scanner_pb2, scanner_pb2_grpc
from services.common import messaging
from services.common.db import open_database
from services.common.logs import get_logger
from services.scanner.access import RegistryAccess
from services.scanner.config import ScannerConfig
from services.scanner.database import VulnDatabase
from services.scanner.findings import PackageFinding
from services.scanner.importer import ChangedFindings, Importer, ImportSummary
from services.scanner.inventory import Package
from services.scanner.layer import LayerLimits
from services.scanner.layercache import LayerCache
from services.scanner.pull import ImagePuller
from services.scanner.scan import ImageScanner
from services.scanner.server import ScannerServicer
from services.scanner.store import ScannerStore
from services.scanner.vulndb.keys import record_keys
from services.scanner.worker import ScanWorker, WorkerSettings

SCHEMA = "scanner"
PUBLISH_CONCURRENCY = 256
log = get_logger("regsieve.scanner")


class ScannerService:
    service_names = (scanner_pb2.DESCRIPTOR.services_by_name["ScannerService"].full_name,)

    def __init__(self, config: ScannerConfig, *, consume: bool = True) -> None:
        self.config = config
        self.consume = consume
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self.pool: asyncpg.Pool | None = None
        self.nats: NatsClient | None = None
        self.catalog: grpc.aio.Channel | None = None
        self.worker: ScanWorker | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        config = self.config
        self.pool = await open_database(
            config.common.database_url,
            SCHEMA,
            "services.scanner.migrations",
            service="scanner",
            max_size=max(config.common.db_pool_max, config.concurrency + 4),
        )
        self.store = ScannerStore(self.pool)
        self.database = VulnDatabase(self.store)
        await self.database.refresh()
        self.nats = await messaging.connect(
            config.common.nats_url, f"regsieve-scanner-{self.owner}"
        )
        self.js = self.nats.jetstream()
        await messaging.ensure_streams(self.js, config.common.nats_stream_replicas)
        self.catalog = grpc.aio.insecure_channel(config.common.catalog_target)
        self.access = RegistryAccess(self.catalog, config.common.internal_token)
        limits = LayerLimits(
            max_layer_bytes=config.max_layer_bytes,
            max_entries=config.max_layer_files,
            max_file_bytes=config.max_file_bytes,
        )
        self.layers = LayerCache(self.store, self.owner)
        self.scanner = ImageScanner(
            self.store,
            self.database,
            self.access,
            ImagePuller(self.layers, limits),
            config.platforms,
        )
        self.importer = Importer(self.store, self.database, self._findings_changed)
        if config.vulndb_source:
            self._tasks.append(asyncio.create_task(self._initial_import(config.vulndb_source)))
        self._tasks.append(asyncio.create_task(self._reload_loop()))
        if self.consume:
            self.worker = ScanWorker(
                self.js,
                self.store,
                self.scanner,
                WorkerSettings(
                    concurrency=config.concurrency,
                    ack_wait_s=config.ack_wait_seconds,
                    max_deliver=config.max_deliver,
                    max_ack_pending=config.concurrency * 16,
                ),
            )
            await self.worker.start()

    def add_to_server(self, server: grpc.aio.Server) -> None:
        assert self.catalog is not None
        scanner_pb2_grpc.add_ScannerServiceServicer_to_server(
            ScannerServicer(self.store, self.database, self.importer, self.catalog, self.js),
            server,
        )

    async def stop(self) -> None:
        if self.worker:
            await self.worker.stop(self.config.common.shutdown_grace_seconds)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.nats:
            with contextlib.suppress(Exception):
                await self.nats.close()
        await self.access.close()
        if self.catalog:
            await self.catalog.close()
        if self.pool:
            await self.pool.close()

    async def _initial_import(self, source: str) -> None:
        kind = (
            "url"
            if source.startswith(("http://", "https://"))
            else ("zip_path" if source.endswith(".zip") else "directory")
        )
        try:
            await self.importer.run(**{kind: source})
        except Exception:
            log.exception("vulndb.initial_import_failed", source=source)

    async def _reload_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.vulndb_reload_seconds)
            try:
                records = await self.database.refresh()
                if records:
                    # packages this replica stored with the previous index since another
                    # replica's import: match them again (usually nothing changes)
                    keys = frozenset(k for r in records for k in record_keys(r))
                    await self.importer.rematch(
                        keys, ImportSummary(id=f"refresh-{uuid.uuid4()}", source="refresh")
                    )
            except Exception:
                log.exception("vulndb.reload_failed")

    async def _findings_changed(
        self, digests: list[str], added: ChangedFindings, removed: ChangedFindings, import_id: str
    ) -> None:
        """One regsieve.findings.changed event per image; images that changed alike share the
        serialized change lists (protobuf messages concatenate), so each event costs a few
        bytes of its own."""

        def change(package: Package, finding: PackageFinding) -> events_pb2.FindingChange:
            return events_pb2.FindingChange(
                vulnerability_id=finding.vulnerability_id,
                package_name=package.name,
                package_version=package.version,
                ecosystem=package.ecosystem,
                severity=finding.severity,
            )

        common = events_pb2.FindingsChanged(
            import_id=import_id,
            added=[change(p, f) for p, f in added],
            removed=[change(p, f) for p, f in removed],
        )
        common.change_time.GetCurrentTime()
        shared = common.SerializeToString()

        async def one(digest: str) -> None:
            event_id = f"{digest}:{import_id}"
            own = events_pb2.FindingsChanged(id=event_id, digest=digest).SerializeToString()
            await messaging.publish_bytes(
                self.js, messaging.FINDINGS_CHANGED, shared + own, event_id
            )

        for start in range(0, len(digests), PUBLISH_CONCURRENCY):
            await asyncio.gather(*(one(d) for d in digests[start : start + PUBLISH_CONCURRENCY]))
