"""Benchmark: a scheduled sweep against a bare loop, and push latency behind a sweep backlog.

Own stack: docker-registry (tmpfs, seeded with `--tags` realistic tags), PostgreSQL, NATS,
and Catalog, Rules, Scheduler and Scanner each as its own `regsieve serve` process. A
realistic rule set (eight teams' repositories, never pull requests, nightlies or release
candidates, created within two years) selects about a third of the tags.

Measures in one run:
- `sweep_s`: RunNow sweep from the call to the last scan request queued (scoped Catalog
  sync of a cold inventory, EvaluateRegistry, publishing on the sweep lane);
- `bare_s`: a bare aiohttp loop making the same registry requests with the same
  concurrency (catalog, tag lists of the repositories the filter admits, GET manifest and
  config of every tag the ref filter admits), run first on warm registry caches;
- `push_p50_s` / `push_p95_s`: with a backlog of up to 10,000 sweep-lane requests being
  scanned, 50 real images pushed one after another: time from publishing each registry
  event (as the gateway does) to its scan result.
Last line: the JSON result.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import grpc
import nats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from bench.bare import bare_loop
from bench.harness import info, postgres, result, scratch_dir, service_process
from bench.harness import nats as nats_server
from bench.seed import seed
from regsieve.v1 import (
    catalog_pb2,
    catalog_pb2_grpc,
    events_pb2,
    rules_pb2,
    rules_pb2_grpc,
    scheduler_pb2_grpc,
)
from regsieve.v1 import scheduler_pb2 as pb
from services.common.registry.client import RegistryClient
from services.common.secrets import generate_key
from tests.support.images import ImageSpec, layer, push_image
from tests.support.registry import RunningRegistry

TEAMS = ["payments", "identity", "platform", "billing", "checkout", "security", "search", "data"]
BACKLOG = 10_000
PUSHES = 50


def rule_set(registry_id: str) -> rules_pb2.RuleSet:
    return rules_pb2.RuleSet(
        registry_id=registry_id,
        name="production",
        pull_patterns=[f"{team}/" for team in TEAMS],
        always_pull=["security/*:latest"],
        never_pull=[":pr-", ":nightly-", "-rc."],
        creation_window=rules_pb2.CreationWindow(amount=2, unit=rules_pb2.WINDOW_UNIT_YEARS),
    )


class Tap:
    """Scan requests and results as they appear on NATS (core subscriptions)."""

    def __init__(self) -> None:
        self.requests: dict[int, int] = {}
        self.last_request_at: dict[int, float] = {}
        self.pushed: dict[str, float] = {}  # digest -> when its push-lane request was seen
        self.results: dict[str, float] = {}  # digest -> when its first result arrived
        self.results_by_lane: dict[int, int] = {}

    async def start(self, url: str) -> NatsClient:
        client = await nats.connect(url)

        async def on_request(msg: Msg) -> None:
            request = events_pb2.ScanRequest.FromString(msg.data)
            self.requests[request.lane] = self.requests.get(request.lane, 0) + 1
            self.last_request_at[request.lane] = time.perf_counter()
            if request.lane == events_pb2.SCAN_LANE_PUSH:
                self.pushed.setdefault(request.digest, time.perf_counter())

        async def on_result(msg: Msg) -> None:
            scan = events_pb2.ScanResult.FromString(msg.data)
            self.results.setdefault(scan.digest, time.perf_counter())
            self.results_by_lane[scan.lane] = self.results_by_lane.get(scan.lane, 0) + 1

        await client.subscribe("regsieve.scan.requested.>", cb=on_request)
        await client.subscribe("regsieve.scan.*", cb=on_result)
        await client.flush()
        return client


def dispatched(job: pb.Job) -> bool:
    progress = job.progress
    own_skips = sum(s.count for s in progress.skipped if not s.reason.startswith("rule:"))
    return progress.selected > 0 and progress.queued + own_skips >= progress.selected


async def run_sweep(
    scheduler: scheduler_pb2_grpc.SchedulerServiceStub,
    registry_id: str,
    rule_set_id: str,
    max_images: int = 0,
) -> tuple[float, pb.Job]:
    """RunNow a sweep; returns (seconds until dispatch was complete, the job then)."""
    started = time.perf_counter()
    reply = await scheduler.RunNow(
        pb.RunNowRequest(
            registry_id=registry_id,
            rule_set_id=rule_set_id,
            kind=pb.JOB_KIND_SWEEP,
            max_images=max_images,
        )
    )
    async for update in scheduler.WatchJob(pb.WatchJobRequest(id=reply.job.id, interval_ms=100)):
        job = update.job
        if job.state in (pb.JOB_STATE_FAILED, pb.JOB_STATE_CANCELLED):
            raise SystemExit(f"sweep ended {pb.JobState.Name(job.state)}: {job.error}")
        if dispatched(job) or job.state == pb.JOB_STATE_SUCCEEDED:
            return time.perf_counter() - started, job
    raise SystemExit("WatchJob ended early")


def base_layer() -> dict[str, bytes]:
    """This machine's OS release and dpkg database: a real layer for the pushed images."""
    return {
        "etc/os-release": Path("/etc/os-release").read_bytes(),
        "var/lib/dpkg/status": Path("/var/lib/dpkg/status").read_bytes(),
    }


