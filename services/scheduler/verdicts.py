"""One decision about a pushed image from its registry's enabled rule sets' decisions (pure).

Policy: a registry may have several rule sets; the dispatcher asks each enabled one. The
image is queued when any of them pulls it. The deciding rule set is the first that pulls
(in the order given, by name), else the first that skips; every rule set's verdict is
recorded beside the decision. Platforms to scan are the union of the pulling rule sets'
platform lists, or none (the Scanner's default) when one of them pulls without a filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.scheduler.domain import NO_RULE_SET

Platform = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class RuleVerdict:
    """One rule set's decision about one image."""

    rule_set_id: str
    rule_set_revision: int
    pull: bool
    reason: str  # `rule:<name>`, e.g. `rule:never_pull`
    message: str = ""
    platforms: tuple[Platform, ...] = ()


@dataclass(frozen=True, slots=True)
class EventVerdict:
    """The combined decision: pull or not, the deciding rule set, and why in words."""

    pull: bool
    reason: str
    explanation: str
    rule_set_id: str
    rule_set_revision: int
    platforms: tuple[Platform, ...]


def combine(verdicts: Sequence[RuleVerdict]) -> EventVerdict:
    """The event's decision from its rule sets' verdicts (see the module docstring)."""
    if not verdicts:
        return EventVerdict(False, NO_RULE_SET, "the registry has no enabled rule set", "", 0, ())
    pulling = [v for v in verdicts if v.pull]
    deciding = pulling[0] if pulling else verdicts[0]
    if len(verdicts) == 1:
        explanation = deciding.message
    else:
        explanation = "; ".join(
            f"rule set {v.rule_set_id} rev {v.rule_set_revision}: {v.message or v.reason}"
            for v in verdicts
        )
    platforms: tuple[Platform, ...] = ()
    if pulling and all(v.platforms for v in pulling):
        platforms = tuple(dict.fromkeys(p for v in pulling for p in v.platforms))
    return EventVerdict(
        pull=bool(pulling),
        reason=deciding.reason,
        explanation=explanation,
        rule_set_id=deciding.rule_set_id,
        rule_set_revision=deciding.rule_set_revision,
        platforms=platforms,
    )
