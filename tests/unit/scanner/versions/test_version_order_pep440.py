"""PEP 440 order against `packaging` on real PyPI versions, and the invalid-version fallback."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import InvalidVersion, Version

from services.scanner.versions import ordering_for, pep440


def _variants(base: str) -> list[str]:
    return [
        f"{base}rc1",
        f"{base}.post1",
        f"{base}.dev3",
        f"{base}a2",
        f"{base}b1.dev1",
        f"{base}+local.7",
        f"1!{base}",
        f"v{base}",
        f"{base}.0",
        f"{base}-1",
        f"{base}_rc_1",
    ]


def _is_valid(version: str) -> bool:
    try:
        Version(version)
    except InvalidVersion:
        return False
    return True


def test_order_matches_packaging(cases: Any) -> None:
    real = cases.read_versions("pypi_versions.txt") + cases.osv_versions("PyPI")
    real = [v for v in real if _is_valid(v)]
    rnd = random.Random(5)
    pairs = cases.sample_pairs(real, random_pairs=300, seed=5)
    for base in rnd.sample(real, 15):
        pairs += [(base, v) for v in _variants(base)]
    assert len(pairs) >= 500
    ordering = ordering_for("PyPI")
    assert ordering is pep440.ORDERING
    wrong = []
    for a, b in pairs:
        va, vb = Version(a), Version(b)
        want = (va > vb) - (va < vb)
        if ordering.compare(a, b) != want:
            wrong.append((a, b, want))
    assert wrong == []


def test_invalid_versions_never_raise_and_sort_before_valid_ones(cases: Any) -> None:
    invalid = [v for v in cases.osv_versions("PyPI") if not _is_valid(v)]
    assert "0.1-bulbasaur" in invalid
    for version in invalid:
        assert not pep440.valid(version)
        assert pep440.ORDERING.compare(version, "0.0.1") == -1
        assert pep440.ORDERING.compare("0.0.1", version) == 1
    assert pep440.ORDERING.compare("0.3.2d", "0.3.2f") == -1
    assert pep440.ORDERING.compare("0.9-eevee", "0.9-eevee") == 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12), st.text(max_size=12))
def test_any_strings_compare_without_raising(a: str, b: str) -> None:
    result = pep440.ORDERING.compare(a, b)
    assert result == -pep440.ORDERING.compare(b, a)
