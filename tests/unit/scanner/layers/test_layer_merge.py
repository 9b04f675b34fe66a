"""Merging layer analyses into an image inventory: overlay rules, first layers, ownership."""

from __future__ import annotations

import importlib.metadata
import json
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest

from services.scanner.analyzers.gobinary import MIN_SIZE, stdlib_version
from services.scanner.inventory import PackageType
from services.scanner.layer import LayerAnalysis, analyze_layer
from services.scanner.merge import ImageInventory, merge_layers
from tests.unit.scanner.layers.layer_builders import (
    PLAIN,
    Member,
    file,
    from_disk,
    opaque,
    symlink,
    tar_bytes,
    tree,
    whiteout,
)

DATA = Path(__file__).parents[3] / "data"
STATUS = Path("/var/lib/dpkg/status")
INFO = Path("/var/lib/dpkg/info")
SITE = Path(sysconfig.get_paths()["purelib"])
NPM = Path("/usr/lib/node_modules/npm")
DEBIAN_OS_RELEASE = (
    b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
    b'VERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n'
)
needs_dpkg = pytest.mark.skipif(not STATUS.exists(), reason="no dpkg database here")


def _layer(members: list[Member]) -> LayerAnalysis:
    return analyze_layer([tar_bytes(members)], PLAIN)


def _stanzas() -> list[str]:
    return [s for s in STATUS.read_text().split("\n\n") if s.strip()]


def _name(stanza: str) -> str:
    return stanza.split("Package: ", 1)[1].split("\n", 1)[0]


def _names(inventory: object, kind: PackageType) -> set[str]:
    return {p.name for p in inventory.packages if p.type is kind}  # type: ignore[attr-defined]


@needs_dpkg
def test_rewritten_status_replaces_the_package_list_and_keeps_first_layers() -> None:
    stanzas = _stanzas()
    base = _layer(
        [
            file("etc/os-release", DEBIAN_OS_RELEASE),
            file("var/lib/dpkg/status", "\n\n".join(stanzas[:-3]).encode() + b"\n"),
        ]
    )
    # apt-get install + remove in a later layer: two packages gone, three new.
    upper = _layer([file("var/lib/dpkg/status", "\n\n".join(stanzas[2:]).encode() + b"\n")])
    inventory = merge_layers([base, upper])
    names = _names(inventory, PackageType.DPKG)
    assert names == {_name(s) for s in stanzas[2:] if " installed" in s}
    assert inventory.os is not None and inventory.os.ecosystem == "Debian:12"
    by_name = {p.name: p for p in inventory.packages}
    for stanza in stanzas[2:-3]:
        if _name(stanza) in by_name:
            assert by_name[_name(stanza)].layer == base.diff_id
    for stanza in stanzas[-3:]:
        if _name(stanza) in by_name:
            assert by_name[_name(stanza)].layer == upper.diff_id
    some = next(iter(by_name.values()))
    assert some.ecosystem == "Debian:12"
    assert some.purl.startswith(f"pkg:deb/debian/{some.name}@") and "distro=debian-12" in some.purl


@needs_dpkg
def test_a_database_replaced_by_a_symlink_or_deleted_is_gone() -> None:
    base = _layer([from_disk("var/lib/dpkg/status", STATUS)])
    assert merge_layers([base]).packages
    relinked = _layer([symlink("var/lib/dpkg/status", "/dev/null")])
    assert merge_layers([base, relinked]).packages == ()
    deleted = _layer([whiteout("var/lib/dpkg")])
    assert merge_layers([base, deleted]).packages == ()


def _dist_info(site: Path, name: str) -> tuple[Path, str]:
    distribution = importlib.metadata.distribution(name)
    folder = Path(str(distribution._path))  # type: ignore[attr-defined]
    return folder, f"usr/local/lib/python3.11/site-packages/{folder.name}"


def test_whiteout_of_a_dist_info_removes_that_python_package() -> None:
    packaging_dir, packaging_arc = _dist_info(SITE, "packaging")
    cvss_dir, cvss_arc = _dist_info(SITE, "cvss")
    base = _layer([*tree(packaging_arc, packaging_dir), *tree(cvss_arc, cvss_dir)])
    assert _names(merge_layers([base]), PackageType.PYTHON) == {"packaging", "cvss"}
    removal = _layer([whiteout(packaging_arc)])
    inventory = merge_layers([base, removal])
    assert _names(inventory, PackageType.PYTHON) == {"cvss"}
    (cvss,) = inventory.packages
    assert cvss.layer == base.diff_id and cvss.path == f"{cvss_arc}/METADATA"


