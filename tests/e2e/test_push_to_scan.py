"""The whole flow on `regsieve up`: a push to a real registry is announced to the gateway,
dispatched by the scheduler under the rules, and scanned; an excluded push is skipped with
its reason."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import grpc

from regsieve.v1 import (
    catalog_pb2,
    catalog_pb2_grpc,
    rules_pb2,
    rules_pb2_grpc,
    scanner_pb2,
    scanner_pb2_grpc,
    scheduler_pb2,
    scheduler_pb2_grpc,
)
from services.common.embedded import free_port
from services.common.registry.client import RegistryClient
from tests.e2e.test_up import start_up, stop_up
from tests.support.images import ImageSpec, layer, push_image
from tests.support.registry import RunningRegistry

VULNDB = Path(__file__).resolve().parents[1] / "data" / "vulndb" / "pypi"
PIP_METADATA = (
    Path(__file__).resolve().parents[1] / "data" / "scanner" / "python" / "pip-23.2.1.METADATA"
)
PIP_PATH = "usr/local/lib/python3.11/site-packages/pip-23.2.1.dist-info/METADATA"
SECRET = "Bearer e2e-webhook-secret"


async def wait_for(check: Any, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = await check()
            if result:
                return result
        except grpc.aio.AioRpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND:
                raise
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.3)


async def test_push_is_scanned_and_excluded_push_is_explained(scratch: Path) -> None:
    process, offset = start_up(scratch / "e2e-data", scratch / "e2e.log")
    channels: list[grpc.aio.Channel] = []
    try:

        def stub(kind: Any, port: int) -> Any:
            channel = grpc.aio.insecure_channel(f"127.0.0.1:{port + offset}")
            channels.append(channel)
            return kind(channel)

        catalog = stub(catalog_pb2_grpc.CatalogServiceStub, 50051)
        rules = stub(rules_pb2_grpc.RulesServiceStub, 50052)
        scheduler = stub(scheduler_pb2_grpc.SchedulerServiceStub, 50053)
        scanner = stub(scanner_pb2_grpc.ScannerServiceStub, 50054)
        await scanner.ImportVulnerabilities(
            scanner_pb2.ImportVulnerabilitiesRequest(directory=str(VULNDB))
        )

        port = free_port()
        created = (
            await catalog.CreateRegistry(
                catalog_pb2.CreateRegistryRequest(
                    registry=catalog_pb2.Registry(
                        name="e2e",
                        type=catalog_pb2.REGISTRY_TYPE_DISTRIBUTION,
                        url=f"http://127.0.0.1:{port}",
                        enabled=True,
                        webhook=catalog_pb2.WebhookSettings(secret=SECRET),
                    )
                )
            )
        ).registry
        await rules.CreateRuleSet(
            rules_pb2.CreateRuleSetRequest(
                rule_set=rules_pb2.RuleSet(
                    registry_id=created.id,
                    name="prod",
                    pull_patterns=["team/"],
                    never_pull=[":unstable"],
                )
            )
        )
        gateway = f"http://127.0.0.1:{8080 + offset}"
        registry = RunningRegistry(
            scratch / "e2e-registry",
            port=port,
            notifications={
                "endpoints": [
                    {
                        "name": "regsieve",
                        "url": f"{gateway}/v1/webhooks/{created.id}",
                        "headers": {"Authorization": [SECRET]},
                        "timeout": "2s",
                        "threshold": 1,
                        "backoff": "200ms",
                        "ignore": {"actions": ["pull"], "mediatypes": ["application/octet-stream"]},
                    }
                ]
            },
        ).start()
        try:
            image = ImageSpec(
                [
                    layer({"etc/os-release": b'ID=debian\nVERSION_ID="12"\n'}),
                    layer({PIP_PATH: PIP_METADATA.read_bytes()}),
                ]
            )
            async with RegistryClient(registry.url) as client:
                digest = await push_image(client, "team/api", ["1.0"], image)
                await push_image(
                    client,
                    "team/api",
                    ["nightly-unstable"],
                    ImageSpec([layer({"etc/os-release": b"ID=alpine\nVERSION_ID=3.19.0\n"})]),
                )

            async def scanned() -> Any:
                scans = await scanner.ListScans(scanner_pb2.ListScansRequest(digest=digest))
                done = [s for s in scans.scans if s.state == scanner_pb2.SCAN_STATE_SUCCEEDED]
                return done[0] if done else None

            scan = await wait_for(scanned)
            assert scan.repository == "team/api" and scan.tag == "1.0"
            report = (
                await scanner.GetImageReport(
                    scanner_pb2.GetImageReportRequest(
                        image=scanner_pb2.ImageSelector(
                            registry_id=created.id, repository="team/api", tag="1.0"
                        )
                    )
                )
            ).report
            assert report.os_ecosystem == "Debian:12"
            assert any(f.vulnerability_id == "PYSEC-2023-228" for f in report.findings)

            async def skipped() -> Any:
                decisions = await scheduler.ListEventDecisions(
                    scheduler_pb2.ListEventDecisionsRequest(
                        registry_id=created.id,
                        outcome=scheduler_pb2.EVENT_DECISION_OUTCOME_SKIPPED,
                    )
                )
                return [d for d in decisions.decisions if d.tag == "nightly-unstable"]

            [decision] = await wait_for(skipped)
            assert "never_pull" in decision.reason, json.dumps(str(decision))
        finally:
            registry.stop()
    finally:
        for channel in channels:
            await channel.close()
        stop_up(process)
