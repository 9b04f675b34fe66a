"""Java analyzer on real jars; the Maven repository layout is the ground truth."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from services.scanner.analyzers.base import FileEntry
from services.scanner.analyzers.java import (
    MAX_DEPTH,
    JavaAnalyzer,
    parse_manifest,
    parse_properties,
)
from services.scanner.inventory import Package, PackageType

DATA = Path(__file__).parents[3] / "data" / "java"
M2 = Path.home() / ".m2" / "repository"


def _analyze(path: str, data: bytes) -> list[Package]:
    return JavaAnalyzer().parse(FileEntry(path, len(data), 0o644), data).packages


def _coordinates(packages: list[Package]) -> set[tuple[str, str]]:
    return {(p.name, p.version) for p in packages}


def test_pom_properties() -> None:
    data = (DATA / "plexus-component-annotations-2.1.0.jar").read_bytes()
    (package,) = _analyze("app/lib/plexus-component-annotations-2.1.0.jar", data)
    assert (package.name, package.version) == (
        "org.codehaus.plexus:plexus-component-annotations",
        "2.1.0",
    )
    assert package.type is PackageType.MAVEN and package.ecosystem == "Maven"
    assert package.purl == "pkg:maven/org.codehaus.plexus/plexus-component-annotations@2.1.0"
    assert package.path == "app/lib/plexus-component-annotations-2.1.0.jar"


def test_manifest_fallback_only_when_unambiguous() -> None:
    found = _analyze(
        "lib/apiguardian-api-1.1.2.jar", (DATA / "apiguardian-api-1.1.2.jar").read_bytes()
    )
    assert _coordinates(found) == {("org.apiguardian:apiguardian-api", "1.1.2")}
    # Bundle-SymbolicName org.opentest4j could be org:opentest4j or org.opentest4j:opentest4j.
    assert _analyze("lib/opentest4j-1.3.0.jar", (DATA / "opentest4j-1.3.0.jar").read_bytes()) == []
    assert _analyze("lib/javax.inject-1.jar", (DATA / "javax.inject-1.jar").read_bytes()) == []
    # The manifest guess must agree with the file name Maven gives what it builds.
    renamed = _analyze("lib/guardian.jar", (DATA / "apiguardian-api-1.1.2.jar").read_bytes())
    assert renamed == []


def _fat_jar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: x.Main\n\n")
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_nested_archives_like_spring_boot() -> None:
    plexus = (DATA / "plexus-component-annotations-2.1.0.jar").read_bytes()
    guardian = (DATA / "apiguardian-api-1.1.2.jar").read_bytes()
    app = _fat_jar(
        {
            "BOOT-INF/lib/plexus-component-annotations-2.1.0.jar": plexus,
            "BOOT-INF/lib/apiguardian-api-1.1.2.jar": guardian,
            "BOOT-INF/lib/broken.jar": b"PK\x03\x04 not really",
        }
    )
    packages = _analyze("app/app.jar", app)
    assert _coordinates(packages) == {
        ("org.codehaus.plexus:plexus-component-annotations", "2.1.0"),
        ("org.apiguardian:apiguardian-api", "1.1.2"),
    }
    paths = {p.path for p in packages}
    assert "app/app.jar!/BOOT-INF/lib/plexus-component-annotations-2.1.0.jar" in paths


def test_nesting_stops_at_the_depth_limit() -> None:
    data = (DATA / "plexus-component-annotations-2.1.0.jar").read_bytes()
    for level in range(MAX_DEPTH):
        data = _fat_jar({f"lib/level{level}.jar": data})
    # The real jar now sits one level deeper than MAX_DEPTH allows.
    assert _analyze("deep.jar", data) == []


def test_properties_and_manifest_formats() -> None:
    assert parse_properties("#c\nversion=1.0\ngroupId: g\n! other\nartifactId = a\n") == {
        "version": "1.0",
        "groupId": "g",
        "artifactId": "a",
    }
    manifest = (
        "Manifest-Version: 1.0\r\nBundle-SymbolicName: org.example.very.long.na\r\n me\r\n"
        "\r\nName: x\r\nA: b\r\n"
    )
    assert parse_manifest(manifest)["Bundle-SymbolicName"] == "org.example.very.long.name"
    assert "A" not in parse_manifest(manifest)


@pytest.mark.skipif(not M2.is_dir(), reason="no ~/.m2 repository here")
def test_maven_repository_jars() -> None:
    """Every jar in ~/.m2 that carries its own pom.properties is found at its coordinates.

    Ground truth: `<group path>/<artifact>/<version>/<artifact>-<version>.jar`. Jars without
    pom.properties may yield nothing (no reliable groupId), but never a wrong own coordinate
    unless their manifest states one.
    """
    checked = 0
    for jar in sorted(M2.rglob("*.jar")):
        parts = jar.relative_to(M2).parts
        if len(parts) < 4:
            continue
        group, artifact, version = ".".join(parts[:-3]), parts[-3], parts[-2]
        if jar.name != f"{artifact}-{version}.jar":
            continue
        data = jar.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            own = f"META-INF/maven/{group}/{artifact}/pom.properties"
            if own not in archive.namelist():
                continue
        found = _coordinates(_analyze(str(jar), data))
        assert (f"{group}:{artifact}", version) in found, jar
        checked += 1
    assert checked >= 10
