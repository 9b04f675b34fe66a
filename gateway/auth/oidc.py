"""Google Pub/Sub push OIDC tokens: RS256 signature, issuer, audience, expiry, e-mail.

Pure: the app fetches Google's JWKS from GOOGLE_JWKS_URL (cache it, refetch when a token
names an unknown key id) and passes the JSON, or the result of `parse_jwks`, in here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import jwt

from gateway.auth.result import AuthReason, AuthResult

GOOGLE_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs"
GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")
ALGORITHM = "RS256"
# Clock skew tolerated between Google and the gateway.
LEEWAY_SECONDS = 60


class OidcKeysError(Exception):
    """The JWKS document has no usable key."""


def parse_jwks(jwks: Mapping[str, Any]) -> jwt.PyJWKSet:
    """Parse a JWKS document once (the app caches the result); OidcKeysError if unusable."""
    keys = jwks.get("keys")
    if not isinstance(keys, list) or not all(isinstance(key, dict) for key in keys):
        raise OidcKeysError("jwks without a list of keys")
    try:
        return jwt.PyJWKSet.from_dict({"keys": keys})
    except (jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
        raise OidcKeysError(type(exc).__name__) from None


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` value, else None."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _find_key(keys: jwt.PyJWKSet, token: str) -> jwt.PyJWK | AuthReason:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return AuthReason.MALFORMED_TOKEN
    if header.get("alg") != ALGORITHM:
        return AuthReason.UNSUPPORTED_ALGORITHM
    key_id = header.get("kid")
    for key in keys.keys:
        if key.key_id == key_id and key_id is not None:
            return key
    return AuthReason.UNKNOWN_KEY


def _time_claim(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def verify_token(
    token: str,
    jwks: Mapping[str, Any] | jwt.PyJWKSet,
    *,
    audience: str,
    email: str = "",
    now: datetime | None = None,
) -> AuthResult:
    """Verify a push token: RS256 by a key of `jwks`, `iss` Google, `aud` == `audience`,
    `exp`/`iat` against `now` (default: the current time) with LEEWAY_SECONDS, and when
    `email` is given, `email` == it with `email_verified` true."""
    if not audience:
        return AuthResult.deny(AuthReason.NOT_CONFIGURED)
    if isinstance(jwks, jwt.PyJWKSet):
        keys = jwks
    else:
        try:
            keys = parse_jwks(jwks)
        except OidcKeysError:
            return AuthResult.deny(AuthReason.BAD_KEYS)
    key = _find_key(keys, token)
    if isinstance(key, AuthReason):
        return AuthResult.deny(key)
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=GOOGLE_ISSUERS,
            # Times are checked below against `now`, so tests and the app share one clock.
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "require": ["exp", "iat", "iss", "aud"],
            },
        )
    except jwt.InvalidAudienceError:
        return AuthResult.deny(AuthReason.WRONG_AUDIENCE)
    except jwt.InvalidIssuerError:
        return AuthResult.deny(AuthReason.WRONG_ISSUER)
    except jwt.InvalidSignatureError:
        return AuthResult.deny(AuthReason.BAD_SIGNATURE)
    except jwt.PyJWTError:
        return AuthResult.deny(AuthReason.MALFORMED_TOKEN)
    current = (now or datetime.now(UTC)).timestamp()
    expires = _time_claim(claims, "exp")
    issued = _time_claim(claims, "iat")
    if expires is None or issued is None:
        return AuthResult.deny(AuthReason.MALFORMED_TOKEN)
    if current > expires + LEEWAY_SECONDS:
        return AuthResult.deny(AuthReason.TOKEN_EXPIRED)
    if issued > current + LEEWAY_SECONDS:
        return AuthResult.deny(AuthReason.TOKEN_NOT_YET_VALID)
    if email:
        if claims.get("email") != email:
            return AuthResult.deny(AuthReason.WRONG_EMAIL)
        if claims.get("email_verified") is not True:
            return AuthResult.deny(AuthReason.EMAIL_UNVERIFIED)
    return AuthResult.accept()
