"""apk version order against apk-tools' own test data (test/version.data)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from services.scanner.versions import apk, ordering_for

VERSIONS = Path(__file__).resolve().parents[3] / "data" / "versions"


def _version_data() -> list[tuple[str, str, int]]:
    cases = []
    for line in (VERSIONS / "apk-version.data").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            a, op, b = line.split()
            cases.append((a, b, {"<": -1, "=": 0, ">": 1}[op]))
    return cases


def test_every_line_of_apk_tools_version_data() -> None:
    cases = _version_data()
    assert len(cases) == 729
    ordering = ordering_for("Alpine:v3.19")
    assert ordering is apk.ORDERING
    wrong = [(a, b, want) for a, b, want in cases if ordering.compare(a, b) != want]
    assert wrong == []
    # and the reverse direction of each line
    assert [(a, b) for a, b, want in cases if ordering.compare(b, a) != -want] == []


# Cases `univers` gets wrong (it rejects or mis-orders them). Expected answers follow
# apk-tools: post-release suffixes _cvs < _svn < _git < _hg < _p all sort after the bare
# version; digits after a letter continue the version (apk-tools 2, Alpine <= 3.21).
@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("1.2.4-r5", "1.2.4_git20230717-r5"),
        ("1.2.4_git20230717-r5", "1.2.5-r0"),
        ("1.2.4_git20230717-r4", "1.2.4_git20230717-r5"),
        ("1.2.4_git20230101-r9", "1.2.4_git20230717-r0"),
        ("2.0", "2.0_cvs"),
        ("2.0_cvs", "2.0_svn"),
        ("2.0_svn", "2.0_git"),
        ("2.0_git", "2.0_hg"),
        ("2.0_hg", "2.0_p1"),
        ("2.0_svn12", "2.0_svn13"),
        ("2.0_rc1", "2.0"),
        ("2.0_pre1", "2.0_rc1"),
        ("1.9.5-r0", "1.9.5p2-r0"),
        ("1.9.5p2-r0", "1.9.5p2-r1"),
        ("1.9.5p2-r0", "1.9.5p10-r0"),
        ("1.9.5p10-r0", "1.9.6-r0"),
        ("8.4p1-r0", "8.5p1-r0"),
        ("1.1.1d-r3", "1.1.1e-r0"),
        ("1.0~1a2b-r0", "1.0~1a2c-r0"),
        ("1.0-r0", "1.0~ff-r0"),
    ],
)
def test_suffix_and_letter_digit_cases(older: str, newer: str) -> None:
    assert apk.ORDERING.compare(older, newer) == -1
    assert apk.ORDERING.compare(newer, older) == 1


def test_real_alpine_versions_parse_and_sort_consistently(cases: Any) -> None:
    versions = cases.osv_versions("Alpine")
    assert len(versions) > 200
    invalid = [v for v in versions if not apk.valid(v)]
    # one secdb typo (`-33` for `-r33`); everything else is a well-formed apk version
    assert invalid == ["2.7.16-33"]
    ordered = sorted(versions, key=apk.key)
    assert all(apk.ORDERING.compare(a, b) <= 0 for a, b in itertools.pairwise(ordered))


def test_invalid_tails_are_ignored_like_apk_tools() -> None:
    # apk-tools compares up to the first invalid token: the rest does not count
    assert apk.ORDERING.compare("1.0bc", "1.0bd") == 0
    assert apk.ORDERING.compare("1.0-x", "1.0-y") == 0
    assert not apk.valid("1.0bc")
    assert not apk.valid("abc")
    assert apk.valid("1.9.5p2-r0")
