"""OS detection from release files, and the OSV ecosystem string each distribution maps to."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.scanner.analyzers.base import AnalyzerError, FileEntry
from services.scanner.analyzers.os_release import (
    OsReleaseAnalyzer,
    facts_from_os_release,
    facts_from_release_file,
    osv_ecosystem,
)

# os-release files as the distributions ship them (the fields that matter, verbatim).
OS_RELEASES = {
    "Ubuntu:22.04:LTS": """PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
""",
    "Ubuntu:23.10": """PRETTY_NAME="Ubuntu 23.10"
NAME="Ubuntu"
VERSION_ID="23.10"
VERSION="23.10 (Mantic Minotaur)"
VERSION_CODENAME=mantic
ID=ubuntu
ID_LIKE=debian
""",
    "Alpine:v3.19": """NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.19.1
PRETTY_NAME="Alpine Linux v3.19"
HOME_URL="https://alpinelinux.org/"
""",
    "Rocky Linux:9": """NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
""",
    "AlmaLinux:9": """NAME="AlmaLinux"
VERSION="9.3 (Shamrock Pearl Jungle Cat)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PRETTY_NAME="AlmaLinux 9.3 (Shamrock Pearl Jungle Cat)"
""",
    "Red Hat:enterprise_linux:9": """NAME="Red Hat Enterprise Linux"
VERSION="9.3 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.3"
PRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"
""",
    "SUSE:Linux Enterprise Server 15 SP5": """NAME="SLES"
VERSION="15-SP5"
VERSION_ID="15.5"
PRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"
ID="sles"
ID_LIKE="suse"
""",
    "openSUSE:Leap 15.5": """NAME="openSUSE Leap"
VERSION="15.5"
ID="opensuse-leap"
ID_LIKE="suse opensuse"
VERSION_ID="15.5"
PRETTY_NAME="openSUSE Leap 15.5"
""",
    "openSUSE:Tumbleweed": """NAME="openSUSE Tumbleweed"
ID="opensuse-tumbleweed"
ID_LIKE="opensuse suse"
VERSION_ID="20240305"
PRETTY_NAME="openSUSE Tumbleweed"
""",
    "Azure Linux:2": """NAME="Common Base Linux Mariner"
VERSION="2.0.20240123"
ID=mariner
VERSION_ID="2.0"
PRETTY_NAME="CBL-Mariner/Linux"
""",
    "Azure Linux:3": """NAME="Microsoft Azure Linux"
VERSION="3.0.20240727"
ID=azurelinux
VERSION_ID="3.0"
PRETTY_NAME="Microsoft Azure Linux 3.0"
""",
    "": """PRETTY_NAME="Debian GNU/Linux trixie/sid"
NAME="Debian GNU/Linux"
VERSION_CODENAME=trixie
ID=debian
""",
}


@pytest.mark.parametrize(("ecosystem", "text"), OS_RELEASES.items(), ids=list(OS_RELEASES))
def test_os_release_maps_to_the_osv_ecosystem(ecosystem: str, text: str) -> None:
    assert osv_ecosystem(facts_from_os_release(text)) == ecosystem


def test_this_machines_os_release() -> None:
    path = Path("/etc/os-release")
    if not path.exists():
        pytest.skip("no /etc/os-release here")
    text = path.read_text()
    facts = (
        OsReleaseAnalyzer().parse(FileEntry("etc/os-release", len(text), 0o644), text.encode()).os
    )
    assert facts is not None
    values = dict(
        line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#")
    )
    assert facts.id == values["ID"].strip('"')
    assert facts.version_id == values.get("VERSION_ID", "").strip('"')
    if facts.id == "debian" and facts.version_id:
        assert osv_ecosystem(facts) == f"Debian:{facts.version_id.split('.')[0]}"


def test_quoted_values_and_escapes() -> None:
    facts = facts_from_os_release('ID=ubuntu\nVERSION_ID="22.04"\nPRETTY_NAME="a \\"b\\" c"\n')
    assert facts.pretty_name == 'a "b" c'
    assert facts.version_id == "22.04"


def test_ubuntu_lts_without_pretty_name_uses_the_april_even_year_rule() -> None:
    assert osv_ecosystem(facts_from_os_release("ID=ubuntu\nVERSION_ID=24.04\n")) == (
        "Ubuntu:24.04:LTS"
    )
    assert osv_ecosystem(facts_from_os_release("ID=ubuntu\nVERSION_ID=23.04\n")) == "Ubuntu:23.04"


@pytest.mark.parametrize(
    ("kind", "text", "distro", "version", "ecosystem"),
    [
        ("debian_version", "12.5\n", "debian", "12.5", "Debian:12"),
        ("debian_version", "bookworm/sid\n", "debian", "bookworm/sid", ""),
        ("alpine-release", "3.19.1\n", "alpine", "3.19.1", "Alpine:v3.19"),
        ("alpine-release", "3.20_alpha20240329\n", "alpine", "3.20_alpha20240329", ""),
        ("redhat-release", "CentOS Linux release 7.9.2009 (Core)\n", "centos", "7.9.2009", ""),
        (
            "redhat-release",
            "Rocky Linux release 9.3 (Blue Onyx)\n",
            "rocky",
            "9.3",
            "Rocky Linux:9",
        ),
        (
            "redhat-release",
            "Red Hat Enterprise Linux release 8.9 (Ootpa)\n",
            "rhel",
            "8.9",
            "Red Hat:enterprise_linux:8",
        ),
        (
            "redhat-release",
            "AlmaLinux release 8.9 (Midnight Oncilla)\n",
            "almalinux",
            "8.9",
            "AlmaLinux:8",
        ),
        ("redhat-release", "Amazon Linux release 2023 (Amazon Linux)\n", "amzn", "2023", ""),
        ("redhat-release", "Fedora release 39 (Thirty Nine)\n", "fedora", "39", ""),
    ],
)
def test_release_files(kind: str, text: str, distro: str, version: str, ecosystem: str) -> None:
    facts = facts_from_release_file(kind, text)
    assert (facts.id, facts.version_id) == (distro, version)
    assert osv_ecosystem(facts) == ecosystem


def test_unreadable_release_files_are_errors() -> None:
    with pytest.raises(AnalyzerError):
        facts_from_os_release("NAME=nothing\n")
    with pytest.raises(AnalyzerError):
        facts_from_release_file("redhat-release", "Slackware 15.0\n")
    with pytest.raises(AnalyzerError):
        facts_from_release_file("debian_version", "\n")
