"""Package identities, package sets and findings as stored (pure): match once per package."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from services.scanner.inventory import Package
from services.scanner.vulndb.matcher import Finding
from services.scanner.vulndb.severity import Severity

SeverityCounts = dict[str, int]


_IDS: dict[int, tuple[Package, str]] = {}
_IDS_MAX = 200_000


def package_id(package: Package) -> str:
    """Identity of a package wherever it is found (path and layer excluded)."""
    cached = _IDS.get(id(package))
    if cached is not None and cached[0] is package:  # the same object: merges reuse them
        return cached[1]
    parts = (
        package.type.value,
        package.ecosystem,
        package.name,
        package.version,
        package.source_name,
        package.source_version,
        package.arch,
        package.purl,
    )
    result = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    if len(_IDS) >= _IDS_MAX:
        _IDS.clear()
    _IDS[id(package)] = (package, result)
    return result


def package_set_id(members: Iterable[tuple[str, str, str]]) -> str:
    """Identity of an image's contents: its (package id, path, layer) members."""
    text = "\n".join("\x1f".join(m) for m in sorted(members))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class PackageFinding:
    """One vulnerability affecting one distinct package."""

    package_id: str
    vulnerability_id: str
    aliases: tuple[str, ...]
    fixed_versions: tuple[str, ...]
    severity: str
    severity_rank: int
    cvss_score: float
    summary: str
    first_seen: datetime | None = field(default=None, compare=False)

    @property
    def identity(self) -> tuple[str, str]:
        return (self.package_id, self.vulnerability_id)


def package_findings(pid: str, findings: Iterable[Finding]) -> list[PackageFinding]:
    """One row per vulnerability (the matcher already merges a record's entries)."""
    out: dict[str, PackageFinding] = {}
    for finding in findings:
        out.setdefault(
            finding.vulnerability_id,
            PackageFinding(
                package_id=pid,
                vulnerability_id=finding.vulnerability_id,
                aliases=tuple(finding.aliases),
                fixed_versions=tuple(finding.fixed_versions),
                severity=finding.severity.value,
                severity_rank=finding.severity.rank,
                cvss_score=finding.cvss_score or 0.0,
                summary=finding.summary[:500],
            ),
        )
    return list(out.values())


@dataclass(frozen=True, slots=True)
class ImageFinding:
    """A finding as an image shows it: the package where it sits, and the vulnerability."""

    digest: str
    package: Package
    finding: PackageFinding
    position: int = 0  # the package's place in its package set (a stable sort key)


def diff_findings(
    before: Iterable[PackageFinding], after: Iterable[PackageFinding]
) -> tuple[list[PackageFinding], list[PackageFinding], list[PackageFinding]]:
    """(added, removed, changed-or-added to upsert) between two states of some packages."""
    old = {f.identity: f for f in before}
    new = {f.identity: f for f in after}
    added = [f for i, f in new.items() if i not in old]
    removed = [f for i, f in old.items() if i not in new]
    upserts = [f for i, f in new.items() if old.get(i) != f]
    return added, removed, upserts


def severity_rank(name: str) -> int:
    return Severity(name).rank if name in Severity.__members__ else 0
