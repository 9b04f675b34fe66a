import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from regsieve.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RegistryType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REGISTRY_TYPE_UNSPECIFIED: _ClassVar[RegistryType]
    REGISTRY_TYPE_DISTRIBUTION: _ClassVar[RegistryType]
    REGISTRY_TYPE_DOCKER_HUB: _ClassVar[RegistryType]
    REGISTRY_TYPE_HARBOR: _ClassVar[RegistryType]
    REGISTRY_TYPE_QUAY: _ClassVar[RegistryType]
    REGISTRY_TYPE_ACR: _ClassVar[RegistryType]
    REGISTRY_TYPE_ECR: _ClassVar[RegistryType]
    REGISTRY_TYPE_GAR: _ClassVar[RegistryType]
    REGISTRY_TYPE_ARTIFACTORY: _ClassVar[RegistryType]
    REGISTRY_TYPE_GITHUB: _ClassVar[RegistryType]
    REGISTRY_TYPE_GITLAB: _ClassVar[RegistryType]
    REGISTRY_TYPE_NEXUS: _ClassVar[RegistryType]
    REGISTRY_TYPE_GITEA: _ClassVar[RegistryType]
    REGISTRY_TYPE_ALIYUN: _ClassVar[RegistryType]

class WebhookAuthMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WEBHOOK_AUTH_MODE_UNSPECIFIED: _ClassVar[WebhookAuthMode]
    WEBHOOK_AUTH_MODE_NONE: _ClassVar[WebhookAuthMode]
    WEBHOOK_AUTH_MODE_HMAC: _ClassVar[WebhookAuthMode]
    WEBHOOK_AUTH_MODE_STATIC_HEADER: _ClassVar[WebhookAuthMode]
    WEBHOOK_AUTH_MODE_BASIC: _ClassVar[WebhookAuthMode]
    WEBHOOK_AUTH_MODE_URL_TOKEN: _ClassVar[WebhookAuthMode]
    WEBHOOK_AUTH_MODE_SNS_SIGNATURE: _ClassVar[WebhookAuthMode]
    WEBHOOK_AUTH_MODE_OIDC: _ClassVar[WebhookAuthMode]

class TestRegistryStage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TEST_REGISTRY_STAGE_UNSPECIFIED: _ClassVar[TestRegistryStage]
    TEST_REGISTRY_STAGE_OK: _ClassVar[TestRegistryStage]
    TEST_REGISTRY_STAGE_CONNECT: _ClassVar[TestRegistryStage]
    TEST_REGISTRY_STAGE_API: _ClassVar[TestRegistryStage]
    TEST_REGISTRY_STAGE_AUTH: _ClassVar[TestRegistryStage]
    TEST_REGISTRY_STAGE_CATALOG: _ClassVar[TestRegistryStage]

class SyncState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SYNC_STATE_UNSPECIFIED: _ClassVar[SyncState]
    SYNC_STATE_PENDING: _ClassVar[SyncState]
    SYNC_STATE_RUNNING: _ClassVar[SyncState]
    SYNC_STATE_SUCCEEDED: _ClassVar[SyncState]
    SYNC_STATE_FAILED: _ClassVar[SyncState]
    SYNC_STATE_CANCELLED: _ClassVar[SyncState]
