"""The normalised event: validation, the digest policy, and event_key."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from gateway.events import (
    Action,
    DropReason,
    NormalisedEvent,
    build_event,
    event_key,
    is_valid_digest,
    is_valid_repository,
    is_valid_tag,
)

GOOD = "sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf"


@pytest.mark.parametrize(
    ("digest", "valid"),
    [
        (GOOD, True),
        ("sha512:" + "ab" * 64, True),
        (GOOD.upper(), False),
        ("SHA256:" + GOOD[7:], False),
        (GOOD + "\n", False),
        (GOOD + "5", False),  # 65 hex (distribution docs)
        (GOOD[:-4], False),  # 60 hex (ECR docs)
        ("sha256:6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b", False),  # 40 hex (GitHub sample)
        ("sha256:0123456789abcdef0", False),  # distribution event_test
        ("sha256:xxxxd5c8786bb9e621a45ece0dbxxxx1cdc624ad20da9fe62e9d25490f33xxxx", False),  # ACR
        ("sha256:sample_checksum", False),  # Artifactory docs
        ("sha384:" + "a" * 96, False),
        ("", False),
    ],
)
def test_digest_validation(digest: str, valid: bool) -> None:
    assert is_valid_digest(digest) is valid


def test_repository_and_tag_grammar() -> None:
    assert is_valid_repository("mygroup/my.project/app_x/a__b/c-d--e")
    assert not is_valid_repository("Upper/case")
    assert not is_valid_repository("a//b")
    assert not is_valid_repository("/a")
    assert not is_valid_repository("a/")
    assert not is_valid_repository("a" * 256)
    assert not is_valid_repository("a b")
    assert is_valid_tag("v1.2.3-rc_1")
    assert is_valid_tag("A" * 128)
    assert not is_valid_tag("A" * 129)
    assert not is_valid_tag(".hidden")
    assert not is_valid_tag("sha256:abc")
    assert not is_valid_tag("tag\n")


class TestDigestPolicy:
    def test_malformed_digest_with_tag_keeps_event_without_digest(self) -> None:
        event = build_event(Action.PUSHED, "a/b", tag="v1", digest="sha256:0123")
        assert event == NormalisedEvent(Action.PUSHED, "a/b", tag="v1")

    def test_malformed_digest_alone_drops_push(self) -> None:
        assert (
            build_event(Action.PUSHED, "a/b", digest="sha256:0123") is DropReason.MALFORMED_DIGEST
        )

    def test_malformed_digest_alone_never_widens_a_delete_to_the_repository(self) -> None:
        outcome = build_event(Action.DELETED, "a/b", digest="sha256:xxxx")
        assert outcome is DropReason.MALFORMED_DIGEST

    def test_delete_without_references_is_a_repository_delete(self) -> None:
        assert build_event(Action.DELETED, "a/b") == NormalisedEvent(Action.DELETED, "a/b")

    def test_push_without_references_is_dropped(self) -> None:
        assert build_event(Action.PUSHED, "a/b", tag="", digest="") is DropReason.NO_REFERENCE

    def test_invalid_tag_is_dropped_like_a_malformed_digest(self) -> None:
        kept = build_event(Action.PUSHED, "a/b", tag="bad tag", digest=GOOD)
        assert kept == NormalisedEvent(Action.PUSHED, "a/b", digest=GOOD)
        assert build_event(Action.PUSHED, "a/b", tag="bad tag") is DropReason.INVALID_TAG
        assert build_event(Action.DELETED, "a/b", tag="bad tag") is DropReason.INVALID_TAG

    def test_repository_is_lowercased_then_validated(self) -> None:
        event = build_event(Action.PUSHED, "Codertocat/Hello-World", tag="v1")
        assert isinstance(event, NormalisedEvent)
        assert event.repository == "codertocat/hello-world"
        assert build_event(Action.PUSHED, "a b/c", tag="v1") is DropReason.INVALID_REPOSITORY
        assert build_event(Action.PUSHED, "", tag="v1") is DropReason.INVALID_REPOSITORY

    def test_optional_fields_are_cleaned(self) -> None:
        naive = datetime(2025, 1, 1, 12, 0)
        event = build_event(
            Action.PUSHED, "a/b", tag="v1", media_type="not a media type", time=naive,
            sender_event_id="has space",
        )  # fmt: skip
        assert event == NormalisedEvent(Action.PUSHED, "a/b", tag="v1")

    def test_time_is_converted_to_utc(self) -> None:
        paris = timezone(timedelta(hours=1))
        event = build_event(
            Action.PUSHED, "a/b", tag="v1", time=datetime(2025, 1, 1, 13, tzinfo=paris)
        )
        assert isinstance(event, NormalisedEvent)
        assert event.time == datetime(2025, 1, 1, 12, tzinfo=UTC)
        assert event.time.utcoffset() == timedelta(0)


def test_normalised_event_refuses_invalid_values() -> None:
    with pytest.raises(ValueError):
        NormalisedEvent(Action.PUSHED, "a/b")
    with pytest.raises(ValueError):
        NormalisedEvent(Action.PUSHED, "a/b", digest="sha256:0123")
    with pytest.raises(ValueError):
        NormalisedEvent(Action.PUSHED, "A/b", tag="v1")
    with pytest.raises(ValueError):
        NormalisedEvent(Action.PUSHED, "a/b", tag="v1", time=datetime(2025, 1, 1))


class TestEventKey:
    event = NormalisedEvent(
        Action.PUSHED,
        "library/alpine",
        tag="3.21",
        digest=GOOD,
        media_type="application/vnd.oci.image.index.v1+json",
        time=datetime(2025, 1, 15, 10, 21, 33, 123456, tzinfo=UTC),
        sender_event_id="9c2a2c5e-7a0b-4f57-9d4e-2f3f6b2f8a11",
    )

    def test_format_is_pinned(self) -> None:
        # A changed format would let retries across a gateway upgrade through once: pinned.
        canonical = (
            '[1,"reg-1","pushed","library/alpine","3.21","' + GOOD + '",'
            '"application/vnd.oci.image.index.v1+json","2025-01-15T10:21:33.123456+00:00",'
            '"9c2a2c5e-7a0b-4f57-9d4e-2f3f6b2f8a11"]'
        )
        assert event_key("reg-1", self.event) == hashlib.sha256(canonical.encode()).hexdigest()

    @pytest.mark.parametrize(
        "change",
        [
            {"action": Action.DELETED},
            {"repository": "library/alpine2"},
            {"tag": "3.22"},
            {"tag": None},
            {"digest": "sha256:" + "0" * 64},
            {"media_type": None},
            {"time": datetime(2025, 1, 15, 10, 21, 34, tzinfo=UTC)},
            {"time": None},
            {"sender_event_id": "other"},
        ],
    )
    def test_every_field_counts(self, change: dict[str, object]) -> None:
        other = dataclasses.replace(self.event, **change)  # type: ignore[arg-type]
        assert event_key("reg-1", other) != event_key("reg-1", self.event)

    def test_registry_counts_and_odd_ids_are_safe(self) -> None:
        assert event_key("reg-2", self.event) != event_key("reg-1", self.event)
        assert len(event_key("\ud800 odd \x00 id", self.event)) == 64
