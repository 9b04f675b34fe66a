"""NATS: subjects, JetStream stream declarations, connection and idempotent publishing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import nats
from google.protobuf.message import Message
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from services.common.logs import get_logger

log = get_logger("regsieve.nats")

# Subjects (the payload of each is the events.proto message named beside it).
EVENT_IMAGE_PUSHED = "regsieve.events.image.pushed"  # RegistryEvent
EVENT_IMAGE_DELETED = "regsieve.events.image.deleted"  # RegistryEvent
EVENTS_ALL = "regsieve.events.>"
SCAN_REQUESTED_PREFIX = "regsieve.scan.requested"  # .<lane>: ScanRequest
SCAN_LANES = ("push", "manual", "sweep", "rescan")
SCAN_COMPLETED = "regsieve.scan.completed"  # ScanResult
SCAN_FAILED = "regsieve.scan.failed"  # ScanResult
FINDINGS_CHANGED = "regsieve.findings.changed"  # FindingsChanged

DAY_S = 86_400.0


def scan_requested_subject(lane: str) -> str:
    if lane not in SCAN_LANES:
        raise ValueError(f"unknown scan lane {lane!r}")
    return f"{SCAN_REQUESTED_PREFIX}.{lane}"


@dataclass(frozen=True)
class StreamSpec:
    """One JetStream stream regsieve uses."""

    name: str
    subjects: tuple[str, ...]
    retention: RetentionPolicy
    max_age_s: float
    duplicate_window_s: float

    def config(self, replicas: int = 1) -> StreamConfig:
        return StreamConfig(
            name=self.name,
            subjects=list(self.subjects),
            retention=self.retention,
            storage=StorageType.FILE,
            max_age=self.max_age_s,
            duplicate_window=self.duplicate_window_s,
            discard=DiscardPolicy.OLD,
            num_replicas=replicas,
        )


STREAMS = (
    # Registry notifications; a registry's retries inside the window are deduplicated.
    StreamSpec("REGSIEVE_EVENTS", (EVENTS_ALL,), RetentionPolicy.LIMITS, 7 * DAY_S, 3600.0),
    # Scan requests are work: removed once a scanner acknowledged them.
    StreamSpec(
        "REGSIEVE_SCAN_REQUESTS",
        (f"{SCAN_REQUESTED_PREFIX}.>",),
        RetentionPolicy.WORK_QUEUE,
        14 * DAY_S,
        6 * 3600.0,
    ),
    StreamSpec(
        "REGSIEVE_SCAN_RESULTS",
        (SCAN_COMPLETED, SCAN_FAILED),
        RetentionPolicy.LIMITS,
        7 * DAY_S,
        3600.0,
    ),
    StreamSpec(
        "REGSIEVE_FINDINGS", (FINDINGS_CHANGED,), RetentionPolicy.LIMITS, 30 * DAY_S, 3600.0
    ),
)


async def connect(
    url: str,
    name: str,
    *,
    on_disconnect: Callable[[], Awaitable[None]] | None = None,
    on_reconnect: Callable[[], Awaitable[None]] | None = None,
    connect_timeout: float = 5.0,
) -> NatsClient:
    """Connects with unlimited reconnects and logs connection changes."""

    async def error_cb(exc: Exception) -> None:
        log.warning("nats.error", error=str(exc) or type(exc).__name__)

    async def disconnected_cb() -> None:
        log.warning("nats.disconnected")
        if on_disconnect:
            await on_disconnect()

    async def reconnected_cb() -> None:
        log.info("nats.reconnected")
        if on_reconnect:
            await on_reconnect()

    return await nats.connect(
        servers=[s.strip() for s in url.split(",") if s.strip()],
        name=name,
        allow_reconnect=True,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        connect_timeout=connect_timeout,
        error_cb=error_cb,
        disconnected_cb=disconnected_cb,
        reconnected_cb=reconnected_cb,
    )


async def ensure_streams(js: JetStreamContext, replicas: int = 1) -> None:
    """Creates or updates every stream regsieve uses (safe to run from every replica)."""
    for spec in STREAMS:
        config = spec.config(replicas)
        try:
            await js.stream_info(spec.name)
        except NotFoundError:
            await js.add_stream(config)
            log.info("nats.stream_created", stream=spec.name)
            continue
        await js.update_stream(config)


async def publish(
    js: JetStreamContext,
    subject: str,
    message: Message,
    msg_id: str,
    *,
    timeout: float = 5.0,
) -> Any:
    """Publishes with a deterministic Nats-Msg-Id and waits for the stream's acknowledgement."""
    return await publish_bytes(js, subject, message.SerializeToString(), msg_id, timeout=timeout)


async def publish_bytes(
    js: JetStreamContext, subject: str, payload: bytes, msg_id: str, *, timeout: float = 5.0
) -> Any:
    """`publish` for an already serialized message."""
    return await js.publish(subject, payload, timeout=timeout, headers={"Nats-Msg-Id": msg_id})
