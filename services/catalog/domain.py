"""Catalog domain: registry settings, their validation, and inventory records (pure, no I/O)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import re2

from services.common.registry.hub import hub_repository

REGISTRY_TYPES = (
    "distribution",
    "docker_hub",
    "harbor",
    "quay",
    "acr",
    "ecr",
    "gar",
    "artifactory",
    "github",
    "gitlab",
    "nexus",
    "gitea",
    "aliyun",
)
WEBHOOK_AUTH_MODES = (
    "",
    "none",
    "hmac",
    "static_header",
    "basic",
    "url_token",
    "sns_signature",
    "oidc",
)
DOCKER_HUB_REGISTRY = "https://registry-1.docker.io"
_DOCKER_HUB_HOSTS = {"docker.io", "index.docker.io", "hub.docker.com", "registry-1.docker.io"}
# Distribution's repository name grammar (path components separated by '/').
REPOSITORY_RE = re.compile(
    r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$"
)
TAG_RE = re.compile(r"^[\w][\w.-]{0,127}$")
NAME_MAX = 128
MAX_CONCURRENCY = 256


@dataclass(frozen=True)
class Limits:
    max_concurrency: int = 16
    max_requests_per_second: float = 0.0
    request_timeout_seconds: float = 30.0


@dataclass(frozen=True)
class Tls:
    ca_bundle_pem: str = ""
    insecure_skip_verify: bool = False


@dataclass(frozen=True)
class Scope:
    repositories: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()
    repository_prefixes: tuple[str, ...] = ()

    def admits(self, repository: str) -> bool:
        return not self.repository_prefixes or repository.startswith(self.repository_prefixes)


@dataclass(frozen=True)
class Webhook:
    auth_mode: str = ""
    header_name: str = ""
    oidc_audience: str = ""
    oidc_email: str = ""
    hmac_algorithm: str = ""
    sns_topic_arn: str = ""


@dataclass(frozen=True)
class RegistrySpec:
    """The writable settings of a registry."""

    name: str
    type: str
    url: str
    enabled: bool = True
    limits: Limits = field(default_factory=Limits)
    tls: Tls = field(default_factory=Tls)
    scope: Scope = field(default_factory=Scope)
    webhook: Webhook = field(default_factory=Webhook)
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredRegistry:
    """A registry as stored, without decrypted secrets."""

    id: str
    spec: RegistrySpec
    credentials_username: str
    has_credentials_secret: bool
    has_webhook_secret: bool
    last_sync_id: str
    created_at: datetime
    updated_at: datetime


def limits_with_defaults(limits: Limits) -> Limits:
    defaults = Limits()
    return Limits(
        max_concurrency=limits.max_concurrency or defaults.max_concurrency,
        max_requests_per_second=limits.max_requests_per_second,
        request_timeout_seconds=limits.request_timeout_seconds or defaults.request_timeout_seconds,
    )


def normalise_url(registry_type: str, url: str) -> str:
    """Strips trailing slashes; Docker Hub's aliases all mean its registry endpoint."""
    url = url.strip().rstrip("/")
    if registry_type == "docker_hub" and (not url or urlsplit(url).hostname in _DOCKER_HUB_HOSTS):
        return DOCKER_HUB_REGISTRY
    return url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_spec(spec: RegistrySpec, *, allow_plain_http: bool = False) -> list[tuple[str, str]]:
    """Field violations of a registry spec (empty when valid); field paths as in the proto."""
    problems: list[tuple[str, str]] = []
    if not spec.name.strip():
        problems.append(("registry.name", "is required"))
    elif len(spec.name) > NAME_MAX:
        problems.append(("registry.name", f"must be at most {NAME_MAX} characters"))
    if spec.type not in REGISTRY_TYPES:
        problems.append(
            ("registry.type", f"must be one of {', '.join(REGISTRY_TYPES)} (got {spec.type!r})")
        )
    problems.extend(_url_problems(spec.url, allow_plain_http))
    limits = spec.limits
    if not 0 <= limits.max_concurrency <= MAX_CONCURRENCY:
        problems.append(("registry.limits.max_concurrency", f"must be 0-{MAX_CONCURRENCY}"))
    if limits.max_requests_per_second < 0:
        problems.append(("registry.limits.max_requests_per_second", "must not be negative"))
    if not 0 <= limits.request_timeout_seconds <= 600:
        problems.append(("registry.limits.request_timeout_seconds", "must be 0-600"))
    for i, repository in enumerate(spec.scope.repositories):
        if not REPOSITORY_RE.match(repository):
            problems.append((f"registry.scope.repositories[{i}]", "is not a valid repository name"))
    for i, namespace in enumerate(spec.scope.namespaces):
        if not REPOSITORY_RE.match(namespace) or "/" in namespace:
            problems.append((f"registry.scope.namespaces[{i}]", "is not a valid namespace"))
    if spec.scope.namespaces and spec.type != "docker_hub":
        problems.append(("registry.scope.namespaces", "only Docker Hub registries have namespaces"))
    if spec.webhook.auth_mode not in WEBHOOK_AUTH_MODES:
        problems.append(("registry.webhook.auth_mode", f"unknown mode {spec.webhook.auth_mode!r}"))
    if spec.webhook.hmac_algorithm not in ("", "sha256", "sha1", "sha512"):
        problems.append(("registry.webhook.hmac_algorithm", "must be sha256, sha1 or sha512"))
    if spec.tls.ca_bundle_pem and "BEGIN CERTIFICATE" not in spec.tls.ca_bundle_pem:
        problems.append(("registry.tls.ca_bundle_pem", "is not a PEM certificate bundle"))
    return problems


