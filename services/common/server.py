"""Server bootstrap: gRPC with health, reflection, error interceptor, metrics, graceful shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Sequence
from typing import Protocol

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from prometheus_client import start_http_server

from services.common.config import CommonConfig
from services.common.interceptors import ErrorInterceptor
from services.common.logs import get_logger
from services.common.reflection import enable_reflection

log = get_logger("regsieve.server")

DEFAULT_PORTS = {"catalog": 50051, "rules": 50052, "scheduler": 50053, "scanner": 50054}
MAX_MESSAGE_BYTES = 64 * 1024 * 1024


class GrpcService(Protocol):
    """What a service hands to the bootstrap."""

    @property
    def service_names(self) -> Sequence[str]:
        """Full names of the gRPC services it serves, e.g. `regsieve.v1.CatalogService`."""

    async def start(self) -> None:
        """Opens databases and connections; runs before the servicers are registered."""

    def add_to_server(self, server: grpc.aio.Server) -> None: ...

    async def stop(self) -> None: ...


def listen_address(name: str, config: CommonConfig) -> str:
    return config.grpc_listen or f"[::]:{DEFAULT_PORTS[name]}"


def metrics_address(name: str, config: CommonConfig) -> tuple[str, int] | None:
    if config.metrics_listen.lower() == "off":
        return None
    if config.metrics_listen:
        host, _, port = config.metrics_listen.rpartition(":")
        return host or "0.0.0.0", int(port)
    return "0.0.0.0", 9100 + DEFAULT_PORTS[name] - 50050


def start_metrics(address: tuple[str, int] | None) -> None:
    if address is None:
        return
    host, port = address
    start_http_server(port, addr=host)
    log.info("metrics.listening", address=f"{host}:{port}")


def new_server() -> grpc.aio.Server:
    return grpc.aio.server(
        interceptors=[ErrorInterceptor()],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.so_reuseport", 0),
        ],
    )


async def serve(
    name: str,
    service: GrpcService,
    config: CommonConfig,
    *,
    stop_event: asyncio.Event | None = None,
) -> None:
    """Runs one service until SIGTERM/SIGINT (or `stop_event`), then drains and stops it."""
    await service.start()
    server = new_server()
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    service.add_to_server(server)
    enable_reflection([*service.service_names, health.SERVICE_NAME], server)
    address = listen_address(name, config)
    port = server.add_insecure_port(address)
    if port == 0:
        raise OSError(f"cannot listen on {address}")
    await server.start()
    for full_name in ("", *service.service_names):
        await health_servicer.set(full_name, health_pb2.HealthCheckResponse.SERVING)
    start_metrics(metrics_address(name, config))
    log.info("server.started", address=address, services=list(service.service_names))

    stop = stop_event or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("server.stopping", grace_seconds=config.shutdown_grace_seconds)
    await health_servicer.enter_graceful_shutdown()
    await server.stop(config.shutdown_grace_seconds)
    await service.stop()
    log.info("server.stopped")
