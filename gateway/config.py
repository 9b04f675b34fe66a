"""Gateway configuration, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.common.config import (
    CommonConfig,
    parse_host_port,
    parse_non_negative_float,
    parse_positive_int,
    raise_if,
    read_common,
    var,
)


def _parse_positive_float(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise ValueError("must be > 0")
    return value


def _parse_retry_after(raw: str) -> int:
    value = int(raw)
    if not 0 <= value <= 86_400:
        raise ValueError("must be 0..86400 seconds")
    return value


LISTEN = var(
    "REGSIEVE_GATEWAY_LISTEN",
    parse_host_port,
    "0.0.0.0:8080",
    "host:port the webhook gateway's HTTP server listens on (/v1/webhooks, /healthz, /readyz,"
    " /metrics)",
)
MAX_BODY_BYTES = var(
    "REGSIEVE_GATEWAY_MAX_BODY_BYTES",
    parse_positive_int,
    "1048576",
    "largest webhook body the gateway reads; larger deliveries get 413",
)
REGISTRY_CACHE_SECONDS = var(
    "REGSIEVE_GATEWAY_REGISTRY_CACHE_SECONDS",
    parse_non_negative_float,
    "5",
    "how long the gateway caches a registry's settings (and an unknown id) read from Catalog;"
    " changes reach the gateway within this time",
)
PUBLISH_TIMEOUT_SECONDS = var(
    "REGSIEVE_GATEWAY_PUBLISH_TIMEOUT_SECONDS",
    _parse_positive_float,
    "3",
    "how long the gateway waits for JetStream to acknowledge an event before answering 503",
)
RETRY_AFTER_SECONDS = var(
    "REGSIEVE_GATEWAY_RETRY_AFTER_SECONDS",
    _parse_retry_after,
    "5",
    "Retry-After the gateway sends with 503 (NATS or Catalog unavailable)",
)


@dataclass(frozen=True)
class GatewayConfig:
    """Everything the gateway process reads from the environment."""

    common: CommonConfig
    listen: str
    max_body_bytes: int
    registry_cache_seconds: float
    publish_timeout_seconds: float
    retry_after_seconds: int

    @property
    def host(self) -> str:
        host = self.listen.rpartition(":")[0]
        return host.strip("[]") or "0.0.0.0"

    @property
    def port(self) -> int:
        return int(self.listen.rpartition(":")[2])

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GatewayConfig:
        problems: list[str] = []
        config = cls(
            common=read_common(env, problems, needs_db=False, needs_nats=True),
            listen=LISTEN.read(env, problems),
            max_body_bytes=MAX_BODY_BYTES.read(env, problems),
            registry_cache_seconds=REGISTRY_CACHE_SECONDS.read(env, problems),
            publish_timeout_seconds=PUBLISH_TIMEOUT_SECONDS.read(env, problems),
            retry_after_seconds=RETRY_AFTER_SECONDS.read(env, problems),
        )
        raise_if(problems)
        return config
