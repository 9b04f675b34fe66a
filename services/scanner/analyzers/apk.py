"""apk: the Alpine installed database (`P:` name, `V:` version, `o:` origin, `F:`/`R:` files)."""

from __future__ import annotations

from typing import ClassVar

from services.scanner.analyzers.base import (
    AnalyzerOutput,
    FileEntry,
    PathInterest,
    WholeFile,
    check_yield,
    is_evidence_path,
)
from services.scanner.inventory import Package, PackageType

DATABASES = ("lib/apk/db/installed", "usr/lib/apk/db/installed")


def parse_installed(text: str, path: str) -> AnalyzerOutput:
    """Packages of an installed database, and the evidence paths they own."""
    output = AnalyzerOutput()
    fields: dict[str, str] = {}
    directory = ""

    def flush() -> None:
        name, version = fields.get("P", ""), fields.get("V", "")
        if name and version:
            output.packages.append(
                Package(
                    type=PackageType.APK,
                    name=name,
                    version=version,
                    ecosystem="",  # the image's OS ecosystem, known once layers are merged
                    source_name=fields.get("o") or name,
                    source_version=version,
                    path=path,
                    arch=fields.get("A", ""),
                    licenses=(fields["L"],) if fields.get("L") else (),
                )
            )

    for line in text.splitlines():
        if not line:
            if fields:
                flush()
                check_yield(output)
            fields = {}
            directory = ""
            continue
        key, sep, value = line.partition(":")
        if not sep or len(key) != 1:
            continue
        if key == "F":
            directory = value
        elif key == "R":
            owned = f"{directory}/{value}" if directory else value
            if is_evidence_path(owned):
                output.owned_paths.append(owned)
                if len(output.owned_paths) % 4096 == 0:
                    check_yield(output)
        elif key in "PVAoL":
            fields[key] = value
    if fields:
        flush()
    return output


class ApkAnalyzer:
    """Alpine (and Wolfi/Chainguard) packages."""

    name: ClassVar[str] = "apk"
    version: ClassVar[int] = 1
    interest: ClassVar[PathInterest] = PathInterest(exact=frozenset(DATABASES))

    def open(self, entry: FileEntry, max_file_bytes: int) -> WholeFile:
        return WholeFile(required=True)

    def parse(self, entry: FileEntry, data: bytes) -> AnalyzerOutput:
        return parse_installed(data.decode("utf-8", "replace"), entry.path)