@pytest.mark.skipif(not (NPM / "node_modules").is_dir(), reason="no npm installation here")
def test_opaque_directory_hides_everything_below_it() -> None:
    modules = "usr/lib/node_modules/npm/node_modules"
    base = _layer(tree(modules, NPM / "node_modules"))
    before = _names(merge_layers([base]), PackageType.NPM)
    assert len(before) > 50
    replacement = _layer(
        [
            opaque(modules),
            file(f"{modules}/left-pad/package.json", b'{"name":"left-pad","version":"1.3.0"}'),
        ]
    )
    inventory = merge_layers([base, replacement])
    assert _names(inventory, PackageType.NPM) == {"left-pad"}
    assert inventory.packages[0].layer == replacement.diff_id


@needs_dpkg
@pytest.mark.skipif(
    not (INFO / "python3-cryptography.list").exists(), reason="no python3-cryptography"
)
@pytest.mark.parametrize("dpkg_first", [True, False])
def test_language_packages_owned_by_os_packages_are_not_reported_twice(dpkg_first: bool) -> None:
    debian_site = Path("/usr/lib/python3/dist-packages")
    owned_dist = next(debian_site.glob("cryptography-*.dist-info"))
    dpkg = _layer(
        [
            from_disk("var/lib/dpkg/status", STATUS),
            from_disk(
                "var/lib/dpkg/info/python3-cryptography.list", INFO / "python3-cryptography.list"
            ),
        ]
    )
    own_dir, own_arc = _dist_info(SITE, "packaging")
    python = _layer(
        [
            *tree(f"usr/lib/python3/dist-packages/{owned_dist.name}", owned_dist),
            *tree(own_arc, own_dir),  # pip-installed: no OS package owns it
        ]
    )
    inventory = merge_layers([dpkg, python] if dpkg_first else [python, dpkg])
    assert _names(inventory, PackageType.PYTHON) == {"packaging"}
    assert "python3-cryptography" in _names(inventory, PackageType.DPKG)


def test_rpm_image_gets_its_ecosystem_and_owned_binaries_are_dropped() -> None:
    os_release = (
        b'NAME="Common Base Linux Mariner"\nVERSION="2.0.20220226"\nID=mariner\nVERSION_ID=2.0\n'
    )
    rpm = _layer(
        [
            file("etc/os-release", os_release),
            from_disk(
                "var/lib/rpm/rpmdb.sqlite", DATA / "rpmdb" / "cbl-mariner-2.0" / "rpmdb.sqlite"
            ),
        ]
    )
    inventory = merge_layers([rpm])
    assert inventory.os is not None and inventory.os.ecosystem == "Azure Linux:2"
    packages = [p for p in inventory.packages if p.type is PackageType.RPM]
    assert len(packages) == 129
    assert {p.ecosystem for p in packages} == {"Azure Linux:2"}
    glibc = next(p for p in packages if p.name == "glibc")
    assert glibc.purl.startswith("pkg:rpm/mariner/glibc@") and "distro=mariner-2.0" in glibc.purl


def test_alpine_image_from_release_file_and_apk_database() -> None:
    layer = _layer(
        [
            file("etc/alpine-release", b"3.4.6\n"),
            from_disk("lib/apk/db/installed", DATA / "apk" / "installed"),
        ]
    )
    inventory = merge_layers([layer])
    assert inventory.os is not None and inventory.os.ecosystem == "Alpine:v3.4"
    musl = next(p for p in inventory.packages if p.name == "musl-utils")
    assert (musl.source_name, musl.ecosystem, musl.layer) == ("musl", "Alpine:v3.4", layer.diff_id)


def test_os_release_beats_older_release_files() -> None:
    layer = _layer(
        [
            file("etc/debian_version", b"12.5\n"),
            file(
                "usr/lib/os-release",
                b'ID=ubuntu\nVERSION_ID="22.04"\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\n',
            ),
        ]
    )
    inventory = merge_layers([layer])
    assert inventory.os is not None and inventory.os.ecosystem == "Ubuntu:22.04:LTS"


