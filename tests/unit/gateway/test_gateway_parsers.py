"""Parser behaviour beyond the samples: formats, handshakes, content types and edge cases.

Bodies here are the real samples, re-wrapped or minimally edited as each test says.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from multidict import CIMultiDict

from gateway.events import (
    Action,
    ConfirmSubscription,
    DropReason,
    NormalisedEvent,
    ParseError,
    ParseResult,
    Reply,
    UnsupportedMediaType,
    event_key,
)
from gateway.parsers import PARSERS, acr, distribution, ecr, gar, harbor
from tests.unit.gateway.webhook_samples import live_capture, sample

DISTRIBUTION_V1 = {"Content-Type": "application/vnd.docker.distribution.events.v1+json"}
JSON = {"Content-Type": "application/json"}
GAR_DIGEST = "sha256:6ec128e26cd5e5a3bb8c1b3e3b1f5f3d7a2c4e8b9f0a1b2c3d4e5f60718293a4"


def loads(relative: str) -> Any:
    return json.loads(sample(relative))


def drops(result: ParseResult) -> dict[str, int]:
    return {str(k): v for k, v in result.dropped.items()}


class TestContentTypes:
    def test_wrong_content_type_is_415(self) -> None:
        body = sample("distribution/push_manifest_tagged_v3.json")
        with pytest.raises(UnsupportedMediaType) as caught:
            distribution.parse({"Content-Type": "text/html"}, body)
        assert caught.value.status == 415
        assert caught.value.reason == "unsupported_media_type"

    @pytest.mark.parametrize(
        "content_type",
        [
            "application/vnd.docker.distribution.events.v1+json",
            "application/vnd.docker.distribution.events.v2+json",
            "application/json",
            "Application/JSON; charset=utf-8",
        ],
    )
    def test_distribution_media_types(self, content_type: str) -> None:
        body = sample("distribution/push_manifest_tagged_v3.json")
        assert len(distribution.parse({"Content-Type": content_type}, body).events) == 1

    def test_missing_content_type_is_tolerated(self) -> None:
        assert len(distribution.parse({}, sample("gitlab/push_tag.json")).events) == 1

    def test_sns_text_plain_only_where_sns_is_spoken(self) -> None:
        body = sample("ecr/sns_notification_push.json")
        assert len(ecr.parse({"Content-Type": "text/plain; charset=UTF-8"}, body).events) == 1
        with pytest.raises(UnsupportedMediaType):
            harbor.parse({"Content-Type": "text/plain"}, sample("harbor/push_artifact.json"))

    def test_headers_are_case_insensitive_in_plain_dicts_and_multidicts(self) -> None:
        body = sample("nexus/component_created_docker_real.json")
        for headers in (
            {"x-nexus-webhook-id": "rm:repository:component", "x-nexus-webhook-delivery": "d-1"},
            CIMultiDict({"X-NEXUS-WEBHOOK-ID": "rm:repository:component",
                         "X-Nexus-Webhook-DELIVERY": "d-1"}),
        ):  # fmt: skip
            (event,) = PARSERS["nexus"](headers, body).events
            assert event.sender_event_id == "d-1"
        # The same body announced as an asset event lacks its `asset` object: 400.
        with pytest.raises(ParseError):
            PARSERS["nexus"]({"x-nexus-webhook-id": "rm:repository:asset"}, body)


class TestDistribution:
    def test_pull_fast_path_agrees_with_full_parse(self) -> None:
        headers, body = live_capture("manifest-pull-get.json")
        assert distribution._is_single_pull(body)
        result = distribution.parse(headers, body)
        assert result.events == () and drops(result) == {"pull": 1}

    def test_fast_path_is_not_fooled_by_a_nested_pull(self) -> None:
        document = json.loads(sample("distribution/push_manifest_tagged_v3.json"))
        document["events"][0]["request"]["action"] = "pull"
        body = json.dumps(document).encode()
        assert not distribution._is_single_pull(body)
        assert len(distribution.parse(DISTRIBUTION_V1, body).events) == 1

    def test_fast_path_is_not_fooled_by_an_escaped_key(self) -> None:
        text = sample("distribution/push_manifest_tagged_v3.json").decode()
        text = text.replace('"action": "push"', '"\\u0061ction": "push", "x": {"action": "pull"}')
        body = text.encode()
        assert not distribution._is_single_pull(body)
        assert len(distribution.parse(DISTRIBUTION_V1, body).events) == 1

    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            (b"", "invalid_json"),
            (b"{", "invalid_json"),
            (b"[]", "wrong_type"),
            (b'{"events": {}}', "wrong_type"),
            (b'{"no_events": []}', "missing_field"),
            (b'{"events": [1]}', "wrong_type"),
            (b'{"events": [{"target": {}}]}', "missing_field"),
            (b'{"events": [{"action": "push", "target": {"repository": 5}}]}', "wrong_type"),
            (b"\xff\xfe{}", "invalid_json"),
            (b"[" * 100_000 + b"]" * 100_000, "invalid_json"),
        ],
    )
    def test_malformed_envelopes_are_400(self, body: bytes, reason: str) -> None:
        with pytest.raises(ParseError) as caught:
            distribution.parse(DISTRIBUTION_V1, body)
        assert caught.value.status == 400
        assert caught.value.reason == reason

    def test_empty_envelope_is_fine(self) -> None:
        result = distribution.parse(DISTRIBUTION_V1, b'{"events": []}')
        assert result.events == () and drops(result) == {}


class TestHarbor:
    def test_legacy_push_image(self) -> None:
        document = loads("harbor/delete_artifact.json")
        document["type"] = "pushImage"
        result = harbor.parse(JSON, json.dumps(document).encode())
        assert result.events == (
            NormalisedEvent(
                Action.PUSHED,
                "harbor/alpine",
                tag="3.8",
                digest="sha256:2bb501e6173d9d006e56de5bce2720eb06396803300fe1687b58a7ff32bf4c14",
                time=datetime(2023, 4, 3, 6, 16, 38, tzinfo=UTC),
            ),
        )

    @pytest.mark.parametrize(
        ("legacy_type", "reason"),
        [("pullImage", "pull"), ("scanningFailed", "scan"), ("uploadChart", "chart"),
         ("SOMETHING_NEW", "unsupported_event")],
    )  # fmt: skip
    def test_legacy_noise(self, legacy_type: str, reason: str) -> None:
        document = loads("harbor/push_artifact.json")
        document["type"] = legacy_type
        assert drops(harbor.parse(JSON, json.dumps(document).encode())) == {reason: 1}

    def test_several_resources_give_several_events_with_distinct_keys(self) -> None:
        document = loads("harbor/push_artifact_cloudevents.json")
        resources = document["data"]["resources"]
        resources.append(dict(resources[0], tag="3.18"))
        result = harbor.parse(
            {"Content-Type": "application/cloudevents+json"}, json.dumps(document).encode()
        )
        assert [event.tag for event in result.events] == [None, "3.18"]
        assert len({event_key("r", event) for event in result.events}) == 2

    def test_cloudevents_detected_from_the_body_too(self) -> None:
        result = harbor.parse(JSON, sample("harbor/push_artifact_cloudevents.json"))
        assert result.events[0].sender_event_id == "66e18103-09c1-41f6-982f-37df223f3eeb"


class TestAcrEventGrid:
    VALIDATION = [
        {
            "id": "2d1781af-3a4c-4d7c-bd0c-e34b19da4e66",
            "topic": "/subscriptions/xx/resourceGroups/rg/providers/"
            "Microsoft.ContainerRegistry/registries/r",
            "subject": "",
            "data": {
                "validationCode": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6",
                "validationUrl": "https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/x/validate?id=1",
            },
            "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
            "eventTime": "2018-01-25T22:12:19.4556811Z",
            "metadataVersion": "1",
            "dataVersion": "1",
        }
    ]  # fmt: skip

    def test_subscription_validation_handshake(self) -> None:
        headers = {"Content-Type": "application/json", "aeg-event-type": "SubscriptionValidation"}
        result = acr.parse(headers, json.dumps(self.VALIDATION).encode())
        assert result.events == ()
        assert result.response == Reply(
            status=200,
            body=b'{"validationResponse": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6"}',
            content_type="application/json",
        )

    def test_event_grid_schema_image_pushed(self) -> None:
        # The CloudEvents sample re-expressed in the Event Grid schema (eventType/eventTime).
        cloud_event = loads("acr/eventgrid_image_pushed_cloudevents.json")[0]
        grid_event = {
            "id": cloud_event["id"],
            "topic": cloud_event["source"],
            "subject": cloud_event["subject"],
            "eventType": cloud_event["type"],
            "eventTime": cloud_event["time"],
            "data": cloud_event["data"],
            "dataVersion": "1.0",
            "metadataVersion": "1",
        }
        result = acr.parse({"aeg-event-type": "Notification"}, json.dumps([grid_event]).encode())
        assert [(e.repository, e.tag) for e in result.events] == [("aci-helloworld", "v1")]

    def test_single_structured_cloudevent(self) -> None:
        cloud_event = loads("acr/eventgrid_image_pushed_cloudevents.json")[0]
        headers = {"Content-Type": "application/cloudevents+json; charset=utf-8"}
        assert len(acr.parse(headers, json.dumps(cloud_event).encode()).events) == 1

    def test_options_abuse_protection(self) -> None:
        reply = acr.abuse_protection_reply({"WebHook-Request-Origin": "eventgrid.azure.net"})
        assert reply.headers == (("WebHook-Allowed-Origin", "eventgrid.azure.net"),)
        with pytest.raises(ParseError):
            acr.abuse_protection_reply({"WebHook-Request-Origin": "evil\r\nSet-Cookie: x"})


class TestEcr:
    def test_confirmation_with_a_foreign_subscribe_url_is_refused(self) -> None:
        for url in (
            "https://evil.example/?Action=ConfirmSubscription",
            "http://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription",
            "https://sns.us-west-2.amazonaws.com.evil.example/?Action=ConfirmSubscription",
            "https://sns.us-west-2.amazonaws.com@evil.example/?Action=ConfirmSubscription",
            "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe",
        ):
            document = loads("ecr/sns_subscription_confirmation.json")
            document["SubscribeURL"] = url
            with pytest.raises(ParseError) as caught:
                ecr.parse({}, json.dumps(document).encode())
            assert caught.value.reason == "bad_subscribe_url"

    def test_confirmation_is_detected_without_the_header(self) -> None:
        result = ecr.parse({}, sample("ecr/sns_subscription_confirmation.json"))
        assert isinstance(result.response, ConfirmSubscription)

    def test_failed_push_and_unsubscribe(self) -> None:
        document = loads("ecr/eventbridge_push.json")
        document["detail"]["result"] = "FAILURE"
        assert drops(ecr.parse(JSON, json.dumps(document).encode())) == {"failed": 1}
        document = loads("ecr/sns_subscription_confirmation.json")
        document["Type"] = "UnsubscribeConfirmation"
        assert drops(ecr.parse({}, json.dumps(document).encode())) == {"control": 1}

    def test_valid_digest_is_kept(self) -> None:
        document = loads("ecr/eventbridge_push.json")
        document["detail"]["image-digest"] = GAR_DIGEST
        document["detail"]["manifest-media-type"] = "application/vnd.oci.image.manifest.v1+json"
        (event,) = ecr.parse(JSON, json.dumps(document).encode()).events
        assert (event.digest, event.media_type) == (
            GAR_DIGEST,
            "application/vnd.oci.image.manifest.v1+json",
        )


class TestGar:
    @pytest.mark.parametrize(
        "message",
        ["gar/message_insert.json", "gar/message_insert_digest_only.json",
         "gar/message_delete_tag.json"],
    )  # fmt: skip
    def test_push_envelope_of_each_message(self, message: str) -> None:
        envelope = {
            "message": {
                "data": base64.b64encode(sample(message)).decode(),
                "messageId": "136969346945",
                "publishTime": "2025-01-15T10:21:34.512Z",
            },
            "subscription": "projects/my-project/subscriptions/gar-events-push",
        }
        wrapped = gar.parse(JSON, json.dumps(envelope).encode())
        unwrapped = gar.parse(JSON, sample(message))
        assert len(wrapped.events) == len(unwrapped.events) == 1
        (event,) = wrapped.events
        assert event.sender_event_id == "136969346945"
        assert event.time == datetime(2025, 1, 15, 10, 21, 34, 512000, tzinfo=UTC)
        assert (event.action, event.repository, event.tag, event.digest) == (
            unwrapped.events[0].action,
            unwrapped.events[0].repository,
            unwrapped.events[0].tag,
            unwrapped.events[0].digest,
        )

    def test_unwrapped_metadata_headers(self) -> None:
        headers = {
            "Content-Type": "application/json",
            "x-goog-pubsub-message-id": "2070443601311540",
            "x-goog-pubsub-publish-time": "2025-01-15T10:21:34.512Z",
        }
        (event,) = gar.parse(headers, sample("gar/message_insert.json")).events
        assert event.sender_event_id == "2070443601311540"

    def test_bad_base64_and_inconsistent_references(self) -> None:
        with pytest.raises(ParseError) as caught:
            gar.parse(JSON, b'{"message": {"data": "***", "messageId": "1"}}')
        assert caught.value.reason == "invalid_base64"
        document = loads("gar/message_insert.json")
        document["tag"] = "us-east1-docker.pkg.dev/my-project/my-repo/other:1.1"
        with pytest.raises(ParseError) as caught:
            gar.parse(JSON, json.dumps(document).encode())
        assert caught.value.reason == "inconsistent_reference"

    def test_gcr_reference(self) -> None:
        payload = {"action": "INSERT", "digest": f"gcr.io/my-project/hello@{GAR_DIGEST}"}
        (event,) = gar.parse(JSON, json.dumps(payload).encode()).events
        assert (event.repository, event.digest) == ("my-project/hello", GAR_DIGEST)


class TestOthers:
    def test_docker_hub_official_image(self) -> None:
        document = loads("dockerhub/push.json")
        document["repository"]["repo_name"] = "ubuntu"
        (event,) = PARSERS["docker_hub"](JSON, json.dumps(document).encode()).events
        assert event.repository == "library/ubuntu"

    def test_quay_other_notification_kinds(self) -> None:
        body = json.dumps({"repository": "ns/r", "build_id": "1", "trigger_kind": "github"})
        assert drops(PARSERS["quay"](JSON, body.encode())) == {"unsupported_event": 1}

    def test_github_form_encoded_delivery(self) -> None:
        body = urlencode({"payload": sample("github/package_published_docker.json").decode()})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-GitHub-Event": "package",
        }
        (event,) = PARSERS["github"](headers, body.encode()).events
        assert event.repository == "codertocat/hello-world"

    def test_github_ping_and_non_container_package(self) -> None:
        ping = b'{"zen": "Keep it logically awesome.", "hook_id": 1, "hook": {}}'
        assert drops(PARSERS["github"]({"X-GitHub-Event": "ping"}, ping)) == {"ping": 1}
        assert drops(PARSERS["github"]({}, ping)) == {"ping": 1}
        document = loads("github/package_published_docker.json")
        document["package"]["ecosystem"] = "npm"
        body = json.dumps(document).encode()
        assert drops(PARSERS["github"]({"X-GitHub-Event": "package"}, body)) == {"not_container": 1}

    def test_gitea_untagged_version_is_a_digest_and_other_events_are_dropped(self) -> None:
        document = loads("gitea/package_created_container.json")
        document["package"]["version"] = GAR_DIGEST
        (event,) = PARSERS["gitea"]({}, json.dumps(document).encode()).events
        assert (event.tag, event.digest) == (None, GAR_DIGEST)
        body = sample("gitea/package_created_container.json")
        assert drops(PARSERS["gitea"]({"X-Gitea-Event": "push"}, body)) == {"unsupported_event": 1}

    def test_nexus_infers_the_event_kind_from_the_body(self) -> None:
        result = PARSERS["nexus"]({}, sample("nexus/component_created_docker_real.json"))
        assert [(e.repository, e.tag) for e in result.events] == [("app1/alpine", "3.4")]

    def test_artifactory_promoted_is_dropped(self) -> None:
        document = loads("artifactory/docker_pushed.json")
        document["event_type"] = "promoted"
        assert drops(PARSERS["artifactory"](JSON, json.dumps(document).encode())) == {
            DropReason.UNSUPPORTED_EVENT.value: 1
        }


def test_harbor_digest_reported_only_as_tag() -> None:
    document = loads("harbor/push_artifact.json")
    del document["event_data"]["resources"][0]["digest"]
    (event,) = harbor.parse(JSON, json.dumps(document).encode()).events
    digest = "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4"
    assert (event.tag, event.digest) == (None, digest)
