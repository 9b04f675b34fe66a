"""Dispatch windows of a schedule: when a fire's window closes, and which run a restart owes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from services.scheduler.schedule import (
    ScheduleSpec,
    latest_fire_at_or_before,
    parse_hh_mm,
    scheduled_wall,
    time_zone,
)
from services.scheduler.wallclock import resolve_wall

# A window that ends at a local HH:MM lasts under a day plus the largest DST shift.
_LONGEST_WALL_CLOCK_WINDOW = timedelta(hours=27)


class Window(NamedTuple):
    """Dispatch window of one fire: new work may start at `start` <= t < `end` (end None: open)."""

    start: datetime
    end: datetime | None

    def contains(self, instant: datetime) -> bool:
        """True when `instant` lies inside the window."""
        return self.start <= instant and (self.end is None or instant < self.end)


def window_for(spec: ScheduleSpec, fire_time: datetime) -> Window:
    """The window opened by a fire at `fire_time`.

    With `window_end` (`HH:MM` local) the window closes at the first time the local clock
    reaches that time after the scheduled wall time, so 22:00 -> 05:00 crosses midnight and
    is an hour shorter or longer on DST nights. The end is never moved later: when a DST
    gap swallows both the scheduled time and the end (02:30 -> 02:45 on spring-forward
    day), the window is empty and that night dispatches nothing.
    With `window_duration` it closes that much elapsed time after `fire_time`.
    """
    if spec.window_duration is not None:
        return Window(fire_time, fire_time + spec.window_duration)
    if not spec.window_end:
        return Window(fire_time, None)
    scheduled = scheduled_wall(spec, fire_time)
    end_wall = datetime.combine(scheduled.date(), parse_hh_mm(spec.window_end))
    if end_wall <= scheduled:
        end_wall += timedelta(days=1)
    end = resolve_wall(end_wall, time_zone(spec))
    return Window(fire_time, max(end, fire_time))


def is_open(spec: ScheduleSpec, window: Window, now: datetime) -> bool:
    """True while new work may be dispatched: the schedule is enabled and `now` is inside."""
    return spec.enabled and window.contains(now)


def current_window(spec: ScheduleSpec, now: datetime) -> Window | None:
    """The window of the latest fire at or before `now`, when `now` is still inside it.

    Windows of later fires never close earlier, so when the latest fire's window is
    closed, every earlier one is too. Ignores `enabled`.
    """
    if spec.window_duration is not None:
        not_before: datetime | None = now - spec.window_duration
    elif spec.window_end:
        not_before = now - _LONGEST_WALL_CLOCK_WINDOW
    else:
        not_before = None  # windows never close: the latest fire ever
    fire = latest_fire_at_or_before(spec, now, not_before)
    if fire is None:
        return None
    window = window_for(spec, fire.instant)
    return window if window.contains(now) else None


def missed_run(spec: ScheduleSpec, last_fired_at: datetime, now: datetime) -> Window | None:
    """The run to start once on startup, if one fired while the service was down.

    Only the latest fire after `last_fired_at` counts, and only while its window is
    still open at `now`: a service down for three nights runs at most once, and not at
    all when it comes back after the last window closed. Pass the schedule's creation
    time as `last_fired_at` when it never fired. `window.start` is the missed fire time.
    """
    if not spec.enabled:
        return None
    window = current_window(spec, now)
    if window is None or window.start <= last_fired_at:
        return None
    return window