def _go_version_m(path: Path) -> set[tuple[str, str]]:
    """Modules `go version -m` lists for a file (nothing when it is not a Go binary)."""
    out = subprocess.run(["go", "version", "-m", str(path)], capture_output=True, text=True)
    lines = out.stdout.splitlines()
    if out.returncode or not lines:
        return set()
    found = {("stdlib", stdlib_version(lines[0].split(": ", 1)[1].strip()))}
    for line in lines[1:]:
        fields = line.strip("\t").split("\t")
        if fields[0] in ("mod", "dep") and len(fields) > 2 and fields[2] != "(devel)":
            found.add((fields[1], fields[2]))
    return found


@needs_dpkg
def test_whole_image_equals_the_real_tools_ground_truth(tmp_path: Path) -> None:
    """Four layers built from this machine's files; each ecosystem checked against its tool."""
    layers = [
        _layer(
            [file("etc/os-release", DEBIAN_OS_RELEASE), from_disk("var/lib/dpkg/status", STATUS)]
        ),
        _layer(tree("usr/local/lib/python3.11/site-packages", SITE)),
    ]
    has_npm = (NPM / "node_modules").is_dir() and shutil.which("npm") is not None
    if has_npm:
        layers.append(_layer(tree("usr/lib/node_modules/npm", NPM)))
    go_binary = Path("/work/main/.venv/bin/nats-server")
    has_go = go_binary.is_file() and shutil.which("go") is not None
    if has_go:
        layers.append(_layer([from_disk("usr/local/bin/nats-server", go_binary, 0o755)]))
    # Round-trip through the cache format: the merge only ever sees stored analyses.
    inventory = merge_layers([LayerAnalysis.from_json(layer.to_json()) for layer in layers])

    found = {(p.type, p.name, p.version) for p in inventory.packages}
    dpkg = subprocess.run(
        ["dpkg-query", "-W", "-f", "${db:Status-Status} ${Package} ${Version}\n"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    expected_dpkg = {
        (PackageType.DPKG, n, v)
        for s, n, v in (line.split(" ") for line in dpkg if line)
        if s == "installed"
    }
    assert {f for f in found if f[0] is PackageType.DPKG} == expected_dpkg
    # Vendored distributions (setuptools/_vendor/*.dist-info) are installed code too.
    roots = {str(m.parent.parent) for m in SITE.rglob("*.dist-info/METADATA")}
    expected_python = {
        (PackageType.PYTHON, d.metadata["Name"], d.version)
        for d in importlib.metadata.distributions(path=sorted(roots | {str(SITE)}))
    }
    assert {f for f in found if f[0] is PackageType.PYTHON} == expected_python
    if has_npm:
        listing = subprocess.run(
            ["npm", "ls", "--all", "--json"], cwd=NPM, capture_output=True, text=True
        )
        expected_npm: set[tuple[PackageType, str, str]] = set()

        def walk(node: dict, name: str) -> None:
            if node.get("version") and not node.get("missing"):
                expected_npm.add((PackageType.NPM, node.get("name", name), node["version"]))
            for child, sub in (node.get("dependencies") or {}).items():
                walk(sub, child)

        walk(json.loads(listing.stdout), "npm")
        assert {f for f in found if f[0] is PackageType.NPM} == expected_npm
    if has_go:
        # Every Go executable of the image: nats-server, and any in site-packages (grpcurl).
        executables = [go_binary] + [
            p
            for p in SITE.rglob("*")
            if p.is_file() and p.stat().st_mode & 0o111 and p.stat().st_size >= MIN_SIZE
        ]
        expected_go = {(PackageType.GO, n, v) for e in executables for n, v in _go_version_m(e)}
        assert {f for f in found if f[0] is PackageType.GO} == expected_go
    # Each package names the layer that brought it.
    layer_of = {p.type: p.layer for p in inventory.packages}
    assert layer_of[PackageType.DPKG] == layers[0].diff_id
    assert layer_of[PackageType.PYTHON] == layers[1].diff_id


def test_inventory_round_trips_through_json() -> None:
    layer = _layer(
        [
            file("etc/alpine-release", b"3.4.6\n"),
            from_disk("lib/apk/db/installed", DATA / "apk" / "installed"),
            file("app/lib/bad.jar", b"this is not a zip archive"),
        ]
    )
    inventory = merge_layers([layer])
    assert inventory.skipped and inventory.os is not None
    again = ImageInventory.from_dict(json.loads(json.dumps(inventory.to_dict())))
    assert again == inventory
