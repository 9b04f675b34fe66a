"""Fixtures starting real servers on free ports: PostgreSQL, NATS (JetStream), docker-registry."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from services.common.embedded import EmbeddedNats, EmbeddedPostgres
from tests.support.registry import RunningRegistry, registry_available


def _scratch_base() -> Path:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm
    return Path(tempfile.gettempdir())


@pytest.fixture(scope="session")
def scratch() -> Iterator[Path]:
    """A world-traversable scratch directory on tmpfs for the servers' data."""
    root = Path(tempfile.mkdtemp(prefix="regsieve-tests-", dir=_scratch_base()))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres(scratch: Path) -> Iterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(scratch / "postgres", durable=False, log_file=scratch / "pg.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def database_url(postgres: EmbeddedPostgres) -> AsyncIterator[str]:
    """A fresh, empty database for one test."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = postgres.dsn.rsplit("/", 1)[0] + "/postgres"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    yield postgres.dsn.rsplit("/", 1)[0] + f"/{name}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture
def nats_factory(scratch: Path) -> Iterator[Callable[[], EmbeddedNats]]:
    """Starts private NATS servers (JetStream on tmpfs); all are stopped after the test."""
    started: list[EmbeddedNats] = []

    def start() -> EmbeddedNats:
        directory = scratch / f"nats-{uuid.uuid4().hex[:8]}"
        server = EmbeddedNats(directory, log_file=directory.with_suffix(".log"))
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def nats_server(nats_factory: Callable[[], EmbeddedNats]) -> EmbeddedNats:
    return nats_factory()


@pytest.fixture
def registry_factory(scratch: Path) -> Iterator[Callable[..., RunningRegistry]]:
    """Starts real docker-registry processes (storage on tmpfs), stopped after the test."""
    if not registry_available():
        pytest.fail("docker-registry is not installed (apt-get install docker-registry)")
    started: list[RunningRegistry] = []

    def start(**kwargs: Any) -> RunningRegistry:
        registry = RunningRegistry(scratch / f"registry-{uuid.uuid4().hex[:8]}", **kwargs)
        registry.start()
        started.append(registry)
        return registry

    yield start
    for registry in started:
        registry.stop()
        shutil.rmtree(registry.root, ignore_errors=True)


@pytest.fixture
def registry(registry_factory: Callable[..., RunningRegistry]) -> RunningRegistry:
    return registry_factory()
