"""Several scheduler replicas: a schedule fires once, a missed run fires once on start, and a
job survives the death of the process driving it (real processes, SIGKILL)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc

from regsieve.v1 import events_pb2, scheduler_pb2_grpc
from regsieve.v1 import scheduler_pb2 as pb
from services.common.embedded import free_port
from services.scanner.service import ScannerService
from tests.integration.scanner.conftest import scanner_config
from tests.integration.scheduler.conftest import Stack, dispatched, push_images
from tests.support.registry import RunningRegistry
from tests.support.servers import running

ROOT = Path(__file__).resolve().parents[3]
CREATED = datetime(2026, 1, 1, tzinfo=UTC)


async def setup(stack: Stack, registry: RunningRegistry, count: int) -> tuple[str, str]:
    await push_images(
        registry, [(f"team/app{i}", ["1.0"], CREATED + timedelta(days=i)) for i in range(count)]
    )
    created = await stack.catalog.create_registry("local", registry.url)
    rule_set = await stack.create_rule_set(created.id, pull_patterns=["team/"])
    return created.id, rule_set.id


def schedule(registry_id: str, rule_set_id: str) -> pb.Schedule:
    return pb.Schedule(
        registry_id=registry_id,
        rule_set_id=rule_set_id,
        kind=pb.SCHEDULE_KIND_SWEEP,
        daily_time="01:00",
        time_zone="Europe/Berlin",
        enabled=True,
    )


async def schedule_jobs(
    stub: scheduler_pb2_grpc.SchedulerServiceStub, schedule_id: str
) -> list[pb.Job]:
    return list((await stub.ListJobs(pb.ListJobsRequest(schedule_id=schedule_id))).jobs)


async def eventually_jobs(
    stub: scheduler_pb2_grpc.SchedulerServiceStub, schedule_id: str, count: int
) -> list[pb.Job]:
    for _ in range(200):
        jobs = await schedule_jobs(stub, schedule_id)
        if len(jobs) >= count and all(dispatched(j) for j in jobs):
            return jobs
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} dispatched jobs, got {jobs}")


async def test_two_replicas_fire_a_schedule_once(registry: RunningRegistry, stack: Stack) -> None:
    registry_id, rule_set_id = await setup(stack, registry, 3)
    clock = stack.clock
    clock.set(datetime(2026, 3, 2, 0, 0, tzinfo=UTC))  # 01:00 Berlin
    async with (
        stack.scheduler_service() as (first, _),
        stack.scheduler_service() as (second, _),
    ):
        stack.scheduler = first
        created = (
            await first.CreateSchedule(
                pb.CreateScheduleRequest(schedule=schedule(registry_id, rule_set_id))
            )
        ).schedule
        assert created.next_fire_time.ToDatetime(tzinfo=UTC) == datetime(
            2026, 3, 3, 0, 0, tzinfo=UTC
        )
        clock.set(datetime(2026, 3, 3, 0, 0, 1, tzinfo=UTC))
        [job] = await eventually_jobs(second, created.id, 1)
        await asyncio.sleep(0.5)  # several ticks of both replicas
        assert len(await schedule_jobs(first, created.id)) == 1
        assert job.fire_time.ToDatetime(tzinfo=UTC) == datetime(2026, 3, 3, 0, 0, tzinfo=UTC)
        assert len(stack.tap.requests) == 3

        clock.set(datetime(2026, 3, 4, 0, 0, 1, tzinfo=UTC))
        jobs = await eventually_jobs(first, created.id, 2)
        await asyncio.sleep(0.5)
        assert len(await schedule_jobs(second, created.id)) == 2
        assert len(stack.tap.requests) == 6
        assert len({r.id for r in stack.tap.requests}) == 6
        fired = (await second.GetSchedule(pb.GetScheduleRequest(id=created.id))).schedule
        assert fired.last_job_id == jobs[0].id
        assert fired.last_fire_time.ToDatetime(tzinfo=UTC) == datetime(2026, 3, 4, 0, 0, tzinfo=UTC)

    # every replica down for three nights: the latest missed run fires once on start
    clock.set(datetime(2026, 3, 7, 9, 30, tzinfo=UTC))
    async with stack.scheduler_service() as (third, _):
        jobs = await eventually_jobs(third, created.id, 3)
        await asyncio.sleep(0.5)
        jobs = await schedule_jobs(third, created.id)
        assert len(jobs) == 3
        assert jobs[0].fire_time.ToDatetime(tzinfo=UTC) == datetime(2026, 3, 7, 0, 0, tzinfo=UTC)
        after = (await third.GetSchedule(pb.GetScheduleRequest(id=created.id))).schedule
        assert after.next_fire_time.ToDatetime(tzinfo=UTC) == datetime(2026, 3, 8, 0, 0, tzinfo=UTC)


@contextmanager
def replica(stack: Stack, directory: Path, name: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`regsieve serve scheduler` as its own process; yields (target, process)."""
    port = free_port()
    env = {
        **os.environ,
        "REGSIEVE_DATABASE_URL": stack.database_url,
        "REGSIEVE_NATS_URL": stack.nats_url,
        "REGSIEVE_CATALOG_TARGET": stack.catalog.target,
        "REGSIEVE_RULES_TARGET": stack.rules_target,
        "REGSIEVE_GRPC_LISTEN": f"127.0.0.1:{port}",
        "REGSIEVE_METRICS_LISTEN": "off",
        "REGSIEVE_LOG_FORMAT": "json",
        "REGSIEVE_SCHEDULER_TICK_SECONDS": "0.2",
        "REGSIEVE_SCHEDULER_LEASE_SECONDS": "2",
    }
    log = directory / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "serve", "scheduler"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    try:
        yield f"127.0.0.1:{port}", process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def serving(target: str, process: subprocess.Popen) -> grpc.aio.Channel:
    channel = grpc.aio.insecure_channel(target)
    for _ in range(300):
        assert process.poll() is None, "replica exited"
        try:
            await asyncio.wait_for(channel.channel_ready(), 0.2)
            return channel
        except (TimeoutError, grpc.aio.AioRpcError):
            await asyncio.sleep(0.05)
    raise AssertionError(f"replica at {target} never served")


