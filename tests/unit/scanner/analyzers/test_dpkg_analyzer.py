"""dpkg analyzer against this machine's own dpkg database, with dpkg-query as ground truth."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from services.scanner.analyzers.base import FileEntry
from services.scanner.analyzers.dpkg import (
    DpkgAnalyzer,
    iter_stanzas,
    owned_from_list,
    owned_from_md5sums,
    parse_source,
)
from services.scanner.inventory import PackageType

STATUS = Path("/var/lib/dpkg/status")
INFO = Path("/var/lib/dpkg/info")

needs_dpkg = pytest.mark.skipif(
    not STATUS.exists() or shutil.which("dpkg-query") is None, reason="no dpkg database here"
)


def _dpkg_query() -> set[tuple[str, str, str, str, str]]:
    """(name, version, arch, source name, source version) of every package with files on disk."""
    out = subprocess.run(
        [
            "dpkg-query",
            "-W",
            "-f",
            "${db:Status-Status}|${Package}|${Version}|${Architecture}|"
            "${source:Package}|${source:Version}\n",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    present = {"installed", "half-configured", "triggers-awaited", "triggers-pending"}
    return {
        tuple(fields[1:])  # type: ignore[misc]
        for fields in (line.split("|") for line in out.splitlines())
        if fields[0] in present
    }


def _parse(path: str, data: bytes) -> list:
    analyzer = DpkgAnalyzer()
    entry = FileEntry(path, len(data), 0o644)
    assert analyzer.open(entry, 1 << 30) is not None
    return analyzer.parse(entry, data).packages


@needs_dpkg
def test_status_matches_dpkg_query() -> None:
    packages = _parse("var/lib/dpkg/status", STATUS.read_bytes())
    found = {(p.name, p.version, p.arch, p.source_name, p.source_version) for p in packages}
    expected = _dpkg_query()
    assert len(expected) > 50
    assert found == expected
    assert len(packages) == len(found)  # no duplicates
    assert all(p.type is PackageType.DPKG and p.path == "var/lib/dpkg/status" for p in packages)


@needs_dpkg
def test_distroless_status_d_gives_the_same_packages() -> None:
    """Distroless images keep one stanza per file in status.d/, without Status fields."""
    stanzas = STATUS.read_text().split("\n\n")
    found = set()
    for number, stanza in enumerate(s for s in stanzas if s.strip()):
        if " installed" not in stanza.split("Status:", 1)[-1].split("\n", 1)[0]:
            continue
        without_status = "\n".join(
            line for line in stanza.splitlines() if not line.startswith("Status:")
        )
        for p in _parse(f"var/lib/dpkg/status.d/pkg{number}", without_status.encode()):
            found.add((p.name, p.version, p.arch, p.source_name, p.source_version))
    assert found == _dpkg_query()


@needs_dpkg
def test_info_lists_record_owned_language_files() -> None:
    lists = sorted(INFO.glob("*.list"))
    analyzer = DpkgAnalyzer()
    owned: set[str] = set()
    for path in lists:
        data = path.read_bytes()
        entry = FileEntry(f"var/lib/dpkg/info/{path.name}", len(data), 0o644)
        owned.update(analyzer.parse(entry, data).owned_paths)
    # Every dist-info METADATA dpkg installed is recorded as owned, and nothing else of its kind.
    expected = {
        line.lstrip("/")
        for path in lists
        for line in path.read_text(errors="replace").splitlines()
        if line.endswith(".dist-info/METADATA")
    }
    assert expected
    assert expected <= owned
    crypto = INFO / "python3-cryptography.list"
    if crypto.exists():
        assert any(p.endswith(".dist-info/METADATA") and "cryptography" in p for p in owned)


def test_md5sums_and_list_formats() -> None:
    assert owned_from_list("/.\n/usr/bin/docker\n/usr/share/doc/x/copyright\n") == [
        "usr/bin/docker"
    ]
    assert owned_from_md5sums(
        "0123456789abcdef0123456789abcdef  usr/lib/python3/dist-packages/a-1.dist-info/METADATA\n"
        "0123456789abcdef0123456789abcdef  usr/share/doc/a/changelog.gz\n"
    ) == ["usr/lib/python3/dist-packages/a-1.dist-info/METADATA"]


def test_source_field_forms() -> None:
    assert parse_source("", "1.0-1", "libfoo1") == ("libfoo1", "1.0-1")
    assert parse_source("foo", "1.0-1", "libfoo1") == ("foo", "1.0-1")
    assert parse_source("glibc (2.36-9+deb12u4)", "2.36-9+deb12u4+b1", "libc6") == (
        "glibc",
        "2.36-9+deb12u4",
    )


def test_only_packages_with_files_on_disk_are_reported() -> None:
    text = (
        "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n\n"
        "Package: here\nStatus: install ok installed\nVersion: 2\nArchitecture: amd64\n"
        "Description: multi\n line\n\n"
        "Package: pending\nStatus: install ok triggers-pending\nVersion: 3\n"
    )
    assert [s["Package"] for s in iter_stanzas(text)] == ["gone", "here", "pending"]
    names = [p.name for p in _parse("var/lib/dpkg/status", text.encode())]
    assert names == ["here", "pending"]


def test_paths_the_analyzer_takes() -> None:
    analyzer = DpkgAnalyzer()
    entry = lambda p: FileEntry(p, 10, 0o644)  # noqa: E731
    assert analyzer.open(entry("var/lib/dpkg/status"), 1).required  # type: ignore[union-attr]
    assert analyzer.open(entry("var/lib/dpkg/status.d/base"), 1) is not None
    assert analyzer.open(entry("var/lib/dpkg/info/bash.list"), 1) is not None
    assert analyzer.open(entry("var/lib/dpkg/info/bash.md5sums"), 1) is None
    assert analyzer.open(entry("var/lib/dpkg/status.d/sub/x"), 1) is None
