"""Multi-platform images: the configured platform is scanned; a missing one is a clear failure."""

from __future__ import annotations

from regsieve.v1 import common_pb2
from regsieve.v1 import scanner_pb2 as pb
from services.common.registry.client import RegistryClient
from tests.integration.scanner.conftest import ScannerHandle
from tests.support.images import ImageSpec, layer, push_index
from tests.support.registry import RunningRegistry


def alpine(version: str, arch_file: str) -> dict[str, bytes]:
    return {
        "etc/os-release": f"ID=alpine\nVERSION_ID={version}\n".encode(),
        "lib/apk/db/installed": f"P:{arch_file}\nV:1.0-r0\no:{arch_file}\n\n".encode(),
    }


async def test_index_scans_the_default_platform_only(
    registry: RunningRegistry, scanner: ScannerHandle
) -> None:
    async with RegistryClient(registry.url) as client:
        index, children = await push_index(
            client,
            "multi/app",
            ["1"],
            [
                ImageSpec([layer(alpine("3.19.1", "amd64-only"))]),
                ImageSpec(
                    [layer(alpine("3.19.1", "arm64-only"))], architecture="arm64", variant="v8"
                ),
            ],
        )
        arm_only, _ = await push_index(
            client,
            "multi/arm",
            ["1"],
            [
                ImageSpec(
                    [layer(alpine("3.19.1", "arm64-only"))], architecture="arm64", variant="v8"
                ),
            ],
        )
    created = await scanner.catalog.create_registry("multi", registry.url)
    first = await scanner.stub.ScanImage(
        pb.ScanImageRequest(registry_id=created.id, repository="multi/app", tag="1")
    )
    second = await scanner.stub.ScanImage(
        pb.ScanImageRequest(registry_id=created.id, repository="multi/arm", digest=arm_only)
    )
    await scanner.results(2)
    assert first.scan.digest == index
    report = (
        await scanner.stub.GetImageReport(
            pb.GetImageReportRequest(image=pb.ImageSelector(digest=index))
        )
    ).report
    assert list(report.platform_digests) == [children[0]]
    assert [p.name for p in report.packages] == ["amd64-only"]
    # another platform of the same index is pulled, not taken from the amd64 inventory
    await scanner.stub.ScanImage(
        pb.ScanImageRequest(
            registry_id=created.id,
            repository="multi/app",
            digest=index,
            platforms=[common_pb2.Platform(os="linux", architecture="arm64")],
        )
    )
    results = await scanner.results(3)
    assert not results[2].reused_inventory
    arm = (
        await scanner.stub.GetImageReport(
            pb.GetImageReportRequest(image=pb.ImageSelector(digest=index))
        )
    ).report
    assert list(arm.platform_digests) == [children[1]]
    assert [p.name for p in arm.packages] == ["arm64-only"]
    failed = (await scanner.stub.GetScan(pb.GetScanRequest(id=second.scan.id))).scan
    assert failed.state == pb.SCAN_STATE_FAILED
    assert failed.failure_code == "NO_MATCHING_PLATFORM"
    assert "linux/arm64/v8" in failed.failure_reason
