"""Live docker-registry 2.8.2 captures (tests/data/webhooks/distribution-live): every POST of
every scenario, with the exact headers and body the registry sent.

Expected values were read off the captures (their `body` and `description` fields).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from gateway.events import Action, NormalisedEvent, ParseResult, event_key
from gateway.parsers import PARSERS
from gateway.parsers.distribution import parse
from tests.unit.gateway.webhook_samples import DATA, live_capture, sequence

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json"
DEBIAN_OCI = "sha256:60e8abfe03a2c31c60d21605d58b8fb01bc8fd8a8dfefadcc6965c3e1e68ad7d"
DEBIAN_V2S2 = "sha256:18d1bfdde01581f17f3156f23dff2bcb3b23b6e0ae82665b6398a43ba17b363c"
CONFIG_BLOB = "sha256:3cddc2cb24e0f9c449f21f613172802f124f89fd8fd51de54b23df754411e8e4"


def at(second: int, micro: int, minute: int = 54) -> datetime:
    return datetime(2026, 11, 27, 18, minute, second, micro, tzinfo=UTC)


def pushed(
    repo: str, tag: str, digest: str, media: str, time: datetime, sid: str
) -> NormalisedEvent:
    return NormalisedEvent(
        Action.PUSHED, repo, tag=tag, digest=digest, media_type=media, time=time,
        sender_event_id=sid,
    )  # fmt: skip


PUSH_OCI = pushed(
    "demo/debian", "12", DEBIAN_OCI, OCI_MANIFEST, at(43, 438788),
    "5fb0925f-5ac6-46af-87f0-a39f274e6189",
)  # fmt: skip
PUSH_OCI_NOREFS = pushed(
    "demo/debian", "12", DEBIAN_OCI, OCI_MANIFEST, at(12, 448784, minute=55),
    "441aeeda-fd76-40a5-9946-b3dcad75da5d",
)  # fmt: skip
PUSH_V2S2 = pushed(
    "demo/debian-v2s2", "12", DEBIAN_V2S2, DOCKER_V2, at(45, 380499),
    "e1a089a3-0819-4a00-ada4-8fd4806c64cc",
)  # fmt: skip
PUSH_V2S2_NOREFS = pushed(
    "demo/debian-v2s2", "12", DEBIAN_V2S2, DOCKER_V2, at(14, 6431, minute=55),
    "e6f47fe5-dd8b-4e80-96b1-180def59ba64",
)  # fmt: skip
PUSH_RETAG = pushed(
    "demo/debian", "latest", DEBIAN_OCI, OCI_MANIFEST, at(49, 897181),
    "cc824443-7566-4f7d-a3e4-32b64e08344e",
)  # fmt: skip
PUSH_CROSS_REPO = pushed(
    "other/debian", "12", DEBIAN_OCI, OCI_MANIFEST, at(47, 509173),
    "dd358ff9-64aa-4d03-b311-5da8fb91a5d3",
)  # fmt: skip
PUSH_RETRY = pushed(
    "demo/retry", "12", DEBIAN_OCI, OCI_MANIFEST, at(22, 317774, minute=55),
    "4091492b-dad5-4bae-8299-bb8ab81788b4",
)  # fmt: skip
DELETE_MANIFEST = NormalisedEvent(
    Action.DELETED, "demo/debian", digest=DEBIAN_OCI, time=at(59, 933275),
    sender_event_id="610a3af6-3ec2-4722-9944-e71c8af40648",
)  # fmt: skip
DELETE_TAG_LATEST = NormalisedEvent(
    Action.DELETED, "demo/debian", tag="latest", time=at(59, 935666),
    sender_event_id="a3f75f31-2ff5-45c7-89b5-28fadb106e40",
)  # fmt: skip
DELETE_TAG_12 = NormalisedEvent(
    Action.DELETED, "demo/debian", tag="12", time=at(59, 937491),
    sender_event_id="bdb2c954-a359-4986-ad82-0f912df1f3a2",
)  # fmt: skip
# A blob delete has the manifest-delete shape; it is published (it names nothing in Catalog).
DELETE_BLOB = NormalisedEvent(
    Action.DELETED, "other/debian", digest=CONFIG_BLOB, time=at(1, 875907, minute=55),
    sender_event_id="a92b3bfc-f7ac-4037-807e-909b59212db8",
)  # fmt: skip

SINGLE: dict[str, tuple[list[NormalisedEvent], dict[str, int]]] = {
    "blob-delete.json": ([DELETE_BLOB], {}),
    "blob-mount.json": ([], {"mount": 1}),
    "blob-pull-get.json": ([], {"pull": 1}),
    "blob-push-config.json": ([], {"blob": 1}),
    "blob-push-layer.json": ([], {"blob": 1}),
    "manifest-delete.json": ([DELETE_MANIFEST], {}),
    "manifest-delete-tag-latest.json": ([DELETE_TAG_LATEST], {}),
    "manifest-delete-tag-12.json": ([DELETE_TAG_12], {}),
    "manifest-pull-get.json": ([], {"pull": 1}),
    "manifest-pull-head.json": ([], {"pull": 1}),
    "manifest-push-oci.json": ([PUSH_OCI], {}),
    "manifest-push-oci-norefs.json": ([PUSH_OCI_NOREFS], {}),
    "manifest-push-docker-v2s2.json": ([PUSH_V2S2], {}),
    "manifest-push-docker-v2s2-norefs.json": ([PUSH_V2S2_NOREFS], {}),
    "manifest-push-retag.json": ([PUSH_RETAG], {}),
}

SEQUENCES: dict[str, tuple[list[NormalisedEvent], dict[str, int]]] = {
    "norefs/oci-push": ([PUSH_OCI_NOREFS], {"blob": 2}),
    "norefs/docker-v2s2-push": ([PUSH_V2S2_NOREFS], {"pull": 1, "mount": 1, "blob": 1}),
    "refs/oci-push": ([PUSH_OCI], {"blob": 2}),
    "refs/docker-v2s2-push": ([PUSH_V2S2], {"pull": 1, "mount": 1, "blob": 1}),
    "refs/retag-push": ([PUSH_RETAG], {"pull": 4}),
    "refs/cross-repo-copy": ([PUSH_CROSS_REPO], {"pull": 3, "mount": 1, "blob": 1}),
    "refs/manifest-delete": ([DELETE_MANIFEST, DELETE_TAG_LATEST, DELETE_TAG_12], {}),
    "refs/blob-delete": ([DELETE_BLOB], {}),
    "refs/blob-pull": ([], {"pull": 1}),
    "refs/manifest-pull": ([], {"pull": 1}),
    "refs/manifest-head": ([], {"pull": 1}),
    # The first blob push was answered 500 three times: four identical deliveries.
    "retry": ([PUSH_RETRY], {"blob": 5}),
}


def dropped(result: ParseResult) -> dict[str, int]:
    return {str(reason): count for reason, count in result.dropped.items()}


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_single_capture(name: str) -> None:
    headers, body = live_capture(name)
    result = parse(headers, body)
    events, drops = SINGLE[name]
    assert list(result.events) == events
    assert dropped(result) == drops
    assert result.response is None


@pytest.mark.parametrize("scenario", sorted(SEQUENCES))
def test_sequence(scenario: str) -> None:
    events: list[NormalisedEvent] = []
    drops: Counter[str] = Counter()
    for headers, body in sequence(scenario):
        result = PARSERS["distribution"](headers, body)
        events.extend(result.events)
        drops.update(dropped(result))
    assert (events, dict(drops)) == SEQUENCES[scenario]


def test_every_capture_is_covered() -> None:
    live = DATA / "distribution-live"
    assert {p.name for p in live.glob("*.json")} == set(SINGLE)
    scenarios = {
        str(p.parent.relative_to(live / "sequences")) for p in live.rglob("sequences/**/*.json")
    }
    assert scenarios == set(SEQUENCES)


def test_redelivered_event_keeps_its_key() -> None:
    # The top-level capture and the sequence entry are the same delivery (same event id).
    first = parse(*live_capture("manifest-push-oci.json")).events[0]
    again = parse(*live_capture("sequences/refs/oci-push/03.json")).events[0]
    assert event_key("reg-1", first) == event_key("reg-1", again)


def test_retries_parse_identically() -> None:
    deliveries = sequence("retry")[:4]
    assert len({body for _, body in deliveries}) == 1
    results = [parse(headers, body) for headers, body in deliveries]
    assert all(result == results[0] for result in results)


def test_distinct_pushes_of_the_same_tag_get_distinct_keys() -> None:
    # Same repository, tag and digest pushed twice (refs and norefs runs): two events.
    assert PUSH_OCI.digest == PUSH_OCI_NOREFS.digest
    assert event_key("reg-1", PUSH_OCI) != event_key("reg-1", PUSH_OCI_NOREFS)
    assert event_key("reg-1", PUSH_OCI) != event_key("reg-2", PUSH_OCI)
