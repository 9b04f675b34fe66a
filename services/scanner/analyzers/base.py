"""What an analyzer is: the paths it wants, how it reads them, and what it reports (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from services.scanner.inventory import Package

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One regular file of a layer as the tar header describes it (path already normalised)."""

    path: str
    size: int
    mode: int


@dataclass(frozen=True, slots=True)
class OsFacts:
    """Distribution facts read from one release file (`etc/os-release`, `etc/alpine-release`)."""

    source: str  # which kind of file: os-release, debian_version, alpine-release, redhat-release
    id: str
    version_id: str
    pretty_name: str = ""
    version_codename: str = ""
    id_like: tuple[str, ...] = ()


@dataclass(slots=True)
class AnalyzerOutput:
    """What one file yielded: packages, OS facts, and package-owned paths (for de-duplication).

    `owned_paths` lists only paths a language analyzer could report (see `is_evidence_path`),
    which keeps a layer's analysis small while still letting the merge drop language packages
    an OS package installed.
    """

    packages: list[Package] = field(default_factory=list)
    owned_paths: list[str] = field(default_factory=list)
    os: OsFacts | None = None

    def is_empty(self) -> bool:
        return not self.packages and not self.owned_paths and self.os is None


@dataclass(frozen=True, slots=True)
class WholeFile:
    """Ask for the file's whole content (bounded).

    `required` marks a package database: if it is larger than the layer's database limit the
    layer fails (`FileTooLarge`), because a silently missing OS package list would be a wrong
    inventory. Other files larger than `cap` (or the layer's per-file limit) are skipped and
    noted.
    """

    required: bool = False
    cap: int | None = None


class StreamSink(Protocol):
    """Receives a file's body chunk by chunk, for analyzers that must not hold the whole file."""

    def write(self, chunk: memoryview) -> bool:
        """Take the next piece of the body; return False when nothing more is wanted."""
        ...

    def finish(self) -> AnalyzerOutput:
        """Called once after the last chunk (or after `write` returned False)."""
        ...


@dataclass(frozen=True, slots=True)
class PathInterest:
    """Cheap path tests the layer reader runs on every tar entry to pick candidate analyzers."""

    exact: frozenset[str] = frozenset()
    basenames: frozenset[str] = frozenset()
    suffixes: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    executables: bool = False  # regular files with an execute bit, whatever their path


class Analyzer(Protocol):
    """One analyzer: a name, the paths it wants, and how it turns bytes into findings."""

    name: ClassVar[str]
    version: ClassVar[int]
    interest: ClassVar[PathInterest]

    def open(self, entry: FileEntry, max_file_bytes: int) -> WholeFile | StreamSink | None:
        """Decide (from path, mode and size) whether and how to read this file."""
        ...

    def parse(self, entry: FileEntry, data: bytes) -> AnalyzerOutput:
        """Turn a whole file's bytes into findings (used when `open` returned WholeFile)."""
        ...


class AnalyzerError(ValueError):
    """A file an analyzer selected is malformed; the file is skipped and noted."""


# Bounds on what one file may yield: a small hostile database must not become gigabytes of
# objects (a 24-byte dpkg stanza is one Package).
MAX_PACKAGES_PER_FILE = 100_000
MAX_OWNED_PATHS_PER_FILE = 500_000


def check_yield(output: AnalyzerOutput) -> None:
    """Raise AnalyzerError once a file has yielded more than real files ever do."""
    if len(output.packages) > MAX_PACKAGES_PER_FILE:
        raise AnalyzerError(f"more than {MAX_PACKAGES_PER_FILE} packages in one file")
    if len(output.owned_paths) > MAX_OWNED_PATHS_PER_FILE:
        raise AnalyzerError(f"more than {MAX_OWNED_PATHS_PER_FILE} owned paths in one file")


EXECUTABLE_DIRS = frozenset({"bin", "sbin", "libexec"})
ARCHIVE_SUFFIXES = (".jar", ".war", ".ear", ".par", ".sar", ".jpi", ".hpi", ".kar")


def is_evidence_path(path: str) -> bool:
    """Whether a language analyzer could report a package at this path.

    OS package databases keep only these of their file lists, so ownership checks stay cheap:
    Python metadata, npm package.json under node_modules, Java archives, and files in bin-like
    directories (where Go binaries live).
    """
    if path.endswith((".dist-info/METADATA", ".egg-info/PKG-INFO", ".egg-info")):
        return True
    if path.endswith("/package.json") and "node_modules/" in path:
        return True
    if path.endswith(ARCHIVE_SUFFIXES):
        return True
    cut = path.rfind("/")
    if cut < 0:
        return False
    directory = path[:cut]
    return (
        directory[directory.rfind("/") + 1 :] in EXECUTABLE_DIRS
        or "/libexec/" in directory
        or "/pkg/tool/" in directory
        or directory.endswith("cli-plugins")
    )
