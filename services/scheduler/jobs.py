"""Drives one job on this replica: scoped sync, evaluation, dispatch by cursor, then its results.

A job's state lives in its row, so the replica that takes a job over (its driver died)
continues at the stored phase: it waits for the same Catalog sync, evaluates again at the
pinned rule-set revision, and dispatches after the stored cursor. Requests of the chunk
in flight when the driver died are published again under the same ids, which JetStream
drops as duplicates.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TypeVar

import grpc
from prometheus_client import Counter

from regsieve.v1 import catalog_pb2, rules_pb2
from services.common.errors import NotFound
from services.common.logs import get_logger
from services.scheduler.clients import PeerError, Peers
from services.scheduler.cursor import ImageKey, SweepCursor, remaining
from services.scheduler.domain import (
    LANE_OF_KIND,
    OVER_CAP,
    UNCHANGED,
    JobKind,
    JobState,
    Phase,
    image_label,
    scan_request_id,
)
from services.scheduler.publisher import RequestPublisher, scan_request
from services.scheduler.selection import Candidate, plan_chunk, rescan_changed
from services.scheduler.store import JobRow, SchedulerStore

log = get_logger("regsieve.scheduler.jobs")

JOBS_ENDED = Counter(
    "regsieve_scheduler_jobs_ended_total",
    "Jobs this replica ended or paused, by kind and state.",
    ["kind", "state"],
)

T = TypeVar("T")

SYNC_POLL_S = 0.2
SYNC_ATTEMPTS = 3
RETRY_DELAYS_S = (0.5, 1, 2, 4, 8, 15, 30, 30, 30, 30)
RESOLVE_CONCURRENCY = 16
# A rescan without an earlier run compares change times against the epoch: all changed.
NO_PREVIOUS_RUN = datetime(1970, 1, 1, tzinfo=UTC)
_ENDED_SYNC_STATES = (
    catalog_pb2.SYNC_STATE_SUCCEEDED,
    catalog_pb2.SYNC_STATE_FAILED,
    catalog_pb2.SYNC_STATE_CANCELLED,
)


class JobStopped(Exception):
    """The job is no longer this replica's to drive (cancelled, taken over, shutting down)."""


class JobFailure(Exception):
    """Something that fails the whole job; the message goes to `Job.error`."""


@dataclass
class JobEnv:
    """What every job runner of a replica shares."""

    store: SchedulerStore
    peers: Peers
    publisher: RequestPublisher
    clock: Callable[[], datetime]
    owner: str
    lease_s: float
    chunk_size: int = 500
    wait_poll_s: float = 1.0


@dataclass
class Evaluation:
    """The selected images in (repository, tag) order and the evaluation's counts."""

    candidates: list[Candidate]
    discovered: int
    selected: int
    rule_skips: dict[str, tuple[int, str]]
    revision: int


