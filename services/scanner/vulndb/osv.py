"""OSV records (https://ossf.github.io/osv-schema/) parsed into frozen dataclasses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class OsvFormatError(ValueError):
    """A JSON document that is not a usable OSV record."""


class EventKind(StrEnum):
    """The four OSV range events."""

    INTRODUCED = "introduced"
    FIXED = "fixed"
    LAST_AFFECTED = "last_affected"
    LIMIT = "limit"


@dataclass(frozen=True, slots=True)
class Event:
    """One range event: `{"introduced": "1.2.0"}`."""

    kind: EventKind
    version: str


@dataclass(frozen=True, slots=True)
class Range:
    """An OSV range: type ECOSYSTEM, SEMVER or GIT, with its events in file order."""

    type: str
    events: tuple[Event, ...]
    repo: str = ""


@dataclass(frozen=True, slots=True)
class AffectedPackage:
    """The package an `affected` entry is about (`name` is the source package for distros)."""

    ecosystem: str
    name: str
    purl: str = ""


@dataclass(frozen=True, slots=True)
class SeverityScore:
    """One `severity` entry: a CVSS vector (`CVSS_V3`, `CVSS_V4`, `CVSS_V2`) or a rating."""

    type: str
    score: str


@dataclass(frozen=True, slots=True)
class Affected:
    """One `affected` entry. `package` is None for entries without one (GIT-only)."""

    package: AffectedPackage | None
    ranges: tuple[Range, ...] = ()
    versions: tuple[str, ...] = ()
    severity: tuple[SeverityScore, ...] = ()
    ecosystem_specific: Mapping[str, Any] = field(default_factory=dict, hash=False)
    database_specific: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class OsvRecord:
    """One vulnerability record. Timestamps are kept as written (RFC 3339 strings)."""

    id: str
    modified: str
    published: str = ""
    withdrawn: str = ""
    aliases: tuple[str, ...] = ()
    upstream: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    summary: str = ""
    details: str = ""
    severity: tuple[SeverityScore, ...] = ()
    affected: tuple[Affected, ...] = ()
    database_specific: Mapping[str, Any] = field(default_factory=dict, hash=False)
    # the JSON object it was parsed from, for storage; not part of equality
    raw: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False, repr=False)

    @property
    def is_withdrawn(self) -> bool:
        """Withdrawn records stay stored but never match."""
        return bool(self.withdrawn)

    @property
    def modified_at(self) -> datetime:
        """`modified` as an aware datetime (the epoch if unparsable)."""
        return parse_timestamp(self.modified) or datetime.fromtimestamp(0, UTC)


_TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:?\d{2})?$"
)


def parse_timestamp(text: str) -> datetime | None:
    """RFC 3339 with any number of fraction digits (osv.dev writes nanoseconds); naive
    timestamps count as UTC. None when unparsable."""
    match = _TIMESTAMP.match(text.strip())
    if match is None:
        return None
    day, time, fraction, zone = match.groups()
    micro = (fraction or "").ljust(6, "0")[:6]
    offset = "+00:00" if zone in (None, "Z", "z") else zone
    try:
        return datetime.fromisoformat(f"{day}T{time}.{micro}{offset}")
    except ValueError:
        return None


def _string(obj: Mapping[str, Any], name: str, required: bool = False) -> str:
    value = obj.get(name)
    if value is None:
        if required:
            raise OsvFormatError(f"missing {name!r}")
        return ""
    if not isinstance(value, str):
        raise OsvFormatError(f"{name!r} is {type(value).__name__}, not a string")
    if required and not value.strip():
        raise OsvFormatError(f"empty {name!r}")
    return value


def _list(obj: Mapping[str, Any], name: str) -> list[Any]:
    value = obj.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise OsvFormatError(f"{name!r} is {type(value).__name__}, not a list")
    return value


def _strings(obj: Mapping[str, Any], name: str) -> tuple[str, ...]:
    values = _list(obj, name)
    if not all(isinstance(v, str) for v in values):
        raise OsvFormatError(f"{name!r} holds a non-string")
    return tuple(values)


def _mapping(obj: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = obj.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise OsvFormatError(f"{name!r} is {type(value).__name__}, not an object")
    return value


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise OsvFormatError(f"{where} is {type(value).__name__}, not an object")
    return value


def _severity(obj: Mapping[str, Any]) -> tuple[SeverityScore, ...]:
    scores = []
    for entry in _list(obj, "severity"):
        entry = _object(entry, "severity entry")
        scores.append(SeverityScore(type=_string(entry, "type"), score=_string(entry, "score")))
    return tuple(scores)


def _event(obj: Any) -> Event | None:
    obj = _object(obj, "event")
    for kind in EventKind:
        if kind.value in obj:
            version = obj[kind.value]
            if not isinstance(version, str):
                raise OsvFormatError(f"{kind.value} event is not a string")
            return Event(kind=kind, version=version)
    return None  # an event kind from a newer schema: ignored


def _range(obj: Any) -> Range:
    obj = _object(obj, "range")
    events = tuple(e for e in map(_event, _list(obj, "events")) if e is not None)
    return Range(type=_string(obj, "type"), events=events, repo=_string(obj, "repo"))


def _affected(obj: Any) -> Affected:
    obj = _object(obj, "affected entry")
    package_obj = obj.get("package")
    package = None
    if package_obj is not None:
        package_obj = _object(package_obj, "package")
        name, ecosystem = _string(package_obj, "name"), _string(package_obj, "ecosystem")
        if name and ecosystem:
            package = AffectedPackage(
                ecosystem=ecosystem, name=name, purl=_string(package_obj, "purl")
            )
    return Affected(
        package=package,
        ranges=tuple(_range(r) for r in _list(obj, "ranges")),
        versions=_strings(obj, "versions"),
        severity=_severity(obj),
        ecosystem_specific=_mapping(obj, "ecosystem_specific"),
        database_specific=_mapping(obj, "database_specific"),
    )


def parse_record(obj: Any) -> OsvRecord:
    """An OsvRecord from a decoded JSON object; OsvFormatError when it is not one."""
    obj = _object(obj, "record")
    return OsvRecord(
        id=_string(obj, "id", required=True).strip(),
        modified=_string(obj, "modified", required=True).strip(),
        published=_string(obj, "published"),
        withdrawn=_string(obj, "withdrawn"),
        aliases=_strings(obj, "aliases"),
        upstream=_strings(obj, "upstream"),
        related=_strings(obj, "related"),
        summary=_string(obj, "summary"),
        details=_string(obj, "details"),
        severity=_severity(obj),
        affected=tuple(_affected(a) for a in _list(obj, "affected")),
        database_specific=_mapping(obj, "database_specific"),
        raw=obj,
    )
