import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from regsieve.v1 import common_pb2 as _common_pb2
from regsieve.v1 import events_pb2 as _events_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Severity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEVERITY_UNSPECIFIED: _ClassVar[Severity]
    SEVERITY_UNKNOWN: _ClassVar[Severity]
    SEVERITY_LOW: _ClassVar[Severity]
    SEVERITY_MEDIUM: _ClassVar[Severity]
    SEVERITY_HIGH: _ClassVar[Severity]
    SEVERITY_CRITICAL: _ClassVar[Severity]
    SEVERITY_NONE: _ClassVar[Severity]

class ScanState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SCAN_STATE_UNSPECIFIED: _ClassVar[ScanState]
    SCAN_STATE_QUEUED: _ClassVar[ScanState]
    SCAN_STATE_RUNNING: _ClassVar[ScanState]
    SCAN_STATE_SUCCEEDED: _ClassVar[ScanState]
    SCAN_STATE_FAILED: _ClassVar[ScanState]

class FindingChangeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FINDING_CHANGE_KIND_UNSPECIFIED: _ClassVar[FindingChangeKind]
    FINDING_CHANGE_KIND_ADDED: _ClassVar[FindingChangeKind]
    FINDING_CHANGE_KIND_REMOVED: _ClassVar[FindingChangeKind]
SEVERITY_UNSPECIFIED: Severity
SEVERITY_UNKNOWN: Severity
SEVERITY_LOW: Severity
SEVERITY_MEDIUM: Severity
SEVERITY_HIGH: Severity
SEVERITY_CRITICAL: Severity
SEVERITY_NONE: Severity
SCAN_STATE_UNSPECIFIED: ScanState
SCAN_STATE_QUEUED: ScanState
SCAN_STATE_RUNNING: ScanState
SCAN_STATE_SUCCEEDED: ScanState
SCAN_STATE_FAILED: ScanState
FINDING_CHANGE_KIND_UNSPECIFIED: FindingChangeKind
FINDING_CHANGE_KIND_ADDED: FindingChangeKind
FINDING_CHANGE_KIND_REMOVED: FindingChangeKind

class ImageSelector(_message.Message):
    __slots__ = ("digest", "registry_id", "repository", "tag")
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    digest: str
    registry_id: str
    repository: str
    tag: str
    def __init__(self, digest: _Optional[str] = ..., registry_id: _Optional[str] = ..., repository: _Optional[str] = ..., tag: _Optional[str] = ...) -> None: ...

class ScanImageRequest(_message.Message):
    __slots__ = ("registry_id", "repository", "tag", "digest", "force", "platforms")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    PLATFORMS_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    repository: str
    tag: str
    digest: str
    force: bool
    platforms: _containers.RepeatedCompositeFieldContainer[_common_pb2.Platform]
    def __init__(self, registry_id: _Optional[str] = ..., repository: _Optional[str] = ..., tag: _Optional[str] = ..., digest: _Optional[str] = ..., force: _Optional[bool] = ..., platforms: _Optional[_Iterable[_Union[_common_pb2.Platform, _Mapping]]] = ...) -> None: ...

class ScanImageResponse(_message.Message):
    __slots__ = ("scan",)
    SCAN_FIELD_NUMBER: _ClassVar[int]
    scan: Scan
    def __init__(self, scan: _Optional[_Union[Scan, _Mapping]] = ...) -> None: ...

