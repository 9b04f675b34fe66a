"""Conversions between scheduler protobuf messages and the domain and store types."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from google.protobuf import duration_pb2, field_mask_pb2, timestamp_pb2

from regsieve.v1 import catalog_pb2, common_pb2, events_pb2
from regsieve.v1 import scheduler_pb2 as pb
from services.common.errors import InvalidArgument
from services.scheduler.domain import EventOutcome, JobKind, JobState, Phase
from services.scheduler.progress import JobProgress, ProgressSnapshot, ReasonCount
from services.scheduler.schedule import ScheduleKind, ScheduleSpec, Weekday
from services.scheduler.store import DecisionRow, JobCounts, JobRow, ScheduleRow

SCHEDULE_KINDS = {
    pb.SCHEDULE_KIND_SWEEP: ScheduleKind.SWEEP,
    pb.SCHEDULE_KIND_RESCAN: ScheduleKind.RESCAN,
}
SCHEDULE_KIND_TO_PROTO = {v: k for k, v in SCHEDULE_KINDS.items()}
JOB_KINDS = {
    pb.JOB_KIND_SWEEP: JobKind.SWEEP,
    pb.JOB_KIND_RESCAN: JobKind.RESCAN,
    pb.JOB_KIND_MANUAL: JobKind.MANUAL,
}
JOB_KIND_TO_PROTO = {v: k for k, v in JOB_KINDS.items()}
JOB_STATES = {
    pb.JOB_STATE_PENDING: JobState.PENDING,
    pb.JOB_STATE_RUNNING: JobState.RUNNING,
    pb.JOB_STATE_PAUSED: JobState.PAUSED,
    pb.JOB_STATE_SUCCEEDED: JobState.SUCCEEDED,
    pb.JOB_STATE_FAILED: JobState.FAILED,
    pb.JOB_STATE_CANCELLED: JobState.CANCELLED,
}
JOB_STATE_TO_PROTO = {v: k for k, v in JOB_STATES.items()}
OUTCOMES = {
    pb.EVENT_DECISION_OUTCOME_QUEUED: EventOutcome.QUEUED,
    pb.EVENT_DECISION_OUTCOME_SKIPPED: EventOutcome.SKIPPED,
    pb.EVENT_DECISION_OUTCOME_REMOVED: EventOutcome.REMOVED,
    pb.EVENT_DECISION_OUTCOME_FAILED: EventOutcome.FAILED,
}
OUTCOME_TO_PROTO = {v: k for k, v in OUTCOMES.items()}
JOB_KIND_NAMES = {k: str(v) for k, v in JOB_KINDS.items()}
JOB_STATE_NAMES = {k: str(v) for k, v in JOB_STATES.items()}
OUTCOME_NAMES = {k: str(v) for k, v in OUTCOMES.items()}
ACTION_TO_PROTO = {
    "pushed": events_pb2.REGISTRY_EVENT_ACTION_PUSHED,
    "deleted": events_pb2.REGISTRY_EVENT_ACTION_DELETED,
}
# Schedule fields a client may write (UpdateSchedule's mask paths).
WRITABLE_SCHEDULE_FIELDS = (
    "registry_id",
    "rule_set_id",
    "kind",
    "daily_time",
    "cron",
    "weekdays",
    "every_n_days",
    "start_date",
    "time_zone",
    "window_end",
    "window_duration",
    "max_images_per_run",
    "enabled",
)
THROUGHPUT_WINDOW = timedelta(seconds=60)


def timestamp(value: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value.astimezone(UTC))
    return stamp


def from_timestamp(stamp: timestamp_pb2.Timestamp) -> datetime:
    return stamp.ToDatetime(tzinfo=UTC)


# -- schedules --------------------------------------------------------------------------


def spec_from_proto(
    schedule: pb.Schedule, default_start: date | None
) -> tuple[ScheduleSpec, list[tuple[str, str]]]:
    """The spec of a Schedule message and the problems found before the pure validation."""
    problems: list[tuple[str, str]] = []
    kind = SCHEDULE_KINDS.get(schedule.kind)
    weekdays: set[Weekday] = set()
    for index, day in enumerate(schedule.weekdays):
        if not pb.WEEKDAY_MONDAY <= day <= pb.WEEKDAY_SUNDAY:
            problems.append((f"schedule.weekdays[{index}]", "must be a day of the week"))
        else:
            weekdays.add(Weekday(day - 1))
    start_date = default_start
    if schedule.start_date:
        try:
            start_date = date.fromisoformat(schedule.start_date)
        except ValueError:
            problems.append(("schedule.start_date", "expected YYYY-MM-DD"))
    window = schedule.WhichOneof("window")
    spec = ScheduleSpec(
        kind=kind,
        time_zone=schedule.time_zone,
        daily_time=schedule.daily_time if schedule.WhichOneof("trigger") == "daily_time" else None,
        cron=schedule.cron if schedule.WhichOneof("trigger") == "cron" else None,
        weekdays=frozenset(weekdays),
        every_n_days=max(schedule.every_n_days, 1),
        start_date=start_date,
        window_end=schedule.window_end if window == "window_end" else None,
        window_duration=schedule.window_duration.ToTimedelta()
        if window == "window_duration"
        else None,
        max_images_per_run=schedule.max_images_per_run,
        enabled=schedule.enabled if schedule.HasField("enabled") else True,
    )
    return spec, problems


def schedule_to_proto(row: ScheduleRow) -> pb.Schedule:
    spec = row.spec
    message = pb.Schedule(
        id=row.id,
        registry_id=row.registry_id,
        rule_set_id=row.rule_set_id,
        kind=SCHEDULE_KIND_TO_PROTO[spec.kind] if spec.kind else pb.SCHEDULE_KIND_UNSPECIFIED,
        weekdays=sorted(int(d) + 1 for d in spec.weekdays),
        every_n_days=spec.every_n_days,
        start_date=spec.start_date.isoformat() if spec.start_date else "",
        time_zone=spec.time_zone,
        max_images_per_run=spec.max_images_per_run,
        enabled=spec.enabled,
        last_job_id=row.last_job_id,
        create_time=timestamp(row.created_at),
        update_time=timestamp(row.updated_at),
    )
    if spec.daily_time:
        message.daily_time = spec.daily_time
    elif spec.cron:
        message.cron = spec.cron
    if spec.window_end:
        message.window_end = spec.window_end
    elif spec.window_duration is not None:
        duration = duration_pb2.Duration()
        duration.FromTimedelta(spec.window_duration)
        message.window_duration.CopyFrom(duration)
    if row.next_fire_at is not None and spec.enabled:
        message.next_fire_time.CopyFrom(timestamp(row.next_fire_at))
    if row.last_fire_at is not None:
        message.last_fire_time.CopyFrom(timestamp(row.last_fire_at))
    return message


def merge_schedule(
    current: pb.Schedule, update: pb.Schedule, mask: field_mask_pb2.FieldMask
) -> pb.Schedule:
    """`current` with the masked fields of `update` (every writable field when empty)."""
    paths = list(mask.paths) or list(WRITABLE_SCHEDULE_FIELDS)
    bad = [p for p in paths if p not in WRITABLE_SCHEDULE_FIELDS]
    if bad:
        raise InvalidArgument(
            violations=[("update_mask", f"{p!r} is not a writable field") for p in bad]
        )
    merged = pb.Schedule()
    merged.CopyFrom(current)
    if not mask.paths:
        merged.ClearField("trigger")
        merged.ClearField("window")
    for path in paths:
        descriptor = pb.Schedule.DESCRIPTOR.fields_by_name[path]
        if descriptor.containing_oneof is not None:
            if update.WhichOneof(descriptor.containing_oneof.name) == path:
                if path == "window_duration":
                    merged.window_duration.CopyFrom(update.window_duration)
                else:
                    setattr(merged, path, getattr(update, path))
            elif mask.paths and merged.WhichOneof(descriptor.containing_oneof.name) == path:
                merged.ClearField(path)  # a masked oneof member left unset clears it
        elif path == "weekdays":
            del merged.weekdays[:]
            merged.weekdays.extend(update.weekdays)
        elif path == "enabled":
            # unset and unmasked keeps the value; an explicit mask path means the given value
            if update.HasField("enabled") or mask.paths:
                merged.enabled = update.enabled
        else:
            setattr(merged, path, getattr(update, path))
    return merged


# -- jobs -------------------------------------------------------------------------------


def progress_snapshot(row: JobRow, counts: JobCounts, now: datetime) -> ProgressSnapshot:
    """The job's progress with throughput over the last minute and an ETA."""
    active_since = row.active_since or row.started_at or row.created_at
    progress = JobProgress.restore(
        active_since,
        discovered=row.discovered,
        selected=row.selected,
        queued=counts.queued,
        scanned=counts.scanned,
        skipped=[ReasonCount(k, c, e) for k, (c, e) in row.skipped.items()],
        failed=[ReasonCount(code, n, e) for code, n, e in counts.failed],
        completions=counts.recent_completions,
    )
    not_yet = 0
    if (
        row.state in (JobState.PENDING, JobState.RUNNING, JobState.PAUSED)
        and row.phase != Phase.WAIT
    ):
        not_yet = max(row.selected - row.cursor.handled_total, 0)
    return progress.snapshot(now, not_yet)


