"""Red Hat family version order (librpm's rpmvercmp over epoch:version-release) as a key."""

from __future__ import annotations

from functools import lru_cache

from services.scanner.versions.ordering import VersionOrdering

_DIGITS = frozenset("0123456789")
_ALPHA = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SIGNIFICANT = _DIGITS | _ALPHA | {"~", "^"}

# One element per token; tuple order encodes rpmvercmp's rules:
# '~' sorts before everything including the end, the end before '^', '^' before any
# segment, an alphabetic segment before a numeric one.
_TILDE = (0,)
_END = (1,)
_CARET = (2,)
_ALPHA_SEGMENT = 3
_NUMERIC_SEGMENT = 4


@lru_cache(maxsize=65536)
def vercmp_key(text: str) -> tuple[tuple[object, ...], ...]:
    """Key such that key(a) < key(b) exactly when rpmvercmp(a, b) < 0.

    Characters other than ASCII letters, digits, '~' and '^' only separate segments.
    """
    tokens: list[tuple[object, ...]] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char not in _SIGNIFICANT:
            i += 1
        elif char == "~":
            tokens.append(_TILDE)
            i += 1
        elif char == "^":
            tokens.append(_CARET)
            i += 1
        elif char in _DIGITS:
            j = i
            while j < n and text[j] in _DIGITS:
                j += 1
            tokens.append((_NUMERIC_SEGMENT, int(text[i:j])))
            i = j
        else:
            j = i
            while j < n and text[j] in _ALPHA:
                j += 1
            tokens.append((_ALPHA_SEGMENT, text[i:j]))
            i = j
    tokens.append(_END)
    return tuple(tokens)


def split(evr: str) -> tuple[str | None, str, str | None]:
    """(epoch, version, release) as librpm parses `[epoch:]version[-release]`.

    The epoch is the leading digits when a ':' follows them; the release follows the
    last '-'. Missing parts are None.
    """
    evr = evr.strip()
    digits = 0
    while digits < len(evr) and evr[digits] in _DIGITS:
        digits += 1
    epoch: str | None = None
    rest = evr
    if digits < len(evr) and evr[digits] == ":":
        epoch, rest = evr[:digits] or "0", evr[digits + 1 :]
    version, dash, release = rest.rpartition("-")
    if not dash:
        return epoch, rest, None
    return epoch, version, release


@lru_cache(maxsize=65536)
def key(evr: str) -> tuple[object, ...]:
    """Sort key matching rpm's labelCompare: a missing epoch is 0, a missing release
    sorts before any release."""
    epoch, version, release = split(evr)
    release_key: tuple[object, ...] = () if release is None else (vercmp_key(release),)
    return (vercmp_key(epoch or "0"), vercmp_key(version), release_key)


@lru_cache(maxsize=65536)
def valid(evr: str) -> bool:
    """rpm compares any string; only an empty version is meaningless."""
    return bool(split(evr)[1])


ORDERING = VersionOrdering(name="rpm", key=key, valid=valid)
