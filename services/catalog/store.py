"""SQL of the catalog schema: registries, manifests, repositories, images and syncs."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from services.catalog.domain import (
    Limits,
    ManifestFacts,
    PlatformEntry,
    RegistrySpec,
    Scope,
    StoredRegistry,
    SyncCounters,
    TagState,
    Tls,
    Webhook,
    spec_part_from_json,
)
from services.common.errors import AlreadyExists, FailedPrecondition, NotFound

ACTIVE_SYNC_STATES = ("PENDING", "RUNNING")


def _uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise NotFound(f"{what} {value!r} not found") from None


def _registry_from_row(row: asyncpg.Record) -> StoredRegistry:
    spec = RegistrySpec(
        name=row["name"],
        type=row["type"],
        url=row["url"],
        enabled=row["enabled"],
        limits=spec_part_from_json(Limits, json.loads(row["limits"])),
        tls=spec_part_from_json(Tls, json.loads(row["tls"])),
        scope=spec_part_from_json(Scope, json.loads(row["scope"])),
        webhook=spec_part_from_json(Webhook, json.loads(row["webhook"])),
        labels=json.loads(row["labels"]),
    )
    return StoredRegistry(
        id=str(row["id"]),
        spec=spec,
        credentials_username=row["credentials_username"],
        has_credentials_secret=row["credentials_secret"] is not None,
        has_webhook_secret=row["webhook_secret"] is not None,
        last_sync_id=str(row["last_sync_id"]) if row["last_sync_id"] else "",
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _dump(value: Any) -> str:
    from dataclasses import asdict, is_dataclass

    return json.dumps(asdict(value) if is_dataclass(value) else value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SyncRow:
    id: str
    registry_id: str
    state: str
    progress: SyncCounters
    error: str
    ref_filter: str
    repository_filter: str
    repositories: tuple[str, ...]
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    cancel_requested: bool


def _sync_from_row(row: asyncpg.Record) -> SyncRow:
    return SyncRow(
        id=str(row["id"]),
        registry_id=str(row["registry_id"]),
        state=row["state"],
        progress=SyncCounters.from_json(json.loads(row["progress"])),
        error=row["error"],
        ref_filter=row["ref_filter"],
        repository_filter=row["repository_filter"],
        repositories=tuple(row["repositories"]),
        created_at=row["created_at"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        cancel_requested=row["cancel_requested"],
    )


@dataclass(frozen=True)
class ImageRow:
    registry_id: str
    repository: str
    tag: str
    digest: str
    media_type: str
    config_digest: str
    created: datetime | None
    platforms: tuple[PlatformEntry, ...]
    first_seen: datetime
    last_seen: datetime
    digest_changed_at: datetime
    removed_at: datetime | None


def _platforms_from_json(raw: str | None) -> tuple[PlatformEntry, ...]:
    if not raw:
        return ()
    out = []
    for p in json.loads(raw):
        created = p.get("created")
        out.append(
            PlatformEntry(
                os=p.get("os", ""),
                architecture=p.get("architecture", ""),
                variant=p.get("variant", ""),
                digest=p.get("digest", ""),
                media_type=p.get("media_type", ""),
                config_digest=p.get("config_digest", ""),
                created=datetime.fromisoformat(created) if created else None,
            )
        )
    return tuple(out)


def platforms_to_json(platforms: Sequence[PlatformEntry]) -> str:
    return json.dumps(
        [
            {
                "os": p.os,
                "architecture": p.architecture,
                "variant": p.variant,
                "digest": p.digest,
                "media_type": p.media_type,
                "config_digest": p.config_digest,
                "created": p.created.isoformat() if p.created else None,
            }
            for p in platforms
        ]
    )


def _image_from_row(row: asyncpg.Record) -> ImageRow:
    return ImageRow(
        registry_id=str(row["registry_id"]),
        repository=row["repository"],
        tag=row["tag"],
        digest=row["digest"],
        media_type=row["media_type"],
        config_digest=row["config_digest"],
        created=row["created"],
        platforms=_platforms_from_json(row["platforms"]),
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        digest_changed_at=row["digest_changed_at"],
        removed_at=row["removed_at"],
    )


_IMAGE_COLUMNS = """i.registry_id, i.repository, i.tag, i.digest, i.media_type, i.config_digest,
    i.created, m.platforms::text AS platforms, i.first_seen, i.last_seen, i.digest_changed_at,
    i.removed_at"""


class CatalogStore:
    """All SQL of the Catalog; one instance per process, sharing the pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    # -- registries ------------------------------------------------------------------

    async def create_registry(
        self,
        spec: RegistrySpec,
        username: str,
        credentials_secret: bytes | None,
        webhook_secret: bytes | None,
    ) -> StoredRegistry:
        try:
            row = await self.pool.fetchrow(
                """INSERT INTO registries (id, name, type, url, enabled, limits, tls, scope,
                       webhook, labels, credentials_username, credentials_secret, webhook_secret)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                   RETURNING *""",
                uuid.uuid4(),
                spec.name,
                spec.type,
                spec.url,
                spec.enabled,
                _dump(spec.limits),
                _dump(spec.tls),
                _dump(spec.scope),
                _dump(spec.webhook),
                json.dumps(spec.labels),
                username,
                credentials_secret,
                webhook_secret,
            )
        except asyncpg.UniqueViolationError:
            raise AlreadyExists(f"a registry named {spec.name!r} already exists") from None
        return _registry_from_row(row)

    async def get_registry(self, registry_id: str) -> StoredRegistry:
        row = await self.pool.fetchrow(
            "SELECT * FROM registries WHERE id = $1", _uuid(registry_id, "registry")
        )
        if row is None:
            raise NotFound(f"registry {registry_id!r} not found")
        return _registry_from_row(row)

    async def get_registry_secrets(self, registry_id: str) -> tuple[bytes | None, bytes | None]:
        row = await self.pool.fetchrow(
            "SELECT credentials_secret, webhook_secret FROM registries WHERE id = $1",
            _uuid(registry_id, "registry"),
        )
        if row is None:
            raise NotFound(f"registry {registry_id!r} not found")
        return row["credentials_secret"], row["webhook_secret"]

    async def list_registries(self, after: str | None, limit: int) -> list[StoredRegistry]:
        rows = await self.pool.fetch(
            "SELECT * FROM registries WHERE $1::text IS NULL OR name > $1 ORDER BY name LIMIT $2",
            after,
            limit,
        )
        return [_registry_from_row(r) for r in rows]

    async def update_registry(
        self,
        registry_id: str,
        spec: RegistrySpec,
        *,
        credentials: tuple[str, bytes | None] | None,
        webhook_secret: bytes | bool | None,
    ) -> StoredRegistry:
        """`credentials` None keeps them; `webhook_secret` False keeps it, None clears it."""
        sets = [
            "name = $2",
            "type = $3",
            "url = $4",
            "enabled = $5",
            "limits = $6",
            "tls = $7",
            "scope = $8",
            "webhook = $9",
            "labels = $10",
            "updated_at = now()",
        ]
        args: list[Any] = [
            _uuid(registry_id, "registry"),
            spec.name,
            spec.type,
            spec.url,
            spec.enabled,
            _dump(spec.limits),
            _dump(spec.tls),
            _dump(spec.scope),
            _dump(spec.webhook),
            json.dumps(spec.labels),
        ]
        if credentials is not None:
            args += [credentials[0], credentials[1]]
            sets += [
                f"credentials_username = ${len(args) - 1}",
                f"credentials_secret = ${len(args)}",
            ]
        if webhook_secret is not False:
            args.append(webhook_secret)
            sets.append(f"webhook_secret = ${len(args)}")
        try:
            row = await self.pool.fetchrow(
                f"UPDATE registries SET {', '.join(sets)} WHERE id = $1 RETURNING *", *args
            )
        except asyncpg.UniqueViolationError:
            raise AlreadyExists(f"a registry named {spec.name!r} already exists") from None
        if row is None:
            raise NotFound(f"registry {registry_id!r} not found")
        return _registry_from_row(row)

    async def delete_registry(self, registry_id: str) -> None:
        result = await self.pool.execute(
            "DELETE FROM registries WHERE id = $1", _uuid(registry_id, "registry")
        )
        if result == "DELETE 0":
            raise NotFound(f"registry {registry_id!r} not found")

    # -- syncs -----------------------------------------------------------------------

    async def create_sync(
        self,
        registry_id: str,
        ref_filter: str,
        repository_filter: str,
        repositories: Sequence[str],
        owner: str,
    ) -> tuple[SyncRow, bool]:
        """Creates a PENDING sync, or returns the active one (created=False)."""
        rid = _uuid(registry_id, "registry")
        async with self.pool.acquire() as conn, conn.transaction():
            try:
                row = await conn.fetchrow(
                    """INSERT INTO syncs (id, registry_id, state, ref_filter, repository_filter,
                           repositories, owner, heartbeat_at, started_at)
                       VALUES ($1, $2, 'PENDING', $3, $4, $5, $6, now(), NULL)
                       RETURNING *""",
                    uuid.uuid4(),
                    rid,
                    ref_filter,
                    repository_filter,
                    list(repositories),
                    owner,
                )
            except asyncpg.UniqueViolationError:
                row = None
            except asyncpg.ForeignKeyViolationError:
                raise NotFound(f"registry {registry_id!r} not found") from None
            if row is None:
                active = await conn.fetchrow(
                    "SELECT * FROM syncs WHERE registry_id = $1 AND state = ANY($2)",
                    rid,
                    list(ACTIVE_SYNC_STATES),
                )
                if active is None:
                    raise FailedPrecondition("a sync just ended; try again")
                return _sync_from_row(active), False
            await conn.execute(
                "UPDATE registries SET last_sync_id = $2 WHERE id = $1", rid, row["id"]
            )
        return _sync_from_row(row), True

    async def get_sync(self, sync_id: str) -> SyncRow:
        row = await self.pool.fetchrow("SELECT * FROM syncs WHERE id = $1", _uuid(sync_id, "sync"))
        if row is None:
            raise NotFound(f"sync {sync_id!r} not found")
        return _sync_from_row(row)

    async def list_syncs(
        self, registry_id: str | None, after: tuple[datetime, str] | None, limit: int
    ) -> list[SyncRow]:
        rows = await self.pool.fetch(
            """SELECT * FROM syncs
               WHERE ($1::uuid IS NULL OR registry_id = $1)
                 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
               ORDER BY created_at DESC, id DESC LIMIT $4""",
            _uuid(registry_id, "registry") if registry_id else None,
            after[0] if after else None,
            uuid.UUID(after[1]) if after else None,
            limit,
        )
        return [_sync_from_row(r) for r in rows]

    async def mark_running(self, sync_id: str) -> None:
        await self.pool.execute(
            """UPDATE syncs SET state = 'RUNNING', started_at = now(), heartbeat_at = now()
               WHERE id = $1 AND state = 'PENDING'""",
            uuid.UUID(sync_id),
        )

    async def save_progress(self, sync_id: str, counters: SyncCounters) -> bool:
        """Stores progress and heartbeat; returns True when a cancel was requested."""
        cancel = await self.pool.fetchval(
            """UPDATE syncs SET progress = $2, heartbeat_at = now() WHERE id = $1
               RETURNING cancel_requested""",
            uuid.UUID(sync_id),
            json.dumps(counters.to_json()),
        )
        return bool(cancel)

    async def finish_sync(
        self, sync_id: str, state: str, counters: SyncCounters, error: str = ""
    ) -> None:
        await self.pool.execute(
            """UPDATE syncs SET state = $2, progress = $3, error = $4, ended_at = now(),
                   heartbeat_at = now() WHERE id = $1""",
            uuid.UUID(sync_id),
            state,
            json.dumps(counters.to_json()),
            error,
        )

    async def request_cancel(self, sync_id: str) -> SyncRow:
        row = await self.pool.fetchrow(
            "UPDATE syncs SET cancel_requested = true WHERE id = $1 RETURNING *",
            _uuid(sync_id, "sync"),
        )
        if row is None:
            raise NotFound(f"sync {sync_id!r} not found")
        return _sync_from_row(row)

    async def fail_stale_syncs(self, stale_after_seconds: float) -> int:
        result = await self.pool.execute(
            """UPDATE syncs SET state = 'FAILED', ended_at = now(),
                   error = 'the Catalog replica running this sync stopped; start a new sync'
               WHERE state = ANY($1) AND heartbeat_at < now() - make_interval(secs => $2)""",
            list(ACTIVE_SYNC_STATES),
            stale_after_seconds,
        )
        return int(result.split()[-1])

    # -- inventory reads -------------------------------------------------------------

    async def load_tag_states(self, registry_id: str) -> dict[tuple[str, str], TagState]:
        rows = await self.pool.fetch(
            "SELECT repository, tag, digest, removed_at IS NOT NULL AS removed FROM images"
            " WHERE registry_id = $1",
            uuid.UUID(registry_id),
        )
        return {(r["repository"], r["tag"]): TagState(r["digest"], r["removed"]) for r in rows}

    async def load_known_manifests(self, registry_id: str) -> list[ManifestFacts]:
        """Manifests this registry's tags point at, with their platform children."""
        rows = await self.pool.fetch(
            """SELECT m.digest, m.media_type, m.config_digest, m.created, m.platforms::text
               FROM manifests m
               WHERE m.digest IN (SELECT DISTINCT digest FROM images WHERE registry_id = $1)""",
            uuid.UUID(registry_id),
        )
        return [_manifest_from_row(r) for r in rows]

    async def get_manifest(self, digest: str) -> ManifestFacts | None:
        row = await self.pool.fetchrow(
            """SELECT digest, media_type, config_digest, created, platforms::text
               FROM manifests WHERE digest = $1""",
            digest,
        )
        return _manifest_from_row(row) if row else None

    async def list_repositories(
        self,
        registry_id: str,
        prefix: str,
        include_removed: bool,
        after: str | None,
        limit: int,
    ) -> list[tuple[str, int, datetime, datetime, datetime | None]]:
        rows = await self.pool.fetch(
            """SELECT r.name, r.first_seen, r.last_seen, r.removed_at,
                      (SELECT count(*) FROM images i WHERE i.registry_id = r.registry_id
                          AND i.repository = r.name AND i.removed_at IS NULL) AS tag_count
               FROM repositories r
               WHERE r.registry_id = $1 AND r.name LIKE $2 || '%'
                 AND ($3 OR r.removed_at IS NULL)
                 AND ($4::text IS NULL OR r.name > $4)
               ORDER BY r.name LIMIT $5""",
            _uuid(registry_id, "registry"),
            _like_escape(prefix),
            include_removed,
            after,
            limit,
        )
        return [
            (r["name"], r["tag_count"], r["first_seen"], r["last_seen"], r["removed_at"])
            for r in rows
        ]

    async def list_images(
        self,
        registry_id: str,
        *,
        repository: str = "",
        repository_prefix: str = "",
        tag_contains: str = "",
        digest: str = "",
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        include_removed: bool = False,
        after: tuple[str, str] | None = None,
        limit: int = 100,
    ) -> list[ImageRow]:
        rows = await self.pool.fetch(
            f"""SELECT {_IMAGE_COLUMNS}
               FROM images i LEFT JOIN manifests m ON m.digest = i.digest
               WHERE i.registry_id = $1
                 AND ($2 = '' OR i.repository = $2)
                 AND ($3 = '' OR i.repository LIKE $3 || '%')
                 AND ($4 = '' OR strpos(i.tag, $4) > 0)
                 AND ($5 = '' OR i.digest = $5)
                 AND ($6::timestamptz IS NULL OR i.created >= $6)
                 AND ($7::timestamptz IS NULL OR i.created < $7)
                 AND ($8 OR i.removed_at IS NULL)
                 AND ($9::text IS NULL OR (i.repository, i.tag) > ($9, $10::text))
               ORDER BY i.repository, i.tag LIMIT $11""",
            _uuid(registry_id, "registry"),
            repository,
            _like_escape(repository_prefix),
            tag_contains,
            digest,
            created_after,
            created_before,
            include_removed,
            after[0] if after else None,
            after[1] if after else None,
            limit,
        )
        return [_image_from_row(r) for r in rows]

    async def get_image(self, registry_id: str, repository: str, tag: str) -> ImageRow | None:
        row = await self.pool.fetchrow(
            f"""SELECT {_IMAGE_COLUMNS}
               FROM images i LEFT JOIN manifests m ON m.digest = i.digest
               WHERE i.registry_id = $1 AND i.repository = $2 AND i.tag = $3""",
            _uuid(registry_id, "registry"),
            repository,
            tag,
        )
        return _image_from_row(row) if row else None

    async def images_by_digest(
        self, registry_id: str, digest: str, repository: str = ""
    ) -> list[ImageRow]:
        rows = await self.pool.fetch(
            f"""SELECT {_IMAGE_COLUMNS}
               FROM images i LEFT JOIN manifests m ON m.digest = i.digest
               WHERE i.registry_id = $1 AND i.digest = $2 AND ($3 = '' OR i.repository = $3)
               ORDER BY i.removed_at IS NOT NULL, i.repository, i.tag LIMIT 1000""",
            _uuid(registry_id, "registry"),
            digest,
            repository,
        )
        return [_image_from_row(r) for r in rows]

    async def stream_images(
        self, registry_id: str, include_removed: bool, batch_size: int
    ) -> AsyncIterator[list[ImageRow]]:
        rid = _uuid(registry_id, "registry")
        async with self.pool.acquire() as conn, conn.transaction(readonly=True):
            cursor = conn.cursor(
                f"""SELECT {_IMAGE_COLUMNS}
                   FROM images i LEFT JOIN manifests m ON m.digest = i.digest
                   WHERE i.registry_id = $1 AND ($2 OR i.removed_at IS NULL)
                   ORDER BY i.repository, i.tag""",
                rid,
                include_removed,
                prefetch=batch_size,
            )
            batch: list[ImageRow] = []
            async for row in cursor:
                batch.append(_image_from_row(row))
                if len(batch) >= batch_size:
                    yield batch
                    batch = []
            if batch:
                yield batch

    async def registry_exists(self, registry_id: str) -> bool:
        return bool(
            await self.pool.fetchval(
                "SELECT true FROM registries WHERE id = $1", _uuid(registry_id, "registry")
            )
        )

    # -- inventory writes (batched) --------------------------------------------------

    async def upsert_manifests(self, manifests: Sequence[ManifestFacts]) -> None:
        if not manifests:
            return
        await self.pool.execute(
            """INSERT INTO manifests (digest, media_type, config_digest, created, platforms)
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[],
                                    $5::jsonb[])
               ON CONFLICT (digest) DO NOTHING""",
            [m.digest for m in manifests],
            [m.media_type for m in manifests],
            [m.config_digest for m in manifests],
            [m.created for m in manifests],
            [platforms_to_json(m.platforms) for m in manifests],
        )

    async def upsert_repositories(
        self, registry_id: str, names: Sequence[str], seen_at: datetime
    ) -> None:
        if not names:
            return
        await self.pool.execute(
            """INSERT INTO repositories (registry_id, name, first_seen, last_seen)
               SELECT $1, n, $3, $3 FROM unnest($2::text[]) AS n
               ON CONFLICT (registry_id, name)
               DO UPDATE SET last_seen = EXCLUDED.last_seen, removed_at = NULL""",
            uuid.UUID(registry_id),
            list(names),
            seen_at,
        )

    async def upsert_tags(
        self,
        registry_id: str,
        tags: Sequence[tuple[str, str, ManifestFacts]],
        seen_at: datetime,
    ) -> None:
        """New or changed tags: (repository, tag, manifest facts)."""
        if not tags:
            return
        await self.pool.execute(
            """INSERT INTO images AS i (registry_id, repository, tag, digest, media_type,
                   config_digest, created, first_seen, last_seen, digest_changed_at)
               SELECT $1, r, t, d, mt, c, cr, $8, $8, $8
               FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                           $7::timestamptz[]) AS u(r, t, d, mt, c, cr)
               ON CONFLICT (registry_id, repository, tag) DO UPDATE SET
                   digest = EXCLUDED.digest,
                   media_type = EXCLUDED.media_type,
                   config_digest = EXCLUDED.config_digest,
                   created = EXCLUDED.created,
                   last_seen = EXCLUDED.last_seen,
                   removed_at = NULL,
                   digest_changed_at = CASE WHEN i.digest = EXCLUDED.digest
                       AND i.removed_at IS NULL THEN i.digest_changed_at
                       ELSE EXCLUDED.digest_changed_at END""",
            uuid.UUID(registry_id),
            [t[0] for t in tags],
            [t[1] for t in tags],
            [t[2].digest for t in tags],
            [t[2].media_type for t in tags],
            [t[2].config_digest for t in tags],
            [t[2].created for t in tags],
            seen_at,
        )

    async def touch_tags(
        self, registry_id: str, tags: Sequence[tuple[str, str]], seen_at: datetime
    ) -> None:
        """Unchanged tags: only last_seen moves."""
        if not tags:
            return
        await self.pool.execute(
            """UPDATE images AS i SET last_seen = $4
               FROM unnest($2::text[], $3::text[]) AS u(r, t)
               WHERE i.registry_id = $1 AND i.repository = u.r AND i.tag = u.t""",
            uuid.UUID(registry_id),
            [t[0] for t in tags],
            [t[1] for t in tags],
            seen_at,
        )

    async def mark_tags_removed(
        self, registry_id: str, tags: Sequence[tuple[str, str]], removed_at: datetime
    ) -> int:
        if not tags:
            return 0
        result = await self.pool.execute(
            """UPDATE images AS i SET removed_at = $4
               FROM unnest($2::text[], $3::text[]) AS u(r, t)
               WHERE i.registry_id = $1 AND i.repository = u.r AND i.tag = u.t
                 AND i.removed_at IS NULL""",
            uuid.UUID(registry_id),
            [t[0] for t in tags],
            [t[1] for t in tags],
            removed_at,
        )
        return int(result.split()[-1])

    async def mark_repositories_removed(
        self, registry_id: str, names: Sequence[str], removed_at: datetime
    ) -> int:
        if not names:
            return 0
        rid = uuid.UUID(registry_id)
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """UPDATE repositories SET removed_at = $3
                   WHERE registry_id = $1 AND name = ANY($2) AND removed_at IS NULL""",
                rid,
                list(names),
                removed_at,
            )
            result = await conn.execute(
                """UPDATE images SET removed_at = $3
                   WHERE registry_id = $1 AND repository = ANY($2) AND removed_at IS NULL""",
                rid,
                list(names),
                removed_at,
            )
        return int(result.split()[-1])

    async def remove_by_digest(
        self, registry_id: str, repository: str, digest: str, removed_at: datetime
    ) -> int:
        result = await self.pool.execute(
            """UPDATE images SET removed_at = $4 WHERE registry_id = $1 AND repository = $2
                 AND digest = $3 AND removed_at IS NULL""",
            _uuid(registry_id, "registry"),
            repository,
            digest,
            removed_at,
        )
        return int(result.split()[-1])


def _manifest_from_row(row: asyncpg.Record) -> ManifestFacts:
    return ManifestFacts(
        digest=row["digest"],
        media_type=row["media_type"],
        config_digest=row["config_digest"],
        created=row["created"],
        platforms=_platforms_from_json(row["platforms"]),
    )


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
