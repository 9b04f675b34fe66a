"""ScannerService servicer: protobuf in, domain and store calls, protobuf out."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import grpc
from nats.js import JetStreamContext

from regsieve.v1 import catalog_pb2, catalog_pb2_grpc, events_pb2, scanner_pb2_grpc
from regsieve.v1 import scanner_pb2 as pb
from services.common import messaging
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, Unavailable
from services.common.pagination import (
    decode_token,
    encode_time_key,
    encode_token,
    page_size,
)
from services.common.registry.manifest import is_digest
from services.scanner import convert
from services.scanner.database import VulnDatabase
from services.scanner.importer import Importer
from services.scanner.sbom import cyclonedx_json
from services.scanner.store import ScannerStore
from services.scanner.vulndb.severity import rate


def manual_request_id(request: pb.ScanImageRequest, digest: str, at: datetime) -> str:
    """Deterministic per request content and second, so a retried RPC is queued once."""
    parts = [
        "manual",
        request.registry_id,
        request.repository,
        request.tag,
        digest,
        str(request.force),
        ",".join(f"{p.os}/{p.architecture}/{p.variant}" for p in request.platforms),
        at.strftime("%Y%m%dT%H%M%S"),
    ]
    return "manual-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class ScannerServicer(scanner_pb2_grpc.ScannerServiceServicer):
    def __init__(
        self,
        store: ScannerStore,
        database: VulnDatabase,
        importer: Importer,
        catalog: grpc.aio.Channel,
        js: JetStreamContext,
    ) -> None:
        self.store = store
        self.database = database
        self.importer = importer
        self.catalog = catalog_pb2_grpc.CatalogServiceStub(catalog)
        self.js = js

    async def _digest_of(self, selector: pb.ImageSelector, field: str) -> str:
        if selector.digest:
            if not is_digest(selector.digest):
                raise InvalidArgument.field(f"{field}.digest", "must be sha256:<64 hex>")
            return selector.digest
        if not (selector.registry_id and selector.repository and selector.tag):
            raise InvalidArgument.field(field, "give a digest, or registry_id, repository and tag")
        try:
            reply = await self.catalog.GetImage(
                catalog_pb2.GetImageRequest(
                    registry_id=selector.registry_id,
                    repository=selector.repository,
                    tag=selector.tag,
                ),
                timeout=10,
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
                raise NotFound(f"Catalog: {exc.details()}") from None
            raise Unavailable(f"Catalog unavailable: {exc.details()}") from None
        return reply.image.digest

    # -- scans -----------------------------------------------------------------------

    async def ScanImage(
        self, request: pb.ScanImageRequest, context: grpc.aio.ServicerContext
    ) -> pb.ScanImageResponse:
        problems = []
        if not request.registry_id:
            problems.append(("registry_id", "is required"))
        if not request.repository:
            problems.append(("repository", "is required"))
        if not request.tag and not request.digest:
            problems.append(("tag", "a tag or a digest is required"))
        if request.digest and not is_digest(request.digest):
            problems.append(("digest", "must be sha256:<64 hex>"))
        if problems:
            raise InvalidArgument(violations=problems)
        digest = request.digest
        if not digest:
            try:
                resolved = await self.catalog.ResolveImage(
                    catalog_pb2.ResolveImageRequest(
                        registry_id=request.registry_id,
                        repository=request.repository,
                        tag=request.tag,
                    ),
                    timeout=60,
                )
            except grpc.aio.AioRpcError as exc:
                if exc.code() == grpc.StatusCode.NOT_FOUND:
                    raise NotFound(exc.details() or "image not found") from None
                if exc.code() in (
                    grpc.StatusCode.FAILED_PRECONDITION,
                    grpc.StatusCode.INVALID_ARGUMENT,
                ):
                    raise FailedPrecondition(exc.details() or "cannot resolve the tag") from None
                raise Unavailable(f"Catalog unavailable: {exc.details()}") from None
            digest = resolved.image.digest
        now = datetime.now(UTC)
        scan_id = manual_request_id(request, digest, now)
        scan_request = events_pb2.ScanRequest(
            id=scan_id,
            registry_id=request.registry_id,
            repository=request.repository,
            tag=request.tag,
            digest=digest,
            lane=events_pb2.SCAN_LANE_MANUAL,
            reason="requested through ScannerService.ScanImage",
            platforms=request.platforms,
            force=request.force,
        )
        scan_request.request_time.FromDatetime(now)
        row = await self.store.queue_scan(
            scan_id, request.registry_id, request.repository, request.tag, digest, "manual"
        )
        try:
            await messaging.publish(
                self.js, messaging.scan_requested_subject("manual"), scan_request, scan_id
            )
        except Exception as exc:
            raise Unavailable(f"cannot queue the scan: NATS: {exc}") from None
        return pb.ScanImageResponse(scan=convert.scan_to_proto(row))

    async def GetScan(
        self, request: pb.GetScanRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetScanResponse:
        if not request.id:
            raise InvalidArgument.field("id", "is required")
        return pb.GetScanResponse(scan=convert.scan_to_proto(await self.store.get_scan(request.id)))

    async def ListScans(
        self, request: pb.ListScansRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListScansResponse:
        size = page_size(request.page_size)
        after = decode_token("scans", request.page_token)
        cursor = None
        if after:
            try:
                cursor = (datetime.fromisoformat(str(after[0])), str(after[1]))
            except (ValueError, IndexError):
                raise InvalidArgument.field(
                    "page_token", "is not a token this API issued"
                ) from None
        rows = await self.store.list_scans(
            registry_id=request.registry_id,
            digest=request.digest,
            state=convert.SCAN_STATE_NAMES.get(request.state, ""),
            job_id=request.job_id,
            after=cursor,
            limit=size + 1,
        )
        token = ""
        if len(rows) > size:
            token = encode_time_key("scans", rows[size - 1].created_at, rows[size - 1].id)
        return pb.ListScansResponse(
            scans=[convert.scan_to_proto(r) for r in rows[:size]], next_page_token=token
        )

    # -- results ---------------------------------------------------------------------

    async def GetImageReport(
        self, request: pb.GetImageReportRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetImageReportResponse:
        digest = await self._digest_of(request.image, "image")
        meta = await self.store.inventory_meta(digest)
        if meta is None:
            raise NotFound(f"{digest} has not been scanned")
        packages = await self.store.load_packages(digest)
        findings = await self.store.image_findings(digest, convert.MIN_RANK[request.min_severity])
        counts = await self.store.severity_counts(digest)
        report = pb.ImageReport(
            digest=digest,
            platform_digests=meta.platform_digests,
            os=meta.os_name,
            os_ecosystem=meta.os_ecosystem,
            packages=[convert.package_to_proto(p) for p in packages],
            findings=[convert.finding_to_proto(f) for f in findings],
            findings_by_severity=counts,
        )
        report.inventory_time.FromDatetime(meta.created_at)
        report.match_time.FromDatetime(meta.matched_at)
        return pb.GetImageReportResponse(report=report)

    async def _digests_for(self, registry_id: str, repository: str) -> Sequence[str] | None:
        if not registry_id:
            if repository:
                raise InvalidArgument.field("repository", "needs registry_id")
            return None
        return await self.store.digests_of_repository(registry_id, repository)

    async def ListFindings(
        self, request: pb.ListFindingsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListFindingsResponse:
        size = page_size(request.page_size)
        after = decode_token("findings", request.page_token)
        if after is not None and len(after) != 5:
            raise InvalidArgument.field("page_token", "is not a token this API issued")
        if request.digest and not is_digest(request.digest):
            raise InvalidArgument.field("digest", "must be sha256:<64 hex>")
        digests = await self._digests_for(request.registry_id, request.repository)
        if request.digest:
            digests = [d for d in (digests or [request.digest]) if d == request.digest]
        rows = await self.store.list_findings(
            min_rank=convert.MIN_RANK[request.min_severity],
            vulnerability_id=request.vulnerability_id,
            package_name=request.package_name,
            digests=digests,
            after=tuple(after) if after else None,
            limit=size + 1,
        )
        token = ""
        if len(rows) > size:
            last = rows[size - 1]
            token = encode_token(
                "findings",
                [
                    last.finding.severity_rank,
                    last.digest,
                    last.finding.vulnerability_id,
                    last.finding.package_id,
                    last.position,
                ],
            )
        return pb.ListFindingsResponse(
            findings=[convert.finding_to_proto(f) for f in rows[:size]], next_page_token=token
        )

    async def ListAffectedImages(
        self, request: pb.ListAffectedImagesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListAffectedImagesResponse:
        if not request.vulnerability_id:
            raise InvalidArgument.field("vulnerability_id", "is required")
        size = page_size(request.page_size)
        after = decode_token("affected", request.page_token)
        digests = await self.store.affected_digests(
            request.vulnerability_id, str(after[0]) if after else None, size + 1
        )
        references = await self.store.references(digests[:size])
        images = []
        for digest in digests[:size]:
            registry_id, repository, tag = references.get(digest, ("", "", ""))
            rows = await self.store.findings_for(digest, request.vulnerability_id)
            images.append(
                pb.AffectedImage(
                    digest=digest,
                    registry_id=registry_id,
                    repository=repository,
                    tag=tag,
                    packages=[convert.package_to_proto(r.package) for r in rows],
                )
            )
        token = encode_token("affected", [digests[size - 1]]) if len(digests) > size else ""
        return pb.ListAffectedImagesResponse(images=images, next_page_token=token)

    async def ListFindingChanges(
        self, request: pb.ListFindingChangesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListFindingChangesResponse:
        size = page_size(request.page_size)
        after = decode_token("changes", request.page_token)
        since = request.since.ToDatetime(tzinfo=UTC) if request.HasField("since") else None
        rows = await self.store.list_changes(
            request.digest, since, int(after[0]) if after else 0, size + 1
        )
        changes = []
        for row in rows[:size]:
            package = json.loads(row["package"])
            change = pb.FindingChangeRecord(
                digest=request.digest,
                kind=pb.FINDING_CHANGE_KIND_ADDED
                if row["kind"] == "ADDED"
                else pb.FINDING_CHANGE_KIND_REMOVED,
                finding=events_pb2.FindingChange(
                    vulnerability_id=row["vulnerability_id"],
                    package_name=package["name"],
                    package_version=package["version"],
                    ecosystem=package["ecosystem"],
                    severity=row["severity"],
                ),
                import_id=row["import_id"],
            )
            change.change_time.FromDatetime(row["changed_at"])
            changes.append(change)
        token = encode_token("changes", [rows[size - 1]["seq"]]) if len(rows) > size else ""
        return pb.ListFindingChangesResponse(changes=changes, next_page_token=token)

    async def GetSbom(
        self, request: pb.GetSbomRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSbomResponse:
        digest = await self._digest_of(request.image, "image")
        meta = await self.store.inventory_meta(digest)
        if meta is None:
            raise NotFound(f"{digest} has not been scanned")
        packages = await self.store.load_packages(digest)
        return pb.GetSbomResponse(
            cyclonedx_json=cyclonedx_json(digest, meta.os_name, meta.os_ecosystem, packages)
        )

    # -- vulnerability database ------------------------------------------------------

    async def ImportVulnerabilities(
        self, request: pb.ImportVulnerabilitiesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ImportVulnerabilitiesResponse:
        started = datetime.now(UTC)
        summary = await self.importer.run(request.directory, request.zip_path, request.url)
        return _import_response(convert.summary_to_proto(summary, started, datetime.now(UTC)))

    async def ListImports(
        self, request: pb.ListImportsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListImportsResponse:
        size = page_size(request.page_size)
        after = decode_token("imports", request.page_token)
        cursor = None
        if after:
            try:
                cursor = (datetime.fromisoformat(str(after[0])), str(after[1]))
            except (ValueError, IndexError):
                raise InvalidArgument.field(
                    "page_token", "is not a token this API issued"
                ) from None
        rows = await self.store.list_imports(cursor, size + 1)
        imports = [
            convert.import_to_proto(
                r["id"],
                r["source"],
                json.loads(r["counters"]),
                list(r["invalid_examples"]),
                r["started_at"],
                r["ended_at"],
            )
            for r in rows[:size]
        ]
        token = ""
        if len(rows) > size:
            last = rows[size - 1]
            token = encode_token("imports", [last["started_at"].isoformat(), last["id"]])
        return pb.ListImportsResponse(imports=imports, next_page_token=token)

    async def GetDatabaseStatus(
        self, request: pb.GetDatabaseStatusRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetDatabaseStatusResponse:
        by_ecosystem, withdrawn = await self.store.records_by_ecosystem()
        reply = pb.GetDatabaseStatusResponse(
            records_by_ecosystem=by_ecosystem,
            withdrawn_records=withdrawn,
            inventories=await self.store.count_inventories(),
        )
        latest = await self.store.list_imports(None, 1)
        if latest:
            reply.last_import.CopyFrom(convert.import_row_to_proto(latest[0]))
        return reply

    async def GetVulnerability(
        self, request: pb.GetVulnerabilityRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetVulnerabilityResponse:
        if not request.id:
            raise InvalidArgument.field("id", "is required")
        stored = await self.store.get_record(request.id)
        if stored is None:
            raise NotFound(f"vulnerability {request.id!r} not found")
        raw, modified, withdrawn = stored
        record = self.database.get(json.loads(raw).get("id", ""))
        message = pb.Vulnerability(osv_json=raw.decode())
        if record is not None:
            ratings = [rate(record, affected) for affected in record.affected]
            rating = max(ratings, key=lambda r: r.severity.rank) if ratings else None
            message.id = record.id
            message.aliases.extend(record.aliases)
            message.summary = record.summary
            if rating is not None:
                message.severity = convert.SEVERITY_TO_PROTO.get(rating.severity.value, 0)
                message.cvss_score = rating.score or 0.0
            message.affected_packages.extend(
                sorted(
                    {
                        f"{a.package.ecosystem}/{a.package.name}"
                        for a in record.affected
                        if a.package is not None
                    }
                )
            )
        else:
            message.id = json.loads(raw).get("id", request.id)
        message.modify_time.FromDatetime(modified)
        if withdrawn:
            message.withdraw_time.FromDatetime(withdrawn)
        return pb.GetVulnerabilityResponse(vulnerability=message)


def _import_response(imported: pb.VulnerabilityImport) -> pb.ImportVulnerabilitiesResponse:
    # `import` is a Python keyword, so the field is set through its descriptor name
    response = pb.ImportVulnerabilitiesResponse()
    getattr(response, "import").CopyFrom(imported)
    return response
