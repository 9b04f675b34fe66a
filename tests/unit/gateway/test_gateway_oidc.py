"""Pub/Sub push OIDC tokens, signed with a test RSA key published in a test JWKS.

The claims are Google's documented example (gar/push_auth_jwt_claims_docs.json), so the
token has the exact shape Pub/Sub sends; `now` is set relative to its iat/exp.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from gateway.auth import AuthReason, authenticate, resolve_auth_settings
from gateway.auth.oidc import GOOGLE_JWKS_URL, bearer_token, parse_jwks, verify_token
from tests.unit.gateway.signing_keys import JWKS, OIDC_CLAIMS, OIDC_KID, OIDC_OTHER_KEY, oidc_token
from tests.unit.gateway.webhook_samples import sample

CLAIMS = OIDC_CLAIMS
AUDIENCE = CLAIMS["aud"]  # https://example.com
EMAIL = CLAIMS["email"]
WHILE_VALID = datetime.fromtimestamp(CLAIMS["iat"] + 60, UTC)
token = oidc_token


def check(value: str, *, now: datetime = WHILE_VALID, email: str = EMAIL) -> AuthReason:
    return verify_token(value, JWKS, audience=AUDIENCE, email=email, now=now).reason


def test_documented_claims_verify() -> None:
    assert check(token()) is AuthReason.OK
    assert check(token(iss="accounts.google.com")) is AuthReason.OK
    assert verify_token(token(), parse_jwks(JWKS), audience=AUDIENCE, now=WHILE_VALID).ok


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"aud": "https://other.example"}, AuthReason.WRONG_AUDIENCE),
        ({"iss": "https://evil.example"}, AuthReason.WRONG_ISSUER),
        ({"iss": None}, AuthReason.MALFORMED_TOKEN),
        ({"exp": None}, AuthReason.MALFORMED_TOKEN),
        ({"email": "someone@else.example"}, AuthReason.WRONG_EMAIL),
        ({"email_verified": False}, AuthReason.EMAIL_UNVERIFIED),
        ({"email_verified": "true"}, AuthReason.EMAIL_UNVERIFIED),
    ],
)
def test_claim_checks(changes: dict[str, Any], reason: AuthReason) -> None:
    assert check(token(**changes)) is reason


def test_expiry_and_issue_time() -> None:
    expires = datetime.fromtimestamp(CLAIMS["exp"], UTC)
    assert check(token(), now=expires + timedelta(seconds=59)) is AuthReason.OK  # leeway
    assert check(token(), now=expires + timedelta(seconds=61)) is AuthReason.TOKEN_EXPIRED
    assert check(token()) is AuthReason.OK
    issued = datetime.fromtimestamp(CLAIMS["iat"], UTC)
    assert check(token(), now=issued - timedelta(minutes=5)) is AuthReason.TOKEN_NOT_YET_VALID
    # Without `now`, the real clock: the documented token expired in 2019.
    assert verify_token(token(), JWKS, audience=AUDIENCE).reason is AuthReason.TOKEN_EXPIRED


def test_keys_and_signatures() -> None:
    assert check(token(key=OIDC_OTHER_KEY)) is AuthReason.BAD_SIGNATURE  # kid names KEY
    assert check(token(kid="rotated-away")) is AuthReason.UNKNOWN_KEY
    assert check(token(kid=None)) is AuthReason.UNKNOWN_KEY
    good = token()
    header, payload, signature = good.split(".")
    assert check(f"{header}.{payload}.{signature[:-4]}AAAA") is AuthReason.BAD_SIGNATURE
    assert check("not.a.token") is AuthReason.MALFORMED_TOKEN
    assert check("") is AuthReason.MALFORMED_TOKEN


def test_algorithm_confusion_is_refused() -> None:
    unsigned = jwt.encode(CLAIMS, "", algorithm="none", headers={"kid": OIDC_KID})
    assert check(unsigned) is AuthReason.UNSUPPORTED_ALGORITHM
    hs256 = jwt.encode(
        CLAIMS, "a-shared-secret-of-thirty-two-bytes!", algorithm="HS256", headers={"kid": OIDC_KID}
    )
    assert check(hs256) is AuthReason.UNSUPPORTED_ALGORITHM


def test_unusable_jwks() -> None:
    for jwks in (
        {},
        {"keys": "x"},
        {"keys": [1]},
        {"keys": [{"kty": "RSA", "n": "!", "e": "AQAB"}]},
    ):
        assert verify_token(token(), jwks, audience=AUDIENCE, now=WHILE_VALID).reason is (
            AuthReason.BAD_KEYS
        )


def test_bearer_parsing() -> None:
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer   abc ") == "abc"
    assert bearer_token("Basic abc") is None
    assert bearer_token("Bearer") is None
    assert bearer_token(None) is None


def test_authenticate_entry_point() -> None:
    settings = resolve_auth_settings("gar", oidc_audience=AUDIENCE, oidc_email=EMAIL)
    headers = {"authorization": f"Bearer {token()}"}
    body = sample("gar/pubsub_push_insert.json")
    assert authenticate(settings, headers, body, {}, JWKS, now=WHILE_VALID).ok
    assert authenticate(settings, headers, body, {}, None, now=WHILE_VALID).reason is (
        AuthReason.KEYS_REQUIRED
    )
    assert authenticate(settings, {}, body, {}, JWKS).reason is AuthReason.MISSING_CREDENTIALS
    no_audience = resolve_auth_settings("gar")
    assert authenticate(no_audience, headers, body, {}, JWKS).reason is AuthReason.NOT_CONFIGURED
    assert GOOGLE_JWKS_URL == "https://www.googleapis.com/oauth2/v3/certs"
