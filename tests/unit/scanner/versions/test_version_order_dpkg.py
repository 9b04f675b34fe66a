"""dpkg version order against `dpkg --compare-versions` on real Debian/Ubuntu versions."""

from __future__ import annotations

import itertools
import random
from typing import Any

from services.scanner.versions import dpkg, ordering_for


def _variants(base: str) -> list[str]:
    """Edge-case spellings around a real version: epochs, tildes, binNMUs, revisions."""
    upstream = base.split(":", 1)[-1]
    plain = upstream.rsplit("-", 1)[0] if "-" in upstream else upstream
    return [
        f"1:{upstream}",
        f"2:{upstream}",
        f"{upstream}~rc1",
        f"{upstream}~~",
        f"{upstream}~",
        f"{upstream}+b1",
        f"{upstream}+b12",
        f"{upstream}+deb12u1",
        f"{upstream}.0",
        f"{plain}",
        f"{plain}-0",
        f"{plain}-0~1",
        f"{plain}~beta2-1",
        f"{plain}a-1",
        f"{plain}+dfsg-1",
    ]


def _dpkg_pairs(cases: Any) -> list[tuple[str, str]]:
    real = cases.read_versions("dpkg_versions.txt") + cases.osv_versions("Debian", "Ubuntu")
    rnd = random.Random(1)
    pairs = cases.sample_pairs(real, random_pairs=150, seed=1)
    for base in rnd.sample(sorted(set(real)), 12):
        variants = _variants(base)
        pairs += [(base, v) for v in variants]
        pairs += [(rnd.choice(variants), rnd.choice(variants)) for _ in range(6)]
    return list(dict.fromkeys(pairs))


def test_order_matches_dpkg(cases: Any, dpkg_oracle) -> None:
    pairs = _dpkg_pairs(cases)
    # the set must keep exercising what makes dpkg order special
    assert len(pairs) >= 500
    assert sum(":" in a + b for a, b in pairs) >= 50
    assert sum("~" in a + b for a, b in pairs) >= 50
    assert sum("+b" in a + b for a, b in pairs) >= 30
    expected = dpkg_oracle(pairs)
    assert len(expected) == len(pairs)
    assert {-1, 0, 1} <= set(expected)
    ordering = ordering_for("Debian:12")
    assert ordering is dpkg.ORDERING
    wrong = [
        (a, b, want, got)
        for (a, b), want in zip(pairs, expected, strict=True)
        if (got := ordering.compare(a, b)) != want
    ]
    assert wrong == []


def test_sorting_by_key_agrees_with_dpkg_on_a_chain(cases: Any, dpkg_oracle) -> None:
    # sorted() only calls <; check that neighbours of the sorted list are ordered per dpkg
    real = random.Random(2).sample(cases.read_versions("dpkg_versions.txt"), 150)
    chain = sorted(set(real + [v for b in real[:10] for v in _variants(b)]), key=dpkg.key)
    pairs = list(itertools.pairwise(chain))
    assert all(result <= 0 for result in dpkg_oracle(pairs))


def test_real_versions_are_valid_and_broken_ones_are_not(cases: Any) -> None:
    assert all(dpkg.valid(v) for v in cases.read_versions("dpkg_versions.txt"))
    for bad in ("", "a1.0", "1:", "x:1.0", "1.0-", "1.0 2", "1.0_1-1", "1.0-1_2"):
        assert not dpkg.valid(bad), bad
    # unparsable strings still sort deterministically instead of raising
    assert dpkg.ORDERING.compare("x:1.0", "0:1.0") in (-1, 0, 1)


def test_binnmu_suffix_is_stripped_to_the_source_version() -> None:
    assert dpkg.without_binnmu("2.36-9+deb12u4+b1") == "2.36-9+deb12u4"
    assert dpkg.without_binnmu("1.2-3+b12") == "1.2-3"
    assert dpkg.without_binnmu("1.2-3+deb12u1") == "1.2-3+deb12u1"
    assert dpkg.without_binnmu("1.2+b1-3") == "1.2+b1-3"
