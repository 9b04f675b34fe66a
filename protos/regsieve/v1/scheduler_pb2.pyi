import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from regsieve.v1 import catalog_pb2 as _catalog_pb2
from regsieve.v1 import common_pb2 as _common_pb2
from regsieve.v1 import events_pb2 as _events_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ScheduleKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SCHEDULE_KIND_UNSPECIFIED: _ClassVar[ScheduleKind]
    SCHEDULE_KIND_SWEEP: _ClassVar[ScheduleKind]
    SCHEDULE_KIND_RESCAN: _ClassVar[ScheduleKind]

class Weekday(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WEEKDAY_UNSPECIFIED: _ClassVar[Weekday]
    WEEKDAY_MONDAY: _ClassVar[Weekday]
    WEEKDAY_TUESDAY: _ClassVar[Weekday]
    WEEKDAY_WEDNESDAY: _ClassVar[Weekday]
    WEEKDAY_THURSDAY: _ClassVar[Weekday]
    WEEKDAY_FRIDAY: _ClassVar[Weekday]
    WEEKDAY_SATURDAY: _ClassVar[Weekday]
    WEEKDAY_SUNDAY: _ClassVar[Weekday]

class JobKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_KIND_UNSPECIFIED: _ClassVar[JobKind]
    JOB_KIND_SWEEP: _ClassVar[JobKind]
    JOB_KIND_RESCAN: _ClassVar[JobKind]
    JOB_KIND_MANUAL: _ClassVar[JobKind]

class JobState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_STATE_UNSPECIFIED: _ClassVar[JobState]
    JOB_STATE_PENDING: _ClassVar[JobState]
    JOB_STATE_RUNNING: _ClassVar[JobState]
    JOB_STATE_PAUSED: _ClassVar[JobState]
    JOB_STATE_SUCCEEDED: _ClassVar[JobState]
    JOB_STATE_FAILED: _ClassVar[JobState]
    JOB_STATE_CANCELLED: _ClassVar[JobState]

class EventDecisionOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVENT_DECISION_OUTCOME_UNSPECIFIED: _ClassVar[EventDecisionOutcome]
    EVENT_DECISION_OUTCOME_QUEUED: _ClassVar[EventDecisionOutcome]
    EVENT_DECISION_OUTCOME_SKIPPED: _ClassVar[EventDecisionOutcome]
    EVENT_DECISION_OUTCOME_REMOVED: _ClassVar[EventDecisionOutcome]
    EVENT_DECISION_OUTCOME_FAILED: _ClassVar[EventDecisionOutcome]
SCHEDULE_KIND_UNSPECIFIED: ScheduleKind
SCHEDULE_KIND_SWEEP: ScheduleKind
SCHEDULE_KIND_RESCAN: ScheduleKind
WEEKDAY_UNSPECIFIED: Weekday
WEEKDAY_MONDAY: Weekday
WEEKDAY_TUESDAY: Weekday
WEEKDAY_WEDNESDAY: Weekday
WEEKDAY_THURSDAY: Weekday
WEEKDAY_FRIDAY: Weekday
WEEKDAY_SATURDAY: Weekday
WEEKDAY_SUNDAY: Weekday
JOB_KIND_UNSPECIFIED: JobKind
JOB_KIND_SWEEP: JobKind
JOB_KIND_RESCAN: JobKind
JOB_KIND_MANUAL: JobKind
JOB_STATE_UNSPECIFIED: JobState
JOB_STATE_PENDING: JobState
JOB_STATE_RUNNING: JobState
JOB_STATE_PAUSED: JobState
JOB_STATE_SUCCEEDED: JobState
JOB_STATE_FAILED: JobState
JOB_STATE_CANCELLED: JobState
EVENT_DECISION_OUTCOME_UNSPECIFIED: EventDecisionOutcome
EVENT_DECISION_OUTCOME_QUEUED: EventDecisionOutcome
EVENT_DECISION_OUTCOME_SKIPPED: EventDecisionOutcome
EVENT_DECISION_OUTCOME_REMOVED: EventDecisionOutcome
EVENT_DECISION_OUTCOME_FAILED: EventDecisionOutcome

class Schedule(_message.Message):
    __slots__ = ("id", "registry_id", "rule_set_id", "kind", "daily_time", "cron", "weekdays", "every_n_days", "start_date", "time_zone", "window_end", "window_duration", "max_images_per_run", "enabled", "next_fire_time", "last_fire_time", "last_job_id", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DAILY_TIME_FIELD_NUMBER: _ClassVar[int]
    CRON_FIELD_NUMBER: _ClassVar[int]
    WEEKDAYS_FIELD_NUMBER: _ClassVar[int]
    EVERY_N_DAYS_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_FIELD_NUMBER: _ClassVar[int]
    WINDOW_DURATION_FIELD_NUMBER: _ClassVar[int]
    MAX_IMAGES_PER_RUN_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_FIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_JOB_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    registry_id: str
    rule_set_id: str
    kind: ScheduleKind
    daily_time: str
    cron: str
    weekdays: _containers.RepeatedScalarFieldContainer[Weekday]
    every_n_days: int
    start_date: str
    time_zone: str
    window_end: str
    window_duration: _duration_pb2.Duration
    max_images_per_run: int
    enabled: bool
    next_fire_time: _timestamp_pb2.Timestamp
    last_fire_time: _timestamp_pb2.Timestamp
    last_job_id: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., registry_id: _Optional[str] = ..., rule_set_id: _Optional[str] = ..., kind: _Optional[_Union[ScheduleKind, str]] = ..., daily_time: _Optional[str] = ..., cron: _Optional[str] = ..., weekdays: _Optional[_Iterable[_Union[Weekday, str]]] = ..., every_n_days: _Optional[int] = ..., start_date: _Optional[str] = ..., time_zone: _Optional[str] = ..., window_end: _Optional[str] = ..., window_duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., max_images_per_run: _Optional[int] = ..., enabled: _Optional[bool] = ..., next_fire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_fire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_job_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateScheduleRequest(_message.Message):
    __slots__ = ("schedule",)
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: Schedule
    def __init__(self, schedule: _Optional[_Union[Schedule, _Mapping]] = ...) -> None: ...

class CreateScheduleResponse(_message.Message):
    __slots__ = ("schedule",)
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: Schedule
    def __init__(self, schedule: _Optional[_Union[Schedule, _Mapping]] = ...) -> None: ...

class GetScheduleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetScheduleResponse(_message.Message):
    __slots__ = ("schedule",)
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: Schedule
    def __init__(self, schedule: _Optional[_Union[Schedule, _Mapping]] = ...) -> None: ...

class ListSchedulesRequest(_message.Message):
    __slots__ = ("registry_id", "rule_set_id", "page_size", "page_token")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    rule_set_id: str
    page_size: int
    page_token: str
    def __init__(self, registry_id: _Optional[str] = ..., rule_set_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSchedulesResponse(_message.Message):
    __slots__ = ("schedules", "next_page_token")
    SCHEDULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    schedules: _containers.RepeatedCompositeFieldContainer[Schedule]
    next_page_token: str
    def __init__(self, schedules: _Optional[_Iterable[_Union[Schedule, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateScheduleRequest(_message.Message):
    __slots__ = ("schedule", "update_mask")
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    schedule: Schedule
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, schedule: _Optional[_Union[Schedule, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateScheduleResponse(_message.Message):
    __slots__ = ("schedule",)
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: Schedule
    def __init__(self, schedule: _Optional[_Union[Schedule, _Mapping]] = ...) -> None: ...

class DeleteScheduleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteScheduleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class JobProgress(_message.Message):
    __slots__ = ("discovered", "selected", "skipped", "skipped_total", "queued", "scanned", "failed", "failed_total", "images_per_second", "eta")
    DISCOVERED_FIELD_NUMBER: _ClassVar[int]
    SELECTED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_TOTAL_FIELD_NUMBER: _ClassVar[int]
    QUEUED_FIELD_NUMBER: _ClassVar[int]
    SCANNED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    FAILED_TOTAL_FIELD_NUMBER: _ClassVar[int]
    IMAGES_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    ETA_FIELD_NUMBER: _ClassVar[int]
    discovered: int
    selected: int
    skipped: _containers.RepeatedCompositeFieldContainer[_common_pb2.ReasonCount]
    skipped_total: int
    queued: int
    scanned: int
    failed: _containers.RepeatedCompositeFieldContainer[_common_pb2.ReasonCount]
    failed_total: int
    images_per_second: float
    eta: _duration_pb2.Duration
    def __init__(self, discovered: _Optional[int] = ..., selected: _Optional[int] = ..., skipped: _Optional[_Iterable[_Union[_common_pb2.ReasonCount, _Mapping]]] = ..., skipped_total: _Optional[int] = ..., queued: _Optional[int] = ..., scanned: _Optional[int] = ..., failed: _Optional[_Iterable[_Union[_common_pb2.ReasonCount, _Mapping]]] = ..., failed_total: _Optional[int] = ..., images_per_second: _Optional[float] = ..., eta: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class Job(_message.Message):
    __slots__ = ("id", "registry_id", "rule_set_id", "rule_set_revision", "schedule_id", "kind", "state", "progress", "create_time", "start_time", "end_time", "fire_time", "window_end_time", "resume_time", "resume_after", "max_images_per_run", "error", "owner")
    ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_REVISION_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_TIME_FIELD_NUMBER: _ClassVar[int]
    RESUME_TIME_FIELD_NUMBER: _ClassVar[int]
    RESUME_AFTER_FIELD_NUMBER: _ClassVar[int]
    MAX_IMAGES_PER_RUN_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    id: str
    registry_id: str
    rule_set_id: str
    rule_set_revision: int
    schedule_id: str
    kind: JobKind
    state: JobState
    progress: JobProgress
    create_time: _timestamp_pb2.Timestamp
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    fire_time: _timestamp_pb2.Timestamp
    window_end_time: _timestamp_pb2.Timestamp
    resume_time: _timestamp_pb2.Timestamp
    resume_after: _catalog_pb2.ImageRef
    max_images_per_run: int
    error: str
    owner: str
    def __init__(self, id: _Optional[str] = ..., registry_id: _Optional[str] = ..., rule_set_id: _Optional[str] = ..., rule_set_revision: _Optional[int] = ..., schedule_id: _Optional[str] = ..., kind: _Optional[_Union[JobKind, str]] = ..., state: _Optional[_Union[JobState, str]] = ..., progress: _Optional[_Union[JobProgress, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., fire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., window_end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resume_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resume_after: _Optional[_Union[_catalog_pb2.ImageRef, _Mapping]] = ..., max_images_per_run: _Optional[int] = ..., error: _Optional[str] = ..., owner: _Optional[str] = ...) -> None: ...

class RunNowRequest(_message.Message):
    __slots__ = ("registry_id", "rule_set_id", "kind", "max_images", "images", "force")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MAX_IMAGES_FIELD_NUMBER: _ClassVar[int]
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    rule_set_id: str
    kind: JobKind
    max_images: int
    images: _containers.RepeatedCompositeFieldContainer[_catalog_pb2.ImageRef]
    force: bool
    def __init__(self, registry_id: _Optional[str] = ..., rule_set_id: _Optional[str] = ..., kind: _Optional[_Union[JobKind, str]] = ..., max_images: _Optional[int] = ..., images: _Optional[_Iterable[_Union[_catalog_pb2.ImageRef, _Mapping]]] = ..., force: _Optional[bool] = ...) -> None: ...

class RunNowResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class GetJobRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class ListJobsRequest(_message.Message):
    __slots__ = ("registry_id", "kind", "state", "schedule_id", "page_size", "page_token")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    kind: JobKind
    state: JobState
    schedule_id: str
    page_size: int
    page_token: str
    def __init__(self, registry_id: _Optional[str] = ..., kind: _Optional[_Union[JobKind, str]] = ..., state: _Optional[_Union[JobState, str]] = ..., schedule_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListJobsResponse(_message.Message):
    __slots__ = ("jobs", "next_page_token")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[Job]
    next_page_token: str
    def __init__(self, jobs: _Optional[_Iterable[_Union[Job, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CancelJobRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CancelJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class WatchJobRequest(_message.Message):
    __slots__ = ("id", "interval_ms")
    ID_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    id: str
    interval_ms: int
    def __init__(self, id: _Optional[str] = ..., interval_ms: _Optional[int] = ...) -> None: ...

class WatchJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class EventDecision(_message.Message):
    __slots__ = ("event_id", "registry_id", "action", "repository", "tag", "digest", "image_create_time", "outcome", "reason", "explanation", "rule_set_id", "rule_set_revision", "scan_request_id", "event_time", "decide_time", "deliveries")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    IMAGE_CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_REVISION_FIELD_NUMBER: _ClassVar[int]
    SCAN_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    registry_id: str
    action: _events_pb2.RegistryEventAction
    repository: str
    tag: str
    digest: str
    image_create_time: _timestamp_pb2.Timestamp
    outcome: EventDecisionOutcome
    reason: str
    explanation: str
    rule_set_id: str
    rule_set_revision: int
    scan_request_id: str
    event_time: _timestamp_pb2.Timestamp
    decide_time: _timestamp_pb2.Timestamp
    deliveries: int
    def __init__(self, event_id: _Optional[str] = ..., registry_id: _Optional[str] = ..., action: _Optional[_Union[_events_pb2.RegistryEventAction, str]] = ..., repository: _Optional[str] = ..., tag: _Optional[str] = ..., digest: _Optional[str] = ..., image_create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., outcome: _Optional[_Union[EventDecisionOutcome, str]] = ..., reason: _Optional[str] = ..., explanation: _Optional[str] = ..., rule_set_id: _Optional[str] = ..., rule_set_revision: _Optional[int] = ..., scan_request_id: _Optional[str] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., deliveries: _Optional[int] = ...) -> None: ...

class GetEventDecisionRequest(_message.Message):
    __slots__ = ("event_id",)
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    def __init__(self, event_id: _Optional[str] = ...) -> None: ...

class GetEventDecisionResponse(_message.Message):
    __slots__ = ("decision",)
    DECISION_FIELD_NUMBER: _ClassVar[int]
    decision: EventDecision
    def __init__(self, decision: _Optional[_Union[EventDecision, _Mapping]] = ...) -> None: ...

class ListEventDecisionsRequest(_message.Message):
    __slots__ = ("registry_id", "repository", "outcome", "decided_after", "page_size", "page_token")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AFTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    repository: str
    outcome: EventDecisionOutcome
    decided_after: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, registry_id: _Optional[str] = ..., repository: _Optional[str] = ..., outcome: _Optional[_Union[EventDecisionOutcome, str]] = ..., decided_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListEventDecisionsResponse(_message.Message):
    __slots__ = ("decisions", "next_page_token")
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    decisions: _containers.RepeatedCompositeFieldContainer[EventDecision]
    next_page_token: str
    def __init__(self, decisions: _Optional[_Iterable[_Union[EventDecision, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
