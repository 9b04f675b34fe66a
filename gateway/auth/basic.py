"""HTTP Basic credentials (`Authorization: Basic base64(user:password)`)."""

from __future__ import annotations

import base64
import binascii

from gateway.auth.compare import secrets_equal, to_bytes
from gateway.auth.result import AuthReason, AuthResult


def verify_basic(expected_user_password: str, authorization: str | None) -> AuthResult:
    """Compare the decoded `user:password` with the configured one in constant time."""
    if not expected_user_password or ":" not in expected_user_password:
        return AuthResult.deny(AuthReason.NOT_CONFIGURED)
    if authorization is None or not authorization.strip():
        return AuthResult.deny(AuthReason.MISSING_CREDENTIALS)
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return AuthResult.deny(AuthReason.BAD_CREDENTIALS)
    try:
        presented = base64.b64decode(to_bytes(encoded.strip()), validate=True)
    except (binascii.Error, ValueError):
        return AuthResult.deny(AuthReason.BAD_CREDENTIALS)
    if secrets_equal(presented, to_bytes(expected_user_password)):
        return AuthResult.accept()
    return AuthResult.deny(AuthReason.BAD_CREDENTIALS)
