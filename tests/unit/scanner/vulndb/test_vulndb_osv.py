"""OSV parsing on the 1,420 real records, and rejection of documents that are not records."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.scanner.vulndb.osv import (
    EventKind,
    OsvFormatError,
    OsvRecord,
    parse_record,
    parse_timestamp,
)

VULNDB = Path(__file__).resolve().parents[3] / "data" / "vulndb"


def _raw(relative: str) -> dict[str, Any]:
    return json.loads((VULNDB / relative).read_text())


def test_every_real_record_parses_with_its_features(records: list[OsvRecord]) -> None:
    assert len(records) == 1420
    ranges = [r for rec in records for a in rec.affected for r in a.ranges]
    events = [e for r in ranges for e in r.events]
    assert sum(r.type == "GIT" for r in ranges) == 115
    assert sum(r.type == "SEMVER" for r in ranges) == 544
    assert sum(r.type == "ECOSYSTEM" for r in ranges) == 1352
    assert sum(e.kind is EventKind.LAST_AFFECTED for e in events) == 2
    assert not any(e.kind is EventKind.LIMIT for e in events)
    assert sum(r.is_withdrawn for r in records) == 5
    assert sum(any(a.versions for a in r.affected) for r in records) == 370
    assert sum(a.package is None for r in records for a in r.affected) == 1
    scores = [s.type for r in records for s in r.severity]
    assert (scores.count("CVSS_V3"), scores.count("CVSS_V4"), len(scores)) == (57, 4, 61)


def test_fields_of_one_record_survive_parsing() -> None:
    raw = _raw("osv-scanner-testdata/Maven/GHSA-3pxv-7cmr-fjr4.json")
    record = parse_record(raw)
    assert record.id == "GHSA-3pxv-7cmr-fjr4"
    assert record.aliases == ("CVE-2026-34480",)
    assert record.related == ("CGA-wqhw-vh22-jwgm",)
    assert record.database_specific["severity"] == "MODERATE"
    first, second = record.affected
    assert first.package is not None
    assert first.package.name == "org.apache.logging.log4j:log4j-core"
    assert first.package.ecosystem == "Maven"
    assert first.package.purl == "pkg:maven/org.apache.logging.log4j/log4j-core"
    assert [(e.kind, e.version) for e in second.ranges[0].events] == [
        (EventKind.INTRODUCED, "3.0.0-alpha1"),
        (EventKind.LAST_AFFECTED, "3.0.0-beta3"),
    ]
    assert second.versions == ("3.0.0-alpha1", "3.0.0-beta1", "3.0.0-beta2", "3.0.0-beta3")
    assert record.raw is raw
    # equality ignores the raw document, hashing ignores the mappings
    assert record == parse_record(json.loads(json.dumps(raw)))
    assert hash(record) == hash(parse_record(json.loads(json.dumps(raw))))


def test_ubuntu_and_debian_specifics_are_kept() -> None:
    ubuntu = parse_record(_raw("ubuntu/CVE-2024-0727.json"))
    assert ubuntu.severity[0].type == "CVSS_V3"
    assert ubuntu.affected[0].ecosystem_specific["ubuntu_priority"] == "low"
    dla = parse_record(_raw("osv-scanner-testdata/Debian/DLA-3008-1.json"))
    assert dla.upstream == ("CVE-2022-1292", "DEBIAN-CVE-2022-1292")


@pytest.mark.parametrize(
    "document",
    [
        [],
        "GHSA-x",
        {"modified": "2024-01-01T00:00:00Z"},
        {"id": "", "modified": "2024-01-01T00:00:00Z"},
        {"id": "X-1"},
        {"id": 7, "modified": "2024-01-01T00:00:00Z"},
        {"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": {}},
        {"id": "X-1", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-1", 2]},
        {"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": ["x"]},
        {
            "id": "X-1",
            "modified": "2024-01-01T00:00:00Z",
            "affected": [{"ranges": [{"type": "SEMVER", "events": [{"fixed": 1}]}]}],
        },
        {"id": "X-1", "modified": "2024-01-01T00:00:00Z", "severity": [{"type": 3}]},
    ],
)
def test_documents_that_are_not_records_are_rejected(document: Any) -> None:
    with pytest.raises(OsvFormatError):
        parse_record(document)


def test_lenient_where_the_schema_allows() -> None:
    record = parse_record(
        {
            "id": "X-1",
            "modified": "2024-01-01T00:00:00Z",
            "aliases": None,
            "affected": [
                {
                    "package": {"ecosystem": "PyPI"},
                    "ranges": [
                        {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"future_kind": "1"}]}
                    ],
                },
            ],
        }
    )
    assert record.aliases == ()
    (affected,) = record.affected
    assert affected.package is None  # a package without a name matches nothing
    assert [e.kind for e in affected.ranges[0].events] == [EventKind.INTRODUCED]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-07-08T04:32:24.548042624Z", datetime(2026, 7, 8, 4, 32, 24, 548042, UTC)),
        ("2020-06-08T13:44:53Z", datetime(2020, 6, 8, 13, 44, 53, tzinfo=UTC)),
        ("2023-11-08T04:05:08.868477Z", datetime(2023, 11, 8, 4, 5, 8, 868477, UTC)),
        ("2024-01-26T09:15:00+01:00", datetime(2024, 1, 26, 8, 15, tzinfo=UTC)),
        ("2024-01-26T09:15:00", datetime(2024, 1, 26, 9, 15, tzinfo=UTC)),
        ("yesterday", None),
        ("2024-13-01T00:00:00Z", None),
    ],
)
def test_timestamps(text: str, expected: datetime | None) -> None:
    assert parse_timestamp(text) == expected
