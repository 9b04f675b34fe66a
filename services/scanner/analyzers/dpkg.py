"""dpkg: `var/lib/dpkg/status`, distroless `status.d/*`, and `info/*.list` file ownership."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from services.scanner.analyzers.base import (
    MAX_OWNED_PATHS_PER_FILE,
    MAX_PACKAGES_PER_FILE,
    AnalyzerError,
    AnalyzerOutput,
    FileEntry,
    PathInterest,
    WholeFile,
    is_evidence_path,
)
from services.scanner.inventory import Package, PackageType

STATUS = "var/lib/dpkg/status"
STATUS_D = "var/lib/dpkg/status.d/"
INFO = "var/lib/dpkg/info/"
# Package states whose files are on disk (dpkg-query's db:Status-Status).
_PRESENT_STATES = frozenset(
    {"installed", "half-configured", "triggers-awaited", "triggers-pending"}
)
_FIELDS = frozenset({"Package", "Status", "Version", "Source", "Architecture"})


def iter_stanzas(text: str) -> Iterator[dict[str, str]]:
    """The paragraphs of a deb822 file, keeping only the single-line fields we use."""
    stanza: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if stanza:
                yield stanza
                stanza = {}
            continue
        if line[0] in " \t":
            continue  # continuation of a multi-line field (Description, Conffiles)
        key, sep, value = line.partition(":")
        if sep and key in _FIELDS:
            stanza[key] = value.strip()
    if stanza:
        yield stanza


def parse_source(source: str, version: str, name: str) -> tuple[str, str]:
    """`Source: name (version)` or `Source: name`; absent means the binary's own name."""
    if not source:
        return name, version
    source_name, _, rest = source.partition(" ")
    rest = rest.strip()
    if rest.startswith("(") and rest.endswith(")"):
        return source_name, rest[1:-1].strip()
    return source_name, version


def packages_from_status(text: str, path: str, *, require_status: bool) -> list[Package]:
    """Installed packages of a status file (status.d files carry no Status field)."""
    packages: list[Package] = []
    for stanza in iter_stanzas(text):
        name = stanza.get("Package", "")
        version = stanza.get("Version", "")
        if not name or not version:
            continue
        status = stanza.get("Status")
        if status is None:
            if require_status:
                continue
        elif status.rsplit(" ", 1)[-1] not in _PRESENT_STATES:
            continue
        if len(packages) >= MAX_PACKAGES_PER_FILE:
            raise AnalyzerError(f"more than {MAX_PACKAGES_PER_FILE} packages")
        source_name, source_version = parse_source(stanza.get("Source", ""), version, name)
        packages.append(
            Package(
                type=PackageType.DPKG,
                name=name,
                version=version,
                ecosystem="",  # the image's OS ecosystem, known once layers are merged
                source_name=source_name,
                source_version=source_version,
                path=path,
                arch=stanza.get("Architecture", ""),
            )
        )
    return packages


def owned_from_list(text: str) -> list[str]:
    """Evidence paths of an `info/<pkg>.list` (absolute paths, one a line)."""
    out = []
    for line in text.splitlines():
        path = line.strip().lstrip("/")
        if path and is_evidence_path(path):
            out.append(path)
            if len(out) > MAX_OWNED_PATHS_PER_FILE:
                raise AnalyzerError(f"more than {MAX_OWNED_PATHS_PER_FILE} owned paths")
    return out


def owned_from_md5sums(text: str) -> list[str]:
    """Evidence paths of a `<pkg>.md5sums` (`<md5>  <relative path>`)."""
    out = []
    for line in text.splitlines():
        _, _, path = line.partition("  ")
        path = path.strip().lstrip("/")
        if path and is_evidence_path(path):
            out.append(path)
            if len(out) > MAX_OWNED_PATHS_PER_FILE:
                raise AnalyzerError(f"more than {MAX_OWNED_PATHS_PER_FILE} owned paths")
    return out


class DpkgAnalyzer:
    """Debian packages and the files they own."""

    name: ClassVar[str] = "dpkg"
    version: ClassVar[int] = 1
    interest: ClassVar[PathInterest] = PathInterest(
        exact=frozenset({STATUS}), prefixes=(STATUS_D, INFO)
    )

    def open(self, entry: FileEntry, max_file_bytes: int) -> WholeFile | None:
        path = entry.path
        if path == STATUS:
            return WholeFile(required=True)
        if path.startswith(STATUS_D):
            if "/" in path[len(STATUS_D) :]:
                return None
            return WholeFile(required=not path.endswith(".md5sums"))
        if path.endswith(".list") and "/" not in path[len(INFO) :]:
            return WholeFile()
        return None

    def parse(self, entry: FileEntry, data: bytes) -> AnalyzerOutput:
        text = data.decode("utf-8", "replace")
        path = entry.path
        if path.startswith(INFO):
            return AnalyzerOutput(owned_paths=owned_from_list(text))
        if path.endswith(".md5sums"):
            return AnalyzerOutput(owned_paths=owned_from_md5sums(text))
        packages = packages_from_status(text, path, require_status=path == STATUS)
        return AnalyzerOutput(packages=packages)
