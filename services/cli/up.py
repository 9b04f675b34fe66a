"""`regsieve up`: embedded PostgreSQL and NATS, then every service, supervised until Ctrl-C."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.cli.catalogue import SERVICES, ServiceEntry
from services.common.config import DATABASE_URL, INTERNAL_TOKEN, NATS_URL
from services.common.embedded import EmbeddedError, EmbeddedNats, EmbeddedPostgres, port_open
from services.common.secrets import generate_key

SECRET_KEY_VAR = "REGSIEVE_SECRET_KEY"
RESTART_LIMIT = 5  # restarts of one service within RESTART_WINDOW_S before giving up
RESTART_WINDOW_S = 60.0


def default_data_dir() -> Path:
    if os.geteuid() == 0:
        return Path("/var/lib/regsieve")
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "regsieve"


def _read_or_create(path: Path, make: object) -> str:
    if path.exists():
        return path.read_text().strip()
    value = make() if callable(make) else str(make)
    path.write_text(value + "\n")
    path.chmod(0o600)
    return str(value)


def _target_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "[::]", "") else host


@dataclass
class Child:
    entry: ServiceEntry
    port: int
    metrics_port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    restarts: list[float] = field(default_factory=list)

    def spawn(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "serve", self.entry.name],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()


class Stack:
    """The whole system on one machine."""

    def __init__(
        self,
        data_dir: Path,
        *,
        host: str = "127.0.0.1",
        port_offset: int = 0,
        services: list[str] | None = None,
        env: Mapping[str, str] | None = None,
        out: TextIO | None = None,
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.host = host
        self.port_offset = port_offset
        self.names = services or list(SERVICES)
        self.base_env = dict(env if env is not None else os.environ)
        self.out = out or sys.stdout
        self.postgres: EmbeddedPostgres | None = None
        self.nats: EmbeddedNats | None = None
        self.children: list[Child] = []
        self._stopping = False

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o755)
        logs = self.data_dir / "logs"
        logs.mkdir(exist_ok=True)
        env = dict(self.base_env)
        if not env.get(DATABASE_URL.name):
            self.postgres = EmbeddedPostgres(
                self.data_dir / "postgres", log_file=logs / "postgres.log"
            )
            self.postgres.start()
            env[DATABASE_URL.name] = self.postgres.dsn
            self.say(f"postgres   {self.postgres.dsn}  (embedded, {self.data_dir / 'postgres'})")
        else:
            self.say("postgres   from REGSIEVE_DATABASE_URL")
        if not env.get(NATS_URL.name):
            self.nats = EmbeddedNats(self.data_dir / "nats", log_file=logs / "nats.log")
            self.nats.start()
            env[NATS_URL.name] = self.nats.url
            self.say(
                f"nats       {self.nats.url}  (embedded, JetStream in {self.data_dir / 'nats'})"
            )
        else:
            self.say("nats       from REGSIEVE_NATS_URL")
        if not env.get(SECRET_KEY_VAR):
            env[SECRET_KEY_VAR] = _read_or_create(self.data_dir / "secret.key", generate_key)
        if not env.get(INTERNAL_TOKEN.name):
            env[INTERNAL_TOKEN.name] = _read_or_create(
                self.data_dir / "internal.token", lambda: secrets.token_urlsafe(32)
            )
        target_host = _target_host(self.host)
        for name, entry in SERVICES.items():
            env[f"REGSIEVE_{name.upper()}_TARGET"] = (
                f"{target_host}:{entry.port + self.port_offset}"
            )
        for name in self.names:
            entry = SERVICES[name]
            port = entry.port + self.port_offset
            metrics_port = (
                9100 + (entry.port - 50050) + self.port_offset if entry.protocol == "grpc" else port
            )
            for needed in (port, metrics_port) if entry.protocol == "grpc" else (port,):
                if port_open(needed, target_host):
                    raise EmbeddedError(
                        f"port {needed} for {name} is in use; stop what uses it or pass"
                        " --port-offset"
                    )
            child_env = dict(env)
            child_env[entry.listen_var] = f"{self.host}:{port}"
            if entry.protocol == "grpc":
                child_env["REGSIEVE_METRICS_LISTEN"] = f"{self.host}:{metrics_port}"
            child_env.setdefault("REGSIEVE_LOG_FORMAT", "json")
            child = Child(entry, port, metrics_port, child_env, logs / f"{name}.log")
            child.spawn()
            self.children.append(child)
        for child in self.children:
            self._wait_healthy(child)
            self.say(
                f"{child.entry.name:<10} {child.entry.protocol}://{target_host}:{child.port}"
                f"  metrics http://{target_host}:{child.metrics_port}/metrics"
                f"  log {child.log_path}"
            )
        self.say("regsieve is up; Ctrl-C stops it")

    def _wait_healthy(self, child: Child, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        target = f"{_target_host(self.host)}:{child.port}"
        while time.monotonic() < deadline:
            assert child.process is not None
            if child.process.poll() is not None:
                tail = child.log_path.read_text(errors="replace")[-2000:]
                raise EmbeddedError(f"{child.entry.name} exited while starting:\n{tail}")
            if child.entry.protocol == "grpc" and _grpc_serving(target):
                return
            if child.entry.protocol == "http" and _http_ready(target):
                return
            time.sleep(0.2)
        raise EmbeddedError(f"{child.entry.name} did not become healthy within {timeout:.0f}s")

    def supervise(self) -> None:
        """Restarts crashed services (with a limit) until stop() is called."""
        while not self._stopping:
            time.sleep(0.5)
            for child in self.children:
                assert child.process is not None
                code = child.process.poll()
                if code is None or self._stopping:
                    continue
                now = time.monotonic()
                child.restarts = [t for t in child.restarts if now - t < RESTART_WINDOW_S]
                if len(child.restarts) >= RESTART_LIMIT:
                    self.say(f"{child.entry.name} keeps crashing (see {child.log_path}); stopping")
                    self._stopping = True
                    break
                child.restarts.append(now)
                self.say(f"{child.entry.name} exited with code {code}; restarting")
                child.spawn()

    def stop(self) -> None:
        self._stopping = True
        for child in self.children:
            if child.process and child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        for child in self.children:
            if child.process:
                try:
                    child.process.wait(30)
                except subprocess.TimeoutExpired:
                    child.process.kill()
                    child.process.wait()
        if self.nats:
            self.nats.stop()
        if self.postgres:
            self.postgres.stop()
        self.say("regsieve stopped")


def _grpc_serving(target: str) -> bool:
    try:
        with grpc.insecure_channel(target) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1.0)
            return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)
    except grpc.RpcError:
        return False


def _http_ready(target: str) -> bool:
    """An http service is ready when GET /readyz answers 200 (the gateway: NATS connected)."""
    try:
        with urllib.request.urlopen(f"http://{target}/readyz", timeout=1.0) as reply:
            return bool(reply.status == 200)
    except (OSError, ValueError):
        return False


def run_up(data_dir: Path, host: str, port_offset: int, services: list[str] | None) -> int:
    stack = Stack(data_dir, host=host, port_offset=port_offset, services=services)

    def on_signal(signum: int, frame: object) -> None:
        stack._stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        stack.start()
        stack.supervise()
    except EmbeddedError as exc:
        print(f"regsieve up: {exc}", file=sys.stderr)
        stack.stop()
        return 1
    stack.stop()
    return 0
