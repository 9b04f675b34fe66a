"""rpm's NDB format (`Packages.db`, SUSE): slot pages pointing at blob blocks of headers.

Layout (little-endian): a 32-byte header ("RpmP", version, generation, slot page count),
4 KiB slot pages of 16-byte slots ("Slot", package index, block offset, block count; the
first two slots' room is the header), and blobs at block offset x 16 ("BlbS", package index,
checksum, length, then the header). References: rpm's lib/backend/ndb/rpmpkg.c and
knqyf263/go-rpmdb's pkg/ndb.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from services.scanner.analyzers.base import AnalyzerError

HEADER_MAGIC = b"RpmP"
_SLOT_MAGIC = b"Slot"
_BLOB_MAGIC = b"BlbS"
_SLOTS_PER_PAGE = 4096 // 16
_BLOCK = 16
_MAX_SLOT_PAGES = 2048


def is_ndb(data: bytes) -> bool:
    return data[:4] == HEADER_MAGIC


def iter_values(data: bytes) -> Iterator[bytes]:
    """Every package header blob the slots point at."""
    if len(data) < 32 or not is_ndb(data):
        raise AnalyzerError("not an rpm NDB file")
    version, _generation, slot_pages = struct.unpack_from("<III", data, 4)
    if version != 0 or not 0 < slot_pages <= _MAX_SLOT_PAGES:
        raise AnalyzerError("unsupported rpm NDB header")
    slot_count = slot_pages * _SLOTS_PER_PAGE - 2
    if 32 + 16 * slot_count > len(data):
        raise AnalyzerError("rpm NDB slot pages are truncated")
    for number in range(slot_count):
        offset = 32 + 16 * number
        if data[offset : offset + 4] != _SLOT_MAGIC:
            raise AnalyzerError(f"rpm NDB slot {number} has a bad magic")
        package, block, _count = struct.unpack_from("<III", data, offset + 4)
        if package == 0:
            continue
        start = block * _BLOCK
        if start + 16 > len(data) or data[start : start + 4] != _BLOB_MAGIC:
            raise AnalyzerError(f"rpm NDB blob of package {package} is missing")
        blob_package, _checksum, length = struct.unpack_from("<III", data, start + 4)
        if blob_package != package or start + 16 + length > len(data):
            raise AnalyzerError(f"rpm NDB blob of package {package} is inconsistent")
        yield data[start + 16 : start + 16 + length]
