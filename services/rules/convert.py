"""Conversions between Rules protobuf messages and the pure domain types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from google.protobuf.internal.containers import RepeatedCompositeFieldContainer
from google.protobuf.timestamp_pb2 import Timestamp

from regsieve.v1 import catalog_pb2, common_pb2
from regsieve.v1 import rules_pb2 as pb
from services.common.errors import InvalidArgument
from services.rules.domain import (
    Action,
    CreationWindow,
    Criterion,
    Decision,
    ImageFacts,
    LatestN,
    LatestOrder,
    PatternList,
    Platform,
    Reason,
    RuleSet,
    TimeUnit,
    describe_decision,
)
from services.rules.evaluate import CheckOutcome, Explanation
from services.rules.preview import Summary
from services.rules.ref_filter import RefFilter
from services.rules.store import StoredRuleSet

E = TypeVar("E", bound=StrEnum)

# Domain enum <-> proto enum by one naming rule: Reason.NEVER_PULL <-> DECISION_REASON_NEVER_PULL.


def _to_proto_map(domain: type[E], values: object, prefix: str) -> dict[E, int]:
    return {member: values.Value(prefix + member.value.upper()) for member in domain}  # type: ignore[attr-defined]


_ACTION = _to_proto_map(Action, pb.DecisionAction, "DECISION_ACTION_")
_REASON = _to_proto_map(Reason, pb.DecisionReason, "DECISION_REASON_")
_CRITERION = _to_proto_map(Criterion, pb.RuleCriterion, "RULE_CRITERION_")
_PATTERN_LIST = _to_proto_map(PatternList, pb.PatternListName, "PATTERN_LIST_NAME_")
_OUTCOME = _to_proto_map(CheckOutcome, pb.CheckOutcome, "CHECK_OUTCOME_")
_UNIT = _to_proto_map(TimeUnit, pb.WindowUnit, "WINDOW_UNIT_")
_ORDER = _to_proto_map(LatestOrder, pb.LatestOrder, "LATEST_ORDER_")
_UNIT_FROM = {value: member for member, value in _UNIT.items()}
_ORDER_FROM = {value: member for member, value in _ORDER.items()}

# Fields of RuleSet a client may write; the others are output only or fixed at creation.
WRITABLE_FIELDS = (
    "name",
    "description",
    "pull_patterns",
    "always_pull",
    "never_pull",
    "creation_window",
    "latest_n",
    "platforms",
    "enabled",
)


def timestamp(value: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def from_timestamp(stamp: Timestamp) -> datetime:
    return stamp.ToDatetime(tzinfo=UTC)


# -- rule sets -----------------------------------------------------------------------------


def rule_set_from_proto(
    message: pb.RuleSet, *, rule_set_id: str = "", revision: int = 0
) -> tuple[RuleSet, list[tuple[str, str]]]:
    """The domain rule set, and problems the conversion found (field paths without prefix).

    Output-only fields of `message` are ignored; `enabled` unset means enabled.
    """
    problems: list[tuple[str, str]] = []
    window = None
    if message.HasField("creation_window"):
        unit = _UNIT_FROM.get(message.creation_window.unit)
        if unit is None:
            problems.append(("creation_window.unit", "is required: days, months or years"))
        else:
            window = CreationWindow(message.creation_window.amount, unit)
    latest = None
    if message.HasField("latest_n"):
        order_value = message.latest_n.order
        order = LatestOrder.CREATED if order_value == 0 else _ORDER_FROM.get(order_value)
        if order is None:
            problems.append(("latest_n.order", f"unknown order {order_value}"))
        else:
            latest = LatestN(message.latest_n.count, order)
    rule_set = RuleSet(
        id=rule_set_id,
        registry_id=message.registry_id.strip(),
        name=message.name.strip(),
        revision=revision,
        pull_patterns=tuple(message.pull_patterns),
        always_pull=tuple(message.always_pull),
        never_pull=tuple(message.never_pull),
        creation_window=window,
        latest_n=latest,
        platforms=tuple(message.platforms),
        enabled=message.enabled if message.HasField("enabled") else True,
        description=message.description,
    )
    return rule_set, problems


def rule_set_to_proto(stored: StoredRuleSet) -> pb.RuleSet:
    message = draft_to_proto(stored.rule_set)
    message.create_time.FromDatetime(stored.created_at)
    message.update_time.FromDatetime(stored.updated_at)
    return message


def draft_to_proto(rule_set: RuleSet) -> pb.RuleSet:
    """A domain rule set as a message, without timestamps."""
    message = pb.RuleSet(
        id=rule_set.id,
        registry_id=rule_set.registry_id,
        name=rule_set.name,
        description=rule_set.description,
        revision=rule_set.revision,
        pull_patterns=rule_set.pull_patterns,
        always_pull=rule_set.always_pull,
        never_pull=rule_set.never_pull,
        platforms=rule_set.platforms,
        enabled=rule_set.enabled,
    )
    if rule_set.creation_window is not None:
        message.creation_window.amount = rule_set.creation_window.amount
        message.creation_window.unit = _UNIT[rule_set.creation_window.unit]
    if rule_set.latest_n is not None:
        message.latest_n.count = rule_set.latest_n.count
        message.latest_n.order = _ORDER[rule_set.latest_n.order]
    return message


def invalid(problems: Sequence[tuple[str, str]], prefix: str = "") -> InvalidArgument:
    """InvalidArgument with one field violation per problem, paths under `prefix`."""
    return InvalidArgument(
        violations=[(f"{prefix}.{field}" if prefix else field, text) for field, text in problems]
    )


# -- images --------------------------------------------------------------------------------


def image_from_proto(message: pb.ImageFacts) -> ImageFacts:
    """The image a client sent; raises ValueError with a message when it is unusable."""
    return ImageFacts(
        repository=message.repository,
        tag=message.tag,
        digest=message.digest,
        created=message.create_time.ToDatetime(tzinfo=UTC)
        if message.HasField("create_time")
        else None,
        platforms=tuple(Platform(p.os, p.architecture, p.variant) for p in message.platforms),
    )


def images_from_proto(messages: Sequence[pb.ImageFacts], field: str) -> list[ImageFacts]:
    """Every image of a repeated field; InvalidArgument names each bad one (`images[3]`)."""
    images: list[ImageFacts] = []
    problems: list[tuple[str, str]] = []
    for index, message in enumerate(messages):
        try:
            images.append(image_from_proto(message))
        except ValueError as error:
            problems.append((f"{field}[{index}]", str(error)))
            if len(problems) >= 100:
                break
    if problems:
        raise invalid(problems)
    return images


def image_from_catalog(image: catalog_pb2.Image) -> ImageFacts:
    """What the rules look at in a Catalog inventory entry (hot: 100,000 per sweep)."""
    created = None
    if image.HasField("create_time"):
        stamp = image.create_time
        created = _EPOCH + timedelta(seconds=stamp.seconds, microseconds=stamp.nanos // 1000)
    platforms: tuple[Platform, ...] = ()
    if image.platforms:
        raw = tuple(
            (entry.platform.os, entry.platform.architecture, entry.platform.variant)
            for entry in image.platforms
        )
        platforms = _PLATFORM_TUPLES.get(raw) or _platform_tuple(raw)
    return ImageFacts(image.repository, image.tag, image.digest, created, platforms)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Registries have few distinct platform lists; sharing them saves time and memory.
_PLATFORM_TUPLES: dict[tuple[tuple[str, str, str], ...], tuple[Platform, ...]] = {}


def _platform_tuple(raw: tuple[tuple[str, str, str], ...]) -> tuple[Platform, ...]:
    platforms = tuple(Platform(*entry) for entry in raw)
    if len(_PLATFORM_TUPLES) < 10_000:
        _PLATFORM_TUPLES[raw] = platforms
    return platforms


def _set_timestamp(stamp: Timestamp, moment: datetime) -> None:
    """Faster than Timestamp.FromDatetime for an aware datetime."""
    delta = moment - _EPOCH
    stamp.seconds = delta.days * 86_400 + delta.seconds
    stamp.nanos = delta.microseconds * 1_000


def image_to_proto(image: ImageFacts) -> pb.ImageFacts:
    message = pb.ImageFacts()
    _fill_image(message, image)
    return message


def _fill_image(message: pb.ImageFacts, image: ImageFacts) -> None:
    message.repository = image.repository
    message.tag = image.tag
    message.digest = image.digest
    if image.created is not None:
        _set_timestamp(message.create_time, image.created)
    for platform in image.platforms:
        message.platforms.add(
            os=platform.os, architecture=platform.architecture, variant=platform.variant
        )


# -- decisions -----------------------------------------------------------------------------


def decision_to_proto(decision: Decision, image: ImageFacts) -> pb.Decision:
    message = pb.Decision(
        action=_ACTION[decision.action],
        reason=_REASON[decision.reason],
        reason_code=decision.reason.code,
        criterion=_CRITERION[decision.criterion],
        pattern=decision.pattern,
        rule_set_id=decision.rule_set_id,
        rule_set_revision=decision.rule_set_revision,
        platforms=[
            common_pb2.Platform(os=p.os, architecture=p.architecture, variant=p.variant)
            for p in decision.platforms
        ],
        message=describe_decision(image, decision),
    )
    if decision.pattern_list is not None:
        message.pattern_list = _PATTERN_LIST[decision.pattern_list]
    if decision.pattern_index is not None:
        message.pattern_index = decision.pattern_index
    return message


class DecisionEncoder:
    """Appends ImageDecision messages, converting each distinct decision once."""

    def __init__(self) -> None:
        self._bases: dict[Decision, pb.Decision] = {}

    def add(
        self,
        entries: RepeatedCompositeFieldContainer[pb.ImageDecision],
        image: ImageFacts,
        decision: Decision,
    ) -> None:
        base = self._bases.get(decision)
        if base is None:
            if len(self._bases) > 10_000:  # platforms make decisions many; bound the cache
                self._bases.clear()
            base = self._bases[decision] = decision_to_proto(decision, image)
        entry = entries.add()
        _fill_image(entry.image, image)
        entry.decision.CopyFrom(base)
        entry.decision.message = describe_decision(image, decision)


def summary_to_proto(
    summary: Summary, rule_set: RuleSet, evaluate_time: datetime
) -> pb.EvaluationSummary:
    return pb.EvaluationSummary(
        total=summary.total,
        pulled=summary.pulled,
        skipped=summary.skipped,
        counts=[
            pb.DecisionCount(
                action=_ACTION[tally.action],
                reason=_REASON[tally.reason],
                reason_code=tally.reason.code,
                count=tally.count,
                example=tally.example,
            )
            for tally in summary.tallies
        ],
        rule_set_id=rule_set.id,
        rule_set_revision=rule_set.revision,
        evaluate_time=timestamp(evaluate_time),
    )


def explanation_to_proto(
    explanation: Explanation, evaluate_time: datetime
) -> pb.ExplainDecisionResponse:
    checks = []
    for check in explanation.checks:
        message = pb.RuleCheck(
            rule=check.rule,
            criterion=_CRITERION[check.criterion],
            outcome=_OUTCOME[check.outcome],
            decisive=check.decisive,
            detail=check.detail,
            pattern=check.pattern,
        )
        if check.pattern_list is not None:
            message.pattern_list = _PATTERN_LIST[check.pattern_list]
        if check.pattern_index is not None:
            message.pattern_index = check.pattern_index
        checks.append(message)
    return pb.ExplainDecisionResponse(
        image=image_to_proto(explanation.image),
        decision=decision_to_proto(explanation.decision, explanation.image),
        checks=checks,
        evaluate_time=timestamp(evaluate_time),
    )


def ref_filter_to_proto(ref_filter: RefFilter, rule_set: RuleSet) -> pb.GetRefFilterResponse:
    return pb.GetRefFilterResponse(
        ref_filter=ref_filter.ref_regex,
        repository_filter=ref_filter.repository_regex,
        selects_nothing=ref_filter.selects_nothing,
        exact=ref_filter.exact,
        rule_set_id=rule_set.id,
        rule_set_revision=rule_set.revision,
    )
