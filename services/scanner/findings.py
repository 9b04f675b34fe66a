"""Findings as stored rows: built from matcher results, compared by identity (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from services.scanner.vulndb.matcher import Finding
from services.scanner.vulndb.severity import Severity

SeverityCounts = dict[str, int]
FindingIdentity = tuple[str, str, str, str, str]


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One vulnerability on one package of one image, as the store keeps it."""

    digest: str
    vulnerability_id: str
    ecosystem: str
    package_name: str
    package_version: str
    key_ecosystem: str
    key_name: str
    package_type: str
    package_path: str
    layer: str
    source_name: str
    aliases: tuple[str, ...]
    fixed_versions: tuple[str, ...]
    severity: str
    severity_rank: int
    cvss_score: float
    summary: str
    first_seen: datetime | None = field(default=None, compare=False)

    @property
    def identity(self) -> FindingIdentity:
        return (
            self.vulnerability_id,
            self.ecosystem,
            self.package_name,
            self.package_version,
            self.package_path,
        )


def rows_from_findings(digest: str, findings: Iterable[Finding]) -> list[FindingRow]:
    rows: dict[FindingIdentity, FindingRow] = {}
    for finding in findings:
        package = finding.package
        row = FindingRow(
            digest=digest,
            vulnerability_id=finding.vulnerability_id,
            ecosystem=package.ecosystem,
            package_name=package.name,
            package_version=package.version,
            key_ecosystem=finding.key[0],
            key_name=finding.key[1],
            package_type=package.type.value,
            package_path=package.path,
            layer=package.layer,
            source_name=package.source_name,
            aliases=tuple(finding.aliases),
            fixed_versions=tuple(finding.fixed_versions),
            severity=finding.severity.value,
            severity_rank=finding.severity.rank,
            cvss_score=finding.cvss_score or 0.0,
            summary=finding.summary[:500],
        )
        rows.setdefault(row.identity, row)
    return list(rows.values())


def severity_rank(name: str) -> int:
    return Severity(name).rank if name in Severity.__members__ else 0


def count_by_severity(rows: Iterable[FindingRow]) -> SeverityCounts:
    counts: SeverityCounts = {}
    for row in rows:
        counts[row.severity] = counts.get(row.severity, 0) + 1
    return counts
