"""Which version ordering an OSV ecosystem string (`Debian:12`, `PyPI`, ...) uses."""

from __future__ import annotations

from services.scanner.versions import apk, dpkg, golang, maven, pep440, rpm, semver
from services.scanner.versions.ordering import VersionOrdering

ORDERINGS: dict[str, VersionOrdering] = {
    o.name: o
    for o in (
        dpkg.ORDERING,
        apk.ORDERING,
        rpm.ORDERING,
        pep440.ORDERING,
        semver.ORDERING,
        golang.ORDERING,
        maven.ORDERING,
    )
}

# keyed by the ecosystem's name, the part before the first ':' of an OSV ecosystem string
_BY_FAMILY: dict[str, VersionOrdering] = {
    "Debian": dpkg.ORDERING,
    "Ubuntu": dpkg.ORDERING,
    "Alpine": apk.ORDERING,
    "Wolfi": apk.ORDERING,
    "Chainguard": apk.ORDERING,
    "Red Hat": rpm.ORDERING,
    "Rocky Linux": rpm.ORDERING,
    "AlmaLinux": rpm.ORDERING,
    "SUSE": rpm.ORDERING,
    "openSUSE": rpm.ORDERING,
    "Mageia": rpm.ORDERING,
    "Photon OS": rpm.ORDERING,
    "openEuler": rpm.ORDERING,
    "Azure Linux": rpm.ORDERING,
    "PyPI": pep440.ORDERING,
    "npm": semver.ORDERING,
    "crates.io": semver.ORDERING,
    "Hex": semver.ORDERING,
    "Go": golang.ORDERING,
    "Maven": maven.ORDERING,
}


def family(ecosystem: str) -> str:
    """`Ubuntu:22.04:LTS` -> `Ubuntu`."""
    return ecosystem.split(":", 1)[0].strip()


def ordering_for(ecosystem: str) -> VersionOrdering | None:
    """The ordering of an OSV ecosystem, or None when it has none here (RubyGems, ...)."""
    return _BY_FAMILY.get(family(ecosystem))


def ordering_for_range(ecosystem: str, range_type: str) -> VersionOrdering | None:
    """The ordering for an OSV range: SEMVER ranges are semver whatever the ecosystem
    (Go's spelling accepted for Go), ECOSYSTEM ranges use the ecosystem's own; GIT and
    unknown range types have none."""
    if range_type == "SEMVER":
        return golang.ORDERING if family(ecosystem) == "Go" else semver.ORDERING
    if range_type == "ECOSYSTEM":
        return ordering_for(ecosystem)
    return None


def compare(ecosystem: str, a: str, b: str) -> int:
    """-1, 0, 1 in the ecosystem's order; ValueError for an ecosystem without one."""
    ordering = ordering_for(ecosystem)
    if ordering is None:
        raise ValueError(f"no version ordering for ecosystem {ecosystem!r}")
    return ordering.compare(a, b)
