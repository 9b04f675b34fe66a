"""Platform selection for multi-platform images (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

PlatformTuple = tuple[str, str, str]  # (os, architecture, variant)


def parse_platforms(raw: str) -> tuple[PlatformTuple, ...]:
    """`linux/amd64,linux/arm64/v8` -> (("linux","amd64",""), ("linux","arm64","v8"))."""
    out = []
    for item in raw.split(","):
        parts = item.strip().split("/")
        if not item.strip():
            continue
        if len(parts) not in (2, 3) or not all(parts):
            raise ValueError(f"{item.strip()!r} is not os/arch[/variant]")
        out.append((parts[0], parts[1], parts[2] if len(parts) == 3 else ""))
    if not out:
        raise ValueError("at least one platform is required")
    return tuple(out)


def matches(wanted: PlatformTuple, os: str, architecture: str, variant: str) -> bool:
    """A wanted platform without variant accepts any variant of its architecture."""
    want_os, want_arch, want_variant = wanted
    return (
        want_os == os
        and want_arch == architecture
        and (not want_variant or want_variant == variant)
    )


def select(entries: Sequence[tuple[str, str, str]], wanted: Iterable[PlatformTuple]) -> list[int]:
    """Indexes of `entries` (os, arch, variant) to scan: for each wanted platform, the first
    entry that matches (so two `linux/arm64` variants do not both get scanned)."""
    chosen: list[int] = []
    for want in wanted:
        for index, (os, architecture, variant) in enumerate(entries):
            if index not in chosen and matches(want, os, architecture, variant):
                chosen.append(index)
                break
    return chosen


def platform_key(platforms: Iterable[PlatformTuple]) -> str:
    """A stable text form of a platform selection: `linux/amd64,linux/arm64/v8`."""
    return ",".join(sorted("/".join(part for part in p if part) for p in platforms))
