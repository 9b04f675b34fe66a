"""The Content-Type check every parser makes before reading the body (415 otherwise)."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.events import UnsupportedMediaType
from gateway.http_headers import media_type

FORM = "application/x-www-form-urlencoded"


def require_json_media_type(
    headers: Mapping[str, str], *, also: frozenset[str] = frozenset()
) -> str | None:
    """The request's media type when it is JSON (`application/json`, `*/*+json`), one of
    `also`, or absent (senders that omit it are tolerated); UnsupportedMediaType otherwise."""
    essence = media_type(headers)
    if essence is None or essence == "application/json" or essence.endswith("+json"):
        return essence
    if essence in also:
        return essence
    raise UnsupportedMediaType(essence[:80])
