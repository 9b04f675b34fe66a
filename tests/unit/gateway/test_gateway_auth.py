"""HMAC known-answer vectors, static header, Basic, URL token, defaults and authenticate()."""

from __future__ import annotations

import base64
import json

import pytest

from gateway.auth import (
    DEFAULT_AUTH,
    AuthMode,
    AuthReason,
    WebhookAuthSettings,
    authenticate,
    key_material_url,
    resolve_auth_settings,
)
from gateway.auth.hmac import sign, verify_signature
from gateway.parsers import PARSERS
from tests.unit.gateway.webhook_samples import sample

VECTORS = json.loads(sample("signature_vectors.json"))
# Computed independently with `openssl dgst -sha256 -hmac gitea-test-secret` over the sample.
GITEA_SECRET = "gitea-test-secret"
GITEA_SIGNATURE = "0519084b7fde0a1b1acf0b2b05f2623fd39515b74122e5704a5b5b1f47a8003d"


def flip_one_byte(body: bytes, index: int = 0) -> bytes:
    return body[:index] + bytes([body[index] ^ 0x01]) + body[index + 1 :]


def settings(registry_type: str, secret: str, **overrides: object) -> WebhookAuthSettings:
    return resolve_auth_settings(registry_type, secret=secret, **overrides)  # type: ignore[arg-type]


class TestKnownAnswerVectors:
    def test_github_vector(self) -> None:
        vector = VECTORS["github_x_hub_signature_256"]
        name, value = vector["expected_header"].split(": ", 1)
        body = vector["payload_utf8"].encode()
        github = settings("github", vector["secret"])
        assert github.header_name == name == "X-Hub-Signature-256"
        assert authenticate(github, {name: value}, body, {}).ok
        assert sign(vector["secret"], body) == value.removeprefix("sha256=")
        for index in range(len(body)):
            result = authenticate(github, {name: value}, flip_one_byte(body, index), {})
            assert (result.ok, result.reason) == (False, AuthReason.BAD_SIGNATURE)

    def test_nexus_vector_over_the_real_delivery_bytes(self) -> None:
        vector = VECTORS["nexus_x_nexus_webhook_signature"]
        name, value = vector["expected_header"].split(": ", 1)
        body = sample("nexus/component_created_docker_real.json")
        assert len(body) == 349
        nexus = settings("nexus", vector["secret"])
        assert (nexus.header_name, nexus.hmac_algorithm) == ("X-Nexus-Webhook-Signature", "sha1")
        assert authenticate(nexus, {name.lower(): value}, body, {}).ok
        assert not authenticate(nexus, {name: value}, flip_one_byte(body, 200), {}).ok
        assert not authenticate(nexus, {name: value}, body + b"\n", {}).ok
        # The same signature checked as SHA-256 must fail.
        assert not authenticate(settings("nexus", vector["secret"], hmac_algorithm="sha256"),
                                {name: value}, body, {}).ok  # fmt: skip

    def test_gitea_signature_headers(self) -> None:
        body = sample("gitea/package_created_container.json")
        gitea = settings("gitea", GITEA_SECRET)
        assert authenticate(gitea, {"X-Gitea-Signature": GITEA_SIGNATURE}, body, {}).ok
        assert authenticate(gitea, {"X-Gitea-Signature": GITEA_SIGNATURE.upper()}, body, {}).ok
        assert not authenticate(gitea, {"X-Gitea-Signature": GITEA_SIGNATURE}, body[:-1], {}).ok
        # Gitea also sends X-Hub-Signature-256 with the same value behind `sha256=`.
        hub = settings("gitea", GITEA_SECRET, header_name="X-Hub-Signature-256")
        assert authenticate(hub, {"X-Hub-Signature-256": f"sha256={GITEA_SIGNATURE}"}, body, {}).ok


