"""Benchmark: Catalog sync against a bare aiohttp loop doing the same registry requests.

Starts its own docker-registry (tmpfs, GOGC=400), PostgreSQL and Catalog (`regsieve serve
catalog` as a separate process), seeds `--tags` tags, then measures with the same
concurrency: a bare GET loop, a first full sync, a bare HEAD loop and a re-sync with
nothing changed. Bare loops run first on warm registry caches so neither side gets a
colder registry. Last line: the JSON result.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import grpc

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bare import bare_loop
from bench.harness import info, postgres, result, scratch_dir, service_process
from bench.seed import seed
from regsieve.v1 import catalog_pb2 as pb
from regsieve.v1 import catalog_pb2_grpc
from services.common.secrets import generate_key
from tests.support.registry import RunningRegistry


async def timed_sync(
    stub: catalog_pb2_grpc.CatalogServiceStub, registry_id: str
) -> tuple[float, pb.Sync]:
    started = time.perf_counter()
    reply = await stub.SyncRegistry(pb.SyncRegistryRequest(registry_id=registry_id))
    last = reply.sync
    async for update in stub.WatchSync(pb.WatchSyncRequest(id=reply.sync.id, interval_ms=100)):
        last = update.sync
    elapsed = time.perf_counter() - started
    if last.state != pb.SYNC_STATE_SUCCEEDED:
        raise SystemExit(f"sync ended {pb.SyncState.Name(last.state)}: {last.error}")
    return elapsed, last


async def run(tags: int, concurrency: int, directory: Path) -> dict[str, float | int]:
    registry = RunningRegistry(directory / "registry", access_log=False, log_level="error")
    started = time.perf_counter()
    seeded = seed(registry.storage, tags)
    info(f"seeded {len(seeded)} tags in {time.perf_counter() - started:.1f}s")
    registry.start()
    try:
        with (
            postgres(directory) as pg,
            service_process(
                "catalog",
                {"REGSIEVE_DATABASE_URL": pg.dsn, "REGSIEVE_SECRET_KEY": generate_key()},
                directory,
            ) as (target, _),
        ):
            async with grpc.aio.insecure_channel(target) as grpc_channel:
                stub = catalog_pb2_grpc.CatalogServiceStub(grpc_channel)
                created = await stub.CreateRegistry(
                    pb.CreateRegistryRequest(
                        registry=pb.Registry(
                            name="bench",
                            type=pb.REGISTRY_TYPE_DISTRIBUTION,
                            url=registry.url,
                            enabled=True,
                            limits=pb.RegistryLimits(max_concurrency=concurrency),
                        )
                    )
                )
                registry_id = created.registry.id
                warm_s, _ = await bare_loop(registry.url, concurrency, head_only=True)
                info(f"warm-up HEAD pass: {warm_s:.2f}s")
                bare_s, bare_tags = await bare_loop(registry.url, concurrency, head_only=False)
                info(f"(b) bare GET loop: {bare_s:.2f}s for {bare_tags} tags")
                sync_s, first = await timed_sync(stub, registry_id)
                info(
                    f"(a) first sync: {sync_s:.2f}s, {first.progress.tags_new} new, "
                    f"{first.progress.requests} requests"
                )
                bare_head_s, _ = await bare_loop(registry.url, concurrency, head_only=True)
                info(f"(d) bare HEAD loop: {bare_head_s:.2f}s")
                resync_s, second = await timed_sync(stub, registry_id)
                info(
                    f"(c) re-sync: {resync_s:.2f}s, {second.progress.tags_unchanged} unchanged, "
                    f"{second.progress.manifests_fetched} manifests fetched"
                )
                if first.progress.tags_new != tags or second.progress.tags_unchanged != tags:
                    raise SystemExit("sync did not see every seeded tag")
                if second.progress.manifests_fetched or second.progress.configs_fetched:
                    raise SystemExit("re-sync fetched manifests or configs")
    finally:
        registry.stop()
    return {
        "tags": tags,
        "sync_s": round(sync_s, 3),
        "bare_s": round(bare_s, 3),
        "ratio": round(sync_s / bare_s, 3),
        "resync_s": round(resync_s, 3),
        "bare_head_s": round(bare_head_s, 3),
        "resync_ratio": round(resync_s / bare_head_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tags", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--quick", action="store_true", help="500 tags, for the test suite")
    args = parser.parse_args()
    tags = 500 if args.quick else args.tags
    with scratch_dir("regsieve-bench-sync-") as directory:
        values = asyncio.run(run(tags, args.concurrency, directory))
    result(values)


if __name__ == "__main__":
    main()
