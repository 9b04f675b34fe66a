"""The rule pattern grammar: parse and validate patterns, translate them to RE2 expressions.

Grammar (the seed's, plus wildcards and regular expressions):

- `name`       images whose repository contains `name` (any tag);
- `:tag`       images whose tag contains `tag` (any repository);
- `name:tag`   both; the pattern is split at its LAST `:` (repositories cannot contain `:`);
- a part containing `*` is an anchored wildcard on that part: `team-*/api` is a repository
  that starts with `team-` and ends with `/api`; `*` matches any run of characters, `/`
  included, and `**` is the same as `*`. `*` alone matches every repository, so `*`
  selects every image and `:*` every tagged image;
- `re:<regex>` is an RE2 regular expression searched (unanchored, like grep) in the string
  `repository:tag`; anchor it with `^` and `$`. RE2 runs in linear time: it has no
  look-around or back-references. To select repositories containing `re` with tags
  containing `x`, write `*re*:x`.

Matching is case-sensitive (repository names are lowercase by the OCI distribution spec; tags
are not). A pattern is rejected, with a message saying why, when it could never match or is
ambiguous: empty; `:` alone; `name:` (empty tag: write `name`); a repository part containing
`:`; characters that cannot occur in the part (repositories: `a-z 0-9 . _ - /`; tags:
`A-Z a-z 0-9 . _ -`; so no upper case in repositories, no unicode, no spaces); a literal part
longer than any repository (255) or tag (128) can be; a pattern longer than 512 characters;
an invalid or too complex regular expression.

Every pattern translates to RE2 expressions meant for FULL matching: one on the repository
and one on the tag (None for an omitted part), and one on `repository:tag`. The evaluator and
the ref filter are built from these same translations, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import re2

MAX_PATTERN_LENGTH = 512
MAX_REPOSITORY_LENGTH = 255
MAX_TAG_LENGTH = 128
# RE2 program size (instructions) above which a `re:` pattern is refused as too complex.
MAX_REGEX_PROGRAM_SIZE = 4_000
REGEX_PREFIX = "re:"

_REPOSITORY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-/*")
_TAG_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-*")
# Any run of characters inside one part; parts never contain `:`, so this is `.*` there.
ANY_IN_PART = "[^:]*"


def re2_options() -> re2.Options:
    """RE2 options used for every pattern: UTF-8, no error spam on stderr."""
    options = re2.Options()
    options.log_errors = False
    return options


class PatternKind(StrEnum):
    """How a pattern is written."""

    NAME_TAG = "name_tag"  # `name`, `:tag`, `name:tag`, with or without `*`
    REGEX = "regex"  # `re:<regex>`


class PatternError(ValueError):
    """A pattern that cannot be accepted; the message says why, in an operator's words."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """A parsed pattern with its RE2 translations (all meant for full matching)."""

    text: str
    kind: PatternKind
    repository: str | None  # the repository part as written; None = any repository
    tag: str | None  # the tag part as written; None = any tag
    regex: str | None  # the user's regular expression of a `re:` pattern
    repository_regex: str | None  # full-match RE2 on the repository; None = any
    tag_regex: str | None  # full-match RE2 on the tag; None = any
    ref_regex: str  # full-match RE2 on `repository:tag`

    def matches(self, repository: str, tag: str) -> bool:
        """True when the pattern selects `repository:tag` (one image; slow path)."""
        compiled = re2.compile(self.ref_regex, re2_options())
        return compiled.fullmatch(f"{repository}:{tag}") is not None


