"""Regroups a repository-ordered image stream into chunks of whole repositories.

Latest-N ranks each repository over all of its images, so a streamed inventory (Catalog's
StreamImages, ordered by repository then tag) can be evaluated chunk by chunk only when no
repository is split across chunks. Memory stays bounded by the chunk size plus the largest
repository.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.rules.domain import ImageFacts


class RepositoryOrderError(ValueError):
    """A repository reappeared after other repositories: the stream is not grouped."""


class RepositoryChunker:
    """Buffers images and releases them in chunks that hold whole repositories."""

    def __init__(self, min_chunk: int = 1_000) -> None:
        if min_chunk < 1:
            raise ValueError("min_chunk must be at least 1")
        self._min_chunk = min_chunk
        self._buffer: list[ImageFacts] = []
        self._current: str | None = None
        self._current_start = 0  # index in the buffer where the current repository starts
        self._closed: set[str] = set()

    def push(self, images: Sequence[ImageFacts]) -> list[ImageFacts]:
        """Adds a batch; returns a chunk of complete repositories, or [] while buffering.

        Raises RepositoryOrderError when a repository reappears after another one.
        """
        buffer = self._buffer
        for image in images:
            repository = image.repository
            if repository != self._current:
                if repository in self._closed:
                    raise RepositoryOrderError(
                        f"repository {repository!r} reappeared after others; "
                        "the stream must be grouped by repository"
                    )
                if self._current is not None:
                    self._closed.add(self._current)
                self._current = repository
                self._current_start = len(buffer)
            buffer.append(image)
        if self._current_start < self._min_chunk:
            return []
        chunk = buffer[: self._current_start]
        self._buffer = buffer[self._current_start :]
        self._current_start = 0
        return chunk

    def finish(self) -> list[ImageFacts]:
        """Everything still buffered (the stream ended, so every repository is complete)."""
        chunk, self._buffer = self._buffer, []
        self._current_start = 0
        return chunk
