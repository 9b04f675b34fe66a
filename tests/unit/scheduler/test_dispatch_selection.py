"""Which selected images a job queues (each digest once, re-publish after a takeover) and the
rescan's change rule; deterministic scan request ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.scheduler.domain import ALREADY_QUEUED, scan_request_id
from services.scheduler.selection import Candidate, plan_chunk, rescan_changed

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
T = datetime(2026, 3, 1, tzinfo=UTC)


def c(repository: str, tag: str, digest: str) -> Candidate:
    return Candidate((repository, tag), digest)


def test_tags_of_one_digest_queue_it_once() -> None:
    plan = plan_chunk([c("a", "1.0", D1), c("a", "latest", D1), c("b", "x", D2)], {})
    assert [p.key for p in plan.new] == [("a", "1.0"), ("b", "x")]
    assert [(s.key, reason) for s, reason in plan.skipped] == [(("a", "latest"), ALREADY_QUEUED)]
    assert not plan.republish


def test_a_digest_recorded_earlier_in_the_job_is_skipped_under_another_tag() -> None:
    plan = plan_chunk([c("b", "y", D1)], {D1: ("a", "1.0")})
    assert not plan.publish and plan.skipped[0][1] == ALREADY_QUEUED


def test_a_digest_recorded_under_the_same_tag_is_published_again() -> None:
    # the previous driver recorded it and died before moving the cursor past it
    plan = plan_chunk([c("a", "1.0", D1), c("a", "latest", D1)], {D1: ("a", "1.0")})
    assert [p.key for p in plan.republish] == [("a", "1.0")]
    assert [s.key for s, _ in plan.skipped] == [("a", "latest")]
    assert not plan.new


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from("xyz"), st.sampled_from([D1, D2])),
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_every_image_is_published_or_skipped_and_each_digest_published_once(
    images: list[tuple[str, str, str]],
) -> None:
    chunk = [c(*image) for image in sorted(images)]
    plan = plan_chunk(chunk, {})
    published = [p.digest for p in plan.publish]
    assert len(published) == len(set(published)) == len({d for _, _, d in images})
    assert len(plan.publish) + len(plan.skipped) == len(chunk)


def test_rescan_compares_with_the_digest_last_queued() -> None:
    assert not rescan_changed(D1, D1, T + timedelta(days=9), T)
    assert rescan_changed(D2, D1, None, T)


def test_rescan_of_a_tag_never_queued_uses_the_catalog_change_time() -> None:
    assert rescan_changed(D1, None, T + timedelta(seconds=1), T)
    assert not rescan_changed(D1, None, T - timedelta(seconds=1), T)
    assert rescan_changed(D1, None, None, T)  # unknown: the safe side
    assert rescan_changed(D1, None, T - timedelta(days=1), None)  # no earlier run


def test_scan_request_ids_are_deterministic_and_scoped() -> None:
    first = scan_request_id("reg", D1, "sweep", "job-1")
    assert first == scan_request_id("reg", D1, "sweep", "job-1")
    assert first.startswith("sweep-")
    others = {
        scan_request_id("reg", D2, "sweep", "job-1"),
        scan_request_id("reg", D1, "rescan", "job-1"),
        scan_request_id("reg", D1, "sweep", "job-2"),
        scan_request_id("other", D1, "sweep", "job-1"),
    }
    assert first not in others and len(others) == 4
