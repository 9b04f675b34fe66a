"""(ecosystem, package) keys on both sides, and which keys an import changes (re-match scope)."""

from __future__ import annotations

import dataclasses

import pytest

from services.scanner.inventory import Package, PackageType
from services.scanner.vulndb.imports import StoredRecord, changed_keys, plan_import
from services.scanner.vulndb.keys import (
    key_of,
    normalise_ecosystem,
    normalise_name,
    record_keys,
)
from services.scanner.vulndb.matcher import VulnIndex
from services.scanner.vulndb.osv import OsvRecord, parse_record


def _record(records: list[OsvRecord], record_id: str) -> OsvRecord:
    return next(r for r in records if r.id == record_id)


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("Debian:12", "Debian:12"),
        ("Debian:12.5", "Debian:12"),
        ("Ubuntu:22.04:LTS", "Ubuntu:22.04"),
        ("Ubuntu:Pro:18.04:LTS", "Ubuntu:Pro:18.04"),
        ("Alpine:v3.19", "Alpine:v3.19"),
        ("Alpine:3.19.1", "Alpine:v3.19"),
        ("Red Hat:enterprise_linux:9::appstream", "Red Hat:enterprise_linux:9"),
        ("Red Hat:enterprise_linux:9::baseos", "Red Hat:enterprise_linux:9"),
        ("Red Hat:9", "Red Hat:enterprise_linux:9"),
        ("Red Hat:rhel_eus:9.2::baseos", "Red Hat:rhel_eus:9.2"),
        ("Rocky Linux:9.3", "Rocky Linux:9"),
        ("AlmaLinux:8", "AlmaLinux:8"),
        ("PyPI", "PyPI"),
        ("Go", "Go"),
    ],
)
def test_ecosystem_spellings(written: str, normal: str) -> None:
    assert normalise_ecosystem(written) == normal


def test_name_normalisation_per_ecosystem() -> None:
    assert normalise_name("PyPI", "Flask_SQLAlchemy") == "flask-sqlalchemy"
    assert normalise_name("PyPI", "zope.interface") == "zope-interface"
    assert normalise_name("crates.io", "Serde_JSON") == "serde-json"
    assert normalise_name("npm", "JSONStream") == "JSONStream"  # npm is case-sensitive
    assert normalise_name("Go", "github.com/BurntSushi/toml") == "github.com/BurntSushi/toml"
    assert normalise_name("Maven", "org.apache.logging.log4j:log4j-core") == (
        "org.apache.logging.log4j:log4j-core"
    )


def test_inventory_keys_use_the_source_package() -> None:
    libssl = Package(
        type=PackageType.DPKG,
        name="libssl3",
        version="3.0.11-1~deb12u2",
        ecosystem="Debian:12",
        source_name="openssl",
    )
    assert key_of(libssl) == ("Debian:12", "openssl")
    pillow = Package(type=PackageType.PYTHON, name="Pillow", version="9.0.0", ecosystem="PyPI")
    assert key_of(pillow) == ("PyPI", "pillow")


def test_record_keys(records: list[OsvRecord]) -> None:
    musl = _record(records, "ALPINE-CVE-2025-26519")
    assert record_keys(musl) == {(f"Alpine:v3.{n}", "musl") for n in range(16, 25)}
    ubuntu = _record(records, "CVE-2024-0727")
    keys = record_keys(ubuntu)
    assert ("Ubuntu:22.04", "openssl") in keys
    assert ("Ubuntu:22.04", "libssl3") in keys  # from ecosystem_specific.binaries
    git_only = _record(records, "CVE-2025-11187")
    assert record_keys(git_only) == frozenset()
    # every key a record has is a key the index holds, and vice versa (withdrawn aside)
    live = [r for r in records if not r.is_withdrawn]
    assert VulnIndex(live).keys() == frozenset().union(*(record_keys(r) for r in live))


def _at(record: OsvRecord, modified: str) -> OsvRecord:
    return dataclasses.replace(record, modified=modified)


def test_plan_import(records: list[OsvRecord]) -> None:
    pip = _record(records, "PYSEC-2023-228")
    cryptography = _record(records, "PYSEC-2023-11")
    musl = _record(records, "ALPINE-CVE-2025-26519")
    stored = {
        "PYSEC-2023-228": StoredRecord.of(pip),
        "ALPINE-CVE-2025-26519": StoredRecord.of(musl),
    }
    # musl's record now names another package: both old and new keys change
    moved = dataclasses.replace(
        _at(musl, "2030-01-01T00:00:00Z"),
        affected=tuple(
            dataclasses.replace(a, package=dataclasses.replace(a.package, name="musl-utils"))
            for a in musl.affected
            if a.package is not None
        ),
    )
    plan = plan_import(stored, [pip, cryptography, moved])
    assert {r.id for r in plan.upserts} == {"PYSEC-2023-11", "ALPINE-CVE-2025-26519"}
    assert plan.skipped == ("PYSEC-2023-228",)  # same modified: nothing to do
    assert plan.changed_keys == (
        {("PyPI", "cryptography")} | record_keys(musl) | record_keys(moved)
    )
    assert ("Alpine:v3.19", "musl-utils") in plan.changed_keys
    # an older copy never replaces a newer one; of two incoming copies the newer wins
    older = _at(pip, "2000-01-01T00:00:00Z")
    newer = _at(pip, "2031-01-01T00:00:00Z")
    plan = plan_import(stored, [older, newer, older])
    assert [r.modified for r in plan.upserts] == ["2031-01-01T00:00:00Z"]
    assert plan.changed_keys == {("PyPI", "pip")}
    assert plan_import(stored, [older]).upserts == ()
    assert StoredRecord.of(pip).modified.tzinfo is not None


def test_withdrawing_changes_the_records_keys(records: list[OsvRecord]) -> None:
    redis = _record(records, "PYSEC-2023-73")  # withdrawn in the data
    live = dataclasses.replace(redis, withdrawn="")
    assert changed_keys([live], [redis]) == {("PyPI", "redis")}
    plan = plan_import({redis.id: StoredRecord.of(live)}, [_at(redis, "2099-01-01T00:00:00Z")])
    assert plan.changed_keys == {("PyPI", "redis")}


def test_changed_keys_ignores_identical_re_imports(records: list[OsvRecord]) -> None:
    pip = _record(records, "PYSEC-2023-228")
    again = parse_record(dict(pip.raw))
    assert changed_keys([pip], [again]) == frozenset()
    assert changed_keys([], [again]) == {("PyPI", "pip")}
    edited = dataclasses.replace(again, summary="edited")
    assert changed_keys([pip], [edited]) == {("PyPI", "pip")}


def test_rematch_scope_finds_exactly_the_affected_inventories(records: list[OsvRecord]) -> None:
    # three stored inventories; an import touching pip re-matches only the one with pip
    inventories = {
        "img-python": [
            Package(type=PackageType.PYTHON, name="pip", version="23.0.1", ecosystem="PyPI")
        ],
        "img-alpine": [
            Package(
                type=PackageType.APK,
                name="musl",
                version="1.2.4-r2",
                ecosystem="Alpine:v3.18",
                source_name="musl",
            )
        ],
        "img-go": [Package(type=PackageType.GO, name="stdlib", version="go1.24.4", ecosystem="Go")],
    }
    pip = _record(records, "PYSEC-2023-228")
    plan = plan_import({}, [pip])
    to_rematch = {
        image
        for image, packages in inventories.items()
        if any(key_of(p) in plan.changed_keys for p in packages)
    }
    assert to_rematch == {"img-python"}
