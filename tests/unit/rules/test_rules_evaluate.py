"""Decisions and explanations for the seed's examples, precedence and the platform filter."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.rules.domain import (
    Action,
    CreationWindow,
    Criterion,
    FieldViolation,
    ImageFacts,
    InvalidRuleSetError,
    LatestN,
    PatternList,
    Platform,
    Reason,
    RuleSet,
    TimeUnit,
    describe_decision,
    validate_rule_set,
)
from services.rules.evaluate import CheckOutcome, compile_rule_set, evaluate, explain

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)
RECENT = NOW - timedelta(days=3)
OLD = NOW - timedelta(days=400)
AMD64 = Platform("linux", "amd64")
ARM64 = Platform("linux", "arm64", "v8")
ARMV7 = Platform("linux", "arm", "v7")

# The seed: pull all `latest` tags and everything `pre-prod` and `prod:stable`; always scan
# the `critical` ones, never the `unstable` ones; only images created in the last 60 days.
SEED = RuleSet(
    id="rs-1",
    registry_id="reg-1",
    name="seed",
    revision=3,
    pull_patterns=(":latest", "pre-prod", "prod:stable"),
    always_pull=("critical",),
    never_pull=("unstable",),
    creation_window=CreationWindow(60, TimeUnit.DAYS),
)

# (repository, tag, created, action, reason, list, index)
SEED_TABLE = [
    ("team/api", "latest", RECENT, Action.PULL, Reason.PULL_PATTERN, PatternList.PULL_PATTERNS, 0),
    ("team/pre-prod-api", "1.4.2", RECENT, Action.PULL, Reason.PULL_PATTERN, "pull_patterns", 1),
    ("team/prod-api", "stable", RECENT, Action.PULL, Reason.PULL_PATTERN, "pull_patterns", 2),
    ("team/prod-api", "1.4.2", RECENT, Action.SKIP, Reason.NO_PULL_PATTERN, None, None),
    ("team/api", "latest", OLD, Action.SKIP, Reason.OUTSIDE_WINDOW, "pull_patterns", 0),
    ("team/api", "latest", None, Action.SKIP, Reason.CREATED_UNKNOWN, "pull_patterns", 0),
    # Always-pull beats the pull patterns and the window...
    ("critical/db", "9.6", OLD, Action.PULL, Reason.ALWAYS_PULL, "always_pull", 0),
    ("critical/db", "9.6", None, Action.PULL, Reason.ALWAYS_PULL, "always_pull", 0),
    # ...and never-pull beats everything, always-pull included.
    ("critical/db-unstable", "latest", RECENT, Action.SKIP, Reason.NEVER_PULL, "never_pull", 0),
    ("team/unstable", "latest", RECENT, Action.SKIP, Reason.NEVER_PULL, "never_pull", 0),
    ("team/api", "unstable", RECENT, Action.SKIP, Reason.NO_PULL_PATTERN, None, None),
]


@pytest.mark.parametrize(
    ("repository", "tag", "created", "action", "reason", "pattern_list", "index"), SEED_TABLE
)
def test_seed_examples(
    repository: str,
    tag: str,
    created: datetime | None,
    action: Action,
    reason: Reason,
    pattern_list: str | None,
    index: int | None,
) -> None:
    decision = evaluate(SEED, [ImageFacts(repository, tag, "sha256:x", created)], NOW)[0]
    assert (decision.action, decision.reason) == (action, reason)
    assert decision.pattern_list == pattern_list
    assert decision.pattern_index == index
    if index is not None and pattern_list is not None:
        assert decision.pattern == getattr(SEED, pattern_list)[index]
    assert (decision.rule_set_id, decision.rule_set_revision) == ("rs-1", 3)


def test_a_batch_gets_one_decision_per_image_in_order() -> None:
    images = [ImageFacts(r, t, "sha256:x", c) for r, t, c, *_ in SEED_TABLE]
    decisions = evaluate(SEED, images, NOW)
    assert [d.reason for d in decisions] == [row[4] for row in SEED_TABLE]
    # Equal outcomes share one Decision object (a batch of 100,000 makes few objects).
    assert decisions[6] is decisions[7]  # critical/db twice: always_pull[0]
    assert len({id(d) for d in decisions}) == len({(d.reason, d.pattern_index) for d in decisions})


def test_first_matching_pattern_of_the_deciding_list_is_named() -> None:
    rule_set = RuleSet(
        registry_id="r",
        name="n",
        pull_patterns=("zzz", "re:^team/", "api", ":1"),
        never_pull=("nope", "re:-debug$", "debug"),
    )
    images = [
        ImageFacts("team/api", "1"),
        ImageFacts("other/api", "1"),
        ImageFacts("other/x", "1"),
        ImageFacts("team/api-debug", "1-debug"),
    ]
    got = [(d.reason, d.pattern_index, d.pattern) for d in evaluate(rule_set, images, NOW)]
    assert got == [
        (Reason.PULL_PATTERN, 1, "re:^team/"),
        (Reason.PULL_PATTERN, 2, "api"),
        (Reason.PULL_PATTERN, 3, ":1"),
        (Reason.NEVER_PULL, 1, "re:-debug$"),
    ]


def test_empty_pull_list_selects_everything_and_disabled_selects_nothing() -> None:
    everything = RuleSet(registry_id="r", name="n")
    images = [ImageFacts("a", "1"), ImageFacts("b/c", "")]
    decisions = evaluate(everything, images, NOW)
    assert [(d.action, d.reason, d.pattern_index) for d in decisions] == [
        (Action.PULL, Reason.PULL_ALL, None)
    ] * 2
    disabled = replace(SEED, enabled=False)
    decisions = evaluate(disabled, [ImageFacts("critical/x", "latest", created=RECENT)], NOW)
    assert (decisions[0].action, decisions[0].reason) == (Action.SKIP, Reason.DISABLED)
    assert decisions[0].criterion is Criterion.ENABLED


PLATFORMS = RuleSet(
    registry_id="r",
    name="amd64 and arm64 only",
    always_pull=("critical",),
    platforms=("linux/amd64", "LINUX/ARM64"),
)


@pytest.mark.parametrize(
    ("repository", "platforms", "reason", "chosen"),
    [
        ("app", (AMD64,), Reason.PULL_ALL, (AMD64,)),
        ("app", (AMD64, ARM64, ARMV7), Reason.PULL_ALL, (AMD64, ARM64)),
        ("app", (Platform("linux", "arm64"),), Reason.PULL_ALL, (Platform("linux", "arm64"),)),
        ("app", (ARMV7,), Reason.PLATFORM_MISMATCH, ()),
        ("app", (Platform("windows", "amd64"),), Reason.PLATFORM_MISMATCH, ()),
        ("app", (), Reason.PLATFORM_UNKNOWN, ()),
        # Always-pull beats the filter; the matching platforms are still named.
        ("critical", (ARMV7,), Reason.ALWAYS_PULL, ()),
        ("critical", (ARMV7, AMD64), Reason.ALWAYS_PULL, (AMD64,)),
    ],
)
def test_platform_filter(
    repository: str,
    platforms: tuple[Platform, ...],
    reason: Reason,
    chosen: tuple[Platform, ...],
) -> None:
    image = ImageFacts(repository, "1", platforms=platforms)
    decision = evaluate(PLATFORMS, [image], NOW)[0]
    assert (decision.reason, decision.platforms) == (reason, chosen)


def test_platform_variant_rules() -> None:
    pinned = RuleSet(registry_id="r", name="n", platforms=("linux/arm64/v8", "linux/arm/v7"))
    cases = [
        (Platform("linux", "arm64"), True),  # arm64 without variant is v8
        (Platform("linux", "arm64", "v8"), True),
        (Platform("linux", "arm64", "v9"), False),
        (Platform("linux", "arm", "v6"), False),
        (Platform("linux", "arm", "V7"), True),
    ]
    images = [ImageFacts("a", str(i), platforms=(p,)) for i, (p, _) in enumerate(cases)]
    decisions = evaluate(pinned, images, NOW)
    assert [d.action is Action.PULL for d in decisions] == [ok for _, ok in cases]


def test_criteria_are_reported_in_order_window_latest_platforms() -> None:
    rule_set = RuleSet(
        registry_id="r",
        name="n",
        creation_window=CreationWindow(1, TimeUnit.YEARS),
        latest_n=LatestN(1),
        platforms=("linux/amd64",),
    )
    images = [
        ImageFacts("a", "new", "sha256:1", RECENT, (ARMV7,)),
        ImageFacts("a", "older", "sha256:2", RECENT - timedelta(days=1), (ARMV7,)),
        ImageFacts("a", "oldest", "sha256:3", OLD, (ARMV7,)),
    ]
    reasons = [d.reason for d in evaluate(rule_set, images, NOW)]
    assert reasons == [Reason.PLATFORM_MISMATCH, Reason.NOT_LATEST, Reason.OUTSIDE_WINDOW]


def test_validation_names_every_bad_field() -> None:
    bad = RuleSet(
        registry_id=" ",
        name="",
        pull_patterns=("ok", ":"),
        always_pull=("re:(",),
        never_pull=("fine", "also-fine", ""),
        creation_window=CreationWindow(0, TimeUnit.DAYS),
        latest_n=LatestN(0),
        platforms=("linux", "linux/amd64", "linux//v7"),
    )
    violations = validate_rule_set(bad)
    assert [v.field for v in violations] == [
        "registry_id",
        "name",
        "never_pull[2]",
        "always_pull[0]",
        "pull_patterns[1]",
        "creation_window.amount",
        "latest_n.count",
        "platforms[0]",
        "platforms[2]",
    ]
    assert all(v.description for v in violations)
    with pytest.raises(InvalidRuleSetError) as raised:
        compile_rule_set(bad)
    assert raised.value.violations == violations
    too_long = RuleSet(registry_id="r", name="n", creation_window=CreationWindow(101, "years"))  # type: ignore[arg-type]
    assert validate_rule_set(too_long) == [
        FieldViolation("creation_window.unit", "must be days, months or years")
    ]
    assert validate_rule_set(
        replace(too_long, creation_window=CreationWindow(101, TimeUnit.YEARS))
    )[0] == FieldViolation("creation_window.amount", "must be 1-100 years")


def test_lists_are_stored_as_tuples_so_rule_sets_hash() -> None:
    rule_set = RuleSet(registry_id="r", name="n", pull_patterns=["a", "b"])  # type: ignore[arg-type]
    assert rule_set.pull_patterns == ("a", "b")
    assert hash(rule_set) == hash(RuleSet(registry_id="r", name="n", pull_patterns=("a", "b")))


@pytest.mark.parametrize(
    ("repository", "tag", "message"),
    [
        ("", "1", "repository is empty"),
        ("a:b", "1", "`:`"),
        ("a", "1:2", "`:`"),
        ("a\ud800", "1", "surrogate"),
    ],
)
def test_image_facts_refuse_names_that_cannot_split(
    repository: str, tag: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ImageFacts(repository, tag)


def test_explain_lists_every_rule_with_its_outcome() -> None:
    image = ImageFacts("critical/db", "latest", "sha256:x", OLD)
    explanation = explain(SEED, image, NOW)
    assert explanation.decision.reason is Reason.ALWAYS_PULL
    rows = [(c.rule, c.outcome, c.decisive) for c in explanation.checks]
    assert rows == [
        ("enabled", CheckOutcome.PASSED, False),
        ("never_pull[0]", CheckOutcome.NOT_MATCHED, False),
        ("always_pull[0]", CheckOutcome.MATCHED, True),
        ("pull_patterns[0]", CheckOutcome.MATCHED, False),
        ("pull_patterns[1]", CheckOutcome.NOT_MATCHED, False),
        ("pull_patterns[2]", CheckOutcome.NOT_MATCHED, False),
        ("creation_window", CheckOutcome.FAILED, False),  # failed, but always-pull wins
    ]
    window = explanation.checks[-1]
    assert "2025-10-11T12:00:00+00:00" in window.detail  # created
    assert "2026-09-16T12:00:00+00:00" in window.detail  # the window's start


def test_explain_marks_the_skipping_criterion_and_the_selecting_pattern() -> None:
    rule_set = replace(SEED, latest_n=LatestN(1), platforms=("linux/amd64",))
    image = ImageFacts("team/api", "latest", "sha256:old", RECENT, (AMD64,))
    newer = ImageFacts("team/api", "1.1", "sha256:new", RECENT + timedelta(hours=1), (AMD64,))
    explanation = explain(rule_set, image, NOW, context_images=[newer])
    assert explanation.decision.reason is Reason.NOT_LATEST
    decisive = [c.rule for c in explanation.checks if c.decisive]
    assert decisive == ["pull_patterns[0]", "latest_n"]
    latest = next(c for c in explanation.checks if c.rule == "latest_n")
    assert latest.outcome is CheckOutcome.FAILED
    assert latest.detail.startswith("rank 2 of 2 in team/api")
    platforms = explanation.checks[-1]
    assert (platforms.rule, platforms.outcome) == ("platforms", CheckOutcome.PASSED)


def test_explain_of_an_unmatched_image_marks_every_pull_pattern() -> None:
    explanation = explain(SEED, ImageFacts("x", "1", created=RECENT), NOW)
    assert explanation.decision.reason is Reason.NO_PULL_PATTERN
    decisive = [c.rule for c in explanation.checks if c.decisive]
    assert decisive == ["pull_patterns[0]", "pull_patterns[1]", "pull_patterns[2]"]


def test_decisions_in_words() -> None:
    rule_set = replace(SEED, platforms=("linux/amd64",))
    images = [
        ImageFacts("team/unstable", "latest", created=RECENT),
        ImageFacts("team/api", "latest", created=OLD, platforms=(AMD64,)),
        ImageFacts("team/api", "latest", created=RECENT, platforms=(AMD64, ARM64)),
        ImageFacts("x", "1", created=RECENT),
    ]
    decisions = evaluate(rule_set, images, NOW)
    words = [describe_decision(i, d) for i, d in zip(images, decisions, strict=True)]
    assert words == [
        "skip team/unstable:latest: matches never-pull pattern never_pull[0] `unstable`",
        "skip team/api:latest: created before the creation window "
        "(selected by pull_patterns[0] `:latest`)",
        "pull team/api:latest: matches pull pattern pull_patterns[0] `:latest` and passes "
        "every criterion; platforms linux/amd64",
        "skip x:1: matches no pull pattern",
    ]
