"""Registry clients for the scanner, built from Catalog's RegistryAccessService and cached."""

from __future__ import annotations

import asyncio
import time

import grpc

from regsieve.v1 import catalog_pb2 as pb
from regsieve.v1 import catalog_pb2_grpc
from services.common.registry.auth import RegistryCredentials
from services.common.registry.client import ClientOptions, RegistryClient

ACCESS_TTL_S = 30.0


class RegistryAccess:
    """One client per registry, reused across scans (connections and tokens are shared);
    rebuilt when the registry's settings change or after ACCESS_TTL_S."""

    def __init__(self, channel: grpc.aio.Channel, internal_token: str) -> None:
        self._stub = catalog_pb2_grpc.RegistryAccessServiceStub(channel)
        self._metadata = (("authorization", f"Bearer {internal_token}"),) if internal_token else ()
        self._clients: dict[str, tuple[float, str, RegistryClient]] = {}
        self._lock = asyncio.Lock()

    async def client(self, registry_id: str) -> RegistryClient:
        now = time.monotonic()
        cached = self._clients.get(registry_id)
        if cached and now - cached[0] < ACCESS_TTL_S:
            return cached[2]
        async with self._lock:
            cached = self._clients.get(registry_id)
            if cached and now - cached[0] < ACCESS_TTL_S:
                return cached[2]
            reply = await self._stub.GetRegistryAccess(
                pb.GetRegistryAccessRequest(registry_id=registry_id),
                metadata=self._metadata,
                timeout=10,
            )
            registry = reply.registry
            fingerprint = reply.SerializeToString(deterministic=True).hex()
            if cached and cached[1] == fingerprint:
                self._clients[registry_id] = (now, fingerprint, cached[2])
                return cached[2]
            if cached:
                await cached[2].close()
            client = RegistryClient(
                registry.url,
                RegistryCredentials(
                    reply.credentials.username, reply.credentials.password, reply.credentials.token
                ),
                ClientOptions(
                    max_concurrency=registry.limits.max_concurrency or 16,
                    max_requests_per_second=registry.limits.max_requests_per_second,
                    request_timeout=registry.limits.request_timeout_seconds or 30.0,
                    ca_bundle_pem=registry.tls.ca_bundle_pem,
                    insecure_skip_verify=registry.tls.insecure_skip_verify,
                ),
                label=registry.name,
            )
            self._clients[registry_id] = (now, fingerprint, client)
            return client

    async def close(self) -> None:
        for _, _, client in self._clients.values():
            await client.close()
        self._clients.clear()
