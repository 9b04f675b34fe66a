"""Helpers of the Rules integration tests: the service handle and error details."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2

from regsieve.v1 import rules_pb2 as pb
from regsieve.v1 import rules_pb2_grpc
from services.rules.service import RulesService
from tests.support.catalog import CatalogHandle

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@dataclass
class RulesHandle:
    stub: rules_pb2_grpc.RulesServiceStub
    service: RulesService
    catalog: CatalogHandle

    async def create(self, registry_id: str, name: str, **fields: Any) -> pb.RuleSet:
        reply = await self.stub.CreateRuleSet(
            pb.CreateRuleSetRequest(
                rule_set=pb.RuleSet(registry_id=registry_id, name=name, **fields)
            )
        )
        return reply.rule_set


def status_details(error: grpc.aio.AioRpcError) -> status_pb2.Status:
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            return status_pb2.Status.FromString(value)
    raise AssertionError("no status details")


def violations(error: grpc.aio.AioRpcError) -> dict[str, str]:
    found: dict[str, str] = {}
    for detail in status_details(error).details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            found.update({v.field: v.description for v in bad.field_violations})
    return found


async def fails(call: Awaitable[object], code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    assert caught.value.code() == code, caught.value.details()
    return caught.value


async def invalid(call: Awaitable[object]) -> dict[str, str]:
    """The field violations of a call that must fail with INVALID_ARGUMENT."""
    return violations(await fails(call, grpc.StatusCode.INVALID_ARGUMENT))
