"""Pure webhook authentication: HMAC, static header, Basic, URL token, SNS and OIDC.

The app resolves a registry's settings with `resolve_auth_settings`, fetches whatever
`key_material_url` names (SNS certificate, Google JWKS), then calls `authenticate`.
"""

from gateway.auth.authenticate import KeyMaterial, authenticate, key_material_url
from gateway.auth.result import AuthReason, AuthResult
from gateway.auth.settings import (
    DEFAULT_AUTH,
    AuthMode,
    TypeAuthDefaults,
    WebhookAuthSettings,
    resolve_auth_settings,
)

__all__ = [
    "DEFAULT_AUTH",
    "AuthMode",
    "AuthReason",
    "AuthResult",
    "KeyMaterial",
    "TypeAuthDefaults",
    "WebhookAuthSettings",
    "authenticate",
    "key_material_url",
    "resolve_auth_settings",
]
