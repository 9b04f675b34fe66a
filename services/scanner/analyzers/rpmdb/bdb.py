"""Berkeley DB hash files (rpm < 4.16 `Packages`): the values are RPM header blobs.

Only what rpmdb uses is read: the metadata page (byte order, page size, last page), hash
pages (P_HASH, and P_HASH_UNSORTED on old releases) and the overflow-page chains that hold
each header. References: libdb's dbinc/db_page.h and knqyf263/go-rpmdb's pkg/bdb.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from services.scanner.analyzers.base import AnalyzerError

HASH_MAGIC = 0x061561
_VALID_PAGE_SIZES = frozenset(1 << n for n in range(9, 17))
_PAGE_HEADER = 26
_P_HASH_UNSORTED = 2
_P_OVERFLOW = 7
_P_HASH = 13
_H_OFFPAGE = 3


def is_bdb_hash(data: bytes) -> bool:
    if len(data) < 512:
        return False
    return HASH_MAGIC in (
        struct.unpack_from("<I", data, 12)[0],
        struct.unpack_from(">I", data, 12)[0],
    )


def iter_values(data: bytes) -> Iterator[bytes]:
    """Every off-page value of the hash database (each one RPM header blob)."""
    if not is_bdb_hash(data):
        raise AnalyzerError("not a Berkeley DB hash file")
    order = "<" if struct.unpack_from("<I", data, 12)[0] == HASH_MAGIC else ">"
    (page_size,) = struct.unpack_from(order + "I", data, 20)
    (last_page,) = struct.unpack_from(order + "I", data, 32)
    if page_size not in _VALID_PAGE_SIZES:
        raise AnalyzerError(f"unexpected Berkeley DB page size {page_size}")
    page_count = len(data) // page_size
    header = struct.Struct(order + "8xIIIHHBB")  # pgno, prev, next, entries, hf_offset, level, type
    u16 = struct.Struct(order + "H")
    u32 = struct.Struct(order + "I")
    for number in range(min(last_page + 1, page_count)):
        base = number * page_size
        _, _, _, entries, _, _, page_type = header.unpack_from(data, base)
        if page_type not in (_P_HASH, _P_HASH_UNSORTED):
            continue
        if 2 * entries > page_size - _PAGE_HEADER:
            raise AnalyzerError(f"Berkeley DB page {number} has a bad entry count")
        # Entries alternate key, value; the index is an array of in-page offsets.
        for slot in range(1, entries, 2):
            (offset,) = u16.unpack_from(data, base + _PAGE_HEADER + 2 * slot)
            if offset >= page_size:
                raise AnalyzerError(f"Berkeley DB page {number} has a bad item offset")
            if data[base + offset] != _H_OFFPAGE:
                continue  # inline data: rpm keeps only small bookkeeping values there
            if offset + 12 > page_size:
                raise AnalyzerError(f"Berkeley DB page {number} has a bad item offset")
            (first_page,) = u32.unpack_from(data, base + offset + 4)
            (total,) = u32.unpack_from(data, base + offset + 8)
            yield _overflow_chain(data, first_page, total, page_size, page_count, header)


def _overflow_chain(
    data: bytes, page: int, total: int, page_size: int, page_count: int, header: struct.Struct
) -> bytes:
    parts: list[bytes] = []
    collected = 0
    seen: set[int] = set()
    while page and collected < total:
        if page >= page_count or page in seen:
            raise AnalyzerError("Berkeley DB overflow chain is broken")
        seen.add(page)
        base = page * page_size
        _, _, next_page, _, used, _, page_type = header.unpack_from(data, base)
        if page_type != _P_OVERFLOW:
            raise AnalyzerError("Berkeley DB overflow chain reaches a non-overflow page")
        # On overflow pages hf_offset holds the number of bytes the page carries.
        length = min(used, page_size - _PAGE_HEADER, total - collected)
        parts.append(data[base + _PAGE_HEADER : base + _PAGE_HEADER + length])
        collected += length
        page = next_page
    if collected != total:
        raise AnalyzerError("Berkeley DB overflow value is truncated")
    return b"".join(parts)
