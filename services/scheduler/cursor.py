"""Where a sweep or rescan stands, so the next window resumes without queuing anything twice.

A job walks its selected images in ascending (repository, tag) order (Python string order,
i.e. by code point; a store listing them must sort the same way, e.g. `COLLATE "C"`).
The cursor keeps only the last key handled, so it stays a few bytes however large the
registry. Images added before the cursor while a job is paused are left to the next job
(push events cover new images meanwhile); images removed are simply not met again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

ImageKey = tuple[str, str]
"""(repository, tag) of one image in a registry."""

_FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class SweepCursor:
    """Progress of a job through its ordered selection.

    `last_key` is the last image handled (queued by a sweep; HEADed and queued or found
    unchanged by a rescan). `handled_in_window` counts images handled since the window
    starting at `window_start` opened, against the per-run cap.
    """

    last_key: ImageKey | None = None
    handled_total: int = 0
    window_start: datetime | None = None
    handled_in_window: int = 0

    def entering_window(self, window_start: datetime) -> SweepCursor:
        """The cursor for work in the window opened at `window_start` (a new cap budget)."""
        if window_start == self.window_start:
            return self
        return replace(self, window_start=window_start, handled_in_window=0)

    def advanced(self, key: ImageKey) -> SweepCursor:
        """The cursor after handling `key`, which must come after `last_key`."""
        if self.last_key is not None and key <= self.last_key:
            raise ValueError(f"{key!r} does not come after the cursor {self.last_key!r}")
        return replace(
            self,
            last_key=key,
            handled_total=self.handled_total + 1,
            handled_in_window=self.handled_in_window + 1,
        )

    def to_json(self) -> str:
        """The cursor as a small JSON object, for the job's row."""
        return json.dumps(
            {
                "v": _FORMAT_VERSION,
                "last_key": list(self.last_key) if self.last_key is not None else None,
                "handled_total": self.handled_total,
                "window_start": self.window_start.isoformat() if self.window_start else None,
                "handled_in_window": self.handled_in_window,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> SweepCursor:
        """The cursor stored by to_json; ValueError for anything else."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != _FORMAT_VERSION:
            raise ValueError(f"not a version {_FORMAT_VERSION} sweep cursor: {text[:80]!r}")
        last_key = data["last_key"]
        if last_key is not None:
            if not (isinstance(last_key, list) and len(last_key) == 2):
                raise ValueError(f"bad cursor last_key {last_key!r}")
            last_key = (str(last_key[0]), str(last_key[1]))
        window_start = data["window_start"]
        return cls(
            last_key=last_key,
            handled_total=int(data["handled_total"]),
            window_start=datetime.fromisoformat(window_start) if window_start else None,
            handled_in_window=int(data["handled_in_window"]),
        )


@dataclass(frozen=True, slots=True)
class Batch:
    """What a window may still handle: `keys` in order; `exhausted` when nothing remains after."""

    keys: tuple[ImageKey, ...]
    exhausted: bool


def cap_budget(cursor: SweepCursor, cap: int) -> int | None:
    """Images the current window may still handle under `cap` (0 = no cap: None)."""
    if cap <= 0:
        return None
    return max(cap - cursor.handled_in_window, 0)


def remaining(selected: Iterable[ImageKey], cursor: SweepCursor, cap: int = 0) -> Batch:
    """The selected images after the cursor, at most the window's cap budget of them.

    `selected` must be strictly ascending; ValueError otherwise (resuming by key needs a
    stable order). The caller handles the keys in order, advancing the cursor after each,
    and stops early when the window closes; the job is done once a batch is `exhausted`
    and all its keys are handled.
    """
    budget = cap_budget(cursor, cap)
    keys: list[ImageKey] = []
    previous: ImageKey | None = None
    for key in selected:
        if previous is not None and key <= previous:
            raise ValueError(f"selected images not strictly ascending: {previous!r}, {key!r}")
        previous = key
        if cursor.last_key is not None and key <= cursor.last_key:
            continue
        if budget is not None and len(keys) >= budget:
            return Batch(tuple(keys), exhausted=False)
        keys.append(key)
    return Batch(tuple(keys), exhausted=True)
