"""Evaluates a rule set over images: one decision per image, and full explanations.

Evaluation is a pure function of (rule set, images, now[, context images]); the precedence
it applies is documented in domain.py. It is built for batches: patterns are matched by
RE2 sets once per distinct repository and tag (matcher.py), decisions are shared objects
(one per distinct outcome), and latest-N ranks a repository once for the whole batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import cast

from services.rules.domain import (
    Action,
    Criterion,
    Decision,
    ImageFacts,
    InvalidRuleSetError,
    LatestOrder,
    PatternList,
    Platform,
    PlatformSpec,
    Reason,
    RuleSet,
    validate_rule_set,
)
from services.rules.latest import LatestRanker
from services.rules.matcher import MatchSession, PatternMatcher
from services.rules.patterns import Pattern, parse_pattern
from services.rules.window import subtract_calendar

# Lists in precedence order; this is also the bit order of the combined matcher.
PRECEDENCE = (PatternList.NEVER_PULL, PatternList.ALWAYS_PULL, PatternList.PULL_PATTERNS)

_ACTION = {
    Reason.ALWAYS_PULL: Action.PULL,
    Reason.PULL_PATTERN: Action.PULL,
    Reason.PULL_ALL: Action.PULL,
}
_CRITERION = {
    Reason.DISABLED: Criterion.ENABLED,
    Reason.NEVER_PULL: Criterion.PATTERNS,
    Reason.ALWAYS_PULL: Criterion.PATTERNS,
    Reason.PULL_PATTERN: Criterion.PATTERNS,
    Reason.PULL_ALL: Criterion.PATTERNS,
    Reason.NO_PULL_PATTERN: Criterion.PATTERNS,
    Reason.OUTSIDE_WINDOW: Criterion.CREATION_WINDOW,
    Reason.CREATED_UNKNOWN: Criterion.CREATION_WINDOW,
    Reason.NOT_LATEST: Criterion.LATEST_N,
    Reason.NOT_A_VERSION: Criterion.LATEST_N,
    Reason.PLATFORM_MISMATCH: Criterion.PLATFORMS,
    Reason.PLATFORM_UNKNOWN: Criterion.PLATFORMS,
}
_NO_PATTERN = -1


class CheckOutcome(StrEnum):
    """The outcome of one rule checked against one image."""

    MATCHED = "matched"  # a pattern matched
    NOT_MATCHED = "not_matched"  # a pattern did not match
    PASSED = "passed"  # a criterion is met
    FAILED = "failed"  # a criterion is not met
    UNKNOWN = "unknown"  # a criterion cannot be decided (no creation time, no platforms)


@dataclass(frozen=True, slots=True)
class RuleCheck:
    """One rule of a rule set checked against one image.

    `rule` names it like a field: `never_pull[2]`, `pull_patterns` (the empty list),
    `creation_window`, `latest_n`, `platforms`, `enabled`. `decisive` marks the check(s)
    the decision names (its pattern and, for a skip, its criterion; every pull pattern for
    `no_pull_pattern`); other checks may have failed or matched yet been outranked.
    """

    rule: str
    criterion: Criterion
    outcome: CheckOutcome
    decisive: bool
    detail: str
    pattern_list: PatternList | None = None
    pattern_index: int | None = None
    pattern: str = ""


@dataclass(frozen=True, slots=True)
class Explanation:
    """An image, its decision, and every rule checked in precedence order."""

    image: ImageFacts
    decision: Decision
    checks: tuple[RuleCheck, ...]


@dataclass(frozen=True, slots=True)
class _Slot:
    pattern_list: PatternList
    index: int
    pattern: Pattern


class CompiledRuleSet:
    """A validated rule set, ready to evaluate many batches (immutable, thread-safe)."""

    def __init__(self, rule_set: RuleSet) -> None:
        violations = validate_rule_set(rule_set)
        if violations:
            raise InvalidRuleSetError(violations)
        self.rule_set = rule_set
        slots: list[_Slot] = []
        masks: dict[PatternList, int] = {}
        for pattern_list in PRECEDENCE:
            mask = 0
            for index, text in enumerate(getattr(rule_set, pattern_list.value)):
                mask |= 1 << len(slots)
                slots.append(_Slot(pattern_list, index, parse_pattern(text)))
            masks[pattern_list] = mask
        self._slots = tuple(slots)
        self._never = masks[PatternList.NEVER_PULL]
        self._always = masks[PatternList.ALWAYS_PULL]
        self._pull = masks[PatternList.PULL_PATTERNS]
        self._matcher = PatternMatcher([slot.pattern for slot in slots])
        self._platform_specs = tuple(PlatformSpec.parse(text) for text in rule_set.platforms)

    def window_start(self, now: datetime) -> datetime | None:
        """The earliest creation time the window accepts at `now`; None without a window."""
        window = self.rule_set.creation_window
        if window is None:
            return None
        return subtract_calendar(now, window.amount, window.unit)

    def evaluate(
        self,
        images: Sequence[ImageFacts],
        now: datetime,
        *,
        context_images: Sequence[ImageFacts] = (),
    ) -> list[Decision]:
        """One decision per image, in order.

        `context_images` are other images of the same repositories that are not being
        decided but count for latest-N (e.g. the inventory's other tags of a repository
        when a webhook brings one image). Decisions are shared objects: equal outcomes
        are the same instance.
        """
        _require_aware(now)
        rule_set = self.rule_set
        made: dict[tuple[Reason, int, tuple[Platform, ...]], Decision] = {}

        def decision(reason: Reason, bit: int, platforms: tuple[Platform, ...]) -> Decision:
            key = (reason, bit, platforms)
            found = made.get(key)
            if found is None:
                found = made[key] = self._decision(reason, bit, platforms)
            return found

        if not rule_set.enabled:
            return [decision(Reason.DISABLED, _NO_PATTERN, ())] * len(images)
        session = self._matcher.session()
        masks = session.masks(images)
        never, always, pull = self._never, self._always, self._pull
        window_start = self.window_start(now)
        cutoff = None if window_start is None else window_start.astimezone(UTC)
        latest = rule_set.latest_n
        ranker: LatestRanker | None = None
        if latest is not None:
            ranker = LatestRanker(latest.order, created_floor=cutoff)
            if context_images:
                batch_refs = {(image.repository, image.tag) for image in images}
                self._rank_context(ranker, session, context_images, batch_refs)
        specs = self._platform_specs
        platform_choice: dict[tuple[Platform, ...], tuple[Platform, ...]] = {}

        def last_check(
            reason: Reason, bit: int, platforms: tuple[Platform, ...], chosen: tuple[Platform, ...]
        ) -> Decision:
            if specs:
                if not platforms:
                    return decision(Reason.PLATFORM_UNKNOWN, bit, ())
                if not chosen:
                    return decision(Reason.PLATFORM_MISMATCH, bit, ())
            return decision(reason, bit, chosen)

        decisions: list[Decision | None] = []
        append = decisions.append
        known = made.get
        # Images that passed everything up to latest-N wait until every image is ranked.
        waiting: list[tuple[int, int, Reason, tuple[Platform, ...]]] = []
        eligible: list[ImageFacts] = []  # not never-pulled: what latest-N ranks
        # The loop runs once per image: lowest_bit_index() and decision() are inlined.
        for i, image in enumerate(images):
            mask = masks[i]
            hit = mask & never
            if hit:
                bit = (hit & -hit).bit_length() - 1
                append(known((Reason.NEVER_PULL, bit, ())) or decision(Reason.NEVER_PULL, bit, ()))
                continue
            if ranker is not None:
                eligible.append(image)
            platforms = image.platforms
            chosen: tuple[Platform, ...] = ()
            if specs and platforms:
                chosen_or_none = platform_choice.get(platforms)
                if chosen_or_none is None:
                    chosen_or_none = platform_choice[platforms] = self._choose_platforms(platforms)
                chosen = chosen_or_none
            hit = mask & always
            if hit:
                bit = (hit & -hit).bit_length() - 1
                key = (Reason.ALWAYS_PULL, bit, chosen)
                append(known(key) or decision(*key))
                continue
            if pull:
                hit = mask & pull
                if not hit:
                    append(decision(Reason.NO_PULL_PATTERN, _NO_PATTERN, ()))
                    continue
                bit = (hit & -hit).bit_length() - 1
                selected = Reason.PULL_PATTERN
            else:
                bit = _NO_PATTERN
                selected = Reason.PULL_ALL
            if cutoff is not None:
                created = image.created
                if created is None:
                    append(decision(Reason.CREATED_UNKNOWN, bit, ()))
                    continue
                if created < cutoff:
                    append(decision(Reason.OUTSIDE_WINDOW, bit, ()))
                    continue
            if ranker is not None:
                waiting.append((i, bit, selected, chosen))
                append(None)
                continue
            append(last_check(selected, bit, platforms, chosen))
        if ranker is not None and latest is not None:
            ranker.add_all(eligible)
            semver_order = latest.order is LatestOrder.SEMVER
            unranked = Reason.NOT_A_VERSION if semver_order else Reason.CREATED_UNKNOWN
            for i, bit, selected, chosen in waiting:
                image = images[i]
                rank = ranker.rank(image)
                if rank is None:
                    decisions[i] = decision(unranked, bit, ())
                elif rank > latest.count:
                    decisions[i] = decision(Reason.NOT_LATEST, bit, ())
                else:
                    decisions[i] = last_check(selected, bit, image.platforms, chosen)
        return cast(list[Decision], decisions)

    def explain(
        self,
        image: ImageFacts,
        now: datetime,
        *,
        context_images: Sequence[ImageFacts] = (),
    ) -> Explanation:
        """The decision for one image with every rule checked, in precedence order."""
        decision = self.evaluate([image], now, context_images=context_images)[0]
        rule_set = self.rule_set
        checks: list[RuleCheck] = [
            RuleCheck(
                rule="enabled",
                criterion=Criterion.ENABLED,
                outcome=CheckOutcome.PASSED if rule_set.enabled else CheckOutcome.FAILED,
                decisive=decision.reason is Reason.DISABLED,
                detail="rule set is enabled" if rule_set.enabled else "rule set is disabled",
            )
        ]
        mask = self._matcher.session().mask(image.repository, image.tag)
        for bit, slot in enumerate(self._slots):
            matched = bool(mask >> bit & 1)
            checks.append(
                RuleCheck(
                    rule=f"{slot.pattern_list.value}[{slot.index}]",
                    criterion=Criterion.PATTERNS,
                    outcome=CheckOutcome.MATCHED if matched else CheckOutcome.NOT_MATCHED,
                    decisive=self._pattern_is_decisive(decision, slot),
                    detail=_describe_pattern(slot.pattern, image, matched),
                    pattern_list=slot.pattern_list,
                    pattern_index=slot.index,
                    pattern=slot.pattern.text,
                )
            )
        if not rule_set.pull_patterns:
            checks.append(
                RuleCheck(
                    rule=PatternList.PULL_PATTERNS.value,
                    criterion=Criterion.PATTERNS,
                    outcome=CheckOutcome.MATCHED,
                    decisive=decision.reason is Reason.PULL_ALL,
                    detail="the pull list is empty, which matches every image",
                    pattern_list=PatternList.PULL_PATTERNS,
                )
            )
        checks += self._criterion_checks(image, now, context_images, decision)
        return Explanation(image=image, decision=decision, checks=tuple(checks))

    def _criterion_checks(
        self,
        image: ImageFacts,
        now: datetime,
        context_images: Sequence[ImageFacts],
        decision: Decision,
    ) -> list[RuleCheck]:
        checks: list[RuleCheck] = []
        rule_set = self.rule_set
        decisive_criterion = decision.criterion if decision.action is Action.SKIP else None
        window = rule_set.creation_window
        cutoff = self.window_start(now)
        if window is not None and cutoff is not None:
            span = f"{window.amount} {window.unit.value}"
            if image.created is None:
                outcome, detail = CheckOutcome.UNKNOWN, "creation time unknown"
            else:
                passed = image.created >= cutoff
                outcome = CheckOutcome.PASSED if passed else CheckOutcome.FAILED
                detail = (
                    f"created {image.created.isoformat()}, "
                    f"{'not before' if passed else 'before'} {cutoff.isoformat()} ({span} ago)"
                )
            checks.append(
                RuleCheck(
                    "creation_window",
                    Criterion.CREATION_WINDOW,
                    outcome,
                    decisive_criterion is Criterion.CREATION_WINDOW,
                    detail,
                )
            )
        latest = rule_set.latest_n
        if latest is not None:
            checks.append(self._latest_check(image, context_images, decision))
        if self._platform_specs:
            allowed = ", ".join(str(spec) for spec in self._platform_specs)
            if not image.platforms:
                outcome, detail = CheckOutcome.UNKNOWN, f"platforms unknown; filter: {allowed}"
            else:
                chosen = self._choose_platforms(image.platforms)
                have = ", ".join(str(p) for p in image.platforms)
                if chosen:
                    outcome = CheckOutcome.PASSED
                    detail = f"{', '.join(str(p) for p in chosen)} of {have} match {allowed}"
                else:
                    outcome, detail = CheckOutcome.FAILED, f"none of {have} matches {allowed}"
            checks.append(
                RuleCheck(
                    "platforms",
                    Criterion.PLATFORMS,
                    outcome,
                    decisive_criterion is Criterion.PLATFORMS,
                    detail,
                )
            )
        return checks

    def _latest_check(
        self, image: ImageFacts, context_images: Sequence[ImageFacts], decision: Decision
    ) -> RuleCheck:
        latest = self.rule_set.latest_n
        assert latest is not None
        session = self._matcher.session()
        eligible = not session.mask(image.repository, image.tag) & self._never
        ranker = LatestRanker(latest.order)
        if eligible:
            ranker.add(image)
        self._rank_context(ranker, session, context_images, {(image.repository, image.tag)})
        rank = ranker.rank(image) if eligible else None
        keeps = f"keeps the newest {latest.count} by {latest.order.value}"
        if not eligible:
            outcome, detail = CheckOutcome.UNKNOWN, "not ranked: a never-pull pattern matches"
        elif rank is None and latest.order is LatestOrder.CREATED:
            outcome, detail = CheckOutcome.UNKNOWN, "not ranked: creation time unknown"
        elif rank is None:
            outcome = CheckOutcome.FAILED
            detail = f"not ranked: tag {image.tag!r} is not a version"
        else:
            total = ranker.total(image.repository)
            outcome = CheckOutcome.PASSED if rank <= latest.count else CheckOutcome.FAILED
            detail = f"rank {rank} of {total} in {image.repository}; {keeps}"
        decisive = decision.action is Action.SKIP and decision.criterion is Criterion.LATEST_N
        return RuleCheck("latest_n", Criterion.LATEST_N, outcome, decisive, detail)

    def _rank_context(
        self,
        ranker: LatestRanker,
        session: MatchSession,
        context_images: Sequence[ImageFacts],
        batch_refs: set[tuple[str, str]],
    ) -> None:
        """Adds the context images that are not never-pulled and not in the batch."""
        if not context_images:
            return
        never = self._never
        for image, mask in zip(context_images, session.masks(context_images), strict=True):
            if not mask & never and (image.repository, image.tag) not in batch_refs:
                ranker.add(image)

    def _pattern_is_decisive(self, decision: Decision, slot: _Slot) -> bool:
        if decision.reason is Reason.NO_PULL_PATTERN:
            return slot.pattern_list is PatternList.PULL_PATTERNS
        return decision.pattern_list is slot.pattern_list and decision.pattern_index == slot.index

    def _choose_platforms(self, platforms: tuple[Platform, ...]) -> tuple[Platform, ...]:
        return tuple(p for p in platforms if any(spec.matches(p) for spec in self._platform_specs))

    def _decision(self, reason: Reason, bit: int, platforms: tuple[Platform, ...]) -> Decision:
        slot = self._slots[bit] if bit != _NO_PATTERN else None
        return Decision(
            action=_ACTION.get(reason, Action.SKIP),
            reason=reason,
            criterion=_CRITERION[reason],
            pattern_list=slot.pattern_list if slot else None,
            pattern_index=slot.index if slot else None,
            pattern=slot.pattern.text if slot else "",
            rule_set_id=self.rule_set.id,
            rule_set_revision=self.rule_set.revision,
            platforms=platforms,
        )


@lru_cache(maxsize=128)
def compile_rule_set(rule_set: RuleSet) -> CompiledRuleSet:
    """Validates and compiles a rule set (cached); raises InvalidRuleSetError."""
    return CompiledRuleSet(rule_set)


def evaluate(
    rule_set: RuleSet,
    images: Sequence[ImageFacts],
    now: datetime,
    *,
    context_images: Sequence[ImageFacts] = (),
) -> list[Decision]:
    """One decision per image; see CompiledRuleSet.evaluate."""
    return compile_rule_set(rule_set).evaluate(images, now, context_images=context_images)


def explain(
    rule_set: RuleSet,
    image: ImageFacts,
    now: datetime,
    *,
    context_images: Sequence[ImageFacts] = (),
) -> Explanation:
    """The decision for one image with every rule checked; see CompiledRuleSet.explain."""
    return compile_rule_set(rule_set).explain(image, now, context_images=context_images)


def _require_aware(now: datetime) -> None:
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")


def _describe_pattern(pattern: Pattern, image: ImageFacts, matched: bool) -> str:
    verb = "matches" if matched else "does not match"
    return f"`{pattern.text}` {verb} {image.ref}"
