"""One decision about a pushed image from several rule sets' verdicts."""

from __future__ import annotations

from services.scheduler.verdicts import RuleVerdict, combine

AMD64 = ("linux", "amd64", "")
ARM64 = ("linux", "arm64", "v8")


def verdict(
    rule_set: str, pull: bool, reason: str, platforms: tuple[tuple[str, str, str], ...] = ()
) -> RuleVerdict:
    return RuleVerdict(rule_set, 3, pull, reason, f"{rule_set} says {reason}", platforms)


def test_no_rule_set_skips_with_a_reason() -> None:
    decided = combine([])
    assert not decided.pull and decided.reason == "no_rule_set" and not decided.rule_set_id


def test_one_rule_set_decides_alone_with_its_own_words() -> None:
    decided = combine([verdict("rs-1", False, "rule:never_pull")])
    assert (decided.pull, decided.reason, decided.rule_set_id) == (False, "rule:never_pull", "rs-1")
    assert decided.explanation == "rs-1 says rule:never_pull"


def test_any_pulling_rule_set_pulls_and_names_itself() -> None:
    decided = combine(
        [verdict("rs-1", False, "rule:no_pull_pattern"), verdict("rs-2", True, "rule:always_pull")]
    )
    assert decided.pull and decided.rule_set_id == "rs-2" and decided.rule_set_revision == 3
    assert decided.reason == "rule:always_pull"
    assert "rs-1" in decided.explanation and "rs-2" in decided.explanation


def test_platforms_are_the_union_unless_one_pulls_without_a_filter() -> None:
    both = combine([verdict("a", True, "r", (AMD64,)), verdict("b", True, "r", (ARM64, AMD64))])
    assert both.platforms == (AMD64, ARM64)
    unfiltered = combine([verdict("a", True, "r", (AMD64,)), verdict("b", True, "r")])
    assert unfiltered.platforms == ()
    skipped_one = combine([verdict("a", True, "r", (AMD64,)), verdict("b", False, "x", (ARM64,))])
    assert skipped_one.platforms == (AMD64,)
