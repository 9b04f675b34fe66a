"""Layer media types and incremental decompressors with bounded output per step."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Protocol

import zstandard

from services.scanner.layer.errors import CorruptLayer, UnsupportedMediaType

# Declared compression of each layer media type we accept ("" = plain tar).
LAYER_MEDIA_TYPES: dict[str, str] = {
    "application/vnd.oci.image.layer.v1.tar": "",
    "application/vnd.oci.image.layer.v1.tar+gzip": "gzip",
    "application/vnd.oci.image.layer.v1.tar+zstd": "zstd",
    "application/vnd.oci.image.layer.nondistributable.v1.tar": "",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip": "gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd": "zstd",
    "application/vnd.docker.image.rootfs.diff.tar.gzip": "gzip",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip": "gzip",
    "application/vnd.docker.image.rootfs.diff.tar": "",
}
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

Output = Callable[[memoryview], None]


def declared_compression(media_type: str) -> str:
    """The compression a layer media type declares; raises UnsupportedMediaType otherwise."""
    key = media_type.split(";", 1)[0].strip().lower()
    try:
        return LAYER_MEDIA_TYPES[key]
    except KeyError:
        raise UnsupportedMediaType(f"not a tar layer media type: {media_type!r}") from None


def sniff_compression(head: bytes) -> str:
    """The compression the first bytes show (runtimes unpack by content, not by label)."""
    if head.startswith(_GZIP_MAGIC):
        return "gzip"
    if head.startswith(_ZSTD_MAGIC):
        return "zstd"
    return ""


class Decoder(Protocol):
    def feed(self, data: bytes | bytearray | memoryview) -> None: ...

    def close(self) -> None: ...


class PlainDecoder:
    """An uncompressed tar: bytes pass through unchanged."""

    def __init__(self, out: Output) -> None:
        self._out = out

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        self._out(memoryview(data))

    def close(self) -> None:
        return None


class GzipDecoder:
    """gzip (one or more members), never producing more than `block` bytes per step."""

    def __init__(self, out: Output, block: int) -> None:
        self._out = out
        self._block = block
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._trailing = False

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        if self._trailing:
            return
        inflater = self._inflater
        block = self._block
        try:
            chunk = inflater.decompress(data, block)
            while True:
                if chunk:
                    self._out(memoryview(chunk))
                if inflater.eof:
                    rest = inflater.unused_data
                    if not rest:
                        return
                    if not rest.startswith(_GZIP_MAGIC):
                        # gzip(1) too ignores what follows the last member.
                        self._trailing = True
                        return
                    inflater = self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    chunk = inflater.decompress(rest, block)
                    continue
                tail = inflater.unconsumed_tail
                if not tail and len(chunk) < block:
                    return
                # Either input is left over or the output filled up (zlib may hold more).
                chunk = inflater.decompress(tail, block)
        except zlib.error as exc:
            raise CorruptLayer(f"bad gzip data: {exc}") from None

    def close(self) -> None:
        if self._trailing:
            return
        if not self._inflater.eof:
            raise CorruptLayer("gzip stream is truncated")


class ZstdDecoder:
    """zstd (one or more frames); the library hands output over in `block`-sized pieces."""

    def __init__(self, out: Output, block: int) -> None:
        self._out = out
        self._writer = zstandard.ZstdDecompressor().stream_writer(
            self,  # type: ignore[arg-type]  # any object with write() will do
            write_size=block,
            write_return_read=True,
        )

    def write(self, data: bytes) -> int:  # called by zstandard with decompressed output
        self._out(memoryview(data))
        return len(data)

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        try:
            self._writer.write(data)
        except zstandard.ZstdError as exc:
            raise CorruptLayer(f"bad zstd data: {exc}") from None

    def close(self) -> None:
        try:
            self._writer.flush()
        except zstandard.ZstdError as exc:
            raise CorruptLayer(f"bad zstd data: {exc}") from None


def make_decoder(compression: str, out: Output, block: int) -> Decoder:
    if compression == "gzip":
        return GzipDecoder(out, block)
    if compression == "zstd":
        return ZstdDecoder(out, block)
    return PlainDecoder(out)
