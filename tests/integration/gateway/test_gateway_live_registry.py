"""A real docker-registry (Debian's CNCF Distribution 2.8) notifying the gateway: an image
pushed with the project's own client reaches NATS once, also across a NATS outage during
which the registry's deliveries get 503 and it retries by itself."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import aiohttp

from gateway.server import GatewayServer
from regsieve.v1 import events_pb2
from services.common.embedded import EmbeddedNats, free_port
from services.common.messaging import EVENT_IMAGE_PUSHED
from services.common.registry.client import RegistryClient
from tests.integration.catalog.conftest import CatalogHandle
from tests.integration.gateway.conftest import (
    SECRET,
    create_registry,
    stream_events,
    subject_count,
    wait_until,
)
from tests.integration.gateway.test_gateway_webhooks import metric_lines, metric_value
from tests.support.images import ImageSpec, layer, push_image
from tests.support.registry import RunningRegistry

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


async def notifying_registry(
    catalog: CatalogHandle,
    gateway: GatewayServer,
    registry_factory: Callable[..., RunningRegistry],
) -> tuple[str, RunningRegistry]:
    """A Catalog registry and the docker-registry it describes, notifying the gateway as
    docs/webhooks.md says (with short retry timings to keep the test fast)."""
    port = free_port()
    registry_id = await create_registry(catalog, "live", url=f"http://127.0.0.1:{port}")
    endpoint: dict[str, Any] = {
        "name": "regsieve",
        "url": f"{gateway.url}/v1/webhooks/{registry_id}",
        "headers": {"Authorization": [SECRET]},
        "timeout": "1s",
        "threshold": 1,
        "backoff": "200ms",
        # Distribution 2.8 applies ignore.actions only when a media type is ignored too
        # (docs/webhooks.md); octet-stream is what blob events carry.
        "ignore": {"actions": ["pull"], "mediatypes": ["application/octet-stream"]},
    }
    registry = registry_factory(port=port, notifications={"endpoints": [endpoint]})
    return registry_id, registry


async def push_debian_like(registry: RunningRegistry, repository: str, tag: str) -> str:
    image = ImageSpec(
        [layer({"etc/os-release": b'ID=debian\nVERSION_ID="12"\n'}), layer({"app": b"x"})]
    )
    async with RegistryClient(registry.url) as client:
        digest = await push_image(client, repository, [tag], image)
        await client.get_manifest(repository, tag)  # a pull: ignored by the registry
    return digest


def assert_the_push(event: events_pb2.RegistryEvent, registry_id: str, digest: str) -> None:
    assert event.registry_id == registry_id
    assert event.registry_type == "distribution"
    assert event.action == events_pb2.REGISTRY_EVENT_ACTION_PUSHED
    assert (event.repository, event.tag, event.digest) == ("team/app", "1.0", digest)
    assert event.media_type == OCI_MANIFEST
    assert event.sender_event_id and event.HasField("event_time")


async def test_a_pushed_image_appears_once_on_nats(
    gateway: GatewayServer,
    catalog: CatalogHandle,
    nats_server: EmbeddedNats,
    registry_factory: Callable[..., RunningRegistry],
    http: aiohttp.ClientSession,
) -> None:
    registry_id, registry = await notifying_registry(catalog, gateway, registry_factory)
    digest = await push_debian_like(registry, "team/app", "1.0")

    async def pushed() -> int:
        return await subject_count(nats_server.url, EVENT_IMAGE_PUSHED)

    for _ in range(200):
        if await pushed():
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # anything else the registry was going to send has arrived
    [(subject, event, _)] = await stream_events(nats_server.url)
    assert subject == EVENT_IMAGE_PUSHED
    assert_the_push(event, registry_id, digest)
    lines = await metric_lines(http, gateway)
    # the registry sent the manifest push only: no blob pushes, no pull of the manifest
    deliveries = "regsieve_gateway_deliveries_total"
    assert metric_value(lines, deliveries, registry_type="distribution", status="200") == 1.0


async def test_nats_outage_the_registry_retries_and_the_event_arrives_exactly_once(
    gateway: GatewayServer,
    catalog: CatalogHandle,
    nats_server: EmbeddedNats,
    registry_factory: Callable[..., RunningRegistry],
    http: aiohttp.ClientSession,
) -> None:
    registry_id, registry = await notifying_registry(catalog, gateway, registry_factory)
    nats_server.stop()
    await wait_until(lambda: not gateway.publisher.connected)
    digest = await push_debian_like(registry, "team/app", "1.0")

    async def refused() -> float:
        lines = await metric_lines(http, gateway)
        return metric_value(
            lines,
            "regsieve_gateway_rejected_total",
            registry_type="distribution",
            status="503",
            reason="nats_unavailable",
        )

    for _ in range(200):
        if await refused() >= 3:
            break
        await asyncio.sleep(0.05)
    assert await refused() >= 3  # the registry got 503 and kept retrying
    posts = [r for r in registry.requests() if r[0] == "PUT" and "/manifests/" in r[1]]
    assert posts, "the manifest was pushed while NATS was down"

    nats_server.start()  # same port, same store directory
    for _ in range(200):
        if await subject_count(nats_server.url, EVENT_IMAGE_PUSHED):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # a duplicate, if the registry sent one, would be here by now
    [(subject, event, _)] = await stream_events(nats_server.url)
    assert subject == EVENT_IMAGE_PUSHED
    assert_the_push(event, registry_id, digest)
    lines = await metric_lines(http, gateway)
    accepted = "regsieve_gateway_events_accepted_total"
    assert metric_value(lines, accepted, registry_type="distribution", action="pushed") == 1.0
