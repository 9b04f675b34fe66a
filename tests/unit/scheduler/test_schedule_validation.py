"""Schedule spec validation: field paths and messages an operator can act on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.scheduler.schedule import ScheduleKind, ScheduleSpec, Weekday, validate

SWEEP = ScheduleKind.SWEEP


def fields(spec: ScheduleSpec) -> list[str]:
    return [violation.field for violation in validate(spec)]


@pytest.mark.parametrize(
    "spec",
    [
        ScheduleSpec(SWEEP, "Europe/Berlin", daily_time="02:30"),
        ScheduleSpec(SWEEP, "UTC", daily_time="00:00", window_end="23:59"),
        ScheduleSpec(SWEEP, "America/New_York", daily_time="22:00", window_end="05:00"),
        ScheduleSpec(ScheduleKind.RESCAN, "UTC", cron="30 1 * * 1-5", max_images_per_run=500),
        ScheduleSpec(SWEEP, "UTC", cron="@weekly", window_duration=timedelta(hours=6)),
        ScheduleSpec(SWEEP, "UTC", cron="0 0 29 2 *"),  # leap days only: still fires
        ScheduleSpec(
            SWEEP,
            "Asia/Kolkata",
            daily_time="03:15",
            weekdays=frozenset({Weekday.SATURDAY}),
            every_n_days=14,
            start_date=date(2026, 1, 3),
        ),
        ScheduleSpec(SWEEP, "UTC", daily_time="01:00", every_n_days=0),  # 0 means 1
    ],
)
def test_valid_specs_have_no_violations(spec: ScheduleSpec) -> None:
    assert validate(spec) == []


@pytest.mark.parametrize(
    ("spec", "expected_fields"),
    [
        (ScheduleSpec(None, "UTC", daily_time="02:00"), ["kind"]),
        (ScheduleSpec(SWEEP, "", daily_time="02:00"), ["time_zone"]),
        (ScheduleSpec(SWEEP, "Europe/Atlantis", daily_time="02:00"), ["time_zone"]),
        (ScheduleSpec(SWEEP, "../../etc/passwd", daily_time="02:00"), ["time_zone"]),
        (ScheduleSpec(SWEEP, "UTC"), ["daily_time"]),
        (ScheduleSpec(SWEEP, "UTC", daily_time="02:00", cron="0 2 * * *"), ["daily_time"]),
        (ScheduleSpec(SWEEP, "UTC", daily_time="24:00"), ["daily_time"]),
        (ScheduleSpec(SWEEP, "UTC", daily_time="2:30"), ["daily_time"]),
        (ScheduleSpec(SWEEP, "UTC", cron="0 2 * *"), ["cron"]),
        (ScheduleSpec(SWEEP, "UTC", cron="0 2 * * * 30"), ["cron"]),  # seconds field
        (ScheduleSpec(SWEEP, "UTC", cron="0 25 * * *"), ["cron"]),
        (ScheduleSpec(SWEEP, "UTC", cron="H 2 * * *"), ["cron"]),
        (ScheduleSpec(SWEEP, "UTC", cron="R 2 * * *"), ["cron"]),
        (ScheduleSpec(SWEEP, "UTC", cron="@reboot"), ["cron"]),
        (ScheduleSpec(SWEEP, "UTC", cron="0 0 30 2 *"), ["cron"]),  # never fires
        (ScheduleSpec(SWEEP, "UTC", daily_time="01:00", every_n_days=-2), ["every_n_days"]),
        (ScheduleSpec(SWEEP, "UTC", daily_time="01:00", every_n_days=367), ["every_n_days"]),
        (ScheduleSpec(SWEEP, "UTC", daily_time="01:00", window_end="1:00"), ["window_end"]),
        (ScheduleSpec(SWEEP, "UTC", daily_time="01:00", window_end="01:00"), ["window_end"]),
        (
            ScheduleSpec(
                SWEEP,
                "UTC",
                daily_time="01:00",
                window_end="05:00",
                window_duration=timedelta(hours=4),
            ),
            ["window_end"],
        ),
        (
            ScheduleSpec(SWEEP, "UTC", daily_time="01:00", window_duration=timedelta(0)),
            ["window_duration"],
        ),
        (
            ScheduleSpec(SWEEP, "UTC", daily_time="01:00", window_duration=timedelta(days=8)),
            ["window_duration"],
        ),
        (
            ScheduleSpec(SWEEP, "UTC", daily_time="01:00", max_images_per_run=-1),
            ["max_images_per_run"],
        ),
        (
            ScheduleSpec(
                SWEEP,
                "UTC",
                cron="0 2 * * 1",
                weekdays=frozenset({Weekday.TUESDAY}),
            ),
            ["cron"],  # Mondays only, filtered to Tuesdays: never fires
        ),
        (
            ScheduleSpec(None, "Nowhere/Land", daily_time="99:99", every_n_days=1000),
            ["kind", "time_zone", "daily_time", "every_n_days"],
        ),
    ],
)
def test_invalid_specs_name_the_fields(spec: ScheduleSpec, expected_fields: list[str]) -> None:
    assert fields(spec) == expected_fields


def test_messages_say_what_is_expected() -> None:
    (violation,) = validate(ScheduleSpec(SWEEP, "UTC", daily_time="7pm"))
    assert violation.field == "daily_time"
    assert "HH:MM" in violation.description
    (never,) = validate(ScheduleSpec(SWEEP, "UTC", cron="0 0 31 4 *"))
    assert "never fires" in never.description
