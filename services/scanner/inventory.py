"""The package inventory model shared by analyzers, the matcher and the store (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class PackageType(StrEnum):
    """Where a package came from; decides the version order and the OSV ecosystem."""

    DPKG = "deb"
    APK = "apk"
    RPM = "rpm"
    PYTHON = "pypi"
    NPM = "npm"
    GO = "golang"
    MAVEN = "maven"


@dataclass(frozen=True, slots=True)
class OperatingSystem:
    """The distribution found in an image, with its OSV ecosystem string (`Debian:12`)."""

    id: str  # os-release ID: debian, ubuntu, alpine, rhel, rocky, ...
    version_id: str  # os-release VERSION_ID: 12, 22.04, 3.19.1, 9.3
    pretty_name: str
    ecosystem: str  # OSV ecosystem string, '' when the distribution has no OSV data


@dataclass(frozen=True, slots=True)
class Package:
    """One installed package.

    For OS packages, `source_name`/`source_version` name the source package (Debian
    `Source:`, apk origin, rpm SOURCERPM) which is what OSV OS records are keyed by;
    they equal name/version when the database gives no source. `ecosystem` is the OSV
    ecosystem string: the image's OS ecosystem for OS packages (`Debian:12`), or the
    language ecosystem (`PyPI`, `npm`, `Go`, `Maven`).
    """

    type: PackageType
    name: str
    version: str
    ecosystem: str
    source_name: str = ""
    source_version: str = ""
    path: str = ""  # file it was read from, inside the image (no leading slash)
    layer: str = ""  # diff_id of the layer that introduced it
    arch: str = ""
    licenses: tuple[str, ...] = field(default=())
    purl: str = ""

    @property
    def match_name(self) -> str:
        """The name OSV records use for this package."""
        return self.source_name or self.name

    @property
    def match_version(self) -> str:
        """The version OSV ranges compare against."""
        return self.source_version or self.version
