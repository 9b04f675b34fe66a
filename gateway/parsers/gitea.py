"""Gitea / Forgejo `package` webhooks for container packages."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.events import Action, DropReason, ParseResult, ResultBuilder, build_event, dropped_only
from gateway.http_headers import get_header
from gateway.parsers.hook_body import load_hook_body
from gateway.parsers.jsonfields import get_object, get_str, opt_str
from gateway.parsers.timestamps import parse_rfc3339

_ACTIONS = {"created": Action.PUSHED, "deleted": Action.DELETED}


def _first_header(headers: Mapping[str, str], *names: str) -> str | None:
    return next((v for v in (get_header(headers, n) for n in names) if v is not None), None)


def parse(headers: Mapping[str, str], body: bytes) -> ParseResult:
    """Parse a package event; the image is `<owner login>/<package name>` (lowercased by
    build_event, as Gitea's container registry is), the version is the tag, or the digest
    of an untagged manifest."""
    event_name = _first_header(headers, "X-Gitea-Event", "X-Forgejo-Event", "X-Gogs-Event")
    if event_name is not None and event_name != "package":
        return dropped_only(DropReason.UNSUPPORTED_EVENT)
    document = load_hook_body(headers, body)
    action = _ACTIONS.get(get_str(document, "action", "body"))
    package = get_object(document, "package", "body")
    if action is None:
        return dropped_only(DropReason.UNSUPPORTED_EVENT)
    if get_str(package, "type", "package") != "container":
        return dropped_only(DropReason.NOT_CONTAINER)
    owner = get_str(get_object(package, "owner", "package"), "login", "package.owner")
    version = get_str(package, "version", "package")
    is_digest = version.startswith(("sha256:", "sha512:"))
    builder = ResultBuilder()
    builder.add(
        build_event(
            action,
            f"{owner}/{get_str(package, 'name', 'package')}",
            tag=None if is_digest else version,
            digest=version if is_digest else None,
            time=parse_rfc3339(opt_str(package, "created_at", "package")),
            sender_event_id=_first_header(headers, "X-Gitea-Delivery", "X-Forgejo-Delivery"),
        )
    )
    return builder.result()
