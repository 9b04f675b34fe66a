"""Tallies of decisions per reason, and the dry run of a draft rule set over an inventory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.rules.domain import Action, Decision, ImageFacts, Reason, RuleSet
from services.rules.evaluate import compile_rule_set


@dataclass(frozen=True, slots=True)
class ReasonTally:
    """How many images got one (action, reason), with the first one as an example."""

    action: Action
    reason: Reason
    count: int
    example: str  # repository:tag of the first image counted


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts of a set of decisions: pulled first, then by count, largest first."""

    total: int
    pulled: int
    skipped: int
    tallies: tuple[ReasonTally, ...]


class SummaryBuilder:
    """Accumulates decisions batch by batch (for streamed evaluations)."""

    def __init__(self) -> None:
        self._counts: dict[Reason, int] = {}
        self._examples: dict[Reason, str] = {}
        self._actions: dict[Reason, Action] = {}

    def add(self, images: Sequence[ImageFacts], decisions: Sequence[Decision]) -> None:
        """Counts one batch; `decisions[i]` belongs to `images[i]`."""
        counts = self._counts
        for image, decision in zip(images, decisions, strict=True):
            reason = decision.reason
            if reason in counts:
                counts[reason] += 1
            else:
                counts[reason] = 1
                self._examples[reason] = image.ref
                self._actions[reason] = decision.action

    def summary(self) -> Summary:
        """The counts so far."""
        tallies = sorted(
            (
                ReasonTally(self._actions[reason], reason, count, self._examples[reason])
                for reason, count in self._counts.items()
            ),
            key=lambda t: (t.action is not Action.PULL, -t.count, t.reason.value),
        )
        pulled = sum(t.count for t in tallies if t.action is Action.PULL)
        total = sum(self._counts.values())
        return Summary(total=total, pulled=pulled, skipped=total - pulled, tallies=tuple(tallies))


def summarize(images: Sequence[ImageFacts], decisions: Sequence[Decision]) -> Summary:
    """The counts of one batch of decisions."""
    builder = SummaryBuilder()
    builder.add(images, decisions)
    return builder.summary()


@dataclass(frozen=True, slots=True)
class Preview:
    """What a rule set would do to an inventory: counts and the images it would pull.

    `pulled` keeps the inventory's order, so a page is a slice of it.
    """

    summary: Summary
    pulled: tuple[tuple[ImageFacts, Decision], ...]


def preview(rule_set: RuleSet, inventory: Sequence[ImageFacts], now: datetime) -> Preview:
    """Dry-runs a (possibly unsaved) rule set over a whole inventory.

    Raises InvalidRuleSetError for an invalid draft. The inventory must hold every image of
    each repository it covers, or latest-N ranks among fewer images than it should.
    """
    decisions = compile_rule_set(rule_set).evaluate(inventory, now)  # cached: pages repeat it
    pulled = tuple(
        (image, decision)
        for image, decision in zip(inventory, decisions, strict=True)
        if decision.action is Action.PULL
    )
    return Preview(summary=summarize(inventory, decisions), pulled=pulled)
