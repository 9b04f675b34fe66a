"""Compiles a rule set into RE2 filters that over-approximate the images it can pull.

The Scheduler passes them to Catalog's SyncRegistry (`ref_filter`, `repository_filter`) so a
sweep only resolves tags the rule set could select. Guarantee: every image the rule set
pulls matches both filters (tests check this). The filters are:

- the alternatives of the always-pull and pull patterns (the pull list matters only when
  not empty: an empty pull list matches every image, so the filter is empty = everything);
- never-pull patterns are NOT subtracted (RE2 has no negation), except one matching every
  image (`*`, `:*`, `*:*`), which makes the rule set select nothing; so is a disabled one;
- the creation window, latest-N and the platform filter are not expressible on names and are
  left to the evaluation after the sync.

`exact` is True when the ref filter selects exactly the pulled images: no never-pull
pattern and no criterion configured (or the rule set selects nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.rules.domain import InvalidRuleSetError, RuleSet, validate_rule_set
from services.rules.patterns import Pattern, PatternKind, parse_pattern

# An empty character class: RE2 has no `(?!)`, and this never matches anything.
MATCH_NOTHING = r"[^\x00-\x{10FFFF}]"


@dataclass(frozen=True, slots=True)
class RefFilter:
    """RE2 filters, fully anchored; an empty string means no filtering (everything)."""

    ref_regex: str  # on `repository:tag`
    repository_regex: str  # on the repository name
    selects_nothing: bool  # the rule set cannot pull anything (the regexes match nothing)
    exact: bool  # the ref filter matches exactly the images the rule set pulls


def compile_ref_filter(rule_set: RuleSet) -> RefFilter:
    """The filters of a rule set; raises InvalidRuleSetError when it is invalid."""
    violations = validate_rule_set(rule_set)
    if violations:
        raise InvalidRuleSetError(violations)
    never = [parse_pattern(text) for text in rule_set.never_pull]
    if not rule_set.enabled or any(_matches_everything(p) for p in never):
        return RefFilter(
            f"^{MATCH_NOTHING}$", f"^{MATCH_NOTHING}$", selects_nothing=True, exact=True
        )
    criteria = (
        rule_set.creation_window is not None or rule_set.latest_n is not None or rule_set.platforms
    )
    exact = not never and not criteria
    if not rule_set.pull_patterns:
        return RefFilter("", "", selects_nothing=False, exact=exact)
    selecting = [parse_pattern(text) for text in (*rule_set.always_pull, *rule_set.pull_patterns)]
    if any(_matches_everything(p) for p in selecting):
        return RefFilter("", "", selects_nothing=False, exact=exact)
    ref_alternatives = _unique(p.ref_regex for p in selecting)
    ref_regex = f"^(?:{'|'.join(ref_alternatives)})$"
    repository_regex = ""
    if all(p.kind is PatternKind.NAME_TAG and p.repository_regex for p in selecting):
        repository_alternatives = _unique(p.repository_regex or "" for p in selecting)
        repository_regex = f"^(?:{'|'.join(repository_alternatives)})$"
    return RefFilter(ref_regex, repository_regex, selects_nothing=False, exact=exact)


def _matches_everything(pattern: Pattern) -> bool:
    if pattern.kind is not PatternKind.NAME_TAG:
        return False
    parts = [part for part in (pattern.repository, pattern.tag) if part is not None]
    return all(set(part) == {"*"} for part in parts)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
