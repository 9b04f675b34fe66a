"""Rule sets, image facts and decisions of the Rules service (pure data and validation).

Precedence, the same for webhook events, sweeps and previews:

1. a disabled rule set pulls nothing (reason `disabled`);
2. never-pull beats everything: an image matching any never-pull pattern is skipped;
3. always-pull beats the pull patterns, the creation window, latest-N and the platform
   filter: an image matching any always-pull pattern (and no never-pull one) is pulled;
4. otherwise an image is pulled when it matches at least one pull pattern (an empty pull
   list matches every image) AND passes every configured criterion: the creation window,
   latest-N and the platform filter. When several criteria fail, the decision names the
   first in that order.

Criteria in detail:

- creation window: created at or after `now` minus N days/months/years (calendar units, in
  `now`'s time zone; see window.py). An image created in the future passes. An image with
  an unknown creation time is skipped (`created_unknown`): nothing says it is recent.
- latest-N: per repository, over every image of that repository given to the evaluation
  (the batch plus any context images), never-pull matches excluded. Ordered by creation
  time, tags pointing at the same digest are one image and share a rank, so N counts
  images, not aliases; equal creation times are ordered by digest so the result is
  deterministic; images with unknown creation time are not ranked (`created_unknown`).
  Ordered by SemVer, tags that parse as versions (versions.py) are ranked, equal versions
  share a rank, and other tags (`latest`, `main-3f2a1c`) are skipped (`not_a_version`); use
  an always-pull pattern such as `:latest` to keep them. The ranking does not depend on the
  pull patterns, the window or the platform filter, so adding a pull pattern or narrowing
  the window never changes which images are latest.
- platform filter: entries `os/arch` or `os/arch/variant`; an entry without variant matches
  every variant (`linux/arm64` matches `linux/arm64/v8`), and arm64 without variant is v8.
  An image passes when at least one of its platforms matches; the decision then lists the
  matching platforms, the only ones to scan. An image whose platforms are unknown is skipped
  (`platform_unknown`). An always-pull image is pulled regardless; its decision lists the
  matching platforms when some match, else none (meaning all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import NamedTuple

from services.rules.patterns import PatternError, parse_pattern
from services.rules.window import MAX_AMOUNT, TimeUnit

MAX_PATTERNS_PER_LIST = 1_000
MAX_NAME_LENGTH = 128
MAX_LATEST_COUNT = 10_000
MAX_PLATFORMS = 64


class PatternList(StrEnum):
    """The three pattern lists of a rule set; values are the field names."""

    NEVER_PULL = "never_pull"
    ALWAYS_PULL = "always_pull"
    PULL_PATTERNS = "pull_patterns"


class LatestOrder(StrEnum):
    """How latest-N orders the tags of a repository."""

    CREATED = "created"
    SEMVER = "semver"


class Action(StrEnum):
    """What happens to an image."""

    PULL = "pull"
    SKIP = "skip"


class Reason(StrEnum):
    """Why an image is pulled or skipped (machine-readable, stable)."""

    DISABLED = "disabled"
    NEVER_PULL = "never_pull"
    ALWAYS_PULL = "always_pull"
    PULL_PATTERN = "pull_pattern"  # matched a pull pattern and passed every criterion
    PULL_ALL = "pull_all"  # empty pull list and passed every criterion
    NO_PULL_PATTERN = "no_pull_pattern"
    OUTSIDE_WINDOW = "outside_window"
    CREATED_UNKNOWN = "created_unknown"
    NOT_LATEST = "not_latest"
    NOT_A_VERSION = "not_a_version"
    PLATFORM_MISMATCH = "platform_mismatch"
    PLATFORM_UNKNOWN = "platform_unknown"

    @property
    def code(self) -> str:
        """The reason as other services count it: `rule:never_pull`."""
        return f"rule:{self.value}"


class Criterion(StrEnum):
    """The part of a rule set that made a decision."""

    ENABLED = "enabled"
    PATTERNS = "patterns"
    CREATION_WINDOW = "creation_window"
    LATEST_N = "latest_n"
    PLATFORMS = "platforms"


class Platform(NamedTuple):
    """An OS/architecture[/variant] of an image (a tuple: cheap to hash and compare)."""

    os: str
    architecture: str
    variant: str = ""

    def __str__(self) -> str:
        base = f"{self.os}/{self.architecture}"
        return f"{base}/{self.variant}" if self.variant else base


@dataclass(frozen=True, slots=True)
class PlatformSpec:
    """One platform filter entry: `os/arch` (any variant) or `os/arch/variant`."""

    os: str
    architecture: str
    variant: str | None  # None = any variant

    @classmethod
    def parse(cls, text: str) -> PlatformSpec:
        """Parses `os/arch[/variant]` (lower-cased); raises ValueError with a message."""
        parts = text.strip().lower().split("/")
        if len(parts) not in (2, 3) or not all(parts):
            raise ValueError(f"platform must be `os/arch` or `os/arch/variant`, got {text!r}")
        for part in parts:
            if not all(c.isascii() and (c.isalnum() or c in "._-") for c in part):
                raise ValueError(f"platform part {part!r} has characters other than a-z 0-9 . _ -")
        variant = parts[2] if len(parts) == 3 else None
        return cls(parts[0], parts[1], variant)

    def matches(self, platform: Platform) -> bool:
        """True when `platform` is this entry (case-insensitive; arm64 defaults to v8)."""
        if platform.os.lower() != self.os or platform.architecture.lower() != self.architecture:
            return False
        if self.variant is None:
            return True
        return _normal_variant(self.architecture, platform.variant.lower()) == _normal_variant(
            self.architecture, self.variant
        )

    def __str__(self) -> str:
        base = f"{self.os}/{self.architecture}"
        return f"{base}/{self.variant}" if self.variant else base


def _normal_variant(architecture: str, variant: str) -> str:
    if architecture == "arm64" and not variant:
        return "v8"
    return variant


@dataclass(frozen=True, slots=True)
class CreationWindow:
    """Only images created within the last `amount` `unit`s."""

    amount: int
    unit: TimeUnit


@dataclass(frozen=True, slots=True)
class LatestN:
    """Only the newest `count` images of each repository."""

    count: int
    order: LatestOrder = LatestOrder.CREATED


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSet:
    """One revision of a rule set. Lists are stored as tuples (lists are converted)."""

    id: str = ""
    registry_id: str
    name: str
    revision: int = 0
    pull_patterns: tuple[str, ...] = ()
    always_pull: tuple[str, ...] = ()
    never_pull: tuple[str, ...] = ()
    creation_window: CreationWindow | None = None
    latest_n: LatestN | None = None
    platforms: tuple[str, ...] = ()
    enabled: bool = True
    description: str = ""

    def __post_init__(self) -> None:
        for name in ("pull_patterns", "always_pull", "never_pull", "platforms"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What the rules look at in one image (one repository:tag).

    `created` must be timezone-aware (any zone; it is stored converted to UTC) or None
    when unknown. `platforms` is empty
    when unknown. `tag` may be empty for an untagged manifest. Neither `repository` nor
    `tag` may contain `:` (the OCI grammar forbids it, and `repository:tag` must split
    unambiguously).
    """

    repository: str
    tag: str
    digest: str = ""
    created: datetime | None = None
    platforms: tuple[Platform, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.repository:
            raise ValueError("repository is empty")
        if ":" in self.repository or ":" in self.tag:
            raise ValueError(f"`:` in repository or tag: {self.repository!r}, {self.tag!r}")
        if not (self.repository.isascii() and self.tag.isascii()):
            # Lone surrogates cannot be matched by RE2 (UTF-8); refuse them here.
            self.repository.encode()
            self.tag.encode()
        created = self.created
        if created is not None and created.tzinfo is not UTC:
            if created.utcoffset() is None:
                raise ValueError("created must be timezone-aware")
            # Stored in UTC: comparing datetimes of one tzinfo is 15x cheaper.
            object.__setattr__(self, "created", created.astimezone(UTC))
        if not isinstance(self.platforms, tuple):
            object.__setattr__(self, "platforms", tuple(self.platforms))

    @property
    def ref(self) -> str:
        """`repository:tag`."""
        return f"{self.repository}:{self.tag}"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one image and the rule that made it.

    `pattern_list`/`pattern_index`/`pattern` name the pattern that decided (never-pull,
    always-pull) or that selected the image before a criterion skipped it (pull patterns);
    they are None/"" when no pattern is involved (`pull_all`, `no_pull_pattern`,
    `disabled`). `platforms` lists the platforms to scan when the platform filter applies;
    empty means all of the image's platforms.
    """

    action: Action
    reason: Reason
    criterion: Criterion
    pattern_list: PatternList | None
    pattern_index: int | None
    pattern: str
    rule_set_id: str
    rule_set_revision: int
    platforms: tuple[Platform, ...] = ()

    @property
    def pulled(self) -> bool:
        """True when the image is pulled."""
        return self.action is Action.PULL


@dataclass(frozen=True, slots=True)
class FieldViolation:
    """A bad field of a rule set, e.g. (`never_pull[2]`, "empty pattern ...")."""

    field: str
    description: str


class InvalidRuleSetError(ValueError):
    """A rule set failed validation; `violations` lists every bad field."""

    def __init__(self, violations: list[FieldViolation]) -> None:
        super().__init__("; ".join(f"{v.field}: {v.description}" for v in violations))
        self.violations = violations


def validate_rule_set(rule_set: RuleSet) -> list[FieldViolation]:
    """Every problem of a rule set as field violations; empty when it is valid."""
    violations: list[FieldViolation] = []
    add = violations.append
    if not rule_set.registry_id.strip():
        add(FieldViolation("registry_id", "required"))
    if not rule_set.name.strip():
        add(FieldViolation("name", "required"))
    elif len(rule_set.name) > MAX_NAME_LENGTH:
        add(FieldViolation("name", f"at most {MAX_NAME_LENGTH} characters"))
    if rule_set.revision < 0:
        add(FieldViolation("revision", "must not be negative"))
    for pattern_list in PatternList:
        patterns: tuple[str, ...] = getattr(rule_set, pattern_list.value)
        if len(patterns) > MAX_PATTERNS_PER_LIST:
            add(FieldViolation(pattern_list.value, f"at most {MAX_PATTERNS_PER_LIST} patterns"))
            continue
        for index, text in enumerate(patterns):
            try:
                parse_pattern(text)
            except PatternError as error:
                add(FieldViolation(f"{pattern_list.value}[{index}]", str(error)))
    window = rule_set.creation_window
    if window is not None:
        if not isinstance(window.unit, TimeUnit):
            add(FieldViolation("creation_window.unit", "must be days, months or years"))
        elif not 1 <= window.amount <= MAX_AMOUNT[window.unit]:
            add(
                FieldViolation(
                    "creation_window.amount",
                    f"must be 1-{MAX_AMOUNT[window.unit]} {window.unit.value}",
                )
            )
    latest = rule_set.latest_n
    if latest is not None:
        if not 1 <= latest.count <= MAX_LATEST_COUNT:
            add(FieldViolation("latest_n.count", f"must be 1-{MAX_LATEST_COUNT}"))
        if not isinstance(latest.order, LatestOrder):
            add(FieldViolation("latest_n.order", "must be created or semver"))
    if len(rule_set.platforms) > MAX_PLATFORMS:
        add(FieldViolation("platforms", f"at most {MAX_PLATFORMS} entries"))
    else:
        for index, text in enumerate(rule_set.platforms):
            try:
                PlatformSpec.parse(text)
            except ValueError as error:
                add(FieldViolation(f"platforms[{index}]", str(error)))
    return violations


_REASON_WORDS: dict[Reason, str] = {
    Reason.DISABLED: "the rule set is disabled",
    Reason.NEVER_PULL: "matches never-pull pattern {pattern}",
    Reason.ALWAYS_PULL: "matches always-pull pattern {pattern}",
    Reason.PULL_PATTERN: "matches pull pattern {pattern} and passes every criterion",
    Reason.PULL_ALL: "the pull list is empty (every image) and it passes every criterion",
    Reason.NO_PULL_PATTERN: "matches no pull pattern",
    Reason.OUTSIDE_WINDOW: "created before the creation window",
    Reason.CREATED_UNKNOWN: "its creation time is unknown",
    Reason.NOT_LATEST: "not among the latest N of its repository",
    Reason.NOT_A_VERSION: "its tag is not a version (latest-N by version)",
    Reason.PLATFORM_MISMATCH: "none of its platforms passes the platform filter",
    Reason.PLATFORM_UNKNOWN: "its platforms are unknown (platform filter)",
}


def describe_decision(image: ImageFacts, decision: Decision) -> str:
    """The decision in words, e.g. `skip team/api:pr-7: matches never-pull pattern ...`."""
    pattern = ""
    if decision.pattern_list is not None and decision.pattern_index is not None:
        pattern = f"{decision.pattern_list.value}[{decision.pattern_index}] `{decision.pattern}`"
    words = _REASON_WORDS[decision.reason].format(pattern=pattern)
    if pattern and "{pattern}" not in _REASON_WORDS[decision.reason]:
        words += f" (selected by {pattern})"  # a criterion skipped a selected image
    if decision.platforms:
        words += f"; platforms {', '.join(str(p) for p in decision.platforms)}"
    return f"{decision.action.value} {image.ref}: {words}"


__all__ = [
    "Action",
    "CreationWindow",
    "Criterion",
    "Decision",
    "FieldViolation",
    "ImageFacts",
    "InvalidRuleSetError",
    "LatestN",
    "LatestOrder",
    "PatternList",
    "Platform",
    "PlatformSpec",
    "Reason",
    "RuleSet",
    "TimeUnit",
    "describe_decision",
    "validate_rule_set",
]
