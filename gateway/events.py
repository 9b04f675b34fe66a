"""Normalised registry events, parse results and the deterministic event identity."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType


class Action(StrEnum):
    """What happened to the image; values match the RegistryEventAction suffixes."""

    PUSHED = "pushed"
    DELETED = "deleted"


class DropReason(StrEnum):
    """Why a sender's event was acknowledged but not published (a fixed set: metric labels)."""

    PULL = "pull"
    BLOB = "blob"
    MOUNT = "mount"
    SCAN = "scan"
    QUOTA = "quota"
    REPLICATION = "replication"
    RETENTION = "retention"
    CHART = "chart"
    PING = "ping"
    CONTROL = "control"
    FAILED = "failed"
    NOT_CONTAINER = "not_container"
    UNSUPPORTED_EVENT = "unsupported_event"
    MALFORMED_DIGEST = "malformed_digest"
    INVALID_TAG = "invalid_tag"
    INVALID_REPOSITORY = "invalid_repository"
    NO_REFERENCE = "no_reference"


class ParseError(Exception):
    """The body is not a notification of the expected kind: the app answers 400.

    `reason` is a short fixed label (safe as a metric label); `detail` names the offending
    field path for the log and never quotes body values.
    """

    status = 400

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class UnsupportedMediaType(ParseError):
    """The Content-Type is not one this sender uses: the app answers 415."""

    status = 415

    def __init__(self, detail: str = "") -> None:
        super().__init__("unsupported_media_type", detail)


# OCI distribution-spec grammar; fullmatch, so no trailing-newline surprises.
_DIGEST_RE = re.compile(r"sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}")
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY_RE = re.compile(rf"{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*")
_TAG_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_MEDIA_TYPE_RE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
)
_SENDER_ID_RE = re.compile(r"[\x21-\x7e]{1,256}")
_MAX_REPOSITORY_LENGTH = 255


def is_valid_digest(value: str) -> bool:
    """True for `sha256:` + 64 or `sha512:` + 128 lowercase hex characters."""
    return _DIGEST_RE.fullmatch(value) is not None


def is_valid_tag(value: str) -> bool:
    """True for an OCI tag (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`)."""
    return _TAG_RE.fullmatch(value) is not None


def is_valid_repository(value: str) -> bool:
    """True for an OCI repository name (lowercase path components, at most 255 chars)."""
    return len(value) <= _MAX_REPOSITORY_LENGTH and _REPOSITORY_RE.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class NormalisedEvent:
    """One image event as the gateway publishes it; the lead converts it to RegistryEvent.

    Invariants (checked here, so a parser cannot emit anything else): the repository is a
    valid lowercase OCI name; tag and digest are valid or None; a push names a tag or a
    digest; a delete with neither means the repository was deleted; `time` is aware UTC.
    """

    action: Action
    repository: str
    tag: str | None = None
    digest: str | None = None
    media_type: str | None = None
    time: datetime | None = None
    sender_event_id: str | None = None

    def __post_init__(self) -> None:
        if not is_valid_repository(self.repository):
            raise ValueError("invalid repository")
        if self.tag is not None and not is_valid_tag(self.tag):
            raise ValueError("invalid tag")
        if self.digest is not None and not is_valid_digest(self.digest):
            raise ValueError("invalid digest")
        if self.action is Action.PUSHED and self.tag is None and self.digest is None:
            raise ValueError("a push names a tag or a digest")
        if self.media_type is not None and _MEDIA_TYPE_RE.fullmatch(self.media_type) is None:
            raise ValueError("invalid media type")
        if self.time is not None and self.time.utcoffset() != UTC.utcoffset(None):
            raise ValueError("time must be aware UTC")
        if (
            self.sender_event_id is not None
            and _SENDER_ID_RE.fullmatch(self.sender_event_id) is None
        ):
            raise ValueError("invalid sender event id")


@dataclass(frozen=True, slots=True)
class Reply:
    """Answer the sender with exactly this instead of the usual 2xx (Event Grid validation)."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ConfirmSubscription:
    """GET `url` to confirm an SNS subscription (already restricted to an AWS SNS host).

    The app does this only after the SNS signature of the request verified.
    """

    url: str


ResponseAction = Reply | ConfirmSubscription


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What one delivery contained: events to publish, noise counted by reason, and any
    protocol response the app must give or action it must take."""

    events: tuple[NormalisedEvent, ...] = ()
    dropped: Mapping[DropReason, int] = field(default_factory=lambda: MappingProxyType({}))
    response: ResponseAction | None = None


