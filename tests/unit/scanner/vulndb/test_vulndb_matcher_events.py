"""The matcher against every real record's own events: packages are synthesised just below,
at and just above each event, and the expected findings are worked out here from the
records with interval logic of their own and the real tools' version order (packaging,
APT, node semver, Go x/mod/semver, Maven; apk-tools' order for Alpine)."""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from packaging.version import InvalidVersion, Version

from services.scanner.inventory import Package, PackageType
from services.scanner.versions import apk
from services.scanner.vulndb.matcher import VulnIndex
from services.scanner.vulndb.osv import Affected, EventKind, OsvRecord

FAMILIES = ("PyPI", "Debian", "Ubuntu", "Alpine", "Go", "npm", "crates.io", "Maven")
# Package.type takes no part in matching; the inventory has no Rust type (crates.io
# packages are matched all the same)
PACKAGE_TYPES = {
    "PyPI": PackageType.PYTHON,
    "Debian": PackageType.DPKG,
    "Ubuntu": PackageType.DPKG,
    "Alpine": PackageType.APK,
    "Go": PackageType.GO,
    "npm": PackageType.NPM,
    "crates.io": PackageType.NPM,
    "Maven": PackageType.MAVEN,
}
MAX_CANDIDATES_PER_PACKAGE = 40
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
_APK_REVISION = re.compile(r"^(.*)-r(\d+)$")


def _pypi_neighbours(version: str) -> list[str]:
    try:
        parsed = Version(version)
    except InvalidVersion:
        return []
    out = []
    if parsed.dev is None and parsed.local is None:
        out.append(f"{version}.dev0")
    if parsed.local is None:
        out.append(f"{version}+zz1")
        if parsed.post is None and parsed.dev is None:
            out.append(f"{version}.post1")
    return out


def _semver_neighbours(version: str) -> list[str]:
    match = _SEMVER.match(version)
    if match is None:
        return []
    major, minor, patch, pre = match.groups()
    core = f"{major}.{minor}.{patch}"
    out = [f"{major}.{minor}.{int(patch) + 1}"]
    if "+" not in version:
        out.append(f"{version}+build.7")  # build metadata: equal precedence
    if pre is None:
        out.append(f"{core}-0")
    else:
        out.append(f"{core}-{pre}.1")
        last = pre.rsplit(".", 1)[-1]
        if last.isdigit() and int(last) > 0 and not (len(last) > 1 and last[0] == "0"):
            out.append(f"{core}-{pre[: len(pre) - len(last)]}{int(last) - 1}")
    return out


def _apk_neighbours(version: str) -> list[str]:
    match = _APK_REVISION.match(version)
    if match is None:
        return [f"{version}_rc1", f"{version}-r1"] if re.match(r"^\d", version) else []
    base, revision = match[1], int(match[2])
    below = f"{base}-r{revision - 1}" if revision > 0 else f"{base}_rc1-r{revision}"
    return [below, f"{base}-r{revision + 1}", f"{base}_p1-r0"]


def neighbours(family: str, version: str) -> list[str]:
    """Versions just below and just above `version` in the family's order."""
    if family == "PyPI":
        return _pypi_neighbours(version)
    if family in ("Debian", "Ubuntu"):
        return [f"{version}~", f"{version}+b1", f"{version}.1"]
    if family == "Alpine":
        return _apk_neighbours(version)
    if family in ("Go", "npm", "crates.io"):
        return _semver_neighbours(version)
    return [f"{version}-SNAPSHOT", f"{version}.1", f"{version}-sp1"]  # Maven


@dataclass
class _Group:
    """Every non-withdrawn affected entry for one (ecosystem, package)."""

    family: str
    ecosystem: str
    name: str
    entries: list[tuple[OsvRecord, Affected]]


