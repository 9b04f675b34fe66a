"""Preview (dry run), summaries, and evaluating a streamed inventory chunk by chunk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.rules.domain import (
    Action,
    CreationWindow,
    ImageFacts,
    InvalidRuleSetError,
    LatestN,
    Reason,
    RuleSet,
    TimeUnit,
)
from services.rules.evaluate import evaluate
from services.rules.preview import SummaryBuilder, preview, summarize
from services.rules.stream import RepositoryChunker, RepositoryOrderError

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)

DRAFT = RuleSet(
    registry_id="reg",
    name="draft",
    pull_patterns=(":latest", "prod"),
    always_pull=("critical",),
    never_pull=("unstable",),
    creation_window=CreationWindow(60, TimeUnit.DAYS),
    latest_n=LatestN(2),
)


def inventory() -> list[ImageFacts]:
    images = []
    for repository in ("critical/db", "team/prod-api", "team/unstable", "team/web"):
        for n, tag in enumerate(("latest", "1.2", "1.1", "1.0")):
            created = NOW - timedelta(days=40 * n)
            images.append(ImageFacts(repository, tag, f"sha256:{repository}{n}", created))
    return images


def test_preview_counts_and_pulled_images() -> None:
    images = inventory()
    result = preview(DRAFT, images, NOW)
    pulled = [image.ref for image, _ in result.pulled]
    assert pulled == [
        "critical/db:latest",
        "critical/db:1.2",
        "critical/db:1.1",
        "critical/db:1.0",
        "team/prod-api:latest",
        "team/prod-api:1.2",
        "team/web:latest",
    ]
    summary = result.summary
    assert (summary.total, summary.pulled, summary.skipped) == (16, 7, 9)
    tallies = [(t.action, t.reason, t.count, t.example) for t in summary.tallies]
    assert tallies == [
        (Action.PULL, Reason.ALWAYS_PULL, 4, "critical/db:latest"),
        (Action.PULL, Reason.PULL_PATTERN, 3, "team/prod-api:latest"),
        (Action.SKIP, Reason.NEVER_PULL, 4, "team/unstable:latest"),
        (Action.SKIP, Reason.NO_PULL_PATTERN, 3, "team/web:1.2"),
        (Action.SKIP, Reason.OUTSIDE_WINDOW, 2, "team/prod-api:1.1"),
    ]


def test_preview_refuses_an_invalid_draft() -> None:
    with pytest.raises(InvalidRuleSetError) as raised:
        preview(RuleSet(registry_id="reg", name="d", never_pull=(":",)), inventory(), NOW)
    assert [v.field for v in raised.value.violations] == ["never_pull[0]"]


def test_summary_builder_adds_batches() -> None:
    images = inventory()
    decisions = evaluate(DRAFT, images, NOW)
    builder = SummaryBuilder()
    builder.add(images[:5], decisions[:5])
    builder.add(images[5:], decisions[5:])
    assert builder.summary() == summarize(images, decisions)
    assert summarize([], []).total == 0


def test_chunks_hold_whole_repositories_and_evaluate_like_the_whole() -> None:
    images = inventory()
    chunker = RepositoryChunker(min_chunk=3)
    chunks = []
    for start in range(0, len(images), 3):  # batches that split repositories
        chunk = chunker.push(images[start : start + 3])
        if chunk:
            chunks.append(chunk)
    chunks.append(chunker.finish())
    assert [image for chunk in chunks for image in chunk] == images
    for chunk in chunks:
        repositories = {image.repository for image in chunk}
        for repository in repositories:
            assert sum(i.repository == repository for i in chunk) == 4  # never split
    chunked = [d for chunk in chunks for d in evaluate(DRAFT, chunk, NOW)]
    assert chunked == evaluate(DRAFT, images, NOW)


def test_chunker_refuses_an_ungrouped_stream() -> None:
    chunker = RepositoryChunker(min_chunk=100)
    chunker.push([ImageFacts("a", "1"), ImageFacts("b", "1")])
    with pytest.raises(RepositoryOrderError, match="'a' reappeared"):
        chunker.push([ImageFacts("a", "2")])
    with pytest.raises(ValueError):
        RepositoryChunker(min_chunk=0)
