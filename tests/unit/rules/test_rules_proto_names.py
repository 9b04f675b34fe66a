"""Every domain enum of the Rules service has its proto value by one naming rule, both ways.

The servicer maps `Reason.NEVER_PULL` ("never_pull") to `DECISION_REASON_NEVER_PULL` by
upper-casing the value under the proto enum's prefix; this keeps the two from drifting.
"""

from __future__ import annotations

from enum import StrEnum

import pytest
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

from regsieve.v1 import rules_pb2
from services.rules.domain import (
    Action,
    Criterion,
    LatestOrder,
    PatternList,
    Reason,
    TimeUnit,
)
from services.rules.evaluate import CheckOutcome


@pytest.mark.parametrize(
    ("domain", "proto", "prefix"),
    [
        (Action, rules_pb2.DecisionAction, "DECISION_ACTION_"),
        (Reason, rules_pb2.DecisionReason, "DECISION_REASON_"),
        (Criterion, rules_pb2.RuleCriterion, "RULE_CRITERION_"),
        (PatternList, rules_pb2.PatternListName, "PATTERN_LIST_NAME_"),
        (TimeUnit, rules_pb2.WindowUnit, "WINDOW_UNIT_"),
        (LatestOrder, rules_pb2.LatestOrder, "LATEST_ORDER_"),
        (CheckOutcome, rules_pb2.CheckOutcome, "CHECK_OUTCOME_"),
    ],
)
def test_domain_and_proto_enums_match(
    domain: type[StrEnum], proto: EnumTypeWrapper, prefix: str
) -> None:
    from_domain = {prefix + member.value.upper() for member in domain}
    from_proto = {v.name for v in proto.DESCRIPTOR.values if not v.name.endswith("_UNSPECIFIED")}
    assert from_domain == from_proto


def test_reason_codes_follow_the_shared_convention() -> None:
    assert Reason.NEVER_PULL.code == "rule:never_pull"
    assert all(reason.code == f"rule:{reason.value}" for reason in Reason)
