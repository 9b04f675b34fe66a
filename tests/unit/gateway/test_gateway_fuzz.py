"""Hostile input: random and mutated bodies and headers against every parser and against
authenticate(). A parser may only return a valid ParseResult or raise ParseError;
authenticate() may only return an AuthResult.

Mutations start from the real samples: byte flips, truncation, inserted bytes, JSON fields
replaced by values of other types, huge numbers and deep nesting, plus random headers.
Budget: FUZZ_EXAMPLES per parser (13 parsers) and AUTH_EXAMPLES for authenticate();
the default run takes a few seconds.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.auth import AuthMode, AuthReason, AuthResult, WebhookAuthSettings, authenticate
from gateway.auth.authenticate import key_material_url
from gateway.auth.sns import is_subscribe_url
from gateway.events import (
    ConfirmSubscription,
    DropReason,
    NormalisedEvent,
    ParseError,
    ParseResult,
    Reply,
    event_key,
)
from gateway.parsers import PARSERS, distribution
from tests.unit.gateway.signing_keys import JWKS, SNS_CERT, SNS_PEM, oidc_token, sign_sns
from tests.unit.gateway.webhook_samples import DATA, live_capture, sample

# A deeper run: REGSIEVE_FUZZ_EXAMPLES=5000 pytest tests/unit/gateway/test_gateway_fuzz.py
FUZZ_EXAMPLES = int(os.environ.get("REGSIEVE_FUZZ_EXAMPLES", "150"))
AUTH_EXAMPLES = 2 * FUZZ_EXAMPLES

FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SAMPLE_DIRECTORIES = {
    "distribution": ["distribution"],
    "gitlab": ["gitlab"],
    "docker_hub": ["dockerhub"],
    "harbor": ["harbor"],
    "quay": ["quay"],
    "acr": ["acr"],
    "ecr": ["ecr"],
    "gar": ["gar"],
    "artifactory": ["artifactory"],
    "github": ["github"],
    "nexus": ["nexus"],
    "gitea": ["gitea"],
    "aliyun": ["aliyun"],
}


def _samples(registry_type: str) -> list[bytes]:
    bodies = [
        path.read_bytes()
        for directory in SAMPLE_DIRECTORIES[registry_type]
        for path in sorted((DATA / directory).glob("*.json"))
    ]
    if registry_type in ("distribution", "gitlab"):
        live = DATA / "distribution-live"
        bodies += [live_capture(p.name)[1] for p in sorted(live.glob("*.json"))]
    return bodies


SAMPLES = {registry_type: _samples(registry_type) for registry_type in PARSERS}
ALL_SAMPLES = [body for bodies in SAMPLES.values() for body in bodies]

HUGE = "__HUGE_NUMBER__"
DEEP = "__DEEP_NESTING__"

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "", "push", "pull", "delete", "PUSH_ARTIFACT", "INSERT", "sha256:" + "a" * 64,
            "sha256:xxxx", "Notification", "SubscriptionConfirmation", "docker", "container",
            "Microsoft.ContainerRegistry.ImagePushed", "ECR Image Action", "a/b", "A B/c",
            "2025-01-15T10:21:33.123456789Z", "0001-01-01T00:00:00Z", "\ud800", HUGE, DEEP,
        ]
    ),
)  # fmt: skip
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _replace(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return document


def _dump(document: Any, huge_digits: int, depth: int) -> bytes:
    text = json.dumps(document, ensure_ascii=False)
    text = text.replace(json.dumps(HUGE), "9" * huge_digits)
    text = text.replace(json.dumps(DEEP), "[" * depth + "]" * depth)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def mutated_json(draw: st.DrawFn, bodies: list[bytes]) -> bytes:
    document = json.loads(draw(st.sampled_from(bodies)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(document)
        path = draw(st.sampled_from(paths))
        if draw(st.booleans()) and path:
            document = _replace(document, path, draw(json_values))
        elif isinstance(document, dict) and path and draw(st.booleans()):
            parent = document
            for step in path[:-1]:
                parent = parent[step]
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
        else:
            document = _replace(document, path, draw(st.sampled_from([HUGE, DEEP, [], {}, None])))
    huge = draw(st.sampled_from([20, 4301, 10_000]))
    depth = draw(st.sampled_from([5, 900, 5_000, 60_000]))
    return _dump(document, huge, depth)


@st.composite
def mutated_bytes(draw: st.DrawFn, bodies: list[bytes]) -> bytes:
    body = bytearray(draw(st.sampled_from(bodies)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if not body:
            break
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete"]))
        index = draw(st.integers(min_value=0, max_value=len(body) - 1))
        if kind == "flip":
            body[index] ^= 1 << draw(st.integers(min_value=0, max_value=7))
        elif kind == "truncate":
            del body[index:]
        elif kind == "insert":
            body[index:index] = draw(st.binary(min_size=1, max_size=8))
        else:
            del body[index : index + draw(st.integers(min_value=1, max_value=16))]
    return bytes(body)


HEADER_NAMES = [
    "Content-Type", "content-type", "X-GitHub-Event", "X-GitHub-Delivery", "x-amz-sns-message-type",
    "aeg-event-type", "X-Nexus-Webhook-Id", "X-Nexus-Webhook-Delivery", "X-Gitea-Event",
    "X-Gitea-Delivery", "x-goog-pubsub-message-id", "x-goog-pubsub-publish-time", "Authorization",
]  # fmt: skip
HEADER_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "application/json", "text/plain; charset=UTF-8", "application/cloudevents+json",
            "application/cloudevents-batch+json", "application/x-www-form-urlencoded",
            "application/vnd.docker.distribution.events.v1+json", "text/html",
            "multipart/form-data", "package", "registry_package", "ping", "push", "Notification",
            "SubscriptionConfirmation",
            "UnsubscribeConfirmation", "SubscriptionValidation", "rm:repository:component",
            "rm:repository:asset", "2025-01-15T10:21:34.512Z", "not a time", "\udcff",
        ]
    ),
)  # fmt: skip
headers_strategy = st.dictionaries(
    st.sampled_from(HEADER_NAMES) | st.text(max_size=12), HEADER_VALUES, max_size=6
)


def bodies_for(registry_type: str) -> st.SearchStrategy[bytes]:
    own = SAMPLES[registry_type]
    return st.one_of(
        st.binary(max_size=300),
        st.sampled_from(ALL_SAMPLES),
        mutated_bytes(own),
        mutated_json(own),
        mutated_json(ALL_SAMPLES),
    )


def assert_valid(result: object) -> None:
    assert isinstance(result, ParseResult)
    for event in result.events:
        assert isinstance(event, NormalisedEvent)
        assert len(event_key("registry", event)) == 64
    for reason, count in result.dropped.items():
        assert isinstance(reason, DropReason) and count > 0
    if isinstance(result.response, ConfirmSubscription):
        assert is_subscribe_url(result.response.url)
    else:
        assert result.response is None or isinstance(result.response, Reply)


@pytest.mark.parametrize("registry_type", sorted(PARSERS))
def test_parser_survives_hostile_input(registry_type: str) -> None:
    parser = PARSERS[registry_type]

    @FUZZ
    @given(headers=headers_strategy, body=bodies_for(registry_type))
    def run(headers: dict[str, str], body: bytes) -> None:
        try:
            result = parser(headers, body)
        except ParseError as error:
            assert error.status in (400, 415)
            return
        assert_valid(result)
        if registry_type == "distribution" and distribution._is_single_pull(body):
            # The pull pre-check may only ever save work: the full parse publishes nothing.
            with contextlib.suppress(ParseError):
                assert distribution.parse_envelope(body).events == ()

    run()


def _signed_sns_body() -> bytes:
    return json.dumps(sign_sns(json.loads(sample("ecr/sns_notification_push.json")))).encode()


AUTH_BODIES = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([*ALL_SAMPLES[:10], _signed_sns_body()]),
    mutated_bytes([_signed_sns_body()]),
    mutated_json([_signed_sns_body()]),
)
KEY_MATERIAL = st.one_of(
    st.none(),
    st.binary(max_size=64),
    st.just(SNS_PEM),
    st.just(SNS_CERT),
    st.just(JWKS),
    st.dictionaries(st.text(max_size=5), json_values, max_size=3),
    st.builds(lambda keys: {"keys": keys}, st.lists(json_values, max_size=3)),
)
AUTH_HEADERS = st.one_of(
    headers_strategy,
    st.builds(
        lambda t: {"Authorization": f"Bearer {t}"}, st.sampled_from([oidc_token(), "a.b.c", ""])
    ),
    st.builds(
        lambda b: {"Authorization": "Basic " + base64.b64encode(b).decode()}, st.binary(max_size=20)
    ),
)
AUTH_SETTINGS = st.builds(
    WebhookAuthSettings,
    mode=st.sampled_from(list(AuthMode)),
    header_name=st.sampled_from(["", "Authorization", "X-Hub-Signature-256", "X-Gitea-Signature"]),
    secret=st.text(max_size=12),
    hmac_algorithm=st.sampled_from(["sha256", "sha1", "sha512", "md5", "", "SHA256"]),
    oidc_audience=st.sampled_from(["", "https://example.com"]) | st.text(max_size=8),
    oidc_email=st.sampled_from(["", "gae-gcp@appspot.gserviceaccount.com"]),
    sns_topic_arn=st.sampled_from(["", "arn:aws:sns:us-west-2:123456789012:ecr-image-events"]),
)


@settings(
    max_examples=AUTH_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    auth=AUTH_SETTINGS,
    headers=AUTH_HEADERS,
    body=AUTH_BODIES,
    query=st.dictionaries(st.sampled_from(["token", "x"]), st.text(max_size=8), max_size=2),
    key_material=KEY_MATERIAL,
)
def test_authenticate_survives_hostile_input(
    auth: WebhookAuthSettings,
    headers: dict[str, str],
    body: bytes,
    query: dict[str, str],
    key_material: Any,
) -> None:
    result = authenticate(auth, headers, body, query, key_material)
    assert isinstance(result, AuthResult) and isinstance(result.reason, AuthReason)
    if result.ok:
        assert result.reason in (AuthReason.OK, AuthReason.AUTH_DISABLED)
    url = key_material_url(auth, headers, body)
    assert url is None or url.startswith("https://")
