"""AWS ECR image actions from EventBridge: direct (API destination) or wrapped in SNS."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.auth.sns import is_subscribe_url
from gateway.events import (
    Action,
    ConfirmSubscription,
    DropReason,
    NormalisedEvent,
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
from gateway.parsers.timestamps import parse_rfc3339

_ACTIONS = {"PUSH": Action.PUSHED, "DELETE": Action.DELETED}
_DETAIL_TYPE_DROPS = {
    "ECR Image Scan": DropReason.SCAN,
    "ECR Replication Action": DropReason.REPLICATION,
}
_SNS_MEDIA_TYPES = frozenset({"text/plain"})


def parse_eventbridge_event(event: JsonObject, where: str) -> NormalisedEvent | DropReason:
    """One EventBridge event; only successful `ECR Image Action` pushes and deletes count."""
    if opt_str(event, "source", where) not in (None, "aws.ecr"):
        return DropReason.UNSUPPORTED_EVENT
    detail_type = get_str(event, "detail-type", where)
    if detail_type != "ECR Image Action":
        return _DETAIL_TYPE_DROPS.get(detail_type, DropReason.UNSUPPORTED_EVENT)
    detail = get_object(event, "detail", where)
    here = f"{where}.detail"
    action = _ACTIONS.get(get_str(detail, "action-type", here))
    if action is None:
        return DropReason.UNSUPPORTED_EVENT
    if opt_str(detail, "result", here) not in (None, "SUCCESS"):
        return DropReason.FAILED
    return build_event(
        action,
        get_str(detail, "repository-name", here),
        tag=opt_str(detail, "image-tag", here),
        digest=opt_str(detail, "image-digest", here),
        media_type=opt_str(detail, "manifest-media-type", here),
        time=parse_rfc3339(opt_str(event, "time", where)),
        sender_event_id=opt_str(event, "id", where),
    )


def _parse_sns(document: JsonObject) -> ParseResult:
    message_type = get_str(document, "Type", "body")
    if message_type == "SubscriptionConfirmation":
        url = get_str(document, "SubscribeURL", "body")
        if not is_subscribe_url(url):
            raise ParseError("bad_subscribe_url", "body.SubscribeURL")
        builder = ResultBuilder()
        builder.drop(DropReason.CONTROL)
        builder.response = ConfirmSubscription(url=url)
        return builder.result()
    if message_type == "UnsubscribeConfirmation":
        return dropped_only(DropReason.CONTROL)
    if message_type != "Notification":
        raise ParseError("unsupported_sns_type", "body.Type")
    message = get_str(document, "Message", "body")
    # A topic can carry other messages (the console's test "Hello world!"): acknowledged.
    try:
        inner = load_json(message)
    except ParseError:
        return dropped_only(DropReason.UNSUPPORTED_EVENT)
    if not isinstance(inner, dict) or "detail-type" not in inner:
        return dropped_only(DropReason.UNSUPPORTED_EVENT)
    builder = ResultBuilder()
    builder.add(parse_eventbridge_event(inner, "Message"))
    return builder.result()


def parse(headers: Mapping[str, str], body: bytes) -> ParseResult:
    """Parse an EventBridge event, or an SNS message (`x-amz-sns-message-type`, or a body
    with `Type` and `TopicArn`); an SNS subscription confirmation yields a
    ConfirmSubscription action with its AWS-host-checked SubscribeURL."""
    require_json_media_type(headers, also=_SNS_MEDIA_TYPES)
    document = as_object(load_json(body), "body")
    if get_header(headers, "x-amz-sns-message-type") is not None or (
        "Type" in document and "TopicArn" in document
    ):
        return _parse_sns(document)
    builder = ResultBuilder()
    builder.add(parse_eventbridge_event(document, "body"))
    return builder.result()
