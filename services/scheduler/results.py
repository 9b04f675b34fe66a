"""Job progress from the Scanner's results: a durable consumer applying them in batches."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

from google.protobuf.message import DecodeError
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from regsieve.v1 import events_pb2
from services.common import messaging
from services.common.logs import get_logger
from services.scheduler.consumers import durable_pull, fetch
from services.scheduler.domain import image_label
from services.scheduler.store import ResultRow, SchedulerStore

log = get_logger("regsieve.scheduler.results")

STREAM = "REGSIEVE_SCAN_RESULTS"
DURABLE = "scheduler-progress"
BATCH = 512
EXAMPLE_CHARS = 200


def result_row(result: events_pb2.ScanResult) -> ResultRow:
    succeeded = result.outcome == events_pb2.SCAN_OUTCOME_SUCCEEDED
    example = image_label(result.repository, result.tag, result.digest)
    if not succeeded and result.failure_reason:
        example = f"{example}: {result.failure_reason}"
    completed = (
        result.complete_time.ToDatetime(tzinfo=UTC)
        if result.HasField("complete_time")
        else datetime.now(UTC)
    )
    return ResultRow(
        request_id=result.request_id,
        succeeded=succeeded,
        failure_code=result.failure_code,
        example=example[:EXAMPLE_CHARS],
        completed_at=completed,
    )


class ResultsConsumer:
    """Applies every ScanResult to the scan request it answers (any replica may do it)."""

    def __init__(self, js: JetStreamContext, store: SchedulerStore) -> None:
        self.js = js
        self.store = store
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.sub = await durable_pull(
            self.js,
            STREAM,
            DURABLE,
            subjects=[messaging.SCAN_COMPLETED, messaging.SCAN_FAILED],
            ack_wait_s=30.0,
            max_ack_pending=BATCH * 4,
        )
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            messages = await fetch(self.sub, BATCH, 1.0)
            if messages:
                try:
                    await self.apply(messages)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    # not acknowledged: redelivered after ack_wait
                    log.exception("results.apply_failed", count=len(messages))
                    await asyncio.sleep(1.0)

    async def apply(self, messages: list[Msg]) -> None:
        rows: list[ResultRow] = []
        poison: list[Msg] = []
        for msg in messages:
            try:
                result = events_pb2.ScanResult.FromString(msg.data)
            except DecodeError:
                poison.append(msg)
                continue
            if result.request_id:
                rows.append(result_row(result))
        applied = await self.store.apply_results(rows)
        for msg in poison:
            log.error("results.poison_message", subject=msg.subject, size=len(msg.data))
            await msg.term()
        poisoned = {id(msg) for msg in poison}
        for msg in messages:
            if id(msg) not in poisoned:
                await msg.ack()
        if applied:
            log.debug("results.applied", count=applied)
