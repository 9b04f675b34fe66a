"""SQL of the rules schema: rule sets and their revisions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from services.common.errors import Aborted, AlreadyExists, NotFound
from services.rules.domain import CreationWindow, LatestN, LatestOrder, RuleSet, TimeUnit


@dataclass(frozen=True, slots=True)
class StoredRuleSet:
    """One revision of a stored rule set with its timestamps."""

    rule_set: RuleSet
    created_at: datetime  # of the rule set (its first revision)
    updated_at: datetime  # of this revision


class RevisionConflict(Aborted):
    """The rule set moved on since the revision an update was based on."""

    def __init__(self, rule_set_id: str, expected: int, current: int) -> None:
        super().__init__(
            f"rule set {rule_set_id} is at revision {current}, not {expected}",
            metadata={"current_revision": str(current)},
        )
        self.current = current


def _uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise NotFound(f"{what} {value!r} not found") from None


_COLUMNS = """s.id, s.registry_id, s.created_at AS set_created_at, r.revision, r.name,
    r.description, r.pull_patterns, r.always_pull, r.never_pull, r.window_amount,
    r.window_unit, r.latest_count, r.latest_order, r.platforms, r.enabled,
    r.created_at AS revision_created_at"""


def _from_row(row: asyncpg.Record) -> StoredRuleSet:
    window = None
    if row["window_amount"] is not None:
        window = CreationWindow(row["window_amount"], TimeUnit(row["window_unit"]))
    latest = None
    if row["latest_count"] is not None:
        latest = LatestN(row["latest_count"], LatestOrder(row["latest_order"]))
    rule_set = RuleSet(
        id=str(row["id"]),
        registry_id=row["registry_id"],
        name=row["name"],
        revision=row["revision"],
        pull_patterns=tuple(row["pull_patterns"]),
        always_pull=tuple(row["always_pull"]),
        never_pull=tuple(row["never_pull"]),
        creation_window=window,
        latest_n=latest,
        platforms=tuple(row["platforms"]),
        enabled=row["enabled"],
        description=row["description"],
    )
    return StoredRuleSet(rule_set, row["set_created_at"], row["revision_created_at"])


def _revision_values(rule_set: RuleSet) -> list[Any]:
    window, latest = rule_set.creation_window, rule_set.latest_n
    return [
        rule_set.name,
        rule_set.description,
        list(rule_set.pull_patterns),
        list(rule_set.always_pull),
        list(rule_set.never_pull),
        window.amount if window else None,
        window.unit.value if window else None,
        latest.count if latest else None,
        latest.order.value if latest else None,
        list(rule_set.platforms),
        rule_set.enabled,
    ]


_INSERT_REVISION = """INSERT INTO rule_set_revisions (rule_set_id, revision, name, description,
        pull_patterns, always_pull, never_pull, window_amount, window_unit, latest_count,
        latest_order, platforms, enabled, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"""


class RulesStore:
    """All SQL of the Rules service; one instance per process, sharing the pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def create(self, rule_set: RuleSet) -> StoredRuleSet:
        """Stores revision 1 of a new rule set (its id is assigned here)."""
        rule_set_id = uuid.uuid4()
        async with self.pool.acquire() as conn, conn.transaction():
            now = await conn.fetchval("SELECT now()")
            try:
                await conn.execute(
                    """INSERT INTO rule_sets (id, registry_id, name, current_revision,
                           created_at, updated_at)
                       VALUES ($1, $2, $3, 1, $4, $4)""",
                    rule_set_id,
                    rule_set.registry_id,
                    rule_set.name,
                    now,
                )
            except asyncpg.UniqueViolationError:
                raise AlreadyExists(
                    f"registry {rule_set.registry_id} already has a rule set named"
                    f" {rule_set.name!r}"
                ) from None
            await conn.execute(_INSERT_REVISION, rule_set_id, 1, *_revision_values(rule_set), now)
        return await self.get(str(rule_set_id))

    async def get(self, rule_set_id: str, revision: int = 0) -> StoredRuleSet:
        """The current revision, or `revision`; NotFound for an unknown id or revision."""
        row = await self.pool.fetchrow(
            f"""SELECT {_COLUMNS} FROM rule_sets s
               JOIN rule_set_revisions r ON r.rule_set_id = s.id
                   AND r.revision = CASE WHEN $2 = 0 THEN s.current_revision ELSE $2 END
               WHERE s.id = $1""",
            _uuid(rule_set_id, "rule set"),
            revision,
        )
        if row is None:
            if revision and await self.exists(rule_set_id):
                raise NotFound(f"rule set {rule_set_id} has no revision {revision}")
            raise NotFound(f"rule set {rule_set_id!r} not found")
        return _from_row(row)

    async def exists(self, rule_set_id: str) -> bool:
        return bool(
            await self.pool.fetchval(
                "SELECT true FROM rule_sets WHERE id = $1", _uuid(rule_set_id, "rule set")
            )
        )

    async def list_rule_sets(
        self, registry_id: str | None, after: tuple[str, str] | None, limit: int
    ) -> list[StoredRuleSet]:
        """Current revisions ordered by (registry id, name), after the keyset cursor."""
        rows = await self.pool.fetch(
            f"""SELECT {_COLUMNS} FROM rule_sets s
               JOIN rule_set_revisions r ON r.rule_set_id = s.id
                   AND r.revision = s.current_revision
               WHERE ($1::text IS NULL OR s.registry_id = $1)
                 AND ($2::text IS NULL OR (s.registry_id, s.name) > ($2, $3::text))
               ORDER BY s.registry_id, s.name LIMIT $4""",
            registry_id,
            after[0] if after else None,
            after[1] if after else None,
            limit,
        )
        return [_from_row(r) for r in rows]

    async def list_revisions(
        self, rule_set_id: str, before: int | None, limit: int
    ) -> list[StoredRuleSet]:
        """Revisions newest first, those below `before` when given."""
        rows = await self.pool.fetch(
            f"""SELECT {_COLUMNS} FROM rule_sets s
               JOIN rule_set_revisions r ON r.rule_set_id = s.id
               WHERE s.id = $1 AND ($2::bigint IS NULL OR r.revision < $2)
               ORDER BY r.revision DESC LIMIT $3""",
            _uuid(rule_set_id, "rule set"),
            before,
            limit,
        )
        if not rows and not await self.exists(rule_set_id):
            raise NotFound(f"rule set {rule_set_id!r} not found")
        return [_from_row(r) for r in rows]

    async def save_revision(self, rule_set: RuleSet, base_revision: int) -> StoredRuleSet:
        """Stores `rule_set` as revision `base_revision + 1`.

        Raises RevisionConflict when the current revision is no longer `base_revision`.
        """
        rule_set_id = _uuid(rule_set.id, "rule set")
        async with self.pool.acquire() as conn, conn.transaction():
            current = await conn.fetchval(
                "SELECT current_revision FROM rule_sets WHERE id = $1 FOR UPDATE", rule_set_id
            )
            if current is None:
                raise NotFound(f"rule set {rule_set.id!r} not found")
            if current != base_revision:
                raise RevisionConflict(rule_set.id, base_revision, current)
            now = await conn.fetchval("SELECT now()")
            try:
                await conn.execute(
                    """UPDATE rule_sets SET name = $2, current_revision = $3, updated_at = $4
                       WHERE id = $1""",
                    rule_set_id,
                    rule_set.name,
                    current + 1,
                    now,
                )
            except asyncpg.UniqueViolationError:
                raise AlreadyExists(
                    f"registry {rule_set.registry_id} already has a rule set named"
                    f" {rule_set.name!r}"
                ) from None
            await conn.execute(
                _INSERT_REVISION, rule_set_id, current + 1, *_revision_values(rule_set), now
            )
        return await self.get(rule_set.id, current + 1)

    async def delete(self, rule_set_id: str) -> None:
        result = await self.pool.execute(
            "DELETE FROM rule_sets WHERE id = $1", _uuid(rule_set_id, "rule set")
        )
        if result == "DELETE 0":
            raise NotFound(f"rule set {rule_set_id!r} not found")

    async def delete_registry(self, registry_id: str) -> int:
        """Deletes every rule set of a registry (the Catalog no longer has it)."""
        result = await self.pool.execute(
            "DELETE FROM rule_sets WHERE registry_id = $1", registry_id
        )
        return int(result.split()[-1])

    async def registry_ids(self) -> list[str]:
        """Registries that have rule sets."""
        rows = await self.pool.fetch("SELECT DISTINCT registry_id FROM rule_sets ORDER BY 1")
        return [r["registry_id"] for r in rows]
