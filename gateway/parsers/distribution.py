"""CNCF Distribution notifications (`{"events": [...]}`), also sent by GitLab's registry."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from gateway.events import (
    Action,
    DropReason,
    NormalisedEvent,
    ParseResult,
    ResultBuilder,
    build_event,
    dropped_only,
)
from gateway.parsers.content_type import require_json_media_type
from gateway.parsers.jsonfields import (
    JsonObject,
    as_object,
    get_list,
    get_object,
    get_str,
    load_json,
    opt_str,
)
from gateway.parsers.timestamps import parse_rfc3339

MANIFEST_MEDIA_TYPES = frozenset(
    {
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.artifact.manifest.v1+json",
    }
)

_PULL_ACTION = re.compile(rb'"action"\s*:\s*"pull"')
_PULL_ONLY = dropped_only(DropReason.PULL)


def _is_single_pull(body: bytes) -> bool:
    """Cheap pre-check for the flood of pull notifications (one per manifest or blob read).

    Safe because it only ever answers "drop": it needs exactly one `"action"` key and one
    `"events"` key, and no `\\u` escape anywhere, so an escaped key (`"\\u0061ction"`) or a
    duplicated one cannot hide a push behind it; inside JSON strings a quote is always
    escaped, so `"action"` with both quotes bare is a key.
    """
    return (
        body.count(b'"action"') == 1
        and body.count(b'"events"') == 1
        and b"\\u" not in body
        and _PULL_ACTION.search(body) is not None
    )


def parse_event(
    event: JsonObject,
    where: str,
    *,
    fallback_id: str | None = None,
    fallback_time: datetime | None = None,
) -> NormalisedEvent | DropReason:
    """One Distribution-shaped event (also ACR's native webhook and its Event Grid data);
    an envelope's id and time stand in when the event itself has none."""
    action = get_str(event, "action", where)
    if action == "pull":
        return DropReason.PULL
    if action == "mount":
        return DropReason.MOUNT
    if action in ("chart_push", "chart_delete"):
        return DropReason.CHART
    if action == "ping":
        return DropReason.PING
    if action not in ("push", "delete"):
        return DropReason.UNSUPPORTED_EVENT
    target = get_object(event, "target", where)
    where_target = f"{where}.target"
    repository = get_str(target, "repository", where_target)
    tag = opt_str(target, "tag", where_target)
    digest = opt_str(target, "digest", where_target)
    media_type = opt_str(target, "mediaType", where_target)
    time = parse_rfc3339(opt_str(event, "timestamp", where)) or fallback_time
    sender_event_id = opt_str(event, "id", where) or fallback_id
    if action == "push":
        # Blob pushes carry a layer/config type (live 2.8: application/octet-stream) and
        # never a tag; a tagged push with an unknown type is still a manifest.
        if media_type not in MANIFEST_MEDIA_TYPES and not tag:
            return DropReason.BLOB
        return build_event(
            Action.PUSHED,
            repository,
            tag=tag,
            digest=digest,
            media_type=media_type,
            time=time,
            sender_event_id=sender_event_id,
        )
    # Delete: digest (manifest, or a blob: 2.8 sends the same shape for both), tag, or
    # repository only. The digest of a blob delete names nothing in Catalog: harmless.
    return build_event(
        Action.DELETED,
        repository,
        tag=tag,
        digest=digest,
        media_type=media_type,
        time=time,
        sender_event_id=sender_event_id,
    )


def parse(headers: Mapping[str, str], body: bytes) -> ParseResult:
    """Parse a Distribution envelope; events.v1+json (2.x), events.v2+json (3.x) or JSON."""
    require_json_media_type(headers)
    if _is_single_pull(body):
        return _PULL_ONLY
    return parse_envelope(body)


def parse_envelope(body: bytes) -> ParseResult:
    """The full parse, without the pull pre-check (also the reference the pre-check is
    tested against)."""
    document = as_object(load_json(body), "body")
    builder = ResultBuilder()
    for index, event in enumerate(get_list(document, "events", "body")):
        where = f"events[{index}]"
        builder.add(parse_event(as_object(event, where), where))
    return builder.result()
