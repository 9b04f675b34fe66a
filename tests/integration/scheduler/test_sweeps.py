"""Sweeps and rescans against a real registry, Catalog and Rules: exactly the requests the
rules imply, windows that close mid-sweep and resume without re-queuing, pull on change only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
from google.protobuf import duration_pb2
from google.rpc import error_details_pb2, status_pb2

from regsieve.v1 import catalog_pb2, events_pb2, rules_pb2
from regsieve.v1 import scheduler_pb2 as pb
from tests.integration.scheduler.conftest import Pushed, Stack, dispatched, push_images
from tests.support.registry import RunningRegistry

T0 = datetime(2025, 6, 1, tzinfo=UTC)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


# (repository, tags pointing at one image, created)
IMAGES = [
    ("team/api", ["1.0"], day(1)),
    ("team/api", ["1.1"], day(2)),
    ("team/api", ["1.2"], day(3)),
    ("team/api", ["1.3", "latest"], day(4)),
    ("team/api", ["pr-7"], day(5)),
    ("team/web", ["2.0"], day(1)),
    ("team/web", ["stable"], day(2)),
    ("team/web", ["nightly-1"], day(3)),
    ("other/db", ["5.0"], day(1)),
    ("other/db", ["stable"], day(2)),
    ("legacy/tool", ["keep"], day(0)),
    ("legacy/tool", ["old"], day(0) - timedelta(days=1)),
]
PULL = ["api", ":stable"]
ALWAYS = ["legacy/tool:keep"]
NEVER = [":pr-"]
LATEST = 3


def matches(pattern: str, repository: str, tag: str) -> bool:
    """The rules' literal pattern grammar, enough for the patterns above."""
    name, _, tag_part = pattern.rpartition(":") if ":" in pattern else (pattern, "", "")
    return (not name or name in repository) and (not tag_part or tag_part in tag)


def expected_pulls(images: list[Pushed]) -> list[Pushed]:
    """Worked out here, independently of Rules: never > always > (pull pattern and latest-N
    by creation time, tags of one digest sharing a rank, never-pull matches not ranked)."""
    rank: dict[tuple[str, str], int] = {}
    for repository in {i.repository for i in images}:
        ranked = {
            i.digest: i.created
            for i in images
            if i.repository == repository
            and not any(matches(p, i.repository, i.tag) for p in NEVER)
        }
        for position, digest in enumerate(sorted(ranked, key=lambda d: ranked[d], reverse=True)):
            rank[(repository, digest)] = position + 1
    pulled = []
    for image in images:
        if any(matches(p, image.repository, image.tag) for p in NEVER):
            continue
        if any(matches(p, image.repository, image.tag) for p in ALWAYS) or (
            any(matches(p, image.repository, image.tag) for p in PULL)
            and rank[(image.repository, image.digest)] <= LATEST
        ):
            pulled.append(image)
    return sorted(pulled, key=lambda i: (i.repository, i.tag))


def one_per_digest(images: list[Pushed]) -> list[tuple[str, str, str]]:
    first: dict[str, Pushed] = {}
    for image in sorted(images, key=lambda i: (i.repository, i.tag)):
        first.setdefault(image.digest, image)
    return sorted((i.repository, i.tag, i.digest) for i in first.values())


def could_select(repository: str, tag: str) -> bool:
    return any(matches(p, repository, tag) for p in PULL + ALWAYS)


async def setup(stack: Stack, registry: RunningRegistry) -> tuple[list[Pushed], str, str]:
    pushed = await push_images(registry, IMAGES)
    created = await stack.catalog.create_registry("local", registry.url)
    rule_set = await stack.create_rule_set(
        created.id,
        pull_patterns=PULL,
        always_pull=ALWAYS,
        never_pull=NEVER,
        latest_n=rules_pb2.LatestN(count=LATEST, order=rules_pb2.LATEST_ORDER_CREATED),
    )
    return pushed, created.id, rule_set.id


