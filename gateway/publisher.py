"""The gateway's NATS side: connect (and keep trying), declare the streams, publish events.

The gateway starts and answers /healthz without NATS: a background task connects with
retries and declares the streams (again after every reconnect, in case the server came
back empty). Publishing never waits for a connection: while NATS is away it fails at once
and the sender gets 503.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

from google.protobuf.message import Message
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from services.common.logs import get_logger
from services.common.messaging import connect, ensure_streams, publish

log = get_logger("regsieve.gateway.nats")


class QueueUnavailable(Exception):
    """JetStream did not acknowledge (not connected, timeout, no stream): answer 503."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to publish, with its deterministic Nats-Msg-Id."""

    subject: str
    message: Message
    msg_id: str


class EventPublisher:
    """Owns the NATS connection of one gateway process."""

    def __init__(
        self,
        url: str,
        *,
        stream_replicas: int = 1,
        timeout: float = 3.0,
        retry_interval: float = 1.0,
        name: str = "regsieve-gateway",
    ) -> None:
        self.url = url
        self.stream_replicas = stream_replicas
        self.timeout = timeout
        self.retry_interval = retry_interval
        self.name = name
        self._nc: NatsClient | None = None
        self._js: JetStreamContext | None = None
        self._streams_ready = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    @property
    def connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    @property
    def ready(self) -> bool:
        """Connected, and the streams are declared since the last (re)connect."""
        return self.connected and self._streams_ready

    def start(self) -> None:
        self._spawn(self._connect_forever())

    def _spawn(self, coroutine: object) -> None:
        task = asyncio.ensure_future(coroutine)  # type: ignore[call-overload]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _connect_forever(self) -> None:
        attempt = 0
        while not self._stopping:
            try:
                self._nc = await connect(
                    self.url,
                    self.name,
                    on_disconnect=self._on_disconnect,
                    on_reconnect=self._on_reconnect,
                    connect_timeout=2.0,
                )
            except Exception as exc:  # nats raises several unrelated types here
                attempt += 1
                if attempt == 1 or attempt % 30 == 0:
                    log.warning(
                        "gateway.nats_unavailable", error=type(exc).__name__, attempt=attempt
                    )
                await asyncio.sleep(self.retry_interval)
                continue
            self._js = self._nc.jetstream()
            log.info("gateway.nats_connected")
            await self._declare_streams()
            return

    async def _declare_streams(self) -> None:
        while not self._stopping and self._js is not None:
            try:
                await ensure_streams(self._js, self.stream_replicas)
            except Exception as exc:  # timeouts, no responders, API errors: all transient here
                log.warning("gateway.streams_not_ready", error=type(exc).__name__)
                await asyncio.sleep(self.retry_interval)
                continue
            self._streams_ready = True
            log.info("gateway.ready")
            return

    async def _on_disconnect(self) -> None:
        self._streams_ready = False

    async def _on_reconnect(self) -> None:
        self._streams_ready = False
        self._spawn(self._declare_streams())

    async def publish_all(self, batch: Sequence[Outgoing]) -> None:
        """Publishes every message and returns once JetStream acknowledged each one."""
        js = self._js
        if js is None or not self.connected:
            raise QueueUnavailable("nats_disconnected")
        try:
            if len(batch) == 1:
                item = batch[0]
                await publish(js, item.subject, item.message, item.msg_id, timeout=self.timeout)
            else:
                await asyncio.gather(
                    *(
                        publish(js, item.subject, item.message, item.msg_id, timeout=self.timeout)
                        for item in batch
                    )
                )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # timeout, no responders (no stream), connection closed, ...
            raise QueueUnavailable(type(exc).__name__) from None

    async def stop(self) -> None:
        self._stopping = True
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._nc is not None and not self._nc.is_closed:
            with contextlib.suppress(Exception):
                await self._nc.close()
