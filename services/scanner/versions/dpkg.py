"""Debian/Ubuntu version order (dpkg's verrevcmp) as a tuple sort key."""

from __future__ import annotations

import re
from functools import lru_cache

from services.scanner.versions.ordering import VersionOrdering

_DIGITS = frozenset("0123456789")
_ALPHA = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# the element that stands for "end of string" at a non-digit position (see _part_key)
_END = (0,)
_UPSTREAM_CHARS = re.compile(r"[A-Za-z0-9.+~:-]*")
_REVISION_CHARS = re.compile(r"[A-Za-z0-9.+~]*")
_BINNMU = re.compile(r"\+b[0-9]+$")


def _weight(char: str) -> int:
    # dpkg's order(): '~' sorts before everything, even the end of the string; letters
    # before other symbols
    if char == "~":
        return -1
    if char in _ALPHA:
        return ord(char)
    return ord(char) + 256


def _part_key(text: str) -> tuple[object, ...]:
    """Key of one upstream or revision string.

    Alternating (non-digit run, number) pairs: a non-digit run is the tuple of its
    character weights closed by 0 (the weight dpkg gives to "no more characters"), a
    number is an int (an empty run counts 0). A string that ended compares like an
    endless tail of (empty run, 0) pairs; since every run after the first is non-empty,
    one `_END` element after the pairs compares correctly against whatever the longer
    string still has. Keeping the first pair even when it is (empty, 0) makes "" and "0"
    equal, as in dpkg.
    """
    parts: list[object] = []
    i, n = 0, len(text)
    while i < n:
        j = i
        while j < n and text[j] not in _DIGITS:
            j += 1
        k = j
        while k < n and text[k] in _DIGITS:
            k += 1
        parts.append((*(_weight(c) for c in text[i:j]), 0))
        parts.append(int(text[j:k]) if k > j else 0)
        i = k
    if not parts:
        parts = [(0,), 0]
    parts.append(_END)
    return tuple(parts)


def split(version: str) -> tuple[str, str, str]:
    """(epoch, upstream, revision) as dpkg splits them; missing parts are ''."""
    version = version.strip()
    epoch, sep, rest = version.partition(":")
    if not sep:
        epoch, rest = "", version
    upstream, dash, revision = rest.rpartition("-")
    if not dash:
        upstream, revision = rest, ""
    return epoch, upstream, revision


@lru_cache(maxsize=65536)
def key(version: str) -> tuple[object, ...]:
    """Sort key: equal keys exactly when `dpkg --compare-versions a eq b`.

    A non-numeric epoch (invalid) counts as 0 rather than raising.
    """
    epoch, upstream, revision = split(version)
    epoch_number = int(epoch) if epoch.isdigit() and epoch.isascii() else 0
    return (epoch_number, _part_key(upstream), _part_key(revision))


@lru_cache(maxsize=65536)
def valid(version: str) -> bool:
    """Whether dpkg's parseversion accepts the string without an error or a warning."""
    version = version.strip()
    if not version or any(c.isspace() for c in version):
        return False
    epoch, sep, rest = version.partition(":")
    if sep and not (epoch.isascii() and epoch.isdigit()):
        return False
    upstream, dash, revision = (rest if sep else version).rpartition("-")
    if not dash:
        upstream, revision = rest if sep else version, ""
    elif not revision:
        return False
    if not upstream or upstream[0] not in _DIGITS:
        return False
    return bool(_UPSTREAM_CHARS.fullmatch(upstream) and _REVISION_CHARS.fullmatch(revision))


def without_binnmu(version: str) -> str:
    """The source version a binNMU binary version was built from (`1.2-3+b1` -> `1.2-3`)."""
    return _BINNMU.sub("", version)


ORDERING = VersionOrdering(name="dpkg", key=key, valid=valid)
