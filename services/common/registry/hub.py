"""Docker Hub specifics: official-image names and namespace listing through the Hub API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from services.common.registry.auth import RegistryCredentials
from services.common.registry.errors import (
    RegistryAuthError,
    RegistryProtocolError,
    RegistryUnreachable,
)

HUB_API = "https://hub.docker.com"


def hub_repository(name: str) -> str:
    """`nginx` is the official image `library/nginx` on the registry API."""
    return name if "/" in name else f"library/{name}"


def parse_repository_page(data: Any, namespace: str) -> tuple[list[str], str | None]:
    """(repository names, next page URL) from a Hub `/v2/namespaces/<ns>/repositories` page."""
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise RegistryProtocolError("Docker Hub API answered without a results list")
    names = []
    for item in data["results"]:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            names.append(f"{item.get('namespace') or namespace}/{item['name']}")
    next_url = data.get("next")
    return names, next_url if isinstance(next_url, str) and next_url else None


class DockerHubLister:
    """Lists the repositories of Docker Hub namespaces (users, organisations, `library`)."""

    def __init__(
        self,
        namespaces: list[str],
        credentials: RegistryCredentials | None = None,
        *,
        api_url: str = HUB_API,
        timeout: float = 30.0,
    ) -> None:
        self.namespaces = namespaces
        self.credentials = credentials or RegistryCredentials()
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout

    async def _login(self, session: aiohttp.ClientSession) -> dict[str, str]:
        if not (
            self.credentials.username and (self.credentials.password or self.credentials.token)
        ):
            return {}
        async with session.post(
            f"{self.api_url}/v2/users/login",
            json={
                "username": self.credentials.username,
                "password": self.credentials.password or self.credentials.token,
            },
        ) as resp:
            if resp.status != 200:
                raise RegistryAuthError(f"Docker Hub login refused (HTTP {resp.status})")
            token = (await resp.json()).get("token")
        return {"Authorization": f"Bearer {token}"} if token else {}

    async def pages(self) -> AsyncIterator[list[str]]:
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            headers = await self._login(session)
            for namespace in self.namespaces:
                url: str | None = (
                    f"{self.api_url}/v2/namespaces/{namespace}/repositories?page_size=100"
                )
                while url:
                    try:
                        async with session.get(url, headers=headers) as resp:
                            if resp.status in (401, 403):
                                raise RegistryAuthError(
                                    f"Docker Hub refused listing namespace {namespace!r}"
                                )
                            if resp.status == 404:
                                raise RegistryProtocolError(
                                    f"Docker Hub namespace {namespace!r} not found"
                                )
                            if resp.status != 200:
                                raise RegistryUnreachable(
                                    f"Docker Hub API answered HTTP {resp.status}"
                                )
                            data = await resp.json(content_type=None)
                    except aiohttp.ClientError as exc:
                        raise RegistryUnreachable(f"Docker Hub API unreachable: {exc}") from None
                    names, url = parse_repository_page(data, namespace)
                    yield names
