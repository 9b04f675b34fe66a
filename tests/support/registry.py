"""Runs a real CNCF Distribution registry (Debian's docker-registry) on a free port."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from services.common.embedded import EmbeddedError, free_port, wait_for_port

REGISTRY_BINARY = "/usr/bin/docker-registry"
_ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<uri>\S+) HTTP/[\d.]+" (?P<status>\d{3})')


def registry_available() -> bool:
    return Path(REGISTRY_BINARY).exists() or shutil.which("docker-registry") is not None


@dataclass
class RunningRegistry:
    """A docker-registry process with its own storage under `root` (tmpfs in tests)."""

    root: Path
    auth: dict[str, Any] | None = None
    notifications: dict[str, Any] | None = None
    access_log: bool = True
    log_level: str = "info"
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.root / "registry.log"

    @property
    def storage(self) -> Path:
        return self.root / "storage"

    def config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "version": 0.1,
            "log": {
                "level": self.log_level,
                "formatter": "text",
                "accesslog": {"disabled": not self.access_log},
            },
            "storage": {
                "filesystem": {"rootdirectory": str(self.storage)},
                "delete": {"enabled": True},
                "maintenance": {"uploadpurging": {"enabled": False}},
            },
            "http": {"addr": f"127.0.0.1:{self.port}", "secret": secrets.token_hex(16)},
        }
        if self.auth:
            config["auth"] = self.auth
        if self.notifications:
            config["notifications"] = self.notifications
        return config

    def start(self, timeout: float = 20.0) -> RunningRegistry:
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        config_path = self.root / "config.yml"
        config_path.write_text(yaml.safe_dump(self.config()))
        binary = REGISTRY_BINARY if Path(REGISTRY_BINARY).exists() else "docker-registry"
        env = {**os.environ, "GOGC": "400"}
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child
        self.process = subprocess.Popen(
            [binary, "serve", str(config_path)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        log.close()
        try:
            wait_for_port(self.port, self.process, timeout, "docker-registry")
        except EmbeddedError:
            raise EmbeddedError(
                "docker-registry failed to start:\n" + self.log_path.read_text()[-3000:]
            ) from None
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def requests(self) -> list[tuple[str, str, int]]:
        """(method, uri, status) of every request in the access log so far."""
        time.sleep(0.05)  # the registry writes the access line just after responding
        out = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            match = _ACCESS_LINE.search(line)
            if match:
                out.append((match["method"], match["uri"], int(match["status"])))
        return out

    def log_mark(self) -> int:
        return len(self.requests())
