"""Registry management: validation, secrets encryption, connection tests, image resolution."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from services.catalog.access import client_for, decrypt_credentials, encrypt_credentials
from services.catalog.domain import (
    ManifestFacts,
    RegistrySpec,
    StoredRegistry,
    normalise_url,
    validate_spec,
    with_defaults,
)
from services.catalog.resolver import ManifestResolver
from services.catalog.store import CatalogStore, ImageRow
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, Unavailable
from services.common.registry.auth import RegistryCredentials
from services.common.registry.client import RegistryClient
from services.common.registry.errors import (
    RegistryAuthError,
    RegistryError,
    RegistryNotFound,
    RegistryProtocolError,
    RegistryUnreachable,
)
from services.common.registry.hub import DockerHubLister
from services.common.registry.manifest import is_digest
from services.common.secrets import SecretBox


@dataclass(frozen=True)
class TestOutcome:
    ok: bool
    stage: str  # OK, CONNECT, API, AUTH, CATALOG
    message: str
    latency_ms: float = 0.0
    auth_scheme: str = ""
    sample_repositories: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegistryAccess:
    registry: StoredRegistry
    credentials: RegistryCredentials
    webhook_secret: str


class Registries:
    """Application logic over the store; the servicer only converts protobuf."""

    def __init__(self, store: CatalogStore, box: SecretBox, *, allow_plain_http: bool) -> None:
        self.store = store
        self.box = box
        self.allow_plain_http = allow_plain_http
        # clients for ResolveImage, one per registry and settings version: the dispatcher
        # resolves every pushed image, so connections and tokens are kept between calls
        self._clients: dict[str, tuple[datetime, RegistryClient]] = {}
        self._retired: list[RegistryClient] = []

    def _client(self, access: RegistryAccess) -> RegistryClient:
        registry = access.registry
        cached = self._clients.get(registry.id)
        if cached is not None and cached[0] == registry.updated_at:
            return cached[1]
        if cached is not None:
            # a call may still be using it; settings change rarely, so close it at stop
            self._retired.append(cached[1])
        client = client_for(registry.spec, access.credentials, label=registry.spec.name)
        self._clients[registry.id] = (registry.updated_at, client)
        return client

    async def close(self) -> None:
        for client in [*(c for _, c in self._clients.values()), *self._retired]:
            await client.close()
        self._clients.clear()
        self._retired.clear()

    def _validated(self, spec: RegistrySpec) -> RegistrySpec:
        spec = replace(spec, url=normalise_url(spec.type, spec.url))
        problems = validate_spec(spec, allow_plain_http=self.allow_plain_http)
        if problems:
            raise InvalidArgument(violations=problems)
        return with_defaults(spec)

    async def create(
        self, spec: RegistrySpec, credentials: RegistryCredentials, webhook_secret: str
    ) -> StoredRegistry:
        spec = self._validated(spec)
        return await self.store.create_registry(
            spec,
            credentials.username,
            encrypt_credentials(self.box, credentials.password, credentials.token),
            self.box.encrypt(webhook_secret) if webhook_secret else None,
        )

    async def update(
        self,
        registry_id: str,
        spec: RegistrySpec,
        credentials: RegistryCredentials | None,
        webhook_secret: str | None,
    ) -> StoredRegistry:
        """`credentials`/`webhook_secret` None keep the stored ones; empty values clear them."""
        spec = self._validated(spec)
        stored_credentials = None
        if credentials is not None:
            stored_credentials = (
                credentials.username,
                encrypt_credentials(self.box, credentials.password, credentials.token),
            )
        secret: bytes | bool | None = False
        if webhook_secret is not None:
            secret = self.box.encrypt(webhook_secret) if webhook_secret else None
        return await self.store.update_registry(
            registry_id, spec, credentials=stored_credentials, webhook_secret=secret
        )

    async def access(self, registry_id: str) -> RegistryAccess:
        registry = await self.store.get_registry(registry_id)
        credentials_secret, webhook_secret = await self.store.get_registry_secrets(registry_id)
        try:
            credentials = decrypt_credentials(
                self.box, registry.credentials_username, credentials_secret
            )
            secret = self.box.decrypt(webhook_secret) if webhook_secret else ""
        except ValueError as exc:
            raise FailedPrecondition(str(exc), reason="SECRET_UNREADABLE") from None
        return RegistryAccess(registry, credentials, secret)

    # -- TestRegistry ----------------------------------------------------------------

    async def test(self, spec: RegistrySpec, credentials: RegistryCredentials) -> TestOutcome:
        spec = self._validated(spec)
        client = client_for(
            replace(spec, limits=replace(spec.limits, request_timeout_seconds=10.0)),
            credentials,
            label=f"test:{spec.name}",
        )
        client.options = replace(client.options, max_attempts=2, backoff_base=0.1)
        try:
            started = time.perf_counter()
            try:
                ping = await client.ping()
            except RegistryUnreachable as exc:
                return TestOutcome(False, "CONNECT", f"cannot reach {spec.url}: {exc.message}")
            except RegistryAuthError as exc:
                return TestOutcome(False, "AUTH", _auth_advice(exc, credentials))
            except RegistryError as exc:
                return TestOutcome(
                    False, "API", f"{spec.url} does not answer like an OCI registry: {exc.message}"
                )
            latency = (time.perf_counter() - started) * 1000
            try:
                sample = await self._sample_repositories(spec, client, credentials)
            except RegistryAuthError as exc:
                return TestOutcome(
                    False,
                    "AUTH" if exc.status == 401 else "CATALOG",
                    _auth_advice(exc, credentials)
                    if exc.status == 401
                    else f"listing repositories was refused: {exc.message}. Grant catalog "
                    "access or list the repositories in scope.repositories",
                    latency,
                    ping.auth_scheme,
                )
            except RegistryError as exc:
                return TestOutcome(
                    False,
                    "CATALOG",
                    f"listing repositories failed: {exc.message}",
                    latency,
                    ping.auth_scheme,
                )
            # the scheme may only be learnt on the first listing, after the ping
            return TestOutcome(
                True, "OK", "reachable and authorised", latency, client.auth_scheme, sample
            )
        finally:
            await client.close()

    async def _sample_repositories(
        self, spec: RegistrySpec, client: RegistryClient, credentials: RegistryCredentials
    ) -> tuple[str, ...]:
        if spec.scope.repositories:
            first = spec.scope.repositories[0]
            await client.list_tags(first, page_size=10)
            return tuple(spec.scope.repositories[:10])
        if spec.type == "docker_hub":
            lister = DockerHubLister(list(spec.scope.namespaces) or ["library"], credentials)
            async for page in lister.pages():
                return tuple(page[:10])
            return ()
        async for page in client.list_repositories(page_size=10):
            return tuple(page[:10])
        return ()

    # -- ResolveImage / RemoveImage -------------------------------------------------

    async def resolve_image(
        self, registry_id: str, repository: str, tag: str, digest: str
    ) -> ImageRow:
        if not repository:
            raise InvalidArgument.field("repository", "is required")
        if not tag and not digest:
            raise InvalidArgument.field("tag", "a tag or a digest is required")
        if digest and not is_digest(digest):
            raise InvalidArgument.field("digest", "must be sha256:<64 hex> or sha512:<128 hex>")
        access = await self.access(registry_id)
        spec = access.registry.spec
        if not spec.enabled:
            raise FailedPrecondition(f"registry {spec.name!r} is disabled")
        client = self._client(access)
        now = datetime.now(UTC)
        try:
            resolver = ManifestResolver(client, lookup=self.store.get_manifest)
            if tag:
                fetched = await client.get_manifest(repository, tag)
                facts = await resolver.resolve(repository, fetched.digest, fetched)
            else:
                facts = await resolver.resolve(repository, digest)
        except RegistryNotFound as exc:
            raise NotFound(
                f"{repository}:{tag or digest} not found in the registry: {exc.message}"
            ) from None
        except RegistryAuthError as exc:
            raise FailedPrecondition(
                f"registry refused access: {exc.message}", reason="UNAUTHORIZED"
            ) from None
        except RegistryUnreachable as exc:
            raise Unavailable(f"registry unreachable: {exc.message}") from None
        except RegistryProtocolError as exc:
            raise FailedPrecondition(f"registry error: {exc.message}", reason=exc.code) from None
        except RegistryError as exc:
            raise FailedPrecondition(exc.message, reason=exc.code) from None
        await self.store.upsert_manifests(resolver.take_fresh())
        await self.store.upsert_repositories(registry_id, [repository], now)
        if tag:
            await self.store.upsert_tags(registry_id, [(repository, tag, facts)], now)
            row = await self.store.get_image(registry_id, repository, tag)
            if row is not None:
                return row
        return _untagged(registry_id, repository, facts, now)

    async def remove_image(self, registry_id: str, repository: str, tag: str, digest: str) -> int:
        if not repository:
            raise InvalidArgument.field("repository", "is required")
        if not tag and not digest:
            raise InvalidArgument.field("tag", "a tag or a digest is required")
        if not await self.store.registry_exists(registry_id):
            raise NotFound(f"registry {registry_id!r} not found")
        now = datetime.now(UTC)
        if tag:
            return await self.store.mark_tags_removed(registry_id, [(repository, tag)], now)
        return await self.store.remove_by_digest(registry_id, repository, digest, now)


def _untagged(registry_id: str, repository: str, facts: ManifestFacts, now: datetime) -> ImageRow:
    return ImageRow(
        registry_id=registry_id,
        repository=repository,
        tag="",
        digest=facts.digest,
        media_type=facts.media_type,
        config_digest=facts.config_digest,
        created=facts.created,
        platforms=facts.platforms,
        first_seen=now,
        last_seen=now,
        digest_changed_at=now,
        removed_at=None,
    )


def _auth_advice(exc: RegistryAuthError, credentials: RegistryCredentials) -> str:
    if credentials.empty:
        return f"the registry requires credentials and none are set ({exc.message})"
    return (
        f"the registry refused the credentials for user {credentials.username!r}: {exc.message}. "
        "Check the username and password/token, and that the account may pull"
    )
