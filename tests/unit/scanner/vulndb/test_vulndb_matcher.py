"""VulnIndex on the real records: known hits on this machine's files, OS source-package
matching, withdrawn/GIT-only records, last_affected, limit, Ubuntu binaries, binNMUs."""

from __future__ import annotations

import dataclasses
import time

import pytest

from services.scanner.inventory import Package, PackageType
from services.scanner.vulndb.keys import key_of
from services.scanner.vulndb.matcher import Finding, VulnIndex
from services.scanner.vulndb.osv import OsvRecord, parse_record
from services.scanner.vulndb.severity import Severity


@pytest.fixture(scope="module")
def index(records: list[OsvRecord]) -> VulnIndex:
    return VulnIndex(records)


def _pypi(name: str, version: str) -> Package:
    return Package(type=PackageType.PYTHON, name=name, version=version, ecosystem="PyPI")


def _ids(findings: list[Finding]) -> set[str]:
    return {f.vulnerability_id for f in findings}


# the hits the vulndb README lists for this machine's own Python packages
@pytest.mark.parametrize(
    ("name", "version", "ids"),
    [
        ("cryptography", "38.0.4", {"PYSEC-2023-11", "PYSEC-2023-254"}),
        ("pip", "23.0.1", {"PYSEC-2023-228"}),
        ("Pygments", "2.14.0", {"PYSEC-2023-117"}),
        ("setuptools", "65.5.0", {"PYSEC-2022-43012"}),
        ("pip", "23.2.1", {"PYSEC-2023-228"}),
        ("orjson", "3.8.3", {"PYSEC-2024-40"}),
    ],
)
def test_known_hits_on_this_machine(
    index: VulnIndex, name: str, version: str, ids: set[str]
) -> None:
    assert _ids(index.match([_pypi(name, version)])) == ids


def test_go_stdlib_of_gcloud_crc32c(index: VulnIndex) -> None:
    # /usr/bin/gcloud-crc32c was built with go1.24.4; build info says "go1.24.4"
    for spelling in ("go1.24.4", "1.24.4", "v1.24.4"):
        stdlib = Package(type=PackageType.GO, name="stdlib", version=spelling, ecosystem="Go")
        findings = index.match([stdlib])
        assert len(findings) == 47, spelling
    assert all(f.fixed_versions for f in findings)
    assert index.match([dataclasses.replace(stdlib, version="go1.27.0")]) == []


def test_findings_carry_ids_fix_severity_and_layer(index: VulnIndex) -> None:
    package = Package(
        type=PackageType.NPM,
        name="ansi-html",
        version="0.0.7",
        ecosystem="npm",
        path="usr/lib/node_modules/x/node_modules/ansi-html/package.json",
        layer="sha256:" + "ab" * 32,
    )
    (finding,) = index.match([package])
    assert finding.vulnerability_id == "GHSA-whgm-jr23-g3j9"
    assert finding.aliases == ("CVE-2021-23424",)
    assert finding.fixed_versions == ("0.0.8",)
    assert finding.severity is Severity.HIGH
    assert finding.severity_source == "CVSS_V3"
    assert finding.cvss_score == 7.5
    assert finding.layer == package.layer
    assert finding.installed_version == "0.0.7"
    assert finding.key == ("npm", "ansi-html")
    assert index.match([dataclasses.replace(package, version="0.0.8")]) == []


def test_os_packages_match_by_source_package_within_their_release(index: VulnIndex) -> None:
    # libssl1.1 is built from openssl; DLA-3008-1 is keyed by the source name
    libssl = Package(
        type=PackageType.DPKG,
        name="libssl1.1",
        version="1.1.0l-1~deb9u5",
        ecosystem="Debian:9",
        source_name="openssl",
        source_version="1.1.0l-1~deb9u5",
    )
    findings = {f.vulnerability_id: f for f in index.match([libssl])}
    assert "DLA-3008-1" in findings
    assert findings["DLA-3008-1"].fixed_versions == ("1.1.0l-1~deb9u6",)
    # upstream ids become aliases
    assert "CVE-2022-1292" in findings["DLA-3008-1"].aliases
    # the binary name alone is not what Debian records are keyed by
    assert "DLA-3008-1" not in _ids(index.match([dataclasses.replace(libssl, source_name="")]))
    # another release's records do not apply
    assert _ids(index.match([dataclasses.replace(libssl, ecosystem="Debian:12")])) == set()
    fixed = dataclasses.replace(libssl, version="1.1.0l-1~deb9u6", source_version="1.1.0l-1~deb9u6")
    assert "DLA-3008-1" not in _ids(index.match([fixed]))


