"""Ecosystem string -> ordering registry, and that no ordering ever raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.scanner.versions import (
    ORDERINGS,
    compare,
    family,
    ordering_for,
    ordering_for_range,
)


@pytest.mark.parametrize(
    ("ecosystem", "name"),
    [
        ("Debian:12", "dpkg"),
        ("Debian:11", "dpkg"),
        ("Ubuntu:22.04:LTS", "dpkg"),
        ("Ubuntu:Pro:18.04:LTS", "dpkg"),
        ("Alpine:v3.19", "apk"),
        ("Red Hat:enterprise_linux:9::appstream", "rpm"),
        ("Rocky Linux:9", "rpm"),
        ("AlmaLinux:9", "rpm"),
        ("PyPI", "pep440"),
        ("npm", "semver"),
        ("Go", "go"),
        ("crates.io", "semver"),
        ("Maven", "maven"),
    ],
)
def test_ecosystem_strings_map_to_their_ordering(ecosystem: str, name: str) -> None:
    ordering = ordering_for(ecosystem)
    assert ordering is not None and ordering.name == name


def test_unknown_ecosystems_and_range_types() -> None:
    assert ordering_for("RubyGems") is None
    assert ordering_for("OSS-Fuzz") is None
    assert ordering_for_range("PyPI", "GIT") is None
    assert ordering_for_range("PyPI", "ECOSYSTEM") is ORDERINGS["pep440"]
    assert ordering_for_range("npm", "SEMVER") is ORDERINGS["semver"]
    assert ordering_for_range("Go", "SEMVER") is ORDERINGS["go"]
    assert family("Ubuntu:22.04:LTS") == "Ubuntu"
    assert compare("Debian:12", "1:1.0", "2.0") == 1
    with pytest.raises(ValueError, match="RubyGems"):
        compare("RubyGems", "1", "2")


_VERSIONISH = st.text(alphabet="0123456789.-+~^_:abprvgitcsnhlfRELASF ", max_size=14)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(ORDERINGS)), _VERSIONISH | st.text(max_size=8), _VERSIONISH)
def test_orderings_never_raise_and_are_antisymmetric(name: str, a: str, b: str) -> None:
    ordering = ORDERINGS[name]
    ordering.valid(a)
    assert ordering.compare(a, b) == -ordering.compare(b, a)
    assert ordering.compare(a, a) == 0


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(ORDERINGS)), st.lists(_VERSIONISH, min_size=3, max_size=6))
def test_sorting_by_key_is_consistent_with_compare(name: str, versions: list[str]) -> None:
    ordering = ORDERINGS[name]
    ordered = sorted(versions, key=ordering.key)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            assert ordering.compare(a, b) <= 0
