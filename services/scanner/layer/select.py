"""Picks, per tar entry, the analyzers whose path interest matches, with a few dict lookups."""

from __future__ import annotations

from collections.abc import Sequence

from services.scanner.analyzers.base import Analyzer

_EXEC_BITS = 0o111


class Selector:
    """Index of the analyzers' `PathInterest`s; `candidates` runs once per tar entry."""

    def __init__(self, analyzers: Sequence[Analyzer]) -> None:
        self._exact: dict[str, list[Analyzer]] = {}
        self._basenames: dict[str, list[Analyzer]] = {}
        self._suffixes: list[tuple[tuple[str, ...], Analyzer]] = []
        self._prefixes: list[tuple[tuple[str, ...], Analyzer]] = []
        self._executables: list[Analyzer] = []
        for analyzer in analyzers:
            interest = analyzer.interest
            for path in interest.exact:
                self._exact.setdefault(path, []).append(analyzer)
            for name in interest.basenames:
                self._basenames.setdefault(name, []).append(analyzer)
            if interest.suffixes:
                self._suffixes.append((interest.suffixes, analyzer))
            if interest.prefixes:
                self._prefixes.append((interest.prefixes, analyzer))
            if interest.executables:
                self._executables.append(analyzer)
        self._any_suffix = tuple(s for group, _ in self._suffixes for s in group)
        self._any_prefix = tuple(p for group, _ in self._prefixes for p in group)

    def by_path(self, path: str) -> list[Analyzer]:
        """Analyzers interested in this path whatever the entry's type and mode."""
        found: list[Analyzer] = []
        hit = self._exact.get(path)
        if hit:
            found.extend(hit)
        hit = self._basenames.get(path[path.rfind("/") + 1 :])
        if hit:
            found.extend(hit)
        if self._any_suffix and path.endswith(self._any_suffix):
            found.extend(a for group, a in self._suffixes if path.endswith(group))
        if self._any_prefix and path.startswith(self._any_prefix):
            found.extend(a for group, a in self._prefixes if path.startswith(group))
        return found

    def for_file(self, path: str, mode: int) -> list[Analyzer]:
        """Analyzers interested in a regular file (path interest, plus executables by mode)."""
        found = self.by_path(path)
        if mode & _EXEC_BITS and self._executables:
            found.extend(a for a in self._executables if a not in found)
        if len(found) > 1:
            found = list(dict.fromkeys(found))
        return found
