"""Builds registry clients and repository listers from stored registry settings."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

from services.catalog.domain import RegistrySpec
from services.common.registry.auth import RegistryCredentials
from services.common.registry.client import ClientOptions, RegistryClient
from services.common.registry.hub import DockerHubLister
from services.common.secrets import SecretBox


def decrypt_credentials(box: SecretBox, username: str, secret: bytes | None) -> RegistryCredentials:
    if secret is None:
        return RegistryCredentials(username=username)
    data = json.loads(box.decrypt(secret))
    return RegistryCredentials(
        username=username, password=data.get("password", ""), token=data.get("token", "")
    )


def encrypt_credentials(box: SecretBox, password: str, token: str) -> bytes | None:
    if not (password or token):
        return None
    return box.encrypt(json.dumps({"password": password, "token": token}))


def client_for(spec: RegistrySpec, credentials: RegistryCredentials, label: str) -> RegistryClient:
    options = ClientOptions(
        max_concurrency=spec.limits.max_concurrency or 16,
        max_requests_per_second=spec.limits.max_requests_per_second,
        request_timeout=spec.limits.request_timeout_seconds or 30.0,
        ca_bundle_pem=spec.tls.ca_bundle_pem,
        insecure_skip_verify=spec.tls.insecure_skip_verify,
    )
    return RegistryClient(spec.url, credentials, options, label=label)


def repository_lister(
    spec: RegistrySpec, credentials: RegistryCredentials
) -> Callable[[], AsyncIterator[list[str]]] | None:
    """Docker Hub lists namespaces through the Hub API; others use `_catalog` (None)."""
    if spec.type == "docker_hub":
        namespaces = list(spec.scope.namespaces) or (
            [credentials.username] if credentials.username else ["library"]
        )
        return DockerHubLister(namespaces, credentials).pages
    return None
