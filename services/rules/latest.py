"""Latest-N ranking: the newest images of each repository, by creation time or by version."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import semver

from services.rules.domain import ImageFacts, LatestOrder
from services.rules.versions import parse_version_tag


class LatestRanker:
    """Ranks images within their repository (1 = newest); add every eligible image first.

    By CREATED, tags pointing at one digest are one image and share a rank; equal times are
    ordered by digest (so the result is deterministic); images without creation time are
    not ranked. By SEMVER, tags that parse as versions are ranked and equal versions share
    a rank; other tags are not ranked.

    `created_floor` (CREATED only) leaves out images created before it: they are not
    ranked, and the rank of every image at or after the floor is unchanged, since only
    newer (or equally new) images can outrank it. The evaluator passes the creation
    window's start, which spares ranking images the window rejects anyway.

    A repository is sorted on its first `rank` query, so repositories nobody asks about
    cost only their `add` calls.
    """

    def __init__(self, order: LatestOrder, created_floor: datetime | None = None) -> None:
        self.order = order
        self._floor = created_floor if order is LatestOrder.CREATED else None
        self._newest: dict[str, dict[str, datetime]] = {}
        self._versions: dict[str, set[semver.Version]] = {}
        self._ranks: dict[str, dict[object, int]] = {}

    def add(self, image: ImageFacts) -> None:
        """Counts an eligible image (not a never-pull match) in its repository's ranking."""
        self.add_all((image,))

    def add_all(self, images: Iterable[ImageFacts]) -> None:
        """Counts eligible images (one tight loop: it runs once per image of a batch)."""
        if self.order is LatestOrder.SEMVER:
            versions = self._versions
            for image in images:
                version = parse_version_tag(image.tag)
                if version is not None:
                    found = versions.get(image.repository)
                    if found is None:
                        found = versions[image.repository] = set()
                    found.add(version)
            return
        newest = self._newest
        floor = self._floor
        last_repository = None
        groups: dict[str, datetime] = {}
        for image in images:
            created = image.created
            if created is None or (floor is not None and created < floor):
                continue
            if image.repository != last_repository:
                last_repository = image.repository
                found_groups = newest.get(last_repository)
                if found_groups is None:
                    found_groups = newest[last_repository] = {}
                groups = found_groups
            key = image.digest or "\0" + image.tag
            if key not in groups or created > groups[key]:
                groups[key] = created

    def rank(self, image: ImageFacts) -> int | None:
        """The image's rank in its repository, or None when it is not ranked.

        The image must have been added (an image never added has no rank).
        """
        ranks = self._ranks.get(image.repository)
        if ranks is None:
            ranks = self._ranks[image.repository] = self._rank_repository(image.repository)
        if self.order is LatestOrder.SEMVER:
            return ranks.get(parse_version_tag(image.tag))
        created = image.created
        if created is None or (self._floor is not None and created < self._floor):
            return None
        return ranks.get(image.digest or "\0" + image.tag)

    def total(self, repository: str) -> int:
        """How many distinct ranks the repository has."""
        ranks = self._ranks.get(repository)
        if ranks is None:
            ranks = self._ranks[repository] = self._rank_repository(repository)
        return len(ranks)

    def _rank_repository(self, repository: str) -> dict[object, int]:
        if self.order is LatestOrder.SEMVER:
            found = self._versions.get(repository, set())
            return {v: rank for rank, v in enumerate(sorted(found, reverse=True), start=1)}
        groups = self._newest.get(repository, {})
        ordered = sorted(groups.items(), key=lambda item: (item[1], item[0]), reverse=True)
        return {key: rank for rank, (key, _) in enumerate(ordered, start=1)}
