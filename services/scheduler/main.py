"""Entry point of `regsieve serve scheduler`."""

from __future__ import annotations

from collections.abc import Mapping

from services.common.logs import configure_logging
from services.common.server import serve
from services.scheduler.config import SchedulerConfig
from services.scheduler.service import SchedulerService


async def run(env: Mapping[str, str]) -> None:
    config = SchedulerConfig.from_env(env)
    configure_logging(config.common.log_level, config.common.log_format, service="scheduler")
    await serve("scheduler", SchedulerService(config), config.common)
