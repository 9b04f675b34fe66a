"""Catalog configuration, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.common.config import (
    CommonConfig,
    parse_bool,
    parse_positive_int,
    raise_if,
    read_common,
    var,
)
from services.common.secrets import parse_secret_keys

SECRET_KEY = var(
    "REGSIEVE_SECRET_KEY",
    parse_secret_keys,
    None,
    "Fernet key(s) encrypting registry credentials and webhook secrets at rest; comma-separated"
    " for rotation (the first encrypts); `regsieve genkey` makes one",
    secret=True,
)
ALLOW_PLAIN_HTTP = var(
    "REGSIEVE_ALLOW_PLAIN_HTTP",
    parse_bool,
    "false",
    "accept http:// registry URLs for non-loopback hosts (development registries only)",
)
MAX_PARALLEL_SYNCS = var(
    "REGSIEVE_CATALOG_MAX_PARALLEL_SYNCS",
    parse_positive_int,
    "4",
    "syncs one Catalog replica runs at once (each registry's own limits apply inside)",
)


@dataclass(frozen=True)
class CatalogConfig:
    common: CommonConfig
    secret_key: str
    allow_plain_http: bool
    max_parallel_syncs: int

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> CatalogConfig:
        problems: list[str] = []
        config = cls(
            common=read_common(env, problems, needs_nats=False),
            secret_key=SECRET_KEY.read(env, problems),
            allow_plain_http=ALLOW_PLAIN_HTTP.read(env, problems),
            max_parallel_syncs=MAX_PARALLEL_SYNCS.read(env, problems),
        )
        raise_if(problems)
        return config
