"""The services the `regsieve` command can run, with their default ports."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ServiceEntry:
    """`runner` is `module:function`, an async function taking the environment."""

    name: str
    port: int
    protocol: str  # grpc or http
    runner: str
    config_module: str
    # The variable `regsieve up` sets to the service's address; an http service serves its
    # /metrics on that same port.
    listen_var: str = "REGSIEVE_GRPC_LISTEN"

    def load_runner(self) -> Callable[[Mapping[str, str]], Coroutine[Any, Any, None]]:
        module, _, function = self.runner.partition(":")
        runner: Callable[[Mapping[str, str]], Coroutine[Any, Any, None]] = getattr(
            importlib.import_module(module), function
        )
        return runner


SERVICES: dict[str, ServiceEntry] = {
    entry.name: entry
    for entry in (
        ServiceEntry(
            "catalog", 50051, "grpc", "services.catalog.main:run", "services.catalog.config"
        ),
        ServiceEntry("rules", 50052, "grpc", "services.rules.main:run", "services.rules.config"),
        ServiceEntry(
            "scheduler", 50053, "grpc", "services.scheduler.main:run", "services.scheduler.config"
        ),
        ServiceEntry(
            "scanner", 50054, "grpc", "services.scanner.main:run", "services.scanner.config"
        ),
        ServiceEntry(
            "gateway",
            8080,
            "http",
            "gateway.main:run",
            "gateway.config",
            listen_var="REGSIEVE_GATEWAY_LISTEN",
        ),
    )
}


def load_all_config_modules() -> None:
    """Imports every service's config module so all variables are declared."""
    importlib.import_module("services.common.config")
    for entry in SERVICES.values():
        importlib.import_module(entry.config_module)