def test_debian_binnmu_of_a_listed_version_matches(records: list[OsvRecord]) -> None:
    # ranges removed so only the `versions` list can match: a binNMU rebuild of a listed
    # source version (no source version known) is the same source code
    dla = next(r for r in records if r.id == "DLA-3008-1")
    only_list = dataclasses.replace(
        dla, affected=tuple(dataclasses.replace(a, ranges=()) for a in dla.affected)
    )
    index = VulnIndex([only_list])
    binary = Package(
        type=PackageType.DPKG, name="openssl", version="1.1.0f-3+deb9u2+b1", ecosystem="Debian:9"
    )
    assert _ids(index.match([binary])) == {"DLA-3008-1"}
    assert index.match([dataclasses.replace(binary, version="1.1.0f-3+deb9u9+b1")]) == []


def test_ubuntu_records_match_source_and_binary_only_packages(index: VulnIndex) -> None:
    source = Package(
        type=PackageType.DPKG,
        name="libssl3",
        version="3.0.2-0ubuntu1.10",
        ecosystem="Ubuntu:22.04:LTS",
        source_name="openssl",
    )
    assert _ids(index.match([source])) == {"CVE-2024-0727"}
    # the analyzer may spell the release without ":LTS"
    assert _ids(index.match([dataclasses.replace(source, ecosystem="Ubuntu:22.04")])) == {
        "CVE-2024-0727"
    }
    # an inventory without source names still matches through ecosystem_specific.binaries
    binary_only = dataclasses.replace(source, source_name="")
    (finding,) = index.match([binary_only])
    assert finding.fixed_versions == ("3.0.2-0ubuntu1.14",)
    assert finding.severity is Severity.MEDIUM and finding.severity_source == "CVSS_V3"
    assert index.match([dataclasses.replace(binary_only, version="3.0.2-0ubuntu1.14")]) == []
    # a binary of some other source package is not matched through openssl's binaries
    other = dataclasses.replace(source, source_name="not-openssl")
    assert index.match([other]) == []


def test_last_affected_is_inclusive(records: list[OsvRecord]) -> None:
    log4j = next(r for r in records if r.id == "GHSA-3pxv-7cmr-fjr4")
    index = VulnIndex([_strip_lists(log4j)])
    package = Package(
        type=PackageType.MAVEN,
        name="org.apache.logging.log4j:log4j-core",
        version="3.0.0-beta3",
        ecosystem="Maven",
    )
    (finding,) = index.match([package])
    assert finding.fixed_versions == ()  # the 3.x range ends in last_affected, no fix
    assert index.match([dataclasses.replace(package, version="3.0.0-beta4")]) == []
    assert index.match([dataclasses.replace(package, version="3.0.0")]) == []
    (finding,) = index.match([dataclasses.replace(package, version="2.25.3")])
    assert finding.fixed_versions == ("2.25.4",)
    assert index.match([dataclasses.replace(package, version="2.25.4")]) == []
    assert index.match([dataclasses.replace(package, version="2.0-alpha1")]) != []
    # Maven: alpha < ... < snapshot < release, and 1.x is another line
    assert index.match([dataclasses.replace(package, version="2.0-SNAPSHOT")]) != []
    assert index.match([dataclasses.replace(package, version="2.0-alpha0")]) == []
    assert index.match([dataclasses.replace(package, version="1.2.17")]) == []


def _strip_lists(record: OsvRecord) -> OsvRecord:
    return dataclasses.replace(
        record, affected=tuple(dataclasses.replace(a, versions=()) for a in record.affected)
    )


def test_limit_events_cap_a_range() -> None:
    # no real record uses `limit`; this one is PYSEC-2023-228's shape with limits added
    record = parse_record(
        {
            "id": "TEST-LIMIT-1",
            "modified": "2024-01-01T00:00:00Z",
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": "pip"},
                    "ranges": [
                        {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"limit": "23.0"}]},
                        {
                            "type": "ECOSYSTEM",
                            "events": [{"introduced": "24.0"}, {"fixed": "24.2"}, {"limit": "*"}],
                        },
                    ],
                }
            ],
        }
    )
    index = VulnIndex([record])
    hit = {
        v: bool(index.match([_pypi("pip", v)]))
        for v in ("1.0", "22.9", "23.0", "23.5", "24.0", "24.1", "24.2")
    }
    assert hit == {
        "1.0": True,
        "22.9": True,
        "23.0": False,
        "23.5": False,
        "24.0": True,
        "24.1": True,
        "24.2": False,
    }