async def test_another_replica_takes_over_a_job_when_its_driver_dies(
    registry: RunningRegistry, stack: Stack, scratch: Path
) -> None:
    registry_id, rule_set_id = await setup(stack, registry, 4)
    with (
        replica(stack, scratch, f"a-{registry.port}") as (target_a, process_a),
        replica(stack, scratch, f"b-{registry.port}") as (target_b, process_b),
    ):
        channel_a = await serving(target_a, process_a)
        channel_b = await serving(target_b, process_b)
        a = scheduler_pb2_grpc.SchedulerServiceStub(channel_a)
        b = scheduler_pb2_grpc.SchedulerServiceStub(channel_b)
        stack.scheduler = b
        started = await a.RunNow(
            pb.RunNowRequest(
                registry_id=registry_id, rule_set_id=rule_set_id, kind=pb.JOB_KIND_SWEEP
            )
        )
        job = await stack.wait_job(started.job.id, dispatched)
        # no scanner yet: the job waits for its scans, driven by the replica that took it
        assert job.state == pb.JOB_STATE_RUNNING and job.progress.queued == 4
        assert job.owner.split("/")[0].endswith(f":{process_a.pid}")
        await channel_a.close()
        os.kill(process_a.pid, signal.SIGKILL)
        process_a.wait()

        taken = await stack.wait_job(
            job.id, lambda j: j.owner.split("/")[0].endswith(f":{process_b.pid}"), timeout=15
        )
        assert taken.state == pb.JOB_STATE_RUNNING

        config = scanner_config(stack.database_url, stack.nats_url, stack.catalog.target)
        async with running("scanner", ScannerService(config), config.common):
            done = await stack.wait_job(
                job.id, lambda j: j.state == pb.JOB_STATE_SUCCEEDED, timeout=60
            )
        assert done.progress.queued == done.progress.scanned == 4
        assert done.progress.failed_total == 0
        sweep = stack.tap.by_lane(events_pb2.SCAN_LANE_SWEEP)
        assert len(sweep) == len({r.id for r in sweep}) == 4
        await channel_b.close()
