"""Test key material: an SNS-like signing certificate issued by a test CA, and an RSA key
published in a JWKS for Pub/Sub-like OIDC tokens. Generated fresh for each test run."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import RSAAlgorithm

from gateway.auth.sns import string_to_sign
from tests.unit.gateway.webhook_samples import sample

SNS_CERT_URL = (
    "https://sns.us-west-2.amazonaws.com/"
    "SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem"
)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def issue_certificate(
    subject_key: Any, subject: str, issuer_key: Any, issuer: str, *, ca: bool
) -> x509.Certificate:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def _rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


SNS_CA_KEY = _rsa()
SNS_CA = issue_certificate(SNS_CA_KEY, "Test SNS CA", SNS_CA_KEY, "Test SNS CA", ca=True)
SNS_KEY = _rsa()
SNS_CERT = issue_certificate(SNS_KEY, "sns.amazonaws.com", SNS_CA_KEY, "Test SNS CA", ca=False)
SNS_PEM = SNS_CERT.public_bytes(serialization.Encoding.PEM)
_STRANGER_KEY = _rsa()
STRANGER_PEM = issue_certificate(
    _STRANGER_KEY, "sns.amazonaws.com", _STRANGER_KEY, "Stranger", ca=False
).public_bytes(serialization.Encoding.PEM)


def sign_sns(message: dict[str, Any], version: str = "2", key: Any = SNS_KEY) -> dict[str, Any]:
    """The message as SNS would send it, signed with `key` (version 1: SHA1, 2: SHA256)."""
    message = dict(message, SignatureVersion=version, SigningCertURL=SNS_CERT_URL)
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
    signature = key.sign(string_to_sign(message), padding.PKCS1v15(), algorithm)
    message["Signature"] = base64.b64encode(signature).decode()
    return message


OIDC_CLAIMS: dict[str, Any] = json.loads(sample("gar/push_auth_jwt_claims_docs.json"))
OIDC_KEY = _rsa()
OIDC_OTHER_KEY = _rsa()
OIDC_KID = "test-key-1"
JWKS: dict[str, Any] = {
    "keys": [
        dict(
            RSAAlgorithm.to_jwk(OIDC_KEY.public_key(), as_dict=True),
            kid=OIDC_KID, alg="RS256", use="sig",
        ),
        dict(RSAAlgorithm.to_jwk(OIDC_OTHER_KEY.public_key(), as_dict=True), kid="k2", alg="RS256"),
    ]
}  # fmt: skip


def oidc_token(
    key: Any = OIDC_KEY, kid: str | None = OIDC_KID, algorithm: str = "RS256", **changes: Any
) -> str:
    """Google's documented push-token claims with `changes` (None removes a claim)."""
    claims = {k: v for k, v in {**OIDC_CLAIMS, **changes}.items() if v is not None}
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(claims, key, algorithm=algorithm, headers=headers)
