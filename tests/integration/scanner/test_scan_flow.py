"""A real image through the scanner: inventory, findings, reuse, re-match without pulling."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from regsieve.v1 import events_pb2
from regsieve.v1 import scanner_pb2 as pb
from services.common.registry.client import RegistryClient
from tests.integration.scanner.conftest import VULNDB, ScannerHandle
from tests.support.images import ImageSpec, layer, push_image
from tests.support.registry import RunningRegistry

PYTHON_DATA = Path(__file__).resolve().parents[2] / "data" / "scanner" / "python"


def dpkg_ground_truth() -> set[tuple[str, str]]:
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${db:Status-Abbrev}|${Package}|${Version}\n"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line.split("|") for line in out.splitlines()]
    return {(p, v) for status, p, v in rows if status.startswith("ii")}


def real_files() -> tuple[dict[str, bytes], dict[str, bytes]]:
    base = {
        "etc/os-release": Path("/etc/os-release").read_bytes(),
        "var/lib/dpkg/status": Path("/var/lib/dpkg/status").read_bytes(),
    }
    python = {}
    for dist in ("pip-23.2.1", "setuptools-65.5.0"):
        python[f"usr/local/lib/python3.11/site-packages/{dist}.dist-info/METADATA"] = (
            PYTHON_DATA / f"{dist}.METADATA"
        ).read_bytes()
    return base, python


async def push_real_image(registry: RunningRegistry) -> str:
    base, python = real_files()
    async with RegistryClient(registry.url) as client:
        return await push_image(
            client,
            "team/app",
            ["1.0"],
            ImageSpec([layer(base), layer(python)], created=datetime(2025, 1, 1, tzinfo=UTC)),
        )


async def test_scan_then_rematch_without_registry_traffic(
    registry: RunningRegistry, scanner: ScannerHandle
) -> None:
    digest = await push_real_image(registry)
    imported = await scanner.stub.ImportVulnerabilities(
        pb.ImportVulnerabilitiesRequest(directory=str(VULNDB / "pypi"))
    )
    assert getattr(imported, "import").records_added > 300
    created = await scanner.catalog.create_registry("local", registry.url)

    queued = await scanner.stub.ScanImage(
        pb.ScanImageRequest(registry_id=created.id, repository="team/app", tag="1.0")
    )
    assert queued.scan.digest == digest
    [result] = await scanner.results(1)
    assert result.outcome == 1, result.failure_reason
    assert result.digest == digest and not result.reused_inventory

    report = (
        await scanner.stub.GetImageReport(
            pb.GetImageReportRequest(image=pb.ImageSelector(digest=digest))
        )
    ).report
    assert report.os_ecosystem == "Debian:12"
    debs = {(p.name, p.version) for p in report.packages if p.type == "deb"}
    assert debs == dpkg_ground_truth()
    pypi = {(p.name, p.version) for p in report.packages if p.type == "pypi"}
    assert pypi == {("pip", "23.2.1"), ("setuptools", "65.5.0")}
    ids = {f.vulnerability_id for f in report.findings}
    assert {"PYSEC-2023-228", "PYSEC-2022-43012"} <= ids
    sbom = json.loads(
        (
            await scanner.stub.GetSbom(pb.GetSbomRequest(image=pb.ImageSelector(digest=digest)))
        ).cyclonedx_json
    )
    assert len(sbom["components"]) == len(report.packages) + 1

    # the same digest again: nothing is pulled
    mark = registry.log_mark()
    await scanner.stub.ScanImage(
        pb.ScanImageRequest(registry_id=created.id, repository="team/app", digest=digest)
    )
    results = await scanner.results(2)
    assert results[1].reused_inventory
    assert [
        r for r in registry.requests()[mark:] if "/blobs/" in r[1] or "/manifests/" in r[1]
    ] == []

    # a new record for a package in the image: re-matched from the stored inventory only
    mark = registry.log_mark()
    openssl = next(p for p in report.packages if p.type == "deb" and p.name == "openssl")
    record_dir = registry.root / "minted"
    record_dir.mkdir()
    (record_dir / "DSA-TEST-1.json").write_text(
        json.dumps(
            {
                "id": "DSA-TEST-1",
                "modified": "2026-11-01T00:00:00Z",
                "aliases": ["CVE-2099-0001"],
                "summary": "minted Debian 12 record for the re-match test",
                "affected": [
                    {
                        "package": {
                            "ecosystem": "Debian:12",
                            "name": openssl.source_name or "openssl",
                        },
                        "ranges": [
                            {
                                "type": "ECOSYSTEM",
                                "events": [{"introduced": "0"}, {"fixed": "99:9"}],
                            }
                        ],
                    }
                ],
            }
        )
    )
    second = getattr(
        await scanner.stub.ImportVulnerabilities(
            pb.ImportVulnerabilitiesRequest(directory=str(record_dir))
        ),
        "import",
    )
    assert second.records_added == 1
    assert second.images_rematched == 1 and second.images_changed == 1
    assert registry.requests()[mark:] == []
    affected = await scanner.stub.ListAffectedImages(
        pb.ListAffectedImagesRequest(vulnerability_id="CVE-2099-0001")
    )
    assert [i.digest for i in affected.images] == [digest]
    js = scanner.nats.jetstream()
    sub = await js.subscribe("regsieve.findings.changed", ordered_consumer=True)
    event = events_pb2.FindingsChanged.FromString((await sub.next_msg(timeout=10)).data)
    await sub.unsubscribe()
    assert event.digest == digest and event.import_id == second.id
    assert event.id == f"{digest}:{second.id}"
    # every binary package built from the openssl source package is affected
    source = openssl.source_name or "openssl"
    expected = {
        p.name for p in report.packages if p.type == "deb" and (p.source_name or p.name) == source
    }
    assert {c.vulnerability_id for c in event.added} == {"DSA-TEST-1"}
    assert {c.package_name for c in event.added} == expected
    changes = await scanner.stub.ListFindingChanges(pb.ListFindingChangesRequest(digest=digest))
    assert any(
        c.finding.vulnerability_id == "DSA-TEST-1" and c.import_id == second.id
        for c in changes.changes
    )
