"""Normalisation of tar member names into image paths, and whiteout recognition."""

from __future__ import annotations

from dataclasses import dataclass

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"


@dataclass(frozen=True, slots=True)
class NormalPath:
    """A member name made relative to the image root; `escaped` is set when `..` was clamped."""

    path: str  # '' for the root itself
    escaped: bool


def normalise(name: str) -> NormalPath:
    """Resolve `.`, `..`, repeated and leading slashes lexically, clamping `..` at the root.

    This is what container runtimes do when they unpack a layer (the path is joined to the
    root and cleaned), so `../etc/passwd` lands on `etc/passwd` and never outside the root.
    """
    if "/." not in name and not name.startswith((".", "/")) and "//" not in name:
        return NormalPath(name.rstrip("/"), False)
    parts: list[str] = []
    escaped = False
    for part in name.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            else:
                escaped = True
            continue
        parts.append(part)
    return NormalPath("/".join(parts), escaped)


def parent(path: str) -> str:
    """The directory holding `path` ('' for a top-level name)."""
    cut = path.rfind("/")
    return path[:cut] if cut >= 0 else ""


def basename(path: str) -> str:
    """The last component of `path`."""
    return path[path.rfind("/") + 1 :]


def whiteout_target(path: str) -> tuple[str, bool] | None:
    """For a whiteout member, the path it deletes and whether it is an opaque-directory marker.

    `a/.wh.b` deletes `a/b` from lower layers; `a/.wh..wh..opq` hides everything lower layers
    put under `a`. Other `.wh..wh.` names (AUFS bookkeeping) are ignored: (`'', False`) is
    never returned for them, None is.
    """
    name = basename(path)
    if not name.startswith(WHITEOUT_PREFIX):
        return None
    directory = parent(path)
    if name == OPAQUE_MARKER:
        return directory, True
    if name.startswith(WHITEOUT_PREFIX + WHITEOUT_PREFIX):
        return None
    target = name[len(WHITEOUT_PREFIX) :]
    if not target or target in (".", ".."):
        return None
    return (f"{directory}/{target}" if directory else target), False


def ancestors(path: str) -> list[str]:
    """Every proper ancestor directory of `path`, nearest first (`a/b/c` -> `a/b`, `a`)."""
    out: list[str] = []
    cut = path.rfind("/")
    while cut > 0:
        path = path[:cut]
        out.append(path)
        cut = path.rfind("/")
    return out
