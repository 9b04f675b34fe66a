"""Broken images fail one scan with a recorded reason; transient faults are retried."""

from __future__ import annotations

import gzip
import io
import tarfile
from collections.abc import Callable
from pathlib import Path

import bcrypt

from regsieve.v1 import catalog_pb2
from regsieve.v1 import scanner_pb2 as pb
from services.common.registry.client import RegistryClient
from tests.integration.scanner.conftest import ScannerHandle
from tests.support.fault_proxy import Fault, FaultProxy
from tests.support.images import ImageSpec, Layer, layer, push_image, tar_of
from tests.support.registry import RunningRegistry

OS_RELEASE = {"etc/os-release": b'ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n'}


def raw_layer(blob: bytes, tar: bytes, media_type: str) -> Layer:
    return Layer(tar=tar, blob=blob, media_type=media_type)


async def scan_and_wait(
    scanner: ScannerHandle, registry_id: str, repository: str, digest: str, expected_results: int
) -> pb.Scan:
    queued = await scanner.stub.ScanImage(
        pb.ScanImageRequest(registry_id=registry_id, repository=repository, digest=digest)
    )
    await scanner.results(expected_results, timeout=90)
    return (await scanner.stub.GetScan(pb.GetScanRequest(id=queued.scan.id))).scan


