"""NATS availability: the gateway starts without it, answers 503 while it is away, and every
accepted delivery is on the stream exactly once when it is back."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from gateway.server import GatewayServer
from services.common.embedded import EmbeddedNats, free_port
from services.common.messaging import EVENT_IMAGE_PUSHED
from tests.integration.catalog.conftest import CatalogHandle
from tests.integration.gateway.conftest import (
    SECRET,
    create_registry,
    gateway_config,
    running_gateway,
    subject_count,
    wait_until,
)
from tests.unit.gateway.webhook_samples import live_capture


async def status_of(http: aiohttp.ClientSession, url: str, **kwargs: object) -> tuple[int, str]:
    method = "POST" if "data" in kwargs else "GET"
    async with http.request(method, url, **kwargs) as response:  # type: ignore[arg-type]
        return response.status, response.headers.get("Retry-After", "")


def push_delivery() -> tuple[dict[str, str], bytes]:
    headers, body = live_capture("manifest-push-oci.json")
    return {"Content-Type": headers["Content-Type"], "Authorization": SECRET}, body


async def test_starts_without_nats_and_becomes_ready_when_nats_appears(
    scratch: Path, catalog: CatalogHandle, http: aiohttp.ClientSession
) -> None:
    port = free_port()
    nats = EmbeddedNats(scratch / f"late-nats-{port}", port=port)
    registry_id = await create_registry(catalog, "dist")
    headers, body = push_delivery()
    config = gateway_config(f"nats://127.0.0.1:{port}", catalog.target)
    try:
        async with running_gateway(config, wait_ready=False) as server:
            url = f"{server.url}/v1/webhooks/{registry_id}"
            assert await status_of(http, f"{server.url}/healthz") == (200, "")
            assert await status_of(http, f"{server.url}/readyz") == (503, "")
            assert await status_of(http, url, data=body, headers=headers) == (503, "2")

            nats.start()
            await wait_until(lambda: server.publisher.ready, timeout=15)
            assert await status_of(http, f"{server.url}/readyz") == (200, "")
            assert await status_of(http, url, data=body, headers=headers) == (200, "")
            assert await subject_count(nats.url, EVENT_IMAGE_PUSHED) == 1
    finally:
        nats.stop()


async def test_nats_outage_gets_503_and_the_retry_is_stored_exactly_once(
    gateway: GatewayServer,
    catalog: CatalogHandle,
    nats_server: EmbeddedNats,
    http: aiohttp.ClientSession,
) -> None:
    registry_id = await create_registry(catalog, "dist")
    headers, body = push_delivery()
    url = f"{gateway.url}/v1/webhooks/{registry_id}"

    nats_server.stop()
    await wait_until(lambda: not gateway.publisher.connected)
    for _ in range(3):
        assert await status_of(http, url, data=body, headers=headers) == (503, "2")
    assert await status_of(http, f"{gateway.url}/readyz") == (503, "")
    # noise needs no queue: still acknowledged
    pull_headers, pull = live_capture("manifest-pull-get.json")
    pull_headers = {"Content-Type": pull_headers["Content-Type"], "Authorization": SECRET}
    assert await status_of(http, url, data=pull, headers=pull_headers) == (200, "")

    nats_server.start()  # same port, same store directory
    await wait_until(lambda: gateway.publisher.ready, timeout=15)
    for _ in range(2):  # the sender's retry, and one more for good measure
        assert await status_of(http, url, data=body, headers=headers) == (200, "")
    await asyncio.sleep(0.2)
    assert await subject_count(nats_server.url, EVENT_IMAGE_PUSHED) == 1
