"""Server-streaming watch RPCs: poll the stored state, send it when it changed, stop when final."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from services.common.errors import InvalidArgument

T = TypeVar("T")

DEFAULT_INTERVAL_MS = 1000


def watch_interval(requested_ms: int) -> float:
    """The poll interval in seconds: 0 means the default; 100-60000 ms are accepted."""
    interval_ms = requested_ms or DEFAULT_INTERVAL_MS
    if not 100 <= interval_ms <= 60000:
        raise InvalidArgument.field("interval_ms", "must be 100-60000")
    return interval_ms / 1000


async def poll_changes(
    read: Callable[[], Awaitable[T]], is_final: Callable[[T], bool], interval_s: float
) -> AsyncIterator[T]:
    """Yields `read()` whenever it differs from the last value yielded, up to a final one.

    State lives in PostgreSQL, so any replica can serve a watch of work another runs.
    """
    previous: T | None = None
    while True:
        current = await read()
        if current != previous:
            yield current
            previous = current
        if is_final(current):
            return
        await asyncio.sleep(interval_s)
