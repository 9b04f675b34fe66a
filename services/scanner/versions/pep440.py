"""PyPI version order: PEP 440 through `packaging`, with a fallback for invalid strings."""

from __future__ import annotations

import re
from functools import lru_cache

from packaging.version import InvalidVersion, Version

from services.scanner.versions.ordering import VersionOrdering

_LEGACY_PARTS = re.compile(r"\d+|[a-z]+|[^a-z\d.]+", re.ASCII)


def _legacy_key(version: str) -> tuple[tuple[int, object], ...]:
    # natural order over digit runs and letter runs; only has to be deterministic
    parts = _LEGACY_PARTS.findall(version.strip().lower())
    return tuple((1, int(p)) if p[0] in "0123456789" else (0, p) for p in parts)


@lru_cache(maxsize=65536)
def key(version: str) -> tuple[object, ...]:
    """Sort key: valid PEP 440 versions in `packaging` order; invalid strings (which
    `packaging` rejects since 22.0) sort before every valid one, as its old
    LegacyVersion did, in a natural order among themselves."""
    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, _legacy_key(version))


def valid(version: str) -> bool:
    """Whether `packaging` accepts the string as a PEP 440 version."""
    return key(version)[0] == 1


ORDERING = VersionOrdering(name="pep440", key=key, valid=valid)
