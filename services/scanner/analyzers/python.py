"""Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` and `*.egg-info` files."""

from __future__ import annotations

from typing import ClassVar

from packageurl import PackageURL
from packaging.utils import canonicalize_name

from services.scanner.analyzers.base import (
    KIB,
    AnalyzerError,
    AnalyzerOutput,
    FileEntry,
    PathInterest,
)
from services.scanner.inventory import Package, PackageType

SUFFIXES = (".dist-info/METADATA", ".egg-info/PKG-INFO", ".egg-info")
# The metadata headers end at the first blank line; the long description that follows can be
# large and is never read past this.
_MAX_HEADER_BYTES = 512 * KIB


def parse_headers(text: str) -> dict[str, list[str]]:
    """RFC 822-style headers up to the first blank line (continuation lines folded)."""
    headers: dict[str, list[str]] = {}
    last: list[str] | None = None
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line:
            break
        if line[0] in " \t":
            if last:
                last[-1] += "\n" + line.strip()
            continue
        key, sep, value = line.partition(":")
        if not sep:
            last = None
            continue
        last = headers.setdefault(key.strip().lower(), [])
        last.append(value.strip())
    return headers


def licenses_of(headers: dict[str, list[str]]) -> tuple[str, ...]:
    """PEP 639 License-Expression, else a short License, else the license classifiers."""
    if headers.get("license-expression"):
        return (headers["license-expression"][0],)
    declared = (headers.get("license") or [""])[0].strip()
    if declared and "\n" not in declared and len(declared) <= 100 and declared != "UNKNOWN":
        return (declared,)
    classifiers = [
        c.split(" :: ")[-1]
        for c in headers.get("classifier", ())
        if c.startswith("License ::") and c.count(" :: ") >= 2
    ]
    return tuple(dict.fromkeys(classifiers))


def package_from_metadata(data: bytes, path: str) -> Package:
    headers = parse_headers(data.decode("utf-8", "replace"))
    name = (headers.get("name") or [""])[0]
    version = (headers.get("version") or [""])[0]
    if not name or not version:
        raise AnalyzerError("Python metadata without Name and Version")
    return Package(
        type=PackageType.PYTHON,
        name=name,
        version=version,
        ecosystem="PyPI",
        path=path,
        licenses=licenses_of(headers),
        purl=PackageURL(type="pypi", name=canonicalize_name(name), version=version).to_string(),
    )


class _HeaderSink:
    """Keeps the body until the end of the headers (first blank line) and stops there."""

    def __init__(self, entry: FileEntry) -> None:
        self._entry = entry
        self._data = bytearray()

    def write(self, chunk: memoryview) -> bool:
        start = max(0, len(self._data) - 3)
        self._data += chunk
        if self._data.find(b"\n\n", start) >= 0 or self._data.find(b"\r\n\r\n", start) >= 0:
            return False
        if len(self._data) >= _MAX_HEADER_BYTES:
            del self._data[_MAX_HEADER_BYTES:]
            return False
        return True

    def finish(self) -> AnalyzerOutput:
        return AnalyzerOutput(packages=[package_from_metadata(bytes(self._data), self._entry.path)])


class PythonAnalyzer:
    """Installed Python distributions (site-packages, dist-packages, virtualenvs)."""

    name: ClassVar[str] = "python"
    version: ClassVar[int] = 1
    interest: ClassVar[PathInterest] = PathInterest(suffixes=SUFFIXES)

    def open(self, entry: FileEntry, max_file_bytes: int) -> _HeaderSink:
        return _HeaderSink(entry)

    def parse(self, entry: FileEntry, data: bytes) -> AnalyzerOutput:
        return AnalyzerOutput(packages=[package_from_metadata(data, entry.path)])
