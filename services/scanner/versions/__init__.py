"""Per-ecosystem version orderings (dpkg, apk, rpm, PEP 440, semver, Go, Maven)."""

from services.scanner.versions.ordering import VersionOrdering
from services.scanner.versions.registry import (
    ORDERINGS,
    compare,
    family,
    ordering_for,
    ordering_for_range,
)

__all__ = [
    "ORDERINGS",
    "VersionOrdering",
    "compare",
    "family",
    "ordering_for",
    "ordering_for_range",
]
