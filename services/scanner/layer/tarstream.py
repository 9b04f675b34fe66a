"""A push-driven tar reader: fed decompressed bytes, it reports entries and the bodies asked for.

Written for speed on whole layers: headers are parsed with slicing and `int`, and the bodies
nobody asked for are skipped by arithmetic, never copied. It understands ustar, GNU
(`L`/`K` long names, base-256 sizes) and PAX (`x`/`g`) headers, which is what image builders
write. Any inconsistency (bad checksum, bad number, truncation) raises `CorruptLayer`.
"""

from __future__ import annotations

from typing import Protocol

from services.scanner.layer.errors import CorruptLayer

BLOCK = 512
_ZERO_BLOCK = bytes(BLOCK)
_META_TYPES = frozenset((b"x", b"g", b"L", b"K"))
_HEADER_ONLY = frozenset((b"1", b"2", b"3", b"4", b"5", b"6"))
_KINDS = {
    b"0": "file",
    b"\0": "file",
    b"7": "file",
    b"1": "hardlink",
    b"2": "symlink",
    b"3": "other",
    b"4": "other",
    b"5": "dir",
    b"6": "other",
    b"S": "sparse",
}
_MAX_PAX_KEYS = 4096
# A checksum field counts as eight spaces while summing.
_CHKSUM_SPACES = 8 * 0x20


class TarHandler(Protocol):
    """Receives what the stream finds, in order."""

    def on_entry(self, name: str, kind: str, mode: int, size: int, linkname: str) -> bool:
        """A member header; return True to receive its body."""
        ...

    def on_body(self, chunk: memoryview) -> bool:
        """A piece of the current member's body; return False to skip the rest of it."""
        ...

    def on_entry_end(self) -> None:
        """The current member is complete (called for every member, body wanted or not)."""
        ...


def _number(field: bytes) -> int:
    """A numeric header field: NUL/space-terminated octal, or GNU base-256."""
    if field and field[0] & 0x80:
        if field[0] == 0xFF:
            raise CorruptLayer("tar header has a negative number")
        return int.from_bytes(bytes((field[0] & 0x7F,)) + field[1:], "big")
    text = field.split(b"\0", 1)[0].strip()
    if not text:
        return 0
    try:
        return int(text, 8)
    except ValueError:
        raise CorruptLayer(f"tar header has a bad number {text[:16]!r}") from None


def _text(field: bytes) -> str:
    return field.split(b"\0", 1)[0].decode("utf-8", "replace")


def _parse_pax(data: bytes) -> dict[str, str]:
    """PAX extended header records: `<len> <key>=<value>\\n`."""
    out: dict[str, str] = {}
    pos = 0
    size = len(data)
    while pos < size:
        if data[pos] == 0:  # some writers pad with NULs
            break
        space = data.find(b" ", pos)
        if space < 0:
            raise CorruptLayer("bad PAX record")
        try:
            length = int(data[pos:space])
        except ValueError:
            raise CorruptLayer("bad PAX record length") from None
        end = pos + length
        if length <= 0 or end > size or data[end - 1 : end] != b"\n":
            raise CorruptLayer("bad PAX record length")
        key, sep, value = data[space + 1 : end - 1].partition(b"=")
        if not sep:
            raise CorruptLayer("bad PAX record")
        out[key.decode("utf-8", "replace")] = value.split(b"\0", 1)[0].decode("utf-8", "replace")
        pos = end
    return out


