"""The one exception tree of regsieve and its mapping to gRPC status codes with details."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grpc
from google.rpc import code_pb2, error_details_pb2, status_pb2

ERROR_DOMAIN = "regsieve.dev"


class RegsieveError(Exception):
    """Base of every error a service raises on purpose; carries its gRPC code and details."""

    code: grpc.StatusCode = grpc.StatusCode.INTERNAL
    default_reason = "INTERNAL"

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or self.default_reason
        self.metadata = dict(metadata or {})


class InvalidArgument(RegsieveError):
    """Bad input; carries one field violation per problem (BadRequest details)."""

    code = grpc.StatusCode.INVALID_ARGUMENT
    default_reason = "INVALID_ARGUMENT"

    def __init__(
        self,
        message: str | None = None,
        *,
        violations: Iterable[tuple[str, str]] = (),
        reason: str | None = None,
    ) -> None:
        self.violations = list(violations)
        if message is None:
            message = "; ".join(f"{field}: {desc}" for field, desc in self.violations)
        super().__init__(message or "invalid argument", reason=reason)

    @classmethod
    def field(cls, field: str, description: str) -> InvalidArgument:
        return cls(violations=[(field, description)])


class NotFound(RegsieveError):
    code = grpc.StatusCode.NOT_FOUND
    default_reason = "NOT_FOUND"


class AlreadyExists(RegsieveError):
    code = grpc.StatusCode.ALREADY_EXISTS
    default_reason = "ALREADY_EXISTS"


class FailedPrecondition(RegsieveError):
    code = grpc.StatusCode.FAILED_PRECONDITION
    default_reason = "FAILED_PRECONDITION"


class PermissionDenied(RegsieveError):
    code = grpc.StatusCode.PERMISSION_DENIED
    default_reason = "PERMISSION_DENIED"


class Unauthenticated(RegsieveError):
    code = grpc.StatusCode.UNAUTHENTICATED
    default_reason = "UNAUTHENTICATED"


class ResourceExhausted(RegsieveError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED
    default_reason = "RESOURCE_EXHAUSTED"


class Unavailable(RegsieveError):
    """A dependency (registry, database, NATS, another service) is unreachable: retry later."""

    code = grpc.StatusCode.UNAVAILABLE
    default_reason = "UNAVAILABLE"


class DeadlineExceeded(RegsieveError):
    code = grpc.StatusCode.DEADLINE_EXCEEDED
    default_reason = "DEADLINE_EXCEEDED"


class Aborted(RegsieveError):
    code = grpc.StatusCode.ABORTED
    default_reason = "ABORTED"


class Internal(RegsieveError):
    code = grpc.StatusCode.INTERNAL
    default_reason = "INTERNAL"


def to_status(error: RegsieveError) -> status_pb2.Status:
    """Builds a google.rpc.Status with ErrorInfo and, for bad input, BadRequest details."""
    status = status_pb2.Status(code=_rpc_code(error.code), message=error.message)
    info = error_details_pb2.ErrorInfo(
        reason=error.reason, domain=ERROR_DOMAIN, metadata=error.metadata
    )
    status.details.add().Pack(info)
    if isinstance(error, InvalidArgument) and error.violations:
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=f, description=d)
                for f, d in error.violations
            ]
        )
        status.details.add().Pack(bad_request)
    return status


def _rpc_code(code: grpc.StatusCode) -> int:
    return int(code.value[0]) if code.value else code_pb2.INTERNAL
