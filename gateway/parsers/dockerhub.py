"""Docker Hub repository webhooks: every delivery is a tag push, without a digest."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.events import Action, ParseResult, ResultBuilder, build_event
from gateway.parsers.content_type import require_json_media_type
from gateway.parsers.jsonfields import (
    as_object,
    get_object,
    get_str,
    load_json,
    opt_number,
    opt_str,
)
from gateway.parsers.timestamps import from_unix_seconds


def parse(headers: Mapping[str, str], body: bytes) -> ParseResult:
    """One pushed event: `repository.repo_name` and `push_data.tag`; Hub sends no event id."""
    require_json_media_type(headers)
    document = as_object(load_json(body), "body")
    push_data = get_object(document, "push_data", "body")
    repository = get_str(get_object(document, "repository", "body"), "repo_name", "repository")
    # Official images are addressed as library/<name> in the registry API.
    if "/" not in repository:
        repository = f"library/{repository}"
    builder = ResultBuilder()
    builder.add(
        build_event(
            Action.PUSHED,
            repository,
            tag=opt_str(push_data, "tag", "push_data"),
            time=from_unix_seconds(opt_number(push_data, "pushed_at", "push_data")),
        )
    )
    return builder.result()
