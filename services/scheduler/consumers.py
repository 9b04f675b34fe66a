"""Durable JetStream pull consumers of the scheduler, created or updated in place at start."""

from __future__ import annotations

import asyncio

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from services.common.logs import get_logger

log = get_logger("regsieve.scheduler.consumers")


async def durable_pull(
    js: JetStreamContext,
    stream: str,
    name: str,
    *,
    subjects: list[str],
    ack_wait_s: float,
    max_ack_pending: int,
    max_deliver: int = -1,
) -> JetStreamContext.PullSubscription:
    """Binds to the durable consumer `name`, creating it (or updating its limits)."""
    config = ConsumerConfig(
        durable_name=name,
        deliver_policy=DeliverPolicy.ALL,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=ack_wait_s,
        max_deliver=max_deliver,
        max_ack_pending=max_ack_pending,
        filter_subjects=subjects,
    )
    try:
        info = await js.consumer_info(stream, name)
        current = info.config
        if (
            current.max_ack_pending != config.max_ack_pending
            or current.ack_wait != config.ack_wait
            or current.max_deliver != config.max_deliver
        ):
            await js.add_consumer(stream, config)  # updates a durable consumer in place
    except NotFoundError:
        await js.add_consumer(stream, config)
    return await js.pull_subscribe_bind(name, stream)


async def fetch(sub: JetStreamContext.PullSubscription, batch: int, timeout: float) -> list[Msg]:
    """Up to `batch` messages; none on timeout or connection trouble (after a pause)."""
    try:
        return await sub.fetch(batch, timeout=timeout)
    except TimeoutError:
        return []
    except Exception as exc:
        log.warning("consumer.fetch_failed", error=str(exc) or type(exc).__name__)
        await asyncio.sleep(1.0)
        return []
