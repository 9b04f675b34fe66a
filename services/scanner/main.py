"""Entry point of `regsieve serve scanner`."""

from __future__ import annotations

from collections.abc import Mapping

from services.common.logs import configure_logging
from services.common.server import serve
from services.scanner.config import ScannerConfig
from services.scanner.service import ScannerService


async def run(env: Mapping[str, str]) -> None:
    config = ScannerConfig.from_env(env)
    configure_logging(config.common.log_level, config.common.log_format, service="scanner")
    await serve("scanner", ScannerService(config), config.common)
