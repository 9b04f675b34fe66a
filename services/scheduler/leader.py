"""One replica fires schedules, every replica drives jobs it holds a lease on (PostgreSQL leases).

- Firing: the replica holding the `scheduler.timer` lease moves each due schedule to its
  next fire time with a compare-and-set on `next_fire_at`, in the transaction that starts
  (or resumes) the job, so a fire happens once even if two replicas both believe they
  hold the lease for a moment.
- Driving: any replica with a free slot claims PENDING jobs and RUNNING jobs whose lease
  expired (`FOR UPDATE SKIP LOCKED`) and renews the lease while it drives them. A replica
  that dies stops renewing; after `lease_s` another replica claims the job and continues
  where the row says it stood. Lease times come from the database's clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime

from services.common.logs import get_logger
from services.scheduler.firing import decide_fire
from services.scheduler.jobs import JobEnv, JobRunner
from services.scheduler.store import FirePlan, SchedulerStore

log = get_logger("regsieve.scheduler.leader")

TIMER_LEASE = "scheduler.timer"


def replica_name() -> str:
    """Host name and process id, plus a few characters telling apart replicas of one process."""
    return f"{socket.gethostname()}:{os.getpid()}/{uuid.uuid4().hex[:6]}"


class Coordinator:
    """Fires due schedules (while holding the timer lease) and drives claimed jobs."""

    def __init__(
        self,
        store: SchedulerStore,
        env: JobEnv,
        *,
        tick_s: float,
        lease_s: float,
        max_jobs: int,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.env = env
        self.owner = env.owner
        self.tick_s = tick_s
        self.lease_s = lease_s
        self.max_jobs = max_jobs
        self.clock = clock
        self.runners: dict[str, tuple[JobRunner, asyncio.Task[None]]] = {}
        self.is_timer = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        runners = list(self.runners.values())
        for runner, task in runners:
            runner.stopped.set()
            task.cancel()
        await asyncio.gather(*(task for _, task in runners), return_exceptions=True)
        for runner, _ in runners:
            # hand the job to another replica at once instead of after the lease
            with contextlib.suppress(Exception):
                await self.store.release_job(runner.job.id, self.owner)
        if self.is_timer:
            with contextlib.suppress(Exception):
                await self.store.release_lease(TIMER_LEASE, self.owner)

    def wake(self) -> None:
        """Runs the next tick now (a job was created, a schedule changed)."""
        self._wake.set()

    async def _loop(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("scheduler.tick_failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.tick_s)

    async def tick(self) -> None:
        self.is_timer = await self.store.hold_lease(TIMER_LEASE, self.owner, self.lease_s)
        if self.is_timer:
            await self.fire_due()
        await self.claim()

    async def fire_due(self) -> list[str]:
        """Fires every due schedule once; returns the jobs started or resumed."""
        now = self.clock()
        started: list[str] = []
        for schedule in await self.store.due_schedules(now):
            decision = decide_fire(schedule.spec, schedule.last_fire_at, schedule.created_at, now)
            plan = None
            if decision.window is not None:
                window = decision.window
                plan = FirePlan(window.start, window.start, window.end, now)
            won, job_id = await self.store.fire_schedule(schedule, decision.next_fire_at, plan)
            if not won:
                continue
            if job_id:
                started.append(job_id)
                log.info(
                    "schedule.fired",
                    schedule_id=schedule.id,
                    job_id=job_id,
                    fire_time=plan.fire_at.isoformat() if plan else None,
                    window_end=plan.window_end.isoformat() if plan and plan.window_end else None,
                    late=plan is not None and plan.fire_at != schedule.next_fire_at,
                )
            else:
                log.info(
                    "schedule.fire_skipped",
                    schedule_id=schedule.id,
                    due=schedule.next_fire_at.isoformat() if schedule.next_fire_at else None,
                    reason="its window closed before the scheduler could run it",
                )
        return started

    async def claim(self, job_id: str = "") -> None:
        """Claims jobs up to this replica's free slots (or the one job named) and drives them."""
        free = self.max_jobs - len(self.runners)
        for job in await self.store.claim_jobs(
            self.owner, self.lease_s, free, self.clock(), job_id
        ):
            runner = JobRunner(self.env, job)
            task = asyncio.create_task(runner.run())
            self.runners[job.id] = (runner, task)
            task.add_done_callback(functools.partial(self._finished, job.id))

    def _finished(self, job_id: str, _task: asyncio.Task[None]) -> None:
        self.runners.pop(job_id, None)
        self.wake()  # a slot is free: look for more work

    def stop_job(self, job_id: str) -> None:
        """Stops driving a job at once (it was cancelled here)."""
        entry = self.runners.get(job_id)
        if entry:
            entry[0].stopped.set()
