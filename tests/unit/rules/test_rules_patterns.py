"""Table tests of the pattern grammar: what each form selects and what is rejected, and why."""

from __future__ import annotations

import pytest
import re2

from services.rules.matcher import PatternMatcher, lowest_bit_index, multiline_safe
from services.rules.patterns import PatternError, PatternKind, parse_pattern, re2_options

# (pattern, repository, tag, selected?)
SELECTS = [
    # The seed's examples.
    ("pre-prod", "team/pre-prod-api", "1.0", True),
    ("pre-prod", "pre-prod", "latest", True),
    ("pre-prod", "team/prod", "1.0", False),
    ("pre-prod", "team/api", "pre-prod", False),  # a bare name is about the repository
    (":latest", "team/api", "latest", True),
    (":latest", "team/api", "latest-alpine", True),  # contains
    (":latest", "latest/api", "1.0", False),
    ("prod:stable", "team/prod-api", "stable", True),
    ("prod:stable", "team/pre-prod", "stable-2", True),
    ("prod:stable", "team/prod-api", "1.0", False),
    ("prod:stable", "team/dev-api", "stable", False),
    # Untagged manifests have an empty tag.
    ("pre-prod", "pre-prod", "", True),
    (":latest", "team/api", "", False),
    # Case-sensitive; dots are literal.
    (":Latest", "team/api", "latest", False),
    (":1.2", "team/api", "1x2", False),
    (":1.2", "team/api", "v1.2.3", True),
    # Wildcards are anchored on their part; `*` spans `/`.
    ("team-*/api", "team-x/api", "1", True),
    ("team-*/api", "team-/api", "1", True),
    ("team-*/api", "team-x/api2", "1", False),
    ("team-*/api", "my-team-x/api", "1", False),
    ("team-*", "team-a/b/c", "1", True),
    ("*/api:v*", "a/b/api", "v1.2", True),
    ("*/api:v*", "a/b/api", "1.2v", False),
    (":v*", "x", "v2", True),
    (":*-alpine", "x", "3.12-alpine", True),
    (":*-alpine", "x", "3.12-alpine-slim", False),
    ("a**b", "axyb", "1", True),
    ("*", "anything/at/all", "", True),
    (":*", "x", "", True),
    ("*:*", "x", "y", True),
    # `name:tag` with a wildcard on one side only.
    ("prod:*", "team/prod", "", True),
    ("*prod:stable", "team/prod", "very-stable", True),
    ("*prod:stable", "team/prod-x", "stable", False),
    # Regular expressions search `repository:tag`, unanchored unless anchored.
    ("re:^team/.*:v[0-9]+$", "team/api", "v12", True),
    ("re:^team/.*:v[0-9]+$", "team/api", "v12-rc", False),
    ("re:^team/.*:v[0-9]+$", "myteam/api", "v12", False),
    ("re:latest", "x", "latest-2", True),
    ("re:^x$", "x", "", False),  # the ref always holds `:`
    ("re:^x:$", "x", "", True),
    ("re:(?i)LATEST", "x", "latest", True),
    ("re:a|^b", "b/c", "1", True),
    # Non-ASCII names (not valid OCI, but evaluation must not choke on them).
    ("app", "app-é", "1", True),
    ("re:é", "app-é", "1", True),
]


@pytest.mark.parametrize(("text", "repository", "tag", "expected"), SELECTS)
def test_pattern_selects(text: str, repository: str, tag: str, expected: bool) -> None:
    pattern = parse_pattern(text)
    assert pattern.matches(repository, tag) is expected
    # The batch matcher agrees with the one-image path.
    session = PatternMatcher([pattern]).session()
    assert bool(session.mask(repository, tag)) is expected
    assert bool(session.masks([_Ref(repository, tag)])[0]) is expected


class _Ref:
    def __init__(self, repository: str, tag: str) -> None:
        self.repository = repository
        self.tag = tag


# (pattern, words the message must contain)
REJECTS = [
    ("", "empty pattern"),
    (":", "`:` alone"),
    ("prod:", "empty tag after `:`; write `prod`"),
    ("a:b:c", "repositories cannot contain `:`"),
    ("Team/api", "lower case"),
    ("tëam", "U+00EB"),
    (":ü", "U+00FC"),
    (" prod", "U+0020"),
    ("prod ", "U+0020"),
    (":lat est", "cannot occur in a tag name"),
    (":tag/x", "'/'"),
    ("re:", "empty regular expression"),
    ("re:(", "invalid RE2 regular expression: missing )"),
    ("re:(?=x)", "look-around"),
    ("re:(a)\\1", "invalid RE2 regular expression"),
    ("re:a{1001}", "invalid RE2 regular expression"),
    ("re:" + "|".join(f"(a{i}{{1,99}}b)" for i in range(40)), "too complex"),
    ("x" * 513, "at most 512"),
    ("a" * 256, "no repository name is longer than 255"),
    (":" + "t" * 129, "no tag name is longer than 128"),
]


