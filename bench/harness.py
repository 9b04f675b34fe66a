"""Shared benchmark plumbing: private servers, service subprocesses, result lines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.common.embedded import (  # noqa: E402
    EmbeddedError,
    EmbeddedNats,
    EmbeddedPostgres,
    free_port,
)


def info(message: str) -> None:
    print(message, flush=True)


def result(values: Mapping[str, Any]) -> None:
    """The last line of every benchmark: one JSON object."""
    print(json.dumps(dict(values)), flush=True)


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def postgres(directory: Path) -> Iterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(directory / "pg", durable=False, log_file=directory / "pg.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def nats(directory: Path) -> Iterator[EmbeddedNats]:
    server = EmbeddedNats(directory / "nats", log_file=directory / "nats.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def wait_serving(
    target: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmbeddedError(f"service exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with grpc.insecure_channel(target) as channel:
                reply = health_pb2_grpc.HealthStub(channel).Check(
                    health_pb2.HealthCheckRequest(), timeout=1
                )
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
        except grpc.RpcError:
            pass
        time.sleep(0.2)
    raise EmbeddedError(f"service at {target} not serving after {timeout}s")


@contextmanager
def service_process(
    name: str, env: Mapping[str, str], directory: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Runs `regsieve serve <name>` with `env`; yields its gRPC target."""
    port = free_port()
    log = directory / f"{name}.log"
    full_env = {
        **os.environ,
        "REGSIEVE_GRPC_LISTEN": f"127.0.0.1:{port}",
        "REGSIEVE_METRICS_LISTEN": "off",
        "REGSIEVE_LOG_LEVEL": "warning",
        "REGSIEVE_LOG_FORMAT": "json",
        **env,
    }
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "serve", name],
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    target = f"127.0.0.1:{port}"
    try:
        wait_serving(target, process, log)
        yield target, process
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