class Scan(_message.Message):
    __slots__ = ("id", "registry_id", "repository", "tag", "digest", "lane", "state", "failure_code", "failure_reason", "job_id", "reused_inventory", "findings_by_severity", "create_time", "complete_time", "attempts")
    class FindingsBySeverityEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    LANE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    FAILURE_CODE_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    REUSED_INVENTORY_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_BY_SEVERITY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    registry_id: str
    repository: str
    tag: str
    digest: str
    lane: _events_pb2.ScanLane
    state: ScanState
    failure_code: str
    failure_reason: str
    job_id: str
    reused_inventory: bool
    findings_by_severity: _containers.ScalarMap[str, int]
    create_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    attempts: int
    def __init__(self, id: _Optional[str] = ..., registry_id: _Optional[str] = ..., repository: _Optional[str] = ..., tag: _Optional[str] = ..., digest: _Optional[str] = ..., lane: _Optional[_Union[_events_pb2.ScanLane, str]] = ..., state: _Optional[_Union[ScanState, str]] = ..., failure_code: _Optional[str] = ..., failure_reason: _Optional[str] = ..., job_id: _Optional[str] = ..., reused_inventory: _Optional[bool] = ..., findings_by_severity: _Optional[_Mapping[str, int]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attempts: _Optional[int] = ...) -> None: ...

class GetScanRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetScanResponse(_message.Message):
    __slots__ = ("scan",)
    SCAN_FIELD_NUMBER: _ClassVar[int]
    scan: Scan
    def __init__(self, scan: _Optional[_Union[Scan, _Mapping]] = ...) -> None: ...

class ListScansRequest(_message.Message):
    __slots__ = ("registry_id", "digest", "state", "job_id", "page_size", "page_token")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    digest: str
    state: ScanState
    job_id: str
    page_size: int
    page_token: str
    def __init__(self, registry_id: _Optional[str] = ..., digest: _Optional[str] = ..., state: _Optional[_Union[ScanState, str]] = ..., job_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListScansResponse(_message.Message):
    __slots__ = ("scans", "next_page_token")
    SCANS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    scans: _containers.RepeatedCompositeFieldContainer[Scan]
    next_page_token: str
    def __init__(self, scans: _Optional[_Iterable[_Union[Scan, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Package(_message.Message):
    __slots__ = ("name", "version", "type", "ecosystem", "source_name", "source_version", "path", "layer", "purl")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ECOSYSTEM_FIELD_NUMBER: _ClassVar[int]
    SOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_VERSION_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    LAYER_FIELD_NUMBER: _ClassVar[int]
    PURL_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    type: str
    ecosystem: str
    source_name: str
    source_version: str
    path: str
    layer: str
    purl: str
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., type: _Optional[str] = ..., ecosystem: _Optional[str] = ..., source_name: _Optional[str] = ..., source_version: _Optional[str] = ..., path: _Optional[str] = ..., layer: _Optional[str] = ..., purl: _Optional[str] = ...) -> None: ...

class Finding(_message.Message):
    __slots__ = ("vulnerability_id", "aliases", "package", "fixed_versions", "severity", "cvss_score", "summary", "digest", "first_seen_time")
    VULNERABILITY_ID_FIELD_NUMBER: _ClassVar[int]
    ALIASES_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_FIELD_NUMBER: _ClassVar[int]
    FIXED_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    CVSS_SCORE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    FIRST_SEEN_TIME_FIELD_NUMBER: _ClassVar[int]
    vulnerability_id: str
    aliases: _containers.RepeatedScalarFieldContainer[str]
    package: Package
    fixed_versions: _containers.RepeatedScalarFieldContainer[str]
    severity: Severity
    cvss_score: float
    summary: str
    digest: str
    first_seen_time: _timestamp_pb2.Timestamp
    def __init__(self, vulnerability_id: _Optional[str] = ..., aliases: _Optional[_Iterable[str]] = ..., package: _Optional[_Union[Package, _Mapping]] = ..., fixed_versions: _Optional[_Iterable[str]] = ..., severity: _Optional[_Union[Severity, str]] = ..., cvss_score: _Optional[float] = ..., summary: _Optional[str] = ..., digest: _Optional[str] = ..., first_seen_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetImageReportRequest(_message.Message):
    __slots__ = ("image", "min_severity")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    MIN_SEVERITY_FIELD_NUMBER: _ClassVar[int]
    image: ImageSelector
    min_severity: Severity
    def __init__(self, image: _Optional[_Union[ImageSelector, _Mapping]] = ..., min_severity: _Optional[_Union[Severity, str]] = ...) -> None: ...

class ImageReport(_message.Message):
    __slots__ = ("digest", "platform_digests", "os", "os_ecosystem", "packages", "findings", "findings_by_severity", "inventory_time", "match_time")
    class FindingsBySeverityEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_DIGESTS_FIELD_NUMBER: _ClassVar[int]
    OS_FIELD_NUMBER: _ClassVar[int]
    OS_ECOSYSTEM_FIELD_NUMBER: _ClassVar[int]
    PACKAGES_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_BY_SEVERITY_FIELD_NUMBER: _ClassVar[int]
    INVENTORY_TIME_FIELD_NUMBER: _ClassVar[int]
    MATCH_TIME_FIELD_NUMBER: _ClassVar[int]
    digest: str
    platform_digests: _containers.RepeatedScalarFieldContainer[str]
    os: str
    os_ecosystem: str
    packages: _containers.RepeatedCompositeFieldContainer[Package]
    findings: _containers.RepeatedCompositeFieldContainer[Finding]
    findings_by_severity: _containers.ScalarMap[str, int]
    inventory_time: _timestamp_pb2.Timestamp
    match_time: _timestamp_pb2.Timestamp
    def __init__(self, digest: _Optional[str] = ..., platform_digests: _Optional[_Iterable[str]] = ..., os: _Optional[str] = ..., os_ecosystem: _Optional[str] = ..., packages: _Optional[_Iterable[_Union[Package, _Mapping]]] = ..., findings: _Optional[_Iterable[_Union[Finding, _Mapping]]] = ..., findings_by_severity: _Optional[_Mapping[str, int]] = ..., inventory_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., match_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetImageReportResponse(_message.Message):
    __slots__ = ("report",)
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: ImageReport
    def __init__(self, report: _Optional[_Union[ImageReport, _Mapping]] = ...) -> None: ...

class ListFindingsRequest(_message.Message):
    __slots__ = ("min_severity", "vulnerability_id", "package_name", "registry_id", "repository", "digest", "page_size", "page_token")
    MIN_SEVERITY_FIELD_NUMBER: _ClassVar[int]
    VULNERABILITY_ID_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    min_severity: Severity
    vulnerability_id: str
    package_name: str
    registry_id: str
    repository: str
    digest: str
    page_size: int
    page_token: str
    def __init__(self, min_severity: _Optional[_Union[Severity, str]] = ..., vulnerability_id: _Optional[str] = ..., package_name: _Optional[str] = ..., registry_id: _Optional[str] = ..., repository: _Optional[str] = ..., digest: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListFindingsResponse(_message.Message):
    __slots__ = ("findings", "next_page_token")
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    findings: _containers.RepeatedCompositeFieldContainer[Finding]
    next_page_token: str
    def __init__(self, findings: _Optional[_Iterable[_Union[Finding, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AffectedImage(_message.Message):
    __slots__ = ("digest", "registry_id", "repository", "tag", "packages")
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    PACKAGES_FIELD_NUMBER: _ClassVar[int]
    digest: str
    registry_id: str
    repository: str
    tag: str
    packages: _containers.RepeatedCompositeFieldContainer[Package]
    def __init__(self, digest: _Optional[str] = ..., registry_id: _Optional[str] = ..., repository: _Optional[str] = ..., tag: _Optional[str] = ..., packages: _Optional[_Iterable[_Union[Package, _Mapping]]] = ...) -> None: ...

class ListAffectedImagesRequest(_message.Message):
    __slots__ = ("vulnerability_id", "page_size", "page_token")
    VULNERABILITY_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    vulnerability_id: str
    page_size: int
    page_token: str
    def __init__(self, vulnerability_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAffectedImagesResponse(_message.Message):
    __slots__ = ("images", "next_page_token")
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[AffectedImage]
    next_page_token: str
    def __init__(self, images: _Optional[_Iterable[_Union[AffectedImage, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class FindingChangeRecord(_message.Message):
    __slots__ = ("digest", "kind", "finding", "change_time", "import_id")
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FINDING_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    IMPORT_ID_FIELD_NUMBER: _ClassVar[int]
    digest: str
    kind: FindingChangeKind
    finding: _events_pb2.FindingChange
    change_time: _timestamp_pb2.Timestamp
    import_id: str
    def __init__(self, digest: _Optional[str] = ..., kind: _Optional[_Union[FindingChangeKind, str]] = ..., finding: _Optional[_Union[_events_pb2.FindingChange, _Mapping]] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., import_id: _Optional[str] = ...) -> None: ...

class ListFindingChangesRequest(_message.Message):
    __slots__ = ("digest", "since", "page_size", "page_token")
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    digest: str
    since: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, digest: _Optional[str] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListFindingChangesResponse(_message.Message):
    __slots__ = ("changes", "next_page_token")
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[FindingChangeRecord]
    next_page_token: str
    def __init__(self, changes: _Optional[_Iterable[_Union[FindingChangeRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetSbomRequest(_message.Message):
    __slots__ = ("image",)
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    image: ImageSelector
    def __init__(self, image: _Optional[_Union[ImageSelector, _Mapping]] = ...) -> None: ...

class GetSbomResponse(_message.Message):
    __slots__ = ("cyclonedx_json",)
    CYCLONEDX_JSON_FIELD_NUMBER: _ClassVar[int]
    cyclonedx_json: str
    def __init__(self, cyclonedx_json: _Optional[str] = ...) -> None: ...

class ImportVulnerabilitiesRequest(_message.Message):
    __slots__ = ("directory", "zip_path", "url")
    DIRECTORY_FIELD_NUMBER: _ClassVar[int]
    ZIP_PATH_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    directory: str
    zip_path: str
    url: str
    def __init__(self, directory: _Optional[str] = ..., zip_path: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...

class VulnerabilityImport(_message.Message):
    __slots__ = ("id", "source", "records_read", "records_added", "records_updated", "records_unchanged", "records_withdrawn", "records_invalid", "keys_changed", "images_rematched", "images_changed", "registry_requests", "start_time", "end_time", "invalid_examples")
    ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RECORDS_READ_FIELD_NUMBER: _ClassVar[int]
    RECORDS_ADDED_FIELD_NUMBER: _ClassVar[int]
    RECORDS_UPDATED_FIELD_NUMBER: _ClassVar[int]
    RECORDS_UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    RECORDS_WITHDRAWN_FIELD_NUMBER: _ClassVar[int]
    RECORDS_INVALID_FIELD_NUMBER: _ClassVar[int]
    KEYS_CHANGED_FIELD_NUMBER: _ClassVar[int]
    IMAGES_REMATCHED_FIELD_NUMBER: _ClassVar[int]
    IMAGES_CHANGED_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    INVALID_EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    id: str
    source: str
    records_read: int
    records_added: int
    records_updated: int
    records_unchanged: int
    records_withdrawn: int
    records_invalid: int
    keys_changed: int
    images_rematched: int
    images_changed: int
    registry_requests: int
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    invalid_examples: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., source: _Optional[str] = ..., records_read: _Optional[int] = ..., records_added: _Optional[int] = ..., records_updated: _Optional[int] = ..., records_unchanged: _Optional[int] = ..., records_withdrawn: _Optional[int] = ..., records_invalid: _Optional[int] = ..., keys_changed: _Optional[int] = ..., images_rematched: _Optional[int] = ..., images_changed: _Optional[int] = ..., registry_requests: _Optional[int] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., invalid_examples: _Optional[_Iterable[str]] = ...) -> None: ...

class ImportVulnerabilitiesResponse(_message.Message):
    __slots__ = ()
    IMPORT_FIELD_NUMBER: _ClassVar[int]
    def __init__(self, **kwargs) -> None: ...

class ListImportsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListImportsResponse(_message.Message):
    __slots__ = ("imports", "next_page_token")
    IMPORTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    imports: _containers.RepeatedCompositeFieldContainer[VulnerabilityImport]
    next_page_token: str
    def __init__(self, imports: _Optional[_Iterable[_Union[VulnerabilityImport, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetDatabaseStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetDatabaseStatusResponse(_message.Message):
    __slots__ = ("records_by_ecosystem", "withdrawn_records", "last_import", "inventories")
    class RecordsByEcosystemEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    RECORDS_BY_ECOSYSTEM_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_RECORDS_FIELD_NUMBER: _ClassVar[int]
    LAST_IMPORT_FIELD_NUMBER: _ClassVar[int]
    INVENTORIES_FIELD_NUMBER: _ClassVar[int]
    records_by_ecosystem: _containers.ScalarMap[str, int]
    withdrawn_records: int
    last_import: VulnerabilityImport
    inventories: int
    def __init__(self, records_by_ecosystem: _Optional[_Mapping[str, int]] = ..., withdrawn_records: _Optional[int] = ..., last_import: _Optional[_Union[VulnerabilityImport, _Mapping]] = ..., inventories: _Optional[int] = ...) -> None: ...

class Vulnerability(_message.Message):
    __slots__ = ("id", "aliases", "summary", "severity", "cvss_score", "modify_time", "withdraw_time", "affected_packages", "osv_json")
    ID_FIELD_NUMBER: _ClassVar[int]
    ALIASES_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    CVSS_SCORE_FIELD_NUMBER: _ClassVar[int]
    MODIFY_TIME_FIELD_NUMBER: _ClassVar[int]
    WITHDRAW_TIME_FIELD_NUMBER: _ClassVar[int]
    AFFECTED_PACKAGES_FIELD_NUMBER: _ClassVar[int]
    OSV_JSON_FIELD_NUMBER: _ClassVar[int]
    id: str
    aliases: _containers.RepeatedScalarFieldContainer[str]
    summary: str
    severity: Severity
    cvss_score: float
    modify_time: _timestamp_pb2.Timestamp
    withdraw_time: _timestamp_pb2.Timestamp
    affected_packages: _containers.RepeatedScalarFieldContainer[str]
    osv_json: str
    def __init__(self, id: _Optional[str] = ..., aliases: _Optional[_Iterable[str]] = ..., summary: _Optional[str] = ..., severity: _Optional[_Union[Severity, str]] = ..., cvss_score: _Optional[float] = ..., modify_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., withdraw_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., affected_packages: _Optional[_Iterable[str]] = ..., osv_json: _Optional[str] = ...) -> None: ...

class GetVulnerabilityRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetVulnerabilityResponse(_message.Message):
    __slots__ = ("vulnerability",)
    VULNERABILITY_FIELD_NUMBER: _ClassVar[int]
    vulnerability: Vulnerability
    def __init__(self, vulnerability: _Optional[_Union[Vulnerability, _Mapping]] = ...) -> None: ...
