"""SNS message signatures: canonical strings, certificate URLs, signing with a test CA.

The fixture set holds no genuinely AWS-signed message (the AWS docs' signatures are
`EXAMPLE...` placeholders), so the real sample messages are re-signed here with a test
certificate issued by a test CA, exactly as SNS signs with its own certificate.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from gateway.auth import AuthMode, AuthReason, authenticate, key_material_url, resolve_auth_settings
from gateway.auth.sns import (
    SnsVerificationError,
    is_sns_url,
    required_certificate_url,
    string_to_sign,
    verify,
)
from gateway.events import ConfirmSubscription
from gateway.parsers import ecr
from tests.unit.gateway.signing_keys import (
    SNS_CA,
    SNS_CERT,
    SNS_CERT_URL,
    SNS_PEM,
    STRANGER_PEM,
    issue_certificate,
)
from tests.unit.gateway.signing_keys import sign_sns as signed
from tests.unit.gateway.webhook_samples import sample

TOPIC = "arn:aws:sns:us-west-2:123456789012:ecr-image-events"
CERT_URL = SNS_CERT_URL


def body_of(message: dict[str, Any]) -> bytes:
    return json.dumps(message, indent=2).encode()


def test_chain_of_the_test_certificate() -> None:
    SNS_CERT.verify_directly_issued_by(SNS_CA)


class TestStringToSign:
    def test_notification_from_the_docs_example(self) -> None:
        message = json.loads(sample("ecr/sns_notification_docs_example.json"))
        assert string_to_sign(message) == (
            b"Message\nHello world!\n"
            b"MessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n"
            b"Subject\nMy First Message\n"
            b"Timestamp\n2012-05-02T00:54:06.655Z\n"
            b"TopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\n"
            b"Type\nNotification\n"
        )

    def test_subscription_confirmation_from_the_docs_example(self) -> None:
        message = json.loads(sample("ecr/sns_subscription_confirmation.json"))
        token = (
            "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3be"
            "b71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82e"
            "fd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736"
        )
        expected = (
            "Message\nYou have chosen to subscribe to the topic "
            "arn:aws:sns:us-west-2:123456789012:MyTopic.\n"
            "To confirm the subscription, visit the SubscribeURL included in this message.\n"
            "MessageId\n165545c9-2a5c-472c-8df2-7ff2be2b3b1b\n"
            "SubscribeURL\nhttps://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription"
            f"&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token={token}\n"
            "Timestamp\n2012-04-26T20:45:04.751Z\n"
            f"Token\n{token}\n"
            "TopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\n"
            "Type\nSubscriptionConfirmation\n"
        )
        assert string_to_sign(message) == expected.encode()

    def test_notification_without_subject(self) -> None:
        message = json.loads(sample("ecr/sns_notification_push.json"))
        assert b"Subject" not in string_to_sign(message)
        with pytest.raises(SnsVerificationError):
            string_to_sign(dict(message, MessageId=None))
        with pytest.raises(SnsVerificationError):
            string_to_sign(dict(message, Type="Other"))


class TestVerify:
    @pytest.mark.parametrize("version", ["1", "2"])
    def test_signed_real_messages_verify(self, version: str) -> None:
        for name in ("ecr/sns_notification_push.json", "ecr/sns_subscription_confirmation.json"):
            verify(signed(json.loads(sample(name)), version), SNS_PEM)
            verify(signed(json.loads(sample(name)), version), SNS_CERT)

    def test_any_changed_signed_value_fails(self) -> None:
        message = signed(json.loads(sample("ecr/sns_notification_push.json")))
        for field in ("Message", "MessageId", "Timestamp", "TopicArn"):
            value = message[field]
            changed = dict(message, **{field: value[:5] + chr(ord(value[5]) ^ 1) + value[6:]})
            with pytest.raises(SnsVerificationError) as caught:
                verify(changed, SNS_PEM)
            assert caught.value.reason == "bad_signature"

    def test_one_byte_of_the_body_changed(self) -> None:
        settings = resolve_auth_settings("ecr", mode=AuthMode.SNS_SIGNATURE, sns_topic_arn=TOPIC)
        body = body_of(signed(json.loads(sample("ecr/sns_notification_push.json"))))
        assert authenticate(settings, {}, body, {}, SNS_PEM).ok
        index = body.index(b"latest")
        tampered = body[:index] + b"L" + body[index + 1 :]
        assert authenticate(settings, {}, tampered, {}, SNS_PEM).reason is (
            AuthReason.BAD_SIGNATURE
        )

    def test_aws_docs_placeholder_signatures_do_not_verify(self) -> None:
        for name in (
            "ecr/sns_notification_docs_example.json",
            "ecr/sns_subscription_confirmation.json",
        ):
            with pytest.raises(SnsVerificationError) as caught:
                verify(json.loads(sample(name)), SNS_PEM)
            assert caught.value.reason == "bad_signature"

    def test_wrong_and_unusable_certificates(self) -> None:
        message = signed(json.loads(sample("ecr/sns_notification_push.json")))
        with pytest.raises(SnsVerificationError) as caught:
            verify(message, STRANGER_PEM)
        assert caught.value.reason == "bad_signature"
        with pytest.raises(SnsVerificationError) as caught:
            verify(message, b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
        assert caught.value.reason == "bad_certificate"
        ec_key = ec.generate_private_key(ec.SECP256R1())
        ec_pem = issue_certificate(ec_key, "x", ec_key, "x", ca=False).public_bytes(
            serialization.Encoding.PEM
        )
        with pytest.raises(SnsVerificationError) as caught:
            verify(message, ec_pem)
        assert caught.value.reason == "bad_certificate"

    def test_signature_version_and_encoding(self) -> None:
        message = signed(json.loads(sample("ecr/sns_notification_push.json")))
        for version in ("3", None, 1):
            with pytest.raises(SnsVerificationError) as caught:
                verify(dict(message, SignatureVersion=version), SNS_PEM)
            assert caught.value.reason == "unsupported_signature_version"
        with pytest.raises(SnsVerificationError) as caught:
            verify(dict(message, Signature="not base64!"), SNS_PEM)
        assert caught.value.reason == "bad_signature"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        (CERT_URL, True),
        ("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-x.pem", True),
        ("https://sns.us-gov-west-1.amazonaws.com/x.pem", True),
        ("https://sns.us-west-2.amazonaws.com:443/x.pem", True),
        ("http://sns.us-west-2.amazonaws.com/x.pem", False),
        ("https://sns.us-west-2.amazonaws.com.evil.example/x.pem", False),
        ("https://evil.example/sns.us-west-2.amazonaws.com/x.pem", False),
        ("https://sns.us-west-2.amazonaws.com@evil.example/x.pem", False),
        ("https://user@sns.us-west-2.amazonaws.com/x.pem", False),
        ("https://sns.us-west-2.amazonaws.com:8443/x.pem", False),
        ("https://sns.amazonaws.com/x.pem", False),
        ("https://SNS.us-west-2.amazonaws.com/x.pem", False),
        ("https://sns.us-west-2.amazonaws.com\\@evil.example/x.pem", False),
        ("https://sns.us-west-2.amazonaws.com /x.pem", False),
        ("https://s3.amazonaws.com/x.pem", False),
        ("", False),
    ],
)
def test_certificate_url_is_restricted_to_sns_hosts(url: str, allowed: bool) -> None:
    assert is_sns_url(url) is allowed
    if allowed:
        assert required_certificate_url({"SigningCertURL": url}) == url
    else:
        with pytest.raises(SnsVerificationError):
            required_certificate_url({"SigningCertURL": url})


def test_certificate_url_must_name_a_pem() -> None:
    with pytest.raises(SnsVerificationError):
        required_certificate_url({"SigningCertURL": "https://sns.us-west-2.amazonaws.com/?x=1"})


class TestAuthenticateSns:
    def test_subscription_confirmation_flow(self) -> None:
        """What the app does: fetch the named cert, authenticate, parse, then GET the URL."""
        confirmation = json.loads(sample("ecr/sns_subscription_confirmation.json"))
        confirmation["TopicArn"] = TOPIC
        body = body_of(signed(confirmation, "1"))
        headers = {"x-amz-sns-message-type": "SubscriptionConfirmation"}
        settings = resolve_auth_settings("ecr", mode=AuthMode.SNS_SIGNATURE, sns_topic_arn=TOPIC)
        assert key_material_url(settings, headers, body) == CERT_URL
        assert authenticate(settings, headers, body, {}, SNS_PEM).ok
        result = ecr.parse(headers, body)
        assert result.response == ConfirmSubscription(confirmation["SubscribeURL"])

    def test_topic_binding(self) -> None:
        body = body_of(signed(json.loads(sample("ecr/sns_notification_push.json"))))
        other = resolve_auth_settings(
            "ecr", mode=AuthMode.SNS_SIGNATURE, sns_topic_arn=TOPIC + "-other"
        )
        assert key_material_url(other, {}, body) is None
        assert authenticate(other, {}, body, {}, SNS_PEM).reason is AuthReason.WRONG_TOPIC
        unbound = resolve_auth_settings("ecr", mode=AuthMode.SNS_SIGNATURE)
        assert authenticate(unbound, {}, body, {}, SNS_PEM).reason is AuthReason.NOT_CONFIGURED
        by_token = resolve_auth_settings("ecr", mode=AuthMode.SNS_SIGNATURE, secret="t0k")
        assert authenticate(by_token, {}, body, {"token": "t0k"}, SNS_PEM).ok
        assert not authenticate(by_token, {}, body, {"token": "nope"}, SNS_PEM).ok

    def test_certificate_is_required(self) -> None:
        settings = resolve_auth_settings("ecr", mode=AuthMode.SNS_SIGNATURE, sns_topic_arn=TOPIC)
        body = body_of(signed(json.loads(sample("ecr/sns_notification_push.json"))))
        assert authenticate(settings, {}, body, {}).reason is AuthReason.CERTIFICATE_REQUIRED
        message = json.loads(body)
        message["SigningCertURL"] = "https://evil.example/x.pem"
        bad_url = body_of(message)
        assert key_material_url(settings, {}, bad_url) is None
        assert authenticate(settings, {}, bad_url, {}).reason is AuthReason.BAD_CERTIFICATE_URL
        assert authenticate(settings, {}, b"not json", {}).reason is AuthReason.MALFORMED_MESSAGE
        # Every cheap check runs before the app is asked for the certificate.
        message = json.loads(body)
        message["SignatureVersion"] = "3"
        assert authenticate(settings, {}, body_of(message), {}).reason is (
            AuthReason.UNSUPPORTED_SIGNATURE_VERSION
        )
