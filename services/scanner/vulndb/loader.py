"""Read OSV records from a directory of JSON files or an osv.dev `all.zip`, skipping bad ones.

Nothing here talks to the network; a downloaded `all.zip` is passed in as bytes or a
path. A file that is not valid JSON, not an OSV record, too large, or unreadable is
recorded as a LoadError and the import goes on.
"""

from __future__ import annotations

import io
import json
import lzma
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from services.scanner.vulndb.osv import OsvFormatError, OsvRecord, parse_record

# osv.dev records are a few kB; the largest real ones (kernel CVEs listing every
# version) stay well below this
MAX_RECORD_BYTES = 16 * 1024 * 1024

# what reading a damaged, encrypted or exotic zip member raises: CRC mismatch, bad
# deflate/lzma data, truncation, unsupported compression, password required
_MEMBER_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
)


@dataclass(frozen=True, slots=True)
class LoadError:
    """A file that was skipped, and why."""

    source: str
    message: str


@dataclass(slots=True)
class LoadResult:
    """Records read from one source plus the files that had to be skipped."""

    records: list[OsvRecord] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)


def parse_json_bytes(data: bytes, source: str) -> Iterator[OsvRecord | LoadError]:
    """Records in one JSON document: an OSV object, or a list of them."""
    try:
        document: Any = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        yield LoadError(source, f"not JSON: {error}")
        return
    items = document if isinstance(document, list) else [document]
    for index, item in enumerate(items):
        where = source if len(items) == 1 else f"{source}[{index}]"
        try:
            yield parse_record(item)
        except OsvFormatError as error:
            yield LoadError(where, f"not an OSV record: {error}")


def _read_limited(stream: IO[bytes], source: str, size_hint: int) -> bytes | LoadError:
    if size_hint > MAX_RECORD_BYTES:
        return LoadError(source, f"{size_hint} bytes, over the {MAX_RECORD_BYTES} limit")
    # the declared size may lie (zip headers are data too): read one byte past the cap
    data = stream.read(MAX_RECORD_BYTES + 1)
    if len(data) > MAX_RECORD_BYTES:
        return LoadError(source, f"over the {MAX_RECORD_BYTES} byte limit")
    return data


def iter_directory(root: Path) -> Iterator[OsvRecord | LoadError]:
    """Every `*.json` file under `root`, recursively, in path order."""
    for path in sorted(root.rglob("*.json")):
        if not path.is_file():
            continue
        source = str(path.relative_to(root))
        try:
            with path.open("rb") as stream:
                data = _read_limited(stream, source, path.stat().st_size)
        except OSError as error:
            yield LoadError(source, f"unreadable: {error.strerror or error}")
            continue
        if isinstance(data, LoadError):
            yield data
        else:
            yield from parse_json_bytes(data, source)


def iter_zip(archive: bytes | Path) -> Iterator[OsvRecord | LoadError]:
    """Every `*.json` member of a zip (osv.dev's per-ecosystem `all.zip`)."""
    label = "all.zip" if isinstance(archive, bytes) else str(archive)
    try:
        opened = zipfile.ZipFile(io.BytesIO(archive) if isinstance(archive, bytes) else archive)
    except (zipfile.BadZipFile, OSError) as error:
        yield LoadError(label, f"not a readable zip: {error}")
        return
    with opened:
        for info in opened.infolist():
            if info.is_dir() or not info.filename.endswith(".json"):
                continue
            try:
                with opened.open(info) as stream:
                    data = _read_limited(stream, info.filename, info.file_size)
            except _MEMBER_ERRORS as error:
                yield LoadError(info.filename, f"unreadable member: {error!r}")
                continue
            if isinstance(data, LoadError):
                yield data
            else:
                yield from parse_json_bytes(data, info.filename)


def _collect(items: Iterator[OsvRecord | LoadError]) -> LoadResult:
    result = LoadResult()
    for item in items:
        if isinstance(item, LoadError):
            result.errors.append(item)
        else:
            result.records.append(item)
    return result


def load_directory(root: Path) -> LoadResult:
    """All records under a directory, with the files that were skipped."""
    return _collect(iter_directory(root))


def load_zip(archive: bytes | Path) -> LoadResult:
    """All records in a zip, with the members that were skipped."""
    return _collect(iter_zip(archive))
