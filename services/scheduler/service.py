"""Scheduler process: database, NATS consumers, the coordinator and the servicer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg
import grpc
from nats.aio.client import Client as NatsClient

from regsieve.v1 import scheduler_pb2, scheduler_pb2_grpc
from services.common import messaging
from services.common.db import open_database
from services.common.logs import get_logger
from services.scheduler.clients import Peers
from services.scheduler.config import SchedulerConfig
from services.scheduler.dispatcher import Dispatcher, DispatcherSettings
from services.scheduler.jobs import JobEnv
from services.scheduler.leader import Coordinator, replica_name
from services.scheduler.publisher import RequestPublisher
from services.scheduler.results import ResultsConsumer
from services.scheduler.server import SchedulerServicer
from services.scheduler.store import SchedulerStore

SCHEMA = "scheduler"
# EvaluateRegistry keeps a repository whole in one message, which may exceed gRPC's 4 MiB.
CHANNEL_OPTIONS = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]
log = get_logger("regsieve.scheduler")


def wall_clock() -> datetime:
    return datetime.now(UTC)


class SchedulerService:
    """`clock` decides when schedules fire and windows close (tests inject their own);
    `dispatch_chunk` is how many images a job handles between window checks."""

    service_names = (scheduler_pb2.DESCRIPTOR.services_by_name["SchedulerService"].full_name,)

    def __init__(
        self,
        config: SchedulerConfig,
        *,
        clock: Callable[[], datetime] = wall_clock,
        dispatch_chunk: int = 500,
        dispatch_events: bool = True,
    ) -> None:
        self.config = config
        self.clock = clock
        self.dispatch_chunk = dispatch_chunk
        self.dispatch_events = dispatch_events
        self.owner = replica_name()
        self.pool: asyncpg.Pool | None = None
        self.nats: NatsClient | None = None
        self._channels: list[grpc.aio.Channel] = []
        self.dispatcher: Dispatcher | None = None
        self.results: ResultsConsumer | None = None
        self.coordinator: Coordinator | None = None

    async def start(self) -> None:
        config = self.config
        self.pool = await open_database(
            config.common.database_url,
            SCHEMA,
            "services.scheduler.migrations",
            service="scheduler",
            max_size=max(config.common.db_pool_max, config.dispatch_concurrency + 4),
        )
        self.store = SchedulerStore(self.pool)
        self.nats = await messaging.connect(
            config.common.nats_url, f"regsieve-scheduler-{self.owner}"
        )
        self.js = self.nats.jetstream()
        await messaging.ensure_streams(self.js, config.common.nats_stream_replicas)
        catalog = grpc.aio.insecure_channel(config.common.catalog_target, options=CHANNEL_OPTIONS)
        rules = grpc.aio.insecure_channel(config.common.rules_target, options=CHANNEL_OPTIONS)
        self._channels = [catalog, rules]
        self.peers = Peers(catalog, rules, config.call_timeout_seconds)
        self.publisher = RequestPublisher(self.js, self.store, config.publish_concurrency)
        env = JobEnv(
            store=self.store,
            peers=self.peers,
            publisher=self.publisher,
            clock=self.clock,
            owner=self.owner,
            lease_s=config.lease_seconds,
            chunk_size=self.dispatch_chunk,
            wait_poll_s=min(1.0, config.tick_seconds),
        )
        self.results = ResultsConsumer(self.js, self.store)
        await self.results.start()
        if self.dispatch_events:
            self.dispatcher = Dispatcher(
                self.js,
                self.store,
                self.peers,
                self.publisher,
                DispatcherSettings(
                    concurrency=config.dispatch_concurrency,
                    max_deliver=config.event_max_deliver,
                ),
            )
            await self.dispatcher.start()
        self.coordinator = Coordinator(
            self.store,
            env,
            tick_s=config.tick_seconds,
            lease_s=config.lease_seconds,
            max_jobs=config.max_jobs,
            clock=self.clock,
        )
        await self.coordinator.start()
        log.info("scheduler.started", owner=self.owner)

    def add_to_server(self, server: grpc.aio.Server) -> None:
        assert self.coordinator is not None
        scheduler_pb2_grpc.add_SchedulerServiceServicer_to_server(
            SchedulerServicer(self.store, self.peers, self.coordinator, self.clock), server
        )

    async def stop(self) -> None:
        grace = self.config.common.shutdown_grace_seconds
        if self.coordinator:
            await self.coordinator.stop()
        if self.dispatcher:
            await self.dispatcher.stop(grace)
        if self.results:
            await self.results.stop()
        if self.nats:
            with contextlib.suppress(Exception):
                await self.nats.close()
        for channel in self._channels:
            await channel.close()
        if self.pool:
            await asyncio.wait_for(self.pool.close(), timeout=max(grace, 1.0))