class ResultBuilder:
    """Collects events and drop reasons while a parser walks a delivery."""

    def __init__(self) -> None:
        self._events: list[NormalisedEvent] = []
        self._dropped: Counter[DropReason] = Counter()
        self.response: ResponseAction | None = None

    def drop(self, reason: DropReason, count: int = 1) -> None:
        self._dropped[reason] += count

    def add(self, outcome: NormalisedEvent | DropReason) -> None:
        if isinstance(outcome, DropReason):
            self.drop(outcome)
        else:
            self._events.append(outcome)

    def result(self) -> ParseResult:
        return ParseResult(
            events=tuple(self._events),
            dropped=MappingProxyType(dict(self._dropped)),
            response=self.response,
        )


def dropped_only(reason: DropReason, count: int = 1) -> ParseResult:
    """A result with no events and one drop reason."""
    return ParseResult(dropped=MappingProxyType({reason: count}))


def build_event(
    action: Action,
    repository: str,
    *,
    tag: str | None = None,
    digest: str | None = None,
    media_type: str | None = None,
    time: datetime | None = None,
    sender_event_id: str | None = None,
) -> NormalisedEvent | DropReason:
    """Validate and normalise one event, or say why it is dropped.

    The digest policy (one rule for every sender): a malformed or placeholder digest is
    never published. The digest field is removed; the event is kept when a valid tag still
    names the image (the consumer resolves the tag), and dropped as `malformed_digest`
    otherwise. A malformed tag is treated the same way (`invalid_tag`). An event is never
    widened: a delete whose only reference was invalid does not become a repository delete.
    Repository names are lowercased (OCI names are lowercase; payloads carry display names
    such as a GitHub owner login) and must then be valid OCI names.
    """
    repository = repository.strip().lower()
    if not is_valid_repository(repository):
        return DropReason.INVALID_REPOSITORY
    tag = tag or None
    digest = digest or None
    bad_digest = digest is not None and not is_valid_digest(digest)
    bad_tag = tag is not None and not is_valid_tag(tag)
    if bad_digest:
        digest = None
    if bad_tag:
        tag = None
    if tag is None and digest is None:
        if bad_digest:
            return DropReason.MALFORMED_DIGEST
        if bad_tag:
            return DropReason.INVALID_TAG
        if action is Action.PUSHED:
            return DropReason.NO_REFERENCE
    if media_type is not None and _MEDIA_TYPE_RE.fullmatch(media_type) is None:
        media_type = None
    if sender_event_id is not None and _SENDER_ID_RE.fullmatch(sender_event_id) is None:
        sender_event_id = None
    return NormalisedEvent(
        action=action,
        repository=repository,
        tag=tag,
        digest=digest,
        media_type=media_type,
        time=_utc_or_none(time),
        sender_event_id=sender_event_id,
    )


def _utc_or_none(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None or value.utcoffset() is None:
        return None
    try:
        converted = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    # Go's zero time (0001-01-01) means "unset" in Gitea and GitHub payloads.
    return None if converted.year <= 1 else converted


_KEY_VERSION = 1


def event_key(registry_id: str, event: NormalisedEvent) -> str:
    """Deterministic identity of one event of one registry, used as Nats-Msg-Id.

    A hash of the registry id and every normalised field, the sender's event id and the
    event time included. A sender's retry of the same delivery carries the same body and
    ids (Distribution's per-event `id`, GitHub's X-GitHub-Delivery, SNS/EventBridge ids,
    Pub/Sub messageId), so it maps to the same key and JetStream drops the duplicate; the
    content fields keep several events of one delivery (Harbor resources, Quay tags) apart.
    """
    canonical = json.dumps(
        [
            _KEY_VERSION,
            registry_id,
            event.action.value,
            event.repository,
            event.tag,
            event.digest,
            event.media_type,
            event.time.isoformat() if event.time is not None else None,
            event.sender_event_id,
        ],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()
