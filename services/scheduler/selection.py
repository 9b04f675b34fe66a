"""Which selected images a job queues: each digest once; a rescan only changed tags (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from services.scheduler.cursor import ImageKey
from services.scheduler.domain import ALREADY_QUEUED


@dataclass(frozen=True, slots=True)
class Candidate:
    """A selected image in the job's (repository, tag) order, with what the rules said."""

    key: ImageKey
    digest: str
    reason: str = ""  # the rules' reason code, e.g. `rule:pull_pattern`
    platforms: tuple[tuple[str, str, str], ...] = ()  # (os, architecture, variant) to scan


@dataclass(slots=True)
class ChunkPlan:
    """A chunk split into requests to publish (new or re-published) and images skipped."""

    new: list[Candidate] = field(default_factory=list)
    republish: list[Candidate] = field(default_factory=list)
    skipped: list[tuple[Candidate, str]] = field(default_factory=list)

    @property
    def publish(self) -> list[Candidate]:
        """Everything to publish (JetStream drops a re-published id inside its window)."""
        return [*self.new, *self.republish]


def plan_chunk(chunk: Sequence[Candidate], recorded: Mapping[str, ImageKey]) -> ChunkPlan:
    """Splits `chunk` given the digests this job recorded already (digest -> first key).

    A digest recorded under the same key is re-published (a replica died between
    recording and moving the cursor past it); under another key, or earlier in the same
    chunk, it is skipped as already queued: a job queues each digest once.
    """
    plan = ChunkPlan()
    seen: dict[str, ImageKey] = dict(recorded)
    for candidate in chunk:
        first = seen.get(candidate.digest)
        if first is None:
            seen[candidate.digest] = candidate.key
            plan.new.append(candidate)
        elif first == candidate.key and candidate.digest in recorded:
            plan.republish.append(candidate)
        else:
            plan.skipped.append((candidate, ALREADY_QUEUED))
    return plan


def rescan_changed(
    digest: str,
    last_queued_digest: str | None,
    digest_change_time: datetime | None,
    reference: datetime | None,
) -> bool:
    """True when a rescan should queue a tag: its digest is not the one last scanned.

    A tag the scheduler queued before changed when its digest differs from the one it
    queued. A tag it never queued counts as changed when the Catalog saw its digest
    change (or first saw it) after `reference`, the start of the previous sweep or rescan
    of the same registry and rule set: older ones were there for that run to pick. With
    no previous run (`reference` None) or an unknown change time it counts as changed:
    queuing once too often is the safe side, and the Scanner does not pull a digest it
    has an inventory of.
    """
    if last_queued_digest is not None:
        return digest != last_queued_digest
    if reference is None or digest_change_time is None:
        return True
    return digest_change_time > reference
