"""Go binaries: the build info the Go linker embeds (module list and Go version).

The build info section starts with the 16-byte-aligned magic `\\xff Go buildinf:`. Since Go
1.18 the version and module strings follow it inline (flag bit 2); before that it holds two
pointers that must be resolved through the ELF program headers. The body is scanned as it
streams past: only ELF executables are looked at, the search is a `bytes.find` per chunk, and
reading stops as soon as an inline build info is complete. The file prefix is kept (up to the
per-file limit) only so the pointer format can be resolved.
"""

from __future__ import annotations

import re
import struct
from typing import ClassVar

from packageurl import PackageURL

from services.scanner.analyzers.base import (
    KIB,
    AnalyzerError,
    AnalyzerOutput,
    FileEntry,
    PathInterest,
)
from services.scanner.inventory import Package, PackageType

MAGIC = b"\xff Go buildinf:"
ELF_MAGIC = b"\x7fELF"
_HEADER = 32
_INLINE_FLAG = 0x2
_BIG_ENDIAN_FLAG = 0x1
# Go binaries are megabytes; smaller executables are scripts and small C tools.
MIN_SIZE = 512 * KIB
# Enough for the version and module list of very large programs.
_WINDOW = 1024 * KIB
_MAX_CANDIDATES = 16
_MODINFO_SENTINEL_LEN = 16


def _uvarint(data: bytes | bytearray, pos: int) -> tuple[int, int]:
    value = 0
    shift = 0
    while pos < len(data) and shift < 64:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
    raise AnalyzerError("truncated varint")


def inline_strings(data: bytes | bytearray, at: int) -> tuple[str, str] | None:
    """Version and module info of an inline (Go 1.18+) build info at `at`, if complete."""
    try:
        pos = at + _HEADER
        length, pos = _uvarint(data, pos)
        if pos + length > len(data):
            return None
        version = bytes(data[pos : pos + length]).decode("utf-8", "replace")
        pos += length
        length, pos = _uvarint(data, pos)
        if pos + length > len(data):
            return None
        modinfo = bytes(data[pos : pos + length]).decode("utf-8", "replace")
    except AnalyzerError:
        return None
    return version, modinfo


def _elf_segments(data: bytes | bytearray) -> list[tuple[int, int, int]]:
    """PT_LOAD segments of an ELF file: (vaddr, file offset, size in the file)."""
    if data[:4] != ELF_MAGIC or len(data) < 64:
        raise AnalyzerError("not an ELF file")
    is64 = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    if is64:
        (phoff,) = struct.unpack_from(order + "Q", data, 32)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 54)
        fmt = order + "IIQQQQ"
    else:
        (phoff,) = struct.unpack_from(order + "I", data, 28)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 42)
        fmt = order + "IIIIII"
    segments = []
    for index in range(min(phnum, 256)):
        start = phoff + index * phentsize
        if start + struct.calcsize(fmt) > len(data):
            break
        if is64:
            p_type, _flags, offset, vaddr, _paddr, filesz = struct.unpack_from(fmt, data, start)
        else:
            p_type, offset, vaddr, _paddr, filesz, _memsz = struct.unpack_from(fmt, data, start)
        if p_type == 1:  # PT_LOAD
            segments.append((vaddr, offset, filesz))
    return segments


def _read_at(
    data: bytes | bytearray, segments: list[tuple[int, int, int]], addr: int, n: int
) -> bytes:
    for vaddr, offset, filesz in segments:
        if vaddr <= addr and addr + n <= vaddr + filesz:
            start = offset + addr - vaddr
            if start + n <= len(data):
                return bytes(data[start : start + n])
    raise AnalyzerError("build info pointer outside the file")


def pointer_strings(data: bytes | bytearray, at: int) -> tuple[str, str]:
    """Version and module info of a pre-1.18 build info (pointers to Go string headers)."""
    segments = _elf_segments(data)
    pointer_size = data[at + 14]
    order = ">" if data[at + 15] & _BIG_ENDIAN_FLAG else "<"
    if pointer_size not in (4, 8):
        raise AnalyzerError("bad build info pointer size")
    word = order + ("Q" if pointer_size == 8 else "I")

    def read_string(pointer_at: int) -> str:
        (header_addr,) = struct.unpack_from(word, data, pointer_at)
        raw = _read_at(data, segments, header_addr, 2 * pointer_size)
        data_addr, length = struct.unpack(order + ("QQ" if pointer_size == 8 else "II"), raw)
        if length > _WINDOW:
            raise AnalyzerError("build info string is too long")
        return _read_at(data, segments, data_addr, length).decode("utf-8", "replace")

    return read_string(at + 16), read_string(at + 16 + pointer_size)


def stdlib_version(go_version: str) -> str:
    """`go1.21.5` -> `1.21.5`, `go1.19` -> `1.19.0`, `go1.21rc2` -> `1.21.0-rc.2`; '' for devel."""
    token = go_version.split(" ", 1)[0]
    match = re.fullmatch(r"go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta|alpha)(\d+))?", token)
    if not match:
        return ""
    major, minor, patch, stage, number = match.groups()
    version = f"{major}.{minor}.{patch or 0}"
    return f"{version}-{stage}.{number}" if stage else version


def _strip_sentinels(modinfo: str) -> str:
    if (
        len(modinfo) >= 2 * _MODINFO_SENTINEL_LEN + 1
        and modinfo[-_MODINFO_SENTINEL_LEN - 1] == "\n"
    ):
        return modinfo[_MODINFO_SENTINEL_LEN:-_MODINFO_SENTINEL_LEN]
    return modinfo


