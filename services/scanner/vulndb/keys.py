"""(ecosystem, package) keys shared by OSV records and inventories: what re-matching is keyed by.

Both sides normalise the same way, so an image whose inventory holds a key is exactly an
image a record with that key can affect:

- ecosystem: `Ubuntu:22.04:LTS` and `Ubuntu:22.04` are one key; `Alpine:3.19.1` and
  `Alpine:v3.19` are one; `Debian:12.5` is `Debian:12`; `Rocky Linux:9.3` and
  `AlmaLinux:9.3` drop the minor version; Red Hat's per-repository CPE strings
  (`Red Hat:enterprise_linux:9::appstream`) become `Red Hat:enterprise_linux:9`, which
  `Red Hat:9` also maps to.
- name: PyPI names PEP 503-normalised; crates.io case- and `-`/`_`-insensitive; NuGet,
  Packagist lower-case; everything else (npm, Go module paths, Maven `group:artifact`,
  distro source packages) exactly as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from services.scanner.inventory import Package
from services.scanner.vulndb.osv import Affected, OsvRecord

Key = tuple[str, str]

_PEP503 = re.compile(r"[-_.]+")
_ALPINE_RELEASE = re.compile(r"^v?(\d+)\.(\d+)")
_MAJOR = re.compile(r"^(\d+)")


@lru_cache(maxsize=4096)
def normalise_ecosystem(ecosystem: str) -> str:
    """The comparable form of an OSV ecosystem string (see the module docstring)."""
    parts = [p.strip() for p in ecosystem.strip().split(":")]
    family = parts[0]
    if family == "Ubuntu":
        while len(parts) > 2 and parts[-1] == "LTS":
            parts.pop()
    elif family == "Alpine" and len(parts) > 1:
        release = _ALPINE_RELEASE.match(parts[1])
        if release:
            parts[1:] = [f"v{release[1]}.{release[2]}"]
    elif family in ("Debian", "Rocky Linux", "AlmaLinux") and len(parts) > 1:
        major = _MAJOR.match(parts[1])
        if major:
            parts[1:] = [major[1]]
    elif family == "Red Hat" and len(parts) > 1:
        if len(parts) == 2:
            parts = ["Red Hat", "enterprise_linux", parts[1]]
        product, version = parts[1], parts[2] if len(parts) > 2 else ""
        if product == "enterprise_linux":
            major = _MAJOR.match(version)
            version = major[1] if major else version
        # drop the repository part after '::' (baseos, appstream, ...)
        parts = ["Red Hat", product, version] if version else ["Red Hat", product]
    return ":".join(parts)


@lru_cache(maxsize=65536)
def normalise_name(ecosystem: str, name: str) -> str:
    """The comparable form of a package name in an ecosystem."""
    family = ecosystem.split(":", 1)[0].strip()
    name = name.strip()
    if family == "PyPI":
        return _PEP503.sub("-", name).lower()
    if family == "crates.io":
        return name.lower().replace("_", "-")
    if family in ("NuGet", "Packagist"):
        return name.lower()
    return name


def make_key(ecosystem: str, name: str) -> Key:
    """(normalised ecosystem, normalised name)."""
    return (normalise_ecosystem(ecosystem), normalise_name(ecosystem, name))


def key_of(package: Package) -> Key:
    """The key an inventory package is matched under: its ecosystem and its source
    package name (`match_name`)."""
    return make_key(package.ecosystem, package.match_name)


def ubuntu_binaries(affected: Affected) -> tuple[str, ...]:
    """Binary package names Ubuntu lists for a source package in `ecosystem_specific`.

    Two shapes exist: `[{"libssl3": "3.0.2-0ubuntu1.14", ...}]` and
    `[{"binary_name": "libssl3", "binary_version": "..."}]`.
    """
    names: list[str] = []
    binaries = affected.ecosystem_specific.get("binaries")
    if not isinstance(binaries, list):
        return ()
    for entry in binaries:
        if not isinstance(entry, dict):
            continue
        if isinstance(entry.get("binary_name"), str):
            names.append(entry["binary_name"])
        else:
            names.extend(k for k in entry if isinstance(k, str))
    return tuple(dict.fromkeys(names))


def affected_keys(affected: Affected) -> tuple[Key, ...]:
    """The package's key, then keys of its Ubuntu binary names (for inventories that
    only know binary names); empty when the entry has no package."""
    if affected.package is None:
        return ()
    ecosystem = affected.package.ecosystem
    keys = [make_key(ecosystem, affected.package.name)]
    keys += [make_key(ecosystem, binary) for binary in ubuntu_binaries(affected)]
    return tuple(dict.fromkeys(keys))


def record_keys(record: OsvRecord) -> frozenset[Key]:
    """Every key the record can match, withdrawn or not (withdrawing changes findings too)."""
    return frozenset(k for a in record.affected for k in affected_keys(a))
