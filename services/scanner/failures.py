"""Which scan failures are worth retrying, with stable codes for the record (pure)."""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from services.common.registry.errors import (
    ContentTooLarge,
    DigestMismatch,
    ManifestInvalid,
    RegistryAuthError,
    RegistryError,
    RegistryNotFound,
    RegistryUnreachable,
)
from services.scanner.layer.errors import LayerError


class ScanRejected(Exception):
    """A request that can never succeed as given (e.g. no wanted platform in the index)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Failure:
    code: str
    reason: str
    transient: bool


def classify(exc: BaseException) -> Failure:
    message = str(exc) or type(exc).__name__
    if isinstance(exc, ScanRejected):
        return Failure(exc.code, message, False)
    if isinstance(exc, LayerError):
        return Failure(exc.reason.upper(), message, False)
    if isinstance(exc, RegistryUnreachable):
        return Failure("REGISTRY_UNREACHABLE", message, True)
    if isinstance(exc, RegistryAuthError):
        return Failure("UNAUTHORIZED", message, False)
    if isinstance(exc, RegistryNotFound):
        return Failure("MANIFEST_UNKNOWN", message, False)
    if isinstance(exc, DigestMismatch):
        return Failure("DIGEST_MISMATCH", message, False)
    if isinstance(exc, ManifestInvalid):
        return Failure("MANIFEST_INVALID", message, False)
    if isinstance(exc, ContentTooLarge):
        return Failure("TOO_LARGE", message, False)
    if isinstance(exc, RegistryError):
        return Failure(exc.code, message, exc.status is None or exc.status >= 500)
    if isinstance(exc, grpc.aio.AioRpcError):
        if exc.code() == grpc.StatusCode.NOT_FOUND:
            return Failure("REGISTRY_UNKNOWN", exc.details() or message, False)
        if exc.code() in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.PERMISSION_DENIED):
            return Failure("REGISTRY_REFUSED", exc.details() or message, False)
        return Failure("CATALOG_UNAVAILABLE", exc.details() or message, True)
    if isinstance(exc, ConnectionError | TimeoutError | OSError):
        return Failure("UNAVAILABLE", message, True)
    return Failure("INTERNAL", f"internal error: {message}", False)
