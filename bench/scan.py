"""Benchmark: the scanner end to end, against `gzip -dc`, and the re-match after an import.

Own docker-registry, PostgreSQL, NATS, Catalog and Scanner (separate processes), in one run:
(a) images sharing a handful of realistic base layers, each with one small unique layer:
    images per second through the queue, from publishing the requests to the last result;
(b) images with unique layers: MB/s of uncompressed layer scanned, against `gzip -dc` of the
    same layer files;
(c) stored inventories, then an import of new OSV records touching their packages: the
    re-match time and the registry requests it made (must be 0).
Last line: the JSON result.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import io
import json
import random
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path

import asyncpg
import grpc
import nats
from nats.aio.client import Client as NatsClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import info, postgres, result, scratch_dir, service_process
from bench.harness import nats as nats_server
from regsieve.v1 import catalog_pb2, catalog_pb2_grpc, events_pb2, scanner_pb2, scanner_pb2_grpc
from services.common import messaging
from services.common.registry.client import RegistryClient
from services.common.secrets import generate_key
from services.scanner.findings import package_id, package_set_id
from services.scanner.inventory import Package, PackageType
from services.scanner.store import package_to_dict
from services.scanner.vulndb.keys import key_of
from tests.support.images import ImageSpec, Layer, layer, push_image
from tests.support.registry import RunningRegistry

SITE_DIRS = [Path(p) for p in sys.path if p.endswith("site-packages")]


def tar_directory(root: Path, prefix: str, limit_bytes: int, pattern: str = "*") -> bytes:
    """A tar of real files under `root` (up to `limit_bytes` of content)."""
    buffer = io.BytesIO()
    total = 0
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in sorted(root.rglob(pattern)):
            if not path.is_file() or path.is_symlink():
                continue
            size = path.stat().st_size
            if total + size > limit_bytes:
                break
            tar.add(path, arcname=f"{prefix}/{path.relative_to(root)}", recursive=False)
            total += size
    return buffer.getvalue()


def real_layer(raw: bytes) -> Layer:
    return Layer(
        raw,
        gzip.compress(raw, compresslevel=6, mtime=0),
        "application/vnd.oci.image.layer.v1.tar+gzip",
    )


def base_layers() -> list[list[Layer]]:
    """A handful of realistic bases: Debian with its dpkg database, plus Python and Node stacks."""
    debian = layer(
        {
            "etc/os-release": Path("/etc/os-release").read_bytes(),
            "var/lib/dpkg/status": Path("/var/lib/dpkg/status").read_bytes(),
        }
    )
    libs = real_layer(
        tar_directory(
            Path("/usr/lib/x86_64-linux-gnu"), "usr/lib/x86_64-linux-gnu", 12 * 1024 * 1024, "*.so*"
        )
    )
    python_root = next((p for p in SITE_DIRS if p.is_dir()), None)
    python = (
        real_layer(
            tar_directory(python_root, "usr/local/lib/python3.11/site-packages", 8 * 1024 * 1024)
        )
        if python_root
        else layer({})
    )
    node_root = Path("/usr/lib/node_modules/npm")
    node = (
        real_layer(tar_directory(node_root, "usr/lib/node_modules/npm", 8 * 1024 * 1024))
        if node_root.is_dir()
        else layer({})
    )
    return [[debian, libs], [debian, libs, python], [debian, libs, node], [debian, python, node]]


async def push_shared_images(registry: RunningRegistry, count: int) -> list[tuple[str, str]]:
    bases = base_layers()
    repositories = [f"shop/service-{i}" for i in range(10)]
    out = []
    async with RegistryClient(registry.url) as client:
        for i in range(count):
            unique = layer(
                {
                    f"srv/app/{i}/main.py": f"print({i})\n".encode() * 50,
                    f"srv/app/{i}/package.json": json.dumps(
                        {"name": f"app-{i}", "version": f"1.0.{i}"}
                    ).encode(),
                }
            )
            repository = repositories[i % len(repositories)]
            spec = ImageSpec([*bases[i % len(bases)], unique])
            out.append((repository, await push_image(client, repository, [f"build-{i}"], spec)))
    return out


async def push_unique_images(
    registry: RunningRegistry, count: int
) -> tuple[list[tuple[str, str]], list[bytes]]:
    """Images whose layers nothing else shares: real files, different per image."""
    roots = [
        p
        for p in (
            Path("/usr/lib/x86_64-linux-gnu"),
            Path("/usr/share"),
            Path("/usr/lib/python3"),
            Path("/usr/lib/jvm"),
            Path("/usr/bin"),
        )
        if p.is_dir()
    ]
    out, blobs = [], []
    async with RegistryClient(registry.url) as client:
        for i in range(count):
            root = roots[i % len(roots)]
            raw = tar_directory(root, f"data{i}", 48 * 1024 * 1024)
            lyr = real_layer(raw)
            blobs.append(lyr.blob)
            digest = await push_image(client, f"unique/image-{i}", ["1"], ImageSpec([lyr]))
            out.append((f"unique/image-{i}", digest))
    return out, blobs


async def run_scans(
    js: object,
    registry_id: str,
    images: list[tuple[str, str]],
    lane: str,
    client: NatsClient,
) -> float:
    """Publishes one scan request per image and waits for every result; returns seconds."""
    ids = set()
    sub = await client.jetstream().subscribe(
        "regsieve.scan.*",
        stream="REGSIEVE_SCAN_RESULTS",
        deliver_policy=nats.js.api.DeliverPolicy.NEW,
    )
    started = time.perf_counter()
    for repository, digest in images:
        request = events_pb2.ScanRequest(
            id=f"bench-{uuid.uuid4().hex}",
            registry_id=registry_id,
            repository=repository,
            digest=digest,
            lane=events_pb2.SCAN_LANE_SWEEP,
        )
        ids.add(request.id)
        await messaging.publish(js, messaging.scan_requested_subject(lane), request, request.id)  # type: ignore[arg-type]
    failures = []
    async for msg in sub.messages:
        scan = events_pb2.ScanResult.FromString(msg.data)
        await msg.ack()
        if scan.request_id in ids:
            ids.discard(scan.request_id)
            if scan.outcome != events_pb2.SCAN_OUTCOME_SUCCEEDED:
                failures.append(f"{scan.repository}: {scan.failure_code} {scan.failure_reason}")
        if not ids:
            break
    elapsed = time.perf_counter() - started
    await sub.unsubscribe()
    if failures:
        raise SystemExit("scans failed: " + "; ".join(failures[:5]))
    return elapsed


def gzip_seconds(blobs: list[bytes], directory: Path) -> tuple[float, int]:
    """`gzip -dc` over the same layer files; returns (seconds, uncompressed bytes)."""
    paths = []
    for i, blob in enumerate(blobs):
        path = directory / f"layer-{i}.tar.gz"
        path.write_bytes(blob)
        paths.append(path)
    started = time.perf_counter()
    total = 0
    for path in paths:
        out = subprocess.run(["gzip", "-dc", str(path)], capture_output=True, check=True)
        total += len(out.stdout)
    return time.perf_counter() - started, total


def installed_dpkg() -> list[tuple[str, str, str]]:
    """(package, version, source) of this machine's dpkg database."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}|${Version}|${source:Package}\n"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (parts[0], parts[1], parts[2])
        for parts in (line.split("|") for line in out.splitlines())
        if len(parts) == 3
    ]


