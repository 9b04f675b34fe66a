"""Registry authentication: WWW-Authenticate challenges, credentials and the bearer token cache."""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass

_PARAM = re.compile(r'([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


@dataclass(frozen=True)
class Challenge:
    """A parsed `WWW-Authenticate` header."""

    scheme: str  # "basic" or "bearer" (lowercase)
    realm: str = ""
    service: str = ""
    scope: str = ""


def parse_challenge(header: str | None) -> Challenge | None:
    if not header:
        return None
    scheme, _, rest = header.strip().partition(" ")
    params = {
        m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
        for m in _PARAM.finditer(rest)
    }
    return Challenge(
        scheme=scheme.lower(),
        realm=params.get("realm", "") or "",
        service=params.get("service", "") or "",
        scope=params.get("scope", "") or "",
    )


@dataclass(frozen=True)
class RegistryCredentials:
    """Username/password for Basic auth and token services, or a bearer token used as is."""

    username: str = ""
    password: str = ""
    token: str = ""

    @property
    def empty(self) -> bool:
        return not (self.username or self.password or self.token)

    def basic_header(self) -> str | None:
        if not (self.username or self.password):
            return None
        raw = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(raw).decode()

    def __repr__(self) -> str:  # never print secrets
        return f"RegistryCredentials(username={self.username!r}, password=<redacted>)"


def repository_scope(repository: str, actions: str = "pull") -> str:
    return f"repository:{repository}:{actions}"


CATALOG_SCOPE = "registry:catalog:*"


class TokenCache:
    """Bearer tokens per scope, refreshed a little before they expire."""

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[str, float]] = {}

    def get(self, scope: str) -> str | None:
        entry = self._tokens.get(scope)
        if entry is None:
            return None
        token, expires_at = entry
        if time.monotonic() >= expires_at:
            del self._tokens[scope]
            return None
        return token

    def put(self, scope: str, token: str, expires_in: float) -> None:
        # Refresh 10% (at most 30 s) before the server's expiry; tokens are 60 s by default.
        margin = min(30.0, max(1.0, expires_in * 0.1))
        self._tokens[scope] = (token, time.monotonic() + max(1.0, expires_in - margin))

    def drop(self, scope: str) -> None:
        self._tokens.pop(scope, None)

    def clear(self) -> None:
        self._tokens.clear()

    def __len__(self) -> int:
        return len(self._tokens)