def hostile_tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, content in [
            ("../escape.txt", b"x"),
            ("/abs/path.txt", b"y"),
            ("etc/os-release", OS_RELEASE["etc/os-release"]),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        link = tarfile.TarInfo("lib/apk/db/installed")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/shadow"
        tar.addfile(link)
    return buffer.getvalue()


async def test_broken_images_fail_with_reasons(
    registry: RunningRegistry, scanner: ScannerHandle
) -> None:
    created = await scanner.catalog.create_registry("local", registry.url)
    good = layer(OS_RELEASE)
    images: dict[str, str] = {}
    async with RegistryClient(registry.url) as client:
        truncated = gzip.compress(b"\0" * 100_000)[:-40]
        images["truncated"] = await push_image(
            client,
            "bad/truncated",
            ["1"],
            ImageSpec(
                [
                    good,
                    raw_layer(
                        truncated, b"\0" * 100_000, "application/vnd.oci.image.layer.v1.tar+gzip"
                    ),
                ]
            ),
        )
        unknown = layer({"a": b"b"})
        images["unknown"] = await push_image(
            client,
            "bad/unknown",
            ["1"],
            ImageSpec([raw_layer(unknown.blob, unknown.tar, "application/vnd.example.mystery")]),
        )
        bomb_tar = tarfile_bytes({"var/big.img": b"\0" * (80 * 1024 * 1024)})
        images["bomb"] = await push_image(
            client,
            "bad/bomb",
            ["1"],
            ImageSpec(
                [
                    raw_layer(
                        gzip.compress(bomb_tar, compresslevel=1),
                        bomb_tar,
                        "application/vnd.oci.image.layer.v1.tar+gzip",
                    )
                ]
            ),
        )
        tampered = layer({"etc/tampered": b"original content"})
        images["tampered"] = await push_image(client, "bad/tampered", ["1"], ImageSpec([tampered]))
        hostile = hostile_tar()
        images["hostile"] = await push_image(
            client,
            "odd/hostile",
            ["1"],
            ImageSpec(
                [
                    raw_layer(
                        gzip.compress(hostile),
                        hostile,
                        "application/vnd.oci.image.layer.v1.tar+gzip",
                    )
                ]
            ),
        )
    # corrupt the stored bytes behind the registry's back: it serves them under the old digest
    data = (
        registry.storage
        / "docker/registry/v2/blobs/sha256"
        / tampered.digest[7:9]
        / tampered.digest[7:]
        / "data"
    )
    data.write_bytes(gzip.compress(tarfile_bytes({"etc/tampered": b"evil content!!!!"})))
    missing = "sha256:" + "0" * 64

    expected = {
        "truncated": "CORRUPT_LAYER",
        "unknown": "UNSUPPORTED_MEDIA_TYPE",
        "bomb": "LAYER_TOO_LARGE",
        "tampered": "DIGEST_MISMATCH",
        "missing": "MANIFEST_UNKNOWN",
    }
    repositories = {
        "truncated": "bad/truncated",
        "unknown": "bad/unknown",
        "bomb": "bad/bomb",
        "tampered": "bad/tampered",
        "missing": "bad/missing",
        "hostile": "odd/hostile",
    }
    images["missing"] = missing
    for done, name in enumerate([*expected, "hostile"], start=1):
        scan = await scan_and_wait(scanner, created.id, repositories[name], images[name], done)
        if name == "hostile":
            assert scan.state == pb.SCAN_STATE_SUCCEEDED, scan.failure_reason
        else:
            assert scan.state == pb.SCAN_STATE_FAILED, name
            assert scan.failure_code.startswith(expected[name]), (name, scan.failure_code)
            assert scan.failure_reason
    report = await scanner.stub.GetImageReport(
        pb.GetImageReportRequest(image=pb.ImageSelector(digest=images["hostile"]))
    )
    assert report.report.os_ecosystem == "Alpine:v3.19"
    assert not report.report.packages
    # the service keeps serving
    status = await scanner.stub.GetDatabaseStatus(pb.GetDatabaseStatusRequest())
    assert status.inventories == 1


def tarfile_bytes(files: dict[str, bytes]) -> bytes:
    return tar_of(files)


async def test_auth_denied_is_permanent(
    registry_factory: Callable[..., RunningRegistry], scanner: ScannerHandle, scratch: Path
) -> None:
    hashed = bcrypt.hashpw(b"right", bcrypt.gensalt(rounds=4)).decode()
    (scratch / "htpasswd-scan").write_text(f"ci:{hashed}\n")
    registry = registry_factory(
        auth={"htpasswd": {"realm": "t", "path": str(scratch / "htpasswd-scan")}}
    )
    from services.common.registry.auth import RegistryCredentials

    async with RegistryClient(registry.url, RegistryCredentials("ci", "right")) as client:
        digest = await push_image(client, "private/app", ["1"], ImageSpec([layer(OS_RELEASE)]))
    created = await scanner.catalog.create_registry(
        "private",
        registry.url,
        credentials=catalog_pb2.Credentials(username="ci", password="wrong"),
    )
    scan = await scan_and_wait(scanner, created.id, "private/app", digest, 1)
    assert scan.state == pb.SCAN_STATE_FAILED
    assert scan.failure_code == "UNAUTHORIZED"
    assert scan.attempts == 1


async def test_transient_failures_are_retried_with_backoff(
    registry: RunningRegistry, scanner: ScannerHandle
) -> None:
    lyr = layer({**OS_RELEASE, "lib/apk/db/installed": b"P:musl\nV:1.2.4-r2\no:musl\n\n"})
    async with RegistryClient(registry.url) as client:
        digest = await push_image(client, "flaky/app", ["1"], ImageSpec([lyr]))
    # more 503s than one delivery's HTTP retries: the request is nak'ed and redelivered
    proxy = await FaultProxy(registry.url, faults=[Fault(lyr.digest[7:], 503, 6)]).start()
    try:
        created = await scanner.catalog.create_registry("flaky", proxy.url)
        scan = await scan_and_wait(scanner, created.id, "flaky/app", digest, 1)
    finally:
        await proxy.stop()
    assert scan.state == pb.SCAN_STATE_SUCCEEDED, scan.failure_reason
    assert scan.attempts == 2
    report = await scanner.stub.GetImageReport(
        pb.GetImageReportRequest(image=pb.ImageSelector(digest=digest))
    )
    assert [(p.name, p.version) for p in report.report.packages] == [("musl", "1.2.4-r2")]
