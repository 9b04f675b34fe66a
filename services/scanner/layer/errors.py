"""Errors raised while reading one layer; each one is a permanent scan failure with a reason."""

from __future__ import annotations


class LayerError(Exception):
    """Base of every layer-reading failure; `reason` is a stable machine-readable code."""

    reason = "layer_error"


class UnsupportedMediaType(LayerError):
    """The layer's media type is not a (gzip, zstd or plain) tar layer."""

    reason = "unsupported_media_type"


class LayerTooLarge(LayerError):
    """The uncompressed layer passed the configured byte limit."""

    reason = "layer_too_large"


class DecompressionBomb(LayerTooLarge):
    """The layer expands far more than real layers do (uncompressed / compressed ratio)."""

    reason = "decompression_bomb"


class TooManyFiles(LayerError):
    """The layer has more tar entries than the configured limit."""

    reason = "too_many_files"


class FileTooLarge(LayerError):
    """A file an analyzer needs whole (a package database) is larger than the limit."""

    reason = "file_too_large"


class CorruptLayer(LayerError):
    """The compressed stream or the tar inside it is damaged or truncated."""

    reason = "corrupt_layer"


class DiffIdMismatch(CorruptLayer):
    """The uncompressed digest is not the diff_id the image config declares."""

    reason = "diff_id_mismatch"
