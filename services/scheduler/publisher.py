"""Publishes scan requests: recorded first, then sent with many JetStream acks in flight."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from nats.js import JetStreamContext
from prometheus_client import Counter

from regsieve.v1 import common_pb2, events_pb2
from services.common import messaging
from services.scheduler.selection import Candidate
from services.scheduler.store import RequestRow, SchedulerStore

PUBLISHED = Counter(
    "regsieve_scheduler_scan_requests_total",
    "Scan requests published (duplicates JetStream dropped included), by lane.",
    ["lane"],
)
LANE_ENUM = {
    "push": events_pb2.SCAN_LANE_PUSH,
    "manual": events_pb2.SCAN_LANE_MANUAL,
    "sweep": events_pb2.SCAN_LANE_SWEEP,
    "rescan": events_pb2.SCAN_LANE_RESCAN,
}


def scan_request(
    request_id: str,
    registry_id: str,
    candidate: Candidate,
    lane: str,
    *,
    job_id: str,
    rule_set_id: str,
    rule_set_revision: int,
    requested_at: datetime,
    force: bool = False,
) -> events_pb2.ScanRequest:
    repository, tag = candidate.key
    message = events_pb2.ScanRequest(
        id=request_id,
        registry_id=registry_id,
        repository=repository,
        tag=tag,
        digest=candidate.digest,
        lane=LANE_ENUM[lane],
        job_id=job_id,
        rule_set_id=rule_set_id,
        rule_set_revision=rule_set_revision,
        reason=candidate.reason,
        platforms=[
            common_pb2.Platform(os=os, architecture=arch, variant=variant)
            for os, arch, variant in candidate.platforms
        ],
        force=force,
    )
    message.request_time.FromDatetime(requested_at)
    return message


class RequestPublisher:
    """Records scan requests in the store, then publishes them; at most `concurrency` of
    them wait for their JetStream acknowledgement at once."""

    def __init__(self, js: JetStreamContext, store: SchedulerStore, concurrency: int) -> None:
        self.js = js
        self.store = store
        self._slots = asyncio.Semaphore(concurrency)

    async def record(self, requests: Sequence[events_pb2.ScanRequest]) -> None:
        await self.store.record_requests(
            [
                RequestRow(
                    id=r.id,
                    job_id=r.job_id,
                    lane=_lane_name(r.lane),
                    registry_id=r.registry_id,
                    repository=r.repository,
                    tag=r.tag,
                    digest=r.digest,
                    queued_at=r.request_time.ToDatetime(tzinfo=UTC),
                )
                for r in requests
            ]
        )

    async def publish(self, requests: Sequence[events_pb2.ScanRequest]) -> int:
        """Publishes every request; returns how many JetStream stored as new (not
        duplicates). Raises the first failure after all attempts ended."""

        async def one(request: events_pb2.ScanRequest) -> bool:
            async with self._slots:
                lane = _lane_name(request.lane)
                ack = await messaging.publish(
                    self.js, messaging.scan_requested_subject(lane), request, request.id
                )
                PUBLISHED.labels(lane).inc()
                return not getattr(ack, "duplicate", False)

        outcomes = await asyncio.gather(*(one(r) for r in requests), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        return sum(1 for outcome in outcomes if outcome is True)


def _lane_name(lane: int) -> str:
    for name, value in LANE_ENUM.items():
        if value == lane:
            return name
    raise ValueError(f"scan request without a lane ({lane})")
