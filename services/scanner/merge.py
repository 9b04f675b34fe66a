"""Merges the per-layer analyses of an image, in order, into its inventory (pure).

Layers are applied like an overlay filesystem: a layer's whiteouts delete lower paths (and
everything under a deleted directory), its opaque directories hide everything lower layers
put under them, and every path it examined replaces what lower layers had there. What
survives gives the OS (from release files) and the packages; each package carries the
diff_id of the layer from which its name and version have been continuously present.
Language packages whose files an OS package owns are dropped (the OS package reports them).
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from packageurl import PackageURL

from services.scanner.analyzers.base import OsFacts
from services.scanner.analyzers.os_release import OS_RELEASE_PATHS, SOURCE_PRIORITY, osv_ecosystem
from services.scanner.inventory import OperatingSystem, Package, PackageType
from services.scanner.layer.model import (
    FileRecord,
    LayerAnalysis,
    SkippedFile,
    package_from_dict,
    package_to_dict,
)
from services.scanner.layer.paths import ancestors

OS_PACKAGE_TYPES = frozenset({PackageType.DPKG, PackageType.APK, PackageType.RPM})
_PURL_TYPES = {PackageType.DPKG: "deb", PackageType.APK: "apk", PackageType.RPM: "rpm"}
# purl namespaces for os-release IDs that differ from the vendor name purl uses.
_PURL_NAMESPACES = {
    "rhel": "redhat",
    "sles": "suse",
    "opensuse-leap": "opensuse",
    "opensuse-tumbleweed": "opensuse",
    "ol": "oracle",
    "amzn": "amazon",
}

PackageKey = tuple[PackageType, str, str, str, str]


@dataclass(frozen=True, slots=True)
class ImageInventory:
    """What an image contains: its distribution and packages, plus files that were skipped."""

    os: OperatingSystem | None
    packages: tuple[Package, ...]
    skipped: tuple[SkippedFile, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "os": dataclasses.asdict(self.os) if self.os else None,
            "packages": [package_to_dict(p) for p in self.packages],
            "skipped": [[s.path, s.analyzer, s.reason] for s in self.skipped],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImageInventory:
        return cls(
            os=OperatingSystem(**data["os"]) if data.get("os") else None,
            packages=tuple(package_from_dict(p) for p in data.get("packages", ())),
            skipped=tuple(SkippedFile(*s) for s in data.get("skipped", ())),
        )


def package_key(package: Package) -> PackageKey:
    """Identity for "the same package" across layers (language ones also by location)."""
    location = "" if package.type in OS_PACKAGE_TYPES else package.path
    return (package.type, package.name, package.version, package.arch, location)


class _Overlay:
    """The records visible after the layers applied so far, with first-seen layers."""

    def __init__(self) -> None:
        self.records: dict[str, list[FileRecord]] = {}
        self.skipped: dict[str, list[SkippedFile]] = {}
        self.first_seen: dict[PackageKey, str] = {}
        self._counts: Counter[PackageKey] = Counter()
        self._dropped: set[PackageKey] = set()

    def apply(self, layer: LayerAnalysis) -> None:
        self._dropped = set()
        if layer.whiteouts or layer.opaque_dirs:
            self._delete_whited_out(set(layer.whiteouts), set(layer.opaque_dirs))
        for path in layer.examined_paths:
            self._remove(path)
        for skipped in layer.skipped:
            self._remove(skipped.path)
        for record in layer.records:
            self.records.setdefault(record.path, []).append(record)
            for package in record.packages:
                key = package_key(package)
                self._counts[key] += 1
                if key not in self.first_seen:
                    self.first_seen[key] = layer.diff_id
        for skipped in layer.skipped:
            self.skipped.setdefault(skipped.path, []).append(skipped)
        # A package gone from one file and back in another (a rewritten database) keeps the
        # layer it first appeared in; one that is gone for good forgets it.
        for key in self._dropped:
            if self._counts[key] <= 0:
                del self._counts[key]
                self.first_seen.pop(key, None)

    def _delete_whited_out(self, whiteouts: set[str], opaque: set[str]) -> None:
        for path in [*self.records, *self.skipped]:
            above = ancestors(path)
            if path in whiteouts or any(a in whiteouts or a in opaque for a in above):
                self._remove(path)

    def _remove(self, path: str) -> None:
        self.skipped.pop(path, None)
        for record in self.records.pop(path, ()):
            for package in record.packages:
                key = package_key(package)
                self._counts[key] -= 1
                if self._counts[key] <= 0:
                    self._dropped.add(key)


def detect_os(records: Iterable[FileRecord]) -> OperatingSystem | None:
    """The best-believed release facts: os-release (etc/ before usr/lib/), then the others."""
    facts_by_rank: list[tuple[int, int, OsFacts]] = []
    for record in records:
        if record.os is None:
            continue
        rank = (
            SOURCE_PRIORITY.index(record.os.source) if record.os.source in SOURCE_PRIORITY else 99
        )
        sub = OS_RELEASE_PATHS.index(record.path) if record.path in OS_RELEASE_PATHS else 0
        facts_by_rank.append((rank, sub, record.os))
    if not facts_by_rank:
        return None
    facts = min(facts_by_rank, key=lambda item: (item[0], item[1]))[2]
    return OperatingSystem(
        id=facts.id,
        version_id=facts.version_id,
        pretty_name=facts.pretty_name,
        ecosystem=osv_ecosystem(facts),
    )


def os_package_purl(package: Package, os: OperatingSystem | None) -> str:
    """`pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12` and the like."""
    return _os_purl(
        _PURL_TYPES[package.type],
        _PURL_NAMESPACES.get(os.id, os.id) if os else "",
        package.name,
        package.version,
        package.arch,
        f"{os.id}-{os.version_id}" if os and os.version_id else "",
    )


@functools.lru_cache(maxsize=65536)  # images share base layers: the same purls recur
def _os_purl(kind: str, namespace: str, name: str, version: str, arch: str, distro: str) -> str:
    qualifiers: dict[str, str] = {}
    if arch:
        qualifiers["arch"] = arch
    if kind == "rpm" and ":" in version:
        epoch, _, version = version.partition(":")
        qualifiers["epoch"] = epoch
    if distro:
        qualifiers["distro"] = distro
    return PackageURL(
        type=kind,
        namespace=namespace or None,
        name=name,
        version=version,
        qualifiers=qualifiers or None,
    ).to_string()


# Images built on the same base layers finalise the same package objects again and again;
# keyed by object identity (checked with `is`, so a recycled id never hits).
_FINALISED: dict[tuple[int, str, str, str, str], tuple[Package, Package]] = {}
_FINALISED_MAX = 200_000


def _finalised(
    package: Package, introduced: str, os: OperatingSystem | None, ecosystem: str
) -> Package:
    """The package as the image reports it: its layer, and for OS packages the image's
    ecosystem and purl."""
    key = (id(package), introduced, ecosystem, os.id if os else "", os.version_id if os else "")
    cached = _FINALISED.get(key)
    if cached is not None and cached[0] is package:
        return cached[1]
    if package.type in OS_PACKAGE_TYPES:
        result = replace(
            package,
            ecosystem=ecosystem,
            layer=introduced,
            purl=package.purl or os_package_purl(package, os),
        )
    else:
        result = replace(package, layer=introduced)
    if len(_FINALISED) >= _FINALISED_MAX:
        _FINALISED.clear()
    _FINALISED[key] = (package, result)
    return result


def merge_layers(layers: Sequence[LayerAnalysis]) -> ImageInventory:
    """The inventory of an image from its layers' analyses, lowest layer first."""
    overlay = _Overlay()
    for layer in layers:
        overlay.apply(layer)
    live = [record for records in overlay.records.values() for record in records]
    os = detect_os(live)
    ecosystem = os.ecosystem if os else ""
    owned = {path for record in live for path in record.owned_paths}

    packages: dict[PackageKey, Package] = {}
    for record in sorted(live, key=lambda r: (r.path, r.analyzer)):
        if not record.packages:
            continue
        is_os_record = record.packages[0].type in OS_PACKAGE_TYPES
        if not is_os_record and record.path in owned:
            continue
        for package in record.packages:
            key = package_key(package)
            if key in packages:
                continue
            packages[key] = _finalised(package, overlay.first_seen.get(key, ""), os, ecosystem)
    ordered = sorted(packages.values(), key=lambda p: (p.type.value, p.name, p.version, p.path))
    skipped = tuple(s for items in overlay.skipped.values() for s in items)
    return ImageInventory(os=os, packages=tuple(ordered), skipped=skipped)