def synthetic_inventory(
    rng: random.Random, bases: list[list[Package]], libraries: list[Package]
) -> list[Package]:
    """A realistic image: one of a few OS bases plus a handful of application libraries."""
    return [*rng.choice(bases), *rng.sample(libraries, 8)]


async def seed_inventories(
    dsn: str, count: int, rng: random.Random, dpkg: list[tuple[str, str, str]]
) -> None:
    """Stores `count` inventories directly (the state a fleet of scans leaves behind)."""
    bases = [
        [
            Package(
                PackageType.DPKG,
                name,
                version,
                "Debian:12",
                source_name=source or name,
                source_version=version,
            )
            for name, version, source in rng.sample(dpkg, min(150, len(dpkg)))
        ]
        for _ in range(20)
    ]
    libraries = [
        Package(
            PackageType.PYTHON,
            f"lib{n}",
            f"1.{v}.0",
            "PyPI",
            path=f"usr/lib/python3/site-packages/lib{n}-1.{v}.0.dist-info/METADATA",
        )
        for n in range(300)
        for v in range(4)
    ]
    packages: dict[str, Package] = {}
    sets: list[tuple[str, int]] = []
    members: list[tuple[str, int, str, str, str]] = []
    inventories: list[tuple[object, ...]] = []
    known_sets: set[str] = set()
    for _ in range(count):
        contents = synthetic_inventory(rng, bases, libraries)
        ids = [package_id(p) for p in contents]
        for pid, package in zip(ids, contents, strict=True):
            packages.setdefault(pid, package)
        set_id = package_set_id(
            (pid, p.path, p.layer) for pid, p in zip(ids, contents, strict=True)
        )
        if set_id not in known_sets:
            known_sets.add(set_id)
            sets.append((set_id, len(contents)))
            members.extend(
                (set_id, position, pid, p.path, p.layer)
                for position, (pid, p) in enumerate(zip(ids, contents, strict=True))
            )
        digest = "sha256:" + uuid.uuid4().hex * 2
        inventories.append(
            (digest, "bench", set_id, [], "Debian GNU/Linux 12", "Debian:12", len(contents))
        )
    conn = await asyncpg.connect(dsn, server_settings={"search_path": "scanner"})
    try:
        await conn.copy_records_to_table(
            "packages",
            records=[
                (
                    pid,
                    *key_of(p),
                    json.dumps(
                        {k: v for k, v in package_to_dict(p).items() if k not in ("path", "layer")}
                    ),
                )
                for pid, p in packages.items()
            ],
            columns=["id", "key_ecosystem", "key_name", "package"],
        )
        await conn.copy_records_to_table(
            "package_sets", records=sets, columns=["id", "package_count"]
        )
        await conn.copy_records_to_table(
            "package_set_members",
            records=members,
            columns=["set_id", "position", "package_id", "path", "layer"],
        )
        await conn.copy_records_to_table(
            "inventories",
            records=inventories,
            columns=[
                "digest",
                "analyzer_version",
                "package_set_id",
                "platform_digests",
                "os_name",
                "os_ecosystem",
                "package_count",
            ],
        )
    finally:
        await conn.close()


