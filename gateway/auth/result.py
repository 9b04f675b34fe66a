"""The outcome of authenticating one webhook delivery, with a fixed set of reasons."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AuthReason(StrEnum):
    """Why a delivery was accepted or refused; safe as a metric label, never a secret."""

    OK = "ok"
    AUTH_DISABLED = "auth_disabled"
    NOT_CONFIGURED = "not_configured"
    MISSING_CREDENTIALS = "missing_credentials"
    BAD_CREDENTIALS = "bad_credentials"
    BAD_SIGNATURE = "bad_signature"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    MALFORMED_MESSAGE = "malformed_message"
    UNSUPPORTED_MESSAGE_TYPE = "unsupported_message_type"
    UNSUPPORTED_SIGNATURE_VERSION = "unsupported_signature_version"
    BAD_CERTIFICATE_URL = "bad_certificate_url"
    CERTIFICATE_REQUIRED = "certificate_required"
    BAD_CERTIFICATE = "bad_certificate"
    WRONG_TOPIC = "wrong_topic"
    KEYS_REQUIRED = "keys_required"
    BAD_KEYS = "bad_keys"
    UNKNOWN_KEY = "unknown_key"
    MALFORMED_TOKEN = "malformed_token"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_NOT_YET_VALID = "token_not_yet_valid"
    WRONG_ISSUER = "wrong_issuer"
    WRONG_AUDIENCE = "wrong_audience"
    WRONG_EMAIL = "wrong_email"
    EMAIL_UNVERIFIED = "email_unverified"


@dataclass(frozen=True, slots=True)
class AuthResult:
    """`ok` decides 2xx-or-401; `reason` is for the log and the rejection metric."""

    ok: bool
    reason: AuthReason

    @classmethod
    def accept(cls, reason: AuthReason = AuthReason.OK) -> AuthResult:
        return cls(ok=True, reason=reason)

    @classmethod
    def deny(cls, reason: AuthReason) -> AuthResult:
        return cls(ok=False, reason=reason)
