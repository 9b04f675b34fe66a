"""Entry point of `regsieve serve rules`."""

from __future__ import annotations

from collections.abc import Mapping

from services.common.logs import configure_logging
from services.common.server import serve
from services.rules.config import RulesConfig
from services.rules.service import RulesService


async def run(env: Mapping[str, str]) -> None:
    config = RulesConfig.from_env(env)
    configure_logging(config.common.log_level, config.common.log_format, service="rules")
    await serve("rules", RulesService(config), config.common)
