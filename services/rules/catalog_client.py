"""The Catalog as the Rules service sees it: registry checks and inventory reads over gRPC."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence

import grpc

from regsieve.v1 import catalog_pb2, catalog_pb2_grpc
from services.common.errors import FailedPrecondition, NotFound, RegsieveError, Unavailable

_RETRYABLE = frozenset(
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
LIST_PAGE_SIZE = 1000
STREAM_BATCH_SIZE = 5000


class RegistryNotFound(NotFound):
    """The Catalog does not have this registry (never had it, or it was deleted)."""

    def __init__(self, registry_id: str) -> None:
        super().__init__(f"registry {registry_id!r} not found", reason="REGISTRY_NOT_FOUND")
        self.registry_id = registry_id


def catalog_error(error: grpc.aio.AioRpcError, registry_id: str) -> RegsieveError:
    """A Catalog failure as this service reports it; NOT_FOUND means the registry."""
    code = error.code()
    if code == grpc.StatusCode.NOT_FOUND:
        return RegistryNotFound(registry_id)
    if code in _RETRYABLE:
        return Unavailable(f"Catalog unavailable: {code.name}: {error.details()}")
    return FailedPrecondition(f"Catalog refused: {code.name}: {error.details()}")


class CatalogClient:
    """Thin async wrapper over CatalogService; every error becomes a RegsieveError."""

    def __init__(self, channel: grpc.aio.Channel, timeout_seconds: float) -> None:
        self._stub = catalog_pb2_grpc.CatalogServiceStub(channel)
        self._timeout = timeout_seconds

    async def registry_exists(self, registry_id: str) -> bool:
        """True when the Catalog has the registry; raises Unavailable when it cannot say."""
        try:
            await self._stub.GetRegistry(
                catalog_pb2.GetRegistryRequest(id=registry_id), timeout=self._timeout
            )
        except grpc.aio.AioRpcError as error:
            mapped = catalog_error(error, registry_id)
            if isinstance(mapped, RegistryNotFound):
                return False
            raise mapped from None
        return True

    async def stream_images(
        self, registry_id: str, *, include_removed: bool = False
    ) -> AsyncGenerator[Sequence[catalog_pb2.Image], None]:
        """The registry's inventory in batches, ordered by repository then tag."""
        call = self._stub.StreamImages(
            catalog_pb2.StreamImagesRequest(
                registry_id=registry_id,
                include_removed=include_removed,
                batch_size=STREAM_BATCH_SIZE,
            )
        )
        try:
            async for reply in call:
                yield reply.images
        except grpc.aio.AioRpcError as error:
            raise catalog_error(error, registry_id) from None
        finally:
            call.cancel()  # a no-op once the stream ended; stops it when our caller left

    async def repository_images(self, registry_id: str, repository: str) -> list[catalog_pb2.Image]:
        """Every current tag of one repository (empty for an unknown repository)."""
        images: list[catalog_pb2.Image] = []
        token = ""
        try:
            while True:
                reply = await self._stub.ListImages(
                    catalog_pb2.ListImagesRequest(
                        registry_id=registry_id,
                        repository=repository,
                        page_size=LIST_PAGE_SIZE,
                        page_token=token,
                    ),
                    timeout=self._timeout,
                )
                images.extend(reply.images)
                token = reply.next_page_token
                if not token:
                    return images
        except grpc.aio.AioRpcError as error:
            raise catalog_error(error, registry_id) from None

    async def get_image(
        self, registry_id: str, repository: str, tag: str
    ) -> catalog_pb2.Image | None:
        """One tag of the inventory, or None when the Catalog answers NOT_FOUND.

        NOT_FOUND does not say whether the image or the registry is missing; callers
        ask `registry_exists` when it matters.
        """
        try:
            reply = await self._stub.GetImage(
                catalog_pb2.GetImageRequest(
                    registry_id=registry_id, repository=repository, tag=tag
                ),
                timeout=self._timeout,
            )
        except grpc.aio.AioRpcError as error:
            mapped = catalog_error(error, registry_id)
            if isinstance(mapped, RegistryNotFound):
                return None
            raise mapped from None
        return reply.image
