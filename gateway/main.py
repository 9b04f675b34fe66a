"""Entry point of `regsieve serve gateway`."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.config import GatewayConfig
from gateway.server import serve
from services.common.logs import configure_logging


async def run(env: Mapping[str, str]) -> None:
    config = GatewayConfig.from_env(env)
    configure_logging(config.common.log_level, config.common.log_format, service="gateway")
    await serve(config)
