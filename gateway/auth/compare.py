"""Constant-time comparison of secrets that leaks neither content nor length."""

from __future__ import annotations

import hashlib
import hmac


def to_bytes(text: str) -> bytes:
    """UTF-8 bytes of any str, lone surrogates included (header values can carry them)."""
    return text.encode("utf-8", "surrogatepass")


def secrets_equal(presented: bytes, expected: bytes) -> bool:
    """Equal in constant time; hashing first makes the comparison length-independent."""
    return hmac.compare_digest(
        hashlib.sha256(presented).digest(), hashlib.sha256(expected).digest()
    )
