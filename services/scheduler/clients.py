"""The Catalog and Rules APIs as the scheduler calls them, with their errors translated."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import grpc
from google.protobuf.message import DecodeError
from google.rpc import error_details_pb2, status_pb2

from regsieve.v1 import catalog_pb2, catalog_pb2_grpc, rules_pb2, rules_pb2_grpc
from services.common.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    RegsieveError,
    Unavailable,
)

# Codes worth retrying: the peer is down, overloaded or slow.
TRANSIENT_CODES = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.CANCELLED,
    }
)


class PeerError(RegsieveError):
    """A call to another service failed; `reason` is its ErrorInfo reason or status name."""

    def __init__(self, peer: str, status: grpc.StatusCode, details: str, reason: str = "") -> None:
        super().__init__(f"{peer}: {status.name}: {details}", reason=reason or status.name)
        self.status = status
        self.transient = status in TRANSIENT_CODES
        self.code = _MAPPED.get(status, Unavailable).code


_MAPPED: dict[grpc.StatusCode, type[RegsieveError]] = {
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
}


def _translate(peer: str, exc: grpc.aio.AioRpcError) -> PeerError:
    return PeerError(peer, exc.code(), exc.details() or "", _error_reason(exc))


def _error_reason(exc: grpc.aio.AioRpcError) -> str:
    """The ErrorInfo reason regsieve services attach to their errors, if any."""
    for key, value in exc.trailing_metadata() or ():
        if key != "grpc-status-details-bin" or not isinstance(value, bytes):
            continue
        try:
            status = status_pb2.Status.FromString(value)
        except DecodeError:
            return ""
        for detail in status.details:
            info = error_details_pb2.ErrorInfo()
            if detail.Unpack(info):
                return info.reason
    return ""


class Peers:
    """Stubs of the Catalog and Rules with one deadline for unary calls."""

    def __init__(
        self, catalog: grpc.aio.Channel, rules: grpc.aio.Channel, timeout_s: float
    ) -> None:
        self.catalog = catalog_pb2_grpc.CatalogServiceStub(catalog)
        self.rules = rules_pb2_grpc.RulesServiceStub(rules)
        self.timeout_s = timeout_s

    # -- catalog -----------------------------------------------------------------------

    async def get_registry(self, registry_id: str) -> catalog_pb2.Registry:
        try:
            reply = await self.catalog.GetRegistry(
                catalog_pb2.GetRegistryRequest(id=registry_id), timeout=self.timeout_s
            )
        except grpc.aio.AioRpcError as exc:
            raise _translate("Catalog", exc) from None
        return reply.registry

    async def sync_registry(
        self, registry_id: str, ref_filter: str, repository_filter: str
    ) -> catalog_pb2.Sync:
        try:
            reply = await self.catalog.SyncRegistry(
                catalog_pb2.SyncRegistryRequest(
                    registry_id=registry_id,
                    ref_filter=ref_filter,
                    repository_filter=repository_filter,
                ),
                timeout=self.timeout_s,
            )
        except grpc.aio.AioRpcError as exc:
            raise _translate("Catalog", exc) from None
        return reply.sync

    async def get_sync(self, sync_id: str) -> catalog_pb2.Sync:
        try:
            reply = await self.catalog.GetSync(
                catalog_pb2.GetSyncRequest(id=sync_id), timeout=self.timeout_s
            )
        except grpc.aio.AioRpcError as exc:
            raise _translate("Catalog", exc) from None
        return reply.sync

    async def resolve_image(
        self, registry_id: str, repository: str, tag: str, digest: str
    ) -> catalog_pb2.Image:
        try:
            reply = await self.catalog.ResolveImage(
                catalog_pb2.ResolveImageRequest(
                    registry_id=registry_id,
                    repository=repository,
                    tag="" if digest and not tag else tag,
                    digest="" if tag else digest,
                ),
                timeout=self.timeout_s,
            )
        except grpc.aio.AioRpcError as exc:
            raise _translate("Catalog", exc) from None
        return reply.image

    async def remove_image(self, registry_id: str, repository: str, tag: str, digest: str) -> int:
        try:
            reply = await self.catalog.RemoveImage(
                catalog_pb2.RemoveImageRequest(
                    registry_id=registry_id,
                    repository=repository,
                    tag=tag,
                    digest="" if tag else digest,
                ),
                timeout=self.timeout_s,
            )
        except grpc.aio.AioRpcError as exc:
            raise _translate("Catalog", exc) from None
        return reply.removed

    async def stream_images(self, registry_id: str) -> AsyncIterator[list[catalog_pb2.Image]]:
        try:
            async for batch in self.catalog.StreamImages(
                catalog_pb2.StreamImagesRequest(registry_id=registry_id, batch_size=5000)
            ):
                yield list(batch.images)
        except grpc.aio.AioRpcError as exc:
            raise _translate("Catalog", exc) from None

    # -- rules -------------------------------------------------------------------------

    async def get_rule_set(self, rule_set_id: str) -> rules_pb2.RuleSet:
        try:
            reply = await self.rules.GetRuleSet(
                rules_pb2.GetRuleSetRequest(id=rule_set_id), timeout=self.timeout_s
            )
        except grpc.aio.AioRpcError as exc:
            raise _translate("Rules", exc) from None
        return reply.rule_set

    async def enabled_rule_sets(self, registry_id: str) -> list[rules_pb2.RuleSet]:
        """The registry's enabled rule sets, by name."""
        found: list[rules_pb2.RuleSet] = []
        token = ""
        try:
            while True:
                reply = await self.rules.ListRuleSets(
                    rules_pb2.ListRuleSetsRequest(
                        registry_id=registry_id, page_size=1000, page_token=token
                    ),
                    timeout=self.timeout_s,
                )
                found.extend(r for r in reply.rule_sets if not r.HasField("enabled") or r.enabled)
                token = reply.next_page_token
                if not token:
                    break
        except grpc.aio.AioRpcError as exc:
            raise _translate("Rules", exc) from None
        return sorted(found, key=lambda r: (r.name, r.id))

    async def ref_filter(
        self, rule_set_id: str, revision: int = 0
    ) -> rules_pb2.GetRefFilterResponse:
        try:
            return await self.rules.GetRefFilter(
                rules_pb2.GetRefFilterRequest(rule_set_id=rule_set_id, revision=revision),
                timeout=self.timeout_s,
            )
        except grpc.aio.AioRpcError as exc:
            raise _translate("Rules", exc) from None

    async def evaluate_images(
        self,
        rule_set_id: str,
        revision: int,
        images: Sequence[rules_pb2.ImageFacts],
        *,
        catalog_context: bool,
    ) -> rules_pb2.EvaluateImagesResponse:
        try:
            return await self.rules.EvaluateImages(
                rules_pb2.EvaluateImagesRequest(
                    rule_set_id=rule_set_id,
                    revision=revision,
                    images=images,
                    catalog_context=catalog_context,
                ),
                timeout=self.timeout_s,
            )
        except grpc.aio.AioRpcError as exc:
            raise _translate("Rules", exc) from None

    async def evaluate_registry(
        self, rule_set_id: str, revision: int
    ) -> AsyncIterator[rules_pb2.EvaluateRegistryResponse]:
        """The pulled images of the registry's inventory in batches, then the summary."""
        try:
            async for message in self.rules.EvaluateRegistry(
                rules_pb2.EvaluateRegistryRequest(
                    rule_set_id=rule_set_id, revision=revision, batch_size=5000, only_pulled=True
                )
            ):
                yield message
        except grpc.aio.AioRpcError as exc:
            raise _translate("Rules", exc) from None