def parse_pattern(text: str) -> Pattern:
    """Parses and validates one pattern; raises PatternError with a message on rejection."""
    if not text:
        raise PatternError("empty pattern; use `*` to match every image")
    if len(text) > MAX_PATTERN_LENGTH:
        raise PatternError(f"pattern is {len(text)} characters long; at most {MAX_PATTERN_LENGTH}")
    if text.startswith(REGEX_PREFIX):
        return _parse_regex(text)
    repository_part, colon, tag_part = text.rpartition(":")
    if not colon:
        repository_part, tag_part = text, ""
    if colon and not repository_part and not tag_part:
        raise PatternError("`:` alone names neither a repository nor a tag")
    if colon and not tag_part:
        raise PatternError(
            f"empty tag after `:`; write `{repository_part}` to match every tag of "
            "matching repositories"
        )
    repository = repository_part or None
    tag = tag_part if colon else None
    if repository is not None:
        _check_part(repository, "repository", _REPOSITORY_CHARS, MAX_REPOSITORY_LENGTH)
    if tag is not None:
        _check_part(tag, "tag", _TAG_CHARS, MAX_TAG_LENGTH)
    repository_regex = None if repository is None else part_regex(repository)
    tag_regex = None if tag is None else part_regex(tag)
    ref_regex = f"(?:{repository_regex or ANY_IN_PART}):(?:{tag_regex or ANY_IN_PART})"
    return Pattern(
        text=text,
        kind=PatternKind.NAME_TAG,
        repository=repository,
        tag=tag,
        regex=None,
        repository_regex=repository_regex,
        tag_regex=tag_regex,
        ref_regex=ref_regex,
    )


def part_regex(part: str) -> str:
    """Full-match RE2 for one part: a substring, or an anchored wildcard when it has `*`."""
    if "*" in part:
        return ANY_IN_PART.join(re2.escape(piece) for piece in _collapse_stars(part).split("*"))
    return f"{ANY_IN_PART}{re2.escape(part)}{ANY_IN_PART}"


def search_as_full_match(regex: str) -> str:
    """Rewrites a regex searched anywhere in a string as one that must match all of it."""
    return f"(?s:.*)(?:{regex})(?s:.*)"


def _parse_regex(text: str) -> Pattern:
    regex = text[len(REGEX_PREFIX) :]
    if not regex:
        raise PatternError("empty regular expression after `re:`; use `*` to match every image")
    try:
        compiled = re2.compile(regex, re2_options())
    except re2.error as error:
        detail = error.args[0].decode("utf-8", "replace") if error.args else "syntax error"
        raise PatternError(
            f"invalid RE2 regular expression: {detail} (RE2 has no look-around or back-references)"
        ) from None
    if compiled.programsize > MAX_REGEX_PROGRAM_SIZE:
        raise PatternError(
            f"regular expression too complex ({compiled.programsize} RE2 instructions; "
            f"at most {MAX_REGEX_PROGRAM_SIZE})"
        )
    return Pattern(
        text=text,
        kind=PatternKind.REGEX,
        repository=None,
        tag=None,
        regex=regex,
        repository_regex=None,
        tag_regex=None,
        ref_regex=search_as_full_match(regex),
    )


def _check_part(part: str, what: str, allowed: frozenset[str], max_length: int) -> None:
    if what == "repository" and ":" in part:
        raise PatternError(
            "repositories cannot contain `:` (a pattern is split at its last `:`); "
            f"repository part was `{part}`"
        )
    for char in part:
        if char not in allowed:
            hint = " (repository names are lower case)" if char.isupper() else ""
            raise PatternError(
                f"{char!r} (U+{ord(char):04X}) cannot occur in a {what} name{hint}; "
                f"allowed: {_describe(allowed)}"
            )
    literal_length = len(part.replace("*", ""))
    if literal_length > max_length:
        raise PatternError(
            f"{what} part has {literal_length} characters; no {what} name is longer than "
            f"{max_length}, so it could never match"
        )


def _collapse_stars(part: str) -> str:
    while "**" in part:
        part = part.replace("**", "*")
    return part


def _describe(allowed: frozenset[str]) -> str:
    ranges = []
    if "A" in allowed:
        ranges.append("A-Z")
    ranges += ["a-z", "0-9"]
    ranges += [c for c in "._-/*" if c in allowed]
    return " ".join(ranges)
