"""The gateway's HTTP application: webhook deliveries in, JetStream-acknowledged events out.

`POST /v1/webhooks/{registry_id}` goes: registry id -> size limit -> registry (Catalog,
cached) -> body (read under the limit) -> authentication -> parser -> publish every event
and wait for every acknowledgement -> 2xx. Any step can refuse the delivery; each refusal
has an HTTP status and a fixed reason, is counted and logged, and never shows a secret.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from gateway.auth import AuthMode, AuthReason, AuthResult, authenticate, key_material_url
from gateway.auth.oidc import OidcKeysError
from gateway.auth.sns import SnsVerificationError
from gateway.convert import to_outgoing
from gateway.events import ConfirmSubscription, ParseError, ParseResult, Reply
from gateway.key_material import FetchError, KeyMaterialCache
from gateway.metrics import UNKNOWN_TYPE, GatewayMetrics
from gateway.parsers import PARSERS, acr
from gateway.publisher import EventPublisher, QueueUnavailable
from gateway.registry_cache import CatalogUnavailable, RegistryCache, RegistryEntry
from services.common.logs import get_logger

log = get_logger("regsieve.gateway")

WEBHOOK_PATH = "/v1/webhooks/{registry_id}"
_JSON = "application/json"
_KEY_MATERIAL_NEEDED = frozenset({AuthReason.CERTIFICATE_REQUIRED, AuthReason.KEYS_REQUIRED})


class Rejection(Exception):
    """The delivery is refused with `status`; `reason` is a fixed label (metrics, logs, body),
    `detail` a field path or error class for the log."""

    def __init__(
        self, status: int, reason: str, detail: str = "", *, registry_type: str | None = None
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.detail = detail
        self.registry_type = registry_type


def _canonical_registry_id(raw: str) -> str:
    """Catalog ids are UUIDs; anything else is refused without asking Catalog."""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise Rejection(404, "malformed_registry_id") from None


class WebhookGateway:
    """Request handlers, with the registry cache, key cache, publisher and metrics."""

    def __init__(
        self,
        registries: RegistryCache,
        publisher: EventPublisher,
        keys: KeyMaterialCache,
        metrics: GatewayMetrics,
        *,
        max_body_bytes: int,
        retry_after_seconds: int,
    ) -> None:
        self.registries = registries
        self.publisher = publisher
        self.keys = keys
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes
        self.retry_after = str(retry_after_seconds)

    def application(self) -> web.Application:
        app = web.Application(client_max_size=self.max_body_bytes)
        app.router.add_post(WEBHOOK_PATH, self.post_webhook)
        app.router.add_route("OPTIONS", WEBHOOK_PATH, self.options_webhook)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        app.router.add_get("/metrics", self.metrics_page)
        return app

    # -- webhooks -----------------------------------------------------------------------

    async def post_webhook(self, request: web.Request) -> web.StreamResponse:
        raw_id = request.match_info["registry_id"]
        entry: RegistryEntry | None = None
        try:
            registry_id = _canonical_registry_id(raw_id)
            length = request.content_length
            if length is not None and length > self.max_body_bytes:
                raise Rejection(413, "body_too_large", "content_length")
            entry = await self._registry(registry_id)
            body = await self._read_body(request)
            headers = request.headers
            await self._authenticate(entry, headers, body, request.query)
            result = self._parse(entry, headers, body)
            return await self._deliver(entry, result)
        except Rejection as rejection:
            return self._reject(raw_id, entry, rejection)
        except Exception:
            log.exception(
                "gateway.delivery_failed",
                registry_id=raw_id,
                registry_type=entry.registry_type if entry else UNKNOWN_TYPE,
            )
            return self._reject(raw_id, entry, Rejection(500, "internal_error"), logged=True)

    async def options_webhook(self, request: web.Request) -> web.StreamResponse:
        """The CloudEvents webhook abuse-protection handshake (Event Grid sends it before
        delivering CloudEvents): allow the requesting origin for a known, enabled registry."""
        raw_id = request.match_info["registry_id"]
        entry: RegistryEntry | None = None
        try:
            entry = await self._registry(_canonical_registry_id(raw_id))
            try:
                reply = acr.abuse_protection_reply(request.headers)
            except ParseError as exc:
                raise Rejection(400, exc.reason, exc.detail) from None
        except Rejection as rejection:
            return self._reject(raw_id, entry, rejection)
        self.metrics.deliveries.labels(entry.registry_type, str(reply.status)).inc()
        return self._reply(reply)

    async def _registry(self, registry_id: str) -> RegistryEntry:
        try:
            entry = await self.registries.get(registry_id)
        except CatalogUnavailable as exc:
            raise Rejection(503, "catalog_unavailable", exc.reason) from None
        if entry is None:
            raise Rejection(404, "unknown_registry")
        if not entry.enabled:
            # 404 like an unknown id: a disabled registry's webhooks are refused, not queued.
            raise Rejection(404, "registry_disabled", registry_type=entry.registry_type)
        if entry.auth is None or entry.registry_type not in PARSERS:
            # A registry type newer than this gateway: 503 keeps the sender retrying until
            # the gateway is upgraded.
            raise Rejection(503, "unsupported_registry_type", registry_type=entry.registry_type)
        return entry

    async def _read_body(self, request: web.Request) -> bytes:
        try:
            return await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise Rejection(413, "body_too_large", "body") from None
        except (ConnectionError, HttpProcessingError) as exc:
            # the sender went away mid-body, or sent broken chunked encoding
            raise Rejection(400, "incomplete_body", type(exc).__name__) from None

    async def _authenticate(
        self,
        entry: RegistryEntry,
        headers: Mapping[str, str],
        body: bytes,
        query: Mapping[str, str],
    ) -> None:
        settings = entry.auth
        assert settings is not None
        result = authenticate(settings, headers, body, query)
        if result.reason in _KEY_MATERIAL_NEEDED:
            result = await self._authenticate_with_keys(entry, headers, body, query)
        if not result.ok:
            raise Rejection(401, result.reason.value)

    async def _authenticate_with_keys(
        self,
        entry: RegistryEntry,
        headers: Mapping[str, str],
        body: bytes,
        query: Mapping[str, str],
    ) -> AuthResult:
        settings = entry.auth
        assert settings is not None
        url = key_material_url(settings, headers, body)
        if url is None:
            return AuthResult.deny(AuthReason.BAD_CERTIFICATE_URL)
        try:
            if settings.mode is AuthMode.SNS_SIGNATURE:
                certificate = await self.keys.sns_certificate(url)
                return authenticate(settings, headers, body, query, certificate)
            keys = await self.keys.oidc_keys(url)
            result = authenticate(settings, headers, body, query, keys)
            if result.reason is AuthReason.UNKNOWN_KEY:
                # Google rotated its keys since we fetched them (or the token is junk: the
                # refetch is rate-limited).
                keys = await self.keys.oidc_keys(url, after_unknown_key=True)
                result = authenticate(settings, headers, body, query, keys)
            return result
        except FetchError as exc:
            raise Rejection(503, "key_fetch_failed", exc.reason) from None
        except SnsVerificationError:
            return AuthResult.deny(AuthReason.BAD_CERTIFICATE)
        except OidcKeysError:
            return AuthResult.deny(AuthReason.BAD_KEYS)

    def _parse(self, entry: RegistryEntry, headers: Mapping[str, str], body: bytes) -> ParseResult:
        try:
            return PARSERS[entry.registry_type](headers, body)
        except ParseError as exc:
            raise Rejection(exc.status, exc.reason, exc.detail) from None

    async def _deliver(self, entry: RegistryEntry, result: ParseResult) -> web.StreamResponse:
        registry_type = entry.registry_type
        for reason, count in result.dropped.items():
            self.metrics.dropped.labels(registry_type, reason.value).inc(count)
        if result.events:
            received = datetime.now(UTC)
            batch = [
                to_outgoing(entry.registry_id, registry_type, event, received)
                for event in result.events
            ]
            started = time.perf_counter()
            try:
                await self.publisher.publish_all(batch)
            except QueueUnavailable as exc:
                raise Rejection(503, "nats_unavailable", exc.reason) from None
            self.metrics.publish_seconds.observe(time.perf_counter() - started)
            for event in result.events:
                self.metrics.accepted.labels(registry_type, event.action.value).inc()
        response = result.response
        if isinstance(response, ConfirmSubscription):
            try:
                await self.keys.confirm_subscription(response.url)
            except FetchError as exc:
                raise Rejection(503, "subscription_confirmation_failed", exc.reason) from None
        dropped = sum(result.dropped.values())
        log.debug(
            "gateway.delivery_accepted",
            registry_id=entry.registry_id,
            registry_type=registry_type,
            events=len(result.events),
            dropped=dropped,
        )
        if isinstance(response, Reply):
            self.metrics.deliveries.labels(registry_type, str(response.status)).inc()
            return self._reply(response)
        self.metrics.deliveries.labels(registry_type, "200").inc()
        return web.Response(
            body=b'{"accepted":%d,"dropped":%d}' % (len(result.events), dropped),
            content_type=_JSON,
        )

    def _reply(self, reply: Reply) -> web.Response:
        response = web.Response(status=reply.status, body=reply.body or None)
        if reply.content_type:
            response.content_type = reply.content_type
        for name, value in reply.headers:
            response.headers[name] = value
        return response

    def _reject(
        self,
        raw_id: str,
        entry: RegistryEntry | None,
        rejection: Rejection,
        *,
        logged: bool = False,
    ) -> web.Response:
        registry_type = rejection.registry_type or (
            entry.registry_type if entry is not None else UNKNOWN_TYPE
        )
        status = str(rejection.status)
        self.metrics.rejected.labels(registry_type, status, rejection.reason).inc()
        self.metrics.deliveries.labels(registry_type, status).inc()
        if not logged:
            log_event = log.warning if rejection.status >= 500 else log.info
            log_event(
                "gateway.delivery_rejected",
                registry_id=raw_id[:64],
                registry_type=registry_type,
                status=rejection.status,
                reason=rejection.reason,
                detail=rejection.detail,
            )
        response = web.Response(
            status=rejection.status,
            body=json.dumps({"error": rejection.reason}).encode(),
            content_type=_JSON,
        )
        if rejection.status == 503:
            response.headers["Retry-After"] = self.retry_after
        return response

    # -- operations -----------------------------------------------------------------------

    async def healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(self, request: web.Request) -> web.Response:
        if self.publisher.ready:
            return web.Response(text="ready\n")
        state = "streams not declared" if self.publisher.connected else "NATS not connected"
        return web.Response(status=503, text=f"not ready: {state}\n")

    async def metrics_page(self, request: web.Request) -> web.Response:
        body, content_type = self.metrics.exposition()
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type
        return response
