"""Reads one layer as a stream of compressed chunks into a LayerAnalysis, within fixed limits.

Nothing is written to disk and nothing but the files analyzers select (each bounded) is held
in memory: chunks are decompressed in bounded steps, hashed for the diff_id, and walked as a
tar stream whose unselected bodies are skipped without copying.
"""

from __future__ import annotations

import asyncio
import hashlib
import lzma
import sqlite3
import struct
import zipfile
import zlib
from collections.abc import AsyncIterable, Iterable, Sequence
from dataclasses import dataclass, replace

from services.scanner.analyzers import ANALYZER_SET_VERSION, DEFAULT_ANALYZERS, set_version
from services.scanner.analyzers.base import (
    MIB,
    Analyzer,
    AnalyzerOutput,
    FileEntry,
    StreamSink,
    WholeFile,
)
from services.scanner.layer.decompress import (
    Decoder,
    declared_compression,
    make_decoder,
    sniff_compression,
)
from services.scanner.layer.errors import (
    CorruptLayer,
    DecompressionBomb,
    DiffIdMismatch,
    FileTooLarge,
    LayerTooLarge,
    TooManyFiles,
)
from services.scanner.layer.model import FileRecord, LayerAnalysis, SkippedFile
from services.scanner.layer.paths import normalise, whiteout_target
from services.scanner.layer.select import Selector
from services.scanner.layer.tarstream import TarStream

GIB = 1024 * MIB

# Malformed-file errors an analyzer may raise: the file is skipped and noted, the layer goes on.
_PARSE_ERRORS = (
    ValueError,  # includes AnalyzerError, UnicodeDecodeError, json.JSONDecodeError
    KeyError,
    IndexError,
    EOFError,
    OverflowError,
    struct.error,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    sqlite3.DatabaseError,
    NotImplementedError,  # zipfile: unsupported compression method
    OSError,  # zipfile's bz2 on damaged data (analyzers do no I/O)
    lzma.LZMAError,
    RecursionError,  # deeply nested JSON
)


@dataclass(frozen=True, slots=True)
class LayerLimits:
    """Bounds that make a hostile or huge layer fail fast with bounded memory.

    The expansion check (uncompressed > ratio x compressed bytes so far) only applies once
    `ratio_grace_bytes` have been produced, so small very compressible layers pass; set
    `max_expansion_ratio` to 0 to disable it.
    """

    max_layer_bytes: int = 16 * GIB
    max_entries: int = 1_000_000
    max_file_bytes: int = 64 * MIB
    max_database_bytes: int = 256 * MIB
    max_expansion_ratio: float = 200.0
    ratio_grace_bytes: int = 256 * MIB
    output_block_bytes: int = 1 * MIB


class _Capture:
    """One analyzer reading the current entry's body."""

    __slots__ = ("active", "analyzer", "buffer", "sink")

    def __init__(self, analyzer: Analyzer, sink: StreamSink | None) -> None:
        self.analyzer = analyzer
        self.sink = sink
        self.buffer: bytearray | None = None if sink is not None else bytearray()
        self.active = True

    def write(self, chunk: memoryview) -> bool:
        if self.buffer is not None:
            self.buffer += chunk
            return True
        assert self.sink is not None
        return self.sink.write(chunk)


