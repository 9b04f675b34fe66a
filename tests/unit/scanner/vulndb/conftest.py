"""Fixtures for the vulnerability database tests: the real OSV records, and real-tool
version comparisons to work expectations out independently of the matcher.

The node semver, Go x/mod/semver and Maven oracles are the ones of the version-order
tests (tests/unit/scanner/versions/conftest.py), loaded from that file.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import textwrap
from collections.abc import Callable
from functools import cmp_to_key
from pathlib import Path

import pytest
from packaging.version import InvalidVersion, Version

from services.scanner.versions import apk
from services.scanner.vulndb.loader import load_directory
from services.scanner.vulndb.osv import OsvRecord

VULNDB = Path(__file__).resolve().parents[3] / "data" / "vulndb"

_spec = importlib.util.spec_from_file_location(
    "scanner_version_oracles", Path(__file__).resolve().parents[1] / "versions" / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_oracles = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_oracles)
node_semver = _oracles.node_semver
semver_oracle = _oracles.semver_oracle
go_semver_oracle = _oracles.go_semver_oracle
maven_oracle = _oracles.maven_oracle

Pairs = list[tuple[str, str]]
Compare = Callable[[str, str], int]


@pytest.fixture(scope="session")
def records() -> list[OsvRecord]:
    """All 1,420 real OSV records of tests/data/vulndb."""
    result = load_directory(VULNDB)
    assert result.errors == []
    return result.records


@pytest.fixture(scope="session")
def apt_oracle() -> Callable[[Pairs], list[int]]:
    """APT's Debian version comparison (python3-apt's apt_pkg), batched in one process."""
    python = "/usr/bin/python3"
    probe = subprocess.run([python, "-c", "import apt_pkg"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("python3-apt missing: apt-get install -y python3-apt")
    script = textwrap.dedent(
        """
        import json, sys, apt_pkg
        apt_pkg.init_system()
        out = []
        for a, b in json.load(sys.stdin):
            r = apt_pkg.version_compare(a, b)
            out.append((r > 0) - (r < 0))
        json.dump(out, sys.stdout)
        """
    )

    def oracle(pairs: Pairs) -> list[int]:
        done = subprocess.run(
            [python, "-c", script],
            input=json.dumps(pairs),
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return json.loads(done.stdout)

    return oracle


def _pep440(version: str) -> Version | None:
    try:
        return Version(version)
    except InvalidVersion:
        return None


def _pep440_oracle(pairs: Pairs) -> list[int | None]:
    """packaging's order; None where a side is not PEP 440 (only string-equal then)."""
    parsed: dict[str, Version | None] = {}
    out: list[int | None] = []
    for a, b in pairs:
        va = parsed[a] if a in parsed else parsed.setdefault(a, _pep440(a))
        vb = parsed[b] if b in parsed else parsed.setdefault(b, _pep440(b))
        out.append(None if va is None or vb is None else (va > vb) - (va < vb))
    return out


def _apk_reference(pairs: Pairs) -> list[int]:
    # no apk binary on Debian: the apk ordering itself, which the version-order tests
    # check line by line against apk-tools' own test/version.data
    return [apk.ORDERING.compare(a, b) for a, b in pairs]


@pytest.fixture(scope="session")
def real_order(
    apt_oracle, semver_oracle, go_semver_oracle, maven_oracle
) -> Callable[[str, Pairs], dict[tuple[str, str], int | None]]:
    """`real_order(family, pairs)` -> {(a, b): -1/0/1} from the family's real tool
    (None for a PyPI pair the tool cannot parse)."""

    def go(pairs: Pairs) -> list[int]:
        return go_semver_oracle([(f"v{a}", f"v{b}") for a, b in pairs])

    def node(pairs: Pairs) -> list[int]:
        results = semver_oracle(pairs)
        assert None not in results, "a test version is not valid semver"
        return results

    oracles: dict[str, Callable[[Pairs], list[int | None]] | Callable[[Pairs], list[int]]] = {
        "PyPI": _pep440_oracle,
        "Debian": apt_oracle,
        "Ubuntu": apt_oracle,
        "Alpine": _apk_reference,
        "Go": go,
        "npm": node,
        "crates.io": node,
        "Maven": maven_oracle,
    }

    def order(family: str, pairs: Pairs) -> dict[tuple[str, str], int | None]:
        unique = list(dict.fromkeys(pairs))
        return dict(zip(unique, oracles[family](unique), strict=True))

    return order


def sort_with(compare: Compare, versions: list[str]) -> list[str]:
    """Versions sorted by a comparison function."""
    return sorted(versions, key=cmp_to_key(compare))
