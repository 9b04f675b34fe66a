"""npm: `node_modules/<name>/package.json` and `node_modules/@scope/<name>/package.json`."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from packageurl import PackageURL

from services.scanner.analyzers.base import (
    MIB,
    AnalyzerError,
    AnalyzerOutput,
    FileEntry,
    PathInterest,
    WholeFile,
)
from services.scanner.inventory import Package, PackageType

# Directories inside a package that hold fixtures, not installed dependencies.
_FIXTURE_DIRS = frozenset(
    {
        "test",
        "tests",
        "__tests__",
        "fixture",
        "fixtures",
        "__fixtures__",
        "testdata",
        "example",
        "examples",
        "__mocks__",
    }
)


def is_installed_package_json(path: str) -> bool:
    """`.../node_modules/<name>/package.json` (or `@scope/<name>`), outside test fixtures."""
    parts = path.split("/")
    if len(parts) < 3 or parts[-1] != "package.json":
        return False
    if parts[-3] == "node_modules" and not parts[-2].startswith((".", "@")):
        owner_end = len(parts) - 3
    elif len(parts) >= 4 and parts[-4] == "node_modules" and parts[-3].startswith("@"):
        owner_end = len(parts) - 4
    else:
        return False
    try:
        first = parts.index("node_modules")
    except ValueError:
        return False
    return not any(part in _FIXTURE_DIRS for part in parts[first:owner_end])


def _licenses(document: dict[str, Any]) -> tuple[str, ...]:
    declared = document.get("license")
    if isinstance(declared, str) and declared:
        return (declared,)
    if isinstance(declared, dict) and isinstance(declared.get("type"), str):
        return (declared["type"],)
    legacy = document.get("licenses")
    if isinstance(legacy, list):
        return tuple(
            item["type"] if isinstance(item, dict) else item
            for item in legacy
            if isinstance(item, str)
            or (isinstance(item, dict) and isinstance(item.get("type"), str))
        )
    return ()


def package_from_package_json(data: bytes, path: str) -> Package | None:
    document = json.loads(data)
    if not isinstance(document, dict):
        raise AnalyzerError("package.json is not an object")
    name, version = document.get("name"), document.get("version")
    if not isinstance(name, str) or not isinstance(version, str) or not name or not version:
        return None
    namespace, _, short = name.rpartition("/")
    return Package(
        type=PackageType.NPM,
        name=name,
        version=version,
        ecosystem="npm",
        path=path,
        licenses=_licenses(document),
        purl=PackageURL(
            type="npm", namespace=namespace or None, name=short, version=version
        ).to_string(),
    )


class NpmAnalyzer:
    """Installed npm packages."""

    name: ClassVar[str] = "npm"
    version: ClassVar[int] = 1
    interest: ClassVar[PathInterest] = PathInterest(basenames=frozenset({"package.json"}))

    def open(self, entry: FileEntry, max_file_bytes: int) -> WholeFile | None:
        if not is_installed_package_json(entry.path):
            return None
        return WholeFile(cap=1 * MIB)

    def parse(self, entry: FileEntry, data: bytes) -> AnalyzerOutput:
        package = package_from_package_json(data, entry.path)
        return AnalyzerOutput(packages=[package] if package else [])
