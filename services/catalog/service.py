"""Catalog process: database, sync manager and servicers, handed to the server bootstrap."""

from __future__ import annotations

import asyncpg
import grpc

from regsieve.v1 import catalog_pb2, catalog_pb2_grpc
from services.catalog.config import CatalogConfig
from services.catalog.registries import Registries
from services.catalog.server import CatalogServicer, RegistryAccessServicer
from services.catalog.store import CatalogStore
from services.catalog.syncs import SyncManager
from services.common.db import open_database
from services.common.secrets import SecretBox

SCHEMA = "catalog"


class CatalogService:
    service_names = (
        catalog_pb2.DESCRIPTOR.services_by_name["CatalogService"].full_name,
        catalog_pb2.DESCRIPTOR.services_by_name["RegistryAccessService"].full_name,
    )

    def __init__(self, config: CatalogConfig) -> None:
        self.config = config
        self.box = SecretBox.from_setting(config.secret_key)
        self.pool: asyncpg.Pool | None = None
        self.syncs: SyncManager | None = None
        self.store: CatalogStore | None = None
        self.registries: Registries | None = None

    async def start(self) -> None:
        self.pool = await open_database(
            self.config.common.database_url,
            SCHEMA,
            "services.catalog.migrations",
            service="catalog",
            max_size=self.config.common.db_pool_max,
        )
        self.store = CatalogStore(self.pool)
        self.registries = Registries(
            self.store, self.box, allow_plain_http=self.config.allow_plain_http
        )
        self.syncs = SyncManager(self.store, self.box, self.config.max_parallel_syncs)
        await self.syncs.start()

    def add_to_server(self, server: grpc.aio.Server) -> None:
        assert self.store and self.registries and self.syncs
        catalog_pb2_grpc.add_CatalogServiceServicer_to_server(
            CatalogServicer(self.store, self.registries, self.syncs), server
        )
        catalog_pb2_grpc.add_RegistryAccessServiceServicer_to_server(
            RegistryAccessServicer(self.registries, self.config.common.internal_token), server
        )

    async def stop(self) -> None:
        if self.syncs:
            await self.syncs.stop()
        if self.registries:
            await self.registries.close()
        if self.pool:
            await self.pool.close()
