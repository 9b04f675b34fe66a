"""Calendar arithmetic of creation windows, and how `created` time zones are compared."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.rules.domain import CreationWindow, ImageFacts, Reason, RuleSet, TimeUnit
from services.rules.evaluate import evaluate
from services.rules.window import subtract_calendar

BERLIN = ZoneInfo("Europe/Berlin")


def at(year: int, month: int, day: int, hour: int = 12, tz: object = UTC) -> datetime:
    return datetime(year, month, day, hour, tzinfo=tz)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("moment", "amount", "unit", "expected"),
    [
        # 31 March minus one month is the last day of February.
        (at(2026, 3, 31), 1, TimeUnit.MONTHS, at(2026, 2, 28)),
        (at(2024, 3, 31), 1, TimeUnit.MONTHS, at(2024, 2, 29)),
        (at(2026, 5, 31), 1, TimeUnit.MONTHS, at(2026, 4, 30)),
        (at(2026, 1, 15), 1, TimeUnit.MONTHS, at(2025, 12, 15)),
        (at(2026, 1, 31), 13, TimeUnit.MONTHS, at(2024, 12, 31)),
        (at(2026, 3, 31), 25, TimeUnit.MONTHS, at(2024, 2, 29)),
        # Leap days: 29 February minus a year is 28 February; minus four years, 29 February.
        (at(2024, 2, 29), 1, TimeUnit.YEARS, at(2023, 2, 28)),
        (at(2024, 2, 29), 4, TimeUnit.YEARS, at(2020, 2, 29)),
        (at(2024, 2, 29), 12, TimeUnit.MONTHS, at(2023, 2, 28)),
        (at(2026, 3, 1), 1, TimeUnit.DAYS, at(2026, 2, 28)),
        (at(2024, 3, 1), 1, TimeUnit.DAYS, at(2024, 2, 29)),
        (at(2026, 11, 15), 60, TimeUnit.DAYS, at(2026, 9, 16)),
        (at(2026, 1, 1), 0, TimeUnit.DAYS, at(2026, 1, 1)),
        # Far past: clamped, not an error.
        (at(50, 1, 1), 100, TimeUnit.YEARS, datetime.min.replace(tzinfo=UTC)),
        (datetime(1, 1, 2, tzinfo=UTC), 5, TimeUnit.DAYS, datetime.min.replace(tzinfo=UTC)),
    ],
)
def test_calendar_subtraction(
    moment: datetime, amount: int, unit: TimeUnit, expected: datetime
) -> None:
    assert subtract_calendar(moment, amount, unit) == expected


def test_days_are_calendar_days_in_the_zone_of_now() -> None:
    # Europe/Berlin springs forward at 02:00 on 29 March 2026: that day has 23 hours.
    now = at(2026, 3, 29, 12, BERLIN)
    start = subtract_calendar(now, 1, TimeUnit.DAYS)
    assert start == at(2026, 3, 28, 12, BERLIN)
    assert now.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)
    utc_now = now.astimezone(UTC)
    assert utc_now - subtract_calendar(utc_now, 1, TimeUnit.DAYS) == timedelta(hours=24)


def test_months_use_the_calendar_of_now_not_utc() -> None:
    # 1 March 00:30 in Berlin is still 28 February in UTC.
    now = datetime(2026, 3, 1, 0, 30, tzinfo=BERLIN)
    assert subtract_calendar(now, 1, TimeUnit.MONTHS) == datetime(2026, 2, 1, 0, 30, tzinfo=BERLIN)
    assert subtract_calendar(now.astimezone(UTC), 1, TimeUnit.MONTHS) == datetime(
        2026, 1, 28, 23, 30, tzinfo=UTC
    )


def test_naive_or_negative_input_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        subtract_calendar(datetime(2026, 1, 1), 1, TimeUnit.DAYS)
    with pytest.raises(ValueError, match="negative"):
        subtract_calendar(at(2026, 1, 1), -1, TimeUnit.DAYS)


NOW = at(2026, 3, 31)
SIXTY_DAYS = RuleSet(
    id="rs",
    registry_id="reg",
    name="created in the past 60 days",
    creation_window=CreationWindow(60, TimeUnit.DAYS),
)


@pytest.mark.parametrize(
    ("created", "reason"),
    [
        (NOW - timedelta(days=59), Reason.PULL_ALL),
        (NOW - timedelta(days=60), Reason.PULL_ALL),  # the window includes its start
        (NOW - timedelta(days=60, microseconds=1), Reason.OUTSIDE_WINDOW),
        (NOW - timedelta(days=61), Reason.OUTSIDE_WINDOW),
        (NOW + timedelta(days=2), Reason.PULL_ALL),  # clock skew: created "in the future"
        (None, Reason.CREATED_UNKNOWN),
        # The same instant written in other zones compares equal.
        (datetime(2026, 1, 30, 13, tzinfo=timezone(timedelta(hours=1))), Reason.PULL_ALL),
        (datetime(2026, 1, 30, 7, 59, tzinfo=timezone(timedelta(hours=-4))), Reason.OUTSIDE_WINDOW),
        (datetime(2026, 1, 30, 13, 0, tzinfo=BERLIN), Reason.PULL_ALL),
        (
            datetime(2026, 1, 31, 0, 30, tzinfo=ZoneInfo("Pacific/Kiritimati")),
            Reason.OUTSIDE_WINDOW,
        ),
    ],
)
def test_created_in_the_past_60_days(created: datetime | None, reason: Reason) -> None:
    image = ImageFacts("team/app", "1.0", "sha256:a", created)
    assert evaluate(SIXTY_DAYS, [image], NOW)[0].reason is reason


def test_window_in_months_from_a_month_end() -> None:
    one_month = RuleSet(
        registry_id="reg", name="m", creation_window=CreationWindow(1, TimeUnit.MONTHS)
    )
    images = [
        ImageFacts("a", "feb-28", created=at(2026, 2, 28, 12)),
        ImageFacts("a", "feb-28-early", created=at(2026, 2, 28, 11)),
        ImageFacts("a", "feb-27", created=at(2026, 2, 27, 23)),
    ]
    reasons = [d.reason for d in evaluate(one_month, images, NOW)]
    assert reasons == [Reason.PULL_ALL, Reason.OUTSIDE_WINDOW, Reason.OUTSIDE_WINDOW]


def test_created_is_stored_in_utc_and_naive_times_are_refused() -> None:
    image = ImageFacts("a", "b", created=datetime(2026, 1, 1, 1, tzinfo=BERLIN))
    assert image.created == datetime(2026, 1, 1, 0, tzinfo=UTC)
    assert image.created is not None and image.created.tzinfo is UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        ImageFacts("a", "b", created=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(SIXTY_DAYS, [], datetime(2026, 1, 1))
