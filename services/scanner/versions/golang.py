"""Go version order: module versions (golang.org/x/mod/semver) and Go toolchain versions.

OSV's Go records write versions without the leading `v` (`0.17.0`, stdlib `1.24.4`,
`1.21.0-rc.2`); Go itself writes module versions with it (`v0.17.0`) and toolchains as
`go1.24.4`, `go1.21rc2`, `go1.20`. All of them are accepted here and mapped onto one
semver order, the way golang/vulndb converts toolchain tags.
"""

from __future__ import annotations

import re
from functools import lru_cache

from services.scanner.versions import semver
from services.scanner.versions.ordering import VersionOrdering

_TOOLCHAIN = re.compile(
    r"^go(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.(?P<patch>\d+))?"
    r"(?:(?P<kind>alpha|beta|rc)(?P<number>\d+))?$",
    re.ASCII,
)
# x/mod/semver also accepts the shorthands v1 and v1.2 (= v1.0.0, v1.2.0), without
# pre-release or build parts
_SHORTHAND = re.compile(r"^v?(?P<major>0|[1-9]\d*)(?:\.(?P<minor>0|[1-9]\d*))?$", re.ASCII)
_INVALID_KEY = (0,)


def normalise(version: str) -> str:
    """The semver spelling (no `v`) of a Go module or toolchain version, or '' if invalid."""
    text = version.strip()
    # `go version -m` may append build settings: "go1.22.0 X:boringcrypto"
    text = text.split(" ", 1)[0]
    toolchain = _TOOLCHAIN.match(text)
    if toolchain:
        core = f"{toolchain['major']}.{toolchain['minor'] or 0}.{toolchain['patch'] or 0}"
        if toolchain["kind"]:
            return f"{core}-{toolchain['kind']}.{toolchain['number']}"
        return core
    shorthand = _SHORTHAND.match(text)
    if shorthand:
        return f"{shorthand['major']}.{shorthand['minor'] or 0}.0"
    if semver.parse(text) is not None:
        return text.removeprefix("v")
    return ""


@lru_cache(maxsize=65536)
def key(version: str) -> tuple[object, ...]:
    """Sort key; like x/mod/semver every invalid version compares equal and below all
    valid ones."""
    normal = normalise(version)
    parsed = semver.parse(normal) if normal else None
    return parsed if parsed is not None else _INVALID_KEY


@lru_cache(maxsize=65536)
def valid(version: str) -> bool:
    """Whether the string is a Go module or toolchain version."""
    return bool(normalise(version))


ORDERING = VersionOrdering(name="go", key=key, valid=valid)