def test_withdrawn_git_only_and_packageless_records_never_match(
    records: list[OsvRecord], index: VulnIndex
) -> None:
    withdrawn = {r.id for r in records if r.is_withdrawn}
    assert withdrawn == {
        "RUSTSEC-2023-0002",
        "RUSTSEC-2025-0007",
        "GO-2025-3543",
        "PYSEC-2022-43059",
        "PYSEC-2023-73",
    }
    probes = [
        _pypi("aiohttp", "3.8.1"),
        _pypi("redis", "4.5.4"),
        Package(
            type=PackageType.GO,
            name="github.com/opencontainers/runc",
            version="v1.2.0",
            ecosystem="Go",
        ),
        Package(type=PackageType.NPM, name="git2", version="0.15.0", ecosystem="crates.io"),
        Package(type=PackageType.NPM, name="ring", version="0.17.0", ecosystem="crates.io"),
    ]
    found = _ids(index.match(probes))
    assert found & withdrawn == set()
    # the same records un-withdrawn do match: the probes are inside their ranges
    revived = [dataclasses.replace(r, withdrawn="") for r in records if r.id in withdrawn]
    assert _ids(VulnIndex(revived).match(probes)) == withdrawn
    # GIT-only and package-less records are not indexed under any package
    git_only = {"CVE-2025-11187", "OSV-2018-389", "OSV-2023-1161"}
    assert {r.id for r in records} >= git_only
    # eight ids come twice (osv-scanner's copies); CVE-2025-11187 has no package
    unique_ids = {r.id for r in records}
    assert len(unique_ids) == len(records) - 8
    assert index.record_count == len(unique_ids) - len(withdrawn) - 1
    boost = Package(type=PackageType.DPKG, name="boost", version="1.70.0", ecosystem="OSS-Fuzz")
    assert index.match([boost]) == []  # its GIT range is ignored; "boost-1.70.0" is listed
    assert _ids(index.match([dataclasses.replace(boost, version="boost-1.70.0")])) == {
        "OSV-2018-389"
    }


def test_invalid_installed_versions_only_match_exact_list_entries(index: VulnIndex) -> None:
    devel = Package(type=PackageType.GO, name="stdlib", version="(devel)", ecosystem="Go")
    assert index.match([devel]) == []
    # paramiko's early release names are not PEP 440, but its records list them verbatim
    odd = _pypi("paramiko", "0.9-eevee")
    assert _ids(index.match([odd])) == {"PYSEC-2008-8", "PYSEC-2018-19", "PYSEC-2022-166"}
    # an unlisted unparsable version cannot be placed in any range
    assert index.match([dataclasses.replace(odd, version="0.9-notarelease")]) == []


def test_one_finding_per_record_and_package_order(index: VulnIndex) -> None:
    packages = [_pypi("pip", "23.0.1"), _pypi("cryptography", "38.0.4")]
    findings = index.match(packages)
    assert [f.package.name for f in findings] == ["pip", "cryptography", "cryptography"]
    assert len({(f.vulnerability_id, key_of(f.package)) for f in findings}) == len(findings)


def test_matching_speed(records: list[OsvRecord], index: VulnIndex) -> None:
    # a realistic inventory: mostly packages no record mentions, some that are
    inventory = [_pypi(f"not-vulnerable-{i}", "1.0") for i in range(900)]
    inventory += [
        _pypi(n, v)
        for n, v in (
            ("pip", "23.0.1"),
            ("django", "3.2.0"),
            ("requests", "2.25.0"),
            ("urllib3", "1.26.5"),
        )
    ] * 25
    start = time.perf_counter()
    for _ in range(20):
        index.match(inventory)
    rate = 20 * len(inventory) / (time.perf_counter() - start)
    # measured ~400k/s on the development machine; the bar leaves room for a busy CI
    assert rate > 20_000
    start = time.perf_counter()
    VulnIndex(records)
    assert time.perf_counter() - start < 5


def test_unsorted_and_overlapping_events(records: list[OsvRecord]) -> None:
    # PYSEC-2018-19 lists `introduced: 1.18.0` after the 2.x events: order comes from
    # sorting, not from the file
    paramiko = _strip_lists(next(r for r in records if r.id == "PYSEC-2018-19"))
    index = VulnIndex([paramiko])
    fixes = {
        v: [f.fixed_versions for f in index.match([_pypi("paramiko", v)])]
        for v in ("1.17.5", "1.17.6", "1.18.2", "1.18.5", "2.0.7", "2.3.2")
    }
    assert fixes == {
        "1.17.5": [("1.17.6",)],
        "1.17.6": [],
        "1.18.2": [("1.18.5",)],
        "1.18.5": [],
        "2.0.7": [("2.0.8",)],
        "2.3.2": [],
    }
    # two introduced events before one fix: the fix closes both
    record = parse_record(
        {
            "id": "TEST-OVERLAP-1",
            "modified": "2024-01-01T00:00:00Z",
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": "x"},
                    "ranges": [
                        {
                            "type": "ECOSYSTEM",
                            "events": [
                                {"introduced": "1.0"},
                                {"introduced": "2.0"},
                                {"fixed": "3.0"},
                            ],
                        }
                    ],
                }
            ],
        }
    )
    index = VulnIndex([record])
    assert [f.fixed_versions for f in index.match([_pypi("x", "1.5")])] == [("3.0",)]
    assert index.match([_pypi("x", "0.9")]) == index.match([_pypi("x", "3.0")]) == []
