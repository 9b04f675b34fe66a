"""Google Artifact Registry / Container Registry notifications via Pub/Sub push."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gateway.events import (
    Action,
    DropReason,
    ParseError,
    ParseResult,
    ResultBuilder,
    build_event,
    dropped_only,
)
from gateway.http_headers import get_header
from gateway.parsers.content_type import require_json_media_type
from gateway.parsers.jsonfields import (
    JsonObject,
    as_object,
    get_object,
    get_str,
    load_json,
    opt_str,
)
from gateway.parsers.references import ImageReference, split_reference
from gateway.parsers.timestamps import parse_rfc3339

_ACTIONS = {"INSERT": Action.PUSHED, "DELETE": Action.DELETED}


def _split(reference: str, field: str) -> ImageReference:
    parts = split_reference(reference, with_host=True)
    if parts is None:
        raise ParseError("bad_reference", f"data.{field}")
    return parts


def _event_from_payload(
    payload: JsonObject, sender_event_id: str | None, time: datetime | None
) -> ParseResult:
    """`{"action": INSERT|DELETE, "digest": "host/repo@sha256:..", "tag": "host/repo:tag"}`;
    either reference may be missing."""
    action = _ACTIONS.get(get_str(payload, "action", "data"))
    if action is None:
        return dropped_only(DropReason.UNSUPPORTED_EVENT)
    digest_reference = opt_str(payload, "digest", "data")
    tag_reference = opt_str(payload, "tag", "data")
    if not digest_reference and not tag_reference:
        return dropped_only(DropReason.NO_REFERENCE)
    by_digest = _split(digest_reference, "digest") if digest_reference else None
    by_tag = _split(tag_reference, "tag") if tag_reference else None
    if (
        by_digest is not None
        and by_tag is not None
        and (by_digest.host != by_tag.host or by_digest.repository != by_tag.repository)
    ):
        raise ParseError("inconsistent_reference", "data.digest/data.tag")
    named = by_digest if by_digest is not None else by_tag
    if named is None:
        return dropped_only(DropReason.NO_REFERENCE)
    # A reference without its digest or tag part is passed on whole, so that build_event
    # counts it as malformed instead of silently widening the event.
    digest = None
    if by_digest is not None:
        digest = by_digest.digest or digest_reference
    tag = None
    if by_tag is not None:
        tag = by_tag.tag or tag_reference
    builder = ResultBuilder()
    builder.add(
        build_event(
            action,
            named.repository,
            tag=tag,
            digest=digest,
            time=time,
            sender_event_id=sender_event_id,
        )
    )
    return builder.result()


def _decode_data(message: JsonObject) -> Any:
    encoded = opt_str(message, "data", "message")
    if not encoded:
        return None
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ParseError("invalid_base64", "message.data") from None
    try:
        return load_json(data)
    except ParseError:
        return None


def parse(headers: Mapping[str, str], body: bytes) -> ParseResult:
    """Parse a Pub/Sub push envelope (`message.data` is base64 JSON), or an unwrapped
    payload (subscription with payload unwrapping; metadata in `x-goog-pubsub-*` headers).
    Messages that are not registry notifications are acknowledged and dropped, since
    Pub/Sub would otherwise redeliver them for days."""
    require_json_media_type(headers)
    document = as_object(load_json(body), "body")
    if "message" in document:
        message = get_object(document, "message", "body")
        payload = _decode_data(message)
        sender_event_id = opt_str(message, "messageId", "message") or opt_str(
            message, "message_id", "message"
        )
        publish_time = opt_str(message, "publishTime", "message") or opt_str(
            message, "publish_time", "message"
        )
    else:
        payload = document
        sender_event_id = get_header(headers, "x-goog-pubsub-message-id")
        publish_time = get_header(headers, "x-goog-pubsub-publish-time")
    if not isinstance(payload, dict) or "action" not in payload:
        return dropped_only(DropReason.UNSUPPORTED_EVENT)
    return _event_from_payload(payload, sender_event_id, parse_rfc3339(publish_time))
