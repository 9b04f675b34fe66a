"""Schedule messages <-> specs, UpdateSchedule's field mask, and progress restored from storage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from google.protobuf import duration_pb2, field_mask_pb2

from regsieve.v1 import scheduler_pb2 as pb
from services.common.errors import InvalidArgument
from services.scheduler import convert
from services.scheduler.progress import JobProgress
from services.scheduler.schedule import ScheduleKind, Weekday
from services.scheduler.store import ScheduleRow

NOW = datetime(2026, 3, 2, tzinfo=UTC)


def message(**fields: object) -> pb.Schedule:
    base = {
        "registry_id": "r",
        "rule_set_id": "s",
        "kind": pb.SCHEDULE_KIND_RESCAN,
        "daily_time": "22:00",
        "time_zone": "America/New_York",
        "weekdays": [pb.WEEKDAY_MONDAY, pb.WEEKDAY_SUNDAY],
        "window_end": "05:00",
        "enabled": True,
    }
    return pb.Schedule(**{**base, **fields})


def test_a_schedule_message_becomes_a_spec_and_back() -> None:
    spec, problems = convert.spec_from_proto(message(every_n_days=2), date(2026, 3, 1))
    assert not problems
    assert spec.kind is ScheduleKind.RESCAN and spec.weekdays == {Weekday.MONDAY, Weekday.SUNDAY}
    assert (spec.daily_time, spec.cron, spec.window_end) == ("22:00", None, "05:00")
    assert spec.start_date == date(2026, 3, 1) and spec.every_n_days == 2
    row = ScheduleRow("id", "r", "s", spec, NOW, None, "", NOW, NOW)
    back = convert.schedule_to_proto(row)
    assert back.weekdays == [pb.WEEKDAY_MONDAY, pb.WEEKDAY_SUNDAY]
    assert back.WhichOneof("window") == "window_end" and back.start_date == "2026-03-01"
    assert back.next_fire_time.ToDatetime(tzinfo=UTC) == NOW


def test_bad_weekdays_and_dates_are_field_violations() -> None:
    _, problems = convert.spec_from_proto(
        message(weekdays=[pb.WEEKDAY_UNSPECIFIED], start_date="03/01/2026"), None
    )
    assert [field for field, _ in problems] == ["schedule.weekdays[0]", "schedule.start_date"]


def test_a_disabled_schedule_shows_no_next_fire_time() -> None:
    spec, _ = convert.spec_from_proto(message(enabled=False), None)
    row = ScheduleRow("id", "r", "s", spec, NOW, None, "", NOW, NOW)
    assert not convert.schedule_to_proto(row).HasField("next_fire_time")


def test_update_mask_setting_one_oneof_member_clears_the_other() -> None:
    current = message()
    update = pb.Schedule(cron="30 1 * * 1-5", window_duration=duration_pb2.Duration(seconds=3600))
    merged = convert.merge_schedule(
        current, update, field_mask_pb2.FieldMask(paths=["cron", "window_duration"])
    )
    assert (
        merged.WhichOneof("trigger") == "cron" and merged.WhichOneof("window") == "window_duration"
    )
    assert merged.time_zone == "America/New_York"


def test_an_empty_mask_replaces_every_writable_field() -> None:
    update = message(daily_time="02:00")
    update.ClearField("window")
    merged = convert.merge_schedule(message(), update, field_mask_pb2.FieldMask())
    assert merged.daily_time == "02:00" and merged.WhichOneof("window") is None


def test_output_only_fields_are_not_writable() -> None:
    with pytest.raises(InvalidArgument) as raised:
        convert.merge_schedule(
            message(), message(), field_mask_pb2.FieldMask(paths=["next_fire_time"])
        )
    assert raised.value.violations[0][0] == "update_mask"


def test_restored_progress_keeps_its_rate_and_eta() -> None:
    start = NOW
    done = [start + timedelta(seconds=s) for s in range(30, 60)]  # 30 completions
    progress = JobProgress.restore(start, selected=100, queued=60, scanned=30, completions=done)
    now = start + timedelta(seconds=60)
    assert progress.images_per_second(now) == pytest.approx(0.5)
    assert progress.eta(now, not_yet_queued=40) == timedelta(seconds=140)
