"""apk analyzer on a real Alpine installed database (tests/data/apk, from Trivy's test data)."""

from __future__ import annotations

from pathlib import Path

from services.scanner.analyzers.apk import ApkAnalyzer, parse_installed
from services.scanner.analyzers.base import FileEntry
from services.scanner.inventory import PackageType

DATABASE = Path(__file__).parents[3] / "data" / "apk" / "installed"


def _stanzas(text: str) -> list[dict[str, str]]:
    """Ground truth read independently: blank-line separated `K:value` blocks."""
    out = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if len(line) > 2 and line[1] == ":" and line[0] not in fields:
                fields[line[0]] = line[2:]
        if fields:
            out.append(fields)
    return out


def test_packages_match_the_database() -> None:
    data = DATABASE.read_bytes()
    output = ApkAnalyzer().parse(FileEntry("lib/apk/db/installed", len(data), 0o644), data)
    expected = {
        (s["P"], s["V"], s.get("A", ""), s.get("o") or s["P"])
        for s in _stanzas(data.decode())
        if "P" in s and "V" in s
    }
    found = {(p.name, p.version, p.arch, p.source_name) for p in output.packages}
    assert found == expected
    assert len(output.packages) == 15
    assert all(p.type is PackageType.APK and p.source_version == p.version for p in output.packages)


def test_origin_license_and_invalid_entries() -> None:
    output = parse_installed(DATABASE.read_text(), "lib/apk/db/installed")
    by_name = {p.name: p for p in output.packages}
    assert by_name["libcrypto1.0"].source_name == "openssl"
    assert by_name["scanelf"].source_name == "pax-utils"
    assert by_name["ada-libs"].licenses == ("( Apache-2.0 OR MIT ) AND MPL-2.0",)
    assert "invalidPackageWithoutAVersion" not in by_name


def test_owned_paths_are_the_evidence_files_of_the_file_list() -> None:
    output = parse_installed(DATABASE.read_text(), "lib/apk/db/installed")
    owned = set(output.owned_paths)
    # F: directory + R: file, kept only where a language analyzer could report something.
    assert {"bin/busybox", "sbin/apk", "usr/bin/scanelf", "usr/bin/c_rehash"} <= owned
    assert "etc/hosts" not in owned
    assert "lib/libz.so.1" not in owned


def test_python_files_owned_by_an_apk_package() -> None:
    text = (
        "P:py3-urllib3\nV:1.26.18-r0\nA:x86_64\no:py3-urllib3\n"
        "F:usr/lib/python3.11/site-packages/urllib3-1.26.18.dist-info\nR:METADATA\nR:RECORD\n"
    )
    output = parse_installed(text, "lib/apk/db/installed")
    assert output.owned_paths == [
        "usr/lib/python3.11/site-packages/urllib3-1.26.18.dist-info/METADATA"
    ]
