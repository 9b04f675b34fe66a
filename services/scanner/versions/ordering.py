"""The common shape of a version ordering: a total sort key, a validity check, compare()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class VersionOrdering:
    """How one ecosystem family orders its version strings.

    `key` never raises: versions the ecosystem would reject still get a deterministic key
    (documented per module), so sorting mixed data cannot crash. `valid` says whether the
    ecosystem itself accepts the string; the matcher only trusts range checks for valid
    installed versions.
    """

    name: str
    key: Callable[[str], Any]
    valid: Callable[[str], bool]

    def compare(self, a: str, b: str) -> int:
        """-1, 0 or 1 as `a` sorts before, equal to or after `b`."""
        ka, kb = self.key(a), self.key(b)
        if ka < kb:
            return -1
        return 1 if kb < ka else 0
