"""Fetching and caching what SNS and OIDC verification needs: certificates and Google's JWKS.

Which URLs may be fetched is decided by the pure auth modules (SNS hosts only, Google's JWKS
URL); the fetcher adds HTTPS-only, no redirects, a size and a time limit. Tests inject a
fetcher (or give HttpsFetcher an SSL context trusting a local test CA); production code
never fetches anything but https.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar
from urllib.parse import urlsplit

import aiohttp
import jwt
from cryptography import x509

from gateway.auth import oidc, sns
from services.common.logs import get_logger

log = get_logger("regsieve.gateway.keys")

T = TypeVar("T")


class FetchError(Exception):
    """The URL could not be fetched now (network, status, size): answer 503, sender retries."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Fetcher(Protocol):
    """GETs a URL and returns its body."""

    async def get(self, url: str) -> bytes:
        """The body of a 200 answer; FetchError otherwise."""
        ...


class HttpsFetcher:
    """aiohttp GET of https URLs only: no redirects, bounded size and time."""

    def __init__(
        self,
        *,
        timeout: float = 5.0,
        max_bytes: int = 256 * 1024,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.ssl_context = ssl_context
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                ssl=self.ssl_context if self.ssl_context is not None else True, limit=8
            )
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=aiohttp.ClientTimeout(total=self.timeout)
            )
        return self._session

    async def get(self, url: str) -> bytes:
        if urlsplit(url).scheme != "https":
            raise FetchError("not_https")
        try:
            async with self._client().get(url, allow_redirects=False) as response:
                if response.status != 200:
                    raise FetchError(f"status_{response.status}")
                if (response.content_length or 0) > self.max_bytes:
                    raise FetchError("too_large")
                body = await response.content.read(self.max_bytes + 1)
        except (aiohttp.ClientError, TimeoutError, ssl.SSLError) as exc:
            raise FetchError(type(exc).__name__) from None
        if len(body) > self.max_bytes:
            raise FetchError("too_large")
        return body

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class _TimedCache(Generic[T]):
    """Values by key with a time-to-live and one load in flight per key."""

    def __init__(self, ttl: float, max_entries: int, clock: Callable[[], float]) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._values: dict[str, tuple[float, T]] = {}
        self._inflight: dict[str, asyncio.Task[T]] = {}

    def age(self, key: str) -> float | None:
        cached = self._values.get(key)
        return None if cached is None else self.clock() - cached[0]

    async def get(self, key: str, load: Callable[[], Awaitable[T]], *, fresh: bool = False) -> T:
        cached = self._values.get(key)
        if not fresh and cached is not None and self.clock() - cached[0] < self.ttl:
            return cached[1]
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(key, load))
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        return await asyncio.shield(task)

    def _finished(self, key: str, task: asyncio.Task[T]) -> None:
        self._inflight.pop(key, None)
        if not task.cancelled():
            task.exception()

    async def _load(self, key: str, load: Callable[[], Awaitable[T]]) -> T:
        value = await load()
        self._values.pop(key, None)
        self._values[key] = (self.clock(), value)
        while len(self._values) > self.max_entries:
            del self._values[next(iter(self._values))]
        return value


class KeyMaterialCache:
    """SNS signing certificates by URL and Google's JWKS, fetched once and kept a while.

    A token naming a key id not in the cached JWKS refetches it, at most once per
    `jwks_min_refresh` seconds (so junk tokens cannot make the gateway hammer Google).
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        sns_ttl: float = 24 * 3600.0,
        jwks_ttl: float = 3600.0,
        jwks_min_refresh: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fetcher = fetcher
        self.jwks_min_refresh = jwks_min_refresh
        self._certificates: _TimedCache[x509.Certificate] = _TimedCache(sns_ttl, 64, clock)
        self._jwks: _TimedCache[jwt.PyJWKSet] = _TimedCache(jwks_ttl, 4, clock)

    async def sns_certificate(self, url: str) -> x509.Certificate:
        """The certificate at an SNS SigningCertURL; FetchError, or SnsVerificationError
        (`bad_certificate`) when what came back is not a certificate."""

        async def load() -> x509.Certificate:
            certificate = sns.load_certificate(await self.fetcher.get(url))
            log.info("gateway.sns_certificate_fetched", url=url)
            return certificate

        return await self._certificates.get(url, load)

    async def oidc_keys(self, url: str, *, after_unknown_key: bool = False) -> jwt.PyJWKSet:
        """Google's JWKS; `after_unknown_key` refetches unless it was fetched just now.
        FetchError, or OidcKeysError when the document holds no usable key."""
        age = self._jwks.age(url)
        fresh = after_unknown_key and (age is None or age >= self.jwks_min_refresh)

        async def load() -> jwt.PyJWKSet:
            body = await self.fetcher.get(url)
            try:
                document = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                raise oidc.OidcKeysError("not json") from None
            if not isinstance(document, dict):
                raise oidc.OidcKeysError("not an object")
            keys = oidc.parse_jwks(document)
            log.info("gateway.oidc_keys_fetched", url=url, keys=len(keys.keys))
            return keys

        return await self._jwks.get(url, load, fresh=fresh)

    async def confirm_subscription(self, url: str) -> None:
        """GETs an SNS SubscribeURL (already checked to be on an SNS host); FetchError."""
        await self.fetcher.get(url)
        log.info("gateway.sns_subscription_confirmed", url=url.split("?", 1)[0])
