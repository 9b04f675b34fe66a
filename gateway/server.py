"""One gateway process: its dependencies, its HTTP listener, and a graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from aiohttp import web

from gateway.app import WebhookGateway
from gateway.catalog_access import CatalogRegistrySource
from gateway.config import GatewayConfig
from gateway.key_material import HttpsFetcher, KeyMaterialCache
from gateway.metrics import GatewayMetrics
from gateway.publisher import EventPublisher
from gateway.registry_cache import RegistryCache, RegistrySource
from services.common.logs import get_logger

log = get_logger("regsieve.gateway.server")


class GatewayServer:
    """Builds the gateway from its config; `start()` listens, `stop()` drains and closes.

    `keys` (a KeyMaterialCache over a test fetcher) and `registry_source` replace the
    HTTPS fetching of SNS certificates and Google's keys, and the Catalog client, in tests.
    """

    def __init__(
        self,
        config: GatewayConfig,
        *,
        keys: KeyMaterialCache | None = None,
        registry_source: RegistrySource | None = None,
    ) -> None:
        self.config = config
        self._catalog = (
            None
            if registry_source is not None
            else CatalogRegistrySource(config.common.catalog_target, config.common.internal_token)
        )
        self._https = None if keys is not None else HttpsFetcher()
        source = registry_source if registry_source is not None else self._catalog
        assert source is not None
        self.publisher = EventPublisher(
            config.common.nats_url,
            stream_replicas=config.common.nats_stream_replicas,
            timeout=config.publish_timeout_seconds,
        )
        self.metrics = GatewayMetrics()
        if keys is None:
            assert self._https is not None
            keys = KeyMaterialCache(self._https)
        self.gateway = WebhookGateway(
            RegistryCache(source, config.registry_cache_seconds),
            self.publisher,
            keys,
            self.metrics,
            max_body_bytes=config.max_body_bytes,
            retry_after_seconds=config.retry_after_seconds,
        )
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        host = self.config.host
        host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        self.publisher.start()
        self._runner = web.AppRunner(
            self.gateway.application(),
            access_log=None,
            handle_signals=False,
            shutdown_timeout=self.config.common.shutdown_grace_seconds,
        )
        await self._runner.setup()
        site = web.TCPSite(
            self._runner,
            self.config.host,
            self.config.port,
            backlog=1024,
        )
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else self.config.port
        log.info("gateway.listening", address=f"{self.config.host}:{self.port}")

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()  # stops accepting, lets in-flight deliveries finish
            self._runner = None
        await self.publisher.stop()
        if self._catalog is not None:
            await self._catalog.close()
        if self._https is not None:
            await self._https.close()


async def serve(
    config: GatewayConfig,
    *,
    stop_event: asyncio.Event | None = None,
) -> None:
    """Runs one gateway process until SIGTERM/SIGINT (or `stop_event`)."""
    server = GatewayServer(config)
    await server.start()
    stop = stop_event or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("gateway.stopping", grace_seconds=config.common.shutdown_grace_seconds)
    await server.stop()
    log.info("gateway.stopped")
