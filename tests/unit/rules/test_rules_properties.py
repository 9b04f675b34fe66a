"""Property tests: the precedence laws, batch independence and the ref filter's promise."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import re2
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from services.rules.domain import (
    Action,
    CreationWindow,
    ImageFacts,
    LatestN,
    LatestOrder,
    Platform,
    Reason,
    RuleSet,
    TimeUnit,
)
from services.rules.evaluate import evaluate
from services.rules.matcher import PatternMatcher, lowest_bit_index
from services.rules.patterns import parse_pattern
from services.rules.ref_filter import compile_ref_filter
from services.rules.window import subtract_calendar

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)

# Small alphabets, so that patterns and images actually meet.
SEGMENTS = ["app", "prod", "pre-prod", "team", "critical", "unstable", "db", "x"]
TAGS = ["latest", "stable", "1.0", "1.2.3", "v2", "2.0.0-rc.1", "main-1a", "pr-7", "unstable", ""]
REGEXES = ["^team/", "latest$", ":v[0-9]", "prod.*:1", "^[a-z]+:", "(?i)APP", "-rc", r"\Aapp"]
PLATFORMS = [
    Platform("linux", "amd64"),
    Platform("linux", "arm64", "v8"),
    Platform("linux", "arm", "v7"),
]

repositories = st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=3).map("/".join)
tags = st.sampled_from(TAGS)
repository_parts = st.one_of(
    st.sampled_from(SEGMENTS),
    st.sampled_from(["te", "pro", "/", "-", "app/", "/db", "p"]),
    st.sampled_from(["team/*", "*prod", "*", "a*p", "*/db", "*-*"]),
)
tag_parts = st.one_of(
    st.sampled_from(["latest", "1.", "v", "rc", "-", "stable", "1", "unstable", "main"]),
    st.sampled_from(["v*", "*-rc*", "*", "1.*", "*.*.*", "l*t"]),
)
patterns = st.one_of(
    repository_parts,
    tag_parts.map(lambda t: f":{t}"),
    st.tuples(repository_parts, tag_parts).map(lambda p: f"{p[0]}:{p[1]}"),
    st.sampled_from(REGEXES).map(lambda r: f"re:{r}"),
)
pattern_lists = st.lists(patterns, max_size=4).map(tuple)
window_amounts = st.sampled_from([1, 2, 3, 12, 30])
zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
)
created_times = st.one_of(
    st.none(),
    st.builds(
        lambda minutes, tz: (NOW - timedelta(minutes=minutes)).astimezone(tz),
        st.integers(min_value=-60, max_value=800 * 24 * 60),
        zones,
    ),
    # Right at a window's start, where off-by-one mistakes live.
    st.builds(
        lambda amount, unit, seconds: (
            subtract_calendar(NOW, amount, unit) + timedelta(seconds=seconds)
        ),
        window_amounts,
        st.sampled_from(list(TimeUnit)),
        st.sampled_from([-1, 0, 0, 1, 3600]),
    ),
)
images = st.builds(
    ImageFacts,
    repository=repositories,
    tag=tags,
    digest=st.sampled_from(["", "sha256:1", "sha256:2", "sha256:3", "sha256:4"]),
    created=created_times,
    platforms=st.lists(st.sampled_from(PLATFORMS), max_size=2, unique=True).map(tuple),
)
windows = st.builds(CreationWindow, window_amounts, st.sampled_from(list(TimeUnit)))
rule_sets = st.builds(
    RuleSet,
    id=st.just("rs"),
    registry_id=st.just("reg"),
    name=st.just("prop"),
    revision=st.integers(min_value=0, max_value=9),
    pull_patterns=pattern_lists,
    always_pull=pattern_lists,
    never_pull=pattern_lists,
    creation_window=st.none() | windows,
    latest_n=st.none()
    | st.builds(LatestN, st.integers(min_value=1, max_value=3), st.sampled_from(list(LatestOrder))),
    platforms=st.sampled_from([(), ("linux/amd64",), ("linux/arm64", "linux/arm")]),
    enabled=st.booleans() | st.just(True),
)
batches = st.lists(images, min_size=1, max_size=25)


def matches_any(texts: tuple[str, ...], image: ImageFacts) -> bool:
    return any(parse_pattern(t).matches(image.repository, image.tag) for t in texts)


def selection(rule_set: RuleSet, batch: list[ImageFacts]) -> set[int]:
    decisions = evaluate(rule_set, batch, NOW)
    return {i for i, d in enumerate(decisions) if d.action is Action.PULL}


@SETTINGS
@given(rule_sets, batches)
def test_never_pull_always_wins(rule_set: RuleSet, batch: list[ImageFacts]) -> None:
    assume(rule_set.enabled)
    for image, decision in zip(batch, evaluate(rule_set, batch, NOW), strict=True):
        if matches_any(rule_set.never_pull, image):
            assert (decision.action, decision.reason) == (Action.SKIP, Reason.NEVER_PULL)
            index = decision.pattern_index
            assert index is not None
            assert parse_pattern(rule_set.never_pull[index]).matches(image.repository, image.tag)
            # ...and it is the first never-pull pattern that matches.
            assert not matches_any(rule_set.never_pull[:index], image)
        else:
            assert decision.reason is not Reason.NEVER_PULL


@SETTINGS
@given(rule_sets, batches)
def test_always_pull_match_is_pulled_unless_never_pull_matches(
    rule_set: RuleSet, batch: list[ImageFacts]
) -> None:
    assume(rule_set.enabled)
    for image, decision in zip(batch, evaluate(rule_set, batch, NOW), strict=True):
        if matches_any(rule_set.always_pull, image) and not matches_any(rule_set.never_pull, image):
            assert (decision.action, decision.reason) == (Action.PULL, Reason.ALWAYS_PULL)


@SETTINGS
@given(rule_sets, batches, patterns)
def test_adding_a_pull_pattern_never_removes_an_image(
    rule_set: RuleSet, batch: list[ImageFacts], extra: str
) -> None:
    assume(rule_set.pull_patterns)  # the empty list already selects everything
    wider = replace(rule_set, pull_patterns=(*rule_set.pull_patterns, extra))
    assert selection(rule_set, batch) <= selection(wider, batch)
    first = replace(rule_set, pull_patterns=(extra, *rule_set.pull_patterns))
    assert selection(rule_set, batch) <= selection(first, batch)


@SETTINGS
@given(rule_sets, batches, windows, windows)
def test_narrowing_the_window_never_adds_an_image(
    rule_set: RuleSet, batch: list[ImageFacts], one: CreationWindow, other: CreationWindow
) -> None:
    narrow, wide = sorted((one, other), key=lambda w: _window_start(w), reverse=True)
    narrow_set = selection(replace(rule_set, creation_window=narrow), batch)
    wide_set = selection(replace(rule_set, creation_window=wide), batch)
    unbounded = selection(replace(rule_set, creation_window=None), batch)
    assert narrow_set <= wide_set <= unbounded


def _window_start(window: CreationWindow) -> datetime:
    return subtract_calendar(NOW, window.amount, window.unit)


@SETTINGS
@given(rule_sets, batches)
def test_a_window_keeps_the_decisions_of_images_inside_it(
    rule_set: RuleSet, batch: list[ImageFacts]
) -> None:
    # Latest-N ranks only images inside the window (an optimisation); ranks inside must
    # not change, so every image inside the window is decided as without a window.
    assume(rule_set.creation_window is not None)
    start = _window_start(rule_set.creation_window)  # type: ignore[arg-type]
    with_window = evaluate(rule_set, batch, NOW)
    without = evaluate(replace(rule_set, creation_window=None), batch, NOW)
    for image, a, b in zip(batch, with_window, without, strict=True):
        if image.created is not None and image.created >= start:
            assert (a.action, a.reason) == (b.action, b.reason)


@SETTINGS
@given(rule_sets, batches, st.randoms(use_true_random=False))
def test_decisions_do_not_depend_on_batch_order_or_split(
    rule_set: RuleSet, batch: list[ImageFacts], rng: random.Random
) -> None:
    unique = list({image.ref: image for image in batch}.values())
    decisions = evaluate(rule_set, unique, NOW)
    shuffled = list(range(len(unique)))
    rng.shuffle(shuffled)
    again = evaluate(rule_set, [unique[i] for i in shuffled], NOW)
    assert [again[shuffled.index(i)] for i in range(len(unique))] == decisions
    # One image at a time, with the rest as context (the webhook path), decides the same.
    for i, image in enumerate(unique):
        alone = evaluate(rule_set, [image], NOW, context_images=unique[:i] + unique[i + 1 :])
        assert alone[0] == decisions[i]


@SETTINGS
@given(rule_sets, batches)
def test_ref_filter_over_approximates_the_selection(
    rule_set: RuleSet, batch: list[ImageFacts]
) -> None:
    ref_filter = compile_ref_filter(rule_set)
    ref_regex = re2.compile(ref_filter.ref_regex) if ref_filter.ref_regex else None
    repo_regex = re2.compile(ref_filter.repository_regex) if ref_filter.repository_regex else None
    for image, decision in zip(batch, evaluate(rule_set, batch, NOW), strict=True):
        in_ref = ref_regex is None or ref_regex.fullmatch(image.ref) is not None
        in_repo = repo_regex is None or repo_regex.fullmatch(image.repository) is not None
        # Anchored: searching and full-matching agree, whichever the Catalog uses.
        if ref_regex is not None:
            assert (ref_regex.search(image.ref) is not None) == in_ref
        if decision.action is Action.PULL:
            assert in_ref and in_repo
        if ref_filter.exact:
            assert in_ref == (decision.action is Action.PULL)
        if ref_filter.selects_nothing:
            assert decision.action is Action.SKIP and not in_ref and not in_repo


few_repositories = st.sampled_from(["app", "app/db", "team/app", "prod/x", "x"])
grouped_images = st.builds(ImageFacts, repository=few_repositories, tag=tags)


@SETTINGS
@given(
    st.lists(patterns, min_size=1, max_size=12),
    st.lists(images, min_size=1, max_size=20) | st.lists(grouped_images, min_size=1, max_size=20),
)
def test_batch_matcher_agrees_with_one_pattern_at_a_time(
    texts: list[str], batch: list[ImageFacts]
) -> None:
    parsed = [parse_pattern(t) for t in texts]
    session = PatternMatcher(parsed).session()
    grouped = sorted(batch, key=lambda image: image.repository)  # long runs: the prefilter
    fast = session.masks(batch) + session.masks(grouped)
    complete = session.masks(batch, complete=True) + session.masks(grouped, complete=True)
    for image, mask, full in zip(batch + grouped, fast, complete, strict=True):
        expected = sum(
            1 << i for i, p in enumerate(parsed) if p.matches(image.repository, image.tag)
        )
        assert full == expected
        assert mask & full == mask
        if expected:
            assert lowest_bit_index(mask) == lowest_bit_index(expected)
        else:
            assert mask == 0
