"""The streaming layer reader on real tar streams: compressions, limits, hostile tars."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import shutil
import subprocess
import tarfile
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.scanner.layer import (
    ANALYZER_SET_VERSION,
    CorruptLayer,
    DecompressionBomb,
    DiffIdMismatch,
    FileTooLarge,
    LayerAnalysis,
    LayerError,
    LayerLimits,
    LayerReader,
    LayerTooLarge,
    TooManyFiles,
    UnsupportedMediaType,
    analyze_layer,
    analyze_layer_async,
)
from tests.unit.scanner.layers.layer_builders import (
    DOCKER_GZIP,
    GZIP,
    PLAIN,
    ZSTD,
    chunks,
    directory,
    file,
    from_disk,
    gzipped,
    hardlink,
    opaque,
    symlink,
    tar_bytes,
    whiteout,
    zstded,
)

DATA = Path(__file__).parents[3] / "data"
STATUS = Path("/var/lib/dpkg/status")
OS_RELEASE = Path("/usr/lib/os-release")
MIB = 1 << 20
# The diff_id of an empty layer (a tar of two zero blocks), as seen in countless images.
EMPTY_LAYER_DIFF_ID = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"


def _real_members() -> list:
    members = [
        file("usr/lib/os-release", OS_RELEASE.read_bytes() if OS_RELEASE.exists() else b"ID=x\n"),
        symlink("etc/os-release", "../usr/lib/os-release"),
        directory("var/lib/apk/db"),
        from_disk("lib/apk/db/installed", DATA / "apk" / "installed"),
        from_disk(
            "usr/share/java/plexus-component-annotations-2.1.0.jar",
            DATA / "java" / "plexus-component-annotations-2.1.0.jar",
        ),
    ]
    if STATUS.exists():
        members.append(from_disk("var/lib/dpkg/status", STATUS))
    return members


def _summary(analysis: LayerAnalysis) -> list[tuple[str, str, int]]:
    return sorted((r.path, r.analyzer, len(r.packages)) for r in analysis.records)


def test_gzip_zstd_and_plain_give_the_same_analysis() -> None:
    raw = tar_bytes(_real_members())
    diff_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    results = [
        analyze_layer(chunks(gzipped(raw)), GZIP),
        analyze_layer(chunks(gzipped(raw), 1000), DOCKER_GZIP),
        analyze_layer(chunks(zstded(raw)), ZSTD),
        analyze_layer(chunks(raw, 7777), PLAIN),
    ]
    for analysis in results:
        assert analysis.diff_id == diff_id
        assert analysis.uncompressed_bytes == len(raw)
        assert analysis.analyzer_set_version == ANALYZER_SET_VERSION
        assert analysis == results[0]
    summary = _summary(results[0])
    assert ("lib/apk/db/installed", "apk", 15) in summary
    assert ("usr/share/java/plexus-component-annotations-2.1.0.jar", "java", 1) in summary
    assert any(path == "usr/lib/os-release" for path, _, _ in summary)
    # The symlink is examined (it shadows lower layers) but never followed.
    assert "etc/os-release" in results[0].examined_paths
    assert not any(path == "etc/os-release" for path, _, _ in summary)


def test_compression_is_read_from_the_content_not_the_label() -> None:
    raw = tar_bytes(_real_members())
    labelled_plain = analyze_layer(chunks(gzipped(raw)), PLAIN)
    labelled_gzip = analyze_layer(chunks(raw), GZIP)
    assert labelled_plain == labelled_gzip == analyze_layer(chunks(zstded(raw)), GZIP)


def test_unknown_media_types_are_refused() -> None:
    for media_type in (
        "application/vnd.oci.image.config.v1+json",
        "application/vnd.oci.image.layer.v1.tar+gzip+encrypted",
        "application/octet-stream",
        "",
    ):
        with pytest.raises(UnsupportedMediaType):
            LayerReader(media_type)
    LayerReader("application/vnd.oci.image.layer.v1.tar+zstd; charset=binary")


def test_the_diff_id_is_checked() -> None:
    raw = tar_bytes([file("a.txt", b"a")])
    good = "sha256:" + hashlib.sha256(raw).hexdigest()
    assert analyze_layer([gzipped(raw)], GZIP, expected_diff_id=good).diff_id == good
    with pytest.raises(DiffIdMismatch):
        analyze_layer([gzipped(raw)], GZIP, expected_diff_id="sha256:" + "0" * 64)


def test_empty_layer() -> None:
    analysis = analyze_layer([gzipped(bytes(1024))], GZIP)
    assert analysis.diff_id == EMPTY_LAYER_DIFF_ID
    assert analysis.entries == 0 and analysis.records == ()
    with pytest.raises(CorruptLayer):
        analyze_layer([], GZIP)


def test_truncated_gzip_is_corrupt() -> None:
    compressed = gzipped(tar_bytes(_real_members()))
    for cut in (len(compressed) // 2, len(compressed) - 4, 20):
        with pytest.raises(CorruptLayer):
            analyze_layer(chunks(compressed[:cut]), GZIP)


def test_truncated_and_damaged_tars_are_corrupt() -> None:
    raw = tar_bytes([file("var/lib/dpkg/status", b"Package: a\nVersion: 1\n" * 100)])
    with pytest.raises(CorruptLayer):
        analyze_layer([raw[:1000]], PLAIN)  # in the middle of the file body
    with pytest.raises(CorruptLayer):
        analyze_layer([raw[:300]], PLAIN)  # in the middle of a header
    damaged = bytearray(raw)
    damaged[10] ^= 0xFF  # a name byte: the header checksum no longer matches
    with pytest.raises(CorruptLayer):
        analyze_layer([bytes(damaged)], PLAIN)
    with pytest.raises(CorruptLayer):
        analyze_layer([gzipped(b"\x17" * 5000)], GZIP)  # not a tar at all
    with pytest.raises(CorruptLayer):
        analyze_layer([b"\x1f\x8b" + bytes(range(256)) * 4], GZIP)  # not gzip after the magic


def _gzip_bomb() -> bytes:
    """1 GiB of zeros under one tar header, gzipped to about 1 MiB."""
    header = tarfile.TarInfo("var/log/lastlog")
    header.size = 1 << 30
    head = header.tobuf(format=tarfile.GNU_FORMAT)
    block = zlib.compressobj(9, zlib.DEFLATED, 31)
    member = block.compress(bytes(4 * MIB)) + block.flush()
    # gzip members may be concatenated: the first carries the header.
    first = gzip.compress(head + bytes(4 * MIB - len(head)), 9, mtime=0)
    return first + member * 255


def _bounded(run: object) -> tuple[float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        run()  # type: ignore[operator]
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, peak


def test_gzip_bomb_fails_fast_with_bounded_memory() -> None:
    bomb = _gzip_bomb()
    assert len(bomb) < 2 * MIB

    def run() -> None:
        with pytest.raises(DecompressionBomb):
            analyze_layer(chunks(bomb), GZIP)

    elapsed, peak = _bounded(run)
    assert peak < 32 * MIB  # the 256 MiB grace is streamed, never held
    assert elapsed < 20

    # With the ratio check off, the byte limit stops it.
    with pytest.raises(LayerTooLarge):
        analyze_layer(
            chunks(bomb), GZIP, limits=LayerLimits(max_layer_bytes=64 * MIB, max_expansion_ratio=0)
        )


def test_zstd_bomb_fails_fast_with_bounded_memory() -> None:
    header = tarfile.TarInfo("usr/bin/app")
    header.size = 2 << 30
    compressor = zstandard.ZstdCompressor(level=1).compressobj()
    parts = [compressor.compress(header.tobuf(format=tarfile.GNU_FORMAT))]
    block = bytes(4 * MIB)
    parts += [compressor.compress(block) for _ in range(512)]
    bomb = b"".join(parts) + compressor.flush()
    assert len(bomb) < MIB

    def run() -> None:
        with pytest.raises(DecompressionBomb):
            analyze_layer([bomb], ZSTD)  # one chunk that inflates to 2 GiB

    _, peak = _bounded(run)
    assert peak < 32 * MIB


def test_file_count_bomb() -> None:
    raw = tar_bytes([file(f"d/{i}", b"") for i in range(3000)])
    compressed = gzipped(raw)
    with pytest.raises(TooManyFiles):
        analyze_layer(chunks(compressed), GZIP, limits=LayerLimits(max_entries=2000))
    assert analyze_layer(chunks(compressed), GZIP).entries == 3000


def test_package_database_over_the_limit_fails_the_layer() -> None:
    raw = tar_bytes([file("var/lib/dpkg/status", b"Package: a\nVersion: 1\n\n" * 5000)])
    with pytest.raises(FileTooLarge):
        analyze_layer([raw], PLAIN, limits=LayerLimits(max_database_bytes=10_000))


def test_other_oversized_files_are_skipped_and_noted() -> None:
    jar = (DATA / "java" / "plexus-component-annotations-2.1.0.jar").read_bytes()
    raw = tar_bytes([file("app/lib/big.jar", jar), file("app/lib/small.jar", jar[:100])])
    analysis = analyze_layer([raw], PLAIN, limits=LayerLimits(max_file_bytes=1000))
    skipped = {(s.path, s.analyzer) for s in analysis.skipped}
    assert ("app/lib/big.jar", "java") in skipped
    # The truncated copy is read and found unreadable: noted, not fatal.
    assert any(s.path == "app/lib/small.jar" and "unreadable" in s.reason for s in analysis.skipped)
    assert analysis.records == ()


def test_hostile_paths_never_escape_and_links_are_never_followed() -> None:
    os_release = b'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'
    raw = tar_bytes(
        [
            file("../../../etc/os-release", os_release),  # clamped to etc/os-release
            file("/lib/apk/db/installed", (DATA / "apk" / "installed").read_bytes()),
            file("./usr//lib/./x/../os-release", os_release),
            symlink("var/lib/dpkg/status", "/etc/shadow"),  # absolute symlink
            symlink("usr/lib/sysimage/rpm/rpmdb.sqlite", "../../../../../../root/x"),
            hardlink("etc/redhat-release", "../../../../etc/passwd"),  # points outside: clamped
            file("a/b/../../../c", b""),
        ]
    )
    analysis = analyze_layer([raw], PLAIN)
    paths = {r.path for r in analysis.records}
    assert paths == {"etc/os-release", "lib/apk/db/installed", "usr/lib/os-release"}
    assert analysis.escaped_paths == 2  # member names; link targets are never resolved
    assert {"var/lib/dpkg/status", "usr/lib/sysimage/rpm/rpmdb.sqlite"} <= set(
        analysis.examined_paths
    )
    assert all(not p.startswith(("/", "..")) for p in analysis.examined_paths)


def test_hard_links_carry_the_findings_of_their_target() -> None:
    raw = tar_bytes(
        [
            from_disk("lib/apk/db/installed", DATA / "apk" / "installed"),
            hardlink("usr/lib/apk/db/installed", "lib/apk/db/installed"),
        ]
    )
    records = {r.path: r for r in analyze_layer([raw], PLAIN).records}
    assert set(records) == {"lib/apk/db/installed", "usr/lib/apk/db/installed"}
    copy = records["usr/lib/apk/db/installed"]
    assert len(copy.packages) == 15
    assert {p.path for p in copy.packages} == {"usr/lib/apk/db/installed"}


def test_whiteouts_and_opaque_directories_are_recorded() -> None:
    raw = tar_bytes(
        [
            whiteout("usr/lib/python3/dist-packages/six-1.16.0.dist-info"),
            whiteout("etc/os-release"),
            opaque("usr/lib/node_modules"),
            file("usr/lib/node_modules/.wh..wh.plnk/123", b""),  # AUFS bookkeeping: ignored
        ]
    )
    analysis = analyze_layer([raw], PLAIN)
    assert analysis.whiteouts == (
        "usr/lib/python3/dist-packages/six-1.16.0.dist-info",
        "etc/os-release",
    )
    assert analysis.opaque_dirs == ("usr/lib/node_modules",)


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT])
def test_long_and_non_ascii_names(fmt: int) -> None:
    deep = "app/" + "/".join(["node_modules/some-rather-long-package-name"] * 4) + "/package.json"
    raw = tar_bytes(
        [
            file(deep, b'{"name": "some-rather-long-package-name", "version": "1.0.0"}'),
            file(
                "app/node_modules/caf\u00e9/package.json",
                '{"name": "caf\u00e9", "version": "2.0.0"}'.encode(),
            ),
            symlink("app/node_modules/x/package.json", "../" + "y" * 150 + "/package.json"),
        ],
        fmt,
    )
    analysis = analyze_layer([raw], PLAIN)
    found = {(r.path, r.packages[0].name) for r in analysis.records}
    assert (deep, "some-rather-long-package-name") in found
    assert ("app/node_modules/caf\u00e9/package.json", "caf\u00e9") in found


_CHUNKING_LAYER = tar_bytes(
    [
        file("etc/alpine-release", b"3.19.1\n"),
        file("app/" + "n" * 120 + "/node_modules/a/package.json", b'{"name":"a","version":"1"}'),
        from_disk("lib/apk/db/installed", DATA / "apk" / "installed"),
        whiteout("old/file"),
    ]
)
_CHUNKING_EXPECTED = analyze_layer([gzipped(_CHUNKING_LAYER)], GZIP)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(min_value=1, max_value=40_000), compressed=st.booleans())
def test_chunk_boundaries_do_not_matter(size: int, compressed: bool) -> None:
    data = gzipped(_CHUNKING_LAYER) if compressed else _CHUNKING_LAYER
    assert analyze_layer(chunks(data, size), GZIP if compressed else PLAIN) == _CHUNKING_EXPECTED


async def _aiter(data: bytes, size: int) -> AsyncIterator[bytes]:
    for piece in chunks(data, size):
        await asyncio.sleep(0)
        yield piece


@pytest.mark.parametrize("offload", [True, False])
async def test_async_stream(offload: bool) -> None:
    raw = tar_bytes(_real_members())
    expected = analyze_layer([raw], PLAIN)
    found = await analyze_layer_async(
        _aiter(gzipped(raw), 8192), GZIP, offload=offload, batch_bytes=50_000
    )
    assert found == expected


def test_json_round_trip() -> None:
    raw = tar_bytes(
        [
            *_real_members(),
            whiteout("x/y"),
            opaque("z"),
            file("app/node_modules/nul/package.json", b'{"name": "n\\u0000ul", "version": "1"}'),
        ]
    )
    analysis = analyze_layer([raw], PLAIN)
    text = analysis.to_json()
    assert "\\u0000" not in text
    again = LayerAnalysis.from_json(text)
    assert again.to_json() == text
    nul_json = "app/node_modules/nul/package.json"
    without_nul = [r for r in analysis.records if r.path != nul_json]
    assert [r for r in again.records if r.path != nul_json] == without_nul
    assert {p.name for r in again.records for p in r.packages if p.name.startswith("n")} >= {"nul"}
    assert again.whiteouts == analysis.whiteouts and again.examined_paths == analysis.examined_paths


@pytest.mark.skipif(shutil.which("tar") is None, reason="GNU tar not installed")
@pytest.mark.parametrize("fmt", ["gnu", "posix"])
def test_sparse_members_written_by_gnu_tar_are_walked_past(tmp_path: Path, fmt: str) -> None:
    """Old-GNU sparse headers continue in extension blocks; PAX sparse uses GNU.sparse.*."""
    holey = tmp_path / "holey"
    with holey.open("wb") as out:
        out.truncate(40 * MIB)
        for hole in range(1, 30):  # enough data islands to need sparse extension blocks
            out.seek(hole * 1_300_000)
            out.write(b"x")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "alpine-release").write_text("3.19.1\n")
    archive = tmp_path / "layer.tar"
    subprocess.run(
        ["tar", f"--format={fmt}", "--sparse", "-cf", str(archive), "holey", "etc/alpine-release"],
        cwd=tmp_path,
        check=True,
    )
    analysis = analyze_layer([gzipped(archive.read_bytes())], GZIP)
    assert analysis.entries == 2
    (record,) = analysis.records
    assert record.os is not None and record.os.version_id == "3.19.1"


def test_hostile_file_contents_are_noted_not_fatal() -> None:
    jar = bytearray((DATA / "java" / "plexus-component-annotations-2.1.0.jar").read_bytes())
    end = jar.rfind(b"PK\x05\x06")
    jar[end + 10 : end + 12] = b"\xff\xff"  # claims a zip64-sized central directory
    many = b"".join(
        b"Package: p%d\nVersion: 1\nStatus: install ok installed\n\n" % i for i in range(100_001)
    )
    raw = tar_bytes(
        [
            file("app/lib/huge-directory.jar", bytes(jar)),
            file("app/node_modules/deep/package.json", b"[" * 200_000 + b"]" * 200_000),
            file("var/lib/dpkg/status", many),
            file("etc/alpine-release", b"3.19.1\n"),
        ]
    )
    analysis = analyze_layer([gzipped(raw)], GZIP)
    reasons = {s.path: s.reason for s in analysis.skipped}
    assert set(reasons) == {
        "app/lib/huge-directory.jar",
        "app/node_modules/deep/package.json",
        "var/lib/dpkg/status",
    }
    assert all(r.startswith("unreadable") for r in reasons.values())
    assert [r.path for r in analysis.records] == ["etc/alpine-release"]


_FUZZ_BASE = tar_bytes(
    [
        file("etc/os-release", b'ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n'),
        from_disk("lib/apk/db/installed", DATA / "apk" / "installed"),
        from_disk("var/lib/rpm/Packages", DATA / "rpmdb" / "libuuid" / "Packages"),
        from_disk("app/lib/a-2.1.0.jar", DATA / "java" / "plexus-component-annotations-2.1.0.jar"),
        file("app/node_modules/x/package.json", b'{"name": "x", "version": "1.0.0"}'),
        file(
            "app/" + "p" * 140 + "/site-packages/x-1.dist-info/METADATA", b"Name: x\nVersion: 1\n"
        ),
        whiteout("gone"),
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    flips=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(_FUZZ_BASE) - 1), st.integers(1, 255)),
        min_size=1,
        max_size=8,
    ),
    cut=st.one_of(st.none(), st.integers(min_value=0, max_value=len(_FUZZ_BASE))),
)
def test_damaged_layers_fail_only_with_layer_errors(
    flips: list[tuple[int, int]], cut: int | None
) -> None:
    """Random byte damage anywhere (headers, databases, archives) gives a result or a
    LayerError, never an unexpected exception."""
    damaged = bytearray(_FUZZ_BASE)
    for position, xor in flips:
        damaged[position] ^= xor
    data = bytes(damaged[:cut] if cut is not None else damaged)
    with contextlib.suppress(LayerError):
        analyze_layer(chunks(data, 4096), PLAIN)
