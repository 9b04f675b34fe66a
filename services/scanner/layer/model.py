"""The analysis of one layer, as cached per diff_id, with its JSON form (pure data)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from services.scanner.analyzers.base import OsFacts
from services.scanner.inventory import Package, PackageType


@dataclass(frozen=True, slots=True)
class FileRecord:
    """The findings of one analyzer in one file of the layer."""

    path: str
    analyzer: str
    packages: tuple[Package, ...] = ()
    owned_paths: tuple[str, ...] = ()
    os: OsFacts | None = None


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A selected file the analyzer could not use (too large, malformed), kept for the report."""

    path: str
    analyzer: str
    reason: str


@dataclass(frozen=True, slots=True)
class LayerAnalysis:
    """Everything the merge needs from one layer; independent of the images that use it.

    `examined_paths` are the paths in this layer that an analyzer selected (records or not):
    they shadow records of lower layers at the same path (a file replaced by a symlink, an
    emptied database, a binary rebuilt without Go build info).
    """

    diff_id: str
    analyzer_set_version: str
    records: tuple[FileRecord, ...] = ()
    whiteouts: tuple[str, ...] = ()
    opaque_dirs: tuple[str, ...] = ()
    examined_paths: tuple[str, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()
    escaped_paths: int = 0  # members whose `..` climbed above the root (clamped)
    entries: int = 0
    uncompressed_bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "diff_id": self.diff_id,
            "analyzer_set_version": self.analyzer_set_version,
            "records": [_record_to_dict(r) for r in self.records],
            "whiteouts": list(self.whiteouts),
            "opaque_dirs": list(self.opaque_dirs),
            "examined_paths": list(self.examined_paths),
            "skipped": [[s.path, s.analyzer, s.reason] for s in self.skipped],
            "escaped_paths": self.escaped_paths,
            "entries": self.entries,
            "uncompressed_bytes": self.uncompressed_bytes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LayerAnalysis:
        return cls(
            diff_id=data["diff_id"],
            analyzer_set_version=data["analyzer_set_version"],
            records=tuple(_record_from_dict(r) for r in data.get("records", ())),
            whiteouts=tuple(data.get("whiteouts", ())),
            opaque_dirs=tuple(data.get("opaque_dirs", ())),
            examined_paths=tuple(data.get("examined_paths", ())),
            skipped=tuple(SkippedFile(*s) for s in data.get("skipped", ())),
            escaped_paths=data.get("escaped_paths", 0),
            entries=data.get("entries", 0),
            uncompressed_bytes=data.get("uncompressed_bytes", 0),
        )

    def to_json(self) -> str:
        """Compact JSON without NUL characters (PostgreSQL jsonb refuses `\\u0000`)."""
        text = json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)
        return _NUL_ESCAPE.sub(r"\1", text) if "\\u0000" in text else text

    @classmethod
    def from_json(cls, text: str | bytes) -> LayerAnalysis:
        return cls.from_dict(json.loads(text))


# A JSON NUL escape is `\u0000` preceded by an even number of backslashes.
_NUL_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")

_PACKAGE_FIELDS = ("version", "ecosystem", "source_name", "source_version", "layer", "arch", "purl")


def package_to_dict(package: Package, record_path: str = "") -> dict[str, Any]:
    """Compact JSON-ready form; `path` is left out when it equals `record_path`."""
    out: dict[str, Any] = {"type": package.type.value, "name": package.name}
    for name in _PACKAGE_FIELDS:
        value = getattr(package, name)
        if value:
            out[name] = value
    if package.path != record_path:
        out["path"] = package.path
    if package.licenses:
        out["licenses"] = list(package.licenses)
    return out


def package_from_dict(data: dict[str, Any], record_path: str = "") -> Package:
    return Package(
        type=PackageType(data["type"]),
        name=data["name"],
        version=data.get("version", ""),
        ecosystem=data.get("ecosystem", ""),
        source_name=data.get("source_name", ""),
        source_version=data.get("source_version", ""),
        path=data.get("path", record_path),
        layer=data.get("layer", ""),
        arch=data.get("arch", ""),
        licenses=tuple(data.get("licenses", ())),
        purl=data.get("purl", ""),
    )


def _os_to_dict(facts: OsFacts) -> dict[str, Any]:
    return {
        "source": facts.source,
        "id": facts.id,
        "version_id": facts.version_id,
        "pretty_name": facts.pretty_name,
        "version_codename": facts.version_codename,
        "id_like": list(facts.id_like),
    }


def _record_to_dict(record: FileRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"path": record.path, "analyzer": record.analyzer}
    if record.packages:
        out["packages"] = [package_to_dict(p, record.path) for p in record.packages]
    if record.owned_paths:
        out["owned_paths"] = list(record.owned_paths)
    if record.os is not None:
        out["os"] = _os_to_dict(record.os)
    return out


def _record_from_dict(data: dict[str, Any]) -> FileRecord:
    path = data["path"]
    os_data = data.get("os")
    return FileRecord(
        path=path,
        analyzer=data["analyzer"],
        packages=tuple(package_from_dict(p, path) for p in data.get("packages", ())),
        owned_paths=tuple(data.get("owned_paths", ())),
        os=(
            OsFacts(
                source=os_data["source"],
                id=os_data["id"],
                version_id=os_data["version_id"],
                pretty_name=os_data.get("pretty_name", ""),
                version_codename=os_data.get("version_codename", ""),
                id_like=tuple(os_data.get("id_like", ())),
            )
            if os_data
            else None
        ),
    )
