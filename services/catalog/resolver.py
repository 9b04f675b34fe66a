"""Turns manifest digests into ManifestFacts, fetching each manifest and config at most once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from services.catalog.domain import ManifestFacts, PlatformEntry, index_created
from services.common.registry.client import FetchedManifest, RegistryClient
from services.common.registry.manifest import (
    ImageConfig,
    ImageIndex,
    ImageManifest,
    parse_config,
)


@dataclass(frozen=True, slots=True)
class ConfigFacts:
    created: object  # datetime | None
    os: str
    architecture: str
    variant: str


class ManifestResolver:
    """Caches by digest: known manifests and configs are never fetched again.

    Concurrent requests for the same digest share one fetch. Newly learnt manifests are
    collected in `fresh` for the caller to store in batches.
    """

    def __init__(
        self,
        client: RegistryClient,
        known: Iterable[ManifestFacts] = (),
        *,
        on_manifest_fetch: Callable[[], None] | None = None,
        on_config_fetch: Callable[[], None] | None = None,
        lookup: Callable[[str], Awaitable[ManifestFacts | None]] | None = None,
    ) -> None:
        self.client = client
        self.manifests: dict[str, ManifestFacts] = {}
        self.configs: dict[str, ConfigFacts] = {}
        self.fresh: list[ManifestFacts] = []
        self._inflight: dict[str, asyncio.Future[ManifestFacts]] = {}
        self._config_inflight: dict[str, asyncio.Future[ConfigFacts]] = {}
        self._on_manifest_fetch = on_manifest_fetch or (lambda: None)
        self._on_config_fetch = on_config_fetch or (lambda: None)
        self._lookup = lookup
        for facts in known:
            self._remember(facts)

    def _remember(self, facts: ManifestFacts) -> None:
        self.manifests[facts.digest] = facts
        for platform in facts.platforms:
            if platform.config_digest:
                self.configs.setdefault(
                    platform.config_digest,
                    ConfigFacts(
                        platform.created, platform.os, platform.architecture, platform.variant
                    ),
                )
            if platform.digest != facts.digest and platform.digest not in self.manifests:
                self.manifests[platform.digest] = ManifestFacts(
                    platform.digest,
                    platform.media_type,
                    platform.config_digest,
                    platform.created,
                    (platform,),
                )

    def known(self, digest: str) -> ManifestFacts | None:
        return self.manifests.get(digest)

    async def resolve(
        self, repository: str, digest: str, fetched: FetchedManifest | None = None
    ) -> ManifestFacts:
        """Facts of `digest`; `fetched` avoids a GET when the caller already has the body."""
        facts = self.manifests.get(digest)
        if facts is not None:
            return facts
        pending = self._inflight.get(digest)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[ManifestFacts] = asyncio.get_running_loop().create_future()
        self._inflight[digest] = future
        try:
            facts = await self._resolve_uncached(repository, digest, fetched)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        finally:
            self._inflight.pop(digest, None)
        future.set_result(facts)
        self._remember(facts)
        self.fresh.append(facts)
        return facts

    async def _resolve_uncached(
        self, repository: str, digest: str, fetched: FetchedManifest | None
    ) -> ManifestFacts:
        if fetched is None and self._lookup is not None:
            stored = await self._lookup(digest)
            if stored is not None:
                return stored
        if fetched is None:
            fetched = await self.client.get_manifest(repository, digest)
            self._on_manifest_fetch()
        parsed = fetched.parsed
        if isinstance(parsed, ImageManifest):
            config = await self._config(repository, parsed.config.digest)
            platform = PlatformEntry(
                os=config.os,
                architecture=config.architecture,
                variant=config.variant,
                digest=digest,
                media_type=parsed.media_type,
                config_digest=parsed.config.digest,
                created=config.created,  # type: ignore[arg-type]
            )
            return ManifestFacts(
                digest, parsed.media_type, parsed.config.digest, platform.created, (platform,)
            )
        assert isinstance(parsed, ImageIndex)
        children = parsed.image_manifests()
        resolved = await asyncio.gather(
            *(self.resolve(repository, child.digest) for child in children)
        )
        platforms = []
        for child, child_facts in zip(children, resolved, strict=True):
            base = child_facts.platforms[0] if child_facts.platforms else None
            spec = child.platform
            platforms.append(
                PlatformEntry(
                    os=spec.os if spec else (base.os if base else ""),
                    architecture=spec.architecture if spec else (base.architecture if base else ""),
                    variant=spec.variant if spec else (base.variant if base else ""),
                    digest=child.digest,
                    media_type=child_facts.media_type,
                    config_digest=child_facts.config_digest,
                    created=child_facts.created,
                )
            )
        platform_tuple = tuple(platforms)
        return ManifestFacts(
            digest, parsed.media_type, "", index_created(platform_tuple), platform_tuple
        )

    async def _config(self, repository: str, digest: str) -> ConfigFacts:
        cached = self.configs.get(digest)
        if cached is not None:
            return cached
        pending = self._config_inflight.get(digest)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[ConfigFacts] = asyncio.get_running_loop().create_future()
        self._config_inflight[digest] = future
        try:
            body = await self.client.get_blob(repository, digest)
            self._on_config_fetch()
            config: ImageConfig = parse_config(body)
            facts = ConfigFacts(config.created, config.os, config.architecture, config.variant)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()
            raise
        finally:
            self._config_inflight.pop(digest, None)
        future.set_result(facts)
        self.configs[digest] = facts
        return facts

    def take_fresh(self) -> list[ManifestFacts]:
        fresh, self.fresh = self.fresh, []
        return fresh
