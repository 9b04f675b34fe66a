"""JFrog Artifactory webhooks of the `docker` domain (tag pushed or deleted)."""

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
from gateway.parsers.jsonfields import as_object, get_object, get_str, load_json, opt_str

_ACTIONS = {"pushed": Action.PUSHED, "deleted": Action.DELETED}


def parse(headers: Mapping[str, str], body: bytes) -> ParseResult:
    """Parse `{domain, event_type, data}`; a bare docker `data` object (as JFrog's docs
    print it) is accepted too. Other domains (artifact, build, ...) are not containers.

    The repository is `<repo_key>/<image_name>`, the name under Artifactory's default
    "repository path" Docker access method; `sha256` is the manifest digest without prefix.
    `promoted` (copy/move between repositories) is dropped: its target is not in the data.
    """
    require_json_media_type(headers)
    document = as_object(load_json(body), "body")
    if "domain" in document:
        if get_str(document, "domain", "body") != "docker":
            return dropped_only(DropReason.NOT_CONTAINER)
        event_type = get_str(document, "event_type", "body")
        data = get_object(document, "data", "body")
    elif "image_name" in document:
        data = document
        event_type = get_str(document, "event_type", "body")
    else:
        raise ParseError("missing_field", "body.domain")
    action = _ACTIONS.get(event_type)
    if action is None:
        return dropped_only(DropReason.UNSUPPORTED_EVENT)
    repository = f"{get_str(data, 'repo_key', 'data')}/{get_str(data, 'image_name', 'data')}"
    checksum = opt_str(data, "sha256", "data")
    builder = ResultBuilder()
    builder.add(
        build_event(
            action,
            repository,
            tag=opt_str(data, "tag", "data"),
            digest=f"sha256:{checksum}" if checksum else None,
        )
    )
    return builder.result()
