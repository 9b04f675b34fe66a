"""Webhook authentication settings of a registry, and the default mode of each type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class AuthMode(StrEnum):
    """Values match the WebhookAuthMode enum names without prefix, lowercased."""

    NONE = "none"
    HMAC = "hmac"
    STATIC_HEADER = "static_header"
    BASIC = "basic"
    URL_TOKEN = "url_token"
    SNS_SIGNATURE = "sns_signature"
    OIDC = "oidc"


@dataclass(frozen=True, slots=True)
class WebhookAuthSettings:
    """How one registry's deliveries are authenticated (converted from WebhookSettings).

    `secret` is the HMAC key, the static header value, `user:password` or the URL token
    (and, for SNS, an optional extra URL token); it is kept out of repr. `sns_topic_arn`
    has no WebhookSettings field yet: SNS needs it or a URL token (see authenticate).
    """

    mode: AuthMode
    header_name: str = ""
    secret: str = field(default="", repr=False)
    hmac_algorithm: str = "sha256"
    oidc_audience: str = ""
    oidc_email: str = ""
    sns_topic_arn: str = ""


@dataclass(frozen=True, slots=True)
class TypeAuthDefaults:
    """A registry type's default mode, and the header and HMAC algorithm it uses."""

    mode: AuthMode
    header_name: str = ""
    hmac_algorithm: str = "sha256"


DEFAULT_AUTH: Mapping[str, TypeAuthDefaults] = MappingProxyType(
    {
        "distribution": TypeAuthDefaults(AuthMode.STATIC_HEADER, "Authorization"),
        "docker_hub": TypeAuthDefaults(AuthMode.URL_TOKEN),
        "harbor": TypeAuthDefaults(AuthMode.STATIC_HEADER, "Authorization"),
        "quay": TypeAuthDefaults(AuthMode.URL_TOKEN),
        "acr": TypeAuthDefaults(AuthMode.STATIC_HEADER, "Authorization"),
        # EventBridge API destination (Basic / API key / OAuth connection); an SNS
        # subscription needs the sns_signature mode set explicitly.
        "ecr": TypeAuthDefaults(AuthMode.STATIC_HEADER, "Authorization"),
        "gar": TypeAuthDefaults(AuthMode.OIDC, "Authorization"),
        "artifactory": TypeAuthDefaults(AuthMode.STATIC_HEADER, "X-JFrog-Event-Auth"),
        "github": TypeAuthDefaults(AuthMode.HMAC, "X-Hub-Signature-256", "sha256"),
        "gitlab": TypeAuthDefaults(AuthMode.STATIC_HEADER, "Authorization"),
        "nexus": TypeAuthDefaults(AuthMode.HMAC, "X-Nexus-Webhook-Signature", "sha1"),
        "gitea": TypeAuthDefaults(AuthMode.HMAC, "X-Gitea-Signature", "sha256"),
        "aliyun": TypeAuthDefaults(AuthMode.URL_TOKEN),
    }
)

_MODE_HEADERS: Mapping[AuthMode, str] = MappingProxyType(
    {
        AuthMode.HMAC: "X-Hub-Signature-256",
        AuthMode.STATIC_HEADER: "Authorization",
        AuthMode.BASIC: "Authorization",
        AuthMode.OIDC: "Authorization",
    }
)


def resolve_auth_settings(
    registry_type: str,
    *,
    mode: AuthMode | None = None,
    header_name: str = "",
    secret: str = "",
    hmac_algorithm: str = "",
    oidc_audience: str = "",
    oidc_email: str = "",
    sns_topic_arn: str = "",
) -> WebhookAuthSettings:
    """Fill what the registry left unset: `mode` None (UNSPECIFIED) takes the type's
    default; an empty header or algorithm takes the type's when the mode is the type's
    default mode, else the mode's generic one. ValueError for an unknown type."""
    defaults = DEFAULT_AUTH.get(registry_type)
    if defaults is None:
        raise ValueError(f"unknown registry type {registry_type!r}")
    chosen = mode or defaults.mode
    same_mode = chosen is defaults.mode
    if not header_name:
        header_name = (defaults.header_name if same_mode else "") or _MODE_HEADERS.get(chosen, "")
    if not hmac_algorithm:
        hmac_algorithm = defaults.hmac_algorithm if same_mode else "sha256"
    return WebhookAuthSettings(
        mode=chosen,
        header_name=header_name,
        secret=secret,
        hmac_algorithm=hmac_algorithm.lower(),
        oidc_audience=oidc_audience,
        oidc_email=oidc_email,
        sns_topic_arn=sns_topic_arn,
    )