async def push_latencies(
    registry: RunningRegistry, registry_id: str, client: NatsClient, tap: Tap
) -> tuple[list[float], list[float]]:
    """Pushes real images one after another; returns each event's time to its scan request
    (the dispatcher) and to its scan result (end to end)."""
    base = layer(base_layer())
    js = client.jetstream()
    sent: dict[str, float] = {}
    async with RegistryClient(registry.url) as registry_client:
        for index in range(PUSHES):
            tag = f"1.0.{index}"
            spec = ImageSpec([base, layer({f"app/build-{index}": str(index).encode()})])
            digest = await push_image(registry_client, "payments/push-bench", [tag], spec)
            event = events_pb2.RegistryEvent(
                id=f"bench-push-{index}",
                registry_id=registry_id,
                action=events_pb2.REGISTRY_EVENT_ACTION_PUSHED,
                repository="payments/push-bench",
                tag=tag,
                digest=digest,
                registry_type="distribution",
            )
            event.event_time.FromDatetime(datetime.now(UTC))
            sent[digest] = time.perf_counter()
            await js.publish(
                "regsieve.events.image.pushed",
                event.SerializeToString(),
                headers={"Nats-Msg-Id": event.id},
            )
            await asyncio.sleep(0.1)
    deadline = time.monotonic() + 180
    while not all(digest in tap.results for digest in sent):
        if time.monotonic() > deadline:
            missing = [d for d in sent if d not in tap.results]
            raise SystemExit(f"{len(missing)} pushed images never got a scan result")
        await asyncio.sleep(0.05)
    return (
        [tap.pushed[digest] - at for digest, at in sent.items()],
        [tap.results[digest] - at for digest, at in sent.items()],
    )


