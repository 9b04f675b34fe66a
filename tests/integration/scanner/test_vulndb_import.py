"""Vulnerability imports: all.zip over HTTP through the CLI, upserts by modified, withdrawals."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

from aiohttp import web

from regsieve.v1 import scanner_pb2 as pb
from services.common.embedded import free_port
from tests.integration.scanner.conftest import VULNDB, ScannerHandle

ROOT = Path(__file__).resolve().parents[3]


def zipped(records: dict[str, dict[str, object]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, record in records.items():
            archive.writestr(f"{name}.json", json.dumps(record))
    return buffer.getvalue()


async def serve_bytes(body: bytes) -> tuple[web.AppRunner, str]:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/zip")

    app = web.Application()
    app.router.add_get("/PyPI/all.zip", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}/PyPI/all.zip"


async def cli_import(scanner_target: str, source: str) -> dict[str, Any]:
    """`regsieve vulndb import` as an operator runs it (the scanner answers in this loop)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.cli.main",
        "vulndb",
        "import",
        source,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "REGSIEVE_SCANNER_TARGET": scanner_target},
        cwd=ROOT,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, (out + err).decode()
    return dict(json.loads(out))


async def test_zip_over_http_then_updates_and_withdrawals(
    scanner: ScannerHandle, tmp_path: Path
) -> None:
    records = {
        p.stem: json.loads(p.read_text()) for p in sorted((VULNDB / "pypi").glob("*.json"))[:40]
    }
    runner, url = await serve_bytes(zipped(records))
    try:
        first = await cli_import(scanner.target, url)
        assert int(first["records_added"]) == len(records)
        assert first["source"] == url
        again = await cli_import(scanner.target, url)
        assert int(again["records_unchanged"]) == len(records)
        assert "records_added" not in again  # proto3 JSON leaves zero counters out
    finally:
        await runner.cleanup()

    victim_id, victim = next(iter(records.items()))
    withdrawn = {**victim, "modified": "2099-01-01T00:00:00Z", "withdrawn": "2099-01-01T00:00:00Z"}
    (tmp_path / f"{victim_id}.json").write_text(json.dumps(withdrawn))
    third = getattr(
        await scanner.stub.ImportVulnerabilities(
            pb.ImportVulnerabilitiesRequest(directory=str(tmp_path))
        ),
        "import",
    )
    assert third.records_updated == 1 and third.records_withdrawn == 1
    status = await scanner.stub.GetDatabaseStatus(pb.GetDatabaseStatusRequest())
    assert status.withdrawn_records >= 1
    assert status.last_import.id == third.id
    stored = (
        await scanner.stub.GetVulnerability(pb.GetVulnerabilityRequest(id=victim_id))
    ).vulnerability
    assert stored.HasField("withdraw_time")