def reasons(job: pb.Job) -> dict[str, int]:
    return {s.reason: s.count for s in job.progress.skipped}


async def test_sweep_publishes_exactly_the_requests_the_rules_imply(
    registry: RunningRegistry, scheduler: Stack
) -> None:
    pushed, registry_id, rule_set_id = await setup(scheduler, registry)
    assert scheduler.scheduler is not None
    reply = await scheduler.scheduler.RunNow(
        pb.RunNowRequest(registry_id=registry_id, rule_set_id=rule_set_id, kind=pb.JOB_KIND_SWEEP)
    )
    job = await scheduler.wait_job(reply.job.id, dispatched)

    sent = scheduler.tap.by_lane(events_pb2.SCAN_LANE_SWEEP)
    pulls = expected_pulls(pushed)
    assert sorted((r.repository, r.tag, r.digest) for r in sent) == one_per_digest(pulls)
    assert len({r.id for r in sent}) == len(sent), "a request was published twice"
    assert {(r.job_id, r.rule_set_id, r.rule_set_revision) for r in sent} == {
        (job.id, rule_set_id, 1)
    }
    assert job.rule_set_revision == 1
    assert job.progress.selected == len(pulls) == 7
    assert job.progress.queued == len(sent) == 6
    assert reasons(job)["already_queued"] == 1  # team/api:latest is team/api:1.3
    assert reasons(job)["rule:never_pull"] == 1 and reasons(job)["rule:not_latest"] == 1

    # the sync was scoped: tags no pattern can select were never resolved
    inventory = await scheduler.catalog.images(registry_id)
    assert {(i.repository, i.tag) for i in inventory} == {
        (i.repository, i.tag) for i in pushed if could_select(i.repository, i.tag)
    }
    assert job.progress.discovered == len(inventory)


async def test_window_closing_mid_sweep_stops_and_the_next_window_resumes(
    registry: RunningRegistry, scheduler: Stack
) -> None:
    pushed, registry_id, rule_set_id = await setup(scheduler, registry)
    assert scheduler.scheduler is not None
    clock = scheduler.clock
    clock.set(datetime(2026, 3, 2, 0, 0, tzinfo=UTC))
    created = await scheduler.scheduler.CreateSchedule(
        pb.CreateScheduleRequest(
            schedule=pb.Schedule(
                registry_id=registry_id,
                rule_set_id=rule_set_id,
                kind=pb.SCHEDULE_KIND_SWEEP,
                daily_time="01:00",
                time_zone="UTC",
                window_duration=duration_pb2.Duration(seconds=150),
                enabled=True,
            )
        )
    )
    schedule = created.schedule
    assert schedule.next_fire_time.ToDatetime(tzinfo=UTC) == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    # 01:00:10, and every scan request sent moves the clock a minute: chunks are 4 images,
    # so the window (01:00-01:02:30) closes after the first chunk or two
    clock.set(datetime(2026, 3, 2, 1, 0, 10, tzinfo=UTC), per_request=timedelta(minutes=1))
    job_id = (await wait_schedule_job(scheduler, schedule.id)).id
    paused = await scheduler.wait_job(job_id, lambda j: j.state == pb.JOB_STATE_PAUSED)
    first = list(scheduler.tap.by_lane(events_pb2.SCAN_LANE_SWEEP))
    wanted = one_per_digest(expected_pulls(pushed))
    assert 0 < len(first) < len(wanted)
    assert paused.progress.queued == len(first)
    assert paused.resume_time.ToDatetime(tzinfo=UTC) == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    handled = sorted((r.repository, r.tag) for r in first)
    assert (paused.resume_after.repository, paused.resume_after.tag) >= handled[-1]
    assert not paused.HasField("end_time")

    # the next night: the same job resumes after its cursor and queues only the rest
    clock.set(datetime(2026, 3, 3, 1, 0, 5, tzinfo=UTC))
    done = await scheduler.wait_job(
        job_id, lambda j: j.state == pb.JOB_STATE_RUNNING and dispatched(j)
    )
    sent = scheduler.tap.by_lane(events_pb2.SCAN_LANE_SWEEP)
    assert len({r.id for r in sent}) == len(sent), "the second window re-queued something"
    assert sorted((r.repository, r.tag, r.digest) for r in sent) == wanted
    assert done.progress.queued == len(wanted)
    jobs = await scheduler.scheduler.ListJobs(pb.ListJobsRequest(schedule_id=schedule.id))
    assert [j.id for j in jobs.jobs] == [job_id]


