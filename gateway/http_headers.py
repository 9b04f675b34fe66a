"""Case-insensitive header lookup over any mapping (aiohttp's CIMultiDict or a plain dict)."""

from __future__ import annotations

from collections.abc import Mapping


def get_header(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header `name` regardless of case, or None."""
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    for key, candidate in headers.items():
        if key.lower() == wanted:
            return candidate
    return None


def media_type(headers: Mapping[str, str]) -> str | None:
    """The Content-Type without parameters, lowercased; None when absent or empty."""
    value = get_header(headers, "Content-Type")
    if value is None:
        return None
    essence = value.split(";", 1)[0].strip().lower()
    return essence or None
