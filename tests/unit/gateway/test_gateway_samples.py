"""Every registry sample parses to the events read off the sample by hand.

The expected values below were written from the sample files and the fixtures README
(not from parser output). Headers are the ones each sender puts on the wire according to
that README; delivery ids in headers are made up for the test where a sample has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from gateway.events import (
    Action,
    ConfirmSubscription,
    NormalisedEvent,
    ParseResult,
    ResponseAction,
)
from gateway.parsers import PARSERS
from tests.unit.gateway.webhook_samples import DATA, sample

PUSHED = Action.PUSHED
DELETED = Action.DELETED
DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
JSON = {"Content-Type": "application/json"}


def at(
    year: int, month: int, day: int, hour: int, minute: int, second: int, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@dataclass(frozen=True)
class Expected:
    events: list[NormalisedEvent] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    response: ResponseAction | None = None


@dataclass(frozen=True)
class Case:
    registry_type: str
    headers: dict[str, str]
    expected: Expected


SNS_CONFIRM_URL = (
    "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription"
    "&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic"
    "&Token=2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3"
    "beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82e"
    "fd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736"
)
GITHUB_DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
NEXUS_DELIVERY = "f8d3b8a6-7e4e-4f8e-9a52-3c1f0a4f6d10"
GITEA_DELIVERY = "1a2b3c4d-0000-4000-8000-000000000001"

CASES: dict[str, Case] = {
    # --- CNCF Distribution ---------------------------------------------------------------
    "distribution/push_manifest_tagged_v3.json": Case(
        "distribution",
        {"Content-Type": "application/vnd.docker.distribution.events.v2+json"},
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "library/alpine",
                    tag="3.21",
                    digest="sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf",
                    media_type=OCI_INDEX,
                    time=at(2025, 1, 15, 10, 21, 33, 123456),
                    sender_event_id="9c2a2c5e-7a0b-4f57-9d4e-2f3f6b2f8a11",
                )
            ]
        ),
    ),
    "distribution/delete_manifest_v3.json": Case(
        "distribution",
        {"Content-Type": "application/vnd.docker.distribution.events.v2+json"},
        Expected(
            [
                NormalisedEvent(
                    DELETED,
                    "library/test",
                    digest="sha256:d89e1bee20d9cb344674e213b581f14fbd8e70274ecf9d10c514bab78a307845",
                    time=at(2025, 1, 15, 11, 2, 7),
                    sender_event_id="5b1f0f0c-1d5e-4b8e-9a57-6f6c2d1c0b77",
                )
            ]
        ),
    ),
    "distribution/delete_tag_v3.json": Case(
        "distribution",
        {"Content-Type": "application/vnd.docker.distribution.events.v2+json"},
        Expected(
            [
                NormalisedEvent(
                    DELETED,
                    "library/test",
                    tag="latest",
                    time=at(2025, 1, 15, 11, 3, 44, 500000),
                    sender_event_id="c0d9b6a4-2f8e-4d0b-b3f1-9e4a7c2d5f10",
                )
            ]
        ),
    ),
    "distribution/pull_manifest_docs.json": Case(
        "distribution",
        {"Content-Type": "application/vnd.docker.distribution.events.v1+json"},
        Expected(dropped={"pull": 1}),
    ),
    # Event 0 is the manifest (valid 64-hex digest, no tag); events 1-2 are layer blobs
    # (whose digests have 65 hex characters, but they are dropped as blobs first).
    "distribution/push_envelope_docs.json": Case(
        "distribution",
        {"Content-Type": "application/vnd.docker.distribution.events.v1+json"},
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "library/test",
                    digest="sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf",
                    media_type=DOCKER_V2,
                    time=at(2006, 1, 2, 15, 4, 5),
                    sender_event_id="asdf-asdf-asdf-asdf-0",
                )
            ],
            dropped={"blob": 2},
        ),
    ),
    # The manifest's digest is `sha256:0123456789abcdef0` and it has no tag: nothing left.
    "distribution/push_envelope_event_test.json": Case(
        "distribution",
        {"Content-Type": "application/vnd.docker.distribution.events.v1+json"},
        Expected(dropped={"malformed_digest": 1, "blob": 2}),
    ),
    "gitlab/push_tag.json": Case(
        "gitlab",
        {"Content-Type": "application/vnd.docker.distribution.events.v1+json"},
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "mygroup/myproject/app",
                    tag="v1.2.3",
                    digest="sha256:c3b3692957d439ac1928219a83fac91e7bf96c153725526874673ae1f2023f8d",
                    media_type=DOCKER_V2,
                    time=at(2025, 1, 15, 12, 0, 1, 987654),
                    sender_event_id="2d8f3b4e-58a1-4d7b-9b1e-6a0c4f7e9d21",
                )
            ]
        ),
    ),
    # --- Harbor ----------------------------------------------------------------------------
    # Digest-only push: the resource's tag is the digest itself, so no tag.
    "harbor/push_artifact.json": Case(
        "harbor",
        JSON,
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "harbor/alpine",
                    digest="sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
                    time=at(2023, 4, 3, 6, 4, 53),  # occur_at 1680501893
                )
            ]
        ),
    ),
    "harbor/push_artifact_cloudevents.json": Case(
        "harbor",
        {"Content-Type": "application/cloudevents+json"},
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "harbor/alpine",
                    digest="sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
                    time=at(2023, 4, 3, 6, 4, 46),
                    sender_event_id="66e18103-09c1-41f6-982f-37df223f3eeb",
                )
            ]
        ),
    ),
    "harbor/delete_artifact.json": Case(
        "harbor",
        JSON,
        Expected(
            [
                NormalisedEvent(
                    DELETED,
                    "harbor/alpine",
                    tag="3.8",
                    digest="sha256:2bb501e6173d9d006e56de5bce2720eb06396803300fe1687b58a7ff32bf4c14",
                    time=at(2023, 4, 3, 6, 16, 38),  # occur_at 1680502598
                )
            ]
        ),
    ),
    "harbor/delete_artifact_cloudevents.json": Case(
        "harbor",
        {"Content-Type": "application/cloudevents+json"},
        Expected(
            [
                NormalisedEvent(
                    DELETED,
                    "harbor/alpine",
                    tag="3.8",
                    digest="sha256:2bb501e6173d9d006e56de5bce2720eb06396803300fe1687b58a7ff32bf4c14",
                    time=at(2023, 4, 3, 6, 16, 38),
                    sender_event_id="343f1623-7cba-487c-88f1-c5ebf55e93aa",
                )
            ]
        ),
    ),
    "harbor/pull_artifact.json": Case("harbor", JSON, Expected(dropped={"pull": 1})),
    "harbor/scanning_completed.json": Case("harbor", JSON, Expected(dropped={"scan": 1})),
    "harbor/scanning_completed_cloudevents.json": Case(
        "harbor", {"Content-Type": "application/cloudevents+json"}, Expected(dropped={"scan": 1})
    ),
    "harbor/scanning_failed.json": Case("harbor", JSON, Expected(dropped={"scan": 1})),
    "harbor/quota_exceed.json": Case("harbor", JSON, Expected(dropped={"quota": 1})),
    "harbor/replication.json": Case("harbor", JSON, Expected(dropped={"replication": 1})),
    # Retention deletions also arrive as DELETE_ARTIFACT (same occur_at as delete_artifact).
    "harbor/tag_retention.json": Case("harbor", JSON, Expected(dropped={"retention": 1})),
    # --- Docker Hub -------------------------------------------------------------------------
    "dockerhub/push.json": Case(
        "docker_hub",
        JSON,
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "svendowideit/testhook",
                    tag="latest",
                    time=at(2014, 12, 3, 0, 22, 41),  # pushed_at 1417566161
                )
            ]
        ),
    ),
    # --- Quay -------------------------------------------------------------------------------
    "quay/repo_push.json": Case(
        "quay", JSON, Expected([NormalisedEvent(PUSHED, "mynamespace/repository", tag="latest")])
    ),
    "quay/repo_push_test_notification.json": Case(
        "quay",
        JSON,
        Expected(
            [
                NormalisedEvent(PUSHED, "mynamespace/repository", tag="latest"),
                NormalisedEvent(PUSHED, "mynamespace/repository", tag="foo"),
            ]
        ),
    ),
    # --- Azure Container Registry -----------------------------------------------------------
    # The docs' digests contain `xxxx`: dropped; the tag still names the image.
    "acr/push.json": Case(
        "acr",
        JSON,
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "hello-world",
                    tag="v1",
                    media_type=DOCKER_V2,
                    time=at(2023, 11, 17, 16, 52, 1, 343145),
                    sender_event_id="cb8c3971-9adc-488b-xxxx-43cbb4974ff5",
                )
            ]
        ),
    ),
    # A manifest delete with only a placeholder digest: dropped, never widened.
    "acr/delete.json": Case("acr", JSON, Expected(dropped={"malformed_digest": 1})),
    "acr/chart_push.json": Case("acr", JSON, Expected(dropped={"chart": 1})),
    "acr/chart_delete.json": Case("acr", JSON, Expected(dropped={"chart": 1})),
    "acr/eventgrid_image_pushed_cloudevents.json": Case(
        "acr",
        {"Content-Type": "application/cloudevents-batch+json; charset=utf-8"},
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "aci-helloworld",
                    tag="v1",
                    digest="sha256:213bbc182920ab41e18edc2001e06abcca6735d87782d9cef68abd83941cf0e5",
                    media_type=DOCKER_V2,
                    time=at(2018, 4, 25, 21, 39, 47, 276585),
                    sender_event_id="31c51664-e5bd-416a-a5df-e5206bc47ed0",
                )
            ]
        ),
    ),
    # --- AWS ECR ----------------------------------------------------------------------------
    # The docs' digest has 60 hex characters: dropped; the tag is kept.
    "ecr/eventbridge_push.json": Case(
        "ecr",
        {"Content-Type": "application/json; charset=utf-8"},
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "my-repository-name",
                    tag="latest",
                    time=at(2019, 11, 16, 1, 54, 34),
                    sender_event_id="13cde686-328b-6117-af20-0e5566167482",
                )
            ]
        ),
    ),
    "ecr/eventbridge_delete.json": Case(
        "ecr",
        {"Content-Type": "application/json; charset=utf-8"},
        Expected(
            [
                NormalisedEvent(
                    DELETED,
                    "my-repository-name",
                    tag="latest",
                    time=at(2019, 11, 16, 2, 1, 5),
                    sender_event_id="dd3b46cb-2c74-f49e-393b-28286b67279d",
                )
            ]
        ),
    ),
    "ecr/eventbridge_scan_basic.json": Case(
        "ecr", {"Content-Type": "application/json; charset=utf-8"}, Expected(dropped={"scan": 1})
    ),
    "ecr/sns_notification_push.json": Case(
        "ecr",
        {"Content-Type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": "Notification"},
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "my-repository-name",
                    tag="latest",
                    time=at(2019, 11, 16, 1, 54, 34),
                    sender_event_id="13cde686-328b-6117-af20-0e5566167482",
                )
            ]
        ),
    ),
    # "Hello world!" is not an ECR event: acknowledged, so SNS does not retry it.
    "ecr/sns_notification_docs_example.json": Case(
        "ecr",
        {"Content-Type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": "Notification"},
        Expected(dropped={"unsupported_event": 1}),
    ),
    "ecr/sns_subscription_confirmation.json": Case(
        "ecr",
        {
            "Content-Type": "text/plain; charset=UTF-8",
            "x-amz-sns-message-type": "SubscriptionConfirmation",
        },
        Expected(dropped={"control": 1}, response=ConfirmSubscription(SNS_CONFIRM_URL)),
    ),
    # --- Google Artifact Registry -----------------------------------------------------------
    "gar/pubsub_push_insert.json": Case(
        "gar",
        JSON,
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "my-project/my-repo/hello-world",
                    tag="1.1",
                    digest="sha256:6ec128e26cd5e5a3bb8c1b3e3b1f5f3d7a2c4e8b9f0a1b2c3d4e5f60718293a4",
                    time=at(2025, 1, 15, 10, 21, 34, 512000),
                    sender_event_id="2070443601311540",
                )
            ]
        ),
    ),
    # data is "Hello Cloud Pub/Sub! Here is my message!": acknowledged and dropped.
    "gar/pubsub_push_envelope_docs.json": Case(
        "gar", JSON, Expected(dropped={"unsupported_event": 1})
    ),
    # Unwrapped payloads (push subscription with payload unwrapping, no metadata headers).
    "gar/message_insert.json": Case(
        "gar",
        JSON,
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "my-project/my-repo/hello-world",
                    tag="1.1",
                    digest="sha256:6ec128e26cd5e5a3bb8c1b3e3b1f5f3d7a2c4e8b9f0a1b2c3d4e5f60718293a4",
                )
            ]
        ),
    ),
    "gar/message_insert_digest_only.json": Case(
        "gar",
        JSON,
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "my-project/my-repo/hello-world",
                    digest="sha256:6ec128e26cd5e5a3bb8c1b3e3b1f5f3d7a2c4e8b9f0a1b2c3d4e5f60718293a4",
                )
            ]
        ),
    ),
    "gar/message_delete_tag.json": Case(
        "gar",
        JSON,
        Expected([NormalisedEvent(DELETED, "my-project/my-repo/hello-world", tag="1.1")]),
    ),
    # --- JFrog Artifactory ------------------------------------------------------------------
    "artifactory/docker_pushed.json": Case(
        "artifactory",
        JSON,
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "docker-local/team-a/api",
                    tag="1.4.2",
                    digest="sha256:35c4a2c15539c6c1e4e5fa4e554dac323ad0107d8eb5c582d6ff386b383b7dce",
                )
            ]
        ),
    ),
    "artifactory/docker_pushed_docs_data.json": Case(
        "artifactory",
        JSON,
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "docker-remote-cache/library/ubuntu",
                    tag="latest",
                    digest="sha256:35c4a2c15539c6c1e4e5fa4e554dac323ad0107d8eb5c582d6ff386b383b7dce",
                )
            ]
        ),
    ),
    # sha256 is "sample_checksum": the digest is dropped, the tag delete kept.
    "artifactory/docker_deleted_docs_data.json": Case(
        "artifactory",
        JSON,
        Expected([NormalisedEvent(DELETED, "sample_repo/sample_arch", tag="sample_image")]),
    ),
    "artifactory/artifact_deployed_docs.json": Case(
        "artifactory", JSON, Expected(dropped={"not_container": 1})
    ),
    # --- GitHub Packages --------------------------------------------------------------------
    # package_version.version is a valid digest; container_metadata's (40 hex) is not.
    # package_url is ghcr.io/Codertocat/hello-world: with an empty tag; names lowercased.
    "github/package_published_docker.json": Case(
        "github",
        {
            "Content-Type": "application/json",
            "X-GitHub-Event": "package",
            "X-GitHub-Delivery": GITHUB_DELIVERY,
        },
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "codertocat/hello-world",
                    digest="sha256:3da1996a8115d7616457760d9920b815241d0a03b34cf5f04e9a0e9d8de37498",
                    media_type=DOCKER_V2,
                    time=at(2019, 5, 9, 23, 28, 29),  # package_version.updated_at is zero
                    sender_event_id=GITHUB_DELIVERY,
                )
            ]
        ),
    ),
    "github/registry_package_published_docker.json": Case(
        "github",
        {"Content-Type": "application/json", "X-GitHub-Event": "registry_package"},
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "codertocat/hello-world",
                    digest="sha256:3da1996a8115d7616457760d9920b815241d0a03b34cf5f04e9a0e9d8de37498",
                    media_type=DOCKER_V2,
                    time=at(2019, 5, 9, 23, 28, 29),
                )
            ]
        ),
    ),
    # --- Nexus ------------------------------------------------------------------------------
    "nexus/component_created_docker_real.json": Case(
        "nexus",
        {
            "Content-Type": "application/json; charset=UTF-8",
            "X-Nexus-Webhook-Id": "rm:repository:component",
            "X-Nexus-Webhook-Delivery": NEXUS_DELIVERY,
        },
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "app1/alpine",
                    tag="3.4",
                    time=at(2020, 4, 5, 21, 49, 44, 219000),
                    sender_event_id=NEXUS_DELIVERY,
                )
            ]
        ),
    ),
    "nexus/asset_created_docs.json": Case(
        "nexus",
        {
            "Content-Type": "application/json; charset=UTF-8",
            "X-Nexus-Webhook-Id": "rm:repository:asset",
        },
        Expected(dropped={"not_container": 1}),
    ),
    # --- Gitea ------------------------------------------------------------------------------
    # created_at is Go's zero time: no time. Container names are lowercase in Gitea.
    "gitea/package_created_container.json": Case(
        "gitea",
        {
            "Content-Type": "application/json",
            "X-Gitea-Event": "package",
            "X-Gitea-Delivery": GITEA_DELIVERY,
        },
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "user1/giteacontainer",
                    tag="latest",
                    sender_event_id=GITEA_DELIVERY,
                )
            ]
        ),
    ),
    # --- Alibaba ACR ------------------------------------------------------------------------
    # pushed_at has no time zone, so no time; repo_full_name namespace/repoTest lowercased.
    "aliyun/push.json": Case(
        "aliyun",
        JSON,
        Expected(
            [
                NormalisedEvent(
                    PUSHED,
                    "namespace/repotest",
                    tag="latest",
                    digest="sha256:457f4aa83fc9a6663ab9d1b0a6e2dce25a12a943ed5bf2c1747c58d48bbb4917",
                )
            ]
        ),
    ),
}

# Files in the sample tree that are not notification bodies for a parser.
NOT_BODIES = {
    "signature_vectors.json",  # test_gateway_auth.py
    "gar/push_auth_jwt_claims_docs.json",  # test_gateway_oidc.py
}


def check(result: ParseResult, expected: Expected) -> None:
    assert list(result.events) == expected.events
    assert {str(reason): count for reason, count in result.dropped.items()} == expected.dropped
    assert result.response == expected.response


@pytest.mark.parametrize("relative", sorted(CASES))
def test_sample_parses_to_expected_events(relative: str) -> None:
    case = CASES[relative]
    check(PARSERS[case.registry_type](case.headers, sample(relative)), case.expected)


def test_every_sample_outside_distribution_live_has_an_expectation() -> None:
    on_disk = {
        str(path.relative_to(DATA))
        for path in DATA.rglob("*.json")
        if not str(path.relative_to(DATA)).startswith("distribution-live/")
    }
    assert on_disk == set(CASES) | NOT_BODIES


def test_parsers_cover_every_registry_type() -> None:
    assert set(PARSERS) == {
        "distribution", "docker_hub", "harbor", "quay", "acr", "ecr", "gar",
        "artifactory", "github", "gitlab", "nexus", "gitea", "aliyun",
    }  # fmt: skip
