"""Opaque page tokens (keyset cursors) and page-size rules shared by every list RPC."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from services.common.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def page_size(
    requested: int, *, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE
) -> int:
    """0 means the default; above the maximum is coerced down; negative is an error."""
    if requested < 0:
        raise InvalidArgument.field("page_size", "must not be negative")
    if requested == 0:
        return default
    return min(requested, maximum)


def encode_token(kind: str, key: list[Any]) -> str:
    """Encodes the last row's sort key; `kind` keeps tokens from crossing listings."""
    raw = json.dumps([kind, key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(kind: str, token: str) -> list[Any] | None:
    """Returns the key after which the next page starts, or None for the first page."""
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidArgument.field("page_token", "is not a token this API issued") from None
    if (
        not isinstance(decoded, list)
        or len(decoded) != 2
        or decoded[0] != kind
        or not isinstance(decoded[1], list)
    ):
        raise InvalidArgument.field("page_token", "belongs to a different listing") from None
    return decoded[1]


def encode_time_key(kind: str, at: datetime, key: str) -> str:
    """A token for listings ordered by (timestamp, id), newest first."""
    return encode_token(kind, [at.astimezone(UTC).isoformat(), key])


def decode_time_key(kind: str, token: str) -> tuple[datetime, str] | None:
    after = decode_token(kind, token)
    if after is None:
        return None
    try:
        return datetime.fromisoformat(str(after[0])), str(after[1])
    except (ValueError, IndexError, TypeError):
        raise InvalidArgument.field("page_token", "is not a token this API issued") from None
