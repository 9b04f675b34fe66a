"""Scheduler configuration, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.common.config import (
    CommonConfig,
    parse_positive_int,
    raise_if,
    read_common,
    var,
)


def parse_positive_seconds(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise ValueError("must be a number of seconds greater than 0")
    return value


TICK = var(
    "REGSIEVE_SCHEDULER_TICK_SECONDS",
    parse_positive_seconds,
    "5",
    "how often a scheduler replica checks for due schedules and for jobs to take over",
)
LEASE = var(
    "REGSIEVE_SCHEDULER_LEASE_SECONDS",
    parse_positive_seconds,
    "30",
    "lease of the replica firing schedules and of each job's driver; another replica takes"
    " over a job this long after its driver stopped renewing",
)
MAX_JOBS = var(
    "REGSIEVE_SCHEDULER_MAX_JOBS",
    parse_positive_int,
    "4",
    "jobs (sweeps, rescans, manual runs) one scheduler replica drives at once",
)
PUBLISH_CONCURRENCY = var(
    "REGSIEVE_SCHEDULER_PUBLISH_CONCURRENCY",
    parse_positive_int,
    "256",
    "scan requests a job has in flight to JetStream at once (awaiting the stream's ack)",
)
DISPATCH_CONCURRENCY = var(
    "REGSIEVE_SCHEDULER_DISPATCH_CONCURRENCY",
    parse_positive_int,
    "16",
    "registry events one replica decides at once (the dispatcher consumer's max_ack_pending)",
)
EVENT_MAX_DELIVER = var(
    "REGSIEVE_SCHEDULER_EVENT_MAX_DELIVER",
    parse_positive_int,
    "6",
    "deliveries of a registry event before a transient failure (Catalog or Rules down) is"
    " recorded as its decision (FAILED)",
)
CALL_TIMEOUT = var(
    "REGSIEVE_SCHEDULER_CALL_TIMEOUT_SECONDS",
    parse_positive_seconds,
    "30",
    "deadline of the Scheduler's unary calls to the Catalog and Rules",
)


@dataclass(frozen=True)
class SchedulerConfig:
    common: CommonConfig
    tick_seconds: float
    lease_seconds: float
    max_jobs: int
    publish_concurrency: int
    dispatch_concurrency: int
    event_max_deliver: int
    call_timeout_seconds: float

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SchedulerConfig:
        problems: list[str] = []
        config = cls(
            common=read_common(env, problems),
            tick_seconds=TICK.read(env, problems),
            lease_seconds=LEASE.read(env, problems),
            max_jobs=MAX_JOBS.read(env, problems),
            publish_concurrency=PUBLISH_CONCURRENCY.read(env, problems),
            dispatch_concurrency=DISPATCH_CONCURRENCY.read(env, problems),
            event_max_deliver=EVENT_MAX_DELIVER.read(env, problems),
            call_timeout_seconds=CALL_TIMEOUT.read(env, problems),
        )
        raise_if(problems)
        return config
