"""What a due schedule does now: fire (or fire its missed run) or just move on (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.scheduler.schedule import NoFireTimeError, ScheduleSpec, next_fire_after
from services.scheduler.window import Window, missed_run


@dataclass(frozen=True, slots=True)
class FireDecision:
    """`window` to open now (None: nothing to run) and the schedule's next fire time."""

    window: Window | None
    next_fire_at: datetime | None


def next_fire_or_none(spec: ScheduleSpec, after: datetime) -> datetime | None:
    """The next fire time strictly after `after`; None when disabled or it never fires."""
    if not spec.enabled:
        return None
    try:
        return next_fire_after(spec, after)
    except NoFireTimeError:
        return None


def decide_fire(
    spec: ScheduleSpec, last_fired_at: datetime | None, created_at: datetime, now: datetime
) -> FireDecision:
    """The decision for a schedule whose next fire time has come (`now` >= it).

    The latest fire at or before `now` runs when its window is still open: on time this
    is the fire just due; after downtime it is the missed run, started once, late, with
    the window it would have had. A fire whose window already closed is dropped. Either
    way the schedule moves to its first fire after `now`.
    """
    window = missed_run(spec, last_fired_at or created_at, now)
    return FireDecision(window, next_fire_or_none(spec, now))
