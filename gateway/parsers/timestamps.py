"""Event times from RFC 3339 strings and Unix seconds; unusable values become None."""

from __future__ import annotations

import math
from datetime import UTC, datetime

_MAX_TIMESTAMP_LENGTH = 64


def parse_rfc3339(value: str | None) -> datetime | None:
    """An aware UTC datetime, or None when absent, unparseable, without a zone, or Go's
    zero time `0001-01-01T00:00:00Z` (which Gitea and GitHub send for "unset").

    Nanosecond fractions (Go's RFC3339Nano) are truncated to microseconds by
    `datetime.fromisoformat`; `+0000` offsets (Nexus) are accepted.
    """
    if not value or len(value) > _MAX_TIMESTAMP_LENGTH:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None
    try:
        converted = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return None if converted.year <= 1 else converted


def from_unix_seconds(value: int | float | None) -> datetime | None:
    """An aware UTC datetime from Unix seconds, or None when absent or out of range."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None