class LayerReader:
    """Push compressed chunks with `feed`, then call `finish` for the LayerAnalysis."""

    def __init__(
        self,
        media_type: str,
        *,
        analyzers: Sequence[Analyzer] | None = None,
        limits: LayerLimits | None = None,
        expected_diff_id: str | None = None,
    ) -> None:
        self._declared = declared_compression(media_type)
        self._limits = limits or LayerLimits()
        self._analyzers = tuple(DEFAULT_ANALYZERS if analyzers is None else analyzers)
        self._set_version = (
            ANALYZER_SET_VERSION if analyzers is None else set_version(self._analyzers)
        )
        self._selector = Selector(self._analyzers)
        self._expected = expected_diff_id
        self._decoder: Decoder | None = None
        self._head = b""
        self._sha = hashlib.sha256()
        self._compressed = 0
        self._uncompressed = 0
        self._tar = TarStream(self)
        self._entry: FileEntry | None = None
        self._captures: list[_Capture] = []
        self._records: list[FileRecord] = []
        self._records_by_path: dict[str, list[FileRecord]] = {}
        self._whiteouts: list[str] = []
        self._opaque_dirs: list[str] = []
        self._examined: set[str] = set()
        self._skipped: list[SkippedFile] = []
        self._escaped = 0
        self._finished = False

    # -- input ---------------------------------------------------------------------------

    def feed(self, chunk: bytes | bytearray | memoryview) -> None:
        """Take the next piece of the compressed blob."""
        if not chunk:
            return
        self._compressed += len(chunk)
        if self._decoder is None:
            self._head += bytes(chunk)
            if len(self._head) < 4:
                return
            self._start_decoder()
            head, self._head = self._head, b""
            self._decode(head)
            return
        self._decode(chunk)

    def feed_many(self, chunks: Iterable[bytes | bytearray | memoryview]) -> None:
        for chunk in chunks:
            self.feed(chunk)

    def finish(self) -> LayerAnalysis:
        """End of the blob: check completeness and the diff_id, and return the analysis."""
        if self._finished:
            raise RuntimeError("finish() called twice")
        self._finished = True
        if self._decoder is None:
            if self._head:
                self._start_decoder()
                self._decode(self._head)
            elif self._declared:
                raise CorruptLayer("layer blob is empty")
        if self._decoder is not None:
            self._decoder.close()
        self._tar.close()
        diff_id = "sha256:" + self._sha.hexdigest()
        if self._expected and self._expected != diff_id:
            raise DiffIdMismatch(f"layer diff_id is {diff_id}, config says {self._expected}")
        return LayerAnalysis(
            diff_id=diff_id,
            analyzer_set_version=self._set_version,
            records=tuple(self._records),
            whiteouts=tuple(self._whiteouts),
            opaque_dirs=tuple(self._opaque_dirs),
            examined_paths=tuple(sorted(self._examined)),
            skipped=tuple(self._skipped),
            escaped_paths=self._escaped,
            entries=self._tar.members,
            uncompressed_bytes=self._uncompressed,
        )

    def _start_decoder(self) -> None:
        # Runtimes unpack by content, so a mislabelled layer is read the way it would run.
        compression = sniff_compression(self._head)
        self._decoder = make_decoder(compression, self._on_data, self._limits.output_block_bytes)

    def _decode(self, data: bytes | bytearray | memoryview) -> None:
        assert self._decoder is not None
        self._decoder.feed(data)

    def _on_data(self, data: memoryview) -> None:
        limits = self._limits
        self._uncompressed += len(data)
        if self._uncompressed > limits.max_layer_bytes:
            raise LayerTooLarge(f"layer expands beyond {limits.max_layer_bytes} bytes")
        if (
            limits.max_expansion_ratio
            and self._uncompressed > limits.ratio_grace_bytes
            and self._uncompressed > limits.max_expansion_ratio * self._compressed
        ):
            raise DecompressionBomb(
                f"layer expands more than {limits.max_expansion_ratio:g}x "
                f"({self._compressed} compressed bytes gave {self._uncompressed})"
            )
        self._sha.update(data)
        self._tar.feed(data)

    # -- tar events ----------------------------------------------------------------------

    def on_entry(self, name: str, kind: str, mode: int, size: int, linkname: str) -> bool:
        if self._tar.members > self._limits.max_entries:
            raise TooManyFiles(f"layer has more than {self._limits.max_entries} entries")
        normal = normalise(name)
        if normal.escaped:
            self._escaped += 1
        path = normal.path
        if not path or kind == "dir":
            return False
        whiteout = whiteout_target(path)
        if whiteout is not None:
            target, opaque = whiteout
            (self._opaque_dirs if opaque else self._whiteouts).append(target)
            return False
        if kind == "file" or kind == "hardlink":
            analyzers = self._selector.for_file(path, mode)
        else:
            analyzers = self._selector.by_path(path)
        if not analyzers:
            return False
        self._examined.add(path)
        # A new entry at a path replaces what this layer had there before.
        if self._records_by_path.pop(path, None) is not None:
            self._records = [r for r in self._records if r.path != path]
        if kind == "hardlink":
            self._link(path, normalise(linkname).path)
            return False
        if kind != "file":
            if kind == "sparse":
                for analyzer in analyzers:
                    self._skip(path, analyzer, "sparse file")
            return False
        entry = FileEntry(path=path, size=size, mode=mode & 0o7777)
        captures: list[_Capture] = []
        for analyzer in analyzers:
            request = analyzer.open(entry, self._limits.max_file_bytes)
            if request is None:
                continue
            if isinstance(request, WholeFile):
                if request.required:
                    cap = self._limits.max_database_bytes
                    if size > cap:
                        raise FileTooLarge(f"{path} is {size} bytes, more than {cap}")
                else:
                    cap = min(
                        request.cap or self._limits.max_file_bytes, self._limits.max_file_bytes
                    )
                    if size > cap:
                        self._skip(path, analyzer, f"larger than {cap} bytes")
                        continue
                captures.append(_Capture(analyzer, None))
            else:
                captures.append(_Capture(analyzer, request))
        self._entry = entry
        self._captures = captures
        return bool(captures)

    def on_body(self, chunk: memoryview) -> bool:
        alive = False
        for capture in self._captures:
            if capture.active:
                capture.active = capture.write(chunk)
                alive = alive or capture.active
        return alive

    def on_entry_end(self) -> None:
        captures, self._captures = self._captures, []
        entry, self._entry = self._entry, None
        if entry is None:
            return
        for capture in captures:
            analyzer = capture.analyzer
            try:
                if capture.sink is not None:
                    output = capture.sink.finish()
                else:
                    assert capture.buffer is not None
                    output = analyzer.parse(entry, bytes(capture.buffer))
            except _PARSE_ERRORS as exc:
                self._skip(entry.path, analyzer, f"unreadable: {type(exc).__name__}: {exc}")
                continue
            self._add_record(entry.path, analyzer.name, output)

    # -- results -------------------------------------------------------------------------

    def _add_record(self, path: str, analyzer: str, output: AnalyzerOutput) -> None:
        if output.is_empty():
            return
        record = FileRecord(
            path=path,
            analyzer=analyzer,
            packages=tuple(output.packages),
            owned_paths=tuple(output.owned_paths),
            os=output.os,
        )
        self._records.append(record)
        self._records_by_path.setdefault(path, []).append(record)

    def _link(self, path: str, target: str) -> None:
        """A hard link to a file of this layer carries that file's findings to its new path."""
        for record in self._records_by_path.get(target, ()):
            moved = replace(
                record,
                path=path,
                packages=tuple(
                    replace(p, path=path) if p.path == target else p for p in record.packages
                ),
            )
            self._records.append(moved)
            self._records_by_path.setdefault(path, []).append(moved)

    def _skip(self, path: str, analyzer: Analyzer, reason: str) -> None:
        self._skipped.append(SkippedFile(path=path, analyzer=analyzer.name, reason=reason[:300]))


