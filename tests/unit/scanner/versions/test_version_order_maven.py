"""Maven version order against Maven's own ComparableVersion on real artifact versions."""

from __future__ import annotations

import random
from typing import Any

from services.scanner.versions import maven, ordering_for

QUALIFIER_CASES = [
    "1.0",
    "1",
    "1.0.0",
    "1.0.RELEASE",
    "1.0-RELEASE",
    "1.0.Final",
    "1.0.GA",
    "1.0-ga",
    "1.0-SNAPSHOT",
    "1.0-sp1",
    "1.0.sp",
    "1.0a1",
    "1.0b2",
    "1.0m3",
    "1.0-alpha-1",
    "1.0-cr1",
    "1.0.rc1",
    "1.0-rc-1",
    "1-1",
    "1.0-0.1",
    "1.0.0.X1",
    "1.0.0-X2",
    "1.0-xyz",
    "1.0.xyz",
    "1.0-1-SNAPSHOT",
    "1.0-",
    "1..0",
    "2.0.0.v20140518",
    "1.0-jre",
    "1.0-android",
    "5.3.20.RELEASE",
    "5.3.20",
    "5.3.21",
    "4.1.118.Final",
    "4.1.118",
    "1.0-beta-10",
    "1.0-beta-9",
    "1.0-M1",
    "1.0-milestone-1",
    "2.0b6",
    "2.0-b6",
    "1.0-alpha1-SNAPSHOT",
    "1-0-alpha",
    "1.0.0-alpha.0",
    "1.0-dev",
    "10000000000.1",
]


def _maven_pairs(cases: Any) -> list[tuple[str, str]]:
    real = cases.read_versions("maven_versions.txt") + cases.osv_versions("Maven")
    rnd = random.Random(8)
    pairs = cases.sample_pairs(real + QUALIFIER_CASES, random_pairs=300, seed=8)
    pairs += [(rnd.choice(QUALIFIER_CASES), rnd.choice(QUALIFIER_CASES)) for _ in range(200)]
    return list(dict.fromkeys(pairs))


def test_order_matches_comparable_version(cases: Any, maven_oracle) -> None:
    pairs = _maven_pairs(cases)
    assert len(pairs) >= 600
    expected = maven_oracle(pairs)
    assert {-1, 0, 1} <= set(expected)
    assert ordering_for("Maven") is maven.ORDERING
    wrong = [
        (a, b, want)
        for (a, b), want in zip(pairs, expected, strict=True)
        if maven.ORDERING.compare(a, b) != want
    ]
    assert wrong == []


def test_release_and_final_qualifiers_equal_the_bare_version() -> None:
    # the cases `univers` gets wrong
    compare = maven.ORDERING.compare
    assert compare("5.3.20.RELEASE", "5.3.20") == 0
    assert compare("5.3.20.RELEASE", "5.3.21") == -1
    assert compare("4.1.118.Final", "4.1.118") == 0
    assert compare("1.0-SNAPSHOT", "1.0.RELEASE") == -1
    assert compare("1.0.RELEASE", "1.0-sp1") == -1
    assert (
        maven.key("1.0.RELEASE") == maven.key("1.0")
        and len({maven.key("1.0.Final"), maven.key("1")}) == 1
    )
