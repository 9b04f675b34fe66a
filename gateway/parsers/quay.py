"""Quay `repo_push` notifications: one pushed event per updated tag, no digest or time."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.events import (
    Action,
    DropReason,
    ParseError,
    ParseResult,
    ResultBuilder,
    build_event,
    dropped_only,
)
from gateway.parsers.content_type import require_json_media_type
from gateway.parsers.jsonfields import as_object, get_str, load_json, opt_list


def parse(headers: Mapping[str, str], body: bytes) -> ParseResult:
    """Parse a `repo_push` body (`repository` is `namespace/name`).

    Quay's other notification kinds (builds, vulnerabilities, mirror syncs) have no
    `updated_tags`; they are dropped as unsupported. The body has no event-type field, so
    the webhook URL configured in Quay should be used for `repo_push` only.
    """
    require_json_media_type(headers)
    document = as_object(load_json(body), "body")
    if "updated_tags" not in document:
        return dropped_only(DropReason.UNSUPPORTED_EVENT)
    repository = get_str(document, "repository", "body")
    tags = opt_list(document, "updated_tags", "body")
    if not tags:
        return dropped_only(DropReason.NO_REFERENCE)
    builder = ResultBuilder()
    for index, tag in enumerate(tags):
        if not isinstance(tag, str):
            raise ParseError("wrong_type", f"body.updated_tags[{index}]: expected a string")
        builder.add(build_event(Action.PUSHED, repository, tag=tag))
    return builder.result()
