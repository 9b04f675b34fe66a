"""The dispatcher: registry events in, one recorded decision each, scan requests on the push lane.

Per pushed event: the image is read through the Catalog (digest, creation time,
platforms; the event never carries a creation time), every enabled rule set of the
registry decides (see `verdicts`), and a selected image is queued on the push lane
unless a push or manual request for its digest is still waiting for its scan. Per deleted
event: the Catalog marks the tag (or every tag of the digest) removed.

Order of effects, so a crash anywhere repeats nothing visible: publish the scan request
(its id derives from the event id, so a second publish is dropped by JetStream), then
store the decision, then acknowledge. A redelivered event whose decision is stored only
counts as one more delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from google.protobuf.message import DecodeError
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from prometheus_client import Counter, Histogram

from regsieve.v1 import events_pb2, rules_pb2
from services.common import messaging
from services.common.logs import get_logger
from services.scheduler.clients import PeerError, Peers
from services.scheduler.consumers import durable_pull, fetch
from services.scheduler.domain import ALREADY_QUEUED, EventOutcome, scan_request_id
from services.scheduler.jobs import image_facts
from services.scheduler.publisher import RequestPublisher, scan_request
from services.scheduler.selection import Candidate
from services.scheduler.store import DecisionRow, SchedulerStore
from services.scheduler.verdicts import RuleVerdict, combine

log = get_logger("regsieve.scheduler.dispatcher")

STREAM = "REGSIEVE_EVENTS"
DURABLE = "scheduler-dispatcher"
SUBJECTS = [messaging.EVENT_IMAGE_PUSHED, messaging.EVENT_IMAGE_DELETED]
# A request older than JetStream's duplicate window on scan requests no longer blocks.
OPEN_REQUEST_HORIZON = timedelta(hours=6)
PRIORITY_LANES = ("push", "manual")

DECISIONS = Counter(
    "regsieve_scheduler_event_decisions_total",
    "Registry events decided, by outcome.",
    ["outcome"],
)
DECIDE_SECONDS = Histogram(
    "regsieve_scheduler_event_decide_seconds",
    "Time from an event's delivery to its stored decision.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ACTIONS = {
    events_pb2.REGISTRY_EVENT_ACTION_PUSHED: "pushed",
    events_pb2.REGISTRY_EVENT_ACTION_DELETED: "deleted",
}


class Transient(Exception):
    """A dependency failed in a way worth retrying later (redelivery with a delay)."""


@dataclass(frozen=True)
class DispatcherSettings:
    concurrency: int
    max_deliver: int
    ack_wait_s: float = 60.0


def backoff_seconds(deliveries: int) -> float:
    return float(min(60, 2 ** min(deliveries, 6)))


class Dispatcher:
    def __init__(
        self,
        js: JetStreamContext,
        store: SchedulerStore,
        peers: Peers,
        publisher: RequestPublisher,
        settings: DispatcherSettings,
    ) -> None:
        self.js = js
        self.store = store
        self.peers = peers
        self.publisher = publisher
        self.settings = settings
        self._active: set[asyncio.Task[None]] = set()
        self._slot_freed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.sub = await durable_pull(
            self.js,
            STREAM,
            DURABLE,
            subjects=SUBJECTS,
            ack_wait_s=self.settings.ack_wait_s,
            max_ack_pending=self.settings.concurrency,
            max_deliver=self.settings.max_deliver + 1,  # the last delivery records the failure
        )
        self._task = asyncio.create_task(self._loop())

    async def stop(self, grace_s: float = 5.0) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._active:
            _, pending = await asyncio.wait(self._active, timeout=grace_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _loop(self) -> None:
        while True:
            free = self.settings.concurrency - len(self._active)
            if free <= 0:
                self._slot_freed.clear()
                await self._slot_freed.wait()
                continue
            messages = await fetch(self.sub, free, 1.0)
            for msg in messages:
                task = asyncio.create_task(self._handle_safely(msg))
                self._active.add(task)
                task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._active.discard(task)
        self._slot_freed.set()

    async def _handle_safely(self, msg: Msg) -> None:
        try:
            await self.handle(msg)
        except asyncio.CancelledError:
            raise
        except Exception:
            # not acknowledged: redelivered after ack_wait
            log.exception("event.handling_failed", subject=msg.subject)

    # -- one event ---------------------------------------------------------------------

    async def handle(self, msg: Msg) -> None:
        started = datetime.now(UTC)
        try:
            event = events_pb2.RegistryEvent.FromString(msg.data)
        except DecodeError:
            log.error("event.poison_message", subject=msg.subject, size=len(msg.data))
            await msg.term()
            return
        if not event.id or not event.registry_id or not event.repository:
            log.error("event.invalid", subject=msg.subject, event_id=event.id)
            await msg.term()
            return
        known = await self.store.count_delivery(event.id)
        if known is not None:
            log.info("event.duplicate", event_id=event.id, deliveries=known.deliveries)
            await msg.ack()
            return
        deliveries = msg.metadata.num_delivered if msg.metadata else 1
        timings: dict[str, float] = {}
        try:
            decision = await self.decide(event, timings)
        except Transient as exc:
            if deliveries < self.settings.max_deliver:
                delay = backoff_seconds(deliveries)
                log.warning("event.retry", event_id=event.id, error=str(exc), delay_s=delay)
                await msg.nak(delay=delay)
                return
            decision = self._base(event, EventOutcome.FAILED, f"unavailable:{exc}")
            decision = replace(
                decision,
                explanation=f"gave up after {deliveries} deliveries: {exc}",
                reason=_unavailable_reason(exc),
            )
        if not await self.store.record_decision(decision):
            await self.store.count_delivery(event.id)  # another replica decided first
        await msg.ack()
        DECISIONS.labels(str(decision.outcome)).inc()
        DECIDE_SECONDS.observe((datetime.now(UTC) - started).total_seconds())
        log.info(
            "event.decided",
            event_id=event.id,
            registry_id=event.registry_id,
            image=f"{event.repository}:{event.tag or event.digest}",
            outcome=str(decision.outcome),
            reason=decision.reason,
            scan_request_id=decision.scan_request_id,
            **timings,
        )

    async def decide(
        self, event: events_pb2.RegistryEvent, timings: dict[str, float] | None = None
    ) -> DecisionRow:
        """The decision about one new event, with its side effects done (raises Transient).

        `timings` receives the seconds spent resolving, evaluating and publishing."""
        timings = {} if timings is None else timings
        clock = time.perf_counter()
        if event.action == events_pb2.REGISTRY_EVENT_ACTION_DELETED:
            return await self._removed(event)
        if event.action != events_pb2.REGISTRY_EVENT_ACTION_PUSHED:
            return replace(
                self._base(event, EventOutcome.FAILED, "unsupported_action"),
                explanation=f"event action {event.action} is neither pushed nor deleted",
            )
        try:
            image = await self.peers.resolve_image(
                event.registry_id, event.repository, event.tag, event.digest
            )
        except PeerError as exc:
            if exc.transient:
                raise Transient(exc.reason) from exc
            return replace(
                self._base(event, EventOutcome.FAILED, f"resolve_failed:{exc.reason}"),
                explanation=exc.message,
            )
        timings["resolve_s"] = round(time.perf_counter() - clock, 4)
        base = replace(self._base(event, EventOutcome.SKIPPED, ""), digest=image.digest)
        if image.HasField("create_time"):
            base = replace(base, image_created_at=image.create_time.ToDatetime(tzinfo=UTC))
        try:
            verdicts = await self._verdicts(event.registry_id, image_facts(image))
        except PeerError as exc:
            if exc.transient:
                raise Transient(exc.reason) from exc
            return replace(
                base,
                outcome=EventOutcome.FAILED,
                reason=f"rules_failed:{exc.reason}",
                explanation=exc.message,
            )
        timings["rules_s"] = round(time.perf_counter() - clock - timings["resolve_s"], 4)
        verdict = combine(verdicts)
        base = replace(
            base,
            reason=verdict.reason,
            explanation=verdict.explanation,
            rule_set_id=verdict.rule_set_id,
            rule_set_revision=verdict.rule_set_revision,
            verdicts=tuple(verdicts),
        )
        if not verdict.pull:
            return base
        request_id = scan_request_id(event.registry_id, image.digest, "push", event.id)
        waiting = await self.store.open_request(
            event.registry_id,
            image.digest,
            PRIORITY_LANES,
            datetime.now(UTC) - OPEN_REQUEST_HORIZON,
        )
        if waiting is not None and waiting != request_id:
            await self._mark_queued(event.registry_id, image.repository, image.tag, image.digest)
            return replace(
                base,
                reason=ALREADY_QUEUED,
                explanation=f"{image.digest} is queued already (scan request {waiting}); "
                + verdict.explanation,
                scan_request_id=waiting,
            )
        request = scan_request(
            request_id,
            event.registry_id,
            Candidate(
                (image.repository, image.tag), image.digest, verdict.reason, verdict.platforms
            ),
            "push",
            job_id="",
            rule_set_id=verdict.rule_set_id,
            rule_set_revision=verdict.rule_set_revision,
            requested_at=datetime.now(UTC),
        )
        try:
            await self.publisher.record([request])
            await self.publisher.publish([request])
        except Exception as exc:
            raise Transient(f"NATS: {exc or type(exc).__name__}") from exc
        await self._mark_queued(event.registry_id, image.repository, image.tag, image.digest)
        timings["total_s"] = round(time.perf_counter() - clock, 4)
        return replace(base, outcome=EventOutcome.QUEUED, scan_request_id=request_id)

    async def _mark_queued(self, registry_id: str, repository: str, tag: str, digest: str) -> None:
        await self.store.mark_tags_queued(
            registry_id, [(repository, tag, digest)], datetime.now(UTC)
        )

    async def _verdicts(self, registry_id: str, facts: rules_pb2.ImageFacts) -> list[RuleVerdict]:
        rule_sets = await self.peers.enabled_rule_sets(registry_id)

        async def verdict(rule_set_id: str) -> RuleVerdict:
            reply = await self.peers.evaluate_images(rule_set_id, 0, [facts], catalog_context=True)
            decision = reply.decisions[0]
            return RuleVerdict(
                rule_set_id=rule_set_id,
                rule_set_revision=reply.rule_set_revision,
                pull=decision.action == rules_pb2.DECISION_ACTION_PULL,
                reason=decision.reason_code,
                message=decision.message,
                platforms=tuple((p.os, p.architecture, p.variant) for p in decision.platforms),
            )

        return list(await asyncio.gather(*(verdict(r.id) for r in rule_sets)))

    async def _removed(self, event: events_pb2.RegistryEvent) -> DecisionRow:
        try:
            removed = await self.peers.remove_image(
                event.registry_id, event.repository, event.tag, event.digest
            )
        except PeerError as exc:
            if exc.transient:
                raise Transient(exc.reason) from exc
            return replace(
                self._base(event, EventOutcome.FAILED, f"remove_failed:{exc.reason}"),
                explanation=exc.message,
            )
        return replace(
            self._base(event, EventOutcome.REMOVED, "catalog_removed"),
            explanation=f"the Catalog marked {removed} tag(s) removed",
        )

    @staticmethod
    def _base(event: events_pb2.RegistryEvent, outcome: EventOutcome, reason: str) -> DecisionRow:
        return DecisionRow(
            event_id=event.id,
            registry_id=event.registry_id,
            action=ACTIONS.get(event.action, "unspecified"),
            repository=event.repository,
            tag=event.tag,
            digest=event.digest,
            image_created_at=None,
            outcome=outcome,
            reason=reason,
            explanation="",
            rule_set_id="",
            rule_set_revision=0,
            scan_request_id="",
            event_time=event.event_time.ToDatetime(tzinfo=UTC)
            if event.HasField("event_time")
            else None,
            decided_at=datetime.now(UTC),
        )


def _unavailable_reason(exc: Transient) -> str:
    return f"unavailable:{str(exc).split(':', 1)[0] or 'UNAVAILABLE'}"
