"""Scheduler fixtures: Catalog, Rules and Scheduler in-process on one real PostgreSQL and NATS,
real images in a real registry, a controllable clock, and a tap on every scan request sent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import nats
import pytest
from nats.aio.client import Client as NatsClient

from regsieve.v1 import events_pb2, rules_pb2, rules_pb2_grpc, scheduler_pb2_grpc
from regsieve.v1 import scheduler_pb2 as pb
from services.common.embedded import EmbeddedNats
from services.common.registry.client import RegistryClient
from services.rules.config import RulesConfig
from services.rules.service import RulesService
from services.scheduler.config import SchedulerConfig
from services.scheduler.service import SchedulerService
from tests.integration.conftest import catalog
from tests.support.catalog import CatalogHandle
from tests.support.images import ImageSpec, layer, push_image
from tests.support.registry import RunningRegistry
from tests.support.servers import common_config, running

__all__ = ["catalog"]

TERMINAL = (pb.JOB_STATE_SUCCEEDED, pb.JOB_STATE_FAILED, pb.JOB_STATE_CANCELLED)


class TestClock:
    """The scheduler's clock: `base` plus `per_request` for every scan request seen so far
    (so a window can close in the middle of a sweep without waiting for wall time)."""

    __test__ = False

    def __init__(self, base: datetime, tap: RequestTap | None = None) -> None:
        self.base = base
        self.tap = tap
        self.per_request = timedelta(0)
        self._counted_from = 0

    def set(self, base: datetime, per_request: timedelta = timedelta(0)) -> None:
        self.base = base
        self.per_request = per_request
        self._counted_from = len(self.tap.requests) if self.tap else 0

    def __call__(self) -> datetime:
        seen = len(self.tap.requests) - self._counted_from if self.tap else 0
        return self.base + self.per_request * seen


@dataclass
class RequestTap:
    """Every ScanRequest published, duplicates included (a core NATS subscription)."""

    requests: list[events_pb2.ScanRequest] = field(default_factory=list)

    def by_lane(self, lane: int) -> list[events_pb2.ScanRequest]:
        return [r for r in self.requests if r.lane == lane]

    async def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.requests) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"saw {len(self.requests)} scan requests, expected {count}")
            await asyncio.sleep(0.02)


def scheduler_config(
    database_url: str, nats_url: str, catalog_target: str, rules_target: str, **overrides: Any
) -> SchedulerConfig:
    config = SchedulerConfig(
        common=common_config(
            database_url=database_url,
            nats_url=nats_url,
            catalog_target=catalog_target,
            rules_target=rules_target,
        ),
        tick_seconds=0.1,
        lease_seconds=3.0,
        max_jobs=4,
        publish_concurrency=64,
        dispatch_concurrency=8,
        event_max_deliver=3,
        call_timeout_seconds=10.0,
    )
    return replace(config, **overrides)


@dataclass
class Stack:
    """The services under test and helpers to drive them."""

    catalog: CatalogHandle
    rules: rules_pb2_grpc.RulesServiceStub
    rules_target: str
    nats_url: str
    database_url: str
    nats: NatsClient
    tap: RequestTap
    clock: TestClock
    scheduler: scheduler_pb2_grpc.SchedulerServiceStub | None = None
    service: SchedulerService | None = None

    def scheduler_service(self, **kwargs: Any) -> AbstractAsyncContextManager[Any]:
        """Serves one more SchedulerService replica (own clock/chunk size if given)."""
        config = scheduler_config(
            self.database_url, self.nats_url, self.catalog.target, self.rules_target
        )
        service = SchedulerService(config, clock=kwargs.pop("clock", self.clock), **kwargs)

        @asynccontextmanager
        async def serve() -> AsyncIterator[tuple[scheduler_pb2_grpc.SchedulerServiceStub, Any]]:
            async with running("scheduler", service, config.common) as (_, channel):
                yield scheduler_pb2_grpc.SchedulerServiceStub(channel), service

        return serve()

    async def create_rule_set(self, registry_id: str, **fields: Any) -> rules_pb2.RuleSet:
        reply = await self.rules.CreateRuleSet(
            rules_pb2.CreateRuleSetRequest(
                rule_set=rules_pb2.RuleSet(registry_id=registry_id, name="test", **fields)
            )
        )
        return reply.rule_set

    async def job(self, job_id: str) -> pb.Job:
        assert self.scheduler is not None
        return (await self.scheduler.GetJob(pb.GetJobRequest(id=job_id))).job

    async def wait_job(
        self, job_id: str, done: Callable[[pb.Job], bool], timeout: float = 30
    ) -> pb.Job:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            job = await self.job(job_id)
            if done(job):
                return job
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"job never reached the expected state: {job}")
            await asyncio.sleep(0.05)

    async def publish_event(self, event: events_pb2.RegistryEvent, msg_id: str = "") -> None:
        """Publishes a RegistryEvent the way the gateway does."""
        subject = (
            "regsieve.events.image.deleted"
            if event.action == events_pb2.REGISTRY_EVENT_ACTION_DELETED
            else "regsieve.events.image.pushed"
        )
        await self.nats.jetstream().publish(
            subject, event.SerializeToString(), headers={"Nats-Msg-Id": msg_id or event.id}
        )


def dispatched(job: pb.Job) -> bool:
    """Every selected image was handled: queued, or skipped for a reason of the job's own."""
    progress = job.progress
    own_skips = sum(s.count for s in progress.skipped if not s.reason.startswith("rule:"))
    return job.state in TERMINAL or (
        job.state == pb.JOB_STATE_RUNNING
        and progress.selected > 0
        and progress.queued + own_skips >= progress.selected
    )


