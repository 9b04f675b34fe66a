"""The one authentication entry point the app calls for every delivery."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import jwt
from cryptography import x509

from gateway.auth import oidc, sns
from gateway.auth.basic import verify_basic
from gateway.auth.hmac import verify_signature
from gateway.auth.result import AuthReason, AuthResult
from gateway.auth.settings import AuthMode, WebhookAuthSettings
from gateway.auth.static_header import verify_static_header
from gateway.auth.url_token import verify_url_token
from gateway.events import ParseError
from gateway.http_headers import get_header
from gateway.parsers.jsonfields import load_json

# SNS: the signing certificate (PEM bytes or loaded); OIDC: Google's JWKS (JSON or parsed).
KeyMaterial = bytes | x509.Certificate | Mapping[str, Any] | jwt.PyJWKSet


def _sns_message(body: bytes) -> Mapping[str, Any] | None:
    try:
        message = load_json(body)
    except ParseError:
        return None
    return message if isinstance(message, dict) else None


def key_material_url(
    settings: WebhookAuthSettings, headers: Mapping[str, str], body: bytes
) -> str | None:
    """The URL whose content authenticate() needs as `key_material`, or None.

    SNS: the message's SigningCertURL, only once it is an AWS SNS host `.pem` and the topic
    is the configured one (so junk never makes the app fetch anything). OIDC: Google's
    JWKS URL. Other modes need nothing.
    """
    del headers
    if settings.mode is AuthMode.OIDC:
        return oidc.GOOGLE_JWKS_URL
    if settings.mode is not AuthMode.SNS_SIGNATURE:
        return None
    message = _sns_message(body)
    if message is None:
        return None
    if settings.sns_topic_arn and message.get("TopicArn") != settings.sns_topic_arn:
        return None
    try:
        return sns.required_certificate_url(message)
    except sns.SnsVerificationError:
        return None


def _authenticate_sns(
    settings: WebhookAuthSettings,
    body: bytes,
    query: Mapping[str, str],
    key_material: KeyMaterial | None,
) -> AuthResult:
    # Any AWS account can sign SNS messages for its own topics: the topic (or a URL token
    # only we know) is what binds a delivery to this registry.
    if not settings.sns_topic_arn and not settings.secret:
        return AuthResult.deny(AuthReason.NOT_CONFIGURED)
    if settings.secret:
        token = verify_url_token(settings.secret, query)
        if not token.ok:
            return token
    message = _sns_message(body)
    if message is None:
        return AuthResult.deny(AuthReason.MALFORMED_MESSAGE)
    if settings.sns_topic_arn and message.get("TopicArn") != settings.sns_topic_arn:
        return AuthResult.deny(AuthReason.WRONG_TOPIC)
    try:
        sns.required_certificate_url(message)
        sns.signature_hash(message)
        if not isinstance(key_material, bytes | x509.Certificate):
            return AuthResult.deny(AuthReason.CERTIFICATE_REQUIRED)
        sns.verify(message, key_material)
    except sns.SnsVerificationError as exc:
        return AuthResult.deny(AuthReason(exc.reason))
    return AuthResult.accept()


def _authenticate_oidc(
    settings: WebhookAuthSettings,
    headers: Mapping[str, str],
    key_material: KeyMaterial | None,
    now: datetime | None,
) -> AuthResult:
    if not settings.oidc_audience:
        return AuthResult.deny(AuthReason.NOT_CONFIGURED)
    token = oidc.bearer_token(get_header(headers, settings.header_name or "Authorization"))
    if token is None:
        return AuthResult.deny(AuthReason.MISSING_CREDENTIALS)
    if not isinstance(key_material, Mapping | jwt.PyJWKSet):
        return AuthResult.deny(AuthReason.KEYS_REQUIRED)
    return oidc.verify_token(
        token,
        key_material,
        audience=settings.oidc_audience,
        email=settings.oidc_email,
        now=now,
    )


def authenticate(
    settings: WebhookAuthSettings,
    headers: Mapping[str, str],
    body: bytes,
    query: Mapping[str, str],
    key_material: KeyMaterial | None = None,
    *,
    now: datetime | None = None,
) -> AuthResult:
    """Decide whether a delivery comes from the configured sender; never raises.

    `headers` may be any mapping (looked up case-insensitively), `body` the raw bytes
    (HMAC is computed over them, before parsing), `query` the URL query parameters.
    `key_material` is what key_material_url() points at (SNS and OIDC only). Without it,
    those modes run every cheap check first and then answer CERTIFICATE_REQUIRED or
    KEYS_REQUIRED: the app fetches (or takes from its cache) the key material and calls
    again, so junk never costs a fetch. Reasons are fixed labels; no secret or presented
    credential ever appears in the result.
    """
    mode = settings.mode
    if mode is AuthMode.NONE:
        return AuthResult.accept(AuthReason.AUTH_DISABLED)
    if mode is AuthMode.HMAC:
        header = get_header(headers, settings.header_name) if settings.header_name else None
        return verify_signature(settings.secret, body, header, settings.hmac_algorithm)
    if mode is AuthMode.STATIC_HEADER:
        if not settings.header_name:
            return AuthResult.deny(AuthReason.NOT_CONFIGURED)
        return verify_static_header(settings.secret, get_header(headers, settings.header_name))
    if mode is AuthMode.BASIC:
        header_name = settings.header_name or "Authorization"
        return verify_basic(settings.secret, get_header(headers, header_name))
    if mode is AuthMode.URL_TOKEN:
        return verify_url_token(settings.secret, query)
    if mode is AuthMode.SNS_SIGNATURE:
        return _authenticate_sns(settings, body, query, key_material)
    if mode is AuthMode.OIDC:
        return _authenticate_oidc(settings, headers, key_material, now)
    return AuthResult.deny(AuthReason.NOT_CONFIGURED)
