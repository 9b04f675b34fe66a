"""SQL of the scanner schema: layer cache, inventories, findings, scans, vulnerabilities."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from services.common.errors import NotFound
from services.scanner.findings import FindingIdentity, FindingRow, SeverityCounts
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
    platform_digests: tuple[str, ...]
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


_FINDING_COLUMNS = """digest, vulnerability_id, ecosystem, package_name, package_version,
    key_ecosystem, key_name, package_type, package_path, layer, source_name, aliases,
    fixed_versions, severity, severity_rank, cvss_score, summary, first_seen"""


def _finding(row: asyncpg.Record) -> FindingRow:
    return FindingRow(
        digest=row["digest"],
        vulnerability_id=row["vulnerability_id"],
        ecosystem=row["ecosystem"],
        package_name=row["package_name"],
        package_version=row["package_version"],
        key_ecosystem=row["key_ecosystem"],
        key_name=row["key_name"],
        package_type=row["package_type"],
        package_path=row["package_path"],
        layer=row["layer"],
        source_name=row["source_name"],
        aliases=tuple(row["aliases"]),
        fixed_versions=tuple(row["fixed_versions"]),
        severity=row["severity"],
        severity_rank=row["severity_rank"],
        cvss_score=row["cvss_score"],
        summary=row["summary"],
        first_seen=row["first_seen"],
    )


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

    # -- inventories -----------------------------------------------------------------

    async def inventory_meta(self, digest: str) -> InventoryMeta | None:
        row = await self.pool.fetchrow("SELECT * FROM inventories WHERE digest = $1", digest)
        if row is None:
            return None
        return InventoryMeta(
            digest=row["digest"],
            analyzer_version=row["analyzer_version"],
            platform_digests=tuple(row["platform_digests"]),
            os_name=row["os_name"],
            os_ecosystem=row["os_ecosystem"],
            package_count=row["package_count"],
            created_at=row["created_at"],
            matched_at=row["matched_at"],
        )

    async def save_inventory(
        self,
        digest: str,
        analyzer_version: str,
        platform_digests: Sequence[str],
        os_name: str,
        os_ecosystem: str,
        packages: Sequence[Package],
        skipped: list[dict[str, str]],
    ) -> None:
        keys = [key_of(p) for p in packages]
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """INSERT INTO inventories (digest, analyzer_version, platform_digests, os_name,
                       os_ecosystem, package_count, skipped)
                   VALUES ($1, $2, $3, $4, $5, $6, $7)
                   ON CONFLICT (digest) DO UPDATE SET analyzer_version = EXCLUDED.analyzer_version,
                       platform_digests = EXCLUDED.platform_digests, os_name = EXCLUDED.os_name,
                       os_ecosystem = EXCLUDED.os_ecosystem,
                       package_count = EXCLUDED.package_count, skipped = EXCLUDED.skipped,
                       created_at = now()""",
                digest,
                analyzer_version,
                list(platform_digests),
                os_name,
                os_ecosystem,
                len(packages),
                json.dumps(skipped[:200]),
            )
            await conn.execute("DELETE FROM inventory_packages WHERE digest = $1", digest)
            await conn.execute(
                """INSERT INTO inventory_packages (digest, position, key_ecosystem, key_name,
                       package)
                   SELECT $1, p, e, n, j FROM unnest($2::int[], $3::text[], $4::text[],
                       $5::jsonb[]) AS u(p, e, n, j)""",
                digest,
                list(range(len(packages))),
                [k[0] for k in keys],
                [k[1] for k in keys],
                [json.dumps(package_to_dict(p)) for p in packages],
            )

    async def load_packages(self, digest: str) -> list[Package]:
        rows = await self.pool.fetch(
            "SELECT package FROM inventory_packages WHERE digest = $1 ORDER BY position", digest
        )
        return [package_from_dict(json.loads(r["package"])) for r in rows]

    async def packages_with_keys(self, keys: Iterable[Key]) -> dict[str, list[Package]]:
        """Per digest, the packages whose key is one of `keys`."""
        key_list = list(keys)
        rows = await self.pool.fetch(
            """SELECT ip.digest, ip.package FROM inventory_packages ip
               JOIN unnest($1::text[], $2::text[]) AS k(e, n)
                 ON ip.key_ecosystem = k.e AND ip.key_name = k.n""",
            [k[0] for k in key_list],
            [k[1] for k in key_list],
        )
        out: dict[str, list[Package]] = {}
        for row in rows:
            out.setdefault(row["digest"], []).append(package_from_dict(json.loads(row["package"])))
        return out

    async def count_inventories(self) -> int:
        return int(await self.pool.fetchval("SELECT count(*) FROM inventories"))

    # -- findings --------------------------------------------------------------------

    async def findings_of(self, digest: str, min_rank: int = 0) -> list[FindingRow]:
        rows = await self.pool.fetch(
            f"""SELECT {_FINDING_COLUMNS} FROM findings WHERE digest = $1 AND severity_rank >= $2
                ORDER BY severity_rank DESC, vulnerability_id, package_name""",
            digest,
            min_rank,
        )
        return [_finding(r) for r in rows]

    async def replace_findings(
        self,
        current: dict[str, list[FindingRow]],
        *,
        keys: Iterable[Key] | None,
        import_id: str,
    ) -> dict[str, tuple[list[FindingRow], list[FindingRow], SeverityCounts]]:
        """Makes each digest's stored findings (within `keys`, or all) equal `current[digest]`.

        One transaction for the whole batch. Returns per digest (added, removed, severity
        counts of all the image's findings); changes are recorded in finding_changes.
        """
        digests = sorted(current)
        if not digests:
            return {}
        key_list = None if keys is None else list(keys)
        async with self.pool.acquire() as conn, conn.transaction():
            # serialise concurrent writers of the same images (scan vs re-match)
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext(d)) FROM unnest($1::text[]) AS d ORDER BY d",
                digests,
            )
            if key_list is None:
                rows = await conn.fetch(
                    f"SELECT {_FINDING_COLUMNS} FROM findings WHERE digest = ANY($1)", digests
                )
            else:
                rows = await conn.fetch(
                    f"""SELECT {_FINDING_COLUMNS} FROM findings f
                        JOIN unnest($2::text[], $3::text[]) AS k(e, n)
                          ON f.key_ecosystem = k.e AND f.key_name = k.n
                        WHERE f.digest = ANY($1)""",
                    digests,
                    [k[0] for k in key_list],
                    [k[1] for k in key_list],
                )
            existing: dict[str, dict[FindingIdentity, FindingRow]] = {d: {} for d in digests}
            for row in rows:
                finding = _finding(row)
                existing[finding.digest][finding.identity] = finding
            added: list[FindingRow] = []
            removed: list[FindingRow] = []
            upserts: list[FindingRow] = []
            per_digest: dict[str, tuple[list[FindingRow], list[FindingRow]]] = {}
            for digest in digests:
                now_by_id = {f.identity: f for f in current[digest]}
                before = existing[digest]
                digest_added = [f for i, f in now_by_id.items() if i not in before]
                digest_removed = [f for i, f in before.items() if i not in now_by_id]
                changed = [f for i, f in now_by_id.items() if i not in before or before[i] != f]
                per_digest[digest] = (digest_added, digest_removed)
                added += digest_added
                removed += digest_removed
                upserts += changed
            if removed:
                await conn.execute(
                    """DELETE FROM findings f USING unnest($1::text[], $2::text[], $3::text[],
                           $4::text[], $5::text[], $6::text[]) AS r(d, v, e, n, ver, path)
                       WHERE f.digest = r.d AND f.vulnerability_id = r.v AND f.ecosystem = r.e
                         AND f.package_name = r.n AND f.package_version = r.ver
                         AND f.package_path = r.path""",
                    [f.digest for f in removed],
                    [f.vulnerability_id for f in removed],
                    [f.ecosystem for f in removed],
                    [f.package_name for f in removed],
                    [f.package_version for f in removed],
                    [f.package_path for f in removed],
                )
            if upserts:
                await conn.executemany(
                    """INSERT INTO findings (digest, vulnerability_id, ecosystem, package_name,
                           package_version, key_ecosystem, key_name, package_type, package_path,
                           layer, source_name, aliases, fixed_versions, severity, severity_rank,
                           cvss_score, summary)
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                               $15, $16, $17)
                       ON CONFLICT (digest, vulnerability_id, ecosystem, package_name,
                                    package_version, package_path)
                       DO UPDATE SET aliases = EXCLUDED.aliases,
                           fixed_versions = EXCLUDED.fixed_versions,
                           severity = EXCLUDED.severity, severity_rank = EXCLUDED.severity_rank,
                           cvss_score = EXCLUDED.cvss_score, summary = EXCLUDED.summary,
                           layer = EXCLUDED.layer""",
                    [
                        (
                            f.digest,
                            f.vulnerability_id,
                            f.ecosystem,
                            f.package_name,
                            f.package_version,
                            f.key_ecosystem,
                            f.key_name,
                            f.package_type,
                            f.package_path,
                            f.layer,
                            f.source_name,
                            list(f.aliases),
                            list(f.fixed_versions),
                            f.severity,
                            f.severity_rank,
                            f.cvss_score,
                            f.summary,
                        )
                        for f in upserts
                    ],
                )
            changes = [("ADDED", f) for f in added] + [("REMOVED", f) for f in removed]
            if changes:
                await conn.execute(
                    """INSERT INTO finding_changes (digest, kind, vulnerability_id, ecosystem,
                           package_name, package_version, severity, import_id)
                       SELECT d, k, v, e, n, ver, sev, $8 FROM unnest($1::text[], $2::text[],
                           $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                           AS u(d, k, v, e, n, ver, sev)""",
                    [f.digest for _, f in changes],
                    [kind for kind, _ in changes],
                    [f.vulnerability_id for _, f in changes],
                    [f.ecosystem for _, f in changes],
                    [f.package_name for _, f in changes],
                    [f.package_version for _, f in changes],
                    [f.severity for _, f in changes],
                    import_id,
                )
            await conn.execute(
                "UPDATE inventories SET matched_at = now() WHERE digest = ANY($1)", digests
            )
            count_rows = await conn.fetch(
                """SELECT digest, severity, count(*) AS n FROM findings WHERE digest = ANY($1)
                   GROUP BY digest, severity""",
                digests,
            )
        counts: dict[str, SeverityCounts] = {d: {} for d in digests}
        for row in count_rows:
            counts[row["digest"]][row["severity"]] = int(row["n"])
        return {d: (per_digest[d][0], per_digest[d][1], counts[d]) for d in digests}

    async def severity_counts(self, digest: str) -> SeverityCounts:
        rows = await self.pool.fetch(
            "SELECT severity, count(*) AS n FROM findings WHERE digest = $1 GROUP BY severity",
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
        after: tuple[int, str, str, str, str, str, str] | None,
        limit: int,
    ) -> list[FindingRow]:
        rows = await self.pool.fetch(
            f"""SELECT {_FINDING_COLUMNS} FROM findings
                WHERE severity_rank >= $1
                  AND ($2 = '' OR vulnerability_id = $2 OR $2 = ANY(aliases))
                  AND ($3 = '' OR package_name = $3)
                  AND ($4::text[] IS NULL OR digest = ANY($4))
                  AND ($5::smallint IS NULL OR (-severity_rank, digest, vulnerability_id,
                       ecosystem, package_name, package_version, package_path)
                       > (-$5::smallint, $6, $7, $8, $9, $10, $11))
                ORDER BY -severity_rank, digest, vulnerability_id, ecosystem, package_name,
                         package_version, package_path
                LIMIT $12""",
            min_rank,
            vulnerability_id,
            package_name,
            list(digests) if digests is not None else None,
            after[0] if after else None,
            *(after[1:] if after else (None,) * 6),
            limit,
        )
        return [_finding(r) for r in rows]

    async def affected_digests(
        self, vulnerability_id: str, after: str | None, limit: int
    ) -> list[str]:
        rows = await self.pool.fetch(
            """SELECT DISTINCT digest FROM findings
               WHERE (vulnerability_id = $1 OR $1 = ANY(aliases))
                 AND ($2::text IS NULL OR digest > $2)
               ORDER BY digest LIMIT $3""",
            vulnerability_id,
            after,
            limit,
        )
        return [r["digest"] for r in rows]

    async def findings_for(self, digest: str, vulnerability_id: str) -> list[FindingRow]:
        rows = await self.pool.fetch(
            f"""SELECT {_FINDING_COLUMNS} FROM findings
                WHERE digest = $1 AND (vulnerability_id = $2 OR $2 = ANY(aliases))""",
            digest,
            vulnerability_id,
        )
        return [_finding(r) for r in rows]

    async def list_changes(
        self, digest: str, since: datetime | None, after_seq: int, limit: int
    ) -> list[asyncpg.Record]:
        return list(
            await self.pool.fetch(
                """SELECT * FROM finding_changes
                   WHERE ($1 = '' OR digest = $1) AND ($2::timestamptz IS NULL OR changed_at >= $2)
                     AND seq > $3
                   ORDER BY seq LIMIT $4""",
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
