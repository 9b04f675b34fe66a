"""Entry point of `regsieve serve catalog`."""

from __future__ import annotations

from collections.abc import Mapping

from services.catalog.config import CatalogConfig
from services.catalog.service import CatalogService
from services.common.logs import configure_logging
from services.common.server import serve


async def run(env: Mapping[str, str]) -> None:
    config = CatalogConfig.from_env(env)
    configure_logging(config.common.log_level, config.common.log_format, service="catalog")
    await serve("catalog", CatalogService(config), config.common)
