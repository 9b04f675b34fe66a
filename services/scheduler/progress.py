"""Job progress counters, throughput and ETA, fed by idempotent scan events (pure).

Semantics the servicer's SQL must match:
- a scan request id counts once as queued, however often it is published;
- a request id counts once as completed: the first result wins, except that a success
  after a failure of the same request (a retry that worked) moves it from failed to
  scanned; a failure after a success, and any repeated result, change nothing;
- results count even when their request was not (yet) recorded as queued, since a fast
  scanner can answer before the publisher records the publish;
- throughput is completions (first result per request) in a sliding window divided by
  the window length, or by the time since the job last became active when that is
  shorter; the ETA is the outstanding work at that rate, unknown at rate zero.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

DEFAULT_THROUGHPUT_WINDOW = timedelta(seconds=60)


class ScanOutcome(StrEnum):
    """Outcome of one scan request, as the Scanner reports it."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ReasonCount:
    """How often one reason occurred, with one example (e.g. `team/app:1.2`) for a human."""

    reason: str
    count: int
    example: str


@dataclass(frozen=True, slots=True)
class ProgressSnapshot:
    """Everything WatchJob shows about a job's progress at one instant."""

    discovered: int
    selected: int
    skipped: tuple[ReasonCount, ...]
    skipped_total: int
    queued: int
    scanned: int
    failed: tuple[ReasonCount, ...]
    failed_total: int
    images_per_second: float
    eta: timedelta | None


@dataclass(slots=True)
class Tally:
    """A running count of one reason and its first example."""

    count: int
    example: str