def packages_from_buildinfo(go_version: str, modinfo: str, path: str) -> list[Package]:
    """`stdlib` at the toolchain version, the main module (if versioned) and dependencies."""
    modules: list[tuple[str, str]] = []
    for line in _strip_sentinels(modinfo).splitlines():
        fields = line.split("\t")
        if fields[0] in ("mod", "dep") and len(fields) >= 3:
            modules.append((fields[1], fields[2]))
        elif fields[0] == "=>" and len(fields) >= 2 and modules:
            # Replacement of the line above; a local directory (no version) is not a module
            # release, so nothing is reported for it.
            modules[-1] = (fields[1], fields[2] if len(fields) >= 3 else "")
    packages: list[Package] = []
    stdlib = stdlib_version(go_version)
    if stdlib:
        packages.append(_package("stdlib", stdlib, path))
    for module, version in modules:
        if module and version and version != "(devel)":
            packages.append(_package(module, version, path))
    return packages


def _package(module: str, version: str, path: str) -> Package:
    namespace, _, name = module.rpartition("/")
    return Package(
        type=PackageType.GO,
        name=module,
        version=version,
        ecosystem="Go",
        path=path,
        purl=PackageURL(
            type="golang", namespace=namespace or None, name=name, version=version
        ).to_string(),
    )


def _plausible(found: tuple[str, str]) -> bool:
    return found[0].startswith(("go", "devel"))


class BuildInfoSink:
    """Streams an executable past, finding and decoding its Go build info.

    `_buffer` holds the file from offset 0 while it fits `keep_bytes` (the pointer format
    needs random access); past that, only the bytes from a pending inline candidate on (or a
    short tail, for a magic split across chunks) are kept.
    """

    def __init__(self, entry: FileEntry, keep_bytes: int) -> None:
        self._entry = entry
        self._keep = keep_bytes
        self._buffer = bytearray()
        self._offset = 0  # file offset of _buffer[0]
        self._scan_from = 0  # where in _buffer the next magic search starts
        self._pending = -1  # _buffer index of an inline candidate waiting for more bytes
        self._pointer_candidates: list[int] = []  # pointer-format headers (only while offset 0)
        self._result: tuple[str, str] | None = None

    def write(self, chunk: memoryview) -> bool:
        buffer = self._buffer
        if self._offset == 0 and len(buffer) < 4:
            head = bytes(buffer) + bytes(chunk[: 4 - len(buffer)])
            if head != ELF_MAGIC[: len(head)]:
                return False
        buffer += chunk
        if self._search():
            return False
        if self._offset == 0 and len(buffer) <= self._keep:
            return True
        # Past the limit: keep only a pending candidate, or a tail a split magic may start in.
        keep_from = (
            self._pending if self._pending >= 0 else max(0, len(buffer) - len(MAGIC) - _HEADER)
        )
        keep_from = min(keep_from, self._scan_from)
        del buffer[:keep_from]
        self._offset += keep_from
        self._scan_from -= keep_from
        if self._pending >= 0:
            self._pending -= keep_from
        self._pointer_candidates.clear()
        return True

    def _search(self) -> bool:
        """Look for candidates in the new bytes; True once an inline build info is decoded."""
        buffer = self._buffer
        while True:
            if self._pending >= 0:
                found = inline_strings(buffer, self._pending)
                if found is None:
                    if len(buffer) - self._pending <= _WINDOW:
                        return False  # wait for more bytes
                elif _plausible(found):
                    self._result = found
                    return True
                self._pending = -1
                continue
            at = buffer.find(MAGIC, self._scan_from)
            if at < 0 or at + _HEADER > len(buffer):
                self._scan_from = at if at >= 0 else max(0, len(buffer) - len(MAGIC) + 1)
                return False
            self._scan_from = at + 1
            if (self._offset + at) % 16 or buffer[at + 14] not in (4, 8) or buffer[at + 15] & ~0x3:
                continue
            if buffer[at + 15] & _INLINE_FLAG:
                self._pending = at
            elif self._offset == 0 and len(self._pointer_candidates) < _MAX_CANDIDATES:
                self._pointer_candidates.append(at)

    def finish(self) -> AnalyzerOutput:
        if self._result is None and self._offset == 0:
            for at in self._pointer_candidates:
                try:
                    found = pointer_strings(self._buffer, at)
                except (AnalyzerError, struct.error):
                    continue
                if _plausible(found):
                    self._result = found
                    break
        self._buffer = bytearray()
        if self._result is None:
            return AnalyzerOutput()
        go_version, modinfo = self._result
        return AnalyzerOutput(
            packages=packages_from_buildinfo(go_version, modinfo, self._entry.path)
        )

    @property
    def build_info(self) -> tuple[str, str] | None:
        """(Go version, module info) once found."""
        return self._result


def read_buildinfo(data: bytes) -> tuple[str, str] | None:
    """Build info of a whole binary in memory (used by tests and tools)."""
    sink = BuildInfoSink(FileEntry(path="", size=len(data), mode=0o755), keep_bytes=len(data))
    sink.write(memoryview(data))
    sink.finish()
    return sink.build_info


class GoBinaryAnalyzer:
    """Module lists of Go executables, wherever they are."""

    name: ClassVar[str] = "gobinary"
    version: ClassVar[int] = 1
    interest: ClassVar[PathInterest] = PathInterest(executables=True)

    def open(self, entry: FileEntry, max_file_bytes: int) -> BuildInfoSink | None:
        if entry.size < MIN_SIZE:
            return None
        return BuildInfoSink(entry, keep_bytes=max_file_bytes)

    def parse(self, entry: FileEntry, data: bytes) -> AnalyzerOutput:
        found = read_buildinfo(data)
        if found is None:
            return AnalyzerOutput()
        return AnalyzerOutput(packages=packages_from_buildinfo(found[0], found[1], entry.path))
