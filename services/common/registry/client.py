"""Async OCI Distribution API client: auth, retries, limits, pagination, verified content."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import hashlib
import json
import random
import re
import ssl
import time
from collections import Counter as TallyCounter
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from multidict import CIMultiDictProxy
from prometheus_client import Counter

from services.common.logs import get_logger
from services.common.registry import mediatypes as mt
from services.common.registry.auth import (
    CATALOG_SCOPE,
    Challenge,
    RegistryCredentials,
    TokenCache,
    parse_challenge,
    repository_scope,
)
from services.common.registry.errors import (
    ContentTooLarge,
    DigestMismatch,
    RegistryAuthError,
    RegistryError,
    RegistryNotFound,
    RegistryProtocolError,
    RegistryUnreachable,
)
from services.common.registry.manifest import (
    ImageIndex,
    ImageManifest,
    digest_of,
    is_digest,
    parse_manifest,
    verify_digest,
)
from services.common.registry.ratelimit import RateLimiter

log = get_logger("regsieve.registry")

REQUESTS = Counter(
    "regsieve_registry_requests_total",
    "HTTP requests made to registries, by registry, method, kind and status.",
    ["registry", "method", "kind", "status"],
)
RETRIES = Counter(
    "regsieve_registry_retries_total",
    "Registry requests retried, by registry and cause.",
    ["registry", "cause"],
)

RETRY_STATUSES = frozenset({500, 502, 503, 504})
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;[^,]*rel="?next"?', re.IGNORECASE)
MAX_CATALOG_PAGE = 1000  # the most CNCF Distribution accepts for `n`


@dataclass(frozen=True)
class ClientOptions:
    """Limits and timeouts of one registry client."""

    max_concurrency: int = 16
    max_requests_per_second: float = 0.0
    request_timeout: float = 30.0
    connect_timeout: float = 10.0
    max_attempts: int = 5
    backoff_base: float = 0.2
    backoff_cap: float = 10.0
    max_retry_after: float = 120.0
    ca_bundle_pem: str = ""
    insecure_skip_verify: bool = False
    max_manifest_bytes: int = 4 * 1024 * 1024
    max_config_bytes: int = 8 * 1024 * 1024
    user_agent: str = "regsieve/0.1"


@dataclass
class RequestStats:
    """What this client sent: per (method, kind) and per status, for progress and tests."""

    by_kind: TallyCounter[tuple[str, str]] = field(default_factory=TallyCounter)
    by_status: TallyCounter[int] = field(default_factory=TallyCounter)
    retries: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    def count(self, method: str, kind: str) -> int:
        return self.by_kind[(method, kind)]


@dataclass(frozen=True)
class ManifestHead:
    digest: str
    media_type: str
    size: int


@dataclass(frozen=True)
class FetchedManifest:
    digest: str
    media_type: str
    body: bytes
    parsed: ImageManifest | ImageIndex


@dataclass(frozen=True)
class PingResult:
    auth_scheme: str  # none, basic or bearer
    latency_ms: float


@dataclass(frozen=True)
class _Response:
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes


def _error_text(body: bytes) -> tuple[str, str]:
    """(code, message) from a Distribution error body, or ('', raw text)."""
    try:
        data = json.loads(body)
        first = data["errors"][0]
        return str(first.get("code", "")), str(first.get("message", ""))
    except Exception:
        return "", body[:200].decode("utf-8", "replace").strip()


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    parsed = email.utils.parsedate_to_datetime(value) if value else None
    if parsed is None:
        return None
    return max(0.0, parsed.timestamp() - time.time())


def build_ssl_context(options: ClientOptions) -> ssl.SSLContext | bool:
    if options.insecure_skip_verify:
        return False
    context = ssl.create_default_context()
    if options.ca_bundle_pem:
        context.load_verify_locations(cadata=options.ca_bundle_pem)
    return context


class RegistryClient:
    """One registry: shares a connection pool, a token cache, and the concurrency/rate limits."""

    def __init__(
        self,
        base_url: str,
        credentials: RegistryCredentials | None = None,
        options: ClientOptions | None = None,
        *,
        label: str = "",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"registry URL must be http(s)://host[:port], got {base_url!r}")
        self.host = parts.netloc
        self.credentials = credentials or RegistryCredentials()
        self.options = options or ClientOptions()
        self.label = label or self.host
        self.stats = RequestStats()
        self._tokens = TokenCache()
        self._token_locks: dict[str, asyncio.Lock] = {}
        self._challenge: Challenge | None = None
        self._scheme = "none"
        self._limiter = RateLimiter(self.options.max_requests_per_second)
        self._semaphore = asyncio.Semaphore(self.options.max_concurrency)
        self._session: aiohttp.ClientSession | None = None
        self._counters: dict[tuple[str, str, int], Any] = {}

    @property
    def auth_scheme(self) -> str:
        """What the registry asked for so far: none, basic or bearer."""
        return self._scheme

    # -- lifecycle -------------------------------------------------------------------

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.options.max_concurrency + 2,
                ssl=build_ssl_context(self.options),
                ttl_dns_cache=300,
                keepalive_timeout=30,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    sock_connect=self.options.connect_timeout,
                    sock_read=self.options.request_timeout,
                ),
                headers={"User-Agent": self.options.user_agent},
                auto_decompress=False,
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> RegistryClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- plumbing --------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def _record(self, method: str, kind: str, status: int) -> None:
        self.stats.by_kind[(method, kind)] += 1
        self.stats.by_status[status] += 1
        key = (method, kind, status)
        child = self._counters.get(key)
        if child is None:
            child = REQUESTS.labels(self.label, method, kind, str(status))
            self._counters[key] = child
        child.inc()

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.options.backoff_cap, self.options.backoff_base * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    async def _auth_header(self, scope: str) -> str | None:
        if self.credentials.token and self._scheme != "basic":
            return f"Bearer {self.credentials.token}"
        if self._scheme == "basic":
            return self.credentials.basic_header()
        if self._scheme == "bearer":
            token = self._tokens.get(scope) or await self._fetch_token(scope)
            return f"Bearer {token}" if token else None
        return None

    async def _fetch_token(self, scope: str) -> str:
        lock = self._token_locks.setdefault(scope, asyncio.Lock())
        async with lock:
            cached = self._tokens.get(scope)
            if cached:
                return cached
            challenge = self._challenge
            if challenge is None or not challenge.realm:
                raise RegistryAuthError("registry asked for a bearer token but named no realm")
            params = [("scope", scope)] if scope else []
            if challenge.service:
                params.insert(0, ("service", challenge.service))
            headers = {}
            basic = self.credentials.basic_header()
            if basic:
                headers["Authorization"] = basic
            response = await self._send_raw(
                "GET",
                challenge.realm,
                kind="token",
                headers=headers,
                params=params,
                max_body=1024 * 1024,
            )
            if response.status in (401, 403):
                _, message = _error_text(response.body)
                raise RegistryAuthError(
                    f"token service {challenge.realm} refused the credentials"
                    f" (HTTP {response.status}){': ' + message if message else ''}",
                    status=response.status,
                )
            if response.status != 200:
                raise RegistryAuthError(
                    f"token service {challenge.realm} answered HTTP {response.status}",
                    status=response.status,
                )
            try:
                data = json.loads(response.body)
                token = data.get("token") or data.get("access_token")
                expires_in = float(data.get("expires_in") or 60)
            except (ValueError, AttributeError, TypeError):
                raise RegistryAuthError("token service answered with invalid JSON") from None
            if not token:
                raise RegistryAuthError("token service answered without a token")
            self._tokens.put(scope, str(token), expires_in)
            return str(token)

    def _adopt_challenge(self, header: str | None) -> None:
        challenge = parse_challenge(header)
        if challenge is None:
            raise RegistryAuthError("registry answered 401 without a WWW-Authenticate challenge")
        if challenge.scheme == "basic":
            if self.credentials.basic_header() is None:
                raise RegistryAuthError("registry requires credentials (Basic) and none are set")
            self._scheme = "basic"
        elif challenge.scheme == "bearer":
            self._challenge = challenge
            self._scheme = "bearer"
        else:
            raise RegistryAuthError(f"unsupported authentication scheme {challenge.scheme!r}")

    async def _open(
        self,
        method: str,
        url: str,
        *,
        kind: str,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
        body: bytes | None = None,
    ) -> aiohttp.ClientResponse:
        """Sends one request, retrying transport errors, 5xx and 429; the body is left unread."""
        attempt = 0
        while True:
            attempt += 1
            if self._limiter.rate > 0:
                await self._limiter.acquire()
            delay: float | None = None
            try:
                resp = await self._get_session().request(
                    method, url, headers=headers, params=params, data=body, allow_redirects=False
                )
            except (aiohttp.ClientConnectionError, TimeoutError) as exc:
                cause = type(exc).__name__ + (f": {exc}" if str(exc) else "")
            else:
                self._record(method, kind, resp.status)
                if resp.status != 429 and resp.status not in RETRY_STATUSES:
                    return resp
                delay = _retry_after(resp.headers)
                cause = f"HTTP {resp.status}"
                resp.release()
            if attempt >= self.options.max_attempts:
                raise RegistryUnreachable(
                    f"{method} {url} failed after {attempt} attempts: {cause}"
                )
            if delay is None:
                delay = self._backoff(attempt)
            elif delay > self.options.max_retry_after:
                raise RegistryUnreachable(
                    f"{method} {url}: registry asks to retry after {delay:.0f}s "
                    f"(more than the {self.options.max_retry_after:.0f}s limit)"
                )
            self.stats.retries += 1
            RETRIES.labels(self.label, cause.split(":")[0]).inc()
            log.debug("registry.retry", url=url, cause=cause, delay_s=round(delay, 3))
            await asyncio.sleep(delay)

    @staticmethod
    async def _read_body(resp: aiohttp.ClientResponse, kind: str, limit: int) -> bytes:
        length = resp.content_length
        if length is not None:
            if length > limit:
                raise ContentTooLarge(f"{kind} of {length} bytes exceeds the {limit}-byte limit")
            return await resp.read()  # one call: the body is known to fit
        chunks = []
        total = 0
        async for chunk in resp.content.iter_any():
            total += len(chunk)
            if total > limit:
                raise ContentTooLarge(f"{kind} exceeds the {limit}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)

    async def _send_raw(
        self,
        method: str,
        url: str,
        *,
        kind: str,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
        max_body: int,
        body: bytes | None = None,
    ) -> _Response:
        """One request with retries; reads a bounded body (retried if the body breaks off)."""
        attempt = 0
        async with self._semaphore:
            while True:
                attempt += 1
                resp = await self._open(
                    method, url, kind=kind, headers=headers, params=params, body=body
                )
                try:
                    content = (
                        b"" if method == "HEAD" else await self._read_body(resp, kind, max_body)
                    )
                    return _Response(resp.status, resp.headers, content)
                except (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError, TimeoutError):
                    if attempt >= self.options.max_attempts:
                        raise RegistryUnreachable(f"{method} {url}: body transfer failed") from None
                    self.stats.retries += 1
                    await asyncio.sleep(self._backoff(attempt))
                finally:
                    resp.release()

    async def _request(
        self,
        method: str,
        path: str,
        *,
        kind: str,
        scope: str,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
        max_body: int = 4 * 1024 * 1024,
        body: bytes | None = None,
    ) -> _Response:
        """A registry API request with authentication (at most one challenge round)."""
        url = path if path.startswith(("http://", "https://")) else self._url(path)
        for round_ in range(2):
            request_headers = dict(headers or {})
            auth = (
                await self._auth_header(scope)
                if self._scheme != "none" or self.credentials.token
                else None
            )
            if auth:
                request_headers["Authorization"] = auth
            response = await self._send_raw(
                method,
                url,
                kind=kind,
                headers=request_headers,
                params=params,
                max_body=max_body,
                body=body,
            )
            if response.status != 401:
                return response
            if round_ == 1 or (auth is not None and self._scheme == "basic"):
                break
            self._tokens.drop(scope)
            self._adopt_challenge(response.headers.get("WWW-Authenticate"))
        code, message = _error_text(response.body)
        raise RegistryAuthError(
            f"registry refused the credentials for {path} (HTTP 401{', ' + code if code else ''})"
            f"{': ' + message if message else ''}",
            status=401,
        )

    @staticmethod
    def _raise_for(response: _Response, what: str) -> None:
        if response.status < 300:
            return
        code, message = _error_text(response.body)
        detail = f"{what}: HTTP {response.status}{' ' + code if code else ''}"
        if message:
            detail += f": {message}"
        if response.status == 404:
            raise RegistryNotFound(detail, code=code or "NOT_FOUND", status=404)
        if response.status == 403:
            raise RegistryAuthError(detail, code=code or "DENIED", status=403)
        if response.status == 401:
            raise RegistryAuthError(detail, status=401)
        raise RegistryProtocolError(
            detail, code=code or f"HTTP_{response.status}", status=response.status
        )

    # -- API -------------------------------------------------------------------------

    async def ping(self) -> PingResult:
        """GET /v2/ with authentication; raises on failure."""
        started = time.perf_counter()
        response = await self._request("GET", "/v2/", kind="ping", scope="", max_body=64 * 1024)
        self._raise_for(response, "GET /v2/")
        version = response.headers.get("Docker-Distribution-API-Version", "")
        if version and not version.startswith("registry/2"):
            raise RegistryProtocolError(f"unexpected API version header {version!r}")
        return PingResult(self._scheme, (time.perf_counter() - started) * 1000)

    async def _paginate(
        self, path: str, key: str, *, kind: str, scope: str, page_size: int
    ) -> AsyncIterator[list[str]]:
        next_url: str | None = path
        params: Any = {"n": str(min(page_size, MAX_CATALOG_PAGE))}
        seen_urls: set[str] = set()
        while next_url:
            response = await self._request("GET", next_url, kind=kind, scope=scope, params=params)
            self._raise_for(response, f"GET {path}")
            try:
                data = json.loads(response.body)
                items = data.get(key) or []
            except (ValueError, AttributeError):
                raise RegistryProtocolError(f"GET {path}: invalid JSON") from None
            if not isinstance(items, list):
                raise RegistryProtocolError(f"GET {path}: {key!r} is not a list")
            yield [str(i) for i in items]
            link = response.headers.get("Link", "")
            match = _LINK_NEXT.search(link)
            if not match or not items:
                return
            next_url = urljoin(self._url(path), match.group(1))
            if next_url in seen_urls:
                raise RegistryProtocolError(f"GET {path}: pagination loops on {next_url}")
            seen_urls.add(next_url)
            params = None  # the Link URL carries n and last

    def list_repositories(self, page_size: int = MAX_CATALOG_PAGE) -> AsyncIterator[list[str]]:
        """Pages of `_catalog`."""
        return self._paginate(
            "/v2/_catalog", "repositories", kind="catalog", scope=CATALOG_SCOPE, page_size=page_size
        )

    async def list_tags(self, repository: str, page_size: int = MAX_CATALOG_PAGE) -> list[str]:
        """Every tag of a repository (all `tags/list` pages)."""
        tags: list[str] = []
        async for page in self._paginate(
            f"/v2/{repository}/tags/list",
            "tags",
            kind="tags",
            scope=repository_scope(repository),
            page_size=page_size,
        ):
            tags.extend(page)
        return tags

    async def head_manifest(self, repository: str, reference: str) -> ManifestHead:
        response = await self._request(
            "HEAD",
            f"/v2/{repository}/manifests/{reference}",
            kind="manifest",
            scope=repository_scope(repository),
            headers={"Accept": mt.MANIFEST_ACCEPT},
        )
        self._raise_for(response, f"HEAD {repository}:{reference}")
        digest = response.headers.get("Docker-Content-Digest", "")
        if not is_digest(digest):
            if is_digest(reference):
                digest = reference
            else:
                raise RegistryProtocolError(
                    f"HEAD {repository}:{reference}: no valid Docker-Content-Digest header"
                )
        return ManifestHead(
            digest=digest,
            media_type=mt.normalise(response.headers.get("Content-Type")),
            size=int(response.headers.get("Content-Length", "0") or 0),
        )

    async def get_manifest(self, repository: str, reference: str) -> FetchedManifest:
        """GET a manifest; verifies its digest against the reference or the header."""
        response = await self._request(
            "GET",
            f"/v2/{repository}/manifests/{reference}",
            kind="manifest",
            scope=repository_scope(repository),
            headers={"Accept": mt.MANIFEST_ACCEPT},
            max_body=self.options.max_manifest_bytes,
        )
        self._raise_for(response, f"GET {repository}:{reference}")
        announced = response.headers.get("Docker-Content-Digest", "")
        expected = reference if is_digest(reference) else announced
        if expected and is_digest(expected):
            verify_digest(response.body, expected)
            digest = expected
        else:
            digest = digest_of(response.body)
        content_type = mt.normalise(response.headers.get("Content-Type"))
        parsed = parse_manifest(response.body, content_type)
        return FetchedManifest(digest, parsed.media_type, response.body, parsed)

    async def get_blob(
        self, repository: str, digest: str, *, max_bytes: int | None = None
    ) -> bytes:
        """GET a small blob (a config) whole, following redirects without credentials."""
        limit = max_bytes or self.options.max_config_bytes
        response = await self._request(
            "GET",
            f"/v2/{repository}/blobs/{digest}",
            kind="blob",
            scope=repository_scope(repository),
            max_body=limit,
        )
        hops = 0
        while response.status in (301, 302, 303, 307, 308):
            hops += 1
            location = response.headers.get("Location")
            if not location or hops > 5:
                raise RegistryProtocolError(f"blob {digest}: bad redirect")
            target = urljoin(self._url(f"/v2/{repository}/blobs/{digest}"), location)
            response = await self._send_raw("GET", target, kind="blob", max_body=limit)
        self._raise_for(response, f"GET blob {repository}@{digest}")
        verify_digest(response.body, digest)
        return response.body

    @contextlib.asynccontextmanager
    async def open_blob(
        self, repository: str, digest: str, *, max_bytes: int, chunk_size: int = 1 << 20
    ) -> AsyncIterator[AsyncIterator[bytes]]:
        """Streams a blob in chunks; digest and size are verified as the stream ends.

        Redirects (e.g. to object storage) are followed without the registry credentials.
        The consumer must read to the end: a mismatch raises DigestMismatch from the last
        iteration.
        """
        path = f"/v2/{repository}/blobs/{digest}"
        scope = repository_scope(repository)
        async with self._semaphore:
            resp = await self._open_authenticated(path, scope)
            try:
                hops = 0
                while resp.status in (301, 302, 303, 307, 308):
                    hops += 1
                    location = resp.headers.get("Location")
                    if not location or hops > 5:
                        raise RegistryProtocolError(f"GET {path}: bad redirect")
                    target = urljoin(str(resp.url), location)
                    resp.release()
                    resp = await self._open("GET", target, kind="blob")
                if resp.status >= 300:
                    body = await resp.content.read(64 * 1024)
                    self._raise_for(
                        _Response(resp.status, resp.headers, body), f"GET blob {digest}"
                    )
                if resp.content_length is not None and resp.content_length > max_bytes:
                    raise ContentTooLarge(
                        f"blob {digest} is {resp.content_length} bytes, "
                        f"over the {max_bytes}-byte limit"
                    )
                yield self._verified_chunks(resp, digest, max_bytes, chunk_size)
            finally:
                resp.release()

    async def _open_authenticated(self, path: str, scope: str) -> aiohttp.ClientResponse:
        for round_ in range(2):
            headers = {}
            auth = await self._auth_header(scope)
            if auth:
                headers["Authorization"] = auth
            resp = await self._open("GET", self._url(path), kind="blob", headers=headers)
            if resp.status != 401 or round_ == 1:
                return resp
            challenge = resp.headers.get("WWW-Authenticate")
            resp.release()
            self._tokens.drop(scope)
            self._adopt_challenge(challenge)
        raise AssertionError("unreachable")

    # -- push (used to populate registries: tests, benchmarks, mirroring) ------------

    async def blob_exists(self, repository: str, digest: str) -> bool:
        response = await self._request(
            "HEAD",
            f"/v2/{repository}/blobs/{digest}",
            kind="blob",
            scope=repository_scope(repository, "pull,push"),
        )
        if response.status == 404:
            return False
        self._raise_for(response, f"HEAD blob {digest}")
        return True

    async def push_blob(self, repository: str, data: bytes, digest: str | None = None) -> str:
        """Uploads a blob (monolithic POST + PUT) unless the registry has it; returns its digest."""
        digest = digest or digest_of(data)
        if await self.blob_exists(repository, digest):
            return digest
        scope = repository_scope(repository, "pull,push")
        started = await self._request(
            "POST", f"/v2/{repository}/blobs/uploads/", kind="upload", scope=scope
        )
        if started.status != 202:
            self._raise_for(started, f"POST upload {repository}")
            raise RegistryProtocolError(f"upload start answered HTTP {started.status}")
        location = started.headers.get("Location", "")
        if not location:
            raise RegistryProtocolError("upload start answered without a Location")
        target = urljoin(self._url(f"/v2/{repository}/blobs/uploads/"), location)
        separator = "&" if "?" in target else "?"
        finished = await self._request(
            "PUT",
            f"{target}{separator}digest={digest}",
            kind="upload",
            scope=scope,
            headers={"Content-Type": "application/octet-stream"},
            body=data,
        )
        if finished.status != 201:
            self._raise_for(finished, f"PUT upload {repository}")
            raise RegistryProtocolError(f"upload end answered HTTP {finished.status}")
        return digest

    async def put_manifest(
        self, repository: str, reference: str, body: bytes, media_type: str
    ) -> str:
        """Stores a manifest under a tag or digest; returns its digest."""
        response = await self._request(
            "PUT",
            f"/v2/{repository}/manifests/{reference}",
            kind="manifest",
            scope=repository_scope(repository, "pull,push"),
            headers={"Content-Type": media_type},
            body=body,
        )
        if response.status != 201:
            self._raise_for(response, f"PUT manifest {repository}:{reference}")
            raise RegistryProtocolError(f"manifest PUT answered HTTP {response.status}")
        return response.headers.get("Docker-Content-Digest") or digest_of(body)

    async def delete_manifest(self, repository: str, digest: str) -> None:
        response = await self._request(
            "DELETE",
            f"/v2/{repository}/manifests/{digest}",
            kind="manifest",
            scope=repository_scope(repository, "*"),
        )
        self._raise_for(response, f"DELETE manifest {repository}@{digest}")

    @staticmethod
    async def _verified_chunks(
        resp: aiohttp.ClientResponse, digest: str, max_bytes: int, chunk_size: int
    ) -> AsyncIterator[bytes]:
        algorithm = digest.partition(":")[0]
        hasher = hashlib.new(algorithm)
        total = 0
        try:
            async for chunk in resp.content.iter_chunked(chunk_size):
                total += len(chunk)
                if total > max_bytes:
                    raise ContentTooLarge(f"blob {digest} exceeds the {max_bytes}-byte limit")
                hasher.update(chunk)
                yield chunk
        except (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError, TimeoutError) as exc:
            raise RegistryUnreachable(f"blob {digest}: transfer interrupted: {exc}") from None
        actual = f"{algorithm}:{hasher.hexdigest()}"
        if actual != digest:
            raise DigestMismatch(f"blob hashes to {actual}, expected {digest}")


__all__ = [
    "ClientOptions",
    "FetchedManifest",
    "ManifestHead",
    "PingResult",
    "RegistryClient",
    "RegistryError",
    "RequestStats",
]
