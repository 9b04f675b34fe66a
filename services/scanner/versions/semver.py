"""Semantic Versioning 2.0 order (npm, crates.io, OSV `SEMVER` ranges) as a tuple key."""

from __future__ import annotations

import re
from functools import lru_cache

from services.scanner.versions.ordering import VersionOrdering

# node-semver's strict grammar: optional 'v', no leading zeros in numbers or in numeric
# pre-release identifiers; build metadata is parsed and then ignored for precedence
_NUMBER = r"0|[1-9]\d*"
_PRE_ID = r"(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)"
_SEMVER = re.compile(
    rf"^v?(?P<major>{_NUMBER})\.(?P<minor>{_NUMBER})\.(?P<patch>{_NUMBER})"
    rf"(?:-(?P<pre>{_PRE_ID}(?:\.{_PRE_ID})*))?"
    r"(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$",
    re.ASCII,
)
_RELEASE = (1,)
_LOOSE_PARTS = re.compile(r"\d+|[A-Za-z]+", re.ASCII)

SemverKey = tuple[object, ...]


def prerelease_key(prerelease: str | None) -> tuple[object, ...]:
    """A release sorts after all of its pre-releases; identifiers compare numerically
    when all digits, otherwise as ASCII, numeric before alphanumeric; a longer list of
    equal leading identifiers sorts later."""
    if not prerelease:
        return _RELEASE
    ids = prerelease.split(".")
    return (0, *((0, int(i)) if i.isdigit() else (1, i) for i in ids))


def parse(version: str) -> SemverKey | None:
    """Key of a strictly valid version, else None."""
    match = _SEMVER.match(version.strip())
    if match is None:
        return None
    return (
        1,
        int(match["major"]),
        int(match["minor"]),
        int(match["patch"]),
        prerelease_key(match["pre"]),
    )


def _fallback_key(version: str) -> SemverKey:
    # invalid strings sort before valid ones, in a natural order among themselves
    parts = _LOOSE_PARTS.findall(version)
    return (0, tuple((1, int(p)) if p.isdigit() else (0, p) for p in parts))


@lru_cache(maxsize=65536)
def key(version: str) -> SemverKey:
    """Sort key: precedence as node's `semver.compare` for valid versions."""
    return parse(version) or _fallback_key(version)


@lru_cache(maxsize=65536)
def valid(version: str) -> bool:
    """Whether the string is a strict semantic version (a leading 'v' is accepted)."""
    return parse(version) is not None


ORDERING = VersionOrdering(name="semver", key=key, valid=valid)
