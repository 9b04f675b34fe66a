"""Sender protocols through the running gateway: SNS signatures and subscription
confirmation, Pub/Sub OIDC tokens with Google's keys, Event Grid validation, the CloudEvents
OPTIONS handshake, HMAC and URL tokens.

AWS and Google cannot be reached from tests: an injected fetcher serves the test
certificate and JWKS (tests/unit/gateway/signing_keys.py) for the real AWS/Google URLs, and
records what the gateway fetched. Which URLs may be fetched is still decided by the
production code (SNS hosts only, Google's JWKS URL).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from gateway.auth.oidc import GOOGLE_JWKS_URL
from gateway.key_material import FetchError
from gateway.server import GatewayServer
from regsieve.v1 import catalog_pb2 as pb
from services.common.embedded import EmbeddedNats
from tests.integration.catalog.conftest import CatalogHandle
from tests.integration.gateway.conftest import (
    create_registry,
    gateway_config,
    running_gateway,
    stream_events,
)
from tests.unit.gateway import test_gateway_parsers as parser_tests
from tests.unit.gateway.signing_keys import (
    JWKS,
    OIDC_OTHER_KEY,
    SNS_CERT_URL,
    SNS_PEM,
    oidc_token,
    sign_sns,
)
from tests.unit.gateway.webhook_samples import sample

TOPIC = "arn:aws:sns:us-west-2:123456789012:MyTopic"
SNS_TEXT = "text/plain; charset=UTF-8"
AUDIENCE = "https://example.com"


class RecordingFetcher:
    """Answers GETs from a table of URL -> successive bodies; records every URL asked for."""

    def __init__(self, documents: dict[str, list[bytes]] | None = None) -> None:
        self.documents = documents or {}
        self.requested: list[str] = []

    async def get(self, url: str) -> bytes:
        self.requested.append(url)
        if url.startswith("https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription"):
            return b"<ConfirmSubscriptionResponse/>"
        bodies = self.documents.get(url)
        if not bodies:
            raise FetchError("status_404")
        return bodies.pop(0) if len(bodies) > 1 else bodies[0]


@pytest.fixture
def fetcher() -> RecordingFetcher:
    return RecordingFetcher(
        {
            SNS_CERT_URL: [SNS_PEM],
            # first only the second key, as if Google had not yet published the new one
            GOOGLE_JWKS_URL: [
                json.dumps({"keys": JWKS["keys"][1:]}).encode(),
                json.dumps(JWKS).encode(),
            ],
        }
    )


@pytest.fixture
async def gateway_with_fetcher(
    nats_server: EmbeddedNats, catalog: CatalogHandle, fetcher: RecordingFetcher
) -> AsyncIterator[GatewayServer]:
    config = gateway_config(nats_server.url, catalog.target)
    async with running_gateway(config, fetcher=fetcher) as server:
        yield server


async def post(
    http: aiohttp.ClientSession,
    server: GatewayServer,
    registry_id: str,
    body: bytes,
    headers: dict[str, str],
    query: str = "",
) -> tuple[int, Any]:
    url = f"{server.url}/v1/webhooks/{registry_id}{query}"
    async with http.post(url, data=body, headers=headers) as response:
        text = await response.read()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, text


def sns_body(name: str, **changes: Any) -> bytes:
    message = {**json.loads(sample(f"ecr/{name}")), **changes}
    return json.dumps(sign_sns(message)).encode()


async def test_sns_subscription_confirmation_and_signed_notifications(
    gateway_with_fetcher: GatewayServer,
    catalog: CatalogHandle,
    nats_server: EmbeddedNats,
    fetcher: RecordingFetcher,
    http: aiohttp.ClientSession,
) -> None:
    registry_id = await create_registry(
        catalog,
        "ecr",
        pb.REGISTRY_TYPE_ECR,
        url="https://123456789012.dkr.ecr.us-west-2.amazonaws.com",
        secret="",
        auth_mode=pb.WEBHOOK_AUTH_MODE_SNS_SIGNATURE,
        sns_topic_arn=TOPIC,
    )
    server = gateway_with_fetcher
    confirm = {"Content-Type": SNS_TEXT, "x-amz-sns-message-type": "SubscriptionConfirmation"}
    notify = {"Content-Type": SNS_TEXT, "x-amz-sns-message-type": "Notification"}
    confirmation = sns_body("sns_subscription_confirmation.json")
    status, _ = await post(http, server, registry_id, confirmation, confirm)
    subscribe_url = json.loads(confirmation)["SubscribeURL"]
    assert status == 200
    assert fetcher.requested == [SNS_CERT_URL, subscribe_url]

    push = sns_body("sns_notification_push.json", TopicArn=TOPIC)
    assert await post(http, server, registry_id, push, notify) == (
        200,
        {"accepted": 1, "dropped": 0},
    )
    assert fetcher.requested == [SNS_CERT_URL, subscribe_url]  # the certificate is cached
    [(_, event, _)] = await stream_events(nats_server.url)
    assert (event.repository, event.tag, event.registry_type) == (
        "my-repository-name",
        "latest",
        "ecr",
    )

    tampered = push.replace(b"my-repository-name", b"my-repository-evil")
    assert await post(http, server, registry_id, tampered, notify) == (
        401,
        {"error": "bad_signature"},
    )
    other_topic = sns_body("sns_notification_push.json", TopicArn=TOPIC + "-other")
    assert await post(http, server, registry_id, other_topic, notify) == (
        401,
        {"error": "wrong_topic"},
    )
    assert len(fetcher.requested) == 2  # refused before anything was fetched
    assert len(await stream_events(nats_server.url)) == 1


async def test_sns_certificate_that_cannot_be_fetched_is_503(
    nats_server: EmbeddedNats, catalog: CatalogHandle, http: aiohttp.ClientSession
) -> None:
    registry_id = await create_registry(
        catalog,
        "ecr",
        pb.REGISTRY_TYPE_ECR,
        url="https://123456789012.dkr.ecr.us-west-2.amazonaws.com",
        secret="",
        auth_mode=pb.WEBHOOK_AUTH_MODE_SNS_SIGNATURE,
        sns_topic_arn=TOPIC,
    )
    unreachable = RecordingFetcher()
    config = gateway_config(nats_server.url, catalog.target)
    async with running_gateway(config, fetcher=unreachable) as server:
        push = sns_body("sns_notification_push.json", TopicArn=TOPIC)
        headers = {"Content-Type": SNS_TEXT, "x-amz-sns-message-type": "Notification"}
        url = f"{server.url}/v1/webhooks/{registry_id}"
        async with http.post(url, data=push, headers=headers) as response:
            assert response.status == 503
            assert response.headers["Retry-After"] == "2"
            assert (await response.json())["error"] == "key_fetch_failed"
    assert unreachable.requested == [SNS_CERT_URL]


async def test_pubsub_oidc_token_with_google_key_rotation(
    gateway_with_fetcher: GatewayServer,
    catalog: CatalogHandle,
    nats_server: EmbeddedNats,
    fetcher: RecordingFetcher,
    http: aiohttp.ClientSession,
) -> None:
    registry_id = await create_registry(
        catalog,
        "gar",
        pb.REGISTRY_TYPE_GAR,
        url="https://us-docker.pkg.dev",
        secret="",
        oidc_audience=AUDIENCE,
    )
    server = gateway_with_fetcher
    now = int(time.time())
    body = sample("gar/pubsub_push_insert.json")

    def headers(token: str) -> dict[str, str]:
        return {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    with_old_key = oidc_token(key=OIDC_OTHER_KEY, kid="k2", iat=now - 10, exp=now + 3600)
    assert await post(http, server, registry_id, body, headers(with_old_key)) == (
        200,
        {"accepted": 1, "dropped": 0},
    )
    assert fetcher.requested == [GOOGLE_JWKS_URL]
    # Google rotated: a token signed with a key the cached JWKS lacks makes the gateway
    # refetch (no more than once per jwks_min_refresh, 0.3 s here)
    await asyncio.sleep(0.35)
    with_new_key = oidc_token(iat=now - 10, exp=now + 3600)
    assert await post(http, server, registry_id, body, headers(with_new_key)) == (
        200,
        {"accepted": 1, "dropped": 0},
    )
    assert fetcher.requested == [GOOGLE_JWKS_URL, GOOGLE_JWKS_URL]
    expired = oidc_token(iat=now - 7200, exp=now - 3600)
    assert await post(http, server, registry_id, body, headers(expired)) == (
        401,
        {"error": "token_expired"},
    )
    wrong_audience = oidc_token(iat=now, exp=now + 3600, aud="https://elsewhere.example")
    assert await post(http, server, registry_id, body, headers(wrong_audience)) == (
        401,
        {"error": "wrong_audience"},
    )
    unknown_key = oidc_token(iat=now, exp=now + 3600, kid="not-a-google-key")
    assert await post(http, server, registry_id, body, headers(unknown_key)) == (
        401,
        {"error": "unknown_key"},
    )
    # junk key ids do not make the gateway fetch Google's keys again and again
    assert fetcher.requested == [GOOGLE_JWKS_URL, GOOGLE_JWKS_URL]
    # both deliveries are the same Pub/Sub message: stored once
    [(_, event, _)] = await stream_events(nats_server.url)
    assert event.registry_type == "gar"


async def test_event_grid_validation_and_cloudevents_handshake(
    gateway_with_fetcher: GatewayServer, catalog: CatalogHandle, http: aiohttp.ClientSession
) -> None:
    secret = "Bearer acr-secret"
    registry_id = await create_registry(
        catalog, "acr", pb.REGISTRY_TYPE_ACR, url="https://r.azurecr.io", secret=secret
    )
    server = gateway_with_fetcher
    headers = {
        "Content-Type": "application/json",
        "aeg-event-type": "SubscriptionValidation",
        "Authorization": secret,
    }
    body = json.dumps(parser_tests.TestAcrEventGrid.VALIDATION).encode()
    assert await post(http, server, registry_id, body, headers) == (
        200,
        {"validationResponse": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6"},
    )

    url = f"{server.url}/v1/webhooks/{registry_id}"
    origin = {"WebHook-Request-Origin": "eventgrid.azure.net"}
    async with http.options(url, headers=origin) as response:
        assert response.status == 200
        assert response.headers["WebHook-Allowed-Origin"] == "eventgrid.azure.net"
    async with http.options(url) as response:
        assert response.status == 400
    async with http.options(f"{server.url}/v1/webhooks/{uuid.uuid4()}", headers=origin) as r:
        assert r.status == 404


async def test_hmac_signature_and_url_token(
    gateway_with_fetcher: GatewayServer,
    catalog: CatalogHandle,
    nats_server: EmbeddedNats,
    http: aiohttp.ClientSession,
) -> None:
    server = gateway_with_fetcher
    github_id = await create_registry(
        catalog, "ghcr", pb.REGISTRY_TYPE_GITHUB, url="https://ghcr.io", secret="gh-key"
    )
    body = sample("github/package_published_docker.json")
    signature = "sha256=" + hmac.new(b"gh-key", body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": "package",
        "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        "X-Hub-Signature-256": signature,
    }
    assert (await post(http, server, github_id, body, headers))[0] == 200
    one_byte_changed = body.replace(b"Codertocat", b"Codertocau", 1)
    assert await post(http, server, github_id, one_byte_changed, headers) == (
        401,
        {"error": "bad_signature"},
    )

    hub_id = await create_registry(
        catalog, "hub", pb.REGISTRY_TYPE_DOCKER_HUB, url="", secret="hub-token"
    )
    body = sample("dockerhub/push.json")
    json_type = {"Content-Type": "application/json"}
    assert (await post(http, server, hub_id, body, json_type, "?token=hub-token"))[0] == 200
    assert await post(http, server, hub_id, body, json_type, "?token=guess") == (
        401,
        {"error": "bad_credentials"},
    )
    types = Counter(event.registry_type for _, event, _ in await stream_events(nats_server.url))
    assert types == {"github": 1, "docker_hub": 1}
