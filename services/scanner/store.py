"""SQL of the scanner schema: layer cache, inventories, findings, scans, vulnerabilities."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from services.common.errors import NotFound
from services.scanner.findings import (
    ImageFinding,
    PackageFinding,
    SeverityCounts,
    diff_findings,
)
from services.scanner.inventory import Package, PackageType
from services.scanner.vulndb.imports import StoredRecord
from services.scanner.vulndb.keys import Key, key_of


def package_to_dict(package: Package) -> dict[str, Any]:
    return {
        "type": package.type.value,
        "name": package.name,
        "version": package.version,
        "ecosystem": package.ecosystem,
        "source_name": package.source_name,
        "source_version": package.source_version,
        "path": package.path,
        "layer": package.layer,
        "arch": package.arch,
        "licenses": list(package.licenses),
        "purl": package.purl,
    }


def package_from_dict(data: dict[str, Any]) -> Package:
    return Package(
        type=PackageType(data["type"]),
        name=data["name"],
        version=data["version"],
        ecosystem=data.get("ecosystem", ""),
        source_name=data.get("source_name", ""),
        source_version=data.get("source_version", ""),
        path=data.get("path", ""),
        layer=data.get("layer", ""),
        arch=data.get("arch", ""),
        licenses=tuple(data.get("licenses") or ()),
        purl=data.get("purl", ""),
    )


@dataclass(frozen=True)
class InventoryMeta:
    digest: str
    analyzer_version: str
    package_set_id: str
    platform_digests: tuple[str, ...]
    platforms: str
    os_name: str
    os_ecosystem: str
    package_count: int
    created_at: datetime
    matched_at: datetime


@dataclass(frozen=True)
class ScanRow:
    id: str
    registry_id: str
    repository: str
    tag: str
    digest: str
    lane: str
    job_id: str
    state: str
    failure_code: str
    failure_reason: str
    attempts: int
    reused_inventory: bool
    findings_by_severity: dict[str, int]
    created_at: datetime
    completed_at: datetime | None


def _scan(row: asyncpg.Record) -> ScanRow:
    return ScanRow(
        id=row["id"],
        registry_id=row["registry_id"],
        repository=row["repository"],
        tag=row["tag"],
        digest=row["digest"],
        lane=row["lane"],
        job_id=row["job_id"],
        state=row["state"],
        failure_code=row["failure_code"],
        failure_reason=row["failure_reason"],
        attempts=row["attempts"],
        reused_inventory=row["reused_inventory"],
        findings_by_severity=json.loads(row["findings_by_severity"]),
        created_at=row["created_at"],
        completed_at=row["completed_at"],
    )


_PF_COLUMNS = """package_id, vulnerability_id, aliases, fixed_versions, severity,
    severity_rank, cvss_score, summary, first_seen"""
_PF_COLUMNS_F = """f.package_id, f.vulnerability_id, f.aliases, f.fixed_versions, f.severity,
    f.severity_rank, f.cvss_score, f.summary, f.first_seen"""


def _package_finding(row: asyncpg.Record) -> PackageFinding:
    return PackageFinding(
        package_id=row["package_id"],
        vulnerability_id=row["vulnerability_id"],
        aliases=tuple(row["aliases"]),
        fixed_versions=tuple(row["fixed_versions"]),
        severity=row["severity"],
        severity_rank=row["severity_rank"],
        cvss_score=row["cvss_score"],
        summary=row["summary"],
        first_seen=row["first_seen"],
    )


def _image_finding(row: asyncpg.Record) -> ImageFinding:
    finding = _package_finding(row)
    return ImageFinding(
        digest=row["digest"],
        package=_package(row["package"], row["path"], row["layer"]),
        position=row["position"],
        finding=PackageFinding(
            **{
                **{k: getattr(finding, k) for k in finding.__dataclass_fields__},
                "first_seen": row["seen"],
            }
        ),
    )


def _identity_dict(package: Package) -> dict[str, Any]:
    data = package_to_dict(package)
    data.pop("path")
    data.pop("layer")
    return data


def _package(raw: str, path: str, layer: str) -> Package:
    data = json.loads(raw)
    data["path"] = path
    data["layer"] = layer
    return package_from_dict(data)


class ScannerStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    # -- layer cache -----------------------------------------------------------------

    async def get_layer(self, diff_id: str, version: str) -> bytes | None:
        value = await self.pool.fetchval(
            "SELECT analysis FROM layer_analyses WHERE diff_id = $1 AND analyzer_version = $2",
            diff_id,
            version,
        )
        return bytes(value) if value is not None else None

    async def put_layer(self, diff_id: str, version: str, analysis: bytes) -> None:
        await self.pool.execute(
            """INSERT INTO layer_analyses (diff_id, analyzer_version, analysis)
               VALUES ($1, $2, $3) ON CONFLICT DO NOTHING""",
            diff_id,
            version,
            analysis,
        )

    async def claim_layer(self, diff_id: str, version: str, owner: str, ttl_s: float) -> bool:
        """True when this owner may analyse the layer (no live claim by another replica)."""
        got = await self.pool.fetchval(
            """INSERT INTO layer_claims (diff_id, analyzer_version, owner, expires_at)
               VALUES ($1, $2, $3, now() + make_interval(secs => $4))
               ON CONFLICT (diff_id, analyzer_version) DO UPDATE
                 SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
                 WHERE layer_claims.expires_at < now() OR layer_claims.owner = EXCLUDED.owner
               RETURNING owner""",
            diff_id,
            version,
            owner,
            ttl_s,
        )
        return got == owner

    async def release_layer(self, diff_id: str, version: str, owner: str) -> None:
        await self.pool.execute(
            "DELETE FROM layer_claims WHERE diff_id = $1 AND analyzer_version = $2 AND owner = $3",
            diff_id,
            version,
            owner,
        )

    # -- packages, package sets, inventories ---------------------------------------

    async def existing_sets(self, set_ids: Sequence[str]) -> set[str]:
        rows = await self.pool.fetch(
            "SELECT id FROM package_sets WHERE id = ANY($1)", list(set_ids)
        )
        return {r["id"] for r in rows}

    async def add_package_set(
        self,
        set_id: str,
        members: Sequence[tuple[str, Package]],
        match: Callable[[list[tuple[str, Package]]], dict[str, list[PackageFinding]]],
    ) -> None:
        """Stores a package set; packages new to the database are matched (`match`) and
        their findings written in the same transaction, so a concurrent writer of the same
        package waits for them instead of seeing it without findings."""
        distinct: dict[str, Package] = {}
        for pid, package in members:
            distinct.setdefault(pid, package)
        ids = sorted(distinct)
        async with self.pool.acquire() as conn, conn.transaction():
            inserted = await conn.fetch(
                """INSERT INTO packages (id, key_ecosystem, key_name, package)
                   SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])
                   ORDER BY 1
                   ON CONFLICT (id) DO NOTHING RETURNING id""",
                ids,
                [key_of(distinct[i])[0] for i in ids],
                [key_of(distinct[i])[1] for i in ids],
                [json.dumps(_identity_dict(distinct[i])) for i in ids],
            )
            fresh = [(r["id"], distinct[r["id"]]) for r in inserted]
            if fresh:
                found = match(fresh)
                await self._write_package_findings(conn, [f for v in found.values() for f in v])
            created = await conn.fetchval(
                """INSERT INTO package_sets (id, package_count) VALUES ($1, $2)
                   ON CONFLICT (id) DO NOTHING RETURNING id""",
                set_id,
                len(members),
            )
            if created:
                await conn.execute(
                    """INSERT INTO package_set_members (set_id, position, package_id, path, layer)
                       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])""",
                    set_id,
                    list(range(len(members))),
                    [pid for pid, _ in members],
                    [p.path for _, p in members],
                    [p.layer for _, p in members],
                )

    async def save_inventory(
        self,
        digest: str,
        analyzer_version: str,
        set_id: str,
        platform_digests: Sequence[str],
        platforms: str,
        os_name: str,
        os_ecosystem: str,
        package_count: int,
        skipped: list[dict[str, str]],
    ) -> None:
        await self.pool.execute(
            """INSERT INTO inventories (digest, analyzer_version, package_set_id, platform_digests,
                   platforms, os_name, os_ecosystem, package_count, skipped)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
               ON CONFLICT (digest) DO UPDATE SET analyzer_version = EXCLUDED.analyzer_version,
                   package_set_id = EXCLUDED.package_set_id,
                   platform_digests = EXCLUDED.platform_digests, platforms = EXCLUDED.platforms,
                   os_name = EXCLUDED.os_name,
                   os_ecosystem = EXCLUDED.os_ecosystem, package_count = EXCLUDED.package_count,
                   skipped = EXCLUDED.skipped, created_at = now(), matched_at = now()""",
            digest,
            analyzer_version,
            set_id,
            list(platform_digests),
            platforms,
            os_name,
            os_ecosystem,
            package_count,
            json.dumps(skipped[:200]),
        )

    async def inventory_meta(self, digest: str) -> InventoryMeta | None:
        row = await self.pool.fetchrow("SELECT * FROM inventories WHERE digest = $1", digest)
        if row is None:
            return None
        return InventoryMeta(
            digest=row["digest"],
            analyzer_version=row["analyzer_version"],
            package_set_id=row["package_set_id"],
            platform_digests=tuple(row["platform_digests"]),
            platforms=row["platforms"],
            os_name=row["os_name"],
            os_ecosystem=row["os_ecosystem"],
            package_count=row["package_count"],
            created_at=row["created_at"],
            matched_at=row["matched_at"],
        )

    async def load_packages(self, digest: str) -> list[Package]:
        rows = await self.pool.fetch(
            """SELECT p.package, m.path, m.layer FROM inventories i
               JOIN package_set_members m ON m.set_id = i.package_set_id
               JOIN packages p ON p.id = m.package_id
               WHERE i.digest = $1 ORDER BY m.position""",
            digest,
        )
        return [_package(r["package"], r["path"], r["layer"]) for r in rows]

    async def count_inventories(self) -> int:
        return int(await self.pool.fetchval("SELECT count(*) FROM inventories"))

    # -- findings --------------------------------------------------------------------

    async def _write_package_findings(
        self, conn: asyncpg.Connection, findings: Sequence[PackageFinding]
    ) -> None:
        if not findings:
            return
        await conn.executemany(
            """INSERT INTO package_findings (package_id, vulnerability_id, aliases, fixed_versions,
                   severity, severity_rank, cvss_score, summary)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
               ON CONFLICT (package_id, vulnerability_id) DO UPDATE SET
                   aliases = EXCLUDED.aliases, fixed_versions = EXCLUDED.fixed_versions,
                   severity = EXCLUDED.severity, severity_rank = EXCLUDED.severity_rank,
                   cvss_score = EXCLUDED.cvss_score, summary = EXCLUDED.summary""",
            [
                (
                    f.package_id,
                    f.vulnerability_id,
                    list(f.aliases),
                    list(f.fixed_versions),
                    f.severity,
                    f.severity_rank,
                    f.cvss_score,
                    f.summary,
                )
                for f in findings
            ],
        )

    async def packages_with_keys(self, keys: Iterable[Key]) -> list[tuple[str, Package]]:
        """The distinct packages whose key is one of `keys`."""
        key_list = list(keys)
        rows = await self.pool.fetch(
            """SELECT p.id, p.package FROM packages p
               JOIN unnest($1::text[], $2::text[]) AS k(e, n)
                 ON p.key_ecosystem = k.e AND p.key_name = k.n""",
            [k[0] for k in key_list],
            [k[1] for k in key_list],
        )
        return [(r["id"], _package(r["package"], "", "")) for r in rows]

    async def replace_package_findings(
        self, current: dict[str, list[PackageFinding]], import_id: str
    ) -> tuple[list[PackageFinding], list[PackageFinding]]:
        """Makes the stored findings of the packages in `current` equal it; records changes."""
        ids = sorted(current)
        if not ids:
            return [], []
        async with self.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                f"SELECT {_PF_COLUMNS} FROM package_findings WHERE package_id = ANY($1)", ids
            )
            before = [_package_finding(r) for r in rows]
            added, removed, upserts = diff_findings(
                before, [f for pid in ids for f in current[pid]]
            )
            if removed:
                await conn.execute(
                    """DELETE FROM package_findings f USING unnest($1::text[], $2::text[])
                           AS r(p, v)
                       WHERE f.package_id = r.p AND f.vulnerability_id = r.v""",
                    [f.package_id for f in removed],
                    [f.vulnerability_id for f in removed],
                )
            await self._write_package_findings(conn, upserts)
            changes = [("ADDED", f) for f in added] + [("REMOVED", f) for f in removed]
            if changes:
                await conn.execute(
                    """INSERT INTO finding_changes (package_id, vulnerability_id, kind, severity,
                           import_id)
                       SELECT p, v, k, s, $5 FROM unnest($1::text[], $2::text[], $3::text[],
                           $4::text[]) AS u(p, v, k, s)""",
                    [f.package_id for _, f in changes],
                    [f.vulnerability_id for _, f in changes],
                    [kind for kind, _ in changes],
                    [f.severity for _, f in changes],
                    import_id,
                )
            await conn.execute("UPDATE packages SET matched_at = now() WHERE id = ANY($1)", ids)
        return added, removed

    async def count_images_with(self, package_ids: Sequence[str]) -> int:
        """Images whose package set holds any of the packages."""
        return int(
            await self.pool.fetchval(
                """SELECT count(*) FROM inventories WHERE package_set_id IN (
                       SELECT DISTINCT set_id FROM package_set_members
                       WHERE package_id = ANY($1))""",
                list(package_ids),
            )
        )

    async def images_by_packages(
        self, package_ids: Sequence[str]
    ) -> list[tuple[tuple[str, ...], list[str]]]:
        """Images holding any of the packages, grouped by which of them they hold:
        [(package ids, digests)]. Images built on one base share a group, so a change is
        described once per group, not once per image."""
        rows = await self.pool.fetch(
            """WITH per_set AS (
                   SELECT set_id, array_agg(package_id ORDER BY package_id) AS ids
                   FROM package_set_members WHERE package_id = ANY($1) GROUP BY set_id)
               SELECT s.ids, array_agg(i.digest ORDER BY i.digest) AS digests
               FROM per_set s JOIN inventories i ON i.package_set_id = s.set_id
               GROUP BY s.ids""",
            list(package_ids),
        )
        return [(tuple(r["ids"]), list(r["digests"])) for r in rows]

    async def touch_sets(self, package_ids: Sequence[str]) -> None:
        await self.pool.execute(
            """UPDATE inventories SET matched_at = now() WHERE package_set_id IN (
                   SELECT DISTINCT set_id FROM package_set_members WHERE package_id = ANY($1))""",
            list(package_ids),
        )

    async def image_findings(self, digest: str, min_rank: int = 0) -> list[ImageFinding]:
        rows = await self.pool.fetch(
            f"""SELECT i.digest, p.package, m.path, m.layer, m.position, {_PF_COLUMNS_F},
                       greatest(f.first_seen, i.created_at) AS seen
                FROM inventories i
                JOIN package_set_members m ON m.set_id = i.package_set_id
                JOIN package_findings f ON f.package_id = m.package_id
                JOIN packages p ON p.id = m.package_id
                WHERE i.digest = $1 AND f.severity_rank >= $2
                ORDER BY f.severity_rank DESC, f.vulnerability_id, m.position""",
            digest,
            min_rank,
        )
        return [_image_finding(r) for r in rows]

    async def severity_counts(self, digest: str) -> SeverityCounts:
        rows = await self.pool.fetch(
            """SELECT f.severity, count(*) AS n FROM inventories i
               JOIN package_set_members m ON m.set_id = i.package_set_id
               JOIN package_findings f ON f.package_id = m.package_id
               WHERE i.digest = $1 GROUP BY f.severity""",
            digest,
        )
        return {r["severity"]: int(r["n"]) for r in rows}

    async def list_findings(
        self,
        *,
        min_rank: int,
        vulnerability_id: str,
        package_name: str,
        digests: Sequence[str] | None,
        after: tuple[int, str, str, str, int] | None,
        limit: int,
    ) -> list[ImageFinding]:
        rows = await self.pool.fetch(
            f"""SELECT i.digest, p.package, m.path, m.layer, m.position, {_PF_COLUMNS_F},
                       greatest(f.first_seen, i.created_at) AS seen
                FROM package_findings f
                JOIN package_set_members m ON m.package_id = f.package_id
                JOIN inventories i ON i.package_set_id = m.set_id
                JOIN packages p ON p.id = f.package_id
                WHERE f.severity_rank >= $1
                  AND ($2 = '' OR f.vulnerability_id = $2 OR $2 = ANY(f.aliases))
                  AND ($3 = '' OR p.package->>'name' = $3)
                  AND ($4::text[] IS NULL OR i.digest = ANY($4))
                  AND ($5::int IS NULL OR (-f.severity_rank, i.digest, f.vulnerability_id,
                       f.package_id, m.position) > (-$5::int, $6, $7, $8, $9::int))
                ORDER BY -f.severity_rank, i.digest, f.vulnerability_id, f.package_id, m.position
                LIMIT $10""",
            min_rank,
            vulnerability_id,
            package_name,
            list(digests) if digests is not None else None,
            *(after if after else (None, None, None, None, None)),
            limit,
        )
        return [_image_finding(r) for r in rows]

    async def affected_digests(
        self, vulnerability_id: str, after: str | None, limit: int
    ) -> list[str]:
        rows = await self.pool.fetch(
            """SELECT DISTINCT i.digest FROM package_findings f
               JOIN package_set_members m ON m.package_id = f.package_id
               JOIN inventories i ON i.package_set_id = m.set_id
               WHERE (f.vulnerability_id = $1 OR $1 = ANY(f.aliases))
                 AND ($2::text IS NULL OR i.digest > $2)
               ORDER BY i.digest LIMIT $3""",
            vulnerability_id,
            after,
            limit,
        )
        return [r["digest"] for r in rows]

    async def findings_for(self, digest: str, vulnerability_id: str) -> list[ImageFinding]:
        rows = await self.pool.fetch(
            f"""SELECT i.digest, p.package, m.path, m.layer, m.position, {_PF_COLUMNS_F},
                       greatest(f.first_seen, i.created_at) AS seen
                FROM inventories i
                JOIN package_set_members m ON m.set_id = i.package_set_id
                JOIN package_findings f ON f.package_id = m.package_id
                JOIN packages p ON p.id = m.package_id
                WHERE i.digest = $1 AND (f.vulnerability_id = $2 OR $2 = ANY(f.aliases))""",
            digest,
            vulnerability_id,
        )
        return [_image_finding(r) for r in rows]

    async def list_changes(
        self, digest: str, since: datetime | None, after_seq: int, limit: int
    ) -> list[asyncpg.Record]:
        """Finding changes of the packages in one image (or of every package), oldest first."""
        return list(
            await self.pool.fetch(
                """SELECT c.*, p.package FROM finding_changes c
                   JOIN packages p ON p.id = c.package_id
                   WHERE ($1 = '' OR c.package_id IN (
                           SELECT m.package_id FROM inventories i
                           JOIN package_set_members m ON m.set_id = i.package_set_id
                           WHERE i.digest = $1))
                     AND ($2::timestamptz IS NULL OR c.changed_at >= $2)
                     AND c.seq > $3
                   ORDER BY c.seq LIMIT $4""",
                digest,
                since,
                after_seq,
                limit,
            )
        )

    # -- scans -----------------------------------------------------------------------

    async def start_scan(
        self,
        scan_id: str,
        registry_id: str,
        repository: str,
        tag: str,
        digest: str,
        lane: str,
        job_id: str,
    ) -> ScanRow:
        row = await self.pool.fetchrow(
            """INSERT INTO scans AS s (id, registry_id, repository, tag, digest, lane, job_id,
                   state, attempts, started_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, 'RUNNING', 1, now())
               ON CONFLICT (id) DO UPDATE SET
                   state = CASE WHEN s.state = 'SUCCEEDED' THEN s.state ELSE 'RUNNING' END,
                   attempts = s.attempts + 1, started_at = now()
               RETURNING *""",
            scan_id,
            registry_id,
            repository,
            tag,
            digest,
            lane,
            job_id,
        )
        return _scan(row)

    async def queue_scan(
        self, scan_id: str, registry_id: str, repository: str, tag: str, digest: str, lane: str
    ) -> ScanRow:
        row = await self.pool.fetchrow(
            """INSERT INTO scans AS s (id, registry_id, repository, tag, digest, lane, state)
               VALUES ($1, $2, $3, $4, $5, $6, 'QUEUED')
               ON CONFLICT (id) DO UPDATE SET tag = s.tag
               RETURNING *""",
            scan_id,
            registry_id,
            repository,
            tag,
            digest,
            lane,
        )
        return _scan(row)

    async def finish_scan(
        self,
        scan_id: str,
        state: str,
        *,
        failure_code: str = "",
        failure_reason: str = "",
        reused_inventory: bool = False,
        counts: SeverityCounts | None = None,
    ) -> None:
        await self.pool.execute(
            """UPDATE scans SET state = $2, failure_code = $3, failure_reason = $4,
                   reused_inventory = $5, findings_by_severity = $6, completed_at = now()
               WHERE id = $1""",
            scan_id,
            state,
            failure_code,
            failure_reason[:2000],
            reused_inventory,
            json.dumps(counts or {}),
        )

    async def get_scan(self, scan_id: str) -> ScanRow:
        row = await self.pool.fetchrow("SELECT * FROM scans WHERE id = $1", scan_id)
        if row is None:
            raise NotFound(f"scan {scan_id!r} not found")
        return _scan(row)

    async def list_scans(
        self,
        *,
        registry_id: str,
        digest: str,
        state: str,
        job_id: str,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> list[ScanRow]:
        rows = await self.pool.fetch(
            """SELECT * FROM scans
               WHERE ($1 = '' OR registry_id = $1) AND ($2 = '' OR digest = $2)
                 AND ($3 = '' OR state = $3) AND ($4 = '' OR job_id = $4)
                 AND ($5::timestamptz IS NULL OR (created_at, id) < ($5, $6::text))
               ORDER BY created_at DESC, id DESC LIMIT $7""",
            registry_id,
            digest,
            state,
            job_id,
            after[0] if after else None,
            after[1] if after else None,
            limit,
        )
        return [_scan(r) for r in rows]

    async def references(self, digests: Sequence[str]) -> dict[str, tuple[str, str, str]]:
        """The latest (registry_id, repository, tag) scanned for each digest."""
        rows = await self.pool.fetch(
            """SELECT DISTINCT ON (digest) digest, registry_id, repository, tag FROM scans
               WHERE digest = ANY($1) ORDER BY digest, created_at DESC""",
            list(digests),
        )
        return {r["digest"]: (r["registry_id"], r["repository"], r["tag"]) for r in rows}

    async def digests_of_repository(self, registry_id: str, repository: str) -> list[str]:
        rows = await self.pool.fetch(
            """SELECT DISTINCT digest FROM scans WHERE registry_id = $1
                 AND ($2 = '' OR repository = $2) AND state = 'SUCCEEDED'""",
            registry_id,
            repository,
        )
        return [r["digest"] for r in rows]

    # -- vulnerability database ------------------------------------------------------

    async def stored_records(self) -> dict[str, StoredRecord]:
        """What import planning needs: each stored record's `modified` and keys."""
        rows = await self.pool.fetch(
            """SELECT v.id, v.modified,
                      coalesce(array_agg(k.ecosystem) FILTER (WHERE k.ecosystem IS NOT NULL),
                               '{}') AS ecosystems,
                      coalesce(array_agg(k.name) FILTER (WHERE k.name IS NOT NULL),
                               '{}') AS names
               FROM vulnerabilities v LEFT JOIN vulnerability_keys k ON k.vulnerability_id = v.id
               GROUP BY v.id, v.modified"""
        )
        return {
            r["id"]: StoredRecord(
                modified=r["modified"],
                keys=frozenset(zip(r["ecosystems"], r["names"], strict=True)),
            )
            for r in rows
        }

    async def load_records(self, since: datetime | None = None) -> list[tuple[bytes, datetime]]:
        rows = await self.pool.fetch(
            """SELECT record, imported_at FROM vulnerabilities
               WHERE $1::timestamptz IS NULL OR imported_at > $1""",
            since,
        )
        return [(bytes(r["record"]), r["imported_at"]) for r in rows]

    async def upsert_records(
        self,
        records: Sequence[tuple[str, datetime, datetime | None, tuple[str, ...], str, bytes]],
        keys: Sequence[tuple[str, str, str]],
    ) -> None:
        """records: (id, modified, withdrawn, aliases, summary, raw json); keys: (id, eco, name)."""
        if not records:
            return
        ids = [r[0] for r in records]
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """INSERT INTO vulnerabilities (id, modified, withdrawn, aliases, summary, record,
                       imported_at)
                   SELECT i, m, w, string_to_array(a, E'\\x1f'), s, r, clock_timestamp()
                   FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[],
                               $5::text[], $6::bytea[]) AS u(i, m, w, a, s, r)
                   ON CONFLICT (id) DO UPDATE SET modified = EXCLUDED.modified,
                       withdrawn = EXCLUDED.withdrawn, aliases = EXCLUDED.aliases,
                       summary = EXCLUDED.summary, record = EXCLUDED.record,
                       imported_at = EXCLUDED.imported_at""",
                ids,
                [r[1] for r in records],
                [r[2] for r in records],
                ["\x1f".join(r[3]) for r in records],
                [r[4] for r in records],
                [r[5] for r in records],
            )
            await conn.execute(
                "DELETE FROM vulnerability_keys WHERE vulnerability_id = ANY($1)", ids
            )
            if keys:
                await conn.execute(
                    """INSERT INTO vulnerability_keys (vulnerability_id, ecosystem, name)
                       SELECT DISTINCT * FROM unnest($1::text[], $2::text[], $3::text[])""",
                    [k[0] for k in keys],
                    [k[1] for k in keys],
                    [k[2] for k in keys],
                )

    async def get_record(self, id_or_alias: str) -> tuple[bytes, datetime, datetime | None] | None:
        row = await self.pool.fetchrow(
            """SELECT record, modified, withdrawn FROM vulnerabilities
               WHERE id = $1 OR $1 = ANY(aliases) ORDER BY id = $1 DESC LIMIT 1""",
            id_or_alias,
        )
        return (bytes(row["record"]), row["modified"], row["withdrawn"]) if row else None

    async def records_by_ecosystem(self) -> tuple[dict[str, int], int]:
        rows = await self.pool.fetch(
            """SELECT split_part(k.ecosystem, ':', 1) AS ecosystem,
                      count(DISTINCT k.vulnerability_id) AS n
               FROM vulnerability_keys k JOIN vulnerabilities v ON v.id = k.vulnerability_id
               WHERE v.withdrawn IS NULL GROUP BY 1""",
        )
        withdrawn = await self.pool.fetchval(
            "SELECT count(*) FROM vulnerabilities WHERE withdrawn IS NOT NULL"
        )
        return {r["ecosystem"]: int(r["n"]) for r in rows}, int(withdrawn)

    async def start_import(self, import_id: str, source: str) -> None:
        await self.pool.execute(
            "INSERT INTO imports (id, source) VALUES ($1, $2)", import_id, source
        )

    async def finish_import(
        self, import_id: str, counters: dict[str, int], invalid_examples: Sequence[str]
    ) -> None:
        await self.pool.execute(
            """UPDATE imports SET counters = $2, invalid_examples = $3, ended_at = now()
               WHERE id = $1""",
            import_id,
            json.dumps(counters),
            list(invalid_examples)[:20],
        )

    async def list_imports(
        self, after: tuple[datetime, str] | None, limit: int
    ) -> list[asyncpg.Record]:
        return list(
            await self.pool.fetch(
                """SELECT * FROM imports
                   WHERE $1::timestamptz IS NULL OR (started_at, id) < ($1, $2::text)
                   ORDER BY started_at DESC, id DESC LIMIT $3""",
                after[0] if after else None,
                after[1] if after else None,
                limit,
            )
        )

    async def latest_import_time(self) -> datetime | None:
        value: datetime | None = await self.pool.fetchval(
            "SELECT max(imported_at) FROM vulnerabilities"
        )
        return value