REGISTRY_TYPE_UNSPECIFIED: RegistryType
REGISTRY_TYPE_DISTRIBUTION: RegistryType
REGISTRY_TYPE_DOCKER_HUB: RegistryType
REGISTRY_TYPE_HARBOR: RegistryType
REGISTRY_TYPE_QUAY: RegistryType
REGISTRY_TYPE_ACR: RegistryType
REGISTRY_TYPE_ECR: RegistryType
REGISTRY_TYPE_GAR: RegistryType
REGISTRY_TYPE_ARTIFACTORY: RegistryType
REGISTRY_TYPE_GITHUB: RegistryType
REGISTRY_TYPE_GITLAB: RegistryType
REGISTRY_TYPE_NEXUS: RegistryType
REGISTRY_TYPE_GITEA: RegistryType
REGISTRY_TYPE_ALIYUN: RegistryType
WEBHOOK_AUTH_MODE_UNSPECIFIED: WebhookAuthMode
WEBHOOK_AUTH_MODE_NONE: WebhookAuthMode
WEBHOOK_AUTH_MODE_HMAC: WebhookAuthMode
WEBHOOK_AUTH_MODE_STATIC_HEADER: WebhookAuthMode
WEBHOOK_AUTH_MODE_BASIC: WebhookAuthMode
WEBHOOK_AUTH_MODE_URL_TOKEN: WebhookAuthMode
WEBHOOK_AUTH_MODE_SNS_SIGNATURE: WebhookAuthMode
WEBHOOK_AUTH_MODE_OIDC: WebhookAuthMode
TEST_REGISTRY_STAGE_UNSPECIFIED: TestRegistryStage
TEST_REGISTRY_STAGE_OK: TestRegistryStage
TEST_REGISTRY_STAGE_CONNECT: TestRegistryStage
TEST_REGISTRY_STAGE_API: TestRegistryStage
TEST_REGISTRY_STAGE_AUTH: TestRegistryStage
TEST_REGISTRY_STAGE_CATALOG: TestRegistryStage
SYNC_STATE_UNSPECIFIED: SyncState
SYNC_STATE_PENDING: SyncState
SYNC_STATE_RUNNING: SyncState
SYNC_STATE_SUCCEEDED: SyncState
SYNC_STATE_FAILED: SyncState
SYNC_STATE_CANCELLED: SyncState

class Credentials(_message.Message):
    __slots__ = ("username", "password", "token")
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    username: str
    password: str
    token: str
    def __init__(self, username: _Optional[str] = ..., password: _Optional[str] = ..., token: _Optional[str] = ...) -> None: ...

class CredentialsInfo(_message.Message):
    __slots__ = ("has_secret", "username")
    HAS_SECRET_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    has_secret: bool
    username: str
    def __init__(self, has_secret: _Optional[bool] = ..., username: _Optional[str] = ...) -> None: ...

class RegistryLimits(_message.Message):
    __slots__ = ("max_concurrency", "max_requests_per_second", "request_timeout_seconds")
    MAX_CONCURRENCY_FIELD_NUMBER: _ClassVar[int]
    MAX_REQUESTS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    REQUEST_TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    max_concurrency: int
    max_requests_per_second: float
    request_timeout_seconds: float
    def __init__(self, max_concurrency: _Optional[int] = ..., max_requests_per_second: _Optional[float] = ..., request_timeout_seconds: _Optional[float] = ...) -> None: ...

class TlsOptions(_message.Message):
    __slots__ = ("ca_bundle_pem", "insecure_skip_verify")
    CA_BUNDLE_PEM_FIELD_NUMBER: _ClassVar[int]
    INSECURE_SKIP_VERIFY_FIELD_NUMBER: _ClassVar[int]
    ca_bundle_pem: str
    insecure_skip_verify: bool
    def __init__(self, ca_bundle_pem: _Optional[str] = ..., insecure_skip_verify: _Optional[bool] = ...) -> None: ...

class RepositoryScope(_message.Message):
    __slots__ = ("repositories", "namespaces", "repository_prefixes")
    REPOSITORIES_FIELD_NUMBER: _ClassVar[int]
    NAMESPACES_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_PREFIXES_FIELD_NUMBER: _ClassVar[int]
    repositories: _containers.RepeatedScalarFieldContainer[str]
    namespaces: _containers.RepeatedScalarFieldContainer[str]
    repository_prefixes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, repositories: _Optional[_Iterable[str]] = ..., namespaces: _Optional[_Iterable[str]] = ..., repository_prefixes: _Optional[_Iterable[str]] = ...) -> None: ...

class WebhookSettings(_message.Message):
    __slots__ = ("auth_mode", "header_name", "secret", "has_secret", "oidc_audience", "oidc_email", "hmac_algorithm", "sns_topic_arn")
    AUTH_MODE_FIELD_NUMBER: _ClassVar[int]
    HEADER_NAME_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    HAS_SECRET_FIELD_NUMBER: _ClassVar[int]
    OIDC_AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    OIDC_EMAIL_FIELD_NUMBER: _ClassVar[int]
    HMAC_ALGORITHM_FIELD_NUMBER: _ClassVar[int]
    SNS_TOPIC_ARN_FIELD_NUMBER: _ClassVar[int]
    auth_mode: WebhookAuthMode
    header_name: str
    secret: str
    has_secret: bool
    oidc_audience: str
    oidc_email: str
    hmac_algorithm: str
    sns_topic_arn: str
    def __init__(self, auth_mode: _Optional[_Union[WebhookAuthMode, str]] = ..., header_name: _Optional[str] = ..., secret: _Optional[str] = ..., has_secret: _Optional[bool] = ..., oidc_audience: _Optional[str] = ..., oidc_email: _Optional[str] = ..., hmac_algorithm: _Optional[str] = ..., sns_topic_arn: _Optional[str] = ...) -> None: ...

