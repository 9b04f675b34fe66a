"""Match inventory packages against OSV records with OSV's range semantics (pure, in memory).

An affected package is hit when its version is in the entry's `versions` list (compared
in the ecosystem's order, so PyPI `1.0` equals `1.0.0`), or falls in one of its ECOSYSTEM
or SEMVER ranges. A range's events are sorted in the ecosystem's order and the last one
the version has reached decides: `introduced` (reached at >=, "0" always) means
affected, `fixed` (reached at >=) and `last_affected` (reached at >) mean not; `limit`
events additionally require the version to be below one of them. GIT ranges, entries
without a package, and withdrawn records never match. Ranges are only evaluated for
installed versions the ecosystem considers valid (a Go `(devel)` or an unparsable PyPI
version is matched by exact `versions` entries only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from services.scanner.inventory import Package
from services.scanner.versions import VersionOrdering, dpkg, ordering_for, ordering_for_range
from services.scanner.vulndb.keys import Key, affected_keys, key_of
from services.scanner.vulndb.osv import Affected, EventKind, OsvRecord, Range
from services.scanner.vulndb.severity import Rating, Severity, rate

_INTRODUCED, _FIXED, _LAST_AFFECTED = 0, 1, 2
_KIND_CODES = {
    EventKind.INTRODUCED: _INTRODUCED,
    EventKind.FIXED: _FIXED,
    EventKind.LAST_AFFECTED: _LAST_AFFECTED,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One vulnerability affecting one installed package."""

    vulnerability_id: str
    aliases: tuple[str, ...]  # aliases and upstream ids (CVE-..., GHSA-...), record's order
    package: Package
    matched_version: str  # the version compared: the source version for OS packages
    fixed_versions: tuple[str, ...]  # `fixed` of the range(s) the version fell in
    severity: Severity
    severity_source: str
    cvss_score: float | None
    cvss_vector: str
    summary: str
    key: Key  # (ecosystem, package) as indexed

    @property
    def installed_version(self) -> str:
        return self.package.version

    @property
    def layer(self) -> str:
        """diff_id of the layer that introduced the package."""
        return self.package.layer


class _Range:
    """A range compiled for one ordering: events sorted, keys precomputed."""

    __slots__ = ("events", "limits", "ordering")

    def __init__(self, ordering: VersionOrdering, source: Range) -> None:
        self.ordering = ordering
        events: list[tuple[Any, int, str]] = []
        limits: list[Any] = []
        for event in source.events:
            if event.kind is EventKind.LIMIT:
                # "*" means no limit at all
                limits.append(None if event.version == "*" else ordering.key(event.version))
            elif event.kind is EventKind.INTRODUCED and event.version == "0":
                events.append((None, _INTRODUCED, event.version))
            else:
                events.append((ordering.key(event.version), _KIND_CODES[event.kind], event.version))
        # ascending; "introduced: 0" first; on a tie an introduced comes before the
        # fixed/last_affected that closes it
        events.sort(key=lambda e: (e[0] is not None, e[0] if e[0] is not None else 0, e[1]))
        self.events = tuple(events)
        self.limits = tuple(limits)

    def hit(self, version_key: Any) -> tuple[bool, str]:
        """(affected, fixed version of the interval it fell in or '')."""
        events = self.events
        for index in range(len(events) - 1, -1, -1):
            event_key, kind, _ = events[index]
            if kind == _INTRODUCED:
                if event_key is None or not version_key < event_key:
                    if self.limits and not any(
                        limit is None or version_key < limit for limit in self.limits
                    ):
                        return False, ""
                    return True, self._closing_fix(index)
            elif kind == _FIXED:
                if not version_key < event_key:
                    return False, ""
            elif event_key < version_key:  # last_affected
                return False, ""
        return False, ""

    def _closing_fix(self, introduced: int) -> str:
        # the first fixed/last_affected after the introduced event closes its interval
        for _, kind, version in self.events[introduced + 1 :]:
            if kind != _INTRODUCED:
                return version if kind == _FIXED else ""
        return ""


class _Entry:
    """One affected entry of one record, ready to evaluate."""

    __slots__ = (
        "aliases",
        "binary_only",
        "key",
        "ordering",
        "ranges",
        "rating",
        "record_id",
        "summary",
        "version_keys",
        "versions",
    )

    def __init__(self, record: OsvRecord, affected: Affected, key: Key, binary_only: bool) -> None:
        assert affected.package is not None
        ecosystem = affected.package.ecosystem
        self.record_id = record.id
        self.aliases = tuple(
            dict.fromkeys(a for a in (*record.aliases, *record.upstream) if a != record.id)
        )
        self.summary = record.summary
        self.rating: Rating = rate(record, affected)
        self.key = key
        self.binary_only = binary_only
        self.ordering = ordering_for(ecosystem)
        self.versions = frozenset(affected.versions)
        self.version_keys = (
            frozenset(self.ordering.key(v) for v in affected.versions if self.ordering.valid(v))
            if self.ordering is not None
            else frozenset()
        )
        ranges = []
        for source in affected.ranges:
            ordering = ordering_for_range(ecosystem, source.type)
            if ordering is not None and source.events:
                ranges.append(_Range(ordering, source))
        self.ranges = tuple(ranges)

    def hit(self, version: str, keys: _VersionKeys) -> tuple[bool, tuple[str, ...]]:
        """(affected, fixed versions) for an installed version."""
        fixed: list[str] = []
        affected = False
        for version_range in self.ranges:
            version_key = keys.get(version_range.ordering)
            if version_key is _INVALID:
                continue
            in_range, fix = version_range.hit(version_key)
            if in_range:
                affected = True
                if fix:
                    fixed.append(fix)
        if not affected and self._listed(version, keys):
            affected = True
        return affected, tuple(fixed)

    def _listed(self, version: str, keys: _VersionKeys) -> bool:
        if version in self.versions:
            return True
        ordering = self.ordering
        if ordering is None or not self.version_keys:
            return False
        version_key = keys.get(ordering)
        if version_key is _INVALID:
            return False
        if version_key in self.version_keys:
            return True
        # a binNMU (1.2-3+b1) is a rebuild of the listed source version 1.2-3
        if ordering is dpkg.ORDERING:
            source = dpkg.without_binnmu(version)
            return source != version and ordering.key(source) in self.version_keys
        return False


