"""AWS SNS message signatures (versions 1 and 2) and the AWS-host check of SNS URLs.

Pure: the app fetches the signing certificate from `required_certificate_url(message)`
(over HTTPS, cached by URL) and passes its PEM bytes to `verify`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# The whole authority must be the SNS endpoint of a region: no user info, no other port.
_SNS_NETLOC_RE = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?(?::443)?")
_URL_SAFE_RE = re.compile(r"[\x21-\x7e]+")

NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_FIELDS = (
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
)
_OPTIONAL_FIELDS = frozenset({"Subject"})
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}


class SnsVerificationError(Exception):
    """The SNS message does not verify; `reason` is a fixed label."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_sns_url(url: str) -> bool:
    """True for an `https://sns.<region>.amazonaws.com[.cn]/...` URL and nothing else."""
    if _URL_SAFE_RE.fullmatch(url) is None or "\\" in url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "https" and _SNS_NETLOC_RE.fullmatch(parts.netloc) is not None


def is_subscribe_url(url: str) -> bool:
    """True for an SNS `ConfirmSubscription` URL on an AWS SNS host."""
    if not is_sns_url(url):
        return False
    query = parse_qs(urlsplit(url).query)
    return query.get("Action") == ["ConfirmSubscription"]


def required_certificate_url(message: Mapping[str, Any]) -> str:
    """The `SigningCertURL` the app must fetch, once checked to be an SNS host `.pem`."""
    url = message.get("SigningCertURL")
    if not isinstance(url, str) or not is_sns_url(url) or not urlsplit(url).path.endswith(".pem"):
        raise SnsVerificationError("bad_certificate_url")
    return url


def signature_hash(message: Mapping[str, Any]) -> hashes.HashAlgorithm:
    """SHA1 for `SignatureVersion` "1", SHA256 for "2"; anything else is refused."""
    version = message.get("SignatureVersion")
    algorithm = _HASHES.get(version) if isinstance(version, str) else None
    if algorithm is None:
        raise SnsVerificationError("unsupported_signature_version")
    return algorithm()


def string_to_sign(message: Mapping[str, Any]) -> bytes:
    """The canonical text SNS signs: each field name and value followed by a newline, in
    the fixed order of the message type; `Subject` only when present."""
    message_type = message.get("Type")
    if message_type == "Notification":
        names: tuple[str, ...] = NOTIFICATION_FIELDS
    elif message_type in ("SubscriptionConfirmation", "UnsubscribeConfirmation"):
        names = CONFIRMATION_FIELDS
    else:
        raise SnsVerificationError("unsupported_message_type")
    parts: list[str] = []
    for name in names:
        value = message.get(name)
        if value is None and name in _OPTIONAL_FIELDS:
            continue
        if not isinstance(value, str):
            raise SnsVerificationError("malformed_message")
        parts.append(f"{name}\n{value}\n")
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError:
        raise SnsVerificationError("malformed_message") from None


def load_certificate(cert_pem: bytes) -> x509.Certificate:
    """Parse the PEM fetched from a SigningCertURL (the app may cache the result)."""
    try:
        return x509.load_pem_x509_certificate(cert_pem)
    except (ValueError, TypeError):
        raise SnsVerificationError("bad_certificate") from None


def verify(message: Mapping[str, Any], certificate: bytes | x509.Certificate) -> None:
    """Check the message signature with the certificate fetched from its SigningCertURL
    (PEM bytes or a loaded certificate).

    Raises SnsVerificationError; returns None when the signature is valid. The certificate
    itself is trusted because it came over HTTPS from an AWS SNS host (the URL check);
    its chain and validity dates are not examined, as in AWS's own validators.
    """
    required_certificate_url(message)
    algorithm = signature_hash(message)
    encoded = message.get("Signature")
    if not isinstance(encoded, str):
        raise SnsVerificationError("malformed_message")
    try:
        signature = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SnsVerificationError("bad_signature") from None
    signed = string_to_sign(message)
    if not isinstance(certificate, x509.Certificate):
        certificate = load_certificate(certificate)
    try:
        public_key = certificate.public_key()
    except (ValueError, TypeError):
        raise SnsVerificationError("bad_certificate") from None
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise SnsVerificationError("bad_certificate")
    try:
        public_key.verify(signature, signed, padding.PKCS1v15(), algorithm)
    except InvalidSignature:
        raise SnsVerificationError("bad_signature") from None