class TarStream:
    """Feed it decompressed bytes with `feed`, then call `close` at end of input."""

    def __init__(self, handler: TarHandler, *, max_meta_bytes: int = 1 << 20) -> None:
        self._handler = handler
        self._max_meta = max_meta_bytes
        self._header = bytearray()
        self._body_left = 0
        self._pad_left = 0
        self._want_body = False
        self._in_member = False
        self._meta: bytearray | None = None
        self._meta_type = b""
        self._pax: dict[str, str] = {}
        self._global_pax: dict[str, str] = {}
        self._long_name: str | None = None
        self._long_link: str | None = None
        self._sparse_member: tuple[str, str, int, int, str] | None = None
        self.ended = False
        self.members = 0
        self.headers = 0

    def feed(self, data: memoryview) -> None:
        pos = 0
        size = len(data)
        handler = self._handler
        while pos < size and not self.ended:
            if self._body_left:
                take = min(self._body_left, size - pos)
                if self._meta is not None:
                    self._meta += data[pos : pos + take]
                elif self._want_body and not handler.on_body(data[pos : pos + take]):
                    self._want_body = False
                pos += take
                self._body_left -= take
                if not self._body_left:
                    self._end_body()
                continue
            if self._pad_left:
                take = min(self._pad_left, size - pos)
                pos += take
                self._pad_left -= take
                continue
            if not self._header and size - pos >= BLOCK:
                block = bytes(data[pos : pos + BLOCK])
                pos += BLOCK
            else:
                take = min(BLOCK - len(self._header), size - pos)
                self._header += data[pos : pos + take]
                pos += take
                if len(self._header) < BLOCK:
                    return
                block = bytes(self._header)
                self._header.clear()
            self._on_header(block)

    def close(self) -> None:
        """End of input: anything but a member boundary means the tar was cut short."""
        if self.ended:
            return
        if (
            self._header
            or self._body_left
            or self._pad_left
            or self._meta is not None
            or self._sparse_member is not None
        ):
            raise CorruptLayer("tar stream is truncated")
        if self._pax or self._long_name is not None or self._long_link is not None:
            raise CorruptLayer("tar stream ends after an extended header")

    def _on_header(self, block: bytes) -> None:
        if self._sparse_member is not None:
            # Old GNU sparse headers continue in extension blocks before the data.
            if not block[504]:
                member, self._sparse_member = self._sparse_member, None
                self._begin_member(*member)
            return
        if block == _ZERO_BLOCK:
            # End of archive. (One zero block suffices, as for Python's tarfile.)
            self.ended = True
            return
        self.headers += 1
        stored = _number(block[148:156])
        unsigned = sum(block) - sum(block[148:156]) + _CHKSUM_SPACES
        if stored != unsigned and stored != _signed_checksum(block):
            raise CorruptLayer("tar header checksum mismatch")
        typeflag = block[156:157]
        size = _number(block[124:136])
        if typeflag in _META_TYPES:
            if size > self._max_meta:
                raise CorruptLayer("tar extended header is too large")
            self._meta = bytearray()
            self._meta_type = typeflag
            self._start_body(size, want=False)
            return

        pax = self._pax
        if self._global_pax:
            pax = {**self._global_pax, **pax}
        if "path" in pax:
            name = pax["path"]
        elif self._long_name is not None:
            name = self._long_name
        else:
            name = _text(block[0:100])
            if block[257:263] == b"ustar\x00":  # POSIX ustar: name may continue in prefix
                prefix = _text(block[345:500])
                if prefix:
                    name = f"{prefix}/{name}"
        if "linkpath" in pax:
            linkname = pax["linkpath"]
        elif self._long_link is not None:
            linkname = self._long_link
        else:
            linkname = _text(block[157:257])
        if "size" in pax:
            try:
                size = int(pax["size"])
            except ValueError:
                raise CorruptLayer("bad PAX size") from None
        kind = _KINDS.get(typeflag, "other")
        if "GNU.sparse.name" in pax or "GNU.sparse.major" in pax:
            name = pax.get("GNU.sparse.name", name)
            kind = "sparse"
        if typeflag in _HEADER_ONLY:
            size = 0
        self._pax = {}
        self._long_name = None
        self._long_link = None
        member = (name, kind, _number(block[100:108]), size, linkname)
        if typeflag == b"S" and block[482]:
            self._sparse_member = member
            return
        self._begin_member(*member)

    def _begin_member(self, name: str, kind: str, mode: int, size: int, linkname: str) -> None:
        self.members += 1
        want = self._handler.on_entry(name, kind, mode, size, linkname)
        self._in_member = True
        self._start_body(size, want=want)

    def _start_body(self, size: int, *, want: bool) -> None:
        self._body_left = size
        self._pad_left = -size % BLOCK
        self._want_body = want and size > 0
        if not size:
            self._end_body()

    def _end_body(self) -> None:
        if self._meta is not None:
            data = bytes(self._meta)
            self._meta = None
            if self._meta_type == b"x":
                self._pax.update(_parse_pax(data))
            elif self._meta_type == b"g":
                self._global_pax.update(_parse_pax(data))
            if len(self._pax) + len(self._global_pax) > _MAX_PAX_KEYS:
                raise CorruptLayer("too many PAX records")
            elif self._meta_type == b"L":
                self._long_name = _text(data)
            else:
                self._long_link = _text(data)
            return
        if self._in_member:
            self._in_member = False
            self._want_body = False
            self._handler.on_entry_end()


def _signed_checksum(block: bytes) -> int:
    """Some old tar writers summed bytes as signed chars."""
    total = _CHKSUM_SPACES
    for i, byte in enumerate(block):
        if 148 <= i < 156:
            continue
        total += byte - 256 if byte > 127 else byte
    return total