@dataclass(slots=True)
class JobProgress:
    """Mutable progress of one job (one instance per job, fed by one replica)."""

    active_since: datetime
    discovered: int = 0
    selected: int = 0
    queued: int = 0
    scanned: int = 0
    skipped: dict[str, Tally] = field(default_factory=dict)
    failed: dict[str, Tally] = field(default_factory=dict)
    throughput_window: timedelta = DEFAULT_THROUGHPUT_WINDOW
    _queued_ids: set[str] = field(default_factory=set, init=False, repr=False)
    _results: dict[str, tuple[ScanOutcome, str]] = field(
        default_factory=dict, init=False, repr=False
    )
    _completions: list[datetime] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def restore(
        cls,
        active_since: datetime,
        *,
        discovered: int = 0,
        selected: int = 0,
        queued: int = 0,
        scanned: int = 0,
        skipped: Iterable[ReasonCount] = (),
        failed: Iterable[ReasonCount] = (),
        completions: Iterable[datetime] = (),
    ) -> JobProgress:
        """Progress rebuilt from stored counters (request ids are deduplicated by the store).

        `completions` are the stored completion times of the throughput window (first
        result per request), so the rate and ETA survive a restore.
        """
        progress = cls(
            active_since=active_since,
            discovered=discovered,
            selected=selected,
            queued=queued,
            scanned=scanned,
            skipped={item.reason: Tally(item.count, item.example) for item in skipped},
            failed={item.reason: Tally(item.count, item.example) for item in failed},
        )
        progress._completions = sorted(completions)
        return progress

    def resume(self, at: datetime) -> None:
        """Mark the job active again (a window opened) for the throughput denominator."""
        self.active_since = at

    def add_discovered(self, count: int = 1) -> None:
        """Images found in the registry's inventory."""
        self.discovered += count

    def add_selected(self, count: int = 1) -> None:
        """Images the rules selected."""
        self.selected += count

    def add_skipped(self, reason: str, example: str = "", count: int = 1) -> None:
        """Images not queued, by machine-readable reason (`rule:never_pull`, `unchanged`)."""
        _bump(self.skipped, reason, example, count)

    def add_queued(self, request_id: str) -> bool:
        """Record one published scan request; False when this id was already counted."""
        if request_id in self._queued_ids:
            return False
        self._queued_ids.add(request_id)
        self.queued += 1
        return True

    def apply_result(
        self,
        request_id: str,
        outcome: ScanOutcome,
        completed_at: datetime,
        failure_code: str = "",
        example: str = "",
    ) -> bool:
        """Apply one scan result; False when it changed nothing (a duplicate).

        `failure_code` is the machine-readable reason of a failure (`UNKNOWN` when empty);
        `example` is kept as the reason's example for a human (e.g. `team/app:1.2`).
        """
        previous = self._results.get(request_id)
        if previous is not None:
            previous_outcome, previous_code = previous
            if not (previous_outcome is ScanOutcome.FAILED and outcome is ScanOutcome.SUCCEEDED):
                return False
            _drop(self.failed, previous_code)
            self.scanned += 1
            self._results[request_id] = (outcome, "")
            return True
        if outcome is ScanOutcome.SUCCEEDED:
            self._results[request_id] = (outcome, "")
            self.scanned += 1
        else:
            code = failure_code or "UNKNOWN"
            self._results[request_id] = (outcome, code)
            _bump(self.failed, code, example, 1)
        self._record_completion(completed_at)
        return True

    def _record_completion(self, completed_at: datetime) -> None:
        bisect.insort(self._completions, completed_at)
        # Completions older than the window before the newest can never count again.
        horizon = self._completions[-1] - self.throughput_window
        del self._completions[: bisect.bisect_right(self._completions, horizon)]

    @property
    def failed_total(self) -> int:
        """Requests whose scan failed (and did not succeed on a retry)."""
        return sum(tally.count for tally in self.failed.values())

    @property
    def skipped_total(self) -> int:
        """Images skipped, all reasons together."""
        return sum(tally.count for tally in self.skipped.values())

    def images_per_second(self, now: datetime) -> float:
        """Completions per second over the sliding window ending at `now`."""
        recent = bisect.bisect_right(self._completions, now) - bisect.bisect_right(
            self._completions, now - self.throughput_window
        )
        span = min(self.throughput_window, now - self.active_since).total_seconds()
        if span <= 0:
            return 0.0
        return recent / span

    def outstanding(self, not_yet_queued: int = 0) -> int:
        """Scans still to finish: queued but without a result, plus `not_yet_queued`."""
        return max(self.queued - self.scanned - self.failed_total, 0) + not_yet_queued

    def eta(self, now: datetime, not_yet_queued: int = 0) -> timedelta | None:
        """Time to finish the outstanding scans at the current rate; None while unknown."""
        outstanding = self.outstanding(not_yet_queued)
        if outstanding == 0:
            return timedelta(0)
        rate = self.images_per_second(now)
        if rate <= 0:
            return None
        return timedelta(seconds=outstanding / rate)

    def snapshot(self, now: datetime, not_yet_queued: int = 0) -> ProgressSnapshot:
        """The progress at `now`; `not_yet_queued` is what the job has still to dispatch."""
        return ProgressSnapshot(
            discovered=self.discovered,
            selected=self.selected,
            skipped=_reason_counts(self.skipped),
            skipped_total=self.skipped_total,
            queued=self.queued,
            scanned=self.scanned,
            failed=_reason_counts(self.failed),
            failed_total=self.failed_total,
            images_per_second=self.images_per_second(now),
            eta=self.eta(now, not_yet_queued),
        )


def _bump(tallies: dict[str, Tally], reason: str, example: str, count: int) -> None:
    tally = tallies.get(reason)
    if tally is None:
        tallies[reason] = Tally(count, example)
    else:
        tally.count += count
        tally.example = tally.example or example


def _drop(tallies: dict[str, Tally], reason: str) -> None:
    tally = tallies.get(reason)
    if tally is None:  # counters restored from storage without this reason
        return
    tally.count -= 1
    if tally.count <= 0:
        del tallies[reason]


def _reason_counts(tallies: dict[str, Tally]) -> tuple[ReasonCount, ...]:
    ordered = sorted(tallies.items(), key=lambda item: (-item[1].count, item[0]))
    return tuple(ReasonCount(reason, tally.count, tally.example) for reason, tally in ordered)
