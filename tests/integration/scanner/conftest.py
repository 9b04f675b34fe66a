"""Scanner fixtures: Catalog and Scanner in-process on one real PostgreSQL, a real NATS."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client as NatsClient

from regsieve.v1 import events_pb2, scanner_pb2_grpc
from services.common.embedded import EmbeddedNats
from services.scanner.config import ScannerConfig
from services.scanner.service import ScannerService
from tests.support.catalog import CatalogHandle
from tests.support.servers import common_config, running

VULNDB = Path(__file__).resolve().parents[2] / "data" / "vulndb"


def scanner_config(
    database_url: str, nats_url: str, catalog_target: str, **overrides: object
) -> ScannerConfig:
    config = ScannerConfig(
        common=common_config(
            database_url=database_url,
            nats_url=nats_url,
            catalog_target=catalog_target,
            internal_token="internal-test-token",
        ),
        concurrency=4,
        platforms=(("linux", "amd64", ""),),
        max_layer_bytes=64 * 1024 * 1024,
        max_layer_files=100_000,
        max_file_bytes=64 * 1024 * 1024,
        max_deliver=3,
        ack_wait_seconds=30,
        vulndb_source="",
        vulndb_reload_seconds=1,
    )
    return replace(config, **overrides)  # type: ignore[arg-type]


@dataclass
class ScannerHandle:
    stub: scanner_pb2_grpc.ScannerServiceStub
    service: ScannerService
    nats: NatsClient
    catalog: CatalogHandle
    target: str

    async def results(self, count: int, timeout: float = 60) -> list[events_pb2.ScanResult]:
        """The first `count` scan results (completed or failed) published so far."""
        return await collect_results(self.nats, count, timeout)


async def collect_results(
    client: NatsClient, count: int, timeout: float
) -> list[events_pb2.ScanResult]:
    js = client.jetstream()
    sub = await js.subscribe(
        "regsieve.scan.*", stream="REGSIEVE_SCAN_RESULTS", ordered_consumer=True
    )
    out: list[events_pb2.ScanResult] = []
    try:

        async def read() -> None:
            async for msg in sub.messages:
                out.append(events_pb2.ScanResult.FromString(msg.data))
                if len(out) >= count:
                    return

        await asyncio.wait_for(read(), timeout)
    finally:
        await sub.unsubscribe()
    return out


@pytest.fixture
async def scanner(
    database_url: str,
    nats_server: EmbeddedNats,
    catalog: CatalogHandle,
) -> AsyncIterator[ScannerHandle]:
    config = scanner_config(database_url, nats_server.url, catalog.target)
    service = ScannerService(config)
    client = await nats.connect(nats_server.url)
    try:
        async with running("scanner", service, config.common) as (target, channel):
            yield ScannerHandle(
                scanner_pb2_grpc.ScannerServiceStub(channel), service, client, catalog, target
            )
    finally:
        await client.close()