class JobRunner:
    def __init__(self, env: JobEnv, job: JobRow) -> None:
        self.env = env
        self.job = job
        self.stopped = asyncio.Event()

    @property
    def store(self) -> SchedulerStore:
        return self.env.store

    @property
    def peers(self) -> Peers:
        return self.env.peers

    async def run(self) -> None:
        renewing = asyncio.create_task(self._renew_loop())
        log.info("job.driving", job_id=self.job.id, kind=str(self.job.kind), phase=self.job.phase)
        try:
            await self._drive()
        except JobStopped:
            log.info("job.stopped_driving", job_id=self.job.id)
        except (JobFailure, PeerError) as exc:
            await self._fail(str(exc))
        except Exception as exc:
            log.exception("job.crashed", job_id=self.job.id)
            await self._fail(f"internal error: {exc}")
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)

    async def _fail(self, error: str) -> None:
        log.warning("job.failed", job_id=self.job.id, error=error)
        try:
            if await self.store.end_job(
                self.job.id, self.env.owner, JobState.FAILED, self.env.clock(), error=error
            ):
                JOBS_ENDED.labels(str(self.job.kind), "FAILED").inc()
        except Exception:
            log.exception("job.fail_record_failed", job_id=self.job.id)

    async def _renew_loop(self) -> None:
        while True:
            await asyncio.sleep(self.env.lease_s / 3)
            try:
                held = await self.store.renew_job(self.job.id, self.env.owner, self.env.lease_s)
            except Exception as exc:
                log.warning("job.lease_renew_failed", job_id=self.job.id, error=str(exc))
                continue
            if not held:
                self.stopped.set()
                return

    # -- plumbing ----------------------------------------------------------------------

    def _check(self) -> None:
        if self.stopped.is_set():
            raise JobStopped()

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.stopped.wait(), seconds)
        except TimeoutError:
            return
        raise JobStopped()

    async def _update(self, job: JobRow, **values: object) -> JobRow:
        updated = await self.store.update_job(job.id, self.env.owner, **values)
        if updated is None:
            raise JobStopped()
        self.job = updated
        return updated

    async def _retry(self, call: Callable[..., Awaitable[T]], *args: object) -> T:
        """Runs a call to a peer, retrying while it fails transiently (it may restart)."""
        for delay in (*RETRY_DELAYS_S, None):
            self._check()
            try:
                return await call(*args)
            except PeerError as exc:
                if not exc.transient or delay is None:
                    raise
                log.warning("job.peer_retry", job_id=self.job.id, error=exc.message, delay_s=delay)
                await self._sleep(delay)
        raise AssertionError("unreachable")

    # -- phases ------------------------------------------------------------------------

    async def _drive(self) -> None:
        job = self.job
        while True:
            self._check()
            if job.phase is Phase.SYNC:
                job = await self._sync(job)
            elif job.phase is Phase.DISPATCH:
                paused = await self._dispatch(job)
                if paused:
                    return
                job = self.job
            else:
                await self._wait(job)
                return

    async def _sync(self, job: JobRow) -> JobRow:
        """A Catalog sync scoped by the rule set's ref filter, pinning the revision."""
        filters = await self._retry(
            lambda: self.peers.ref_filter(job.rule_set_id, job.rule_set_revision)
        )
        if job.rule_set_revision != filters.rule_set_revision:
            job = await self._update(job, rule_set_revision=filters.rule_set_revision)
        if filters.selects_nothing:
            log.info("job.selects_nothing", job_id=job.id, rule_set_id=job.rule_set_id)
            return await self._update(job, phase=Phase.DISPATCH)
        sync_id = job.sync_id
        failures = 0
        while True:
            if sync_id:
                sync = await self._retry(self.peers.get_sync, sync_id)
                if sync.state not in _ENDED_SYNC_STATES:
                    await self._sleep(SYNC_POLL_S)
                    continue
                if sync.state == catalog_pb2.SYNC_STATE_SUCCEEDED:
                    break
                # e.g. the Catalog replica running it died: a new sync, a few times
                failures += 1
                state = catalog_pb2.SyncState.Name(sync.state).removeprefix("SYNC_STATE_")
                if failures >= SYNC_ATTEMPTS:
                    raise JobFailure(f"Catalog sync {sync_id} ended {state}: {sync.error}")
                log.warning("job.sync_retry", job_id=job.id, sync_id=sync_id, state=state)
                sync_id = ""
                await self._sleep(RETRY_DELAYS_S[failures])
                continue
            try:
                sync = await self._retry(
                    self.peers.sync_registry,
                    job.registry_id,
                    filters.ref_filter,
                    filters.repository_filter,
                )
            except PeerError as exc:
                # a disabled registry, or "a sync just ended; try again": a few attempts
                if exc.status != grpc.StatusCode.FAILED_PRECONDITION:
                    raise
                failures += 1
                if failures >= SYNC_ATTEMPTS:
                    raise JobFailure(f"Catalog refused the sync: {exc.message}") from None
                await self._sleep(RETRY_DELAYS_S[failures])
                continue
            if (
                sync.ref_filter == filters.ref_filter
                and sync.repository_filter == filters.repository_filter
                and not sync.repositories
            ):
                sync_id = sync.id
                job = await self._update(job, sync_id=sync_id)
                log.info("job.sync_started", job_id=job.id, sync_id=sync_id)
                continue
            # Another sync of the registry is running with other filters: let it end.
            other = sync.id
            while sync.state not in _ENDED_SYNC_STATES:
                await self._sleep(SYNC_POLL_S)
                sync = await self._retry(self.peers.get_sync, other)
        log.info(
            "job.sync_done",
            job_id=job.id,
            sync_id=sync_id,
            tags_seen=sync.progress.tags_seen,
            tags_new=sync.progress.tags_new,
            tags_changed=sync.progress.tags_changed,
        )
        return await self._update(job, phase=Phase.DISPATCH)

    async def _dispatch(self, job: JobRow) -> bool:
        """Queues the selected images after the cursor; True when the job paused."""
        if not await self._window_open(job):
            return await self._pause(job)
        if job.kind is JobKind.MANUAL:
            evaluation = await self._evaluate_manual(job)
        else:
            evaluation = await self._evaluate_registry(job)
        skipped = {k: v for k, v in job.skipped.items() if not k.startswith("rule:")}
        skipped.update(evaluation.rule_skips)
        job = await self._update(
            job,
            rule_set_revision=evaluation.revision,
            discovered=evaluation.discovered,
            selected=evaluation.selected,
            skipped=skipped,
            active_since=datetime.now(UTC),
        )
        candidates = evaluation.candidates
        unchanged: set[ImageKey] = set()
        if job.kind is JobKind.RESCAN:
            job, unchanged = await self._unchanged(job, candidates)
        by_key = {c.key: c for c in candidates}
        cursor = job.cursor
        if job.window_start is not None:
            cursor = cursor.entering_window(job.window_start)
        batch = remaining((c.key for c in candidates), cursor, job.max_images)
        started = time.perf_counter()
        queued = 0
        for index in range(0, len(batch.keys), self.env.chunk_size):
            self._check()
            if index and not await self._window_open(job):
                return await self._pause(job)
            chunk = [by_key[key] for key in batch.keys[index : index + self.env.chunk_size]]
            job, cursor, published = await self._dispatch_chunk(job, cursor, chunk, unchanged)
            queued += published
        log.info(
            "job.dispatched",
            job_id=job.id,
            images=len(batch.keys),
            queued=queued,
            exhausted=batch.exhausted,
            seconds=round(time.perf_counter() - started, 3),
        )
        if not batch.exhausted:
            if job.schedule_id and job.window_start is not None:
                return await self._pause(job)
            left = sum(1 for c in candidates if cursor.last_key is None or c.key > cursor.last_key)
            skipped = dict(job.skipped)
            _bump(skipped, OVER_CAP, left, "")
            job = await self._update(job, skipped=skipped)
        await self._update(job, phase=Phase.WAIT)
        return False

    async def _dispatch_chunk(
        self,
        job: JobRow,
        cursor: SweepCursor,
        chunk: Sequence[Candidate],
        unchanged: set[ImageKey],
    ) -> tuple[JobRow, SweepCursor, int]:
        to_queue = [c for c in chunk if c.key not in unchanged]
        recorded = await self.store.recorded_digests(job.id, [c.digest for c in to_queue])
        plan = plan_chunk(to_queue, recorded)
        lane = LANE_OF_KIND[job.kind]
        now = datetime.now(UTC)  # the request's own time; the clock only decides windows
        requests = [
            scan_request(
                scan_request_id(job.registry_id, c.digest, lane, job.id),
                job.registry_id,
                c,
                lane,
                job_id=job.id,
                rule_set_id=job.rule_set_id,
                rule_set_revision=job.rule_set_revision,
                requested_at=now,
                force=job.force,
            )
            for c in plan.publish
        ]
        await self.env.publisher.record(requests)
        await self.env.publisher.publish(requests)
        queued_tags = [(*c.key, c.digest) for c in plan.publish]
        queued_tags += [(*c.key, c.digest) for c, _ in plan.skipped]
        await self.store.mark_tags_queued(job.registry_id, queued_tags, now)
        skipped = dict(job.skipped)
        for candidate, reason in plan.skipped:
            _bump(skipped, reason, 1, image_label(*candidate.key))
        for candidate in chunk:
            if candidate.key in unchanged:
                _bump(skipped, UNCHANGED, 1, image_label(*candidate.key))
        last = chunk[-1].key
        if cursor.last_key is not None and last <= cursor.last_key:
            raise JobFailure(f"selection out of order at {last!r}")
        cursor = replace(
            cursor,
            last_key=last,
            handled_total=cursor.handled_total + len(chunk),
            handled_in_window=cursor.handled_in_window + len(chunk),
        )
        job = await self._update(job, cursor=cursor, skipped=skipped)
        return job, cursor, len(plan.new)

    async def _wait(self, job: JobRow) -> None:
        """Waits for every scan the job queued to have a result, then succeeds."""
        while True:
            self._check()
            if await self.store.open_count(job.id) == 0:
                break
            await self._sleep(self.env.wait_poll_s)
        if await self.store.end_job(job.id, self.env.owner, JobState.SUCCEEDED, self.env.clock()):
            JOBS_ENDED.labels(str(job.kind), "SUCCEEDED").inc()
            log.info("job.succeeded", job_id=job.id)

    async def _window_open(self, job: JobRow) -> bool:
        if job.window_end is not None and self.env.clock() >= job.window_end:
            return False
        if job.schedule_id:
            try:
                schedule = await self.store.get_schedule(job.schedule_id)
            except NotFound:
                raise JobStopped() from None  # deleting the schedule cancelled the job
            return schedule.spec.enabled
        return True

    async def _pause(self, job: JobRow) -> bool:
        resume_at = None
        if job.schedule_id:
            try:
                resume_at = (await self.store.get_schedule(job.schedule_id)).next_fire_at
            except NotFound:
                raise JobStopped() from None
        if await self.store.end_job(
            job.id, self.env.owner, JobState.PAUSED, self.env.clock(), resume_at=resume_at
        ):
            JOBS_ENDED.labels(str(job.kind), "PAUSED").inc()
            log.info(
                "job.paused",
                job_id=job.id,
                resume_after=job.cursor.last_key,
                handled=job.cursor.handled_total,
                resume_at=resume_at.isoformat() if resume_at else None,
            )
        return True

    # -- selection ---------------------------------------------------------------------

    async def _evaluate_registry(self, job: JobRow) -> Evaluation:
        async def evaluate() -> Evaluation:
            candidates: list[Candidate] = []
            summary: rules_pb2.EvaluationSummary | None = None
            async for message in self.peers.evaluate_registry(
                job.rule_set_id, job.rule_set_revision
            ):
                for item in message.decisions:
                    if item.decision.action == rules_pb2.DECISION_ACTION_PULL:
                        candidates.append(_candidate(item.image, item.decision))
                if message.HasField("summary"):
                    summary = message.summary
            if summary is None:
                raise PeerError(
                    "Rules", grpc.StatusCode.UNAVAILABLE, "EvaluateRegistry ended early"
                )
            return _evaluation(candidates, summary)

        return await self._retry(evaluate)

    async def _evaluate_manual(self, job: JobRow) -> Evaluation:
        slots = asyncio.Semaphore(RESOLVE_CONCURRENCY)
        skips: dict[str, tuple[int, str]] = {}

        async def resolve(key: ImageKey) -> catalog_pb2.Image | None:
            async with slots:
                try:
                    return await self._retry(
                        lambda: self.peers.resolve_image(job.registry_id, key[0], key[1], "")
                    )
                except PeerError as exc:
                    _bump(skips, f"resolve_failed:{exc.reason}", 1, image_label(*key))
                    return None

        keys = sorted(set(job.manual_images))
        resolved = [i for i in await asyncio.gather(*(resolve(k) for k in keys)) if i]
        candidates: list[Candidate] = []
        revision = job.rule_set_revision
        if resolved:
            reply = await self._retry(
                lambda: self.peers.evaluate_images(
                    job.rule_set_id,
                    job.rule_set_revision,
                    [image_facts(i) for i in resolved],
                    catalog_context=True,
                )
            )
            revision = reply.rule_set_revision
            for image, decision in zip(resolved, reply.decisions, strict=True):
                facts = image_facts(image)
                if decision.action == rules_pb2.DECISION_ACTION_PULL:
                    candidates.append(_candidate(facts, decision))
                elif job.force:
                    candidates.append(replace(_candidate(facts, decision), reason="force"))
                else:
                    _bump(skips, decision.reason_code, 1, image_label(image.repository, image.tag))
        candidates.sort(key=lambda c: c.key)
        return Evaluation(candidates, len(keys), len(candidates), skips, revision)

    async def _unchanged(
        self, job: JobRow, candidates: Sequence[Candidate]
    ) -> tuple[JobRow, set[ImageKey]]:
        """The selected tags a rescan leaves alone: their digest is the one last queued."""
        reference = job.reference_at
        if reference is None:
            reference = await self.store.previous_run_start(job) or NO_PREVIOUS_RUN
            job = await self._update(job, reference_at=reference)
        queued = await self.store.queued_digests(job.registry_id)
        wanted = {c.key for c in candidates if c.key not in queued}
        change_times: dict[ImageKey, datetime] = {}
        if wanted and reference > NO_PREVIOUS_RUN:

            async def read() -> dict[ImageKey, datetime]:
                found = {}
                async for batch in self.peers.stream_images(job.registry_id):
                    for image in batch:
                        key = (image.repository, image.tag)
                        if key in wanted and image.HasField("digest_change_time"):
                            found[key] = image.digest_change_time.ToDatetime(tzinfo=UTC)
                return found

            change_times = await self._retry(read)
        unchanged = {
            c.key
            for c in candidates
            if not rescan_changed(c.digest, queued.get(c.key), change_times.get(c.key), reference)
        }
        return job, unchanged