def analyze_layer(
    chunks: Iterable[bytes | bytearray | memoryview],
    media_type: str,
    *,
    analyzers: Sequence[Analyzer] | None = None,
    limits: LayerLimits | None = None,
    expected_diff_id: str | None = None,
) -> LayerAnalysis:
    """Read a whole layer from an iterable of compressed chunks."""
    reader = LayerReader(
        media_type, analyzers=analyzers, limits=limits, expected_diff_id=expected_diff_id
    )
    reader.feed_many(chunks)
    return reader.finish()


async def analyze_layer_async(
    chunks: AsyncIterable[bytes],
    media_type: str,
    *,
    analyzers: Sequence[Analyzer] | None = None,
    limits: LayerLimits | None = None,
    expected_diff_id: str | None = None,
    offload: bool = True,
    batch_bytes: int = 1 * MIB,
) -> LayerAnalysis:
    """Read a layer from an async stream (e.g. an HTTP blob body).

    With `offload`, decompression and analysis run in a worker thread one batch (about
    `batch_bytes` of compressed input) at a time, so the event loop stays responsive; zlib,
    zstd and sha256 release the GIL on large buffers.
    """
    reader = LayerReader(
        media_type, analyzers=analyzers, limits=limits, expected_diff_id=expected_diff_id
    )
    batch: list[bytes] = []
    pending = 0
    async for chunk in chunks:
        batch.append(chunk)
        pending += len(chunk)
        if pending >= batch_bytes:
            if offload:
                await asyncio.to_thread(reader.feed_many, batch)
            else:
                reader.feed_many(batch)
            batch = []
            pending = 0
    if offload:
        await asyncio.to_thread(reader.feed_many, batch)
        return await asyncio.to_thread(reader.finish)
    reader.feed_many(batch)
    return reader.finish()
