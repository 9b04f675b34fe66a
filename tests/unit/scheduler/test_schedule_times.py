"""Fire times of daily and cron schedules across the 2026 DST changes, weekdays, every N days."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from croniter import croniter

from services.scheduler.schedule import (
    InvalidScheduleError,
    ScheduleKind,
    ScheduleSpec,
    Weekday,
    fires_after,
    latest_fire_at_or_before,
    next_fire_after,
    scheduled_wall,
)
from services.scheduler.wallclock import resolve_wall, wall_exists

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def daily(at: str, zone: str, **options: object) -> ScheduleSpec:
    return ScheduleSpec(ScheduleKind.SWEEP, zone, daily_time=at, **options)  # type: ignore[arg-type]


def cron(expression: str, zone: str, **options: object) -> ScheduleSpec:
    return ScheduleSpec(ScheduleKind.RESCAN, zone, cron=expression, **options)  # type: ignore[arg-type]


def first_fires(spec: ScheduleSpec, after: datetime, count: int) -> list[datetime]:
    return [fire.instant for fire in itertools.islice(fires_after(spec, after), count)]


def test_berlin_spring_forward_daily_0230_fires_once_at_0300_local() -> None:
    fires = first_fires(daily("02:30", BERLIN), utc(2026, 3, 27, 12), 3)
    assert fires == [
        utc(2026, 3, 28, 1, 30),  # 02:30 CET
        utc(2026, 3, 29, 1, 0),  # 02:30 does not exist: 03:00 CEST, the jump
        utc(2026, 3, 30, 0, 30),  # 02:30 CEST
    ]
    assert fires[1].astimezone(ZoneInfo(BERLIN)).strftime("%H:%M %Z") == "03:00 CEST"


def test_berlin_fall_back_daily_0230_fires_once_at_first_occurrence() -> None:
    fires = first_fires(daily("02:30", BERLIN), utc(2026, 10, 23, 12), 3)
    assert fires == [
        utc(2026, 10, 24, 0, 30),  # 02:30 CEST
        utc(2026, 10, 25, 0, 30),  # first 02:30 (CEST); the second (CET, 01:30 UTC) is skipped
        utc(2026, 10, 26, 1, 30),  # 02:30 CET
    ]


def test_asked_during_the_repeated_hour_the_second_occurrence_does_not_fire() -> None:
    second_0210 = utc(2026, 10, 25, 1, 10)  # 02:10 CET, after the first 02:30 already passed
    assert next_fire_after(daily("02:30", BERLIN), second_0210) == utc(2026, 10, 26, 1, 30)


def test_new_york_spring_forward_daily_0230_fires_at_0300_edt() -> None:
    fires = first_fires(daily("02:30", NEW_YORK), utc(2026, 3, 6, 12), 3)
    assert fires == [
        utc(2026, 3, 7, 7, 30),  # 02:30 EST
        utc(2026, 3, 8, 7, 0),  # 03:00 EDT
        utc(2026, 3, 9, 6, 30),  # 02:30 EDT
    ]


def test_new_york_fall_back_daily_0130_fires_once_at_first_occurrence() -> None:
    fires = first_fires(daily("01:30", NEW_YORK), utc(2026, 10, 30, 12), 3)
    assert fires == [
        utc(2026, 10, 31, 5, 30),  # 01:30 EDT
        utc(2026, 11, 1, 5, 30),  # first 01:30 (EDT), not 06:30 UTC (EST)
        utc(2026, 11, 2, 6, 30),  # 01:30 EST
    ]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("01:59", utc(2026, 3, 29, 0, 59)),  # just before the gap: unaffected
        ("02:00", utc(2026, 3, 29, 1, 0)),  # first skipped minute
        ("02:59", utc(2026, 3, 29, 1, 0)),  # last skipped minute
        ("03:00", utc(2026, 3, 29, 1, 0)),  # first valid wall time: same instant
        ("03:01", utc(2026, 3, 29, 1, 1)),
    ],
)
def test_berlin_times_around_the_gap(at: str, expected: datetime) -> None:
    assert next_fire_after(daily(at, BERLIN), utc(2026, 3, 28, 12)) == expected


def test_scheduled_wall_remembers_the_skipped_time() -> None:
    spec = daily("02:30", BERLIN)
    fire = next_fire_after(spec, utc(2026, 3, 28, 12))
    assert scheduled_wall(spec, fire) == datetime(2026, 3, 29, 2, 30)
    assert scheduled_wall(spec, utc(2026, 3, 29, 5, 17)) == datetime(2026, 3, 29, 7, 17)


def test_hourly_cron_keeps_real_time_rhythm_across_spring_forward() -> None:
    fires = first_fires(cron("0 * * * *", BERLIN), utc(2026, 3, 28, 23, 30), 4)
    # walls 01:00 CET, 02:00 (skipped -> 03:00 CEST), 03:00 CEST (same instant), 04:00 CEST
    assert fires == [
        utc(2026, 3, 29, 0),
        utc(2026, 3, 29, 1),
        utc(2026, 3, 29, 2),
        utc(2026, 3, 29, 3),
    ]


def test_hourly_cron_fires_the_repeated_hour_once_on_fall_back() -> None:
    fires = first_fires(cron("0 * * * *", BERLIN), utc(2026, 10, 24, 23, 30), 3)
    # walls 02:00 (first, CEST) then 03:00 CET; the second 02:00 (01:00 UTC) does not fire
    assert fires == [utc(2026, 10, 25, 0), utc(2026, 10, 25, 2), utc(2026, 10, 25, 3)]


def test_quarter_hour_cron_in_the_gap_fires_once_at_the_jump() -> None:
    fires = first_fires(cron("*/15 * * * *", BERLIN), utc(2026, 3, 29, 0, 40), 3)
    assert fires == [utc(2026, 3, 29, 0, 45), utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 1, 15)]


def test_weekday_cron_in_new_york_across_spring_forward() -> None:
    fires = first_fires(cron("0 9 * * 1-5", NEW_YORK), utc(2026, 3, 5, 12), 3)
    assert fires == [utc(2026, 3, 5, 14), utc(2026, 3, 6, 14), utc(2026, 3, 9, 13)]


def test_croniter_tz_aware_fires_twice_on_fall_back_which_the_scheduler_avoids() -> None:
    # Pins the upstream behaviour that made the scheduler iterate naive wall times: if
    # croniter stops firing the repeated 02:30 twice, this test tells us the workaround
    # could go (the scheduler's own behaviour is asserted separately above).
    start = datetime(2026, 10, 24, 12, tzinfo=ZoneInfo(BERLIN))
    iterator = croniter("30 2 * * *", start)
    upstream = [iterator.get_next(datetime).astimezone(UTC) for _ in range(2)]
    assert upstream == [utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)]
    ours = first_fires(cron("30 2 * * *", BERLIN), start, 2)
    assert ours == [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]


def test_cron_macro_and_uppercase_names() -> None:
    assert next_fire_after(cron("@DAILY", BERLIN), utc(2026, 3, 28, 12)) == utc(2026, 3, 28, 23)
    spec = cron("0 6 * JAN-MAR SAT", "UTC")
    assert next_fire_after(spec, utc(2026, 3, 26)) == utc(2026, 3, 28, 6)
    assert next_fire_after(spec, utc(2026, 3, 29)) == utc(2027, 1, 2, 6)


def test_weekdays_filter_daily_time_across_the_gap() -> None:
    spec = daily("02:00", BERLIN, weekdays=frozenset({Weekday.SATURDAY, Weekday.SUNDAY}))
    fires = first_fires(spec, utc(2026, 3, 25, 12), 3)  # from Wednesday
    # Sat 02:00 CET, Sun 02:00 skipped -> 03:00 CEST, next Sat 02:00 CEST
    assert fires == [utc(2026, 3, 28, 1), utc(2026, 3, 29, 1), utc(2026, 4, 4, 0)]


def test_weekdays_intersect_with_the_cron_day_fields() -> None:
    spec = cron("0 3 * * 1-5", "UTC", weekdays=frozenset({Weekday.MONDAY, Weekday.FRIDAY}))
    fires = first_fires(spec, utc(2026, 3, 2), 4)  # Monday 2 March, midnight
    assert [fire.strftime("%a %d") for fire in fires] == ["Mon 02", "Fri 06", "Mon 09", "Fri 13"]


def test_every_n_days_anchored_to_start_date() -> None:
    spec = daily("04:00", "UTC", every_n_days=3, start_date=date(2026, 3, 1))
    assert first_fires(spec, utc(2026, 2, 1), 3) == [
        utc(2026, 3, 1, 4),  # nothing before the start date
        utc(2026, 3, 4, 4),
        utc(2026, 3, 7, 4),
    ]
    assert next_fire_after(spec, utc(2026, 3, 5)) == utc(2026, 3, 7, 4)


def test_every_n_days_counts_local_days_across_dst() -> None:
    spec = daily("02:30", BERLIN, every_n_days=2, start_date=date(2026, 3, 27))
    assert first_fires(spec, utc(2026, 3, 26), 3) == [
        utc(2026, 3, 27, 1, 30),
        utc(2026, 3, 29, 1, 0),  # the spring-forward day: at the jump
        utc(2026, 3, 31, 0, 30),
    ]


def test_every_n_days_with_weekdays_needs_both() -> None:
    # Anchored on Monday 2 March, every 2nd day: Mondays 14 days apart are on the rhythm.
    spec = daily(
        "06:00",
        "UTC",
        every_n_days=2,
        start_date=date(2026, 3, 2),
        weekdays=frozenset({Weekday.MONDAY}),
    )
    assert first_fires(spec, utc(2026, 3, 1), 3) == [
        utc(2026, 3, 2, 6),
        utc(2026, 3, 16, 6),
        utc(2026, 3, 30, 6),
    ]


def test_every_n_days_with_a_sparse_cron_skips_whole_days() -> None:
    spec = cron("*/10 6 * * *", "UTC", every_n_days=5, start_date=date(2026, 1, 1))
    assert first_fires(spec, utc(2026, 1, 1, 6, 55), 2) == [
        utc(2026, 1, 6, 6),
        utc(2026, 1, 6, 6, 10),
    ]


def test_latest_fire_at_or_before() -> None:
    spec = daily("02:30", BERLIN)
    fire = latest_fire_at_or_before(spec, utc(2026, 3, 29, 12))
    assert fire is not None and fire.instant == utc(2026, 3, 29, 1)
    assert fire.wall == datetime(2026, 3, 29, 2, 30)
    at_fire = latest_fire_at_or_before(spec, utc(2026, 3, 29, 1))
    assert at_fire is not None and at_fire.instant == utc(2026, 3, 29, 1)
    assert (
        latest_fire_at_or_before(spec, utc(2026, 3, 29, 12), not_before=utc(2026, 3, 29, 1)) is None
    )


def test_latest_fire_of_a_dense_cron_after_years_is_quick() -> None:
    spec = cron("* * * * *", "UTC")
    fire = latest_fire_at_or_before(spec, utc(2026, 6, 1, 12, 0, 30), not_before=utc(2020, 1, 1))
    assert fire is not None and fire.instant == utc(2026, 6, 1, 12, 0)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_fire_after(daily("02:30", BERLIN), datetime(2026, 3, 1))


def test_invalid_spec_is_refused_by_the_arithmetic() -> None:
    with pytest.raises(InvalidScheduleError) as raised:
        next_fire_after(daily("25:00", BERLIN), utc(2026, 3, 1))
    assert [violation.field for violation in raised.value.violations] == ["daily_time"]


def test_resolve_wall_lord_howe_half_hour_gap_and_fold() -> None:
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    # 2026-10-04 02:00 -> 02:30 local (+10:30 -> +11:00)
    assert not wall_exists(datetime(2026, 10, 4, 2, 15), lord_howe)
    assert resolve_wall(datetime(2026, 10, 4, 2, 15), lord_howe) == utc(2026, 10, 3, 15, 30)
    # 2026-04-05 02:00 -> 01:30 local: 01:45 happens twice, the first at +11:00
    assert wall_exists(datetime(2026, 4, 5, 1, 45), lord_howe)
    assert resolve_wall(datetime(2026, 4, 5, 1, 45), lord_howe) == utc(2026, 4, 4, 14, 45)


def test_resolve_wall_on_a_skipped_day() -> None:
    # Samoa skipped 30 December 2011 entirely (-10 -> +14): the whole day is one gap.
    apia = ZoneInfo("Pacific/Apia")
    jump = resolve_wall(datetime(2011, 12, 30, 9, 0), apia)
    assert jump == datetime(2011, 12, 31, tzinfo=apia).astimezone(UTC)
    assert jump - timedelta(seconds=1) == utc(2011, 12, 30, 9, 59, 59)
