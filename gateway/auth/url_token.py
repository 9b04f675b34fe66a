"""A secret token in the webhook URL query (`?token=`), for senders that cannot set headers."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.auth.compare import secrets_equal, to_bytes
from gateway.auth.result import AuthReason, AuthResult

TOKEN_PARAMETER = "token"


def verify_url_token(expected: str, query: Mapping[str, str]) -> AuthResult:
    """The `token` query parameter must equal the configured token (constant time)."""
    if not expected:
        return AuthResult.deny(AuthReason.NOT_CONFIGURED)
    presented = query.get(TOKEN_PARAMETER)
    if not presented:
        return AuthResult.deny(AuthReason.MISSING_CREDENTIALS)
    if secrets_equal(to_bytes(presented), to_bytes(expected)):
        return AuthResult.accept()
    return AuthResult.deny(AuthReason.BAD_CREDENTIALS)
