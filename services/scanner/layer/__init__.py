"""Reading one image layer (a compressed tar stream) into a cacheable LayerAnalysis."""

from services.scanner.analyzers import ANALYZER_SET_VERSION
from services.scanner.layer.errors import (
    CorruptLayer,
    DecompressionBomb,
    DiffIdMismatch,
    FileTooLarge,
    LayerError,
    LayerTooLarge,
    TooManyFiles,
    UnsupportedMediaType,
)
from services.scanner.layer.model import FileRecord, LayerAnalysis, SkippedFile
from services.scanner.layer.reader import (
    LayerLimits,
    LayerReader,
    analyze_layer,
    analyze_layer_async,
)

__all__ = [
    "ANALYZER_SET_VERSION",
    "CorruptLayer",
    "DecompressionBomb",
    "DiffIdMismatch",
    "FileRecord",
    "FileTooLarge",
    "LayerAnalysis",
    "LayerError",
    "LayerLimits",
    "LayerReader",
    "LayerTooLarge",
    "SkippedFile",
    "TooManyFiles",
    "UnsupportedMediaType",
    "analyze_layer",
    "analyze_layer_async",
]
