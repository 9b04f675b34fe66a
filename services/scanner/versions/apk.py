"""Alpine version order (apk-tools' token comparison) as a tuple sort key.

Grammar: `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}`. Follows apk-tools 3
(`src/version.c`), with one deliberate difference kept from apk-tools 2 (which Alpine
used up to 3.21): digits after a letter continue the version (`1.9.5p2-r0`, OpenSSH and
sudo style) instead of making the rest of the string invalid, so `1.9.5p2 < 1.9.5p10`.
The suffixes `_git`, `_svn`, `_cvs`, `_hg` and `_p` sort after the plain version,
`_alpha`, `_beta`, `_pre` and `_rc` before it.
"""

from __future__ import annotations

from functools import lru_cache

from services.scanner.versions.ordering import VersionOrdering

_DIGITS = frozenset("0123456789")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_HEX = frozenset("0123456789abcdefABCDEF")

# token types in apk-tools' order; after a common prefix the version whose next token
# has the *higher* type is the older one, hence rank = -type
_INITIAL_DIGIT = 0
_DIGIT = 1
_LETTER = 2
_SUFFIX = 3
_SUFFIX_NO = 4
_COMMIT_HASH = 5
_REVISION_NO = 6
_END = 7
_INVALID = 8

_PRE_SUFFIXES = {"alpha": 0, "beta": 1, "pre": 2, "rc": 3}
_POST_SUFFIXES = {"cvs": 5, "svn": 6, "git": 7, "hg": 8, "p": 9}
# a pre-release suffix makes a version older than anything that differs from it there
_PRE_SUFFIX_RANK = -100

Token = tuple[int, object]


def _digits_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end] in _DIGITS:
        end += 1
    return end


def _digit_value(run: str) -> object:
    # apk-tools compares runs with a leading zero as strings (Gentoo rule); any such
    # run sorts before any run without one, so (0, str) / (1, int) is a total order
    return (0, run) if run.startswith("0") else (1, int(run))


def _tokens(version: str) -> tuple[Token, ...]:
    """(rank, value) per token, ending with the END or first INVALID token."""
    text = version.strip()
    out: list[Token] = []
    end = _digits_end(text, 0)
    if end == 0:
        return ((-_INVALID, 0),)
    out.append((-_INITIAL_DIGIT, int(text[:end])))
    previous = _INITIAL_DIGIT
    i = end
    while True:
        if i >= len(text):
            out.append((-_END, 0))
            return tuple(out)
        char = text[i]
        if char in _LOWER:
            if previous > _DIGIT:
                break
            out.append((-_LETTER, char))
            previous = _LETTER
            i += 1
        elif char in _DIGITS or char == ".":
            if char == ".":
                if previous > _DIGIT:
                    break
                i += 1
            if previous in (_INITIAL_DIGIT, _DIGIT, _LETTER):
                current = _DIGIT
            elif previous == _SUFFIX:
                current = _SUFFIX_NO
            else:
                break
            end = _digits_end(text, i)
            if end == i:
                break
            run = text[i:end]
            out.append((-current, _digit_value(run) if current == _DIGIT else int(run)))
            previous, i = current, end
        elif char == "_":
            if previous > _SUFFIX_NO:
                break
            end = i + 1
            while end < len(text) and text[end] in _LOWER:
                end += 1
            name = text[i + 1 : end]
            if name in _PRE_SUFFIXES:
                out.append((_PRE_SUFFIX_RANK, _PRE_SUFFIXES[name]))
            elif name in _POST_SUFFIXES:
                out.append((-_SUFFIX, _POST_SUFFIXES[name]))
            else:
                break
            previous, i = _SUFFIX, end
        elif char == "~":
            if previous >= _COMMIT_HASH:
                break
            end = i + 1
            while end < len(text) and text[end] in _HEX:
                end += 1
            if end == i + 1:
                break
            out.append((-_COMMIT_HASH, text[i + 1 : end]))
            previous, i = _COMMIT_HASH, end
        elif char == "-":
            if previous >= _REVISION_NO or not text.startswith("-r", i):
                break
            end = _digits_end(text, i + 2)
            if end == i + 2:
                break
            out.append((-_REVISION_NO, int(text[i + 2 : end])))
            previous, i = _REVISION_NO, end
        else:
            break
    # everything from the first invalid token on is ignored: two versions that agree up
    # to an invalid token compare equal, as in apk-tools
    out.append((-_INVALID, 0))
    return tuple(out)


@lru_cache(maxsize=65536)
def key(version: str) -> tuple[Token, ...]:
    """Sort key: key(a) < key(b) exactly when `apk version -t a b` says `<`."""
    return _tokens(version)


def valid(version: str) -> bool:
    """Whether the whole string parses (apk_version_validate, plus letter-digits)."""
    return key(version)[-1][0] == -_END


ORDERING = VersionOrdering(name="apk", key=key, valid=valid)
