"""Splitting image references such as `host/path/name:tag` or `host/path/name@sha256:...`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ImageReference:
    """The parts of an image reference; any part may be missing."""

    host: str | None
    repository: str
    tag: str | None
    digest: str | None


def split_reference(reference: str, *, with_host: bool) -> ImageReference | None:
    """Split on the last `@` (digest) and on a `:` after the last `/` (tag); the first
    path component is the registry host when `with_host`. None when no repository remains.
    Values are not validated here: build_event does that."""
    name, at, digest = reference.rpartition("@")
    if not at:
        name, digest = reference, ""
    tag = ""
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    host: str | None = None
    if with_host:
        host, slash_found, name = name.partition("/")
        if not slash_found:
            return None
    if not name:
        return None
    return ImageReference(host=host, repository=name, tag=tag or None, digest=digest or None)
