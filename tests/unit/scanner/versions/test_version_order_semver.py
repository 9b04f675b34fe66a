"""semver (npm, crates.io) against node's `semver`; Go against golang.org/x/mod/semver."""

from __future__ import annotations

import random
from typing import Any

import pytest

from services.scanner.versions import golang, ordering_for, ordering_for_range, semver

# SemVer 2.0's own precedence example, in order
SPEC_CHAIN = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "2.0.0",
    "2.1.0",
    "2.1.1",
]


def _variants(base: str) -> list[str]:
    return [
        f"{base}-alpha",
        f"{base}-alpha.1",
        f"{base}-alpha.beta",
        f"{base}-beta.2",
        f"{base}-beta.11",
        f"{base}-rc.1",
        f"{base}-0",
        f"{base}-x.7.z.92",
        f"{base}-1",
        f"{base}+build.5",
        f"{base}-rc.1+build.1",
        f"v{base}",
        f"{base}-0.3.7",
        f"{base}-01",
        f"{base}.0",
    ]


def _semver_pairs(cases: Any) -> list[tuple[str, str]]:
    real = (
        cases.read_versions("npm_versions.txt")
        + cases.osv_versions("npm")
        + cases.osv_versions("crates.io")
    )
    rnd = random.Random(6)
    pairs = cases.sample_pairs(real + SPEC_CHAIN, random_pairs=250, seed=6)
    for base in rnd.sample(sorted(set(real)), 15):
        variants = _variants(base)
        pairs += [(base, v) for v in variants]
        pairs += [(rnd.choice(variants), rnd.choice(variants)) for _ in range(6)]
    return list(dict.fromkeys(pairs))


def test_order_matches_node_semver(cases: Any, semver_oracle) -> None:
    pairs = _semver_pairs(cases)
    expected = semver_oracle(pairs)
    checked = [
        (a, b, want) for (a, b), want in zip(pairs, expected, strict=True) if want is not None
    ]
    assert len(checked) >= 500
    assert sum("-" in a + b for a, b, _ in checked) >= 100
    for ecosystem in ("npm", "crates.io"):
        assert ordering_for(ecosystem) is semver.ORDERING
    wrong = [(a, b, want) for a, b, want in checked if semver.ORDERING.compare(a, b) != want]
    assert wrong == []


def test_validity_matches_node_semver(cases: Any, semver_valid_oracle) -> None:
    versions = sorted({v for pair in _semver_pairs(cases) for v in pair} | {"=1.2.3", " 1.2.3 "})
    expected = semver_valid_oracle(versions)
    assert False in expected and True in expected
    assert [v for v, ok in zip(versions, expected, strict=True) if semver.valid(v) != ok] == []


def test_spec_precedence_chain() -> None:
    assert sorted(reversed(SPEC_CHAIN), key=semver.key) == SPEC_CHAIN


def _go_pairs(cases: Any) -> list[tuple[str, str]]:
    real = cases.osv_versions("Go")
    rnd = random.Random(7)
    pairs = cases.sample_pairs(real, random_pairs=250, seed=7)
    for base in rnd.sample(real, 15):
        variants = [v for v in _variants(base) if not v.startswith("v")]
        variants += [f"{base}+incompatible", base.rsplit(".", 1)[0]]
        pairs += [(base, v) for v in variants]
    return list(dict.fromkeys(pairs))


def test_go_order_matches_x_mod_semver(cases: Any, go_semver_oracle) -> None:
    pairs = _go_pairs(cases)
    assert len(pairs) >= 400
    # x/mod/semver wants the leading v that OSV's Go records leave out
    expected = go_semver_oracle([(f"v{a}", f"v{b}") for a, b in pairs])
    assert ordering_for("Go") is golang.ORDERING
    assert ordering_for_range("Go", "SEMVER") is golang.ORDERING
    wrong = [
        (a, b, want)
        for (a, b), want in zip(pairs, expected, strict=True)
        if golang.ORDERING.compare(a, b) != want
    ]
    assert wrong == []
    # and with the v, as Go build info spells module versions
    assert all(
        golang.ORDERING.compare(f"v{a}", f"v{b}") == want
        for (a, b), want in zip(pairs, expected, strict=True)
    )


@pytest.mark.parametrize(
    ("toolchain", "semantic"),
    [
        ("go1.24.4", "1.24.4"),
        ("go1.20", "1.20.0"),
        ("go1.21.0", "1.21.0"),
        ("go1.21rc2", "1.21.0-rc.2"),
        ("go1.9beta1", "1.9.0-beta.1"),
        ("go1.22.0 X:boringcrypto", "1.22.0"),
        ("v1.2", "1.2.0"),
        ("v0.17.0", "0.17.0"),
        ("v2.0.0+incompatible", "2.0.0+incompatible"),
        ("(devel)", ""),
        ("", ""),
    ],
)
def test_go_toolchain_and_module_spellings(toolchain: str, semantic: str) -> None:
    assert golang.normalise(toolchain) == semantic


def test_go_toolchain_order() -> None:
    chain = ["go1.9beta1", "go1.9", "go1.20", "go1.21rc2", "go1.21.0", "go1.24.4", "1.24.5"]
    assert sorted(reversed(chain), key=golang.key) == chain
    # vulndb writes "introduced: 1.24.0-0" to mean every 1.24 pre-release too
    assert golang.ORDERING.compare("go1.24rc1", "1.24.0-0") == 1
    assert golang.ORDERING.compare("(devel)", "0.0.1") == -1
    assert golang.ORDERING.compare("(devel)", "garbage") == 0
