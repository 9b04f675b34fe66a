"""Rules process: database, Catalog channel, registry reconciliation and the servicer."""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import grpc

from regsieve.v1 import rules_pb2, rules_pb2_grpc
from services.common.db import open_database
from services.rules.catalog_client import CatalogClient
from services.rules.config import RulesConfig
from services.rules.registry_guard import RegistryGuard
from services.rules.server import RulesServicer
from services.rules.store import RulesStore

SCHEMA = "rules"


class RulesService:
    service_names = (rules_pb2.DESCRIPTOR.services_by_name["RulesService"].full_name,)

    def __init__(self, config: RulesConfig) -> None:
        self.config = config
        self.pool: asyncpg.Pool | None = None
        self.channel: grpc.aio.Channel | None = None
        self.store: RulesStore | None = None
        self.guard: RegistryGuard | None = None
        self._reconciler: asyncio.Task[None] | None = None

    async def start(self) -> None:
        config = self.config
        self.pool = await open_database(
            config.common.database_url,
            SCHEMA,
            "services.rules.migrations",
            service="rules",
            max_size=config.common.db_pool_max,
        )
        self.store = RulesStore(self.pool)
        self.channel = grpc.aio.insecure_channel(
            config.common.catalog_target,
            options=[("grpc.max_receive_message_length", 64 * 1024 * 1024)],
        )
        self.catalog = CatalogClient(self.channel, config.catalog_timeout_seconds)
        self.guard = RegistryGuard(self.catalog, self.store, config.registry_cache_seconds)
        if config.reconcile_seconds > 0:
            self._reconciler = asyncio.create_task(self.guard.run(config.reconcile_seconds))

    def add_to_server(self, server: grpc.aio.Server) -> None:
        assert self.store and self.guard
        rules_pb2_grpc.add_RulesServiceServicer_to_server(
            RulesServicer(self.store, self.catalog, self.guard), server
        )

    async def stop(self) -> None:
        if self._reconciler:
            self._reconciler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconciler
        if self.channel:
            await self.channel.close()
        if self.pool:
            await self.pool.close()
