"""rpm: installed packages from Berkeley DB, NDB and SQLite rpm databases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from services.scanner.analyzers.base import (
    AnalyzerError,
    AnalyzerOutput,
    FileEntry,
    PathInterest,
    WholeFile,
    check_yield,
    is_evidence_path,
)
from services.scanner.analyzers.rpmdb import bdb, ndb, sqlite
from services.scanner.analyzers.rpmdb.header import RpmHeader, parse_header, split_source_rpm
from services.scanner.inventory import Package, PackageType

DATABASES = tuple(
    f"{directory}/{name}"
    for directory in ("var/lib/rpm", "usr/lib/sysimage/rpm", "usr/share/rpm")
    for name in ("Packages", "Packages.db", "rpmdb.sqlite")
)


def iter_header_blobs(data: bytes) -> Iterator[bytes]:
    """The header blobs of an rpm database, whichever of the three formats it is in."""
    if sqlite.is_sqlite(data):
        return sqlite.iter_values(data)
    if ndb.is_ndb(data):
        return ndb.iter_values(data)
    if bdb.is_bdb_hash(data):
        return bdb.iter_values(data)
    raise AnalyzerError("unknown rpm database format")


def package_from_header(header: RpmHeader, path: str) -> Package:
    source_name, source_version, source_release = split_source_rpm(header.source_rpm)
    if source_name:
        source_evr = f"{source_version}-{source_release}"
        if header.epoch:  # a source RPM's epoch is its binaries' epoch
            source_evr = f"{header.epoch}:{source_evr}"
    else:
        source_name, source_evr = header.name, header.evr
    return Package(
        type=PackageType.RPM,
        name=header.name,
        version=header.evr,
        ecosystem="",  # the image's OS ecosystem, known once layers are merged
        source_name=source_name,
        source_version=source_evr,
        path=path,
        arch=header.arch,
        licenses=(header.license,) if header.license else (),
    )


def parse_database(data: bytes, path: str) -> AnalyzerOutput:
    output = AnalyzerOutput()
    for blob in iter_header_blobs(data):
        header = parse_header(blob)
        if header.name == "gpg-pubkey":  # imported signing keys, not software
            continue
        output.packages.append(package_from_header(header, path))
        output.owned_paths.extend(
            owned for owned in (f.lstrip("/") for f in header.files) if is_evidence_path(owned)
        )
        check_yield(output)
    return output


class RpmAnalyzer:
    """Red Hat family, SUSE and Mariner packages."""

    name: ClassVar[str] = "rpm"
    version: ClassVar[int] = 1
    interest: ClassVar[PathInterest] = PathInterest(exact=frozenset(DATABASES))

    def open(self, entry: FileEntry, max_file_bytes: int) -> WholeFile:
        return WholeFile(required=True)

    def parse(self, entry: FileEntry, data: bytes) -> AnalyzerOutput:
        return parse_database(data, entry.path)
