"""In-process gRPC services for integration tests: start on a free port, stop cleanly."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace

import grpc

from services.common.config import CommonConfig
from services.common.embedded import free_port
from services.common.server import GrpcService, serve


def common_config(database_url: str = "", nats_url: str = "", **overrides: object) -> CommonConfig:
    base = CommonConfig(
        database_url=database_url,
        nats_url=nats_url,
        log_level="warning",
        log_format="console",
        grpc_listen="",
        metrics_listen="off",
        shutdown_grace_seconds=1.0,
        catalog_target="",
        rules_target="",
        scheduler_target="",
        scanner_target="",
        internal_token="",
        db_pool_max=10,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def running(
    name: str, service: GrpcService, config: CommonConfig
) -> AsyncIterator[tuple[str, grpc.aio.Channel]]:
    """Serves `service` on a free port; yields (target, channel)."""
    port = free_port()
    config = replace(config, grpc_listen=f"127.0.0.1:{port}", metrics_listen="off")
    stop = asyncio.Event()
    task = asyncio.create_task(serve(name, service, config, stop_event=stop))
    target = f"127.0.0.1:{port}"
    channel = grpc.aio.insecure_channel(target)
    try:
        await asyncio.wait_for(_ready(channel, task), timeout=30)
        yield target, channel
    finally:
        await channel.close()
        stop.set()
        await asyncio.wait_for(task, timeout=30)


async def _ready(channel: grpc.aio.Channel, task: asyncio.Task[None]) -> None:
    while True:
        if task.done():
            task.result()  # raises the startup error
            raise RuntimeError("service stopped during startup")
        try:
            await channel.channel_ready()
            return
        except grpc.aio.AioRpcError:
            await asyncio.sleep(0.05)
