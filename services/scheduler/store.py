"""SQL of the scheduler schema: schedules, jobs, their scan requests, event decisions, leases."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from services.common.errors import FailedPrecondition, NotFound
from services.scheduler.cursor import ImageKey, SweepCursor
from services.scheduler.domain import EventOutcome, JobKind, JobState, Phase
from services.scheduler.schedule import ScheduleKind, ScheduleSpec, Weekday
from services.scheduler.verdicts import RuleVerdict

LIVE_STATES = (JobState.PENDING, JobState.RUNNING, JobState.PAUSED)


def _uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise NotFound(f"{what} {value!r} not found") from None


def _maybe_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None


# -- rows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRow:
    id: str
    registry_id: str
    rule_set_id: str
    spec: ScheduleSpec
    next_fire_at: datetime | None
    last_fire_at: datetime | None
    last_job_id: str
    created_at: datetime
    updated_at: datetime


def _schedule_from_row(row: asyncpg.Record) -> ScheduleRow:
    seconds = row["window_seconds"]
    spec = ScheduleSpec(
        kind=ScheduleKind(row["kind"]),
        time_zone=row["time_zone"],
        daily_time=row["daily_time"],
        cron=row["cron"],
        weekdays=frozenset(Weekday(d) for d in row["weekdays"]),
        every_n_days=row["every_n_days"],
        start_date=row["start_date"],
        window_end=row["window_end"],
        window_duration=timedelta(seconds=seconds) if seconds is not None else None,
        max_images_per_run=row["max_images_per_run"],
        enabled=row["enabled"],
    )
    return ScheduleRow(
        id=str(row["id"]),
        registry_id=row["registry_id"],
        rule_set_id=row["rule_set_id"],
        spec=spec,
        next_fire_at=row["next_fire_at"],
        last_fire_at=row["last_fire_at"],
        last_job_id=str(row["last_job_id"]) if row["last_job_id"] else "",
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _spec_values(spec: ScheduleSpec) -> list[Any]:
    return [
        str(spec.kind),
        spec.daily_time or None,
        spec.cron or None,
        sorted(int(d) for d in spec.weekdays),
        max(spec.every_n_days, 1),
        spec.start_date,
        spec.time_zone,
        spec.window_end or None,
        spec.window_duration.total_seconds() if spec.window_duration is not None else None,
        spec.max_images_per_run,
        spec.enabled,
    ]


@dataclass(frozen=True)
class JobRow:
    id: str
    registry_id: str
    rule_set_id: str
    rule_set_revision: int
    schedule_id: str
    kind: JobKind
    state: JobState
    phase: Phase
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    fire_at: datetime | None
    window_start: datetime | None
    window_end: datetime | None
    resume_at: datetime | None
    cursor: SweepCursor
    max_images: int
    error: str
    owner: str
    sync_id: str
    discovered: int
    selected: int
    skipped: dict[str, tuple[int, str]]
    reference_at: datetime | None
    manual_images: tuple[ImageKey, ...]
    force: bool
    active_since: datetime | None


def _job_from_row(row: asyncpg.Record) -> JobRow:
    skipped = {k: (int(v[0]), str(v[1])) for k, v in json.loads(row["skipped"]).items()}
    return JobRow(
        id=str(row["id"]),
        registry_id=row["registry_id"],
        rule_set_id=row["rule_set_id"],
        rule_set_revision=row["rule_set_revision"],
        schedule_id=str(row["schedule_id"]) if row["schedule_id"] else "",
        kind=JobKind(row["kind"]),
        state=JobState(row["state"]),
        phase=Phase(row["phase"]),
        created_at=row["created_at"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        fire_at=row["fire_at"],
        window_start=row["window_start"],
        window_end=row["window_end"],
        resume_at=row["resume_at"],
        cursor=SweepCursor.from_json(row["cursor"]) if row["cursor"] else SweepCursor(),
        max_images=row["max_images"],
        error=row["error"],
        owner=row["owner"],
        sync_id=row["sync_id"],
        discovered=row["discovered"],
        selected=row["selected"],
        skipped=skipped,
        reference_at=row["reference_at"],
        manual_images=tuple((str(r), str(t)) for r, t in json.loads(row["manual_images"])),
        force=row["force"],
        active_since=row["active_since"],
    )


@dataclass(frozen=True)
class NewJob:
    """What a job is created with."""

    registry_id: str
    rule_set_id: str
    kind: JobKind
    created_at: datetime
    schedule_id: str = ""
    fire_at: datetime | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    max_images: int = 0
    manual_images: tuple[ImageKey, ...] = ()
    force: bool = False


@dataclass(frozen=True)
class JobCounts:
    """Counters of a job's scan requests as the results came in."""

    queued: int
    scanned: int
    failed: list[tuple[str, int, str]]  # (failure code, count, example)
    recent_completions: list[datetime]

    @property
    def completed(self) -> int:
        return self.scanned + sum(count for _, count, _ in self.failed)


