"""The RPM header blob format (as stored in every rpmdb): an index of tags over a data store.

Layout (big-endian): int32 index count, int32 data length, then 16-byte index entries
(tag, type, offset, count), then the data store. Reference: rpm's lib/header.c and
knqyf263/go-rpmdb.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from services.scanner.analyzers.base import AnalyzerError

# Tags we read.
NAME = 1000
VERSION = 1001
RELEASE = 1002
EPOCH = 1003
VENDOR = 1011
LICENSE = 1014
OLDFILENAMES = 1027
ARCH = 1022
SOURCERPM = 1044
DIRINDEXES = 1116
BASENAMES = 1117
DIRNAMES = 1118
WANTED = frozenset(
    {NAME, VERSION, RELEASE, EPOCH, VENDOR, LICENSE, OLDFILENAMES, ARCH, SOURCERPM}
    | {DIRINDEXES, BASENAMES, DIRNAMES}
)

# Tag data types.
_CHAR, _INT8, _INT16, _INT32, _INT64 = 1, 2, 3, 4, 5
_STRING, _BIN, _STRING_ARRAY, _I18NSTRING = 6, 7, 8, 9
_INT_FORMATS = {_CHAR: "B", _INT8: "B", _INT16: "H", _INT32: "I", _INT64: "Q"}
_MAX_INDEX = 1 << 20

TagValue = str | list[str] | list[int] | bytes


@dataclass(frozen=True, slots=True)
class RpmHeader:
    """The fields of one installed package the scanner uses."""

    name: str
    version: str
    release: str
    epoch: int | None
    arch: str
    source_rpm: str
    vendor: str
    license: str
    files: tuple[str, ...]  # absolute paths, as rpm records them

    @property
    def evr(self) -> str:
        """`[epoch:]version-release`, the form rpm version comparison takes."""
        base = f"{self.version}-{self.release}"
        return f"{self.epoch}:{base}" if self.epoch else base


def _strings(store: bytes, offset: int, count: int) -> list[str]:
    out: list[str] = []
    for _ in range(count):
        end = store.find(b"\0", offset)
        if end < 0:
            raise AnalyzerError("rpm header string is not terminated")
        out.append(store[offset:end].decode("utf-8", "replace"))
        offset = end + 1
    return out


def parse_tags(blob: bytes) -> dict[int, TagValue]:
    """Decode the wanted tags of one header blob."""
    if len(blob) < 8:
        raise AnalyzerError("rpm header is too short")
    index_count, data_length = struct.unpack_from(">II", blob, 0)
    store_start = 8 + 16 * index_count
    if index_count > _MAX_INDEX or store_start + data_length > len(blob):
        raise AnalyzerError("rpm header sizes do not fit the blob")
    store = blob[store_start : store_start + data_length]
    tags: dict[int, TagValue] = {}
    for tag, kind, offset, count in struct.iter_unpack(">iiii", blob[8:store_start]):
        if tag not in WANTED or tag in tags:
            continue
        if offset < 0 or offset >= data_length or count < 0:
            raise AnalyzerError(f"rpm tag {tag} points outside the data store")
        if kind == _STRING:
            tags[tag] = _strings(store, offset, 1)[0]
        elif kind in (_STRING_ARRAY, _I18NSTRING):
            values = _strings(store, offset, count)
            tags[tag] = values[0] if kind == _I18NSTRING and values else values
        elif kind in _INT_FORMATS:
            fmt = f">{count}{_INT_FORMATS[kind]}"
            if offset + struct.calcsize(fmt) > data_length:
                raise AnalyzerError(f"rpm tag {tag} overruns the data store")
            tags[tag] = list(struct.unpack_from(fmt, store, offset))
        elif kind == _BIN:
            tags[tag] = store[offset : offset + count]
    return tags


def _text(tags: dict[int, TagValue], tag: int) -> str:
    value = tags.get(tag, "")
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return value if isinstance(value, str) else ""


def _strs(tags: dict[int, TagValue], tag: int) -> list[str] | None:
    value = tags.get(tag)
    return [str(v) for v in value] if isinstance(value, list) else None


def _ints(tags: dict[int, TagValue], tag: int) -> list[int] | None:
    value = tags.get(tag)
    if not isinstance(value, list):
        return None
    return [v for v in value if isinstance(v, int)]


def _file_list(tags: dict[int, TagValue]) -> tuple[str, ...]:
    basenames = _strs(tags, BASENAMES)
    dirnames = _strs(tags, DIRNAMES)
    indexes = _ints(tags, DIRINDEXES)
    if basenames is not None and dirnames is not None and indexes is not None:
        if len(indexes) != len(basenames):
            raise AnalyzerError("rpm file list lengths differ")
        return tuple(
            f"{dirnames[i]}{name}"
            for name, i in zip(basenames, indexes, strict=True)
            if 0 <= i < len(dirnames)
        )
    return tuple(_strs(tags, OLDFILENAMES) or ())


def parse_header(blob: bytes) -> RpmHeader:
    tags = parse_tags(blob)
    epochs = _ints(tags, EPOCH)
    epoch = epochs[0] if epochs else None
    name = _text(tags, NAME)
    if not name:
        raise AnalyzerError("rpm header has no NAME")
    return RpmHeader(
        name=name,
        version=_text(tags, VERSION),
        release=_text(tags, RELEASE),
        epoch=epoch,
        arch=_text(tags, ARCH),
        source_rpm=_text(tags, SOURCERPM),
        vendor=_text(tags, VENDOR),
        license=_text(tags, LICENSE),
        files=_file_list(tags),
    )


def split_source_rpm(source_rpm: str) -> tuple[str, str, str]:
    """`util-linux-2.32.1-42.el8_8.src.rpm` -> (`util-linux`, `2.32.1`, `42.el8_8`)."""
    base = source_rpm
    for suffix in (".src.rpm", ".nosrc.rpm"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    parts = base.rsplit("-", 2)
    if len(parts) != 3 or not all(parts):
        return "", "", ""
    return parts[0], parts[1], parts[2]
