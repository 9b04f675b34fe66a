"""Loading OSV records from a directory and from an osv.dev-style all.zip; bad files are
skipped with a recorded reason, never crashing the import."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from services.scanner.vulndb import loader
from services.scanner.vulndb.loader import load_directory, load_zip

VULNDB = Path(__file__).resolve().parents[3] / "data" / "vulndb"
GOOD = VULNDB / "pypi" / "PYSEC-2023-228.json"


def _all_zip(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_directory_of_real_records() -> None:
    result = load_directory(VULNDB)
    assert result.errors == []
    assert len(result.records) == 1420
    assert len({r.id for r in result.records}) == 1412


def test_zip_of_real_records_like_osv_dev_all_zip(tmp_path: Path) -> None:
    # osv.dev's all.zip holds one <ID>.json per record at the top level
    files = {p.name: p.read_bytes() for p in sorted((VULNDB / "go").glob("*.json"))}
    data = _all_zip(files)
    from_bytes = load_zip(data)
    assert from_bytes.errors == []
    assert sorted(r.id for r in from_bytes.records) == sorted(n[: -len(".json")] for n in files)
    path = tmp_path / "all.zip"
    path.write_bytes(data)
    assert [r.id for r in load_zip(path).records] == [r.id for r in from_bytes.records]


def test_bad_files_in_a_directory_are_skipped_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_bytes(GOOD.read_bytes())
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "two.json").write_text(
        json.dumps([json.loads(GOOD.read_text()), {"id": "X-2"}])
    )
    (tmp_path / "truncated.json").write_bytes(GOOD.read_bytes()[:200])
    (tmp_path / "latin1.json").write_bytes(b'{"id": "\xe9"}')
    (tmp_path / "not-a-record.json").write_text('"just a string"')
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "dir.json").mkdir()
    (tmp_path / "README.md").write_text("not json, not read")
    result = load_directory(tmp_path)
    assert [r.id for r in result.records] == ["PYSEC-2023-228", "PYSEC-2023-228"]
    reasons = {e.source: e.message for e in result.errors}
    assert set(reasons) == {
        "nested/two.json[1]",
        "truncated.json",
        "latin1.json",
        "not-a-record.json",
        "deep.json",
    }
    assert "modified" in reasons["nested/two.json[1]"]
    assert reasons["truncated.json"].startswith("not JSON")


def test_oversized_files_are_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "MAX_RECORD_BYTES", 1000)
    (tmp_path / "big.json").write_bytes(GOOD.read_bytes())
    assert GOOD.stat().st_size > 1000
    result = load_directory(tmp_path)
    assert result.records == []
    assert "limit" in result.errors[0].message
    # a zip member that inflates past the limit (a zip bomb in miniature)
    bomb = _all_zip({"bomb.json": b" " * 5_000_000 + b"{}", "ok.json": b"{}"})
    assert len(bomb) < 20_000
    result = load_zip(bomb)
    assert [e.source for e in result.errors] == ["bomb.json", "ok.json"]
    assert "limit" in result.errors[0].message


def test_damaged_zips_and_members(tmp_path: Path) -> None:
    assert load_zip(b"PK\x03\x04 not really").errors[0].source == "all.zip"
    missing = load_zip(tmp_path / "absent.zip")
    assert missing.records == [] and "not a readable zip" in missing.errors[0].message
    # flip bytes inside one member's compressed data: CRC/inflate error for that one only
    data = bytearray(_all_zip({"a.json": GOOD.read_bytes(), "b.json": GOOD.read_bytes()}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("a.json")
    start = info.header_offset + 30 + len(info.filename) + 10
    data[start : start + 20] = bytes(20)
    result = load_zip(bytes(data))
    assert [r.id for r in result.records] == ["PYSEC-2023-228"]
    assert [e.source for e in result.errors] == ["a.json"]
    # directories and other files inside the zip are not records
    other = load_zip(_all_zip({"vulns/": b"", "LICENSE": b"x", "x/GHSA.json": GOOD.read_bytes()}))
    assert other.errors == [] and len(other.records) == 1
