"""GitHub Packages (ghcr.io) `package` and `registry_package` webhooks for containers."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.events import (
    Action,
    DropReason,
    ParseResult,
    ResultBuilder,
    build_event,
    dropped_only,
    is_valid_digest,
)
from gateway.http_headers import get_header
from gateway.parsers.hook_body import load_hook_body
from gateway.parsers.jsonfields import EMPTY, JsonObject, get_object, get_str, opt_object, opt_str
from gateway.parsers.references import split_reference
from gateway.parsers.timestamps import parse_rfc3339

_EVENTS = ("registry_package", "package")
_PUBLISHING_ACTIONS = frozenset({"published", "updated"})
_CONTAINER_ECOSYSTEMS = frozenset({"docker", "container"})


def _event_name(headers: Mapping[str, str], document: JsonObject) -> str | None:
    name = get_header(headers, "X-GitHub-Event")
    if name is not None:
        return name
    if "zen" in document and "hook_id" in document:
        return "ping"
    return next((event for event in _EVENTS if event in document), None)


def _repository_and_tag(package: JsonObject, version: JsonObject) -> tuple[str, str | None]:
    """From `package_url` (`ghcr.io/<owner>/<name>:<tag>`), else `<owner login>/<name>`."""
    package_url = opt_str(version, "package_url", "package_version")
    if package_url:
        reference = split_reference(package_url, with_host=True)
        if reference is not None:
            return reference.repository, reference.tag
    owner = get_str(get_object(package, "owner", "package"), "login", "package.owner")
    return f"{owner}/{get_str(package, 'name', 'package')}", None


def _digest(version: JsonObject, tag_metadata: JsonObject) -> str | None:
    """`package_version.version` (the manifest digest), else the container tag's digest;
    a malformed value is passed on so that build_event counts it."""
    candidates = (
        opt_str(version, "version", "package_version"),
        opt_str(version, "name", "package_version"),
        opt_str(tag_metadata, "digest", "container_metadata.tag"),
    )
    present = [value for value in candidates if value]
    valid = [value for value in present if is_valid_digest(value)]
    chosen = valid or present
    return chosen[0] if chosen else None


def parse(headers: Mapping[str, str], body: bytes) -> ParseResult:
    """Parse a published/updated container package version.

    Repository names are lowercased by build_event (ghcr.io names are lowercase; payloads
    carry the owner's display login). The sender id is the X-GitHub-Delivery GUID, which
    GitHub keeps on redelivery.
    """
    document = load_hook_body(headers, body)
    event_name = _event_name(headers, document)
    if event_name == "ping":
        return dropped_only(DropReason.PING)
    if event_name not in _EVENTS:
        return dropped_only(DropReason.UNSUPPORTED_EVENT)
    package = get_object(document, event_name, "body")
    if get_str(document, "action", "body") not in _PUBLISHING_ACTIONS:
        return dropped_only(DropReason.UNSUPPORTED_EVENT)
    ecosystem = opt_str(package, "ecosystem", "package") or opt_str(
        package, "package_type", "package"
    )
    if (ecosystem or "").lower() not in _CONTAINER_ECOSYSTEMS:
        return dropped_only(DropReason.NOT_CONTAINER)
    version = get_object(package, "package_version", "package")
    container = opt_object(version, "container_metadata", "package_version") or EMPTY
    tag_metadata = opt_object(container, "tag", "container_metadata") or EMPTY
    manifest = opt_object(container, "manifest", "container_metadata") or EMPTY
    repository, url_tag = _repository_and_tag(package, version)
    time = parse_rfc3339(opt_str(version, "updated_at", "package_version")) or parse_rfc3339(
        opt_str(package, "updated_at", "package")
    )
    builder = ResultBuilder()
    builder.add(
        build_event(
            Action.PUSHED,
            repository,
            tag=opt_str(tag_metadata, "name", "container_metadata.tag") or url_tag,
            digest=_digest(version, tag_metadata),
            media_type=opt_str(manifest, "media_type", "container_metadata.manifest"),
            time=time,
            sender_event_id=get_header(headers, "X-GitHub-Delivery"),
        )
    )
    return builder.result()
