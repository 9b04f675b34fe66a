"""Property tests: fire times against an independent minute-by-minute oracle, near DST changes.

The oracle steps through UTC minutes and decides from the wall clock alone whether a
minute is a fire time: the local minute matches the schedule and this is its first
occurrence, or the clock just jumped forward over a matching minute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import event, given, settings
from hypothesis import strategies as st

from services.scheduler.schedule import (
    ScheduleKind,
    ScheduleSpec,
    Weekday,
    latest_fire_at_or_before,
    next_fire_after,
    scheduled_wall,
    validate,
)
from services.scheduler.wallclock import wall_exists

MINUTE = timedelta(minutes=1)
# 2026 DST changes (UTC instants) and a zone without any.
TRANSITIONS = [
    ("Europe/Berlin", datetime(2026, 3, 29, 1, tzinfo=UTC)),
    ("Europe/Berlin", datetime(2026, 10, 25, 1, tzinfo=UTC)),
    ("America/New_York", datetime(2026, 3, 8, 7, tzinfo=UTC)),
    ("America/New_York", datetime(2026, 11, 1, 6, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2026, 4, 4, 15, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2026, 10, 3, 15, 30, tzinfo=UTC)),
    ("UTC", datetime(2026, 6, 1, tzinfo=UTC)),
]


@dataclass(frozen=True)
class Case:
    spec: ScheduleSpec
    minute_matches: Callable[[datetime], bool]  # hour/minute part, on a naive wall time


def day_allowed(spec: ScheduleSpec, day: date) -> bool:
    anchor = spec.start_date or date(1970, 1, 1)
    return (
        (not spec.weekdays or day.weekday() in spec.weekdays)
        and (spec.start_date is None or day >= spec.start_date)
        and (day - anchor).days % max(spec.every_n_days, 1) == 0
    )


def wall_matches(case: Case, wall: datetime) -> bool:
    return case.minute_matches(wall) and day_allowed(case.spec, wall.date())


def oracle_next_fire(case: Case, after: datetime, limit: timedelta) -> datetime | None:
    tz = ZoneInfo(case.spec.time_zone)
    minute = after.replace(second=0, microsecond=0) + MINUTE
    previous_wall = (minute - MINUTE).astimezone(tz).replace(tzinfo=None)
    while minute <= after + limit:
        wall = minute.astimezone(tz).replace(tzinfo=None)
        first_occurrence = wall.replace(tzinfo=tz, fold=0).astimezone(UTC) == minute
        if wall_matches(case, wall) and first_occurrence:
            return minute
        skipped = previous_wall + MINUTE
        while skipped < wall:  # the clock jumped forward over these minutes
            if wall_matches(case, skipped):
                return minute
            skipped += MINUTE
        previous_wall = wall
        minute += MINUTE
    return None


minutes = st.sampled_from([0, 15, 30, 45, 59]) | st.integers(min_value=0, max_value=59)
hours = st.integers(min_value=0, max_value=23)


def changed_wall_times(zone: str, transition: datetime) -> tuple[datetime, timedelta]:
    """First local wall time the change skips or repeats, and for how long."""
    tz = ZoneInfo(zone)
    before = (transition - MINUTE).astimezone(tz).replace(tzinfo=None)
    at = transition.astimezone(tz).replace(tzinfo=None)
    if at > before + MINUTE:  # spring forward: walls from before+1min to at are skipped
        return before + MINUTE, at - before - MINUTE
    return at, before + MINUTE - at  # fall back: walls from at on happen twice


@st.composite
def dst_aimed_case(draw: st.DrawFn) -> tuple[Case, datetime]:
    """A schedule whose time is skipped or repeated by the change, asked the day before."""
    zone, transition = draw(st.sampled_from(TRANSITIONS[:-1]))
    first, length = changed_wall_times(zone, transition)
    wall = first + timedelta(minutes=draw(st.integers(0, length // MINUTE - 1)))
    after = transition - timedelta(seconds=draw(st.integers(0, 20 * 3600)))
    weekday = Weekday(wall.weekday())
    weekdays = draw(st.sampled_from([frozenset(), frozenset({weekday}), frozenset(Weekday)]))
    filters = ScheduleSpec(None, zone, weekdays=weekdays)
    return make_case(draw, filters, wall.hour, wall.minute), after


@st.composite
def any_case(draw: st.DrawFn) -> tuple[Case, datetime]:
    """Any daily or cron schedule with day filters, asked within days of a change."""
    zone, transition = draw(st.sampled_from(TRANSITIONS))
    after = transition + timedelta(seconds=draw(st.integers(-3 * 86400, 3 * 86400)))
    weekdays = draw(
        st.just(frozenset()) | st.frozensets(st.sampled_from(list(Weekday)), max_size=3)
    )
    every_n_days = draw(st.sampled_from([1, 1, 2]))
    start_date = draw(
        st.none() | st.dates(min_value=date(2026, 1, 1), max_value=after.date() + timedelta(days=3))
        if every_n_days == 1
        else st.dates(min_value=date(2026, 1, 1), max_value=after.date())
    )
    filters = ScheduleSpec(
        None, zone, weekdays=weekdays, every_n_days=every_n_days, start_date=start_date
    )
    return make_case(draw, filters, draw(hours), draw(minutes)), after


def make_case(draw: st.DrawFn, filters: ScheduleSpec, hour: int, minute: int) -> Case:
    """`filters` with a daily time hour:minute, or a cron whose hours and minutes include it."""
    if draw(st.booleans()):
        spec = replace(filters, kind=ScheduleKind.SWEEP, daily_time=f"{hour:02d}:{minute:02d}")
        return Case(spec, lambda wall: (wall.hour, wall.minute) == (hour, minute))
    hour_set = draw(st.frozensets(hours, max_size=2)) | {hour}
    minute_set = draw(st.frozensets(minutes, max_size=3)) | {minute}
    expression = (
        f"{','.join(map(str, sorted(minute_set)))} {','.join(map(str, sorted(hour_set)))} * * *"
    )
    spec = replace(filters, kind=ScheduleKind.RESCAN, cron=expression)
    return Case(spec, lambda wall: wall.hour in hour_set and wall.minute in minute_set)


def cases() -> st.SearchStrategy[tuple[Case, datetime]]:
    return dst_aimed_case() | any_case()


@settings(max_examples=80, deadline=None)
@given(cases())
def test_next_fire_after_is_the_first_valid_fire_strictly_after(
    case_and_after: tuple[Case, datetime],
) -> None:
    case, after = case_and_after
    assert validate(case.spec) == []
    fire = next_fire_after(case.spec, after)
    assert fire.tzinfo is UTC
    assert fire > after
    wall = scheduled_wall(case.spec, fire)
    if not wall_exists(wall, ZoneInfo(case.spec.time_zone)):
        event("fires at a spring-forward jump")
    elif wall.replace(tzinfo=ZoneInfo(case.spec.time_zone), fold=1).astimezone(UTC) != fire:
        event("fires at the first of a repeated time")
    # Every fire is within 14 days here (weekdays x every 2 days); the oracle checks each
    # minute up to the fire: none earlier is valid, the fire itself is.
    assert oracle_next_fire(case, after, limit=fire - after + MINUTE) == fire


@settings(max_examples=40, deadline=None)
@given(cases())
def test_latest_fire_at_or_before_brackets_the_instant(
    case_and_after: tuple[Case, datetime],
) -> None:
    case, at = case_and_after
    latest = latest_fire_at_or_before(case.spec, at, not_before=at - timedelta(days=20))
    following = next_fire_after(case.spec, at)
    if latest is None:
        assert next_fire_after(case.spec, at - timedelta(days=20)) == following
        return
    assert latest.instant <= at
    assert next_fire_after(case.spec, latest.instant) == following
