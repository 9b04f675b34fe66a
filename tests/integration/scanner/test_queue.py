"""The scan queue: two scanners share the consumer and scan each request once; push first."""

from __future__ import annotations

import asyncio

import nats

from regsieve.v1 import events_pb2
from regsieve.v1 import scanner_pb2 as pb
from services.common import messaging
from services.common.embedded import EmbeddedNats
from services.common.registry.client import RegistryClient
from services.scanner.service import ScannerService
from tests.integration.scanner.conftest import collect_results, scanner_config
from tests.support.catalog import CatalogHandle
from tests.support.images import ImageSpec, layer, push_image
from tests.support.registry import RunningRegistry
from tests.support.servers import running


async def push_images(registry: RunningRegistry, count: int) -> list[str]:
    digests = []
    async with RegistryClient(registry.url) as client:
        for i in range(count):
            files = {
                "etc/os-release": b"ID=alpine\nVERSION_ID=3.19.0\n",
                f"srv/app-{i}.txt": b"x" * (1000 + i),
            }
            digests.append(
                await push_image(client, f"fleet/app{i}", ["1"], ImageSpec([layer(files)]))
            )
    return digests


def request(registry_id: str, index: int, digest: str, lane: int) -> events_pb2.ScanRequest:
    return events_pb2.ScanRequest(
        id=f"test-{lane}-{index}",
        registry_id=registry_id,
        repository=f"fleet/app{index}",
        tag="1",
        digest=digest,
        lane=lane,
    )


async def publish(url: str, requests: list[events_pb2.ScanRequest]) -> None:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        await messaging.ensure_streams(js)
        for req in requests:
            lane = {1: "push", 2: "manual", 3: "sweep", 4: "rescan"}[req.lane]
            await messaging.publish(js, messaging.scan_requested_subject(lane), req, req.id)
    finally:
        await client.close()


async def test_two_scanners_scan_each_request_once(
    registry: RunningRegistry, database_url: str, nats_server: EmbeddedNats, catalog: CatalogHandle
) -> None:
    digests = await push_images(registry, 24)
    created = await catalog.create_registry("fleet", registry.url)
    first = ScannerService(scanner_config(database_url, nats_server.url, catalog.target))
    second = ScannerService(scanner_config(database_url, nats_server.url, catalog.target))
    async with (
        running("scanner", first, first.config.common) as (_, channel),
        running("scanner", second, second.config.common),
    ):
        requests = [
            request(created.id, i, d, events_pb2.SCAN_LANE_SWEEP) for i, d in enumerate(digests)
        ]
        await publish(nats_server.url, requests)
        client = await nats.connect(nats_server.url)
        try:
            results = await collect_results(client, len(requests), timeout=120)
            await asyncio.sleep(1.0)  # nothing more may arrive
            js = client.jetstream()
            info = await js.stream_info("REGSIEVE_SCAN_RESULTS")
        finally:
            await client.close()
        assert sorted(r.request_id for r in results) == sorted(r.id for r in requests)
        assert all(r.outcome == events_pb2.SCAN_OUTCOME_SUCCEEDED for r in results)
        assert info.state.messages == len(requests)
        assert first.worker and second.worker
        assert first.worker.handled + second.worker.handled == len(requests)
        assert first.worker.handled > 0 and second.worker.handled > 0
        from regsieve.v1 import scanner_pb2_grpc

        stub = scanner_pb2_grpc.ScannerServiceStub(channel)
        scans = (await stub.ListScans(pb.ListScansRequest(page_size=100))).scans
        assert len(scans) == len(requests)
        assert all(s.attempts == 1 and s.state == pb.SCAN_STATE_SUCCEEDED for s in scans)


async def test_push_requests_overtake_a_sweep_backlog(
    registry: RunningRegistry, database_url: str, nats_server: EmbeddedNats, catalog: CatalogHandle
) -> None:
    digests = await push_images(registry, 21)
    created = await catalog.create_registry("fleet", registry.url)
    service = ScannerService(
        scanner_config(database_url, nats_server.url, catalog.target, concurrency=2)
    )
    sweep = [
        request(created.id, i, d, events_pb2.SCAN_LANE_SWEEP) for i, d in enumerate(digests[:20])
    ]
    push = request(created.id, 20, digests[20], events_pb2.SCAN_LANE_PUSH)
    await publish(nats_server.url, [*sweep, push])  # the backlog is queued before the service
    async with running("scanner", service, service.config.common):
        client = await nats.connect(nats_server.url)
        try:
            results = await collect_results(client, 21, timeout=120)
        finally:
            await client.close()
    order = [r.request_id for r in results]
    assert order.index(push.id) <= 2, order
