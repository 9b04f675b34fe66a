"""rpm analyzer on real BDB, NDB and SQLite rpm databases, with the rpm CLI as ground truth."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from services.scanner.analyzers.base import AnalyzerError, FileEntry, is_evidence_path
from services.scanner.analyzers.rpm import RpmAnalyzer, parse_database
from services.scanner.analyzers.rpmdb import bdb, ndb, sqlite
from services.scanner.analyzers.rpmdb.header import parse_header, split_source_rpm
from services.scanner.inventory import PackageType

DATA = Path(__file__).parents[3] / "data" / "rpmdb"
needs_rpm = pytest.mark.skipif(shutil.which("rpm") is None, reason="rpm CLI not installed")


def _rpm_query(db_file: Path, tmp_path: Path, query: str, *defines: str) -> list[str]:
    dbpath = tmp_path / "db"
    dbpath.mkdir(exist_ok=True)
    shutil.copy(db_file, dbpath / db_file.name)
    args = ["rpm", "--dbpath", str(dbpath)]
    for define in defines:
        args += ["--define", define]
    out = subprocess.run([*args, "-qa", "--qf", query], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def _expected(lines: list[str]) -> set[tuple[str, ...]]:
    rows = set()
    for line in lines:
        name, evr, arch, source = line.split("|")
        if name == "gpg-pubkey":
            continue
        rows.add((name, evr.removeprefix("0:"), arch, source))
    return rows


def _found(path: Path) -> tuple[set[tuple[str, ...]], list[str]]:
    data = path.read_bytes()
    output = parse_database(data, "var/lib/rpm/" + path.name)
    rows = set()
    for p in output.packages:
        assert p.type is PackageType.RPM
        source = f"{p.source_name}-{p.source_version.split(':')[-1]}.src.rpm"
        rows.add((p.name, p.version, p.arch, source))
    return rows, output.owned_paths


QUERY = "%{NAME}|%{EPOCHNUM}:%{VERSION}-%{RELEASE}|%{ARCH}|%{SOURCERPM}\n"


@needs_rpm
def test_sqlite_database_matches_rpm(tmp_path: Path) -> None:
    db = DATA / "cbl-mariner-2.0" / "rpmdb.sqlite"
    found, owned = _found(db)
    assert found == _expected(_rpm_query(db, tmp_path, QUERY))
    assert len(found) == 129
    files = _rpm_query(db, tmp_path, "[%{FILENAMES}\n]")
    assert set(owned) == {f.lstrip("/") for f in files if is_evidence_path(f.lstrip("/"))}


@needs_rpm
def test_berkeley_db_matches_rpm(tmp_path: Path) -> None:
    db = DATA / "libuuid" / "Packages"
    found, _ = _found(db)
    assert found == _expected(_rpm_query(db, tmp_path, QUERY, "_db_backend bdb_ro"))
    assert found == {("libuuid", "2.32.1-42.el8_8", "x86_64", "util-linux-2.32.1-42.el8_8.src.rpm")}


def test_berkeley_db_package_fields() -> None:
    data = (DATA / "libuuid" / "Packages").read_bytes()
    (package,) = parse_database(data, "var/lib/rpm/Packages").packages
    assert (package.source_name, package.source_version) == ("util-linux", "2.32.1-42.el8_8")
    assert package.licenses == ("BSD",)


def test_ndb_database() -> None:
    """Debian's rpm cannot read NDB: check the SLE 15 BCI package set for consistency."""
    data = (DATA / "sle15-bci" / "Packages.db").read_bytes()
    output = parse_database(data, "usr/lib/sysimage/rpm/Packages.db")
    names = {p.name for p in output.packages}
    assert len(output.packages) == len(names) == 35
    assert {"glibc", "bash", "coreutils", "rpm-ndb", "sles-release", "libzstd1"} <= names
    by_name = {p.name: p for p in output.packages}
    # libreadline7 7.0 is built from the bash 4.4 source package.
    assert (by_name["libreadline7"].source_name, by_name["libreadline7"].source_version) == (
        "bash",
        "4.4-19.6.1",
    )
    for p in output.packages:
        assert p.version and p.arch and p.source_name, p
        # A binary RPM and the source RPM it names share the release.
        assert p.version.rsplit("-", 1)[1] == p.source_version.rsplit("-", 1)[1], p
    assert {"bin/bash", "usr/bin/bash", "sbin/ldconfig"} <= set(output.owned_paths)


def test_the_three_formats_are_told_apart() -> None:
    assert sqlite.is_sqlite((DATA / "cbl-mariner-2.0" / "rpmdb.sqlite").read_bytes())
    assert ndb.is_ndb((DATA / "sle15-bci" / "Packages.db").read_bytes())
    assert bdb.is_bdb_hash((DATA / "libuuid" / "Packages").read_bytes())
    with pytest.raises(AnalyzerError):
        parse_database(b"not a database at all" * 100, "var/lib/rpm/Packages")


def test_header_blob() -> None:
    header = parse_header((DATA / "blob.bin").read_bytes())
    assert header.name and header.version and header.release
    assert header.files and all(f.startswith("/") for f in header.files)


def test_damaged_databases_are_analyzer_errors() -> None:
    data = bytearray((DATA / "sle15-bci" / "Packages.db").read_bytes())
    data[32:36] = b"Slxx"  # first slot's magic
    with pytest.raises(AnalyzerError):
        parse_database(bytes(data), "usr/lib/sysimage/rpm/Packages.db")
    blob = (DATA / "blob.bin").read_bytes()
    with pytest.raises(AnalyzerError):
        parse_header(blob[:200])


def test_source_rpm_names() -> None:
    assert split_source_rpm("util-linux-2.32.1-42.el8_8.src.rpm") == (
        "util-linux",
        "2.32.1",
        "42.el8_8",
    )
    assert split_source_rpm("") == ("", "", "")


def test_every_rpmdb_location_is_taken() -> None:
    analyzer = RpmAnalyzer()
    for path in (
        "var/lib/rpm/Packages",
        "var/lib/rpm/rpmdb.sqlite",
        "usr/lib/sysimage/rpm/rpmdb.sqlite",
        "usr/lib/sysimage/rpm/Packages.db",
    ):
        assert path in analyzer.interest.exact
        request = analyzer.open(FileEntry(path, 1, 0o644), 1)
        assert request.required
