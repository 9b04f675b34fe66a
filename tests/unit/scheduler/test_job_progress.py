"""Job progress: idempotent scan results, reasons, throughput over a sliding window, ETA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.scheduler.progress import JobProgress, ReasonCount, ScanOutcome

START = datetime(2026, 3, 10, 21, tzinfo=UTC)
OK = ScanOutcome.SUCCEEDED
FAILED = ScanOutcome.FAILED


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def test_the_same_result_twice_counts_once() -> None:
    progress = JobProgress(active_since=START)
    assert progress.apply_result("req-1", OK, at(1))
    assert not progress.apply_result("req-1", OK, at(2))
    assert progress.apply_result("req-2", FAILED, at(3), "MANIFEST_UNKNOWN", "team/app:1")
    assert not progress.apply_result("req-2", FAILED, at(4), "MANIFEST_UNKNOWN", "team/app:1")
    assert (progress.scanned, progress.failed_total) == (1, 1)


def test_a_retry_that_succeeds_moves_the_request_from_failed_to_scanned() -> None:
    progress = JobProgress(active_since=START)
    progress.apply_result("req-1", FAILED, at(1), "UNAUTHORIZED")
    assert progress.apply_result("req-1", OK, at(9))
    assert (progress.scanned, progress.failed_total, progress.failed) == (1, 0, {})
    assert not progress.apply_result("req-1", FAILED, at(10), "TOO_LARGE")  # success stands
    assert (progress.scanned, progress.failed_total) == (1, 0)


def test_queued_counts_each_request_id_once() -> None:
    progress = JobProgress(active_since=START)
    assert progress.add_queued("req-1")
    assert not progress.add_queued("req-1")
    assert progress.add_queued("req-2")
    assert progress.queued == 2


def test_reasons_are_counted_with_an_example_and_ordered_by_count() -> None:
    progress = JobProgress(active_since=START)
    progress.add_discovered(10)
    progress.add_selected(4)
    progress.add_skipped("rule:never_pull", "team/app:debug", 5)
    progress.add_skipped("unchanged", "library/alpine:3.20")
    progress.add_skipped("rule:never_pull", "team/other:debug")
    progress.apply_result("r1", FAILED, at(1), "TOO_LARGE", "big/model:1")
    progress.apply_result("r2", FAILED, at(1), "", "odd/one:1")
    snapshot = progress.snapshot(at(2))
    assert snapshot.skipped == (
        ReasonCount("rule:never_pull", 6, "team/app:debug"),
        ReasonCount("unchanged", 1, "library/alpine:3.20"),
    )
    assert snapshot.skipped_total == 7
    assert snapshot.failed == (
        ReasonCount("TOO_LARGE", 1, "big/model:1"),
        ReasonCount("UNKNOWN", 1, "odd/one:1"),
    )
    assert (snapshot.discovered, snapshot.selected, snapshot.failed_total) == (10, 4, 2)


def test_throughput_early_in_a_job_divides_by_the_time_active() -> None:
    progress = JobProgress(active_since=START)
    for index in range(30):
        progress.apply_result(f"r{index}", OK, at(index / 3))  # 3 per second for 10 s
    assert progress.images_per_second(at(10)) == 3.0


def test_throughput_over_the_sliding_window_and_eta() -> None:
    progress = JobProgress(active_since=START)
    for index in range(200):
        progress.add_queued(f"r{index}")
    for index in range(120):
        progress.apply_result(f"r{index}", OK, at(index + 1))  # 1 per second for 2 minutes
    now = at(120)
    assert progress.images_per_second(now) == 1.0  # the last 60 s only
    assert progress.outstanding() == 80
    assert progress.eta(now) == timedelta(seconds=80)
    assert progress.eta(now, not_yet_queued=100) == timedelta(seconds=180)
    snapshot = progress.snapshot(now, not_yet_queued=100)
    assert (snapshot.queued, snapshot.scanned, snapshot.images_per_second) == (200, 120, 1.0)
    assert snapshot.eta == timedelta(seconds=180)


def test_no_completion_in_the_window_means_unknown_eta() -> None:
    progress = JobProgress(active_since=START)
    progress.add_queued("r1")
    progress.add_queued("r2")
    progress.apply_result("r1", OK, at(5))
    assert progress.eta(at(10)) == timedelta(seconds=10)  # 1 done in 10 s, 1 left
    assert progress.images_per_second(at(100)) == 0.0
    assert progress.eta(at(100)) is None


def test_nothing_outstanding_means_zero_eta() -> None:
    progress = JobProgress(active_since=START)
    progress.add_queued("r1")
    progress.apply_result("r1", OK, at(1))
    assert progress.eta(at(500)) == timedelta(0)


def test_resuming_a_paused_job_restarts_the_rate_denominator() -> None:
    progress = JobProgress(active_since=START)
    progress.resume(at(86400))
    for index in range(10):
        progress.apply_result(f"r{index}", OK, at(86400 + index))
    assert progress.images_per_second(at(86410)) == 1.0
    assert progress.images_per_second(at(86400)) == 0.0  # no time active yet


def test_results_arriving_before_their_publish_is_recorded_still_count() -> None:
    progress = JobProgress(active_since=START)
    progress.apply_result("r1", OK, at(1))
    assert progress.outstanding() == 0
    progress.add_queued("r1")
    assert (progress.queued, progress.scanned, progress.outstanding()) == (1, 1, 0)


def test_counters_restored_from_storage_keep_counting() -> None:
    progress = JobProgress.restore(
        START,
        queued=500,
        scanned=400,
        failed=[ReasonCount("TOO_LARGE", 2, "big/model:1")],
        skipped=[ReasonCount("unchanged", 7, "library/alpine:3.20")],
    )
    progress.apply_result("late", OK, at(1))
    progress.apply_result("later", FAILED, at(2), "TOO_LARGE", "big/other:2")
    snapshot = progress.snapshot(at(3))
    assert (snapshot.scanned, snapshot.failed_total, snapshot.skipped_total) == (401, 3, 7)
    assert snapshot.failed == (ReasonCount("TOO_LARGE", 3, "big/model:1"),)


results = st.lists(
    st.tuples(
        st.sampled_from([f"req-{index}" for index in range(8)]),
        st.sampled_from([OK, FAILED]),
        st.sampled_from(["TOO_LARGE", "UNAUTHORIZED", ""]),
        st.integers(min_value=0, max_value=600),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(events=results, order=st.randoms(use_true_random=False))
def test_final_counts_do_not_depend_on_delivery_order_or_duplicates(
    events: list[tuple[str, ScanOutcome, str, int]], order: object
) -> None:
    """At-least-once delivery in any order: each request counts once, success if any."""
    shuffled = list(events)
    order.shuffle(shuffled)  # type: ignore[attr-defined]
    totals = []
    for sequence in (events, shuffled, shuffled + events):
        progress = JobProgress(active_since=START)
        for request_id, outcome, code, second in sequence:
            progress.apply_result(request_id, outcome, at(second), code)
        totals.append((progress.scanned, progress.failed_total))
    succeeded = {request_id for request_id, outcome, _, _ in events if outcome is OK}
    requests = {request_id for request_id, _, _, _ in events}
    assert totals == [(len(succeeded), len(requests - succeeded))] * 3
