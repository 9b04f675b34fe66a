"""What a due schedule does: fire on time, fire a missed run once and late, or move on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.scheduler.firing import decide_fire, next_fire_or_none
from services.scheduler.schedule import ScheduleKind, ScheduleSpec

CREATED = datetime(2026, 3, 1, 12, tzinfo=UTC)


def spec(**fields: object) -> ScheduleSpec:
    base = {"kind": ScheduleKind.SWEEP, "time_zone": "Europe/Berlin", "daily_time": "22:00"}
    return ScheduleSpec(**{**base, **fields})  # type: ignore[arg-type]


def test_on_time_fire_opens_its_window_and_moves_on() -> None:
    s = spec(window_end="05:00")
    now = datetime(2026, 3, 1, 21, 0, 2, tzinfo=UTC)  # 22:00:02 CET
    decided = decide_fire(s, None, CREATED, now)
    assert decided.window is not None
    assert decided.window.start == datetime(2026, 3, 1, 21, 0, tzinfo=UTC)
    assert decided.window.end == datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    assert decided.next_fire_at == datetime(2026, 3, 2, 21, 0, tzinfo=UTC)


def test_a_run_missed_while_down_fires_once_while_its_window_is_open() -> None:
    s = spec(window_end="05:00")
    last = datetime(2026, 3, 1, 21, 0, tzinfo=UTC)
    three_nights_later = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)  # 03:00 CET, window open
    decided = decide_fire(s, last, CREATED, three_nights_later)
    assert decided.window is not None
    assert decided.window.start == datetime(2026, 3, 4, 21, 0, tzinfo=UTC)
    assert decided.next_fire_at == datetime(2026, 3, 5, 21, 0, tzinfo=UTC)


def test_a_missed_run_whose_window_closed_is_dropped() -> None:
    s = spec(window_end="05:00")
    last = datetime(2026, 3, 1, 21, 0, tzinfo=UTC)
    noon = datetime(2026, 3, 5, 11, 0, tzinfo=UTC)
    decided = decide_fire(s, last, CREATED, noon)
    assert decided.window is None
    assert decided.next_fire_at == datetime(2026, 3, 5, 21, 0, tzinfo=UTC)


def test_disabled_schedules_have_no_next_fire() -> None:
    assert next_fire_or_none(spec(enabled=False), CREATED) is None
    decided = decide_fire(spec(enabled=False), None, CREATED, CREATED + timedelta(days=2))
    assert decided == decided.__class__(None, None)
