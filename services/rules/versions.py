"""Reads image tags as semantic versions, for latest-N ordered by version."""

from __future__ import annotations

from functools import lru_cache

import semver


@lru_cache(maxsize=65_536)
def parse_version_tag(tag: str) -> semver.Version | None:
    """The SemVer 2.0 version a tag names, or None when it names none.

    One leading `v` or `V` is dropped (`v1.4.2`), and a missing minor or patch is zero
    (`1.4` is 1.4.0, `3` is 3.0.0). Anything else must be SemVer: `1.4.2-rc.1` is a
    pre-release, ranked below 1.4.2; a variant suffix such as `1.4.2-alpine` is also a
    pre-release by SemVer's rules. Build metadata (`+build.7`) does not affect the order.
    Tags like `latest`, `main-3f2a1c`, `1.2.3.4` or `01.2` are not versions.
    """
    text = tag[1:] if tag[:1] in ("v", "V") else tag
    if not text or not text[0].isdigit():
        return None
    try:
        return semver.Version.parse(text, optional_minor_and_patch=True)
    except ValueError:
        return None