class Registry(_message.Message):
    __slots__ = ("id", "name", "type", "url", "enabled", "limits", "tls", "scope", "credentials", "webhook", "create_time", "update_time", "last_sync_id", "labels")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    TLS_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_SYNC_ID_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    type: RegistryType
    url: str
    enabled: bool
    limits: RegistryLimits
    tls: TlsOptions
    scope: RepositoryScope
    credentials: CredentialsInfo
    webhook: WebhookSettings
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    last_sync_id: str
    labels: _containers.ScalarMap[str, str]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., type: _Optional[_Union[RegistryType, str]] = ..., url: _Optional[str] = ..., enabled: _Optional[bool] = ..., limits: _Optional[_Union[RegistryLimits, _Mapping]] = ..., tls: _Optional[_Union[TlsOptions, _Mapping]] = ..., scope: _Optional[_Union[RepositoryScope, _Mapping]] = ..., credentials: _Optional[_Union[CredentialsInfo, _Mapping]] = ..., webhook: _Optional[_Union[WebhookSettings, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_sync_id: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ...) -> None: ...

class CreateRegistryRequest(_message.Message):
    __slots__ = ("registry", "credentials")
    REGISTRY_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    registry: Registry
    credentials: Credentials
    def __init__(self, registry: _Optional[_Union[Registry, _Mapping]] = ..., credentials: _Optional[_Union[Credentials, _Mapping]] = ...) -> None: ...

class CreateRegistryResponse(_message.Message):
    __slots__ = ("registry",)
    REGISTRY_FIELD_NUMBER: _ClassVar[int]
    registry: Registry
    def __init__(self, registry: _Optional[_Union[Registry, _Mapping]] = ...) -> None: ...

class GetRegistryRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetRegistryResponse(_message.Message):
    __slots__ = ("registry",)
    REGISTRY_FIELD_NUMBER: _ClassVar[int]
    registry: Registry
    def __init__(self, registry: _Optional[_Union[Registry, _Mapping]] = ...) -> None: ...

class ListRegistriesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRegistriesResponse(_message.Message):
    __slots__ = ("registries", "next_page_token")
    REGISTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    registries: _containers.RepeatedCompositeFieldContainer[Registry]
    next_page_token: str
    def __init__(self, registries: _Optional[_Iterable[_Union[Registry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateRegistryRequest(_message.Message):
    __slots__ = ("registry", "update_mask", "credentials")
    REGISTRY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    registry: Registry
    update_mask: _field_mask_pb2.FieldMask
    credentials: Credentials
    def __init__(self, registry: _Optional[_Union[Registry, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., credentials: _Optional[_Union[Credentials, _Mapping]] = ...) -> None: ...

class UpdateRegistryResponse(_message.Message):
    __slots__ = ("registry",)
    REGISTRY_FIELD_NUMBER: _ClassVar[int]
    registry: Registry
    def __init__(self, registry: _Optional[_Union[Registry, _Mapping]] = ...) -> None: ...

class DeleteRegistryRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteRegistryResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TestRegistryRequest(_message.Message):
    __slots__ = ("id", "registry", "credentials")
    ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    id: str
    registry: Registry
    credentials: Credentials
    def __init__(self, id: _Optional[str] = ..., registry: _Optional[_Union[Registry, _Mapping]] = ..., credentials: _Optional[_Union[Credentials, _Mapping]] = ...) -> None: ...

class TestRegistryResponse(_message.Message):
    __slots__ = ("ok", "stage", "message", "latency_ms", "auth_scheme", "sample_repositories")
    OK_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    AUTH_SCHEME_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_REPOSITORIES_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    stage: TestRegistryStage
    message: str
    latency_ms: float
    auth_scheme: str
    sample_repositories: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ok: _Optional[bool] = ..., stage: _Optional[_Union[TestRegistryStage, str]] = ..., message: _Optional[str] = ..., latency_ms: _Optional[float] = ..., auth_scheme: _Optional[str] = ..., sample_repositories: _Optional[_Iterable[str]] = ...) -> None: ...

class SyncProgress(_message.Message):
    __slots__ = ("repositories_total", "repositories_done", "tags_seen", "tags_new", "tags_changed", "tags_unchanged", "tags_removed", "tags_filtered", "manifests_fetched", "configs_fetched", "requests", "errors", "tags_per_second")
    REPOSITORIES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    REPOSITORIES_DONE_FIELD_NUMBER: _ClassVar[int]
    TAGS_SEEN_FIELD_NUMBER: _ClassVar[int]
    TAGS_NEW_FIELD_NUMBER: _ClassVar[int]
    TAGS_CHANGED_FIELD_NUMBER: _ClassVar[int]
    TAGS_UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    TAGS_REMOVED_FIELD_NUMBER: _ClassVar[int]
    TAGS_FILTERED_FIELD_NUMBER: _ClassVar[int]
    MANIFESTS_FETCHED_FIELD_NUMBER: _ClassVar[int]
    CONFIGS_FETCHED_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    TAGS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    repositories_total: int
    repositories_done: int
    tags_seen: int
    tags_new: int
    tags_changed: int
    tags_unchanged: int
    tags_removed: int
    tags_filtered: int
    manifests_fetched: int
    configs_fetched: int
    requests: int
    errors: _containers.RepeatedCompositeFieldContainer[_common_pb2.ReasonCount]
    tags_per_second: float
    def __init__(self, repositories_total: _Optional[int] = ..., repositories_done: _Optional[int] = ..., tags_seen: _Optional[int] = ..., tags_new: _Optional[int] = ..., tags_changed: _Optional[int] = ..., tags_unchanged: _Optional[int] = ..., tags_removed: _Optional[int] = ..., tags_filtered: _Optional[int] = ..., manifests_fetched: _Optional[int] = ..., configs_fetched: _Optional[int] = ..., requests: _Optional[int] = ..., errors: _Optional[_Iterable[_Union[_common_pb2.ReasonCount, _Mapping]]] = ..., tags_per_second: _Optional[float] = ...) -> None: ...

class Sync(_message.Message):
    __slots__ = ("id", "registry_id", "state", "progress", "create_time", "start_time", "end_time", "error", "ref_filter", "repositories", "repository_filter")
    ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    REF_FILTER_FIELD_NUMBER: _ClassVar[int]
    REPOSITORIES_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FILTER_FIELD_NUMBER: _ClassVar[int]
    id: str
    registry_id: str
    state: SyncState
    progress: SyncProgress
    create_time: _timestamp_pb2.Timestamp
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    error: str
    ref_filter: str
    repositories: _containers.RepeatedScalarFieldContainer[str]
    repository_filter: str
    def __init__(self, id: _Optional[str] = ..., registry_id: _Optional[str] = ..., state: _Optional[_Union[SyncState, str]] = ..., progress: _Optional[_Union[SyncProgress, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error: _Optional[str] = ..., ref_filter: _Optional[str] = ..., repositories: _Optional[_Iterable[str]] = ..., repository_filter: _Optional[str] = ...) -> None: ...

class SyncRegistryRequest(_message.Message):
    __slots__ = ("registry_id", "ref_filter", "repositories", "repository_filter")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REF_FILTER_FIELD_NUMBER: _ClassVar[int]
    REPOSITORIES_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FILTER_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    ref_filter: str
    repositories: _containers.RepeatedScalarFieldContainer[str]
    repository_filter: str
    def __init__(self, registry_id: _Optional[str] = ..., ref_filter: _Optional[str] = ..., repositories: _Optional[_Iterable[str]] = ..., repository_filter: _Optional[str] = ...) -> None: ...

class SyncRegistryResponse(_message.Message):
    __slots__ = ("sync",)
    SYNC_FIELD_NUMBER: _ClassVar[int]
    sync: Sync
    def __init__(self, sync: _Optional[_Union[Sync, _Mapping]] = ...) -> None: ...

class GetSyncRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetSyncResponse(_message.Message):
    __slots__ = ("sync",)
    SYNC_FIELD_NUMBER: _ClassVar[int]
    sync: Sync
    def __init__(self, sync: _Optional[_Union[Sync, _Mapping]] = ...) -> None: ...

class ListSyncsRequest(_message.Message):
    __slots__ = ("registry_id", "page_size", "page_token")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    page_size: int
    page_token: str
    def __init__(self, registry_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSyncsResponse(_message.Message):
    __slots__ = ("syncs", "next_page_token")
    SYNCS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    syncs: _containers.RepeatedCompositeFieldContainer[Sync]
    next_page_token: str
    def __init__(self, syncs: _Optional[_Iterable[_Union[Sync, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class WatchSyncRequest(_message.Message):
    __slots__ = ("id", "interval_ms")
    ID_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    id: str
    interval_ms: int
    def __init__(self, id: _Optional[str] = ..., interval_ms: _Optional[int] = ...) -> None: ...

class WatchSyncResponse(_message.Message):
    __slots__ = ("sync",)
    SYNC_FIELD_NUMBER: _ClassVar[int]
    sync: Sync
    def __init__(self, sync: _Optional[_Union[Sync, _Mapping]] = ...) -> None: ...

class CancelSyncRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CancelSyncResponse(_message.Message):
    __slots__ = ("sync",)
    SYNC_FIELD_NUMBER: _ClassVar[int]
    sync: Sync
    def __init__(self, sync: _Optional[_Union[Sync, _Mapping]] = ...) -> None: ...

class Repository(_message.Message):
    __slots__ = ("registry_id", "name", "tag_count", "first_seen_time", "last_seen_time", "removed")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TAG_COUNT_FIELD_NUMBER: _ClassVar[int]
    FIRST_SEEN_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_TIME_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    name: str
    tag_count: int
    first_seen_time: _timestamp_pb2.Timestamp
    last_seen_time: _timestamp_pb2.Timestamp
    removed: bool
    def __init__(self, registry_id: _Optional[str] = ..., name: _Optional[str] = ..., tag_count: _Optional[int] = ..., first_seen_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_seen_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., removed: _Optional[bool] = ...) -> None: ...

class ListRepositoriesRequest(_message.Message):
    __slots__ = ("registry_id", "name_prefix", "include_removed", "page_size", "page_token")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_PREFIX_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REMOVED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    name_prefix: str
    include_removed: bool
    page_size: int
    page_token: str
    def __init__(self, registry_id: _Optional[str] = ..., name_prefix: _Optional[str] = ..., include_removed: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRepositoriesResponse(_message.Message):
    __slots__ = ("repositories", "next_page_token")
    REPOSITORIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    repositories: _containers.RepeatedCompositeFieldContainer[Repository]
    next_page_token: str
    def __init__(self, repositories: _Optional[_Iterable[_Union[Repository, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PlatformManifest(_message.Message):
    __slots__ = ("platform", "digest", "media_type", "config_digest", "create_time")
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_DIGEST_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    platform: _common_pb2.Platform
    digest: str
    media_type: str
    config_digest: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, platform: _Optional[_Union[_common_pb2.Platform, _Mapping]] = ..., digest: _Optional[str] = ..., media_type: _Optional[str] = ..., config_digest: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ImageRef(_message.Message):
    __slots__ = ("repository", "tag")
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    repository: str
    tag: str
    def __init__(self, repository: _Optional[str] = ..., tag: _Optional[str] = ...) -> None: ...

class Image(_message.Message):
    __slots__ = ("registry_id", "repository", "tag", "digest", "media_type", "config_digest", "create_time", "platforms", "first_seen_time", "last_seen_time", "removed", "remove_time", "digest_change_time")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_DIGEST_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PLATFORMS_FIELD_NUMBER: _ClassVar[int]
    FIRST_SEEN_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_TIME_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    REMOVE_TIME_FIELD_NUMBER: _ClassVar[int]
    DIGEST_CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    repository: str
    tag: str
    digest: str
    media_type: str
    config_digest: str
    create_time: _timestamp_pb2.Timestamp
    platforms: _containers.RepeatedCompositeFieldContainer[PlatformManifest]
    first_seen_time: _timestamp_pb2.Timestamp
    last_seen_time: _timestamp_pb2.Timestamp
    removed: bool
    remove_time: _timestamp_pb2.Timestamp
    digest_change_time: _timestamp_pb2.Timestamp
    def __init__(self, registry_id: _Optional[str] = ..., repository: _Optional[str] = ..., tag: _Optional[str] = ..., digest: _Optional[str] = ..., media_type: _Optional[str] = ..., config_digest: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., platforms: _Optional[_Iterable[_Union[PlatformManifest, _Mapping]]] = ..., first_seen_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_seen_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., removed: _Optional[bool] = ..., remove_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., digest_change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListImagesRequest(_message.Message):
    __slots__ = ("registry_id", "repository", "repository_prefix", "tag_contains", "created_after", "created_before", "include_removed", "page_size", "page_token", "digest")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_PREFIX_FIELD_NUMBER: _ClassVar[int]
    TAG_CONTAINS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AFTER_FIELD_NUMBER: _ClassVar[int]
    CREATED_BEFORE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REMOVED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    repository: str
    repository_prefix: str
    tag_contains: str
    created_after: _timestamp_pb2.Timestamp
    created_before: _timestamp_pb2.Timestamp
    include_removed: bool
    page_size: int
    page_token: str
    digest: str
    def __init__(self, registry_id: _Optional[str] = ..., repository: _Optional[str] = ..., repository_prefix: _Optional[str] = ..., tag_contains: _Optional[str] = ..., created_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., include_removed: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., digest: _Optional[str] = ...) -> None: ...

class ListImagesResponse(_message.Message):
    __slots__ = ("images", "next_page_token")
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[Image]
    next_page_token: str
    def __init__(self, images: _Optional[_Iterable[_Union[Image, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class StreamImagesRequest(_message.Message):
    __slots__ = ("registry_id", "include_removed", "batch_size")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REMOVED_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    include_removed: bool
    batch_size: int
    def __init__(self, registry_id: _Optional[str] = ..., include_removed: _Optional[bool] = ..., batch_size: _Optional[int] = ...) -> None: ...

class StreamImagesResponse(_message.Message):
    __slots__ = ("images",)
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[Image]
    def __init__(self, images: _Optional[_Iterable[_Union[Image, _Mapping]]] = ...) -> None: ...

class GetImageRequest(_message.Message):
    __slots__ = ("registry_id", "repository", "tag", "digest")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    repository: str
    tag: str
    digest: str
    def __init__(self, registry_id: _Optional[str] = ..., repository: _Optional[str] = ..., tag: _Optional[str] = ..., digest: _Optional[str] = ...) -> None: ...

class GetImageResponse(_message.Message):
    __slots__ = ("image", "references")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    REFERENCES_FIELD_NUMBER: _ClassVar[int]
    image: Image
    references: _containers.RepeatedCompositeFieldContainer[ImageRef]
    def __init__(self, image: _Optional[_Union[Image, _Mapping]] = ..., references: _Optional[_Iterable[_Union[ImageRef, _Mapping]]] = ...) -> None: ...

class ResolveImageRequest(_message.Message):
    __slots__ = ("registry_id", "repository", "tag", "digest")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    repository: str
    tag: str
    digest: str
    def __init__(self, registry_id: _Optional[str] = ..., repository: _Optional[str] = ..., tag: _Optional[str] = ..., digest: _Optional[str] = ...) -> None: ...

class ResolveImageResponse(_message.Message):
    __slots__ = ("image",)
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    image: Image
    def __init__(self, image: _Optional[_Union[Image, _Mapping]] = ...) -> None: ...

class RemoveImageRequest(_message.Message):
    __slots__ = ("registry_id", "repository", "tag", "digest")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    repository: str
    tag: str
    digest: str
    def __init__(self, registry_id: _Optional[str] = ..., repository: _Optional[str] = ..., tag: _Optional[str] = ..., digest: _Optional[str] = ...) -> None: ...

class RemoveImageResponse(_message.Message):
    __slots__ = ("removed",)
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    removed: int
    def __init__(self, removed: _Optional[int] = ...) -> None: ...

class GetRegistryAccessRequest(_message.Message):
    __slots__ = ("registry_id",)
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    def __init__(self, registry_id: _Optional[str] = ...) -> None: ...

class GetRegistryAccessResponse(_message.Message):
    __slots__ = ("registry", "credentials", "webhook_secret")
    REGISTRY_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_SECRET_FIELD_NUMBER: _ClassVar[int]
    registry: Registry
    credentials: Credentials
    webhook_secret: str
    def __init__(self, registry: _Optional[_Union[Registry, _Mapping]] = ..., credentials: _Optional[_Union[Credentials, _Mapping]] = ..., webhook_secret: _Optional[str] = ...) -> None: ...
