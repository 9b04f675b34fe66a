"""A real registry synced by the real Catalog, judged by Rules: preview, stream, explain.

The expected decisions are computed here with plain string checks and sorting, following
the documented precedence, not by calling the evaluator.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from regsieve.v1 import catalog_pb2, common_pb2
from regsieve.v1 import rules_pb2 as pb
from services.common.registry.client import RegistryClient
from tests.integration.rules.helpers import RulesHandle, fails, invalid
from tests.support.images import ImageSpec, layer, push_image, push_index
from tests.support.registry import RunningRegistry

NOW = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def timestamp(moment: datetime | None) -> Timestamp:
    assert moment is not None
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


@dataclass(frozen=True)
class Pushed:
    repository: str
    tag: str
    digest: str
    created: datetime | None


# (repository, tags, created): one image per entry, every tag of it pointing at one digest
SINGLE_IMAGES: list[tuple[str, list[str], datetime | None]] = [
    ("team/api-pre-prod", ["1.0"], NOW - 10 * DAY),
    ("team/api-pre-prod", ["1.1"], NOW - 5 * DAY),
    ("team/api-pre-prod", ["1.2", "latest"], NOW - 1 * DAY),
    ("team/api-pre-prod", ["1.3"], NOW - 90 * DAY),
    ("team/api-unstable", ["latest"], NOW - 1 * DAY),
    ("payments/prod", ["stable"], NOW - 3 * DAY),
    ("payments/prod", ["stable-old"], NOW - 200 * DAY),
    ("payments/prod", ["edge"], NOW - 2 * DAY),
    ("critical/db", ["9.6"], NOW - 2000 * DAY),
    ("critical/db-unstable", ["x"], NOW - 1 * DAY),
    ("tools/cli", ["latest"], None),
]
MULTI_PLATFORM = ("library/base", "latest", NOW - 2 * DAY)

RULE_SET = {
    "pull_patterns": ["pre-prod", ":latest", "prod:stable"],
    "always_pull": ["critical"],
    "never_pull": ["unstable"],
    "creation_window": pb.CreationWindow(amount=60, unit=pb.WINDOW_UNIT_DAYS),
    "latest_n": pb.LatestN(count=2),
}


async def populate(registry: RunningRegistry) -> list[Pushed]:
    pushed: list[Pushed] = []
    base = layer({"etc/os-release": b'ID=debian\nVERSION_ID="12"\n'})
    async with RegistryClient(registry.url) as client:
        for number, (repository, tags, created) in enumerate(SINGLE_IMAGES):
            image = ImageSpec([base, layer({f"app/{number}": str(number).encode()})], created)
            digest = await push_image(client, repository, tags, image)
            pushed += [Pushed(repository, tag, digest, created) for tag in tags]
        repository, tag, created = MULTI_PLATFORM
        amd64 = ImageSpec([base], created=created - DAY)
        arm64 = ImageSpec([layer({"a": b"64"})], created=created, architecture="arm64")
        digest, _ = await push_index(client, repository, [tag], [amd64, arm64])
        pushed.append(Pushed(repository, tag, digest, created))
    return pushed


def expected_reasons(inventory: list[Pushed], now: datetime) -> dict[str, str]:
    """repository:tag -> reason, by the documented precedence, with plain string checks."""

    def never(image: Pushed) -> bool:
        return "unstable" in image.repository

    def always(image: Pushed) -> bool:
        return "critical" in image.repository

    def pull_pattern(image: Pushed) -> bool:
        return (
            "pre-prod" in image.repository
            or "latest" in image.tag
            or ("prod" in image.repository and "stable" in image.tag)
        )

    # latest-2 by creation time per repository, never-pull matches left out, aliases of
    # one digest counted once
    newest: dict[str, list[str]] = {}
    for repository in {i.repository for i in inventory}:
        ranked = sorted(
            {
                (i.created, i.digest)
                for i in inventory
                if i.repository == repository and not never(i) and i.created
            },
            reverse=True,
        )
        newest[repository] = [digest for _, digest in ranked[:2]]

    reasons = {}
    for image in inventory:
        ref = f"{image.repository}:{image.tag}"
        if never(image):
            reasons[ref] = "never_pull"
        elif always(image):
            reasons[ref] = "always_pull"
        elif not pull_pattern(image):
            reasons[ref] = "no_pull_pattern"
        elif image.created is None:
            reasons[ref] = "created_unknown"
        elif image.created < now - timedelta(days=60):
            reasons[ref] = "outside_window"
        elif image.digest not in newest[image.repository]:
            reasons[ref] = "not_latest"
        else:
            reasons[ref] = "pull_pattern"
    return reasons


def ref_of(entry: pb.ImageDecision) -> str:
    return f"{entry.image.repository}:{entry.image.tag}"


def reason_of(decision: pb.Decision) -> str:
    return decision.reason_code.removeprefix("rule:")


def counts_of(summary: pb.EvaluationSummary) -> dict[str, int]:
    return {c.reason_code.removeprefix("rule:"): c.count for c in summary.counts}


async def synced_registry(
    rules: RulesHandle, registry: RunningRegistry
) -> tuple[str, list[Pushed]]:
    pushed = await populate(registry)
    created = await rules.catalog.create_registry("local", registry.url)
    sync = await rules.catalog.sync(created.id)
    assert sync.state == catalog_pb2.SYNC_STATE_SUCCEEDED, sync.error
    return created.id, pushed


async def test_preview_matches_an_independent_expectation(
    rules: RulesHandle, registry: RunningRegistry
) -> None:
    registry_id, pushed = await synced_registry(rules, registry)
    expected = expected_reasons(pushed, NOW)
    assert set(Counter(expected.values())) >= {  # the data exercises every branch
        "never_pull", "always_pull", "no_pull_pattern", "created_unknown", "outside_window",
        "not_latest", "pull_pattern",
    }  # fmt: skip
    draft = pb.RuleSet(registry_id=registry_id, name="draft", **RULE_SET)

    first = await rules.stub.PreviewRuleSet(
        pb.PreviewRuleSetRequest(rule_set=draft, page_size=2, evaluate_time=timestamp(NOW))
    )
    summary = first.summary
    assert summary.total == len(pushed)
    assert summary.pulled == sum(r in ("always_pull", "pull_pattern") for r in expected.values())
    assert summary.skipped == summary.total - summary.pulled
    assert counts_of(summary) == dict(Counter(expected.values()))
    assert summary.rule_set_revision == 0 and summary.evaluate_time == timestamp(NOW)

    # a tag pushed after the first page does not shift the pages nor change the counts
    async with RegistryClient(registry.url) as client:
        await push_image(
            client, "team/api-pre-prod", ["1.4"], ImageSpec([layer({"new": b"1"})], NOW)
        )
    assert (await rules.catalog.sync(registry_id)).progress.tags_new == 1

    pulled = [entry for entry in first.pulled_images]
    token = first.next_page_token
    pages = 1
    while token:
        page = await rules.stub.PreviewRuleSet(
            pb.PreviewRuleSetRequest(rule_set=draft, page_size=2, page_token=token)
        )
        assert page.summary == summary  # same snapshot, same evaluation time
        assert len(page.pulled_images) <= 2
        pulled += page.pulled_images
        token = page.next_page_token
        pages += 1
    assert {ref_of(e) for e in pulled} == {
        ref for ref, reason in expected.items() if reason in ("always_pull", "pull_pattern")
    }
    assert len(pulled) == summary.pulled and pages == (summary.pulled + 1) // 2
    assert all(reason_of(e.decision) == expected[ref_of(e)] for e in pulled)
    # pages come in the inventory's order: repository, then tag
    order = [(e.image.repository, e.image.tag) for e in pulled]
    assert order == sorted(order)
    platforms = next(e for e in pulled if e.image.repository == "library/base").image.platforms
    assert {(p.os, p.architecture) for p in platforms} == {("linux", "amd64"), ("linux", "arm64")}

    # a fresh preview sees the new tag, which pushes 1.1 out of the latest two
    fresh = await rules.stub.PreviewRuleSet(
        pb.PreviewRuleSetRequest(rule_set=draft, page_size=1000, evaluate_time=timestamp(NOW))
    )
    refs = {ref_of(e) for e in fresh.pulled_images}
    assert "team/api-pre-prod:1.4" in refs and "team/api-pre-prod:1.1" not in refs
    assert fresh.summary.total == summary.total + 1


async def test_preview_tokens_are_checked(rules: RulesHandle, registry: RunningRegistry) -> None:
    registry_id, _ = await synced_registry(rules, registry)
    draft = pb.RuleSet(registry_id=registry_id, name="draft", **RULE_SET)
    first = await rules.stub.PreviewRuleSet(
        pb.PreviewRuleSetRequest(rule_set=draft, page_size=1, evaluate_time=timestamp(NOW))
    )
    assert first.next_page_token
    other = pb.RuleSet()
    other.CopyFrom(draft)
    other.never_pull.append(":1.0")
    found = await invalid(
        rules.stub.PreviewRuleSet(
            pb.PreviewRuleSetRequest(rule_set=other, page_token=first.next_page_token)
        )
    )
    assert "different draft" in found["page_token"]
    found = await invalid(
        rules.stub.PreviewRuleSet(
            pb.PreviewRuleSetRequest(
                rule_set=draft,
                page_token=first.next_page_token,
                evaluate_time=timestamp(NOW + DAY),
            )
        )
    )
    assert "evaluate_time" in found
    for token in ("%%%", first.next_page_token[:-4]):
        found = await invalid(
            rules.stub.PreviewRuleSet(pb.PreviewRuleSetRequest(rule_set=draft, page_token=token))
        )
        assert "page_token" in found
    bad_draft = pb.RuleSet(registry_id=registry_id, name="d", never_pull=["ok", "re:("])
    found = await invalid(rules.stub.PreviewRuleSet(pb.PreviewRuleSetRequest(rule_set=bad_draft)))
    assert set(found) == {"rule_set.never_pull[1]"}
    await fails(
        rules.stub.PreviewRuleSet(
            pb.PreviewRuleSetRequest(
                rule_set=pb.RuleSet(registry_id="00000000-0000-4000-8000-000000000000", name="d")
            )
        ),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_evaluate_registry_streams_whole_repositories(
    rules: RulesHandle, registry: RunningRegistry
) -> None:
    registry_id, pushed = await synced_registry(rules, registry)
    expected = expected_reasons(pushed, NOW)
    saved = await rules.create(registry_id, "prod", **RULE_SET)

    messages = [
        message
        async for message in rules.stub.EvaluateRegistry(
            pb.EvaluateRegistryRequest(
                rule_set_id=saved.id, batch_size=2, evaluate_time=timestamp(NOW)
            )
        )
    ]
    *batches, last = messages
    assert last.HasField("summary") and not last.decisions
    assert all(not m.HasField("summary") for m in batches)
    decided = [entry for message in batches for entry in message.decisions]
    assert {ref_of(e): reason_of(e.decision) for e in decided} == expected
    assert len(decided) == len(expected)
    assert all(
        e.decision.rule_set_id == saved.id and e.decision.rule_set_revision == 1 for e in decided
    )
    # messages hold at most 2; a repository spans messages only when it has more than 2,
    # and then they follow each other
    sizes = Counter(e.image.repository for e in decided)
    spans: dict[str, list[int]] = {}
    for number, message in enumerate(batches):
        assert 1 <= len(message.decisions) <= 2
        for repository in {e.image.repository for e in message.decisions}:
            spans.setdefault(repository, []).append(number)
    for repository, numbers in spans.items():
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
        assert len(numbers) == 1 or sizes[repository] > 2, repository
    assert len(spans["team/api-pre-prod"]) >= 3  # 5 images in messages of 2
    assert last.summary.total == len(expected)
    assert counts_of(last.summary) == dict(Counter(expected.values()))
    assert last.summary.rule_set_id == saved.id and last.summary.rule_set_revision == 1

    only_pulled = [
        entry
        async for message in rules.stub.EvaluateRegistry(
            pb.EvaluateRegistryRequest(
                rule_set_id=saved.id, only_pulled=True, evaluate_time=timestamp(NOW)
            )
        )
        for entry in message.decisions
    ]
    assert {ref_of(e) for e in only_pulled} == {
        ref for ref, reason in expected.items() if reason in ("always_pull", "pull_pattern")
    }
    found = await invalid(
        rules.stub.EvaluateRegistry(
            pb.EvaluateRegistryRequest(rule_set_id=saved.id, batch_size=5001)
        ).read()
    )
    assert "batch_size" in found


async def test_webhook_image_ranked_against_the_catalog(
    rules: RulesHandle, registry: RunningRegistry
) -> None:
    registry_id, pushed = await synced_registry(rules, registry)
    saved = await rules.create(registry_id, "prod", **RULE_SET)
    oldest = next(p for p in pushed if p.tag == "1.0")
    image = pb.ImageFacts(
        repository=oldest.repository,
        tag=oldest.tag,
        digest=oldest.digest,
        create_time=timestamp(oldest.created),
        platforms=[common_pb2.Platform(os="linux", architecture="amd64")],
    )
    alone = await rules.stub.EvaluateImages(
        pb.EvaluateImagesRequest(rule_set_id=saved.id, images=[image], evaluate_time=timestamp(NOW))
    )
    assert reason_of(alone.decisions[0]) == "pull_pattern"  # first of a batch of one
    ranked = await rules.stub.EvaluateImages(
        pb.EvaluateImagesRequest(
            rule_set_id=saved.id,
            images=[image],
            catalog_context=True,
            evaluate_time=timestamp(NOW),
        )
    )
    decision = ranked.decisions[0]
    assert reason_of(decision) == "not_latest"
    assert decision.action == pb.DECISION_ACTION_SKIP
    assert decision.pattern_list == pb.PATTERN_LIST_NAME_PULL_PATTERNS
    assert decision.pattern_index == 0 and decision.pattern == "pre-prod"
    assert decision.message.startswith("skip team/api-pre-prod:1.0: not among the latest N")
    assert ranked.rule_set_revision == 1 and ranked.evaluate_time == timestamp(NOW)

    found = await invalid(
        rules.stub.EvaluateImages(
            pb.EvaluateImagesRequest(
                rule_set_id=saved.id,
                images=[image, pb.ImageFacts(repository="a:b", tag="x"), pb.ImageFacts(tag="t")],
            )
        )
    )
    assert set(found) == {"images[1]", "images[2]"}


async def test_explain_an_inventory_image(rules: RulesHandle, registry: RunningRegistry) -> None:
    registry_id, _ = await synced_registry(rules, registry)
    saved = await rules.create(registry_id, "prod", **RULE_SET)
    reply = await rules.stub.ExplainDecision(
        pb.ExplainDecisionRequest(
            rule_set_id=saved.id,
            inventory_image=catalog_pb2.ImageRef(repository="team/api-pre-prod", tag="1.0"),
            catalog_context=True,
            evaluate_time=timestamp(NOW),
        )
    )
    assert reply.image.create_time == timestamp(NOW - 10 * DAY)
    assert reason_of(reply.decision) == "not_latest"
    checks = {check.rule: check for check in reply.checks}
    assert list(checks) == [
        "enabled", "never_pull[0]", "always_pull[0]", "pull_patterns[0]", "pull_patterns[1]",
        "pull_patterns[2]", "creation_window", "latest_n",
    ]  # fmt: skip
    assert checks["never_pull[0]"].outcome == pb.CHECK_OUTCOME_NOT_MATCHED
    assert checks["pull_patterns[0]"].outcome == pb.CHECK_OUTCOME_MATCHED
    assert checks["pull_patterns[0]"].decisive
    assert checks["creation_window"].outcome == pb.CHECK_OUTCOME_PASSED
    latest = checks["latest_n"]
    assert latest.outcome == pb.CHECK_OUTCOME_FAILED and latest.decisive
    assert latest.detail.startswith("rank 3 of 4 in team/api-pre-prod")
    assert [c.rule for c in reply.checks if c.decisive] == ["pull_patterns[0]", "latest_n"]

    await fails(
        rules.stub.ExplainDecision(
            pb.ExplainDecisionRequest(
                rule_set_id=saved.id,
                inventory_image=catalog_pb2.ImageRef(repository="team/api-pre-prod", tag="9"),
            )
        ),
        grpc.StatusCode.NOT_FOUND,
    )
    assert "image" in await invalid(
        rules.stub.ExplainDecision(pb.ExplainDecisionRequest(rule_set_id=saved.id))
    )

    filters = await rules.stub.GetRefFilter(pb.GetRefFilterRequest(rule_set_id=saved.id))
    assert filters.rule_set_id == saved.id and filters.rule_set_revision == 1
    assert not filters.exact and not filters.selects_nothing
    assert filters.repository_filter == ""  # `:latest` may select any repository
    assert filters.ref_filter.startswith("^") and filters.ref_filter.endswith("$")