async def wait_schedule_job(stack: Stack, schedule_id: str) -> pb.Job:
    assert stack.scheduler is not None
    for _ in range(300):
        jobs = await stack.scheduler.ListJobs(pb.ListJobsRequest(schedule_id=schedule_id))
        if jobs.jobs:
            return jobs.jobs[0]
        await _sleep()
    raise AssertionError("the schedule never fired")


async def _sleep() -> None:
    import asyncio

    await asyncio.sleep(0.05)


async def test_rescan_queues_exactly_the_re_pushed_tags(
    registry: RunningRegistry, scheduler: Stack
) -> None:
    _pushed, registry_id, rule_set_id = await setup(scheduler, registry)
    assert scheduler.scheduler is not None
    sweep = await scheduler.scheduler.RunNow(
        pb.RunNowRequest(registry_id=registry_id, rule_set_id=rule_set_id, kind=pb.JOB_KIND_SWEEP)
    )
    await scheduler.wait_job(sweep.job.id, dispatched)

    # re-push two selected tags and one unselected tag with new content (new digests)
    repushed = await push_images(
        registry,
        [
            ("team/api", ["1.2"], day(3)),
            ("other/db", ["stable"], day(2)),
            ("team/web", ["2.0"], day(1)),
        ],
        salt="-v2",
    )
    rescan = await scheduler.scheduler.RunNow(
        pb.RunNowRequest(registry_id=registry_id, rule_set_id=rule_set_id, kind=pb.JOB_KIND_RESCAN)
    )
    job = await scheduler.wait_job(rescan.job.id, dispatched)
    sent = scheduler.tap.by_lane(events_pb2.SCAN_LANE_RESCAN)
    assert sorted((r.repository, r.tag, r.digest) for r in sent) == sorted(
        (i.repository, i.tag, i.digest) for i in repushed if could_select(i.repository, i.tag)
    )
    assert all(r.job_id == job.id for r in sent)
    assert job.progress.selected == 7
    assert reasons(job)["unchanged"] == 7 - 2
    image = await scheduler.catalog.stub.GetImage(
        catalog_pb2.GetImageRequest(registry_id=registry_id, repository="team/api", tag="1.2")
    )
    assert image.image.digest == repushed[0].digest


async def test_run_now_cap_cancel_and_watch(registry: RunningRegistry, scheduler: Stack) -> None:
    _pushed, registry_id, rule_set_id = await setup(scheduler, registry)
    assert scheduler.scheduler is not None
    started = await scheduler.scheduler.RunNow(
        pb.RunNowRequest(
            registry_id=registry_id,
            rule_set_id=rule_set_id,
            kind=pb.JOB_KIND_SWEEP,
            max_images=2,
        )
    )
    job = await scheduler.wait_job(started.job.id, dispatched)
    sent = sorted((r.repository, r.tag) for r in scheduler.tap.requests)
    assert sent == [("legacy/tool", "keep"), ("other/db", "stable")]  # the first two in order
    assert job.progress.queued == 2 and reasons(job)["max_images"] == 5
    assert job.state == pb.JOB_STATE_RUNNING  # waiting for its two scans

    cancelled = await scheduler.scheduler.CancelJob(pb.CancelJobRequest(id=job.id))
    assert cancelled.job.state == pb.JOB_STATE_CANCELLED and cancelled.job.HasField("end_time")
    updates = [u.job async for u in scheduler.scheduler.WatchJob(pb.WatchJobRequest(id=job.id))]
    assert updates[-1].state == pb.JOB_STATE_CANCELLED
    try:
        await scheduler.scheduler.CancelJob(pb.CancelJobRequest(id=job.id))
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == grpc.StatusCode.FAILED_PRECONDITION
    else:
        raise AssertionError("cancelling an ended job must fail")


