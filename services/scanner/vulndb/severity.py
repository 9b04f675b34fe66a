"""Severity of a vulnerability for one affected package: CVSS first, else the database's rating."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cvss import CVSS2, CVSS3, CVSS4
from cvss.exceptions import CVSSError

from services.scanner.vulndb.osv import Affected, OsvRecord, SeverityScore


class Severity(StrEnum):
    """Qualitative severity; `rank` orders them for "at least" filters."""

    UNKNOWN = "UNKNOWN"
    NONE = "NONE"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {s: i for i, s in enumerate(Severity)}

# database ratings seen in OSV data: GHSA (LOW/MODERATE/HIGH/CRITICAL), OSS-Fuzz,
# Ubuntu priorities (negligible/low/medium/high/critical, untriaged)
_WORDS = {
    "none": Severity.NONE,
    "negligible": Severity.LOW,
    "low": Severity.LOW,
    "moderate": Severity.MEDIUM,
    "medium": Severity.MEDIUM,
    "important": Severity.HIGH,
    "high": Severity.HIGH,
    "critical": Severity.CRITICAL,
}

# which CVSS version wins when a record carries several
_CVSS_PREFERENCE = ("CVSS_V3", "CVSS_V4", "CVSS_V2")


@dataclass(frozen=True, slots=True)
class Rating:
    """A severity with where it came from; score/vector only for CVSS."""

    severity: Severity
    source: str = ""  # CVSS_V3, CVSS_V4, CVSS_V2, database_specific, ubuntu_priority, ...
    score: float | None = None
    vector: str = ""


UNKNOWN = Rating(Severity.UNKNOWN)


def cvss_rating(kind: str, vector: str) -> Rating | None:
    """Base score and qualitative rating of a CVSS vector; None if it does not parse."""
    try:
        if kind == "CVSS_V3":
            v3 = CVSS3(vector)
            score, word = float(v3.base_score), v3.severities()[0]
        elif kind == "CVSS_V4":
            v4 = CVSS4(vector)
            score, word = float(v4.base_score), v4.severity
        elif kind == "CVSS_V2":
            v2 = CVSS2(vector)
            score, word = float(v2.base_score), v2.severities()[0]
        else:
            return None
    except (CVSSError, ValueError, KeyError, IndexError):
        return None
    severity = _WORDS.get(str(word).lower())
    if severity is None:
        return None
    return Rating(severity=severity, source=kind, score=score, vector=vector)


def _cvss_kind(vector: str) -> str:
    if vector.startswith("CVSS:4."):
        return "CVSS_V4"
    if vector.startswith("CVSS:3."):
        return "CVSS_V3"
    return "CVSS_V2"


def _best_cvss(scores: Iterable[SeverityScore]) -> Rating | None:
    ratings: dict[str, Rating] = {}
    for entry in scores:
        rating = cvss_rating(entry.type, entry.score)
        if rating is not None:
            ratings.setdefault(entry.type, rating)
    return next((ratings[k] for k in _CVSS_PREFERENCE if k in ratings), None)


def _word(mapping: Mapping[str, Any], name: str) -> Severity | None:
    value = mapping.get(name)
    return _WORDS.get(value.strip().lower()) if isinstance(value, str) else None


def rate(record: OsvRecord, affected: Affected) -> Rating:
    """The rating of `record` for one affected entry.

    Order: CVSS vectors of the entry, then of the record (CVSS_V3, CVSS_V4, CVSS_V2 in
    that order of preference; RustSec keeps its vector in the entry's
    `database_specific.cvss`); then a database's own word: `severity` in the entry's
    `ecosystem_specific`/`database_specific` or the record's `database_specific` (GHSA),
    Ubuntu's `ubuntu_priority`, an `Ubuntu` severity entry; else UNKNOWN.
    """
    rating = _best_cvss(affected.severity) or _best_cvss(record.severity)
    if rating is not None:
        return rating
    rustsec = affected.database_specific.get("cvss")
    if isinstance(rustsec, str) and rustsec:
        rating = cvss_rating(_cvss_kind(rustsec), rustsec)
        if rating is not None:
            return rating
    for mapping, name, source in (
        (affected.ecosystem_specific, "severity", "ecosystem_specific"),
        (affected.database_specific, "severity", "database_specific"),
        (record.database_specific, "severity", "database_specific"),
        (affected.ecosystem_specific, "ubuntu_priority", "ubuntu_priority"),
    ):
        severity = _word(mapping, name)
        if severity is not None:
            return Rating(severity=severity, source=source)
    for entry in (*affected.severity, *record.severity):
        severity = _WORDS.get(entry.score.strip().lower())
        if entry.type == "Ubuntu" and severity is not None:
            return Rating(severity=severity, source="Ubuntu")
    return UNKNOWN
