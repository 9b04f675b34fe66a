"""An asyncio request-rate limiter (spaces requests evenly; no burst beyond one)."""

from __future__ import annotations

import asyncio


class RateLimiter:
    """At most `rate` acquisitions per second; a rate of 0 means unlimited."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._next = 0.0

    async def acquire(self) -> None:
        if self.rate <= 0:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next)
        self._next = slot + 1.0 / self.rate
        if slot > now:
            await asyncio.sleep(slot - now)
