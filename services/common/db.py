"""asyncpg pool per service schema; forward-only SQL migrations under an advisory lock."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

import asyncpg

from services.common.logs import get_logger

log = get_logger("regsieve.db")

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(Exception):
    """A migration failed, or an applied migration's file was edited afterwards."""


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(package: str) -> list[Migration]:
    """Reads `NNNN_name.sql` files of a package in order."""
    found = []
    for entry in resources.files(package).iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(match.group(1), entry.name, entry.read_text()))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"duplicate migration versions in {package}")
    return found


async def migrate(conn: asyncpg.Connection, schema: str, package: str) -> list[str]:
    """Applies pending migrations of `package` into `schema`; returns the names applied.

    Several replicas starting together serialise on a per-schema advisory lock; each
    migration runs in its own transaction and is recorded with its checksum.
    """
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise MigrationError(f"bad schema name {schema!r}")
    migrations = load_migrations(package)
    digest = hashlib.sha256(f"regsieve:{schema}".encode()).digest()
    lock_key = int.from_bytes(digest[:8], "big", signed=True)
    await conn.execute("SELECT pg_advisory_lock($1)", lock_key)
    applied_now: list[str] = []
    try:
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        await conn.execute(
            f"""CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
                    version text PRIMARY KEY,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        rows = await conn.fetch(f"SELECT version, checksum FROM {schema}.schema_migrations")
        applied = {r["version"]: r["checksum"] for r in rows}
        for migration in migrations:
            if migration.version in applied:
                if applied[migration.version] != migration.checksum:
                    raise MigrationError(
                        f"{schema}: applied migration {migration.name} was edited; "
                        "migrations are forward-only, add a new one instead"
                    )
                continue
            async with conn.transaction():
                await conn.execute(f"SET LOCAL search_path TO {schema}, public")
                await conn.execute(migration.sql)
                await conn.execute(
                    f"INSERT INTO {schema}.schema_migrations (version, name, checksum)"
                    " VALUES ($1, $2, $3)",
                    migration.version,
                    migration.name,
                    migration.checksum,
                )
            applied_now.append(migration.name)
            log.info("db.migration_applied", schema=schema, migration=migration.name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", lock_key)
    return applied_now


async def _reset(conn: asyncpg.Connection) -> None:
    """Returned connections only need an abandoned transaction rolled back: services keep no
    session state (no LISTEN, no session advisory locks, no SET), and asyncpg's default
    reset costs one more round trip per query."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


async def create_pool(
    dsn: str, schema: str, *, service: str, max_size: int = 10, min_size: int = 1
) -> asyncpg.Pool:
    """A pool whose connections resolve unqualified names in the service's own schema."""
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        server_settings={
            "search_path": f"{schema}, public",
            "application_name": f"regsieve-{service}",
        },
        command_timeout=120,
        reset=_reset,
    )
    assert pool is not None
    return pool


async def open_database(
    dsn: str, schema: str, package: str, *, service: str, max_size: int = 10
) -> asyncpg.Pool:
    """Migrates the schema, then returns a pool on it."""
    conn = await asyncpg.connect(dsn)
    try:
        await migrate(conn, schema, package)
    finally:
        await conn.close()
    return await create_pool(dsn, schema, service=service, max_size=max_size)
