"""Java archives: Maven coordinates from `pom.properties` or `MANIFEST.MF`, nested ones too."""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib
from typing import ClassVar

from packageurl import PackageURL

from services.scanner.analyzers.base import (
    ARCHIVE_SUFFIXES,
    MIB,
    AnalyzerError,
    AnalyzerOutput,
    FileEntry,
    PathInterest,
    WholeFile,
)
from services.scanner.inventory import Package, PackageType

MAX_DEPTH = 3  # outer archive = depth 1 (Spring Boot: app.jar!/BOOT-INF/lib/x.jar is depth 2)
# Bytes inflated for nested archives of one outer archive: bounds a zip bomb inside a jar.
MAX_NESTED_BYTES = 256 * MIB
MAX_NESTED_ARCHIVE_BYTES = 64 * MIB
# Entries an archive may list (its central directory is read into memory whole).
MAX_ENTRIES = 65_535
_END_OF_CENTRAL_DIRECTORY = b"PK\x05\x06"
_ENCRYPTED = 0x1  # general purpose flag bit 0: such entries cannot be read
# What a damaged inner archive raises (bz2 says OSError, lzma LZMAError).
_INNER_ERRORS = (
    zipfile.BadZipFile,
    NotImplementedError,
    ValueError,
    EOFError,
    OSError,
    zlib.error,
    lzma.LZMAError,
)


def entry_count(data: bytes) -> int:
    """Entries the end-of-central-directory record declares (0xFFFF means zip64: many)."""
    at = data.rfind(_END_OF_CENTRAL_DIRECTORY, max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        raise AnalyzerError("not a zip archive")
    return int.from_bytes(data[at + 10 : at + 12], "little")


def parse_properties(text: str) -> dict[str, str]:
    """Java .properties, as far as pom.properties needs (`key=value`, `key: value`, comments)."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#!":
            continue
        cut = min((i for i in (line.find("="), line.find(":")) if i >= 0), default=-1)
        if cut < 0:
            continue
        values[line[:cut].strip()] = line[cut + 1 :].strip()
    return values


def parse_manifest(text: str) -> dict[str, str]:
    """The main section of a MANIFEST.MF (72-byte continuation lines joined)."""
    values: dict[str, str] = {}
    last = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line:
            break  # end of the main section
        if line.startswith(" ") and last:
            values[last] += line[1:]
            continue
        key, sep, value = line.partition(":")
        if sep:
            last = key.strip()
            values[last] = value.strip()
    return values


def _maven(group: str, artifact: str, version: str, path: str) -> Package:
    return Package(
        type=PackageType.MAVEN,
        name=f"{group}:{artifact}",
        version=version,
        ecosystem="Maven",
        path=path,
        purl=PackageURL(type="maven", namespace=group, name=artifact, version=version).to_string(),
    )


def _group_from_symbolic_name(symbolic: str, artifact: str, vendor_id: str) -> str:
    """The groupId a Bundle-SymbolicName implies, only where that is unambiguous.

    maven-bundle-plugin writes groupId when artifactId is groupId's last section, drops that
    section from the front of artifactId when it starts with it (org.apiguardian +
    apiguardian-api -> org.apiguardian.api), and otherwise writes groupId + "." + artifactId.
    The first and last cases look alike (org.tukaani.xz is org.tukaani:xz), so they are only
    trusted when Implementation-Vendor-Id says the same.
    """
    head, _, last = symbolic.rpartition(".")
    if not head:
        return ""
    if artifact == f"{head.rpartition('.')[2]}-{last}":
        return head
    if vendor_id and symbolic in (vendor_id, f"{vendor_id}.{artifact}"):
        return vendor_id
    return ""


def _from_manifest(values: dict[str, str], path: str) -> Package | None:
    """Coordinates a manifest implies, when the archive has no pom.properties.

    Manifests carry no reliable groupId, so a guess is only made when it agrees with the
    archive's own file name (`<artifactId>-<version>.jar`, as Maven names what it builds):
    a wrong guess would report a package that is not there.
    """
    symbolic = values.get("Bundle-SymbolicName", "").split(";", 1)[0].strip()
    title = values.get("Implementation-Title", "").strip()
    filename = path.rsplit("/", 1)[-1]
    for version in dict.fromkeys(
        v for v in (values.get("Implementation-Version", ""), values.get("Bundle-Version", "")) if v
    ):
        for artifact in dict.fromkeys(a for a in (title, symbolic.rpartition(".")[2]) if a):
            if " " in artifact or filename.rsplit(".", 1)[0] != f"{artifact}-{version}":
                continue
            vendor_id = values.get("Implementation-Vendor-Id", "").strip()
            group = _group_from_symbolic_name(symbolic, artifact, vendor_id)
            if group:
                return _maven(group, artifact, version, path)
    return None


class _Budget:
    def __init__(self, remaining: int) -> None:
        self.remaining = remaining


def packages_in_archive(data: bytes, path: str, depth: int, budget: _Budget) -> list[Package]:
    """Packages of one archive and the archives inside it (down to MAX_DEPTH)."""
    packages: list[Package] = []
    if entry_count(data) >= MAX_ENTRIES:
        raise AnalyzerError(f"archive lists {MAX_ENTRIES} or more entries")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = [i for i in archive.infolist() if not i.flag_bits & _ENCRYPTED]
        for info in infos:
            name = info.filename
            if name.startswith("META-INF/maven/") and name.endswith("/pom.properties"):
                if info.file_size > 64 * 1024:
                    continue
                values = parse_properties(archive.read(info).decode("utf-8", "replace"))
                group = values.get("groupId", "")
                artifact = values.get("artifactId", "")
                version = values.get("version", "")
                if group and artifact and version:
                    packages.append(_maven(group, artifact, version, path))
        if not packages:
            manifest = next((i for i in infos if i.filename == "META-INF/MANIFEST.MF"), None)
            if manifest is not None and manifest.file_size <= 1 * MIB:
                text = archive.read(manifest).decode("utf-8", "replace")
                found = _from_manifest(parse_manifest(text), path)
                if found is not None:
                    packages.append(found)
        if depth < MAX_DEPTH:
            for info in infos:
                if not info.filename.lower().endswith(ARCHIVE_SUFFIXES) or info.is_dir():
                    continue
                if info.file_size > min(budget.remaining, MAX_NESTED_ARCHIVE_BYTES):
                    continue
                budget.remaining -= info.file_size
                inner = f"{path}!/{info.filename}"
                try:
                    packages.extend(
                        packages_in_archive(archive.read(info), inner, depth + 1, budget)
                    )
                except _INNER_ERRORS:
                    continue  # a broken inner archive does not spoil the outer one
    return list(dict.fromkeys(packages))


class JavaAnalyzer:
    """Maven artifacts in jar, war and ear files."""

    name: ClassVar[str] = "java"
    version: ClassVar[int] = 1
    interest: ClassVar[PathInterest] = PathInterest(suffixes=ARCHIVE_SUFFIXES)

    def open(self, entry: FileEntry, max_file_bytes: int) -> WholeFile:
        return WholeFile()

    def parse(self, entry: FileEntry, data: bytes) -> AnalyzerOutput:
        budget = _Budget(MAX_NESTED_BYTES)
        return AnalyzerOutput(packages=packages_in_archive(data, entry.path, 1, budget))