def job_to_proto(row: JobRow, counts: JobCounts, now: datetime) -> pb.Job:
    snapshot = progress_snapshot(row, counts, now)
    progress = pb.JobProgress(
        discovered=snapshot.discovered,
        selected=snapshot.selected,
        skipped=[
            common_pb2.ReasonCount(reason=r.reason, count=r.count, example=r.example)
            for r in snapshot.skipped
        ],
        skipped_total=snapshot.skipped_total,
        queued=snapshot.queued,
        scanned=snapshot.scanned,
        failed=[
            common_pb2.ReasonCount(reason=r.reason, count=r.count, example=r.example)
            for r in snapshot.failed
        ],
        failed_total=snapshot.failed_total,
        images_per_second=round(snapshot.images_per_second, 3),
    )
    # Unknown before the first evaluation (nothing selected yet) and while paused.
    if snapshot.eta is not None and row.state is JobState.RUNNING and row.phase != Phase.SYNC:
        duration = duration_pb2.Duration()
        duration.FromTimedelta(snapshot.eta)
        progress.eta.CopyFrom(duration)
    message = pb.Job(
        id=row.id,
        registry_id=row.registry_id,
        rule_set_id=row.rule_set_id,
        rule_set_revision=row.rule_set_revision,
        schedule_id=row.schedule_id,
        kind=JOB_KIND_TO_PROTO[row.kind],
        state=JOB_STATE_TO_PROTO[row.state],
        progress=progress,
        create_time=timestamp(row.created_at),
        max_images_per_run=row.max_images,
        error=row.error,
        owner=row.owner if row.state in (JobState.RUNNING,) else "",
    )
    for field, value in (
        ("start_time", row.started_at),
        ("end_time", row.ended_at),
        ("fire_time", row.fire_at),
        ("window_end_time", row.window_end),
        ("resume_time", row.resume_at if row.state is JobState.PAUSED else None),
    ):
        if value is not None:
            getattr(message, field).CopyFrom(timestamp(value))
    if row.cursor.last_key is not None:
        repository, tag = row.cursor.last_key
        message.resume_after.CopyFrom(catalog_pb2.ImageRef(repository=repository, tag=tag))
    return message


# -- event decisions --------------------------------------------------------------------


def decision_to_proto(row: DecisionRow) -> pb.EventDecision:
    message = pb.EventDecision(
        event_id=row.event_id,
        registry_id=row.registry_id,
        action=ACTION_TO_PROTO.get(row.action, events_pb2.REGISTRY_EVENT_ACTION_UNSPECIFIED),
        repository=row.repository,
        tag=row.tag,
        digest=row.digest,
        outcome=OUTCOME_TO_PROTO[row.outcome],
        reason=row.reason,
        explanation=row.explanation,
        rule_set_id=row.rule_set_id,
        rule_set_revision=row.rule_set_revision,
        scan_request_id=row.scan_request_id,
        decide_time=timestamp(row.decided_at),
        deliveries=row.deliveries,
    )
    if row.image_created_at is not None:
        message.image_create_time.CopyFrom(timestamp(row.image_created_at))
    if row.event_time is not None:
        message.event_time.CopyFrom(timestamp(row.event_time))
    return message
