"""The rules benchmark runs (quick mode) and ends with its one-line JSON result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "bench" / "rules.py"


def test_bench_quick_prints_its_result_last() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = done.stdout.strip().splitlines()
    assert len(lines) > 1  # info lines come first
    result = json.loads(lines[-1])
    assert set(result) == {"images", "patterns", "eval_s"}
    assert result["images"] == 5_000
    assert result["patterns"] == 100
    assert 0 < result["eval_s"] < 30