@pytest.fixture
async def rules_target(database_url: str, catalog: CatalogHandle) -> AsyncIterator[str]:
    config = RulesConfig(
        common=common_config(database_url=database_url, catalog_target=catalog.target),
        catalog_timeout_seconds=10.0,
        registry_cache_seconds=0.0,
        reconcile_seconds=0.0,
    )
    async with running("rules", RulesService(config), config.common) as (target, _):
        yield target


@pytest.fixture
async def stack(
    database_url: str, nats_server: EmbeddedNats, catalog: CatalogHandle, rules_target: str
) -> AsyncIterator[Stack]:
    client = await nats.connect(nats_server.url)
    tap = RequestTap()

    async def on_request(msg: Any) -> None:
        tap.requests.append(events_pb2.ScanRequest.FromString(msg.data))

    await client.subscribe("regsieve.scan.requested.>", cb=on_request)
    await client.flush()
    clock = TestClock(datetime(2026, 3, 2, 0, 0, tzinfo=UTC), tap)
    async with _rules_channel(rules_target) as rules:
        stack = Stack(
            catalog=catalog,
            rules=rules,
            rules_target=rules_target,
            nats_url=nats_server.url,
            database_url=database_url,
            nats=client,
            tap=tap,
            clock=clock,
        )
        try:
            yield stack
        finally:
            await client.close()


@asynccontextmanager
async def _rules_channel(target: str) -> AsyncIterator[rules_pb2_grpc.RulesServiceStub]:
    async with grpc.aio.insecure_channel(target) as channel:
        yield rules_pb2_grpc.RulesServiceStub(channel)


@pytest.fixture
async def scheduler(stack: Stack) -> AsyncIterator[Stack]:
    """The stack with one scheduler replica serving (clock: stack.clock, chunks of 4)."""
    async with stack.scheduler_service(dispatch_chunk=4) as (stub, service):
        stack.scheduler = stub
        stack.service = service
        yield stack


# -- images -----------------------------------------------------------------------------

BASE_LAYER = layer({"etc/os-release": b'ID=debian\nVERSION_ID="12"\n'})


@dataclass(frozen=True)
class Pushed:
    repository: str
    tag: str
    digest: str
    created: datetime


async def push_images(
    registry: RunningRegistry,
    images: Iterable[tuple[str, Iterable[str], datetime]],
    *,
    salt: str = "",
) -> list[Pushed]:
    """Pushes one real image per (repository, tags, created); every tag listed points at it."""
    out: list[Pushed] = []
    async with RegistryClient(registry.url) as client:
        for repository, tags, created in images:
            tags = list(tags)
            spec = ImageSpec(
                [BASE_LAYER, layer({f"app/{repository}/{tags[0]}{salt}": b"x"})],
                created=created,
                labels={"image": f"{repository}:{tags[0]}{salt}"},
            )
            digest = await push_image(client, repository, tags, spec)
            out.extend(Pushed(repository, tag, digest, created) for tag in tags)
    return out
