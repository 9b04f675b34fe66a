"""HMAC signatures of the raw body in a header (GitHub, Gitea, Nexus, generic senders)."""

from __future__ import annotations

import hmac

from gateway.auth.compare import to_bytes
from gateway.auth.result import AuthReason, AuthResult

ALGORITHMS = frozenset({"sha1", "sha256", "sha512"})


def sign(secret: str, body: bytes, algorithm: str = "sha256") -> str:
    """Lowercase hex HMAC of `body` (what a sender puts in its signature header);
    `algorithm` is one of ALGORITHMS."""
    return hmac.new(to_bytes(secret), body, algorithm).hexdigest()


def verify_signature(
    secret: str, body: bytes, header_value: str | None, algorithm: str = "sha256"
) -> AuthResult:
    """Check `header_value` against the HMAC of the raw body, before any parsing.

    Accepts bare hex (Gitea `X-Gitea-Signature`, Nexus `X-Nexus-Webhook-Signature`) or
    `<algorithm>=<hex>` (GitHub `X-Hub-Signature-256: sha256=...`); a prefix naming
    another algorithm is refused. Hex case is ignored. Constant-time comparison.
    """
    if not secret:
        return AuthResult.deny(AuthReason.NOT_CONFIGURED)
    algorithm = algorithm.lower()
    if algorithm not in ALGORITHMS:
        return AuthResult.deny(AuthReason.UNSUPPORTED_ALGORITHM)
    if header_value is None or not header_value.strip():
        return AuthResult.deny(AuthReason.MISSING_CREDENTIALS)
    presented = header_value.strip()
    prefix, separator, rest = presented.partition("=")
    if separator:
        if prefix.strip().lower() != algorithm:
            return AuthResult.deny(AuthReason.BAD_SIGNATURE)
        presented = rest.strip()
    expected = sign(secret, body, algorithm).encode("ascii")
    if hmac.compare_digest(expected, to_bytes(presented.lower())):
        return AuthResult.accept()
    return AuthResult.deny(AuthReason.BAD_SIGNATURE)
