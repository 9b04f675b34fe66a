"""Schedule specs, their validation and their fire times, in the schedule's own time zone.

Pure: no clock, no I/O. Every function takes the instant it reasons about.

Fire times are computed on local wall times (a daily `HH:MM`, or the minutes a 5-field
cron expression matches, iterated by croniter on naive local times), filtered by the
weekdays, the every-N-days rhythm and the start date, then mapped to instants by the DST
policy of `wallclock`: a skipped wall time fires at the jump (02:30 on the spring-forward
day in Europe/Berlin fires at 03:00 local), a repeated wall time fires at its first
occurrence only. croniter's own tz-aware iteration is not used because it fires a fixed
time such as `30 2 * * *` twice on the fall-back day.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum, StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadCronError, CroniterBadDateError, CroniterError, croniter

from services.scheduler.wallclock import local_wall, resolve_wall

MAX_EVERY_N_DAYS = 366
MAX_WINDOW_DURATION = timedelta(days=7)
# How far ahead a fire time is looked for before the schedule counts as never firing.
SEARCH_HORIZON = timedelta(days=366 * 10)

_HH_MM = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")
_CRON_MACROS = frozenset(
    {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
)
# croniter extensions whose result is not a pure function of the expression.
_NONDETERMINISTIC_CRON_FIELD = re.compile(r"(?<![A-Za-z])[HRhr](?![A-Za-z])")


class ScheduleKind(StrEnum):
    """What a schedule's job does."""

    SWEEP = "sweep"  # sync the catalog, evaluate the rules, queue the selected images
    RESCAN = "rescan"  # HEAD every selected tag, queue only changed digests


