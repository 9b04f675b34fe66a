"""The registry cache: time-to-live, unknown ids, single flight, stale-if-error, size bound;
and how Catalog's GetRegistryAccess answer becomes the gateway's view of a registry."""

from __future__ import annotations

import asyncio

import pytest

from gateway.auth import AuthMode
from gateway.catalog_access import entry_from_access
from gateway.registry_cache import CatalogUnavailable, RegistryCache, RegistryEntry
from regsieve.v1 import catalog_pb2 as pb

ENTRY = RegistryEntry("r1", "distribution", True, None)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Source:
    """A Catalog stand-in: a dict of registries, a call log, and a switch to fail."""

    def __init__(self, entries: dict[str, RegistryEntry]) -> None:
        self.entries = entries
        self.calls: list[str] = []
        self.down = False
        self.delay = 0.0

    async def fetch(self, registry_id: str) -> RegistryEntry | None:
        self.calls.append(registry_id)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.down:
            raise CatalogUnavailable("unavailable")
        return self.entries.get(registry_id)


async def test_entries_and_unknown_ids_live_for_the_ttl() -> None:
    clock, source = Clock(), Source({"r1": ENTRY})
    cache = RegistryCache(source, 5.0, clock=clock)
    assert await cache.get("r1") is ENTRY
    assert await cache.get("nope") is None
    clock.now += 4.9
    assert (await cache.get("r1"), await cache.get("nope")) == (ENTRY, None)
    assert source.calls == ["r1", "nope"]
    source.entries["nope"] = ENTRY  # created in Catalog meanwhile
    clock.now += 0.2
    assert await cache.get("nope") is ENTRY
    assert source.calls == ["r1", "nope", "nope"]


async def test_concurrent_lookups_share_one_catalog_call() -> None:
    source = Source({"r1": ENTRY})
    source.delay = 0.05
    cache = RegistryCache(source, 5.0)
    results = await asyncio.gather(*(cache.get("r1") for _ in range(20)))
    assert results == [ENTRY] * 20
    assert source.calls == ["r1"]


async def test_catalog_down_serves_recent_registries_but_never_guesses() -> None:
    clock, source = Clock(), Source({"r1": ENTRY})
    cache = RegistryCache(source, 5.0, stale_if_error=60.0, clock=clock)
    assert await cache.get("r1") is ENTRY
    assert await cache.get("unknown") is None
    source.down = True
    clock.now += 30
    assert await cache.get("r1") is ENTRY  # stale, but Catalog cannot have changed it
    with pytest.raises(CatalogUnavailable):
        await cache.get("unknown")  # it may have been created since: no stale 404
    with pytest.raises(CatalogUnavailable):
        await cache.get("never-seen")
    clock.now += 31
    with pytest.raises(CatalogUnavailable):
        await cache.get("r1")  # too old to serve
    source.down = False
    assert await cache.get("r1") is ENTRY


async def test_failures_are_not_cached_and_the_size_is_bounded() -> None:
    source = Source({})
    source.down = True
    cache = RegistryCache(source, 5.0, max_entries=3)
    for _ in range(2):
        with pytest.raises(CatalogUnavailable):
            await cache.get("r1")
    assert source.calls == ["r1", "r1"]
    source.down = False
    for number in range(10):
        await cache.get(f"id{number}")
    assert len(cache._entries) == 3
    assert list(cache._entries) == ["id7", "id8", "id9"]


def access(**webhook: object) -> pb.GetRegistryAccessResponse:
    secret = str(webhook.pop("secret", "s3cret"))
    registry_type = webhook.pop("type", pb.REGISTRY_TYPE_GITHUB)
    return pb.GetRegistryAccessResponse(
        registry=pb.Registry(
            id="r1",
            type=registry_type,
            enabled=True,
            webhook=pb.WebhookSettings(**webhook),
        ),
        webhook_secret=secret,
    )


def test_access_reply_to_entry() -> None:
    default = entry_from_access(access())
    assert (default.registry_type, default.enabled) == ("github", True)
    assert default.auth is not None
    assert (default.auth.mode, default.auth.header_name) == (AuthMode.HMAC, "X-Hub-Signature-256")
    assert default.auth.secret == "s3cret"
    assert "s3cret" not in repr(default)

    explicit = entry_from_access(
        access(auth_mode=pb.WEBHOOK_AUTH_MODE_NONE, type=pb.REGISTRY_TYPE_HARBOR)
    )
    assert explicit.auth is not None and explicit.auth.mode is AuthMode.NONE

    sns = entry_from_access(
        access(
            type=pb.REGISTRY_TYPE_ECR,
            auth_mode=pb.WEBHOOK_AUTH_MODE_SNS_SIGNATURE,
            sns_topic_arn="arn:aws:sns:us-west-2:123456789012:MyTopic",
            secret="",
        )
    )
    assert sns.auth is not None
    assert (sns.auth.mode, sns.auth.sns_topic_arn) == (
        AuthMode.SNS_SIGNATURE,
        "arn:aws:sns:us-west-2:123456789012:MyTopic",
    )

    newer = entry_from_access(access(type=99))
    assert (newer.registry_type, newer.auth) == ("unknown_99", None)