async def run(tags: int, concurrency: int, directory: Path) -> dict[str, float | int]:
    registry = RunningRegistry(directory / "registry", access_log=False, log_level="error")
    started = time.perf_counter()
    seeded = seed(registry.storage, tags)
    info(f"seeded {len(seeded)} tags in {time.perf_counter() - started:.1f}s")
    registry.start()
    try:
        with (
            postgres(directory) as pg,
            nats_server(directory) as queue,
            service_process(
                "catalog",
                {"REGSIEVE_DATABASE_URL": pg.dsn, "REGSIEVE_SECRET_KEY": generate_key()},
                directory,
            ) as (catalog_target, _),
            service_process(
                "rules",
                {"REGSIEVE_DATABASE_URL": pg.dsn, "REGSIEVE_CATALOG_TARGET": catalog_target},
                directory,
            ) as (rules_target, _),
            service_process(
                "scheduler",
                {
                    "REGSIEVE_DATABASE_URL": pg.dsn,
                    "REGSIEVE_NATS_URL": queue.url,
                    "REGSIEVE_CATALOG_TARGET": catalog_target,
                    "REGSIEVE_RULES_TARGET": rules_target,
                    "REGSIEVE_SCHEDULER_TICK_SECONDS": "0.5",
                },
                directory,
            ) as (scheduler_target, _),
        ):
            tap = Tap()
            client = await tap.start(queue.url)
            async with (
                grpc.aio.insecure_channel(catalog_target) as catalog_channel,
                grpc.aio.insecure_channel(rules_target) as rules_channel,
                grpc.aio.insecure_channel(scheduler_target) as scheduler_channel,
            ):
                catalog = catalog_pb2_grpc.CatalogServiceStub(catalog_channel)
                rules = rules_pb2_grpc.RulesServiceStub(rules_channel)
                scheduler = scheduler_pb2_grpc.SchedulerServiceStub(scheduler_channel)
                registry_id = (
                    await catalog.CreateRegistry(
                        catalog_pb2.CreateRegistryRequest(
                            registry=catalog_pb2.Registry(
                                name="bench",
                                type=catalog_pb2.REGISTRY_TYPE_DISTRIBUTION,
                                url=registry.url,
                                enabled=True,
                                limits=catalog_pb2.RegistryLimits(max_concurrency=concurrency),
                            )
                        )
                    )
                ).registry.id
                production = (
                    await rules.CreateRuleSet(
                        rules_pb2.CreateRuleSetRequest(rule_set=rule_set(registry_id))
                    )
                ).rule_set
                filters = await rules.GetRefFilter(
                    rules_pb2.GetRefFilterRequest(rule_set_id=production.id)
                )
                warm_s, _ = await bare_loop(
                    registry.url,
                    concurrency,
                    head_only=True,
                    ref_filter=filters.ref_filter,
                    repository_filter=filters.repository_filter,
                )
                info(f"warm-up HEAD pass: {warm_s:.2f}s")
                bare_s, bare_tags = await bare_loop(
                    registry.url,
                    concurrency,
                    head_only=False,
                    ref_filter=filters.ref_filter,
                    repository_filter=filters.repository_filter,
                )
                info(f"bare GET loop: {bare_s:.2f}s for {bare_tags} tags in the rules' scope")

                began = time.perf_counter()
                dispatch_s, job = await run_sweep(scheduler, registry_id, production.id)
                for _ in range(100):  # the tap may see the last requests a moment later
                    if tap.requests.get(events_pb2.SCAN_LANE_SWEEP, 0) >= job.progress.queued:
                        break
                    await asyncio.sleep(0.02)
                sweep_s = tap.last_request_at[events_pb2.SCAN_LANE_SWEEP] - began
                queued = tap.requests[events_pb2.SCAN_LANE_SWEEP]
                info(
                    f"sweep: {sweep_s:.2f}s to the last of {queued} scan requests "
                    f"({job.progress.selected} of {job.progress.discovered} images selected, "
                    f"{job.progress.selected / tags:.0%} of the registry; dispatch seen "
                    f"complete after {dispatch_s:.2f}s)"
                )
                if queued != job.progress.queued or not 0.25 < job.progress.selected / tags < 0.45:
                    raise SystemExit(f"unexpected sweep: {job.progress}")

                everything = (
                    await rules.CreateRuleSet(
                        rules_pb2.CreateRuleSetRequest(
                            rule_set=rules_pb2.RuleSet(registry_id=registry_id, name="everything")
                        )
                    )
                ).rule_set
                backlog_s, backlog_job = await run_sweep(
                    scheduler, registry_id, everything.id, max_images=BACKLOG
                )
                backlog = backlog_job.progress.queued
                info(f"backlog: {backlog} sweep-lane requests queued in {backlog_s:.1f}s")
                with service_process(
                    "scanner",
                    {
                        "REGSIEVE_DATABASE_URL": pg.dsn,
                        "REGSIEVE_NATS_URL": queue.url,
                        "REGSIEVE_CATALOG_TARGET": catalog_target,
                    },
                    directory,
                ):
                    dispatch, latencies = await push_latencies(registry, registry_id, client, tap)
                    sweep_lane = events_pb2.SCAN_LANE_SWEEP
                    still = tap.requests[sweep_lane] - tap.results_by_lane.get(sweep_lane, 0)
                    info(
                        f"{PUSHES} pushes scanned while {still} sweep-lane scans were still "
                        f"waiting: event to result p50 {statistics.median(latencies):.2f}s "
                        f"(max {max(latencies):.2f}s), event to scan request p50 "
                        f"{statistics.median(dispatch):.3f}s"
                    )
                    if still <= 0:
                        info("warning: the backlog drained before the last push was scanned")
            await client.close()
    finally:
        registry.stop()
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "tags": tags,
        "sweep_s": round(sweep_s, 3),
        "bare_s": round(bare_s, 3),
        "ratio": round(sweep_s / bare_s, 3),
        "push_p50_s": round(statistics.median(latencies), 3),
        "push_p95_s": round(p95, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tags", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--quick", action="store_true", help="600 tags, for the test suite")
    args = parser.parse_args()
    tags = 600 if args.quick else args.tags
    with scratch_dir("regsieve-bench-sweep-") as directory:
        values = asyncio.run(run(tags, args.concurrency, directory))
    result(values)


if __name__ == "__main__":
    main()