_INVALID = object()


class _VersionKeys:
    """One installed version's sort key per ordering, computed on first use."""

    __slots__ = ("_cache", "_version")

    def __init__(self, version: str) -> None:
        self._version = version
        self._cache: dict[str, Any] = {}

    def get(self, ordering: VersionOrdering) -> Any:
        """The key, or `_INVALID` when the ordering rejects the version."""
        try:
            return self._cache[ordering.name]
        except KeyError:
            version = self._version
            value = ordering.key(version) if ordering.valid(version) else _INVALID
            self._cache[ordering.name] = value
            return value


class VulnIndex:
    """OSV records indexed by (ecosystem, package) key for fast matching.

    Build it once per database state (`VulnIndex(records)`; of records sharing an id
    the latest `modified` is used); `match` is then a dict lookup per package plus a few
    comparisons of precomputed sort keys.
    """

    def __init__(self, records: Iterable[OsvRecord]) -> None:
        latest: dict[str, OsvRecord] = {}
        for record in records:
            # the same id twice (two sources): the later `modified` wins
            kept = latest.get(record.id)
            if kept is None or record.modified_at > kept.modified_at:
                latest[record.id] = record
        by_key: dict[Key, list[_Entry]] = defaultdict(list)
        record_ids: set[str] = set()
        for record in latest.values():
            if record.is_withdrawn:
                continue
            for affected in record.affected:
                keys = affected_keys(affected)
                for position, key in enumerate(keys):
                    by_key[key].append(_Entry(record, affected, key, binary_only=position > 0))
                if keys:
                    record_ids.add(record.id)
        self._by_key: dict[Key, tuple[_Entry, ...]] = {k: tuple(v) for k, v in by_key.items()}
        self.record_count = len(record_ids)

    def __len__(self) -> int:
        """Number of indexed (key, affected entry) pairs."""
        return sum(len(v) for v in self._by_key.values())

    def keys(self) -> frozenset[Key]:
        """Every key some record in the index can match."""
        return frozenset(self._by_key)

    def match_package(self, package: Package) -> list[Finding]:
        """Findings for one package, one per vulnerability id."""
        key = key_of(package)
        entries = self._by_key.get(key)
        if not entries:
            return []
        version = package.match_version
        keys = _VersionKeys(version)
        found: dict[str, Finding] = {}
        for entry in entries:
            if entry.binary_only and package.source_name:
                continue
            affected, fixed = entry.hit(version, keys)
            if not affected:
                continue
            previous = found.get(entry.record_id)
            if previous is None:
                found[entry.record_id] = _finding(entry, package, version, fixed)
            else:
                found[entry.record_id] = _merge(previous, entry, fixed)
        return list(found.values())

    def match(self, packages: Iterable[Package]) -> list[Finding]:
        """Findings for every package, in package order."""
        findings: list[Finding] = []
        by_key = self._by_key
        for package in packages:
            if key_of(package) in by_key:
                findings.extend(self.match_package(package))
        return findings


def _finding(entry: _Entry, package: Package, version: str, fixed: tuple[str, ...]) -> Finding:
    rating = entry.rating
    return Finding(
        vulnerability_id=entry.record_id,
        aliases=entry.aliases,
        package=package,
        matched_version=version,
        fixed_versions=tuple(dict.fromkeys(fixed)),
        severity=rating.severity,
        severity_source=rating.source,
        cvss_score=rating.score,
        cvss_vector=rating.vector,
        summary=entry.summary,
        key=entry.key,
    )


def _merge(previous: Finding, entry: _Entry, fixed: tuple[str, ...]) -> Finding:
    # the same record hit through a second affected entry (e.g. two ranges of one
    # package written as two entries): keep every fixed version and the worse rating
    better = entry.rating.severity.rank > previous.severity.rank
    rating = entry.rating
    return Finding(
        vulnerability_id=previous.vulnerability_id,
        aliases=previous.aliases,
        package=previous.package,
        matched_version=previous.matched_version,
        fixed_versions=tuple(dict.fromkeys((*previous.fixed_versions, *fixed))),
        severity=rating.severity if better else previous.severity,
        severity_source=rating.source if better else previous.severity_source,
        cvss_score=rating.score if better else previous.cvss_score,
        cvss_vector=rating.vector if better else previous.cvss_vector,
        summary=previous.summary,
        key=previous.key,
    )
