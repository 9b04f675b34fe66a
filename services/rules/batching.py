"""Splits a repository-ordered list into bounded batches that keep repositories together."""

from __future__ import annotations

from collections.abc import Sequence


def repository_batches(repositories: Sequence[str], size: int) -> list[range]:
    """Consecutive index ranges of at most `size` items covering every item in order.

    A run of one repository stays within one range unless it alone is longer than `size`;
    then it is cut into ranges of `size` and its remainder starts the next range.
    `repositories[i]` is the repository of item i; equal names must be adjacent.
    """
    if size < 1:
        raise ValueError("size must be at least 1")
    batches: list[range] = []
    start = 0
    run_start = 0
    count = len(repositories)
    for end in range(1, count + 1):
        if end < count and repositories[end] == repositories[end - 1]:
            continue
        # [run_start, end) is one repository
        if end - start > size:
            if run_start > start:
                batches.append(range(start, run_start))
                start = run_start
            while end - start > size:
                batches.append(range(start, start + size))
                start += size
        if end - start == size:
            batches.append(range(start, end))
            start = end
        run_start = end
    if start < count:
        batches.append(range(start, count))
    return batches
