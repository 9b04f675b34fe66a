"""Per-layer analysis cache: each layer is analysed once, by whichever replica claims it first."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

import zstandard

from services.common.logs import get_logger
from services.scanner.analyzers import ANALYZER_SET_VERSION
from services.scanner.layer import LayerAnalysis
from services.scanner.store import ScannerStore

log = get_logger("regsieve.scanner.layers")

CLAIM_TTL_S = 60.0
MEMORY_ENTRIES = 512
# Below this compressed size, analysing a layer twice costs less than agreeing who does it.
SMALL_LAYER_BYTES = (
    1024 * 1024
)  # parsed analyses kept in memory: base layers are shared by many images
WAIT_POLL_S = 0.25
MAX_WAIT_S = 30 * 60.0

Analyse = Callable[[], Awaitable[LayerAnalysis]]


class LayerCache:
    def __init__(self, store: ScannerStore, owner: str) -> None:
        self.store = store
        self.owner = owner
        self.version = ANALYZER_SET_VERSION
        self._inflight: dict[str, asyncio.Future[LayerAnalysis]] = {}
        self._memory: OrderedDict[str, LayerAnalysis] = OrderedDict()

    async def get(self, diff_id: str) -> LayerAnalysis | None:
        cached = self._memory.get(diff_id)
        if cached is not None:
            self._memory.move_to_end(diff_id)
            return cached
        blob = await self.store.get_layer(diff_id, self.version)
        if blob is None:
            return None
        analysis = await asyncio.to_thread(
            # zstandard (de)compressor objects are not thread-safe: one per call
            lambda: LayerAnalysis.from_json(zstandard.ZstdDecompressor().decompress(blob))
        )
        self._remember(diff_id, analysis)
        return analysis

    def _remember(self, diff_id: str, analysis: LayerAnalysis) -> None:
        self._memory[diff_id] = analysis
        self._memory.move_to_end(diff_id)
        while len(self._memory) > MEMORY_ENTRIES:
            self._memory.popitem(last=False)

    async def get_or_analyse(
        self, diff_id: str, analyse: Analyse, compressed_size: int = 0
    ) -> LayerAnalysis:
        """The stored analysis, or `analyse()` run once across this process and the others
        (small layers skip the cross-replica claim)."""
        pending = self._inflight.get(diff_id)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[LayerAnalysis] = asyncio.get_running_loop().create_future()
        self._inflight[diff_id] = future
        try:
            analysis = await self._resolve(diff_id, analyse, compressed_size)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()
            raise
        finally:
            self._inflight.pop(diff_id, None)
        future.set_result(analysis)
        return analysis

    async def _resolve(self, diff_id: str, analyse: Analyse, compressed_size: int) -> LayerAnalysis:
        deadline = time.monotonic() + MAX_WAIT_S
        while True:
            cached = await self.get(diff_id)
            if cached is not None:
                return cached
            if 0 < compressed_size < SMALL_LAYER_BYTES:
                return await self._analyse_and_store(diff_id, analyse)
            if await self.store.claim_layer(diff_id, self.version, self.owner, CLAIM_TTL_S):
                return await self._analyse_claimed(diff_id, analyse)
            if time.monotonic() > deadline:
                raise TimeoutError(f"layer {diff_id} is claimed by another scanner for too long")
            await asyncio.sleep(WAIT_POLL_S)  # another replica is analysing it

    async def _analyse_and_store(self, diff_id: str, analyse: Analyse) -> LayerAnalysis:
        analysis = await analyse()
        payload = await asyncio.to_thread(
            lambda: zstandard.ZstdCompressor(level=3).compress(analysis.to_json().encode())
        )
        await self.store.put_layer(diff_id, self.version, payload)
        self._remember(diff_id, analysis)
        return analysis

    async def _analyse_claimed(self, diff_id: str, analyse: Analyse) -> LayerAnalysis:
        renew = asyncio.create_task(self._renew(diff_id))
        try:
            return await self._analyse_and_store(diff_id, analyse)
        finally:
            renew.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renew
            await self.store.release_layer(diff_id, self.version, self.owner)

    async def _renew(self, diff_id: str) -> None:
        while True:
            await asyncio.sleep(CLAIM_TTL_S / 3)
            await self.store.claim_layer(diff_id, self.version, self.owner, CLAIM_TTL_S)
