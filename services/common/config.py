"""Configuration from environment variables: declared once, documented, read into frozen objects."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ConfigError(Exception):
    """One or more environment variables are missing or invalid; the message names each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid configuration: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Var(Generic[T]):
    """One documented environment variable."""

    name: str
    parse: Callable[[str], T]
    default: str | None
    description: str
    secret: bool = False

    def read(self, env: Mapping[str, str], problems: list[str]) -> T:
        raw = env.get(self.name)
        if raw is None or raw == "":
            if self.default is None:
                problems.append(f"{self.name} is required ({self.description})")
                return None  # type: ignore[return-value]
            raw = self.default
        try:
            return self.parse(raw)
        except (ValueError, TypeError) as exc:
            shown = "<secret>" if self.secret else repr(raw)
            problems.append(f"{self.name}={shown} is invalid: {exc}")
            return None  # type: ignore[return-value]


REGISTRY: dict[str, Var[Any]] = {}


def var(
    name: str,
    parse: Callable[[str], T],
    default: str | None,
    description: str,
    *,
    secret: bool = False,
) -> Var[T]:
    """Declares a variable; every declared variable is listed by `regsieve config`."""
    declared = Var(name, parse, default, description, secret)
    REGISTRY[name] = declared
    return declared


def parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true/false")


def parse_positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("must be a positive integer")
    return value


def parse_non_negative_float(raw: str) -> float:
    value = float(raw)
    if value < 0:
        raise ValueError("must be >= 0")
    return value


def parse_choice(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value

    return parse


def parse_host_port(raw: str) -> str:
    _host, sep, port = raw.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError("expected host:port")
    return raw


def parse_url(*schemes: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        scheme, sep, rest = raw.partition("://")
        if not sep or scheme.lower() not in schemes or not rest:
            raise ValueError(f"expected a {'/'.join(schemes)} URL")
        return raw

    return parse


def parse_str(raw: str) -> str:
    return raw


def optional(parse: Callable[[str], str]) -> Callable[[str], str]:
    """Accepts the empty string (meaning: use the built-in default) or what `parse` accepts."""

    def parse_or_empty(raw: str) -> str:
        return raw if raw == "" else parse(raw)

    return parse_or_empty


def parse_optional_str(raw: str) -> str:
    return raw


DATABASE_URL = var(
    "REGSIEVE_DATABASE_URL",
    parse_url("postgresql", "postgres"),
    None,
    "PostgreSQL DSN, e.g. postgresql://user:pass@host:5432/regsieve",
    secret=True,
)
NATS_URL = var(
    "REGSIEVE_NATS_URL",
    parse_str,
    None,
    "NATS server URL(s), comma-separated, e.g. nats://127.0.0.1:4222 (JetStream enabled)",
    secret=True,
)
LOG_LEVEL = var(
    "REGSIEVE_LOG_LEVEL",
    parse_choice("debug", "info", "warning", "error"),
    "info",
    "log level",
)
LOG_FORMAT = var(
    "REGSIEVE_LOG_FORMAT",
    parse_choice("auto", "json", "console"),
    "auto",
    "log format: json, console, or auto (console on a terminal, else json)",
)
GRPC_LISTEN = var(
    "REGSIEVE_GRPC_LISTEN",
    optional(parse_host_port),
    "",
    "address a service's gRPC server listens on (default [::]:<service port>)",
)
METRICS_LISTEN = var(
    "REGSIEVE_METRICS_LISTEN",
    parse_str,
    "",
    "host:port of the Prometheus /metrics endpoint (default 0.0.0.0:<9100+service port-50050>);"
    " 'off' disables it",
)
SHUTDOWN_GRACE = var(
    "REGSIEVE_SHUTDOWN_GRACE_SECONDS",
    parse_non_negative_float,
    "10",
    "seconds in-flight RPCs get to finish on SIGTERM",
)
CATALOG_TARGET = var(
    "REGSIEVE_CATALOG_TARGET",
    parse_host_port,
    "127.0.0.1:50051",
    "where other services reach the Catalog gRPC API",
)
RULES_TARGET = var(
    "REGSIEVE_RULES_TARGET",
    parse_host_port,
    "127.0.0.1:50052",
    "where other services reach the Rules gRPC API",
)
SCHEDULER_TARGET = var(
    "REGSIEVE_SCHEDULER_TARGET",
    parse_host_port,
    "127.0.0.1:50053",
    "where other services reach the Scheduler gRPC API",
)
SCANNER_TARGET = var(
    "REGSIEVE_SCANNER_TARGET",
    parse_host_port,
    "127.0.0.1:50054",
    "where other services reach the Scanner gRPC API",
)
INTERNAL_TOKEN = var(
    "REGSIEVE_INTERNAL_TOKEN",
    parse_optional_str,
    "",
    "shared token services present to RegistryAccessService (credentials); empty = not required",
    secret=True,
)
NATS_STREAM_REPLICAS = var(
    "REGSIEVE_NATS_STREAM_REPLICAS",
    parse_positive_int,
    "1",
    "replicas of the JetStream streams the services declare (3 on a NATS cluster)",
)
DB_POOL_MAX = var(
    "REGSIEVE_DB_POOL_MAX",
    parse_positive_int,
    "10",
    "most PostgreSQL connections per service process",
)


@dataclass(frozen=True)
class CommonConfig:
    """Settings every service process reads."""

    database_url: str
    nats_url: str
    log_level: str
    log_format: str
    grpc_listen: str
    metrics_listen: str
    shutdown_grace_seconds: float
    catalog_target: str
    rules_target: str
    scheduler_target: str
    scanner_target: str
    internal_token: str
    db_pool_max: int
    nats_stream_replicas: int = 1


def read_common(
    env: Mapping[str, str], problems: list[str], *, needs_db: bool = True, needs_nats: bool = True
) -> CommonConfig:
    """Reads the common variables, appending problems instead of raising."""
    return CommonConfig(
        database_url=DATABASE_URL.read(env, problems)
        if needs_db
        else env.get(DATABASE_URL.name, ""),
        nats_url=NATS_URL.read(env, problems) if needs_nats else env.get(NATS_URL.name, ""),
        log_level=LOG_LEVEL.read(env, problems),
        log_format=LOG_FORMAT.read(env, problems),
        grpc_listen=GRPC_LISTEN.read(env, problems),
        metrics_listen=METRICS_LISTEN.read(env, problems),
        shutdown_grace_seconds=SHUTDOWN_GRACE.read(env, problems),
        catalog_target=CATALOG_TARGET.read(env, problems),
        rules_target=RULES_TARGET.read(env, problems),
        scheduler_target=SCHEDULER_TARGET.read(env, problems),
        scanner_target=SCANNER_TARGET.read(env, problems),
        internal_token=INTERNAL_TOKEN.read(env, problems),
        db_pool_max=DB_POOL_MAX.read(env, problems),
        nats_stream_replicas=NATS_STREAM_REPLICAS.read(env, problems),
    )


def raise_if(problems: list[str]) -> None:
    if problems:
        raise ConfigError(problems)


def environ() -> Mapping[str, str]:
    return os.environ
