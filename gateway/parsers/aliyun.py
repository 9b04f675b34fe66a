"""Alibaba Cloud Container Registry triggers: one pushed tag with its digest."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.events import Action, ParseResult, ResultBuilder, build_event
from gateway.parsers.content_type import require_json_media_type
from gateway.parsers.jsonfields import as_object, get_object, get_str, load_json, opt_str


def parse(headers: Mapping[str, str], body: bytes) -> ParseResult:
    """Parse `{push_data: {digest, tag, pushed_at}, repository: {repo_full_name, ...}}`.

    `pushed_at` (`YYYY-MM-DD HH:MM:SS`) carries no time zone, so no event time is set
    rather than a guessed one; the digest keeps distinct pushes apart in event_key.
    """
    require_json_media_type(headers)
    document = as_object(load_json(body), "body")
    push_data = get_object(document, "push_data", "body")
    repository = get_object(document, "repository", "body")
    full_name = opt_str(repository, "repo_full_name", "repository") or (
        f"{get_str(repository, 'namespace', 'repository')}/"
        f"{get_str(repository, 'name', 'repository')}"
    )
    builder = ResultBuilder()
    builder.add(
        build_event(
            Action.PUSHED,
            full_name,
            tag=opt_str(push_data, "tag", "push_data"),
            digest=opt_str(push_data, "digest", "push_data"),
        )
    )
    return builder.result()
