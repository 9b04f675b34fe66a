import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from regsieve.v1 import catalog_pb2 as _catalog_pb2
from regsieve.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WindowUnit(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WINDOW_UNIT_UNSPECIFIED: _ClassVar[WindowUnit]
    WINDOW_UNIT_DAYS: _ClassVar[WindowUnit]
    WINDOW_UNIT_MONTHS: _ClassVar[WindowUnit]
    WINDOW_UNIT_YEARS: _ClassVar[WindowUnit]

class LatestOrder(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LATEST_ORDER_UNSPECIFIED: _ClassVar[LatestOrder]
    LATEST_ORDER_CREATED: _ClassVar[LatestOrder]
    LATEST_ORDER_SEMVER: _ClassVar[LatestOrder]

class DecisionAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECISION_ACTION_UNSPECIFIED: _ClassVar[DecisionAction]
    DECISION_ACTION_PULL: _ClassVar[DecisionAction]
    DECISION_ACTION_SKIP: _ClassVar[DecisionAction]

class DecisionReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECISION_REASON_UNSPECIFIED: _ClassVar[DecisionReason]
    DECISION_REASON_DISABLED: _ClassVar[DecisionReason]
    DECISION_REASON_NEVER_PULL: _ClassVar[DecisionReason]
    DECISION_REASON_ALWAYS_PULL: _ClassVar[DecisionReason]
    DECISION_REASON_PULL_PATTERN: _ClassVar[DecisionReason]
    DECISION_REASON_PULL_ALL: _ClassVar[DecisionReason]
    DECISION_REASON_NO_PULL_PATTERN: _ClassVar[DecisionReason]
    DECISION_REASON_OUTSIDE_WINDOW: _ClassVar[DecisionReason]
    DECISION_REASON_CREATED_UNKNOWN: _ClassVar[DecisionReason]
    DECISION_REASON_NOT_LATEST: _ClassVar[DecisionReason]
    DECISION_REASON_NOT_A_VERSION: _ClassVar[DecisionReason]
    DECISION_REASON_PLATFORM_MISMATCH: _ClassVar[DecisionReason]
    DECISION_REASON_PLATFORM_UNKNOWN: _ClassVar[DecisionReason]

class RuleCriterion(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RULE_CRITERION_UNSPECIFIED: _ClassVar[RuleCriterion]
    RULE_CRITERION_ENABLED: _ClassVar[RuleCriterion]
    RULE_CRITERION_PATTERNS: _ClassVar[RuleCriterion]
    RULE_CRITERION_CREATION_WINDOW: _ClassVar[RuleCriterion]
    RULE_CRITERION_LATEST_N: _ClassVar[RuleCriterion]
    RULE_CRITERION_PLATFORMS: _ClassVar[RuleCriterion]

class PatternListName(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PATTERN_LIST_NAME_UNSPECIFIED: _ClassVar[PatternListName]
    PATTERN_LIST_NAME_NEVER_PULL: _ClassVar[PatternListName]
    PATTERN_LIST_NAME_ALWAYS_PULL: _ClassVar[PatternListName]
    PATTERN_LIST_NAME_PULL_PATTERNS: _ClassVar[PatternListName]

class CheckOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHECK_OUTCOME_UNSPECIFIED: _ClassVar[CheckOutcome]
    CHECK_OUTCOME_MATCHED: _ClassVar[CheckOutcome]
    CHECK_OUTCOME_NOT_MATCHED: _ClassVar[CheckOutcome]
    CHECK_OUTCOME_PASSED: _ClassVar[CheckOutcome]
    CHECK_OUTCOME_FAILED: _ClassVar[CheckOutcome]
    CHECK_OUTCOME_UNKNOWN: _ClassVar[CheckOutcome]
WINDOW_UNIT_UNSPECIFIED: WindowUnit
WINDOW_UNIT_DAYS: WindowUnit
WINDOW_UNIT_MONTHS: WindowUnit
WINDOW_UNIT_YEARS: WindowUnit
LATEST_ORDER_UNSPECIFIED: LatestOrder
LATEST_ORDER_CREATED: LatestOrder
LATEST_ORDER_SEMVER: LatestOrder
DECISION_ACTION_UNSPECIFIED: DecisionAction
DECISION_ACTION_PULL: DecisionAction
DECISION_ACTION_SKIP: DecisionAction
DECISION_REASON_UNSPECIFIED: DecisionReason
DECISION_REASON_DISABLED: DecisionReason
DECISION_REASON_NEVER_PULL: DecisionReason
DECISION_REASON_ALWAYS_PULL: DecisionReason
DECISION_REASON_PULL_PATTERN: DecisionReason
DECISION_REASON_PULL_ALL: DecisionReason
DECISION_REASON_NO_PULL_PATTERN: DecisionReason
DECISION_REASON_OUTSIDE_WINDOW: DecisionReason
DECISION_REASON_CREATED_UNKNOWN: DecisionReason
DECISION_REASON_NOT_LATEST: DecisionReason
DECISION_REASON_NOT_A_VERSION: DecisionReason
DECISION_REASON_PLATFORM_MISMATCH: DecisionReason
DECISION_REASON_PLATFORM_UNKNOWN: DecisionReason
RULE_CRITERION_UNSPECIFIED: RuleCriterion
RULE_CRITERION_ENABLED: RuleCriterion
RULE_CRITERION_PATTERNS: RuleCriterion
RULE_CRITERION_CREATION_WINDOW: RuleCriterion
RULE_CRITERION_LATEST_N: RuleCriterion
RULE_CRITERION_PLATFORMS: RuleCriterion
PATTERN_LIST_NAME_UNSPECIFIED: PatternListName
PATTERN_LIST_NAME_NEVER_PULL: PatternListName
PATTERN_LIST_NAME_ALWAYS_PULL: PatternListName
PATTERN_LIST_NAME_PULL_PATTERNS: PatternListName
CHECK_OUTCOME_UNSPECIFIED: CheckOutcome
CHECK_OUTCOME_MATCHED: CheckOutcome
CHECK_OUTCOME_NOT_MATCHED: CheckOutcome
CHECK_OUTCOME_PASSED: CheckOutcome
CHECK_OUTCOME_FAILED: CheckOutcome
CHECK_OUTCOME_UNKNOWN: CheckOutcome

class CreationWindow(_message.Message):
    __slots__ = ("amount", "unit")
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    amount: int
    unit: WindowUnit
    def __init__(self, amount: _Optional[int] = ..., unit: _Optional[_Union[WindowUnit, str]] = ...) -> None: ...

class LatestN(_message.Message):
    __slots__ = ("count", "order")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    count: int
    order: LatestOrder
    def __init__(self, count: _Optional[int] = ..., order: _Optional[_Union[LatestOrder, str]] = ...) -> None: ...

class RuleSet(_message.Message):
    __slots__ = ("id", "registry_id", "name", "description", "revision", "pull_patterns", "always_pull", "never_pull", "creation_window", "latest_n", "platforms", "enabled", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    PULL_PATTERNS_FIELD_NUMBER: _ClassVar[int]
    ALWAYS_PULL_FIELD_NUMBER: _ClassVar[int]
    NEVER_PULL_FIELD_NUMBER: _ClassVar[int]
    CREATION_WINDOW_FIELD_NUMBER: _ClassVar[int]
    LATEST_N_FIELD_NUMBER: _ClassVar[int]
    PLATFORMS_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    registry_id: str
    name: str
    description: str
    revision: int
    pull_patterns: _containers.RepeatedScalarFieldContainer[str]
    always_pull: _containers.RepeatedScalarFieldContainer[str]
    never_pull: _containers.RepeatedScalarFieldContainer[str]
    creation_window: CreationWindow
    latest_n: LatestN
    platforms: _containers.RepeatedScalarFieldContainer[str]
    enabled: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., registry_id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., revision: _Optional[int] = ..., pull_patterns: _Optional[_Iterable[str]] = ..., always_pull: _Optional[_Iterable[str]] = ..., never_pull: _Optional[_Iterable[str]] = ..., creation_window: _Optional[_Union[CreationWindow, _Mapping]] = ..., latest_n: _Optional[_Union[LatestN, _Mapping]] = ..., platforms: _Optional[_Iterable[str]] = ..., enabled: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ImageFacts(_message.Message):
    __slots__ = ("repository", "tag", "digest", "create_time", "platforms")
    REPOSITORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PLATFORMS_FIELD_NUMBER: _ClassVar[int]
    repository: str
    tag: str
    digest: str
    create_time: _timestamp_pb2.Timestamp
    platforms: _containers.RepeatedCompositeFieldContainer[_common_pb2.Platform]
    def __init__(self, repository: _Optional[str] = ..., tag: _Optional[str] = ..., digest: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., platforms: _Optional[_Iterable[_Union[_common_pb2.Platform, _Mapping]]] = ...) -> None: ...

class Decision(_message.Message):
    __slots__ = ("action", "reason", "reason_code", "criterion", "pattern_list", "pattern_index", "pattern", "rule_set_id", "rule_set_revision", "platforms", "message")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    PATTERN_LIST_FIELD_NUMBER: _ClassVar[int]
    PATTERN_INDEX_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_REVISION_FIELD_NUMBER: _ClassVar[int]
    PLATFORMS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    action: DecisionAction
    reason: DecisionReason
    reason_code: str
    criterion: RuleCriterion
    pattern_list: PatternListName
    pattern_index: int
    pattern: str
    rule_set_id: str
    rule_set_revision: int
    platforms: _containers.RepeatedCompositeFieldContainer[_common_pb2.Platform]
    message: str
    def __init__(self, action: _Optional[_Union[DecisionAction, str]] = ..., reason: _Optional[_Union[DecisionReason, str]] = ..., reason_code: _Optional[str] = ..., criterion: _Optional[_Union[RuleCriterion, str]] = ..., pattern_list: _Optional[_Union[PatternListName, str]] = ..., pattern_index: _Optional[int] = ..., pattern: _Optional[str] = ..., rule_set_id: _Optional[str] = ..., rule_set_revision: _Optional[int] = ..., platforms: _Optional[_Iterable[_Union[_common_pb2.Platform, _Mapping]]] = ..., message: _Optional[str] = ...) -> None: ...

class ImageDecision(_message.Message):
    __slots__ = ("image", "decision")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    image: ImageFacts
    decision: Decision
    def __init__(self, image: _Optional[_Union[ImageFacts, _Mapping]] = ..., decision: _Optional[_Union[Decision, _Mapping]] = ...) -> None: ...

class DecisionCount(_message.Message):
    __slots__ = ("action", "reason", "reason_code", "count", "example")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    EXAMPLE_FIELD_NUMBER: _ClassVar[int]
    action: DecisionAction
    reason: DecisionReason
    reason_code: str
    count: int
    example: str
    def __init__(self, action: _Optional[_Union[DecisionAction, str]] = ..., reason: _Optional[_Union[DecisionReason, str]] = ..., reason_code: _Optional[str] = ..., count: _Optional[int] = ..., example: _Optional[str] = ...) -> None: ...

class EvaluationSummary(_message.Message):
    __slots__ = ("total", "pulled", "skipped", "counts", "rule_set_id", "rule_set_revision", "evaluate_time")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PULLED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_REVISION_FIELD_NUMBER: _ClassVar[int]
    EVALUATE_TIME_FIELD_NUMBER: _ClassVar[int]
    total: int
    pulled: int
    skipped: int
    counts: _containers.RepeatedCompositeFieldContainer[DecisionCount]
    rule_set_id: str
    rule_set_revision: int
    evaluate_time: _timestamp_pb2.Timestamp
    def __init__(self, total: _Optional[int] = ..., pulled: _Optional[int] = ..., skipped: _Optional[int] = ..., counts: _Optional[_Iterable[_Union[DecisionCount, _Mapping]]] = ..., rule_set_id: _Optional[str] = ..., rule_set_revision: _Optional[int] = ..., evaluate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateRuleSetRequest(_message.Message):
    __slots__ = ("rule_set",)
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    rule_set: RuleSet
    def __init__(self, rule_set: _Optional[_Union[RuleSet, _Mapping]] = ...) -> None: ...

class CreateRuleSetResponse(_message.Message):
    __slots__ = ("rule_set",)
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    rule_set: RuleSet
    def __init__(self, rule_set: _Optional[_Union[RuleSet, _Mapping]] = ...) -> None: ...

class GetRuleSetRequest(_message.Message):
    __slots__ = ("id", "revision")
    ID_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    id: str
    revision: int
    def __init__(self, id: _Optional[str] = ..., revision: _Optional[int] = ...) -> None: ...

class GetRuleSetResponse(_message.Message):
    __slots__ = ("rule_set",)
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    rule_set: RuleSet
    def __init__(self, rule_set: _Optional[_Union[RuleSet, _Mapping]] = ...) -> None: ...

class ListRuleSetsRequest(_message.Message):
    __slots__ = ("registry_id", "page_size", "page_token")
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    registry_id: str
    page_size: int
    page_token: str
    def __init__(self, registry_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRuleSetsResponse(_message.Message):
    __slots__ = ("rule_sets", "next_page_token")
    RULE_SETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rule_sets: _containers.RepeatedCompositeFieldContainer[RuleSet]
    next_page_token: str
    def __init__(self, rule_sets: _Optional[_Iterable[_Union[RuleSet, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateRuleSetRequest(_message.Message):
    __slots__ = ("rule_set", "update_mask", "expected_revision")
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_REVISION_FIELD_NUMBER: _ClassVar[int]
    rule_set: RuleSet
    update_mask: _field_mask_pb2.FieldMask
    expected_revision: int
    def __init__(self, rule_set: _Optional[_Union[RuleSet, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., expected_revision: _Optional[int] = ...) -> None: ...

class UpdateRuleSetResponse(_message.Message):
    __slots__ = ("rule_set",)
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    rule_set: RuleSet
    def __init__(self, rule_set: _Optional[_Union[RuleSet, _Mapping]] = ...) -> None: ...

class DeleteRuleSetRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteRuleSetResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListRuleSetRevisionsRequest(_message.Message):
    __slots__ = ("id", "page_size", "page_token")
    ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    id: str
    page_size: int
    page_token: str
    def __init__(self, id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRuleSetRevisionsResponse(_message.Message):
    __slots__ = ("revisions", "next_page_token")
    REVISIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    revisions: _containers.RepeatedCompositeFieldContainer[RuleSet]
    next_page_token: str
    def __init__(self, revisions: _Optional[_Iterable[_Union[RuleSet, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class EvaluateImagesRequest(_message.Message):
    __slots__ = ("rule_set_id", "revision", "images", "context_images", "catalog_context", "evaluate_time")
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_IMAGES_FIELD_NUMBER: _ClassVar[int]
    CATALOG_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    EVALUATE_TIME_FIELD_NUMBER: _ClassVar[int]
    rule_set_id: str
    revision: int
    images: _containers.RepeatedCompositeFieldContainer[ImageFacts]
    context_images: _containers.RepeatedCompositeFieldContainer[ImageFacts]
    catalog_context: bool
    evaluate_time: _timestamp_pb2.Timestamp
    def __init__(self, rule_set_id: _Optional[str] = ..., revision: _Optional[int] = ..., images: _Optional[_Iterable[_Union[ImageFacts, _Mapping]]] = ..., context_images: _Optional[_Iterable[_Union[ImageFacts, _Mapping]]] = ..., catalog_context: _Optional[bool] = ..., evaluate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EvaluateImagesResponse(_message.Message):
    __slots__ = ("decisions", "rule_set_id", "rule_set_revision", "evaluate_time")
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_REVISION_FIELD_NUMBER: _ClassVar[int]
    EVALUATE_TIME_FIELD_NUMBER: _ClassVar[int]
    decisions: _containers.RepeatedCompositeFieldContainer[Decision]
    rule_set_id: str
    rule_set_revision: int
    evaluate_time: _timestamp_pb2.Timestamp
    def __init__(self, decisions: _Optional[_Iterable[_Union[Decision, _Mapping]]] = ..., rule_set_id: _Optional[str] = ..., rule_set_revision: _Optional[int] = ..., evaluate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EvaluateRegistryRequest(_message.Message):
    __slots__ = ("rule_set_id", "revision", "batch_size", "only_pulled", "evaluate_time")
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    ONLY_PULLED_FIELD_NUMBER: _ClassVar[int]
    EVALUATE_TIME_FIELD_NUMBER: _ClassVar[int]
    rule_set_id: str
    revision: int
    batch_size: int
    only_pulled: bool
    evaluate_time: _timestamp_pb2.Timestamp
    def __init__(self, rule_set_id: _Optional[str] = ..., revision: _Optional[int] = ..., batch_size: _Optional[int] = ..., only_pulled: _Optional[bool] = ..., evaluate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EvaluateRegistryResponse(_message.Message):
    __slots__ = ("decisions", "summary")
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    decisions: _containers.RepeatedCompositeFieldContainer[ImageDecision]
    summary: EvaluationSummary
    def __init__(self, decisions: _Optional[_Iterable[_Union[ImageDecision, _Mapping]]] = ..., summary: _Optional[_Union[EvaluationSummary, _Mapping]] = ...) -> None: ...

class PreviewRuleSetRequest(_message.Message):
    __slots__ = ("rule_set", "page_size", "page_token", "evaluate_time")
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EVALUATE_TIME_FIELD_NUMBER: _ClassVar[int]
    rule_set: RuleSet
    page_size: int
    page_token: str
    evaluate_time: _timestamp_pb2.Timestamp
    def __init__(self, rule_set: _Optional[_Union[RuleSet, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., evaluate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PreviewRuleSetResponse(_message.Message):
    __slots__ = ("summary", "pulled_images", "next_page_token")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    PULLED_IMAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    summary: EvaluationSummary
    pulled_images: _containers.RepeatedCompositeFieldContainer[ImageDecision]
    next_page_token: str
    def __init__(self, summary: _Optional[_Union[EvaluationSummary, _Mapping]] = ..., pulled_images: _Optional[_Iterable[_Union[ImageDecision, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ExplainDecisionRequest(_message.Message):
    __slots__ = ("rule_set_id", "revision", "image", "inventory_image", "context_images", "catalog_context", "evaluate_time")
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    INVENTORY_IMAGE_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_IMAGES_FIELD_NUMBER: _ClassVar[int]
    CATALOG_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    EVALUATE_TIME_FIELD_NUMBER: _ClassVar[int]
    rule_set_id: str
    revision: int
    image: ImageFacts
    inventory_image: _catalog_pb2.ImageRef
    context_images: _containers.RepeatedCompositeFieldContainer[ImageFacts]
    catalog_context: bool
    evaluate_time: _timestamp_pb2.Timestamp
    def __init__(self, rule_set_id: _Optional[str] = ..., revision: _Optional[int] = ..., image: _Optional[_Union[ImageFacts, _Mapping]] = ..., inventory_image: _Optional[_Union[_catalog_pb2.ImageRef, _Mapping]] = ..., context_images: _Optional[_Iterable[_Union[ImageFacts, _Mapping]]] = ..., catalog_context: _Optional[bool] = ..., evaluate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RuleCheck(_message.Message):
    __slots__ = ("rule", "criterion", "outcome", "decisive", "detail", "pattern_list", "pattern_index", "pattern")
    RULE_FIELD_NUMBER: _ClassVar[int]
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    DECISIVE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    PATTERN_LIST_FIELD_NUMBER: _ClassVar[int]
    PATTERN_INDEX_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    rule: str
    criterion: RuleCriterion
    outcome: CheckOutcome
    decisive: bool
    detail: str
    pattern_list: PatternListName
    pattern_index: int
    pattern: str
    def __init__(self, rule: _Optional[str] = ..., criterion: _Optional[_Union[RuleCriterion, str]] = ..., outcome: _Optional[_Union[CheckOutcome, str]] = ..., decisive: _Optional[bool] = ..., detail: _Optional[str] = ..., pattern_list: _Optional[_Union[PatternListName, str]] = ..., pattern_index: _Optional[int] = ..., pattern: _Optional[str] = ...) -> None: ...

class ExplainDecisionResponse(_message.Message):
    __slots__ = ("image", "decision", "checks", "evaluate_time")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    EVALUATE_TIME_FIELD_NUMBER: _ClassVar[int]
    image: ImageFacts
    decision: Decision
    checks: _containers.RepeatedCompositeFieldContainer[RuleCheck]
    evaluate_time: _timestamp_pb2.Timestamp
    def __init__(self, image: _Optional[_Union[ImageFacts, _Mapping]] = ..., decision: _Optional[_Union[Decision, _Mapping]] = ..., checks: _Optional[_Iterable[_Union[RuleCheck, _Mapping]]] = ..., evaluate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetRefFilterRequest(_message.Message):
    __slots__ = ("rule_set_id", "revision")
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    rule_set_id: str
    revision: int
    def __init__(self, rule_set_id: _Optional[str] = ..., revision: _Optional[int] = ...) -> None: ...

class GetRefFilterResponse(_message.Message):
    __slots__ = ("ref_filter", "repository_filter", "selects_nothing", "exact", "rule_set_id", "rule_set_revision")
    REF_FILTER_FIELD_NUMBER: _ClassVar[int]
    REPOSITORY_FILTER_FIELD_NUMBER: _ClassVar[int]
    SELECTS_NOTHING_FIELD_NUMBER: _ClassVar[int]
    EXACT_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_REVISION_FIELD_NUMBER: _ClassVar[int]
    ref_filter: str
    repository_filter: str
    selects_nothing: bool
    exact: bool
    rule_set_id: str
    rule_set_revision: int
    def __init__(self, ref_filter: _Optional[str] = ..., repository_filter: _Optional[str] = ..., selects_nothing: _Optional[bool] = ..., exact: _Optional[bool] = ..., rule_set_id: _Optional[str] = ..., rule_set_revision: _Optional[int] = ...) -> None: ...
