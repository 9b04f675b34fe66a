"""Fixtures shared by the integration tests: the Catalog service on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from regsieve.v1 import catalog_pb2_grpc
from services.catalog.config import CatalogConfig
from services.catalog.service import CatalogService
from services.common.secrets import generate_key
from tests.support.catalog import CatalogHandle
from tests.support.servers import common_config, running


@pytest.fixture
async def catalog(database_url: str) -> AsyncIterator[CatalogHandle]:
    config = CatalogConfig(
        common=common_config(database_url=database_url, internal_token="internal-test-token"),
        secret_key=generate_key(),
        allow_plain_http=False,
        max_parallel_syncs=4,
    )
    service = CatalogService(config)
    async with running("catalog", service, config.common) as (target, channel):
        yield CatalogHandle(
            catalog_pb2_grpc.CatalogServiceStub(channel),
            catalog_pb2_grpc.RegistryAccessServiceStub(channel),
            service,
            target,
        )
