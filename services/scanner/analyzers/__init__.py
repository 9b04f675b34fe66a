"""The analyzer set: one module per kind of file, and the version that keys the layer cache."""

from __future__ import annotations

from collections.abc import Sequence

from services.scanner.analyzers.apk import ApkAnalyzer
from services.scanner.analyzers.base import Analyzer
from services.scanner.analyzers.dpkg import DpkgAnalyzer
from services.scanner.analyzers.gobinary import GoBinaryAnalyzer
from services.scanner.analyzers.java import JavaAnalyzer
from services.scanner.analyzers.npm import NpmAnalyzer
from services.scanner.analyzers.os_release import OsReleaseAnalyzer
from services.scanner.analyzers.python import PythonAnalyzer
from services.scanner.analyzers.rpm import RpmAnalyzer

# Bump when the layer walk or the LayerAnalysis format changes (not an analyzer's output).
LAYER_FORMAT_VERSION = 1

DEFAULT_ANALYZERS: tuple[Analyzer, ...] = (
    OsReleaseAnalyzer(),
    DpkgAnalyzer(),
    ApkAnalyzer(),
    RpmAnalyzer(),
    PythonAnalyzer(),
    NpmAnalyzer(),
    GoBinaryAnalyzer(),
    JavaAnalyzer(),
)


def set_version(analyzers: Sequence[Analyzer]) -> str:
    """`l1:apk@1,dpkg@1,...`: changes whenever an analyzer is added, removed or revised."""
    parts = sorted(f"{a.name}@{a.version}" for a in analyzers)
    return f"l{LAYER_FORMAT_VERSION}:" + ",".join(parts)


ANALYZER_SET_VERSION = set_version(DEFAULT_ANALYZERS)

__all__ = ["ANALYZER_SET_VERSION", "DEFAULT_ANALYZERS", "LAYER_FORMAT_VERSION", "set_version"]