@dataclass(frozen=True)
class RequestRow:
    """One scan request the scheduler publishes."""

    id: str
    job_id: str  # empty for push
    lane: str
    registry_id: str
    repository: str
    tag: str
    digest: str
    queued_at: datetime


@dataclass(frozen=True)
class ResultRow:
    """One scan result as the progress consumer applies it."""

    request_id: str
    succeeded: bool
    failure_code: str
    example: str
    completed_at: datetime


@dataclass(frozen=True)
class DecisionRow:
    event_id: str
    registry_id: str
    action: str  # pushed | deleted | unspecified
    repository: str
    tag: str
    digest: str
    image_created_at: datetime | None
    outcome: EventOutcome
    reason: str
    explanation: str
    rule_set_id: str
    rule_set_revision: int
    scan_request_id: str
    event_time: datetime | None
    decided_at: datetime
    deliveries: int = 1
    verdicts: tuple[RuleVerdict, ...] = field(default=())


def _decision_from_row(row: asyncpg.Record) -> DecisionRow:
    return DecisionRow(
        event_id=row["event_id"],
        registry_id=row["registry_id"],
        action=row["action"],
        repository=row["repository"],
        tag=row["tag"],
        digest=row["digest"],
        image_created_at=row["image_created_at"],
        outcome=EventOutcome(row["outcome"]),
        reason=row["reason"],
        explanation=row["explanation"],
        rule_set_id=row["rule_set_id"],
        rule_set_revision=row["rule_set_revision"],
        scan_request_id=row["scan_request_id"],
        event_time=row["event_time"],
        decided_at=row["decided_at"],
        deliveries=row["deliveries"],
    )


@dataclass(frozen=True)
class FirePlan:
    """What firing a schedule does: the window it opens and the clock's time."""

    fire_at: datetime
    window_start: datetime
    window_end: datetime | None
    now: datetime


# -- the store --------------------------------------------------------------------------


class SchedulerStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    # -- schedules ---------------------------------------------------------------------

    async def create_schedule(
        self,
        registry_id: str,
        rule_set_id: str,
        spec: ScheduleSpec,
        next_fire_at: datetime | None,
        now: datetime,
    ) -> ScheduleRow:
        row = await self.pool.fetchrow(
            """INSERT INTO schedules (id, registry_id, rule_set_id, kind, daily_time, cron,
                   weekdays, every_n_days, start_date, time_zone, window_end, window_seconds,
                   max_images_per_run, enabled, next_fire_at, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                   $16, $16)
               RETURNING *""",
            uuid.uuid4(),
            registry_id,
            rule_set_id,
            *_spec_values(spec),
            next_fire_at,
            now,
        )
        return _schedule_from_row(row)

    async def get_schedule(self, schedule_id: str) -> ScheduleRow:
        row = await self.pool.fetchrow(
            "SELECT * FROM schedules WHERE id = $1", _uuid(schedule_id, "schedule")
        )
        if row is None:
            raise NotFound(f"schedule {schedule_id!r} not found")
        return _schedule_from_row(row)

    async def list_schedules(
        self,
        registry_id: str,
        rule_set_id: str,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> list[ScheduleRow]:
        rows = await self.pool.fetch(
            """SELECT * FROM schedules
               WHERE ($1 = '' OR registry_id = $1) AND ($2 = '' OR rule_set_id = $2)
                 AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, $4::uuid))
               ORDER BY created_at, id LIMIT $5""",
            registry_id,
            rule_set_id,
            after[0] if after else None,
            _uuid(after[1], "page token") if after else None,
            limit,
        )
        return [_schedule_from_row(r) for r in rows]

    async def update_schedule(
        self,
        schedule_id: str,
        registry_id: str,
        rule_set_id: str,
        spec: ScheduleSpec,
        next_fire_at: datetime | None,
        now: datetime,
    ) -> ScheduleRow:
        row = await self.pool.fetchrow(
            """UPDATE schedules SET registry_id = $2, rule_set_id = $3, kind = $4,
                   daily_time = $5, cron = $6, weekdays = $7, every_n_days = $8,
                   start_date = $9, time_zone = $10, window_end = $11, window_seconds = $12,
                   max_images_per_run = $13, enabled = $14, next_fire_at = $15,
                   updated_at = $16
               WHERE id = $1 RETURNING *""",
            _uuid(schedule_id, "schedule"),
            registry_id,
            rule_set_id,
            *_spec_values(spec),
            next_fire_at,
            now,
        )
        if row is None:
            raise NotFound(f"schedule {schedule_id!r} not found")
        return _schedule_from_row(row)

    async def delete_schedule(self, schedule_id: str, now: datetime) -> None:
        """Deletes a schedule and cancels its live jobs (finished jobs stay)."""
        sid = _uuid(schedule_id, "schedule")
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """UPDATE jobs SET state = 'CANCELLED', ended_at = $2,
                       error = 'cancelled: its schedule was deleted', owner = '',
                       lease_until = NULL, resume_at = NULL
                   WHERE schedule_id = $1 AND state = ANY($3)""",
                sid,
                now,
                list(LIVE_STATES),
            )
            deleted = await conn.execute("DELETE FROM schedules WHERE id = $1", sid)
        if deleted == "DELETE 0":
            raise NotFound(f"schedule {schedule_id!r} not found")

    async def due_schedules(self, now: datetime, limit: int = 100) -> list[ScheduleRow]:
        rows = await self.pool.fetch(
            """SELECT * FROM schedules WHERE next_fire_at IS NOT NULL AND next_fire_at <= $1
               ORDER BY next_fire_at LIMIT $2""",
            now,
            limit,
        )
        return [_schedule_from_row(r) for r in rows]

    async def fire_schedule(
        self,
        schedule: ScheduleRow,
        new_next_fire_at: datetime | None,
        plan: FirePlan | None,
    ) -> tuple[bool, str]:
        """Moves a due schedule to its next fire time and, with a plan, starts its work.

        Compare-and-set on `next_fire_at`: of several replicas only one wins, so a fire
        happens once. The work: a PAUSED job of the schedule resumes in the new window; a
        job still dispatching continues in it; otherwise a new job starts. Returns (won,
        job id or '').
        """
        sid = _uuid(schedule.id, "schedule")
        async with self.pool.acquire() as conn, conn.transaction():
            moved = await conn.fetchval(
                """UPDATE schedules SET next_fire_at = $2
                   WHERE id = $1 AND next_fire_at IS NOT DISTINCT FROM $3 RETURNING id""",
                sid,
                new_next_fire_at,
                schedule.next_fire_at,
            )
            if moved is None:
                return False, ""
            if plan is None:
                return True, ""
            live = await conn.fetchrow(
                """SELECT id, state, phase FROM jobs
                   WHERE schedule_id = $1 AND state = ANY($2)
                   ORDER BY created_at DESC LIMIT 1 FOR UPDATE""",
                sid,
                list(LIVE_STATES),
            )
            if live is not None and live["state"] == JobState.PAUSED:
                await conn.execute(
                    """UPDATE jobs SET state = 'RUNNING', phase = 'sync', sync_id = '',
                           window_start = $2, window_end = $3, resume_at = NULL,
                           owner = '', lease_until = NULL, active_since = NULL
                       WHERE id = $1""",
                    live["id"],
                    plan.window_start,
                    plan.window_end,
                )
                job_id = live["id"]
            elif live is not None and (
                live["state"] == JobState.PENDING or live["phase"] != Phase.WAIT
            ):
                await conn.execute(
                    "UPDATE jobs SET window_start = $2, window_end = $3 WHERE id = $1",
                    live["id"],
                    plan.window_start,
                    plan.window_end,
                )
                job_id = live["id"]
            else:
                job_id = uuid.uuid4()
                await conn.execute(
                    """INSERT INTO jobs (id, registry_id, rule_set_id, schedule_id, kind, state,
                           phase, created_at, fire_at, window_start, window_end, max_images)
                       VALUES ($1, $2, $3, $4, $5, 'PENDING', 'sync', $6, $7, $8, $9, $10)""",
                    job_id,
                    schedule.registry_id,
                    schedule.rule_set_id,
                    sid,
                    str(schedule.spec.kind),
                    plan.now,
                    plan.fire_at,
                    plan.window_start,
                    plan.window_end,
                    schedule.spec.max_images_per_run,
                )
            await conn.execute(
                "UPDATE schedules SET last_fire_at = $2, last_job_id = $3 WHERE id = $1",
                sid,
                plan.fire_at,
                job_id,
            )
        return True, str(job_id)

    # -- jobs --------------------------------------------------------------------------

    async def create_job(self, job: NewJob) -> JobRow:
        row = await self.pool.fetchrow(
            """INSERT INTO jobs (id, registry_id, rule_set_id, schedule_id, kind, state, phase,
                   created_at, fire_at, window_start, window_end, max_images, manual_images,
                   force)
               VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7, $8, $9, $10, $11, $12, $13)
               RETURNING *""",
            uuid.uuid4(),
            job.registry_id,
            job.rule_set_id,
            _maybe_uuid(job.schedule_id),
            str(job.kind),
            str(Phase.DISPATCH if job.kind is JobKind.MANUAL else Phase.SYNC),
            job.created_at,
            job.fire_at,
            job.window_start,
            job.window_end,
            job.max_images,
            json.dumps([list(k) for k in job.manual_images]),
            job.force,
        )
        return _job_from_row(row)

    async def get_job(self, job_id: str) -> JobRow:
        row = await self.pool.fetchrow("SELECT * FROM jobs WHERE id = $1", _uuid(job_id, "job"))
        if row is None:
            raise NotFound(f"job {job_id!r} not found")
        return _job_from_row(row)

    async def list_jobs(
        self,
        *,
        registry_id: str,
        kind: str,
        state: str,
        schedule_id: str,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> list[JobRow]:
        rows = await self.pool.fetch(
            """SELECT * FROM jobs
               WHERE ($1 = '' OR registry_id = $1) AND ($2 = '' OR kind = $2)
                 AND ($3 = '' OR state = $3) AND ($4::uuid IS NULL OR schedule_id = $4)
                 AND ($5::timestamptz IS NULL OR (created_at, id) < ($5, $6::uuid))
               ORDER BY created_at DESC, id DESC LIMIT $7""",
            registry_id,
            kind,
            state,
            _uuid(schedule_id, "schedule") if schedule_id else None,
            after[0] if after else None,
            _uuid(after[1], "page token") if after else None,
            limit,
        )
        return [_job_from_row(r) for r in rows]

    async def claim_jobs(
        self, owner: str, lease_s: float, limit: int, now: datetime, job_id: str = ""
    ) -> list[JobRow]:
        """Takes PENDING jobs and RUNNING jobs whose driver's lease expired (or one of them).

        Lease times are the database's clock, so replicas with skewed clocks agree.
        """
        if limit <= 0:
            return []
        rows = await self.pool.fetch(
            """UPDATE jobs SET owner = $1,
                   lease_until = clock_timestamp() + $2 * interval '1 second',
                   state = 'RUNNING', started_at = coalesce(started_at, $4)
               WHERE id IN (
                   SELECT id FROM jobs
                   WHERE state IN ('PENDING', 'RUNNING')
                     AND (lease_until IS NULL OR lease_until < clock_timestamp())
                     AND ($5::uuid IS NULL OR id = $5)
                   ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
               RETURNING *""",
            owner,
            lease_s,
            limit,
            now,
            _maybe_uuid(job_id) if job_id else None,
        )
        return [_job_from_row(r) for r in rows]

    async def renew_job(self, job_id: str, owner: str, lease_s: float) -> bool:
        """Extends the driver's lease; False when the job was cancelled or taken over."""
        renewed = await self.pool.fetchval(
            """UPDATE jobs SET lease_until = clock_timestamp() + $3 * interval '1 second'
               WHERE id = $1 AND owner = $2 AND state = 'RUNNING' RETURNING id""",
            _uuid(job_id, "job"),
            owner,
            lease_s,
        )
        return renewed is not None

    async def release_job(self, job_id: str, owner: str) -> None:
        """Gives a RUNNING job back (shutdown): another replica takes it at once."""
        await self.pool.execute(
            "UPDATE jobs SET lease_until = NULL WHERE id = $1 AND owner = $2",
            _uuid(job_id, "job"),
            owner,
        )

    async def update_job(self, job_id: str, owner: str, **values: Any) -> JobRow | None:
        """Sets columns of a RUNNING job this replica drives; None when it no longer does."""
        columns = list(values)
        assignments = ", ".join(f"{c} = ${i + 3}" for i, c in enumerate(columns))
        params = [_encode(c, values[c]) for c in columns]
        row = await self.pool.fetchrow(
            f"""UPDATE jobs SET {assignments}
                WHERE id = $1 AND owner = $2 AND state = 'RUNNING' RETURNING *""",
            _uuid(job_id, "job"),
            owner,
            *params,
        )
        return _job_from_row(row) if row else None

    async def end_job(
        self,
        job_id: str,
        owner: str,
        state: JobState,
        now: datetime,
        *,
        error: str = "",
        resume_at: datetime | None = None,
    ) -> bool:
        """Ends (or pauses) a RUNNING job this replica drives and gives up its lease."""
        ended = await self.pool.fetchval(
            """UPDATE jobs SET state = $3::text, error = $4, resume_at = $5::timestamptz,
                   ended_at = CASE WHEN $3::text = 'PAUSED' THEN NULL ELSE $6::timestamptz END,
                   owner = CASE WHEN $3::text = 'PAUSED' THEN '' ELSE owner END,
                   lease_until = NULL
               WHERE id = $1 AND owner = $2 AND state = 'RUNNING' RETURNING id""",
            _uuid(job_id, "job"),
            owner,
            str(state),
            error,
            resume_at,
            now,
        )
        return ended is not None

    async def cancel_job(self, job_id: str, now: datetime) -> JobRow:
        jid = _uuid(job_id, "job")
        row = await self.pool.fetchrow(
            """UPDATE jobs SET state = 'CANCELLED', ended_at = $2, resume_at = NULL,
                   error = 'cancelled by CancelJob', lease_until = NULL
               WHERE id = $1 AND state = ANY($3) RETURNING *""",
            jid,
            now,
            list(LIVE_STATES),
        )
        if row is None:
            job = await self.get_job(job_id)
            raise FailedPrecondition(f"job {job_id} has already ended ({job.state})")
        return _job_from_row(row)

    async def job_counts(self, job_id: str, window_start: datetime) -> JobCounts:
        jid = _uuid(job_id, "job")
        async with self.pool.acquire() as conn:
            totals = await conn.fetchrow(
                """SELECT count(*) AS queued,
                          count(*) FILTER (WHERE outcome = 'succeeded') AS scanned
                   FROM scan_requests WHERE job_id = $1""",
                jid,
            )
            failed = await conn.fetch(
                """SELECT failure_code, count(*) AS n, min(example) AS example
                   FROM scan_requests WHERE job_id = $1 AND outcome = 'failed'
                   GROUP BY failure_code ORDER BY n DESC, failure_code""",
                jid,
            )
            recent = await conn.fetch(
                """SELECT completed_at FROM scan_requests
                   WHERE job_id = $1 AND completed_at >= $2""",
                jid,
                window_start,
            )
        return JobCounts(
            queued=totals["queued"],
            scanned=totals["scanned"],
            failed=[(r["failure_code"] or "UNKNOWN", r["n"], r["example"]) for r in failed],
            recent_completions=[r["completed_at"] for r in recent],
        )

    async def open_count(self, job_id: str) -> int:
        """Scan requests of a job still without a result."""
        count: int = await self.pool.fetchval(
            "SELECT count(*) FROM scan_requests WHERE job_id = $1 AND outcome IS NULL",
            _uuid(job_id, "job"),
        )
        return count

    async def previous_run_start(self, job: JobRow) -> datetime | None:
        """When the last earlier sweep or rescan of the job's registry and rule set started
        that dispatched everything it selected."""
        started: datetime | None = await self.pool.fetchval(
            """SELECT max(coalesce(started_at, created_at)) FROM jobs
               WHERE registry_id = $1 AND rule_set_id = $2 AND kind IN ('sweep', 'rescan')
                 AND id <> $3 AND created_at <= $4
                 AND (state = 'SUCCEEDED' OR (state IN ('RUNNING', 'CANCELLED')
                      AND phase = 'wait'))""",
            job.registry_id,
            job.rule_set_id,
            _uuid(job.id, "job"),
            job.created_at,
        )
        return started

    # -- scan requests -----------------------------------------------------------------

    async def recorded_digests(self, job_id: str, digests: Sequence[str]) -> dict[str, ImageKey]:
        """Digests of `digests` this job recorded already, with the image first recorded."""
        rows = await self.pool.fetch(
            """SELECT digest, repository, tag FROM scan_requests
               WHERE job_id = $1 AND digest = ANY($2::text[])""",
            _uuid(job_id, "job"),
            list(digests),
        )
        return {r["digest"]: (r["repository"], r["tag"]) for r in rows}

    async def record_requests(self, rows: Sequence[RequestRow]) -> None:
        """Records requests about to be published."""
        if not rows:
            return
        await self.pool.execute(
            """INSERT INTO scan_requests (id, job_id, lane, registry_id, repository, tag,
                       digest, queued_at)
                   SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[],
                       $5::text[], $6::text[], $7::text[], $8::timestamptz[])
                   ON CONFLICT DO NOTHING""",
            [r.id for r in rows],
            [_maybe_uuid(r.job_id) for r in rows],
            [r.lane for r in rows],
            [r.registry_id for r in rows],
            [r.repository for r in rows],
            [r.tag for r in rows],
            [r.digest for r in rows],
            [r.queued_at for r in rows],
        )

    async def mark_tags_queued(
        self, registry_id: str, tags: Sequence[tuple[str, str, str]], at: datetime
    ) -> None:
        """Notes the digest now queued for each (repository, tag, digest): what a rescan
        compares against. A tag whose digest another tag queued counts as queued too."""
        latest = {(r, t): d for r, t, d in tags if t}
        if not latest:
            return
        await self.pool.execute(
            """INSERT INTO queued_tags (registry_id, repository, tag, digest, queued_at)
               SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[])
               ON CONFLICT (registry_id, repository, tag) DO UPDATE
               SET digest = EXCLUDED.digest, queued_at = EXCLUDED.queued_at""",
            registry_id,
            [k[0] for k in latest],
            [k[1] for k in latest],
            list(latest.values()),
            [at] * len(latest),
        )

    async def queued_digests(self, registry_id: str) -> dict[ImageKey, str]:
        """The digest last queued for each tag of a registry."""
        rows = await self.pool.fetch(
            "SELECT repository, tag, digest FROM queued_tags WHERE registry_id = $1",
            registry_id,
        )
        return {(r["repository"], r["tag"]): r["digest"] for r in rows}

    async def open_request(
        self, registry_id: str, digest: str, lanes: Sequence[str], since: datetime
    ) -> str | None:
        """A request for this digest on one of `lanes`, queued since `since`, without result."""
        found: str | None = await self.pool.fetchval(
            """SELECT id FROM scan_requests
               WHERE registry_id = $1 AND digest = $2 AND lane = ANY($3::text[])
                 AND outcome IS NULL AND queued_at >= $4
               ORDER BY queued_at DESC LIMIT 1""",
            registry_id,
            digest,
            list(lanes),
            since,
        )
        return found

    async def apply_results(self, results: Iterable[ResultRow]) -> int:
        """Applies scan results idempotently: the first result of a request counts, a
        success after a failure replaces it, anything else changes nothing."""
        merged: dict[str, ResultRow] = {}
        for result in results:
            seen = merged.get(result.request_id)
            if seen is None or (result.succeeded and not seen.succeeded):
                first = min(result.completed_at, seen.completed_at) if seen else None
                merged[result.request_id] = (
                    result
                    if first is None
                    else ResultRow(
                        result.request_id,
                        result.succeeded,
                        result.failure_code,
                        result.example,
                        first,
                    )
                )
        if not merged:
            return 0
        rows = list(merged.values())
        status = await self.pool.execute(
            """UPDATE scan_requests r SET outcome = v.outcome, failure_code = v.code,
                   example = v.example, completed_at = coalesce(r.completed_at, v.completed_at)
               FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                   $5::timestamptz[]) AS v(id, outcome, code, example, completed_at)
               WHERE r.id = v.id
                 AND (r.outcome IS NULL OR (r.outcome = 'failed' AND v.outcome = 'succeeded'))""",
            [r.request_id for r in rows],
            ["succeeded" if r.succeeded else "failed" for r in rows],
            ["" if r.succeeded else (r.failure_code or "UNKNOWN") for r in rows],
            [r.example for r in rows],
            [r.completed_at for r in rows],
        )
        return int(status.split()[-1])

    # -- event decisions ---------------------------------------------------------------

    async def count_delivery(self, event_id: str) -> DecisionRow | None:
        """Counts one more delivery of an event already decided; None when it is new."""
        row = await self.pool.fetchrow(
            """UPDATE event_decisions SET deliveries = deliveries + 1
               WHERE event_id = $1 RETURNING *""",
            event_id,
        )
        return _decision_from_row(row) if row else None

    async def record_decision(self, decision: DecisionRow) -> bool:
        """Stores a decision with each rule set's verdict; False when one was stored first."""
        async with self.pool.acquire() as conn, conn.transaction():
            inserted = await conn.fetchval(
                """INSERT INTO event_decisions (event_id, registry_id, action, repository, tag,
                       digest, image_created_at, outcome, reason, explanation, rule_set_id,
                       rule_set_revision, scan_request_id, event_time, decided_at, deliveries)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                       $16)
                   ON CONFLICT (event_id) DO NOTHING RETURNING event_id""",
                decision.event_id,
                decision.registry_id,
                decision.action,
                decision.repository,
                decision.tag,
                decision.digest,
                decision.image_created_at,
                str(decision.outcome),
                decision.reason,
                decision.explanation,
                decision.rule_set_id,
                decision.rule_set_revision,
                decision.scan_request_id,
                decision.event_time,
                decision.decided_at,
                decision.deliveries,
            )
            if inserted is None:
                return False
            if decision.verdicts:
                await conn.executemany(
                    """INSERT INTO event_rule_decisions (event_id, rule_set_id,
                           rule_set_revision, pull, reason, message)
                       VALUES ($1, $2, $3, $4, $5, $6)""",
                    [
                        (
                            decision.event_id,
                            v.rule_set_id,
                            v.rule_set_revision,
                            v.pull,
                            v.reason,
                            v.message,
                        )
                        for v in decision.verdicts
                    ],
                )
        return True

    async def get_decision(self, event_id: str) -> DecisionRow:
        row = await self.pool.fetchrow(
            "SELECT * FROM event_decisions WHERE event_id = $1", event_id
        )
        if row is None:
            raise NotFound(f"no decision about event {event_id!r}")
        return _decision_from_row(row)

    async def list_decisions(
        self,
        *,
        registry_id: str,
        repository: str,
        outcome: str,
        decided_after: datetime | None,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> list[DecisionRow]:
        rows = await self.pool.fetch(
            """SELECT * FROM event_decisions
               WHERE ($1 = '' OR registry_id = $1) AND ($2 = '' OR repository = $2)
                 AND ($3 = '' OR outcome = $3)
                 AND ($4::timestamptz IS NULL OR decided_at >= $4)
                 AND ($5::timestamptz IS NULL OR (decided_at, event_id) < ($5, $6::text))
               ORDER BY decided_at DESC, event_id DESC LIMIT $7""",
            registry_id,
            repository,
            outcome,
            decided_after,
            after[0] if after else None,
            after[1] if after else None,
            limit,
        )
        return [_decision_from_row(r) for r in rows]

    # -- leases ------------------------------------------------------------------------

    async def hold_lease(self, name: str, holder: str, lease_s: float) -> bool:
        """Takes or renews a named lease; False while another holder's lease is current."""
        held = await self.pool.fetchval(
            """INSERT INTO leases (name, holder, expires_at)
               VALUES ($1, $2, clock_timestamp() + $3 * interval '1 second')
               ON CONFLICT (name) DO UPDATE
               SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
               WHERE leases.holder = EXCLUDED.holder OR leases.expires_at < clock_timestamp()
               RETURNING holder""",
            name,
            holder,
            lease_s,
        )
        return held is not None

    async def release_lease(self, name: str, holder: str) -> None:
        await self.pool.execute("DELETE FROM leases WHERE name = $1 AND holder = $2", name, holder)


def _encode(column: str, value: Any) -> Any:
    if column == "skipped":
        return json.dumps({k: [c, e] for k, (c, e) in value.items()})
    if column == "cursor":
        return value.to_json() if isinstance(value, SweepCursor) else value
    if isinstance(value, JobState | Phase):
        return str(value)
    if isinstance(value, date | datetime | int | str | float | bool) or value is None:
        return value
    raise TypeError(f"cannot store {column}={value!r}")
