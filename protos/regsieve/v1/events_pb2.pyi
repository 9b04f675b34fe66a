import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from regsieve.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RegistryEventAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REGISTRY_EVENT_ACTION_UNSPECIFIED: _ClassVar[RegistryEventAction]
    REGISTRY_EVENT_ACTION_PUSHED: _ClassVar[RegistryEventAction]
    REGISTRY_EVENT_ACTION_DELETED: _ClassVar[RegistryEventAction]

class ScanLane(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SCAN_LANE_UNSPECIFIED: _ClassVar[ScanLane]
    SCAN_LANE_PUSH: _ClassVar[ScanLane]
    SCAN_LANE_MANUAL: _ClassVar[ScanLane]
    SCAN_LANE_SWEEP: _ClassVar[ScanLane]
    SCAN_LANE_RESCAN: _ClassVar[ScanLane]

class ScanOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SCAN_OUTCOME_UNSPECIFIED: _ClassVar[ScanOutcome]
    SCAN_OUTCOME_SUCCEEDED: _ClassVar[ScanOutcome]
    SCAN_OUTCOME_FAILED: _ClassVar[ScanOutcome]
REGISTRY_EVENT_ACTION_UNSPECIFIED: RegistryEventAction
REGISTRY_EVENT_ACTION_PUSHED: RegistryEventAction
REGISTRY_EVENT_ACTION_DELETED: RegistryEventAction
SCAN_LANE_UNSPECIFIED: ScanLane
SCAN_LANE_PUSH: ScanLane
SCAN_LANE_MANUAL: ScanLane
SCAN_LANE_SWEEP: ScanLane
SCAN_LANE_RESCAN: ScanLane
SCAN_OUTCOME_UNSPECIFIED: ScanOutcome
SCAN_OUTCOME_SUCCEEDED: ScanOutcome
SCAN_OUTCOME_FAILED: ScanOutcome

class RegistryEvent(_message.Message):
    __slots__ = ("id", "registry_id", "action", "repository", "tag", "digest", "media_type", "event_time", "receive_time", "sender_event_id", "registry_type")
    ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    RECEIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    SENDER_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_TYPE_FIELD_NUMBER: _ClassVar[int]
    id: str
    registry_id: str
    action: RegistryEventAction
    repository: str
    tag: str
    digest: str
    media_type: str
    event_time: _timestamp_pb2.Timestamp
    receive_time: _timestamp_pb2.Timestamp
    sender_event_id: str
    registry_type: str
    def __init__(self, id: _Optional[str] = ..., registry_id: _Optional[str] = ..., action: _Optional[_Union[RegistryEventAction, str]] = ..., repository: _Optional[str] = ..., tag: _Optional[str] = ..., digest: _Optional[str] = ..., media_type: _Optional[str] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., receive_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sender_event_id: _Optional[str] = ..., registry_type: _Optional[str] = ...) -> None: ...

class ScanRequest(_message.Message):
    __slots__ = ("id", "registry_id", "repository", "tag", "digest", "lane", "job_id", "rule_set_id", "rule_set_revision", "reason", "request_time", "platforms", "force")
    ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    LANE_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_REVISION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_TIME_FIELD_NUMBER: _ClassVar[int]
    PLATFORMS_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    id: str
    registry_id: str
    repository: str
    tag: str
    digest: str
    lane: ScanLane
    job_id: str
    rule_set_id: str
    rule_set_revision: int
    reason: str
    request_time: _timestamp_pb2.Timestamp
    platforms: _containers.RepeatedCompositeFieldContainer[_common_pb2.Platform]
    force: bool
    def __init__(self, id: _Optional[str] = ..., registry_id: _Optional[str] = ..., repository: _Optional[str] = ..., tag: _Optional[str] = ..., digest: _Optional[str] = ..., lane: _Optional[_Union[ScanLane, str]] = ..., job_id: _Optional[str] = ..., rule_set_id: _Optional[str] = ..., rule_set_revision: _Optional[int] = ..., reason: _Optional[str] = ..., request_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., platforms: _Optional[_Iterable[_Union[_common_pb2.Platform, _Mapping]]] = ..., force: _Optional[bool] = ...) -> None: ...

class ScanResult(_message.Message):
    __slots__ = ("id", "request_id", "registry_id", "repository", "tag", "digest", "job_id", "lane", "outcome", "failure_code", "failure_reason", "findings_by_severity", "package_count", "reused_inventory", "complete_time", "duration_seconds")
    class FindingsBySeverityEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    LANE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    FAILURE_CODE_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_BY_SEVERITY_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    REUSED_INVENTORY_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    request_id: str
    registry_id: str
    repository: str
    tag: str
    digest: str
    job_id: str
    lane: ScanLane
    outcome: ScanOutcome
    failure_code: str
    failure_reason: str
    findings_by_severity: _containers.ScalarMap[str, int]
    package_count: int
    reused_inventory: bool
    complete_time: _timestamp_pb2.Timestamp
    duration_seconds: float
    def __init__(self, id: _Optional[str] = ..., request_id: _Optional[str] = ..., registry_id: _Optional[str] = ..., repository: _Optional[str] = ..., tag: _Optional[str] = ..., digest: _Optional[str] = ..., job_id: _Optional[str] = ..., lane: _Optional[_Union[ScanLane, str]] = ..., outcome: _Optional[_Union[ScanOutcome, str]] = ..., failure_code: _Optional[str] = ..., failure_reason: _Optional[str] = ..., findings_by_severity: _Optional[_Mapping[str, int]] = ..., package_count: _Optional[int] = ..., reused_inventory: _Optional[bool] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration_seconds: _Optional[float] = ...) -> None: ...

class FindingChange(_message.Message):
    __slots__ = ("vulnerability_id", "package_name", "package_version", "ecosystem", "severity")
    VULNERABILITY_ID_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_VERSION_FIELD_NUMBER: _ClassVar[int]
    ECOSYSTEM_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    vulnerability_id: str
    package_name: str
    package_version: str
    ecosystem: str
    severity: str
    def __init__(self, vulnerability_id: _Optional[str] = ..., package_name: _Optional[str] = ..., package_version: _Optional[str] = ..., ecosystem: _Optional[str] = ..., severity: _Optional[str] = ...) -> None: ...

class FindingsChanged(_message.Message):
    __slots__ = ("id", "digest", "import_id", "added", "removed", "change_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    IMPORT_ID_FIELD_NUMBER: _ClassVar[int]
    ADDED_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    digest: str
    import_id: str
    added: _containers.RepeatedCompositeFieldContainer[FindingChange]
    removed: _containers.RepeatedCompositeFieldContainer[FindingChange]
    change_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., digest: _Optional[str] = ..., import_id: _Optional[str] = ..., added: _Optional[_Iterable[_Union[FindingChange, _Mapping]]] = ..., removed: _Optional[_Iterable[_Union[FindingChange, _Mapping]]] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
