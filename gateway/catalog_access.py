"""Reads a registry's type and webhook settings from Catalog's RegistryAccessService."""

from __future__ import annotations

import grpc

from gateway.auth import AuthMode, resolve_auth_settings
from gateway.registry_cache import CatalogUnavailable, RegistryEntry
from regsieve.v1 import catalog_pb2 as pb
from regsieve.v1 import catalog_pb2_grpc
from services.common.logs import get_logger

log = get_logger("regsieve.gateway.catalog")

_TYPE_PREFIX = "REGISTRY_TYPE_"
_MODE_PREFIX = "WEBHOOK_AUTH_MODE_"
# Catalog answers these for ids it does not have (a malformed id is not found either).
_UNKNOWN_ID_CODES = frozenset({grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT})


def entry_from_access(reply: pb.GetRegistryAccessResponse) -> RegistryEntry:
    """The gateway's view of a registry: type name, enabled, resolved webhook auth."""
    registry = reply.registry
    type_name = _enum_name(pb.RegistryType, registry.type, _TYPE_PREFIX)
    webhook = registry.webhook
    mode_name = _enum_name(pb.WebhookAuthMode, webhook.auth_mode, _MODE_PREFIX)
    try:
        mode = None if mode_name == "unspecified" else AuthMode(mode_name)
        auth = resolve_auth_settings(
            type_name,
            mode=mode,
            header_name=webhook.header_name,
            secret=reply.webhook_secret,
            hmac_algorithm=webhook.hmac_algorithm,
            oidc_audience=webhook.oidc_audience,
            oidc_email=webhook.oidc_email,
            sns_topic_arn=webhook.sns_topic_arn,
        )
    except ValueError:
        auth = None
    return RegistryEntry(
        registry_id=registry.id, registry_type=type_name, enabled=registry.enabled, auth=auth
    )


def _enum_name(enum: object, value: int, prefix: str) -> str:
    try:
        name: str = enum.Name(value)  # type: ignore[attr-defined]
    except ValueError:
        return f"unknown_{value}"
    return name.removeprefix(prefix).lower()


class CatalogRegistrySource:
    """RegistrySource over gRPC, presenting the internal token when one is configured."""

    def __init__(self, target: str, internal_token: str, *, timeout: float = 2.0) -> None:
        self.target = target
        self.timeout = timeout
        self._metadata = (("authorization", f"Bearer {internal_token}"),) if internal_token else ()
        self._channel: grpc.aio.Channel | None = None
        self._stub: catalog_pb2_grpc.RegistryAccessServiceStub | None = None

    def _access_stub(self) -> catalog_pb2_grpc.RegistryAccessServiceStub:
        if self._stub is None:
            self._channel = grpc.aio.insecure_channel(self.target)
            self._stub = catalog_pb2_grpc.RegistryAccessServiceStub(self._channel)
        return self._stub

    async def fetch(self, registry_id: str) -> RegistryEntry | None:
        try:
            reply = await self._access_stub().GetRegistryAccess(
                pb.GetRegistryAccessRequest(registry_id=registry_id),
                metadata=self._metadata,
                timeout=self.timeout,
            )
        except grpc.aio.AioRpcError as exc:
            code = exc.code()
            if code in _UNKNOWN_ID_CODES:
                return None
            if code in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
                log.error("gateway.catalog_refused_token", status=code.name)
            raise CatalogUnavailable(code.name.lower()) from None
        return entry_from_access(reply)

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = None
            self._stub = None
