"""A reverse proxy in front of a real registry that injects 429s and 5xx answers on demand."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from services.common.embedded import free_port

_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass
class Fault:
    """Answer `status` to the next `times` requests whose path matches `path_pattern`."""

    path_pattern: str
    status: int
    times: int
    retry_after: str | None = None
    hits: int = 0

    def matches(self, path: str) -> bool:
        return self.hits < self.times and re.search(self.path_pattern, path) is not None


@dataclass
class FaultProxy:
    upstream: str
    faults: list[Fault] = field(default_factory=list)
    forwarded: int = 0
    port: int = 0
    _runner: web.AppRunner | None = None
    _session: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        for fault in self.faults:
            if fault.matches(request.path_qs):
                fault.hits += 1
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                return web.json_response(
                    {
                        "errors": [
                            {
                                "code": "TOOMANYREQUESTS" if fault.status == 429 else "UNAVAILABLE",
                                "message": "injected by the test proxy",
                            }
                        ]
                    },
                    status=fault.status,
                    headers=headers,
                )
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        body = await request.read()
        async with self._session.request(
            request.method,
            self.upstream + request.path_qs,
            headers=headers,
            data=body or None,
            allow_redirects=False,
        ) as upstream:
            self.forwarded += 1
            payload = await upstream.read()
            out_headers = {
                k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_HEADERS
            }
            return web.Response(status=upstream.status, body=payload, headers=out_headers)

    async def start(self) -> FaultProxy:
        self._session = aiohttp.ClientSession(auto_decompress=False)
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = self.port or free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()
        if self._session:
            await self._session.close()
