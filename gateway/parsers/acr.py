"""Azure Container Registry: native webhooks, and Event Grid (its own schema or CloudEvents)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from gateway.events import (
    DropReason,
    ParseError,
    ParseResult,
    Reply,
    ResultBuilder,
)
from gateway.http_headers import get_header
from gateway.parsers.content_type import require_json_media_type
from gateway.parsers.distribution import parse_event
from gateway.parsers.jsonfields import (
    JsonObject,
    as_object,
    get_object,
    get_str,
    load_json,
    opt_str,
)
from gateway.parsers.timestamps import parse_rfc3339

_IMAGE_EVENTS = frozenset(
    {"Microsoft.ContainerRegistry.ImagePushed", "Microsoft.ContainerRegistry.ImageDeleted"}
)
_CHART_EVENTS = frozenset(
    {"Microsoft.ContainerRegistry.ChartPushed", "Microsoft.ContainerRegistry.ChartDeleted"}
)
_VALIDATION_EVENT = "Microsoft.EventGrid.SubscriptionValidationEvent"
_SUBSCRIPTION_DELETED_EVENT = "Microsoft.EventGrid.SubscriptionDeletedEvent"
_MAX_VALIDATION_CODE_LENGTH = 512
_ORIGIN_RE = re.compile(r"[A-Za-z0-9.-]{1,253}")


def _validation_reply(event: JsonObject, where: str) -> Reply:
    code = get_str(get_object(event, "data", where), "validationCode", f"{where}.data")
    if not code or len(code) > _MAX_VALIDATION_CODE_LENGTH:
        raise ParseError("bad_validation_code", f"{where}.data.validationCode")
    body = json.dumps({"validationResponse": code}).encode("utf-8", "surrogatepass")
    return Reply(status=200, body=body, content_type="application/json")


def _event_grid_event(builder: ResultBuilder, event: JsonObject, where: str) -> None:
    """One Event Grid schema event (`eventType`, `eventTime`) or CloudEvent (`type`, `time`)."""
    event_type = opt_str(event, "eventType", where) or get_str(event, "type", where)
    if event_type in _IMAGE_EVENTS:
        time_text = opt_str(event, "time", where) or opt_str(event, "eventTime", where)
        builder.add(
            parse_event(
                get_object(event, "data", where),
                f"{where}.data",
                fallback_id=opt_str(event, "id", where),
                fallback_time=parse_rfc3339(time_text),
            )
        )
    elif event_type in _CHART_EVENTS:
        builder.drop(DropReason.CHART)
    elif event_type == _VALIDATION_EVENT:
        builder.response = _validation_reply(event, where)
        builder.drop(DropReason.CONTROL)
    elif event_type == _SUBSCRIPTION_DELETED_EVENT:
        builder.drop(DropReason.CONTROL)
    else:
        builder.drop(DropReason.UNSUPPORTED_EVENT)


def _is_event_grid(document: Any) -> bool:
    return isinstance(document, list) or (
        isinstance(document, dict) and ("specversion" in document or "eventType" in document)
    )


def parse(headers: Mapping[str, str], body: bytes) -> ParseResult:
    """Parse a native ACR webhook (one bare event) or an Event Grid delivery (an array of
    events, or one structured CloudEvent). The Event Grid subscription validation event
    (`aeg-event-type: SubscriptionValidation`) yields a Reply carrying the validation code."""
    require_json_media_type(headers)
    document = load_json(body)
    builder = ResultBuilder()
    if _is_event_grid(document):
        items = document if isinstance(document, list) else [document]
        for index, item in enumerate(items):
            where = f"body[{index}]"
            _event_grid_event(builder, as_object(item, where), where)
        return builder.result()
    builder.add(parse_event(as_object(document, "body"), "body"))
    return builder.result()


def abuse_protection_reply(headers: Mapping[str, str]) -> Reply:
    """Answer to the CloudEvents webhook validation `OPTIONS` request Event Grid sends
    before delivering CloudEvents: allow the requesting origin (`eventgrid.azure.net`)."""
    origin = get_header(headers, "WebHook-Request-Origin")
    if origin is None or _ORIGIN_RE.fullmatch(origin) is None:
        raise ParseError("bad_webhook_origin", "WebHook-Request-Origin")
    return Reply(status=200, headers=(("WebHook-Allowed-Origin", origin),))