def image_facts(image: catalog_pb2.Image) -> rules_pb2.ImageFacts:
    facts = rules_pb2.ImageFacts(repository=image.repository, tag=image.tag, digest=image.digest)
    if image.HasField("create_time"):
        facts.create_time.CopyFrom(image.create_time)
    facts.platforms.extend(p.platform for p in image.platforms if p.HasField("platform"))
    return facts


def _candidate(image: rules_pb2.ImageFacts, decision: rules_pb2.Decision) -> Candidate:
    return Candidate(
        key=(image.repository, image.tag),
        digest=image.digest,
        reason=decision.reason_code,
        platforms=tuple((p.os, p.architecture, p.variant) for p in decision.platforms),
    )


def _evaluation(candidates: list[Candidate], summary: rules_pb2.EvaluationSummary) -> Evaluation:
    unique = {c.key: c for c in candidates}
    ordered = sorted(unique.values(), key=lambda c: c.key)
    skips = {
        count.reason_code: (int(count.count), count.example)
        for count in summary.counts
        if count.action == rules_pb2.DECISION_ACTION_SKIP
    }
    return Evaluation(
        ordered, int(summary.total), int(summary.pulled), skips, summary.rule_set_revision
    )


def _bump(tallies: dict[str, tuple[int, str]], reason: str, count: int, example: str) -> None:
    if count <= 0:
        return
    previous = tallies.get(reason)
    if previous is None:
        tallies[reason] = (count, example)
    else:
        tallies[reason] = (previous[0] + count, previous[1] or example)
