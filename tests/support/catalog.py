"""A handle on a Catalog service under test: stubs plus helpers to create, sync and list."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from regsieve.v1 import catalog_pb2 as pb
from regsieve.v1 import catalog_pb2_grpc
from services.catalog.service import CatalogService


@dataclass
class CatalogHandle:
    stub: catalog_pb2_grpc.CatalogServiceStub
    access: catalog_pb2_grpc.RegistryAccessServiceStub
    service: CatalogService
    target: str

    async def create_registry(self, name: str, url: str, **fields: object) -> pb.Registry:
        credentials = fields.pop("credentials", None)
        registry = pb.Registry(
            name=name, type=pb.REGISTRY_TYPE_DISTRIBUTION, url=url, enabled=True, **fields
        )
        reply = await self.stub.CreateRegistry(
            pb.CreateRegistryRequest(registry=registry, credentials=credentials)
        )
        return reply.registry

    async def sync(self, registry_id: str, timeout: float = 120, **fields: object) -> pb.Sync:
        started = await self.stub.SyncRegistry(
            pb.SyncRegistryRequest(registry_id=registry_id, **fields)
        )
        return await self.wait_sync(started.sync.id, timeout)

    async def wait_sync(self, sync_id: str, timeout: float = 120) -> pb.Sync:
        last = None

        async def watch() -> None:
            nonlocal last
            async for update in self.stub.WatchSync(
                pb.WatchSyncRequest(id=sync_id, interval_ms=100)
            ):
                last = update.sync

        await asyncio.wait_for(watch(), timeout)
        assert last is not None
        return last

    async def images(self, registry_id: str, **fields: object) -> list[pb.Image]:
        out: list[pb.Image] = []
        token = ""
        while True:
            reply = await self.stub.ListImages(
                pb.ListImagesRequest(
                    registry_id=registry_id, page_size=1000, page_token=token, **fields
                )
            )
            out.extend(reply.images)
            token = reply.next_page_token
            if not token:
                return out
