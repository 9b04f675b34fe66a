"""Stream batches of EvaluateRegistry: bounded, in order, repositories kept together (pure)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.rules.batching import repository_batches

# runs of one repository: (name, length)
runs = st.lists(st.integers(min_value=1, max_value=12), max_size=30)


@settings(max_examples=200, deadline=None)
@given(lengths=runs, size=st.integers(min_value=1, max_value=10))
def test_batches_cover_in_order_and_split_only_big_repositories(
    lengths: list[int], size: int
) -> None:
    repositories = [f"repo-{n}" for n, length in enumerate(lengths) for _ in range(length)]
    batches = repository_batches(repositories, size)
    assert [i for batch in batches for i in batch] == list(range(len(repositories)))
    assert all(1 <= len(batch) <= size for batch in batches)
    for n, length in enumerate(lengths):
        holding = [
            b
            for b, batch in enumerate(batches)
            if any(repositories[i] == f"repo-{n}" for i in batch)
        ]
        if length <= size:
            assert len(holding) == 1
        else:  # a big repository starts a batch and is cut into pieces of `size`
            assert len(holding) == -(-length // size)


def test_examples() -> None:
    def spans(names: str, size: int) -> list[str]:
        return ["".join(names[i] for i in batch) for batch in repository_batches(list(names), size)]

    assert spans("aabbbcd", 3) == ["aa", "bbb", "cd"]
    assert spans("abbbbbbc", 3) == ["a", "bbb", "bbb", "c"]
    assert spans("aaaaab", 2) == ["aa", "aa", "ab"]
    assert spans("", 4) == []
