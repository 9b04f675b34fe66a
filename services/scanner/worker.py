"""Scan queue consumer: durable pull consumers, push lanes first, ack after results commit."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

from google.protobuf.message import DecodeError
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from prometheus_client import Counter, Gauge, Histogram

from regsieve.v1 import events_pb2
from services.common import messaging
from services.common.logs import get_logger
from services.scanner.failures import classify
from services.scanner.findings import SeverityCounts
from services.scanner.scan import ImageScanner
from services.scanner.store import ScannerStore

log = get_logger("regsieve.scanner.worker")

STREAM = "REGSIEVE_SCAN_REQUESTS"
PRIORITY_CONSUMER = "scanner-priority"
BULK_CONSUMER = "scanner-bulk"
PRIORITY_LANES = ("push", "manual")
BULK_LANES = ("sweep", "rescan")
LANE_NAMES = {
    events_pb2.SCAN_LANE_PUSH: "push",
    events_pb2.SCAN_LANE_MANUAL: "manual",
    events_pb2.SCAN_LANE_SWEEP: "sweep",
    events_pb2.SCAN_LANE_RESCAN: "rescan",
}

SCANS = Counter("regsieve_scans_total", "Scans finished, by lane and outcome.", ["lane", "outcome"])
SCAN_SECONDS = Histogram(
    "regsieve_scan_seconds",
    "Time to scan one image, by whether the inventory was reused.",
    ["reused"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
ACTIVE = Gauge("regsieve_scans_active", "Scans running in this process.")
PRIORITY_PROBE_S = 0.003  # a no-wait probe of the push/manual lanes
POLL_S = 0.1  # longest wait on an empty lane before looking at the other again


@dataclass(frozen=True)
class WorkerSettings:
    concurrency: int
    ack_wait_s: int
    max_deliver: int
    max_ack_pending: int

    @property
    def priority_reserve(self) -> int:
        """Slots only push/manual requests may use, so a sweep backlog never blocks them."""
        return max(1, self.concurrency // 4) if self.concurrency > 1 else 0


def backoff_seconds(deliveries: int) -> float:
    return float(min(300, 2 ** min(deliveries, 8)))


class ScanWorker:
    def __init__(
        self,
        js: JetStreamContext,
        store: ScannerStore,
        scanner: ImageScanner,
        settings: WorkerSettings,
    ) -> None:
        self.js = js
        self.store = store
        self.scanner = scanner
        self.settings = settings
        self._active: set[asyncio.Task[None]] = set()
        self._bulk_active = 0
        self._slot_freed = asyncio.Event()
        self._stopping = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self.handled = 0  # requests this worker took to a final outcome

    async def _consumer(
        self, name: str, lanes: tuple[str, ...]
    ) -> JetStreamContext.PullSubscription:
        config = ConsumerConfig(
            durable_name=name,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=float(self.settings.ack_wait_s),
            max_deliver=self.settings.max_deliver + 1,  # the last delivery records the failure
            max_ack_pending=self.settings.max_ack_pending,
            filter_subjects=[messaging.scan_requested_subject(lane) for lane in lanes],
        )
        try:
            info = await self.js.consumer_info(STREAM, name)
            if (
                info.config.max_ack_pending != config.max_ack_pending
                or info.config.ack_wait != config.ack_wait
                or info.config.max_deliver != config.max_deliver
            ):
                await self.js.add_consumer(STREAM, config)  # updates a durable consumer in place
        except NotFoundError:
            await self.js.add_consumer(STREAM, config)
        return await self.js.pull_subscribe_bind(name, STREAM)

    async def start(self) -> None:
        self.priority = await self._consumer(PRIORITY_CONSUMER, PRIORITY_LANES)
        self.bulk = await self._consumer(BULK_CONSUMER, BULK_LANES)
        self._loop_task = asyncio.create_task(self._loop())

    async def stop(self, grace_s: float = 10.0) -> None:
        self._stopping.set()
        if self._loop_task:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        if self._active:
            # scans in flight finish or are redelivered elsewhere (no ack without results)
            _, pending = await asyncio.wait(self._active, timeout=grace_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    # -- fetching --------------------------------------------------------------------

    async def _fetch(
        self, sub: JetStreamContext.PullSubscription, batch: int, timeout: float
    ) -> list[Msg]:
        try:
            return await sub.fetch(batch, timeout=timeout)
        except TimeoutError:
            return []
        except Exception as exc:  # connection trouble: back off, never crash the loop
            log.warning("scan.fetch_failed", error=str(exc) or type(exc).__name__)
            await asyncio.sleep(1.0)
            return []

    async def _loop(self) -> None:
        """One loop: the priority lanes are probed (about a millisecond) before every bulk
        fetch, so a push request waits for at most one short bulk poll."""
        settings = self.settings
        while not self._stopping.is_set():
            free = settings.concurrency - len(self._active)
            if free <= 0:
                self._slot_freed.clear()
                await self._slot_freed.wait()
                continue
            bulk_free = min(
                free, settings.concurrency - settings.priority_reserve - self._bulk_active
            )
            bulk = False
            if bulk_free > 0:
                messages = await self._fetch(self.priority, free, PRIORITY_PROBE_S)
                if not messages:
                    messages = await self._fetch(self.bulk, bulk_free, POLL_S)
                    bulk = True
            else:
                messages = await self._fetch(self.priority, free, POLL_S)
            for msg in messages:
                self._spawn(msg, bulk)

    def _spawn(self, msg: Msg, bulk: bool) -> None:
        if bulk:
            self._bulk_active += 1
        task = asyncio.create_task(self._handle_safely(msg))
        self._active.add(task)
        ACTIVE.set(len(self._active))

        def done(finished: asyncio.Task[None]) -> None:
            self._active.discard(finished)
            if bulk:
                self._bulk_active -= 1
            ACTIVE.set(len(self._active))
            self._slot_freed.set()

        task.add_done_callback(done)

    # -- one request -----------------------------------------------------------------

    async def _handle_safely(self, msg: Msg) -> None:
        """Nothing escapes: an unacknowledged message is redelivered after ack_wait."""
        try:
            await self._handle(msg)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("scan.handling_failed", subject=msg.subject)

    async def _handle(self, msg: Msg) -> None:
        try:
            request = events_pb2.ScanRequest.FromString(msg.data)
        except DecodeError:
            log.error("scan.poison_message", subject=msg.subject, size=len(msg.data))
            await msg.term()
            return
        if not request.id or not request.digest or not request.registry_id:
            log.error("scan.invalid_request", subject=msg.subject, request_id=request.id)
            await msg.term()
            return
        deliveries = msg.metadata.num_delivered if msg.metadata else 1
        lane = LANE_NAMES.get(request.lane, msg.subject.rsplit(".", 1)[-1])
        row = await self.store.start_scan(
            request.id,
            request.registry_id,
            request.repository,
            request.tag,
            request.digest,
            lane,
            request.job_id,
        )
        if row.state == "SUCCEEDED":
            # a redelivery of a request whose results are committed: make sure the result
            # event went out (deduplicated by its id), then acknowledge
            await self._publish(
                request, "SUCCEEDED", counts=row.findings_by_severity, reused=row.reused_inventory
            )
            await msg.ack()
            return
        heartbeat = asyncio.create_task(self._heartbeat(msg))
        started = time.perf_counter()
        try:
            outcome = await self.scanner.scan(
                request.registry_id,
                request.repository,
                request.digest,
                platforms=[(p.os, p.architecture, p.variant) for p in request.platforms],
                force=request.force,
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failure = classify(exc)
            if failure.code == "INTERNAL":
                log.exception("scan.internal_error", request_id=request.id, digest=request.digest)
            if failure.transient and deliveries < self.settings.max_deliver:
                delay = backoff_seconds(deliveries)
                log.warning(
                    "scan.retry",
                    request_id=request.id,
                    digest=request.digest,
                    code=failure.code,
                    reason=failure.reason,
                    delay_s=delay,
                    delivery=deliveries,
                )
                await msg.nak(delay=delay)
                return
            if failure.transient:
                failure_reason = f"gave up after {deliveries} attempts: {failure.reason}"
            else:
                failure_reason = failure.reason
            await self.store.finish_scan(
                request.id, "FAILED", failure_code=failure.code, failure_reason=failure_reason
            )
            await self._publish(
                request,
                "FAILED",
                code=failure.code,
                reason=failure_reason,
                seconds=time.perf_counter() - started,
            )
            SCANS.labels(lane, "failed").inc()
            log.warning(
                "scan.failed",
                request_id=request.id,
                digest=request.digest,
                code=failure.code,
                reason=failure_reason,
            )
            await msg.term()
            self.handled += 1
            return
        finally:
            heartbeat.cancel()
        elapsed = time.perf_counter() - started
        await self.store.finish_scan(
            request.id,
            "SUCCEEDED",
            reused_inventory=outcome.reused_inventory,
            counts=outcome.counts,
        )
        await self._publish(
            request,
            "SUCCEEDED",
            counts=outcome.counts,
            reused=outcome.reused_inventory,
            packages=outcome.package_count,
            seconds=elapsed,
        )
        await msg.ack()
        self.handled += 1
        SCANS.labels(lane, "succeeded").inc()
        SCAN_SECONDS.labels(str(outcome.reused_inventory).lower()).observe(elapsed)
        log.info(
            "scan.completed",
            request_id=request.id,
            digest=request.digest,
            lane=lane,
            reused=outcome.reused_inventory,
            packages=outcome.package_count,
            findings=sum(outcome.counts.values()),
            seconds=round(elapsed, 3),
        )

    async def _heartbeat(self, msg: Msg) -> None:
        interval = max(1.0, self.settings.ack_wait_s / 3)
        while True:
            await asyncio.sleep(interval)
            with contextlib.suppress(Exception):
                await msg.in_progress()

    async def _publish(
        self,
        request: events_pb2.ScanRequest,
        state: str,
        *,
        counts: SeverityCounts | None = None,
        reused: bool = False,
        packages: int = 0,
        code: str = "",
        reason: str = "",
        seconds: float = 0.0,
    ) -> None:
        succeeded = state == "SUCCEEDED"
        result = events_pb2.ScanResult(
            id=f"{request.id}:{'completed' if succeeded else 'failed'}",
            request_id=request.id,
            registry_id=request.registry_id,
            repository=request.repository,
            tag=request.tag,
            digest=request.digest,
            job_id=request.job_id,
            lane=request.lane,
            outcome=events_pb2.SCAN_OUTCOME_SUCCEEDED
            if succeeded
            else events_pb2.SCAN_OUTCOME_FAILED,
            failure_code=code,
            failure_reason=reason,
            findings_by_severity=counts or {},
            package_count=packages,
            reused_inventory=reused,
            duration_seconds=seconds,
        )
        result.complete_time.GetCurrentTime()
        await messaging.publish(
            self.js,
            messaging.SCAN_COMPLETED if succeeded else messaging.SCAN_FAILED,
            result,
            result.id,
        )
