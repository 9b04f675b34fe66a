"""Gateway fixtures: the gateway in-process on a free port, wired to a real NATS and a real
Catalog (the Catalog integration fixture), and helpers reading what reached the stream."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import replace
from typing import Any

import aiohttp
import nats
import pytest

from gateway.config import GatewayConfig
from gateway.key_material import Fetcher, KeyMaterialCache
from gateway.server import GatewayServer
from regsieve.v1 import catalog_pb2 as pb
from regsieve.v1 import events_pb2
from services.common.embedded import EmbeddedNats
from tests.integration.catalog.conftest import CatalogHandle, catalog  # noqa: F401
from tests.support.servers import common_config

EVENTS_STREAM = "REGSIEVE_EVENTS"
SECRET = "Bearer gateway-test-secret-4d1c"


def gateway_config(nats_url: str, catalog_target: str, **overrides: Any) -> GatewayConfig:
    config = GatewayConfig(
        common=common_config(
            nats_url=nats_url,
            catalog_target=catalog_target,
            internal_token="internal-test-token",
            log_level="info",
        ),
        listen="127.0.0.1:0",
        max_body_bytes=64 * 1024,
        registry_cache_seconds=0.3,
        publish_timeout_seconds=1.0,
        retry_after_seconds=2,
    )
    return replace(config, **overrides)


@contextlib.asynccontextmanager
async def running_gateway(
    config: GatewayConfig,
    *,
    fetcher: Fetcher | None = None,
    jwks_min_refresh: float = 0.3,
    wait_ready: bool = True,
) -> AsyncIterator[GatewayServer]:
    """The gateway; with `fetcher`, SNS certificates and Google's keys come from it."""
    keys = KeyMaterialCache(fetcher, jwks_min_refresh=jwks_min_refresh) if fetcher else None
    server = GatewayServer(config, keys=keys)
    await server.start()
    try:
        if wait_ready:
            await wait_until(lambda: server.publisher.ready, timeout=15)
        yield server
    finally:
        await server.stop()


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@pytest.fixture
async def gateway(
    nats_server: EmbeddedNats,
    catalog: CatalogHandle,  # noqa: F811
) -> AsyncIterator[GatewayServer]:
    async with running_gateway(gateway_config(nats_server.url, catalog.target)) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def create_registry(
    catalog: CatalogHandle,  # noqa: F811
    name: str,
    registry_type: int = pb.REGISTRY_TYPE_DISTRIBUTION,
    *,
    url: str = "http://127.0.0.1:5000",
    secret: str = SECRET,
    enabled: bool = True,
    **webhook: Any,
) -> str:
    reply = await catalog.stub.CreateRegistry(
        pb.CreateRegistryRequest(
            registry=pb.Registry(
                name=name,
                type=registry_type,
                url=url,
                enabled=enabled,
                webhook=pb.WebhookSettings(secret=secret, **webhook),
            )
        )
    )
    return str(reply.registry.id)


async def stream_events(nats_url: str) -> list[tuple[str, events_pb2.RegistryEvent, str]]:
    """Every message of the events stream: (subject, RegistryEvent, Nats-Msg-Id)."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        info = await js.stream_info(EVENTS_STREAM)
        out = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            if info.state.messages == 0:
                break
            raw = await js.get_msg(EVENTS_STREAM, seq)
            event = events_pb2.RegistryEvent.FromString(raw.data or b"")
            headers: Mapping[str, str] = raw.headers or {}
            out.append((raw.subject or "", event, headers.get("Nats-Msg-Id", "")))
        return out
    finally:
        await nc.close()


async def subject_count(nats_url: str, subject: str) -> int:
    nc = await nats.connect(nats_url)
    try:
        info = await nc.jetstream().stream_info(EVENTS_STREAM, subjects_filter=subject)
        return int((info.state.subjects or {}).get(subject, 0))
    finally:
        await nc.close()
