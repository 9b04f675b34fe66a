"""Scheduler gRPC servicer: protobuf in, domain and store calls, protobuf out."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import grpc

from regsieve.v1 import scheduler_pb2 as pb
from regsieve.v1 import scheduler_pb2_grpc
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.pagination import decode_time_key, encode_time_key, page_size
from services.common.watch import poll_changes, watch_interval
from services.scheduler import convert
from services.scheduler.clients import PeerError, Peers
from services.scheduler.domain import JobKind
from services.scheduler.firing import next_fire_or_none
from services.scheduler.leader import Coordinator
from services.scheduler.schedule import ScheduleSpec, validate
from services.scheduler.store import JobRow, NewJob, SchedulerStore
from services.scheduler.wallclock import local_wall

MAX_MANUAL_IMAGES = 1000
_RUN_NOW_KINDS = (pb.JOB_KIND_SWEEP, pb.JOB_KIND_RESCAN, pb.JOB_KIND_MANUAL)


def _require(value: str, field: str) -> str:
    if not value:
        raise InvalidArgument.field(field, "is required")
    return value


TERMINAL_JOB_STATES = frozenset(
    {pb.JOB_STATE_SUCCEEDED, pb.JOB_STATE_FAILED, pb.JOB_STATE_CANCELLED}
)


class SchedulerServicer(scheduler_pb2_grpc.SchedulerServiceServicer):
    def __init__(
        self,
        store: SchedulerStore,
        peers: Peers,
        coordinator: Coordinator,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.peers = peers
        self.coordinator = coordinator
        self.clock = clock

    # -- schedules ---------------------------------------------------------------------

    async def _checked_spec(self, schedule: pb.Schedule, now: datetime) -> ScheduleSpec:
        problems: list[tuple[str, str]] = []
        if not schedule.registry_id:
            problems.append(("schedule.registry_id", "is required"))
        if not schedule.rule_set_id:
            problems.append(("schedule.rule_set_id", "is required"))
        today = None
        try:
            today = local_wall(now, ZoneInfo(schedule.time_zone)).date()
        except (ZoneInfoNotFoundError, ValueError):
            today = None  # validation reports the zone
        spec, spec_problems = convert.spec_from_proto(schedule, today)
        problems += spec_problems
        problems += [(f"schedule.{v.field}", v.description) for v in validate(spec)]
        if problems:
            raise InvalidArgument(violations=problems)
        await self._check_targets(schedule.registry_id, schedule.rule_set_id)
        return spec

    async def _check_targets(self, registry_id: str, rule_set_id: str) -> None:
        """The registry and rule set exist, are enabled and belong together."""
        try:
            registry = await self.peers.get_registry(registry_id)
            rule_set = await self.peers.get_rule_set(rule_set_id)
        except PeerError as exc:
            if exc.status == grpc.StatusCode.NOT_FOUND:
                raise NotFound(exc.message) from None
            raise
        if not registry.enabled:
            raise FailedPrecondition(f"registry {registry.name!r} is disabled")
        if rule_set.registry_id != registry_id:
            raise InvalidArgument.field(
                "rule_set_id", f"rule set {rule_set_id} belongs to another registry"
            )
        if rule_set.HasField("enabled") and not rule_set.enabled:
            raise FailedPrecondition(f"rule set {rule_set.name!r} is disabled")

    async def CreateSchedule(
        self, request: pb.CreateScheduleRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateScheduleResponse:
        now = self.clock()
        spec = await self._checked_spec(request.schedule, now)
        row = await self.store.create_schedule(
            request.schedule.registry_id,
            request.schedule.rule_set_id,
            spec,
            next_fire_or_none(spec, now),
            now,
        )
        self.coordinator.wake()
        return pb.CreateScheduleResponse(schedule=convert.schedule_to_proto(row))

    async def GetSchedule(
        self, request: pb.GetScheduleRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetScheduleResponse:
        row = await self.store.get_schedule(_require(request.id, "id"))
        return pb.GetScheduleResponse(schedule=convert.schedule_to_proto(row))

    async def ListSchedules(
        self, request: pb.ListSchedulesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListSchedulesResponse:
        size = page_size(request.page_size)
        after = decode_time_key("schedules", request.page_token)
        rows = await self.store.list_schedules(
            request.registry_id, request.rule_set_id, after, size + 1
        )
        token = ""
        if len(rows) > size:
            token = encode_time_key("schedules", rows[size - 1].created_at, rows[size - 1].id)
        return pb.ListSchedulesResponse(
            schedules=[convert.schedule_to_proto(r) for r in rows[:size]], next_page_token=token
        )

    async def UpdateSchedule(
        self, request: pb.UpdateScheduleRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateScheduleResponse:
        schedule_id = _require(request.schedule.id, "schedule.id")
        current = await self.store.get_schedule(schedule_id)
        merged = convert.merge_schedule(
            convert.schedule_to_proto(current), request.schedule, request.update_mask
        )
        now = self.clock()
        spec = await self._checked_spec(merged, now)
        row = await self.store.update_schedule(
            schedule_id,
            merged.registry_id,
            merged.rule_set_id,
            spec,
            next_fire_or_none(spec, now),
            now,
        )
        self.coordinator.wake()
        return pb.UpdateScheduleResponse(schedule=convert.schedule_to_proto(row))

    async def DeleteSchedule(
        self, request: pb.DeleteScheduleRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteScheduleResponse:
        await self.store.delete_schedule(_require(request.id, "id"), self.clock())
        return pb.DeleteScheduleResponse()

    # -- jobs --------------------------------------------------------------------------

    async def _job_proto(self, row: JobRow) -> pb.Job:
        now = datetime.now(UTC)
        counts = await self.store.job_counts(row.id, now - convert.THROUGHPUT_WINDOW)
        return convert.job_to_proto(row, counts, now)

    async def RunNow(
        self, request: pb.RunNowRequest, context: grpc.aio.ServicerContext
    ) -> pb.RunNowResponse:
        problems: list[tuple[str, str]] = []
        if not request.registry_id:
            problems.append(("registry_id", "is required"))
        if not request.rule_set_id:
            problems.append(("rule_set_id", "is required"))
        if request.kind not in _RUN_NOW_KINDS:
            problems.append(("kind", "must be JOB_KIND_SWEEP, JOB_KIND_RESCAN or JOB_KIND_MANUAL"))
        kind = convert.JOB_KINDS.get(request.kind)
        if kind is JobKind.MANUAL:
            if not request.images:
                problems.append(("images", "a manual run needs at least one image"))
            if len(request.images) > MAX_MANUAL_IMAGES:
                problems.append(("images", f"at most {MAX_MANUAL_IMAGES} images"))
            for index, ref in enumerate(request.images):
                if not ref.repository or not ref.tag:
                    problems.append((f"images[{index}]", "repository and tag are required"))
        else:
            if request.images:
                problems.append(("images", "only for JOB_KIND_MANUAL"))
            if request.force:
                problems.append(("force", "only for JOB_KIND_MANUAL"))
        if problems:
            raise InvalidArgument(violations=problems)
        assert kind is not None
        await self._check_targets(request.registry_id, request.rule_set_id)
        row = await self.store.create_job(
            NewJob(
                registry_id=request.registry_id,
                rule_set_id=request.rule_set_id,
                kind=kind,
                created_at=self.clock(),
                max_images=request.max_images,
                manual_images=tuple((r.repository, r.tag) for r in request.images),
                force=request.force,
            )
        )
        await self.coordinator.claim(row.id)
        row = await self.store.get_job(row.id)
        return pb.RunNowResponse(job=await self._job_proto(row))

    async def GetJob(
        self, request: pb.GetJobRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetJobResponse:
        row = await self.store.get_job(_require(request.id, "id"))
        return pb.GetJobResponse(job=await self._job_proto(row))

    async def ListJobs(
        self, request: pb.ListJobsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListJobsResponse:
        size = page_size(request.page_size)
        after = decode_time_key("jobs", request.page_token)
        rows = await self.store.list_jobs(
            registry_id=request.registry_id,
            kind=_enum_filter(request.kind, convert.JOB_KIND_NAMES, "kind"),
            state=_enum_filter(request.state, convert.JOB_STATE_NAMES, "state"),
            schedule_id=request.schedule_id,
            after=after,
            limit=size + 1,
        )
        token = ""
        if len(rows) > size:
            token = encode_time_key("jobs", rows[size - 1].created_at, rows[size - 1].id)
        jobs = [await self._job_proto(r) for r in rows[:size]]
        return pb.ListJobsResponse(jobs=jobs, next_page_token=token)

    async def CancelJob(
        self, request: pb.CancelJobRequest, context: grpc.aio.ServicerContext
    ) -> pb.CancelJobResponse:
        row = await self.store.cancel_job(_require(request.id, "id"), self.clock())
        self.coordinator.stop_job(row.id)
        return pb.CancelJobResponse(job=await self._job_proto(row))

    async def WatchJob(
        self, request: pb.WatchJobRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.WatchJobResponse]:
        job_id = _require(request.id, "id")
        interval_s = watch_interval(request.interval_ms)

        async def read() -> pb.Job:
            return await self._job_proto(await self.store.get_job(job_id))

        async for job in poll_changes(read, lambda j: j.state in TERMINAL_JOB_STATES, interval_s):
            yield pb.WatchJobResponse(job=job)

    # -- event decisions ---------------------------------------------------------------

    async def GetEventDecision(
        self, request: pb.GetEventDecisionRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetEventDecisionResponse:
        row = await self.store.get_decision(_require(request.event_id, "event_id"))
        return pb.GetEventDecisionResponse(decision=convert.decision_to_proto(row))

    async def ListEventDecisions(
        self, request: pb.ListEventDecisionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListEventDecisionsResponse:
        size = page_size(request.page_size)
        after = decode_time_key("decisions", request.page_token)
        rows = await self.store.list_decisions(
            registry_id=request.registry_id,
            repository=request.repository,
            outcome=_enum_filter(request.outcome, convert.OUTCOME_NAMES, "outcome"),
            decided_after=convert.from_timestamp(request.decided_after)
            if request.HasField("decided_after")
            else None,
            after=after,
            limit=size + 1,
        )
        token = ""
        if len(rows) > size:
            token = encode_time_key("decisions", rows[size - 1].decided_at, rows[size - 1].event_id)
        return pb.ListEventDecisionsResponse(
            decisions=[convert.decision_to_proto(r) for r in rows[:size]], next_page_token=token
        )


def _enum_filter(value: int, names: dict[int, str], field: str) -> str:
    if not value:
        return ""
    if value not in names:
        raise InvalidArgument.field(field, f"unknown value {value}")
    return names[value]