@pytest.mark.parametrize(("text", "message"), REJECTS)
def test_pattern_rejected_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(PatternError) as raised:
        parse_pattern(text)
    assert message in str(raised.value)


def test_longest_valid_parts_are_accepted_and_match() -> None:
    repository = "r" * 255
    tag = "t" * 128
    pattern = parse_pattern(f"{repository}:{tag}")
    assert pattern.matches(repository, tag)
    assert not pattern.matches(repository[:-1], tag)
    assert parse_pattern("a*" * 200).matches("a" * 200, "x")  # stars do not count


def test_parts_are_split_at_the_last_colon_and_kept() -> None:
    pattern = parse_pattern("team/prod:stable")
    assert (pattern.kind, pattern.repository, pattern.tag) == (
        PatternKind.NAME_TAG,
        "team/prod",
        "stable",
    )
    assert parse_pattern(":latest").repository is None
    assert parse_pattern("prod").tag is None
    regex = parse_pattern("re:a:b")
    assert (regex.kind, regex.regex) == (PatternKind.REGEX, "a:b")


def test_translations_compile_and_agree() -> None:
    options = re2_options()
    for text, repository, tag, expected in SELECTS:
        pattern = parse_pattern(text)
        ref = re2.compile(pattern.ref_regex, options).fullmatch(f"{repository}:{tag}")
        assert (ref is not None) is expected, text
        if pattern.kind is PatternKind.NAME_TAG:
            parts = True
            if pattern.repository_regex is not None:
                parts &= re2.compile(pattern.repository_regex).fullmatch(repository) is not None
            if pattern.tag_regex is not None:
                parts &= re2.compile(pattern.tag_regex).fullmatch(tag) is not None
            assert parts is expected, text


def test_first_matching_pattern_is_the_lowest_bit_even_when_a_regex_comes_first() -> None:
    patterns = [parse_pattern(t) for t in ("re:-debug$", "api", ":1", "re:^team/")]
    session = PatternMatcher(patterns).session()
    refs = [_Ref("team/api", "1-debug"), _Ref("team/api", "1"), _Ref("x/y", "2")]
    fast = session.masks(refs)
    complete = session.masks(refs, complete=True)
    assert [lowest_bit_index(m) if m else None for m in fast] == [0, 1, None]
    assert complete == [0b1111, 0b1110, 0]
    for mask, full in zip(fast, complete, strict=True):
        assert mask & full == mask  # fast masks never claim a match that did not happen


def test_regex_prefilter_does_not_hide_line_anchored_matches() -> None:
    # Many tags in one repository: the joined text is searched first, then each ref.
    patterns = [parse_pattern(t) for t in ("re:^svc:1$", "re:-rc$", r"re:\Asvc:2\z")]
    session = PatternMatcher(patterns).session()
    refs = [_Ref("svc", tag) for tag in ("0", "1", "1-rc", "2", "3")]
    assert session.masks(refs) == [0, 0b001, 0b010, 0b100, 0]
    # Line anchors hold on every line of the joined text, not just the first and last.
    anchored = PatternMatcher([parse_pattern("re:^svc:1$")]).session()
    assert anchored.masks(refs) == [0, 1, 0, 0, 0]
    # A regex the prefilter cannot judge is always run, even when nothing else matches.
    alone = PatternMatcher([parse_pattern(r"re:\Asvc:2\z")]).session()
    assert alone.masks(refs) == [0, 0, 0, 1, 0]


@pytest.mark.parametrize(
    ("regex", "safe"),
    [
        ("^a$", True),
        ("(?i)a", True),
        ("(?m)^a", True),
        ("(?P<name>a)", True),
        (r"\\A", True),  # an escaped backslash, then a literal A
        (r"\Aa", False),
        (r"a\z", False),
        ("(?-m)^a", False),
        ("(?i-m:^a)", False),
        ("(?s-i:a)", True),
    ],
)
def test_multiline_safety_scan(regex: str, safe: bool) -> None:
    assert multiline_safe(regex) is safe
