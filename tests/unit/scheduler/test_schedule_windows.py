"""Dispatch windows (window end, durations, midnight, DST) and runs missed while down."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.scheduler.schedule import ScheduleKind, ScheduleSpec, next_fire_after
from services.scheduler.window import Window, current_window, is_open, missed_run, window_for

BERLIN = "Europe/Berlin"
OVERNIGHT = ScheduleSpec(ScheduleKind.SWEEP, BERLIN, daily_time="22:00", window_end="05:00")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def fire_on(spec: ScheduleSpec, day: datetime) -> Window:
    return window_for(spec, next_fire_after(spec, day))


def test_overnight_window_crosses_midnight() -> None:
    window = fire_on(OVERNIGHT, utc(2026, 3, 10, 12))
    assert window == Window(utc(2026, 3, 10, 21), utc(2026, 3, 11, 4))  # 22:00 CET -> 05:00 CET


def test_overnight_window_is_an_hour_shorter_on_spring_forward_night() -> None:
    window = fire_on(OVERNIGHT, utc(2026, 3, 28, 12))
    assert window == Window(utc(2026, 3, 28, 21), utc(2026, 3, 29, 3))  # ends 05:00 CEST
    assert window.end is not None and window.end - window.start == timedelta(hours=6)


def test_overnight_window_is_an_hour_longer_on_fall_back_night() -> None:
    window = fire_on(OVERNIGHT, utc(2026, 10, 24, 12))
    assert window == Window(utc(2026, 10, 24, 20), utc(2026, 10, 25, 4))  # CEST -> CET
    assert window.end is not None and window.end - window.start == timedelta(hours=8)


def test_window_end_after_the_gap_measures_wall_time() -> None:
    spec = ScheduleSpec(ScheduleKind.SWEEP, BERLIN, daily_time="01:00", window_end="03:00")
    assert fire_on(spec, utc(2026, 3, 28, 12)) == Window(utc(2026, 3, 29, 0), utc(2026, 3, 29, 1))


def test_window_swallowed_by_the_gap_is_empty_and_never_open() -> None:
    spec = ScheduleSpec(ScheduleKind.SWEEP, BERLIN, daily_time="02:30", window_end="02:45")
    window = fire_on(spec, utc(2026, 3, 28, 12))
    assert window == Window(utc(2026, 3, 29, 1), utc(2026, 3, 29, 1))
    assert not is_open(spec, window, utc(2026, 3, 29, 1))
    next_night = fire_on(spec, utc(2026, 3, 29, 12))
    assert next_night == Window(utc(2026, 3, 30, 0, 30), utc(2026, 3, 30, 0, 45))


def test_window_end_in_the_repeated_hour_is_its_first_occurrence() -> None:
    spec = ScheduleSpec(ScheduleKind.SWEEP, BERLIN, daily_time="01:30", window_end="02:45")
    window = fire_on(spec, utc(2026, 10, 24, 12))
    assert window == Window(utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 0, 45))


def test_duration_window_is_elapsed_time() -> None:
    spec = ScheduleSpec(
        ScheduleKind.RESCAN, BERLIN, daily_time="01:30", window_duration=timedelta(hours=2)
    )
    window = fire_on(spec, utc(2026, 3, 28, 12))
    assert window == Window(utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 2, 30))  # 04:30 CEST


def test_no_window_end_means_open_until_done() -> None:
    spec = ScheduleSpec(ScheduleKind.SWEEP, "UTC", daily_time="02:00")
    window = fire_on(spec, utc(2026, 3, 1))
    assert window == Window(utc(2026, 3, 1, 2), None)
    assert is_open(spec, window, utc(2026, 4, 1))


def test_is_open_bounds_and_enabled() -> None:
    window = fire_on(OVERNIGHT, utc(2026, 3, 10, 12))
    assert not is_open(OVERNIGHT, window, utc(2026, 3, 10, 20, 59, 59))
    assert is_open(OVERNIGHT, window, utc(2026, 3, 10, 21))
    assert is_open(OVERNIGHT, window, utc(2026, 3, 11, 3, 59, 59))
    assert not is_open(OVERNIGHT, window, utc(2026, 3, 11, 4))
    assert not is_open(replace(OVERNIGHT, enabled=False), window, utc(2026, 3, 10, 23))


def test_current_window() -> None:
    assert current_window(OVERNIGHT, utc(2026, 3, 11, 2)) == Window(
        utc(2026, 3, 10, 21), utc(2026, 3, 11, 4)
    )
    assert current_window(OVERNIGHT, utc(2026, 3, 11, 12)) is None


def test_down_for_three_days_back_inside_the_latest_window_runs_it_once() -> None:
    last_fired = utc(2026, 3, 9, 21)
    missed = missed_run(OVERNIGHT, last_fired, utc(2026, 3, 12, 22, 30))  # 23:30 CET, Thu
    assert missed == Window(utc(2026, 3, 12, 21), utc(2026, 3, 13, 4))
    # the same window after midnight, and to its last second
    assert missed_run(OVERNIGHT, last_fired, utc(2026, 3, 13, 3, 59)) == missed
    # once it ran, nothing more is owed: never a burst of the missed nights
    assert missed_run(OVERNIGHT, missed.start, utc(2026, 3, 12, 22, 31)) is None


def test_down_for_three_days_back_after_the_window_closed_runs_nothing() -> None:
    last_fired = utc(2026, 3, 9, 21)
    assert missed_run(OVERNIGHT, last_fired, utc(2026, 3, 13, 4)) is None
    assert missed_run(OVERNIGHT, last_fired, utc(2026, 3, 12, 12)) is None


def test_missed_run_not_owed_when_the_latest_fire_was_handled() -> None:
    assert missed_run(OVERNIGHT, utc(2026, 3, 12, 21), utc(2026, 3, 12, 23)) is None


def test_missed_run_of_a_disabled_schedule_is_none() -> None:
    disabled = replace(OVERNIGHT, enabled=False)
    assert missed_run(disabled, utc(2026, 3, 9, 21), utc(2026, 3, 12, 22, 30)) is None


def test_missed_run_without_window_end_is_the_latest_fire_only() -> None:
    spec = ScheduleSpec(ScheduleKind.SWEEP, "UTC", daily_time="02:00")
    missed = missed_run(spec, utc(2026, 3, 9, 2), utc(2026, 3, 12, 12))
    assert missed == Window(utc(2026, 3, 12, 2), None)


def test_missed_run_of_a_dense_cron_after_days_down() -> None:
    spec = ScheduleSpec(
        ScheduleKind.RESCAN, "UTC", cron="*/5 * * * *", window_duration=timedelta(minutes=10)
    )
    missed = missed_run(spec, utc(2026, 3, 9), utc(2026, 3, 12, 12, 7, 30))
    assert missed == Window(utc(2026, 3, 12, 12, 5), utc(2026, 3, 12, 12, 15))


def test_missed_run_on_spring_forward_night_fires_the_jumped_time() -> None:
    spec = ScheduleSpec(ScheduleKind.SWEEP, BERLIN, daily_time="02:30", window_end="04:00")
    missed = missed_run(spec, utc(2026, 3, 27, 1, 30), utc(2026, 3, 29, 1, 30))
    assert missed == Window(utc(2026, 3, 29, 1), utc(2026, 3, 29, 2))  # 03:00-04:00 CEST


@settings(max_examples=40, deadline=None)
@given(
    down_minutes=st.integers(min_value=0, max_value=6 * 24 * 60),
    up_after_minutes=st.integers(min_value=1, max_value=4 * 24 * 60),
)
def test_missed_run_fires_at_most_once_and_only_inside_its_window(
    down_minutes: int, up_after_minutes: int
) -> None:
    last_fired = next_fire_after(OVERNIGHT, utc(2026, 10, 20) + timedelta(minutes=down_minutes))
    now = last_fired + timedelta(minutes=up_after_minutes)
    missed = missed_run(OVERNIGHT, last_fired, now)
    if missed is None:
        # nothing owed: no later fire, or the latest one's window has closed
        window = current_window(OVERNIGHT, now)
        assert window is None or window.start <= last_fired
        return
    assert last_fired < missed.start <= now
    assert is_open(OVERNIGHT, missed, now)
    assert next_fire_after(OVERNIGHT, missed.start) > now  # the latest, not an older one
    assert missed_run(OVERNIGHT, missed.start, now) is None
