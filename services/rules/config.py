"""Rules configuration, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.common.config import (
    CommonConfig,
    parse_non_negative_float,
    raise_if,
    read_common,
    var,
)


def parse_positive_seconds(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise ValueError("must be a number of seconds greater than 0")
    return value


CATALOG_TIMEOUT = var(
    "REGSIEVE_RULES_CATALOG_TIMEOUT_SECONDS",
    parse_positive_seconds,
    "10",
    "deadline of the Rules service's unary calls to the Catalog (registry checks, image reads)",
)
REGISTRY_CACHE = var(
    "REGSIEVE_RULES_REGISTRY_CACHE_SECONDS",
    parse_non_negative_float,
    "30",
    "how long Rules trusts that a rule set's registry still exists before asking the Catalog"
    " again (0 = ask on every call); a registry the Catalog no longer has takes its rule sets",
)
RECONCILE_INTERVAL = var(
    "REGSIEVE_RULES_RECONCILE_SECONDS",
    parse_non_negative_float,
    "300",
    "interval of the sweep deleting rule sets whose registry the Catalog no longer has"
    " (0 = off; reads and evaluations still check)",
)


@dataclass(frozen=True)
class RulesConfig:
    common: CommonConfig
    catalog_timeout_seconds: float
    registry_cache_seconds: float
    reconcile_seconds: float

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RulesConfig:
        problems: list[str] = []
        config = cls(
            common=read_common(env, problems, needs_nats=False),
            catalog_timeout_seconds=CATALOG_TIMEOUT.read(env, problems),
            registry_cache_seconds=REGISTRY_CACHE.read(env, problems),
            reconcile_seconds=RECONCILE_INTERVAL.read(env, problems),
        )
        raise_if(problems)
        return config