def _url_problems(url: str, allow_plain_http: bool) -> list[tuple[str, str]]:
    if not url:
        return [("registry.url", "is required")]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [("registry.url", "must be https://host[:port] (or http:// for a loopback host)")]
    try:
        _ = parts.port
    except ValueError:
        return [("registry.url", "has an invalid port")]
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return [("registry.url", "must not have a path, query or fragment")]
    if parts.username or parts.password:
        return [("registry.url", "must not carry credentials; use the credentials field")]
    if parts.scheme == "http" and not (allow_plain_http or _is_loopback(parts.hostname)):
        return [
            (
                "registry.url",
                "plain http is only allowed for loopback hosts "
                "(set REGSIEVE_ALLOW_PLAIN_HTTP=true for development registries)",
            )
        ]
    return []


def validate_ref_filter(pattern: str, field_name: str) -> list[tuple[str, str]]:
    if not pattern:
        return []
    if len(pattern) > 64 * 1024:
        return [(field_name, "is longer than 64 KiB")]
    try:
        re2.compile(pattern)
    except re2.error as exc:
        return [(field_name, f"is not a valid RE2 expression: {exc}")]
    return []


def spec_part_from_json(kind: type[Any], data: dict[str, Any]) -> Any:
    known = {k: v for k, v in (data or {}).items() if k in kind.__dataclass_fields__}
    for key, value in known.items():
        if isinstance(value, list):
            known[key] = tuple(value)
    return kind(**known)


def with_defaults(spec: RegistrySpec) -> RegistrySpec:
    scope = spec.scope
    if spec.type == "docker_hub":
        # `nginx` on Docker Hub is the official image `library/nginx`
        scope = replace(scope, repositories=tuple(hub_repository(r) for r in scope.repositories))
    return replace(
        spec,
        url=normalise_url(spec.type, spec.url),
        limits=limits_with_defaults(spec.limits),
        scope=scope,
    )


# -- inventory --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlatformEntry:
    """One platform of an image: its own manifest and config."""

    os: str
    architecture: str
    variant: str
    digest: str
    media_type: str
    config_digest: str
    created: datetime | None


@dataclass(frozen=True, slots=True)
class ManifestFacts:
    """What a manifest digest resolves to; immutable, so stored once and never refetched."""

    digest: str
    media_type: str
    config_digest: str
    created: datetime | None
    platforms: tuple[PlatformEntry, ...]


def index_created(platforms: tuple[PlatformEntry, ...]) -> datetime | None:
    """An index's creation time: the newest of its platforms'."""
    times = [p.created for p in platforms if p.created is not None]
    return max(times) if times else None


@dataclass(frozen=True, slots=True)
class TagState:
    digest: str
    removed: bool


@dataclass
class SyncCounters:
    """Live progress of one sync (mutable; flushed to the store about once a second)."""

    repositories_total: int = 0
    repositories_done: int = 0
    tags_seen: int = 0
    tags_new: int = 0
    tags_changed: int = 0
    tags_unchanged: int = 0
    tags_removed: int = 0
    tags_filtered: int = 0
    manifests_fetched: int = 0
    configs_fetched: int = 0
    requests: int = 0
    tags_per_second: float = 0.0
    errors: dict[str, list[Any]] = field(default_factory=dict)  # reason -> [count, example]

    def error(self, reason: str, example: str) -> None:
        entry = self.errors.setdefault(reason, [0, example])
        entry[0] += 1

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SyncCounters:
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)
