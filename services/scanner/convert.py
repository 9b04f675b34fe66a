"""Conversions between scanner protobuf messages and domain/store types."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from regsieve.v1 import events_pb2
from regsieve.v1 import scanner_pb2 as pb
from services.scanner.findings import ImageFinding
from services.scanner.importer import ImportSummary
from services.scanner.inventory import Package
from services.scanner.store import ScanRow

SEVERITY_TO_PROTO = {
    "UNKNOWN": pb.SEVERITY_UNKNOWN,
    "NONE": pb.SEVERITY_NONE,
    "LOW": pb.SEVERITY_LOW,
    "MEDIUM": pb.SEVERITY_MEDIUM,
    "HIGH": pb.SEVERITY_HIGH,
    "CRITICAL": pb.SEVERITY_CRITICAL,
}
# proto severity -> the rank stored in findings.severity_rank (Severity.rank)
MIN_RANK = {
    pb.SEVERITY_UNSPECIFIED: 0,
    pb.SEVERITY_UNKNOWN: 0,
    pb.SEVERITY_NONE: 1,
    pb.SEVERITY_LOW: 2,
    pb.SEVERITY_MEDIUM: 3,
    pb.SEVERITY_HIGH: 4,
    pb.SEVERITY_CRITICAL: 5,
}
SCAN_STATES = {
    "QUEUED": pb.SCAN_STATE_QUEUED,
    "RUNNING": pb.SCAN_STATE_RUNNING,
    "SUCCEEDED": pb.SCAN_STATE_SUCCEEDED,
    "FAILED": pb.SCAN_STATE_FAILED,
}
SCAN_STATE_NAMES = {v: k for k, v in SCAN_STATES.items()}
LANES = {
    "push": events_pb2.SCAN_LANE_PUSH,
    "manual": events_pb2.SCAN_LANE_MANUAL,
    "sweep": events_pb2.SCAN_LANE_SWEEP,
    "rescan": events_pb2.SCAN_LANE_RESCAN,
}


def package_to_proto(package: Package) -> pb.Package:
    return pb.Package(
        name=package.name,
        version=package.version,
        type=package.type.value,
        ecosystem=package.ecosystem,
        source_name=package.source_name,
        source_version=package.source_version,
        path=package.path,
        layer=package.layer,
        purl=package.purl,
    )


def finding_to_proto(item: ImageFinding) -> pb.Finding:
    finding = item.finding
    message = pb.Finding(
        vulnerability_id=finding.vulnerability_id,
        aliases=finding.aliases,
        package=package_to_proto(item.package),
        fixed_versions=finding.fixed_versions,
        severity=SEVERITY_TO_PROTO.get(finding.severity, pb.SEVERITY_UNKNOWN),
        cvss_score=finding.cvss_score,
        summary=finding.summary,
        digest=item.digest,
    )
    if finding.first_seen:
        message.first_seen_time.FromDatetime(finding.first_seen)
    return message


def scan_to_proto(row: ScanRow) -> pb.Scan:
    message = pb.Scan(
        id=row.id,
        registry_id=row.registry_id,
        repository=row.repository,
        tag=row.tag,
        digest=row.digest,
        lane=LANES.get(row.lane, events_pb2.SCAN_LANE_UNSPECIFIED),
        state=SCAN_STATES.get(row.state, pb.SCAN_STATE_UNSPECIFIED),
        failure_code=row.failure_code,
        failure_reason=row.failure_reason,
        job_id=row.job_id,
        reused_inventory=row.reused_inventory,
        findings_by_severity=row.findings_by_severity,
        attempts=row.attempts,
    )
    message.create_time.FromDatetime(row.created_at)
    if row.completed_at:
        message.complete_time.FromDatetime(row.completed_at)
    return message


def import_to_proto(
    import_id: str,
    source: str,
    counters: dict[str, Any],
    invalid_examples: list[str],
    started: datetime | None,
    ended: datetime | None,
) -> pb.VulnerabilityImport:
    message = pb.VulnerabilityImport(
        id=import_id,
        source=source,
        invalid_examples=invalid_examples,
        **{
            k: int(v)
            for k, v in counters.items()
            if k in pb.VulnerabilityImport.DESCRIPTOR.fields_by_name
        },
    )
    if started:
        message.start_time.FromDatetime(started)
    if ended:
        message.end_time.FromDatetime(ended)
    return message


def import_row_to_proto(row: Mapping[str, Any]) -> pb.VulnerabilityImport:
    """An `imports` table row."""
    return import_to_proto(
        row["id"],
        row["source"],
        json.loads(row["counters"]),
        list(row["invalid_examples"]),
        row["started_at"],
        row["ended_at"],
    )


def summary_to_proto(
    summary: ImportSummary, started: datetime, ended: datetime
) -> pb.VulnerabilityImport:
    return import_to_proto(
        summary.id, summary.source, summary.counters(), summary.invalid_examples, started, ended
    )
