"""Calendar arithmetic for creation-time windows: N days, months or years before a moment."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class TimeUnit(StrEnum):
    """The unit of a creation window; months and years are calendar units."""

    DAYS = "days"
    MONTHS = "months"
    YEARS = "years"


# A window longer than a century selects everything a registry can hold; larger amounts
# are almost certainly typos (or seconds given as days).
MAX_AMOUNT: dict[TimeUnit, int] = {
    TimeUnit.DAYS: 36_525,
    TimeUnit.MONTHS: 1_200,
    TimeUnit.YEARS: 100,
}

_EARLIEST = datetime.min.replace(tzinfo=UTC)


def subtract_calendar(moment: datetime, amount: int, unit: TimeUnit) -> datetime:
    """Returns `moment` minus `amount` calendar units, in `moment`'s own time zone.

    Days are calendar days: the same wall-clock time `amount` days earlier (with a zoneinfo
    time zone a day across a DST change is 23 or 25 hours; with UTC it is always 24).
    Months and years keep the day of the month, clamped to the target month's last day:
    31 March minus one month is 28 (or 29) February, 29 February minus one year is
    28 February. A result before year 1 is clamped to the earliest representable time.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    if amount < 0:
        raise ValueError("amount must not be negative")
    if unit is TimeUnit.DAYS:
        try:
            return moment - timedelta(days=amount)
        except OverflowError:
            return _EARLIEST
    months = amount if unit is TimeUnit.MONTHS else amount * 12
    index = moment.year * 12 + (moment.month - 1) - months
    year, month_zero = divmod(index, 12)
    if year < 1:
        return _EARLIEST
    month = month_zero + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
