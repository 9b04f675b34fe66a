"""npm analyzer on this machine's real npm installation, with `npm ls` as ground truth."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from services.scanner.analyzers.base import FileEntry
from services.scanner.analyzers.npm import NpmAnalyzer, is_installed_package_json
from services.scanner.inventory import PackageType

NPM_ROOT = Path("/usr/lib/node_modules/npm")
needs_npm = pytest.mark.skipif(
    not (NPM_ROOT / "node_modules").is_dir() or shutil.which("npm") is None,
    reason="no npm installation here",
)


def _flatten(node: dict[str, Any], name: str, out: set[tuple[str, str]]) -> None:
    if node.get("version") and not node.get("missing"):
        out.add((node.get("name", name), node["version"]))
    for child_name, child in (node.get("dependencies") or {}).items():
        _flatten(child, child_name, out)


def _scan(root: Path) -> set[tuple[str, str]]:
    analyzer = NpmAnalyzer()
    found = set()
    for directory, _dirs, files in os.walk(root):
        if "package.json" not in files:
            continue
        path = Path(directory) / "package.json"
        data = path.read_bytes()
        entry = FileEntry(str(path).lstrip("/"), len(data), 0o644)
        if analyzer.open(entry, 1 << 30) is None:
            continue
        for package in analyzer.parse(entry, data).packages:
            assert package.type is PackageType.NPM and package.ecosystem == "npm"
            found.add((package.name, package.version))
    return found


@needs_npm
def test_installed_packages_match_npm_ls() -> None:
    listing = subprocess.run(
        ["npm", "ls", "--all", "--json"],
        cwd=NPM_ROOT,
        capture_output=True,
        text=True,
        check=False,  # npm ls exits 1 when dev dependencies are absent; the JSON is complete
    ).stdout
    expected: set[tuple[str, str]] = set()
    _flatten(json.loads(listing), "npm", expected)
    found = _scan(NPM_ROOT)
    assert len(expected) > 50
    assert found == expected


def test_which_package_json_files_count() -> None:
    assert is_installed_package_json("usr/lib/node_modules/npm/package.json")
    assert is_installed_package_json("app/node_modules/@babel/core/package.json")
    assert is_installed_package_json("app/node_modules/a/node_modules/b/package.json")
    assert not is_installed_package_json("app/package.json")
    assert not is_installed_package_json("app/node_modules/a/lib/package.json")
    assert not is_installed_package_json("app/node_modules/@scope/package.json")
    assert not is_installed_package_json("app/node_modules/.bin/package.json")
    # Fixtures inside an installed package are not installed packages.
    assert not is_installed_package_json(
        "app/node_modules/resolve/test/resolver/node_modules/dep/package.json"
    )
    assert not is_installed_package_json(
        "app/node_modules/x/fixtures/node_modules/@s/y/package.json"
    )
    # A project's own test directory may legitimately have installed dependencies.
    assert is_installed_package_json("src/test/node_modules/dep/package.json")


def test_package_json_without_name_or_version_is_not_a_package() -> None:
    analyzer = NpmAnalyzer()
    entry = FileEntry("a/node_modules/x/package.json", 10, 0o644)
    assert analyzer.parse(entry, b'{"name": "x"}').packages == []
    assert analyzer.parse(entry, b'{"version": "1.0.0"}').packages == []
    (package,) = analyzer.parse(
        entry, b'{"name": "@types/node", "version": "20.1.0", "license": {"type": "MIT"}}'
    ).packages
    assert package.purl == "pkg:npm/%40types/node@20.1.0"
    assert package.licenses == ("MIT",)
