"""Harbor webhooks: the default format, the CloudEvents format and the legacy 1.x shape."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from gateway.events import (
    Action,
    DropReason,
    ParseResult,
    ResultBuilder,
    build_event,
    dropped_only,
)
from gateway.parsers.content_type import require_json_media_type
from gateway.parsers.jsonfields import (
    JsonObject,
    as_object,
    get_object,
    get_str,
    load_json,
    opt_list,
    opt_number,
    opt_str,
)
from gateway.parsers.timestamps import from_unix_seconds, parse_rfc3339

# Default-format `type` values (2.x topics) and the legacy 1.x names.
_DEFAULT_TYPES: dict[str, Action | DropReason] = {
    "PUSH_ARTIFACT": Action.PUSHED,
    "CREATE_TAG": Action.PUSHED,
    "DELETE_ARTIFACT": Action.DELETED,
    "DELETE_TAG": Action.DELETED,
    "PULL_ARTIFACT": DropReason.PULL,
    "SCANNING_COMPLETED": DropReason.SCAN,
    "SCANNING_FAILED": DropReason.SCAN,
    "SCANNING_STOPPED": DropReason.SCAN,
    "QUOTA_EXCEED": DropReason.QUOTA,
    "QUOTA_WARNING": DropReason.QUOTA,
    "REPLICATION": DropReason.REPLICATION,
    "TAG_RETENTION": DropReason.RETENTION,
    "UPLOAD_CHART": DropReason.CHART,
    "DELETE_CHART": DropReason.CHART,
    "DOWNLOAD_CHART": DropReason.CHART,
    "pushImage": Action.PUSHED,
    "deleteImage": Action.DELETED,
    "pullImage": DropReason.PULL,
    "scanningCompleted": DropReason.SCAN,
    "scanningFailed": DropReason.SCAN,
    "quotaExceed": DropReason.QUOTA,
    "quotaWarning": DropReason.QUOTA,
    "replication": DropReason.REPLICATION,
    "uploadChart": DropReason.CHART,
    "deleteChart": DropReason.CHART,
    "downloadChart": DropReason.CHART,
}

_CLOUDEVENT_TYPES: dict[str, Action | DropReason] = {
    "harbor.artifact.pushed": Action.PUSHED,
    "harbor.tag.created": Action.PUSHED,
    "harbor.artifact.deleted": Action.DELETED,
    "harbor.tag.deleted": Action.DELETED,
    "harbor.artifact.pulled": DropReason.PULL,
}

_CLOUDEVENT_PREFIXES: tuple[tuple[str, DropReason], ...] = (
    ("harbor.scan.", DropReason.SCAN),
    ("harbor.quota.", DropReason.QUOTA),
    ("harbor.replication.", DropReason.REPLICATION),
    ("harbor.tag_retention.", DropReason.RETENTION),
    ("harbor.chart.", DropReason.CHART),
)


def _cloudevent_kind(event_type: str) -> Action | DropReason:
    kind = _CLOUDEVENT_TYPES.get(event_type)
    if kind is not None:
        return kind
    for prefix, reason in _CLOUDEVENT_PREFIXES:
        if event_type.startswith(prefix):
            return reason
    return DropReason.UNSUPPORTED_EVENT


def _repository_name(data: JsonObject, where: str) -> str:
    repository = get_object(data, "repository", where)
    full_name = opt_str(repository, "repo_full_name", f"{where}.repository")
    if full_name:
        return full_name
    namespace = get_str(repository, "namespace", f"{where}.repository")
    name = get_str(repository, "name", f"{where}.repository")
    return f"{namespace}/{name}"


def _events_from_data(
    action: Action,
    data: JsonObject,
    where: str,
    time: datetime | None,
    sender_event_id: str | None,
) -> ParseResult:
    repository = _repository_name(data, where)
    resources = opt_list(data, "resources", where)
    if not resources:
        return dropped_only(DropReason.NO_REFERENCE)
    builder = ResultBuilder()
    for index, item in enumerate(resources):
        here = f"{where}.resources[{index}]"
        resource = as_object(item, here)
        digest = opt_str(resource, "digest", here)
        tag = opt_str(resource, "tag", here)
        # A digest-only push reports the digest as its tag.
        if tag is not None and tag.startswith(("sha256:", "sha512:")):
            digest = digest or tag
            tag = None
        builder.add(
            build_event(
                action,
                repository,
                tag=tag,
                digest=digest,
                time=time,
                sender_event_id=sender_event_id,
            )
        )
    return builder.result()


def parse(headers: Mapping[str, str], body: bytes) -> ParseResult:
    """Parse a Harbor notification in any of its formats; one event per resource."""
    require_json_media_type(headers)
    document = as_object(load_json(body), "body")
    # Structured CloudEvents carry `specversion`; the default format never does.
    if "specversion" in document:
        kind = _cloudevent_kind(get_str(document, "type", "body"))
        if isinstance(kind, DropReason):
            return dropped_only(kind)
        return _events_from_data(
            kind,
            get_object(document, "data", "body"),
            "data",
            parse_rfc3339(opt_str(document, "time", "body")),
            opt_str(document, "id", "body"),
        )
    kind = _DEFAULT_TYPES.get(get_str(document, "type", "body"), DropReason.UNSUPPORTED_EVENT)
    if isinstance(kind, DropReason):
        return dropped_only(kind)
    return _events_from_data(
        kind,
        get_object(document, "event_data", "body"),
        "event_data",
        from_unix_seconds(opt_number(document, "occur_at", "body")),
        None,
    )
