"""OS detection: os-release and the older distribution release files, and OSV ecosystem names."""

from __future__ import annotations

import re
from typing import ClassVar

from services.scanner.analyzers.base import (
    KIB,
    AnalyzerError,
    AnalyzerOutput,
    FileEntry,
    OsFacts,
    PathInterest,
    WholeFile,
)

OS_RELEASE_PATHS = ("etc/os-release", "usr/lib/os-release")
# Older release files, used when no os-release exists (old CentOS, busybox-ish images).
RELEASE_FILES = {
    "etc/debian_version": "debian_version",
    "etc/alpine-release": "alpine-release",
    "etc/redhat-release": "redhat-release",
    "etc/centos-release": "redhat-release",
    "etc/rocky-release": "redhat-release",
    "etc/almalinux-release": "redhat-release",
    "etc/fedora-release": "redhat-release",
    "etc/oracle-release": "redhat-release",
    "etc/system-release": "redhat-release",
    "etc/mariner-release": "redhat-release",
}
# The order in which facts are believed, best first.
SOURCE_PRIORITY = ("os-release", "alpine-release", "redhat-release", "debian_version")

# `<Name> release <version>` as written in /etc/redhat-release and its relatives.
_RELEASE_LINE = re.compile(r"^(?P<name>.+?)\s+release\s+(?P<version>[0-9][0-9.]*)")
_RELEASE_NAMES = (
    ("red hat enterprise linux", "rhel"),
    ("centos", "centos"),
    ("rocky linux", "rocky"),
    ("almalinux", "almalinux"),
    ("fedora", "fedora"),
    ("amazon linux", "amzn"),
    ("oracle linux", "ol"),
    ("cbl-mariner", "mariner"),
)


def parse_os_release(text: str) -> dict[str, str]:
    """`KEY=value` lines, values optionally quoted (shell-style escapes in double quotes)."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            quote = value[0]
            value = value[1:-1]
            if quote == '"':
                value = re.sub(r'\\([\\$"`])', r"\1", value)
        values[key.strip()] = value
    return values


def facts_from_os_release(text: str) -> OsFacts:
    values = parse_os_release(text)
    if not values.get("ID"):
        raise AnalyzerError("os-release has no ID")
    return OsFacts(
        source="os-release",
        id=values["ID"].lower(),
        version_id=values.get("VERSION_ID", ""),
        pretty_name=values.get("PRETTY_NAME", values.get("NAME", "")),
        version_codename=values.get("VERSION_CODENAME", ""),
        id_like=tuple(values.get("ID_LIKE", "").lower().split()),
    )


def facts_from_release_file(kind: str, text: str) -> OsFacts:
    first = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not first:
        raise AnalyzerError(f"empty {kind}")
    if kind == "debian_version":
        return OsFacts(source=kind, id="debian", version_id=first, pretty_name=f"Debian {first}")
    if kind == "alpine-release":
        return OsFacts(source=kind, id="alpine", version_id=first, pretty_name=f"Alpine {first}")
    match = _RELEASE_LINE.match(first)
    if not match:
        raise AnalyzerError(f"unrecognised release line {first[:80]!r}")
    lowered = match["name"].lower()
    distro = next((id_ for name, id_ in _RELEASE_NAMES if lowered.startswith(name)), "")
    if not distro:
        raise AnalyzerError(f"unknown distribution {match['name'][:80]!r}")
    return OsFacts(source=kind, id=distro, version_id=match["version"], pretty_name=first)


def _major(version: str) -> str:
    major = version.split(".", 1)[0]
    return major if major.isdigit() else ""


def osv_ecosystem(facts: OsFacts) -> str:
    """The OSV ecosystem string of a distribution release, '' when OSV has none for it."""
    distro = facts.id
    version = facts.version_id
    major = _major(version)
    if distro == "debian":
        return f"Debian:{major}" if major else ""
    if distro == "ubuntu":
        if not re.fullmatch(r"\d\d\.\d\d", version):
            return ""
        if "LTS" in facts.pretty_name:
            return f"Ubuntu:{version}:LTS"
        if not facts.pretty_name and version.endswith(".04") and int(version[:2]) % 2 == 0:
            return f"Ubuntu:{version}:LTS"  # no PRETTY_NAME: Canonical's even-year April rule
        return f"Ubuntu:{version}"
    if distro == "alpine":
        match = re.match(r"(\d+)\.(\d+)(?:\.\d+)?$", version)
        return f"Alpine:v{match[1]}.{match[2]}" if match else ""  # edge has no OSV data
    if distro == "rhel":
        return f"Red Hat:enterprise_linux:{major}" if major else ""
    if distro == "rocky":
        return f"Rocky Linux:{major}" if major else ""
    if distro == "almalinux":
        return f"AlmaLinux:{major}" if major else ""
    if distro in ("mariner", "azurelinux"):
        return f"Azure Linux:{major}" if major else ""
    if distro.startswith("sle") or distro == "sles":
        name = facts.pretty_name.removeprefix("SUSE ").strip()
        return f"SUSE:{name}" if name else ""
    if distro.startswith("opensuse"):
        name = facts.pretty_name.removeprefix("openSUSE ").strip()
        return f"openSUSE:{name}" if name else ""
    if distro == "wolfi":
        return "Wolfi"
    if distro == "chainguard":
        return "Chainguard"
    if distro == "photon":
        return f"Photon OS:{version}" if version else ""
    if distro == "mageia":
        return f"Mageia:{major}" if major else ""
    return ""


class OsReleaseAnalyzer:
    """Reads os-release and the distribution release files into OsFacts."""

    name: ClassVar[str] = "os-release"
    version: ClassVar[int] = 1
    interest: ClassVar[PathInterest] = PathInterest(
        exact=frozenset((*OS_RELEASE_PATHS, *RELEASE_FILES))
    )

    def open(self, entry: FileEntry, max_file_bytes: int) -> WholeFile | None:
        return WholeFile(cap=64 * KIB)

    def parse(self, entry: FileEntry, data: bytes) -> AnalyzerOutput:
        text = data.decode("utf-8", "replace")
        if entry.path in OS_RELEASE_PATHS:
            return AnalyzerOutput(os=facts_from_os_release(text))
        return AnalyzerOutput(os=facts_from_release_file(RELEASE_FILES[entry.path], text))
