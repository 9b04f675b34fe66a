"""rpm version order against librpm (`rpm.ver`) on real RPM database versions."""

from __future__ import annotations

import random
from typing import Any

from services.scanner.versions import ordering_for, rpm

# version strings from rpm's own rpmvercmp test suite (tests/rpmvercmp.at), including
# the separator, tilde and caret cases; the answers come from librpm at test time
RPMVERCMP_STRINGS = [
    "1.0",
    "2.0",
    "2.0.1",
    "2.0.1a",
    "5.5p1",
    "5.5p2",
    "5.5p10",
    "10xyz",
    "10.1xyz",
    "xyz10",
    "xyz10.1",
    "xyz.4",
    "8",
    "2",
    "5.6p1",
    "6.5p1",
    "6.0.rc1",
    "6.0",
    "10b2",
    "10a1",
    "10a2",
    "1.0aa",
    "1.0a",
    "10.0001",
    "10.1",
    "10.0039",
    "4.999.9",
    "5.0",
    "20101121",
    "20101122",
    "2_0",
    "2.0",
    "a",
    "a+",
    "a_",
    "+a",
    "_a",
    "+_",
    "_+",
    "+",
    "_",
    "1.0~rc1",
    "1.0~rc2",
    "1.0~rc1~git123",
    "1.0^",
    "1.0^git1",
    "1.0^git2",
    "1.01",
    "1.0^20160101",
    "1.0.1",
    "1.0^20160101^git1",
    "1.0~rc1^git1",
    "1.0~rc1^",
    "1b.fc17",
    "1.fc17",
    "1g.fc17",
]


def _variants(evr: str) -> list[str]:
    epoch, _, rest = evr.rpartition(":")
    version, _, release = rest.rpartition("-")
    return [
        f"{version}-{release}",  # epoch left out: counts as 0
        f"{int(epoch or 0) + 1}:{version}-{release}",
        f"{epoch or 0}:{version}",  # release left out: sorts before any release
        f"{epoch or 0}:{version}~rc1-{release}",
        f"{epoch or 0}:{version}^git20240101-{release}",
        f"{epoch or 0}:{version}-{release}.1",
        f"{epoch or 0}:{version}-{release}~bootstrap",
        f"{epoch or 0}:{version}.0-{release}",
        f"{epoch or 0}:{version}a-{release}",
    ]


def _rpm_pairs(cases: Any) -> list[tuple[str, str]]:
    real = cases.read_versions("rpm_versions.txt")
    rnd = random.Random(3)
    pairs = cases.sample_pairs(real, random_pairs=150, seed=3)
    pairs += cases.sample_pairs(RPMVERCMP_STRINGS, random_pairs=120, seed=4)
    for base in rnd.sample(real, 20):
        variants = _variants(base)
        pairs += [(base, v) for v in variants]
        pairs += [(rnd.choice(variants), rnd.choice(variants)) for _ in range(5)]
    return list(dict.fromkeys(pairs))


def test_order_matches_librpm(cases: Any, rpm_oracle) -> None:
    pairs = _rpm_pairs(cases)
    assert len(pairs) >= 500
    assert sum("~" in a + b for a, b in pairs) >= 50
    assert sum("^" in a + b for a, b in pairs) >= 50
    expected = rpm_oracle(pairs)
    assert {-1, 0, 1} <= set(expected)
    ordering = ordering_for("Rocky Linux:9")
    assert ordering is rpm.ORDERING
    wrong = [
        (a, b, want, got)
        for (a, b), want in zip(pairs, expected, strict=True)
        if (got := ordering.compare(a, b)) != want
    ]
    assert wrong == []


def test_evr_split_follows_rpm() -> None:
    assert rpm.split("1:2.0-3.el9") == ("1", "2.0", "3.el9")
    assert rpm.split("2.0-3") == (None, "2.0", "3")
    assert rpm.split("2.0") == (None, "2.0", None)
    assert rpm.split("1.2-3-4") == (None, "1.2-3", "4")
    # a colon after non-digits is not an epoch separator
    assert rpm.split("a:1-2") == (None, "a:1", "2")


def test_red_hat_family_ecosystems_use_rpm_order() -> None:
    for ecosystem in ("Red Hat:enterprise_linux:9::appstream", "AlmaLinux:9", "Rocky Linux:8"):
        assert ordering_for(ecosystem) is rpm.ORDERING
