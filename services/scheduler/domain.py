"""Job and event-decision vocabulary of the scheduler, and deterministic scan request ids (pure)."""

from __future__ import annotations

import hashlib
from enum import StrEnum


class JobKind(StrEnum):
    """What a job does."""

    SWEEP = "sweep"  # sync, evaluate, queue every selected image (sweep lane)
    RESCAN = "rescan"  # HEAD every selected tag, queue changed digests only (rescan lane)
    MANUAL = "manual"  # queue the images named in RunNow (manual lane)


class JobState(StrEnum):
    """Where a job stands (the API's JobState)."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


TERMINAL_STATES = frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED})


class Phase(StrEnum):
    """What a RUNNING job does next; a job taken over by another replica continues here."""

    SYNC = "sync"  # scoped Catalog sync (its id is kept, so a takeover waits for the same one)
    DISPATCH = "dispatch"  # evaluate, then queue the selected images after the cursor
    WAIT = "wait"  # everything dispatched: waiting for the results of the scans queued


class EventOutcome(StrEnum):
    """What the dispatcher did with a registry event."""

    QUEUED = "queued"
    SKIPPED = "skipped"
    REMOVED = "removed"
    FAILED = "failed"


# Reasons the scheduler itself gives for not queuing an image (rules give `rule:<name>`).
ALREADY_QUEUED = "already_queued"  # its digest is queued already (by this job, or on push)
UNCHANGED = "unchanged"  # a rescan found the digest last queued for the tag
OVER_CAP = "max_images"  # RunNow's max_images was reached; the rest is not dispatched
NO_RULE_SET = "no_rule_set"  # an event for a registry without an enabled rule set

LANES = ("push", "manual", "sweep", "rescan")
LANE_OF_KIND = {JobKind.SWEEP: "sweep", JobKind.RESCAN: "rescan", JobKind.MANUAL: "manual"}


def scan_request_id(registry_id: str, digest: str, lane: str, scope: str) -> str:
    """The deterministic id (and Nats-Msg-Id) of a scan request.

    `scope` is the job id for sweep, rescan and manual requests, and the event id for push
    requests: one job queues a digest once, and a redelivered event publishes the same
    request again, which JetStream's duplicate window drops.
    """
    if lane not in LANES:
        raise ValueError(f"unknown lane {lane!r}")
    material = "\x00".join(("regsieve.scan-request.v1", registry_id, digest, lane, scope))
    return f"{lane}-{hashlib.sha256(material.encode()).hexdigest()[:40]}"


def image_label(repository: str, tag: str, digest: str = "") -> str:
    """`repository:tag` (or `repository@digest` for an untagged image), for humans."""
    if tag:
        return f"{repository}:{tag}"
    return f"{repository}@{digest}" if digest else repository
