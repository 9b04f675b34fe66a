"""Deliveries end to end: real Catalog (settings, secret), real NATS (what reached the stream),
the gateway in-process on a free port."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
import pytest

from gateway.events import event_key
from gateway.parsers import PARSERS
from gateway.server import GatewayServer
from regsieve.v1 import catalog_pb2 as pb
from regsieve.v1 import events_pb2
from services.common.embedded import EmbeddedNats, free_port
from services.common.messaging import EVENT_IMAGE_DELETED, EVENT_IMAGE_PUSHED
from tests.integration.catalog.conftest import CatalogHandle
from tests.integration.gateway.conftest import (
    SECRET,
    create_registry,
    gateway_config,
    running_gateway,
    stream_events,
    subject_count,
)
from tests.unit.gateway.webhook_samples import live_capture, sample

HARBOR_DIGEST = "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4"
JSON = {"Content-Type": "application/json"}
DISTRIBUTION_V1 = {"Content-Type": "application/vnd.docker.distribution.events.v1+json"}


def webhook_url(server: GatewayServer, registry_id: str) -> str:
    return f"{server.url}/v1/webhooks/{registry_id}"


async def metric_lines(http: aiohttp.ClientSession, server: GatewayServer) -> list[str]:
    async with http.get(f"{server.url}/metrics") as response:
        assert response.status == 200
        return (await response.text()).splitlines()


def metric_value(lines: list[str], name: str, **labels: str) -> float:
    """The sample `name{labels}` (labels in any order), 0 when absent."""
    wanted = {f'{key}="{value}"' for key, value in labels.items()}
    for line in lines:
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        series, _, value = line.rpartition(" ")
        present = set(series[len(name) + 1 : -1].split(",")) if "{" in series else set()
        if present == wanted:
            return float(value)
    return 0.0


async def test_harbor_push_is_published_once_with_every_field(
    gateway: GatewayServer,
    catalog: CatalogHandle,
    nats_server: EmbeddedNats,
    http: aiohttp.ClientSession,
) -> None:
    registry_id = await create_registry(
        catalog, "harbor", pb.REGISTRY_TYPE_HARBOR, url="https://harbor.example.com"
    )
    body = sample("harbor/push_artifact.json")
    headers = {**JSON, "Authorization": SECRET}
    for _ in range(2):  # Harbor's retry of the same delivery
        async with http.post(webhook_url(gateway, registry_id), data=body, headers=headers) as r:
            assert r.status == 200, await r.text()
            assert await r.json() == {"accepted": 1, "dropped": 0}

    [(subject, event, msg_id)] = await stream_events(nats_server.url)
    assert subject == EVENT_IMAGE_PUSHED
    [expected] = PARSERS["harbor"](JSON, body).events
    assert msg_id == event.id == event_key(registry_id, expected)
    assert event.registry_id == registry_id
    assert event.registry_type == "harbor"
    assert event.action == events_pb2.REGISTRY_EVENT_ACTION_PUSHED
    assert (event.repository, event.tag, event.digest) == ("harbor/alpine", "", HARBOR_DIGEST)
    assert event.event_time.ToSeconds() == 1680501893
    assert event.HasField("receive_time") and event.receive_time.ToSeconds() > 1680501893
    lines = await metric_lines(http, gateway)
    accepted = "regsieve_gateway_events_accepted_total"
    assert metric_value(lines, accepted, registry_type="harbor", action="pushed") == 2.0
    assert metric_value(lines, "regsieve_gateway_publish_seconds_count") == 2.0


async def test_distribution_delete_goes_to_the_deleted_subject(
    gateway: GatewayServer,
    catalog: CatalogHandle,
    nats_server: EmbeddedNats,
    http: aiohttp.ClientSession,
) -> None:
    registry_id = await create_registry(catalog, "dist")
    headers, body = live_capture("manifest-delete.json")
    headers = {"Content-Type": headers["Content-Type"], "Authorization": SECRET}
    async with http.post(webhook_url(gateway, registry_id), data=body, headers=headers) as r:
        assert r.status == 200
    [(subject, event, _)] = await stream_events(nats_server.url)
    assert subject == EVENT_IMAGE_DELETED
    assert event.action == events_pb2.REGISTRY_EVENT_ACTION_DELETED
    assert event.digest.startswith("sha256:") and not event.tag


async def test_noise_is_acknowledged_and_counted_without_publishing(
    gateway: GatewayServer,
    catalog: CatalogHandle,
    nats_server: EmbeddedNats,
    http: aiohttp.ClientSession,
) -> None:
    registry_id = await create_registry(catalog, "dist")
    for capture in ("manifest-pull-get.json", "blob-pull-get.json", "blob-push-layer.json"):
        headers, body = live_capture(capture)
        headers = {"Content-Type": headers["Content-Type"], "Authorization": SECRET}
        async with http.post(webhook_url(gateway, registry_id), data=body, headers=headers) as r:
            assert r.status == 200
            assert await r.json() == {"accepted": 0, "dropped": 1}
    assert await stream_events(nats_server.url) == []
    lines = await metric_lines(http, gateway)
    dropped = "regsieve_gateway_events_dropped_total"
    assert metric_value(lines, dropped, registry_type="distribution", reason="pull") == 2.0
    assert metric_value(lines, dropped, registry_type="distribution", reason="blob") == 1.0


async def chunks(data: bytes, size: int = 8192) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def test_every_rejection_has_its_status_reason_metric_and_log(
    gateway: GatewayServer,
    catalog: CatalogHandle,
    nats_server: EmbeddedNats,
    http: aiohttp.ClientSession,
    capfd: pytest.CaptureFixture[str],
) -> None:
    registry_id = await create_registry(catalog, "dist")
    disabled_id = await create_registry(catalog, "off", enabled=False)
    _, push = live_capture("manifest-push-oci.json")
    good = {**DISTRIBUTION_V1, "Authorization": SECRET}
    too_big = b" " * (gateway.config.max_body_bytes + 1)
    cases: list[tuple[str, dict[str, str], object, int, str]] = [
        ("not-a-uuid", good, push, 404, "malformed_registry_id"),
        (str(uuid.uuid4()), good, push, 404, "unknown_registry"),
        (disabled_id, good, push, 404, "registry_disabled"),
        (registry_id, good, too_big, 413, "body_too_large"),
        (registry_id, good, chunks(too_big), 413, "body_too_large"),
        (registry_id, {**good, "Content-Type": "text/plain"}, push, 415, "unsupported_media_type"),
        (registry_id, good, b'{"events": [', 400, "invalid_json"),
        (registry_id, DISTRIBUTION_V1, push, 401, "missing_credentials"),
        (registry_id, {**good, "Authorization": "Bearer guessed"}, push, 401, "bad_credentials"),
        # authentication comes before parsing: junk from a stranger is a 401, not a 400
        (registry_id, {**good, "Authorization": "x"}, b"junk", 401, "bad_credentials"),
    ]
    for target, headers, body, status, reason in cases:
        async with http.post(webhook_url(gateway, target), data=body, headers=headers) as response:
            assert response.status == status, (reason, await response.text())
            assert (await response.json())["error"] == reason
            assert "Retry-After" not in response.headers
    assert await stream_events(nats_server.url) == []

    # a sender that goes away in the middle of its body: counted, no traceback, no 500
    _, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
    writer.write(
        f"POST /v1/webhooks/{registry_id} HTTP/1.1\r\nHost: gateway\r\n"
        f"Authorization: {SECRET}\r\nContent-Type: {DISTRIBUTION_V1['Content-Type']}\r\n"
        f"Content-Length: {len(push)}\r\n\r\n".encode()
        + push[:100]
    )
    await writer.drain()
    writer.close()
    cases.append((registry_id, good, push[:100], 400, "incomplete_body"))

    lines: list[str] = []
    for _ in range(100):
        lines = await metric_lines(http, gateway)
        if "incomplete_body" in "".join(lines):
            break
        await asyncio.sleep(0.02)
    rejected = "regsieve_gateway_rejected_total"
    for target, _, body, status, reason in cases:
        known = target == disabled_id or (target == registry_id and body is not too_big)
        registry_type = "distribution" if known else "unknown"
        count = metric_value(
            lines, rejected, registry_type=registry_type, status=str(status), reason=reason
        )
        assert count >= 1, (registry_type, status, reason)

    output = "".join(capfd.readouterr())
    assert output.count("gateway.delivery_rejected") == len(cases)
    assert "Traceback" not in output
    for _, _, _, _, reason in cases:
        assert reason in output
    assert SECRET.split()[1] not in output


async def test_settings_changed_in_catalog_reach_the_gateway_within_the_cache_time(
    gateway: GatewayServer,
    catalog: CatalogHandle,
    http: aiohttp.ClientSession,
) -> None:
    registry_id = await create_registry(catalog, "dist")
    headers, body = live_capture("manifest-pull-get.json")
    old = {"Content-Type": headers["Content-Type"], "Authorization": SECRET}
    new = {**old, "Authorization": "Bearer rotated"}

    async def status(headers: dict[str, str]) -> int:
        async with http.post(webhook_url(gateway, registry_id), data=body, headers=headers) as r:
            return r.status

    assert await status(old) == 200
    await catalog.stub.UpdateRegistry(
        pb.UpdateRegistryRequest(
            registry=pb.Registry(
                id=registry_id, webhook=pb.WebhookSettings(secret="Bearer rotated")
            ),
            update_mask={"paths": ["webhook.secret"]},
        )
    )
    await asyncio.sleep(gateway.config.registry_cache_seconds + 0.1)
    assert (await status(old), await status(new)) == (401, 200)

    await catalog.stub.UpdateRegistry(
        pb.UpdateRegistryRequest(
            registry=pb.Registry(id=registry_id, enabled=False), update_mask={"paths": ["enabled"]}
        )
    )
    await asyncio.sleep(gateway.config.registry_cache_seconds + 0.1)
    assert await status(new) == 404

    await catalog.stub.DeleteRegistry(pb.DeleteRegistryRequest(id=registry_id))
    await asyncio.sleep(gateway.config.registry_cache_seconds + 0.1)
    async with http.post(webhook_url(gateway, registry_id), data=body, headers=new) as r:
        assert (r.status, (await r.json())["error"]) == (404, "unknown_registry")


async def test_catalog_unreachable_or_refusing_our_token_is_503_with_retry_after(
    nats_server: EmbeddedNats,
    catalog: CatalogHandle,
    http: aiohttp.ClientSession,
) -> None:
    registry_id = await create_registry(catalog, "dist")
    headers, body = live_capture("manifest-push-oci.json")
    headers = {"Content-Type": headers["Content-Type"], "Authorization": SECRET}
    nowhere = gateway_config(nats_server.url, f"127.0.0.1:{free_port()}")
    wrong_token = gateway_config(nats_server.url, catalog.target)
    wrong_token = replace(wrong_token, common=replace(wrong_token.common, internal_token="nope"))
    for config, detail in ((nowhere, "unavailable"), (wrong_token, "unauthenticated")):
        async with running_gateway(config) as server:
            async with http.post(webhook_url(server, registry_id), data=body, headers=headers) as r:
                assert r.status == 503
                assert r.headers["Retry-After"] == "2"
                assert (await r.json())["error"] == "catalog_unavailable"
            async with http.get(f"{server.url}/healthz") as r:
                assert r.status == 200
            lines = await metric_lines(http, server)
            assert (
                metric_value(
                    lines,
                    "regsieve_gateway_rejected_total",
                    registry_type="unknown",
                    status="503",
                    reason="catalog_unavailable",
                )
                == 1.0
            ), detail
    assert await subject_count(nats_server.url, EVENT_IMAGE_PUSHED) == 0
