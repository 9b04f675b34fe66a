"""The Scheduler's sync filters: what they keep, and when they are exact."""

from __future__ import annotations

import re2

from services.rules.domain import CreationWindow, LatestN, RuleSet, TimeUnit
from services.rules.ref_filter import compile_ref_filter


def keeps(regex: str, text: str) -> bool:
    return not regex or re2.compile(regex).fullmatch(text) is not None


def test_seed_rule_set_filter() -> None:
    rule_set = RuleSet(
        registry_id="r",
        name="n",
        pull_patterns=(":latest", "pre-prod", "prod:stable"),
        always_pull=("critical",),
        never_pull=("unstable",),
    )
    ref_filter = compile_ref_filter(rule_set)
    assert not ref_filter.exact  # never-pull is not subtracted
    assert ref_filter.repository_regex == ""  # `:latest` may be in any repository
    for ref, kept in [
        ("team/api:latest", True),
        ("team/pre-prod:1.0", True),
        ("team/prod:stable-2", True),
        ("critical/db:9.6", True),
        ("team/unstable:latest", True),  # over-approximation: skipped after the sync
        ("team/prod:1.0", False),
        ("team/api:1.0", False),
    ]:
        assert keeps(ref_filter.ref_regex, ref) is kept, ref


def test_repository_filter_when_every_pattern_names_a_repository() -> None:
    rule_set = RuleSet(
        registry_id="r", name="n", pull_patterns=("team-*/api:v*", "db"), always_pull=("x:y",)
    )
    ref_filter = compile_ref_filter(rule_set)
    assert ref_filter.exact
    assert keeps(ref_filter.repository_regex, "team-a/api")
    assert keeps(ref_filter.repository_regex, "my-db")
    assert keeps(ref_filter.repository_regex, "box")
    assert not keeps(ref_filter.repository_regex, "team-a/web")
    assert keeps(ref_filter.ref_regex, "team-a/api:v1")
    assert not keeps(ref_filter.ref_regex, "team-a/api:1")
    # A regex could match any repository, so it disables the repository filter.
    with_regex = compile_ref_filter(RuleSet(registry_id="r", name="n", pull_patterns=("re:^a/",)))
    assert with_regex.repository_regex == ""
    assert keeps(with_regex.ref_regex, "a/b:1")
    assert not keeps(with_regex.ref_regex, "b/a:1")


def test_everything_and_nothing() -> None:
    everything = compile_ref_filter(RuleSet(registry_id="r", name="n"))
    assert (everything.ref_regex, everything.repository_regex, everything.exact) == ("", "", True)
    star = compile_ref_filter(RuleSet(registry_id="r", name="n", pull_patterns=("a", "*")))
    assert (star.ref_regex, star.repository_regex) == ("", "")
    criteria = compile_ref_filter(
        RuleSet(
            registry_id="r",
            name="n",
            pull_patterns=("a",),
            creation_window=CreationWindow(1, TimeUnit.DAYS),
            latest_n=LatestN(1),
        )
    )
    assert not criteria.exact
    for rule_set in (
        RuleSet(registry_id="r", name="n", pull_patterns=("a",), enabled=False),
        RuleSet(registry_id="r", name="n", always_pull=("a",), never_pull=(":*",)),
        RuleSet(registry_id="r", name="n", never_pull=("**",)),
    ):
        nothing = compile_ref_filter(rule_set)
        assert nothing.selects_nothing and nothing.exact
        for text in ("a:b", "a", "", ":", "é:\n"):
            assert not keeps(nothing.ref_regex, text)
            assert not keeps(nothing.repository_regex, text)
