"""The bare registry loop the sync and sweep benchmarks compare against: the same requests,
the same concurrency, plain aiohttp and nothing else."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import re2

ACCEPT = (
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json"
)


async def bare_loop(
    base: str,
    concurrency: int,
    *,
    head_only: bool,
    ref_filter: str = "",
    repository_filter: str = "",
) -> tuple[float, int]:
    """Lists repositories and tags, then HEADs (or GETs manifest and config of) every tag
    matching the optional RE2 filters: returns (seconds, tags)."""
    refs = re2.compile(ref_filter) if ref_filter else None
    repos = re2.compile(repository_filter) if repository_filter else None
    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=concurrency + 2)
    async with aiohttp.ClientSession(connector=connector) as session:
        repositories: list[str] = []
        url: str | None = f"{base}/v2/_catalog?n=1000"
        while url:
            async with session.get(url) as resp:
                repositories.extend((await resp.json())["repositories"] or [])
                link = resp.headers.get("Link")
            url = base + link.split(";")[0].strip("<> ") if link else None
        repositories = [r for r in repositories if repos is None or repos.search(r)]
        queue: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue(maxsize=concurrency * 8)
        repo_queue: asyncio.Queue[str | None] = asyncio.Queue()
        for repository in repositories:
            repo_queue.put_nowait(repository)
        count = 0

        async def lister() -> None:
            while (repository := await repo_queue.get()) is not None:
                async with session.get(f"{base}/v2/{repository}/tags/list?n=1000") as resp:
                    tags = (await resp.json())["tags"] or []
                for tag in tags:
                    if refs is None or refs.search(f"{repository}:{tag}"):
                        await queue.put((repository, tag))

        async def worker() -> None:
            nonlocal count
            while (item := await queue.get()) is not None:
                repository, tag = item
                manifest_url = f"{base}/v2/{repository}/manifests/{tag}"
                if head_only:
                    async with session.head(manifest_url, headers={"Accept": ACCEPT}) as resp:
                        assert resp.headers["Docker-Content-Digest"]
                else:
                    async with session.get(manifest_url, headers={"Accept": ACCEPT}) as resp:
                        manifest = json.loads(await resp.read())
                    config = manifest["config"]["digest"]
                    async with session.get(f"{base}/v2/{repository}/blobs/{config}") as resp:
                        json.loads(await resp.read())
                count += 1

        listers = [asyncio.create_task(lister()) for _ in range(min(8, concurrency))]
        workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
        for _ in listers:
            repo_queue.put_nowait(None)
        await asyncio.gather(*listers)
        for _ in workers:
            await queue.put(None)
        await asyncio.gather(*workers)
    return time.perf_counter() - started, count
