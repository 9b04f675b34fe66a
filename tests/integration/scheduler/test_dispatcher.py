"""Registry events through the dispatcher, with the real Scanner consuming the push lane."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from regsieve.v1 import catalog_pb2, events_pb2
from regsieve.v1 import scheduler_pb2 as pb
from services.scanner.service import ScannerService
from tests.integration.scanner.conftest import collect_results, scanner_config
from tests.integration.scheduler.conftest import Stack, push_images
from tests.support.registry import RunningRegistry
from tests.support.servers import running

CREATED = datetime(2026, 2, 1, tzinfo=UTC)


@pytest.fixture
async def scanner(scheduler: Stack) -> AsyncIterator[ScannerService]:
    config = scanner_config(scheduler.database_url, scheduler.nats_url, scheduler.catalog.target)
    service = ScannerService(config)
    async with running("scanner", service, config.common):
        yield service


async def decision(stack: Stack, event_id: str, timeout: float = 20) -> pb.EventDecision:
    assert stack.scheduler is not None
    for _ in range(int(timeout / 0.05)):
        try:
            reply = await stack.scheduler.GetEventDecision(
                pb.GetEventDecisionRequest(event_id=event_id)
            )
            return reply.decision
        except Exception:
            await asyncio.sleep(0.05)
    raise AssertionError(f"no decision about {event_id}")


def pushed_event(event_id: str, registry_id: str, repository: str, tag: str, digest: str = ""):
    event = events_pb2.RegistryEvent(
        id=event_id,
        registry_id=registry_id,
        action=events_pb2.REGISTRY_EVENT_ACTION_PUSHED,
        repository=repository,
        tag=tag,
        digest=digest,
        registry_type="distribution",
    )
    event.event_time.FromDatetime(datetime.now(UTC))
    return event


async def test_webhook_events_scan_selected_images_and_explain_skips(
    registry: RunningRegistry, scheduler: Stack, scanner: ScannerService
) -> None:
    selected, excluded = await push_images(
        registry, [("team/api", ["2.0"], CREATED), ("team/api", ["pr-9"], CREATED)]
    )
    created = await scheduler.catalog.create_registry("local", registry.url)
    rule_set = await scheduler.create_rule_set(
        created.id, pull_patterns=["team/"], never_pull=[":pr-"]
    )

    # the gateway's event carries no digest here: the dispatcher reads it from the Catalog
    await scheduler.publish_event(pushed_event("evt-selected", created.id, "team/api", "2.0"))
    queued = await decision(scheduler, "evt-selected")
    assert queued.outcome == pb.EVENT_DECISION_OUTCOME_QUEUED, queued
    assert queued.digest == selected.digest
    assert queued.image_create_time.ToDatetime(tzinfo=UTC) == CREATED
    assert (queued.rule_set_id, queued.rule_set_revision) == (rule_set.id, 1)
    assert queued.reason == "rule:pull_pattern"
    results = await collect_results(scheduler.nats, 1, timeout=60)
    assert results[0].request_id == queued.scan_request_id
    assert results[0].outcome == events_pb2.SCAN_OUTCOME_SUCCEEDED, results[0].failure_reason
    assert results[0].digest == selected.digest
    [request] = scheduler.tap.by_lane(events_pb2.SCAN_LANE_PUSH)
    assert request.id == queued.scan_request_id and request.rule_set_revision == 1

    await scheduler.publish_event(
        pushed_event("evt-excluded", created.id, "team/api", "pr-9", excluded.digest)
    )
    skipped = await decision(scheduler, "evt-excluded")
    assert skipped.outcome == pb.EVENT_DECISION_OUTCOME_SKIPPED
    assert skipped.reason == "rule:never_pull"
    assert "never" in skipped.explanation and ":pr-" in skipped.explanation
    assert skipped.rule_set_id == rule_set.id and not skipped.scan_request_id

    # a registry retry after the gateway's duplicate window: decided once, counted twice
    await scheduler.publish_event(
        pushed_event("evt-selected", created.id, "team/api", "2.0"), msg_id="evt-selected#retry"
    )
    for _ in range(100):
        again = await decision(scheduler, "evt-selected")
        if again.deliveries == 2:
            break
        await asyncio.sleep(0.05)
    assert again.deliveries == 2 and again.decide_time == queued.decide_time
    assert len(scheduler.tap.by_lane(events_pb2.SCAN_LANE_PUSH)) == 1

    deleted = events_pb2.RegistryEvent(
        id="evt-deleted",
        registry_id=created.id,
        action=events_pb2.REGISTRY_EVENT_ACTION_DELETED,
        repository="team/api",
        tag="2.0",
    )
    await scheduler.publish_event(deleted)
    removed = await decision(scheduler, "evt-deleted")
    assert removed.outcome == pb.EVENT_DECISION_OUTCOME_REMOVED, removed
    image = await scheduler.catalog.stub.GetImage(
        catalog_pb2.GetImageRequest(registry_id=created.id, repository="team/api", tag="2.0")
    )
    assert image.image.removed

    assert scheduler.scheduler is not None
    listed = await scheduler.scheduler.ListEventDecisions(
        pb.ListEventDecisionsRequest(
            registry_id=created.id, outcome=pb.EVENT_DECISION_OUTCOME_SKIPPED
        )
    )
    assert [d.event_id for d in listed.decisions] == ["evt-excluded"]

    # a tag gone before the dispatcher read it: a recorded failure, nothing queued
    await scheduler.publish_event(pushed_event("evt-gone", created.id, "team/api", "nope"))
    failed = await decision(scheduler, "evt-gone")
    assert failed.outcome == pb.EVENT_DECISION_OUTCOME_FAILED
    assert failed.reason == "resolve_failed:NOT_FOUND"
    assert len(scheduler.tap.requests) == 1