class TestHmacDetails:
    BODY = b'{"hello": "world"}'

    def test_prefix_naming_another_algorithm_is_refused(self) -> None:
        signature = sign("s", self.BODY, "sha256")
        assert verify_signature("s", self.BODY, f"sha256={signature}").ok
        assert verify_signature("s", self.BODY, f" sha256 = {signature} ").ok
        assert not verify_signature("s", self.BODY, f"sha1={signature}").ok

    @pytest.mark.parametrize(
        ("secret", "header", "algorithm", "reason"),
        [
            ("", "abc", "sha256", AuthReason.NOT_CONFIGURED),
            ("s", None, "sha256", AuthReason.MISSING_CREDENTIALS),
            ("s", "   ", "sha256", AuthReason.MISSING_CREDENTIALS),
            ("s", "abc", "md5", AuthReason.UNSUPPORTED_ALGORITHM),
            ("s", "zz\udcff", "sha256", AuthReason.BAD_SIGNATURE),
            ("s", "é" * 64, "sha256", AuthReason.BAD_SIGNATURE),
        ],
    )
    def test_refusals(
        self, secret: str, header: str | None, algorithm: str, reason: AuthReason
    ) -> None:
        result = verify_signature(secret, self.BODY, header, algorithm)
        assert (result.ok, result.reason) == (False, reason)

    def test_sha512(self) -> None:
        assert verify_signature("s", self.BODY, sign("s", self.BODY, "sha512"), "sha512").ok


class TestStaticHeaderBasicAndUrlToken:
    def test_distribution_live_header(self) -> None:
        # distribution-live: `Authorization: [Bearer test-secret-token]` in the registry config.
        distribution = settings("distribution", "Bearer test-secret-token")
        body = b'{"events": []}'
        assert authenticate(
            distribution, {"Authorization": "Bearer test-secret-token"}, body, {}
        ).ok
        for presented, reason in [
            ("Bearer test-secret-tokeN", AuthReason.BAD_CREDENTIALS),
            ("test-secret-token", AuthReason.BAD_CREDENTIALS),
            ("Bearer test-secret-token-and-more", AuthReason.BAD_CREDENTIALS),
        ]:
            result = authenticate(distribution, {"Authorization": presented}, body, {})
            assert (result.ok, result.reason) == (False, reason)
        assert authenticate(distribution, {}, body, {}).reason is AuthReason.MISSING_CREDENTIALS

    def test_artifactory_secret_token_header(self) -> None:
        artifactory = settings("artifactory", "jfrog-secret")
        assert artifactory.header_name == "X-JFrog-Event-Auth"
        assert authenticate(artifactory, {"x-jfrog-event-auth": "jfrog-secret"}, b"{}", {}).ok

    def test_basic(self) -> None:
        ecr = settings("ecr", "events:p@ss:word", mode=AuthMode.BASIC)
        good = "Basic " + base64.b64encode(b"events:p@ss:word").decode()
        assert authenticate(ecr, {"Authorization": good}, b"{}", {}).ok
        for presented in (
            "Basic " + base64.b64encode(b"events:wrong").decode(),
            "Bearer " + base64.b64encode(b"events:p@ss:word").decode(),
            "Basic !!!notbase64",
            "Basic",
        ):
            assert authenticate(ecr, {"Authorization": presented}, b"{}", {}).reason is (
                AuthReason.BAD_CREDENTIALS
            )

    def test_url_token(self) -> None:
        hub = settings("docker_hub", "k3y")
        assert hub.mode is AuthMode.URL_TOKEN
        assert authenticate(hub, {}, sample("dockerhub/push.json"), {"token": "k3y"}).ok
        assert authenticate(hub, {}, b"", {"token": "k3Y"}).reason is AuthReason.BAD_CREDENTIALS
        assert authenticate(hub, {}, b"", {}).reason is AuthReason.MISSING_CREDENTIALS
        assert authenticate(hub, {}, b"", {"tok": "k3y"}).reason is AuthReason.MISSING_CREDENTIALS


