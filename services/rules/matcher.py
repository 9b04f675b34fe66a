"""Matches many patterns at once: RE2 sets per part, cached per distinct repository and tag.

A match result is an int bitmask: bit i set means pattern i matched. Patterns of the
`name:tag` form are decided by one RE2 set over repositories AND one over tags, each run
once per distinct string (repositories repeat a lot, and so do tags such as `latest`).

Only `re:` patterns need the whole `repository:tag`, which is unique per image. Two things
keep them cheap. They are only run when one of them comes before the first match of the
other patterns (the lowest set bit decides). And a repository's refs are first searched all
at once, joined by newlines, with each regex in multi-line mode: a regex that matches one
line also matches the joined text (a `^`/`$` of a line becomes a line boundary), so a regex
that finds nothing there cannot match any of them. Regexes using `\\A`, `\\z` or turning
multi-line mode off are not prefiltered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple, Protocol

import re2

from services.rules.patterns import Pattern, PatternKind, re2_options


class Ref(Protocol):
    """Anything with a repository and a tag (ImageFacts, for one)."""

    @property
    def repository(self) -> str: ...

    @property
    def tag(self) -> str: ...


def lowest_bit_index(mask: int) -> int:
    """Index of the lowest set bit of a non-zero mask (the first matching pattern)."""
    return (mask & -mask).bit_length() - 1


class _RegexSet:
    """An RE2 set whose matches are reported as pattern bits."""

    def __init__(self, regexes: Sequence[tuple[int, str]], *, full_match: bool) -> None:
        self.bit_of = [1 << bit for bit, _ in regexes]  # set index -> pattern bit
        self.match: Callable[[bytes], list[int] | None] | None = None  # UTF-8 in, indexes out
        if regexes:
            options = re2_options()
            rset = re2.Set.FullMatchSet(options) if full_match else re2.Set.SearchSet(options)
            for _, regex in regexes:
                rset.Add(regex)
            rset.Compile()
            # The wrapper's Match re-checks types on every call, a third of the cost.
            raw = getattr(rset, "_set", None)
            self.match = raw.Match if raw is not None and hasattr(raw, "Match") else rset.Match

    def bits(self, text: str) -> int:
        """The bits of the patterns matching `text`."""
        mask = 0
        if self.match is not None:
            found = self.match(text.encode())
            if found:
                bit_of = self.bit_of
                for index in found:
                    mask |= bit_of[index]
        return mask


def multiline_safe(regex: str) -> bool:
    """True when a regex matching one line surely matches text made of such lines.

    With multi-line mode on, `^` and `$` match at line boundaries, so only `\\A`, `\\z` and
    flags that turn multi-line mode off (`(?-m)`) tie a match to the whole text. The scan
    is conservative: any such escape or flag group anywhere makes the answer False.
    """
    i = 0
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            if regex[i + 1 : i + 2] in ("A", "z"):
                return False
            i += 2
            continue
        if regex.startswith("(?", i):
            end = len(regex)
            for stop in (":", ")"):
                found = regex.find(stop, i + 2)
                if found != -1:
                    end = min(end, found)
            flags = regex[i + 2 : end]
            if "-" in flags and "m" in flags.split("-", 1)[1]:
                return False
        i += 1
    return True


class PatternMatcher:
    """Matches a fixed sequence of patterns; bit i of a result is pattern i."""

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        self.patterns = tuple(patterns)
        repository_regexes: list[tuple[int, str]] = []
        tag_regexes: list[tuple[int, str]] = []
        ref_regexes: list[tuple[int, str]] = []
        prefilter_regexes: list[tuple[int, str]] = []
        self.any_repository = 0  # patterns without a repository part
        self.any_tag = 0  # patterns without a tag part
        self.ref_bits = 0  # `re:` patterns
        self.unfiltered_bits = 0  # `re:` patterns the prefilter cannot rule out
        for bit, pattern in enumerate(self.patterns):
            if pattern.kind is PatternKind.REGEX:
                assert pattern.regex is not None
                ref_regexes.append((bit, pattern.ref_regex))
                self.ref_bits |= 1 << bit
                if multiline_safe(pattern.regex):
                    prefilter_regexes.append((bit, f"(?m:{pattern.regex})"))
                else:
                    self.unfiltered_bits |= 1 << bit
                continue
            if pattern.repository_regex is None:
                self.any_repository |= 1 << bit
            else:
                repository_regexes.append((bit, pattern.repository_regex))
            if pattern.tag_regex is None:
                self.any_tag |= 1 << bit
            else:
                tag_regexes.append((bit, pattern.tag_regex))
        self.repository_set = _RegexSet(repository_regexes, full_match=True)
        self.tag_set = _RegexSet(tag_regexes, full_match=True)
        self.ref_set = _RegexSet(ref_regexes, full_match=True)
        self.prefilter_set = _RegexSet(prefilter_regexes, full_match=False)

    def session(self) -> MatchSession:
        """A matcher with fresh per-string caches, for one evaluation."""
        return MatchSession(self)


class MatchSession:
    """Pattern matching with caches that live as long as one evaluation."""

    def __init__(self, matcher: PatternMatcher) -> None:
        self._matcher = matcher
        self._repository_cache: dict[str, int] = {}
        self._tag_cache: dict[str, int] = {}

    def masks(self, refs: Sequence[Ref], *, complete: bool = False) -> list[int]:
        """The match bitmask of every ref, in order.

        The lowest set bit (the first matching pattern) is always exact. Unless
        `complete`, bits of `re:` patterns above the lowest set bit may be missing.
        Refs grouped by repository (as the Catalog lists them) are matched fastest: work
        is shared over each run of one repository.
        """
        matcher = self._matcher
        repository_cache = self._repository_cache
        tag_cache = self._tag_cache
        repository_bits = matcher.repository_set.bits
        tag_match = matcher.tag_set.match
        tag_bit_of = matcher.tag_set.bit_of
        any_repository = matcher.any_repository
        any_tag = matcher.any_tag
        ref_bits = matcher.ref_bits
        result: list[int] = []
        append = result.append
        run_repository: str | None = None
        run: list[int] = []  # refs of this run whose `re:` results can change the lowest bit
        r = 0
        for i, ref in enumerate(refs):
            repository = ref.repository
            if repository != run_repository:
                if run:
                    self._add_regex_bits(refs, run, result, prefilter=not complete)
                    run = []
                run_repository = repository
                cached = repository_cache.get(repository)
                if cached is None:
                    cached = repository_cache[repository] = any_repository | repository_bits(
                        repository
                    )
                r = cached
            tag = ref.tag
            t = tag_cache.get(tag)
            if t is None:  # most tags are new (CI tags), so _RegexSet.bits is inlined here
                t = any_tag
                found = tag_match(tag.encode()) if tag_match is not None else None
                if found:
                    for index in found:
                        t |= tag_bit_of[index]
                tag_cache[tag] = t
            mask = r & t
            # (mask & -mask) - 1 has the bits below the lowest set bit (all when mask is 0).
            if ref_bits and (complete or ref_bits & ((mask & -mask) - 1)):
                run.append(i)
            append(mask)
        if run:
            self._add_regex_bits(refs, run, result, prefilter=not complete)
        return result

    def mask(self, repository: str, tag: str) -> int:
        """The complete match bitmask of one (repository, tag)."""
        return self.masks((_Ref(repository, tag),), complete=True)[0]

    def _add_regex_bits(
        self, refs: Sequence[Ref], run: list[int], result: list[int], *, prefilter: bool
    ) -> None:
        """Adds `re:` bits to refs of one repository (`run` indexes `refs` and `result`)."""
        matcher = self._matcher
        ref_set_bits = matcher.ref_set.bits
        repository = refs[run[0]].repository
        tags = [refs[i].tag for i in run]
        if prefilter and len(run) > 1:
            joined = repository + ":" + ("\n" + repository + ":").join(tags)
            lines_intact = joined.count("\n") == len(run) - 1  # no newline inside a name
            if lines_intact and not matcher.unfiltered_bits | matcher.prefilter_set.bits(joined):
                return
        for i, tag in zip(run, tags, strict=True):
            result[i] |= ref_set_bits(f"{repository}:{tag}")


class _Ref(NamedTuple):
    repository: str
    tag: str
