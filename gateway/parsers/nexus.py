"""Sonatype Nexus Repository 3 webhooks: docker component created, updated or deleted."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.events import Action, DropReason, ParseResult, ResultBuilder, build_event, dropped_only
from gateway.http_headers import get_header
from gateway.parsers.content_type import require_json_media_type
from gateway.parsers.jsonfields import as_object, get_object, get_str, load_json, opt_str
from gateway.parsers.timestamps import parse_rfc3339

_COMPONENT = "rm:repository:component"
_ASSET = "rm:repository:asset"
_ACTIONS = {"CREATED": Action.PUSHED, "UPDATED": Action.PUSHED, "DELETED": Action.DELETED}


def parse(headers: Mapping[str, str], body: bytes) -> ParseResult:
    """Parse a repository component event (`X-Nexus-Webhook-Id: rm:repository:component`):
    image `component.name`, tag `component.version`; Nexus sends no digest and no registry
    host. Asset events (single files: blobs, manifests) are dropped as `blob`."""
    require_json_media_type(headers)
    document = as_object(load_json(body), "body")
    kind = get_header(headers, "X-Nexus-Webhook-Id")
    if kind is None:
        kind = _COMPONENT if "component" in document else _ASSET if "asset" in document else ""
    if kind not in (_COMPONENT, _ASSET):
        return dropped_only(DropReason.UNSUPPORTED_EVENT)
    item = get_object(document, "component" if kind == _COMPONENT else "asset", "body")
    if get_str(item, "format", "item") != "docker":
        return dropped_only(DropReason.NOT_CONTAINER)
    if kind == _ASSET:
        return dropped_only(DropReason.BLOB)
    action = _ACTIONS.get(get_str(document, "action", "body"))
    if action is None:
        return dropped_only(DropReason.UNSUPPORTED_EVENT)
    builder = ResultBuilder()
    builder.add(
        build_event(
            action,
            get_str(item, "name", "component"),
            tag=opt_str(item, "version", "component"),
            time=parse_rfc3339(opt_str(document, "timestamp", "body")),
            sender_event_id=get_header(headers, "X-Nexus-Webhook-Delivery"),
        )
    )
    return builder.result()
