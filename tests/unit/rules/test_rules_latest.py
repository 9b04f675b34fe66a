"""Latest-N per repository, by creation time and by semantic version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.rules.domain import (
    Action,
    CreationWindow,
    ImageFacts,
    LatestN,
    LatestOrder,
    Reason,
    RuleSet,
    TimeUnit,
)
from services.rules.evaluate import evaluate
from services.rules.versions import parse_version_tag

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)


def day(n: int) -> datetime:
    """n days ago."""
    return NOW - timedelta(days=n)


def latest(count: int, order: LatestOrder = LatestOrder.CREATED, **extra: object) -> RuleSet:
    return RuleSet(registry_id="r", name="n", latest_n=LatestN(count, order), **extra)  # type: ignore[arg-type]


def pulled(rule_set: RuleSet, images: list[ImageFacts], **kwargs: object) -> list[str]:
    decisions = evaluate(rule_set, images, NOW, **kwargs)  # type: ignore[arg-type]
    return [i.ref for i, d in zip(images, decisions, strict=True) if d.action is Action.PULL]


def test_newest_n_per_repository_by_creation_time() -> None:
    images = [ImageFacts("a", f"b{n}", f"sha256:a{n}", day(n)) for n in range(7)]
    images += [ImageFacts("b", f"b{n}", f"sha256:b{n}", day(10 * n)) for n in range(3)]
    assert pulled(latest(3), images) == ["a:b0", "a:b1", "a:b2", "b:b0", "b:b1", "b:b2"]
    reasons = {d.reason for d in evaluate(latest(3), images, NOW)}
    assert reasons == {Reason.PULL_ALL, Reason.NOT_LATEST}


def test_tags_of_one_digest_are_one_image() -> None:
    images = [
        ImageFacts("a", "1.4.2", "sha256:new", day(1)),
        ImageFacts("a", "latest", "sha256:new", day(1)),
        ImageFacts("a", "1.4", "sha256:new", day(1)),
        ImageFacts("a", "1.4.1", "sha256:old", day(9)),
        ImageFacts("a", "1.4.0", "sha256:older", day(20)),
    ]
    assert pulled(latest(2), images) == ["a:1.4.2", "a:latest", "a:1.4", "a:1.4.1"]


def test_equal_creation_times_are_ordered_by_digest() -> None:
    # Reproducible builds often share one `created`; the order must still be stable.
    images = [ImageFacts("a", t, f"sha256:{t}", day(1)) for t in ("c", "a", "b")]
    assert pulled(latest(1), images) == ["a:c"]
    assert pulled(latest(1), list(reversed(images))) == ["a:c"]


def test_unknown_creation_time_is_not_ranked() -> None:
    images = [ImageFacts("a", "x", "sha256:x", None), ImageFacts("a", "y", "sha256:y", day(50))]
    decisions = evaluate(latest(1), images, NOW)
    assert [d.reason for d in decisions] == [Reason.CREATED_UNKNOWN, Reason.PULL_ALL]


def test_never_pull_matches_do_not_take_a_slot() -> None:
    images = [
        ImageFacts("a", "2-unstable", "sha256:3", day(1)),
        ImageFacts("a", "1", "sha256:2", day(2)),
        ImageFacts("a", "0", "sha256:1", day(3)),
    ]
    rule_set = latest(1, never_pull=(":unstable",))
    assert pulled(rule_set, images) == ["a:1"]


def test_always_pull_still_takes_a_slot_but_ignores_the_limit() -> None:
    images = [
        ImageFacts("a", "hotfix", "sha256:3", day(9)),
        ImageFacts("a", "new", "sha256:2", day(1)),
        ImageFacts("a", "newer", "sha256:1", day(0)),
    ]
    assert pulled(latest(1, always_pull=(":hotfix",)), images) == ["a:hotfix", "a:newer"]


def test_pull_patterns_do_not_change_the_ranking() -> None:
    # Latest-N is "the newest N of the repository", not "the newest N the patterns pick":
    # so adding a pull pattern can never push another image out.
    images = [
        ImageFacts("a", "nightly-2", "sha256:3", day(1)),
        ImageFacts("a", "release-2", "sha256:2", day(2)),
        ImageFacts("a", "release-1", "sha256:1", day(3)),
    ]
    assert pulled(latest(2, pull_patterns=(":release-",)), images) == ["a:release-2"]


def test_a_webhook_image_is_ranked_against_its_repository_context() -> None:
    pushed = ImageFacts("a", "old-rebuild", "sha256:p", day(30))
    context = [ImageFacts("a", f"t{n}", f"sha256:{n}", day(n)) for n in range(3)]
    assert pulled(latest(3), [pushed]) == ["a:old-rebuild"]
    assert pulled(latest(3), [pushed], context_images=context) == []
    assert pulled(latest(4), [pushed], context_images=context) == ["a:old-rebuild"]
    # The batch is the newer word: a stale context entry for the same tag is ignored.
    stale = ImageFacts("a", "old-rebuild", "sha256:stale", day(0))
    assert pulled(latest(3), [pushed], context_images=[*context, stale]) == []
    # Context from other repositories does not count.
    others = [ImageFacts("b", f"t{n}", f"sha256:b{n}", day(0)) for n in range(5)]
    assert pulled(latest(1), [pushed], context_images=others) == ["a:old-rebuild"]


def test_window_does_not_change_the_rank_of_images_inside_it() -> None:
    images = [ImageFacts("a", f"t{n}", f"sha256:{n}", day(10 * n)) for n in range(8)]
    with_window = latest(3, creation_window=CreationWindow(25, TimeUnit.DAYS))
    assert pulled(with_window, images) == ["a:t0", "a:t1", "a:t2"]
    narrow = latest(3, creation_window=CreationWindow(15, TimeUnit.DAYS))
    assert pulled(narrow, images) == ["a:t0", "a:t1"]
    # An image created exactly at the window's start is inside it, and ranked.
    assert pulled(latest(3, creation_window=CreationWindow(20, TimeUnit.DAYS)), images) == [
        "a:t0",
        "a:t1",
        "a:t2",
    ]


SEMVER_TAGS = [
    ("1.2.3", True),
    ("v1.10.0", True),
    ("1.9", True),
    ("2.0.0-rc.1", True),
    ("1.10.0+build.7", True),
    ("latest", False),
    ("main-3f2a1c", False),
    ("1.2.3.4", False),
    ("nightly-20261101", False),
]


def test_semver_ordering_ranks_versions_and_skips_other_tags() -> None:
    images = [ImageFacts("a", t, f"sha256:{t}", day(i)) for i, (t, _) in enumerate(SEMVER_TAGS)]
    decisions = evaluate(latest(2, LatestOrder.SEMVER), images, NOW)
    by_tag = {i.tag: d.reason for i, d in zip(images, decisions, strict=True)}
    assert by_tag == {
        "2.0.0-rc.1": Reason.PULL_ALL,  # a 2.0.0 pre-release is newer than any 1.x
        "v1.10.0": Reason.PULL_ALL,
        "1.10.0+build.7": Reason.PULL_ALL,  # build metadata: the same version
        "1.9": Reason.NOT_LATEST,
        "1.2.3": Reason.NOT_LATEST,
        "latest": Reason.NOT_A_VERSION,
        "main-3f2a1c": Reason.NOT_A_VERSION,
        "1.2.3.4": Reason.NOT_A_VERSION,
        "nightly-20261101": Reason.NOT_A_VERSION,
    }


def test_semver_ordering_ignores_creation_time() -> None:
    images = [
        ImageFacts("a", "1.0.1", "sha256:1", day(100)),  # a backport built late... or early
        ImageFacts("a", "1.0.0", "sha256:0", day(1)),
        ImageFacts("a", "0.9.0", "sha256:9", None),
    ]
    assert pulled(latest(1, LatestOrder.SEMVER), images) == ["a:1.0.1"]
    assert pulled(latest(1), images) == ["a:1.0.0"]


@pytest.mark.parametrize(
    ("tag", "version"),
    [
        ("1.4.2", "1.4.2"),
        ("v1.4.2", "1.4.2"),
        ("V2", "2.0.0"),
        ("1.4", "1.4.0"),
        ("3", "3.0.0"),
        ("1.4.2-alpine", "1.4.2-alpine"),
        ("1.0.0-rc.1+b7", "1.0.0-rc.1+b7"),
        ("latest", None),
        ("v", None),
        ("", None),
        ("01.2.3", None),
        ("1.2.3.4", None),
        ("vv1", None),
        ("1.2.3 ", None),
    ],
)
def test_version_tags(tag: str, version: str | None) -> None:
    parsed = parse_version_tag(tag)
    assert (None if parsed is None else str(parsed)) == version
