"""Conversions between catalog protobuf messages and domain types."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from regsieve.v1 import catalog_pb2 as pb
from regsieve.v1 import common_pb2
from services.catalog.domain import (
    Limits,
    PlatformEntry,
    RegistrySpec,
    Scope,
    StoredRegistry,
    SyncCounters,
    Tls,
    Webhook,
)
from services.catalog.registries import TestOutcome
from services.catalog.store import ImageRow, SyncRow
from services.common.registry.auth import RegistryCredentials

_TYPE_PREFIX = "REGISTRY_TYPE_"
_MODE_PREFIX = "WEBHOOK_AUTH_MODE_"


def timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def from_timestamp(ts: Timestamp, present: bool) -> datetime | None:
    return ts.ToDatetime(tzinfo=UTC) if present else None


def type_name(value: int) -> str:
    if value == pb.REGISTRY_TYPE_UNSPECIFIED:
        return ""
    try:
        return pb.RegistryType.Name(value)[len(_TYPE_PREFIX) :].lower()
    except ValueError:
        return f"unknown({value})"


def type_value(name: str) -> int:
    return int(pb.RegistryType.Value(_TYPE_PREFIX + name.upper()))


def mode_name(value: int) -> str:
    if value == pb.WEBHOOK_AUTH_MODE_UNSPECIFIED:
        return ""
    try:
        return pb.WebhookAuthMode.Name(value)[len(_MODE_PREFIX) :].lower()
    except ValueError:
        return f"unknown({value})"


def mode_value(name: str) -> int:
    return int(pb.WebhookAuthMode.Value(_MODE_PREFIX + name.upper())) if name else 0


def spec_from_proto(registry: pb.Registry) -> RegistrySpec:
    return RegistrySpec(
        name=registry.name.strip(),
        type=type_name(registry.type),
        url=registry.url.strip(),
        enabled=registry.enabled,
        limits=Limits(
            max_concurrency=registry.limits.max_concurrency,
            max_requests_per_second=registry.limits.max_requests_per_second,
            request_timeout_seconds=registry.limits.request_timeout_seconds,
        ),
        tls=Tls(
            ca_bundle_pem=registry.tls.ca_bundle_pem,
            insecure_skip_verify=registry.tls.insecure_skip_verify,
        ),
        scope=Scope(
            repositories=tuple(registry.scope.repositories),
            namespaces=tuple(registry.scope.namespaces),
            repository_prefixes=tuple(registry.scope.repository_prefixes),
        ),
        webhook=Webhook(
            auth_mode=mode_name(registry.webhook.auth_mode),
            header_name=registry.webhook.header_name,
            oidc_audience=registry.webhook.oidc_audience,
            oidc_email=registry.webhook.oidc_email,
            hmac_algorithm=registry.webhook.hmac_algorithm,
            sns_topic_arn=registry.webhook.sns_topic_arn,
        ),
        labels=dict(registry.labels),
    )


def spec_to_proto(spec: RegistrySpec) -> pb.Registry:
    return pb.Registry(
        name=spec.name,
        type=type_value(spec.type) if spec.type else 0,
        url=spec.url,
        enabled=spec.enabled,
        limits=pb.RegistryLimits(
            max_concurrency=spec.limits.max_concurrency,
            max_requests_per_second=spec.limits.max_requests_per_second,
            request_timeout_seconds=spec.limits.request_timeout_seconds,
        ),
        tls=pb.TlsOptions(
            ca_bundle_pem=spec.tls.ca_bundle_pem,
            insecure_skip_verify=spec.tls.insecure_skip_verify,
        ),
        scope=pb.RepositoryScope(
            repositories=spec.scope.repositories,
            namespaces=spec.scope.namespaces,
            repository_prefixes=spec.scope.repository_prefixes,
        ),
        webhook=pb.WebhookSettings(
            auth_mode=mode_value(spec.webhook.auth_mode),
            header_name=spec.webhook.header_name,
            oidc_audience=spec.webhook.oidc_audience,
            oidc_email=spec.webhook.oidc_email,
            hmac_algorithm=spec.webhook.hmac_algorithm,
            sns_topic_arn=spec.webhook.sns_topic_arn,
        ),
        labels=spec.labels,
    )


def registry_to_proto(registry: StoredRegistry) -> pb.Registry:
    message = spec_to_proto(registry.spec)
    message.id = registry.id
    message.credentials.CopyFrom(
        pb.CredentialsInfo(
            has_secret=registry.has_credentials_secret, username=registry.credentials_username
        )
    )
    message.webhook.has_secret = registry.has_webhook_secret
    message.create_time.FromDatetime(registry.created_at)
    message.update_time.FromDatetime(registry.updated_at)
    message.last_sync_id = registry.last_sync_id
    return message


def credentials_from_proto(credentials: pb.Credentials) -> RegistryCredentials:
    return RegistryCredentials(
        username=credentials.username, password=credentials.password, token=credentials.token
    )


_SYNC_STATES = {
    "PENDING": pb.SYNC_STATE_PENDING,
    "RUNNING": pb.SYNC_STATE_RUNNING,
    "SUCCEEDED": pb.SYNC_STATE_SUCCEEDED,
    "FAILED": pb.SYNC_STATE_FAILED,
    "CANCELLED": pb.SYNC_STATE_CANCELLED,
}


def progress_to_proto(counters: SyncCounters) -> pb.SyncProgress:
    return pb.SyncProgress(
        repositories_total=counters.repositories_total,
        repositories_done=counters.repositories_done,
        tags_seen=counters.tags_seen,
        tags_new=counters.tags_new,
        tags_changed=counters.tags_changed,
        tags_unchanged=counters.tags_unchanged,
        tags_removed=counters.tags_removed,
        tags_filtered=counters.tags_filtered,
        manifests_fetched=counters.manifests_fetched,
        configs_fetched=counters.configs_fetched,
        requests=counters.requests,
        tags_per_second=counters.tags_per_second,
        errors=[
            common_pb2.ReasonCount(reason=reason, count=entry[0], example=str(entry[1]))
            for reason, entry in sorted(counters.errors.items())
        ],
    )


def sync_to_proto(row: SyncRow) -> pb.Sync:
    message = pb.Sync(
        id=row.id,
        registry_id=row.registry_id,
        state=_SYNC_STATES.get(row.state, pb.SYNC_STATE_UNSPECIFIED),
        progress=progress_to_proto(row.progress),
        error=row.error,
        ref_filter=row.ref_filter,
        repository_filter=row.repository_filter,
        repositories=row.repositories,
    )
    message.create_time.FromDatetime(row.created_at)
    if row.started_at:
        message.start_time.FromDatetime(row.started_at)
    if row.ended_at:
        message.end_time.FromDatetime(row.ended_at)
    return message


def platform_to_proto(entry: PlatformEntry) -> pb.PlatformManifest:
    message = pb.PlatformManifest(
        platform=common_pb2.Platform(
            os=entry.os, architecture=entry.architecture, variant=entry.variant
        ),
        digest=entry.digest,
        media_type=entry.media_type,
        config_digest=entry.config_digest,
    )
    if entry.created:
        message.create_time.FromDatetime(entry.created)
    return message


def image_to_proto(row: ImageRow) -> pb.Image:
    message = pb.Image(
        registry_id=row.registry_id,
        repository=row.repository,
        tag=row.tag,
        digest=row.digest,
        media_type=row.media_type,
        config_digest=row.config_digest,
        platforms=[platform_to_proto(p) for p in row.platforms],
        removed=row.removed_at is not None,
    )
    if row.created:
        message.create_time.FromDatetime(row.created)
    message.first_seen_time.FromDatetime(row.first_seen)
    message.last_seen_time.FromDatetime(row.last_seen)
    message.digest_change_time.FromDatetime(row.digest_changed_at)
    if row.removed_at:
        message.remove_time.FromDatetime(row.removed_at)
    return message


_STAGES = {
    "OK": pb.TEST_REGISTRY_STAGE_OK,
    "CONNECT": pb.TEST_REGISTRY_STAGE_CONNECT,
    "API": pb.TEST_REGISTRY_STAGE_API,
    "AUTH": pb.TEST_REGISTRY_STAGE_AUTH,
    "CATALOG": pb.TEST_REGISTRY_STAGE_CATALOG,
}


def test_outcome_to_proto(outcome: TestOutcome) -> pb.TestRegistryResponse:
    return pb.TestRegistryResponse(
        ok=outcome.ok,
        stage=_STAGES[outcome.stage],
        message=outcome.message,
        latency_ms=outcome.latency_ms,
        auth_scheme=outcome.auth_scheme,
        sample_repositories=outcome.sample_repositories,
    )
