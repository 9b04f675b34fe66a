"""Resuming a sweep across windows: the cap, the cursor, and exactly-once dispatch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.scheduler.cursor import ImageKey, SweepCursor, cap_budget, remaining

SELECTED: list[ImageKey] = [
    ("library/alpine", "3.19"),
    ("library/alpine", "3.20"),
    ("library/debian", "12"),
    ("team/app", "1.0.0"),
    ("team/app", "1.1.0"),
]
NIGHT_1 = datetime(2026, 3, 10, 21, tzinfo=UTC)
NIGHT_2 = NIGHT_1 + timedelta(days=1)


def test_fresh_cursor_without_cap_takes_everything() -> None:
    batch = remaining(SELECTED, SweepCursor())
    assert batch.keys == tuple(SELECTED)
    assert batch.exhausted


def test_cap_limits_a_window_and_the_next_window_resumes_after_the_cursor() -> None:
    cursor = SweepCursor().entering_window(NIGHT_1)
    batch = remaining(SELECTED, cursor, cap=2)
    assert batch.keys == (("library/alpine", "3.19"), ("library/alpine", "3.20"))
    assert not batch.exhausted
    for key in batch.keys:
        cursor = cursor.advanced(key)
    assert remaining(SELECTED, cursor, cap=2).keys == ()  # budget spent this night
    assert cap_budget(cursor, 2) == 0
    cursor = cursor.entering_window(NIGHT_2)
    assert cap_budget(cursor, 2) == 2
    batch = remaining(SELECTED, cursor, cap=2)
    assert batch.keys == (("library/debian", "12"), ("team/app", "1.0.0"))
    assert cursor.entering_window(NIGHT_2) is cursor  # re-entering keeps the count


def test_cap_exactly_reached_at_the_end_reports_exhausted() -> None:
    cursor = SweepCursor(last_key=("library/debian", "12"), handled_total=3)
    batch = remaining(SELECTED, cursor, cap=2)
    assert batch.keys == (("team/app", "1.0.0"), ("team/app", "1.1.0"))
    assert batch.exhausted


def test_window_closing_mid_batch_resumes_at_the_next_key() -> None:
    cursor = SweepCursor().entering_window(NIGHT_1)
    batch = remaining(SELECTED, cursor)
    cursor = cursor.advanced(batch.keys[0]).advanced(batch.keys[1]).advanced(batch.keys[2])
    restored = SweepCursor.from_json(cursor.to_json()).entering_window(NIGHT_2)
    assert remaining(SELECTED, restored).keys == tuple(SELECTED[3:])
    assert restored.handled_total == 3 and restored.handled_in_window == 0


def test_removed_images_are_not_met_again_and_new_ones_after_the_cursor_are() -> None:
    cursor = SweepCursor(last_key=("library/debian", "12"))
    now_selected = [key for key in SELECTED if key != ("team/app", "1.0.0")]
    now_selected.append(("zeta/tool", "1"))
    assert remaining(now_selected, cursor).keys == (("team/app", "1.1.0"), ("zeta/tool", "1"))


def test_unsorted_or_duplicate_selection_is_refused() -> None:
    with pytest.raises(ValueError, match="ascending"):
        remaining([SELECTED[1], SELECTED[0]], SweepCursor())
    with pytest.raises(ValueError, match="ascending"):
        remaining([SELECTED[0], SELECTED[0]], SweepCursor())


def test_cursor_refuses_to_go_backwards() -> None:
    cursor = SweepCursor().advanced(SELECTED[2])
    with pytest.raises(ValueError, match="after the cursor"):
        cursor.advanced(SELECTED[1])


def test_json_round_trip_and_shape() -> None:
    cursor = SweepCursor().entering_window(NIGHT_1).advanced(("team/app", "1.0.0"))
    text = cursor.to_json()
    assert text == (
        '{"v":1,"last_key":["team/app","1.0.0"],"handled_total":1,'
        '"window_start":"2026-03-10T21:00:00+00:00","handled_in_window":1}'
    )
    assert SweepCursor.from_json(text) == cursor
    assert SweepCursor.from_json(SweepCursor().to_json()) == SweepCursor()
    with pytest.raises(ValueError):
        SweepCursor.from_json('{"v":2}')


def test_code_point_order_is_the_contract() -> None:
    # Python sorts upper case before lower case; a store listing images must agree.
    keys = sorted([("team/app", "v1"), ("Team/app", "v1"), ("team/app", "V1")])
    assert keys == [("Team/app", "v1"), ("team/app", "V1"), ("team/app", "v1")]
    assert remaining(keys, SweepCursor(last_key=keys[0])).keys == tuple(keys[1:])


keys_strategy = st.lists(
    st.tuples(st.sampled_from(["a", "b/c", "b/d", "lib/x", "Z"]), st.text("0123.v-", max_size=4)),
    unique=True,
    max_size=40,
).map(sorted)


@settings(max_examples=150, deadline=None)
@given(
    selected=keys_strategy,
    cap=st.integers(min_value=0, max_value=6),
    stops=st.lists(st.integers(min_value=0, max_value=8), max_size=12),
    persist=st.booleans(),
)
def test_splitting_a_run_across_windows_dispatches_each_image_exactly_once(
    selected: list[ImageKey], cap: int, stops: list[int], persist: bool
) -> None:
    """Each window handles `stops[i]` images before it closes (or all it may, once the
    stops run out); the cap may cut it shorter. Dispatch must be exactly the selection."""
    dispatched: list[ImageKey] = []
    cursor = SweepCursor()
    for night in range(len(selected) + len(stops) + 2):
        cursor = cursor.entering_window(NIGHT_1 + timedelta(days=night))
        batch = remaining(selected, cursor, cap)
        if cap:
            assert len(batch.keys) <= cap
        limit = stops[night] if night < len(stops) else len(batch.keys)
        for key in batch.keys[:limit]:
            dispatched.append(key)
            cursor = cursor.advanced(key)
        if persist:
            cursor = SweepCursor.from_json(cursor.to_json())
        if batch.exhausted and limit >= len(batch.keys):
            break
    assert dispatched == selected
    assert cursor.handled_total == len(selected)
    assert remaining(selected, cursor, cap).keys == ()


@settings(max_examples=100, deadline=None)
@given(snapshots=st.lists(keys_strategy, min_size=1, max_size=5), cap=st.integers(0, 4))
def test_a_changing_selection_never_dispatches_an_image_twice(
    snapshots: list[list[ImageKey]], cap: int
) -> None:
    """Between windows images come and go; each window sees a fresh listing."""
    dispatched: list[ImageKey] = []
    cursor = SweepCursor()
    for night, selected in enumerate(snapshots):
        cursor = cursor.entering_window(NIGHT_1 + timedelta(days=night))
        for key in remaining(selected, cursor, cap).keys:
            assert key in selected
            dispatched.append(key)
            cursor = cursor.advanced(key)
    assert dispatched == sorted(set(dispatched))
