"""A configured header value (e.g. `Authorization: Bearer <token>`) compared in constant time."""

from __future__ import annotations

from gateway.auth.compare import secrets_equal, to_bytes
from gateway.auth.result import AuthReason, AuthResult


def verify_static_header(expected: str, header_value: str | None) -> AuthResult:
    """The header must equal the configured value exactly (scheme included, e.g.
    `Bearer abc` for Distribution or Harbor, the bare token for GitLab)."""
    if not expected:
        return AuthResult.deny(AuthReason.NOT_CONFIGURED)
    if header_value is None or not header_value:
        return AuthResult.deny(AuthReason.MISSING_CREDENTIALS)
    if secrets_equal(to_bytes(header_value.strip()), to_bytes(expected.strip())):
        return AuthResult.accept()
    return AuthResult.deny(AuthReason.BAD_CREDENTIALS)