def _normal_name(family: str, name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower() if family == "PyPI" else name


def _groups(records: list[OsvRecord]) -> list[_Group]:
    groups: dict[tuple[str, str], _Group] = {}
    for record in records:
        if record.withdrawn:
            continue
        for affected in record.affected:
            if affected.package is None:
                continue
            ecosystem = affected.package.ecosystem
            family = ecosystem.split(":", 1)[0]
            if family not in FAMILIES:
                continue
            key = (ecosystem, _normal_name(family, affected.package.name))
            group = groups.setdefault(key, _Group(family, ecosystem, affected.package.name, []))
            group.entries.append((record, affected))
    return list(groups.values())


def _ranges(affected: Affected) -> list[list[tuple[EventKind, str]]]:
    return [
        [(e.kind, e.version) for e in r.events]
        for r in affected.ranges
        if r.type in ("ECOSYSTEM", "SEMVER")
    ]


def _candidates(group: _Group, rnd: random.Random) -> list[str]:
    found: list[str] = []
    for _, affected in group.entries:
        for events in _ranges(affected):
            for _, version in events:
                if version not in ("0", "*"):
                    found += [version, *neighbours(group.family, version)]
        found += rnd.sample(list(affected.versions), min(3, len(affected.versions)))
    found.append(
        {"Debian": "0.0.1-1", "Ubuntu": "0.0.1-1", "Alpine": "0.0.1-r0"}.get(group.family, "0.0.1")
    )
    unique = list(dict.fromkeys(found))
    if len(unique) > MAX_CANDIDATES_PER_PACKAGE:
        unique = rnd.sample(unique, MAX_CANDIDATES_PER_PACKAGE)
    return unique


def _needed_pairs(group: _Group, candidates: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for _, affected in group.entries:
        for events in _ranges(affected):
            versions = [v for _, v in events if v not in ("0", "*")]
            pairs += [(c, v) for c in candidates for v in versions]
            pairs += [(a, b) for a in versions for b in versions]
        pairs += [(c, v) for c in candidates for v in affected.versions]
    return pairs


def comparable(family: str, version: str) -> bool:
    """Whether the family's tool can place the version at all (else: exact lists only)."""
    if family == "PyPI":
        try:
            Version(version)
        except InvalidVersion:
            return False
    # apk-tools' validity rule (apk_version_validate), e.g. a secdb typo `2.7.16-33`
    return family != "Alpine" or apk.valid(version)


def expected_findings(
    group: _Group, candidate: str, cmp: Callable[[str, str], int | None]
) -> dict[str, set[str]]:
    """{record id: fixed versions} for a candidate version, by intervals: each
    `introduced` opens an interval that the lowest `fixed` (exclusive) or
    `last_affected` (inclusive) at or above it closes; `limit`s cap the range."""

    def order(a: str, b: str) -> int:
        result = cmp(a, b)
        assert result is not None, (a, b)
        return result

    hits: dict[str, set[str]] = {}
    in_order = comparable(group.family, candidate)
    for record, affected in group.entries:
        hit = candidate in affected.versions or any(
            cmp(candidate, v) == 0 for v in affected.versions
        )
        fixed: set[str] = set()
        for events in _ranges(affected) if in_order else []:
            limits = [v for kind, v in events if kind is EventKind.LIMIT]
            if limits and not any(v == "*" or order(candidate, v) < 0 for v in limits):
                continue
            closes = [(k, v) for k, v in events if k in (EventKind.FIXED, EventKind.LAST_AFFECTED)]
            for kind, start in events:
                if kind is not EventKind.INTRODUCED:
                    continue
                if start != "0" and order(candidate, start) < 0:
                    continue
                after = [c for c in closes if start == "0" or order(c[1], start) >= 0]
                lowest = None
                for close in after:
                    if lowest is None or order(close[1], lowest[1]) < 0:
                        lowest = close
                if lowest is None:
                    hit = True
                elif lowest[0] is EventKind.FIXED and order(candidate, lowest[1]) < 0:
                    hit = True
                    fixed.add(lowest[1])
                elif lowest[0] is EventKind.LAST_AFFECTED and order(candidate, lowest[1]) <= 0:
                    hit = True
        if hit:
            hits.setdefault(record.id, set()).update(fixed)
    return hits


def _without_versions_lists(records: list[OsvRecord]) -> list[OsvRecord]:
    return [
        dataclasses.replace(
            r, affected=tuple(dataclasses.replace(a, versions=()) for a in r.affected)
        )
        for r in records
    ]


@pytest.fixture(scope="module")
def indexes(records: list[OsvRecord]) -> dict[bool, tuple[list[OsvRecord], VulnIndex]]:
    """With and without the records' `versions` lists (which can mask range logic)."""
    stripped = _without_versions_lists(records)
    return {True: (records, VulnIndex(records)), False: (stripped, VulnIndex(stripped))}


@pytest.mark.parametrize("with_lists", [True, False], ids=["ranges+lists", "ranges-only"])
@pytest.mark.parametrize("family", FAMILIES)
def test_matcher_agrees_with_the_records_own_events(
    family: str, with_lists: bool, indexes, real_order
) -> None:
    records, index = indexes[with_lists]
    rnd = random.Random(f"events-{family}")
    groups = [g for g in _groups(records) if g.family == family]
    assert groups
    plan = [(g, _candidates(g, rnd)) for g in groups]
    order = real_order(family, [p for g, cs in plan for p in _needed_pairs(g, cs)])

    def cmp(a: str, b: str) -> int | None:
        return 0 if a == b else order[(a, b)]

    checked = hits = 0
    wrong = []
    for group, candidates in plan:
        for candidate in candidates:
            package = Package(
                type=PACKAGE_TYPES[family],
                name=group.name,
                version=candidate,
                ecosystem=group.ecosystem,
            )
            got = {f.vulnerability_id: set(f.fixed_versions) for f in index.match([package])}
            want = expected_findings(group, candidate, cmp)
            checked += 1
            hits += len(want)
            if got != want:
                wrong.append((group.ecosystem, group.name, candidate, want, got))
    assert wrong == []
    # the synthesised versions land on both sides of the events
    assert checked >= 3 * len(groups)
    assert hits > 0