class TestSettings:
    EXPECTED_DEFAULTS = {
        "distribution": (AuthMode.STATIC_HEADER, "Authorization", "sha256"),
        "docker_hub": (AuthMode.URL_TOKEN, "", "sha256"),
        "harbor": (AuthMode.STATIC_HEADER, "Authorization", "sha256"),
        "quay": (AuthMode.URL_TOKEN, "", "sha256"),
        "acr": (AuthMode.STATIC_HEADER, "Authorization", "sha256"),
        "ecr": (AuthMode.STATIC_HEADER, "Authorization", "sha256"),
        "gar": (AuthMode.OIDC, "Authorization", "sha256"),
        "artifactory": (AuthMode.STATIC_HEADER, "X-JFrog-Event-Auth", "sha256"),
        "github": (AuthMode.HMAC, "X-Hub-Signature-256", "sha256"),
        "gitlab": (AuthMode.STATIC_HEADER, "Authorization", "sha256"),
        "nexus": (AuthMode.HMAC, "X-Nexus-Webhook-Signature", "sha1"),
        "gitea": (AuthMode.HMAC, "X-Gitea-Signature", "sha256"),
        "aliyun": (AuthMode.URL_TOKEN, "", "sha256"),
    }

    def test_every_type_has_a_default_and_a_parser(self) -> None:
        assert set(DEFAULT_AUTH) == set(PARSERS) == set(self.EXPECTED_DEFAULTS)
        for registry_type, expected in self.EXPECTED_DEFAULTS.items():
            resolved = resolve_auth_settings(registry_type)
            assert (resolved.mode, resolved.header_name, resolved.hmac_algorithm) == expected

    def test_explicit_choices_win_and_other_modes_get_generic_headers(self) -> None:
        resolved = resolve_auth_settings("github", header_name="X-Hub-Signature")
        assert resolved.header_name == "X-Hub-Signature"
        sns = resolve_auth_settings("ecr", mode=AuthMode.SNS_SIGNATURE)
        assert (sns.mode, sns.header_name) == (AuthMode.SNS_SIGNATURE, "")
        hmac_for_harbor = resolve_auth_settings("harbor", mode=AuthMode.HMAC)
        assert (hmac_for_harbor.header_name, hmac_for_harbor.hmac_algorithm) == (
            "X-Hub-Signature-256",
            "sha256",
        )
        with pytest.raises(ValueError):
            resolve_auth_settings("oci")

    def test_secret_is_not_in_repr(self) -> None:
        assert "hunter2" not in repr(resolve_auth_settings("harbor", secret="hunter2"))


class TestAuthenticate:
    def test_none_mode_is_explicit(self) -> None:
        result = authenticate(WebhookAuthSettings(AuthMode.NONE), {}, b"", {})
        assert (result.ok, result.reason) == (True, AuthReason.AUTH_DISABLED)

    @pytest.mark.parametrize("mode", [m for m in AuthMode if m is not AuthMode.NONE])
    def test_every_mode_fails_closed_without_configuration(self, mode: AuthMode) -> None:
        result = authenticate(WebhookAuthSettings(mode), {"Authorization": ""}, b"{}", {})
        assert not result.ok

    def test_reasons_never_carry_secrets(self) -> None:
        secret = "very-secret-value"
        for registry_type in DEFAULT_AUTH:
            configured = resolve_auth_settings(
                registry_type, secret=secret, oidc_audience="aud", sns_topic_arn="arn"
            )
            result = authenticate(configured, {"Authorization": secret[:-1]}, b"{}", {"token": "x"})
            assert secret not in repr(result) and secret[:-1] not in repr(result)
            assert not result.ok

    def test_key_material_url(self) -> None:
        gar = resolve_auth_settings("gar", oidc_audience="https://gw.example/v1/webhooks/r")
        assert key_material_url(gar, {}, b"") == "https://www.googleapis.com/oauth2/v3/certs"
        assert key_material_url(resolve_auth_settings("harbor"), {}, b"") is None