async def test_bad_requests_name_their_fields(registry: RunningRegistry, scheduler: Stack) -> None:
    registry_id = (await scheduler.catalog.create_registry("local", registry.url)).id
    rule_set_id = (await scheduler.create_rule_set(registry_id, pull_patterns=["team/"])).id
    assert scheduler.scheduler is not None
    bad = pb.Schedule(
        registry_id=registry_id,
        rule_set_id=rule_set_id,
        kind=pb.SCHEDULE_KIND_SWEEP,
        cron="61 * * * *",
        time_zone="Mars/Olympus",
        weekdays=[pb.WEEKDAY_UNSPECIFIED],
    )
    try:
        await scheduler.scheduler.CreateSchedule(pb.CreateScheduleRequest(schedule=bad))
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == grpc.StatusCode.INVALID_ARGUMENT
        fields = violations(exc)
        assert {"schedule.weekdays[0]", "schedule.time_zone", "schedule.cron"} <= fields
    else:
        raise AssertionError("an invalid schedule was accepted")
    try:
        await scheduler.scheduler.RunNow(
            pb.RunNowRequest(
                registry_id=registry_id,
                rule_set_id="0b3c9d4e-0000-4000-8000-000000000000",
                kind=pb.JOB_KIND_SWEEP,
            )
        )
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == grpc.StatusCode.NOT_FOUND
    else:
        raise AssertionError("an unknown rule set was accepted")
    try:
        await scheduler.scheduler.ListJobs(pb.ListJobsRequest(page_token="garbage"))
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == grpc.StatusCode.INVALID_ARGUMENT and violations(exc) == {"page_token"}
    else:
        raise AssertionError("a bad page token was accepted")


def violations(exc: grpc.aio.AioRpcError) -> set[str]:
    for key, value in exc.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                request = error_details_pb2.BadRequest()
                if detail.Unpack(request):
                    return {v.field for v in request.field_violations}
    return set()


async def test_schedules_are_enabled_unless_said_otherwise(
    registry: RunningRegistry, scheduler: Stack
) -> None:
    _, registry_id, rule_set_id = await setup(scheduler, registry)
    assert scheduler.scheduler is not None
    stub = scheduler.scheduler
    base = {
        "registry_id": registry_id,
        "rule_set_id": rule_set_id,
        "kind": pb.SCHEDULE_KIND_SWEEP,
        "daily_time": "01:00",
        "time_zone": "Europe/Berlin",
    }
    created = await stub.CreateSchedule(pb.CreateScheduleRequest(schedule=pb.Schedule(**base)))
    assert created.schedule.enabled and created.schedule.HasField("next_fire_time")
    paused = await stub.UpdateSchedule(
        pb.UpdateScheduleRequest(
            schedule=pb.Schedule(id=created.schedule.id, enabled=False),
            update_mask={"paths": ["enabled"]},
        )
    )
    assert not paused.schedule.enabled and not paused.schedule.HasField("next_fire_time")
    # a full update that does not mention `enabled` keeps it as it was
    moved = await stub.UpdateSchedule(
        pb.UpdateScheduleRequest(
            schedule=pb.Schedule(id=created.schedule.id, **{**base, "daily_time": "02:00"})
        )
    )
    assert moved.schedule.daily_time == "02:00" and not moved.schedule.enabled
