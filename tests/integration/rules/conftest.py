"""Rules fixtures: the Rules service in-process beside the Catalog, on one real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from regsieve.v1 import rules_pb2_grpc
from services.rules.config import RulesConfig
from services.rules.service import RulesService
from tests.integration.rules.helpers import RulesHandle
from tests.support.catalog import CatalogHandle
from tests.support.servers import common_config, running


@pytest.fixture
async def rules(database_url: str, catalog: CatalogHandle) -> AsyncIterator[RulesHandle]:
    config = RulesConfig(
        common=common_config(database_url=database_url, catalog_target=catalog.target),
        catalog_timeout_seconds=10,
        registry_cache_seconds=0,  # every call asks the Catalog: deletions show at once
        reconcile_seconds=0,  # tests run the reconciliation pass themselves
    )
    service = RulesService(config)
    async with running("rules", service, config.common) as (_target, channel):
        yield RulesHandle(rules_pb2_grpc.RulesServiceStub(channel), service, catalog)
