"""Severity from CVSS vectors (via `cvss`), else the database's own rating, else UNKNOWN."""

from __future__ import annotations

from collections import Counter

import pytest

from services.scanner.vulndb.osv import OsvRecord, parse_record
from services.scanner.vulndb.severity import Severity, cvss_rating, rate


def _record(records: list[OsvRecord], record_id: str) -> OsvRecord:
    return next(r for r in records if r.id == record_id)


@pytest.mark.parametrize(
    ("kind", "vector", "severity", "score"),
    [
        ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", Severity.HIGH, 7.5),
        ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", Severity.CRITICAL, 10.0),
        ("CVSS_V3", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", Severity.MEDIUM, 5.5),
        ("CVSS_V3", "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N", Severity.LOW, 3.7),
        ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", Severity.NONE, 0.0),
        (
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H",
            Severity.MEDIUM,
            6.8,
        ),
        ("CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P", Severity.HIGH, 7.5),
    ],
)
def test_cvss_vectors(kind: str, vector: str, severity: Severity, score: float) -> None:
    rating = cvss_rating(kind, vector)
    assert rating is not None
    assert (rating.severity, rating.score, rating.source, rating.vector) == (
        severity,
        score,
        kind,
        vector,
    )


def test_broken_vectors_are_no_rating() -> None:
    assert cvss_rating("CVSS_V3", "CVSS:3.1/AV:N") is None
    assert cvss_rating("CVSS_V3", "garbage") is None
    assert cvss_rating("Ubuntu", "medium") is None


def test_real_records(records: list[OsvRecord]) -> None:
    ghsa = _record(records, "GHSA-whgm-jr23-g3j9")  # CVSS_V3 and GHSA's own "HIGH"
    assert rate(ghsa, ghsa.affected[0]).source == "CVSS_V3"
    log4j = _record(records, "GHSA-3pxv-7cmr-fjr4")  # a CVSS_V4 vector and "MODERATE"
    assert rate(log4j, log4j.affected[0]).source == "CVSS_V4"
    no_vector = parse_record({**log4j.raw, "severity": []})
    rating = rate(no_vector, no_vector.affected[0])
    assert (rating.severity, rating.source, rating.score) == (
        Severity.MEDIUM,
        "database_specific",
        None,
    )
    rust = _record(records, "RUSTSEC-2021-0003")  # vector in affected[].database_specific.cvss
    rating = rate(rust, rust.affected[0])
    assert (rating.severity, rating.source, rating.score) == (Severity.CRITICAL, "CVSS_V3", 9.8)
    fuzz = _record(records, "OSV-2018-389")  # OSS-Fuzz: ecosystem_specific.severity
    assert rate(fuzz, fuzz.affected[0]).severity is Severity.MEDIUM
    go = _record(records, "GO-2022-0274")  # the Go database rates nothing
    assert rate(go, go.affected[0]).severity is Severity.UNKNOWN
    dla = _record(records, "DLA-3008-1")
    assert rate(dla, dla.affected[0]).severity is Severity.UNKNOWN
    # every record gets some rating without raising; most of this data has none
    counts = Counter(rate(r, a).severity for r in records for a in r.affected)
    assert counts[Severity.UNKNOWN] > 0 and counts[Severity.HIGH] > 0


def test_ubuntu_priority_when_there_is_no_vector(records: list[OsvRecord]) -> None:
    ubuntu = _record(records, "CVE-2024-0727")
    without_cvss = parse_record({**ubuntu.raw, "severity": []})
    rating = rate(without_cvss, without_cvss.affected[0])
    assert (rating.severity, rating.source) == (Severity.LOW, "ubuntu_priority")
    typed = parse_record({**ubuntu.raw, "severity": [{"type": "Ubuntu", "score": "high"}]})
    bare = parse_record(
        {**typed.raw, "affected": [{**a, "ecosystem_specific": {}} for a in typed.raw["affected"]]}
    )
    assert rate(bare, bare.affected[0]).severity is Severity.HIGH


def test_severity_ranks_for_at_least_filters() -> None:
    ordered = sorted(Severity, key=lambda s: s.rank)
    assert ordered == [
        Severity.UNKNOWN,
        Severity.NONE,
        Severity.LOW,
        Severity.MEDIUM,
        Severity.HIGH,
        Severity.CRITICAL,
    ]