def minted_records(dpkg: list[tuple[str, str, str]], count: int, directory: Path) -> Path:
    """`count` OSV records for Debian:12 source packages found in the inventories."""
    rng = random.Random(7)
    sources = sorted({source or name for name, _, source in dpkg})
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        name = sources[i % len(sources)]
        record = {
            "id": f"BENCH-DEB-{i:04d}",
            "modified": "2026-11-20T00:00:00Z",
            "aliases": [f"CVE-2099-{i:05d}"],
            "summary": "benchmark record",
            "affected": [
                {
                    "package": {"ecosystem": "Debian:12", "name": name},
                    "ranges": [
                        {
                            "type": "ECOSYSTEM",
                            "events": [
                                {"introduced": "0"},
                                {"fixed": "99:9" if rng.random() < 0.5 else "0:0.1"},
                            ],
                        }
                    ],
                }
            ],
        }
        (directory / f"{record['id']}.json").write_text(json.dumps(record))
    return directory


async def run(args: argparse.Namespace, directory: Path) -> dict[str, float | int]:
    registry = RunningRegistry(directory / "registry", access_log=True, log_level="error")
    registry.start()
    try:
        with postgres(directory) as pg, nats_server(directory) as bus:
            env = {
                "REGSIEVE_DATABASE_URL": pg.dsn,
                "REGSIEVE_NATS_URL": bus.url,
                "REGSIEVE_SECRET_KEY": generate_key(),
                "REGSIEVE_INTERNAL_TOKEN": "bench",
            }
            with service_process("catalog", env, directory) as (catalog_target, _):
                scanner_env = {
                    "REGSIEVE_LOG_LEVEL": "info",
                    **env,
                    "REGSIEVE_CATALOG_TARGET": catalog_target,
                    "REGSIEVE_SCANNER_CONCURRENCY": str(args.concurrency),
                }
                with service_process("scanner", scanner_env, directory) as (scanner_target, _):
                    return await measure(
                        args, directory, registry, pg.dsn, bus.url, catalog_target, scanner_target
                    )
    finally:
        registry.stop()