class Weekday(IntEnum):
    """Days of the week, numbered like `date.weekday()`."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """When a schedule fires and how long its window stays open.

    Exactly one of `daily_time` (`HH:MM`) and `cron` (5 fields or a macro such as
    `@daily`) is set; empty strings count as unset. Both are local times in `time_zone`.
    `weekdays` (empty = every day), `every_n_days` (0 or 1 = every day; counted from
    `start_date`, or from 1970-01-01 when it is unset) and `start_date` (no fire before
    it) filter the local date of each fire. The window closes at the first `window_end`
    (`HH:MM` local) after the fire, or `window_duration` after it, or never.
    `max_images_per_run` caps the images a window dispatches (0 = no cap).
    """

    kind: ScheduleKind | None
    time_zone: str
    daily_time: str | None = None
    cron: str | None = None
    weekdays: frozenset[Weekday] = frozenset()
    every_n_days: int = 1
    start_date: date | None = None
    window_end: str | None = None
    window_duration: timedelta | None = None
    max_images_per_run: int = 0
    enabled: bool = True


class FieldViolation(NamedTuple):
    """One problem with a spec: the field path (as in the API's Schedule message) and why."""

    field: str
    description: str


class InvalidScheduleError(ValueError):
    """A spec failed validation; `violations` says where and why."""

    def __init__(self, violations: list[FieldViolation]) -> None:
        super().__init__("; ".join(f"{v.field}: {v.description}" for v in violations))
        self.violations = violations


class NoFireTimeError(ValueError):
    """A schedule has no fire time within the search horizon after the given instant."""


class Fire(NamedTuple):
    """One fire of a schedule: the instant, and the local wall time it was scheduled for."""

    instant: datetime
    wall: datetime


def validate(spec: ScheduleSpec) -> list[FieldViolation]:
    """Every problem with a spec, as (field path, message); empty when the spec is valid."""
    violations = _structural_violations(spec)
    if violations:
        return violations
    reference = datetime.combine(spec.start_date or date(2000, 1, 1), time(), UTC)
    try:
        next_fire_after(spec, reference - timedelta(days=1))
    except NoFireTimeError:
        field = "cron" if spec.cron else "weekdays"
        return [FieldViolation(field, "the schedule never fires with these settings")]
    return []


def next_fire_after(spec: ScheduleSpec, after: datetime) -> datetime:
    """The first fire time strictly after `after`, as an aware UTC datetime.

    Ignores `enabled` (the caller decides whether a disabled schedule fires).
    Raises InvalidScheduleError for an invalid spec, NoFireTimeError when the schedule
    never fires within SEARCH_HORIZON.
    """
    return next_fire(spec, after).instant


def next_fire(spec: ScheduleSpec, after: datetime) -> Fire:
    """Like next_fire_after, with the local wall time the fire was scheduled for."""
    for fire in fires_after(spec, after):
        return fire
    raise NoFireTimeError(f"no fire time within {SEARCH_HORIZON.days} days after {after}")


def fires_after(spec: ScheduleSpec, after: datetime) -> Iterator[Fire]:
    """Fire times strictly after `after`, ascending, each instant once."""
    _require_aware(after)
    compiled = _compile(spec)
    last = after.astimezone(UTC)
    for wall in compiled.walls_after(local_wall(after, compiled.tz)):
        instant = resolve_wall(wall, compiled.tz)
        # Mapping walls to instants is monotone but not injective (all walls of a gap map
        # to the jump; the second pass of a repeated hour maps before it), so skip repeats.
        if instant > last:
            last = instant
            yield Fire(instant, wall)


def latest_fire_at_or_before(
    spec: ScheduleSpec, at: datetime, not_before: datetime | None = None
) -> Fire | None:
    """The last fire time at or before `at` (and strictly after `not_before`), if any."""
    _require_aware(at)
    floor = not_before if not_before is not None else at - SEARCH_HORIZON
    span = timedelta(hours=1)
    while True:
        # Search backwards in growing spans so a dense cron does not iterate for years.
        low = max(at - span, floor)
        latest = None
        for fire in fires_after(spec, low):
            if fire.instant > at:
                break
            latest = fire
        if latest is not None or low == floor:
            return latest
        span *= 8


def scheduled_wall(spec: ScheduleSpec, fire_time: datetime) -> datetime:
    """The local wall time a fire time was scheduled for.

    Differs from the wall clock at `fire_time` only when the scheduled time fell into a
    DST gap (02:30 scheduled, fired at 03:00). A `fire_time` that is not a fire time of
    `spec` (e.g. the spec changed since) gets its own wall clock time.
    """
    compiled = _compile(spec)
    for fire in fires_after(spec, fire_time - timedelta(microseconds=1)):
        if fire.instant == fire_time:
            return fire.wall
        break
    return local_wall(fire_time, compiled.tz)


def time_zone(spec: ScheduleSpec) -> ZoneInfo:
    """The spec's time zone (raises InvalidScheduleError when it is unknown)."""
    return _compile(spec).tz


def parse_hh_mm(text: str) -> time:
    """`HH:MM` (00:00-23:59) as a time; ValueError otherwise."""
    if not _HH_MM.fullmatch(text):
        raise ValueError(f"expected HH:MM (00:00-23:59), got {text!r}")
    return time(int(text[:2]), int(text[3:]))


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {instant!r}")


def _structural_violations(spec: ScheduleSpec) -> list[FieldViolation]:
    violations: list[FieldViolation] = []

    def bad(field: str, description: str) -> None:
        violations.append(FieldViolation(field, description))

    if spec.kind is None:
        bad("kind", "required: sweep or rescan")
    if not spec.time_zone:
        bad("time_zone", "required: an IANA time zone such as Europe/Berlin or UTC")
    else:
        try:
            ZoneInfo(spec.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            bad("time_zone", f"unknown IANA time zone {spec.time_zone!r}")
    if bool(spec.daily_time) == bool(spec.cron):
        bad("daily_time", "set exactly one of daily_time and cron")
    elif spec.daily_time:
        try:
            parse_hh_mm(spec.daily_time)
        except ValueError as error:
            bad("daily_time", str(error))
    elif spec.cron:
        problem = _cron_problem(spec.cron)
        if problem:
            bad("cron", problem)
    if not 0 <= spec.every_n_days <= MAX_EVERY_N_DAYS:
        bad("every_n_days", f"must be between 1 and {MAX_EVERY_N_DAYS} (0 means 1)")
    if spec.window_end and spec.window_duration is not None:
        bad("window_end", "set at most one of window_end and window_duration")
    elif spec.window_end:
        try:
            end = parse_hh_mm(spec.window_end)
        except ValueError as error:
            bad("window_end", str(error))
        else:
            daily = spec.daily_time
            if daily and _HH_MM.fullmatch(daily) and end == parse_hh_mm(daily):
                bad("window_end", "equals daily_time; use window_duration for 24 hours")
    elif spec.window_duration is not None and not (
        timedelta(0) < spec.window_duration <= MAX_WINDOW_DURATION
    ):
        bad("window_duration", f"must be positive and at most {MAX_WINDOW_DURATION.days} days")
    if spec.max_images_per_run < 0:
        bad("max_images_per_run", "must not be negative (0 means no cap)")
    if any(not isinstance(day, Weekday) for day in spec.weekdays):
        bad("weekdays", "must be days of the week")
    return violations


def _cron_problem(expression: str) -> str | None:
    text = expression.strip()
    if text.startswith("@"):
        if text.lower() not in _CRON_MACROS:
            return f"unsupported macro {text!r}; use one of {', '.join(sorted(_CRON_MACROS))}"
        return None
    if len(text.split()) != 5:
        return "expected 5 fields: minute hour day-of-month month day-of-week"
    if _NONDETERMINISTIC_CRON_FIELD.search(text):
        return "hashed (H) and random (R) fields are not supported"
    try:
        croniter(_normalised_cron(text), datetime(2000, 1, 1))
    except (CroniterBadCronError, CroniterError, ValueError) as error:
        return f"invalid cron expression: {error}"
    return None


@dataclass(frozen=True, slots=True)
class _CompiledSpec:
    tz: ZoneInfo
    daily_time: time | None
    cron: str | None
    weekdays: frozenset[int]
    every_n_days: int
    anchor: date
    start_date: date | None

    def day_allowed(self, day: date) -> bool:
        return (
            (not self.weekdays or day.weekday() in self.weekdays)
            and (self.start_date is None or day >= self.start_date)
            and (day - self.anchor).days % self.every_n_days == 0
        )

    def first_allowed_day(self, day: date, limit: date) -> date | None:
        if self.start_date is not None and day < self.start_date:
            day = self.start_date
        while day <= limit:
            if self.day_allowed(day):
                return day
            day += timedelta(days=1)
        return None

    def walls_after(self, wall: datetime) -> Iterator[datetime]:
        """Naive local wall times strictly after `wall` that the schedule fires at."""
        limit = wall + SEARCH_HORIZON
        if self.daily_time is not None:
            yield from self._daily_walls_after(wall, self.daily_time, limit)
        else:
            yield from self._cron_walls_after(wall, limit)

    def _daily_walls_after(
        self, wall: datetime, daily_time: time, limit: datetime
    ) -> Iterator[datetime]:
        day = wall.date()
        if datetime.combine(day, daily_time) <= wall:
            day += timedelta(days=1)
        while (found := self.first_allowed_day(day, limit.date())) is not None:
            yield datetime.combine(found, daily_time)
            day = found + timedelta(days=1)

    def _cron_walls_after(self, wall: datetime, limit: datetime) -> Iterator[datetime]:
        assert self.cron is not None
        iterator = croniter(self.cron, wall)
        while True:
            try:
                candidate: datetime = iterator.get_next(datetime)
            except CroniterBadDateError:
                return
            if candidate > limit:
                return
            if self.day_allowed(candidate.date()):
                yield candidate
                continue
            # Skip to the next allowed day instead of stepping through a day of minutes.
            day = self.first_allowed_day(candidate.date() + timedelta(days=1), limit.date())
            if day is None:
                return
            iterator = croniter(self.cron, datetime.combine(day, time()) - timedelta(seconds=1))


def _normalised_cron(expression: str) -> str:
    text = expression.strip()
    return text.lower() if text.startswith("@") else text


@functools.lru_cache(maxsize=1024)
def _compile(spec: ScheduleSpec) -> _CompiledSpec:
    violations = _structural_violations(spec)
    if violations:
        raise InvalidScheduleError(violations)
    return _CompiledSpec(
        tz=ZoneInfo(spec.time_zone),
        daily_time=parse_hh_mm(spec.daily_time) if spec.daily_time else None,
        cron=_normalised_cron(spec.cron) if spec.cron else None,
        weekdays=frozenset(int(day) for day in spec.weekdays),
        every_n_days=max(spec.every_n_days, 1),
        anchor=spec.start_date or date(1970, 1, 1),
        start_date=spec.start_date,
    )
