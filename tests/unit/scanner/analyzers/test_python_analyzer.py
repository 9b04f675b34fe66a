"""Python analyzer on this machine's real site-packages, with importlib.metadata as ground truth."""

from __future__ import annotations

import importlib.metadata
import sys
import sysconfig
from pathlib import Path

import pytest

from services.scanner.analyzers.base import FileEntry
from services.scanner.analyzers.python import (
    SUFFIXES,
    PythonAnalyzer,
    licenses_of,
    parse_headers,
)
from services.scanner.inventory import PackageType

SITE_DIRS = sorted(
    {
        Path(sysconfig.get_paths()["purelib"]),  # the project's virtualenv
        Path("/usr/lib/python3/dist-packages"),  # Debian's python3-* packages
        *(Path(p) for p in sys.path if p.endswith("-packages")),
        *(Path.home() / ".pyenv" / "versions").glob("*/lib/python3*/site-packages"),
    }
)
SITE_DIRS = [d for d in SITE_DIRS if d.is_dir()]


def _read_through_sink(path: Path, chunk: int = 4096) -> list:
    """Feed the file to the analyzer the way the layer reader does: in chunks, until it stops."""
    analyzer = PythonAnalyzer()
    data = path.read_bytes() if path.is_file() else b""
    entry = FileEntry(str(path).lstrip("/"), len(data), 0o644)
    sink = analyzer.open(entry, 1 << 30)
    view = memoryview(data)
    for start in range(0, len(data), chunk):
        if not sink.write(view[start : start + chunk]):
            break
    return sink.finish().packages


def _metadata_files(site: Path) -> list[Path]:
    files = []
    for child in site.iterdir():
        if child.name.endswith(".dist-info") and (child / "METADATA").is_file():
            files.append(child / "METADATA")
        elif child.name.endswith(".egg-info"):
            files.append(child / "PKG-INFO" if child.is_dir() else child)
    return [f for f in files if f.is_file()]


@pytest.mark.parametrize("site", SITE_DIRS, ids=[str(d) for d in SITE_DIRS])
def test_site_packages_match_importlib_metadata(site: Path) -> None:
    expected = {
        (d.metadata["Name"], d.version)
        for d in importlib.metadata.distributions(path=[str(site)])
        if d.metadata["Name"]
    }
    found = set()
    for path in _metadata_files(site):
        assert str(path).endswith(SUFFIXES)
        for package in _read_through_sink(path):
            assert package.type is PackageType.PYTHON and package.ecosystem == "PyPI"
            assert package.purl.startswith("pkg:pypi/")
            found.add((package.name, package.version))
    assert found == expected
    assert found


def test_purl_uses_the_normalised_name_and_the_name_stays_original() -> None:
    data = b"Metadata-Version: 2.1\nName: Foo.Bar_baz\nVersion: 1.0\nLicense: MIT\n\nbody\n"
    (package,) = (
        PythonAnalyzer()
        .parse(FileEntry("x/Foo.Bar_baz-1.0.dist-info/METADATA", 0, 0), data)
        .packages
    )
    assert package.name == "Foo.Bar_baz"
    assert package.purl == "pkg:pypi/foo-bar-baz@1.0"
    assert package.licenses == ("MIT",)


def test_licenses() -> None:
    assert licenses_of(parse_headers("License-Expression: Apache-2.0 OR MIT\nLicense: x\n")) == (
        "Apache-2.0 OR MIT",
    )
    long_text = (
        "License: Copyright (c) someone\n        all rights\n"
        "Classifier: License :: OSI Approved :: BSD License\n"
    )
    assert licenses_of(parse_headers(long_text)) == ("BSD License",)


def test_the_sink_stops_at_the_end_of_the_headers() -> None:
    body = b"x" * 10_000_000
    data = b"Metadata-Version: 2.1\nName: big\nVersion: 2.0\n\n" + body
    sink = PythonAnalyzer().open(FileEntry("a/big-2.0.dist-info/METADATA", len(data), 0o644), 1)
    view = memoryview(data)
    chunks = 0
    for start in range(0, len(data), 65536):
        chunks += 1
        if not sink.write(view[start : start + 65536]):
            break
    assert chunks == 1
    (package,) = sink.finish().packages
    assert (package.name, package.version) == ("big", "2.0")