async def measure(
    args: argparse.Namespace,
    directory: Path,
    registry: RunningRegistry,
    dsn: str,
    nats_url: str,
    catalog_target: str,
    scanner_target: str,
) -> dict[str, float | int]:
    async with grpc.aio.insecure_channel(catalog_target) as channel:
        created = await catalog_pb2_grpc.CatalogServiceStub(channel).CreateRegistry(
            catalog_pb2.CreateRegistryRequest(
                registry=catalog_pb2.Registry(
                    name="bench",
                    type=catalog_pb2.REGISTRY_TYPE_DISTRIBUTION,
                    url=registry.url,
                    enabled=True,
                    limits=catalog_pb2.RegistryLimits(max_concurrency=32),
                )
            )
        )
    registry_id = created.registry.id
    client = await nats.connect(nats_url)
    js = client.jetstream()
    try:
        started = time.perf_counter()
        shared = await push_shared_images(registry, args.images)
        pushed_s = time.perf_counter() - started
        info(f"pushed {len(shared)} images sharing base layers in {pushed_s:.1f}s")
        shared_s = await run_scans(js, registry_id, shared, "sweep", client)
        info(f"(a) scanned {len(shared)} images in {shared_s:.2f}s")

        unique, blobs = await push_unique_images(registry, args.unique)
        unique_s = await run_scans(js, registry_id, unique, "sweep", client)
        gzip_s, uncompressed = gzip_seconds(blobs, directory)
        mib = uncompressed / 1024 / 1024
        info(
            f"(b) {len(unique)} unique images, {mib:.0f} MiB uncompressed: scanned in "
            f"{unique_s:.2f}s, gzip -dc in {gzip_s:.2f}s"
        )

        rng = random.Random(11)
        dpkg = installed_dpkg()
        await seed_inventories(dsn, args.inventories, rng, dpkg)
        records = minted_records(dpkg, args.records, directory / "records")
        mark = registry.log_mark()
        async with grpc.aio.insecure_channel(scanner_target) as channel:
            started = time.perf_counter()
            reply = await scanner_pb2_grpc.ScannerServiceStub(channel).ImportVulnerabilities(
                scanner_pb2.ImportVulnerabilitiesRequest(directory=str(records)), timeout=600
            )
            rematch_s = time.perf_counter() - started
        imported = getattr(reply, "import")
        registry_requests = len(registry.requests()[mark:])
        info(
            f"(c) import of {imported.records_added} records: {imported.images_rematched} images "
            f"re-matched, {imported.images_changed} changed, in {rematch_s:.2f}s; "
            f"{registry_requests} registry requests"
        )
    finally:
        await client.close()
    if args.log:
        for line in (directory / "scanner.log").read_text().splitlines():
            if "vulndb.imported" in line:
                info(line)
    return {
        "shared_images": len(shared),
        "shared_images_per_s": round(len(shared) / shared_s, 1),
        "unique_mb_per_s": round(mib / unique_s, 1),
        "gzip_mb_per_s": round(mib / gzip_s, 1),
        "unique_ratio": round(gzip_s / unique_s, 3),
        "inventories": args.inventories,
        "rematch_s": round(rematch_s, 3),
        "rematch_registry_requests": registry_requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--unique", type=int, default=6)
    parser.add_argument("--inventories", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="small sizes, for the test suite")
    parser.add_argument("--log", action="store_true", help="print the scanner's log at the end")
    args = parser.parse_args()
    if args.quick:
        args.images, args.unique, args.inventories, args.records = 40, 2, 300, 40
    with scratch_dir("regsieve-bench-scan-") as directory:
        values = asyncio.run(run(args, directory))
    result(values)


if __name__ == "__main__":
    main()
