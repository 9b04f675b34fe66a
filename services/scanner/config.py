"""Scanner configuration, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.common.config import (
    CommonConfig,
    parse_positive_int,
    parse_str,
    raise_if,
    read_common,
    var,
)
from services.scanner.platforms import parse_platforms

CONCURRENCY = var(
    "REGSIEVE_SCANNER_CONCURRENCY",
    parse_positive_int,
    "8",
    "scans one scanner process runs at once (also the JetStream max_ack_pending)",
)
PLATFORMS = var(
    "REGSIEVE_SCANNER_PLATFORMS",
    parse_platforms,
    "linux/amd64",
    "platforms scanned of a multi-platform image, comma-separated os/arch[/variant]",
)
MAX_LAYER_MB = var(
    "REGSIEVE_SCANNER_MAX_LAYER_MB",
    parse_positive_int,
    "16384",
    "largest uncompressed layer scanned, in MiB; larger layers fail the scan (TOO_LARGE)",
)
MAX_LAYER_FILES = var(
    "REGSIEVE_SCANNER_MAX_LAYER_FILES",
    parse_positive_int,
    "1000000",
    "most tar entries in one layer; more fail the scan (TOO_MANY_FILES)",
)
MAX_FILE_MB = var(
    "REGSIEVE_SCANNER_MAX_FILE_MB",
    parse_positive_int,
    "64",
    "most bytes read of one file an analyzer wants (package databases may use 256 MiB)",
)
MAX_DELIVER = var(
    "REGSIEVE_SCANNER_MAX_DELIVER",
    parse_positive_int,
    "6",
    "deliveries of a scan request before a transient failure is recorded as final",
)
ACK_WAIT = var(
    "REGSIEVE_SCANNER_ACK_WAIT_SECONDS",
    parse_positive_int,
    "60",
    "seconds before an unacknowledged scan request is redelivered (in_progress extends it)",
)
VULNDB_SOURCE = var(
    "REGSIEVE_SCANNER_VULNDB_SOURCE",
    parse_str,
    "",
    "optional OSV directory, all.zip path or URL imported when the scanner starts",
)
VULNDB_RELOAD = var(
    "REGSIEVE_SCANNER_VULNDB_RELOAD_SECONDS",
    parse_positive_int,
    "10",
    "how often a scanner checks for vulnerability imports made by other replicas",
)


@dataclass(frozen=True)
class ScannerConfig:
    common: CommonConfig
    concurrency: int
    platforms: tuple[tuple[str, str, str], ...]
    max_layer_bytes: int
    max_layer_files: int
    max_file_bytes: int
    max_deliver: int
    ack_wait_seconds: int
    vulndb_source: str
    vulndb_reload_seconds: int

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ScannerConfig:
        problems: list[str] = []
        mib = 1024 * 1024
        config = cls(
            common=read_common(env, problems),
            concurrency=CONCURRENCY.read(env, problems),
            platforms=PLATFORMS.read(env, problems),
            max_layer_bytes=(MAX_LAYER_MB.read(env, problems) or 0) * mib,
            max_layer_files=MAX_LAYER_FILES.read(env, problems),
            max_file_bytes=(MAX_FILE_MB.read(env, problems) or 0) * mib,
            max_deliver=MAX_DELIVER.read(env, problems),
            ack_wait_seconds=ACK_WAIT.read(env, problems),
            vulndb_source=VULNDB_SOURCE.read(env, problems),
            vulndb_reload_seconds=VULNDB_RELOAD.read(env, problems),
        )
        raise_if(problems)
        return config
