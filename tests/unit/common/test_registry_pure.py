"""Pure parts of the registry client: challenges, manifests, configs, Docker Hub, Retry-After."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from services.catalog.domain import RegistrySpec, Scope, with_defaults
from services.common.registry.auth import TokenCache, parse_challenge
from services.common.registry.client import _retry_after
from services.common.registry.errors import ManifestInvalid, RegistryProtocolError
from services.common.registry.hub import hub_repository, parse_repository_page
from services.common.registry.manifest import (
    ImageIndex,
    ImageManifest,
    parse_config,
    parse_manifest,
    parse_time,
)

DIGEST = "sha256:" + "a" * 64


def test_bearer_challenge_with_quoted_commas() -> None:
    challenge = parse_challenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
        'scope="repository:library/nginx:pull,push"'
    )
    assert challenge is not None
    assert (challenge.scheme, challenge.realm, challenge.service, challenge.scope) == (
        "bearer",
        "https://auth.docker.io/token",
        "registry.docker.io",
        "repository:library/nginx:pull,push",
    )
    assert parse_challenge('Basic realm="Registry Realm"').scheme == "basic"  # type: ignore[union-attr]
    assert parse_challenge("") is None


def test_token_cache_refreshes_before_expiry() -> None:
    cache = TokenCache()
    cache.put("s", "t", expires_in=0.5)  # margin leaves at least one second: still valid now
    assert cache.get("s") == "t"
    cache.drop("s")
    assert cache.get("s") is None


def test_manifest_kinds_and_errors() -> None:
    manifest = {
        "schemaVersion": 2,
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": DIGEST,
            "size": 2,
        },
        "layers": [
            {
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": DIGEST,
                "size": 3,
            }
        ],
    }
    parsed = parse_manifest(json.dumps(manifest).encode())  # no mediaType: detected by shape
    assert isinstance(parsed, ImageManifest) and len(parsed.layers) == 1
    index = {
        "schemaVersion": 2,
        "manifests": [
            {
                "digest": DIGEST,
                "size": 1,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"},
            },
            {
                "digest": DIGEST,
                "size": 1,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "platform": {"os": "unknown", "architecture": "unknown"},
            },  # an attestation
        ],
    }
    parsed_index = parse_manifest(
        json.dumps(index).encode(), "application/vnd.oci.image.index.v1+json"
    )
    assert isinstance(parsed_index, ImageIndex)
    assert [str(d.platform) for d in parsed_index.image_manifests()] == ["linux/arm64/v8"]
    with pytest.raises(ManifestInvalid):
        parse_manifest(b'{"schemaVersion": 1, "fsLayers": []}')
    with pytest.raises(ManifestInvalid):
        parse_manifest(json.dumps({**manifest, "config": {"digest": "sha256:0123"}}).encode())
    with pytest.raises(ManifestInvalid):
        parse_manifest(b"not json")


def test_config_created_times() -> None:
    config = parse_config(
        b'{"created": "2024-05-01T10:11:12.123456789Z", "os": "linux",'
        b' "architecture": "amd64", "rootfs": {"diff_ids": ["x"]}}'
    )
    assert config.created == datetime(2024, 5, 1, 10, 11, 12, 123456, tzinfo=UTC)
    assert config.diff_ids == ("x",)
    assert parse_time("0001-01-01T00:00:00Z") is None  # Go's zero time
    assert parse_time("2024-05-01T12:00:00+02:00") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_time("yesterday") is None


def test_retry_after_seconds_and_dates() -> None:
    assert _retry_after({"Retry-After": "7"}) == 7.0
    assert _retry_after({}) is None
    assert _retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past


def test_docker_hub_names_and_pages() -> None:
    assert hub_repository("nginx") == "library/nginx"
    assert hub_repository("bitnami/redis") == "bitnami/redis"
    page = {
        "count": 3,
        "next": "https://hub.docker.com/v2/namespaces/bitnami/repositories?page=2&page_size=2",
        "results": [{"name": "redis", "namespace": "bitnami"}, {"name": "nginx"}, {"bad": 1}],
    }
    names, next_url = parse_repository_page(page, "bitnami")
    assert names == ["bitnami/redis", "bitnami/nginx"]
    assert next_url is not None and "page=2" in next_url
    assert parse_repository_page({"results": [], "next": None}, "x") == ([], None)
    with pytest.raises(RegistryProtocolError):
        parse_repository_page({"detail": "not found"}, "x")
    spec = with_defaults(
        RegistrySpec(
            name="hub", type="docker_hub", url="", scope=Scope(repositories=("nginx", "me/app"))
        )
    )
    assert spec.url == "https://registry-1.docker.io"
    assert spec.scope.repositories == ("library/nginx", "me/app")
